#include "app/core/app_context.h"

#include <cstdlib>
#include <ctime>

#include "storage/model_store.h"
#include "storage/sample_content.h"

namespace kenes::app {

namespace {
constexpr int kModelReaderCacheKib = 1024;
}  // namespace

std::string defaultUserName() {
    if (const char* v = std::getenv("KENES_USER"); v && *v) return v;
    if (const char* v = std::getenv("USER"); v && *v) return v;
    return "local";
}

std::string utcTimestamp(int64_t epochSeconds) {
    std::time_t t = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

AppContext::AppContext(const std::filesystem::path& dataDir, const std::string& userName, bool scanChangesNow)
    : m_dataDir(dataDir) {
    m_store = storage::openLibraryStore(dataDir);
    storage::loadSampleContentIfFirstRun(*m_store, userName);
    // A 1 MB page cache per read connection instead of 8 MB: the store's pages stay in the kernel's
    // page cache either way, and the app's resident memory stays smaller (large dataset: peak RSS
    // 8 MB lower; the agenda's reading of 5,000 sessions re-reads pages from the kernel's cache).
    m_model = std::make_unique<storage::Model>(*m_store, kModelReaderCacheKib);
    m_userDbName = storage::userDatabaseName(userName);
    m_userDb = m_store->database(m_userDbName, true);
    if (auto saved = m_userDb->getLocal("kenes-settings")) {
        const auto& j = *saved;
        auto str = [&](const char* key, std::string& out, std::initializer_list<const char*> allowed) {
            if (!j.contains(key) || !j[key].is_string()) return;
            std::string v = j[key].get<std::string>();
            for (const char* a : allowed)
                if (v == a) out = v;
        };
        str("uiLanguage", m_settings.uiLanguage, {"en", "ru"});
        str("contentLanguage", m_settings.contentLanguage, {"en", "ru"});
        str("theme", m_settings.theme, {"dark", "light"});
        str("lastView", m_settings.lastView,
            {"agenda", "session", "library", "reader", "notes", "workplan", "settings", "sync"});
        if (j.contains("fontSize") && j["fontSize"].is_number()) {
            float f = j["fontSize"].get<float>();
            if (f >= 12 && f <= 32) m_settings.fontSize = f;
        }
        if (j.contains("windowWidth") && j["windowWidth"].is_number_integer()) {
            int w = j["windowWidth"].get<int>(), h = j.value("windowHeight", 0);
            if (w >= 320 && w <= 16384 && h >= 240 && h <= 16384) {
                m_settings.windowWidth = w;
                m_settings.windowHeight = h;
            }
        }
    }
    m_sessionChanges =
        std::make_unique<SessionChanges>(*m_store, *m_model, *m_userDb, m_userDbName, m_bus, scanChangesNow);
    m_sync = std::make_unique<SyncService>(*m_store, m_bus, m_dataDir, m_userDbName);
}

void AppContext::saveSettings() {
    storage::Json j = {{"uiLanguage", m_settings.uiLanguage},
                       {"contentLanguage", m_settings.contentLanguage},
                       {"theme", m_settings.theme},
                       {"fontSize", m_settings.fontSize},
                       {"lastView", m_settings.lastView},
                       {"windowWidth", m_settings.windowWidth},
                       {"windowHeight", m_settings.windowHeight}};
    m_userDb->putLocal("kenes-settings", j);
}

int64_t AppContext::now() const {
    if (m_clock) return m_clock();
    return static_cast<int64_t>(std::time(nullptr));
}

void AppContext::requestWakeAt(std::chrono::steady_clock::time_point when) {
    if (when < m_wakeAt) m_wakeAt = when;
}

std::chrono::steady_clock::time_point AppContext::takeWakeRequest() {
    auto w = m_wakeAt;
    m_wakeAt = std::chrono::steady_clock::time_point::max();
    return w;
}

}  // namespace kenes::app
