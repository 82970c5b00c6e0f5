// c3voc schedule JSON (schedule.conference.days[].rooms{name: [events]}) → SourceSchedule.
#include "formats/schedule.h"
#include "formats/util.h"

namespace kenes::formats {

namespace {

std::string str(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (it->is_string()) return trim(it->get<std::string>());
    if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
    return {};
}

}  // namespace

SourceSchedule parseC3vocJson(std::string_view data, const std::string& zone) {
    requireValidUtf8(data);
    Json root = parseJsonBounded(data, "the JSON file");
    if (!root.is_object() || !root.contains("schedule") || !root["schedule"].is_object() ||
        !root["schedule"].contains("conference") || !root["schedule"]["conference"].is_object())
        throw FormatError("the JSON file has no schedule.conference object; it is not a c3voc schedule");
    const Json& conf = root["schedule"]["conference"];
    SourceSchedule s;
    s.format = "c3voc";
    s.title = str(conf, "title");
    s.acronym = str(conf, "acronym");
    s.url = str(root["schedule"], "base_url");
    s.timezone = !zone.empty() ? zone : str(conf, "time_zone_name");
    auto days = conf.find("days");
    if (days == conf.end() || !days->is_array())
        throw FormatError("schedule.conference.days is missing or not a list");
    for (const auto& day : *days) {
        if (!day.is_object()) continue;
        s.days.push_back(str(day, "date"));
        auto rooms = day.find("rooms");
        if (rooms == day.end() || !rooms->is_object()) continue;
        for (const auto& [roomName, events] : rooms->items()) {
            addRoom(s, roomName);
            if (!events.is_array()) continue;
            for (const auto& ev : events) {
                if (!ev.is_object()) continue;
                SourceSession ss;
                ss.guid = str(ev, "guid");
                ss.sourceId = str(ev, "id");
                ss.title = str(ev, "title");
                std::string label = ss.title.empty() ? "event " + ss.sourceId : "'" + ss.title + "'";
                // `start` is wall time in the conference zone; `date` gives the day (its offset may
                // be another zone's, so only its date part is trusted).
                std::string date = str(ev, "date");
                auto d = date.size() >= 10 ? storage::parseLocalDateTime(date.substr(0, 10)) : std::nullopt;
                if (!d) d = storage::parseLocalDateTime(str(day, "date"));
                auto clock = parseClock(str(ev, "start"));
                if (!clock && date.size() >= 16) clock = parseClock(date.substr(11, 5));
                auto duration = parseDuration(str(ev, "duration"));
                if (!d || !clock) {
                    s.skipped.push_back(label + ": no usable start time");
                    continue;
                }
                if (!duration) {
                    s.skipped.push_back(label + ": unreadable duration '" + str(ev, "duration") + "'");
                    continue;
                }
                if (ss.title.empty()) {
                    s.skipped.push_back(label + ": no title");
                    continue;
                }
                ss.start = {d->year, d->month, d->day, clock->first, clock->second};
                ss.durationSeconds = *duration;
                ss.room = str(ev, "room");
                if (ss.room.empty()) ss.room = roomName;
                ss.subtitle = str(ev, "subtitle");
                ss.abstract = str(ev, "abstract");
                ss.description = str(ev, "description");
                ss.track = str(ev, "track");
                ss.type = str(ev, "type");
                ss.language = str(ev, "language");
                ss.url = str(ev, "url");
                if (ev.contains("persons") && ev["persons"].is_array()) {
                    for (const auto& p : ev["persons"]) {
                        SourcePerson person;
                        if (p.is_string()) {
                            person.name = trim(p.get<std::string>());
                        } else if (p.is_object()) {
                            person.key = str(p, "guid");
                            if (person.key.empty()) person.key = str(p, "code");
                            if (person.key.empty()) person.key = str(p, "id");
                            person.name = str(p, "public_name");
                            if (person.name.empty()) person.name = str(p, "name");
                            person.bio = str(p, "biography");
                        }
                        if (!person.name.empty()) ss.persons.push_back(std::move(person));
                    }
                }
                if (ev.contains("links") && ev["links"].is_array()) {
                    for (const auto& l : ev["links"]) {
                        SourceLink link{str(l, "title"), str(l, "url")};
                        if (!link.url.empty()) ss.links.push_back(std::move(link));
                    }
                }
                s.sessions.push_back(std::move(ss));
            }
        }
    }
    return s;
}

}  // namespace kenes::formats
