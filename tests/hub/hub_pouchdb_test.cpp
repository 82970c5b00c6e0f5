// PouchDB 9 (Node, memory adapter) replicates to and from a real `kenes hub` in both directions
// with deletions and multi-branch conflicts; the same scenario runs against PouchDB Server and
// both servers must give the same winners and conflict lists.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/hub_fixture.h"

using namespace kenes::test;
using Json = nlohmann::json;

namespace {
RunResult scenario(const std::string& url, const std::string& db, const std::vector<std::string>& auth) {
    std::vector<std::string> argv{"node", (sourceDir() / "tests" / "hub" / "pouchdb_scenario.js").string(),
                                  url, db};
    argv.insert(argv.end(), auth.begin(), auth.end());
    return runCommand(argv, {}, std::chrono::seconds(120));
}
}  // namespace

TEST_CASE("PouchDB replicates both ways through the hub like through PouchDB Server",
          "[hub][pouchdb][replication]") {
    TempDir dir("kenes-hub-pouchdb");
    auto data = dir.path() / "data";
    REQUIRE(addHubUser(data, "olga", "organizer", "org-secret").exitCode == 0);
    HubProcess hub(data);
    auto onHub = scenario(hub.url(), "events", {"olga", "org-secret"});
    INFO("hub stderr: " << onHub.err);
    REQUIRE(onHub.exitCode == 0);
    Json hubAnswers = Json::parse(onHub.out);

    PouchDbServer pouch;
    auto onPouch = scenario(pouch.url(), "events", {});
    INFO("PouchDB Server stderr: " << onPouch.err);
    REQUIRE(onPouch.exitCode == 0);
    Json pouchAnswers = Json::parse(onPouch.out);

    CHECK(hubAnswers["conflicted"] == Json{{"rev", "3-dddd"}, {"conflicts", {"2-bbbb"}}});
    CHECK(hubAnswers["Конфликт/1"] == Json{{"rev", "1-9999"}, {"conflicts", {"1-8888"}}});
    CHECK(hubAnswers["to-delete"]["error"] == 404);
    for (const auto& [id, answer] : pouchAnswers.items()) {
        INFO(id);
        CHECK(hubAnswers[id] == answer);
    }
    CHECK(hubAnswers.size() == pouchAnswers.size());

    // the hub's own view of the data after the restart is the same
    hub.process().stop();
    HubProcess again(data);
    auto doc = httpRequest(again.port(), "GET", "/events/conflicted?conflicts=true", "",
                           authHeaders("olga", "org-secret"));
    CHECK(Json::parse(doc.body)["_conflicts"] == Json::array({"2-bbbb"}));
}
