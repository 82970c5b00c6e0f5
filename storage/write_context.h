// WriteContext: the write transaction of the SQLite store, passed to every write and to every
// DocumentObserver. Internal to storage/ (the only place with SQL).
#pragma once

#include <sqlite3.h>

#include "storage/model_sql.h"
#include "storage/store.h"

namespace kenes::storage {

// Valid only during one write transaction (BEGIN IMMEDIATE … COMMIT on the store's single write
// connection, under the store's write lock). Statements prepared through sql() are cached on
// that connection for the life of the store. Anything written through it commits or rolls back
// with the document write that caused it. Not thread-safe; never keep it past the callback.
class WriteContext {
public:
    WriteContext(sqlite3* connection, ModelSql& sql) : m_connection(connection), m_sql(sql) {}
    WriteContext(const WriteContext&) = delete;
    WriteContext& operator=(const WriteContext&) = delete;

    sqlite3* connection() const { return m_connection; }
    ModelSql& sql() { return m_sql; }

private:
    sqlite3* m_connection;
    ModelSql& m_sql;
};

}  // namespace kenes::storage
