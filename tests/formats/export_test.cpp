#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <tuple>

#include "formats/export.h"
#include "formats/schedule.h"
#include "formats/test_util.h"

using namespace kenes;
using namespace kenes::formats;
using kenes::formats::test::fixture;
using kenes::formats::test::TempDir;

namespace {

using Slot = std::tuple<std::string, std::string, std::string, std::string>;  // start, end, title, room

std::multiset<Slot> slots(storage::Store& store, const std::string& eventKey) {
    storage::AllDocsOptions o;
    o.startKey = "session:" + eventKey + ":";
    o.endKey = "session:" + eventKey + ":\xEF\xBF\xBF";
    o.includeDocs = true;
    std::multiset<Slot> out;
    for (auto& row : store.database("events")->allDocs(o).rows)
        out.insert({(*row.doc)["start"], (*row.doc)["end"], (*row.doc)["title"]["en"],
                    (*row.doc)["room"].is_null() ? "" : (*row.doc)["room"]["en"].get<std::string>()});
    return out;
}

void checkWellFormed(const std::string& ics) {
    size_t pos = 0;
    while (pos < ics.size()) {
        size_t end = ics.find("\r\n", pos);
        REQUIRE(end != std::string::npos);
        CHECK(end - pos <= 75);
        CHECK(ics.substr(pos, end - pos).find('\n') == std::string::npos);
        pos = end + 2;
    }
}

}  // namespace

TEST_CASE("Round trip: an event exported to .ics imports as the same sessions at the same instants",
          "[formats][export][ical][roundtrip]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    ImportOptions opt;
    opt.timezone = "Europe/Brussels";
    importFile(*store, fixture("fosdem2010_frab.xml"), opt);
    for (bool utc : {false, true}) {
        IcsExportOptions ex;
        ex.eventId = "fosdem-2010";
        ex.utc = utc;
        std::string ics = exportICalendar(*store, ex);
        checkWellFormed(ics);
        CHECK((ics.find("BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels") != std::string::npos) == !utc);
        CHECK(ics.find("DTSTAMP:") != std::string::npos);
        ImportOptions back;
        back.eventId = utc ? "roundtrip-utc" : "roundtrip";
        auto r = importData(*store, ics, back);
        CHECK(r.format == "ical");
        CHECK(r.sessions.created == 235);
        CHECK(slots(*store, back.eventId) == slots(*store, "fosdem-2010"));
        auto event = store->database("events")->get("event:" + back.eventId);
        CHECK(event["timezone"] == "Europe/Brussels");
        CHECK(event["title"]["en"] == "FOSDEM 2010");
    }
}

TEST_CASE("VTIMEZONE carries the DST transitions of the exported span", "[formats][export][ical]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    std::string bundle =
        R"({"id":"event:dst","body":{"type":"event","title":{"en":"DST; week, \\ test"},"timezone":"Europe/Berlin","languages":["en"]}})"
        "\n"
        R"({"id":"session:dst:a","body":{"type":"session","event":"event:dst","start":"2021-03-27T10:00","end":"2021-03-27T11:00","title":{"en":"Before"}}})"
        "\n"
        R"({"id":"session:dst:b","body":{"type":"session","event":"event:dst","start":"2021-03-29T10:00","end":"2021-03-29T11:00","title":{"en":"Ünïcode ü long title that must be folded across several lines of the calendar file without splitting"}}})"
        "\n";
    importData(*store, bundle, {});
    IcsExportOptions ex;
    ex.eventId = "event:dst";
    ex.now = 1600000000;
    std::string ics = exportICalendar(*store, ex);
    checkWellFormed(ics);
    CHECK(ics.find("X-WR-CALNAME:DST\\; week\\, \\\\ test") != std::string::npos);
    CHECK(ics.find("BEGIN:DAYLIGHT\r\nDTSTART:20210328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200") !=
          std::string::npos);
    CHECK(ics.find("DTSTART;TZID=Europe/Berlin:20210329T100000") != std::string::npos);
    CHECK(ics.find("DTSTAMP:20200913T122640Z") != std::string::npos);
    auto s = parseICalendar(ics);
    REQUIRE(s.sessions.size() == 2);
    CHECK(s.sessions[1].title.rfind("Ünïcode ü long title", 0) == 0);
    CHECK(storage::formatLocalDateTime(s.sessions[1].start) == "2021-03-29T10:00");
    IcsExportOptions missing;
    missing.eventId = "nope";
    CHECK_THROWS_WITH(exportICalendar(*store, missing), Catch::Contains("no event 'event:nope'"));
}

TEST_CASE("My agenda: only starred sessions of that user", "[formats][export][ical][starred]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    importFile(*store, fixture("democon_c3voc.json"), {});
    auto user = store->database(storage::userDatabaseName("anna"), true);
    user->put({{"_id", "star:session:democon:8079583e-8321-506c-95af-fd2903a5f075"},
               {"type", "star"},
               {"session", "session:democon:8079583e-8321-506c-95af-fd2903a5f075"},
               {"event", "event:democon"}});
    IcsExportOptions ex;
    ex.eventId = "democon";
    ex.starredOnly = true;
    ex.userName = "anna";
    std::string ics = exportICalendar(*store, ex);
    auto s = parseICalendar(ics);
    REQUIRE(s.sessions.size() == 1);
    CHECK(s.sessions[0].title == "Focused 5thgeneration hardware");
    ex.userName = "boris";
    CHECK(parseICalendar(exportICalendar(*store, ex)).sessions.empty());
}

TEST_CASE("Notes as Markdown with front matter; session report in ru/en as Markdown and HTML",
          "[formats][export][notes][report]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    importFile(*store, fixture("democon_c3voc.json"), {});
    auto user = store->database(storage::userDatabaseName("anna"), true);
    const std::string session = "session:democon:8079583e-8321-506c-95af-fd2903a5f075";
    user->put({{"_id", "note:1"},
               {"type", "note"},
               {"title", "Итоги <дня>"},
               {"body", "Пункт **1** & \"2\""},
               {"created", "2020-12-14T09:10:00Z"},
               {"updated", "2020-12-14T09:20:00Z"},
               {"event", "event:democon"},
               {"session", session},
               {"standards", {"std:C087#art2"}},
               {"tags", {"cfa"}}});
    user->put({{"_id", "note:2"}, {"type", "note"}, {"title", "Итоги <дня>"}, {"body", "second"}});
    auto out = dir.path() / "notes";
    CHECK(exportNotes(*store, "anna", out) == 2);
    std::string md = test::slurp(out / "note-1.md");
    if (md.empty()) {
        for (auto& e : std::filesystem::directory_iterator(out))
            if (test::slurp(e.path()).find("note:1") != std::string::npos) md = test::slurp(e.path());
    }
    CHECK(md.rfind("---\nid: \"note:1\"\n", 0) == 0);
    CHECK(md.find("session: \"" + session + "\"") != std::string::npos);
    CHECK(md.find("standards: [\"std:C087#art2\"]") != std::string::npos);
    CHECK(md.find("updated: \"2020-12-14T09:20:00Z\"") != std::string::npos);
    CHECK(md.find("Пункт **1**") != std::string::npos);

    std::string ru = exportReportMarkdown(*store, "democon", "anna", "ru");
    CHECK(ru.rfind("# Отчёт о сессиях: DemoCon", 0) == 0);
    CHECK(ru.find("## 2020-12-14 09:00–09:30 · Focused 5thgeneration hardware") != std::string::npos);
    CHECK(ru.find("Пункт **1**") != std::string::npos);
    CHECK(ru.find("Заметок нет.") != std::string::npos);
    std::string en = exportReportMarkdown(*store, "democon", "anna", "en");
    CHECK(en.find("# Session report: DemoCon") == 0);
    std::string html = exportReportHtml(*store, "democon", "anna", "en");
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<style>") != std::string::npos);
    CHECK(html.find("Итоги &lt;дня&gt;") != std::string::npos);
    CHECK(html.find("&amp; &quot;2&quot;") != std::string::npos);
    CHECK(html.find("<дня>") == std::string::npos);
    CHECK_THROWS_WITH(exportReportMarkdown(*store, "democon", "anna", "de"), Catch::Contains("ru or en"));
}
