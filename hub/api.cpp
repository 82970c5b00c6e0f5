// Routing, authentication, server-level and database-level endpoints (see api.h).
#include "hub/api.h"

#include <sodium.h>
#include <strings.h>

#include <iostream>

namespace kenes::hub {

namespace {
using storage::StoreError;

std::string cookieValue(const std::string& header, const std::string& name) {
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string::npos) end = header.size();
        std::string part = header.substr(pos, end - pos);
        pos = end + 1;
        size_t b = part.find_first_not_of(' ');
        if (b == std::string::npos) continue;
        part = part.substr(b);
        if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    }
    return {};
}

std::optional<std::pair<std::string, std::string>> basicCredentials(const std::string& header) {
    if (header.size() < 6 || strncasecmp(header.c_str(), "Basic ", 6) != 0) return std::nullopt;
    std::string b64 = header.substr(6);
    std::string bin(b64.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.c_str(), b64.size(),
                          " \t", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    bin.resize(len);
    auto colon = bin.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(bin.substr(0, colon), bin.substr(colon + 1));
}

Json userCtx(const std::optional<Account>& user) {
    if (!user) return Json{{"name", nullptr}, {"roles", Json::array()}};
    return Json{{"name", user->name}, {"roles", Json::array({roleName(user->role)})}};
}

const char* kNotAuthorized = "You are not authorized to access this db.";
}  // namespace

HttpError methodNotAllowed(const std::string& allowed) {
    return HttpError{405, "method_not_allowed", "Only " + allowed + " allowed"};
}

Api::Api(storage::Store& store, AccountStore& accounts, const std::atomic<bool>& stopping,
         size_t longpollSlots, bool secureCookies)
    : m_store(store),
      m_accounts(accounts),
      m_stopping(stopping),
      m_longpollSlots(longpollSlots),
      m_secureCookies(secureCookies),
      m_uuid(accounts.serverUuid()) {}

void Api::sendJson(httplib::Response& res, int status, const Json& body) {
    res.status = status;
    res.body = dumpJson(body);
    res.body += '\n';
    res.set_header("Content-Type", "application/json");
}

void Api::sendError(httplib::Response& res, int status, const std::string& error, const std::string& reason) {
    sendJson(res, status, Json{{"error", error}, {"reason", reason}});
}

void Api::handle(Call& call) {
    try {
        if (call.req.headers.size() > 100) {
            sendError(call.res, 431, "request_header_fields_too_large",
                      "The request has too many header fields.");
            return;
        }
        call.target = parseTarget(call.req.target);
        authenticate(call);
        route(call);
    } catch (const HttpError& e) {
        sendError(call.res, e.status, e.error, e.reason);
    } catch (const StoreError& e) {
        sendError(call.res, e.status(), e.error(), e.reason());
    } catch (const Json::exception& e) {
        sendError(call.res, 400, "bad_request", std::string("The request is not valid: ") + e.what());
    } catch (const std::exception& e) {
        std::cerr << "kenes hub: internal error: " << e.what() << "\n";
        sendError(call.res, 500, "internal_error", "The hub failed to answer this request; see its log.");
    }
}

void Api::authenticate(Call& call) {
    std::string auth = call.req.get_header_value("Authorization");
    if (!auth.empty()) {
        auto creds = basicCredentials(auth);
        if (!creds)
            throw HttpError{401, "unauthorized", "Malformed Authorization header; only Basic is supported."};
        if (int wait = m_throttle.retryAfter(creds->first, call.req.remote_addr); wait > 0) {
            call.res.set_header("Retry-After", std::to_string(wait));
            throw HttpError{429, "too_many_requests",
                            "Too many failed logins; try again in " + std::to_string(wait) + " seconds."};
        }
        auto account = m_accounts.verify(creds->first, creds->second);
        if (!account) {
            m_throttle.failed(creds->first, call.req.remote_addr);
            throw HttpError{401, "unauthorized", "Name or password is incorrect."};
        }
        call.user = account;
        call.authenticatedBy = "default";
        return;
    }
    std::string token = cookieValue(call.req.get_header_value("Cookie"), "AuthSession");
    if (!token.empty()) {
        if (auto name = m_sessions.find(token)) {
            if (auto account = m_accounts.find(*name)) {
                call.user = account;
                call.authenticatedBy = "cookie";
            }
        }
    }
}

std::shared_ptr<storage::Database> Api::open(const std::string& name) {
    if (name == AccountStore::kDatabase || !m_store.hasDatabase(name))
        throw HttpError{404, "not_found", "Database does not exist."};
    try {
        return m_store.database(name);
    } catch (const StoreError& e) {
        if (e.status() == 404) throw HttpError{404, "not_found", "Database does not exist."};
        throw;
    }
}

Access Api::require(Call& call, const std::string& name, storage::Database& db, Access needed) {
    if (!call.user) throw HttpError{401, "unauthorized", kNotAuthorized};
    Access a = databaseAccess(call.user, name, db.security());
    if (a < needed) {
        if (a == Access::None) throw HttpError{403, "forbidden", "You are not allowed to access this db."};
        throw HttpError{403, "forbidden", "You are not allowed to write to this db."};
    }
    return a;
}

void Api::route(Call& call) {
    const auto& seg = call.target.segments;
    const std::string& method = call.req.method;
    if (seg.empty()) {
        if (method != "GET" && method != "HEAD") throw methodNotAllowed("GET,HEAD");
        return root(call);
    }
    if (seg[0] == "_session") return session(call);
    if (seg[0] == "_up") return sendJson(call.res, 200, Json{{"status", "ok"}});
    if (!call.user) throw HttpError{401, "unauthorized", kNotAuthorized};
    if (seg[0] == "_all_dbs") {
        if (method != "GET" && method != "HEAD") throw methodNotAllowed("GET,HEAD");
        return allDbs(call);
    }
    if (seg[0] == "_uuids") {
        uint64_t count = std::min<uint64_t>(queryUint(call.target.query, "count").value_or(1), 1000);
        Json uuids = Json::array();
        for (uint64_t i = 0; i < count; ++i) {
            unsigned char raw[16];
            randombytes_buf(raw, sizeof raw);
            char hex[33];
            sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
            uuids.push_back(hex);
        }
        return sendJson(call.res, 200, Json{{"uuids", uuids}});
    }
    if (seg[0][0] == '_')
        throw HttpError{400, "illegal_database_name",
                        "Name: '" + seg[0] +
                            "'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, "
                            "$, (, ), +, -, and / are allowed. Must begin with a letter."};
    const std::string& name = seg[0];
    if (!storage::isValidDatabaseName(name))
        throw HttpError{
            400, "illegal_database_name",
            "Name: '" + (isValidUtf8(name) ? name : std::string("(invalid UTF-8)")) +
                "'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, "
                "(, ), +, -, and / are allowed. Must begin with a letter."};
    if (seg.size() == 1) return database(call, name);

    auto db = open(name);
    const std::string& sub = seg[1];
    auto needMethod = [&](std::initializer_list<const char*> allowed, const std::string& text) {
        for (const char* m : allowed)
            if (method == m) return;
        throw methodNotAllowed(text);
    };
    if (sub == "_changes") {
        needMethod({"GET", "HEAD", "POST"}, "GET,HEAD,POST");
        require(call, name, *db, Access::Read);
        return changes(call, db);
    }
    if (sub == "_all_docs") {
        needMethod({"GET", "HEAD", "POST"}, "GET,HEAD,POST");
        require(call, name, *db, Access::Read);
        return allDocs(call, *db);
    }
    if (sub == "_revs_diff") {
        needMethod({"POST"}, "POST");
        require(call, name, *db, Access::Read);
        return revsDiff(call, *db);
    }
    if (sub == "_bulk_get") {
        needMethod({"POST"}, "POST");
        require(call, name, *db, Access::Read);
        return bulkGet(call, *db);
    }
    if (sub == "_bulk_docs") {
        needMethod({"POST"}, "POST");
        require(call, name, *db, Access::Write);
        return bulkDocs(call, *db);
    }
    if (sub == "_ensure_full_commit") {
        needMethod({"POST"}, "POST");
        require(call, name, *db, Access::Read);
        return sendJson(call.res, 201, Json{{"ok", true}, {"instance_start_time", "0"}});
    }
    if (sub == "_security") return security(call, name, *db);
    if (sub == "_revs_limit") {
        if (method == "GET" || method == "HEAD") {
            require(call, name, *db, Access::Read);
            return sendJson(call.res, 200, db->revsLimit());
        }
        needMethod({"PUT"}, "GET,HEAD,PUT");
        require(call, name, *db, Access::Admin);
        Json body = parseBody(call.req.body);
        if (!body.is_number_unsigned() || body.get<uint64_t>() == 0)
            throw HttpError{400, "bad_request", "`revs_limit` must be a positive integer."};
        db->setRevsLimit(body.get<uint64_t>());
        return sendJson(call.res, 200, Json{{"ok", true}});
    }
    if (sub == "_compact") {
        needMethod({"POST"}, "POST");
        require(call, name, *db, Access::Admin);
        db->compact();
        return sendJson(call.res, 202, Json{{"ok", true}});
    }
    if (sub == "_local") {
        if (seg.size() < 3) throw HttpError{400, "bad_request", "A _local document needs an id."};
        std::string id = seg[2];
        for (size_t i = 3; i < seg.size(); ++i) id += "/" + seg[i];
        if (!isValidUtf8(id)) throw HttpError{400, "bad_request", "Document id must be valid UTF-8."};
        require(call, name, *db, Access::Read);  // readers keep replication checkpoints here
        return localDocument(call, *db, id);
    }
    std::string id = sub;
    size_t next = 2;
    if (sub == "_design") {
        if (seg.size() < 3) throw HttpError{400, "illegal_docid", "Illegal document id `_design/`"};
        id = "_design/" + seg[2];
        next = 3;
    } else if (sub[0] == '_') {
        throw HttpError{400, "illegal_docid", "Only reserved document ids may start with underscore."};
    }
    if (seg.size() > next) throw HttpError{404, "not_found", "Document is missing attachment"};
    if (!isValidUtf8(id)) throw HttpError{400, "bad_request", "Document id must be valid UTF-8."};
    bool reading = method == "GET" || method == "HEAD";
    Access needed = reading ? Access::Read : (id.rfind("_design/", 0) == 0 ? Access::Admin : Access::Write);
    Access a = require(call, name, *db, needed);
    document(call, *db, id, a);
}

void Api::root(Call& call) {
    sendJson(call.res, 200,
             Json{{"couchdb", "Welcome"},
                  {"version", "3.3.3"},
                  {"uuid", m_uuid},
                  {"features", Json::array()},
                  {"vendor", {{"name", "Kenes"}, {"version", "0.1.0"}}}});
}

void Api::allDbs(Call& call) {
    Json out = Json::array();
    for (const auto& name : m_store.allDatabases()) {
        if (name == AccountStore::kDatabase) continue;
        if (name.rfind("userdb-", 0) == 0) {
            if (databaseAccess(call.user, name, Json::object()) != Access::None) out.push_back(name);
            continue;
        }
        try {
            auto db = m_store.database(name);
            if (databaseAccess(call.user, name, db->security()) != Access::None) out.push_back(name);
        } catch (const StoreError&) {
            // deleted meanwhile
        }
    }
    sendJson(call.res, 200, out);
}

void Api::session(Call& call) {
    const std::string& method = call.req.method;
    if (method == "GET" || method == "HEAD") {
        Json info{{"authentication_handlers", Json::array({"cookie", "default"})}};
        if (call.user) info["authenticated"] = call.authenticatedBy;
        return sendJson(call.res, 200, Json{{"ok", true}, {"userCtx", userCtx(call.user)}, {"info", info}});
    }
    std::string secure = m_secureCookies ? "; Secure" : "";
    if (method == "DELETE") {
        std::string token = cookieValue(call.req.get_header_value("Cookie"), "AuthSession");
        if (!token.empty()) m_sessions.erase(token);
        call.res.set_header("Set-Cookie",
                            "AuthSession=; Version=1; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + secure);
        return sendJson(call.res, 200, Json{{"ok", true}});
    }
    if (method != "POST") throw methodNotAllowed("GET,HEAD,POST,DELETE");
    std::string name, password;
    const std::string& body = call.req.body;
    std::string type = call.req.get_header_value("Content-Type");
    if (type.find("application/x-www-form-urlencoded") != std::string::npos) {
        Target form = parseTarget("/?" + body);
        name = form.query["name"];
        password = form.query["password"];
    } else {
        Json j = parseBody(body);
        if (!j.is_object()) throw HttpError{400, "bad_request", "Request body must be a JSON object"};
        if (j.contains("name") && j["name"].is_string()) name = j["name"].get<std::string>();
        if (j.contains("password") && j["password"].is_string()) password = j["password"].get<std::string>();
    }
    if (int wait = m_throttle.retryAfter(name, call.req.remote_addr); wait > 0) {
        call.res.set_header("Retry-After", std::to_string(wait));
        throw HttpError{429, "too_many_requests",
                        "Too many failed logins; try again in " + std::to_string(wait) + " seconds."};
    }
    auto account = m_accounts.verify(name, password);
    if (!account) {
        m_throttle.failed(name, call.req.remote_addr);
        throw HttpError{401, "unauthorized", "Name or password is incorrect."};
    }
    m_throttle.succeeded(name, call.req.remote_addr);
    call.user = account;
    std::string token = m_sessions.create(account->name);
    call.res.set_header("Set-Cookie", "AuthSession=" + token + "; Version=1; Path=/; Max-Age=" +
                                          std::to_string(m_sessions.lifetime().count()) +
                                          "; HttpOnly; SameSite=Lax" + secure);
    Json ctx = userCtx(account);
    sendJson(call.res, 200, Json{{"ok", true}, {"name", ctx["name"]}, {"roles", ctx["roles"]}});
}

void Api::database(Call& call, const std::string& name) {
    const std::string& method = call.req.method;
    bool privateName = name == AccountStore::kDatabase || name.rfind("userdb-", 0) == 0;
    if (method == "PUT" || method == "DELETE") {
        if (privateName)
            throw HttpError{403, "forbidden",
                            "Account databases are created and removed with `kenes hub user`."};
        if (!call.user || call.user->role != Role::Organizer)
            throw HttpError{403, "forbidden", "You are not a server admin."};
        if (method == "PUT") {
            try {
                m_store.createDatabase(name);
            } catch (const StoreError& e) {
                if (e.status() == 412)
                    throw HttpError{412, "file_exists",
                                    "The database could not be created, the file already exists."};
                throw;
            }
            call.res.set_header("Location", "/" + percentEncode(name));
            return sendJson(call.res, 201, Json{{"ok", true}});
        }
        open(name);
        m_store.deleteDatabase(name);
        return sendJson(call.res, 200, Json{{"ok", true}});
    }
    auto db = open(name);
    if (method == "GET" || method == "HEAD") {
        require(call, name, *db, Access::Read);
        auto info = db->info();
        Json sizes{{"file", info.sizeBytes}, {"external", info.sizeBytes}, {"active", info.sizeBytes}};
        return sendJson(call.res, 200,
                        Json{{"db_name", info.name},
                             {"doc_count", info.docCount},
                             {"doc_del_count", info.docDelCount},
                             {"update_seq", info.updateSeq},
                             {"purge_seq", 0},
                             {"compact_running", false},
                             {"sizes", sizes},
                             {"disk_format_version", 8},
                             {"instance_start_time", "0"},
                             {"uuid", info.uuid}});
    }
    if (method == "POST") {
        require(call, name, *db, Access::Write);
        Json doc = parseBody(call.req.body);
        if (!doc.is_object()) throw HttpError{400, "bad_request", "Document must be a JSON object"};
        if (doc.contains("_id") && doc["_id"].is_string() &&
            doc["_id"].get<std::string>().rfind("_design/", 0) == 0)
            require(call, name, *db, Access::Admin);
        storage::PutResult r = doc.contains("_id") ? db->put(doc) : db->post(doc);
        call.res.set_header("Location", "/" + percentEncode(name) + "/" + percentEncode(r.id));
        return sendJson(call.res, 201, Json{{"ok", true}, {"id", r.id}, {"rev", r.rev}});
    }
    throw methodNotAllowed("DELETE,GET,HEAD,POST,PUT");
}

void Api::security(Call& call, const std::string& name, storage::Database& db) {
    const std::string& method = call.req.method;
    if (method == "GET" || method == "HEAD") {
        require(call, name, db, Access::Read);
        Json s = db.security();
        return sendJson(call.res, 200, s.is_null() ? Json::object() : s);
    }
    if (method != "PUT") throw methodNotAllowed("GET,HEAD,PUT");
    require(call, name, db, Access::Admin);
    Json body = parseBody(call.req.body);
    if (!body.is_object()) throw HttpError{400, "bad_request", "The security object must be a JSON object."};
    for (const char* group : {"admins", "members"}) {
        if (!body.contains(group)) continue;
        const Json& g = body[group];
        if (!g.is_object())
            throw HttpError{400, "bad_request", std::string("`") + group + "` must be an object."};
        for (const char* list : {"names", "roles"})
            if (g.contains(list) && !g[list].is_array())
                throw HttpError{400, "bad_request",
                                std::string("`") + group + "." + list + "` must be an array."};
    }
    db.setSecurity(body);
    sendJson(call.res, 200, Json{{"ok", true}});
}

}  // namespace kenes::hub
