// Projections: typed tables (proj_*) and the search index (search_*) kept in step with each
// document's winning revision. Internal to storage/: everything here runs on the writing
// connection inside the store's write transaction.
#pragma once

#include <functional>
#include <set>
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

// Documents whose search rows (search_*) are not yet in step with the projection tables within
// the running write transaction. ProjectionWriter::apply lists them; flush() re-indexes them all
// from the projection tables in one pass, on the same connection, before the transaction commits
// (so readers never see the search index out of step). Indexing a whole batch at once also keeps
// the FTS5 tables out of the per-document savepoints, each of which would write a segment.
// Not thread-safe: used under the store's write lock only.
class SearchBacklog {
public:
    void add(const std::string& database, const std::string& docId) { m_docs.emplace(database, docId); }
    bool empty() const { return m_docs.empty(); }
    void clear() { m_docs.clear(); }
    void flush(ModelSql& sql);

private:
    std::set<std::pair<std::string, std::string>> m_docs;
};

// Writes projection rows through one connection. Not thread-safe: used by the writer only.
// With a backlog, apply() leaves the search rows to the backlog's flush(); without one, apply()
// brings them in step before it returns.
class ProjectionWriter {
public:
    explicit ProjectionWriter(ModelSql& sql, SearchBacklog* backlog = nullptr)
        : m_sql(sql), m_backlog(backlog) {}

    // The stored schema version, 0 when the projection tables do not exist.
    int storedSchemaVersion();
    // Drops every proj_*/search_* table and creates the current schema (empty).
    void recreateSchema();

    // Replaces everything projected from (database, docId) by what `winner` yields (nothing when
    // winner is null, i.e. deleted). A document of the wrong shape is skipped, recorded in
    // proj_skipped and logged. `created`: the document is new to the database, so nothing was
    // projected from it and there is nothing to remove first. Throws only on SQLite failures.
    void apply(const std::string& database, const std::string& docId, const Json* winner,
               bool created = false);
    void dropDatabase(const std::string& database);

private:
    void removeDocument(const std::string& database, const std::string& docId);
    void applyRecord(const std::string& database, const std::string& docId, const Json* winner,
                     SearchBacklog& backlog, bool created);

    ModelSql& m_sql;
    SearchBacklog* m_backlog;
};

}  // namespace kenes::storage
