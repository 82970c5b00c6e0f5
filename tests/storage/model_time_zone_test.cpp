// Time zones from the system tzdata: placement of wall times, gaps and overlaps, rules past the table.
#include <catch2/catch.hpp>

#include "storage/store.h"
#include "storage/time_zone.h"

using namespace kenes::storage;

namespace {
int64_t utc(const char* text) {
    return *parseUtcInstant(text);
}
LocalDateTime local(const char* text) {
    return *parseLocalDateTime(text);
}
}  // namespace

TEST_CASE("local date-times parse and format strictly", "[model][timezone]") {
    CHECK(parseLocalDateTime("2019-07-25") == LocalDateTime{2019, 7, 25});
    CHECK(parseLocalDateTime("2019-07-25T09:30") == LocalDateTime{2019, 7, 25, 9, 30});
    CHECK(parseLocalDateTime("2019-07-25T09:30:15") == LocalDateTime{2019, 7, 25, 9, 30, 15});
    for (const char* bad :
         {"", "2019-7-25", "2019-02-30", "2019-13-01", "2019-07-25T24:00", "2019-07-25T09:60",
          "2019-07-25X09:30", "abcd-ef-gh", "2019-07-25T09:30Z", "2019-07-25T09"})
        CHECK_FALSE(parseLocalDateTime(bad).has_value());
    CHECK(parseLocalDateTime("2024-02-29").has_value());
    CHECK_FALSE(parseLocalDateTime("2023-02-29").has_value());
    CHECK(formatLocalDateTime({2019, 7, 5, 8, 3, 9}) == "2019-07-05T08:03");
    CHECK(formatLocalDateTime({2019, 7, 5, 8, 3, 9}, true) == "2019-07-05T08:03:09");
    CHECK(formatUtcInstant(0) == "1970-01-01T00:00:00Z");
    CHECK(parseUtcInstant("2019-07-26T04:12:00Z") == int64_t{1564114320});
    CHECK(parseUtcInstant("2019-07-26T10:12:00+06:00") == int64_t{1564114320});
}

TEST_CASE("Asia/Almaty and Europe/Moscow place wall times from tzdata", "[model][timezone]") {
    auto almaty = TimeZone::load("Asia/Almaty");
    auto moscow = TimeZone::load("Europe/Moscow");
    CHECK(almaty->name() == "Asia/Almaty");
    // 2019: Almaty was UTC+6, Moscow UTC+3.
    CHECK(almaty->toUtc(local("2019-07-25T09:00")) == utc("2019-07-25T03:00:00Z"));
    CHECK(moscow->toUtc(local("2019-07-25T09:00")) == utc("2019-07-25T06:00:00Z"));
    CHECK(almaty->abbreviation(utc("2019-07-25T03:00:00Z")) == "+06");
    CHECK(moscow->abbreviation(utc("2019-07-25T06:00:00Z")) == "MSK");
    // Moscow in 2010 still had summer time (MSD, UTC+4).
    CHECK(moscow->offsetSeconds(utc("2010-07-01T12:00:00Z")) == 4 * 3600);
    CHECK(moscow->abbreviation(utc("2010-07-01T12:00:00Z")) == "MSD");
    // A session past midnight: 23:30 on the 25th to 00:30 on the 26th, local Almaty.
    int64_t start = almaty->toUtc(local("2019-07-25T23:30"));
    int64_t end = almaty->toUtc(local("2019-07-26T00:30"));
    CHECK(end - start == 3600);
    CHECK(formatLocalDateTime(almaty->toLocal(end)) == "2019-07-26T00:30");
    // Far in the future the footer rule answers.
    CHECK(moscow->offsetSeconds(utc("2070-01-01T00:00:00Z")) == 3 * 3600);
}

TEST_CASE("gaps and overlaps resolve with the earlier offset", "[model][timezone]") {
    auto berlin = TimeZone::load("Europe/Berlin");
    // Overlap: 02:30 on 2024-10-27 happens twice; the first (CEST, +2) is chosen.
    CHECK(berlin->toUtc(local("2024-10-27T02:30")) == utc("2024-10-27T00:30:00Z"));
    // Gap: 02:30 on 2024-03-31 does not exist; +1 (before the jump) gives 01:30Z = 03:30 CEST.
    CHECK(berlin->toUtc(local("2024-03-31T02:30")) == utc("2024-03-31T01:30:00Z"));
    // Rule-based transitions past the table (2040) are computed from the POSIX footer.
    auto tr = berlin->transitions(utc("2040-01-01T00:00:00Z"), utc("2041-01-01T00:00:00Z"));
    REQUIRE(tr.size() == 2);
    CHECK(tr[0].at == utc("2040-03-25T01:00:00Z"));
    CHECK(tr[0].offsetBefore == 3600);
    CHECK(tr[0].offsetAfter == 7200);
    CHECK(tr[0].dstAfter);
    CHECK(tr[0].abbrevAfter == "CEST");
    CHECK(tr[1].at == utc("2040-10-28T01:00:00Z"));
    CHECK(berlin->toLocal(utc("2040-07-01T10:00:00Z")) == local("2040-07-01T12:00"));
    auto sydney = TimeZone::load("Australia/Sydney");
    CHECK(sydney->offsetSeconds(utc("2060-01-15T00:00:00Z")) == 11 * 3600);
    CHECK(sydney->offsetSeconds(utc("2060-07-15T00:00:00Z")) == 10 * 3600);
}

TEST_CASE("unknown zones are a clear 400", "[model][timezone]") {
    for (const char* bad : {"Mars/Olympus", "../../etc/passwd", "", "Asia", "Asia/Almaty\n"}) {
        try {
            TimeZone::load(bad);
            FAIL("no error for " << bad);
        } catch (const StoreError& e) {
            CHECK(e.status() == 400);
            CHECK(std::string(e.what()).find("time zone") != std::string::npos);
        }
    }
    CHECK(TimeZone::load("Asia/Bishkek") == TimeZone::load("Asia/Bishkek"));
}
