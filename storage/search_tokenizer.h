// The "kenes" FTS5 tokenizer: unicode61 (case folding, Unicode word boundaries) with Kenes'
// own folding and Snowball stemming. Internal to storage/ (it names SQLite types).
//
// Folding: lower case (unicode61), combining marks dropped, Latin diacritics removed
// (é→e, ş→s, ž→z), ё→е; й stays й (unicode61's remove_diacritics would wrongly fold it to и,
// so it runs with remove_diacritics 0 and Kenes folds Latin letters itself).
// Stemming: a token with Cyrillic letters goes through Snowball "russian", a token with Latin
// letters through Snowball "english"; digits and other scripts are kept as folded.
// For documents the folded surface form is indexed too (colocated), so that a prefix query
// ("организаци*") matches words whose stem is shorter than the prefix. Prefix query terms are
// folded but not stemmed.
#pragma once

#include <string>
#include <string_view>

struct sqlite3;

namespace kenes::storage {

// Registers the "kenes" tokenizer and the kenes_collect ranking function (search_rank.h) on one
// connection. Idempotent per connection. Returns false (and leaves the connection usable) when
// FTS5 is not available.
bool registerSearchTokenizer(sqlite3* db);

// Registers the tokenizer on every SQLite connection opened after this call in this process
// (sqlite3_auto_extension). Thread-safe and idempotent.
void registerSearchTokenizerForNewConnections();

// The folding and stemming the tokenizer applies to one word (already split by unicode61 rules):
// exposed for tests and for building trigram queries.
std::string foldToken(std::string_view token);
std::string stemToken(std::string_view folded);

}  // namespace kenes::storage
