// Document endpoints: /{db}/{id}, open_revs (JSON or multipart/mixed), _local, _all_docs,
// _revs_diff, _bulk_get, _bulk_docs (see api.h).
#include <sodium.h>

#include "hub/api.h"

namespace kenes::hub {

namespace {
std::string keyString(const Json& j, const char* what) {
    if (!j.is_string())
        throw HttpError{400, "bad_request", std::string("`") + what + "` must be a string (document id)."};
    return j.get<std::string>();
}

std::optional<Json> firstJson(const std::map<std::string, std::string>& q,
                              std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (auto j = queryJson(q, n)) return j;
    return std::nullopt;
}

std::string revFrom(const Call& call) {
    auto it = call.target.query.find("rev");
    if (it != call.target.query.end()) return it->second;
    std::string etag = call.req.get_header_value("If-Match");
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return etag;
}
}  // namespace

void Api::allDocs(Call& call, storage::Database& db) {
    const auto& q = call.target.query;
    storage::AllDocsOptions o;
    if (auto k = firstJson(q, {"startkey", "start_key"})) o.startKey = keyString(*k, "startkey");
    if (auto k = firstJson(q, {"endkey", "end_key"})) o.endKey = keyString(*k, "endkey");
    if (auto k = queryJson(q, "key")) {
        o.startKey = keyString(*k, "key");
        o.endKey = o.startKey;
    }
    Json keys;
    if (auto k = queryJson(q, "keys")) keys = *k;
    if (call.req.method == "POST") {
        Json body = parseBody(call.req.body);
        if (!body.is_object()) throw HttpError{400, "bad_request", "Request body must be a JSON object"};
        if (body.contains("keys")) keys = body["keys"];
    }
    if (!keys.is_null()) {
        if (!keys.is_array()) throw HttpError{400, "bad_request", "`keys` must be an array."};
        std::vector<std::string> list;
        for (const auto& k : keys) list.push_back(keyString(k, "keys"));
        o.keys = std::move(list);
    }
    o.inclusiveEnd = queryBool(q, "inclusive_end", true);
    if (auto l = queryUint(q, "limit")) o.limit = *l;
    o.skip = queryUint(q, "skip").value_or(0);
    o.descending = queryBool(q, "descending");
    o.includeDocs = queryBool(q, "include_docs");
    o.conflicts = queryBool(q, "conflicts");
    auto r = db.allDocs(o);
    Json rows = Json::array();
    for (const auto& row : r.rows) {
        if (!row.error.empty()) {
            rows.push_back(Json{{"key", row.id}, {"error", row.error}});
            continue;
        }
        Json value{{"rev", row.rev}};
        if (row.deleted) value["deleted"] = true;
        Json j{{"id", row.id}, {"key", row.id}, {"value", value}};
        if (o.includeDocs) j["doc"] = row.doc && !row.deleted ? *row.doc : Json(nullptr);
        rows.push_back(std::move(j));
    }
    Json out{{"total_rows", r.totalRows}, {"offset", r.offset}, {"rows", rows}};
    if (queryBool(q, "update_seq")) out["update_seq"] = r.updateSeq;
    sendJson(call.res, 200, out);
}

void Api::revsDiff(Call& call, storage::Database& db) {
    Json body = parseBody(call.req.body);
    if (!body.is_object()) throw HttpError{400, "bad_request", "Request body must be a JSON object"};
    storage::RevsDiffRequest request;
    for (const auto& [id, revs] : body.items()) {
        if (!revs.is_array())
            throw HttpError{400, "bad_request", "Each `_revs_diff` entry must be an array of revisions."};
        auto& list = request[id];
        for (const auto& r : revs) list.push_back(keyString(r, "rev"));
    }
    Json out = Json::object();
    for (const auto& [id, entry] : db.revsDiff(request)) {
        if (entry.missing.empty()) continue;
        Json e{{"missing", entry.missing}};
        if (!entry.possibleAncestors.empty()) e["possible_ancestors"] = entry.possibleAncestors;
        out[id] = e;
    }
    sendJson(call.res, 200, out);
}

void Api::bulkGet(Call& call, storage::Database& db) {
    Json body = parseBody(call.req.body);
    if (!body.is_object() || !body.contains("docs") || !body["docs"].is_array())
        throw HttpError{400, "bad_request", "Missing JSON list of 'docs'."};
    std::vector<storage::BulkGetRequest> request;
    for (const auto& d : body["docs"]) {
        if (!d.is_object() || !d.contains("id"))
            throw HttpError{400, "bad_request", "Each entry of `docs` needs an `id`."};
        storage::BulkGetRequest r;
        r.id = keyString(d["id"], "id");
        if (d.contains("rev") && !d["rev"].is_null()) r.rev = keyString(d["rev"], "rev");
        request.push_back(std::move(r));
    }
    // The stored documents are answered as the store hands out their text, never parsed here.
    auto answers = db.bulkGetText(request, queryBool(call.target.query, "revs"));
    size_t size = 32;
    for (const auto& r : answers)
        for (const auto& d : r.docs) size += d.json.size() + r.id.size() + 32;
    std::string out;
    out.reserve(size);
    out += "{\"results\":[";
    for (size_t i = 0; i < answers.size(); ++i) {
        const auto& r = answers[i];
        if (i) out += ',';
        out += "{\"id\":";
        out += dumpJson(Json(r.id));
        out += ",\"docs\":[";
        for (size_t k = 0; k < r.docs.size(); ++k) {
            if (k) out += ',';
            out += r.docs[k].ok ? "{\"ok\":" : "{\"error\":";
            out += r.docs[k].json;
            out += '}';
        }
        out += "]}";
    }
    out += "]}\n";
    call.res.status = 200;
    call.res.body = std::move(out);
    call.res.set_header("Content-Type", "application/json");
}

void Api::bulkDocs(Call& call, storage::Database& db) {
    Json body = parseBody(call.req.body);
    if (!body.is_object() || !body.contains("docs") || !body["docs"].is_array())
        throw HttpError{400, "bad_request", "POST body must include `docs` parameter."};
    bool newEdits = true;
    if (body.contains("new_edits")) {
        if (!body["new_edits"].is_boolean())
            throw HttpError{400, "bad_request", "`new_edits` must be a boolean."};
        newEdits = body["new_edits"].get<bool>();
    }
    std::vector<Json> docs;
    docs.reserve(body["docs"].size());
    for (auto& d : body["docs"]) {
        if (!d.is_object()) throw HttpError{400, "bad_request", "Document must be a JSON object"};
        if (d.contains("_id") && d["_id"].is_string() &&
            d["_id"].get<std::string>().rfind("_design/", 0) == 0 &&
            databaseAccess(call.user, call.target.segments[0], db.security()) < Access::Admin)
            throw HttpError{403, "forbidden", "Only database admins may write design documents."};
        docs.push_back(std::move(d));
    }
    Json out = Json::array();
    for (const auto& r : db.bulkDocs(docs, newEdits)) {
        if (r.ok()) {
            if (newEdits) out.push_back(Json{{"ok", true}, {"id", r.id}, {"rev", r.rev}});
        } else {
            Json e{{"id", r.id}, {"error", r.error}, {"reason", r.reason}};
            if (!r.rev.empty()) e["rev"] = r.rev;
            out.push_back(std::move(e));
        }
    }
    sendJson(call.res, 201, out);
}

void Api::openRevs(Call& call, storage::Database& db, const std::string& id) {
    const auto& q = call.target.query;
    std::optional<std::vector<std::string>> revs;
    if (q.at("open_revs") != "all") {
        auto j = queryJson(q, "open_revs");
        if (!j || !j->is_array())
            throw HttpError{400, "bad_request", "`open_revs` must be \"all\" or a JSON array of revisions."};
        std::vector<std::string> list;
        for (const auto& r : *j) list.push_back(keyString(r, "open_revs"));
        revs = std::move(list);
    }
    auto results = db.openRevs(id, revs, queryBool(q, "revs"), queryBool(q, "latest"));
    std::string accept = call.req.get_header_value("Accept");
    if (accept.find("multipart/mixed") != std::string::npos) {
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        char hex[33];
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        std::string boundary(hex), out;
        for (const auto& r : results) {
            out += "--" + boundary + "\r\n";
            if (r.missing()) {
                out += "Content-Type: application/json; error=\"true\"\r\n\r\n";
                out += dumpJson(Json{{"missing", r.rev}});
            } else {
                out += "Content-Type: application/json\r\n\r\n";
                out += dumpJson(*r.doc);
            }
            out += "\r\n";
        }
        out += "--" + boundary + "--";
        call.res.status = 200;
        call.res.set_content(out, "multipart/mixed; boundary=\"" + boundary + "\"");
        return;
    }
    Json out = Json::array();
    for (const auto& r : results) {
        if (r.missing())
            out.push_back(Json{{"missing", r.rev}});
        else
            out.push_back(Json{{"ok", *r.doc}});
    }
    sendJson(call.res, 200, out);
}

void Api::document(Call& call, storage::Database& db, const std::string& id, Access) {
    const auto& q = call.target.query;
    const std::string& method = call.req.method;
    if (method == "GET" || method == "HEAD") {
        if (q.count("open_revs")) return openRevs(call, db, id);
        storage::GetOptions o;
        if (q.count("rev")) o.rev = q.at("rev");
        o.revs = queryBool(q, "revs");
        o.conflicts = queryBool(q, "conflicts");
        o.deletedConflicts = queryBool(q, "deleted_conflicts");
        o.latest = queryBool(q, "latest");
        o.revsInfo = queryBool(q, "revs_info");
        if (queryBool(q, "meta")) o.conflicts = o.deletedConflicts = o.revsInfo = true;
        Json doc = db.get(id, o);
        if (doc.contains("_rev") && doc["_rev"].is_string())
            call.res.set_header("ETag", "\"" + doc["_rev"].get<std::string>() + "\"");
        return sendJson(call.res, 200, doc);
    }
    if (method == "PUT") {
        Json doc = parseBody(call.req.body);
        if (!doc.is_object()) throw HttpError{400, "bad_request", "Document must be a JSON object"};
        doc["_id"] = id;
        std::string rev = revFrom(call);
        if (!rev.empty()) doc["_rev"] = rev;
        if (!queryBool(q, "new_edits", true)) {
            if (!doc.contains("_rev")) throw HttpError{400, "bad_request", "new_edits=false needs a `_rev`."};
            auto rows = db.bulkDocs({doc}, false);
            if (!rows.empty() && !rows[0].ok())
                throw HttpError{rows[0].error == "forbidden" ? 403 : 400, rows[0].error, rows[0].reason};
            return sendJson(call.res, 201, Json{{"ok", true}, {"id", id}, {"rev", doc["_rev"]}});
        }
        auto r = db.put(doc);
        call.res.set_header("ETag", "\"" + r.rev + "\"");
        return sendJson(call.res, 201, Json{{"ok", true}, {"id", r.id}, {"rev", r.rev}});
    }
    if (method == "DELETE") {
        std::string rev = revFrom(call);
        if (rev.empty()) throw HttpError{409, "conflict", "Document update conflict."};
        auto r = db.remove(id, rev);
        call.res.set_header("ETag", "\"" + r.rev + "\"");
        return sendJson(call.res, 200, Json{{"ok", true}, {"id", r.id}, {"rev", r.rev}});
    }
    throw methodNotAllowed("DELETE,GET,HEAD,PUT");
}

void Api::localDocument(Call& call, storage::Database& db, const std::string& id) {
    const std::string& method = call.req.method;
    std::string fullId = "_local/" + id;
    if (method == "GET" || method == "HEAD") {
        auto doc = db.getLocal(id);
        if (!doc) throw HttpError{404, "not_found", "missing"};
        Json out = *doc;
        out["_id"] = fullId;
        return sendJson(call.res, 200, out);
    }
    if (method == "PUT") {
        Json body = parseBody(call.req.body);
        if (!body.is_object()) throw HttpError{400, "bad_request", "Document must be a JSON object"};
        body.erase("_id");
        auto r = db.putLocal(id, body);
        return sendJson(call.res, 201, Json{{"ok", true}, {"id", fullId}, {"rev", r.rev}});
    }
    if (method == "DELETE") {
        if (!db.getLocal(id)) throw HttpError{404, "not_found", "missing"};
        db.removeLocal(id);
        return sendJson(call.res, 200, Json{{"ok", true}, {"id", fullId}, {"rev", "0-0"}});
    }
    throw methodNotAllowed("DELETE,GET,HEAD,PUT");
}

}  // namespace kenes::hub
