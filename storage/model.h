// Typed, read-only answers over the projections: events and their agenda in the event's time
// zone (with now/next), speakers, standards and articles, notes, tasks, stars, and search.
// No SQL leaves storage/: callers get plain structs with text for people already resolved for a
// requested language ("ru", "en"; missing language falls back to the other, then to the first
// present, as docs/data-model.md says).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/search.h"
#include "storage/store.h"
#include "storage/time_zone.h"

namespace kenes::storage {

struct Link {
    std::string title;
    std::string url;
};

struct EventInfo {
    std::string id, title, summary, venue, city, country, timezone, startDate, endDate, onlineUrl, programme,
        level;
    std::vector<std::string> languages;
    std::vector<Link> links;
    bool timezoneKnown = true;  // false when the zone is not in this system's tzdata (UTC is used)
};

struct SpeakerInfo {
    std::string id, name, role, organisation, country, bio;
};

struct SessionInfo {
    std::string database;  // the database the session is in ("events")
    std::string id, event, title, abstract, room, kind, track, language, url;
    bool cancelled = false;
    bool starred = false;                // set by queries that are given a user database
    std::string start, end;              // local wall time in the event's zone, "YYYY-MM-DDTHH:MM"
    int64_t startUtc = 0, endUtc = 0;    // the same instants, seconds since the epoch
    std::string day;                     // local date the session is listed under (its start date)
    std::vector<SpeakerInfo> speakers;   // in the session's order; unknown speaker ids get only `id`
    std::vector<std::string> standards;  // links as written: "std:C087#art2"
};

// What a person sees of a session, for telling what changed since they looked: times, the
// cancelled flag, and room and title resolved for each requested language.
struct SessionSnapshot {
    std::string id, event, start, end;
    bool cancelled = false;
    std::map<std::string, std::string> title, room;  // language → text (with the usual fallback)
};

struct AgendaDay {
    std::string date;  // "YYYY-MM-DD", local to the event
    std::vector<SessionInfo> sessions;
};

struct NowNext {
    std::vector<SessionInfo> now;     // sessions running at the instant (start <= t < end)
    std::optional<SessionInfo> next;  // the first session starting after the instant
};

struct ArticleInfo {
    std::string id, number, part, heading, text;
};

struct StandardInfo {
    std::string id, code, kind, title, shortTitle, adopted, inForce, textKind, summary, preamble;
    int64_t number = 0;
    bool fundamental = false;
    int64_t articleCount = 0;
    std::vector<ArticleInfo> articles;  // filled by standard(), empty in lists
};

struct NoteInfo {
    std::string id, title, body, created, updated, event, session;
    std::vector<std::string> standards, tags;
};

struct NoteFilter {
    std::string event, session, standard, tag;  // empty: any; standard matches "std:C087" and its articles
    size_t limit = 0;                           // 0: no limit
};

struct TaskInfo {
    std::string id, title, due, country, standard, event, details, created, updated;
    bool done = false;
};

struct StarInfo {
    std::string id, session, event, created;
};

struct SkippedDocument {
    std::string database, id, reason;
};

// Read-only typed queries over one Store's projections. Thread-safe: any number of threads may
// query at once (each call borrows its own read connection). Answers reflect the last committed
// write. Keep the Store alive while the Model lives.
class Model {
public:
    static constexpr int kDefaultReaderCacheKib = 8192;
    // `readerCacheKib`: the page cache of each read connection (the desktop app keeps it small).
    explicit Model(Store& store, int readerCacheKib = kDefaultReaderCacheKib);
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    // Events, newest first (by start date).
    std::vector<EventInfo> events(const std::string& lang) const;
    std::optional<EventInfo> event(const std::string& eventId, const std::string& lang) const;
    // Every local date from start_date to end_date, plus any date a session starts on outside it.
    std::vector<std::string> eventDays(const std::string& eventId) const;
    // Sessions of the event, ordered by start, each listed under its local start date.
    std::vector<AgendaDay> agenda(const std::string& eventId, const std::string& lang,
                                  const std::string& userDatabase = "") const;
    // One day's sessions (local date "YYYY-MM-DD"); a session past midnight belongs to its start day.
    std::vector<SessionInfo> sessionsOnDay(const std::string& eventId, const std::string& date,
                                           const std::string& lang,
                                           const std::string& userDatabase = "") const;
    // Running and next sessions at `utcNow` (cancelled sessions are left out).
    NowNext nowNext(const std::string& eventId, int64_t utcNow, const std::string& lang) const;
    // The local date of `utcNow` in the event's zone ("YYYY-MM-DD"), e.g. to pick the day tab.
    std::string localDate(const std::string& eventId, int64_t utcNow) const;

    std::optional<SessionInfo> session(const std::string& sessionId, const std::string& lang,
                                       const std::string& userDatabase = "") const;
    std::optional<SpeakerInfo> speaker(const std::string& speakerId, const std::string& lang) const;
    std::vector<SessionInfo> sessionsOfSpeaker(const std::string& speakerId, const std::string& lang) const;
    // Sessions linking a standard ("std:C087"); with an article id, only those linking that
    // article or the whole standard.
    std::vector<SessionInfo> sessionsLinking(const std::string& standardId, const std::string& articleId,
                                             const std::string& lang) const;

    // Standards ordered by kind (conventions first), then number and code; no articles.
    std::vector<StandardInfo> standards(const std::string& lang) const;
    std::optional<StandardInfo> standard(const std::string& standardId, const std::string& lang) const;

    // Notes of the user's database, newest (updated) first.
    std::vector<NoteInfo> notes(const std::string& userDatabase, const NoteFilter& filter = {}) const;
    std::vector<NoteInfo> notesOfSession(const std::string& userDatabase, const std::string& sessionId) const;
    // Tasks by due date (no due date last), then title.
    std::vector<TaskInfo> tasks(const std::string& userDatabase, bool includeDone = true) const;
    std::vector<StarInfo> stars(const std::string& userDatabase) const;
    bool isStarred(const std::string& userDatabase, const std::string& sessionId) const;
    // Every session of every event in one query, without speakers or links.
    std::vector<SessionSnapshot> sessionSnapshots(const std::vector<std::string>& languages) const;

    // Documents the projections skipped, with the reason.
    std::vector<SkippedDocument> skippedDocuments() const;

    // Full-text search (see search.h). Borrows two read connections and, on a machine with two or
    // more cores, scans the index on two threads at once (the answer is the same as on one).
    SearchResults search(const std::string& text, const SearchOptions& options) const;

    class Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

// Star and unstar a session in the user's own database (documents "star:<session id>", written
// through Database::put / remove, so they sync like any other edit). Starring twice is a no-op;
// unstarring a session that is not starred is a no-op.
void starSession(Database& userDb, const std::string& sessionId, const std::string& eventId);
void unstarSession(Database& userDb, const std::string& sessionId);

}  // namespace kenes::storage
