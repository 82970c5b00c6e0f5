// SqliteDatabase's write path: put/post/remove and bulk_docs (both new_edits modes) over the
// SQLite tables of sqlite_store.cpp.
#include <random>
#include <unordered_map>

#include "storage/json_text.h"
#include "storage/revision_tree.h"
#include "storage/sqlite_database.h"
#include "storage/sqlite_database_rows.h"

namespace kenes::storage {

namespace {

std::string randomId() {
    static std::mutex mutex;
    static std::mt19937_64 rng{std::random_device{}()};
    std::lock_guard lock(mutex);
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return buf;
}

StoreError conflict() {
    return StoreError(409, "conflict", "Document update conflict.");
}

constexpr size_t kDocColumns = 6;
constexpr size_t kRevColumns = 8;

// "INSERT INTO table(columns) VALUES (?,…),(?,…),…" for `rows` rows; built once per size.
const char* multiInsert(bool docs, size_t rows) {
    static const auto build = [](bool forDocs, size_t n) {
        std::string sql =
            forDocs ? "INSERT INTO docs(doc_key, db_id, id, seq, winner, deleted) VALUES "
                    : "INSERT INTO revs(doc_key, rev, gen, hash, parent, leaf, deleted, body) VALUES ";
        const char* row = forDocs ? "(?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?)";
        for (size_t i = 0; i < n; ++i) {
            if (i) sql += ',';
            sql += row;
        }
        return sql;
    };
    static const std::string docs100 = build(true, 100), docs10 = build(true, 10), docs1 = build(true, 1);
    static const std::string revs100 = build(false, 100), revs10 = build(false, 10), revs1 = build(false, 1);
    if (docs) return (rows == 100 ? docs100 : rows == 10 ? docs10 : docs1).c_str();
    return (rows == 100 ? revs100 : rows == 10 ? revs10 : revs1).c_str();
}

// The rows outlive the statements they are bound to, so their text is bound without copies.
void bindDoc(ModelStmt& st, int first, int64_t dbId, const WriteBatch::DocRow& row) {
    st.bind(first, row.docKey).bind(first + 1, dbId).bindStatic(first + 2, row.id).bind(first + 3, row.seq);
    st.bindStatic(first + 4, row.winner).bind(first + 5, row.deleted);
}

void bindRev(ModelStmt& st, int first, const WriteBatch::RevRow& row) {
    st.bind(first, row.docKey)
        .bindStatic(first + 1, row.rev)
        .bind(first + 2, row.gen)
        .bindStatic(first + 3, row.hash);
    if (row.parent)
        st.bindStatic(first + 4, *row.parent);
    else
        st.bindNull(first + 4);
    st.bind(first + 5, row.leaf).bind(first + 6, row.deleted);
    if (row.body)
        st.bindStatic(first + 7, *row.body);
    else
        st.bindNull(first + 7);
}

// Inserts `rows` in chunks of 100, 10 and 1 rows per statement.
template <typename Row, typename Bind>
void insertRows(ModelSql& sql, bool docs, size_t columns, const std::vector<Row>& rows, Bind bind) {
    size_t i = 0;
    for (size_t chunk : {size_t{100}, size_t{10}, size_t{1}}) {
        while (rows.size() - i >= chunk) {
            auto st = sql.prepare(multiInsert(docs, chunk));
            for (size_t k = 0; k < chunk; ++k) bind(st, static_cast<int>(k * columns + 1), rows[i + k]);
            st.run();
            i += chunk;
        }
    }
}

}  // namespace

void WriteBatch::insertDoc(ModelSql& sql, int64_t dbId, DocRow row) {
    if (deferred()) {
        docRows.push_back(std::move(row));
        return;
    }
    auto st = sql.prepare(multiInsert(true, 1));
    bindDoc(st, 1, dbId, row);
    st.run();
}

void WriteBatch::insertRev(ModelSql& sql, RevRow row) {
    if (deferred()) {
        revRows.push_back(std::move(row));
        return;
    }
    auto st = sql.prepare(multiInsert(false, 1));
    bindRev(st, 1, row);
    st.run();
}

void WriteBatch::flush(ModelSql& sql, int64_t dbId) {
    insertRows(sql, true, kDocColumns, docRows,
               [dbId](ModelStmt& st, int first, const DocRow& row) { bindDoc(st, first, dbId, row); });
    insertRows(sql, false, kRevColumns, revRows,
               [](ModelStmt& st, int first, const RevRow& row) { bindRev(st, first, row); });
    docRows.clear();
    revRows.clear();
}

BulkResult SqliteDatabase::writeOne(WriteContext& ctx, const Json& doc, bool newEdits, uint64_t& seq,
                                    WriteBatch& batch) {
    BulkResult result;
    if (!doc.is_object()) throw badRequest("A document must be a JSON object.");
    auto idIt = doc.find("_id");
    if (idIt == doc.end() || !idIt->is_string()) throw badRequest("Document id must be a string.");
    result.id = idIt->get<std::string>();
    validateDocId(result.id);
    std::string bodyText = documentBodyText(doc);
    bool deleted = false;
    if (auto d = doc.find("_deleted"); d != doc.end()) {
        if (!d->is_boolean()) throw badRequest("_deleted must be true or false.");
        deleted = d->get<bool>();
    }
    auto& sql = ctx.sql();
    DocState state;
    if (auto it = batch.loaded.find(result.id); it != batch.loaded.end()) {
        state = std::move(it->second);
        batch.loaded.erase(it);  // a second write of the same id in this batch reads what the first wrote
    } else {
        batch.flush(sql, m_dbId);
        state = loadDoc(sql, m_dbId, result.id);
    }
    const auto* before = state.tree.winner();
    const bool created = !state.exists;
    std::string oldWinner = before ? before->rev : std::string();
    bool oldDeleted = before ? before->deleted : true;
    std::string newRev;

    if (newEdits) {
        std::optional<std::string> parent;
        if (auto r = doc.find("_rev"); r != doc.end()) {
            if (!r->is_string() || !parseRevId(r->get<std::string>())) throw badRequest("Invalid rev format");
            parent = r->get<std::string>();
            const auto* node = state.tree.find(*parent);
            if (!node || !node->leaf) throw conflict();
        } else if (before) {
            if (!before->deleted) throw conflict();
            parent = before->rev;  // a new life on top of the tombstone
        }
        uint64_t gen = parent ? parseRevId(*parent)->gen + 1 : 1;
        std::string hash = localRevisionHash(bodyText, parent ? *parent : std::string(), deleted);
        RevId rev{gen, hash};
        newRev = rev.str();
        if (state.tree.contains(newRev)) {
            result.rev = newRev;  // the same edit made twice
            return result;
        }
        state.tree.addChild(parent, rev, deleted);
    } else {
        auto r = doc.find("_rev");
        if (r == doc.end() || !r->is_string())
            throw badRequest("A document written with new_edits=false needs _rev.");
        auto rev = parseRevId(r->get<std::string>());
        if (!rev) throw badRequest("Invalid rev format");
        std::vector<RevId> path;
        if (auto revs = doc.find("_revisions"); revs != doc.end()) {
            if (!revs->is_object() || !revs->contains("start") || !(*revs)["start"].is_number_unsigned() ||
                !revs->contains("ids") || !(*revs)["ids"].is_array() || (*revs)["ids"].empty())
                throw badRequest("_revisions must be {\"start\": N, \"ids\": [...]}.");
            uint64_t start = (*revs)["start"].get<uint64_t>();
            const auto& ids = (*revs)["ids"];
            if (start != rev->gen || !ids[0].is_string() || ids[0].get<std::string>() != rev->hash)
                throw badRequest("_revisions do not match _rev " + rev->str() + ".");
            if (ids.size() > start) throw badRequest("_revisions hold more ids than the generation allows.");
            for (size_t i = 0; i < ids.size(); ++i) {
                if (!ids[i].is_string()) throw badRequest("_revisions ids must be strings.");
                auto p = parseRevId(std::to_string(start - i) + "-" + ids[i].get<std::string>());
                if (!p) throw badRequest("Invalid revision id in _revisions.");
                path.push_back(*p);
            }
        } else {
            path.push_back(*rev);
        }
        newRev = rev->str();
        result.rev = newRev;
        if (!state.tree.mergePath(path, deleted)) {
            // Known revision: only a longer history can still teach the tree a parent.
            bool changed = false;
            for (const auto& [k, n] : state.tree.nodes()) changed = changed || n.dirty;
            if (!changed) return result;
        }
    }
    result.rev = newRev;
    state.tree.markBodyStored(newRev);
    state.tree.stem(batch.revsLimit);

    const auto* after = state.tree.winner();
    ++seq;
    if (!state.exists) {
        state.docKey = batch.nextDocKey++;
        batch.insertDoc(sql, m_dbId,
                        {state.docKey, result.id, static_cast<int64_t>(seq), after->rev, after->deleted});
    } else {
        auto upd = sql.prepare("UPDATE docs SET seq = ?, winner = ?, deleted = ? WHERE doc_key = ?");
        upd.bind(1, static_cast<int64_t>(seq))
            .bind(2, after->rev)
            .bind(3, after->deleted)
            .bind(4, state.docKey)
            .run();
    }
    for (const auto& rev : state.tree.removedRevs()) {
        auto del = sql.prepare("DELETE FROM revs WHERE doc_key = ? AND rev = ?");
        del.bind(1, state.docKey).bind(2, rev).run();
    }
    for (const auto& [rev, n] : state.tree.nodes()) {
        if (!n.dirty) continue;
        if (n.isNew) {
            std::optional<std::string> body;
            if (rev == newRev) body = std::move(bodyText);  // one node is the new revision
            batch.insertRev(sql, {state.docKey, rev, static_cast<int64_t>(n.gen), n.hash, n.parent, n.leaf,
                                  n.deleted, std::move(body)});
        } else {
            auto upd = sql.prepare("UPDATE revs SET parent = ?, leaf = ? WHERE doc_key = ? AND rev = ?");
            if (n.parent)
                upd.bind(1, *n.parent);
            else
                upd.bindNull(1);
            upd.bind(2, n.leaf).bind(3, state.docKey).bind(4, rev).run();
        }
    }
    if (batch.notify && (after->rev != oldWinner || after->deleted != oldDeleted)) {
        if (after->deleted) {
            m_store.notifyWinnerChanged(ctx, m_name, result.id, nullptr, created);
        } else {
            Json winner = after->rev == newRev
                              ? stripSpecial(doc)
                              : Json::parse(loadBody(sql, state.docKey, after->rev).value_or("{}"));
            winner["_id"] = result.id;
            winner["_rev"] = after->rev;
            m_store.notifyWinnerChanged(ctx, m_name, result.id, &winner, created);
        }
    }
    return result;
}

std::vector<BulkResult> SqliteDatabase::bulkDocs(const std::vector<Json>& docs, bool newEdits) {
    checkAlive();
    std::vector<BulkResult> results;
    results.reserve(docs.size());
    uint64_t finalSeq = 0;
    m_store.write([&](WriteContext& ctx) {
        results.clear();
        uint64_t seq = 0;
        {
            auto st = ctx.sql().prepare("SELECT update_seq FROM dbs WHERE db_id = ?");
            st.bind(1, m_dbId);
            if (!st.step()) throw StoreError(404, "not_found", "Database does not exist.");
            seq = static_cast<uint64_t>(st.integer(0));
        }
        uint64_t startSeq = seq;
        WriteBatch batch;
        batch.revsLimit = readRevsLimit(ctx.sql(), m_dbId);
        {
            auto st = ctx.sql().prepare("SELECT coalesce(max(doc_key), 0) + 1 FROM docs");
            if (st.step()) batch.nextDocKey = st.integer(0);
        }
        // A failing document must leave no trace. writeOne refuses a bad document before its
        // first write, and after that only SQLite itself (500, ending the whole call) can fail;
        // observers may still refuse a document, so with observers each one runs in a savepoint.
        batch.notify = m_store.hasObservers();
        const bool notify = batch.notify;
        std::vector<std::string> ids;
        ids.reserve(docs.size());
        for (const auto& doc : docs)
            if (auto id = doc.is_object() ? doc.find("_id") : doc.end(); id != doc.end() && id->is_string())
                ids.push_back(id->get<std::string>());
        batch.loaded = loadDocs(ctx.sql(), m_dbId, ids);
        for (const auto& doc : docs) {
            if (notify) ctx.sql().prepare("SAVEPOINT doc").run();
            uint64_t docSeq = seq;
            try {
                if (doc.is_object() && doc.contains("_id") && doc["_id"].is_string() &&
                    doc["_id"].get<std::string>().rfind("_local/", 0) == 0)
                    throw badRequest("_local documents are written with putLocal.");
                results.push_back(writeOne(ctx, doc, newEdits, docSeq, batch));
                seq = docSeq;
                if (notify) ctx.sql().prepare("RELEASE doc").run();
            } catch (const StoreError& e) {
                if (notify) {
                    ctx.sql().prepare("ROLLBACK TO doc").run();
                    ctx.sql().prepare("RELEASE doc").run();
                }
                if (e.status() >= 500) throw;
                BulkResult r;
                if (doc.is_object() && doc.contains("_id") && doc["_id"].is_string())
                    r.id = doc["_id"].get<std::string>();
                r.error = e.error();
                r.reason = e.reason();
                results.push_back(std::move(r));
            }
        }
        batch.flush(ctx.sql(), m_dbId);
        if (seq != startSeq) {
            auto upd = ctx.sql().prepare("UPDATE dbs SET update_seq = ? WHERE db_id = ?");
            upd.bind(1, static_cast<int64_t>(seq)).bind(2, m_dbId).run();
        }
        finalSeq = seq;
    });
    if (finalSeq != m_updateSeq) committed(finalSeq);
    return results;
}

PutResult SqliteDatabase::put(const Json& doc) {
    if (doc.is_object() && doc.contains("_id") && doc["_id"].is_string()) {
        const std::string id = doc["_id"].get<std::string>();
        if (id.rfind("_local/", 0) == 0) return putLocal(id.substr(7), stripSpecial(doc));
    }
    auto results = bulkDocs({doc}, true);
    const auto& r = results.front();
    if (!r.ok()) {
        int status = r.error == "conflict" ? 409 : r.error == "forbidden" ? 403 : 400;
        throw StoreError(status, r.error, r.reason);
    }
    return {r.id, r.rev};
}

PutResult SqliteDatabase::post(const Json& doc) {
    if (!doc.is_object()) throw badRequest("A document must be a JSON object.");
    Json copy = doc;
    copy["_id"] = randomId();
    copy.erase("_rev");
    return put(copy);
}

PutResult SqliteDatabase::remove(const std::string& id, const std::string& rev) {
    return put(Json{{"_id", id}, {"_rev", rev}, {"_deleted", true}});
}

}  // namespace kenes::storage
