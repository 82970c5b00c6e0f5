// Row-level helpers shared by SqliteDatabase's read path (sqlite_database.cpp) and write path
// (sqlite_database_write.cpp). Internal to storage/; every function runs on the connection of
// the caller's transaction and is as thread-safe as that connection (one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/model_sql.h"
#include "storage/revision_tree.h"
#include "storage/store.h"

namespace kenes::storage {

inline constexpr size_t kMaxIdBytes = 4096;

StoreError badRequest(const std::string& reason);

// The body of a document without its special fields. Throws 400 for unknown `_` fields.
Json stripSpecial(const Json& doc);
// body.dump(), with 400 for text that is not valid UTF-8.
std::string dumpChecked(const Json& body);

// A document row plus its revision tree.
struct DocState {
    bool exists = false;
    int64_t docKey = 0;
    RevisionTree tree;
};

DocState loadDoc(ModelSql& sql, int64_t dbId, const std::string& id);
// The rows and trees of many documents in two queries; ids not stored map to a state with
// exists == false. Duplicate ids are loaded once.
std::unordered_map<std::string, DocState> loadDocs(ModelSql& sql, int64_t dbId,
                                                   const std::vector<std::string>& ids);
std::optional<std::string> loadBody(ModelSql& sql, int64_t docKey, const std::string& rev);
uint64_t readRevsLimit(ModelSql& sql, int64_t dbId);

// The state of one bulk_docs call while it writes. Without observers, the rows of new documents
// and new revisions are collected and inserted with multi-row statements (flush()) before any
// later read of the same rows and before the transaction ends; with observers every row is
// written at once, so that an observer's refusal rolls back exactly that document.
struct WriteBatch {
    struct DocRow {
        int64_t docKey;
        std::string id;
        int64_t seq;
        std::string winner;
        bool deleted;
    };
    struct RevRow {
        int64_t docKey;
        std::string rev;
        int64_t gen;
        std::string hash;
        std::optional<std::string> parent;
        bool leaf;
        bool deleted;
        std::optional<std::string> body;
    };

    bool notify = false;  // observers are called (and rows written at once)
    uint64_t revsLimit = 1000;
    int64_t nextDocKey = 1;
    std::unordered_map<std::string, DocState> loaded;  // read up front; taken by the first write of an id
    std::vector<DocRow> docRows;
    std::vector<RevRow> revRows;

    bool deferred() const { return !notify; }
    void insertDoc(ModelSql& sql, int64_t dbId, DocRow row);
    void insertRev(ModelSql& sql, RevRow row);
    void flush(ModelSql& sql, int64_t dbId);
};

}  // namespace kenes::storage
