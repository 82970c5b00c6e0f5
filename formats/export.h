// Exports from the store: iCalendar of an event or of the user's starred sessions, notes as
// Markdown files with front matter, and a session report (agenda + notes) as Markdown or HTML.
// Reads documents only through storage/store.h. Reentrant; the Store may be shared.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "formats/schedule.h"

namespace kenes::formats {

struct IcsExportOptions {
    std::string eventId;       // "event:key" or "key"
    bool starredOnly = false;  // only the sessions starred in the user's database
    std::string userName;      // whose stars (userdb-<hex>)
    bool utc = false;          // UTC times instead of TZID + VTIMEZONE
    int64_t now = 0;           // DTSTAMP (seconds since the epoch); 0 = the current time
};

// RFC 5545 text: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence),
// TEXT values escaped, a UID and DTSTAMP on every VEVENT, and a VTIMEZONE built from the zone's
// transitions over the exported span. Throws FormatError when the event does not exist.
std::string exportICalendar(storage::Store& store, const IcsExportOptions& options);

// Writes one Markdown file per note of the user into `dir` (created if needed). Returns the
// number of files written.
size_t exportNotes(storage::Store& store, const std::string& userName, const std::filesystem::path& dir);

// The agenda of an event with each session's notes by the user; `lang` "ru" or "en".
std::string exportReportMarkdown(storage::Store& store, const std::string& eventId,
                                 const std::string& userName, const std::string& lang);
std::string exportReportHtml(storage::Store& store, const std::string& eventId, const std::string& userName,
                             const std::string& lang);

// Helpers exposed for tests.
std::string icalEscape(const std::string& text);
std::string icalFold(const std::string& line);  // one content line → folded, with CRLF

}  // namespace kenes::formats
