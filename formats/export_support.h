// Document reading shared by the exporters (not part of the public API).
#pragma once

#include <string>
#include <vector>

#include "formats/schedule.h"

namespace kenes::formats::detail {

std::string eventIdOf(const std::string& idOrKey);
// The event document; FormatError when it does not exist.
Json loadEvent(storage::Store& store, const std::string& eventId);
// The event's sessions sorted by start, then room, then id.
std::vector<Json> loadSessions(storage::Store& store, const std::string& eventId);
// All documents of `db` whose id starts with `prefix` (empty when the database does not exist).
std::vector<Json> loadPrefix(storage::Store& store, const std::string& db, const std::string& prefix);
// A language text {"en": …, "ru": …}: lang, then the other of ru/en, then the first key.
std::string pick(const Json& text, const std::string& lang);

}  // namespace kenes::formats::detail
