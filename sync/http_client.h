// A small blocking HTTP client over libcurl for talking to one CouchDB-compatible server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sync/sync_error.h"

namespace kenes::sync {

using Json = nlohmann::json;

struct HttpOptions {
    bool insecure = false;  // skip TLS certificate and host checks (self-signed venue hubs): opt-in only
    std::chrono::milliseconds connectTimeout{10000};
    // A transfer slower than lowSpeedBytes per second for lowSpeedTime is abandoned.
    std::chrono::seconds lowSpeedTime{30};
    long lowSpeedBytes = 1;
    std::chrono::milliseconds totalTimeout{0};  // 0: none (long transfers are bounded by low-speed)
    uint64_t maxResponseBytes = 512ull << 20;   // larger answers are refused (Content-Length or counted)
    std::string user;                           // Basic auth (or _session when useSession)
    std::string password;
    bool useSession = false;  // log in with POST /_session and send its AuthSession cookie instead
    std::string userAgent = "Kenes/0.1";
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names, last value wins
    std::string header(const std::string& lowerName) const {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
};

// A successful answer's body before it is parsed, with what is needed to explain a parse failure.
struct JsonText {
    std::string body;
    std::string what;   // "GET https://host/db/_changes?..." for messages
    bool html = false;  // the server said it sent a web page
    // Throws SyncError(Protocol) when the body is not JSON (telling a web page apart).
    Json parse() const;
};

// One peer (scheme://host:port), one reused libcurl easy handle, so connections are kept alive
// between requests. gzip/deflate answers are accepted and decoded; the proxy comes from the
// environment (http_proxy, https_proxy, no_proxy) as libcurl does by default.
// Thread-safety: request methods are for one thread at a time; cancel() and requestCount() may
// be called from any thread.
class HttpClient {
public:
    // `serverUrl`: "http(s)://[user:pass@]host[:port][/prefix]" — the server root, no database.
    // Credentials in the URL are used when options.user is empty.
    HttpClient(const std::string& serverUrl, HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // `path` starts with "/" and is already percent-encoded; it is appended to the server root.
    // Never throws for an HTTP status; throws SyncError for transport problems, oversized answers
    // and cancellation.
    HttpResponse request(const std::string& method, const std::string& path, const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {});

    // A JSON request/answer. Throws SyncError for any status >= 400 (Auth for 401/403, with
    // CouchDB's "error"/"reason" when the body has them) and Protocol when the answer is not JSON.
    Json json(const std::string& method, const std::string& path,
              const std::optional<Json>& body = std::nullopt);

    // The same checks as json(), but the body is returned unparsed (for a caller that wants to look
    // at it before paying for the parse).
    JsonText text(const std::string& method, const std::string& path,
                  const std::optional<Json>& body = std::nullopt);

    // POST /_session with the configured user and password; later requests carry the cookie.
    void login();

    // Aborts the request in progress (and every later one) with ErrorKind::Cancelled.
    void cancel() noexcept { m_cancelled.store(true); }
    bool cancelled() const noexcept { return m_cancelled.load(); }
    uint64_t requestCount() const noexcept { return m_requests.load(); }

    // The server root without credentials, e.g. "https://hub.local:5984" (for ids and messages).
    const std::string& displayUrl() const noexcept { return m_displayUrl; }
    const HttpOptions& options() const noexcept { return m_options; }

private:
    // Sends a JSON request (logging in first or again when the session asks for it) and throws for
    // anything but a 2xx answer with a body; `what` names the request for messages.
    HttpResponse checked(const std::string& method, const std::string& path, const std::optional<Json>& body,
                         std::string& what);

    struct Impl;
    std::unique_ptr<Impl> m_impl;
    HttpOptions m_options;
    std::string m_baseUrl;     // with credentials stripped
    std::string m_displayUrl;  // same, without a trailing slash
    std::atomic<bool> m_cancelled{false};
    std::atomic<uint64_t> m_requests{0};
    bool m_loggedIn = false;
};

// Percent-encodes one URL path segment or query value (RFC 3986 unreserved characters stay).
std::string urlEncode(const std::string& text);

// Turns an HTTP error answer into a SyncError (status, CouchDB error/reason when present).
SyncError httpError(const HttpResponse& response, const std::string& what);

}  // namespace kenes::sync
