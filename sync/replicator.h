// One-shot replication between two endpoints with the CouchDB replication protocol.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "sync/endpoint.h"

namespace kenes::sync {

// Which way a document crosses the device boundary inside Replicator::crossDevice().
enum class Passage {
    Leaving,   // local source → remote target (push)
    Entering,  // remote source → local target (pull)
    Within,    // local → local
    Between,   // remote → remote (the device only relays)
};

struct ReplicationOptions {
    size_t batchSize = 500;     // changes per _changes page (and per _revs_diff/_bulk_get/_bulk_docs)
    bool createTarget = false;  // create a missing target database
    // Retries of one step after a retryable failure: randomised doubling back-off from
    // initialBackoff, each wait capped at maxBackoff; the step fails after maxAttempts attempts.
    int maxAttempts = 10;
    std::chrono::milliseconds initialBackoff{250};
    std::chrono::milliseconds maxBackoff{20000};
    // Applied to every document in crossDevice() (planned: end-to-end encryption of userdb).
    // May throw SyncError to refuse a document; must keep _id, _rev, _revisions and _deleted.
    std::function<void(Json& doc, Passage passage)> transform;
};

// A consistent copy of the counters, taken under a lock (see Replicator::progress()).
struct ReplicationProgress {
    uint64_t changesRead = 0;   // rows read from the source's changes feed
    uint64_t docsRead = 0;      // revisions fetched from the source
    uint64_t docsFromFeed = 0;  // of docsRead, those that came with the changes feed (no fetch)
    uint64_t docsWritten = 0;   // revisions the target accepted
    uint64_t docFailures = 0;   // revisions refused (forbidden/unauthorized/...) and skipped
    uint64_t missingChecked = 0;
    uint64_t missingFound = 0;
    std::optional<uint64_t> pending;  // changes left on the source, when known
    uint64_t retries = 0;
    Json lastSeq;  // last source seq checkpointed (opaque)
};

struct ReplicationResult {
    ReplicationProgress progress;
    Json startSeq;                      // where this run started (from the checkpoints)
    std::string sessionId;              // this run's session id, recorded in the checkpoint history
    bool checkpointedSourceToo = true;  // false when the source refused _local writes
    bool complete() const { return progress.docFailures == 0; }
};

// Replicates every change of `source` since the last common checkpoint into `target`, then returns.
// run() is for one thread; progress(), cancel() and replicationId() may be called from any
// thread while it runs. The endpoints must outlive the Replicator and are used only by run().
class Replicator {
public:
    Replicator(Endpoint& source, Endpoint& target, ReplicationOptions options = {});

    // Throws SyncError: Auth (401/403 on a database: give up, ask for credentials), Cancelled,
    // or the last error after the retries of a step are used up. Documents refused one by one
    // do not throw: they are counted in progress().docFailures.
    ReplicationResult run();
    void cancel();
    bool cancelled() const { return m_cancelled.load(); }
    ReplicationProgress progress() const;
    // Deterministic from both endpoints' identities and the options that change the result.
    // Valid after run() has started (computed from the peers' identities).
    std::string replicationId() const;

    // The replication id as computed from two identities (exposed for tests and tools).
    static std::string makeReplicationId(const std::string& sourceIdentity,
                                         const std::string& targetIdentity);

private:
    // THE one place where documents leave or enter the device: every fetched revision goes
    // through here on its way from source to target. Applies options.transform.
    std::vector<Json> crossDevice(std::vector<Json> docs);

    template <typename F>
    auto withRetry(const char* step, F&& f, bool failFastOffline = false) -> decltype(f());
    void sleepFor(std::chrono::milliseconds delay);
    Json startingSeq(const std::optional<Json>& sourceLog, const std::optional<Json>& targetLog);
    // Saves `seq` in the checkpoints: the source's through `sourceConnection` (the source endpoint
    // itself or a connection of its own, so that a pipeline need not wait for it; nullptr: not
    // this time, the source's then lags), the target's unless `onTarget` is false.
    void writeCheckpoint(const Json& seq, const Json& startSeq, Endpoint* sourceConnection,
                         bool onTarget = true);
    void update(const std::function<void(ReplicationProgress&)>& f);

    Endpoint& m_source;
    Endpoint& m_target;
    ReplicationOptions m_options;
    Passage m_passage;
    std::string m_id;
    std::string m_sessionId;
    std::string m_startTime;
    bool m_sourceWritable = true;
    bool m_sourceBehind = false;  // the target's checkpoint is newer than the source's
    std::optional<Json> m_sourceLog;
    std::optional<Json> m_targetLog;

    mutable std::mutex m_mutex;
    ReplicationProgress m_progress;
    std::vector<Endpoint*> m_fetchers;  // run()'s extra source connections, for cancel()
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_abandoned{false};  // run() failed: steps still in flight stop at once
    std::condition_variable m_wake;
};

}  // namespace kenes::sync
