// SqliteStore: the data directory's SQLite file, its connections, transactions and schema.
#include "storage/sqlite_store.h"

#include <random>

#include "storage/sqlite_database.h"

namespace kenes::storage {

namespace {

const char* const kSchemaSteps[] = {
    // 1: the first schema.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE dbs(db_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL,"
    "  update_seq INTEGER NOT NULL DEFAULT 0, revs_limit INTEGER NOT NULL DEFAULT 1000);"
    "CREATE TABLE docs(doc_key INTEGER PRIMARY KEY, db_id INTEGER NOT NULL, id TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, winner TEXT NOT NULL, deleted INTEGER NOT NULL, UNIQUE(db_id, id));"
    "CREATE INDEX docs_by_seq ON docs(db_id, seq);"
    "CREATE TABLE revs(doc_key INTEGER NOT NULL, rev TEXT NOT NULL, gen INTEGER NOT NULL, hash TEXT NOT NULL,"
    "  parent TEXT, leaf INTEGER NOT NULL, deleted INTEGER NOT NULL, body TEXT,"
    "  PRIMARY KEY(doc_key, rev));"
    "CREATE TABLE locals(db_id INTEGER NOT NULL, id TEXT NOT NULL, rev INTEGER NOT NULL, body TEXT NOT NULL,"
    "  PRIMARY KEY(db_id, id)) WITHOUT ROWID;",
    // 2: per-database _security, and an index for live documents in id order (_all_docs).
    "ALTER TABLE dbs ADD COLUMN security TEXT NOT NULL DEFAULT '{}';"
    "CREATE INDEX docs_live ON docs(db_id, deleted, id);",
};

std::string randomHex(size_t bytes) {
    static std::mutex mutex;
    static std::mt19937_64 rng{std::random_device{}()};
    std::lock_guard lock(mutex);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < bytes; ++i) {
        auto b = static_cast<unsigned>(rng() & 0xff);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

}  // namespace

const char* schemaStep(int version) {
    if (version < 1 || version > kStoreSchemaVersion) return nullptr;
    return kSchemaSteps[version - 1];
}

void migrateSchema(ModelSql& sql) {
    int version = 0;
    {
        auto st = sql.prepare("PRAGMA user_version");
        if (st.step()) version = static_cast<int>(st.integer(0));
    }
    if (version > kStoreSchemaVersion)
        throw StoreError(500, "internal_error",
                         "The data folder was written by a newer version of Kenes (schema " +
                             std::to_string(version) + "); please update Kenes.");
    if (version == kStoreSchemaVersion) return;
    sql.exec("BEGIN IMMEDIATE");
    try {
        for (int v = version + 1; v <= kStoreSchemaVersion; ++v) sql.exec(schemaStep(v));
        sql.exec("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion));
        sql.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(sql.db(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

SqlConnection::~SqlConnection() {
    sql.reset();  // finalize cached statements before closing
    if (db) sqlite3_close_v2(db);
}

std::filesystem::path SqliteStore::fileName(const std::filesystem::path& dataDir) {
    return dataDir / "kenes.sqlite3";
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& dataDir) {
    return std::make_unique<SqliteStore>(dataDir);
}

SqliteStore::SqliteStore(const std::filesystem::path& dataDir)
    : m_dataDir(dataDir), m_file(fileName(dataDir)) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    if (ec || !std::filesystem::is_directory(dataDir))
        throw StoreError(500, "cannot_open",
                         "Cannot create the data folder " + dataDir.string() + ": " +
                             (ec ? ec.message() : std::string("it is not a folder")) + ".");
    m_writer = openConnection(true);
    migrateSchema(*m_writer->sql);
}

SqliteStore::~SqliteStore() {
    std::lock_guard lock(m_metaMutex);
    for (auto& [name, handle] : m_handles) handle->markDeleted();
}

std::unique_ptr<SqlConnection> SqliteStore::openConnection(bool forWrite) {
    auto conn = std::make_unique<SqlConnection>();
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (forWrite ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(m_file.c_str(), &conn->db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = conn->db ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc);
        throw StoreError(500, "cannot_open",
                         "Cannot open the local database " + m_file.string() + ": " + msg + ".");
    }
    sqlite3_extended_result_codes(conn->db, 1);
    sqlite3_busy_timeout(conn->db, 10000);
    conn->sql = std::make_unique<ModelSql>(conn->db);
    try {
        if (forWrite) {
            conn->sql->exec("PRAGMA journal_mode=WAL");
            conn->sql->exec("PRAGMA synchronous=NORMAL");
            // Checkpoints every ~40 MB of WAL instead of every 4 MB: each one fsyncs twice, and a bulk
            // load of 100 MB would otherwise run ~30 of them.
            conn->sql->exec("PRAGMA wal_autocheckpoint=10000");
        }
        conn->sql->exec("PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000");
    } catch (const StoreError& e) {
        throw StoreError(
            500, "cannot_open",
            "Cannot use the data folder " + m_dataDir.string() + " (is it writable?): " + e.reason());
    }
    std::vector<std::function<void(sqlite3*)>> inits;
    {
        std::lock_guard lock(m_metaMutex);
        inits = m_initializers;
    }
    for (auto& init : inits) init(conn->db);
    return conn;
}

void SqliteStore::addConnectionInitializer(std::function<void(sqlite3*)> init) {
    {
        std::lock_guard lock(m_writeMutex);
        init(m_writer->db);
    }
    {
        std::lock_guard lock(m_poolMutex);
        for (auto& c : m_pool) init(c->db);
    }
    std::lock_guard lock(m_metaMutex);
    m_initializers.push_back(std::move(init));
}

void SqliteStore::write(const std::function<void(WriteContext&)>& fn) {
    std::lock_guard lock(m_writeMutex);
    WriteContext ctx(m_writer->db, *m_writer->sql);
    if (m_writeDepth > 0) {
        ++m_writeDepth;
        try {
            fn(ctx);
        } catch (...) {
            --m_writeDepth;
            throw;
        }
        --m_writeDepth;
        return;
    }
    m_writer->sql->prepare("BEGIN IMMEDIATE").run();
    m_writeDepth = 1;
    std::vector<std::shared_ptr<DocumentObserver>> observers;
    {
        std::lock_guard meta(m_metaMutex);
        observers = m_observers;
    }
    try {
        fn(ctx);
        for (auto& o : observers) o->beforeCommit(ctx);
        m_writer->sql->prepare("COMMIT").run();
    } catch (...) {
        sqlite3_exec(m_writer->db, "ROLLBACK", nullptr, nullptr, nullptr);
        for (auto& o : observers) o->afterRollback();
        m_writeDepth = 0;
        throw;
    }
    m_writeDepth = 0;
}

void SqliteStore::read(const std::function<void(sqlite3*, ModelSql&)>& fn) {
    std::unique_ptr<SqlConnection> conn;
    {
        std::lock_guard lock(m_poolMutex);
        if (!m_pool.empty()) {
            conn = std::move(m_pool.back());
            m_pool.pop_back();
        }
    }
    if (!conn) conn = openConnection(false);
    struct Return {
        SqliteStore& store;
        std::unique_ptr<SqlConnection>& conn;
        ~Return() {
            std::lock_guard lock(store.m_poolMutex);
            if (store.m_pool.size() < 32) store.m_pool.push_back(std::move(conn));
        }
    } giveBack{*this, conn};
    conn->sql->prepare("BEGIN").run();
    try {
        fn(conn->db, *conn->sql);
    } catch (...) {
        sqlite3_exec(conn->db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    conn->sql->prepare("COMMIT").run();
}

bool SqliteStore::hasObservers() {
    std::lock_guard lock(m_metaMutex);
    return !m_observers.empty();
}

void SqliteStore::notifyWinnerChanged(WriteContext& ctx, const std::string& db, const std::string& docId,
                                      const Json* winner, bool created) {
    std::vector<std::shared_ptr<DocumentObserver>> observers;
    {
        std::lock_guard lock(m_metaMutex);
        observers = m_observers;
    }
    for (auto& o : observers) o->onWinnerChanged(ctx, db, docId, winner, created);
}

void SqliteStore::addObserver(std::shared_ptr<DocumentObserver> observer) {
    std::lock_guard lock(m_metaMutex);
    m_observers.push_back(std::move(observer));
}

std::vector<std::string> SqliteStore::allDatabases() {
    std::vector<std::string> names;
    read([&](sqlite3*, ModelSql& sql) {
        auto st = sql.prepare("SELECT name FROM dbs ORDER BY name");
        while (st.step()) names.push_back(st.text(0));
    });
    return names;
}

bool SqliteStore::hasDatabase(const std::string& name) {
    bool found = false;
    read([&](sqlite3*, ModelSql& sql) {
        auto st = sql.prepare("SELECT 1 FROM dbs WHERE name = ?");
        st.bind(1, name);
        found = st.step();
    });
    return found;
}

std::shared_ptr<SqliteDatabase> SqliteStore::openHandle(int64_t dbId, const std::string& name) {
    std::lock_guard lock(m_metaMutex);
    auto it = m_handles.find(name);
    if (it != m_handles.end() && it->second->dbId() == dbId) return it->second;
    uint64_t seq = 0;
    {
        auto st = m_writer->sql->prepare("SELECT update_seq FROM dbs WHERE db_id = ?");
        st.bind(1, dbId);
        if (st.step()) seq = static_cast<uint64_t>(st.integer(0));
    }
    auto handle = std::make_shared<SqliteDatabase>(*this, dbId, name, seq);
    m_handles[name] = handle;
    return handle;
}

std::shared_ptr<Database> SqliteStore::createDatabase(const std::string& name) {
    if (!isValidDatabaseName(name))
        throw StoreError(
            400, "illegal_database_name",
            "Name: '" + name +
                "'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, "
                "(, ), +, -, and / are allowed. Must begin with a letter.");
    std::shared_ptr<SqliteDatabase> handle;
    write([&](WriteContext& ctx) {
        {
            auto st = ctx.sql().prepare("SELECT 1 FROM dbs WHERE name = ?");
            st.bind(1, name);
            if (st.step())
                throw StoreError(412, "file_exists",
                                 "The database could not be created, the file already exists.");
        }
        auto ins = ctx.sql().prepare("INSERT INTO dbs(name, uuid) VALUES (?, ?)");
        ins.bind(1, name).bind(2, randomHex(16));
        ins.run();
        handle = openHandle(sqlite3_last_insert_rowid(ctx.connection()), name);
    });
    return handle;
}

std::shared_ptr<Database> SqliteStore::database(const std::string& name, bool create) {
    std::shared_ptr<SqliteDatabase> handle;
    std::lock_guard lock(m_writeMutex);  // no creation or deletion in between
    {
        auto st = m_writer->sql->prepare("SELECT db_id FROM dbs WHERE name = ?");
        st.bind(1, name);
        if (st.step()) handle = openHandle(st.integer(0), name);
    }
    if (handle) return handle;
    if (!create) throw StoreError(404, "not_found", "Database does not exist.");
    return createDatabase(name);
}

void SqliteStore::deleteDatabase(const std::string& name) {
    std::shared_ptr<SqliteDatabase> handle;
    write([&](WriteContext& ctx) {
        int64_t dbId = 0;
        {
            auto st = ctx.sql().prepare("SELECT db_id FROM dbs WHERE name = ?");
            st.bind(1, name);
            if (!st.step()) throw StoreError(404, "not_found", "Database does not exist.");
            dbId = st.integer(0);
        }
        auto delRevs =
            ctx.sql().prepare("DELETE FROM revs WHERE doc_key IN (SELECT doc_key FROM docs WHERE db_id = ?)");
        delRevs.bind(1, dbId).run();
        auto delDocs = ctx.sql().prepare("DELETE FROM docs WHERE db_id = ?");
        delDocs.bind(1, dbId).run();
        auto delLocals = ctx.sql().prepare("DELETE FROM locals WHERE db_id = ?");
        delLocals.bind(1, dbId).run();
        auto delDb = ctx.sql().prepare("DELETE FROM dbs WHERE db_id = ?");
        delDb.bind(1, dbId).run();
        std::vector<std::shared_ptr<DocumentObserver>> observers;
        {
            std::lock_guard lock(m_metaMutex);
            observers = m_observers;
            auto it = m_handles.find(name);
            if (it != m_handles.end()) {
                handle = it->second;
                m_handles.erase(it);
            }
        }
        for (auto& o : observers) o->onDatabaseDeleted(ctx, name);
    });
    if (handle) handle->markDeleted();
}

}  // namespace kenes::storage
