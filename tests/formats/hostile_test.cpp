#include <catch2/catch.hpp>

#include <chrono>

#include "formats/schedule.h"
#include "formats/test_util.h"

using namespace kenes;
using namespace kenes::formats;
using kenes::formats::test::TempDir;

namespace {

// Imports `data` from a file and expects a FormatError mentioning `needle`, quickly, with the
// store left without an events database.
void expectRefused(const std::string& data, const std::string& needle) {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    auto file = dir.path() / "hostile.dat";
    test::spit(file, data);
    auto t0 = std::chrono::steady_clock::now();
    ImportOptions opt;
    opt.timezone = "UTC";
    CHECK_THROWS_WITH(importFile(*store, file, opt), Catch::Contains(needle));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    CHECK(store->allDatabases().empty());
}

}  // namespace

TEST_CASE("XML with an external entity is refused", "[formats][hostile]") {
    expectRefused(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE schedule [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<schedule><conference><title>&xxe;</title></conference></schedule>",
        "DOCTYPE");
}

TEST_CASE("XML entity-expansion bomb is refused", "[formats][hostile]") {
    std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
    for (int i = 1; i < 10; ++i) {
        bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
        bomb += "\">";
    }
    bomb += "]>\n<schedule><conference><title>&lol9;</title></conference></schedule>";
    expectRefused(bomb, "entities");
}

TEST_CASE("A 200 MB file is refused by its size before it is read", "[formats][hostile]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    auto file = dir.path() / "huge.xml";
    {
        std::ofstream out(file, std::ios::binary);
        out << "<schedule>";
    }
    std::filesystem::resize_file(file, 200ull * 1024 * 1024);  // sparse: no 200 MB written to disk
    auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(importFile(*store, file, {}), Catch::Contains("200 MB") && Catch::Contains("refused"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    CHECK(store->allDatabases().empty());
}

TEST_CASE("Invalid UTF-8 is refused in every format", "[formats][hostile]") {
    expectRefused(
        "<?xml version=\"1.0\"?><schedule><conference><title>Bad \xC3\x28 "
        "byte</title></conference></schedule>",
        "UTF-8");
    expectRefused("{\"schedule\":{\"conference\":{\"title\":\"\xFF\xFE\",\"days\":[]}}}", "UTF-8");
    expectRefused("BEGIN:VCALENDAR\r\nX-WR-CALNAME:\xED\xA0\x80\r\nEND:VCALENDAR\r\n", "UTF-8");
    expectRefused("{\"id\":\"event:x\",\"body\":{\"type\":\"event\",\"t\":\"\xC0\xAF\"}}\n", "UTF-8");
}

TEST_CASE("A JSON nesting bomb is refused", "[formats][hostile]") {
    std::string bomb = "{\"schedule\":";
    bomb += std::string(1000000, '[');
    bomb += std::string(1000000, ']');
    bomb += "}";
    expectRefused(bomb, "deeper than");
    std::string bundleBomb = "{\"id\":\"x\",\"body\":" + std::string(100000, '[') + "}\n";
    expectRefused(bundleBomb, "deeper than");
}

TEST_CASE("An .ics with a 1 MB line is refused", "[formats][hostile]") {
    std::string ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20200101T100000Z\r\nSUMMARY:";
    ics += std::string(1024 * 1024, 'a');
    ics += "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    expectRefused(ics, "line of");
}

TEST_CASE("Malformed files give clear errors and leave the store unchanged", "[formats][hostile]") {
    expectRefused("<?xml version=\"1.0\"?><schedule><day date=\"2020-01-01\"><room", "malformed");
    expectRefused("{\"schedule\": {\"conference\": ", "not valid JSON");
    expectRefused("{\"foo\": 1}", "not a c3voc schedule");
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    CHECK_THROWS_WITH(importFile(*store, dir.path() / "missing.xml", {}), Catch::Contains("no such file"));
    CHECK_THROWS_WITH(importFile(*store, dir.path(), {}), Catch::Contains("folder"));
}
