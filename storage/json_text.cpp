// Compact JSON writer (see json_text.h).
#include "storage/json_text.h"

#include <charconv>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace kenes::storage {

size_t utf8SequenceLength(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t cp;
    if ((c >> 5) == 6) {
        extra = 1;
        cp = c & 0x1f;
    } else if ((c >> 4) == 14) {
        extra = 2;
        cp = c & 0x0f;
    } else if ((c >> 3) == 30) {
        extra = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + extra >= s.size()) return 0;
    for (size_t k = 1; k <= extra; ++k) {
        auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc >> 6) != 2) return 0;
        cp = (cp << 6) | (cc & 0x3f);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return extra + 1;
}

bool isValidUtf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        size_t len = utf8SequenceLength(s, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

namespace {

// True when none of the 8 bytes at p needs a closer look: no control character, quote,
// backslash or non-ASCII byte.
#ifdef __SSE2__
// The same test for 16 bytes at p.
bool plainBlock(const char* p) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so they count as "below 0x20" too.
    __m128i special = _mm_or_si128(
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    return _mm_movemask_epi8(special) == 0;
}
#endif

bool plainWord(const char* p) {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHighs = 0x8080808080808080ull;
    uint64_t x;
    std::memcpy(&x, p, 8);
    auto hasZero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    uint64_t special = (x & kHighs) | ((x - 0x20 * kOnes) & ~x & kHighs) | hasZero(x ^ ('"' * kOnes)) |
                       hasZero(x ^ ('\\' * kOnes));
    return special == 0;
}

void appendEscaped(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    size_t run = 0;  // start of the pending run of bytes copied as they are
    size_t i = 0;
    while (i < s.size()) {
#ifdef __SSE2__
        if (i + 16 <= s.size() && plainBlock(s.data() + i)) {
            i += 16;
            continue;
        }
#endif
        if (i + 8 <= s.size() && plainWord(s.data() + i)) {
            i += 8;
            continue;
        }
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            size_t len = utf8SequenceLength(s, i);
            if (len == 0)
                throw StoreError(400, "bad_request", "The document contains text that is not valid UTF-8.");
            i += len;
            continue;
        }
        out.append(s.data() + run, i - run);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
        run = ++i;
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

template <typename Int>
void appendInteger(std::string& out, Int v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<size_t>(end - buf));
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
    appendEscaped(out, text);
}

bool isSpecialMember(std::string_view key) {
    return key == "_id" || key == "_rev" || key == "_deleted" || key == "_revisions" || key == "_conflicts" ||
           key == "_deleted_conflicts" || key == "_revs_info" || key == "_local_seq";
}

void appendJsonText(std::string& out, const Json& value) {
    switch (value.type()) {
        case Json::value_t::null:
            out += "null";
            break;
        case Json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::number_integer:
            appendInteger(out, value.get<int64_t>());
            break;
        case Json::value_t::number_unsigned:
            appendInteger(out, value.get<uint64_t>());
            break;
        case Json::value_t::string:
            appendEscaped(out, value.get_ref<const std::string&>());
            break;
        case Json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& item : value) {
                if (!first) out += ',';
                first = false;
                appendJsonText(out, item);
            }
            out += ']';
            break;
        }
        case Json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = value.begin(); it != value.end(); ++it) {
                if (!first) out += ',';
                first = false;
                appendEscaped(out, it.key());
                out += ':';
                appendJsonText(out, it.value());
            }
            out += '}';
            break;
        }
        default:  // floating point (nlohmann's shortest round-trip form), binary, discarded
            out += value.dump();
    }
}

std::string documentBodyText(const Json& doc) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& key = it.key();
        if (!key.empty() && key[0] == '_' && !isSpecialMember(key))
            throw StoreError(400, "doc_validation", "Bad special document member: " + key);
    }
    std::string out;
    out.reserve(2048);
    out += '{';
    bool first = true;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& key = it.key();
        if (!key.empty() && key[0] == '_') continue;
        if (!first) out += ',';
        first = false;
        appendEscaped(out, key);
        out += ':';
        appendJsonText(out, it.value());
    }
    out += '}';
    return out;
}

}  // namespace kenes::storage
