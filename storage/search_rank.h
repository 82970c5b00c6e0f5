// Ranking of search matches. Internal to storage/search*.
//
// One pass per phrase over an FTS5 index visits every row that holds the phrase and computes the
// row's part of BM25 inside the pass (an FTS5 auxiliary function in the WHERE clause, so SQLite
// neither sorts nor returns rows); the phrase's document frequency is the number of rows the pass
// visited. The passes' rows are then merged by rowid and scored. One pass per phrase is cheaper
// than one pass over an OR of the phrases, for which FTS5 works out every phrase's positions in
// every row. Document sizes and each row's kind, database and language
// are kept in memory per connection and reloaded when PRAGMA data_version says another connection
// wrote. A scan's passes may run at once on two connections (scanMatches).
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/model_sql.h"

namespace kenes::storage {

// Kinds of search rows, in the order results are grouped (search.h).
inline constexpr std::array<const char*, 4> kSearchKinds = {"article", "standard", "session", "note"};

// A row one scan found, with its BM25 score (lower is better, like FTS5's bm25()).
struct RankedRow {
    int64_t rowid = 0;
    double score = 0;
};

// What one scan found, per kind (index into kSearchKinds), unsorted: rows that matched every
// phrase of the query, and rows that matched only some (listed only when no row matched every
// phrase, unless asked for always). `preferredLanguage` counts, per kind, the listed rows written in
// the language the scan was asked to prefer.
struct MatchScan {
    std::array<std::vector<RankedRow>, kSearchKinds.size()> all, some;
    std::array<size_t, kSearchKinds.size()> preferredLanguage{};
};

// The FTS5 indexes over search_docs: words (search_fts: title, body, extra; stemmed), substrings of
// titles only (search_tri_title: trigrams) and substrings of all text (search_tri: trigrams).
enum class SearchIndex { Words, TitleSubstrings, Substrings };

// Scans, for each FTS5 phrase expression of `phrases` (a query term quoted, maybe with a trailing
// '*'), every row of `index` that holds it, and scores each row that holds any of them: Okapi BM25, k1 1.2, b
// 0.75, column weights title 5, body 1, extra 2, each phrase's document frequency counted over the whole
// index. Notes are kept only when they belong to `userDatabase`; rows of unknown kinds are left out. Runs on
// the caller's connection, which must have the kenes functions (registerSearchTokenizer); best inside a read
// transaction, so that the cached sizes match the rows scanned. With a `helper` connection (also with the
// kenes functions, inside its own read transaction, not used by anyone else meanwhile) that reads the same
// index state (sameIndexState), the passes are shared with a second thread on it (phrases alternately, a
// single word's rows split by rowid); the answer is the same as without it. A helper that sees another
// state (a write committed between the two transactions' starts) is not used. Throws StoreError on an SQLite
// error (of either connection). With `alwaysPartial`, rows that matched only some phrases are listed
// even when others matched every phrase.
MatchScan scanMatches(ModelSql& sql, SearchIndex index, const std::vector<std::string>& phrases,
                      const std::string& userDatabase, const std::string& preferredLanguage,
                      ModelSql* helper = nullptr, bool alwaysPartial = false);

// True when the two connections' current read transactions see the same state of `index` (its
// FTS5 averages and structure records, which every write to the index changes).
bool sameIndexState(ModelSql& a, ModelSql& b, SearchIndex index);

// Runs `other` on a worker thread kept for search while the calling thread runs `own` (both on the
// calling thread, one after the other, when the worker is busy with another search); returns when
// both are done and rethrows an exception of either (`own`'s first).
void runTogether(const std::function<void()>& own, const std::function<void()>& other);

// False for a few scans after the worker thread of runTogether was slow to start (the other cores
// are busy with other programs): a split scan would wait for it, so the caller runs alone. Thread-safe.
bool helperAvailable();

// Registers kenes_collect, the FTS5 function scanMatches relies on, on one connection. Called by
// registerSearchTokenizer; false when it could not be registered.
bool registerSearchRanking(fts5_api* api, sqlite3* db);

}  // namespace kenes::storage
