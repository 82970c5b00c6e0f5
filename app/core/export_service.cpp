#include "app/core/export_service.h"

#include <cctype>
#include <cstdlib>
#include <fstream>

#include "formats/export.h"

namespace kenes::app {

namespace {

// "event:issyk-kul-2019" → "issyk-kul-2019", safe as a file name.
std::string fileKey(const std::string& eventId) {
    std::string key = eventId.rfind("event:", 0) == 0 ? eventId.substr(6) : eventId;
    std::string out;
    for (char c : key) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
    return out.empty() ? "event" : out;
}

void writeFile(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw formats::FormatError("cannot write " + path.string());
}

ExportOutcome run(storage::Store& store, const std::string& userName, const std::filesystem::path& folder,
                  ExportKind kind, const std::string& eventId, const std::string& language, int64_t now) {
    ExportOutcome o;
    o.kind = kind;
    try {
        std::error_code ec;
        std::filesystem::create_directories(folder, ec);
        if (ec)
            throw formats::FormatError("cannot create the folder " + folder.string() + ": " + ec.message());
        if (kind == ExportKind::Agenda) {
            formats::IcsExportOptions options;
            options.eventId = eventId;
            options.starredOnly = true;
            options.userName = userName;
            options.now = now;
            std::string ics = formats::exportICalendar(store, options);
            for (size_t p = ics.find("BEGIN:VEVENT"); p != std::string::npos;
                 p = ics.find("BEGIN:VEVENT", p + 1))
                ++o.count;
            o.path = folder / ("my-agenda-" + fileKey(eventId) + ".ics");
            writeFile(o.path, ics);
        } else if (kind == ExportKind::Notes) {
            o.path = folder / "notes";
            o.count = formats::exportNotes(store, userName, o.path);
        } else {
            std::string base = "report-" + fileKey(eventId) + "-" + language;
            o.path = folder / (base + ".md");
            o.htmlPath = folder / (base + ".html");
            writeFile(o.path, formats::exportReportMarkdown(store, eventId, userName, language));
            writeFile(o.htmlPath, formats::exportReportHtml(store, eventId, userName, language));
        }
        o.ok = true;
    } catch (const storage::StoreError& e) {
        o.error = e.reason();
    } catch (const std::exception& e) {
        o.error = e.what();
    }
    return o;
}

}  // namespace

ExportService::ExportService(storage::Store& store, std::string userName, EventBus& bus,
                             std::filesystem::path folder)
    : m_store(store), m_userName(std::move(userName)), m_bus(bus), m_folder(std::move(folder)) {}

ExportService::~ExportService() {
    wait();
}

bool ExportService::running() const {
    return m_pending.valid() && m_pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

bool ExportService::start(ExportKind kind, const std::string& eventId, const std::string& language,
                          int64_t now) {
    if (running()) return false;
    m_pending = std::async(std::launch::async, [this, kind, eventId, language, now, folder = m_folder] {
        ExportOutcome o = run(m_store, m_userName, folder, kind, eventId, language, now);
        m_bus.postFromAnyThread(BackgroundResult{});  // wakes the loop so the outcome is shown at once
        return o;
    });
    return true;
}

std::optional<ExportOutcome> ExportService::poll() {
    if (!m_pending.valid() || running()) return std::nullopt;
    return m_pending.get();
}

void ExportService::wait() {
    if (m_pending.valid()) m_pending.wait();
}

std::filesystem::path defaultExportFolder(const std::filesystem::path& dataDir) {
    if (const char* v = std::getenv("KENES_EXPORT_DIR"); v && *v) return v;
    if (const char* home = std::getenv("HOME"); home && *home) {
        std::error_code ec;
        std::filesystem::path documents = std::filesystem::path(home) / "Documents";
        if (std::filesystem::is_directory(documents, ec)) return documents / "Kenes";
    }
    return dataDir / "exports";
}

std::string userNameOfDatabase(const std::string& userDatabaseName) {
    const std::string prefix = "userdb-";
    if (userDatabaseName.rfind(prefix, 0) != 0) return userDatabaseName;
    std::string hex = userDatabaseName.substr(prefix.size()), out;
    if (hex.size() % 2 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
        return userDatabaseName;
    for (size_t i = 0; i < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

}  // namespace kenes::app
