// Exports started from the UI: the user's starred sessions of an event as iCalendar, every note
// as a Markdown file, and an event's session report (agenda + notes) as Markdown and HTML, written
// by the formats library (formats/export.h) on a background thread into a folder the user can
// open. One export runs at a time; its outcome is handed back through poll() and the bus is
// woken (BackgroundResult) when it is ready.
// Thread-safety: start()/poll()/running() on the UI thread; the work itself only reads the
// thread-safe Store.
#pragma once

#include <cstddef>
#include <filesystem>
#include <future>
#include <optional>
#include <string>

#include "app/core/events.h"
#include "storage/store.h"

namespace kenes::app {

enum class ExportKind { Agenda, Notes, Report };

struct ExportOutcome {
    ExportKind kind = ExportKind::Agenda;
    bool ok = false;
    std::filesystem::path path;      // the file (agenda), the folder (notes) or the Markdown file (report)
    std::filesystem::path htmlPath;  // the report's HTML file
    size_t count = 0;                // sessions exported (agenda) or notes written (notes)
    std::string error;               // a sentence for the user when !ok
};

class ExportService {
public:
    ExportService(storage::Store& store, std::string userName, EventBus& bus, std::filesystem::path folder);
    ~ExportService();  // waits for a running export
    ExportService(const ExportService&) = delete;
    ExportService& operator=(const ExportService&) = delete;

    // Starts an export (eventId for agenda and report, language "ru"/"en" for the report).
    // Returns false when another export is still running.
    bool start(ExportKind kind, const std::string& eventId, const std::string& language, int64_t now);
    bool running() const;
    // The finished export's outcome, once; nullopt while running or when nothing finished.
    std::optional<ExportOutcome> poll();
    // Waits for the running export (tests).
    void wait();

    const std::filesystem::path& folder() const { return m_folder; }
    void setFolder(std::filesystem::path folder) { m_folder = std::move(folder); }

private:
    storage::Store& m_store;
    std::string m_userName;
    EventBus& m_bus;
    std::filesystem::path m_folder;
    std::future<ExportOutcome> m_pending;
};

// Where exports go: $KENES_EXPORT_DIR when set, else ~/Documents/Kenes when ~/Documents exists,
// else the data folder's exports/ folder.
std::filesystem::path defaultExportFolder(const std::filesystem::path& dataDir);

// The user name of a couch_peruser database name ("userdb-" + hex of the UTF-8 name).
std::string userNameOfDatabase(const std::string& userDatabaseName);

}  // namespace kenes::app
