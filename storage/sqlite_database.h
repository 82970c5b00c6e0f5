// One named database inside a SqliteStore (internal to storage/). Thread-safe: writes go through
// the store's write transaction, reads through its read pool.
#pragma once

#include "storage/sqlite_store.h"

namespace kenes::storage {

struct WriteBatch;

class SqliteDatabase : public Database {
public:
    SqliteDatabase(SqliteStore& store, int64_t dbId, std::string name, uint64_t updateSeq);

    const std::string& name() const override { return m_name; }
    DatabaseInfo info() override;
    PutResult put(const Json& doc) override;
    PutResult post(const Json& doc) override;
    PutResult remove(const std::string& id, const std::string& rev) override;
    Json get(const std::string& id, const GetOptions& options) override;
    std::vector<RevResult> openRevs(const std::string& id,
                                    const std::optional<std::vector<std::string>>& revs, bool withRevisions,
                                    bool latest) override;
    std::vector<BulkResult> bulkDocs(const std::vector<Json>& docs, bool newEdits) override;
    ChangesResult changes(const ChangesOptions& options) override;
    RevsDiffResult revsDiff(const RevsDiffRequest& request) override;
    std::vector<BulkGetResult> bulkGet(const std::vector<BulkGetRequest>& request,
                                       bool withRevisions) override;
    std::vector<BulkGetTextResult> bulkGetText(const std::vector<BulkGetRequest>& request,
                                               bool withRevisions) override;
    AllDocsResult allDocs(const AllDocsOptions& options) override;
    std::optional<Json> getLocal(const std::string& id) override;
    PutResult putLocal(const std::string& id, const Json& body) override;
    void removeLocal(const std::string& id) override;
    uint64_t revsLimit() override;
    void setRevsLimit(uint64_t limit) override;
    void compact() override;
    Json security() override;
    void setSecurity(const Json& security) override;
    bool waitForChange(uint64_t since, std::chrono::milliseconds timeout) override;

    int64_t dbId() const { return m_dbId; }
    // Called by the store after a commit that changed this database, and when it is deleted.
    void committed(uint64_t updateSeq);
    void markDeleted();

private:
    friend class SqliteStore;
    struct Loaded;  // a document row and its tree, loaded on one connection
    void checkAlive() const;
    // Writes one document of a bulk_docs call (see WriteBatch in sqlite_database_rows.h).
    BulkResult writeOne(WriteContext& ctx, const Json& doc, bool newEdits, uint64_t& seq, WriteBatch& batch);

    SqliteStore& m_store;
    int64_t m_dbId;
    std::string m_name;
    std::atomic<uint64_t> m_updateSeq;
    std::atomic<bool> m_deleted{false};
    std::mutex m_waitMutex;
    std::condition_variable m_changed;
};

// Validation shared by the write paths; each throws StoreError 400 with a clear reason.
void validateDocId(const std::string& id);

}  // namespace kenes::storage
