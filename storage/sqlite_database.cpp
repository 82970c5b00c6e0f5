// SqliteDatabase: CouchDB document semantics over the SQLite tables of sqlite_store.cpp.
#include "storage/sqlite_database.h"

#include <algorithm>
#include <set>

#include "storage/json_text.h"
#include "storage/sqlite_database_rows.h"

namespace kenes::storage {

namespace {

Json revisionsOf(const RevisionTree& tree, const std::string& rev, uint64_t limit) {
    Json ids = Json::array();
    auto hist = tree.history(rev, limit);
    for (const auto* n : hist) ids.push_back(n->hash);
    return Json{{"start", hist.empty() ? 0 : hist.front()->gen}, {"ids", ids}};
}

// The document of `rev` as CouchDB returns it; nullopt when its body is gone (compacted).
std::optional<Json> renderRev(ModelSql& sql, const DocState& state, const std::string& id,
                              const std::string& rev, bool withRevisions, uint64_t revsLimit) {
    const auto* node = state.tree.find(rev);
    if (!node) return std::nullopt;
    auto text = loadBody(sql, state.docKey, rev);
    if (!text) return std::nullopt;
    Json doc = Json::parse(*text);
    doc["_id"] = id;
    doc["_rev"] = rev;
    if (node->deleted) doc["_deleted"] = true;
    if (withRevisions) doc["_revisions"] = revisionsOf(state.tree, rev, revsLimit);
    return doc;
}

// `{"_id":…,"_rev":…` + `extra` + the members of the stored body text (compact, "{…}").
void spliceBody(std::string& out, std::string_view body) {
    size_t open = body.find('{');
    std::string_view members = open == std::string_view::npos ? std::string_view("}") : body.substr(open + 1);
    while (!members.empty() && (members.front() == ' ' || members.front() == '\n')) members.remove_prefix(1);
    if (members.empty() || members.front() != '}') out += ',';
    out += members;
}

// renderRev as JSON text, the body spliced in without parsing it.
std::optional<std::string> renderRevText(ModelSql& sql, const DocState& state, const std::string& id,
                                         const std::string& rev, bool withRevisions, uint64_t revsLimit) {
    const auto* node = state.tree.find(rev);
    if (!node) return std::nullopt;
    auto body = loadBody(sql, state.docKey, rev);
    if (!body) return std::nullopt;
    std::string out;
    out.reserve(body->size() + id.size() + rev.size() + (withRevisions ? 1024 : 32));
    out += "{\"_id\":";
    appendJsonString(out, id);
    out += ",\"_rev\":";
    appendJsonString(out, rev);
    if (node->deleted) out += ",\"_deleted\":true";
    if (withRevisions) {
        auto hist = state.tree.history(rev, revsLimit);
        out += ",\"_revisions\":{\"start\":";
        out += std::to_string(hist.empty() ? 0 : hist.front()->gen);
        out += ",\"ids\":[";
        for (size_t i = 0; i < hist.size(); ++i) {
            if (i) out += ',';
            appendJsonString(out, hist[i]->hash);
        }
        out += "]}";
    }
    spliceBody(out, *body);
    return out;
}

}  // namespace

StoreError badRequest(const std::string& reason) {
    return StoreError(400, "bad_request", reason);
}

// The body of a document without its special fields. Throws 400 for unknown `_` fields.
Json stripSpecial(const Json& doc) {
    Json body = Json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& key = it.key();
        if (!key.empty() && key[0] == '_') {
            if (isSpecialMember(key)) continue;
            throw StoreError(400, "doc_validation", "Bad special document member: " + key);
        }
        body[key] = it.value();
    }
    return body;
}

std::string dumpChecked(const Json& body) {
    try {
        return body.dump();
    } catch (const nlohmann::json::exception&) {
        throw badRequest("The document contains text that is not valid UTF-8.");
    }
}

DocState loadDoc(ModelSql& sql, int64_t dbId, const std::string& id) {
    DocState state;
    auto st = sql.prepare("SELECT doc_key FROM docs WHERE db_id = ? AND id = ?");
    st.bind(1, dbId).bind(2, id);
    if (!st.step()) return state;
    state.exists = true;
    state.docKey = st.integer(0);
    auto revs = sql.prepare(
        "SELECT rev, gen, hash, parent, leaf, deleted, body IS NOT NULL FROM revs WHERE doc_key = ?");
    revs.bind(1, state.docKey);
    while (revs.step()) {
        RevisionTree::Node n;
        n.rev = revs.text(0);
        n.gen = static_cast<uint64_t>(revs.integer(1));
        n.hash = revs.text(2);
        if (!revs.isNull(3)) n.parent = revs.text(3);
        n.leaf = revs.integer(4) != 0;
        n.deleted = revs.integer(5) != 0;
        n.hasBody = revs.integer(6) != 0;
        state.tree.addLoaded(std::move(n));
    }
    return state;
}

std::optional<std::string> loadBody(ModelSql& sql, int64_t docKey, const std::string& rev) {
    auto st = sql.prepare("SELECT body FROM revs WHERE doc_key = ? AND rev = ?");
    st.bind(1, docKey).bind(2, rev);
    if (!st.step() || st.isNull(0)) return std::nullopt;
    return st.text(0);
}

std::unordered_map<std::string, DocState> loadDocs(ModelSql& sql, int64_t dbId,
                                                   const std::vector<std::string>& ids) {
    std::unordered_map<std::string, DocState> out;
    std::string idList = "[";
    for (const auto& id : ids) {
        if (id.size() > kMaxIdBytes || !isValidUtf8(id) || !out.emplace(id, DocState{}).second) continue;
        if (idList.size() > 1) idList += ',';
        appendJsonString(idList, id);
    }
    idList += ']';
    std::unordered_map<int64_t, DocState*> byKey;
    std::string keyList = "[";
    {
        auto st = sql.prepare(
            "SELECT doc_key, id FROM docs WHERE db_id = ?1 AND id IN (SELECT value FROM json_each(?2))");
        st.bind(1, dbId).bind(2, idList);
        while (st.step()) {
            auto it = out.find(st.text(1));
            if (it == out.end()) continue;
            it->second.exists = true;
            it->second.docKey = st.integer(0);
            byKey[it->second.docKey] = &it->second;
            if (keyList.size() > 1) keyList += ',';
            keyList += std::to_string(it->second.docKey);
        }
    }
    if (byKey.empty()) return out;
    keyList += ']';
    auto revs = sql.prepare(
        "SELECT doc_key, rev, gen, hash, parent, leaf, deleted, body IS NOT NULL FROM revs "
        "WHERE doc_key IN (SELECT value FROM json_each(?1))");
    revs.bind(1, keyList);
    while (revs.step()) {
        auto it = byKey.find(revs.integer(0));
        if (it == byKey.end()) continue;
        RevisionTree::Node n;
        n.rev = revs.text(1);
        n.gen = static_cast<uint64_t>(revs.integer(2));
        n.hash = revs.text(3);
        if (!revs.isNull(4)) n.parent = revs.text(4);
        n.leaf = revs.integer(5) != 0;
        n.deleted = revs.integer(6) != 0;
        n.hasBody = revs.integer(7) != 0;
        it->second->tree.addLoaded(std::move(n));
    }
    return out;
}

uint64_t readRevsLimit(ModelSql& sql, int64_t dbId) {
    auto st = sql.prepare("SELECT revs_limit FROM dbs WHERE db_id = ?");
    st.bind(1, dbId);
    return st.step() ? static_cast<uint64_t>(st.integer(0)) : 1000;
}

void validateDocId(const std::string& id) {
    if (id.empty()) throw badRequest("Document id must not be empty.");
    if (id.size() > kMaxIdBytes)
        throw badRequest("Document id is too long (" + std::to_string(id.size()) + " bytes; at most " +
                         std::to_string(kMaxIdBytes) + ").");
    if (!isValidUtf8(id)) throw badRequest("Document id is not valid UTF-8.");
    if (id[0] == '_' && id.rfind("_design/", 0) != 0)
        throw badRequest("Only reserved document ids may start with underscore.");
}

SqliteDatabase::SqliteDatabase(SqliteStore& store, int64_t dbId, std::string name, uint64_t updateSeq)
    : m_store(store), m_dbId(dbId), m_name(std::move(name)), m_updateSeq(updateSeq) {}

void SqliteDatabase::checkAlive() const {
    if (m_deleted) throw StoreError(404, "not_found", "Database does not exist.");
}

void SqliteDatabase::committed(uint64_t updateSeq) {
    {
        std::lock_guard lock(m_waitMutex);
        m_updateSeq = updateSeq;
    }
    m_changed.notify_all();
}

void SqliteDatabase::markDeleted() {
    m_deleted = true;
    m_changed.notify_all();
}

DatabaseInfo SqliteDatabase::info() {
    checkAlive();
    DatabaseInfo info;
    info.name = m_name;
    m_store.read([&](sqlite3*, ModelSql& sql) {
        auto st = sql.prepare("SELECT update_seq, uuid FROM dbs WHERE db_id = ?");
        st.bind(1, m_dbId);
        if (!st.step()) throw StoreError(404, "not_found", "Database does not exist.");
        info.updateSeq = static_cast<uint64_t>(st.integer(0));
        info.uuid = st.text(1);
        auto counts = sql.prepare("SELECT deleted, count(*) FROM docs WHERE db_id = ? GROUP BY deleted");
        counts.bind(1, m_dbId);
        while (counts.step())
            (counts.integer(0) ? info.docDelCount : info.docCount) = static_cast<uint64_t>(counts.integer(1));
        auto size = sql.prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
        if (size.step()) info.sizeBytes = static_cast<uint64_t>(size.integer(0));
    });
    return info;
}

Json SqliteDatabase::get(const std::string& id, const GetOptions& options) {
    checkAlive();
    if (id.rfind("_local/", 0) == 0) {
        auto local = getLocal(id.substr(7));
        if (!local) throw StoreError(404, "not_found", "missing");
        return *local;
    }
    if (!isValidUtf8(id)) throw badRequest("Document id is not valid UTF-8.");
    Json out;
    m_store.read([&](sqlite3*, ModelSql& sql) {
        DocState state = loadDoc(sql, m_dbId, id);
        if (!state.exists) throw StoreError(404, "not_found", "missing");
        uint64_t limit = readRevsLimit(sql, m_dbId);
        std::string rev;
        if (options.rev) {
            rev = *options.rev;
            if (options.latest) {
                auto leaves = state.tree.leaves();
                for (const auto* leaf : leaves) {
                    for (const auto* n : state.tree.history(leaf->rev, UINT64_MAX))
                        if (n->rev == rev) {
                            rev = leaf->rev;
                            break;
                        }
                    if (rev == leaf->rev) break;
                }
            }
        } else {
            const auto* w = state.tree.winner();
            if (w->deleted) throw StoreError(404, "not_found", "deleted");
            rev = w->rev;
        }
        auto doc = renderRev(sql, state, id, rev, options.revs, limit);
        if (!doc) throw StoreError(404, "not_found", "missing");
        const auto* winner = state.tree.winner();
        if (options.conflicts || options.deletedConflicts) {
            Json conflicts = Json::array(), deletedConflicts = Json::array();
            for (const auto* leaf : state.tree.leaves()) {
                if (leaf == winner) continue;
                (leaf->deleted ? deletedConflicts : conflicts).push_back(leaf->rev);
            }
            if (options.conflicts && !conflicts.empty()) (*doc)["_conflicts"] = conflicts;
            if (options.deletedConflicts && !deletedConflicts.empty())
                (*doc)["_deleted_conflicts"] = deletedConflicts;
        }
        if (options.revsInfo) {
            Json info = Json::array();
            for (const auto* n : state.tree.history(rev, limit)) {
                std::string status = n->deleted ? "deleted" : n->hasBody ? "available" : "missing";
                info.push_back({{"rev", n->rev}, {"status", status}});
            }
            (*doc)["_revs_info"] = info;
        }
        out = std::move(*doc);
    });
    return out;
}

std::vector<RevResult> SqliteDatabase::openRevs(const std::string& id,
                                                const std::optional<std::vector<std::string>>& revs,
                                                bool withRevisions, bool latest) {
    checkAlive();
    std::vector<RevResult> out;
    m_store.read([&](sqlite3*, ModelSql& sql) {
        DocState state = loadDoc(sql, m_dbId, id);
        uint64_t limit = readRevsLimit(sql, m_dbId);
        if (!revs) {
            if (!state.exists) throw StoreError(404, "not_found", "missing");
            for (const auto* leaf : state.tree.leaves())
                out.push_back({leaf->rev, renderRev(sql, state, id, leaf->rev, withRevisions, limit)});
            return;
        }
        std::set<std::string> seen;
        for (const auto& rev : *revs) {
            std::vector<std::string> answer{rev};
            if (latest && state.tree.contains(rev) && !state.tree.find(rev)->leaf) {
                answer.clear();
                for (const auto* leaf : state.tree.leaves())
                    for (const auto* n : state.tree.history(leaf->rev, UINT64_MAX))
                        if (n->rev == rev) {
                            answer.push_back(leaf->rev);
                            break;
                        }
            }
            for (const auto& r : answer) {
                if (!seen.insert(r).second) continue;
                out.push_back({r, renderRev(sql, state, id, r, withRevisions, limit)});
            }
        }
    });
    return out;
}

ChangesResult SqliteDatabase::changes(const ChangesOptions& options) {
    checkAlive();
    ChangesResult result;
    result.lastSeq = options.since;
    std::optional<std::set<std::string>> filter;
    if (options.docIds) filter.emplace(options.docIds->begin(), options.docIds->end());
    // Appends the leaves other than the winner (row.revs[0]) in rank order.
    auto addLeaves = [](ChangeRow& row, std::vector<std::pair<RevId, bool>>& leaves) {
        std::vector<std::pair<RevId, bool>> others;
        for (auto& leaf : leaves)
            if (leaf.first.str() != row.revs.front()) others.push_back(std::move(leaf));
        std::sort(others.begin(), others.end(), [](const auto& a, const auto& b) {
            return revRanksBefore(a.second, a.first, b.second, b.first);
        });
        for (const auto& [r, d] : others) row.revs.push_back(r.str());
    };
    m_store.read([&](sqlite3*, ModelSql& sql) {
        uint64_t limit = options.limit.value_or(UINT64_MAX);
        // The leaves of a page are read with one query after it, unless conflicts in included
        // documents need them row by row.
        const bool leavesPerRow = options.includeDocs && options.conflicts;
        std::vector<std::pair<size_t, int64_t>> rowKeys;  // (index in results, doc_key)
        auto st = sql.prepare(
            "SELECT doc_key, id, seq, winner, deleted FROM docs WHERE db_id = ? AND seq > ? ORDER BY seq");
        st.bind(1, m_dbId).bind(2, static_cast<int64_t>(options.since));
        while (result.results.size() < limit && st.step()) {
            uint64_t seq = static_cast<uint64_t>(st.integer(2));
            result.lastSeq = seq;
            std::string id = st.text(1);
            if (filter && !filter->count(id)) continue;
            ChangeRow row;
            row.seq = seq;
            row.id = std::move(id);
            row.deleted = st.integer(4) != 0;
            int64_t docKey = st.integer(0);
            std::string winner = st.text(3);
            row.revs.push_back(winner);
            if (options.allLeaves && !leavesPerRow) {
                rowKeys.emplace_back(result.results.size(), docKey);
            } else if (options.allLeaves) {
                std::vector<std::pair<RevId, bool>> leaves;
                auto q = sql.prepare("SELECT gen, hash, deleted FROM revs WHERE doc_key = ? AND leaf = 1");
                q.bind(1, docKey);
                while (q.step())
                    leaves.emplace_back(RevId{static_cast<uint64_t>(q.integer(0)), q.text(1)},
                                        q.integer(2) != 0);
                addLeaves(row, leaves);
            }
            if (options.includeDocs) {
                auto body = loadBody(sql, docKey, winner);
                Json doc = body ? Json::parse(*body) : Json::object();
                doc["_id"] = row.id;
                doc["_rev"] = winner;
                if (row.deleted) doc["_deleted"] = true;
                if (options.conflicts && row.revs.size() > 1) {
                    DocState state = loadDoc(sql, m_dbId, row.id);
                    Json conflicts = Json::array();
                    for (const auto* leaf : state.tree.leaves())
                        if (leaf->rev != winner && !leaf->deleted) conflicts.push_back(leaf->rev);
                    if (!conflicts.empty()) doc["_conflicts"] = conflicts;
                }
                row.doc = std::move(doc);
            }
            result.results.push_back(std::move(row));
        }
        if (!rowKeys.empty()) {
            std::string keyList = "[";
            for (const auto& [index, key] : rowKeys) {
                if (keyList.size() > 1) keyList += ',';
                keyList += std::to_string(key);
            }
            keyList += ']';
            std::unordered_map<int64_t, std::vector<std::pair<RevId, bool>>> leaves;
            auto q = sql.prepare(
                "SELECT doc_key, gen, hash, deleted FROM revs WHERE doc_key IN (SELECT value FROM "
                "json_each(?1)) "
                "AND leaf = 1");
            q.bind(1, keyList);
            while (q.step())
                leaves[q.integer(0)].emplace_back(RevId{static_cast<uint64_t>(q.integer(1)), q.text(2)},
                                                  q.integer(3) != 0);
            for (const auto& [index, key] : rowKeys) addLeaves(result.results[index], leaves[key]);
        }
        auto pending = sql.prepare("SELECT count(*) FROM docs WHERE db_id = ? AND seq > ?");
        pending.bind(1, m_dbId).bind(2, static_cast<int64_t>(result.lastSeq));
        if (pending.step()) result.pending = static_cast<uint64_t>(pending.integer(0));
        if (result.pending == 0) {
            auto seq = sql.prepare("SELECT update_seq FROM dbs WHERE db_id = ?");
            seq.bind(1, m_dbId);
            if (seq.step()) result.lastSeq = std::max(result.lastSeq, static_cast<uint64_t>(seq.integer(0)));
        }
    });
    return result;
}

RevsDiffResult SqliteDatabase::revsDiff(const RevsDiffRequest& request) {
    checkAlive();
    RevsDiffResult result;
    m_store.read([&](sqlite3*, ModelSql& sql) {
        for (const auto& [id, revs] : request) {
            DocState state = loadDoc(sql, m_dbId, id);
            RevsDiffEntry entry;
            uint64_t maxMissingGen = 0;
            for (const auto& rev : revs) {
                if (state.tree.contains(rev)) continue;
                if (std::find(entry.missing.begin(), entry.missing.end(), rev) != entry.missing.end())
                    continue;
                entry.missing.push_back(rev);
                if (auto r = parseRevId(rev)) maxMissingGen = std::max(maxMissingGen, r->gen);
            }
            if (entry.missing.empty()) continue;
            for (const auto* leaf : state.tree.leaves())
                if (leaf->gen < maxMissingGen) entry.possibleAncestors.push_back(leaf->rev);
            result[id] = std::move(entry);
        }
    });
    return result;
}

std::vector<BulkGetResult> SqliteDatabase::bulkGet(const std::vector<BulkGetRequest>& request,
                                                   bool withRevisions) {
    checkAlive();
    std::vector<BulkGetResult> out;
    for (const auto& item : request) {
        BulkGetResult r;
        r.id = item.id;
        auto error = [&](const std::string& rev, const std::string& err, const std::string& reason) {
            r.docs.push_back(Json{{"id", item.id}, {"rev", rev}, {"error", err}, {"reason", reason}});
        };
        try {
            if (item.rev) {
                for (auto& rr :
                     openRevs(item.id, std::vector<std::string>{*item.rev}, withRevisions, false)) {
                    if (rr.doc)
                        r.docs.push_back(std::move(*rr.doc));
                    else
                        error(rr.rev, "not_found", "missing");
                }
            } else {
                GetOptions o;
                o.revs = withRevisions;
                r.docs.push_back(get(item.id, o));
            }
        } catch (const StoreError& e) {
            error(item.rev.value_or(""), e.error(), e.reason());
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<BulkGetTextResult> SqliteDatabase::bulkGetText(const std::vector<BulkGetRequest>& request,
                                                           bool withRevisions) {
    checkAlive();
    std::vector<BulkGetTextResult> out;
    out.reserve(request.size());
    m_store.read([&](sqlite3*, ModelSql& sql) {
        uint64_t limit = readRevsLimit(sql, m_dbId);
        std::vector<std::string> ids;
        ids.reserve(request.size());
        for (const auto& item : request) ids.push_back(item.id);
        const auto loaded = loadDocs(sql, m_dbId, ids);
        DocState fallback;
        auto stateOf = [&](const std::string& id) -> const DocState& {
            if (auto it = loaded.find(id); it != loaded.end()) return it->second;
            fallback = loadDoc(sql, m_dbId, id);
            return fallback;
        };
        for (const auto& item : request) {
            BulkGetTextResult r;
            r.id = item.id;
            auto error = [&](const std::string& rev, const std::string& err, const std::string& reason) {
                r.docs.push_back(
                    {false, Json{{"id", item.id}, {"rev", rev}, {"error", err}, {"reason", reason}}.dump(
                                -1, ' ', false, Json::error_handler_t::replace)});
            };
            try {
                if (item.rev) {  // as openRevs(id, {rev}, withRevisions, latest = false)
                    const DocState& state = stateOf(item.id);
                    if (auto text = renderRevText(sql, state, item.id, *item.rev, withRevisions, limit))
                        r.docs.push_back({true, std::move(*text)});
                    else
                        error(*item.rev, "not_found", "missing");
                } else if (item.id.rfind("_local/", 0) == 0) {  // as get(): the local document
                    auto st = sql.prepare("SELECT rev, body FROM locals WHERE db_id = ? AND id = ?");
                    st.bind(1, m_dbId).bind(2, std::string_view(item.id).substr(7));
                    if (!st.step()) throw StoreError(404, "not_found", "missing");
                    std::string text = "{\"_id\":";
                    appendJsonString(text, item.id);
                    text += ",\"_rev\":\"0-" + std::to_string(st.integer(0)) + "\"";
                    spliceBody(text, st.text(1));
                    r.docs.push_back({true, std::move(text)});
                } else {  // as get(id, {revs = withRevisions}): the winner
                    if (!isValidUtf8(item.id)) throw badRequest("Document id is not valid UTF-8.");
                    const DocState& state = stateOf(item.id);
                    if (!state.exists) throw StoreError(404, "not_found", "missing");
                    const auto* w = state.tree.winner();
                    if (w->deleted) throw StoreError(404, "not_found", "deleted");
                    auto text = renderRevText(sql, state, item.id, w->rev, withRevisions, limit);
                    if (!text) throw StoreError(404, "not_found", "missing");
                    r.docs.push_back({true, std::move(*text)});
                }
            } catch (const StoreError& e) {
                error(item.rev.value_or(""), e.error(), e.reason());
            }
            out.push_back(std::move(r));
        }
    });
    return out;
}

AllDocsResult SqliteDatabase::allDocs(const AllDocsOptions& options) {
    checkAlive();
    AllDocsResult result;
    m_store.read([&](sqlite3*, ModelSql& sql) {
        {
            auto st = sql.prepare("SELECT update_seq FROM dbs WHERE db_id = ?");
            st.bind(1, m_dbId);
            if (st.step()) result.updateSeq = static_cast<uint64_t>(st.integer(0));
            auto count = sql.prepare("SELECT count(*) FROM docs WHERE db_id = ? AND deleted = 0");
            count.bind(1, m_dbId);
            if (count.step()) result.totalRows = static_cast<uint64_t>(count.integer(0));
        }
        auto addDoc = [&](AllDocsRow& row, int64_t docKey) {
            if (!options.includeDocs || row.deleted) return;
            auto body = loadBody(sql, docKey, row.rev);
            Json doc = body ? Json::parse(*body) : Json::object();
            doc["_id"] = row.id;
            doc["_rev"] = row.rev;
            if (options.conflicts) {
                DocState state = loadDoc(sql, m_dbId, row.id);
                Json conflicts = Json::array();
                for (const auto* leaf : state.tree.leaves())
                    if (leaf->rev != row.rev && !leaf->deleted) conflicts.push_back(leaf->rev);
                if (!conflicts.empty()) doc["_conflicts"] = conflicts;
            }
            row.doc = std::move(doc);
        };
        if (options.keys) {
            uint64_t skipped = 0;
            for (const auto& key : *options.keys) {
                if (skipped++ < options.skip) continue;
                if (options.limit && result.rows.size() >= *options.limit) break;
                AllDocsRow row;
                row.id = key;
                int64_t docKey = 0;
                bool found = false;
                {
                    auto st =
                        sql.prepare("SELECT doc_key, winner, deleted FROM docs WHERE db_id = ? AND id = ?");
                    st.bind(1, m_dbId).bind(2, key);
                    if ((found = st.step())) {
                        docKey = st.integer(0);
                        row.rev = st.text(1);
                        row.deleted = st.integer(2) != 0;
                    }
                }
                if (found)
                    addDoc(row, docKey);
                else
                    row.error = "not_found";
                result.rows.push_back(std::move(row));
            }
            return;
        }
        std::string where = "db_id = ? AND deleted = 0";
        const auto& low = options.descending ? options.endKey : options.startKey;
        const auto& high = options.descending ? options.startKey : options.endKey;
        bool highInclusive = options.descending ? true : options.inclusiveEnd;
        bool lowInclusive = options.descending ? options.inclusiveEnd : true;
        if (low) where += lowInclusive ? " AND id >= ?" : " AND id > ?";
        if (high) where += highInclusive ? " AND id <= ?" : " AND id < ?";
        std::string query = "SELECT doc_key, id, winner FROM docs WHERE " + where + " ORDER BY id" +
                            (options.descending ? " DESC" : "") + " LIMIT ? OFFSET ?";
        auto st = sql.prepare(query.c_str());
        int i = 1;
        st.bind(i++, m_dbId);
        if (low) st.bind(i++, *low);
        if (high) st.bind(i++, *high);
        st.bind(i++, options.limit ? static_cast<int64_t>(*options.limit) : int64_t{-1});
        st.bind(i++, static_cast<int64_t>(options.skip));
        result.offset = options.skip;
        while (st.step()) {
            AllDocsRow row;
            row.id = st.text(1);
            row.rev = st.text(2);
            addDoc(row, st.integer(0));
            result.rows.push_back(std::move(row));
        }
    });
    return result;
}

std::optional<Json> SqliteDatabase::getLocal(const std::string& id) {
    checkAlive();
    std::optional<Json> out;
    m_store.read([&](sqlite3*, ModelSql& sql) {
        auto st = sql.prepare("SELECT rev, body FROM locals WHERE db_id = ? AND id = ?");
        st.bind(1, m_dbId).bind(2, id);
        if (!st.step()) return;
        Json doc = Json::parse(st.text(1));
        doc["_id"] = "_local/" + id;
        doc["_rev"] = "0-" + std::to_string(st.integer(0));
        out = std::move(doc);
    });
    return out;
}

PutResult SqliteDatabase::putLocal(const std::string& id, const Json& body) {
    checkAlive();
    if (id.empty() || id.size() > kMaxIdBytes || !isValidUtf8(id))
        throw badRequest("Invalid _local document id.");
    if (!body.is_object()) throw badRequest("A document must be a JSON object.");
    Json clean = body;
    for (const char* k : {"_id", "_rev", "_revisions", "_deleted"}) clean.erase(k);
    std::string text = dumpChecked(clean);
    int64_t rev = 0;
    m_store.write([&](WriteContext& ctx) {
        auto st = ctx.sql().prepare("SELECT rev FROM locals WHERE db_id = ? AND id = ?");
        st.bind(1, m_dbId).bind(2, id);
        rev = st.step() ? st.integer(0) + 1 : 1;
        auto up = ctx.sql().prepare("INSERT OR REPLACE INTO locals(db_id, id, rev, body) VALUES (?,?,?,?)");
        up.bind(1, m_dbId).bind(2, id).bind(3, rev).bind(4, text).run();
    });
    return {"_local/" + id, "0-" + std::to_string(rev)};
}

void SqliteDatabase::removeLocal(const std::string& id) {
    checkAlive();
    bool found = false;
    m_store.write([&](WriteContext& ctx) {
        auto st = ctx.sql().prepare("DELETE FROM locals WHERE db_id = ? AND id = ?");
        st.bind(1, m_dbId).bind(2, id).run();
        found = sqlite3_changes(ctx.connection()) > 0;
    });
    if (!found) throw StoreError(404, "not_found", "missing");
}

uint64_t SqliteDatabase::revsLimit() {
    checkAlive();
    uint64_t limit = 1000;
    m_store.read([&](sqlite3*, ModelSql& sql) { limit = readRevsLimit(sql, m_dbId); });
    return limit;
}

void SqliteDatabase::setRevsLimit(uint64_t limit) {
    checkAlive();
    if (limit == 0 || limit > 1000000) throw badRequest("revs_limit must be between 1 and 1000000.");
    m_store.write([&](WriteContext& ctx) {
        auto st = ctx.sql().prepare("UPDATE dbs SET revs_limit = ? WHERE db_id = ?");
        st.bind(1, static_cast<int64_t>(limit)).bind(2, m_dbId).run();
    });
}

void SqliteDatabase::compact() {
    checkAlive();
    m_store.write([&](WriteContext& ctx) {
        auto st = ctx.sql().prepare(
            "UPDATE revs SET body = NULL WHERE leaf = 0 AND body IS NOT NULL AND "
            "doc_key IN (SELECT doc_key FROM docs WHERE db_id = ?)");
        st.bind(1, m_dbId).run();
    });
}

Json SqliteDatabase::security() {
    checkAlive();
    Json out = Json::object();
    m_store.read([&](sqlite3*, ModelSql& sql) {
        auto st = sql.prepare("SELECT security FROM dbs WHERE db_id = ?");
        st.bind(1, m_dbId);
        if (st.step()) out = Json::parse(st.text(0));
    });
    return out;
}

void SqliteDatabase::setSecurity(const Json& security) {
    checkAlive();
    if (!security.is_object()) throw badRequest("_security must be a JSON object.");
    std::string text = dumpChecked(security);
    m_store.write([&](WriteContext& ctx) {
        auto st = ctx.sql().prepare("UPDATE dbs SET security = ? WHERE db_id = ?");
        st.bind(1, text).bind(2, m_dbId).run();
    });
}

bool SqliteDatabase::waitForChange(uint64_t since, std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_waitMutex);
    return m_changed.wait_for(lock, timeout, [&] { return m_deleted || m_updateSeq > since; }) && !m_deleted;
}

}  // namespace kenes::storage
