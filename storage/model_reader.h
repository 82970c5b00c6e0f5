// A pool of read-only SQLite connections for the model's queries. Internal to storage/.
// Thread-safe: acquire() hands each caller its own connection (with its statement cache) and
// takes it back when the lease ends; connections are opened on demand and kept for reuse.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <vector>

#include "storage/model_sql.h"
#include "storage/store.h"

namespace kenes::storage {

struct ModelReader {
    struct Closer {
        void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
    };
    explicit ModelReader(sqlite3* connection) : db(connection), sql(connection) {}
    std::unique_ptr<sqlite3, Closer> db;  // declared first: closed after the statements are finalized
    ModelSql sql;
};

class ReaderPool {
public:
    // `cacheKib`: each connection's page cache.
    ReaderPool(Store& store, int cacheKib) : m_store(store), m_cacheKib(cacheKib) {}

    class Lease {
    public:
        Lease(ReaderPool& pool, std::unique_ptr<ModelReader> reader)
            : m_pool(pool), m_reader(std::move(reader)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();
        ModelReader* operator->() const { return m_reader.get(); }

    private:
        ReaderPool& m_pool;
        std::unique_ptr<ModelReader> m_reader;
    };

    Lease acquire();

private:
    std::unique_ptr<ModelReader> open();

    Store& m_store;
    const int m_cacheKib;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<ModelReader>> m_idle;
};

}  // namespace kenes::storage
