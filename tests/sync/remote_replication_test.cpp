// The replicator between two databases of a PouchDB Server (remote → remote): conflicts and
// deletions, checkpoints, idempotence, the open_revs fallback, faults injected by a proxy.
#include <catch2/catch.hpp>

#include "support/net_faults.h"
#include "support/process.h"
#include "sync/replicator.h"
#include "sync_test_util.h"

using namespace kenes;
using namespace kenes::synctest;

namespace {

// Presents a remote database with CouchDB 2+/3 style opaque string sequences ("7-g1AAAA…"),
// so the replicator must store and echo them without interpreting them.
class StringSeqEndpoint : public sync::RemoteEndpoint {
public:
    using RemoteEndpoint::RemoteEndpoint;
    static Json wrap(const Json& seq) { return seq.dump() + "-g1AAAAGjeJzLYWBgYMlgTmFQTElKzi9KdUhJMtHLTU1M"; }
    static Json unwrap(const Json& since) {
        if (!since.is_string()) return since;
        auto s = since.get<std::string>();
        return Json::parse(s.substr(0, s.find('-')));
    }
    sync::ChangesPage changes(const Json& since, size_t limit, bool withBodies) override {
        seen.push_back(since);
        auto page = RemoteEndpoint::changes(unwrap(since), limit, withBodies);
        for (auto& row : page.results) row.seq = wrap(row.seq);
        page.lastSeq = wrap(page.lastSeq);
        return page;
    }
    std::vector<Json> seen;
};

}  // namespace

TEST_CASE("opaque string sequences are stored and echoed as given", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "s", makeDataset(250));
    StringSeqEndpoint source(server.url() + "/s");
    sync::RemoteEndpoint target(server.url() + "/t");
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 100;
    sync::Replicator replicator(source, target, options);
    replicator.run();
    auto log = getRemote(server.port(), "/t/_local/" + replicator.replicationId());
    REQUIRE(log["source_last_seq"].is_string());
    CHECK(log["source_last_seq"].get<std::string>().find("-g1AAAA") != std::string::npos);
    putRemote(server.port(), "s", makeDataset(5, "late-"));
    source.seen.clear();
    auto again = sync::Replicator(source, target, options).run();
    REQUIRE(!source.seen.empty());
    CHECK(source.seen.front() == log["source_last_seq"]);
    CHECK(again.progress.changesRead == 5);
    CHECK(describeDifference(remoteSnapshot(server.port(), "s"), remoteSnapshot(server.port(), "t")) == "");
}

TEST_CASE("remote to remote: conflicts and deletions replicate, a re-run is a no-op", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(1200));
    sync::RemoteEndpoint source(server.url() + "/source");
    sync::RemoteEndpoint target(server.url() + "/target");
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 250;
    sync::Replicator first(source, target, options);
    auto result = first.run();
    CHECK(result.progress.docFailures == 0);
    CHECK(result.progress.changesRead == 1200);
    CHECK(result.progress.docsWritten == result.progress.docsRead);
    CHECK(result.progress.docsRead == 1200 + 1200 / 5);
    CHECK(describeDifference(remoteSnapshot(server.port(), "source"),
                             remoteSnapshot(server.port(), "target")) == "");

    // The checkpoint is on both sides with the same session.
    auto id = first.replicationId();
    auto sourceLog = getRemote(server.port(), "/source/_local/" + id);
    auto targetLog = getRemote(server.port(), "/target/_local/" + id);
    CHECK(sourceLog["session_id"] == targetLog["session_id"]);
    CHECK(sourceLog["history"].size() == 1);

    uint64_t before = source.requestCount() + target.requestCount();
    sync::Replicator second(source, target, options);
    auto again = second.run();
    CHECK(second.replicationId() == id);
    CHECK(again.progress.changesRead == 0);
    CHECK(again.progress.docsRead == 0);
    CHECK(again.progress.docsWritten == 0);
    // info ×2, _local ×2, one empty _changes page
    CHECK(source.requestCount() + target.requestCount() - before == 5);
}

TEST_CASE("remote to remote: resume from the newest common history entry", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "a", makeDataset(300));
    sync::RemoteEndpoint a(server.url() + "/a");
    sync::RemoteEndpoint b(server.url() + "/b");
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 100;
    sync::Replicator(a, b, options).run();

    // The target lost its checkpoint's session (another replicator wrote a newer session there
    // meanwhile, keeping ours in the history): resume from the common history entry.
    sync::Replicator probe(a, b, options);
    auto id = sync::Replicator::makeReplicationId(a.identity(), b.identity());
    auto log = getRemote(server.port(), "/b/_local/" + id);
    Json other = log;
    other["session_id"] = "someone-else";
    Json entry = log["history"][0];
    entry["session_id"] = "someone-else";
    entry["recorded_seq"] = 0;
    other["history"].insert(other["history"].begin(), entry);
    auto put = test::httpRequest(server.port(), "PUT", "/b/_local/" + id, other.dump(),
                                 {{"Content-Type", "application/json"}});
    REQUIRE(put.status == 201);
    putRemote(server.port(), "a", makeDataset(10, "extra-"));
    auto result = probe.run();
    CHECK(result.startSeq == log["source_last_seq"]);
    CHECK(result.progress.changesRead == 10);
    CHECK(describeDifference(remoteSnapshot(server.port(), "a"), remoteSnapshot(server.port(), "b")) == "");
}

TEST_CASE("remote to remote through a fault-injecting proxy converges", "[sync][pouchdb][faults]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(2000));
    test::FaultOptions faults;
    faults.seed = 42;
    faults.errorProbability = 0.15;
    faults.cutProbability = 0.25;
    faults.maxCutBytes = 12 * 1024;  // answers are gzipped: a few kB to a few tens of kB
    faults.delayProbability = 0.05;
    faults.maxDelayMs = 30;
    test::FaultProxy proxy(server.port(), faults);
    sync::RemoteEndpoint source(proxy.url() + "/source");
    sync::RemoteEndpoint target(proxy.url() + "/target");
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 200;
    options.initialBackoff = std::chrono::milliseconds(10);
    options.maxBackoff = std::chrono::milliseconds(200);
    options.maxAttempts = 30;
    sync::Replicator replicator(source, target, options);
    auto result = replicator.run();
    auto counts = proxy.counts();
    INFO("errors " << counts.errors << " cuts " << counts.cuts << " retries " << result.progress.retries);
    CHECK(counts.errors > 0);
    CHECK(counts.cuts > 0);
    CHECK(result.progress.retries > 0);
    CHECK(result.progress.docFailures == 0);
    proxy.setEnabled(false);
    CHECK(describeDifference(remoteSnapshot(server.port(), "source"),
                             remoteSnapshot(server.port(), "target")) == "");
}

TEST_CASE("401 on the target database stops with a clear error", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(20));
    test::ScriptedHttpServer locked([](const std::string&, const std::string&) {
        return test::ScriptedHttpServer::reply(
            401, "application/json",
            R"({"error":"unauthorized","reason":"You are not authorized to access this db."})");
    });
    sync::RemoteEndpoint source(server.url() + "/source");
    sync::RemoteEndpoint target(locked.url() + "/target");
    sync::Replicator replicator(source, target);
    try {
        replicator.run();
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Auth);
        CHECK(std::string(e.what()).find("not authorized") != std::string::npos);
    }
    CHECK(locked.requests() == 1);  // no retries
}

TEST_CASE("an answer cut short at the very start is retried; an unreachable peer fails at once",
          "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(30));
    int port = server.port();
    std::atomic<int> seen{0};
    // The first request's answer breaks off after a few bytes; the rest are relayed.
    test::ScriptedHttpServer flaky(test::ScriptedHttpServer::BodyHandler(
        [&](const std::string& method, const std::string& target, const std::string& body) {
            if (seen++ == 0)
                return std::string(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    "Content-Length: 500\r\n\r\n{\"db_na");
            auto reply =
                test::httpRequest(port, method, target, body,
                                  {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
            return test::ScriptedHttpServer::reply(reply.status, "application/json", reply.body);
        }));
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.initialBackoff = std::chrono::milliseconds(10);
    {
        sync::RemoteEndpoint source(flaky.url() + "/source");
        sync::RemoteEndpoint target(server.url() + "/copy");
        auto result = sync::Replicator(source, target, options).run();
        CHECK(result.progress.retries >= 1);
        CHECK(result.complete());
        CHECK(describeDifference(remoteSnapshot(port, "source"), remoteSnapshot(port, "copy")) == "");
    }
    // Nobody listening: no retries, the error says so at once.
    sync::RemoteEndpoint source(server.url() + "/source");
    sync::RemoteEndpoint nowhere("http://127.0.0.1:" + std::to_string(test::freePort()) + "/copy");
    sync::Replicator replicator(source, nowhere, options);
    try {
        replicator.run();
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.offline());
    }
    CHECK(replicator.progress().retries == 0);
}

TEST_CASE("a replication can be cancelled from another thread", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(3000));
    sync::RemoteEndpoint source(server.url() + "/source");
    sync::RemoteEndpoint target(server.url() + "/target");
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 100;
    sync::Replicator replicator(source, target, options);
    std::thread canceller([&] {
        while (replicator.progress().docsWritten < 300)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        replicator.cancel();
    });
    CHECK_THROWS_AS(replicator.run(), sync::SyncError);
    canceller.join();
    CHECK(replicator.progress().docsWritten < 3000 + 600);
    CHECK(replicator.cancelled());
}

TEST_CASE("a server without _bulk_get: documents are fetched one by one with open_revs", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "old", makeDataset(120));
    int port = server.port();
    std::atomic<int> bulkGets{0}, openRevs{0};
    test::ScriptedHttpServer couch1(test::ScriptedHttpServer::BodyHandler(
        [&](const std::string& method, const std::string& target, const std::string& body) {
            if (target.find("/_bulk_get") != std::string::npos) {
                ++bulkGets;
                return test::ScriptedHttpServer::reply(
                    405, "application/json",
                    R"({"error":"method_not_allowed","reason":"Only GET,HEAD,DELETE,PUT allowed"})");
            }
            if (target.find("open_revs=") != std::string::npos) ++openRevs;
            auto reply =
                test::httpRequest(port, method, target, body,
                                  {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
            return test::ScriptedHttpServer::reply(reply.status, "application/json", reply.body);
        }));
    sync::RemoteEndpoint source(couch1.url() + "/old");
    sync::RemoteEndpoint target(server.url() + "/new");
    sync::ReplicationOptions options;
    options.createTarget = true;
    options.batchSize = 50;
    auto result = sync::Replicator(source, target, options).run();
    CHECK(bulkGets == 1);  // tried once, then remembered
    CHECK_FALSE(source.bulkGetSupported());
    // One open_revs request per document, except the first-generation ones that came with the
    // changes feed (one revision each).
    CHECK(result.progress.docsFromFeed > 0);
    CHECK(openRevs == 120 - int(result.progress.docsFromFeed));
    CHECK(result.progress.docFailures == 0);
    CHECK(describeDifference(remoteSnapshot(port, "old"), remoteSnapshot(port, "new")) == "");
}

TEST_CASE("per-document refusals are counted and skipped, the rest replicates", "[sync][pouchdb]") {
    test::PouchDbServer server;
    putRemote(server.port(), "src", makeDataset(60));
    int port = server.port();
    // A target whose validation refuses documents 00000-00009 (as a validate_doc_update would).
    test::ScriptedHttpServer guarded(test::ScriptedHttpServer::BodyHandler(
        [&](const std::string& method, const std::string& target, const std::string& body) {
            if (target.find("/_bulk_docs") != std::string::npos) {
                auto request = Json::parse(body);
                Json allowed = Json::array(), refused = Json::array();
                for (auto& doc : request["docs"]) {
                    if (doc["_id"].get<std::string>() < "doc-00010")
                        refused.push_back({{"id", doc["_id"]},
                                           {"rev", doc["_rev"]},
                                           {"error", "forbidden"},
                                           {"reason", "only organizers may write here"}});
                    else
                        allowed.push_back(doc);
                }
                test::httpRequest(port, "POST", target, Json{{"docs", allowed}, {"new_edits", false}}.dump(),
                                  {{"Content-Type", "application/json"}});
                return test::ScriptedHttpServer::reply(201, "application/json", refused.dump());
            }
            auto reply =
                test::httpRequest(port, method, target, body,
                                  {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
            return test::ScriptedHttpServer::reply(reply.status, "application/json", reply.body);
        }));
    sync::RemoteEndpoint source(server.url() + "/src");
    sync::RemoteEndpoint target(guarded.url() + "/dst");
    sync::ReplicationOptions options;
    options.createTarget = true;
    auto result = sync::Replicator(source, target, options).run();
    CHECK(result.progress.docFailures == 10 + 2);  // doc-00000 and doc-00005 have two leaves
    CHECK(result.progress.docsWritten == result.progress.docsRead - 12);
    CHECK_FALSE(result.complete());
    CHECK(remoteSnapshot(port, "dst").size() == 50);
}
