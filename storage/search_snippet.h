// Snippets for search results, made in C++ from the stored text and the query's terms (FTS5's
// snippet() needs a MATCH per row, which costs far more than the search itself). Internal.
#pragma once

#include <string>
#include <vector>

#include "storage/search_query.h"

namespace kenes::storage {

// An excerpt of about `words` words around the densest run of matches in `text`, matches wrapped
// in kHighlightBegin/kHighlightEnd, "…" where text was cut. Word terms match a word with the same
// stem (prefix terms: a word starting with the term); with `substring`, a word containing a term
// of 3+ characters matches. Returns "" when nothing in `text` matches.
std::string makeSnippet(const std::string& text, const std::vector<SearchTerm>& terms, bool substring,
                        size_t words = 16);

}  // namespace kenes::storage
