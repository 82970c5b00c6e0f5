// Text for people as the projections store it (a serialised JSON string, or an object of
// language → string), resolved for one language without building a JSON tree. Internal to storage/.
#pragma once

#include <string>
#include <string_view>

namespace kenes::storage {

// The same answer as resolveText(serialised, language) (projection_records.h): the text in
// `language`, else in the other of "ru"/"en", else the first non-empty one by language code; ""
// for anything else. Compact objects of plain strings (what the projections write) are read
// directly; anything else (escapes, other values, invalid text) goes through the JSON parser.
// Pure function, thread-safe.
std::string resolveStoredText(std::string_view serialised, const std::string& language);

}  // namespace kenes::storage
