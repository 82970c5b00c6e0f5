// Background synchronisation of the configured subscriptions with one server.
//
// For the app (issue 7) and the CLI, the whole API is:
//   Scheduler scheduler(store, config); scheduler.start();
//   scheduler.status()                 -> SchedulerStatus snapshot (copy; safe from any thread)
//   scheduler.statusGeneration()       -> cheap counter: changed ⇔ status() may differ (poll per frame)
//   scheduler.waitForStatusChange(g,t) -> block until the generation passes g (CLI, tests)
//   scheduler.syncNow()                -> "Sync now" button: every subscription, back-off reset
//   scheduler.notifyLocalChange(db)    -> after a local edit; pushes are debounced
//   scheduler.setCredentials(u, p)     -> after the user typed a password; clears NeedsCredentials
//   scheduler.stop()                   -> cancels a running replication and joins (also in ~Scheduler)
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "sync/http_client.h"
#include "sync/replicator.h"

namespace kenes::sync {

enum class Direction { Pull, Push, PullAndPush };

// One local database kept in step with a database of the server.
struct Subscription {
    std::string localDb;   // name in the local store (created when missing)
    std::string remoteDb;  // name on the server
    Direction direction = Direction::Pull;
};

struct SchedulerConfig {
    std::string serverUrl;  // "https://hub.local:6984" (no database)
    HttpOptions http;       // credentials, --insecure, timeouts
    std::vector<Subscription> subscriptions;
    std::chrono::milliseconds periodic{std::chrono::minutes(5)};  // re-sync while online
    std::chrono::milliseconds debounce{std::chrono::seconds(2)};  // after a local change
    std::chrono::milliseconds localPoll{
        std::chrono::seconds(1)};  // how often local update_seqs are looked at
    std::chrono::milliseconds probeTimeout{std::chrono::seconds(3)};  // GET / while offline
    std::chrono::milliseconds backoffInitial{std::chrono::seconds(2)};
    std::chrono::milliseconds backoffMax{std::chrono::minutes(5)};
    // Batch size, in-run retries (few: the scheduler retries later itself), transform.
    ReplicationOptions replication = [] {
        ReplicationOptions options;
        options.maxAttempts = 4;
        options.maxBackoff = std::chrono::seconds(5);
        return options;
    }();
};

// Kenes' standard subscriptions: pull `library` and `events`, pull and push the user's userdb.
std::vector<Subscription> defaultSubscriptions(const std::string& userName);

enum class SyncState {
    Idle,              // not tried yet
    Syncing,           // a replication is running (counts are live)
    UpToDate,          // the last sync succeeded
    Offline,           // the server could not be reached; probing with back-off
    Error,             // the server answered with an error (see `error`); retried with back-off
    NeedsCredentials,  // 401/403: not retried until setCredentials()
};

const char* toString(SyncState state);

struct SubscriptionStatus {
    Subscription subscription;
    std::string remoteUrl;  // without credentials
    SyncState state = SyncState::Idle;
    uint64_t docsRead = 0;  // in the running or last sync (pull and push added)
    uint64_t docsWritten = 0;
    uint64_t docFailures = 0;
    std::optional<uint64_t> pending;
    std::string error;   // the last error, a sentence (server's reason included)
    int httpStatus = 0;  // of the last error, 0 if none
    std::optional<std::chrono::system_clock::time_point> lastSuccess;
    std::optional<std::chrono::system_clock::time_point> nextAttempt;
};

struct SchedulerStatus {
    bool online = false;  // the last contact with the server succeeded
    bool running = false;
    uint64_t failedProbes = 0;  // probes of an unreachable server since start() (back-off observable)
    std::vector<SubscriptionStatus> subscriptions;
    uint64_t generation = 0;
};

// Owns one background thread. Every public method is thread-safe. The Store must outlive it.
class Scheduler {
public:
    Scheduler(storage::Store& store, SchedulerConfig config);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    void start();  // syncs every subscription at once, then as described in the file comment
    void stop();
    void syncNow();
    void notifyLocalChange(const std::string& localDb);
    void setCredentials(const std::string& user, const std::string& password);

    SchedulerStatus status() const;
    uint64_t statusGeneration() const { return m_generation.load(); }
    // Returns the new generation, or `seen` on timeout.
    uint64_t waitForStatusChange(uint64_t seen, std::chrono::milliseconds timeout) const;

private:
    using Clock = std::chrono::steady_clock;
    struct Slot {
        SubscriptionStatus status;
        Clock::time_point due;
        std::chrono::milliseconds backoff{0};
        uint64_t pushedSeq = 0;                      // local update_seq after the last successful push
        std::optional<Clock::time_point> changedAt;  // a local change waiting for the debounce
    };

    void loop();
    bool probe();
    void syncOne(size_t index);
    void touch();  // bumps the generation and wakes waiters; call with m_mutex held
    std::chrono::milliseconds jittered(std::chrono::milliseconds base);

    storage::Store& m_store;
    SchedulerConfig m_config;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;  // status generation
    std::condition_variable m_wake;             // the loop
    std::vector<Slot> m_slots;
    bool m_online = false;
    bool m_stop = false;
    bool m_kick = false;
    Clock::time_point m_probeAt;
    std::chrono::milliseconds m_probeBackoff{0};
    uint64_t m_probes = 0;
    Replicator* m_current = nullptr;      // the running replication (for live counts and stop())
    HttpClient* m_probeClient = nullptr;  // the probe in flight (cancelled by stop())
    std::atomic<uint64_t> m_generation{0};
    std::thread m_thread;
};

}  // namespace kenes::sync
