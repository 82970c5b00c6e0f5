// Turning text a person typed into safe FTS5 queries. Internal to storage/search*.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/model_sql.h"
#include "storage/search.h"

namespace kenes::storage {

// One term of a user's query: a word, a word typed with a trailing '*' (prefix), or a phrase typed
// in quotes ("…", «…», “…”). Terms hold letters and digits only (separated by single spaces in a
// phrase), so they can be quoted for FTS5 without any escaping.
struct SearchTerm {
    std::string text;
    bool phrase = false;
    bool prefix = false;
};

// Splits user text into terms. Every character that is not a letter or digit separates words;
// FTS syntax (AND, OR, NOT, NEAR(, ^, :, -, parentheses, stray quotes) has no special meaning.
// At most 16 terms; each at most 64 code points.
std::vector<SearchTerm> parseSearchText(std::string_view text);

// FTS5 phrases over the stemmed index, one per term: the term quoted, a prefix term followed by '*'.
std::vector<std::string> stemmedMatchPhrases(const std::vector<SearchTerm>& terms);
// FTS5 phrases over the trigram indexes: each term of 3+ code points quoted (a substring).
std::vector<std::string> trigramMatchPhrases(const std::vector<SearchTerm>& terms);
// One FTS5 MATCH expression: the phrases above joined with AND or OR ("" when there are none).
std::string stemmedMatchQuery(const std::vector<SearchTerm>& terms, bool any = false);
std::string trigramMatchQuery(const std::vector<SearchTerm>& terms, bool any = false);

// Runs a search on a read connection that has the "kenes" tokenizer (see search.h for the rules).
// With a `helper` connection (another read connection with the tokenizer, used by no one else
// during the call), the large index scans are split between the two connections and run on two
// threads (scanMatches); the results are the same as without it.
SearchResults executeSearch(ModelSql& sql, const std::string& text, const SearchOptions& options,
                            ModelSql* helper = nullptr);

}  // namespace kenes::storage
