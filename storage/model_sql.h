// Small RAII helpers the projections, queries and search use over one SQLite connection.
// Internal to storage/. A ModelSql is used by one thread at a time (like its connection).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kenes::storage {

// A prepared statement borrowed from a ModelSql cache: reset and unbound when it goes out of scope.
class ModelStmt {
public:
    explicit ModelStmt(sqlite3_stmt* stmt) : m_stmt(stmt) {}
    ModelStmt(const ModelStmt&) = delete;
    ModelStmt& operator=(const ModelStmt&) = delete;
    ModelStmt(ModelStmt&& other) noexcept : m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    ~ModelStmt() {
        if (m_stmt) {
            sqlite3_reset(m_stmt);
            sqlite3_clear_bindings(m_stmt);
        }
    }

    ModelStmt& bind(int i, std::string_view v) {
        sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    // Binds text without copying it: `v` must stay alive and unchanged until this ModelStmt ends.
    ModelStmt& bindStatic(int i, std::string_view v) {
        sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
        return *this;
    }
    ModelStmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    ModelStmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    ModelStmt& bind(int i, int64_t v) {
        sqlite3_bind_int64(m_stmt, i, v);
        return *this;
    }
    ModelStmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    ModelStmt& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
    ModelStmt& bind(int i, double v) {
        sqlite3_bind_double(m_stmt, i, v);
        return *this;
    }
    ModelStmt& bindNull(int i) {
        sqlite3_bind_null(m_stmt, i);
        return *this;
    }
    // Binds NULL for an empty string.
    ModelStmt& bindOpt(int i, const std::string& v) { return v.empty() ? bindNull(i) : bind(i, v); }

    // true while there is a row; throws StoreError 500 on an SQLite error.
    bool step();
    void run() {
        while (step()) {
        }
    }

    std::string text(int col) const {
        auto p = sqlite3_column_text(m_stmt, col);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<size_t>(sqlite3_column_bytes(m_stmt, col)))
                 : std::string();
    }
    // The column's text without a copy: valid until the next step, reset or other access to the column.
    std::string_view view(int col) const {
        auto p = sqlite3_column_text(m_stmt, col);
        return p ? std::string_view(reinterpret_cast<const char*>(p),
                                    static_cast<size_t>(sqlite3_column_bytes(m_stmt, col)))
                 : std::string_view();
    }
    int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }
    double real(int col) const { return sqlite3_column_double(m_stmt, col); }
    bool isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

private:
    sqlite3_stmt* m_stmt;
};

// A cache of prepared statements on one connection (not owned). Finalizes them on destruction,
// which must happen before the connection is closed.
class ModelSql {
public:
    explicit ModelSql(sqlite3* db) : m_db(db) {}
    ModelSql(const ModelSql&) = delete;
    ModelSql& operator=(const ModelSql&) = delete;
    ~ModelSql();

    // `sql` must be a string literal (the cache is keyed by its address and text).
    ModelStmt prepare(const char* sql);
    // Runs one or more statements without results; throws StoreError 500 on failure.
    void exec(const std::string& sql);
    sqlite3* db() const { return m_db; }

private:
    sqlite3* m_db;
    std::map<std::string, sqlite3_stmt*, std::less<>> m_cache;
};

}  // namespace kenes::storage
