// Pulling from a PouchDB Server into the local store: the replicator fetches the next batches on
// extra connections to the source while the current one is written. Every revision arrives, the
// extra connections' requests are counted, and a cancelled pull leaves a checkpoint that covers
// only written batches, from which a second run completes the copy.
#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <thread>

#include "support/process.h"
#include "sync/replicator.h"
#include "sync_test_util.h"

using namespace kenes;
using namespace kenes::synctest;

namespace {

// A PouchDB Server whose "source" holds makeDataset(docs), and a fresh local store's "copy" to pull
// it into, in batches of 100.
struct PullSetup {
    explicit PullSetup(int docs) {
        putRemote(server.port(), "source", makeDataset(docs));
        options.batchSize = 100;
    }
    std::string sourceUrl() const { return server.url() + "/source"; }
    Snapshot sourceSnapshot() const { return remoteSnapshot(server.port(), "source"); }

    test::PouchDbServer server;
    test::TempDir dir{"kenes-fetch-ahead"};
    std::unique_ptr<storage::Store> store = storage::Store::open(dir.path());
    sync::LocalEndpoint target{store->database("copy", true)};
    sync::ReplicationOptions options;
};

}  // namespace

TEST_CASE("a pull with fetch-ahead connections copies every revision and counts every request",
          "[sync][pouchdb][pipeline]") {
    PullSetup pull(2100);
    sync::RemoteEndpoint source(pull.sourceUrl());

    sync::Replicator replicator(source, pull.target, pull.options);
    auto result = replicator.run();
    CHECK(result.progress.docFailures == 0);
    CHECK(result.progress.changesRead == 2100);
    CHECK(result.progress.docsRead == 2100 + 2100 / 5);
    CHECK(result.progress.docsWritten == result.progress.docsRead);
    CHECK(describeDifference(pull.sourceSnapshot(), localSnapshot(pull.target.database())) == "");
    // 21 batches: a _changes page and a _bulk_get (on a fetch-ahead connection) each, then an
    // empty page; the source's checkpoint with every fourth batch and, as the last batch was not
    // one of them, once more at the end; 2 requests at the start.
    CHECK(source.requestCount() == 2 + 22 + 21 + 5 + 1);
    // At the end both sides' checkpoints name the end of the feed.
    Json sourceLog = getRemote(pull.server.port(), "/source/_local/" + replicator.replicationId());
    auto targetLog = pull.target.getLocal(replicator.replicationId());
    REQUIRE(targetLog);
    CHECK(sourceLog["source_last_seq"] == (*targetLog)["source_last_seq"]);
    CHECK(sourceLog["source_last_seq"] == getRemote(pull.server.port(), "/source")["update_seq"]);

    uint64_t before = source.requestCount();
    sync::Replicator again(source, pull.target, pull.options);
    auto noop = again.run();
    CHECK(noop.progress.docsRead == 0);
    CHECK(source.requestCount() - before == 3);  // info, the checkpoint, one empty _changes page
}

TEST_CASE("a cancelled pull with fetch-ahead checkpoints only written batches, then resumes",
          "[sync][pouchdb][pipeline]") {
    PullSetup pull(3000);
    sync::RemoteEndpoint source(pull.sourceUrl());

    sync::Replicator replicator(source, pull.target, pull.options);
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
    // differ by up to four batches (the source's is saved with every fourth); the resume starts
    // from the source's, as CouchDB does when both come from the same session.
    auto targetLog = pull.target.getLocal(replicator.replicationId());
    REQUIRE(targetLog);
    Json sourceLog = getRemote(pull.server.port(), "/source/_local/" + replicator.replicationId());
    REQUIRE(sourceLog.contains("source_last_seq"));
    REQUIRE(sourceLog["session_id"] == (*targetLog)["session_id"]);
    Json feed = getRemote(pull.server.port(), "/source/_changes?style=all_docs");
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
        CHECK(pull.target.revsDiff(upToCheckpoint).empty());
    }

    sync::RemoteEndpoint again(pull.sourceUrl());  // cancel() stops an endpoint for good
    sync::Replicator resumed(again, pull.target, pull.options);
    auto result = resumed.run();
    CHECK(result.startSeq == sourceLog["source_last_seq"]);
    CHECK(result.progress.docFailures == 0);
    CHECK(describeDifference(pull.sourceSnapshot(), localSnapshot(pull.target.database())) == "");
}

namespace {

// The real source, except that its third changes page is held back until `release` holds (or 5 s
// pass, which is then recorded): a way to see whether the replicator writes a batch before it has
// read further pages.
class HeldThirdPage : public sync::Endpoint {
public:
    HeldThirdPage(sync::RemoteEndpoint& inner, std::function<bool()> release)
        : m_inner(inner), m_release(std::move(release)) {}
    sync::Locality locality() const override { return m_inner.locality(); }
    std::string identity() override { return m_inner.identity(); }
    std::string displayName() const override { return m_inner.displayName(); }
    Json info(bool create) override { return m_inner.info(create); }
    std::optional<Json> getLocal(const std::string& id) override { return m_inner.getLocal(id); }
    void putLocal(const std::string& id, Json body) override { m_inner.putLocal(id, std::move(body)); }
    sync::ChangesPage changes(const Json& since, size_t limit, bool withBodies) override {
        if (++m_pages == 3) {
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (!m_release()) {
                if (std::chrono::steady_clock::now() > deadline) {
                    heldInVain = true;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }
        return m_inner.changes(since, limit, withBodies);
    }
    bool waitForChanges(const Json& since, std::chrono::milliseconds timeout) override {
        return m_inner.waitForChanges(since, timeout);
    }
    storage::RevsDiffResult revsDiff(const storage::RevsDiffRequest& request) override {
        return m_inner.revsDiff(request);
    }
    sync::FetchResult fetch(const std::vector<std::pair<std::string, std::string>>& idRevs) override {
        return m_inner.fetch(idRevs);
    }
    std::vector<storage::BulkResult> writeRevisions(const std::vector<Json>& docs) override {
        return m_inner.writeRevisions(docs);
    }
    void readAhead(bool on) override { m_inner.readAhead(on); }
    void cancel() override { m_inner.cancel(); }
    uint64_t requestCount() const override { return m_inner.requestCount(); }
    bool concurrentWrites() const override { return m_inner.concurrentWrites(); }
    std::unique_ptr<sync::Endpoint> openFetcher() override { return m_inner.openFetcher(); }

    std::atomic<bool> heldInVain{false};

private:
    sync::RemoteEndpoint& m_inner;
    std::function<bool()> m_release;
    std::atomic<int> m_pages{0};
};

}  // namespace

TEST_CASE("with fetch-ahead a batch is written as soon as it and every earlier batch have arrived",
          "[sync][pouchdb][pipeline]") {
    PullSetup pull(600);
    sync::RemoteEndpoint remote(pull.sourceUrl());
    // The third page comes only once the first batch is in the target: a replicator that writes
    // a batch only when later ones are dispatched would wait for it in vain.
    HeldThirdPage source(remote, [&] { return pull.target.database().info().updateSeq > 0; });
    sync::Replicator replicator(source, pull.target, pull.options);
    auto result = replicator.run();
    CHECK_FALSE(source.heldInVain.load());
    CHECK(result.progress.docFailures == 0);
    CHECK(describeDifference(pull.sourceSnapshot(), localSnapshot(pull.target.database())) == "");
}
