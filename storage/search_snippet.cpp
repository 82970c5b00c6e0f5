// Snippets for search results (see search_snippet.h).
#include "storage/search_snippet.h"

#include "storage/search.h"
#include "storage/search_tokenizer.h"

namespace kenes::storage {

namespace {

struct Word {
    size_t begin, end;
    bool hit = false;
};

bool isWordByte(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Splits at ASCII separators and at the punctuation most text uses (— – « » “ ” … and no-break space).
std::vector<Word> splitWords(const std::string& text) {
    std::vector<Word> words;
    size_t i = 0;
    auto isSeparatorAt = [&](size_t at) -> size_t {
        const unsigned char c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) return isWordByte(c) ? 0 : 1;
        if (c != 0xE2 && c != 0xC2) return 0;  // every separator below starts with one of these
        static constexpr std::string_view kPunct[] = {
            "\xe2\x80\x94", "\xe2\x80\x93", "\xc2\xab",     "\xc2\xbb",     "\xe2\x80\x9c", "\xe2\x80\x9d",
            "\xe2\x80\xa6", "\xc2\xa0",     "\xe2\x80\xaf", "\xe2\x84\x96", "\xe2\x80\x9e", "\xe2\x80\x99"};
        const std::string_view rest = std::string_view(text).substr(at);
        for (std::string_view p : kPunct)
            if (rest.substr(0, p.size()) == p) return p.size();
        return 0;
    };
    while (i < text.size()) {
        if (size_t sep = isSeparatorAt(i)) {
            i += sep;
            continue;
        }
        size_t start = i;
        while (i < text.size() && !isSeparatorAt(i)) ++i;
        words.push_back(Word{start, i});
    }
    return words;
}

}  // namespace

std::string makeSnippet(const std::string& rawText, const std::vector<SearchTerm>& terms, bool substring,
                        size_t words) {
    // The highlight markers must only ever come from here.
    std::string text = rawText;
    std::erase_if(text, [](char c) { return c == kHighlightBegin || c == kHighlightEnd; });
    if (text.empty()) return {};
    struct Needle {
        std::string folded, stem;
        bool prefix;
    };
    std::vector<Needle> needles;
    for (const auto& t : terms) {
        for (const auto& w : splitWords(t.text)) {
            std::string folded = foldToken(std::string_view(t.text).substr(w.begin, w.end - w.begin));
            if (substring && folded.size() < 3) continue;
            needles.push_back(Needle{folded, stemToken(folded), t.prefix});
        }
    }
    // The first letter of a word, lower-cased for ASCII and Russian Cyrillic, or 0 when it is another
    // letter (those words are always folded and compared).
    auto firstLetter = [](std::string_view w) -> uint32_t {
        const unsigned char c = static_cast<unsigned char>(w[0]);
        if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
        if (w.size() >= 2 && (c == 0xD0 || c == 0xD1)) {
            uint32_t cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(w[1]) & 0x3F);
            if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
            if (cp == 0x401 || cp == 0x451) cp = 0x435;
            return cp;
        }
        return 0;
    };
    std::vector<uint32_t> needleFirst;
    for (const auto& n : needles) needleFirst.push_back(n.folded.empty() ? 0 : firstLetter(n.folded));
    std::vector<Word> all = splitWords(text);
    size_t hits = 0;
    for (auto& w : all) {
        const std::string_view raw = std::string_view(text).substr(w.begin, w.end - w.begin);
        if (!substring) {
            const uint32_t first = firstLetter(raw);
            bool possible = first == 0;
            for (uint32_t f : needleFirst) possible = possible || f == 0 || f == first;
            if (!possible) continue;
        }
        const std::string folded = foldToken(raw);
        for (const auto& n : needles) {
            if (substring) {
                w.hit = folded.find(n.folded) != std::string::npos;
            } else if (n.prefix) {
                w.hit = folded.rfind(n.folded, 0) == 0;
            } else {
                // A word has this stem only if it starts with the stem (Snowball removes endings; the
                // English stemmer may also change the stem's last letter, y→i): stem only such words.
                const size_t probe = n.stem.size() > 1 ? n.stem.size() - 1 : n.stem.size();
                w.hit = folded.compare(0, probe, n.stem, 0, probe) == 0 && stemToken(folded) == n.stem;
            }
            if (w.hit) break;
        }
        hits += w.hit;
    }
    if (hits == 0 || all.empty()) return {};
    // The window of `words` words with the most hits (the first such window).
    size_t bestStart = 0, bestHits = 0, current = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        current += all[i].hit;
        if (i >= words) current -= all[i - words].hit;
        if (current > bestHits) {
            bestHits = current;
            bestStart = i + 1 >= words ? i + 1 - words : 0;
        }
    }
    const size_t last = std::min(all.size(), bestStart + words) - 1;
    std::string out;
    if (bestStart > 0) out += "…";
    size_t pos = all[bestStart].begin;
    for (size_t i = bestStart; i <= last; ++i) {
        out.append(text, pos, all[i].begin - pos);
        if (all[i].hit) out += kHighlightBegin;
        out.append(text, all[i].begin, all[i].end - all[i].begin);
        if (all[i].hit) out += kHighlightEnd;
        pos = all[i].end;
    }
    if (last + 1 < all.size()) {
        out += "…";
    } else {
        out.append(text, pos, std::string::npos);
    }
    for (char& c : out)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return out;
}

}  // namespace kenes::storage
