// Search execution over search_fts, search_tri_title and search_tri (rules in search.h).
//
// Scans of the stemmed index (search_rank.h) score every row that holds any of the query's terms;
// the rows that hold all of them are used, or, when there are none, the rows that hold some.
// The trigram indexes (titles, then all text) are scanned the same way when the words found fewer
// than limitPerKind items.
// Per kind, the best rows are read from search_docs until limitPerKind distinct items are found
// (an item indexed in several languages counts once, shown in the asked language when that row
// matched too); snippets are made in C++ (search_snippet.h) only for the hits returned.
// With a helper connection, the scans of the stemmed index and of all text are split between the
// two connections (search_rank.h), and so are the snippets; the small title index is scanned on one.
#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "storage/search.h"
#include "storage/search_query.h"
#include "storage/search_rank.h"
#include "storage/search_snippet.h"

namespace kenes::storage {

namespace {

struct Hit {
    SearchHit hit;
    int64_t rowid = 0;
};

// The hits so far, per kind in rank order, each item (database, document, article) once.
class Collector {
public:
    size_t count(size_t kind) const { return m_hits[kind].size(); }
    size_t total() const {
        size_t n = 0;
        for (auto& hits : m_hits) n += hits.size();
        return n;
    }
    std::vector<Hit>& hits(size_t kind) { return m_hits[kind]; }

    // Adds the hit unless its item is already there; true when added.
    bool add(size_t kind, Hit h) {
        auto key = std::make_tuple(h.hit.database, h.hit.docId, h.hit.item);
        if (m_seen.count(key)) return false;
        m_seen.insert(std::move(key));
        m_hits[kind].push_back(std::move(h));
        return true;
    }

private:
    std::array<std::vector<Hit>, kSearchKinds.size()> m_hits;
    std::set<std::tuple<std::string, std::string, std::string>> m_seen;
};

// A read transaction for the whole search, so that every statement sees the same rows (unless the
// caller already holds one).
class ReadTransaction {
public:
    explicit ReadTransaction(ModelSql& sql) : m_sql(sql) {
        if (!sqlite3_get_autocommit(m_sql.db())) return;
        m_sql.prepare("BEGIN").run();
        m_open = true;
    }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    ~ReadTransaction() {
        if (m_open && sqlite3_exec(m_sql.db(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            sqlite3_exec(m_sql.db(), "ROLLBACK", nullptr, nullptr, nullptr);  // never keep an old snapshot
    }

private:
    ModelSql& m_sql;
    bool m_open = false;
};

bool loadHit(ModelSql& sql, int64_t rowid, Hit& h) {
    auto q = sql.prepare("SELECT db, doc_id, kind, item, lang, label, target FROM search_docs WHERE id=?1");
    q.bind(1, rowid);
    if (!q.step()) return false;
    h.rowid = rowid;
    h.hit.database = q.text(0);
    h.hit.docId = q.text(1);
    h.hit.kind = q.text(2);
    h.hit.item = q.text(3);
    h.hit.language = q.text(4);
    h.hit.label = q.text(5);
    h.hit.target = q.text(6);
    return true;
}

// When a hit's row is not in the asked language but the same item's row in that language matched
// too, the hit shows that row's label and snippet (keeping its rank).
void preferLanguage(ModelSql& sql, Hit& h, const std::vector<RankedRow>& matched,
                    const std::string& language) {
    if (h.hit.language == language || h.hit.language.empty()) return;
    auto q =
        sql.prepare("SELECT id, label FROM search_docs WHERE db=?1 AND doc_id=?2 AND item=?3 AND lang=?4");
    q.bind(1, h.hit.database).bind(2, h.hit.docId).bind(3, h.hit.item).bind(4, language);
    if (!q.step()) return;
    const int64_t sibling = q.integer(0);
    if (std::none_of(matched.begin(), matched.end(), [&](const RankedRow& r) { return r.rowid == sibling; }))
        return;
    h.rowid = sibling;
    h.hit.label = q.text(1);
    h.hit.language = language;
}

// Adds, per kind, the best of `rows` until the kind has options.limitPerKind hits; returns how many
// hits were added.
size_t addBest(ModelSql& sql, std::array<std::vector<RankedRow>, kSearchKinds.size()>& rows,
               const MatchScan& scan, bool substring, const SearchOptions& options, Collector& out) {
    const auto better = [](const RankedRow& a, const RankedRow& b) {
        return a.score < b.score || (a.score == b.score && a.rowid < b.rowid);
    };
    size_t added = 0;
    for (size_t kind = 0; kind < kSearchKinds.size(); ++kind) {
        auto& candidates = rows[kind];
        const size_t before = out.count(kind);
        size_t sorted = 0;
        for (size_t i = 0; i < candidates.size() && out.count(kind) < options.limitPerKind; ++i) {
            if (i == sorted) {
                sorted = std::min(candidates.size(), std::max(2 * sorted, options.limitPerKind + 8));
                std::partial_sort(candidates.begin() + static_cast<std::ptrdiff_t>(i),
                                  candidates.begin() + static_cast<std::ptrdiff_t>(sorted), candidates.end(),
                                  better);
            }
            Hit h;
            if (!loadHit(sql, candidates[i].rowid, h)) continue;
            h.hit.score = candidates[i].score;
            h.hit.substring = substring;
            out.add(kind, std::move(h));
        }
        auto& hits = out.hits(kind);
        for (size_t i = before; i < hits.size() && scan.preferredLanguage[kind] > 0; ++i)
            preferLanguage(sql, hits[i], candidates, options.language);
        added += hits.size() - before;
    }
    return added;
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
    const std::string body = q.text(1).empty() ? q.text(0) : q.text(1);
    h.hit.snippet = body.size() > 160 ? body.substr(0, body.find(' ', 140)) + "…" : body;
}

}  // namespace

std::string renderSnippet(const std::string& snippet, const std::string& begin, const std::string& end) {
    std::string out;
    out.reserve(snippet.size() + 16);
    for (char c : snippet) {
        if (c == kHighlightBegin)
            out += begin;
        else if (c == kHighlightEnd)
            out += end;
        else
            out += c;
    }
    return out;
}

SearchResults executeSearch(ModelSql& sql, const std::string& text, const SearchOptions& options,
                            ModelSql* helper) {
    SearchResults results;
    const std::vector<SearchTerm> terms = parseSearchText(text);
    if (terms.empty() || options.limitPerKind == 0) return results;
    ReadTransaction transaction(sql);
    std::optional<ReadTransaction> helperTransaction;
    if (helper) helperTransaction.emplace(*helper);
    Collector collector;
    MatchScan words = scanMatches(sql, SearchIndex::Words, stemmedMatchPhrases(terms), options.userDatabase,
                                  options.language, helper);
    const bool allMatched =
        std::any_of(words.all.begin(), words.all.end(), [](auto& r) { return !r.empty(); });
    addBest(sql, allMatched ? words.all : words.some, words, false, options, collector);
    // Substrings (3+ characters) supplement word matches when those are few: first in titles (a
    // small index), then, if still few and the query has no quoted phrase, in all text.
    const std::vector<std::string> parts = trigramMatchPhrases(terms);
    if (!parts.empty() && collector.total() < options.limitPerKind) {
        MatchScan titles =
            scanMatches(sql, SearchIndex::TitleSubstrings, parts, options.userDatabase, options.language);
        size_t added = addBest(sql, titles.all, titles, true, options, collector);
        // All text only for words: a quoted phrase's many trigrams make that scan slow, for little.
        const bool phrase = std::any_of(terms.begin(), terms.end(), [](auto& t) { return t.phrase; });
        if (!phrase && collector.total() < options.limitPerKind) {
            MatchScan texts = scanMatches(sql, SearchIndex::Substrings, parts, options.userDatabase,
                                          options.language, helper, true);
            added += addBest(sql, texts.all, texts, true, options, collector);
            if (added == 0 && terms.size() > 1) addBest(sql, texts.some, texts, true, options, collector);
        }
    }

    // Snippets: every other hit's on the helper at the same time, when it reads the same rows.
    std::vector<Hit*> hits;
    for (size_t kind = 0; kind < kSearchKinds.size(); ++kind)
        for (auto& h : collector.hits(kind)) hits.push_back(&h);
    const auto snippets = [&](ModelSql& connection, size_t first, size_t step) {
        for (size_t i = first; i < hits.size(); i += step) addSnippet(connection, *hits[i], terms);
    };
    if (helper && hits.size() > 1 && helperAvailable() && sameIndexState(sql, *helper, SearchIndex::Words))
        runTogether([&] { snippets(sql, 0, 2); }, [&] { snippets(*helper, 1, 2); });
    else
        snippets(sql, 0, 1);
    for (size_t kind = 0; kind < kSearchKinds.size(); ++kind) {
        SearchGroup group;
        group.kind = kSearchKinds[kind];
        for (auto& h : collector.hits(kind)) group.hits.push_back(std::move(h.hit));
        if (!group.hits.empty()) results.groups.push_back(std::move(group));
    }
    return results;
}

}  // namespace kenes::storage
