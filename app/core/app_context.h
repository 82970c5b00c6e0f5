// What every view shares: the store and its typed model, the user's database, the settings and
// the event bus. Owned by the shell (or by a test); views borrow it for one frame at a time.
// Thread-safety: UI thread; Model is thread-safe and may be used from background tasks.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "app/core/events.h"
#include "app/core/layout.h"
#include "app/core/session_changes.h"
#include "app/core/sync_service.h"
#include "storage/model.h"
#include "storage/store.h"

namespace kenes::app {

struct Settings {
    std::string uiLanguage = "en";       // "en" | "ru"
    std::string contentLanguage = "en";  // "en" | "ru"
    std::string theme = "dark";          // "dark" | "light"
    float fontSize = 17.0f;              // pixels at 1x scale
    std::string lastView = "agenda";
    int windowWidth = 1280, windowHeight = 800;
};

class AppContext {
public:
    // Opens (or creates) the store in dataDir, loads the sample content on the first run and
    // reads the saved settings. Throws storage::StoreError when the store cannot be opened. With
    // `scanChangesNow` false the first reading of "changes since you last looked" waits for
    // sessionChanges().check().
    AppContext(const std::filesystem::path& dataDir, const std::string& userName, bool scanChangesNow = true);

    storage::Store& store() { return *m_store; }
    const storage::Model& model() const { return *m_model; }
    storage::Database& userDatabase() { return *m_userDb; }
    const std::string& userDatabaseName() const { return m_userDbName; }
    const std::filesystem::path& dataDir() const { return m_dataDir; }
    EventBus& bus() { return m_bus; }
    // Background sync with the configured server (started by the desktop loop, not here).
    SyncService& sync() { return *m_sync; }
    // Sessions changed since the user last looked (starred ones moved or removed).
    SessionChanges& sessionChanges() { return *m_sessionChanges; }
    // This frame's layout (compact or wide); the shell sets it before drawing the views.
    Layout& layout() { return m_layout; }
    const Layout& layout() const { return m_layout; }

    Settings& settings() { return m_settings; }
    // Writes the settings into the user database (_local/kenes-settings, not synced).
    void saveSettings();

    // Current time as seconds since the epoch; tests and screenshots may pin it.
    int64_t now() const;
    void setClock(std::function<int64_t()> clock) { m_clock = std::move(clock); }

    // Frame-to-frame timers: the shell sleeps at most until the earliest requested wake-up.
    void requestWakeAt(std::chrono::steady_clock::time_point when);
    std::chrono::steady_clock::time_point takeWakeRequest();

private:
    std::filesystem::path m_dataDir;
    std::unique_ptr<storage::Store> m_store;
    std::unique_ptr<storage::Model> m_model;
    std::string m_userDbName;
    std::shared_ptr<storage::Database> m_userDb;
    EventBus m_bus;
    Layout m_layout;
    Settings m_settings;
    std::function<int64_t()> m_clock;
    std::chrono::steady_clock::time_point m_wakeAt = std::chrono::steady_clock::time_point::max();
    // Last: they use the store and the bus, so they go first on destruction.
    std::unique_ptr<SessionChanges> m_sessionChanges;
    std::unique_ptr<SyncService> m_sync;
};

// $KENES_USER, else $USER, else "local".
std::string defaultUserName();

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utcTimestamp(int64_t epochSeconds);

}  // namespace kenes::app
