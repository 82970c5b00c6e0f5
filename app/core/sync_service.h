// The app's side of synchronisation: the server configuration kept in the data directory, the
// background sync::Scheduler for it, and a status snapshot the UI reads once per frame.
//
// Files in the data directory: `sync.json` ({"server", "user", "insecure"}) and `sync-password`
// (the password alone, mode 0600). The password is never logged, shown or put into a URL.
// A malformed or unreadable file is reported by configError() and left untouched until the user
// saves a new configuration.
//
// A watcher thread waits on the scheduler's status generation and posts SyncStatusChanged on the
// bus; the UI-thread handler swaps the new snapshot in, and when a sync wrote into a local database
// posts DataChanged so that the views refresh. While a replication runs the snapshot is refreshed a
// few times a second so that counts and progress move.
// Thread-safety: every public method is for the UI thread; the watcher only touches the scheduler,
// a mutex-guarded hand-over slot and EventBus::postFromAnyThread.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/core/events.h"
#include "storage/store.h"
#include "sync/scheduler.h"

namespace kenes::app {

// Posted by the watcher thread when the scheduler's status may have changed.
struct SyncStatusChanged {};

struct SyncConfig {
    std::string serverUrl;  // "https://hub.local:6984" (no database, no credentials)
    std::string user;       // the server account; empty: shared databases only
    bool insecure = false;  // accept any TLS certificate (self-signed venue hubs)
};

class SyncService {
public:
    // `localUserDb`: the local database holding the user's notes, stars and tasks; it is kept in
    // step with the server account's userdb-<hex>.
    SyncService(storage::Store& store, EventBus& bus, std::filesystem::path dataDir, std::string localUserDb);
    ~SyncService();
    SyncService(const SyncService&) = delete;
    SyncService& operator=(const SyncService&) = delete;

    // Starts the scheduler when a server is configured; a no-op otherwise or when already running.
    void start();
    // Stops syncing at once: the scheduler (cancelling a running replication) and its watcher are
    // wound down on a background task, so a request hanging on an unreachable server never holds
    // up the UI; the destructor waits for them.
    void stop();
    // stop(), then waits until the scheduler and its watcher have ended (at exit).
    void shutdown();
    bool started() const { return m_running != nullptr; }

    bool configured() const { return !m_config.serverUrl.empty(); }
    const SyncConfig& config() const { return m_config; }
    bool hasPassword() const { return !m_password.empty(); }
    // Why the saved configuration could not be read ("" when it could, or there is none).
    const std::string& configError() const { return m_configError; }

    // Validates and saves the configuration (`password` nullopt: keep the saved one), then
    // restarts the scheduler with it. Returns "" on success, else a sentence for the user (the
    // saved files are then unchanged).
    std::string configure(const SyncConfig& config, const std::optional<std::string>& password);
    // Removes the saved configuration and password and stops syncing.
    void forget();
    void syncNow();
    // Blocks until every subscription has a result (up to date, offline, error, sign-in needed)
    // or `timeout` passes, and takes that status. For screenshots and tools, never the frame loop.
    bool waitUntilSettled(std::chrono::milliseconds timeout);

    // The latest status (empty subscriptions when not started). UI thread.
    const sync::SchedulerStatus& status() const { return m_status; }
    // Changes whenever status() was replaced (for views caching what they derive from it).
    uint64_t statusRevision() const { return m_statusRevision; }

    // Lets tests and tools shorten the scheduler's intervals; applied at the next (re)start.
    void setTuning(std::function<void(sync::SchedulerConfig&)> tuning) { m_tuning = std::move(tuning); }

    // Paths of the saved configuration (for tests and messages).
    std::filesystem::path configPath() const { return m_dataDir / "sync.json"; }
    std::filesystem::path passwordPath() const { return m_dataDir / "sync-password"; }

private:
    // One started scheduler with its watcher thread; `epoch` tells its snapshots from a later one's.
    struct Running {
        std::unique_ptr<sync::Scheduler> scheduler;
        std::thread watcher;
        std::atomic<bool> stop{false};
        uint64_t epoch = 0;
    };

    void load();
    void watch(Running& running);
    void takeStatus();
    void applyStatus(sync::SchedulerStatus status);
    uint64_t localSeq(const std::string& db);

    storage::Store& m_store;
    EventBus& m_bus;
    std::filesystem::path m_dataDir;
    std::string m_localUserDb;
    SyncConfig m_config;
    std::string m_password;
    std::string m_configError;
    std::function<void(sync::SchedulerConfig&)> m_tuning;

    std::unique_ptr<Running> m_running;
    uint64_t m_epoch = 0;
    std::vector<std::future<void>> m_retiring;  // schedulers being stopped in the background
    std::mutex m_handOverMutex;
    std::optional<std::pair<uint64_t, sync::SchedulerStatus>> m_handOver;  // (epoch, status) from a watcher

    sync::SchedulerStatus m_status;
    uint64_t m_statusRevision = 0;
    std::map<std::string, uint64_t> m_seqs;  // local update_seq of each subscribed database, last seen
};

// Checks a server address typed by a person: http(s)://host[:port][/prefix], no credentials,
// no query. Returns "" when usable, else a sentence saying what is wrong (English msgid).
const char* validateServerUrl(const std::string& url);

}  // namespace kenes::app
