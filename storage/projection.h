// Projections: typed tables (proj_*) and the search index (search_*) kept in step with each
// document's winning revision. Internal to storage/: everything here runs on the writing
// connection inside the store's write transaction.
#pragma once

#include <functional>
#include <string>

#include "storage/model_sql.h"
#include "storage/store.h"

namespace kenes::storage {

// Bumped whenever the proj_*/search_* schema or what is projected changes; a store whose
// projections carry another version has them dropped and rebuilt from the documents.
inline constexpr int kProjectionSchemaVersion = 6;

// Where reasons for skipped documents go (default: one line on stderr). Thread-safe to call;
// set it before opening stores.
using ProjectionLog = std::function<void(const std::string& line)>;
void setProjectionLog(ProjectionLog log);
void logProjection(const std::string& line);

// Writes projection rows through one connection. Not thread-safe: used by the writer only.
class ProjectionWriter {
public:
    explicit ProjectionWriter(ModelSql& sql) : m_sql(sql) {}

    // The stored schema version, 0 when the projection tables do not exist.
    int storedSchemaVersion();
    // Drops every proj_*/search_* table and creates the current schema (empty).
    void recreateSchema();

    // Replaces everything projected from (database, docId) by what `winner` yields (nothing when
    // winner is null, i.e. deleted). A document of the wrong shape is skipped, recorded in
    // proj_skipped and logged. Throws only on SQLite failures.
    void apply(const std::string& database, const std::string& docId, const Json* winner);
    void dropDatabase(const std::string& database);

private:
    void removeDocument(const std::string& database, const std::string& docId);

    ModelSql& m_sql;
};

}  // namespace kenes::storage
