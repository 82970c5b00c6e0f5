// Typed queries over the projections (see model.h).
#include "storage/model.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include "storage/model_reader.h"
#include "storage/model_text.h"
#include "storage/projection_records.h"
#include "storage/search_query.h"

namespace kenes::storage {

namespace {

std::vector<std::string> jsonStrings(const std::string& serialised) {
    std::vector<std::string> out;
    if (serialised.empty()) return out;
    Json j = Json::parse(serialised, nullptr, false);
    if (!j.is_array()) return out;
    for (auto& v : j)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

std::shared_ptr<const TimeZone> zoneOrUtc(const std::string& name, bool& known) {
    try {
        known = true;
        return TimeZone::load(name);
    } catch (const StoreError&) {
        known = false;
        return TimeZone::load("UTC");
    }
}

constexpr const char* kSessionColumns =
    "s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, s.abstract, s.kind, s.track, "
    "s.language, s.cancelled, s.url";

}  // namespace

class Model::Impl {
public:
    Impl(Store& store, int readerCacheKib) : m_readers(store, readerCacheKib) {}

    ReaderPool m_readers;

    // --- rows to structs -----------------------------------------------------------------------

    static EventInfo eventFrom(ModelStmt& q, const std::string& lang) {
        // columns: id, title, summary, venue, city, country, timezone, start_date, end_date, online_url,
        //          languages, programme, level, links
        EventInfo e;
        e.id = q.text(0);
        e.title = resolveStoredText(q.view(1), lang);
        e.summary = resolveStoredText(q.view(2), lang);
        e.venue = resolveStoredText(q.view(3), lang);
        e.city = resolveStoredText(q.view(4), lang);
        e.country = q.text(5);
        e.timezone = q.text(6);
        e.startDate = q.text(7);
        e.endDate = q.text(8);
        e.onlineUrl = q.text(9);
        e.languages = jsonStrings(q.text(10));
        e.programme = resolveStoredText(q.view(11), lang);
        e.level = q.text(12);
        const std::string links = q.text(13);
        if (!links.empty()) {
            Json j = Json::parse(links, nullptr, false);
            if (j.is_array())
                for (auto& l : j)
                    if (l.is_object() && l.contains("url") && l["url"].is_string())
                        e.links.push_back(Link{l.contains("title") ? resolveText(l["title"], lang) : "",
                                               l["url"].get<std::string>()});
        }
        bool known = true;
        zoneOrUtc(e.timezone, known);
        e.timezoneKnown = known;
        return e;
    }

    // Reads sessions from `q` (kSessionColumns first) and completes them: UTC instants from the
    // event's zone, speakers, standard links.
    // With `details` false, speakers and standard links are left empty (see fillDetails).
    std::vector<SessionInfo> sessionsFrom(ModelSql& sql, ModelStmt& q, const std::string& lang,
                                          bool details = true) const {
        std::vector<SessionInfo> out;
        while (q.step()) {
            SessionInfo s;
            s.database = q.text(0);
            s.id = q.text(1);
            s.event = q.text(2);
            s.start = q.text(3);
            s.end = q.text(4);
            s.room = resolveStoredText(q.view(5), lang);
            s.title = resolveStoredText(q.view(6), lang);
            s.abstract = resolveStoredText(q.view(7), lang);
            s.kind = q.text(8);
            s.track = resolveStoredText(q.view(9), lang);
            s.language = q.text(10);
            s.cancelled = q.integer(11) != 0;
            s.url = q.text(12);
            s.day = s.start.substr(0, 10);
            out.push_back(std::move(s));
        }
        std::map<std::string, std::shared_ptr<const TimeZone>> zones;
        for (size_t i = 0; i < out.size(); ++i) {
            SessionInfo& s = out[i];
            auto zone = zones.find(s.event);
            if (zone == zones.end()) {
                std::string tzName = "UTC";
                auto tq = sql.prepare("SELECT timezone FROM proj_events WHERE id=?1 LIMIT 1");
                tq.bind(1, s.event);
                if (tq.step()) tzName = tq.text(0);
                bool known = true;
                zone = zones.emplace(s.event, zoneOrUtc(tzName, known)).first;
            }
            if (auto start = parseLocalDateTime(s.start)) s.startUtc = zone->second->toUtc(*start);
            if (auto end = parseLocalDateTime(s.end)) s.endUtc = zone->second->toUtc(*end);
            if (details) fillDetails(sql, s, lang);
        }
        return out;
    }

    // A speaker from the row of `stmt` whose columns from `first` on are: speaker id, name, role,
    // organisation, country, bio.
    static SpeakerInfo speakerFrom(ModelStmt& stmt, int first, const std::string& lang) {
        SpeakerInfo info;
        info.id = stmt.text(first);
        info.name = resolveStoredText(stmt.view(first + 1), lang);
        info.role = resolveStoredText(stmt.view(first + 2), lang);
        info.organisation = resolveStoredText(stmt.view(first + 3), lang);
        info.country = stmt.text(first + 4);
        info.bio = resolveStoredText(stmt.view(first + 5), lang);
        return info;
    }

    void fillDetails(ModelSql& sql, SessionInfo& s, const std::string& lang) const {
        {
            auto sp = sql.prepare(
                "SELECT ss.speaker, p.name, p.role, p.organisation, p.country, p.bio FROM "
                "proj_session_speakers ss "
                "LEFT JOIN proj_speakers p ON p.db=ss.db AND p.id=ss.speaker WHERE ss.db=?1 AND "
                "ss.session=?2 "
                "ORDER BY ss.pos");
            sp.bind(1, s.database).bind(2, s.id);
            while (sp.step()) s.speakers.push_back(speakerFrom(sp, 0, lang));
            auto st = sql.prepare(
                "SELECT standard, article FROM proj_session_standards WHERE db=?1 AND session=?2 ORDER BY "
                "pos");
            st.bind(1, s.database).bind(2, s.id);
            while (st.step()) {
                std::string link = st.text(0);
                if (!st.text(1).empty()) link += "#" + st.text(1);
                s.standards.push_back(std::move(link));
            }
        }
    }

    // fillDetails for all of `sessions`, which are the sessions of `eventId` or a part of them: one
    // query for the event's speakers and one for its standard links instead of two per session.
    void fillEventDetails(ModelSql& sql, std::vector<SessionInfo>& sessions, const std::string& eventId,
                          const std::string& lang) const {
        auto sp = sql.prepare(
            "SELECT ss.db, ss.session, ss.speaker, p.name, p.role, p.organisation, p.country, p.bio "
            "FROM proj_sessions s JOIN proj_session_speakers ss ON ss.db=s.db AND ss.session=s.id "
            "LEFT JOIN proj_speakers p ON p.db=ss.db AND p.id=ss.speaker WHERE s.event=?1 "
            "ORDER BY ss.db, ss.session, ss.pos");
        sp.bind(1, eventId);
        auto st = sql.prepare(
            "SELECT st.db, st.session, st.standard, st.article FROM proj_sessions s "
            "JOIN proj_session_standards st ON st.db=s.db AND st.session=s.id WHERE s.event=?1 "
            "ORDER BY st.db, st.session, st.pos");
        st.bind(1, eventId);
        fillDetailsFrom(sp, st, sessions, lang);
    }

    // The same for `sessions` that are the sessions of `eventId` starting in [from, to) (local time).
    void fillDayDetails(ModelSql& sql, std::vector<SessionInfo>& sessions, const std::string& eventId,
                        const std::string& from, const std::string& to, const std::string& lang) const {
        auto sp = sql.prepare(
            "SELECT ss.db, ss.session, ss.speaker, p.name, p.role, p.organisation, p.country, p.bio "
            "FROM proj_sessions s JOIN proj_session_speakers ss ON ss.db=s.db AND ss.session=s.id "
            "LEFT JOIN proj_speakers p ON p.db=ss.db AND p.id=ss.speaker "
            "WHERE s.event=?1 AND s.start_local >= ?2 AND s.start_local < ?3 ORDER BY ss.db, ss.session, "
            "ss.pos");
        sp.bind(1, eventId).bind(2, from).bind(3, to);
        auto st = sql.prepare(
            "SELECT st.db, st.session, st.standard, st.article FROM proj_sessions s "
            "JOIN proj_session_standards st ON st.db=s.db AND st.session=s.id "
            "WHERE s.event=?1 AND s.start_local >= ?2 AND s.start_local < ?3 ORDER BY st.db, st.session, "
            "st.pos");
        st.bind(1, eventId).bind(2, from).bind(3, to);
        fillDetailsFrom(sp, st, sessions, lang);
    }

    // Adds to `sessions` the speakers (columns: db, session, speaker, name, role, organisation,
    // country, bio) and standard links (db, session, standard, article) the two queries read, each
    // in (db, session, position) order; rows of other sessions are skipped.
    static void fillDetailsFrom(ModelStmt& sp, ModelStmt& st, std::vector<SessionInfo>& sessions,
                                const std::string& lang) {
        std::map<std::pair<std::string_view, std::string_view>, SessionInfo*> byKey;
        for (auto& s : sessions)
            byKey.emplace(std::pair<std::string_view, std::string_view>(s.database, s.id), &s);
        auto find = [&](std::string_view db, std::string_view id) -> SessionInfo* {
            auto it = byKey.find({db, id});
            return it == byKey.end() ? nullptr : it->second;
        };
        while (sp.step()) {
            SessionInfo* s = find(sp.view(0), sp.view(1));
            if (s) s->speakers.push_back(speakerFrom(sp, 2, lang));
        }
        while (st.step()) {
            SessionInfo* s = find(st.view(0), st.view(1));
            if (!s) continue;
            std::string link = st.text(2);
            if (!st.view(3).empty()) link += "#" + st.text(3);
            s->standards.push_back(std::move(link));
        }
    }

    void markStars(ModelSql& sql, std::vector<SessionInfo>& sessions, const std::string& userDb) const {
        if (userDb.empty() || sessions.empty()) return;
        if (sessions.size() > 64) {  // one pass over the user's stars rather than one look-up per session
            std::set<std::string> starred;
            auto q = sql.prepare("SELECT session FROM proj_stars WHERE db=?1");
            q.bind(1, userDb);
            while (q.step()) starred.insert(q.text(0));
            for (auto& s : sessions) s.starred = starred.count(s.id) > 0;
            return;
        }
        // One query for all of them (a look-up per session inside it).
        Json ids = Json::array();
        for (auto& s : sessions) ids.push_back(s.id);
        std::set<std::string, std::less<>> starred;
        auto q = sql.prepare(
            "SELECT DISTINCT session FROM proj_stars WHERE db=?1 AND session IN (SELECT value FROM "
            "json_each(?2))");
        q.bind(1, userDb).bind(2, ids.dump());
        while (q.step()) starred.insert(q.text(0));
        for (auto& s : sessions) s.starred = starred.count(s.id) > 0;
    }

    static NoteInfo noteFrom(ModelStmt& q) {
        // columns: id, title, body, created, updated, event, session, standards, tags
        NoteInfo n;
        n.id = q.text(0);
        n.title = q.text(1);
        n.body = q.text(2);
        n.created = q.text(3);
        n.updated = q.text(4);
        n.event = q.text(5);
        n.session = q.text(6);
        n.standards = jsonStrings(q.text(7));
        n.tags = jsonStrings(q.text(8));
        return n;
    }

    static StandardInfo standardFrom(ModelStmt& q, const std::string& lang) {
        // columns: id, code, kind, number, title, short_title, adopted, in_force, fundamental, text_kind,
        //          summary, preamble, article_count
        StandardInfo s;
        s.id = q.text(0);
        s.code = q.text(1);
        s.kind = q.text(2);
        s.number = q.integer(3);
        s.title = resolveStoredText(q.view(4), lang);
        s.shortTitle = resolveStoredText(q.view(5), lang);
        s.adopted = q.text(6);
        s.inForce = q.text(7);
        s.fundamental = q.integer(8) != 0;
        s.textKind = q.text(9);
        s.summary = resolveStoredText(q.view(10), lang);
        s.preamble = resolveStoredText(q.view(11), lang);
        s.articleCount = q.integer(12);
        return s;
    }
};

#define KENES_EVENT_COLUMNS                                                                             \
    "id, title, summary, venue, city, country, timezone, start_date, end_date, online_url, languages, " \
    "programme, "                                                                                       \
    "level, links"
#define KENES_STANDARD_COLUMNS                                                                         \
    "id, code, kind, number, title, short_title, adopted, in_force, fundamental, text_kind, summary, " \
    "preamble, "                                                                                       \
    "article_count"
#define KENES_NOTE_COLUMNS "id, title, body, created, updated, event, session, standards, tags"

Model::Model(Store& store, int readerCacheKib) : m_impl(std::make_unique<Impl>(store, readerCacheKib)) {}
Model::~Model() = default;

std::vector<EventInfo> Model::events(const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    auto q =
        reader->sql.prepare("SELECT " KENES_EVENT_COLUMNS " FROM proj_events ORDER BY start_date DESC, id");
    std::vector<EventInfo> out;
    while (q.step()) out.push_back(Impl::eventFrom(q, lang));
    return out;
}

std::optional<EventInfo> Model::event(const std::string& eventId, const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare("SELECT " KENES_EVENT_COLUMNS
                                 " FROM proj_events WHERE id=?1 ORDER BY db LIMIT 1");
    q.bind(1, eventId);
    if (!q.step()) return std::nullopt;
    return Impl::eventFrom(q, lang);
}

std::vector<std::string> Model::eventDays(const std::string& eventId) const {
    auto reader = m_impl->m_readers.acquire();
    std::set<std::string> days;
    {
        auto q = reader->sql.prepare(
            "SELECT start_date, end_date FROM proj_events WHERE id=?1 ORDER BY db LIMIT 1");
        q.bind(1, eventId);
        if (q.step()) {
            auto from = parseLocalDateTime(q.text(0));
            auto to = parseLocalDateTime(q.text(1));
            if (from && to) {
                int64_t d0 = daysFromCivil(from->year, from->month, from->day);
                int64_t d1 = daysFromCivil(to->year, to->month, to->day);
                for (int64_t d = d0; d <= d1 && d - d0 < 366; ++d)
                    days.insert(formatLocalDate(civilFromSeconds(d * 86400)));
            }
        }
    }
    auto q =
        reader->sql.prepare("SELECT DISTINCT substr(start_local, 1, 10) FROM proj_sessions WHERE event=?1");
    q.bind(1, eventId);
    while (q.step()) days.insert(q.text(0));
    return {days.begin(), days.end()};
}

std::vector<AgendaDay> Model::agenda(const std::string& eventId, const std::string& lang,
                                     const std::string& userDatabase) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, s.abstract, "
        "s.kind, s.track, s.language, s.cancelled, s.url FROM proj_sessions s "
        "WHERE s.event=?1 ORDER BY s.start_local, s.end_local, s.id");
    q.bind(1, eventId);
    auto sessions = m_impl->sessionsFrom(reader->sql, q, lang, false);
    m_impl->fillEventDetails(reader->sql, sessions, eventId, lang);
    m_impl->markStars(reader->sql, sessions, userDatabase);
    std::vector<AgendaDay> days;
    for (auto& s : sessions) {
        if (days.empty() || days.back().date != s.day) days.push_back(AgendaDay{s.day, {}});
        days.back().sessions.push_back(std::move(s));
    }
    return days;
}

std::vector<SessionSnapshot> Model::sessionSnapshots(const std::vector<std::string>& languages) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT id, event, start_local, end_local, room, title, cancelled FROM proj_sessions ORDER BY db, "
        "id");
    std::vector<SessionSnapshot> out;
    while (q.step()) {
        SessionSnapshot s;
        s.id = q.text(0);
        s.event = q.text(1);
        s.start = q.text(2);
        s.end = q.text(3);
        const std::string room = q.text(4), title = q.text(5);
        for (const auto& lang : languages) {
            s.room[lang] = resolveStoredText(room, lang);
            s.title[lang] = resolveStoredText(title, lang);
        }
        s.cancelled = q.integer(6) != 0;
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<SessionInfo> Model::sessionsOnDay(const std::string& eventId, const std::string& date,
                                              const std::string& lang,
                                              const std::string& userDatabase) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, s.abstract, "
        "s.kind, s.track, s.language, s.cancelled, s.url FROM proj_sessions s "
        "WHERE s.event=?1 AND s.start_local >= ?2 AND s.start_local < ?3 "
        "ORDER BY s.start_local, s.end_local, s.id");
    const std::string to = date + "U";  // 'U' sorts after 'T'
    q.bind(1, eventId).bind(2, date).bind(3, to);
    auto sessions = m_impl->sessionsFrom(reader->sql, q, lang, false);
    m_impl->fillDayDetails(reader->sql, sessions, eventId, date, to, lang);
    m_impl->markStars(reader->sql, sessions, userDatabase);
    return sessions;
}

NowNext Model::nowNext(const std::string& eventId, int64_t utcNow, const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    std::string tzName = "UTC";
    {
        auto tq = reader->sql.prepare("SELECT timezone FROM proj_events WHERE id=?1 LIMIT 1");
        tq.bind(1, eventId);
        if (tq.step()) tzName = tq.text(0);
    }
    bool known = true;
    auto zone = zoneOrUtc(tzName, known);
    // Candidates: sessions starting from two days before the local date on (sessions past midnight
    // and long workshops), in start order; the first one starting after the instant is "next".
    LocalDateTime local = zone->toLocal(utcNow);
    const std::string from = formatLocalDate(civilFromSeconds(secondsFromCivil(local) - 2 * 86400));
    auto q = reader->sql.prepare(
        "SELECT s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, s.abstract, "
        "s.kind, s.track, s.language, s.cancelled, s.url FROM proj_sessions s "
        "WHERE s.event=?1 AND s.start_local >= ?2 AND s.cancelled=0 "
        "ORDER BY s.start_local, s.end_local, s.id");
    q.bind(1, eventId).bind(2, from);
    // Read rows lazily would be ideal; the event's remaining sessions are few (an agenda).
    auto sessions = m_impl->sessionsFrom(reader->sql, q, lang, false);
    NowNext out;
    for (auto& s : sessions) {
        if (s.startUtc <= utcNow && utcNow < s.endUtc)
            out.now.push_back(s);
        else if (s.startUtc > utcNow && (!out.next || s.startUtc < out.next->startUtc))
            out.next = s;
    }
    for (auto& s : out.now) m_impl->fillDetails(reader->sql, s, lang);
    if (out.next) m_impl->fillDetails(reader->sql, *out.next, lang);
    return out;
}

std::string Model::localDate(const std::string& eventId, int64_t utcNow) const {
    auto reader = m_impl->m_readers.acquire();
    std::string tzName = "UTC";
    auto tq = reader->sql.prepare("SELECT timezone FROM proj_events WHERE id=?1 LIMIT 1");
    tq.bind(1, eventId);
    if (tq.step()) tzName = tq.text(0);
    bool known = true;
    return formatLocalDate(zoneOrUtc(tzName, known)->toLocal(utcNow));
}

std::optional<SessionInfo> Model::session(const std::string& sessionId, const std::string& lang,
                                          const std::string& userDatabase) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, s.abstract, "
        "s.kind, s.track, s.language, s.cancelled, s.url FROM proj_sessions s "
        "WHERE s.id=?1 ORDER BY s.db LIMIT 1");
    q.bind(1, sessionId);
    auto sessions = m_impl->sessionsFrom(reader->sql, q, lang);
    if (sessions.empty()) return std::nullopt;
    m_impl->markStars(reader->sql, sessions, userDatabase);
    return sessions.front();
}

std::optional<SpeakerInfo> Model::speaker(const std::string& speakerId, const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT id, name, role, organisation, country, bio FROM proj_speakers WHERE id=?1 ORDER BY db LIMIT "
        "1");
    q.bind(1, speakerId);
    if (!q.step()) return std::nullopt;
    return SpeakerInfo{q.text(0),
                       resolveStoredText(q.view(1), lang),
                       resolveStoredText(q.view(2), lang),
                       resolveStoredText(q.view(3), lang),
                       q.text(4),
                       resolveStoredText(q.view(5), lang)};
}

std::vector<SessionInfo> Model::sessionsOfSpeaker(const std::string& speakerId,
                                                  const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT DISTINCT s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, "
        "s.abstract, s.kind, s.track, s.language, s.cancelled, s.url "
        "FROM proj_session_speakers ss JOIN proj_sessions s ON s.db=ss.db AND s.id=ss.session "
        "WHERE ss.speaker=?1 ORDER BY s.start_local, s.id");
    q.bind(1, speakerId);
    return m_impl->sessionsFrom(reader->sql, q, lang);
}

std::vector<SessionInfo> Model::sessionsLinking(const std::string& standardId, const std::string& articleId,
                                                const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT DISTINCT s.db, s.id, s.event, s.start_local, s.end_local, s.room, s.title, "
        "s.abstract, s.kind, s.track, s.language, s.cancelled, s.url "
        "FROM proj_session_standards l JOIN proj_sessions s ON s.db=l.db AND s.id=l.session "
        "WHERE l.standard=?1 AND (?2 = '' OR l.article = ?2 OR l.article = '') "
        "ORDER BY s.start_local, s.id");
    q.bind(1, standardId).bind(2, articleId);
    return m_impl->sessionsFrom(reader->sql, q, lang);
}

std::vector<StandardInfo> Model::standards(const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT " KENES_STANDARD_COLUMNS
        " FROM proj_standards ORDER BY "
        "CASE kind WHEN 'convention' THEN 0 WHEN 'protocol' THEN 1 WHEN 'recommendation' THEN 2 ELSE 3 END, "
        "number, code");
    std::vector<StandardInfo> out;
    while (q.step()) out.push_back(Impl::standardFrom(q, lang));
    return out;
}

std::optional<StandardInfo> Model::standard(const std::string& standardId, const std::string& lang) const {
    auto reader = m_impl->m_readers.acquire();
    std::string db;
    StandardInfo s;
    {
        auto q = reader->sql.prepare("SELECT " KENES_STANDARD_COLUMNS
                                     ", db FROM proj_standards WHERE id=?1 "
                                     "ORDER BY db LIMIT 1");
        q.bind(1, standardId);
        if (!q.step()) return std::nullopt;
        s = Impl::standardFrom(q, lang);
        db = q.text(13);
    }
    auto a = reader->sql.prepare(
        "SELECT article_id, number, part, heading, text FROM proj_articles WHERE db=?1 AND standard=?2 ORDER "
        "BY pos");
    a.bind(1, db).bind(2, standardId);
    while (a.step())
        s.articles.push_back(ArticleInfo{a.text(0), a.text(1), resolveStoredText(a.view(2), lang),
                                         resolveStoredText(a.view(3), lang),
                                         resolveStoredText(a.view(4), lang)});
    return s;
}

std::vector<NoteInfo> Model::notes(const std::string& userDatabase, const NoteFilter& filter) const {
    auto reader = m_impl->m_readers.acquire();
    auto q =
        reader->sql.prepare("SELECT " KENES_NOTE_COLUMNS
                            " FROM proj_notes n WHERE db=?1 "
                            "AND (?2 = '' OR event = ?2) AND (?3 = '' OR session = ?3) "
                            "AND (?4 = '' OR EXISTS (SELECT 1 FROM json_each(n.standards) j WHERE j.value = "
                            "?4 OR j.value LIKE ?4 || '#%')) "
                            "AND (?5 = '' OR EXISTS (SELECT 1 FROM json_each(n.tags) t WHERE t.value = ?5)) "
                            "ORDER BY updated DESC, id LIMIT ?6");
    q.bind(1, userDatabase)
        .bind(2, filter.event)
        .bind(3, filter.session)
        .bind(4, filter.standard)
        .bind(5, filter.tag)
        .bind(6, filter.limit == 0 ? int64_t{-1} : static_cast<int64_t>(filter.limit));
    std::vector<NoteInfo> out;
    while (q.step()) out.push_back(Impl::noteFrom(q));
    return out;
}

std::vector<NoteInfo> Model::notesOfSession(const std::string& userDatabase,
                                            const std::string& sessionId) const {
    NoteFilter f;
    f.session = sessionId;
    return notes(userDatabase, f);
}

std::vector<TaskInfo> Model::tasks(const std::string& userDatabase, bool includeDone) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT id, title, due, country, standard, event, details, created, updated, done FROM proj_tasks "
        "WHERE db=?1 AND (?2 OR done=0) ORDER BY due IS NULL, due, title, id");
    q.bind(1, userDatabase).bind(2, includeDone);
    std::vector<TaskInfo> out;
    while (q.step())
        out.push_back(TaskInfo{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6),
                               q.text(7), q.text(8), q.integer(9) != 0});
    return out;
}

std::vector<StarInfo> Model::stars(const std::string& userDatabase) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare(
        "SELECT id, session, event, created FROM proj_stars WHERE db=?1 ORDER BY session");
    q.bind(1, userDatabase);
    std::vector<StarInfo> out;
    while (q.step()) out.push_back(StarInfo{q.text(0), q.text(1), q.text(2), q.text(3)});
    return out;
}

bool Model::isStarred(const std::string& userDatabase, const std::string& sessionId) const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare("SELECT 1 FROM proj_stars WHERE db=?1 AND session=?2 LIMIT 1");
    q.bind(1, userDatabase).bind(2, sessionId);
    return q.step();
}

std::vector<SkippedDocument> Model::skippedDocuments() const {
    auto reader = m_impl->m_readers.acquire();
    auto q = reader->sql.prepare("SELECT db, id, reason FROM proj_skipped ORDER BY db, id");
    std::vector<SkippedDocument> out;
    while (q.step()) out.push_back(SkippedDocument{q.text(0), q.text(1), q.text(2)});
    return out;
}

SearchResults Model::search(const std::string& text, const SearchOptions& options) const {
    auto reader = m_impl->m_readers.acquire();
    // A second connection scans half of the index on another core (results are the same).
    if (std::thread::hardware_concurrency() < 2) return executeSearch(reader->sql, text, options);
    auto helper = m_impl->m_readers.acquire();
    return executeSearch(reader->sql, text, options, &helper->sql);
}

void starSession(Database& userDb, const std::string& sessionId, const std::string& eventId) {
    const std::string id = "star:" + sessionId;
    try {
        Json existing = userDb.get(id);
        return;  // already starred
    } catch (const StoreError& e) {
        if (e.status() != 404) throw;
    }
    Json doc{{"_id", id},
             {"type", "star"},
             {"session", sessionId},
             {"created", formatUtcInstant(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count())}};
    if (!eventId.empty()) doc["event"] = eventId;
    try {
        userDb.put(doc);
    } catch (const StoreError& e) {
        if (e.status() != 409) throw;  // starred meanwhile
    }
}

void unstarSession(Database& userDb, const std::string& sessionId) {
    const std::string id = "star:" + sessionId;
    // Every live branch is removed (a star starred on two devices may have two).
    for (int attempt = 0; attempt < 8; ++attempt) {
        Json existing;
        try {
            existing = userDb.get(id);
        } catch (const StoreError& e) {
            if (e.status() == 404) return;
            throw;
        }
        try {
            userDb.remove(id, existing["_rev"].get<std::string>());
        } catch (const StoreError& e) {
            if (e.status() != 409) throw;
        }
    }
}

}  // namespace kenes::storage
