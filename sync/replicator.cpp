// Replicator: the CouchDB replication protocol (see replicator.h; docs.couchdb.org,
// "Replication Protocol"): verify peers → find the common checkpoint → changes → revs_diff →
// fetch missing revisions with their history → write them with new_edits=false → checkpoint.
#include "sync/replicator.h"

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <future>
#include <iterator>
#include <random>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace kenes::sync {

namespace {

constexpr size_t kHistoryLimit = 50;
constexpr const char* kReplicator = "kenes";

std::string hex(const unsigned char* data, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

std::string randomId() {
    static const int ready = sodium_init();
    (void)ready;
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    return hex(bytes, sizeof bytes);
}

std::string httpDate() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string sessionOf(const Json& log) {
    return log.contains("session_id") && log["session_id"].is_string() ? log["session_id"].get<std::string>()
                                                                       : "";
}

const Json& historyOf(const Json& log) {
    static const Json empty = Json::array();
    return log.contains("history") && log["history"].is_array() ? log["history"] : empty;
}

bool historyHasSession(const Json& history, const std::string& session) {
    for (const auto& entry : history)
        if (entry.is_object() && entry.value("session_id", "") == session) return true;
    return false;
}

// CouchDB's compare_rep_history: walk both histories newest first, alternating, and take the
// recorded_seq of the first entry whose session the other side also recorded.
Json compareHistories(const Json& source, const Json& target) {
    size_t n = std::max(source.size(), target.size());
    for (size_t i = 0; i < n; ++i) {
        if (i < source.size() && source[i].is_object() &&
            historyHasSession(target, source[i].value("session_id", "")))
            return source[i].value("recorded_seq", Json(0));
        if (i < target.size() && target[i].is_object() &&
            historyHasSession(source, target[i].value("session_id", "")))
            return target[i].value("recorded_seq", Json(0));
    }
    return Json(0);
}

// Whether a missing revision could come with the feed: a live first-generation revision that is
// its row's only leaf (no conflicts, no deleted branches). Decided whether or not the page was read
// with bodies, so that it also decides whether the next page is asked with them.
bool feedable(const ChangeEntry& row, const std::string& rev) {
    return row.revs.size() == 1 && row.revs.front() == rev && !row.deleted && rev.size() > 2 &&
           rev.compare(0, 2, "1-") == 0;
}

// A first-generation revision has no history, so the body that came with its row of the changes
// feed is the whole revision (the optimisation TouchDB and older PouchDB replicators made with
// _all_docs). Used only for a feedable revision whose body is exactly that revision: same id and
// rev, not deleted, no attachments (an attachment without its data would need a fetch) and no
// conflicts; anything else is fetched as usual. Takes the body out of the row.
std::optional<Json> revisionFromFeed(ChangeEntry& row, const std::string& rev) {
    if (!feedable(row, rev) || !row.doc.is_object()) return {};
    Json& doc = row.doc;
    if (auto id = doc.find("_id"); id == doc.end() || *id != row.id) return {};
    if (auto r = doc.find("_rev"); r == doc.end() || *r != rev) return {};
    if (auto d = doc.find("_deleted"); d != doc.end() && *d != false) return {};
    if (doc.contains("_attachments") || doc.contains("_conflicts") || doc.contains("_deleted_conflicts"))
        return {};
    Json out = std::move(doc);
    doc = Json();
    out.erase("_deleted");
    out["_revisions"] = {{"start", uint64_t(1)}, {"ids", Json::array({rev.substr(2)})}};
    return out;
}

}  // namespace

Replicator::Replicator(Endpoint& source, Endpoint& target, ReplicationOptions options)
    : m_source(source), m_target(target), m_options(std::move(options)) {
    if (m_options.batchSize == 0) m_options.batchSize = 500;
    if (m_options.maxAttempts < 1) m_options.maxAttempts = 1;
    bool localSource = source.locality() == Locality::Local;
    bool localTarget = target.locality() == Locality::Local;
    m_passage = localSource ? (localTarget ? Passage::Within : Passage::Leaving)
                            : (localTarget ? Passage::Entering : Passage::Between);
}

std::string Replicator::makeReplicationId(const std::string& sourceIdentity,
                                          const std::string& targetIdentity) {
    static const int ready = sodium_init();
    (void)ready;
    std::string input = "kenes-replication/1\n" + sourceIdentity + "\n" + targetIdentity + "\n";
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), nullptr, 0);
    return hex(digest, sizeof digest);
}

std::string Replicator::replicationId() const {
    std::lock_guard lock(m_mutex);
    return m_id;
}

ReplicationProgress Replicator::progress() const {
    std::lock_guard lock(m_mutex);
    return m_progress;
}

void Replicator::update(const std::function<void(ReplicationProgress&)>& f) {
    std::lock_guard lock(m_mutex);
    f(m_progress);
}

void Replicator::cancel() {
    m_cancelled.store(true);
    m_source.cancel();
    m_target.cancel();
    std::lock_guard lock(m_mutex);
    for (Endpoint* fetcher : m_fetchers) fetcher->cancel();
    m_wake.notify_all();
}

void Replicator::sleepFor(std::chrono::milliseconds delay) {
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, delay, [&] { return m_cancelled.load() || m_abandoned.load(); });
}

template <typename F>
auto Replicator::withRetry(const char* step, F&& f, bool failFastOffline) -> decltype(f()) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    auto delay = m_options.initialBackoff;
    for (int attempt = 1;; ++attempt) {
        if (m_cancelled.load() || m_abandoned.load())
            throw SyncError(ErrorKind::Cancelled, "replication cancelled");
        try {
            try {
                return f();
            } catch (const Json::exception& e) {
                throw SyncError(ErrorKind::Protocol,
                                std::string("unexpected answer while ") + step + " (" + e.what() + ")");
            }
        } catch (const SyncError& e) {
            if (e.kind() == ErrorKind::Cancelled || m_cancelled.load() || m_abandoned.load())
                throw SyncError(ErrorKind::Cancelled, "replication cancelled");
            if (!e.retryable() || (failFastOffline && e.offline())) throw;
            if (attempt >= m_options.maxAttempts)
                // Rebuilt without the interruption mark on purpose: a peer whose answers keep
                // breaking off counts as offline for the scheduler, which then probes it.
                throw SyncError(e.kind(),
                                std::string(e.what()) + " (while " + step + "; gave up after " +
                                    std::to_string(attempt) + " attempts)",
                                e.status(), e.error(), e.reason());
        }
        update([](ReplicationProgress& p) { ++p.retries; });
        std::uniform_real_distribution<double> jitter(0.5, 1.5);
        auto wait = std::chrono::milliseconds(int64_t(double(delay.count()) * jitter(rng)));
        sleepFor(std::min(wait, m_options.maxBackoff));
        delay = std::min(delay * 2, m_options.maxBackoff);
    }
}

Json Replicator::startingSeq(const std::optional<Json>& sourceLog, const std::optional<Json>& targetLog) {
    if (!targetLog || !targetLog->is_object()) return Json(0);
    // The source refused _local writes last time: the target alone holds the checkpoint.
    if (targetLog->contains("source_checkpoint") && (*targetLog)["source_checkpoint"] == false)
        return targetLog->value("source_last_seq", Json(0));
    if (!sourceLog || !sourceLog->is_object()) return Json(0);
    std::string s = sessionOf(*sourceLog), t = sessionOf(*targetLog);
    if (!s.empty() && s == t) return sourceLog->value("source_last_seq", Json(0));
    return compareHistories(historyOf(*sourceLog), historyOf(*targetLog));
}

std::vector<Json> Replicator::crossDevice(std::vector<Json> docs) {
    if (!m_options.transform) return docs;
    std::vector<Json> out;
    out.reserve(docs.size());
    for (auto& doc : docs) {
        try {
            m_options.transform(doc, m_passage);
            out.push_back(std::move(doc));
        } catch (const SyncError&) {
            update([](ReplicationProgress& p) { ++p.docFailures; });
        }
    }
    return out;
}

void Replicator::writeCheckpoint(const Json& seq, const Json& startSeq, Endpoint* sourceConnection,
                                 bool onTarget) {
    ReplicationProgress p = progress();
    Json entry = {{"session_id", m_sessionId},
                  {"start_time", m_startTime},
                  {"end_time", httpDate()},
                  {"start_last_seq", startSeq},
                  {"end_last_seq", seq},
                  {"recorded_seq", seq},
                  {"missing_checked", p.missingChecked},
                  {"missing_found", p.missingFound},
                  {"docs_read", p.docsRead},
                  {"docs_written", p.docsWritten},
                  {"doc_write_failures", p.docFailures}};
    auto makeLog = [&](const std::optional<Json>& previous) {
        Json history = Json::array({entry});
        if (previous)
            for (const auto& old : historyOf(*previous))
                if (history.size() < kHistoryLimit && old.is_object() &&
                    old.value("session_id", "") != m_sessionId)
                    history.push_back(old);
        return Json{{"session_id", m_sessionId},
                    {"source_last_seq", seq},
                    {"replication_id_version", 1},
                    {"replicator", kReplicator},
                    {"history", history}};
    };
    if (m_sourceWritable && sourceConnection) {
        Json log = makeLog(m_sourceLog);
        try {
            withRetry("saving the checkpoint on the source", [&] {
                sourceConnection->putLocal(m_id, log);
                return 0;
            });
            m_sourceLog = log;
            m_sourceBehind = false;
        } catch (const SyncError& e) {
            if (e.kind() != ErrorKind::Auth) throw;
            m_sourceWritable = false;  // a read-only source: checkpoint on the target only
        }
    } else {
        m_sourceBehind = m_sourceWritable;
    }
    if (!onTarget) return;
    Json log = makeLog(m_targetLog);
    log["source_checkpoint"] = m_sourceWritable;
    withRetry("saving the checkpoint on the target", [&] {
        m_target.putLocal(m_id, log);
        return 0;
    });
    m_targetLog = log;
    update([&](ReplicationProgress& pr) { pr.lastSeq = seq; });
}

ReplicationResult Replicator::run() {
    m_sessionId = randomId();
    m_startTime = httpDate();

    // An unreachable peer at the very start fails at once (nothing is in progress to save);
    // later network trouble is retried.
    auto check = [&](Endpoint& endpoint, bool create, const char* step) {
        try {
            withRetry(
                step, [&] { return endpoint.info(create); }, true);
        } catch (const SyncError& e) {
            if (e.kind() == ErrorKind::Http && e.status() == 404)
                throw SyncError(
                    ErrorKind::Http,
                    "the database " + endpoint.displayName() + " does not exist (" + e.what() + ")",
                    e.status(), e.error(), e.reason());
            throw;
        }
    };
    check(m_source, false, "checking the source database");
    check(m_target, m_options.createTarget, "checking the target database");
    std::string sourceIdentity = withRetry("identifying the source", [&] { return m_source.identity(); });
    std::string targetIdentity = withRetry("identifying the target", [&] { return m_target.identity(); });
    {
        std::lock_guard lock(m_mutex);
        m_id = makeReplicationId(sourceIdentity, targetIdentity);
    }

    try {
        m_sourceLog = withRetry("reading the source checkpoint", [&] { return m_source.getLocal(m_id); });
    } catch (const SyncError& e) {
        if (e.kind() != ErrorKind::Auth) throw;
        m_sourceLog.reset();  // not allowed to read it: behave as if absent
    }
    m_targetLog = withRetry("reading the target checkpoint", [&] { return m_target.getLocal(m_id); });
    const Json startSeq = startingSeq(m_sourceLog, m_targetLog);
    Json since = startSeq;
    update([&](ReplicationProgress& p) { p.lastSeq = startSeq; });

    // The pipeline: the changes feed and revs_diff are read here. When the target takes
    // concurrent writes and the source can open more connections, each batch is handed to a task
    // of its own that fetches its revisions on one of kFetchAhead connections, then waits for the
    // batch before it, passes crossDevice(), writes and saves the batch's checkpoint (the source's
    // on a connection of its own): batches are written strictly in feed order, each as soon as it
    // and every earlier batch have arrived, one write in flight, and a checkpoint never covers a
    // batch not yet written. Otherwise each batch is fetched here and written (on another thread
    // when the target allows) while the next page is read, its checkpoint saved here.
    constexpr size_t kFetchAhead = 2;
    // With fetchers the source's checkpoint (a request to a server that may be the bottleneck) is
    // saved with every fourth batch only, and at the end; the target's with every batch.
    constexpr size_t kSourceCheckpointEvery = 4;
    const bool overlap = m_target.concurrentWrites();
    std::vector<std::unique_ptr<Endpoint>> fetchers;
    while (overlap && fetchers.size() < kFetchAhead) {
        auto fetcher = m_source.openFetcher();
        if (!fetcher) break;
        fetchers.push_back(std::move(fetcher));
    }
    std::unique_ptr<Endpoint> checkpointer = fetchers.empty() ? nullptr : m_source.openFetcher();
    if (!checkpointer) fetchers.clear();
    {
        std::lock_guard lock(m_mutex);
        for (auto& fetcher : fetchers) {
            m_fetchers.push_back(fetcher.get());
            if (m_cancelled.load()) fetcher->cancel();
        }
        if (checkpointer) {
            m_fetchers.push_back(checkpointer.get());
            if (m_cancelled.load()) checkpointer->cancel();
        }
    }
    // `ready` are the revisions that came with the feed; the rest are fetched from `endpoint`.
    auto fetchBatch = [this](Endpoint& endpoint, std::vector<std::pair<std::string, std::string>> missing,
                             std::vector<Json> ready) {
        FetchResult fetched;
        if (!missing.empty())
            fetched = withRetry("fetching documents", [&] { return endpoint.fetch(missing); });
        update([&](ReplicationProgress& p) {
            p.docsRead += fetched.docs.size() + ready.size();
            p.docsFromFeed += ready.size();
            p.docFailures += fetched.errors.size();
        });
        if (ready.empty()) return fetched;
        std::move(fetched.docs.begin(), fetched.docs.end(), std::back_inserter(ready));
        fetched.docs = std::move(ready);
        return fetched;
    };
    auto writeBatch = [this](const std::vector<Json>& docs) {
        if (docs.empty()) return;
        auto failed = withRetry("writing documents", [&] { return m_target.writeRevisions(docs); });
        update([&](ReplicationProgress& p) {
            p.docsWritten += docs.size() - std::min(docs.size(), failed.size());
            p.docFailures += failed.size();
        });
    };

    // Without fetchers: the write in flight and the seq its checkpoint will record.
    std::future<void> writing;
    Json writingSeq;
    auto settle = [&] {
        if (!writing.valid()) return;
        writing.get();
        writeCheckpoint(writingSeq, startSeq, &m_source);
    };
    // With fetchers: the tasks of the batches not yet written (in feed order), and for each
    // fetcher, when the fetch last handed to it is done (then it may take the next).
    std::deque<std::shared_future<void>> unwritten;
    std::vector<std::shared_future<void>> fetcherFree(fetchers.size());
    size_t nextFetcher = 0;
    size_t dispatched = 0;
    auto dispatch = [&](std::vector<std::pair<std::string, std::string>> missing, std::vector<Json> ready,
                        const Json& seq) {
        if (fetchers.empty()) {
            std::vector<Json> docs =
                crossDevice(fetchBatch(m_source, std::move(missing), std::move(ready)).docs);
            settle();
            writingSeq = seq;
            writing = std::async(overlap ? std::launch::async : std::launch::deferred,
                                 [&writeBatch, docs = std::move(docs)] { writeBatch(docs); });
            if (!overlap) settle();
            return;
        }
        size_t slot = nextFetcher++ % fetchers.size();
        if (fetcherFree[slot].valid()) fetcherFree[slot].get();  // rethrows that fetch's failure
        while (unwritten.size() > fetchers.size()) {             // at most kFetchAhead + 1 batches held
            unwritten.front().get();
            unwritten.pop_front();
        }
        bool onSource = ++dispatched % kSourceCheckpointEvery == 0;
        auto fetched = std::make_shared<std::promise<void>>();
        fetcherFree[slot] = fetched->get_future().share();
        std::shared_future<void> previous = unwritten.empty() ? std::shared_future<void>() : unwritten.back();
        auto task = [this, &fetchBatch, &writeBatch, &startSeq, &checkpointer, &fetcher = *fetchers[slot],
                     fetched, previous, onSource, missing = std::move(missing), ready = std::move(ready),
                     seq]() mutable {
            FetchResult result;
            try {
                result = fetchBatch(fetcher, std::move(missing), std::move(ready));
                fetched->set_value();
            } catch (...) {
                fetched->set_exception(std::current_exception());
                throw;
            }
            if (previous.valid()) previous.get();  // an earlier batch that failed stops this one
            writeBatch(crossDevice(std::move(result.docs)));
            writeCheckpoint(seq, startSeq, onSource ? checkpointer.get() : nullptr);
        };
        unwritten.push_back(std::async(std::launch::async, std::move(task)).share());
    };
    auto drain = [&] {
        settle();
        for (; !unwritten.empty(); unwritten.pop_front()) unwritten.front().get();
    };
    // A remote source is asked for the bodies with the feed while at least a quarter of a page's
    // rows turn out to be missing first-generation revisions (a first pull, new documents);
    // otherwise (a re-run after a lost checkpoint, edits) the bodies would mostly be wasted.
    bool withBodies = m_source.locality() == Locality::Remote;
    auto readPage = [this](Json from, bool bodies) {
        return withRetry("reading changes",
                         [&] { return m_source.changes(from, m_options.batchSize, bodies); });
    };
    // With a checkpointer the main connection serves only the feed, so the next page is asked
    // for while this one is compared and dispatched, and the source may even ask for it as soon
    // as this one has arrived (read-ahead), before it is parsed.
    std::future<ChangesPage> nextPage;
    if (checkpointer) m_source.readAhead(true);
    try {
        for (;;) {
            ChangesPage page = nextPage.valid() ? nextPage.get() : readPage(since, withBodies);
            update([&](ReplicationProgress& p) {
                p.changesRead += page.results.size();
                p.pending = page.pending;
            });
            if (page.results.empty()) {
                drain();
                if (page.lastSeq != since && !page.lastSeq.is_null())
                    writeCheckpoint(page.lastSeq, startSeq, checkpointer ? checkpointer.get() : &m_source);
                break;
            }

            storage::RevsDiffRequest request;
            uint64_t checked = 0;
            for (const auto& row : page.results) {
                auto& revs = request[row.id];
                for (const auto& rev : row.revs)
                    if (std::find(revs.begin(), revs.end(), rev) == revs.end()) {
                        revs.push_back(rev);
                        ++checked;
                    }
            }
            auto diff =
                withRetry("comparing revisions with the target", [&] { return m_target.revsDiff(request); });
            std::unordered_map<std::string_view, ChangeEntry*> rows;
            rows.reserve(page.results.size());
            for (auto& row : page.results) rows[row.id] = &row;  // a feed names a document once
            std::vector<std::pair<std::string, std::string>> missing;
            std::vector<Json> fromFeed;
            size_t couldCome = 0;
            for (const auto& [id, entry] : diff)
                for (const auto& rev : entry.missing) {
                    auto row = rows.find(id);
                    std::optional<Json> doc;
                    if (row != rows.end() && feedable(*row->second, rev)) {
                        ++couldCome;
                        doc = revisionFromFeed(*row->second, rev);
                    }
                    if (doc)
                        fromFeed.push_back(std::move(*doc));
                    else
                        missing.emplace_back(id, rev);
                }
            if (m_source.locality() == Locality::Remote) withBodies = couldCome * 4 >= page.results.size();
            update([&](ReplicationProgress& p) {
                p.missingChecked += checked;
                p.missingFound += missing.size() + fromFeed.size();
            });

            since = page.lastSeq;
            // A short page ends the feed; so does "pending": 0 when the peer reports it.
            bool more = page.pending ? *page.pending > 0 : page.results.size() >= m_options.batchSize;
            if (more && checkpointer) nextPage = std::async(std::launch::async, readPage, since, withBodies);
            dispatch(std::move(missing), std::move(fromFeed), since);
            if (!more) {
                drain();
                break;
            }
        }
    } catch (...) {
        // Never leave a step running behind: stop the ones in flight and wait for them.
        m_abandoned.store(true);
        {
            std::lock_guard lock(m_mutex);
            for (Endpoint* fetcher : m_fetchers) fetcher->cancel();
            m_fetchers.clear();
            m_wake.notify_all();
        }
        if (nextPage.valid()) nextPage.wait();
        m_source.readAhead(false);
        for (auto& task : unwritten) task.wait();
        if (writing.valid() && writing.wait_for(std::chrono::seconds(0)) != std::future_status::deferred)
            writing.wait();
        throw;
    }
    m_source.readAhead(false);
    // The source's checkpoint may lag the target's by a few batches: bring it up to date.
    if (m_sourceBehind)
        writeCheckpoint(progress().lastSeq, startSeq, checkpointer ? checkpointer.get() : &m_source, false);
    {
        std::lock_guard lock(m_mutex);
        m_fetchers.clear();
    }

    ReplicationResult result;
    result.progress = progress();
    result.startSeq = startSeq;
    result.sessionId = m_sessionId;
    result.checkpointedSourceToo = m_sourceWritable;
    return result;
}

}  // namespace kenes::sync
