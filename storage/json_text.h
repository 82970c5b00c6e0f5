// Compact JSON text of documents, written straight from nlohmann::json values without the
// intermediate copies of a strip-then-dump (internal to storage/). The output is byte-for-byte
// what nlohmann::json::dump() gives, so revision hashes computed from it do not change.
#pragma once

#include <string>
#include <string_view>

#include "storage/store.h"

namespace kenes::storage {

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 when invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid, as in nlohmann::json).
size_t utf8SequenceLength(std::string_view s, size_t i);
// True when all of `text` is valid UTF-8 by the same rule.
bool isValidUtf8(std::string_view text);

// True for the `_` members CouchDB allows at the top level of a document (_id, _rev, _deleted,
// _revisions, _conflicts, _deleted_conflicts, _revs_info, _local_seq).
bool isSpecialMember(std::string_view key);

// Appends `text` as a JSON string. Throws StoreError 400 when it is not valid UTF-8.
void appendJsonString(std::string& out, std::string_view text);

// Appends `value` as compact JSON. Throws StoreError 400 when a string is not valid UTF-8.
void appendJsonText(std::string& out, const Json& value);

// The body of a document (every member except the special ones) as compact JSON. Throws
// StoreError 400 "doc_validation" for an unknown `_` member, 400 for text that is not UTF-8.
std::string documentBodyText(const Json& doc);

}  // namespace kenes::storage
