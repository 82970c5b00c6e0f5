// One side of a replication: a local storage::Database or a remote CouchDB-compatible database.
// The replicator only talks to this interface, so every direction (local→remote, remote→local,
// local→local, remote→remote) is the same code.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/store.h"
#include "sync/http_client.h"
#include "sync/sync_error.h"

namespace kenes::sync {

// One row of a changes feed. `seq` is opaque: stored and echoed, never interpreted.
struct ChangeEntry {
    Json seq;
    std::string id;
    std::vector<std::string> revs;  // every leaf revision (style=all_docs)
    bool deleted = false;
    // The current winning revision's body when the page was read with bodies and the peer sent
    // one (`include_docs`); null otherwise. Untrusted: the replicator checks it before use.
    Json doc;
};

struct ChangesPage {
    std::vector<ChangeEntry> results;
    Json lastSeq;                     // opaque; the `since` of the next page
    std::optional<uint64_t> pending;  // changes left after this page, when the peer says
};

// The revisions fetched for one replication batch: documents carrying _revisions, plus the
// revisions the source refused or could not find ({"id","rev","error","reason"} objects).
struct FetchResult {
    std::vector<Json> docs;
    std::vector<Json> errors;
};

// Where a document goes when it crosses between two endpoints (see Replicator::crossDevice).
enum class Locality { Local, Remote };

// Contract: every method either succeeds or throws SyncError (Auth for 401/403, retryable kinds
// for trouble worth another attempt). Not thread-safe except cancel().
class Endpoint {
public:
    virtual ~Endpoint() = default;

    virtual Locality locality() const = 0;
    // A stable description of this database for replication ids ("local:<uuid>", "<url>/<db>|user").
    virtual std::string identity() = 0;
    // A human name for messages ("library", "https://hub.local:5984/events").
    virtual std::string displayName() const = 0;

    // Database information (doc_count, update_seq, ...); when `create` is set a missing database
    // is created first. 404 (ErrorKind::Http) when it does not exist.
    virtual Json info(bool create) = 0;

    // _local documents (id without the "_local/" prefix). getLocal: nullopt when absent.
    virtual std::optional<Json> getLocal(const std::string& id) = 0;
    virtual void putLocal(const std::string& id, Json body) = 0;

    // `withBodies` asks the peer to send each row's winning revision with it (ChangeEntry::doc),
    // so that revisions without history need no fetch; an endpoint may ignore it.
    virtual ChangesPage changes(const Json& since, size_t limit, bool withBodies) = 0;
    // Blocks until there may be changes after `since` or the timeout passes (continuous mode).
    virtual bool waitForChanges(const Json& since, std::chrono::milliseconds timeout) = 0;
    virtual storage::RevsDiffResult revsDiff(const storage::RevsDiffRequest& request) = 0;
    // Each (id, rev) with its full _revisions history; latest=true semantics when supported.
    virtual FetchResult fetch(const std::vector<std::pair<std::string, std::string>>& idRevs) = 0;
    // Merges revisions as given (new_edits=false). Returns only the rows that failed.
    virtual std::vector<storage::BulkResult> writeRevisions(const std::vector<Json>& docs) = 0;

    // While on, an endpoint may ask for the page after each changes page as soon as it knows where
    // that page ends, on a connection of its own, so that the next changes() call finds it on its
    // way (read with or without bodies as the last call wanted); a call for any other page drops
    // it. Off (the default) drops a page read ahead.
    virtual void readAhead(bool /*on*/) {}

    virtual void cancel() {}
    virtual uint64_t requestCount() const { return 0; }
    // True when writeRevisions() may run on one thread while revsDiff()/putLocal() run on another
    // (the replicator then overlaps writing one batch with reading the next).
    virtual bool concurrentWrites() const { return false; }
    // A second, independent connection to the same database, used only for fetch() on another
    // thread while this endpoint serves other calls; nullptr when there is none. Its requests are
    // added to this endpoint's requestCount() when it is destroyed; it must not outlive this one.
    virtual std::unique_ptr<Endpoint> openFetcher() { return nullptr; }
};

// A database of the local store. Seqs are the store's integers.
class LocalEndpoint : public Endpoint {
public:
    explicit LocalEndpoint(std::shared_ptr<storage::Database> database);
    Locality locality() const override { return Locality::Local; }
    std::string identity() override;
    std::string displayName() const override;
    Json info(bool create) override;
    std::optional<Json> getLocal(const std::string& id) override;
    void putLocal(const std::string& id, Json body) override;
    ChangesPage changes(const Json& since, size_t limit, bool withBodies) override;
    bool waitForChanges(const Json& since, std::chrono::milliseconds timeout) override;
    storage::RevsDiffResult revsDiff(const storage::RevsDiffRequest& request) override;
    FetchResult fetch(const std::vector<std::pair<std::string, std::string>>& idRevs) override;
    std::vector<storage::BulkResult> writeRevisions(const std::vector<Json>& docs) override;
    bool concurrentWrites() const override { return true; }  // storage::Database is thread-safe

    storage::Database& database() { return *m_db; }

private:
    std::shared_ptr<storage::Database> m_db;
};

// A database on a CouchDB-compatible server (CouchDB 1.6–3.x, PouchDB Server, kenes hub).
// `databaseUrl` is "http(s)://[user:pass@]host[:port][/prefix]/dbname".
class RemoteEndpoint : public Endpoint {
public:
    RemoteEndpoint(const std::string& databaseUrl, HttpOptions options = {});
    Locality locality() const override { return Locality::Remote; }
    std::string identity() override;
    std::string displayName() const override;
    Json info(bool create) override;
    std::optional<Json> getLocal(const std::string& id) override;
    void putLocal(const std::string& id, Json body) override;
    ChangesPage changes(const Json& since, size_t limit, bool withBodies) override;
    bool waitForChanges(const Json& since, std::chrono::milliseconds timeout) override;
    storage::RevsDiffResult revsDiff(const storage::RevsDiffRequest& request) override;
    FetchResult fetch(const std::vector<std::pair<std::string, std::string>>& idRevs) override;
    std::vector<storage::BulkResult> writeRevisions(const std::vector<Json>& docs) override;
    ~RemoteEndpoint() override;
    // The page after a changes page is asked for on a second connection once the answer's trailing
    // last_seq has been read (before the rows are parsed), unless it says nothing is left.
    void readAhead(bool on) override;
    void cancel() override {
        m_client.cancel();
        m_feedClient.cancel();
    }
    uint64_t requestCount() const override {
        return m_client.requestCount() + m_feedClient.requestCount() + m_fetcherRequests->load();
    }
    std::unique_ptr<Endpoint> openFetcher() override;

    HttpClient& client() { return m_client; }
    const std::string& databaseName() const { return m_dbName; }
    // False once the server turned out to lack _bulk_get (then documents are fetched one by one).
    bool bulkGetSupported() const { return m_bulkGet; }

private:
    // A changes page asked for ahead of the caller (see readAhead()).
    struct PageAhead {
        Json since;
        size_t limit = 0;
        std::shared_future<std::optional<Json>> arrived;  // the answer is in: where the next page starts
        std::future<ChangesPage> page;
    };

    std::string docPath(const std::string& id) const;
    std::string changesPath(const Json& since, size_t limit, bool withBodies) const;
    void startReadAhead(const Json& since, size_t limit, bool withBodies);
    FetchResult fetchOneByOne(const std::vector<std::pair<std::string, std::string>>& idRevs);

    std::string m_url;  // as given, for openFetcher()
    std::string m_dbName;
    std::string m_dbPath;  // "/" + encoded name
    HttpClient m_client;
    HttpClient m_feedClient;  // pages read ahead; one request at a time
    // Requests of this endpoint's finished fetchers; for a fetcher, its parent's counter.
    std::shared_ptr<std::atomic<uint64_t>> m_fetcherRequests = std::make_shared<std::atomic<uint64_t>>(0);
    bool m_isFetcher = false;
    bool m_bulkGet = true;
    std::map<std::string, std::string> m_localRevs;  // last known _rev of each _local document
    bool m_readAhead = false;
    std::optional<PageAhead> m_ahead;  // last member: destroyed (and waited for) first
};

// Splits "scheme://host/prefix/db" into the server part and the (decoded) database name.
std::pair<std::string, std::string> splitDatabaseUrl(const std::string& databaseUrl);
// Whether `text` is an http(s) URL rather than a local database name.
bool isRemoteUrl(const std::string& text);

}  // namespace kenes::sync
