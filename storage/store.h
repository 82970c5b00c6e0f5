// Public contract of the Kenes document store: named databases of JSON documents with
// CouchDB semantics (revision trees, winners, conflicts, changes feed, revs_diff, bulk_get,
// _local documents). This header is the only part of storage/ that sync/, hub/, formats/ and
// app/ see for documents; it holds no SQL and no SQLite types.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kenes::storage {

using Json = nlohmann::json;

// An error a caller can act on, carrying the CouchDB error name and HTTP status it maps to:
// 400 "bad_request", 401 "unauthorized", 403 "forbidden", 404 "not_found", 409 "conflict",
// 412 "file_exists", 500 "internal_error". `reason` is a sentence a person understands.
class StoreError : public std::runtime_error {
public:
    StoreError(int status, std::string error, std::string reason);
    int status() const noexcept { return m_status; }
    const std::string& error() const noexcept { return m_error; }
    const std::string& reason() const noexcept { return m_reason; }

private:
    int m_status;
    std::string m_error;
    std::string m_reason;
};

struct DatabaseInfo {
    std::string name;
    uint64_t docCount = 0;     // documents whose winner is not deleted
    uint64_t docDelCount = 0;  // documents whose winner is deleted
    uint64_t updateSeq = 0;
    std::string uuid;  // stable for the life of the database (the replicator keys on it)
    uint64_t sizeBytes = 0;
};

struct PutResult {
    std::string id;
    std::string rev;
};

// One row of a bulk_docs answer: either ok with `rev`, or `error`/`reason` set.
struct BulkResult {
    std::string id;
    std::string rev;
    std::string error;
    std::string reason;
    bool ok() const noexcept { return error.empty(); }
};

struct GetOptions {
    std::optional<std::string> rev;  // a specific revision (may be a non-leaf if its body is kept)
    bool revs = false;               // add _revisions {start, ids}
    bool conflicts = false;          // add _conflicts (non-deleted losing leaves), sorted as CouchDB does
    bool deletedConflicts = false;   // add _deleted_conflicts
    bool latest = false;             // with rev: answer the leaf(s) that descend from it
    bool revsInfo = false;           // add _revs_info
};

// One answer of open_revs / bulk_get: the document of a revision, or that revision missing.
struct RevResult {
    std::string rev;
    std::optional<Json> doc;  // set when found (with _id, _rev, _deleted if deleted, _revisions if asked)
    bool missing() const noexcept { return !doc.has_value(); }
};

struct ChangesOptions {
    uint64_t since = 0;
    std::optional<uint64_t> limit;
    bool allLeaves = true;  // style=all_docs: every leaf rev; false: the winner only
    bool includeDocs = false;
    bool conflicts = false;                          // with includeDocs
    std::optional<std::vector<std::string>> docIds;  // filter=_doc_ids
};

struct ChangeRow {
    uint64_t seq = 0;
    std::string id;
    std::vector<std::string> revs;  // winner first, then the other leaves
    bool deleted = false;           // the winner is deleted
    std::optional<Json> doc;
};

struct ChangesResult {
    std::vector<ChangeRow> results;
    uint64_t lastSeq = 0;
    uint64_t pending = 0;  // changes after lastSeq not returned because of `limit`
};

struct RevsDiffEntry {
    std::vector<std::string> missing;
    std::vector<std::string> possibleAncestors;
};
using RevsDiffRequest = std::map<std::string, std::vector<std::string>>;
using RevsDiffResult = std::map<std::string, RevsDiffEntry>;

struct BulkGetRequest {
    std::string id;
    std::optional<std::string> rev;  // nullopt: the winner
};

struct BulkGetResult {
    std::string id;
    // Per requested revision: a document, or an error object {"id","rev","error","reason"}.
    std::vector<Json> docs;
};

// bulk_get answered as JSON text (Database::bulkGetText).
struct BulkGetTextResult {
    struct Doc {
        bool ok = false;   // true: `json` is a document; false: an error object {"id","rev","error","reason"}
        std::string json;  // compact JSON text of one object
    };
    std::string id;
    std::vector<Doc> docs;  // one per answered revision, as BulkGetResult::docs
};

struct AllDocsOptions {
    std::optional<std::string> startKey;
    std::optional<std::string> endKey;
    bool inclusiveEnd = true;
    std::optional<std::vector<std::string>> keys;
    std::optional<uint64_t> limit;
    uint64_t skip = 0;
    bool descending = false;
    bool includeDocs = false;
    bool conflicts = false;  // with includeDocs
};

struct AllDocsRow {
    std::string id;
    std::string rev;
    bool deleted = false;  // only for rows asked for by `keys`
    std::string error;     // "not_found" for a requested key that does not exist
    std::optional<Json> doc;
};

struct AllDocsResult {
    uint64_t totalRows = 0;
    uint64_t offset = 0;
    uint64_t updateSeq = 0;
    std::vector<AllDocsRow> rows;
};

// One named database. Thread-safe: any method may be called from any thread; every public
// operation is atomic (one SQLite transaction). A Database stays valid while its Store lives;
// after deleteDatabase() its methods throw StoreError 404.
class Database {
public:
    virtual ~Database() = default;

    virtual const std::string& name() const = 0;
    virtual DatabaseInfo info() = 0;

    // Local edits (new_edits=true). `doc` holds _id, optional _rev, optional _deleted and the body.
    // 409 "conflict" when _rev is not a current leaf (or absent while a live leaf exists).
    virtual PutResult put(const Json& doc) = 0;
    // Like put, with a fresh random _id.
    virtual PutResult post(const Json& doc) = 0;
    // A tombstone revision on top of `rev`.
    virtual PutResult remove(const std::string& id, const std::string& rev) = 0;

    // The winner (or `options.rev`). 404 "not_found" with reason "missing" or "deleted".
    virtual Json get(const std::string& id, const GetOptions& options = {}) = 0;
    // open_revs: `revs` nullopt means all leaves ("all").
    virtual std::vector<RevResult> openRevs(const std::string& id,
                                            const std::optional<std::vector<std::string>>& revs,
                                            bool withRevisions, bool latest) = 0;

    // newEdits=true: each doc is a local edit (as put). newEdits=false: each doc carries _rev and
    // optionally _revisions {start, ids}; it is merged into the tree as given, never a 409.
    // The whole batch is one transaction; per-document problems become error rows.
    virtual std::vector<BulkResult> bulkDocs(const std::vector<Json>& docs, bool newEdits) = 0;

    virtual ChangesResult changes(const ChangesOptions& options) = 0;
    virtual RevsDiffResult revsDiff(const RevsDiffRequest& request) = 0;
    virtual std::vector<BulkGetResult> bulkGet(const std::vector<BulkGetRequest>& request,
                                               bool withRevisions) = 0;
    // The same answers as bulkGet, as JSON text, read in one snapshot: each document's stored
    // body text follows its _id, _rev, _deleted and _revisions members without being parsed.
    virtual std::vector<BulkGetTextResult> bulkGetText(const std::vector<BulkGetRequest>& request,
                                                       bool withRevisions) = 0;
    virtual AllDocsResult allDocs(const AllDocsOptions& options) = 0;

    // _local documents: not replicated, no revision tree; `rev` is "0-N".
    virtual std::optional<Json> getLocal(const std::string& id) = 0;  // id without "_local/"
    virtual PutResult putLocal(const std::string& id, const Json& body) = 0;
    virtual void removeLocal(const std::string& id) = 0;

    virtual uint64_t revsLimit() = 0;
    virtual void setRevsLimit(uint64_t limit) = 0;
    // Drops the bodies of non-leaf revisions; the tree shape stays.
    virtual void compact() = 0;

    // _security object (admins/members); stored, never replicated.
    virtual Json security() = 0;
    virtual void setSecurity(const Json& security) = 0;

    // Blocks until update_seq > since, or the timeout passes. Returns true if there is a change.
    virtual bool waitForChange(uint64_t since, std::chrono::milliseconds timeout) = 0;
};

// Notified inside the write transaction whenever a document's winning revision changes, so that
// projections stay in step with it atomically. `winner` is null when the document's winner is
// deleted; `created` is true when the document had no revision in this database before this
// write (nothing can have been projected from it). Observers run on the writing thread while the
// store's write lock is held: they must not call back into Database methods. Implementations live
// in storage/ (they may use SQL through the WriteContext).
class WriteContext;
class DocumentObserver {
public:
    virtual ~DocumentObserver() = default;
    virtual void onWinnerChanged(WriteContext& txn, const std::string& database, const std::string& docId,
                                 const Json* winner, bool created) = 0;
    // A database was deleted: drop everything projected from it.
    virtual void onDatabaseDeleted(WriteContext& txn, const std::string& database) = 0;
    // The outermost write transaction is about to commit: work an observer gathered for the whole
    // transaction (e.g. index rows for every changed document at once) is written here, in it.
    virtual void beforeCommit(WriteContext& /*txn*/) {}
    // The write transaction rolled back: forget what was gathered for it.
    virtual void afterRollback() {}
};

// All databases of one data directory. Thread-safe. Owns every Database it hands out.
class Store {
public:
    virtual ~Store() = default;

    // Opens (creating if needed) the store in `dataDir`. Throws StoreError with a clear reason
    // when the directory cannot be created or written.
    static std::unique_ptr<Store> open(const std::filesystem::path& dataDir);

    virtual std::vector<std::string> allDatabases() = 0;  // sorted
    virtual bool hasDatabase(const std::string& name) = 0;
    // 412 "file_exists" if it exists; 400 "illegal_database_name" for a bad name.
    virtual std::shared_ptr<Database> createDatabase(const std::string& name) = 0;
    // 404 "not_found" unless create is true.
    virtual std::shared_ptr<Database> database(const std::string& name, bool create = false) = 0;
    virtual void deleteDatabase(const std::string& name) = 0;

    // Registered observers are called for every later write (see DocumentObserver).
    virtual void addObserver(std::shared_ptr<DocumentObserver> observer) = 0;

    virtual const std::filesystem::path& dataDir() const = 0;
};

// CouchDB's database-name rule: ^[a-z][a-z0-9_$()+/-]*$
bool isValidDatabaseName(const std::string& name);
// The couch_peruser name: "userdb-" + lowercase hex of the UTF-8 user name.
std::string userDatabaseName(const std::string& userName);

}  // namespace kenes::storage
