// Search results: what Model::search answers (storage/model.h).
//
// Text typed by a person is split into words (letters and digits; a trailing '*' makes a prefix,
// quotes make a phrase); FTS syntax typed by a person has no effect and never raises an error.
// Words match in any grammatical form (Snowball stemming, Russian and English), with ё = е and
// Latin diacritics ignored; all words must match (if nothing matches all, any word may). Words
// of 3+ characters also match inside longer words (trigram indexes: "союз" finds "профсоюзный");
// those hits come after the word hits and are looked for only when word hits are fewer than
// limitPerKind: in titles first, then, if still few and no phrase was typed, in all text. Ranked
// with bm25 (title weighs 5, body 1, extra 2), each kind with its own best hits.
#pragma once

#include <string>
#include <vector>

namespace kenes::storage {

// Snippets mark matched text with these bytes: kHighlightBegin before, kHighlightEnd after.
// "…" marks text cut at either end. The markers never occur in stored text the UI renders.
inline constexpr char kHighlightBegin = '\x01';
inline constexpr char kHighlightEnd = '\x02';

struct SearchOptions {
    std::string language = "en";  // preferred language of labels and snippets
    std::string userDatabase;     // notes are searched only in this database ("" = no notes)
    size_t limitPerKind = 10;
};

struct SearchHit {
    std::string kind;        // "standard", "article", "session", "note"
    std::string database;    // "library", "events", "userdb-…"
    std::string docId;       // "std:C087", "session:…", "note:…"
    std::string item;        // article id for kind "article", else ""
    std::string target;      // what to open: "std:C087#art2", "session:…", "note:…"
    std::string label;       // a title for the result line, in the hit's language
    std::string snippet;     // excerpt with highlight markers
    std::string language;    // language of label/snippet ("" for notes)
    double score = 0;        // bm25 (lower is better)
    bool substring = false;  // found only through the trigram (substring) index
};

struct SearchGroup {
    std::string kind;
    std::vector<SearchHit> hits;
};

// Groups in a fixed order (article, standard, session, note), empty groups left out.
struct SearchResults {
    std::vector<SearchGroup> groups;
    size_t total() const {
        size_t n = 0;
        for (auto& g : groups) n += g.hits.size();
        return n;
    }
};

// Replaces the highlight markers for a plain-text display, e.g. with "[" and "]".
std::string renderSnippet(const std::string& snippet, const std::string& begin, const std::string& end);

}  // namespace kenes::storage
