// Pulling from a remote source, first-generation revisions (no history) come with the changes feed
// (`include_docs`) instead of a _bulk_get; every other revision, and every body that does not match
// its row exactly, is fetched as before. A re-run that finds everything present stops asking for
// bodies. A relay between the replicator and PouchDB Server counts and edits what passes.
#include <catch2/catch.hpp>

#include <mutex>
#include <set>

#include "support/net_faults.h"
#include "support/process.h"
#include "sync/replicator.h"
#include "sync_test_util.h"

using namespace kenes;
using namespace kenes::synctest;

namespace {

// Relays every request to PouchDB Server; records the revisions asked for in _bulk_get bodies and
// the _changes requests, and lets a test rewrite the rows of _changes answers.
class Relay {
public:
    explicit Relay(int port)
        : m_server(test::ScriptedHttpServer::BodyHandler([this, port](const std::string& method,
                                                                      const std::string& target,
                                                                      const std::string& body) {
              auto reply =
                  test::httpRequest(port, method, target, body,
                                    {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
              std::lock_guard lock(m_mutex);
              if (target.find("/_bulk_get") != std::string::npos) {
                  Json asked = Json::parse(body);
                  for (const auto& doc : asked["docs"])
                      bulkGetRevs.insert(doc["id"].get<std::string>() + " " + doc["rev"].get<std::string>());
              }
              if (target.find("/_changes") != std::string::npos) {
                  changesTargets.push_back(target);
                  if (editRow && reply.status == 200) {
                      Json answer = Json::parse(reply.body);
                      for (auto& row : answer["results"]) editRow(row);
                      reply.body = answer.dump();
                  }
              }
              return test::ScriptedHttpServer::reply(reply.status, "application/json", reply.body);
          })) {}

    std::string url() const { return m_server.url(); }
    size_t changesWithBodies() const {
        size_t n = 0;
        for (const auto& t : changesTargets) n += t.find("include_docs=true") != std::string::npos;
        return n;
    }

    std::mutex m_mutex;
    std::set<std::string> bulkGetRevs;  // "id rev"
    std::vector<std::string> changesTargets;
    std::function<void(Json& row)> editRow;

private:
    test::ScriptedHttpServer m_server;
};

// The "id rev" of every document of `docs` whose only leaf is a live first-generation revision.
std::set<std::string> singleFirstGeneration(const std::vector<Json>& docs) {
    std::map<std::string, std::vector<const Json*>> byId;
    for (const auto& doc : docs) byId[doc["_id"].get<std::string>()].push_back(&doc);
    std::set<std::string> out;
    for (const auto& [id, revs] : byId) {
        if (revs.size() != 1) continue;
        const Json& doc = *revs.front();
        std::string rev = doc["_rev"].get<std::string>();
        if (rev.rfind("1-", 0) == 0 && !doc.value("_deleted", false)) out.insert(id + " " + rev);
    }
    return out;
}

// A pull from the relay's "source" database into a fresh local store.
struct LocalPull {
    explicit LocalPull(const Relay& relay)
        : store(storage::Store::open(dir.path())),
          source(relay.url() + "/source"),
          target(store->database("copy", true)) {}
    sync::ReplicationResult run(size_t batchSize, std::string* replicationId = nullptr) {
        sync::ReplicationOptions options;
        options.batchSize = batchSize;
        sync::Replicator replicator(source, target, options);
        auto result = replicator.run();
        if (replicationId) *replicationId = replicator.replicationId();
        return result;
    }
    test::TempDir dir{"kenes-feed-bodies"};
    std::unique_ptr<storage::Store> store;
    sync::RemoteEndpoint source;
    sync::LocalEndpoint target;
};

}  // namespace

TEST_CASE("a pull takes first-generation revisions from the changes feed and fetches the rest",
          "[sync][pouchdb][feed]") {
    test::PouchDbServer server;
    auto docs = makeDataset(400);
    putRemote(server.port(), "source", docs);
    auto fromFeed = singleFirstGeneration(docs);
    REQUIRE(fromFeed.size() > 100);
    Relay relay(server.port());
    LocalPull pull(relay);
    auto result = pull.run(100);
    CHECK(result.progress.docFailures == 0);
    CHECK(result.progress.docsFromFeed == fromFeed.size());
    CHECK(result.progress.docsWritten == result.progress.docsRead);
    CHECK(relay.bulkGetRevs.size() == result.progress.docsRead - fromFeed.size());
    for (const auto& idRev : fromFeed) CHECK(relay.bulkGetRevs.count(idRev) == 0);
    CHECK(relay.changesWithBodies() == relay.changesTargets.size());
    CHECK(describeDifference(remoteSnapshot(server.port(), "source"),
                             localSnapshot(pull.target.database())) == "");
    // Stored as a fetched revision would be: the same rev and body.
    std::string id = fromFeed.begin()->substr(0, fromFeed.begin()->find(' '));
    Json stored = pull.target.database().get(id);
    Json remote = getRemote(server.port(), "/source/" + id);
    CHECK(stored == remote);
}

TEST_CASE("a body from the feed that does not match its row exactly is fetched instead",
          "[sync][pouchdb][feed]") {
    test::PouchDbServer server;
    auto docs = makeDataset(200);
    putRemote(server.port(), "source", docs);
    auto fromFeed = singleFirstGeneration(docs);
    // Rows whose bodies the relay spoils, one way each; the replicator must fetch these.
    std::vector<std::string> spoiled;
    for (const auto& idRev : fromFeed)
        if (spoiled.size() < 6) spoiled.push_back(idRev.substr(0, idRev.find(' ')));
    REQUIRE(spoiled.size() == 6);
    Relay relay(server.port());
    relay.editRow = [&](Json& row) {
        if (!row.contains("doc")) return;
        auto at = std::find(spoiled.begin(), spoiled.end(), row["id"].get<std::string>());
        switch (at - spoiled.begin()) {
            case 0:
                row["doc"]["_rev"] = "1-00000000000000000000000000000000";
                break;  // another revision
            case 1:
                row["doc"]["_id"] = "someone-else";
                break;
            case 2:
                row["doc"]["_attachments"] = {{"a.txt", {{"stub", true}, {"length", 3}}}};
                break;
            case 3:
                row["doc"]["_deleted"] = true;
                break;
            case 4:
                row["doc"] = "not an object";
                break;
            case 5:
                row["doc"]["_conflicts"] = Json::array({"1-ffffffffffffffffffffffffffffffff"});
                break;
            default:
                break;
        }
    };
    LocalPull pull(relay);
    auto result = pull.run(50);
    CHECK(result.progress.docFailures == 0);
    CHECK(result.progress.docsFromFeed == fromFeed.size() - spoiled.size());
    for (const auto& id : spoiled) {
        INFO(id);
        bool fetched = false;
        for (const auto& idRev : relay.bulkGetRevs) fetched = fetched || idRev.rfind(id + " ", 0) == 0;
        CHECK(fetched);
    }
    CHECK(describeDifference(remoteSnapshot(server.port(), "source"),
                             localSnapshot(pull.target.database())) == "");
}

TEST_CASE("a re-run from the start over documents already present stops asking for bodies",
          "[sync][pouchdb][feed]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(600));
    Relay relay(server.port());
    LocalPull pull(relay);
    std::string replicationId;
    pull.run(100, &replicationId);
    CHECK(relay.changesWithBodies() == relay.changesTargets.size());
    // Without the checkpoint on the target the next run starts from the beginning of the feed,
    // finds every revision present, and asks for bodies with the first two pages only (the second
    // is read ahead, before the first has been compared with the target).
    pull.target.database().removeLocal(replicationId);
    relay.changesTargets.clear();
    auto again = pull.run(100);
    CHECK(again.startSeq == 0);
    CHECK(again.progress.changesRead == 600);
    CHECK(again.progress.docsRead == 0);
    CHECK(relay.changesTargets.size() == 7);  // six full pages, one empty
    CHECK(relay.changesWithBodies() == 2);
}
