// Schedule → event/session/speaker documents, bundles, and the change-only write into the store.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "formats/schedule.h"
#include "formats/util.h"

namespace kenes::formats {

namespace {

Json langText(const std::string& text, const std::string& lang) {
    if (text.empty()) return nullptr;
    return Json{{lang, text}};
}

std::string sessionKind(const std::string& type) {
    std::string t = slugify(type);
    if (t.find("workshop") != std::string::npos) return "workshop";
    if (t.find("panel") != std::string::npos || t.find("podium") != std::string::npos) return "panel";
    if (t.find("keynote") != std::string::npos || t.find("plenary") != std::string::npos) return "plenary";
    if (t.find("break") != std::string::npos || t.find("lunch") != std::string::npos) return "break";
    if (t.empty() || t.find("talk") != std::string::npos || t.find("lecture") != std::string::npos ||
        t.find("lightning") != std::string::npos || t.find("presentation") != std::string::npos)
        return "talk";
    return "other";
}

std::string languageCode(const std::string& language) {
    std::string l = slugify(language);
    if (l.size() == 2) return l;
    if (l == "english") return "en";
    if (l == "russian") return "ru";
    if (l == "german" || l == "deutsch") return "de";
    if (l == "french") return "fr";
    return {};
}

std::string key(const std::string& raw) {
    std::string k = slugify(raw, 64);
    return k.empty() ? stableHash(raw) : k;
}

std::string withoutPrefix(const std::string& id, const std::string& prefix) {
    return id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : id;
}

}  // namespace

std::string ImportReport::summary() const {
    std::ostringstream out;
    auto line = [&](const char* what, const Counts& c) {
        out << what << ": " << c.created << " created, " << c.updated << " updated, " << c.unchanged
            << " unchanged, " << c.skipped << " skipped\n";
    };
    out << "Imported " << format;
    if (!eventId.empty()) out << " into " << eventId << " (" << days << " days, " << rooms << " rooms)";
    out << "\n";
    line("events", events);
    line("sessions", sessions);
    line("speakers", speakers);
    if (speakerLinks) out << "speaker appearances in sessions: " << speakerLinks << "\n";
    if (other.created + other.updated + other.unchanged + other.skipped) line("other documents", other);
    for (const auto& s : skipped) out << "skipped: " << s << "\n";
    return out.str();
}

std::vector<Json> scheduleToDocuments(const SourceSchedule& s, const ImportOptions& options,
                                      ImportReport& report) {
    std::string zoneName = !options.timezone.empty() ? options.timezone : s.timezone;
    if (zoneName.empty())
        throw FormatError(
            "the schedule names no time zone; give one with --timezone ZONE (e.g. Europe/Brussels)");
    auto zone = storage::TimeZone::load(zoneName);  // StoreError 400 for an unknown zone

    std::string eventKey = withoutPrefix(options.eventId, "event:");
    if (!options.eventId.empty() && slugify(eventKey, 200) != eventKey)
        throw FormatError("event id '" + options.eventId + "' may only use a-z, 0-9 and '-'");
    if (eventKey.empty()) {
        std::string base = !s.acronym.empty() ? s.acronym : s.title;
        eventKey = slugify(base);
        if (eventKey.empty()) eventKey = "import-" + stableHash(s.format + s.title + s.url).substr(0, 10);
    }
    const std::string eventId = "event:" + eventKey;
    const std::string lang = "en";
    report.format = s.format;
    report.eventId = eventId;
    report.days = s.days.size();
    report.rooms = s.rooms.size();
    report.skipped = s.skipped;
    report.sessions.skipped = s.skipped.size();

    std::vector<Json> docs;
    std::map<std::string, Json> speakers;
    std::set<std::string> sessionIds;
    std::string first, last;
    for (const auto& ss : s.sessions) {
        std::string sessionKey;
        if (!ss.guid.empty())
            sessionKey = key(ss.guid);
        else if (!ss.sourceId.empty())
            sessionKey = s.format + "-" + key(ss.sourceId);
        else
            sessionKey = stableHash(ss.title + "|" + ss.room + "|" + storage::formatLocalDateTime(ss.start));
        std::string id = "session:" + eventKey + ":" + sessionKey;
        if (!sessionIds.insert(id).second) {
            report.skipped.push_back("'" + ss.title + "': the same id as an earlier session (" + id + ")");
            ++report.sessions.skipped;
            continue;
        }
        auto end = storage::civilFromSeconds(storage::secondsFromCivil(ss.start) + ss.durationSeconds);
        std::string start = storage::formatLocalDateTime(ss.start);
        std::string endText = storage::formatLocalDateTime(end);
        if (first.empty() || start < first) first = start;
        if (last.empty() || endText > last) last = endText;
        Json speakerIds = Json::array();
        for (const auto& p : ss.persons) {
            std::string speakerId =
                "speaker:" + eventKey + "-" + (p.key.empty() ? key(p.name) : s.format + "-" + key(p.key));
            ++report.speakerLinks;
            if (std::find(speakerIds.begin(), speakerIds.end(), speakerId) == speakerIds.end())
                speakerIds.push_back(speakerId);
            if (!speakers.count(speakerId)) {
                Json sp{{"_id", speakerId}, {"type", "speaker"}, {"name", langText(p.name, lang)}};
                if (!p.bio.empty()) sp["bio"] = langText(p.bio, lang);
                speakers[speakerId] = std::move(sp);
            }
        }
        std::string abstract = ss.abstract;
        if (!ss.description.empty() && ss.description != abstract)
            abstract = abstract.empty() ? ss.description : abstract + "\n\n" + ss.description;
        std::string title = ss.title;
        if (!ss.subtitle.empty()) title += " — " + ss.subtitle;
        Json doc{{"_id", id},
                 {"type", "session"},
                 {"event", eventId},
                 {"start", start},
                 {"end", endText},
                 {"room", langText(ss.room, lang)},
                 {"title", langText(title, lang)},
                 {"abstract", langText(abstract, lang)},
                 {"kind", sessionKind(ss.type)},
                 {"speakers", speakerIds},
                 {"track", langText(ss.track, lang)},
                 {"standards", Json::array()},
                 {"cancelled", ss.cancelled},
                 {"url", ss.url.empty() ? Json(nullptr) : Json(ss.url)}};
        if (auto code = languageCode(ss.language); !code.empty()) doc["language"] = code;
        if (!ss.links.empty()) {
            Json links = Json::array();
            for (const auto& l : ss.links)
                links.push_back(
                    {{"title", langText(l.title.empty() ? l.url : l.title, lang)}, {"url", l.url}});
            doc["links"] = links;
        }
        Json source{{"format", s.format}};
        if (!ss.guid.empty()) source["guid"] = ss.guid;
        if (!ss.sourceId.empty()) source["id"] = ss.sourceId;
        doc["source"] = source;
        docs.push_back(std::move(doc));
    }
    std::string startDate =
        s.days.empty() ? first.substr(0, 10) : *std::min_element(s.days.begin(), s.days.end());
    std::string endDate =
        s.days.empty() ? last.substr(0, 10) : *std::max_element(s.days.begin(), s.days.end());
    Json event{{"_id", eventId},
               {"type", "event"},
               {"title", langText(s.title.empty() ? eventKey : s.title, lang)},
               {"summary", langText(s.subtitle, lang)},
               {"venue", langText(s.venue, lang)},
               {"city", langText(s.city, lang)},
               {"timezone", zone->name()},
               {"start_date", startDate},
               {"end_date", endDate},
               {"online_url", nullptr},
               {"languages", Json::array({lang})},
               {"links", s.url.empty() ? Json::array()
                                       : Json::array({{{"title", langText(s.url, lang)}, {"url", s.url}}})},
               {"source", {{"format", s.format}}}};
    docs.insert(docs.begin(), std::move(event));
    for (auto& [id, sp] : speakers) docs.push_back(std::move(sp));
    return docs;
}

namespace {

Counts* countsFor(ImportReport& r, const Json& doc) {
    std::string type = doc.value("type", "");
    if (type == "event") return &r.events;
    if (type == "session") return &r.sessions;
    if (type == "speaker") return &r.speakers;
    return &r.other;
}

// Writes `docs` (each with _id, without _rev) into `db`: unchanged documents are left alone,
// changed ones get a new revision on top of the current winner; one bulkDocs batch.
void writeChanged(storage::Database& db, std::vector<Json> docs, ImportReport& report) {
    if (docs.empty()) return;
    storage::AllDocsOptions opts;
    opts.includeDocs = true;
    std::vector<std::string> ids;
    for (const auto& d : docs) ids.push_back(d["_id"].get<std::string>());
    opts.keys = ids;
    auto current = db.allDocs(opts);
    std::map<std::string, const storage::AllDocsRow*> byId;
    for (const auto& row : current.rows) byId[row.id] = &row;
    std::vector<Json> batch;
    std::vector<Counts*> batchCounts;
    std::vector<bool> batchCreated;
    for (auto& d : docs) {
        Counts* c = countsFor(report, d);
        auto it = byId.find(d["_id"].get<std::string>());
        const storage::AllDocsRow* row = it == byId.end() ? nullptr : it->second;
        bool exists = row && row->error.empty() && !row->rev.empty();
        if (exists && !row->deleted && row->doc) {
            Json old = *row->doc;
            old.erase("_rev");
            old.erase("_conflicts");
            if (old == d) {
                ++c->unchanged;
                continue;
            }
        }
        if (exists) d["_rev"] = row->rev;
        batch.push_back(std::move(d));
        batchCounts.push_back(c);
        batchCreated.push_back(!exists || row->deleted);
    }
    if (batch.empty()) return;
    auto results = db.bulkDocs(batch, true);
    for (size_t i = 0; i < results.size() && i < batch.size(); ++i) {
        if (results[i].ok()) {
            if (batchCreated[i])
                ++batchCounts[i]->created;
            else
                ++batchCounts[i]->updated;
        } else {
            ++batchCounts[i]->skipped;
            report.skipped.push_back(results[i].id + ": " + results[i].error + " (" + results[i].reason +
                                     ")");
        }
    }
}

std::string databaseForType(const std::string& type, const std::string& userName) {
    if (type == "standard") return "library";
    if (type == "note" || type == "task" || type == "star" || type == "position")
        return storage::userDatabaseName(userName);
    return "events";
}

ImportReport importBundle(storage::Store& store, std::string_view data, const ImportOptions& options) {
    ImportReport report;
    report.format = "bundle";
    std::map<std::string, std::vector<Json>> perDb;
    size_t lineNo = 0, pos = 0;
    while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        std::string_view line =
            data.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? data.size() : nl + 1;
        ++lineNo;
        if (trim(line).empty()) continue;
        Json row = parseJsonBounded(line, "line " + std::to_string(lineNo) + " of the bundle");
        if (!row.is_object() || !row.contains("id") || !row["id"].is_string() ||
            (row.contains("body") && !row["body"].is_object()))
            throw FormatError("line " + std::to_string(lineNo) +
                              " of the bundle is not a document line {\"id\", \"body\", ...}");
        std::string id = row["id"].get<std::string>();
        if (id.rfind("_design/", 0) == 0 || id.rfind("_local/", 0) == 0 || id.empty()) {
            report.skipped.push_back(id + ": design and local documents are not imported");
            ++report.other.skipped;
            continue;
        }
        if (row.value("deleted", false)) {
            report.skipped.push_back(id + ": deleted in the bundle");
            ++report.other.skipped;
            continue;
        }
        Json body = row.value("body", Json::object());
        for (const char* k : {"_id", "_rev", "_deleted", "_conflicts", "_revisions", "_attachments"})
            body.erase(k);
        body["_id"] = id;
        perDb[databaseForType(body.value("type", ""), options.userName)].push_back(std::move(body));
    }
    for (auto& [name, docs] : perDb) {
        auto db = store.database(name, true);
        writeChanged(*db, std::move(docs), report);
    }
    return report;
}

}  // namespace

ImportReport importData(storage::Store& store, std::string_view data, const ImportOptions& options) {
    FileFormat format = detectFormat(data);
    if (format == FileFormat::Bundle) {
        requireValidUtf8(data);
        return importBundle(store, data, options);
    }
    SourceSchedule schedule;
    switch (format) {
        case FileFormat::Frab:
            schedule = parseFrabXml(data, options.timezone);
            break;
        case FileFormat::C3voc:
            schedule = parseC3vocJson(data, options.timezone);
            break;
        case FileFormat::ICalendar:
            schedule = parseICalendar(data, options.timezone);
            break;
        default:
            requireValidUtf8(data);
            throw FormatError(
                "the file is not a schedule Kenes can read (Frab/Pentabarf XML, c3voc JSON, "
                "iCalendar .ics or a Kenes bundle)");
    }
    ImportReport report;
    auto docs = scheduleToDocuments(schedule, options, report);
    auto db = store.database("events", true);
    writeChanged(*db, std::move(docs), report);
    return report;
}

ImportReport importFile(storage::Store& store, const std::filesystem::path& path,
                        const ImportOptions& options) {
    std::string data = readImportFile(path);
    return importData(store, data, options);
}

}  // namespace kenes::formats
