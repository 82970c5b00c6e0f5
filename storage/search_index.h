// Maintenance of the search index (search_docs + the FTS5 tables search_fts, stemmed with the
// "kenes" tokenizer, search_tri, trigram, and search_tri_title, trigram over titles only). Internal to
// storage/: called by ProjectionWriter on the writing connection inside the write transaction.
#pragma once

#include <string>

#include "storage/model_sql.h"
#include "storage/projection_records.h"

namespace kenes::storage {

std::string searchSchemaSql();
std::string searchDropSql();

void searchRemove(ModelSql& sql, const std::string& database, const std::string& docId);
void searchDropDatabase(ModelSql& sql, const std::string& database);
// Brings one document's search rows in step with the projection tables: removes its rows, then
// indexes it as the session, standard or note the tables hold under that id (nothing otherwise).
void searchReindexDocument(ModelSql& sql, const std::string& database, const std::string& docId);
// Indexes a session from the projection tables (title, abstract, track, speakers' names), one row
// per language. The session's previous rows must have been removed. false when there is no such session.
bool searchIndexSession(ModelSql& sql, const std::string& database, const std::string& sessionId);
// Indexes a standard (title, summary, preamble) and each article, one row per language.
void searchIndexStandard(ModelSql& sql, const std::string& database, const StandardRecord& standard);
void searchIndexNote(ModelSql& sql, const std::string& database, const NoteRecord& note);

}  // namespace kenes::storage
