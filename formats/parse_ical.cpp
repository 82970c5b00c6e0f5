// iCalendar (RFC 5545) → SourceSchedule via libical: VEVENTs with TZID (VTIMEZONE or IANA name),
// UTC or floating times, folded lines, escaped text, CRLF or LF line endings.
#include <libical/ical.h>

#include <algorithm>
#include <memory>

#include "formats/schedule.h"
#include "formats/util.h"

namespace kenes::formats {

namespace {

struct ComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

std::string cstr(const char* s) {
    return s ? trim(s) : std::string();
}

std::string xProperty(icalcomponent* cal, const char* name) {
    for (auto* p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY)) {
        const char* x = icalproperty_get_x_name(p);
        if (x && std::string_view(x) == name) return cstr(icalproperty_get_x(p));
    }
    return {};
}

std::string tzidOf(icalproperty* p) {
    if (!p) return {};
    auto* param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    return param ? cstr(icalparameter_get_tzid(param)) : std::string();
}

// The instant of a DATE-TIME property; nullopt for floating times (caller places them in the
// event's zone) or when the zone cannot be resolved.
std::optional<int64_t> instantOf(icaltimetype t, icalproperty* prop, bool& floating) {
    floating = false;
    if (icaltime_is_utc(t)) return static_cast<int64_t>(icaltime_as_timet(t));
    if (t.zone) return static_cast<int64_t>(icaltime_as_timet_with_zone(t, t.zone));
    std::string tzid = tzidOf(prop);
    if (!tzid.empty()) {
        try {
            auto zone = storage::TimeZone::load(tzid);
            return zone->toUtc({t.year, t.month, t.day, t.hour, t.minute, t.second});
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    floating = true;
    return std::nullopt;
}

}  // namespace

SourceSchedule parseICalendar(std::string_view data, const std::string& zoneOverride) {
    requireValidUtf8(data);
    size_t lineStart = 0;
    for (size_t i = 0; i <= data.size(); ++i) {
        if (i == data.size() || data[i] == '\n') {
            if (i - lineStart > kMaxIcsLineBytes)
                throw FormatError("the calendar file has a line of " + std::to_string(i - lineStart) +
                                  " bytes (at offset " + std::to_string(lineStart) + "); lines longer than " +
                                  std::to_string(kMaxIcsLineBytes) + " bytes are refused");
            lineStart = i + 1;
        }
    }
    std::string text(data);
    std::unique_ptr<icalcomponent, ComponentDeleter> cal(icalparser_parse_string(text.c_str()));
    if (!cal) throw FormatError("the calendar file could not be parsed as iCalendar");
    icalcomponent* vcal = cal.get();
    if (icalcomponent_isa(vcal) != ICAL_VCALENDAR_COMPONENT) {
        vcal = icalcomponent_get_first_component(cal.get(), ICAL_VCALENDAR_COMPONENT);
        if (!vcal) throw FormatError("the calendar file has no VCALENDAR");
    }

    SourceSchedule s;
    s.format = "ical";
    s.title = xProperty(vcal, "X-WR-CALNAME");
    s.subtitle = xProperty(vcal, "X-WR-CALDESC");
    if (s.subtitle == s.title) s.subtitle.clear();
    s.timezone = zoneOverride;
    if (s.timezone.empty()) s.timezone = xProperty(vcal, "X-WR-TIMEZONE");
    if (s.timezone.empty()) {
        for (auto* tz = icalcomponent_get_first_component(vcal, ICAL_VTIMEZONE_COMPONENT); tz;
             tz = icalcomponent_get_next_component(vcal, ICAL_VTIMEZONE_COMPONENT)) {
            auto* p = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
            std::string id = p ? cstr(icalproperty_get_tzid(p)) : std::string();
            try {
                storage::TimeZone::load(id);
                s.timezone = id;
                break;
            } catch (const std::exception&) {
            }
        }
    }
    if (s.timezone.empty()) s.timezone = "UTC";
    auto zone = storage::TimeZone::load(s.timezone);

    for (auto* ev = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(vcal, ICAL_VEVENT_COMPONENT)) {
        SourceSession ss;
        ss.guid = cstr(icalcomponent_get_uid(ev));
        ss.title = cstr(icalcomponent_get_summary(ev));
        std::string label = ss.title.empty() ? "entry " + ss.guid : "'" + ss.title + "'";
        auto* startProp = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        if (!startProp) {
            s.skipped.push_back(label + ": no DTSTART");
            continue;
        }
        icaltimetype start = icalcomponent_get_dtstart(ev);
        if (icaltime_is_null_time(start) || !icaltime_is_valid_time(start)) {
            s.skipped.push_back(label + ": unreadable DTSTART");
            continue;
        }
        if (icaltime_is_date(start)) {
            s.skipped.push_back(label + ": an all-day entry, not a session");
            continue;
        }
        bool floating = false;
        auto startUtc = instantOf(start, startProp, floating);
        int64_t startInstant;
        if (startUtc) {
            startInstant = *startUtc;
        } else if (floating) {
            startInstant =
                zone->toUtc({start.year, start.month, start.day, start.hour, start.minute, start.second});
        } else {
            s.skipped.push_back(label + ": unknown time zone '" + tzidOf(startProp) + "'");
            continue;
        }
        int64_t endInstant = startInstant;
        if (auto* endProp = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY)) {
            icaltimetype end = icalcomponent_get_dtend(ev);
            bool endFloating = false;
            auto e = instantOf(end, endProp, endFloating);
            if (e)
                endInstant = *e;
            else if (endFloating)
                endInstant = zone->toUtc({end.year, end.month, end.day, end.hour, end.minute, end.second});
        } else if (icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY)) {
            endInstant = startInstant + icaldurationtype_as_int(icalcomponent_get_duration(ev));
        }
        if (endInstant < startInstant) {
            s.skipped.push_back(label + ": ends before it starts");
            continue;
        }
        if (ss.title.empty()) {
            s.skipped.push_back(label + ": no SUMMARY");
            continue;
        }
        ss.start = zone->toLocal(startInstant);
        ss.durationSeconds = endInstant - startInstant;
        ss.room = cstr(icalcomponent_get_location(ev));
        ss.description = cstr(icalcomponent_get_description(ev));
        if (auto* p = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY))
            ss.url = cstr(icalproperty_get_url(p));
        if (auto* p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY))
            ss.track = cstr(icalproperty_get_categories(p));
        ss.cancelled = icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
        for (auto* p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
            auto* cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
            std::string name = cn ? cstr(icalparameter_get_cn(cn)) : std::string();
            if (!name.empty()) ss.persons.push_back({{}, name, {}});
        }
        addRoom(s, ss.room);
        auto day = storage::formatLocalDate(ss.start);
        bool known = false;
        for (const auto& d : s.days) known = known || d == day;
        if (!known) s.days.push_back(day);
        s.sessions.push_back(std::move(ss));
    }
    std::sort(s.days.begin(), s.days.end());
    return s;
}

}  // namespace kenes::formats
