// The intermediate schedule model every importer parses into, the import entry points and the
// import report. Parsers are pure functions over a byte buffer (no store access); importSchedule()
// maps a parsed schedule to event/session/speaker documents and writes only what changed.
// All functions are reentrant; a Store may be shared with other threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"
#include "storage/time_zone.h"

namespace kenes::formats {

using Json = storage::Json;

// A file that cannot be imported, with a sentence a user understands. Nothing was written.
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Files larger than this are refused before they are read.
inline constexpr uint64_t kMaxImportBytes = 64ull * 1024 * 1024;
// Nesting deeper than this in JSON (objects/arrays) is refused.
inline constexpr int kMaxJsonDepth = 64;
// A physical .ics line longer than this is refused (RFC 5545 asks for 75 octets).
inline constexpr size_t kMaxIcsLineBytes = 64 * 1024;

struct SourcePerson {
    std::string key;  // the source's person id/code/guid, or empty
    std::string name;
    std::string bio;
};

struct SourceLink {
    std::string title;
    std::string url;
};

// One talk/session as the source file gives it; `start` is wall time in the schedule's zone.
struct SourceSession {
    std::string guid;      // the source guid/uid, or empty
    std::string sourceId;  // the source's numeric/text id, or empty
    storage::LocalDateTime start{1970, 1, 1};
    int64_t durationSeconds = 0;
    std::string room, title, subtitle, abstract, description, track, type, language, url;
    std::vector<SourcePerson> persons;
    std::vector<SourceLink> links;
    bool cancelled = false;
};

// A whole schedule: conference facts, days and sessions, before any mapping to documents.
struct SourceSchedule {
    std::string format;  // "frab", "c3voc", "ical"
    std::string title, subtitle, acronym, venue, city, url;
    std::string timezone;            // IANA name ("" when the file names none)
    std::vector<std::string> days;   // "YYYY-MM-DD" as the file lists them (may be empty for .ics)
    std::vector<std::string> rooms;  // distinct room names, in order of appearance
    std::vector<SourceSession> sessions;
    std::vector<std::string> skipped;  // entries the parser could not use, with reasons
};

// Parsers. `zone` is the conference zone when the caller knows it (the --timezone option);
// it overrides the file's own. Each throws FormatError for a file it cannot read safely.
SourceSchedule parseFrabXml(std::string_view data, const std::string& zone = {});
SourceSchedule parseC3vocJson(std::string_view data, const std::string& zone = {});
SourceSchedule parseICalendar(std::string_view data, const std::string& zone = {});

enum class FileFormat { Frab, C3voc, ICalendar, Bundle, Unknown };
// Detects the format by content (never by file name).
FileFormat detectFormat(std::string_view data);
const char* formatName(FileFormat format);

// Checks shared by every importer: valid UTF-8 (the offset of the first bad byte in the error).
void requireValidUtf8(std::string_view data);
// Reads a file after checking its size against kMaxImportBytes.
std::string readImportFile(const std::filesystem::path& path);
// JSON parse with a depth limit (kMaxJsonDepth); FormatError on bad syntax or nesting.
Json parseJsonBounded(std::string_view data, const std::string& what);

struct Counts {
    size_t created = 0, updated = 0, unchanged = 0, skipped = 0;
};

struct ImportReport {
    std::string format;
    std::string eventId;
    Counts events, sessions, speakers, other;
    size_t days = 0, rooms = 0;
    size_t speakerLinks = 0;  // person appearances over all sessions (a person in two talks counts twice)
    std::vector<std::string> skipped;  // reasons
    std::string summary() const;
};

struct ImportOptions {
    std::string eventId;   // key or "event:key"; default: derived from the schedule
    std::string timezone;  // overrides the file's zone
    std::string userName;  // for bundle documents of the user's own database
};

// Maps a parsed schedule to documents (without writing). Ids are stable: a session id comes from
// its guid, else its source id, else a hash of title, room and start.
std::vector<Json> scheduleToDocuments(const SourceSchedule& schedule, const ImportOptions& options,
                                      ImportReport& report);

// Reads, detects, parses and writes `path` into the store: schedules into `events` (created if
// needed), bundle documents into the database their type belongs to. One bulkDocs batch per
// database; a document whose content equals the current winner is left alone.
ImportReport importFile(storage::Store& store, const std::filesystem::path& path,
                        const ImportOptions& options);
ImportReport importData(storage::Store& store, std::string_view data, const ImportOptions& options);

// Stable key helpers ([a-z0-9-]).
std::string slugify(std::string_view text, size_t maxLength = 48);
std::string stableHash(std::string_view text);  // 16 hex digits (FNV-1a 64)

}  // namespace kenes::formats
