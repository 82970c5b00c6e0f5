#include <catch2/catch.hpp>

#include "formats/schedule.h"
#include "formats/test_util.h"

using namespace kenes;
using namespace kenes::formats;
using kenes::formats::test::fixture;
using kenes::formats::test::TempDir;

namespace {

storage::Json getDoc(storage::Store& store, const std::string& id) {
    return store.database("events")->get(id);
}

size_t countPrefix(storage::Store& store, const std::string& prefix) {
    storage::AllDocsOptions o;
    o.startKey = prefix;
    o.endKey = prefix + "\xEF\xBF\xBF";
    return store.database("events")->allDocs(o).rows.size();
}

}  // namespace

TEST_CASE("FOSDEM 2010 Frab XML: days, rooms, events, persons", "[formats][import][frab]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    ImportOptions opt;
    opt.timezone = "Europe/Brussels";
    auto r = importFile(*store, fixture("fosdem2010_frab.xml"), opt);
    CHECK(r.format == "frab");
    CHECK(r.eventId == "event:fosdem-2010");
    CHECK(r.days == 2);
    CHECK(r.rooms == 21);
    CHECK(r.sessions.created == 235);
    CHECK(r.sessions.skipped == 0);
    // 248 person appearances over the 235 events; 203 distinct person ids.
    CHECK(r.speakerLinks == 248);
    CHECK(r.speakers.created == 203);
    CHECK_THAT(r.summary(),
               Catch::Contains("sessions: 235 created") && Catch::Contains("appearances in sessions: 248"));
    CHECK(r.events.created == 1);
    CHECK(countPrefix(*store, "session:fosdem-2010:") == 235);
    auto welcome = getDoc(*store, "session:fosdem-2010:frab-819");
    CHECK(welcome["start"] == "2010-02-06T10:00");
    CHECK(welcome["end"] == "2010-02-06T10:45");
    CHECK(welcome["title"]["en"] == "Welcome");
    CHECK(welcome["room"]["en"] == "Janson");
    CHECK(welcome["speakers"] == storage::Json::array({"speaker:fosdem-2010-frab-46"}));
    auto event = getDoc(*store, "event:fosdem-2010");
    CHECK(event["timezone"] == "Europe/Brussels");
    CHECK(event["start_date"] == "2010-02-06");
    CHECK(event["end_date"] == "2010-02-07");
    CHECK(event["title"]["en"] == "FOSDEM 2010");
}

TEST_CASE("Frab without a zone asks for --timezone; unknown zones are refused", "[formats][import][frab]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    CHECK_THROWS_WITH(importFile(*store, fixture("fosdem2010_frab.xml"), {}), Catch::Contains("--timezone"));
    ImportOptions bad;
    bad.timezone = "Mars/Olympus";
    CHECK_THROWS_AS(importFile(*store, fixture("fosdem2010_frab.xml"), bad), storage::StoreError);
    CHECK_FALSE(store->hasDatabase("events"));
}

TEST_CASE("Re-import is idempotent and a changed file updates only what changed",
          "[formats][import][reimport]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    ImportOptions opt;
    opt.timezone = "Europe/Brussels";
    importFile(*store, fixture("fosdem2010_frab.xml"), opt);
    auto seq = store->database("events")->info().updateSeq;
    auto again = importFile(*store, fixture("fosdem2010_frab.xml"), opt);
    CHECK(again.sessions.unchanged == 235);
    CHECK(again.sessions.created + again.sessions.updated == 0);
    CHECK(again.speakers.unchanged == 203);
    CHECK(again.events.unchanged == 1);
    CHECK(store->database("events")->info().updateSeq == seq);

    std::string xml = test::slurp(fixture("fosdem2010_frab.xml"));
    auto pos = xml.find("<title>Welcome</title>");
    REQUIRE(pos != std::string::npos);
    xml.replace(pos, 22, "<title>Welcome to FOSDEM</title>");
    auto changed = importData(*store, xml, opt);
    CHECK(changed.sessions.updated == 1);
    CHECK(changed.sessions.unchanged == 234);
    CHECK(changed.sessions.created == 0);
    auto doc = getDoc(*store, "session:fosdem-2010:frab-819");
    CHECK(doc["title"]["en"] == "Welcome to FOSDEM");
    CHECK(doc["_rev"].get<std::string>().rfind("2-", 0) == 0);
}

TEST_CASE(
    "Frab quirks: HH:MM:SS and >24 h durations, past midnight, wrong day@date, other offset in date, no guid",
    "[formats][import][frab]") {
    const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<schedule><conference><title>Quirks Con</title><acronym>quirks</acronym>
<time_zone_name>Asia/Bishkek</time_zone_name><day_change>06:00</day_change></conference>
<day date="2019-07-25" index="1"><room name="Hall">
 <event guid="A1B2"><date>2019-07-25T10:00:00+02:00</date><start>10:00</start><duration>01:30:30</duration><room>Hall</room><title>Long seconds</title></event>
 <event id="7"><start>23:30</start><duration>01:00</duration><title>Past midnight</title></event>
 <event id="8"><start>01:00</start><duration>00:30</duration><title>Night owl</title></event>
 <event id="9"><date>2019-07-26T09:00:00Z</date><start>09:00</start><duration>26:00</duration><title>Hackathon</title></event>
 <event><start>12:00</start><duration>00:45</duration><title>No id at all</title></event>
 <event id="10"><start>12:00</start><duration>soon</duration><title>Bad duration</title></event>
</room></day></schedule>)";
    auto s = parseFrabXml(xml);
    CHECK(s.timezone == "Asia/Bishkek");
    REQUIRE(s.sessions.size() == 5);
    CHECK(s.skipped.size() == 1);
    CHECK(s.sessions[0].durationSeconds == 5430);
    CHECK(storage::formatLocalDateTime(s.sessions[0].start) == "2019-07-25T10:00");
    CHECK(storage::formatLocalDateTime(s.sessions[1].start) == "2019-07-25T23:30");
    CHECK(storage::formatLocalDateTime(s.sessions[2].start) == "2019-07-26T01:00");  // before day_change
    CHECK(storage::formatLocalDateTime(s.sessions[3].start) ==
          "2019-07-26T09:00");  // <date> wins over day@date
    CHECK(s.sessions[3].durationSeconds == 26 * 3600);

    TempDir dir;
    auto store = storage::Store::open(dir.path());
    auto r = importData(*store, xml, {});
    CHECK(r.sessions.created == 5);
    CHECK(r.sessions.skipped == 1);
    CHECK(getDoc(*store, "session:quirks:a1b2")["end"] == "2019-07-25T11:30");
    CHECK(getDoc(*store, "session:quirks:frab-7")["end"] == "2019-07-26T00:30");
    CHECK(getDoc(*store, "session:quirks:frab-9")["end"] == "2019-07-27T11:00");
    auto again = importData(*store, xml, {});
    CHECK(again.sessions.unchanged == 5);  // the id-less session gets the same hashed id again
}

TEST_CASE("DemoCon c3voc JSON: 3 days, 36 events at the right instants", "[formats][import][c3voc]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    auto r = importFile(*store, fixture("democon_c3voc.json"), {});
    CHECK(r.format == "c3voc");
    CHECK(r.eventId == "event:democon");
    CHECK(r.days == 3);
    CHECK(r.sessions.created == 36);
    CHECK(r.rooms == 2);
    auto event = getDoc(*store, "event:democon");
    CHECK(event["timezone"] == "UTC");
    CHECK(event["start_date"] == "2020-12-14");
    CHECK(event["end_date"] == "2020-12-16");
    // start 09:00 is wall time in the conference zone (UTC), whatever offset `date` carries.
    auto s = getDoc(*store, "session:democon:8079583e-8321-506c-95af-fd2903a5f075");
    CHECK(s["start"] == "2020-12-14T09:00");
    CHECK(s["end"] == "2020-12-14T09:30");
    CHECK(s["room"]["en"] == "Gray Room");
    CHECK(s["speakers"].size() == 1);
    CHECK(importFile(*store, fixture("democon_c3voc.json"), {}).sessions.unchanged == 36);
}

TEST_CASE("Kieler Linux-Tage .ics: 24 events, 4 locations, 2 days, title intact", "[formats][import][ical]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    ImportOptions opt;
    opt.timezone = "Europe/Berlin";
    auto r = importFile(*store, fixture("kielux_2020.ics"), opt);
    CHECK(r.format == "ical");
    CHECK(r.sessions.created == 24);
    CHECK(r.rooms == 4);
    CHECK(r.days == 2);
    auto event = getDoc(*store, r.eventId);
    CHECK(event["title"]["en"] == "18. Kieler Open Source und Linux Tage");
    // DTSTART:20200918T110000Z is 13:00 in Kiel (CEST); folded, escaped DESCRIPTION is unfolded.
    auto s = getDoc(*store, "session:" + r.eventId.substr(6) + ":460-kolt20");
    CHECK(s["start"] == "2020-09-18T13:00");
    CHECK(s["end"] == "2020-09-18T14:00");
    CHECK(s["title"]["en"] == "OpenCelium - Der generische OpenSoure API-Hub");
    std::string abstract = s["abstract"]["en"];
    CHECK(abstract.find("Applikation zu anderen") != std::string::npos);
    CHECK(abstract.find("einfache Art, damit") != std::string::npos);
    CHECK(s["speakers"].size() == 1);
}

TEST_CASE("iCalendar with VTIMEZONE, LF endings, folding and escapes", "[formats][import][ical]") {
    std::string ics =
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\nX-WR-CALNAME:Семинар\\, Бишкек\n"
        "BEGIN:VTIMEZONE\nTZID:Custom/Zone\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0600\n"
        "TZOFFSETTO:+0600\nTZNAME:+06\nEND:STANDARD\nEND:VTIMEZONE\n"
        "BEGIN:VEVENT\nUID:one@x\nDTSTART;TZID=Custom/Zone:20190726T093000\nDTEND;TZID=Custom/"
        "Zone:20190726T110000\n"
        "SUMMARY:Процедура КСС\\; жалобы\\, примеры\nDESCRIPTION:Line one\\nline two with a fol\n ded word\n"
        "LOCATION:Главный зал\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:two@x\nDTSTART;TZID=Asia/Almaty:20190726T120000\nDURATION:PT45M\nSUMMARY:IANA "
        "zone\nEND:VEVENT\n"
        "END:VCALENDAR\n";
    auto s = parseICalendar(ics, "Asia/Bishkek");
    CHECK(s.title == "Семинар, Бишкек");
    REQUIRE(s.sessions.size() == 2);
    CHECK(s.sessions[0].title == "Процедура КСС; жалобы, примеры");
    CHECK(s.sessions[0].description == "Line one\nline two with a folded word");
    CHECK(storage::formatLocalDateTime(s.sessions[0].start) == "2019-07-26T09:30");
    CHECK(s.sessions[0].durationSeconds == 90 * 60);
    CHECK(s.sessions[1].durationSeconds == 45 * 60);
}

TEST_CASE("Kenes bundles: documents routed by type, re-import unchanged", "[formats][import][bundle]") {
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    std::string bundle =
        R"({"id":"event:b","rev":"1-a","deleted":false,"conflicts":[],"body":{"type":"event","title":{"en":"B"},"timezone":"UTC"}})"
        "\n"
        R"({"id":"session:b:x","body":{"type":"session","event":"event:b","start":"2020-01-01T10:00","end":"2020-01-01T11:00","title":{"en":"X"}}})"
        "\n"
        R"({"id":"star:session:b:x","body":{"type":"star","session":"session:b:x","event":"event:b"}})"
        "\n";
    ImportOptions opt;
    opt.userName = "anna";
    auto r = importData(*store, bundle, opt);
    CHECK(r.format == "bundle");
    CHECK(r.events.created == 1);
    CHECK(r.sessions.created == 1);
    CHECK(r.other.created == 1);
    CHECK(store->database(storage::userDatabaseName("anna"))->get("star:session:b:x")["type"] == "star");
    auto again = importData(*store, bundle, opt);
    CHECK(again.events.unchanged == 1);
    CHECK(again.sessions.unchanged == 1);
    CHECK(again.other.unchanged == 1);
}

TEST_CASE("Format detection by content", "[formats][detect]") {
    CHECK(detectFormat("\xEF\xBB\xBF  BEGIN:VCALENDAR\r\n") == FileFormat::ICalendar);
    CHECK(detectFormat("<?xml version=\"1.0\"?>\n<schedule>") == FileFormat::Frab);
    CHECK(detectFormat("{\"schedule\": {}}") == FileFormat::C3voc);
    CHECK(detectFormat("{\"id\":\"a\",\"body\":{}}\n") == FileFormat::Bundle);
    CHECK(detectFormat("hello") == FileFormat::Unknown);
    TempDir dir;
    auto store = storage::Store::open(dir.path());
    CHECK_THROWS_WITH(importData(*store, "hello", {}), Catch::Contains("not a schedule"));
}
