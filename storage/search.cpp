// Search execution over search_fts / search_tri (rules in search.h).
//
// One FTS5 query per index picks the best rows by kenes_bm25 (BM25 with cached document sizes,
// see search_tokenizer.cpp); their metadata and text come from search_docs; snippets are made in
// C++ (search_snippet.h) only for the hits returned.
#include <map>
#include <tuple>

#include "storage/search.h"
#include "storage/search_query.h"
#include "storage/search_snippet.h"

namespace kenes::storage {

namespace {

constexpr int64_t kCandidates = 400;
const char* const kKindOrder[] = {"article", "standard", "session", "note"};

struct Hit {
    SearchHit hit;
    int64_t rowid = 0;
};

struct Collector {
    const SearchOptions& options;
    std::vector<Hit> hits;
    std::map<std::tuple<std::string, std::string, std::string>, size_t> byKey;

    void add(Hit h) {
        auto key = std::make_tuple(h.hit.database, h.hit.docId, h.hit.item);
        auto it = byKey.find(key);
        if (it == byKey.end()) {
            byKey.emplace(key, hits.size());
            hits.push_back(std::move(h));
            return;
        }
        // Same item in another language: keep the rank, prefer the requested language's text.
        Hit& kept = hits[it->second];
        if (kept.hit.language != options.language && h.hit.language == options.language &&
            kept.hit.substring == h.hit.substring) {
            kept.hit.label = std::move(h.hit.label);
            kept.hit.language = std::move(h.hit.language);
            kept.rowid = h.rowid;
        }
    }
};

std::string rowidList(const std::vector<int64_t>& rowids) {
    std::string json = "[";
    for (size_t i = 0; i < rowids.size(); ++i) json += (i ? "," : "") + std::to_string(rowids[i]);
    return json + "]";
}

void runMatch(ModelSql& sql, bool trigram, const std::string& match, Collector& out) {
    std::vector<std::pair<int64_t, double>> ranked;
    {
        auto q = sql.prepare(trigram ? "SELECT rowid, kenes_bm25(search_tri, 'search_tri') AS score FROM search_tri "
                                       "WHERE search_tri MATCH ?1 ORDER BY score LIMIT ?2"
                                     : "SELECT rowid, kenes_bm25(search_fts, 'search_fts') AS score FROM search_fts "
                                       "WHERE search_fts MATCH ?1 ORDER BY score LIMIT ?2");
        q.bind(1, match).bind(2, kCandidates);
        while (q.step()) ranked.emplace_back(q.integer(0), q.real(1));
    }
    if (ranked.empty()) return;
    std::vector<int64_t> rowids;
    for (auto& r : ranked) rowids.push_back(r.first);
    std::map<int64_t, Hit> rows;
    auto q = sql.prepare("SELECT id, db, doc_id, kind, item, lang, label, target FROM search_docs "
                         "WHERE id IN (SELECT value FROM json_each(?1))");
    q.bind(1, rowidList(rowids));
    while (q.step()) {
        Hit h;
        h.rowid = q.integer(0);
        h.hit.database = q.text(1);
        h.hit.docId = q.text(2);
        h.hit.kind = q.text(3);
        h.hit.item = q.text(4);
        h.hit.language = q.text(5);
        h.hit.label = q.text(6);
        h.hit.target = q.text(7);
        h.hit.substring = trigram;
        rows.emplace(h.rowid, std::move(h));
    }
    for (auto& [rowid, score] : ranked) {
        auto it = rows.find(rowid);
        if (it == rows.end()) continue;
        Hit& h = it->second;
        if (h.hit.kind == "note" && h.hit.database != out.options.userDatabase) continue;  // others' notes
        h.hit.score = score;
        out.add(std::move(h));
    }
}

void addSnippet(ModelSql& sql, Hit& h, const std::vector<SearchTerm>& terms) {
    auto q = sql.prepare("SELECT title, body, extra FROM search_docs WHERE id=?1");
    q.bind(1, h.rowid);
    if (!q.step()) return;
    for (int column : {1, 0, 2}) {
        h.hit.snippet = makeSnippet(q.text(column), terms, h.hit.substring);
        if (!h.hit.snippet.empty()) return;
    }
    // Matched through folding the snippet maker does not see: show the start of the text.
    std::vector<SearchTerm> none;
    const std::string body = q.text(1).empty() ? q.text(0) : q.text(1);
    h.hit.snippet = body.size() > 160 ? body.substr(0, body.find(' ', 140)) + "…" : body;
}

}  // namespace

std::string renderSnippet(const std::string& snippet, const std::string& begin, const std::string& end) {
    std::string out;
    out.reserve(snippet.size() + 16);
    for (char c : snippet) {
        if (c == kHighlightBegin) out += begin;
        else if (c == kHighlightEnd) out += end;
        else out += c;
    }
    return out;
}

SearchResults executeSearch(ModelSql& sql, const std::string& text, const SearchOptions& options) {
    SearchResults results;
    const std::vector<SearchTerm> terms = parseSearchText(text);
    if (terms.empty() || options.limitPerKind == 0) return results;
    Collector collector{options, {}, {}};
    runMatch(sql, false, stemmedMatchQuery(terms, false), collector);
    if (collector.hits.empty() && terms.size() > 1) runMatch(sql, false, stemmedMatchQuery(terms, true), collector);
    // Substrings (3+ characters) supplement word matches when those are few.
    std::string tri = trigramMatchQuery(terms);
    if (!tri.empty() && collector.hits.size() < options.limitPerKind) {
        const size_t before = collector.hits.size();
        runMatch(sql, true, tri, collector);
        if (collector.hits.size() == before && terms.size() > 1) {
            tri = trigramMatchQuery(terms, true);
            runMatch(sql, true, tri, collector);
        }
    }

    for (const char* kind : kKindOrder) {
        SearchGroup group;
        group.kind = kind;
        for (auto& h : collector.hits) {
            if (h.hit.kind != kind || group.hits.size() >= options.limitPerKind) continue;
            addSnippet(sql, h, terms);
            group.hits.push_back(std::move(h.hit));
        }
        if (!group.hits.empty()) results.groups.push_back(std::move(group));
    }
    return results;
}

}  // namespace kenes::storage
