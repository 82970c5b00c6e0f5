// HttpClient over one libcurl easy handle (see http_client.h for the contract).
#include "sync/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace kenes::sync {

namespace {

void globalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool looksLikeHtml(const HttpResponse& r) {
    if (r.header("content-type").find("html") != std::string::npos) return true;
    auto start = r.body.find_first_not_of(" \t\r\n");
    return start != std::string::npos && r.body[start] == '<';
}

std::string htmlTitle(const std::string& body) {
    auto l = lower(body.substr(0, 4096));
    auto b = l.find("<title>");
    auto e = l.find("</title>");
    if (b == std::string::npos || e == std::string::npos || e < b) return {};
    return trim(body.substr(b + 7, e - b - 7));
}

}  // namespace

struct HttpClient::Impl {
    CURL* easy = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    HttpResponse* current = nullptr;
    uint64_t limit = 0;
    bool tooLarge = false;
    uint64_t announced = 0;
    const std::atomic<bool>* cancelled = nullptr;

    static size_t onWrite(char* data, size_t size, size_t count, void* user) {
        auto* self = static_cast<Impl*>(user);
        size_t n = size * count;
        if (self->current->body.size() + n > self->limit) {
            self->tooLarge = true;
            return 0;
        }
        self->current->body.append(data, n);
        return n;
    }

    static size_t onHeader(char* data, size_t size, size_t count, void* user) {
        auto* self = static_cast<Impl*>(user);
        size_t n = size * count;
        std::string line(data, n);
        if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue or a redirect)
            self->current->headers.clear();
            return n;
        }
        auto colon = line.find(':');
        if (colon == std::string::npos) return n;
        auto name = lower(trim(line.substr(0, colon)));
        auto value = trim(line.substr(colon + 1));
        if (name == "content-length") {
            errno = 0;
            unsigned long long length = std::strtoull(value.c_str(), nullptr, 10);
            if (length > self->limit) {
                self->tooLarge = true;
                self->announced = length;
                return 0;  // refuse before reading a single byte of the body
            }
        }
        self->current->headers[name] = value;
        return n;
    }

    static int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        auto* self = static_cast<Impl*>(user);
        return self->cancelled->load() ? 1 : 0;
    }
};

HttpClient::HttpClient(const std::string& serverUrl, HttpOptions options)
    : m_impl(std::make_unique<Impl>()), m_options(std::move(options)) {
    globalInit();
    CURLU* url = curl_url();
    if (curl_url_set(url, CURLUPART_URL, serverUrl.c_str(), 0) != CURLUE_OK) {
        curl_url_cleanup(url);
        throw SyncError(ErrorKind::Protocol, "'" + serverUrl + "' is not a valid http(s) URL");
    }
    char* part = nullptr;
    std::string scheme;
    if (curl_url_get(url, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) {
        scheme = lower(part);
        curl_free(part);
    }
    if (scheme != "http" && scheme != "https") {
        curl_url_cleanup(url);
        throw SyncError(ErrorKind::Protocol, "'" + serverUrl + "' is not an http or https URL");
    }
    if (curl_url_get(url, CURLUPART_USER, &part, CURLU_URLDECODE) == CURLUE_OK) {
        if (m_options.user.empty()) m_options.user = part;
        curl_free(part);
    }
    if (curl_url_get(url, CURLUPART_PASSWORD, &part, CURLU_URLDECODE) == CURLUE_OK) {
        if (m_options.password.empty()) m_options.password = part;
        curl_free(part);
    }
    curl_url_set(url, CURLUPART_USER, nullptr, 0);
    curl_url_set(url, CURLUPART_PASSWORD, nullptr, 0);
    curl_url_set(url, CURLUPART_QUERY, nullptr, 0);
    curl_url_set(url, CURLUPART_FRAGMENT, nullptr, 0);
    if (curl_url_get(url, CURLUPART_URL, &part, 0) == CURLUE_OK) {
        m_baseUrl = part;
        curl_free(part);
    }
    curl_url_cleanup(url);
    while (!m_baseUrl.empty() && m_baseUrl.back() == '/') m_baseUrl.pop_back();
    m_displayUrl = m_baseUrl;

    m_impl->easy = curl_easy_init();
    if (!m_impl->easy) throw SyncError(ErrorKind::Network, "could not initialise libcurl");
    m_impl->cancelled = &m_cancelled;
    curl_easy_setopt(m_impl->easy, CURLOPT_COOKIEFILE, "");  // in-memory cookie engine (_session)
}

HttpClient::~HttpClient() {
    if (m_impl && m_impl->easy) curl_easy_cleanup(m_impl->easy);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
    if (m_cancelled.load()) throw SyncError(ErrorKind::Cancelled, "cancelled");
    CURL* e = m_impl->easy;
    curl_easy_reset(e);  // keeps the connection cache and cookies
    HttpResponse response;
    m_impl->current = &response;
    m_impl->limit = m_options.maxResponseBytes;
    m_impl->tooLarge = false;
    m_impl->announced = 0;
    m_impl->errorBuffer[0] = 0;

    std::string url = m_baseUrl + path;
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");  // the reset turned the cookie engine off; cookies stay
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m_impl->errorBuffer);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(m_options.connectTimeout.count()));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, m_options.lowSpeedBytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(m_options.lowSpeedTime.count()));
    if (m_options.totalTimeout.count() > 0)
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(m_options.totalTimeout.count()));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(m_options.maxResponseBytes));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, m_options.insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, m_options.insecure ? 0L : 2L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, m_options.userAgent.c_str());
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::onWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, m_impl.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, m_impl.get());
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &Impl::onProgress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, m_impl.get());
    if (!m_options.user.empty() && !m_options.useSession) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
        curl_easy_setopt(e, CURLOPT_USERNAME, m_options.user.c_str());
        curl_easy_setopt(e, CURLOPT_PASSWORD, m_options.password.c_str());
    }

    if (method == "GET") {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        if (method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
    }

    curl_slist* list = nullptr;
    list = curl_slist_append(list, "Expect:");
    for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);

    ++m_requests;
    CURLcode rc = curl_easy_perform(e);
    curl_slist_free_all(list);
    m_impl->current = nullptr;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &response.status);

    if (rc == CURLE_OK) return response;
    std::string where = method + " " + m_displayUrl + path;
    std::string detail = m_impl->errorBuffer[0] ? m_impl->errorBuffer : curl_easy_strerror(rc);
    if (m_impl->tooLarge || rc == CURLE_FILESIZE_EXCEEDED) {
        std::string size = m_impl->announced ? std::to_string(m_impl->announced) + " bytes" : "more bytes";
        throw SyncError(ErrorKind::TooLarge, "the server's answer to " + where + " is too large (" + size +
                                                 ", the limit is " +
                                                 std::to_string(m_options.maxResponseBytes) +
                                                 " bytes); refused without reading it");
    }
    switch (rc) {
        case CURLE_ABORTED_BY_CALLBACK:
            throw SyncError(ErrorKind::Cancelled, "cancelled");
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            throw SyncError(ErrorKind::Dns,
                            "cannot find the server (" + detail + "): check the address and the network");
        case CURLE_COULDNT_CONNECT:
            throw SyncError(ErrorKind::Network, "cannot connect to " + m_displayUrl + " (" + detail +
                                                    "): the server is down or the network is unavailable");
        case CURLE_OPERATION_TIMEDOUT:
            throw SyncError(ErrorKind::Timeout,
                            "the server did not answer in time (" + where + ": " + detail + ")");
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
            throw SyncError(ErrorKind::Tls, "secure connection to " + m_displayUrl + " failed (" + detail +
                                                "); for a hub with a self-signed certificate use --insecure");
        case CURLE_BAD_CONTENT_ENCODING:
            throw SyncError(ErrorKind::Protocol, "the server sent a garbled compressed answer to " + where);
        default:
            // Past connecting (or a connection reused): the peer is there, the exchange broke.
            throw SyncError::interrupted("the connection to " + m_displayUrl + " failed during " + where +
                                         " (" + detail + ")");
    }
}

SyncError httpError(const HttpResponse& response, const std::string& what) {
    int status = int(response.status);
    std::string error, reason;
    auto parsed = Json::parse(response.body, nullptr, false);
    if (parsed.is_object()) {
        if (parsed.contains("error") && parsed["error"].is_string())
            error = parsed["error"].get<std::string>();
        if (parsed.contains("reason") && parsed["reason"].is_string())
            reason = parsed["reason"].get<std::string>();
    } else if (looksLikeHtml(response)) {
        auto title = htmlTitle(response.body);
        reason = "the server answered with a web page" +
                 (title.empty() ? std::string() : " (\"" + title + "\")") + " instead of the CouchDB API";
    }
    std::string message = what + ": HTTP " + std::to_string(status);
    if (!error.empty()) message += " " + error;
    if (!reason.empty()) message += ": " + reason;
    ErrorKind kind = (status == 401 || status == 403) ? ErrorKind::Auth : ErrorKind::Http;
    return SyncError(kind, message, status, error, reason);
}

HttpResponse HttpClient::checked(const std::string& method, const std::string& path,
                                 const std::optional<Json>& body, std::string& what) {
    if (m_options.useSession && !m_loggedIn && !m_options.user.empty()) login();
    std::map<std::string, std::string> headers{{"Accept", "application/json"}};
    std::string payload;
    if (body) {
        headers["Content-Type"] = "application/json";
        payload = body->dump();
    }
    HttpResponse response = request(method, path, payload, headers);
    if (response.status == 401 && m_options.useSession && !m_options.user.empty()) {
        login();  // the session cookie expired
        response = request(method, path, payload, headers);
    }
    what = method + " " + m_displayUrl + path;
    if (response.status >= 400) throw httpError(response, what);
    if (response.status < 200) throw SyncError(ErrorKind::Protocol, what + ": no HTTP answer");
    if (response.body.empty() && method != "HEAD")
        throw SyncError::interrupted(what + ": the connection closed before the answer arrived");
    return response;
}

JsonText HttpClient::text(const std::string& method, const std::string& path,
                          const std::optional<Json>& body) {
    JsonText out;
    HttpResponse response = checked(method, path, body, out.what);
    out.html = looksLikeHtml(response);
    out.body = std::move(response.body);
    return out;
}

Json JsonText::parse() const {
    auto parsed = Json::parse(body, nullptr, false);
    if (!parsed.is_discarded()) return parsed;
    if (html)
        throw SyncError(ErrorKind::Protocol, what +
                                                 ": the server answered with a web page instead of JSON; "
                                                 "is this the address of a CouchDB-compatible database?");
    throw SyncError(ErrorKind::Protocol, what + ": the server's answer is not valid JSON (" +
                                             std::to_string(body.size()) + " bytes)");
}

Json HttpClient::json(const std::string& method, const std::string& path, const std::optional<Json>& body) {
    return text(method, path, body).parse();
}

void HttpClient::login() {
    Json credentials = {{"name", m_options.user}, {"password", m_options.password}};
    HttpResponse response = request("POST", "/_session", credentials.dump(),
                                    {{"Accept", "application/json"}, {"Content-Type", "application/json"}});
    if (response.status >= 400) throw httpError(response, "logging in to " + m_displayUrl);
    m_loggedIn = true;
}

std::string urlEncode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace kenes::sync
