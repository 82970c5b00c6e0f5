// Validation of documents against the shapes in docs/data-model.md, producing the rows the
// projections store. Internal to storage/. Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/store.h"

namespace kenes::storage {

// Text for people is kept as its JSON object of languages ({"en": "...", "ru": "..."}), serialised.
// An empty string means the field is absent.
struct EventRecord {
    std::string id, title, summary, venue, city, country, timezone, startDate, endDate, onlineUrl, languages,
        programme, level, links;
};
struct SessionRecord {
    std::string id, event, start, end, room, title, abstract, kind, track, language, url;
    bool cancelled = false;
    std::vector<std::string> speakers;
    std::vector<std::string> standards;  // "std:C087#art2" links as written
};
struct SpeakerRecord {
    std::string id, name, role, organisation, country, bio;
};
struct ArticleRecord {
    std::string id, number, part, heading, text;
};
struct StandardRecord {
    std::string id, code, kind, title, shortTitle, adopted, inForce, textKind, summary, preamble;
    int64_t number = 0;
    bool fundamental = false;
    std::vector<ArticleRecord> articles;
};
struct NoteRecord {
    std::string id, title, body, created, updated, event, session;
    std::vector<std::string> standards, tags;
};
struct TaskRecord {
    std::string id, title, due, country, standard, event, details, created, updated;
    bool done = false;
};
struct StarRecord {
    std::string id, session, event, created;
};

// A document the projections ignore on purpose (a known type with no projection, a design doc).
struct IgnoredRecord {};

using ProjectedRecord = std::variant<IgnoredRecord, EventRecord, SessionRecord, SpeakerRecord, StandardRecord,
                                     NoteRecord, TaskRecord, StarRecord>;

// Validates `doc` (a winning revision with _id) and extracts its row(s). Throws
// std::invalid_argument with a reason a person understands ("field 'start' must be a local time
// YYYY-MM-DDTHH:MM") for a document of the wrong shape.
ProjectedRecord recordFromDocument(const std::string& docId, const Json& doc);

// Resolves a text-for-people value (serialised JSON object of languages) for `language`:
// that language, then the other of ru/en, then the first key present. "" when absent.
std::string resolveText(const std::string& serialised, const std::string& language);
std::string resolveText(const Json& value, const std::string& language);

// Splits "std:C087#art2" into ("std:C087", "art2"); the article part is empty when absent.
std::pair<std::string, std::string> splitStandardLink(const std::string& link);

}  // namespace kenes::storage
