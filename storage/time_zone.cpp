// TZif (RFC 8536) reader and POSIX TZ rule evaluation for kenes::storage::TimeZone.
#include "storage/time_zone.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "storage/store.h"

namespace kenes::storage {

namespace {

int digitsValue(std::string_view s, size_t pos, size_t count, bool& ok) {
    int v = 0;
    for (size_t i = 0; i < count; ++i) {
        if (pos + i >= s.size() || s[pos + i] < '0' || s[pos + i] > '9') {
            ok = false;
            return 0;
        }
        v = v * 10 + (s[pos + i] - '0');
    }
    return v;
}

bool isLeap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int y, int m) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

int64_t floorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

int64_t daysFromCivil(int year, int month, int day) {
    // Howard Hinnant's days_from_civil.
    int64_t y = static_cast<int64_t>(year) - (month <= 2);
    const int64_t era = floorDiv(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t mp = (month + 9) % 12;
    const int64_t doy = (153 * mp + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

LocalDateTime civilFromSeconds(int64_t secs) {
    int64_t days = floorDiv(secs, 86400);
    int64_t rem = secs - days * 86400;
    int64_t z = days + 719468;
    const int64_t era = floorDiv(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
    return LocalDateTime{
        y, m, d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60)};
}

int64_t secondsFromCivil(const LocalDateTime& v) {
    return daysFromCivil(v.year, v.month, v.day) * 86400 + v.hour * 3600 + v.minute * 60 + v.second;
}

std::optional<LocalDateTime> parseLocalDateTime(std::string_view s) {
    if (s.size() != 10 && s.size() != 16 && s.size() != 19) return std::nullopt;
    bool ok = true;
    LocalDateTime v{};
    v.year = digitsValue(s, 0, 4, ok);
    if (s[4] != '-' || s[7] != '-') return std::nullopt;
    v.month = digitsValue(s, 5, 2, ok);
    v.day = digitsValue(s, 8, 2, ok);
    if (s.size() >= 16) {
        if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':') return std::nullopt;
        v.hour = digitsValue(s, 11, 2, ok);
        v.minute = digitsValue(s, 14, 2, ok);
    }
    if (s.size() == 19) {
        if (s[16] != ':') return std::nullopt;
        v.second = digitsValue(s, 17, 2, ok);
    }
    if (!ok || v.month < 1 || v.month > 12 || v.day < 1 || v.day > daysInMonth(v.year, v.month) ||
        v.hour > 23 || v.minute > 59 || v.second > 59)
        return std::nullopt;
    return v;
}

std::string formatLocalDateTime(const LocalDateTime& v, bool withSeconds) {
    char buf[40];
    if (withSeconds)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", v.year, v.month, v.day, v.hour,
                      v.minute, v.second);
    else
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", v.year, v.month, v.day, v.hour, v.minute);
    return buf;
}

std::string formatLocalDate(const LocalDateTime& v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.year, v.month, v.day);
    return buf;
}

std::string formatUtcInstant(int64_t utcSeconds) {
    return formatLocalDateTime(civilFromSeconds(utcSeconds), true) + "Z";
}

std::optional<int64_t> parseUtcInstant(std::string_view s) {
    if (s.size() < 19) return std::nullopt;
    auto base = parseLocalDateTime(s.substr(0, 19));
    if (!base) return std::nullopt;
    std::string_view rest = s.substr(19);
    if (!rest.empty() && rest[0] == '.') {  // fractional seconds are ignored
        size_t i = 1;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
        rest = rest.substr(i);
    }
    int64_t t = secondsFromCivil(*base);
    if (rest == "Z" || rest == "z" || rest.empty()) return t;
    if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        bool ok = true;
        int off = digitsValue(rest, 1, 2, ok) * 3600 + digitsValue(rest, 4, 2, ok) * 60;
        if (!ok) return std::nullopt;
        return rest[0] == '+' ? t - off : t + off;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// POSIX TZ rule (the TZif footer), e.g. "<+06>-6", "MSK-3", "CET-1CEST,M3.5.0,M10.5.0/3".

struct TimeZone::Rule {
    struct Date {
        char kind = 'M';  // 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month.week.weekday)
        int a = 0, b = 0, c = 0;
        int time = 7200;  // seconds after local midnight (may be negative or > 24h)
    };
    LocalType std;
    std::optional<LocalType> dst;
    Date start, end;

    // Instant of a rule date in `year`, given the offset in force just before it.
    int64_t instant(const Date& d, int year, int offsetBefore) const {
        int64_t day;
        if (d.kind == 'J') {
            int n = d.a;  // 1..365, Feb 29 never counted
            day = daysFromCivil(year, 1, 1) + n - 1 + ((isLeap(year) && n >= 60) ? 1 : 0);
        } else if (d.kind == 'N') {
            day = daysFromCivil(year, 1, 1) + d.a;
        } else {
            const int month = d.a, week = d.b, weekday = d.c;
            int64_t first = daysFromCivil(year, month, 1);
            int firstWeekday = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
            int dayOfMonth = 1 + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7;
            while (dayOfMonth > daysInMonth(year, month)) dayOfMonth -= 7;
            day = first + dayOfMonth - 1;
        }
        return day * 86400 + d.time - offsetBefore;
    }

    // The rule's changes in [yearFrom, yearTo], sorted: (instant, type after).
    std::vector<std::pair<int64_t, const LocalType*>> changes(int yearFrom, int yearTo) const {
        std::vector<std::pair<int64_t, const LocalType*>> out;
        if (!dst) return out;
        for (int y = yearFrom; y <= yearTo; ++y) {
            out.emplace_back(instant(start, y, std.offset), &*dst);
            out.emplace_back(instant(end, y, dst->offset), &std);
        }
        std::sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.first < y.first; });
        return out;
    }
};

namespace {

class PosixParser {
public:
    explicit PosixParser(std::string_view s) : m_s(s) {}

    std::shared_ptr<TimeZone::Rule> parse() {
        auto rule = std::make_shared<TimeZone::Rule>();
        if (!name(rule->std.abbrev)) return nullptr;
        int off;
        if (!offset(off)) return nullptr;
        rule->std.offset = -off;
        if (m_pos == m_s.size()) return rule;
        TimeZone::LocalType dst;
        dst.dst = true;
        if (!name(dst.abbrev)) return nullptr;
        dst.offset = rule->std.offset + 3600;
        if (m_pos < m_s.size() && m_s[m_pos] != ',') {
            if (!offset(off)) return nullptr;
            dst.offset = -off;
        }
        rule->dst = dst;
        if (m_pos == m_s.size()) {  // no rule given: the US default
            rule->start = {'M', 3, 2, 0, 7200};
            rule->end = {'M', 11, 1, 0, 7200};
            return rule;
        }
        if (m_s[m_pos++] != ',' || !date(rule->start)) return nullptr;
        if (m_pos >= m_s.size() || m_s[m_pos++] != ',' || !date(rule->end)) return nullptr;
        if (m_pos != m_s.size()) return nullptr;
        return rule;
    }

private:
    bool name(std::string& out) {
        if (m_pos < m_s.size() && m_s[m_pos] == '<') {
            size_t close = m_s.find('>', m_pos);
            if (close == std::string_view::npos) return false;
            out = std::string(m_s.substr(m_pos + 1, close - m_pos - 1));
            m_pos = close + 1;
            return !out.empty();
        }
        size_t begin = m_pos;
        while (m_pos < m_s.size() &&
               ((m_s[m_pos] >= 'A' && m_s[m_pos] <= 'Z') || (m_s[m_pos] >= 'a' && m_s[m_pos] <= 'z')))
            ++m_pos;
        out = std::string(m_s.substr(begin, m_pos - begin));
        return out.size() >= 3;
    }
    bool number(int& out) {
        size_t begin = m_pos;
        out = 0;
        while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9' && m_pos - begin < 4)
            out = out * 10 + (m_s[m_pos++] - '0');
        return m_pos > begin;
    }
    // [+-]hh[:mm[:ss]] in seconds (hours up to 167 for rule times).
    bool offset(int& out) {
        int sign = 1;
        if (m_pos < m_s.size() && (m_s[m_pos] == '+' || m_s[m_pos] == '-'))
            sign = m_s[m_pos++] == '-' ? -1 : 1;
        int h, m = 0, sec = 0;
        if (!number(h)) return false;
        if (m_pos < m_s.size() && m_s[m_pos] == ':') {
            ++m_pos;
            if (!number(m)) return false;
            if (m_pos < m_s.size() && m_s[m_pos] == ':') {
                ++m_pos;
                if (!number(sec)) return false;
            }
        }
        out = sign * (h * 3600 + m * 60 + sec);
        return true;
    }
    bool date(TimeZone::Rule::Date& d) {
        if (m_pos >= m_s.size()) return false;
        if (m_s[m_pos] == 'M') {
            ++m_pos;
            d.kind = 'M';
            if (!number(d.a) || m_pos >= m_s.size() || m_s[m_pos++] != '.') return false;
            if (!number(d.b) || m_pos >= m_s.size() || m_s[m_pos++] != '.') return false;
            if (!number(d.c)) return false;
            if (d.a < 1 || d.a > 12 || d.b < 1 || d.b > 5 || d.c > 6) return false;
        } else if (m_s[m_pos] == 'J') {
            ++m_pos;
            d.kind = 'J';
            if (!number(d.a) || d.a < 1 || d.a > 365) return false;
        } else {
            d.kind = 'N';
            if (!number(d.a) || d.a > 365) return false;
        }
        d.time = 7200;
        if (m_pos < m_s.size() && m_s[m_pos] == '/') {
            ++m_pos;
            if (!offset(d.time)) return false;
        }
        return true;
    }

    std::string_view m_s;
    size_t m_pos = 0;
};

[[noreturn]] void badZone(const std::string& name, const std::string& why) {
    throw StoreError(400, "bad_request", "Unknown time zone \"" + name + "\": " + why + ".");
}

bool plausibleZoneName(const std::string& name) {
    if (name.empty() || name.size() > 128 || name[0] == '/' || name[0] == '.') return false;
    if (name.find("..") != std::string::npos) return false;
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
    return true;
}

int64_t readBigEndian(const unsigned char* p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
}

std::shared_ptr<const TimeZone> parseTzif(const std::string& name, const std::string& data) {
    auto bytes = reinterpret_cast<const unsigned char*>(data.data());
    const size_t size = data.size();
    auto header = [&](size_t at, uint32_t counts[6]) {
        if (at + 44 > size || data.compare(at, 4, "TZif") != 0) badZone(name, "not a TZif file");
        for (int i = 0; i < 6; ++i)
            counts[i] = static_cast<uint32_t>(readBigEndian(bytes + at + 20 + 4 * i, 4));
    };
    // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    uint32_t c[6];
    header(0, c);
    const char version = data[4];
    auto blockSize = [&](const uint32_t* k, int timeBytes) {
        return static_cast<size_t>(k[3]) * timeBytes + k[3] + k[4] * 6ull + k[5] +
               k[2] * static_cast<size_t>(timeBytes + 4) + k[1] + k[0];
    };
    size_t at = 44;
    int timeBytes = 4;
    if (version >= '2') {
        at += blockSize(c, 4);
        header(at, c);
        at += 44;
        timeBytes = 8;
    }
    if (c[4] == 0 || at + blockSize(c, timeBytes) > size) badZone(name, "the zone file is truncated");
    std::vector<int64_t> times(c[3]);
    for (uint32_t i = 0; i < c[3]; ++i) times[i] = readBigEndian(bytes + at + i * timeBytes, timeBytes);
    at += static_cast<size_t>(c[3]) * timeBytes;
    std::vector<uint8_t> idx(bytes + at, bytes + at + c[3]);
    at += c[3];
    for (uint8_t i : idx)
        if (i >= c[4]) badZone(name, "the zone file is corrupt");
    std::vector<TimeZone::LocalType> types(c[4]);
    std::vector<uint8_t> abbrIndex(c[4]);
    for (uint32_t i = 0; i < c[4]; ++i) {
        types[i].offset = static_cast<int>(readBigEndian(bytes + at + i * 6, 4));
        types[i].dst = bytes[at + i * 6 + 4] != 0;
        abbrIndex[i] = bytes[at + i * 6 + 5];
    }
    at += c[4] * 6ull;
    std::string chars(data.data() + at, c[5]);
    for (uint32_t i = 0; i < c[4]; ++i) {
        if (abbrIndex[i] < chars.size()) types[i].abbrev = std::string(chars.c_str() + abbrIndex[i]);
    }
    at += c[5] + c[2] * static_cast<size_t>(timeBytes + 4) + c[1] + c[0];
    std::shared_ptr<const TimeZone::Rule> rule;
    if (version >= '2' && at < size && data[at] == '\n') {
        size_t end = data.find('\n', at + 1);
        if (end != std::string::npos && end > at + 1)
            rule = PosixParser(std::string_view(data).substr(at + 1, end - at - 1)).parse();
    }
    return std::make_shared<TimeZone>(name, std::move(times), std::move(idx), std::move(types),
                                      std::move(rule));
}

}  // namespace

TimeZone::TimeZone(std::string name, std::vector<int64_t> times, std::vector<uint8_t> typeIndex,
                   std::vector<LocalType> types, std::shared_ptr<const Rule> rule)
    : m_name(std::move(name)),
      m_times(std::move(times)),
      m_typeIndex(std::move(typeIndex)),
      m_types(std::move(types)),
      m_rule(std::move(rule)) {
    // RFC 8536: the type of instants before the first transition is type 0.
    m_initial = m_types.empty() ? LocalType{} : m_types[0];
}

TimeZone::~TimeZone() = default;

std::shared_ptr<const TimeZone> TimeZone::load(const std::string& ianaName) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const TimeZone>> cache;
    {
        std::lock_guard lock(mutex);
        auto it = cache.find(ianaName);
        if (it != cache.end()) return it->second;
    }
    if (!plausibleZoneName(ianaName)) badZone(ianaName, "not an IANA zone name such as Asia/Almaty");
    const char* dirEnv = std::getenv("TZDIR");
    std::string dir = dirEnv && *dirEnv ? dirEnv : "/usr/share/zoneinfo";
    const std::string path = dir + "/" + ianaName;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        badZone(ianaName, "no such zone in the system time-zone database (" + dir + ")");
    std::ifstream in(path, std::ios::binary);
    if (!in) badZone(ianaName, "the zone file cannot be read");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto zone = parseTzif(ianaName, data);
    std::lock_guard lock(mutex);
    return cache.emplace(ianaName, zone).first->second;
}

TimeZone::LocalType TimeZone::ruleTypeAt(int64_t t) const {
    if (!m_rule->dst) return m_rule->std;
    int year = civilFromSeconds(t + m_rule->std.offset).year;
    auto changes = m_rule->changes(year - 1, year + 1);
    const LocalType* current = &m_rule->std;
    for (auto& [at, type] : changes) {
        if (at > t) break;
        current = type;
    }
    return *current;
}

const TimeZone::LocalType& TimeZone::typeAt(int64_t t) const {
    if (m_times.empty() || t < m_times.front()) return m_initial;
    auto it = std::upper_bound(m_times.begin(), m_times.end(), t);
    return m_types[m_typeIndex[static_cast<size_t>(it - m_times.begin()) - 1]];
}

int TimeZone::offsetSeconds(int64_t t) const {
    if (m_rule && (m_times.empty() || t >= m_times.back())) return ruleTypeAt(t).offset;
    return typeAt(t).offset;
}

std::string TimeZone::abbreviation(int64_t t) const {
    if (m_rule && (m_times.empty() || t >= m_times.back())) return ruleTypeAt(t).abbrev;
    return typeAt(t).abbrev;
}

LocalDateTime TimeZone::toLocal(int64_t t) const {
    return civilFromSeconds(t + offsetSeconds(t));
}

int64_t TimeZone::toUtc(const LocalDateTime& local) const {
    const int64_t wall = secondsFromCivil(local);
    // Offsets that may apply near this wall time: those in force two days either side, plus every
    // transition in between.
    const int64_t lo = wall - 2 * 86400, hi = wall + 2 * 86400;
    std::vector<Transition> near = transitions(lo, hi);
    std::vector<int> candidates{offsetSeconds(lo)};
    for (auto& tr : near) candidates.push_back(tr.offsetAfter);
    std::optional<int64_t> best;
    for (int off : candidates) {
        int64_t t = wall - off;
        if (offsetSeconds(t) == off && (!best || t < *best)) best = t;
    }
    if (best) return *best;
    // A gap: use the offset in force before the transition that skipped this wall time.
    for (auto& tr : near) {
        if (wall >= tr.at + tr.offsetBefore && wall < tr.at + tr.offsetAfter) return wall - tr.offsetBefore;
    }
    return wall - candidates.front();
}

std::vector<TimeZone::Transition> TimeZone::transitions(int64_t fromUtc, int64_t toUtc) const {
    std::vector<Transition> out;
    if (toUtc <= fromUtc) return out;
    auto push = [&](int64_t at, const LocalType& before, const LocalType& after) {
        if (at < fromUtc || at >= toUtc) return;
        if (before.offset == after.offset && before.dst == after.dst && before.abbrev == after.abbrev) return;
        out.push_back(Transition{at, before.offset, after.offset, after.dst, after.abbrev});
    };
    auto first = std::lower_bound(m_times.begin(), m_times.end(), fromUtc);
    for (auto it = first; it != m_times.end() && *it < toUtc; ++it) {
        size_t i = static_cast<size_t>(it - m_times.begin());
        const LocalType& before = i == 0 ? m_initial : m_types[m_typeIndex[i - 1]];
        push(*it, before, m_types[m_typeIndex[i]]);
    }
    if (m_rule && m_rule->dst) {
        const int64_t tableEnd = m_times.empty() ? INT64_MIN : m_times.back();
        const int64_t start = std::max(fromUtc, tableEnd + 1);
        if (start < toUtc) {
            int y0 = civilFromSeconds(start).year - 1;
            int y1 = civilFromSeconds(toUtc).year + 1;
            if (y1 - y0 > 1000) y1 = y0 + 1000;  // exports never need more
            LocalType previous = ruleTypeAt(start - 1);
            if (!m_times.empty() && start - 1 <= tableEnd) previous = typeAt(tableEnd);
            for (auto& [at, type] : m_rule->changes(y0, y1)) {
                if (at < start) continue;
                if (at >= toUtc) break;
                push(at, previous, *type);
                previous = *type;
            }
        }
    }
    return out;
}

}  // namespace kenes::storage
