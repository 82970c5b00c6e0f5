// Pulling from a PouchDB Server into the local store: the replicator fetches the next batches on
// extra connections to the source while the current one is written. Every revision arrives, the
// extra connections' requests are counted, and a cancelled pull leaves a checkpoint that covers
// only written batches, from which a second run completes the copy.
#include <catch2/catch.hpp>

#include <thread>

#include "support/process.h"
#include "sync/replicator.h"
#include "sync_test_util.h"

using namespace kenes;
using namespace kenes::synctest;

TEST_CASE("a pull with fetch-ahead connections copies every revision and counts every request",
          "[sync][pouchdb][pipeline]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(2000));
    test::TempDir dir("kenes-fetch-ahead");
    auto store = storage::Store::open(dir.path());
    sync::RemoteEndpoint source(server.url() + "/source");
    sync::LocalEndpoint target(store->database("copy", true));
    sync::ReplicationOptions options;
    options.batchSize = 100;

    sync::Replicator replicator(source, target, options);
    auto result = replicator.run();
    CHECK(result.progress.docFailures == 0);
    CHECK(result.progress.changesRead == 2000);
    CHECK(result.progress.docsRead == 2000 + 2000 / 5);
    CHECK(result.progress.docsWritten == result.progress.docsRead);
    CHECK(describeDifference(remoteSnapshot(server.port(), "source"), localSnapshot(target.database())) ==
          "");
    // 20 batches: a _changes page, a _bulk_get (on a fetch-ahead connection) and a source
    // checkpoint each, besides the requests at the start.
    CHECK(source.requestCount() >= 60);

    uint64_t before = source.requestCount();
    sync::Replicator again(source, target, options);
    auto noop = again.run();
    CHECK(noop.progress.docsRead == 0);
    CHECK(source.requestCount() - before == 3);  // info, the checkpoint, one empty _changes page
}

TEST_CASE("a cancelled pull with fetch-ahead checkpoints only written batches, then resumes",
          "[sync][pouchdb][pipeline]") {
    test::PouchDbServer server;
    putRemote(server.port(), "source", makeDataset(3000));
    test::TempDir dir("kenes-fetch-ahead");
    auto store = storage::Store::open(dir.path());
    sync::RemoteEndpoint source(server.url() + "/source");
    sync::LocalEndpoint target(store->database("copy", true));
    sync::ReplicationOptions options;
    options.batchSize = 100;

    sync::Replicator replicator(source, target, options);
    std::thread canceller([&] {
        while (replicator.progress().docsWritten < 500)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        replicator.cancel();
    });
    auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(replicator.run(), sync::SyncError);
    canceller.join();
    CHECK(replicator.cancelled());
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
    REQUIRE(replicator.progress().changesRead < 3000);

    // Both sides' checkpoints name a seq up to which every change is in the local store. They may
    // differ by a batch (cancelled between saving the source's and the target's); the resume
    // starts from the source's, as CouchDB does when both come from the same session.
    auto targetLog = target.getLocal(replicator.replicationId());
    REQUIRE(targetLog);
    Json sourceLog = getRemote(server.port(), "/source/_local/" + replicator.replicationId());
    REQUIRE(sourceLog.contains("source_last_seq"));
    REQUIRE(sourceLog["session_id"] == (*targetLog)["session_id"]);
    Json feed = getRemote(server.port(), "/source/_changes?style=all_docs");
    for (const Json& checkpointed : {(*targetLog)["source_last_seq"], sourceLog["source_last_seq"]}) {
        INFO("checkpointed seq " << checkpointed.dump());
        storage::RevsDiffRequest upToCheckpoint;
        bool reached = false;
        for (const auto& row : feed["results"]) {
            for (const auto& change : row["changes"])
                upToCheckpoint[row["id"].get<std::string>()].push_back(change["rev"].get<std::string>());
            if (row["seq"] == checkpointed) {
                reached = true;
                break;
            }
        }
        REQUIRE(reached);
        CHECK(upToCheckpoint.size() >= 100);
        CHECK(target.revsDiff(upToCheckpoint).empty());
    }

    sync::RemoteEndpoint again(server.url() + "/source");  // cancel() stops an endpoint for good
    sync::Replicator resumed(again, target, options);
    auto result = resumed.run();
    CHECK(result.startSeq == sourceLog["source_last_seq"]);
    CHECK(result.progress.docFailures == 0);
    CHECK(describeDifference(remoteSnapshot(server.port(), "source"), localSnapshot(target.database())) ==
          "");
}
