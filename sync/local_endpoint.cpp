// LocalEndpoint: the replication endpoint over a database of the local store.
#include <thread>

#include "sync/endpoint.h"

namespace kenes::sync {

namespace {

// Runs a store operation, turning StoreError into SyncError (401/403 stay Auth).
template <typename F>
auto guarded(const std::string& db, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const storage::StoreError& e) {
        ErrorKind kind = (e.status() == 401 || e.status() == 403) ? ErrorKind::Auth : ErrorKind::Local;
        throw SyncError(kind, "local database '" + db + "': " + e.reason(), e.status(), e.error(),
                        e.reason());
    }
}

uint64_t seqNumber(const Json& since) {
    if (since.is_number_unsigned()) return since.get<uint64_t>();
    if (since.is_number_integer()) return since.get<int64_t>() < 0 ? 0 : uint64_t(since.get<int64_t>());
    if (since.is_string()) {
        const auto& s = since.get_ref<const std::string&>();
        try {
            return std::stoull(s);
        } catch (...) {
            return 0;
        }
    }
    return 0;
}

}  // namespace

LocalEndpoint::LocalEndpoint(std::shared_ptr<storage::Database> database) : m_db(std::move(database)) {}

std::string LocalEndpoint::identity() {
    return guarded(m_db->name(), [&] { return "local:" + m_db->info().uuid; });
}

std::string LocalEndpoint::displayName() const {
    return m_db->name();
}

Json LocalEndpoint::info(bool) {
    return guarded(m_db->name(), [&] {
        auto i = m_db->info();
        return Json{{"db_name", i.name},
                    {"doc_count", i.docCount},
                    {"doc_del_count", i.docDelCount},
                    {"update_seq", i.updateSeq},
                    {"uuid", i.uuid}};
    });
}

std::optional<Json> LocalEndpoint::getLocal(const std::string& id) {
    return guarded(m_db->name(), [&] { return m_db->getLocal(id); });
}

void LocalEndpoint::putLocal(const std::string& id, Json body) {
    body.erase("_rev");
    body.erase("_id");
    guarded(m_db->name(), [&] { return m_db->putLocal(id, body); });
}

// Ignores `withBodies`: fetching from the local store costs no more than reading the bodies here.
ChangesPage LocalEndpoint::changes(const Json& since, size_t limit, bool /*withBodies*/) {
    return guarded(m_db->name(), [&] {
        storage::ChangesOptions options;
        options.since = seqNumber(since);
        options.limit = limit;
        options.allLeaves = true;
        auto result = m_db->changes(options);
        ChangesPage page;
        page.results.reserve(result.results.size());
        for (auto& row : result.results)
            page.results.push_back(
                ChangeEntry{Json(row.seq), std::move(row.id), std::move(row.revs), row.deleted, Json()});
        page.lastSeq = result.lastSeq;
        page.pending = result.pending;
        return page;
    });
}

bool LocalEndpoint::waitForChanges(const Json& since, std::chrono::milliseconds timeout) {
    return guarded(m_db->name(), [&] { return m_db->waitForChange(seqNumber(since), timeout); });
}

storage::RevsDiffResult LocalEndpoint::revsDiff(const storage::RevsDiffRequest& request) {
    return guarded(m_db->name(), [&] { return m_db->revsDiff(request); });
}

FetchResult LocalEndpoint::fetch(const std::vector<std::pair<std::string, std::string>>& idRevs) {
    return guarded(m_db->name(), [&] {
        std::vector<storage::BulkGetRequest> request;
        request.reserve(idRevs.size());
        for (const auto& [id, rev] : idRevs) request.push_back({id, rev});
        FetchResult out;
        for (auto& result : m_db->bulkGet(request, true)) {
            for (auto& doc : result.docs) {
                if (doc.is_object() && doc.contains("_id"))
                    out.docs.push_back(std::move(doc));
                else
                    out.errors.push_back(std::move(doc));
            }
        }
        return out;
    });
}

std::vector<storage::BulkResult> LocalEndpoint::writeRevisions(const std::vector<Json>& docs) {
    return guarded(m_db->name(), [&] {
        std::vector<storage::BulkResult> failed;
        for (auto& row : m_db->bulkDocs(docs, false))
            if (!row.ok()) failed.push_back(std::move(row));
        return failed;
    });
}

}  // namespace kenes::sync
