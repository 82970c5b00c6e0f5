// Shared import checks (size, UTF-8, bounded JSON), format detection and stable keys.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "formats/schedule.h"
#include "formats/util.h"

namespace kenes::formats {

void requireValidUtf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool ok = len != 0 && i + len <= n && !(len == 2 && c < 0xC2) && !(len == 4 && c > 0xF4);
        for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (ok && len == 3) {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
        }
        if (ok && len == 4) {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (!ok)
            throw FormatError("the file is not valid UTF-8 text (bad byte at offset " + std::to_string(i) +
                              "); save it as UTF-8 and import it again");
        i += len;
    }
}

std::string readImportFile(const std::filesystem::path& path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw FormatError("cannot read " + path.string() + ": no such file");
    if (std::filesystem::is_directory(status)) throw FormatError(path.string() + " is a folder, not a file");
    auto size = std::filesystem::file_size(path, ec);
    if (ec) throw FormatError("cannot read " + path.string() + ": " + ec.message());
    if (size > kMaxImportBytes)
        throw FormatError(path.string() + " is " + std::to_string(size / (1024 * 1024)) +
                          " MB; schedules and bundles larger than " +
                          std::to_string(kMaxImportBytes / (1024 * 1024)) + " MB are refused");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError("cannot open " + path.string() + " for reading");
    std::string data;
    data.resize(size);
    in.read(data.data(), static_cast<std::streamsize>(size));
    data.resize(static_cast<size_t>(in.gcount()));
    return data;
}

Json parseJsonBounded(std::string_view data, const std::string& what) {
    bool tooDeep = false;
    auto callback = [&](int depth, Json::parse_event_t event, Json&) {
        if (depth > kMaxJsonDepth &&
            (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start)) {
            tooDeep = true;
            throw FormatError(what + " nests objects or arrays deeper than " + std::to_string(kMaxJsonDepth) +
                              " levels; it is not a schedule and was refused");
        }
        return true;
    };
    try {
        return Json::parse(data.begin(), data.end(), callback);
    } catch (const Json::parse_error& e) {
        throw FormatError(what + " is not valid JSON: " + e.what());
    }
}

namespace {
std::string_view skipSpaceAndBom(std::string_view d) {
    if (d.substr(0, 3) == "\xEF\xBB\xBF") d.remove_prefix(3);
    while (!d.empty() && (d[0] == ' ' || d[0] == '\t' || d[0] == '\r' || d[0] == '\n')) d.remove_prefix(1);
    return d;
}
}  // namespace

FileFormat detectFormat(std::string_view data) {
    auto d = skipSpaceAndBom(data);
    if (d.substr(0, 15) == "BEGIN:VCALENDAR") return FileFormat::ICalendar;
    if (!d.empty() && d[0] == '<') {
        auto head = d.substr(0, 4096);
        if (head.find("<schedule") != std::string_view::npos ||
            head.find("<conference") != std::string_view::npos ||
            head.find("<!DOCTYPE") != std::string_view::npos ||
            head.find("<!ENTITY") != std::string_view::npos)
            return FileFormat::Frab;
        return FileFormat::Unknown;
    }
    if (!d.empty() && d[0] == '{') {
        // A bundle is one object per line with "id" and "body"; c3voc is one object with "schedule".
        auto line = d.substr(0, d.find('\n'));
        auto head = d.substr(0, 512);
        if (line.find("\"body\"") != std::string_view::npos && line.find("\"id\"") != std::string_view::npos)
            return FileFormat::Bundle;
        if (head.find("\"schedule\"") != std::string_view::npos) return FileFormat::C3voc;
        return FileFormat::C3voc;  // decided by the parser, which explains what is missing
    }
    return FileFormat::Unknown;
}

const char* formatName(FileFormat f) {
    switch (f) {
        case FileFormat::Frab:
            return "frab";
        case FileFormat::C3voc:
            return "c3voc";
        case FileFormat::ICalendar:
            return "ical";
        case FileFormat::Bundle:
            return "bundle";
        default:
            return "unknown";
    }
}

std::string slugify(std::string_view text, size_t maxLength) {
    std::string out;
    bool dash = false;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && !out.empty()) out += '-';
            out += static_cast<char>(c);
            dash = false;
        } else if (c >= 'A' && c <= 'Z') {
            if (dash && !out.empty()) out += '-';
            out += static_cast<char>(c - 'A' + 'a');
            dash = false;
        } else {
            dash = true;
        }
        if (out.size() >= maxLength) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

std::string stableHash(std::string_view text) {
    uint64_t h = 1469598103934665603ull;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::optional<int64_t> parseDuration(std::string_view text) {
    // "HH:MM", "HH:MM:SS", "D:HH:MM" is not used by frab; hours may exceed 24.
    int64_t parts[3] = {0, 0, 0};
    int count = 0;
    int64_t cur = 0;
    bool digit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            cur = cur * 10 + (c - '0');
            digit = true;
            if (cur > 100000) return std::nullopt;
        } else if (c == ':') {
            if (!digit || count >= 2) return std::nullopt;
            parts[count++] = cur;
            cur = 0;
            digit = false;
        } else if (c == ' ') {
            continue;
        } else {
            return std::nullopt;
        }
    }
    if (!digit) return std::nullopt;
    parts[count++] = cur;
    if (count == 1) return parts[0] * 60;  // bare minutes
    if (parts[1] > 59 || (count == 3 && parts[2] > 59)) return std::nullopt;
    return count == 2 ? parts[0] * 3600 + parts[1] * 60 : parts[0] * 3600 + parts[1] * 60 + parts[2];
}

std::optional<std::pair<int, int>> parseClock(std::string_view text) {
    auto lt = storage::parseLocalDateTime("2000-01-01T" + std::string(text.substr(0, 5)));
    if (!lt) return std::nullopt;
    return std::make_pair(lt->hour, lt->minute);
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
    return std::string(s.substr(b, e - b));
}

void addRoom(SourceSchedule& s, const std::string& room) {
    if (room.empty()) return;
    for (const auto& r : s.rooms)
        if (r == room) return;
    s.rooms.push_back(room);
}

}  // namespace kenes::formats
