// Ranking of search matches. Internal to storage/search*.
//
// One pass over an FTS5 index (search_fts or search_tri) visits every row that matches an OR of
// the query's phrases and scores it with BM25 inside the pass, so that neither SQLite's sorter nor
// a second query per phrase (document frequencies) is needed: the frequencies are counted in the
// same pass and applied when it ends. Document sizes and each row's kind, database and language
// are kept in memory per connection and reloaded when PRAGMA data_version says another connection
// wrote.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
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
// phrase of the query, and rows that matched only some. `preferredLanguage` counts, per kind, the
// rows written in the language the scan was asked to prefer.
struct MatchScan {
    std::array<std::vector<RankedRow>, kSearchKinds.size()> all, some;
    std::array<size_t, kSearchKinds.size()> preferredLanguage{};
};

// Scans every row of search_tri (when `trigram`) or search_fts that matches `match` (an FTS5
// expression of phrases joined with OR) and scores it: Okapi BM25, k1 1.2, b 0.75, column weights
// title 5, body 1, extra 2, each phrase's document frequency counted over the whole index. Notes
// are kept only when they belong to `userDatabase`; rows of unknown kinds are left out. Runs on the
// caller's connection, which must have the kenes functions (registerSearchTokenizer); best inside
// a read transaction, so that the cached sizes match the rows scanned. Throws StoreError on an
// SQLite error.
MatchScan scanMatches(ModelSql& sql, bool trigram, const std::string& match, const std::string& userDatabase,
                      const std::string& preferredLanguage);

// Registers kenes_collect, the FTS5 function scanMatches relies on, on one connection. Called by
// registerSearchTokenizer; false when it could not be registered.
bool registerSearchRanking(fts5_api* api, sqlite3* db);

}  // namespace kenes::storage
