// RemoteEndpoint: the replication endpoint over a CouchDB-compatible HTTP API.
#include <algorithm>
#include <cctype>
#include <future>
#include <map>
#include <string_view>

#include "sync/endpoint.h"

namespace kenes::sync {

namespace {

std::string urlDecode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit((unsigned char)text[i + 1]) &&
            std::isxdigit((unsigned char)text[i + 2])) {
            out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string sinceParam(const Json& since) {
    if (since.is_null()) return "0";
    if (since.is_string()) return urlEncode(since.get<std::string>());
    return urlEncode(since.dump());
}

std::string stripCredentials(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    auto hostStart = scheme + 3;
    auto pathStart = url.find('/', hostStart);
    auto at = url.rfind('@', pathStart == std::string::npos ? std::string::npos : pathStart);
    if (at == std::string::npos || at < hostStart) return url;
    return url.substr(0, hostStart) + url.substr(at + 1);
}

}  // namespace

bool isRemoteUrl(const std::string& text) {
    return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

std::pair<std::string, std::string> splitDatabaseUrl(const std::string& databaseUrl) {
    std::string url = databaseUrl;
    auto cut = url.find_first_of("?#");
    if (cut != std::string::npos) url.erase(cut);
    auto scheme = url.find("://");
    if (!isRemoteUrl(url) || scheme == std::string::npos)
        throw SyncError(ErrorKind::Protocol, "'" + databaseUrl + "' is not an http(s) URL");
    while (url.size() > scheme + 3 && url.back() == '/') url.pop_back();
    auto pathStart = url.find('/', scheme + 3);
    if (pathStart == std::string::npos)
        throw SyncError(
            ErrorKind::Protocol,
            "'" + databaseUrl + "' names no database: add it to the path, e.g. http://host:5984/library");
    auto lastSlash = url.rfind('/');
    std::string server = url.substr(0, lastSlash);
    std::string db = urlDecode(url.substr(lastSlash + 1));
    if (!storage::isValidDatabaseName(db))
        throw SyncError(ErrorKind::Protocol,
                        "'" + db + "' in " + stripCredentials(databaseUrl) + " is not a valid database name");
    return {server, db};
}

RemoteEndpoint::RemoteEndpoint(const std::string& databaseUrl, HttpOptions options)
    : m_url(databaseUrl),
      m_dbName(splitDatabaseUrl(databaseUrl).second),
      m_dbPath("/" + urlEncode(m_dbName)),
      m_client(splitDatabaseUrl(databaseUrl).first, options),
      m_feedClient(splitDatabaseUrl(databaseUrl).first, std::move(options)) {}

RemoteEndpoint::~RemoteEndpoint() {
    m_ahead.reset();
    if (m_isFetcher) m_fetcherRequests->fetch_add(m_client.requestCount() + m_feedClient.requestCount());
}

std::unique_ptr<Endpoint> RemoteEndpoint::openFetcher() {
    auto fetcher = std::make_unique<RemoteEndpoint>(m_url, m_client.options());
    fetcher->m_fetcherRequests = m_fetcherRequests;
    fetcher->m_isFetcher = true;
    fetcher->m_bulkGet = m_bulkGet;
    if (m_client.cancelled()) fetcher->cancel();
    return fetcher;
}

std::string RemoteEndpoint::identity() {
    std::string id = m_client.displayUrl() + m_dbPath;
    if (!m_client.options().user.empty()) id += "|" + m_client.options().user;
    return id;
}

std::string RemoteEndpoint::displayName() const {
    return m_client.displayUrl() + m_dbPath;
}

std::string RemoteEndpoint::docPath(const std::string& id) const {
    if (id.rfind("_design/", 0) == 0) return m_dbPath + "/_design/" + urlEncode(id.substr(8));
    return m_dbPath + "/" + urlEncode(id);
}

Json RemoteEndpoint::info(bool create) {
    try {
        return m_client.json("GET", m_dbPath + "/");
    } catch (const SyncError& e) {
        if (!(create && e.kind() == ErrorKind::Http && e.status() == 404)) throw;
    }
    try {
        m_client.json("PUT", m_dbPath);
    } catch (const SyncError& e) {
        if (e.status() != 412) throw;  // created meanwhile by someone else
    }
    return m_client.json("GET", m_dbPath + "/");
}

std::optional<Json> RemoteEndpoint::getLocal(const std::string& id) {
    try {
        Json doc = m_client.json("GET", m_dbPath + "/_local/" + urlEncode(id));
        if (doc.contains("_rev") && doc["_rev"].is_string()) m_localRevs[id] = doc["_rev"].get<std::string>();
        return doc;
    } catch (const SyncError& e) {
        if (e.kind() == ErrorKind::Http && e.status() == 404) {
            m_localRevs.erase(id);
            return std::nullopt;
        }
        throw;
    }
}

void RemoteEndpoint::putLocal(const std::string& id, Json body) {
    std::string path = m_dbPath + "/_local/" + urlEncode(id);
    body["_id"] = "_local/" + id;
    body.erase("_rev");
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (auto it = m_localRevs.find(id); it != m_localRevs.end()) body["_rev"] = it->second;
        try {
            Json answer = m_client.json("PUT", path, body);
            if (answer.contains("rev") && answer["rev"].is_string())
                m_localRevs[id] = answer["rev"].get<std::string>();
            return;
        } catch (const SyncError& e) {
            if (attempt == 0 && e.kind() == ErrorKind::Http && e.status() == 409) {
                getLocal(id);  // someone else wrote it: take the current rev and write over it
                body.erase("_rev");
                continue;
            }
            throw;
        }
    }
}

namespace {

// The JSON value of the last member named `key` (quotes included) in `text`, read without parsing
// the rest: a guess at a feed's trailing "last_seq"/"pending" (a document could hold the same
// key), so callers must confirm it against the parsed answer. Only numbers and strings.
std::optional<Json> trailingMember(std::string_view text, std::string_view key) {
    size_t at = text.rfind(key);
    if (at == std::string_view::npos) return std::nullopt;
    size_t i = at + key.size();
    auto skipSpace = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    skipSpace();
    if (i >= text.size() || text[i] != ':') return std::nullopt;
    ++i;
    skipSpace();
    size_t end = i;
    if (end < text.size() && text[end] == '"') {
        for (++end; end < text.size() && text[end] != '"'; end += text[end] == '\\' ? 2 : 1) {
        }
        if (end >= text.size()) return std::nullopt;
        ++end;
    } else {
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                     std::string_view("+-.eE").find(text[end]) != std::string_view::npos))
            ++end;
    }
    if (end == i) return std::nullopt;
    Json value = Json::parse(text.substr(i, end - i), nullptr, false);
    if (value.is_discarded() || !(value.is_string() || value.is_number())) return std::nullopt;
    return value;
}

// Where the page in `text` probably ends, when a next page probably exists (see trailingMember).
std::optional<Json> likelyNextSince(std::string_view text, const Json& since) {
    auto last = trailingMember(text, "\"last_seq\"");
    if (!last || *last == since) return std::nullopt;  // nothing read, or no last_seq
    if (auto pending = trailingMember(text, "\"pending\""); pending && *pending == 0) return std::nullopt;
    return last;
}

ChangesPage parseChangesPage(const JsonText& text, const Json& since, bool withBodies,
                             const std::string& displayName) {
    Json answer = text.parse();
    if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array())
        throw SyncError(ErrorKind::Protocol, displayName + "/_changes: the answer has no \"results\" list");
    ChangesPage page;
    page.results.reserve(answer["results"].size());
    for (auto& row : answer["results"]) {
        if (!row.is_object() || !row.contains("id") || !row["id"].is_string() || !row.contains("changes"))
            throw SyncError(ErrorKind::Protocol,
                            displayName + "/_changes: a row lacks \"id\" or \"changes\"");
        ChangeEntry entry;
        entry.seq = row.value("seq", Json());
        entry.id = row["id"].get<std::string>();
        for (auto& change : row["changes"])
            if (change.is_object() && change.contains("rev") && change["rev"].is_string())
                entry.revs.push_back(change["rev"].get<std::string>());
        entry.deleted = row.value("deleted", false);
        if (withBodies && row.contains("doc") && row["doc"].is_object()) entry.doc = std::move(row["doc"]);
        page.results.push_back(std::move(entry));
    }
    page.lastSeq = answer.contains("last_seq") ? answer["last_seq"]
                   : page.results.empty()      ? since
                                               : page.results.back().seq;
    if (answer.contains("pending") && answer["pending"].is_number_unsigned())
        page.pending = answer["pending"].get<uint64_t>();
    return page;
}

}  // namespace

std::string RemoteEndpoint::changesPath(const Json& since, size_t limit, bool withBodies) const {
    return m_dbPath + "/_changes?style=all_docs&feed=normal&since=" + sinceParam(since) +
           "&limit=" + std::to_string(limit) + (withBodies ? "&include_docs=true" : "");
}

void RemoteEndpoint::readAhead(bool on) {
    m_readAhead = on;
    if (!on) m_ahead.reset();  // waits for a page still on its way
}

void RemoteEndpoint::startReadAhead(const Json& since, size_t limit, bool withBodies) {
    auto arrived = std::make_shared<std::promise<std::optional<Json>>>();
    PageAhead ahead;
    ahead.since = since;
    ahead.limit = limit;
    ahead.arrived = arrived->get_future().share();
    ahead.page = std::async(std::launch::async, [this, arrived, since, limit, withBodies] {
        JsonText text;
        try {
            text = m_feedClient.text("GET", changesPath(since, limit, withBodies));
        } catch (...) {
            arrived->set_exception(std::current_exception());
            throw;
        }
        arrived->set_value(likelyNextSince(text.body, since));
        return parseChangesPage(text, since, withBodies, displayName());
    });
    m_ahead = std::move(ahead);
}

ChangesPage RemoteEndpoint::changes(const Json& since, size_t limit, bool withBodies) {
    std::optional<PageAhead> ahead = std::move(m_ahead);
    m_ahead.reset();
    // Bodies are an optimisation (see Endpoint::changes): a page read ahead without them serves a
    // call that wants them (the caller fetches those revisions), one with them a call that does
    // not (they are dropped).
    if (ahead && ahead->since == since && ahead->limit == limit) {
        std::optional<Json> next;
        try {
            next = ahead->arrived.get();
        } catch (...) {
            ahead->page.wait();
            throw;
        }
        if (next && m_readAhead) startReadAhead(*next, limit, withBodies);
        ChangesPage page = ahead->page.get();
        if (!withBodies)
            for (auto& row : page.results) row.doc = Json();
        return page;
    }
    ahead.reset();  // a page nobody asked for: wait for it and drop it
    JsonText text = m_client.text("GET", changesPath(since, limit, withBodies));
    if (m_readAhead)
        if (auto next = likelyNextSince(text.body, since)) startReadAhead(*next, limit, withBodies);
    return parseChangesPage(text, since, withBodies, displayName());
}

bool RemoteEndpoint::waitForChanges(const Json& since, std::chrono::milliseconds timeout) {
    Json answer =
        m_client.json("GET", m_dbPath + "/_changes?feed=longpoll&limit=1&since=" + sinceParam(since) +
                                 "&timeout=" + std::to_string(timeout.count()));
    return answer.is_object() && answer.contains("results") && answer["results"].is_array() &&
           !answer["results"].empty();
}

storage::RevsDiffResult RemoteEndpoint::revsDiff(const storage::RevsDiffRequest& request) {
    Json body = Json::object();
    for (const auto& [id, revs] : request) body[id] = revs;
    Json answer = m_client.json("POST", m_dbPath + "/_revs_diff", body);
    if (!answer.is_object())
        throw SyncError(ErrorKind::Protocol, displayName() + "/_revs_diff: not a JSON object");
    storage::RevsDiffResult result;
    for (auto& [id, entry] : answer.items()) {
        storage::RevsDiffEntry out;
        if (entry.contains("missing") && entry["missing"].is_array())
            for (auto& rev : entry["missing"])
                if (rev.is_string()) out.missing.push_back(rev.get<std::string>());
        if (entry.contains("possible_ancestors") && entry["possible_ancestors"].is_array())
            for (auto& rev : entry["possible_ancestors"])
                if (rev.is_string()) out.possibleAncestors.push_back(rev.get<std::string>());
        result.emplace(id, std::move(out));
    }
    return result;
}

FetchResult RemoteEndpoint::fetch(const std::vector<std::pair<std::string, std::string>>& idRevs) {
    if (idRevs.empty()) return {};
    if (m_bulkGet) {
        Json docs = Json::array();
        for (const auto& [id, rev] : idRevs) docs.push_back({{"id", id}, {"rev", rev}});
        Json answer;
        try {
            answer =
                m_client.json("POST", m_dbPath + "/_bulk_get?revs=true&latest=true", Json{{"docs", docs}});
        } catch (const SyncError& e) {
            bool lacking = e.kind() == ErrorKind::Http &&
                           (e.status() == 404 || e.status() == 405 || e.status() == 400 || e.status() == 501);
            if (!lacking) throw;
            m_bulkGet = false;
        }
        if (m_bulkGet) {
            if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array())
                throw SyncError(ErrorKind::Protocol,
                                displayName() + "/_bulk_get: the answer has no \"results\" list");
            FetchResult out;
            for (auto& result : answer["results"]) {
                if (!result.contains("docs") || !result["docs"].is_array()) continue;
                for (auto& item : result["docs"]) {
                    if (item.contains("ok") && item["ok"].is_object())
                        out.docs.push_back(std::move(item["ok"]));
                    else if (item.contains("error"))
                        out.errors.push_back(std::move(item["error"]));
                }
            }
            return out;
        }
    }
    return fetchOneByOne(idRevs);
}

FetchResult RemoteEndpoint::fetchOneByOne(const std::vector<std::pair<std::string, std::string>>& idRevs) {
    std::map<std::string, std::vector<std::string>> byId;
    std::vector<std::string> order;
    for (const auto& [id, rev] : idRevs) {
        if (!byId.count(id)) order.push_back(id);
        byId[id].push_back(rev);
    }
    FetchResult out;
    for (const auto& id : order) {
        Json revs = byId[id];
        Json answer;
        try {
            answer = m_client.json(
                "GET", docPath(id) + "?revs=true&latest=true&open_revs=" + urlEncode(revs.dump()));
        } catch (const SyncError& e) {
            if (e.kind() != ErrorKind::Http || e.status() >= 500) throw;
            for (auto& rev : byId[id])
                out.errors.push_back(
                    {{"id", id}, {"rev", rev}, {"error", e.error()}, {"reason", e.reason()}});
            continue;
        }
        if (!answer.is_array())
            throw SyncError(ErrorKind::Protocol,
                            displayName() + ": open_revs for '" + id + "' is not a JSON list");
        for (auto& item : answer) {
            if (item.contains("ok") && item["ok"].is_object())
                out.docs.push_back(std::move(item["ok"]));
            else if (item.contains("missing"))
                out.errors.push_back(
                    {{"id", id}, {"rev", item["missing"]}, {"error", "not_found"}, {"reason", "missing"}});
        }
    }
    return out;
}

std::vector<storage::BulkResult> RemoteEndpoint::writeRevisions(const std::vector<Json>& docs) {
    if (docs.empty()) return {};
    Json body = {{"docs", docs}, {"new_edits", false}};
    Json answer = m_client.json("POST", m_dbPath + "/_bulk_docs", body);
    if (!answer.is_array())
        throw SyncError(ErrorKind::Protocol, displayName() + "/_bulk_docs: the answer is not a list");
    std::vector<storage::BulkResult> failed;
    for (auto& row : answer) {
        if (!row.is_object() || !row.contains("error")) continue;
        storage::BulkResult r;
        r.id = row.value("id", "");
        r.rev = row.value("rev", "");
        r.error = row["error"].is_string() ? row["error"].get<std::string>() : row["error"].dump();
        r.reason =
            row.contains("reason") && row["reason"].is_string() ? row["reason"].get<std::string>() : "";
        failed.push_back(std::move(r));
    }
    return failed;
}

}  // namespace kenes::sync
