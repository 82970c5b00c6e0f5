// Text for people resolved without a JSON tree (see model_text.h).
#include "storage/model_text.h"

#include <array>

#include "storage/json_text.h"
#include "storage/projection_records.h"

namespace kenes::storage {

namespace {

constexpr size_t kMaxMembers = 8;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Reads a JSON string of valid UTF-8 with no escapes and no control characters at s[i] ('"');
// false for any other.
bool readPlainString(std::string_view s, size_t& i, std::string_view& out) {
    if (i >= s.size() || s[i] != '"') return false;
    const size_t start = ++i;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"') {
            out = s.substr(start, i - start);
            ++i;
            return true;
        }
        if (c == '\\' || c < 0x20) return false;
        if (c < 0x80) {
            ++i;
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < s.size() &&
                   (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
            i += 2;  // a two-byte sequence (Cyrillic): always valid
        } else {
            const size_t n = utf8SequenceLength(s, i);
            if (n == 0) return false;
            i += n;
        }
    }
    return false;
}

void skipSpace(std::string_view s, size_t& i) {
    while (i < s.size() && isSpace(s[i])) ++i;
}

struct Member {
    std::string_view key, value;
};

// Parses `s` as a plain string or an object of plain strings; false when it is anything else.
bool parsePlain(std::string_view s, bool& isString, std::string_view& text,
                std::array<Member, kMaxMembers>& members, size_t& count) {
    size_t i = 0;
    skipSpace(s, i);
    if (i >= s.size()) return false;
    if (s[i] == '"') {
        if (!readPlainString(s, i, text)) return false;
        isString = true;
    } else if (s[i] == '{') {
        isString = false;
        ++i;
        skipSpace(s, i);
        if (i < s.size() && s[i] == '}') {
            ++i;
        } else {
            while (true) {
                Member m;
                skipSpace(s, i);
                if (!readPlainString(s, i, m.key)) return false;
                skipSpace(s, i);
                if (i >= s.size() || s[i] != ':') return false;
                ++i;
                skipSpace(s, i);
                if (!readPlainString(s, i, m.value)) return false;
                for (size_t k = 0; k < count; ++k)
                    if (members[k].key == m.key) return false;  // a repeated key: the parser's rule applies
                if (count == members.size()) return false;
                members[count++] = m;
                skipSpace(s, i);
                if (i < s.size() && s[i] == ',') {
                    ++i;
                    continue;
                }
                if (i < s.size() && s[i] == '}') {
                    ++i;
                    break;
                }
                return false;
            }
        }
    } else {
        return false;
    }
    skipSpace(s, i);
    return i == s.size();  // outside strings, only ASCII got this far
}

}  // namespace

std::string resolveStoredText(std::string_view serialised, const std::string& language) {
    if (serialised.empty()) return {};
    bool isString = false;
    std::string_view text;
    std::array<Member, kMaxMembers> members;
    size_t count = 0;
    if (!parsePlain(serialised, isString, text, members, count))
        return resolveText(std::string(serialised), language);
    if (isString) return std::string(text);
    auto pick = [&](std::string_view lang) -> const Member* {
        for (size_t k = 0; k < count; ++k)
            if (members[k].key == lang && !members[k].value.empty()) return &members[k];
        return nullptr;
    };
    const Member* found = pick(language);
    if (!found) found = pick(language == "ru" ? "en" : "ru");
    // Else the first non-empty text in the order of language codes, as a JSON object keeps them.
    if (!found)
        for (size_t k = 0; k < count; ++k)
            if (!members[k].value.empty() && (!found || members[k].key < found->key)) found = &members[k];
    return found ? std::string(found->value) : std::string();
}

}  // namespace kenes::storage
