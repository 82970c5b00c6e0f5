// Notes as Markdown files with YAML front matter, and the session report (Markdown and HTML).
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "formats/export.h"
#include "formats/export_support.h"

namespace kenes::formats {

using namespace detail;

namespace {

std::string yamlString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n')
            out += "\\n";
        else if (c != '\r')
            out += c;
    }
    return out + "\"";
}

std::string yamlList(const Json& list) {
    std::string out = "[";
    if (list.is_array())
        for (const auto& v : list)
            if (v.is_string()) out += (out.size() > 1 ? ", " : "") + yamlString(v.get<std::string>());
    return out + "]";
}

std::string str(const Json& d, const char* k) {
    auto it = d.find(k);
    return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Labels {
    const char* report;
    const char* room;
    const char* speakers;
    const char* notes;
    const char* noNotes;
    const char* cancelled;
    const char* dates;
    const char* zone;
};

const Labels& labels(const std::string& lang) {
    static const Labels en{"Session report", "Room",      "Speakers", "Notes",
                           "No notes.",      "cancelled", "Dates",    "Time zone"};
    static const Labels ru{"Отчёт о сессиях", "Зал",      "Спикеры", "Заметки",
                           "Заметок нет.",    "отменена", "Даты",    "Часовой пояс"};
    return lang == "ru" ? ru : en;
}

std::string htmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// One session of the report, already in the report language.
struct ReportItem {
    std::string time, title, room, speakers;
    bool cancelled = false;
    std::vector<std::pair<std::string, std::string>> notes;  // title, body
};

struct ReportData {
    std::string title, dates, zone;
    std::vector<ReportItem> items;
};

ReportData collect(storage::Store& store, const std::string& eventIdOrKey, const std::string& userName,
                   const std::string& lang) {
    if (lang != "ru" && lang != "en")
        throw FormatError("the report language must be ru or en, not '" + lang + "'");
    std::string eventId = eventIdOf(eventIdOrKey);
    Json event = loadEvent(store, eventId);
    ReportData r;
    r.title = pick(event.value("title", Json()), lang);
    r.dates = str(event, "start_date") + " – " + str(event, "end_date");
    r.zone = str(event, "timezone");
    std::map<std::string, std::string> speakerNames;
    for (const auto& sp : loadPrefix(store, "events", "speaker:"))
        speakerNames[sp["_id"]] = pick(sp.value("name", Json()), lang);
    std::map<std::string, std::vector<const Json*>> notesBySession;
    auto notes = loadPrefix(store, storage::userDatabaseName(userName), "note:");
    for (const auto& n : notes)
        if (str(n, "type") == "note" && !str(n, "session").empty())
            notesBySession[str(n, "session")].push_back(&n);
    for (const auto& s : loadSessions(store, eventId)) {
        ReportItem item;
        std::string start = str(s, "start"), end = str(s, "end");
        item.time = start.size() >= 16 ? start.substr(0, 10) + " " + start.substr(11, 5) : start;
        if (end.size() >= 16)
            item.time += "–" + (end.substr(0, 10) == start.substr(0, 10)
                                    ? end.substr(11, 5)
                                    : end.substr(0, 10) + " " + end.substr(11, 5));
        item.title = pick(s.value("title", Json()), lang);
        item.room = pick(s.value("room", Json()), lang);
        item.cancelled = s.value("cancelled", false);
        if (s.contains("speakers") && s["speakers"].is_array())
            for (const auto& id : s["speakers"])
                if (id.is_string() && speakerNames.count(id.get<std::string>()))
                    item.speakers +=
                        (item.speakers.empty() ? "" : ", ") + speakerNames[id.get<std::string>()];
        for (const Json* n : notesBySession[str(s, "_id")])
            item.notes.emplace_back(str(*n, "title"), str(*n, "body"));
        r.items.push_back(std::move(item));
    }
    return r;
}

}  // namespace

size_t exportNotes(storage::Store& store, const std::string& userName, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw FormatError("cannot create the folder " + dir.string() + ": " + ec.message());
    std::set<std::string> used;
    size_t written = 0;
    for (const auto& n : loadPrefix(store, storage::userDatabaseName(userName), "note:")) {
        if (str(n, "type") != "note") continue;
        std::string base = slugify(str(n, "title"), 60);
        if (base.empty()) base = slugify(str(n, "_id").substr(5), 60);
        if (base.empty()) base = "note-" + stableHash(str(n, "_id"));
        std::string name = base;
        for (int i = 2; used.count(name); ++i) name = base + "-" + std::to_string(i);
        used.insert(name);
        std::ostringstream md;
        md << "---\n";
        md << "id: " << yamlString(str(n, "_id")) << "\n";
        md << "title: " << yamlString(str(n, "title")) << "\n";
        if (!str(n, "created").empty()) md << "created: " << yamlString(str(n, "created")) << "\n";
        if (!str(n, "updated").empty()) md << "updated: " << yamlString(str(n, "updated")) << "\n";
        if (!str(n, "event").empty()) md << "event: " << yamlString(str(n, "event")) << "\n";
        if (!str(n, "session").empty()) md << "session: " << yamlString(str(n, "session")) << "\n";
        if (n.contains("standards")) md << "standards: " << yamlList(n["standards"]) << "\n";
        if (n.contains("tags")) md << "tags: " << yamlList(n["tags"]) << "\n";
        md << "---\n\n";
        if (!str(n, "title").empty()) md << "# " << str(n, "title") << "\n\n";
        md << str(n, "body") << "\n";
        auto path = dir / (name + ".md");
        std::ofstream out(path, std::ios::binary);
        out << md.str();
        if (!out) throw FormatError("cannot write " + path.string());
        ++written;
    }
    return written;
}

std::string exportReportMarkdown(storage::Store& store, const std::string& eventId,
                                 const std::string& userName, const std::string& lang) {
    auto r = collect(store, eventId, userName, lang);
    const auto& l = labels(lang);
    std::ostringstream md;
    md << "# " << l.report << ": " << r.title << "\n\n";
    md << l.dates << ": " << r.dates << "  \n" << l.zone << ": " << r.zone << "\n\n";
    for (const auto& item : r.items) {
        md << "## " << item.time << " · " << item.title
           << (item.cancelled ? std::string(" (") + l.cancelled + ")" : "") << "\n\n";
        if (!item.room.empty()) md << "- " << l.room << ": " << item.room << "\n";
        if (!item.speakers.empty()) md << "- " << l.speakers << ": " << item.speakers << "\n";
        md << "\n### " << l.notes << "\n\n";
        if (item.notes.empty()) md << l.noNotes << "\n\n";
        for (const auto& [title, body] : item.notes) {
            if (!title.empty()) md << "**" << title << "**\n\n";
            md << body << "\n\n";
        }
    }
    return md.str();
}

std::string exportReportHtml(storage::Store& store, const std::string& eventId, const std::string& userName,
                             const std::string& lang) {
    auto r = collect(store, eventId, userName, lang);
    const auto& l = labels(lang);
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"" << lang << "\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
      << htmlEscape(std::string(l.report) + ": " + r.title) << "</title>\n<style>\n"
      << "body{font-family:'Noto Sans',Arial,sans-serif;max-width:48rem;margin:2rem auto;"
         "padding:0 1rem;color:#222;line-height:1.5}\n"
         "h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}\n"
         ".meta{color:#555}.note{background:#f6f6f2;border-left:3px solid #8a8;"
         "padding:.5rem 1rem;margin:.5rem 0;"
         "white-space:pre-wrap}.cancelled{color:#a33}.empty{color:#888;font-style:italic}\n"
      << "</style>\n</head>\n<body>\n";
    h << "<h1>" << htmlEscape(std::string(l.report) + ": " + r.title) << "</h1>\n";
    h << "<p class=\"meta\">" << htmlEscape(l.dates) << ": " << htmlEscape(r.dates) << "<br>"
      << htmlEscape(l.zone) << ": " << htmlEscape(r.zone) << "</p>\n";
    for (const auto& item : r.items) {
        h << "<section>\n<h2>" << htmlEscape(item.time) << " · " << htmlEscape(item.title);
        if (item.cancelled) h << " <span class=\"cancelled\">(" << htmlEscape(l.cancelled) << ")</span>";
        h << "</h2>\n";
        if (!item.room.empty())
            h << "<p class=\"meta\">" << htmlEscape(l.room) << ": " << htmlEscape(item.room);
        if (!item.speakers.empty())
            h << (item.room.empty() ? "<p class=\"meta\">" : "<br>") << htmlEscape(l.speakers) << ": "
              << htmlEscape(item.speakers);
        if (!item.room.empty() || !item.speakers.empty()) h << "</p>\n";
        h << "<h3>" << htmlEscape(l.notes) << "</h3>\n";
        if (item.notes.empty()) h << "<p class=\"empty\">" << htmlEscape(l.noNotes) << "</p>\n";
        for (const auto& [title, body] : item.notes) {
            h << "<div class=\"note\">";
            if (!title.empty()) h << "<strong>" << htmlEscape(title) << "</strong>\n";
            h << htmlEscape(body) << "</div>\n";
        }
        h << "</section>\n";
    }
    h << "</body>\n</html>\n";
    return h.str();
}

}  // namespace kenes::formats
