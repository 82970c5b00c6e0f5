// Agenda queries: sessions placed in the event's IANA zone, days, a session past midnight,
// now/next at boundaries, speakers, linked standards, notes, tasks and stars.
#include <catch2/catch.hpp>

#include <cstdio>

#include "model_test_util.h"
#include "storage/model_text.h"
#include "storage/projection_records.h"

using namespace kenes;
using storage::Json;
using test::utc;

namespace {

Json session(const std::string& id, const std::string& event, const std::string& start,
             const std::string& end, const std::string& title, Json extra = Json::object()) {
    Json doc{{"_id", id},      {"type", "session"}, {"event", event},
             {"start", start}, {"end", end},        {"title", {{"en", title}, {"ru", title + " (ru)"}}},
             {"kind", "talk"}};
    for (auto& [k, v] : extra.items()) doc[k] = v;
    return doc;
}

void seed(test::ModelFixture& f) {
    auto events = f.db("events");
    events->put(Json{{"_id", "event:almaty"},
                     {"type", "event"},
                     {"title", {{"en", "Almaty training"}, {"ru", "Семинар в Алматы"}}},
                     {"city", {{"ru", "Алматы"}}},
                     {"timezone", "Asia/Almaty"},
                     {"start_date", "2019-07-25"},
                     {"end_date", "2019-07-27"},
                     {"languages", {"ru", "en"}}});
    events->put(Json{{"_id", "event:moscow"},
                     {"type", "event"},
                     {"title", {{"en", "Moscow symposium"}}},
                     {"timezone", "Europe/Moscow"},
                     {"start_date", "2023-08-22"},
                     {"end_date", "2023-08-24"}});
    events->put(Json{{"_id", "speaker:anna"},
                     {"type", "speaker"},
                     {"name", {{"en", "Anna Petrova"}, {"ru", "Анна Петрова"}}},
                     {"country", "KZ"}});
    events->put(session("session:a", "event:almaty", "2019-07-25T09:00", "2019-07-25T10:30", "Opening",
                        {{"speakers", {"speaker:anna", "speaker:ghost"}}, {"standards", {"std:C087#art2"}}}));
    events->put(session("session:b", "event:almaty", "2019-07-25T10:30", "2019-07-25T12:00", "Supervision",
                        {{"standards", {"std:C087"}}}));
    events->put(session("session:c", "event:almaty", "2019-07-25T12:00", "2019-07-25T13:00",
                        "Cancelled lunch talk", {{"cancelled", true}}));
    events->put(
        session("session:night", "event:almaty", "2019-07-25T23:30", "2019-07-26T00:30", "Night film"));
    events->put(session("session:d", "event:almaty", "2019-07-26T09:00", "2019-07-26T10:00", "Day two",
                        {{"speakers", {"speaker:anna"}}, {"standards", {"std:C098#art4"}}}));
    events->put(
        session("session:m1", "event:moscow", "2023-08-22T10:00", "2023-08-22T11:30", "Union education"));
}

std::vector<std::string> ids(const std::vector<storage::SessionInfo>& sessions) {
    std::vector<std::string> out;
    for (auto& s : sessions) out.push_back(s.id);
    return out;
}

}  // namespace

TEST_CASE("sessions are placed with the event's zone: Asia/Almaty and Europe/Moscow", "[model][agenda]") {
    test::ModelFixture f;
    seed(f);
    auto a = f.model.session("session:a", "ru");
    REQUIRE(a);
    CHECK(a->title == "Opening (ru)");
    CHECK(a->start == "2019-07-25T09:00");
    CHECK(a->startUtc == utc("2019-07-25T03:00:00Z"));  // Almaty was UTC+6 in 2019
    CHECK(a->endUtc == utc("2019-07-25T04:30:00Z"));
    auto m = f.model.session("session:m1", "en");
    REQUIRE(m);
    CHECK(m->startUtc == utc("2023-08-22T07:00:00Z"));  // Moscow UTC+3
    // Speakers in order; an unknown speaker keeps its id with no name.
    REQUIRE(a->speakers.size() == 2);
    CHECK(a->speakers[0].name == "Анна Петрова");
    CHECK(a->speakers[1].id == "speaker:ghost");
    CHECK(a->speakers[1].name.empty());
    CHECK(a->standards == std::vector<std::string>{"std:C087#art2"});
    auto event = f.model.event("event:almaty", "ru");
    REQUIRE(event);
    CHECK(event->title == "Семинар в Алматы");
    CHECK(event->city == "Алматы");
    CHECK(f.model.event("event:almaty", "en")->city == "Алматы");  // falls back to the other language
    CHECK(f.model.events("en").size() == 2);
    CHECK(f.model.events("en").front().id == "event:moscow");  // newest first
}

TEST_CASE("a session past midnight belongs to the day it starts", "[model][agenda]") {
    test::ModelFixture f;
    seed(f);
    CHECK(f.model.eventDays("event:almaty") ==
          std::vector<std::string>{"2019-07-25", "2019-07-26", "2019-07-27"});
    auto day1 = f.model.sessionsOnDay("event:almaty", "2019-07-25", "en");
    CHECK(ids(day1) == std::vector<std::string>{"session:a", "session:b", "session:c", "session:night"});
    auto night = day1.back();
    CHECK(night.end == "2019-07-26T00:30");
    CHECK(night.endUtc - night.startUtc == 3600);
    CHECK(night.startUtc == utc("2019-07-25T17:30:00Z"));
    CHECK(ids(f.model.sessionsOnDay("event:almaty", "2019-07-26", "en")) ==
          std::vector<std::string>{"session:d"});
    CHECK(f.model.sessionsOnDay("event:almaty", "2019-07-27", "en").empty());
    auto agenda = f.model.agenda("event:almaty", "en");
    REQUIRE(agenda.size() == 2);
    CHECK(agenda[0].date == "2019-07-25");
    CHECK(agenda[0].sessions.size() == 4);
    CHECK(day1[2].cancelled);
    // The local date of an instant, for picking the day tab: 19:00Z on the 25th is the 26th in Almaty.
    CHECK(f.model.localDate("event:almaty", utc("2019-07-25T19:00:00Z")) == "2019-07-26");
}

TEST_CASE("now and next at the boundaries", "[model][agenda]") {
    test::ModelFixture f;
    seed(f);
    auto at = [&](const char* instant) { return f.model.nowNext("event:almaty", utc(instant), "en"); };
    // Long before: nothing running, the first session is next.
    auto before = at("2019-07-20T00:00:00Z");
    CHECK(before.now.empty());
    REQUIRE(before.next);
    CHECK(before.next->id == "session:a");
    // At the very start of A (09:00 local = 03:00Z): A is running, B is next.
    auto startA = at("2019-07-25T03:00:00Z");
    CHECK(ids(startA.now) == std::vector<std::string>{"session:a"});
    CHECK(startA.next->id == "session:b");
    // One second before A ends: still A.
    CHECK(ids(at("2019-07-25T04:29:59Z").now) == std::vector<std::string>{"session:a"});
    // At 10:30 local A has ended and B has begun (end is exclusive).
    auto handover = at("2019-07-25T04:30:00Z");
    CHECK(ids(handover.now) == std::vector<std::string>{"session:b"});
    // The cancelled lunch talk is never next: after B comes the night film.
    REQUIRE(handover.next);
    CHECK(handover.next->id == "session:night");
    // Past midnight local (00:10 on the 26th = 18:10Z on the 25th): the night film is still on.
    auto night = at("2019-07-25T18:10:00Z");
    CHECK(ids(night.now) == std::vector<std::string>{"session:night"});
    CHECK(night.next->id == "session:d");
    // After everything: nothing.
    auto after = at("2019-08-01T00:00:00Z");
    CHECK(after.now.empty());
    CHECK_FALSE(after.next);
}

TEST_CASE("speakers, linked standards, notes, tasks and stars", "[model][agenda]") {
    test::ModelFixture f;
    seed(f);
    CHECK(ids(f.model.sessionsOfSpeaker("speaker:anna", "en")) ==
          std::vector<std::string>{"session:a", "session:d"});
    // Linking the whole standard or a given article.
    CHECK(ids(f.model.sessionsLinking("std:C087", "", "en")) ==
          std::vector<std::string>{"session:a", "session:b"});
    CHECK(ids(f.model.sessionsLinking("std:C087", "art2", "en")) ==
          std::vector<std::string>{"session:a", "session:b"});
    CHECK(ids(f.model.sessionsLinking("std:C087", "art9", "en")) == std::vector<std::string>{"session:b"});
    CHECK(ids(f.model.sessionsLinking("std:C098", "art4", "en")) == std::vector<std::string>{"session:d"});

    const std::string userDb = storage::userDatabaseName("anna");
    auto user = f.db(userDb);
    user->put(Json{{"_id", "note:1"},
                   {"type", "note"},
                   {"title", "Old"},
                   {"body", "b"},
                   {"session", "session:a"},
                   {"updated", "2019-07-25T04:00:00Z"},
                   {"tags", {"cfa"}},
                   {"standards", {"std:C087#art2"}}});
    user->put(Json{{"_id", "note:2"},
                   {"type", "note"},
                   {"title", "New"},
                   {"body", "b"},
                   {"session", "session:a"},
                   {"updated", "2019-07-25T05:00:00Z"}});
    user->put(Json{{"_id", "note:3"},
                   {"type", "note"},
                   {"title", "Elsewhere"},
                   {"body", "b"},
                   {"updated", "2019-07-26T05:00:00Z"}});
    f.db(storage::userDatabaseName("boris"))
        ->put(Json{{"_id", "note:b"},
                   {"type", "note"},
                   {"title", "Boris's"},
                   {"body", "b"},
                   {"session", "session:a"}});
    auto notes = f.model.notesOfSession(userDb, "session:a");
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].title == "New");
    CHECK(notes[1].title == "Old");
    CHECK(f.model.notes(userDb).size() == 3);
    CHECK(f.model.notes(userDb).front().id == "note:3");
    storage::NoteFilter byTag;
    byTag.tag = "cfa";
    CHECK(f.model.notes(userDb, byTag).size() == 1);
    storage::NoteFilter byStandard;
    byStandard.standard = "std:C087";
    CHECK(f.model.notes(userDb, byStandard).size() == 1);

    user->put(Json{{"_id", "task:1"}, {"type", "task"}, {"title", "Report on C087"}, {"due", "2019-09-01"}});
    user->put(Json{{"_id", "task:2"},
                   {"type", "task"},
                   {"title", "Meet the ministry"},
                   {"due", "2019-08-15"},
                   {"done", true}});
    user->put(Json{{"_id", "task:3"}, {"type", "task"}, {"title", "Someday"}});
    auto tasks = f.model.tasks(userDb);
    REQUIRE(tasks.size() == 3);
    CHECK(tasks[0].id == "task:2");
    CHECK(tasks[1].id == "task:1");
    CHECK(tasks[2].id == "task:3");
    CHECK(f.model.tasks(userDb, false).size() == 2);

    storage::starSession(*user, "session:b", "event:almaty");
    storage::starSession(*user, "session:b", "event:almaty");  // twice: still one star
    CHECK(f.model.stars(userDb).size() == 1);
    CHECK(f.model.isStarred(userDb, "session:b"));
    auto day = f.model.sessionsOnDay("event:almaty", "2019-07-25", "en", userDb);
    CHECK_FALSE(day[0].starred);
    CHECK(day[1].starred);
    storage::unstarSession(*user, "session:b");
    storage::unstarSession(*user, "session:b");
    CHECK_FALSE(f.model.isStarred(userDb, "session:b"));
    CHECK(f.model.stars(userDb).empty());
}

TEST_CASE("the whole agenda's speakers, links and stars match the per-day look-ups", "[model][agenda]") {
    test::ModelFixture f;
    seed(f);
    auto events = f.db("events");
    // More sessions than the per-session star look-up handles, with speakers (one unknown), links and stars.
    for (int i = 0; i < 80; ++i) {
        char start[32], end[32];
        std::snprintf(start, sizeof start, "2019-07-27T%02d:%02d", 8 + i / 12, (i % 12) * 5);
        std::snprintf(end, sizeof end, "2019-07-27T%02d:%02d", 8 + i / 12, (i % 12) * 5 + 4);
        Json extra = Json::object();
        if (i % 3 == 0) extra["speakers"] = {"speaker:anna", "speaker:ghost"};
        if (i % 3 == 1) extra["speakers"] = {"speaker:ghost", "speaker:anna"};
        if (i % 4 == 0) extra["standards"] = {"std:C087#art" + std::to_string(i), "std:C098"};
        events->put(session("session:bulk" + std::to_string(i), "event:almaty", start, end,
                            "Bulk " + std::to_string(i), extra));
    }
    const std::string userDb = storage::userDatabaseName("anna");
    auto user = f.db(userDb);
    for (const char* id : {"session:a", "session:bulk5", "session:bulk42", "session:m1"})
        storage::starSession(*user, id, "event:almaty");

    for (const char* lang : {"en", "ru"}) {
        for (const std::string& who : {userDb, std::string()}) {
            auto days = f.model.agenda("event:almaty", lang, who);
            REQUIRE(days.size() == 3);
            for (auto& day : days) {
                auto expected = f.model.sessionsOnDay("event:almaty", day.date, lang, who);
                REQUIRE(ids(day.sessions) == ids(expected));
                for (size_t i = 0; i < expected.size(); ++i) {
                    const auto& got = day.sessions[i];
                    const auto& want = expected[i];
                    CHECK(got.standards == want.standards);
                    CHECK(got.starred == want.starred);
                    // The one-session look-ups (speakers and links per session, one star look-up) agree.
                    auto single = f.model.session(want.id, lang, who);
                    REQUIRE(single);
                    CHECK(single->title == want.title);
                    CHECK(single->standards == want.standards);
                    CHECK(single->starred == want.starred);
                    CHECK(want.starred == (!who.empty() && f.model.isStarred(who, want.id)));
                    REQUIRE(single->speakers.size() == want.speakers.size());
                    for (size_t k = 0; k < want.speakers.size(); ++k)
                        CHECK(single->speakers[k].organisation == want.speakers[k].organisation);
                    REQUIRE(got.speakers.size() == want.speakers.size());
                    for (size_t k = 0; k < want.speakers.size(); ++k) {
                        CHECK(got.speakers[k].id == want.speakers[k].id);
                        CHECK(got.speakers[k].name == want.speakers[k].name);
                    }
                }
            }
            auto bulk = days[2].sessions;
            REQUIRE(bulk.size() == 80);
            CHECK(bulk[5].starred == !who.empty());
            CHECK_FALSE(bulk[6].starred);
            REQUIRE(bulk[1].speakers.size() == 2);
            CHECK(bulk[1].speakers[0].id == "speaker:ghost");
            CHECK(bulk[1].speakers[1].id == "speaker:anna");
            CHECK(bulk[4].standards == std::vector<std::string>{"std:C087#art4", "std:C098"});
        }
    }
}

TEST_CASE("stored text resolves like the JSON parser does", "[model][agenda]") {
    const std::string cases[] = {
        "",
        "\"plain\"",
        "  \"plain with spaces\"  ",
        R"({"en":"Freedom","ru":"Свобода"})",
        R"({"ru":"Свобода","en":"Freedom"})",
        R"({"en":"","ru":"Свобода"})",
        R"({"en":"Freedom","ru":""})",
        R"({"kk":"Бостандық","ky":"Эркиндик"})",
        R"({"ky":"Эркиндик","kk":"Бостандық","en":""})",
        R"({"uz":"","kk":""})",
        R"({})",
        R"( { "en" : "spaced" , "ru" : "с пробелами" } )",
        R"({"en":"escaped \"quote\"","ru":"x"})",
        R"({"en":"\u00e9t\u00e9","ru":"x"})",
        R"({"ru":"дважды","ru":"второй"})",
        R"({"en":1,"ru":"число рядом"})",
        R"({"en":{"nested":"x"},"ru":"y"})",
        R"(["en","ru"])",
        "42",
        "null",
        R"({"en":"unterminated)",
        R"({"en":"trailing"} x)",
        R"({"en":"comma",})",
        "{\"en\":\"tab\there\"}",
        "{\"en\":\"bad \xC3\x28 utf8\"}",
        "{\"en\":\"overlong \xC0\xAF\"}",
        "{\"en\":\"emoji \xF0\x9F\x98\x80 ok\",\"ru\":\"\xE2\x80\x94 тире\"}",
        "{\"en\":\"cut \xE2\x80\"}",
        "not json",
    };
    for (const auto& text : cases)
        for (const char* lang : {"en", "ru", "kk", ""}) {
            INFO(text << " / " << lang);
            CHECK(storage::resolveStoredText(text, lang) == storage::resolveText(text, lang));
        }
}
