// ModelSql / ModelStmt (see model_sql.h).
#include "storage/model_sql.h"

#include "storage/store.h"

namespace kenes::storage {

bool ModelStmt::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3* db = sqlite3_db_handle(m_stmt);
    throw StoreError(500, "internal_error", std::string("The local database failed: ") + sqlite3_errmsg(db));
}

ModelSql::~ModelSql() {
    for (auto& [sql, stmt] : m_cache) sqlite3_finalize(stmt);
}

ModelStmt ModelSql::prepare(const char* sql) {
    auto it = m_cache.find(std::string_view(sql));
    if (it == m_cache.end()) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
            throw StoreError(
                500, "internal_error",
                std::string("The local database failed to prepare a query: ") + sqlite3_errmsg(m_db));
        it = m_cache.emplace(sql, stmt).first;
    }
    return ModelStmt(it->second);
}

void ModelSql::exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errmsg(m_db);
        sqlite3_free(error);
        throw StoreError(500, "internal_error", "The local database failed: " + message);
    }
}

}  // namespace kenes::storage
