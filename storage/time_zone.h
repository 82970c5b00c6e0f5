// Civil dates and times, and IANA time zones read from the system's tz database (tzdata TZif files
// under /usr/share/zoneinfo, or $TZDIR). Never a fixed offset table, never setenv("TZ").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::storage {

// A wall-clock date and time with no zone attached.
struct LocalDateTime {
    int year, month, day, hour = 0, minute = 0, second = 0;
    friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a space instead of 'T' is
// accepted). nullopt when malformed or out of range (month 13, 31 February, 25:00).
std::optional<LocalDateTime> parseLocalDateTime(std::string_view text);
// "YYYY-MM-DDTHH:MM" or, with seconds, "YYYY-MM-DDTHH:MM:SS".
std::string formatLocalDateTime(const LocalDateTime& value, bool withSeconds = false);
// "YYYY-MM-DD".
std::string formatLocalDate(const LocalDateTime& value);

// Proleptic Gregorian calendar helpers (days since 1970-01-01).
int64_t daysFromCivil(int year, int month, int day);
LocalDateTime civilFromSeconds(int64_t secondsSinceEpoch);  // as if the seconds were wall time
int64_t secondsFromCivil(const LocalDateTime& value);       // as if the wall time were UTC
// "YYYY-MM-DDTHH:MM:SSZ" for an instant, and its parser (also accepts a numeric offset).
std::string formatUtcInstant(int64_t utcSeconds);
std::optional<int64_t> parseUtcInstant(std::string_view text);

// An IANA zone loaded from the system tzdata: the transition table of the TZif file (version 2+
// 64-bit data when present) and its footer POSIX TZ rule for instants past the table.
// Immutable and thread-safe once loaded; load() caches zones by name (the cache is thread-safe).
class TimeZone {
public:
    // Throws StoreError 400 "bad_request" with a clear reason for an unknown or malformed zone.
    static std::shared_ptr<const TimeZone> load(const std::string& ianaName);

    const std::string& name() const { return m_name; }
    // Wall time in this zone to an instant (seconds since the epoch). A wall time that does not
    // exist (a gap, clocks jump forward) or exists twice (an overlap, clocks go back) is resolved
    // with the earlier offset, the one in force before the transition: in an overlap this is the
    // first occurrence; in a gap the result lies after the transition by as much as the wall time
    // lies inside the gap (02:30 in a 02:00→03:00 gap becomes 03:30).
    int64_t toUtc(const LocalDateTime& local) const;
    LocalDateTime toLocal(int64_t utcSeconds) const;
    int offsetSeconds(int64_t utcSeconds) const;
    std::string abbreviation(int64_t utcSeconds) const;  // "+06", "MSK"

    struct Transition {
        int64_t at;
        int offsetBefore, offsetAfter;
        bool dstAfter;
        std::string abbrevAfter;
    };
    // Every change of offset, DST flag or abbreviation with fromUtc <= at < toUtc, in order.
    std::vector<Transition> transitions(int64_t fromUtc, int64_t toUtc) const;

    // Internal representation; public so that the parser in time_zone.cpp can fill it.
    struct LocalType {
        int offset = 0;
        bool dst = false;
        std::string abbrev;
    };
    struct Rule;  // the footer POSIX TZ rule
    TimeZone(std::string name, std::vector<int64_t> times, std::vector<uint8_t> typeIndex,
             std::vector<LocalType> types, std::shared_ptr<const Rule> rule);
    ~TimeZone();

private:
    const LocalType& typeAt(int64_t utcSeconds) const;
    LocalType ruleTypeAt(int64_t utcSeconds) const;

    std::string m_name;
    std::vector<int64_t> m_times;      // transition instants, ascending
    std::vector<uint8_t> m_typeIndex;  // local type after each transition
    std::vector<LocalType> m_types;
    std::shared_ptr<const Rule> m_rule;  // null when the file has no usable footer
    LocalType m_initial;                 // type before the first transition
};

}  // namespace kenes::storage
