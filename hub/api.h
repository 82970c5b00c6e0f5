// The CouchDB HTTP API of the hub (internal to hub/). Api::handle() routes one request:
//   GET /, /_all_dbs, /_session (POST/GET/DELETE), /_uuids, /_up;
//   HEAD/GET/PUT/DELETE/POST /{db}; /{db}/_changes (normal, longpoll), _revs_diff, _bulk_get,
//   _bulk_docs, _all_docs, _ensure_full_commit, _security, _revs_limit, _compact;
//   GET/PUT/DELETE /{db}/{id} (and _design/{id}), /{db}/_local/{id}.
// Errors are answered as CouchDB writes them. Thread-safe: one Api serves all worker threads.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <httplib.h>

#include "hub/access.h"
#include "hub/accounts.h"
#include "hub/http_util.h"
#include "storage/store.h"

namespace kenes::hub {

// One request in flight.
struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    Target target;
    std::optional<Account> user;
    std::string authenticatedBy;  // "cookie", "default" (Basic) or empty
};

class Api {
public:
    Api(storage::Store& store, AccountStore& accounts, const std::atomic<bool>& stopping,
        size_t longpollSlots, bool secureCookies);

    // Authenticates, routes and answers. Never throws.
    void handle(Call& call);

    static void sendJson(httplib::Response& res, int status, const Json& body);
    static void sendError(httplib::Response& res, int status, const std::string& error,
                          const std::string& reason);

private:
    void authenticate(Call& call);
    void route(Call& call);
    void root(Call& call);
    void allDbs(Call& call);
    void session(Call& call);
    void database(Call& call, const std::string& name);
    void security(Call& call, const std::string& name, storage::Database& db);
    Access require(Call& call, const std::string& name, storage::Database& db, Access needed);
    std::shared_ptr<storage::Database> open(const std::string& name);

    // api_changes.cpp
    void changes(Call& call, const std::shared_ptr<storage::Database>& db);
    // api_documents.cpp
    void allDocs(Call& call, storage::Database& db);
    void revsDiff(Call& call, storage::Database& db);
    void bulkGet(Call& call, storage::Database& db);
    void bulkDocs(Call& call, storage::Database& db);
    void document(Call& call, storage::Database& db, const std::string& id, Access access);
    void openRevs(Call& call, storage::Database& db, const std::string& id);
    void localDocument(Call& call, storage::Database& db, const std::string& id);

    storage::Store& m_store;
    AccountStore& m_accounts;
    SessionTable m_sessions{std::chrono::hours(10)};
    LoginThrottle m_throttle;
    const std::atomic<bool>& m_stopping;
    size_t m_longpollSlots;
    std::atomic<size_t> m_longpolls{0};
    bool m_secureCookies;
    std::string m_uuid;
};

// Raised inside handlers for "method not allowed".
HttpError methodNotAllowed(const std::string& allowed);

}  // namespace kenes::hub
