// The model attached to a Store (see model_store.h): the projection observer, catch-up and
// rebuilds.
//
// Projections live in the store's own SQLite file and are written through the WriteContext of
// the document write that changes a winner, so they commit or roll back with it. For each
// database, proj_meta remembers the database's uuid and an update sequence up to which the
// projections are known to be in step (written with every projected change). On registration,
// every database is caught up from there through its changes feed, so documents written while no
// model was attached (a store opened with plain Store::open) are projected; a projection schema
// version change rebuilds everything from the documents.
#include "storage/model_store.h"

#include <algorithm>
#include <set>

#include "storage/projection.h"
#include "storage/search_tokenizer.h"
#include "storage/sqlite_store.h"

namespace kenes::storage {

namespace {

void recordProgress(ModelSql& sql, const std::string& database) {
    // The sequence of the change being projected is already on its docs row (the database's
    // update_seq is raised when the whole batch ends).
    sql.prepare(
           "INSERT OR REPLACE INTO proj_meta(key, value) "
           "SELECT 'progress:' || name, json_object('uuid', uuid, 'seq', max(update_seq, "
           "coalesce((SELECT max(seq) FROM docs WHERE docs.db_id = dbs.db_id), 0))) FROM dbs WHERE name=?1")
        .bind(1, database)
        .run();
}

// Projection rows are written with each document; the search rows and the progress records of
// every document changed in a write transaction are written once, just before it commits.
class ProjectionObserver : public DocumentObserver {
public:
    void onWinnerChanged(WriteContext& txn, const std::string& database, const std::string& docId,
                         const Json* winner, bool created) override {
        ProjectionWriter(txn.sql(), &m_search).apply(database, docId, winner, created);
        m_progress.insert(database);
    }

    void onDatabaseDeleted(WriteContext& txn, const std::string& database) override {
        ProjectionWriter(txn.sql(), &m_search).dropDatabase(database);
        m_progress.erase(database);
        txn.sql().prepare("DELETE FROM proj_meta WHERE key=?1").bind(1, "progress:" + database).run();
    }

    void beforeCommit(WriteContext& txn) override {
        m_search.flush(txn.sql());
        for (const auto& database : m_progress) recordProgress(txn.sql(), database);
        m_progress.clear();
    }

    void afterRollback() override {
        m_search.clear();
        m_progress.clear();
    }

private:
    // Only touched inside write transactions, under the store's write lock.
    SearchBacklog m_search;
    std::set<std::string> m_progress;
};

SqliteStore& sqliteStore(Store& store) {
    auto* sqlite = dynamic_cast<SqliteStore*>(&store);
    if (!sqlite)
        throw StoreError(500, "internal_error", "The projections and search need the SQLite document store.");
    return *sqlite;
}

void ensureSchema(SqliteStore& store) {
    store.write([&](WriteContext& txn) {
        ProjectionWriter projections(txn.sql());
        if (projections.storedSchemaVersion() != kProjectionSchemaVersion) projections.recreateSchema();
    });
}

void catchUp(SqliteStore& store) {
    std::map<std::string, std::pair<std::string, uint64_t>> progress;
    store.read([&](sqlite3*, ModelSql& sql) {
        auto q = sql.prepare("SELECT substr(key, 10), value FROM proj_meta WHERE key LIKE 'progress:%'");
        while (q.step()) {
            Json v = Json::parse(q.text(1), nullptr, false);
            if (v.is_object())
                progress[q.text(0)] = {v.value("uuid", std::string()), v.value("seq", uint64_t{0})};
        }
    });
    const std::vector<std::string> databases = store.allDatabases();
    for (const auto& [name, _] : progress) {
        if (std::find(databases.begin(), databases.end(), name) != databases.end()) continue;
        store.write([&](WriteContext& txn) {
            ProjectionWriter(txn.sql()).dropDatabase(name);
            txn.sql().prepare("DELETE FROM proj_meta WHERE key=?1").bind(1, "progress:" + name).run();
        });
    }
    for (const auto& name : databases) {
        std::shared_ptr<Database> db;
        try {
            db = store.database(name, false);
        } catch (const StoreError&) {
            continue;  // deleted meanwhile
        }
        const DatabaseInfo info = db->info();
        uint64_t since = 0;
        auto known = progress.find(name);
        if (known != progress.end()) {
            if (known->second.first == info.uuid && known->second.second <= info.updateSeq) {
                since = known->second.second;
            } else {  // another database under the same name: start over
                store.write([&](WriteContext& txn) { ProjectionWriter(txn.sql()).dropDatabase(name); });
            }
        }
        while (since < info.updateSeq) {
            ChangesOptions options;
            options.since = since;
            options.limit = 500;
            options.allLeaves = false;
            options.includeDocs = true;
            ChangesResult changes = db->changes(options);
            store.write([&](WriteContext& txn) {
                SearchBacklog search;
                ProjectionWriter projections(txn.sql(), &search);
                for (const auto& row : changes.results) {
                    const bool live = row.doc && !row.deleted && !row.doc->value("_deleted", false);
                    projections.apply(name, row.id, live ? &*row.doc : nullptr);
                }
                search.flush(txn.sql());
                recordProgress(txn.sql(), name);
            });
            if (changes.results.empty() || changes.lastSeq <= since) break;
            since = changes.lastSeq;
        }
    }
}

}  // namespace

std::filesystem::path modelDatabasePath(const Store& store) {
    return SqliteStore::fileName(store.dataDir());
}

void registerModel(Store& store) {
    SqliteStore& sqlite = sqliteStore(store);
    registerSearchTokenizerForNewConnections();
    sqlite.addConnectionInitializer([](sqlite3* db) { registerSearchTokenizer(db); });
    ensureSchema(sqlite);
    // Writes from here on are projected by the observer; earlier ones by the catch-up.
    sqlite.addObserver(std::make_shared<ProjectionObserver>());
    catchUp(sqlite);
}

std::unique_ptr<Store> openLibraryStore(const std::filesystem::path& dataDir) {
    registerSearchTokenizerForNewConnections();
    auto store = Store::open(dataDir);
    registerModel(*store);
    return store;
}

}  // namespace kenes::storage
