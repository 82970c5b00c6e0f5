// Projection tables and their maintenance (see projection.h).
#include "storage/projection.h"

#include <iostream>
#include <mutex>
#include <variant>

#include "storage/projection_records.h"
#include "storage/search_index.h"

namespace kenes::storage {

namespace {

std::mutex& logMutex() {
    static std::mutex m;
    return m;
}
ProjectionLog& logSink() {
    static ProjectionLog sink;
    return sink;
}

constexpr const char* kSchema = R"SQL(
CREATE TABLE proj_meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE proj_skipped(db TEXT, id TEXT, reason TEXT, PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE TABLE proj_events(db TEXT, id TEXT, title TEXT, summary TEXT, venue TEXT, city TEXT, country TEXT,
  timezone TEXT, start_date TEXT, end_date TEXT, online_url TEXT, languages TEXT, programme TEXT, level TEXT,
  links TEXT, PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE INDEX proj_events_start ON proj_events(start_date);
CREATE TABLE proj_sessions(db TEXT, id TEXT, event TEXT, start_local TEXT, end_local TEXT, room TEXT,
  title TEXT, abstract TEXT, kind TEXT, track TEXT, language TEXT, cancelled INTEGER, url TEXT,
  PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE INDEX proj_sessions_event ON proj_sessions(event, start_local);
CREATE TABLE proj_session_speakers(db TEXT, session TEXT, pos INTEGER, speaker TEXT,
  PRIMARY KEY(db, session, pos)) WITHOUT ROWID;
CREATE INDEX proj_session_speakers_speaker ON proj_session_speakers(speaker);
CREATE TABLE proj_session_standards(db TEXT, session TEXT, pos INTEGER, standard TEXT, article TEXT,
  PRIMARY KEY(db, session, pos)) WITHOUT ROWID;
CREATE INDEX proj_session_standards_standard ON proj_session_standards(standard, article);
CREATE TABLE proj_speakers(db TEXT, id TEXT, name TEXT, role TEXT, organisation TEXT, country TEXT, bio TEXT,
  PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE TABLE proj_standards(db TEXT, id TEXT, code TEXT, kind TEXT, number INTEGER, title TEXT,
  short_title TEXT, adopted TEXT, in_force TEXT, fundamental INTEGER, text_kind TEXT, summary TEXT,
  preamble TEXT, article_count INTEGER, PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE TABLE proj_articles(db TEXT, standard TEXT, pos INTEGER, article_id TEXT, number TEXT, part TEXT,
  heading TEXT, text TEXT, PRIMARY KEY(db, standard, pos)) WITHOUT ROWID;
CREATE TABLE proj_notes(db TEXT, id TEXT, title TEXT, body TEXT, created TEXT, updated TEXT, event TEXT,
  session TEXT, standards TEXT, tags TEXT, PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE INDEX proj_notes_updated ON proj_notes(db, updated);
CREATE INDEX proj_notes_session ON proj_notes(session);
CREATE TABLE proj_tasks(db TEXT, id TEXT, title TEXT, due TEXT, done INTEGER, country TEXT, standard TEXT,
  event TEXT, details TEXT, created TEXT, updated TEXT, PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE INDEX proj_tasks_due ON proj_tasks(db, due);
CREATE TABLE proj_stars(db TEXT, id TEXT, session TEXT, event TEXT, created TEXT,
  PRIMARY KEY(db, id)) WITHOUT ROWID;
CREATE INDEX proj_stars_session ON proj_stars(db, session);
)SQL";

constexpr const char* kProjectionTables[] = {"proj_skipped",
                                             "proj_events",
                                             "proj_sessions",
                                             "proj_session_speakers",
                                             "proj_session_standards",
                                             "proj_speakers",
                                             "proj_standards",
                                             "proj_articles",
                                             "proj_notes",
                                             "proj_tasks",
                                             "proj_stars"};

}  // namespace

void setProjectionLog(ProjectionLog log) {
    std::lock_guard lock(logMutex());
    logSink() = std::move(log);
}

void logProjection(const std::string& line) {
    std::lock_guard lock(logMutex());
    if (logSink())
        logSink()(line);
    else
        std::cerr << "kenes: " << line << "\n";
}

int ProjectionWriter::storedSchemaVersion() {
    auto exists = m_sql.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='proj_meta'");
    if (!exists.step()) return 0;
    auto q = m_sql.prepare("SELECT value FROM proj_meta WHERE key='schema_version'");
    return q.step() ? static_cast<int>(q.integer(0)) : 0;
}

void ProjectionWriter::recreateSchema() {
    std::string drop;
    for (const char* t : kProjectionTables) drop += std::string("DROP TABLE IF EXISTS ") + t + ";\n";
    drop += "DROP TABLE IF EXISTS proj_meta;\n";
    drop += searchDropSql();
    m_sql.exec(drop);
    m_sql.exec(kSchema);
    m_sql.exec(searchSchemaSql());
    m_sql.exec("INSERT INTO proj_meta(key, value) VALUES('schema_version', '" +
               std::to_string(kProjectionSchemaVersion) + "')");
}

void ProjectionWriter::removeDocument(const std::string& db, const std::string& id) {
    m_sql.prepare("DELETE FROM proj_skipped WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_events WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_sessions WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_session_speakers WHERE db=?1 AND session=?2")
        .bind(1, db)
        .bind(2, id)
        .run();
    m_sql.prepare("DELETE FROM proj_session_standards WHERE db=?1 AND session=?2")
        .bind(1, db)
        .bind(2, id)
        .run();
    m_sql.prepare("DELETE FROM proj_speakers WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_standards WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_articles WHERE db=?1 AND standard=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_notes WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_tasks WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
    m_sql.prepare("DELETE FROM proj_stars WHERE db=?1 AND id=?2").bind(1, db).bind(2, id).run();
}

void SearchBacklog::flush(ModelSql& sql) {
    for (const auto& [db, id] : m_docs) searchReindexDocument(sql, db, id);
    m_docs.clear();
}

void ProjectionWriter::apply(const std::string& db, const std::string& id, const Json* winner, bool created) {
    if (m_backlog) {
        applyRecord(db, id, winner, *m_backlog, created);
        return;
    }
    SearchBacklog backlog;
    applyRecord(db, id, winner, backlog, created);
    backlog.flush(m_sql);
}

void ProjectionWriter::applyRecord(const std::string& db, const std::string& id, const Json* winner,
                                   SearchBacklog& backlog, bool created) {
    const bool wasSpeaker = !created && [&] {
        auto q = m_sql.prepare("SELECT 1 FROM proj_speakers WHERE db=?1 AND id=?2");
        q.bind(1, db).bind(2, id);
        return q.step();
    }();
    if (!created) removeDocument(db, id);
    backlog.add(db, id);
    bool isSpeaker = false;
    if (winner) {
        ProjectedRecord record;
        try {
            record = recordFromDocument(id, *winner);
        } catch (const std::invalid_argument& e) {
            logProjection("skipped document '" + id + "' in '" + db + "': " + e.what());
            m_sql.prepare("INSERT OR REPLACE INTO proj_skipped(db, id, reason) VALUES(?1, ?2, ?3)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, std::string(e.what()))
                .run();
            record = IgnoredRecord{};
        }
        const bool userDatabase = db.rfind("userdb-", 0) == 0;
        const bool shared =
            std::holds_alternative<EventRecord>(record) || std::holds_alternative<SessionRecord>(record) ||
            std::holds_alternative<SpeakerRecord>(record) || std::holds_alternative<StandardRecord>(record);
        if (userDatabase && shared) {
            // A user's own database holds notes, tasks and stars; shared content placed there
            // must not reach other people's agenda or library.
            const std::string reason =
                "events, sessions, speakers and standards are not read from a user database";
            logProjection("skipped document '" + id + "' in '" + db + "': " + reason);
            m_sql.prepare("INSERT OR REPLACE INTO proj_skipped(db, id, reason) VALUES(?1, ?2, ?3)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, reason)
                .run();
            record = IgnoredRecord{};
        }
        if (auto* e = std::get_if<EventRecord>(&record)) {
            m_sql
                .prepare(
                    "INSERT INTO proj_events(db, id, title, summary, venue, city, country, timezone, "
                    "start_date, end_date, online_url, languages, programme, level, links) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)")
                .bind(1, db)
                .bind(2, id)
                .bindOpt(3, e->title)
                .bindOpt(4, e->summary)
                .bindOpt(5, e->venue)
                .bindOpt(6, e->city)
                .bindOpt(7, e->country)
                .bind(8, e->timezone)
                .bind(9, e->startDate)
                .bind(10, e->endDate)
                .bindOpt(11, e->onlineUrl)
                .bindOpt(12, e->languages)
                .bindOpt(13, e->programme)
                .bindOpt(14, e->level)
                .bindOpt(15, e->links)
                .run();
        } else if (auto* s = std::get_if<SessionRecord>(&record)) {
            m_sql
                .prepare(
                    "INSERT INTO proj_sessions(db, id, event, start_local, end_local, room, title, abstract, "
                    "kind, track, language, cancelled, url) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, s->event)
                .bind(4, s->start)
                .bind(5, s->end)
                .bindOpt(6, s->room)
                .bind(7, s->title)
                .bindOpt(8, s->abstract)
                .bind(9, s->kind)
                .bindOpt(10, s->track)
                .bindOpt(11, s->language)
                .bind(12, s->cancelled)
                .bindOpt(13, s->url)
                .run();
            for (size_t i = 0; i < s->speakers.size(); ++i)
                m_sql
                    .prepare(
                        "INSERT INTO proj_session_speakers(db, session, pos, speaker) VALUES(?1,?2,?3,?4)")
                    .bind(1, db)
                    .bind(2, id)
                    .bind(3, static_cast<int64_t>(i))
                    .bind(4, s->speakers[i])
                    .run();
            for (size_t i = 0; i < s->standards.size(); ++i) {
                auto [standard, article] = splitStandardLink(s->standards[i]);
                m_sql
                    .prepare(
                        "INSERT INTO proj_session_standards(db, session, pos, standard, article) "
                        "VALUES(?1,?2,?3,?4,?5)")
                    .bind(1, db)
                    .bind(2, id)
                    .bind(3, static_cast<int64_t>(i))
                    .bind(4, standard)
                    .bind(5, article)
                    .run();
            }
        } else if (auto* sp = std::get_if<SpeakerRecord>(&record)) {
            isSpeaker = true;
            m_sql
                .prepare(
                    "INSERT INTO proj_speakers(db, id, name, role, organisation, country, bio) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, sp->name)
                .bindOpt(4, sp->role)
                .bindOpt(5, sp->organisation)
                .bindOpt(6, sp->country)
                .bindOpt(7, sp->bio)
                .run();
        } else if (auto* st = std::get_if<StandardRecord>(&record)) {
            m_sql
                .prepare(
                    "INSERT INTO proj_standards(db, id, code, kind, number, title, short_title, adopted, "
                    "in_force, fundamental, text_kind, summary, preamble, article_count) "
                    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, st->code)
                .bind(4, st->kind)
                .bind(5, st->number)
                .bind(6, st->title)
                .bindOpt(7, st->shortTitle)
                .bindOpt(8, st->adopted)
                .bindOpt(9, st->inForce)
                .bind(10, st->fundamental)
                .bind(11, st->textKind)
                .bindOpt(12, st->summary)
                .bindOpt(13, st->preamble)
                .bind(14, static_cast<int64_t>(st->articles.size()))
                .run();
            for (size_t i = 0; i < st->articles.size(); ++i) {
                const auto& a = st->articles[i];
                m_sql
                    .prepare(
                        "INSERT INTO proj_articles(db, standard, pos, article_id, number, part, heading, "
                        "text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)")
                    .bind(1, db)
                    .bind(2, id)
                    .bind(3, static_cast<int64_t>(i))
                    .bind(4, a.id)
                    .bindOpt(5, a.number)
                    .bindOpt(6, a.part)
                    .bindOpt(7, a.heading)
                    .bind(8, a.text)
                    .run();
            }
        } else if (auto* n = std::get_if<NoteRecord>(&record)) {
            m_sql
                .prepare(
                    "INSERT INTO proj_notes(db, id, title, body, created, updated, event, session, "
                    "standards, tags) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, n->title)
                .bind(4, n->body)
                .bindOpt(5, n->created)
                .bindOpt(6, n->updated)
                .bindOpt(7, n->event)
                .bindOpt(8, n->session)
                .bind(9, Json(n->standards).dump())
                .bind(10, Json(n->tags).dump())
                .run();
        } else if (auto* t = std::get_if<TaskRecord>(&record)) {
            m_sql
                .prepare(
                    "INSERT INTO proj_tasks(db, id, title, due, done, country, standard, event, details, "
                    "created, updated) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, t->title)
                .bindOpt(4, t->due)
                .bind(5, t->done)
                .bindOpt(6, t->country)
                .bindOpt(7, t->standard)
                .bindOpt(8, t->event)
                .bindOpt(9, t->details)
                .bindOpt(10, t->created)
                .bindOpt(11, t->updated)
                .run();
        } else if (auto* star = std::get_if<StarRecord>(&record)) {
            m_sql.prepare("INSERT INTO proj_stars(db, id, session, event, created) VALUES(?1,?2,?3,?4,?5)")
                .bind(1, db)
                .bind(2, id)
                .bind(3, star->session)
                .bindOpt(4, star->event)
                .bindOpt(5, star->created)
                .run();
        }
    }
    // Sessions list their speakers' names in the search index: re-index them when a speaker changes.
    if (wasSpeaker || isSpeaker) {
        std::vector<std::pair<std::string, std::string>> sessions;
        auto q = m_sql.prepare("SELECT DISTINCT db, session FROM proj_session_speakers WHERE speaker=?1");
        q.bind(1, id);
        while (q.step()) sessions.emplace_back(q.text(0), q.text(1));
        for (auto& [sessionDb, session] : sessions) backlog.add(sessionDb, session);
    }
}

void ProjectionWriter::dropDatabase(const std::string& db) {
    for (const char* t : kProjectionTables) {
        // Table names come from the fixed list above.
        auto sql = std::string("DELETE FROM ") + t + " WHERE db=?1";
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(m_sql.db(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw StoreError(500, "internal_error", "The local database failed to drop projections.");
        {
            ModelStmt owned(stmt);
            owned.bind(1, db).run();
        }
        sqlite3_finalize(stmt);
    }
    searchDropDatabase(m_sql, db);
}

}  // namespace kenes::storage
