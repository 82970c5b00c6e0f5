// Helpers of the sync tests (see sync_test_util.h).
#include "sync_test_util.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "support/process.h"

namespace kenes::synctest {

namespace {

std::string revHash(const std::string& seed) {
    // A deterministic 32-hex-digit revision hash (FNV-1a, twice), like CouchDB's md5 ids.
    uint64_t h1 = 1469598103934665603ull, h2 = 1099511628211ull * 31;
    for (unsigned char c : seed) {
        h1 = (h1 ^ c) * 1099511628211ull;
        h2 = (h2 ^ c) * 1099511628211ull + 7;
    }
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
    return buf;
}

Json revision(const std::string& id, const std::vector<std::string>& hashes, Json body, bool deleted) {
    body["_id"] = id;
    body["_rev"] = std::to_string(hashes.size()) + "-" + hashes.back();
    Json ids = Json::array();
    for (auto it = hashes.rbegin(); it != hashes.rend(); ++it) ids.push_back(*it);
    body["_revisions"] = {{"start", hashes.size()}, {"ids", ids}};
    if (deleted) body["_deleted"] = true;
    return body;
}

Json bodyOf(const Json& doc) {
    Json out = Json::object();
    for (auto& [k, v] : doc.items())
        if (k.empty() || k[0] != '_') out[k] = v;
    return out;
}

}  // namespace

std::vector<Json> makeDataset(int count, const std::string& prefix) {
    std::vector<Json> docs;
    char idBuf[32];
    for (int i = 0; i < count; ++i) {
        std::snprintf(idBuf, sizeof idBuf, "%05d", i);
        std::string id = prefix + idBuf;
        Json body = {{"type", "note"},
                     {"n", i},
                     {"title", "Заметка " + std::to_string(i)},
                     {"text", "Freedom of association and the right to organise, item " + std::to_string(i)}};
        std::string h1 = revHash(id + "/1");
        if (i % 5 == 0) {
            // two conflicting branches from the same first revision
            Json a = body, b = body;
            a["branch"] = "a";
            b["branch"] = "b";
            docs.push_back(revision(id, {h1, revHash(id + "/2a")}, a, false));
            docs.push_back(revision(id, {h1, revHash(id + "/2b"), revHash(id + "/3b")}, b, i % 35 == 0));
        } else if (i % 7 == 0) {
            docs.push_back(revision(id, {h1, revHash(id + "/2")}, Json::object(), true));
        } else if (i % 2 == 0) {
            docs.push_back(revision(id, {h1, revHash(id + "/2")}, body, false));
        } else {
            docs.push_back(revision(id, {h1}, body, false));
        }
    }
    return docs;
}

Json getRemote(int port, const std::string& target) {
    auto reply = test::httpRequest(port, "GET", target, {}, {{"Accept", "application/json"}});
    if (reply.status != 200)
        throw std::runtime_error("GET " + target + ": HTTP " + std::to_string(reply.status) + " " +
                                 reply.body);
    return Json::parse(reply.body);
}

void putRemote(int port, const std::string& db, const std::vector<Json>& docs) {
    test::httpRequest(port, "PUT", "/" + db);
    for (size_t start = 0; start < docs.size(); start += 2000) {
        Json batch = Json::array();
        for (size_t i = start; i < std::min(docs.size(), start + 2000); ++i) batch.push_back(docs[i]);
        Json body = {{"docs", batch}, {"new_edits", false}};
        auto reply = test::httpRequest(port, "POST", "/" + db + "/_bulk_docs", body.dump(),
                                       {{"Content-Type", "application/json"}});
        if (reply.status != 201 && reply.status != 200)
            throw std::runtime_error("_bulk_docs: HTTP " + std::to_string(reply.status) + " " + reply.body);
    }
}

Snapshot remoteSnapshot(int port, const std::string& db) {
    Snapshot snap;
    Json changes = getRemote(port, "/" + db + "/_changes?style=all_docs");
    for (auto& row : changes["results"]) {
        auto& state = snap[row["id"].get<std::string>()];
        for (auto& c : row["changes"]) state.leaves.insert(c["rev"].get<std::string>());
    }
    Json all = getRemote(port, "/" + db + "/_all_docs?include_docs=true&conflicts=true");
    for (auto& row : all["rows"]) {
        auto& state = snap[row["id"].get<std::string>()];
        state.winner = row["value"]["rev"].get<std::string>();
        state.body = bodyOf(row["doc"]);
        if (row["doc"].contains("_conflicts"))
            for (auto& r : row["doc"]["_conflicts"]) state.conflicts.push_back(r.get<std::string>());
        std::sort(state.conflicts.begin(), state.conflicts.end());
    }
    for (auto& [id, state] : snap) {
        if (!state.winner.empty()) continue;
        // deleted winner: the document with ?deleted revision via open_revs is enough to know it exists;
        // the winner of a deleted document is the highest deleted leaf (CouchDB's rule).
        state.deleted = true;
        std::string best;
        for (auto& leaf : state.leaves) {
            auto pos = [](const std::string& r) { return std::stoll(r.substr(0, r.find('-'))); };
            if (best.empty() || pos(leaf) > pos(best) || (pos(leaf) == pos(best) && leaf > best)) best = leaf;
        }
        state.winner = best;
        state.body = nullptr;
    }
    return snap;
}

Snapshot localSnapshot(storage::Database& db) {
    Snapshot snap;
    storage::ChangesOptions co;
    co.allLeaves = true;
    for (auto& row : db.changes(co).results) {
        auto& state = snap[row.id];
        for (auto& r : row.revs) state.leaves.insert(r);
    }
    storage::AllDocsOptions ao;
    ao.includeDocs = true;
    ao.conflicts = true;
    for (auto& row : db.allDocs(ao).rows) {
        auto& state = snap[row.id];
        state.winner = row.rev;
        state.body = bodyOf(*row.doc);
        if (row.doc->contains("_conflicts"))
            for (auto& r : (*row.doc)["_conflicts"]) state.conflicts.push_back(r.get<std::string>());
        std::sort(state.conflicts.begin(), state.conflicts.end());
    }
    for (auto& [id, state] : snap) {
        if (!state.winner.empty()) continue;
        state.deleted = true;
        std::string best;
        for (auto& leaf : state.leaves) {
            auto pos = [](const std::string& r) { return std::stoll(r.substr(0, r.find('-'))); };
            if (best.empty() || pos(leaf) > pos(best) || (pos(leaf) == pos(best) && leaf > best)) best = leaf;
        }
        state.winner = best;
        state.body = nullptr;
    }
    return snap;
}

std::string describeDifference(const Snapshot& a, const Snapshot& b) {
    if (a.size() != b.size())
        return "document counts differ: " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia->first != ib->first) return "ids differ: " + ia->first + " vs " + ib->first;
        const auto& x = ia->second;
        const auto& y = ib->second;
        if (x == y) continue;
        Json jx = {{"winner", x.winner},
                   {"deleted", x.deleted},
                   {"conflicts", x.conflicts},
                   {"leaves", x.leaves},
                   {"body", x.body}};
        Json jy = {{"winner", y.winner},
                   {"deleted", y.deleted},
                   {"conflicts", y.conflicts},
                   {"leaves", y.leaves},
                   {"body", y.body}};
        return ia->first + ": " + jx.dump() + " vs " + jy.dump();
    }
    return {};
}

}  // namespace kenes::synctest
