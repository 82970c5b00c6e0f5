// Search execution over search_fts / search_tri (rules in search.h).
#include <map>
#include <tuple>

#include "storage/search.h"
#include "storage/search_query.h"

namespace kenes::storage {

namespace {

constexpr size_t kRawLimit = 200;
const char* const kKindOrder[] = {"article", "standard", "session", "note"};

struct Collector {
    const SearchOptions& options;
    std::vector<SearchHit> hits;
    std::map<std::tuple<std::string, std::string, std::string>, size_t> byKey;

    void add(SearchHit hit) {
        auto key = std::make_tuple(hit.database, hit.docId, hit.item);
        auto it = byKey.find(key);
        if (it == byKey.end()) {
            byKey.emplace(key, hits.size());
            hits.push_back(std::move(hit));
            return;
        }
        // Same item in another language: keep the rank, prefer the requested language's text.
        SearchHit& kept = hits[it->second];
        if (kept.language != options.language && hit.language == options.language && !hit.substring) {
            kept.label = std::move(hit.label);
            kept.snippet = std::move(hit.snippet);
            kept.language = std::move(hit.language);
        }
    }
};

// `table` is a fixed identifier (search_fts or search_tri); everything else is bound.
void runMatch(ModelSql& sql, bool trigram, const std::string& match, Collector& out) {
    static const char* kStemmed =
        "SELECT d.db, d.doc_id, d.kind, d.item, d.lang, d.label, d.target, "
        "snippet(search_fts, -1, char(1), char(2), '…', 14), rank "
        "FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH ?1 AND (d.kind <> 'note' OR d.db = ?2) ORDER BY rank LIMIT ?3";
    static const char* kTrigram =
        "SELECT d.db, d.doc_id, d.kind, d.item, d.lang, d.label, d.target, "
        "snippet(search_tri, -1, char(1), char(2), '…', 40), rank "
        "FROM search_tri JOIN search_docs d ON d.id = search_tri.rowid "
        "WHERE search_tri MATCH ?1 AND (d.kind <> 'note' OR d.db = ?2) ORDER BY rank LIMIT ?3";
    auto q = sql.prepare(trigram ? kTrigram : kStemmed);
    q.bind(1, match).bind(2, out.options.userDatabase).bind(3, static_cast<int64_t>(kRawLimit));
    while (q.step()) {
        SearchHit h;
        h.database = q.text(0);
        h.docId = q.text(1);
        h.kind = q.text(2);
        h.item = q.text(3);
        h.language = q.text(4);
        h.label = q.text(5);
        h.target = q.text(6);
        h.snippet = q.text(7);
        h.score = q.real(8);
        h.substring = trigram;
        out.add(std::move(h));
    }
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
    if (terms.empty()) return results;
    Collector collector{options, {}, {}};
    runMatch(sql, false, stemmedMatchQuery(terms, false), collector);
    if (collector.hits.empty() && terms.size() > 1) runMatch(sql, false, stemmedMatchQuery(terms, true), collector);
    const std::string tri = trigramMatchQuery(terms);
    if (!tri.empty()) runMatch(sql, true, tri, collector);

    for (const char* kind : kKindOrder) {
        SearchGroup group;
        group.kind = kind;
        for (auto& h : collector.hits)
            if (h.kind == kind && group.hits.size() < options.limitPerKind) group.hits.push_back(h);
        if (!group.hits.empty()) results.groups.push_back(std::move(group));
    }
    return results;
}

}  // namespace kenes::storage
