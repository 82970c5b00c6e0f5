// "Changes since you last looked": each session's start, end, room, title (both languages) and
// cancelled flag as the user last saw them are kept in the user database (_local document
// `kenes-seen-sessions`, never synced); sessions that differ now are marked until the user opens
// them or marks everything seen. Starred sessions that moved, were cancelled or were removed are
// called out. The first time (no saved document) and for sessions of an event not seen before,
// everything counts as seen.
//
// The programme is read off the UI thread (a thread over the thread-safe Model) whenever
// a non-user database's update_seq moved (checked on DataChanged); the comparison happens on the UI
// thread in the bus handler; the _local document is written by another std::async task.
// Thread-safety: UI thread only (the background task touches only the Model and the bus).
#pragma once

#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/core/events.h"
#include "storage/model.h"
#include "storage/store.h"

namespace kenes::app {

// Texts by language ("en"/"ru" → text) packed into one string in language order: one allocation
// per session instead of a map node per language (the whole programme is held in memory). The
// separators U+001E and U+001F are replaced by spaces in what is packed. Thread-safety: a value.
class LangTexts {
public:
    LangTexts() = default;
    explicit LangTexts(const std::map<std::string, std::string>& texts);
    // Text in `lang`, else the first non-empty one.
    std::string in(const std::string& lang) const;
    std::vector<std::pair<std::string, std::string>> entries() const;
    bool operator==(const LangTexts&) const = default;

private:
    std::string m_packed;  // lang U+001F text U+001E, ...
};

// What a person sees of a session, enough to say what changed.
struct SessionFacts {
    std::string event, start, end;  // local "YYYY-MM-DDTHH:MM"
    LangTexts title;
    LangTexts room;
    bool cancelled = false;
    bool operator==(const SessionFacts&) const = default;
    // Text in `lang`, falling back to the other language.
    std::string titleIn(const std::string& lang) const;
    std::string roomIn(const std::string& lang) const;
};

// How a session differs from what was last seen.
struct SessionChange {
    bool added = false;  // new in an event the user had already seen
    bool time = false, room = false, title = false, cancelled = false, reinstated = false;
    SessionFacts before;  // as last seen (empty when added)
    SessionFacts now;
};

// A starred session that moved, was cancelled or disappeared from the programme.
struct StarredAlert {
    enum class Kind { Moved, Cancelled, Removed };
    Kind kind = Kind::Moved;
    std::string sessionId;
    SessionFacts before;
    std::optional<SessionFacts> now;  // absent when removed
};

// Posted by the background task when a fresh reading of the programme is ready.
struct ProgrammeRead {};
// Posted by the background writer when what was seen has been saved.
struct SeenSaved {};

class SessionChanges {
public:
    // `userDb` keeps what was seen; `userDbName` identifies the user's stars. With `readNow`
    // false the first reading waits for check() (the desktop app starts it after the first frame).
    SessionChanges(storage::Store& store, const storage::Model& model, storage::Database& userDb,
                   std::string userDbName, EventBus& bus, bool readNow = true);
    ~SessionChanges();
    SessionChanges(const SessionChanges&) = delete;
    SessionChanges& operator=(const SessionChanges&) = delete;

    // Reads the programme again if any shared database changed since the last reading.
    void check();
    // Blocks until a reading in progress is compared (tests, screenshots).
    void settle();
    // A reading of the programme is under way in the background.
    bool reading() const { return m_reading.valid(); }

    // Unseen change of a session, or nullptr.
    const SessionChange* change(const std::string& sessionId) const;
    // The change a session had when it was last opened in this run (for the session view).
    const SessionChange* openedChange(const std::string& sessionId) const;
    const std::map<std::string, SessionChange>& changes() const { return m_changes; }
    const std::vector<StarredAlert>& starredAlerts() const { return m_alerts; }
    size_t removedCount() const { return m_removed.size(); }
    // Seen sessions of `eventId` that are no longer in the programme.
    size_t removedCount(const std::string& eventId) const;

    void markSeen(const std::string& sessionId);
    void markAllSeen();

private:
    using Facts = std::map<std::string, SessionFacts>;
    static Facts readProgramme(const storage::Model& model);
    uint64_t sharedSeqSum();
    void compare(Facts now);
    void saveSeen();  // writes a copy of m_seen off the UI thread (one write at a time, the last wins)

    storage::Store& m_store;
    const storage::Model& m_model;
    storage::Database& m_userDb;
    std::string m_userDbName;
    EventBus& m_bus;

    std::future<Facts> m_reading;  // the reading in progress (m_reader sets it)
    std::thread m_reader;
    std::future<void> m_saving;
    bool m_saveAgain = false;
    bool m_readAgain = false;
    std::optional<uint64_t> m_readSeq;  // sharedSeqSum() when the last reading started

    Facts m_seen;           // what the user has seen
    bool m_loaded = false;  // m_seen read from the user database
    std::map<std::string, SessionChange> m_changes;
    std::map<std::string, SessionChange> m_opened;
    std::vector<StarredAlert> m_alerts;
    std::set<std::string> m_removed;  // seen sessions no longer in the programme
};

}  // namespace kenes::app
