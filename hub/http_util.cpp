// Request-target parsing and answer helpers (see http_util.h).
#include "hub/http_util.h"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace kenes::hub {

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<std::string> percentDecode(const std::string& in, bool plusIsSpace) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string percentEncode(const std::string& in) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : in) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

bool isValidUtf8(const std::string& s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

Target parseTarget(const std::string& target) {
    Target t;
    std::string path = target, query;
    if (auto q = target.find('?'); q != std::string::npos) {
        path = target.substr(0, q);
        query = target.substr(q + 1);
    }
    if (auto h = path.find('#'); h != std::string::npos) path.resize(h);
    t.rawPath = path;
    if (path.empty() || path[0] != '/')
        throw HttpError{400, "bad_request", "The request path must start with '/'."};
    size_t pos = 1;
    while (pos <= path.size()) {
        size_t next = path.find('/', pos);
        if (next == std::string::npos) next = path.size();
        std::string raw = path.substr(pos, next - pos);
        if (raw == "." || raw == "..")
            throw HttpError{400, "bad_request", "Path segments '.' and '..' are not allowed."};
        if (!raw.empty()) {
            auto decoded = percentDecode(raw, false);
            if (!decoded)
                throw HttpError{400, "bad_request", "The request path has a malformed percent escape."};
            for (unsigned char c : *decoded)
                if (c < 0x20 || c == 0x7F)
                    throw HttpError{400, "bad_request", "The request path contains control characters."};
            t.segments.push_back(std::move(*decoded));
        }
        pos = next + 1;
    }
    size_t qpos = 0;
    while (qpos < query.size()) {
        size_t amp = query.find('&', qpos);
        if (amp == std::string::npos) amp = query.size();
        std::string pair = query.substr(qpos, amp - qpos);
        qpos = amp + 1;
        if (pair.empty()) continue;
        std::string k = pair, v;
        if (auto eq = pair.find('='); eq != std::string::npos) {
            k = pair.substr(0, eq);
            v = pair.substr(eq + 1);
        }
        auto dk = percentDecode(k, true), dv = percentDecode(v, true);
        if (!dk || !dv)
            throw HttpError{400, "bad_request", "The query string has a malformed percent escape."};
        t.query[*dk] = *dv;
    }
    return t;
}

bool queryBool(const std::map<std::string, std::string>& q, const std::string& name, bool def) {
    auto it = q.find(name);
    if (it == q.end()) return def;
    if (it->second == "true" || it->second == "1" || it->second.empty()) return true;
    if (it->second == "false" || it->second == "0") return false;
    throw HttpError{400, "query_parse_error", "Invalid boolean parameter: \"" + name + "\""};
}

std::optional<uint64_t> queryUint(const std::map<std::string, std::string>& q, const std::string& name) {
    auto it = q.find(name);
    if (it == q.end()) return std::nullopt;
    uint64_t v = 0;
    const char* b = it->second.data();
    const char* e = b + it->second.size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e || b == e)
        throw HttpError{400, "query_parse_error", "Invalid value for integer parameter: \"" + name + "\""};
    return v;
}

std::optional<Json> queryJson(const std::map<std::string, std::string>& q, const std::string& name) {
    auto it = q.find(name);
    if (it == q.end()) return std::nullopt;
    auto j = Json::parse(it->second, nullptr, false);
    if (j.is_discarded())
        throw HttpError{400, "bad_request", "Invalid JSON in the query parameter \"" + name + "\"."};
    return j;
}

Json parseBody(const std::string& body) {
    if (body.empty())
        throw HttpError{400, "bad_request", "The request body is empty; a JSON body is required."};
    auto j = Json::parse(body, nullptr, false);
    if (j.is_discarded()) throw HttpError{400, "bad_request", "invalid UTF-8 JSON"};
    return j;
}

std::string dumpJson(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kenes::hub
