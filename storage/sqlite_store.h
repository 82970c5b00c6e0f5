// The SQLite implementation of Store/Database (internal to storage/).
//
// Layout: one SQLite file `kenes.sqlite3` per data directory holds every database (tables dbs,
// docs, revs, locals; see sqlite_schema.cpp), in WAL mode. Writes go through one write
// connection under one write lock, each public operation one BEGIN IMMEDIATE transaction;
// reads use a pool of read connections, each read one snapshot. Projections and search
// (storage/projection*, storage/search*) reach the same file through SqliteStore::write/read.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "storage/model_sql.h"
#include "storage/revision_tree.h"
#include "storage/store.h"
#include "storage/write_context.h"

namespace kenes::storage {

// One SQLite connection with its statement cache. Used by one thread at a time.
struct SqlConnection {
    sqlite3* db = nullptr;
    std::unique_ptr<ModelSql> sql;
    SqlConnection() = default;
    SqlConnection(const SqlConnection&) = delete;
    SqlConnection& operator=(const SqlConnection&) = delete;
    ~SqlConnection();
};

class SqliteDatabase;

// Store over one SQLite file. Thread-safe.
class SqliteStore : public Store, public std::enable_shared_from_this<SqliteStore> {
public:
    explicit SqliteStore(const std::filesystem::path& dataDir);
    ~SqliteStore() override;

    std::vector<std::string> allDatabases() override;
    bool hasDatabase(const std::string& name) override;
    std::shared_ptr<Database> createDatabase(const std::string& name) override;
    std::shared_ptr<Database> database(const std::string& name, bool create) override;
    void deleteDatabase(const std::string& name) override;
    void addObserver(std::shared_ptr<DocumentObserver> observer) override;
    const std::filesystem::path& dataDir() const override { return m_dataDir; }

    // Runs `fn` in one write transaction (BEGIN IMMEDIATE … COMMIT; ROLLBACK when it throws).
    // Re-entrant on the writing thread: a nested call joins the running transaction.
    void write(const std::function<void(WriteContext&)>& fn);
    // Runs `fn` on a pooled read connection inside one read transaction (a consistent snapshot).
    void read(const std::function<void(sqlite3*, ModelSql&)>& fn);
    // Called on every connection of this store, the existing ones now and new ones when opened
    // (e.g. to register an FTS5 tokenizer). Call before other threads use the store.
    void addConnectionInitializer(std::function<void(sqlite3*)> init);

    bool hasObservers();
    // For DocumentObserver dispatch inside a write transaction.
    void notifyWinnerChanged(WriteContext& ctx, const std::string& db, const std::string& docId,
                             const Json* winner, bool created);
    static std::filesystem::path fileName(const std::filesystem::path& dataDir);

private:
    friend class SqliteDatabase;
    std::unique_ptr<SqlConnection> openConnection(bool forWrite);
    std::shared_ptr<SqliteDatabase> openHandle(int64_t dbId, const std::string& name);

    std::filesystem::path m_dataDir;
    std::filesystem::path m_file;

    std::recursive_mutex m_writeMutex;
    std::unique_ptr<SqlConnection> m_writer;
    int m_writeDepth = 0;

    std::mutex m_poolMutex;
    std::vector<std::unique_ptr<SqlConnection>> m_pool;

    std::mutex m_metaMutex;
    std::map<std::string, std::shared_ptr<SqliteDatabase>> m_handles;
    std::vector<std::shared_ptr<DocumentObserver>> m_observers;
    std::vector<std::function<void(sqlite3*)>> m_initializers;
};

// Schema creation and migrations (PRAGMA user_version). Runs on the write connection.
inline constexpr int kStoreSchemaVersion = 2;
void migrateSchema(ModelSql& sql);
// The DDL of one schema version step (1 = the first schema). Exposed for upgrade tests.
const char* schemaStep(int version);

}  // namespace kenes::storage
