// Document validation for the projections (see projection_records.h).
#include "storage/projection_records.h"

#include <stdexcept>

#include "storage/time_zone.h"

namespace kenes::storage {

namespace {

[[noreturn]] void bad(const std::string& why) {
    throw std::invalid_argument(why);
}

const Json* field(const Json& doc, const char* name) {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) return nullptr;
    return &*it;
}

// Text for people: an object of language → string (a plain string is accepted as language-less).
std::string localized(const Json& doc, const char* name, bool required) {
    const Json* v = field(doc, name);
    if (!v) {
        if (required) bad("missing field '" + std::string(name) + "'");
        return {};
    }
    if (v->is_string()) return Json{{"", v->get<std::string>()}}.dump();
    if (!v->is_object()) bad("field '" + std::string(name) + "' must be an object of languages");
    for (auto& [lang, text] : v->items()) {
        if (!text.is_string()) bad("field '" + std::string(name) + "." + lang + "' must be a string");
    }
    if (required && v->empty()) bad("field '" + std::string(name) + "' has no language");
    return v->dump();
}

std::string text(const Json& doc, const char* name, bool required) {
    const Json* v = field(doc, name);
    if (!v) {
        if (required) bad("missing field '" + std::string(name) + "'");
        return {};
    }
    if (!v->is_string()) bad("field '" + std::string(name) + "' must be a string");
    return v->get<std::string>();
}

std::string date(const Json& doc, const char* name, bool required) {
    std::string value = text(doc, name, required);
    if (value.empty() && !required) return value;
    if (value.size() != 10 || !parseLocalDateTime(value))
        bad("field '" + std::string(name) + "' must be a date YYYY-MM-DD");
    return value;
}

std::string localTime(const Json& doc, const char* name) {
    std::string value = text(doc, name, true);
    auto parsed = parseLocalDateTime(value);
    if (!parsed || value.size() < 16)
        bad("field '" + std::string(name) + "' must be a local time YYYY-MM-DDTHH:MM");
    return formatLocalDateTime(*parsed, value.size() == 19 && parsed->second != 0);
}

std::string instant(const Json& doc, const char* name) {
    std::string value = text(doc, name, false);
    if (value.empty()) return value;
    auto parsed = parseUtcInstant(value);
    if (!parsed) bad("field '" + std::string(name) + "' must be an instant YYYY-MM-DDTHH:MM:SSZ");
    return formatUtcInstant(*parsed);
}

bool flag(const Json& doc, const char* name) {
    const Json* v = field(doc, name);
    if (!v) return false;
    if (!v->is_boolean()) bad("field '" + std::string(name) + "' must be true or false");
    return v->get<bool>();
}

std::vector<std::string> strings(const Json& doc, const char* name) {
    std::vector<std::string> out;
    const Json* v = field(doc, name);
    if (!v) return out;
    if (!v->is_array()) bad("field '" + std::string(name) + "' must be a list of strings");
    for (auto& item : *v) {
        if (!item.is_string()) bad("field '" + std::string(name) + "' must be a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

EventRecord eventRecord(const std::string& id, const Json& doc) {
    EventRecord r;
    r.id = id;
    r.title = localized(doc, "title", true);
    r.summary = localized(doc, "summary", false);
    r.venue = localized(doc, "venue", false);
    r.city = localized(doc, "city", false);
    r.country = text(doc, "country", false);
    r.timezone = text(doc, "timezone", true);
    if (r.timezone.empty()) bad("field 'timezone' is empty");
    r.startDate = date(doc, "start_date", true);
    r.endDate = date(doc, "end_date", true);
    if (r.endDate < r.startDate) bad("'end_date' is before 'start_date'");
    r.onlineUrl = text(doc, "online_url", false);
    r.languages = Json(strings(doc, "languages")).dump();
    r.programme = localized(doc, "programme", false);
    r.level = text(doc, "level", false);
    if (const Json* links = field(doc, "links")) {
        if (!links->is_array()) bad("field 'links' must be a list");
        for (auto& link : *links) {
            if (!link.is_object() || !link.contains("url") || !link["url"].is_string())
                bad("every link needs a 'url'");
            localized(link, "title", false);
        }
        r.links = links->dump();
    }
    return r;
}

SessionRecord sessionRecord(const std::string& id, const Json& doc) {
    SessionRecord r;
    r.id = id;
    r.event = text(doc, "event", true);
    r.start = localTime(doc, "start");
    r.end = localTime(doc, "end");
    if (r.end < r.start) bad("'end' is before 'start'");
    r.room = localized(doc, "room", false);
    r.title = localized(doc, "title", true);
    r.abstract = localized(doc, "abstract", false);
    r.kind = text(doc, "kind", false);
    static const char* kKinds[] = {"talk", "workshop", "panel", "plenary", "break", "other"};
    bool known = false;
    for (const char* k : kKinds) known = known || r.kind == k;
    if (!known) r.kind = "other";
    r.track = localized(doc, "track", false);
    r.language = text(doc, "language", false);
    r.url = text(doc, "url", false);
    r.cancelled = flag(doc, "cancelled");
    r.speakers = strings(doc, "speakers");
    r.standards = strings(doc, "standards");
    for (auto& link : r.standards)
        if (link.rfind("std:", 0) != 0) bad("standard link '" + link + "' must start with 'std:'");
    return r;
}

SpeakerRecord speakerRecord(const std::string& id, const Json& doc) {
    SpeakerRecord r;
    r.id = id;
    r.name = localized(doc, "name", true);
    r.role = localized(doc, "role", false);
    r.organisation = localized(doc, "organisation", false);
    r.country = text(doc, "country", false);
    r.bio = localized(doc, "bio", false);
    return r;
}

StandardRecord standardRecord(const std::string& id, const Json& doc) {
    StandardRecord r;
    r.id = id;
    r.code = text(doc, "code", true);
    r.kind = text(doc, "kind", true);
    if (r.kind != "convention" && r.kind != "recommendation" && r.kind != "protocol" && r.kind != "guide")
        bad("field 'kind' must be convention, recommendation, protocol or guide");
    if (const Json* n = field(doc, "number")) {
        if (!n->is_number_integer()) bad("field 'number' must be an integer");
        r.number = n->get<int64_t>();
    }
    r.title = localized(doc, "title", true);
    r.shortTitle = localized(doc, "short_title", false);
    r.adopted = date(doc, "adopted", false);
    r.inForce = date(doc, "in_force", false);
    r.fundamental = flag(doc, "fundamental");
    r.textKind = text(doc, "text_kind", false);
    if (r.textKind.empty()) r.textKind = "official";
    if (r.textKind != "official" && r.textKind != "summary")
        bad("field 'text_kind' must be official or summary");
    r.summary = localized(doc, "summary", false);
    r.preamble = localized(doc, "preamble", false);
    if (const Json* articles = field(doc, "articles")) {
        if (!articles->is_array()) bad("field 'articles' must be a list");
        size_t index = 0;
        for (auto& a : *articles) {
            ++index;
            const std::string where = "article " + std::to_string(index) + ": ";
            if (!a.is_object()) bad(where + "must be an object");
            try {
                ArticleRecord ar;
                ar.id = text(a, "id", true);
                if (ar.id.empty()) bad("empty 'id'");
                if (const Json* num = field(a, "number")) {
                    if (num->is_string())
                        ar.number = num->get<std::string>();
                    else if (num->is_number_integer())
                        ar.number = std::to_string(num->get<int64_t>());
                    else
                        bad("field 'number' must be a string");
                }
                ar.part = localized(a, "part", false);
                ar.heading = localized(a, "heading", false);
                ar.text = localized(a, "text", true);
                for (auto& other : r.articles)
                    if (other.id == ar.id) bad("duplicate id '" + ar.id + "'");
                r.articles.push_back(std::move(ar));
            } catch (const std::invalid_argument& e) {
                bad(where + e.what());
            }
        }
    }
    return r;
}

NoteRecord noteRecord(const std::string& id, const Json& doc) {
    NoteRecord r;
    r.id = id;
    r.title = text(doc, "title", false);
    r.body = text(doc, "body", false);
    r.created = instant(doc, "created");
    r.updated = instant(doc, "updated");
    if (r.updated.empty()) r.updated = r.created;
    r.event = text(doc, "event", false);
    r.session = text(doc, "session", false);
    r.standards = strings(doc, "standards");
    r.tags = strings(doc, "tags");
    return r;
}

TaskRecord taskRecord(const std::string& id, const Json& doc) {
    TaskRecord r;
    r.id = id;
    r.title = text(doc, "title", true);
    r.due = date(doc, "due", false);
    r.done = flag(doc, "done");
    r.country = text(doc, "country", false);
    r.standard = text(doc, "standard", false);
    r.event = text(doc, "event", false);
    r.details = text(doc, "details", false);
    r.created = instant(doc, "created");
    r.updated = instant(doc, "updated");
    return r;
}

StarRecord starRecord(const std::string& id, const Json& doc) {
    StarRecord r;
    r.id = id;
    r.session = text(doc, "session", true);
    if (r.session.empty()) bad("field 'session' is empty");
    r.event = text(doc, "event", false);
    r.created = instant(doc, "created");
    return r;
}

}  // namespace

ProjectedRecord recordFromDocument(const std::string& docId, const Json& doc) {
    if (docId.rfind("_design/", 0) == 0 || docId.rfind("_local/", 0) == 0) return IgnoredRecord{};
    if (!doc.is_object()) bad("the document is not a JSON object");
    const Json* type = field(doc, "type");
    if (!type) bad("missing field 'type'");
    if (!type->is_string()) bad("field 'type' must be a string");
    const std::string& t = type->get_ref<const std::string&>();
    if (t == "event") return eventRecord(docId, doc);
    if (t == "session") return sessionRecord(docId, doc);
    if (t == "speaker") return speakerRecord(docId, doc);
    if (t == "standard") return standardRecord(docId, doc);
    if (t == "note") return noteRecord(docId, doc);
    if (t == "task") return taskRecord(docId, doc);
    if (t == "star") return starRecord(docId, doc);
    if (t == "position") return IgnoredRecord{};
    bad("unknown type '" + t + "'");
}

std::string resolveText(const Json& value, const std::string& language) {
    if (value.is_string()) return value.get<std::string>();
    if (!value.is_object() || value.empty()) return {};
    auto pick = [&](const std::string& lang) -> const Json* {
        auto it = value.find(lang);
        if (it != value.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return &*it;
        return nullptr;
    };
    if (const Json* v = pick(language)) return v->get<std::string>();
    if (const Json* v = pick(language == "ru" ? "en" : "ru")) return v->get<std::string>();
    for (auto& [lang, text] : value.items())
        if (text.is_string() && !text.get_ref<const std::string&>().empty()) return text.get<std::string>();
    return {};
}

std::string resolveText(const std::string& serialised, const std::string& language) {
    if (serialised.empty()) return {};
    Json value = Json::parse(serialised, nullptr, false);
    if (value.is_discarded()) return {};
    return resolveText(value, language);
}

std::pair<std::string, std::string> splitStandardLink(const std::string& link) {
    auto hash = link.find('#');
    if (hash == std::string::npos) return {link, ""};
    return {link.substr(0, hash), link.substr(hash + 1)};
}

}  // namespace kenes::storage
