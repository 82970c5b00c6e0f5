// Frab/Pentabarf schedule.xml → SourceSchedule (pugixml; no DTD, no entities beyond XML's own).
#include <pugixml.hpp>

#include "formats/schedule.h"
#include "formats/util.h"

namespace kenes::formats {

namespace {

std::string text(const pugi::xml_node& node, const char* child) {
    return trim(node.child(child).text().as_string());
}

// The wall-clock start of one <event>: the date comes from <date> when it is present (the file's
// day grouping can be wrong), otherwise from the day, moved to the next day when the start lies
// before day_change (a session past midnight listed under the previous day).
std::optional<storage::LocalDateTime> eventStart(const pugi::xml_node& ev, const std::string& dayDate,
                                                 std::pair<int, int> dayChange) {
    auto clock = parseClock(text(ev, "start"));
    std::string date = text(ev, "date");
    if (date.size() >= 10) {
        auto d = storage::parseLocalDateTime(date.substr(0, 10));
        if (d && clock) return storage::LocalDateTime{d->year, d->month, d->day, clock->first, clock->second};
        if (d && date.size() >= 16) return storage::parseLocalDateTime(date.substr(0, 16));
    }
    auto d = storage::parseLocalDateTime(dayDate);
    if (!d || !clock) return std::nullopt;
    storage::LocalDateTime lt{d->year, d->month, d->day, clock->first, clock->second};
    if (std::make_pair(clock->first, clock->second) < dayChange)
        lt = storage::civilFromSeconds(storage::secondsFromCivil(lt) + 86400);
    return lt;
}

}  // namespace

SourceSchedule parseFrabXml(std::string_view data, const std::string& zone) {
    requireValidUtf8(data);
    if (data.find("<!DOCTYPE") != std::string_view::npos || data.find("<!ENTITY") != std::string_view::npos)
        throw FormatError(
            "the XML file declares a DOCTYPE or entities; schedules never need them and such files "
            "are refused (they can pull in outside files or expand without bound)");
    pugi::xml_document doc;
    auto result = doc.load_buffer(data.data(), data.size(), pugi::parse_default & ~pugi::parse_doctype,
                                  pugi::encoding_utf8);
    if (!result)
        throw FormatError(std::string("the XML file is malformed at offset ") +
                          std::to_string(result.offset) + ": " + result.description());
    auto root = doc.child("schedule");
    if (!root)
        throw FormatError("the XML file has no <schedule> element; it is not a Frab/Pentabarf schedule");

    SourceSchedule s;
    s.format = "frab";
    auto conf = root.child("conference");
    s.title = text(conf, "title");
    s.subtitle = text(conf, "subtitle");
    s.acronym = text(conf, "acronym");
    s.venue = text(conf, "venue");
    s.city = text(conf, "city");
    s.url = text(conf, "base_url");
    s.timezone = !zone.empty() ? zone : text(conf, "time_zone_name");
    auto dayChange = parseClock(text(conf, "day_change")).value_or(std::make_pair(0, 0));

    for (auto day : root.children("day")) {
        std::string dayDate = day.attribute("date").as_string();
        s.days.push_back(dayDate);
        for (auto room : day.children("room")) {
            std::string roomName = trim(room.attribute("name").as_string());
            addRoom(s, roomName);
            for (auto ev : room.children("event")) {
                SourceSession ss;
                ss.sourceId = trim(ev.attribute("id").as_string());
                ss.guid = trim(ev.attribute("guid").as_string());
                if (ss.guid.empty()) ss.guid = text(ev, "guid");
                ss.title = text(ev, "title");
                std::string label = ss.title.empty() ? "event " + ss.sourceId : "'" + ss.title + "'";
                auto start = eventStart(ev, dayDate, dayChange);
                if (!start) {
                    s.skipped.push_back(label + ": no usable start time");
                    continue;
                }
                auto duration = parseDuration(text(ev, "duration"));
                if (!duration) {
                    s.skipped.push_back(label + ": unreadable duration '" + text(ev, "duration") + "'");
                    continue;
                }
                ss.start = *start;
                ss.durationSeconds = *duration;
                ss.room = text(ev, "room");
                if (ss.room.empty()) ss.room = roomName;
                ss.subtitle = text(ev, "subtitle");
                ss.abstract = text(ev, "abstract");
                ss.description = text(ev, "description");
                ss.track = text(ev, "track");
                ss.type = text(ev, "type");
                ss.language = text(ev, "language");
                ss.url = text(ev, "url");
                for (auto p : ev.child("persons").children("person")) {
                    SourcePerson person{trim(p.attribute("id").as_string()), trim(p.text().as_string()), {}};
                    if (!person.name.empty()) ss.persons.push_back(std::move(person));
                }
                for (auto l : ev.child("links").children("link")) {
                    SourceLink link{trim(l.text().as_string()), trim(l.attribute("href").as_string())};
                    if (!link.url.empty()) ss.links.push_back(std::move(link));
                }
                if (ss.title.empty()) {
                    s.skipped.push_back(label + ": no title");
                    continue;
                }
                s.sessions.push_back(std::move(ss));
            }
        }
    }
    return s;
}

}  // namespace kenes::formats
