// Search index maintenance (see search_index.h).
#include "storage/search_index.h"

#include <set>

namespace kenes::storage {

namespace {

struct Row {
    std::string kind, item, lang, label, target, title, body, extra;
};

void insertRow(ModelSql& sql, const std::string& db, const std::string& docId, const Row& r) {
    sql.prepare(
           "INSERT INTO search_docs(db, doc_id, kind, item, lang, label, target, title, body, extra) "
           "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
        .bind(1, db)
        .bind(2, docId)
        .bind(3, r.kind)
        .bind(4, r.item)
        .bind(5, r.lang)
        .bind(6, r.label)
        .bind(7, r.target)
        .bind(8, r.title)
        .bind(9, r.body)
        .bind(10, r.extra)
        .run();
    const int64_t rowid = sqlite3_last_insert_rowid(sql.db());
    sql.prepare("INSERT INTO search_fts(rowid, title, body, extra) VALUES(?1,?2,?3,?4)")
        .bind(1, rowid)
        .bind(2, r.title)
        .bind(3, r.body)
        .bind(4, r.extra)
        .run();
    sql.prepare("INSERT INTO search_tri(rowid, title, body, extra) VALUES(?1,?2,?3,?4)")
        .bind(1, rowid)
        .bind(2, r.title)
        .bind(3, r.body)
        .bind(4, r.extra)
        .run();
    sql.prepare("INSERT INTO search_tri_title(rowid, title) VALUES(?1,?2)")
        .bind(1, rowid)
        .bind(2, r.title)
        .run();
}

// A serialised text-for-people value, parsed (null when absent or not JSON).
Json parsedText(const std::string& serialised) {
    if (serialised.empty()) return {};
    Json j = Json::parse(serialised, nullptr, false);
    return j.is_discarded() ? Json() : j;
}

// The languages a set of parsed text-for-people values are written in ("" for language-less text).
std::set<std::string> languagesOf(const std::vector<const Json*>& values) {
    std::set<std::string> langs;
    for (const Json* j : values) {
        if (!j->is_object()) continue;
        for (auto& [lang, text] : j->items())
            if (text.is_string() && !text.get_ref<const std::string&>().empty()) langs.insert(lang);
    }
    if (langs.size() > 1) langs.erase("");
    if (langs.empty()) langs.insert("");
    return langs;
}

std::set<std::string> languagesOf(std::initializer_list<const std::string*> values) {
    std::vector<Json> parsed;
    parsed.reserve(values.size());
    for (const std::string* v : values) parsed.push_back(parsedText(*v));
    std::vector<const Json*> pointers;
    for (const Json& j : parsed) pointers.push_back(&j);
    return languagesOf(pointers);
}

std::string joinNonEmpty(std::initializer_list<std::string> parts, const char* separator) {
    std::string out;
    for (const auto& p : parts) {
        if (p.empty()) continue;
        if (!out.empty()) out += separator;
        out += p;
    }
    return out;
}

}  // namespace

std::string searchSchemaSql() {
    return R"SQL(
CREATE TABLE search_docs(id INTEGER PRIMARY KEY, db TEXT, doc_id TEXT, kind TEXT, item TEXT, lang TEXT,
  label TEXT, target TEXT, title TEXT, body TEXT, extra TEXT);
CREATE INDEX search_docs_doc ON search_docs(db, doc_id);
CREATE INDEX search_docs_kind ON search_docs(kind, db, lang);
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, extra, content='search_docs', content_rowid='id',
  tokenize='kenes', prefix='3 4 5 6 7');
CREATE VIRTUAL TABLE search_tri USING fts5(title, body, extra, content='search_docs', content_rowid='id',
  tokenize='trigram');
CREATE VIRTUAL TABLE search_tri_title USING fts5(title, content='search_docs', content_rowid='id',
  tokenize='trigram');
INSERT INTO search_fts(search_fts, rank) VALUES('rank', 'bm25(5.0, 1.0, 2.0)');
INSERT INTO search_tri(search_tri, rank) VALUES('rank', 'bm25(5.0, 1.0, 2.0)');
)SQL";
}

std::string searchDropSql() {
    return "DROP TABLE IF EXISTS search_fts;\nDROP TABLE IF EXISTS search_tri;\nDROP TABLE IF EXISTS "
           "search_tri_title;\n"
           "DROP TABLE IF EXISTS search_docs;\n";
}

void searchRemove(ModelSql& sql, const std::string& db, const std::string& docId) {
    std::vector<std::tuple<int64_t, std::string, std::string, std::string>> rows;
    {
        auto q = sql.prepare("SELECT id, title, body, extra FROM search_docs WHERE db=?1 AND doc_id=?2");
        q.bind(1, db).bind(2, docId);
        while (q.step()) rows.emplace_back(q.integer(0), q.text(1), q.text(2), q.text(3));
    }
    if (rows.empty()) return;
    for (auto& [rowid, title, body, extra] : rows) {
        sql.prepare(
               "INSERT INTO search_fts(search_fts, rowid, title, body, extra) VALUES('delete',?1,?2,?3,?4)")
            .bind(1, rowid)
            .bind(2, title)
            .bind(3, body)
            .bind(4, extra)
            .run();
        sql.prepare(
               "INSERT INTO search_tri(search_tri, rowid, title, body, extra) VALUES('delete',?1,?2,?3,?4)")
            .bind(1, rowid)
            .bind(2, title)
            .bind(3, body)
            .bind(4, extra)
            .run();
        sql.prepare("INSERT INTO search_tri_title(search_tri_title, rowid, title) VALUES('delete',?1,?2)")
            .bind(1, rowid)
            .bind(2, title)
            .run();
    }
    sql.prepare("DELETE FROM search_docs WHERE db=?1 AND doc_id=?2").bind(1, db).bind(2, docId).run();
}

void searchDropDatabase(ModelSql& sql, const std::string& db) {
    std::vector<std::string> ids;
    {
        auto q = sql.prepare("SELECT DISTINCT doc_id FROM search_docs WHERE db=?1");
        q.bind(1, db);
        while (q.step()) ids.push_back(q.text(0));
    }
    for (auto& id : ids) searchRemove(sql, db, id);
}

bool searchIndexSession(ModelSql& sql, const std::string& db, const std::string& sessionId) {
    Json title, abstract, track;
    {
        auto q = sql.prepare("SELECT title, abstract, track FROM proj_sessions WHERE db=?1 AND id=?2");
        q.bind(1, db).bind(2, sessionId);
        if (!q.step()) return false;
        title = parsedText(q.text(0));
        abstract = parsedText(q.text(1));
        track = parsedText(q.text(2));
    }
    std::vector<Json> speakerNames;
    {
        auto q = sql.prepare(
            "SELECT p.name FROM proj_session_speakers s JOIN proj_speakers p ON p.db=s.db AND p.id=s.speaker "
            "WHERE s.db=?1 AND s.session=?2 ORDER BY s.pos");
        q.bind(1, db).bind(2, sessionId);
        while (q.step()) speakerNames.push_back(parsedText(q.text(0)));
    }
    for (const auto& lang : languagesOf(std::vector<const Json*>{&title, &abstract})) {
        Row r;
        r.kind = "session";
        r.lang = lang;
        r.target = sessionId;
        r.title = resolveText(title, lang);
        r.label = r.title;
        r.body = resolveText(abstract, lang);
        std::string names;
        for (auto& n : speakerNames) {
            if (!names.empty()) names += ", ";
            names += resolveText(n, lang);
        }
        r.extra = joinNonEmpty({names, resolveText(track, lang)}, "; ");
        insertRow(sql, db, sessionId, r);
    }
    return true;
}

void searchIndexStandard(ModelSql& sql, const std::string& db, const StandardRecord& st) {
    std::set<std::string> langs = languagesOf({&st.title, &st.summary, &st.preamble});
    for (const auto& a : st.articles)
        for (const auto& l : languagesOf({&a.text, &a.heading})) langs.insert(l);
    if (langs.size() > 1) langs.erase("");
    for (const auto& lang : langs) {
        Row r;
        r.kind = "standard";
        r.lang = lang;
        r.target = st.id;
        const std::string title = resolveText(st.title, lang);
        r.title = joinNonEmpty({st.code, title, resolveText(st.shortTitle, lang)}, " · ");
        r.label = joinNonEmpty({st.code, title}, " ");
        r.body = joinNonEmpty({resolveText(st.summary, lang), resolveText(st.preamble, lang)}, "\n");
        insertRow(sql, db, st.id, r);
        for (const auto& a : st.articles) {
            Row ar;
            ar.kind = "article";
            ar.item = a.id;
            ar.lang = lang;
            ar.target = st.id + "#" + a.id;
            ar.title = resolveText(a.heading, lang);
            ar.label = joinNonEmpty({st.code, a.number.empty() ? a.id : a.number, ar.title}, " · ");
            ar.body = resolveText(a.text, lang);
            ar.extra = joinNonEmpty({resolveText(a.part, lang), title}, "; ");
            insertRow(sql, db, st.id, ar);
        }
    }
}

void searchIndexNote(ModelSql& sql, const std::string& db, const NoteRecord& note) {
    Row r;
    r.kind = "note";
    r.target = note.id;
    r.title = note.title;
    r.body = note.body;
    if (note.title.empty()) {
        r.label = note.body.substr(0, note.body.find('\n'));
        if (r.label.size() > 80) {
            size_t cut = 80;
            while (cut > 0 && (static_cast<unsigned char>(r.label[cut]) & 0xC0) == 0x80) --cut;
            r.label = r.label.substr(0, cut) + "…";
        }
    } else {
        r.label = note.title;
    }
    std::string tags;
    for (auto& t : note.tags) tags += (tags.empty() ? "" : " ") + t;
    r.extra = tags;
    insertRow(sql, db, note.id, r);
}

void searchReindexDocument(ModelSql& sql, const std::string& db, const std::string& docId) {
    searchRemove(sql, db, docId);
    if (searchIndexSession(sql, db, docId)) return;
    {
        auto q = sql.prepare(
            "SELECT code, title, short_title, summary, preamble FROM proj_standards "
            "WHERE db=?1 AND id=?2");
        q.bind(1, db).bind(2, docId);
        if (q.step()) {
            StandardRecord st;
            st.id = docId;
            st.code = q.text(0);
            st.title = q.text(1);
            st.shortTitle = q.text(2);
            st.summary = q.text(3);
            st.preamble = q.text(4);
            auto a = sql.prepare(
                "SELECT article_id, number, part, heading, text FROM proj_articles "
                "WHERE db=?1 AND standard=?2 ORDER BY pos");
            a.bind(1, db).bind(2, docId);
            while (a.step()) st.articles.push_back({a.text(0), a.text(1), a.text(2), a.text(3), a.text(4)});
            searchIndexStandard(sql, db, st);
            return;
        }
    }
    auto q = sql.prepare("SELECT title, body, tags FROM proj_notes WHERE db=?1 AND id=?2");
    q.bind(1, db).bind(2, docId);
    if (!q.step()) return;
    NoteRecord note;
    note.id = docId;
    note.title = q.text(0);
    note.body = q.text(1);
    Json tags = Json::parse(q.text(2), nullptr, false);
    if (tags.is_array())
        for (const auto& t : tags)
            if (t.is_string()) note.tags.push_back(t.get<std::string>());
    searchIndexNote(sql, db, note);
}

}  // namespace kenes::storage
