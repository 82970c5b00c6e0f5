// Kenes' own replicator (kenes_sync) syncs two data directories through a real `kenes hub`:
// push from one store, pull into another, edits and conflicts flow back; the winners and
// conflict lists agree everywhere. A participant's push into `events` is refused.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hub/hub_fixture.h"
#include "storage/store.h"
#include "sync/endpoint.h"
#include "sync/replicator.h"
#include "sync/sync_error.h"

using namespace kenes::test;
using namespace kenes;
using Json = nlohmann::json;

namespace {
sync::ReplicationResult replicate(sync::Endpoint& source, sync::Endpoint& target) {
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 100;
    options.maxAttempts = 3;
    sync::Replicator replicator(source, target, options);
    return replicator.run();
}

sync::HttpOptions credentials(const std::string& user, const std::string& password) {
    sync::HttpOptions o;
    o.user = user;
    o.password = password;
    return o;
}

// id -> {winner rev, sorted conflicts} of every document (deleted ones as "deleted").
Json summary(storage::Database& db) {
    Json out = Json::object();
    storage::ChangesOptions all;
    for (const auto& row : db.changes(all).results) {
        if (row.deleted) {
            out[row.id] = Json{{"deleted", row.revs.front()}};
            continue;
        }
        storage::GetOptions o;
        o.conflicts = true;
        Json doc = db.get(row.id, o);
        out[row.id] = Json{{"rev", doc["_rev"]}, {"conflicts", doc.value("_conflicts", Json::array())}};
    }
    return out;
}
}  // namespace

TEST_CASE("the Kenes replicator syncs two data directories through the hub", "[hub][sync][replication]") {
    TempDir dir("kenes-hub-replicator");
    auto hubData = dir.path() / "hub";
    REQUIRE(addHubUser(hubData, "olga", "organizer", "org-secret").exitCode == 0);
    REQUIRE(addHubUser(hubData, "pavel", "participant", "pavel-secret").exitCode == 0);
    HubProcess hub(hubData);

    auto storeA = storage::Store::open(dir.path() / "a");
    auto storeB = storage::Store::open(dir.path() / "b");
    auto a = storeA->database("events", true);
    auto b = storeB->database("events", true);
    for (int i = 0; i < 300; ++i)
        a->put(Json{{"_id", "session/" + std::to_string(i)}, {"title", "Сессия " + std::to_string(i)}});
    for (std::string id : {"a+b", "with space", "Программа"}) a->put(Json{{"_id", id}, {"v", 1}});
    auto gone = a->put(Json{{"_id", "gone"}, {"v", 1}});
    a->remove("gone", gone.rev);
    std::vector<Json> branches;
    for (const char* text :
         {R"({"_id":"conflicted","_rev":"1-a","v":1})",
          R"({"_id":"conflicted","_rev":"2-b","v":2,"_revisions":{"start":2,"ids":["b","a"]}})",
          R"({"_id":"conflicted","_rev":"2-c","v":3,"_revisions":{"start":2,"ids":["c","a"]}})"})
        branches.push_back(Json::parse(text));
    auto rows = a->bulkDocs(branches, false);
    for (const auto& row : rows) {
        INFO(row.id << " " << row.rev << " " << row.error << " " << row.reason);
        CHECK(row.ok());
    }

    std::string url = hub.url() + "/events";
    {
        sync::LocalEndpoint source(a);
        sync::RemoteEndpoint target(url, credentials("olga", "org-secret"));
        auto r = replicate(source, target);
        CHECK(r.complete());
    }
    {
        sync::RemoteEndpoint source(url, credentials("olga", "org-secret"));
        sync::LocalEndpoint target(b);
        auto r = replicate(source, target);
        CHECK(r.complete());
        CHECK(r.progress.docsWritten >= 305);
    }
    CHECK(summary(*a) == summary(*b));
    CHECK(summary(*b)["conflicted"] == Json{{"rev", "2-c"}, {"conflicts", {"2-b"}}});

    // edits on B flow back to A through the hub; a second run only moves what changed
    auto doc = b->get("session/7");
    doc["title"] = "Изменено";
    b->put(doc);
    b->remove("conflicted", "2-b");
    {
        sync::LocalEndpoint source(b);
        sync::RemoteEndpoint target(url, credentials("olga", "org-secret"));
        auto r = replicate(source, target);
        CHECK(r.progress.docsWritten == 2);
    }
    {
        sync::RemoteEndpoint source(url, credentials("olga", "org-secret"));
        sync::LocalEndpoint target(a);
        replicate(source, target);
    }
    CHECK(summary(*a) == summary(*b));
    CHECK(a->get("session/7")["title"] == "Изменено");

    // a participant may pull events but not push into it
    auto storeC = storage::Store::open(dir.path() / "c");
    auto c = storeC->database("events", true);
    {
        sync::RemoteEndpoint source(url, credentials("pavel", "pavel-secret"));
        sync::LocalEndpoint target(c);
        CHECK(replicate(source, target).complete());
    }
    CHECK(summary(*c) == summary(*a));
    c->put(Json{{"_id", "intruder"}, {"v", 1}});
    {
        sync::LocalEndpoint source(c);
        sync::RemoteEndpoint target(url, credentials("pavel", "pavel-secret"));
        bool refused = false;
        try {
            refused = !replicate(source, target).complete();
        } catch (const sync::SyncError&) {
            refused = true;
        }
        CHECK(refused);
    }
    CHECK(httpRequest(hub.port(), "GET", "/events/intruder", "", authHeaders("olga", "org-secret")).status ==
          404);
}
