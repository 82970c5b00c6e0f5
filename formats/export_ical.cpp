// iCalendar export (RFC 5545) of an event or of the user's starred sessions.
#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

#include "formats/export.h"
#include "formats/export_support.h"

namespace kenes::formats {

namespace detail {

std::string eventIdOf(const std::string& idOrKey) {
    return idOrKey.rfind("event:", 0) == 0 ? idOrKey : "event:" + idOrKey;
}

std::vector<Json> loadPrefix(storage::Store& store, const std::string& db, const std::string& prefix) {
    std::vector<Json> out;
    if (!store.hasDatabase(db)) return out;
    storage::AllDocsOptions o;
    o.startKey = prefix;
    o.endKey = prefix + "\xEF\xBF\xBF";
    o.includeDocs = true;
    for (auto& row : store.database(db)->allDocs(o).rows)
        if (row.doc) out.push_back(std::move(*row.doc));
    return out;
}

Json loadEvent(storage::Store& store, const std::string& eventId) {
    if (store.hasDatabase("events")) {
        try {
            return store.database("events")->get(eventId);
        } catch (const storage::StoreError& e) {
            if (e.status() != 404) throw;
        }
    }
    throw FormatError("there is no event '" + eventId + "' in the local store");
}

std::vector<Json> loadSessions(storage::Store& store, const std::string& eventId) {
    std::string key = eventId.substr(6);
    auto sessions = loadPrefix(store, "events", "session:" + key + ":");
    sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                  [&](const Json& s) {
                                      return s.value("type", "") != "session" ||
                                             s.value("event", "") != eventId || !s.contains("start") ||
                                             !s["start"].is_string();
                                  }),
                   sessions.end());
    std::sort(sessions.begin(), sessions.end(), [](const Json& a, const Json& b) {
        auto ka =
            std::make_tuple(a.value("start", ""), pick(a.value("room", Json()), "en"), a.value("_id", ""));
        auto kb =
            std::make_tuple(b.value("start", ""), pick(b.value("room", Json()), "en"), b.value("_id", ""));
        return ka < kb;
    });
    return sessions;
}

std::string pick(const Json& text, const std::string& lang) {
    if (text.is_string()) return text.get<std::string>();
    if (!text.is_object() || text.empty()) return {};
    auto str = [&](const std::string& k) -> std::string {
        auto it = text.find(k);
        return it != text.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (auto s = str(lang); !s.empty()) return s;
    if (auto s = str(lang == "ru" ? "en" : "ru"); !s.empty()) return s;
    for (const auto& [k, v] : text.items())
        if (v.is_string()) return v.get<std::string>();
    return {};
}

}  // namespace detail

using namespace detail;

std::string icalEscape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string icalFold(const std::string& line) {
    std::string out;
    size_t pos = 0, limit = 75;
    while (line.size() - pos > limit) {
        size_t cut = pos + limit;
        while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
            --cut;  // not inside a sequence
        out.append(line, pos, cut - pos);
        out += "\r\n ";
        pos = cut;
        limit = 74;  // the leading space counts
    }
    out.append(line, pos, std::string::npos);
    out += "\r\n";
    return out;
}

namespace {

std::string basic(const storage::LocalDateTime& t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d", t.year, t.month, t.day, t.hour, t.minute,
                  t.second);
    return buf;
}

std::string offsetText(int seconds) {
    char buf[16];
    int a = seconds < 0 ? -seconds : seconds;
    std::snprintf(buf, sizeof buf, "%c%02d%02d", seconds < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
    return buf;
}

std::string vtimezone(const storage::TimeZone& zone, int64_t from, int64_t to) {
    std::string out;
    auto component = [&](bool dst, const storage::LocalDateTime& start, int before, int after,
                         const std::string& name) {
        const char* kind = dst ? "DAYLIGHT" : "STANDARD";
        out += icalFold(std::string("BEGIN:") + kind);
        out += icalFold("DTSTART:" + basic(start));
        out += icalFold("TZOFFSETFROM:" + offsetText(before));
        out += icalFold("TZOFFSETTO:" + offsetText(after));
        if (!name.empty()) out += icalFold("TZNAME:" + icalEscape(name));
        out += icalFold(std::string("END:") + kind);
    };
    out += icalFold("BEGIN:VTIMEZONE");
    out += icalFold("TZID:" + zone.name());
    auto transitions = zone.transitions(from, to);
    // The offset in force at the start of the span, then every change inside it.
    int initial = zone.offsetSeconds(from);
    bool initialDst = false;
    if (!transitions.empty()) initialDst = transitions.front().offsetBefore > transitions.front().offsetAfter;
    component(initialDst, storage::civilFromSeconds(from + initial), initial, initial,
              zone.abbreviation(from));
    for (const auto& t : transitions)
        component(t.dstAfter, storage::civilFromSeconds(t.at + t.offsetBefore), t.offsetBefore, t.offsetAfter,
                  t.abbrevAfter);
    out += icalFold("END:VTIMEZONE");
    return out;
}

}  // namespace

std::string exportICalendar(storage::Store& store, const IcsExportOptions& options) {
    std::string eventId = eventIdOf(options.eventId);
    Json event = loadEvent(store, eventId);
    std::string zoneName = event.value("timezone", "UTC");
    auto zone = storage::TimeZone::load(zoneName);
    auto sessions = loadSessions(store, eventId);
    if (options.starredOnly) {
        std::set<std::string> starred;
        for (const auto& star : loadPrefix(store, storage::userDatabaseName(options.userName), "star:"))
            if (star.value("type", "") == "star" && star.contains("session") && star["session"].is_string())
                starred.insert(star["session"].get<std::string>());
        sessions.erase(
            std::remove_if(sessions.begin(), sessions.end(),
                           [&](const Json& s) { return !starred.count(s["_id"].get<std::string>()); }),
            sessions.end());
    }
    std::map<std::string, std::string> speakerNames;
    for (const auto& sp : loadPrefix(store, "events", "speaker:"))
        speakerNames[sp["_id"]] = pick(sp.value("name", Json()), "en");

    std::string lang = "en";
    if (event.contains("languages") && event["languages"].is_array() && !event["languages"].empty() &&
        event["languages"][0].is_string())
        lang = event["languages"][0].get<std::string>();
    int64_t now = options.now ? options.now : static_cast<int64_t>(std::time(nullptr));
    std::string stamp = basic(storage::civilFromSeconds(now)) + "Z";

    struct Timed {
        const Json* doc;
        int64_t start, end;
    };
    std::vector<Timed> timed;
    int64_t first = 0, last = 0;
    for (const auto& s : sessions) {
        auto st = storage::parseLocalDateTime(s.value("start", ""));
        auto en = storage::parseLocalDateTime(s.value("end", s.value("start", "")));
        if (!st) continue;
        int64_t a = zone->toUtc(*st), b = en ? zone->toUtc(*en) : a;
        if (b < a) b = a;
        if (timed.empty() || a < first) first = a;
        if (timed.empty() || b > last) last = b;
        timed.push_back({&s, a, b});
    }

    std::string out;
    out += icalFold("BEGIN:VCALENDAR");
    out += icalFold("VERSION:2.0");
    out += icalFold("PRODID:-//Kenes//Kenes agenda export//EN");
    out += icalFold("CALSCALE:GREGORIAN");
    out += icalFold("METHOD:PUBLISH");
    out += icalFold("X-WR-CALNAME:" + icalEscape(pick(event.value("title", Json()), lang)));
    out += icalFold("X-WR-TIMEZONE:" + zoneName);
    if (!options.utc && !timed.empty()) out += vtimezone(*zone, first - 86400, last + 86400);
    auto when = [&](const char* prop, int64_t instant) {
        if (options.utc)
            return icalFold(std::string(prop) + ":" + basic(storage::civilFromSeconds(instant)) + "Z");
        return icalFold(std::string(prop) + ";TZID=" + zoneName + ":" + basic(zone->toLocal(instant)));
    };
    for (const auto& t : timed) {
        const Json& s = *t.doc;
        out += icalFold("BEGIN:VEVENT");
        out += icalFold("UID:" + icalEscape(s["_id"].get<std::string>()) + "@kenes");
        out += icalFold("DTSTAMP:" + stamp);
        out += when("DTSTART", t.start);
        out += when("DTEND", t.end);
        out += icalFold("SUMMARY:" + icalEscape(pick(s.value("title", Json()), lang)));
        if (auto room = pick(s.value("room", Json()), lang); !room.empty())
            out += icalFold("LOCATION:" + icalEscape(room));
        std::string description;
        if (s.contains("speakers") && s["speakers"].is_array()) {
            std::string names;
            for (const auto& id : s["speakers"])
                if (id.is_string() && speakerNames.count(id.get<std::string>()))
                    names += (names.empty() ? "" : ", ") + speakerNames[id.get<std::string>()];
            if (!names.empty()) description = names + "\n\n";
        }
        description += pick(s.value("abstract", Json()), lang);
        if (!description.empty()) out += icalFold("DESCRIPTION:" + icalEscape(description));
        if (auto track = pick(s.value("track", Json()), lang); !track.empty())
            out += icalFold("CATEGORIES:" + icalEscape(track));
        if (s.contains("url") && s["url"].is_string() && !s["url"].get<std::string>().empty())
            out += icalFold("URL:" + s["url"].get<std::string>());
        out += icalFold(s.value("cancelled", false) ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
        out += icalFold("END:VEVENT");
    }
    out += icalFold("END:VCALENDAR");
    return out;
}

}  // namespace kenes::formats
