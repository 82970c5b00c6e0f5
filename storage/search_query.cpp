// Safe FTS5 queries from user text (see search_query.h).
#include "storage/search_query.h"

namespace kenes::storage {

namespace {

constexpr size_t kMaxTerms = 16;
constexpr size_t kMaxTermCodePoints = 64;

// Decodes one UTF-8 code point; invalid bytes come back as U+FFFD and are skipped as separators.
uint32_t nextCodePoint(std::string_view s, size_t& i, size_t& length) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
        length = 1;
        return 0xFFFD;
    }
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n; ++k) {
        const unsigned char d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) {
            length = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (d & 0x3F);
    }
    length = static_cast<size_t>(n);
    return cp;
}

bool isQuote(uint32_t cp) {
    return cp == '"' || cp == 0x00AB || cp == 0x00BB || cp == 0x201C || cp == 0x201D || cp == 0x201E;
}

bool isWordChar(uint32_t cp) {
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (cp == 0xFFFD) return false;
    if (cp >= 0x0080 && cp <= 0x00BF && cp != 0x00AA && cp != 0x00B5 && cp != 0x00BA) return false;
    if (cp == 0x00D7 || cp == 0x00F7) return false;
    if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, dingbats
    if (cp >= 0x3000 && cp <= 0x303F) return false;
    if (cp >= 0xFE10 && cp <= 0xFE6F) return false;
    if (cp >= 0xFF00 && cp <= 0xFF0F) return false;
    if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
    if (cp >= 0x1F000) return false;                 // emoji and pictographs
    return true;
}

}  // namespace

std::vector<SearchTerm> parseSearchText(std::string_view text) {
    std::vector<SearchTerm> terms;
    bool inPhrase = false;
    SearchTerm phrase;
    phrase.phrase = true;
    std::string word;
    size_t wordCodePoints = 0;

    auto endWord = [&](bool prefix) {
        if (word.empty()) return;
        if (inPhrase) {
            if (!phrase.text.empty()) phrase.text += ' ';
            phrase.text += word;
        } else if (terms.size() < kMaxTerms) {
            terms.push_back(SearchTerm{word, false, prefix});
        }
        word.clear();
        wordCodePoints = 0;
    };
    auto endPhrase = [&]() {
        if (!phrase.text.empty() && terms.size() < kMaxTerms) {
            // A phrase of one word is a word.
            phrase.phrase = phrase.text.find(' ') != std::string::npos;
            terms.push_back(phrase);
        }
        phrase = SearchTerm{};
        phrase.phrase = true;
    };

    size_t i = 0;
    while (i < text.size()) {
        size_t length = 1;
        const uint32_t cp = nextCodePoint(text, i, length);
        if (isWordChar(cp)) {
            if (wordCodePoints < kMaxTermCodePoints) {
                word.append(text.substr(i, length));
                ++wordCodePoints;
            }
        } else if (cp == '*') {
            endWord(true);
        } else if (isQuote(cp)) {
            endWord(false);
            if (inPhrase) endPhrase();
            inPhrase = !inPhrase;
        } else {
            endWord(false);
        }
        i += length;
    }
    endWord(false);
    if (inPhrase) {
        // An unclosed quote: its words are plain words.
        size_t start = 0;
        const std::string rest = phrase.text;
        while (start < rest.size() && terms.size() < kMaxTerms) {
            size_t space = rest.find(' ', start);
            if (space == std::string::npos) space = rest.size();
            terms.push_back(SearchTerm{rest.substr(start, space - start), false, false});
            start = space + 1;
        }
    }
    return terms;
}

std::vector<std::string> stemmedMatchPhrases(const std::vector<SearchTerm>& terms) {
    std::vector<std::string> phrases;
    for (const auto& term : terms) phrases.push_back('"' + term.text + '"' + (term.prefix ? "*" : ""));
    return phrases;
}

std::vector<std::string> trigramMatchPhrases(const std::vector<SearchTerm>& terms) {
    std::vector<std::string> phrases;
    for (const auto& term : terms) {
        size_t codePoints = 0;
        for (unsigned char c : term.text)
            if ((c & 0xC0) != 0x80) ++codePoints;
        if (codePoints >= 3) phrases.push_back('"' + term.text + '"');
    }
    return phrases;
}

namespace {

std::string join(const std::vector<std::string>& phrases, bool any) {
    std::string out;
    for (const auto& phrase : phrases) {
        if (!out.empty()) out += any ? " OR " : " AND ";
        out += phrase;
    }
    return out;
}

}  // namespace

std::string stemmedMatchQuery(const std::vector<SearchTerm>& terms, bool any) {
    return join(stemmedMatchPhrases(terms), any);
}

std::string trigramMatchQuery(const std::vector<SearchTerm>& terms, bool any) {
    return join(trigramMatchPhrases(terms), any);
}

}  // namespace kenes::storage
