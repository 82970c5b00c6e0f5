// Request-target parsing and answer helpers for the hub: strict percent-decoding (a `+` stays a
// `+` in paths), path segments, query parameters, UTF-8 checks and CouchDB-style error bodies.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenes::hub {

using Json = nlohmann::json;

// An error answered to the client as {"error": error, "reason": reason} with `status`.
struct HttpError {
    int status;
    std::string error;
    std::string reason;
};

// Decodes %XX escapes; `plusIsSpace` only for query strings. nullopt on a malformed escape.
std::optional<std::string> percentDecode(const std::string& in, bool plusIsSpace);
// Encodes everything but unreserved characters (for Location headers and logs).
std::string percentEncode(const std::string& in);

bool isValidUtf8(const std::string& s);

struct Target {
    std::vector<std::string> segments;         // decoded path segments, empty ones dropped
    std::map<std::string, std::string> query;  // decoded; the last value of a repeated name wins
    std::string rawPath;                       // the path as sent, without the query
};

// Splits and decodes a request target ("/db/a%2Fb?rev=1-x"). Throws HttpError 400 for malformed
// escapes, `.`/`..` segments and control characters.
Target parseTarget(const std::string& target);

// Query helpers: CouchDB sends booleans as "true"/"false" and keys as JSON.
bool queryBool(const std::map<std::string, std::string>& q, const std::string& name, bool def = false);
std::optional<uint64_t> queryUint(const std::map<std::string, std::string>& q, const std::string& name);
std::optional<Json> queryJson(const std::map<std::string, std::string>& q, const std::string& name);

// Parses a request body as a JSON value; HttpError 400 "bad_request" when it is not JSON.
Json parseBody(const std::string& body);

// Serialises without ever throwing (invalid UTF-8 is replaced).
std::string dumpJson(const Json& j);

}  // namespace kenes::hub
