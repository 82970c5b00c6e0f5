// Ranking of search matches (see search_rank.h).
//
// kenes_collect(table) is an FTS5 auxiliary function used only by the scan statements: for a whole
// pass it is called on the first row and visits every row of the phrase itself (xQueryPhrase); for
// a part of the rowids it is in the WHERE clause and always answers 0, so SQLite returns no rows and
// a pass is one step either way. For each row it counts the phrase's positions per column
// (xPhraseFirst/xPhraseNext) into the weighted, length-normalised term frequency BM25 needs, and keeps the
// row with its kind. FTS5's own bm25() would look up every row's column sizes in %_docsize (a b-tree seek per
// row) and run one more query per phrase for document frequencies; here sizes come from memory and a phrase's
// frequency is the number of rows its pass visited.
#include "storage/search_rank.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "storage/store.h"

namespace kenes::storage {

namespace {

constexpr double kWeights[] = {5.0, 1.0, 2.0};  // title, body, extra
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr int64_t kMaxRowid = int64_t{1} << 31;
constexpr uint8_t kNoKind = 0xFF;
constexpr uint16_t kNoDatabase = 0xFFFF;
constexpr uint8_t kNoteKind = 3;
static_assert(std::string_view(kSearchKinds[kNoteKind]) == "note");

// Column sizes (tokens) of every row of one FTS5 table, indexed by rowid.
struct DocSizes {
    int64_t dataVersion = -1;
    std::vector<std::array<uint32_t, 3>> sizes;
};

// Kind, database and language of every row of search_docs, indexed by rowid.
struct RowInfo {
    uint8_t kind = kNoKind;
    uint8_t language = 0;
    uint16_t database = kNoDatabase;
};

struct RowTable {
    int64_t dataVersion = -1;
    std::vector<RowInfo> rows;
    std::unordered_map<std::string, uint16_t> databases;
    std::unordered_map<std::string, uint8_t> languages;
};

// One per connection: the user data of kenes_collect, destroyed with the connection.
struct ConnectionState {
    sqlite3* db = nullptr;
    std::map<std::string, DocSizes, std::less<>> sizes;
    RowTable rows;
};

int64_t dataVersion(sqlite3* db) {
    sqlite3_stmt* stmt = nullptr;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

bool loadSizes(sqlite3* db, const std::string& table, DocSizes& out) {
    out.sizes.clear();
    const std::string sql = "SELECT id, sz FROM \"" + table + "_docsize\"";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return false;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(stmt, 0);
        if (id < 0 || id > kMaxRowid) continue;
        const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, 1));
        const int n = sqlite3_column_bytes(stmt, 1);
        std::array<uint32_t, 3> cols{0, 0, 0};
        int at = 0;
        for (int c = 0; c < 3 && at < n; ++c) {  // FTS5 varints (SQLite 4-style, big-endian 7-bit groups)
            uint32_t v = 0;
            for (int k = 0; k < 5 && at < n; ++k) {
                const unsigned char b = p[at++];
                v = (v << 7) | (b & 0x7F);
                if (!(b & 0x80)) break;
            }
            cols[c] = v;
        }
        if (static_cast<size_t>(id) >= out.sizes.size()) out.sizes.resize(static_cast<size_t>(id) + 1024);
        out.sizes[static_cast<size_t>(id)] = cols;
    }
    return sqlite3_finalize(stmt) == SQLITE_OK;
}

bool loadRows(sqlite3* db, RowTable& out) {
    out.rows.clear();
    out.databases.clear();
    out.languages.clear();
    sqlite3_stmt* stmt = nullptr;
    // Read through the covering index search_docs_kind, which keeps equal values together.
    if (sqlite3_prepare_v2(db, "SELECT id, kind, db, lang FROM search_docs", -1, &stmt, nullptr) != SQLITE_OK)
        return false;
    auto text = [&](int col) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
        return std::string_view(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
    };
    std::string kind, database, language;  // of the previous row
    RowInfo info;
    bool first = true;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(stmt, 0);
        if (id < 0 || id > kMaxRowid) continue;
        if (first || text(1) != kind || text(2) != database || text(3) != language) {
            first = false;
            kind = text(1);
            database = text(2);
            language = text(3);
            info = RowInfo{};
            for (size_t k = 0; k < kSearchKinds.size(); ++k)
                if (kind == kSearchKinds[k]) info.kind = static_cast<uint8_t>(k);
            info.database = out.databases.try_emplace(database, static_cast<uint16_t>(out.databases.size()))
                                .first->second;
            info.language =
                out.languages.try_emplace(language, static_cast<uint8_t>(out.languages.size())).first->second;
            if (out.databases.size() >= kNoDatabase || out.languages.size() >= 0xFF) info.kind = kNoKind;
        }
        if (static_cast<size_t>(id) >= out.rows.size()) out.rows.resize(static_cast<size_t>(id) + 1024);
        out.rows[static_cast<size_t>(id)] = info;
    }
    return sqlite3_finalize(stmt) == SQLITE_OK;
}

// The rows one phrase's scan kept, in rowid order, and how many rows hold the phrase at all.
struct PhraseRows {
    struct Row {
        int64_t rowid;
        double weighted;  // sum over columns of weight * tf / length norm
        uint8_t kind;
        bool preferred;  // in the preferred language
    };
    std::vector<Row> rows;
    int64_t documents = 0;
};

// The state of one scanMatches call, reached by kenes_collect through a thread-local pointer
// (SQLite calls the function on the thread that steps the statement).
struct Scan {
    const char* table = nullptr;
    const std::string* userDatabase = nullptr;
    const std::string* preferredLanguage = nullptr;
    PhraseRows* current = nullptr;
    bool wholePhrase = false;       // kenes_collect visits the phrase's rows at once
    int64_t stopAfter = INT64_MAX;  // ... up to this rowid

    bool started = false;
    std::string error;
    double rowCount = 0;
    double average[3] = {1, 1, 1};
    const DocSizes* sizes = nullptr;
    const RowTable* rowTable = nullptr;
    uint16_t userDb = kNoDatabase;
    int preferredLang = -1;
};

thread_local Scan* tActiveScan = nullptr;

bool startScan(const Fts5ExtensionApi* api, Fts5Context* ctx, Scan& scan) {
    auto* state = static_cast<ConnectionState*>(api->xUserData(ctx));
    if (!state) {
        scan.error = "kenes_collect: no connection state";
        return false;
    }
    const int64_t version = dataVersion(state->db);
    DocSizes& sizes = state->sizes[scan.table];
    if (version != sizes.dataVersion || sizes.sizes.empty()) {
        if (!loadSizes(state->db, scan.table, sizes)) {
            scan.error = std::string("kenes_collect: cannot read sizes: ") + sqlite3_errmsg(state->db);
            return false;
        }
        sizes.dataVersion = version;
    }
    RowTable& rows = state->rows;
    if (version != rows.dataVersion || rows.rows.empty()) {
        if (!loadRows(state->db, rows)) {
            scan.error = std::string("kenes_collect: cannot read rows: ") + sqlite3_errmsg(state->db);
            return false;
        }
        rows.dataVersion = version;
    }
    scan.sizes = &sizes;
    scan.rowTable = &rows;
    if (auto it = rows.databases.find(*scan.userDatabase); it != rows.databases.end())
        scan.userDb = it->second;
    if (auto it = rows.languages.find(*scan.preferredLanguage); it != rows.languages.end())
        scan.preferredLang = it->second;

    sqlite3_int64 total = 0;
    api->xRowCount(ctx, &total);
    scan.rowCount = static_cast<double>(total);
    for (int c = 0; c < 3 && c < api->xColumnCount(ctx); ++c) {
        sqlite3_int64 tokens = 0;
        api->xColumnTotalSize(ctx, c, &tokens);
        scan.average[c] = total > 0 ? std::max(1.0, static_cast<double>(tokens) / scan.rowCount) : 1.0;
    }
    scan.started = true;
    return true;
}

// Adds the row `ctx` is on to the scan's current phrase.
void collectRow(const Fts5ExtensionApi* api, Fts5Context* ctx, Scan& scan) {
    PhraseRows& found = *scan.current;
    ++found.documents;
    const int64_t rowid = api->xRowid(ctx);
    RowInfo info;
    if (rowid >= 0 && static_cast<size_t>(rowid) < scan.rowTable->rows.size())
        info = scan.rowTable->rows[static_cast<size_t>(rowid)];
    if (info.kind >= kSearchKinds.size() || (info.kind == kNoteKind && info.database != scan.userDb)) return;
    std::array<int, 3> tf{0, 0, 0};
    const int phrases = api->xPhraseCount(ctx);  // 1: the scan's expression is one phrase
    for (int p = 0; p < phrases; ++p) {
        Fts5PhraseIter it;
        int column = -1, offset = 0;
        for (api->xPhraseFirst(ctx, p, &it, &column, &offset); column >= 0;
             api->xPhraseNext(ctx, &it, &column, &offset))
            if (column < 3) ++tf[static_cast<size_t>(column)];
    }
    std::array<uint32_t, 3> length{0, 0, 0};
    if (rowid >= 0 && static_cast<size_t>(rowid) < scan.sizes->sizes.size())
        length = scan.sizes->sizes[static_cast<size_t>(rowid)];
    double w = 0;
    for (size_t c = 0; c < 3; ++c) {
        if (!tf[c]) continue;
        const double len = length[c] ? length[c] : scan.average[c];
        w += kWeights[c] * tf[c] / (1 - kB + kB * len / scan.average[c]);
    }
    found.rows.push_back(PhraseRows::Row{rowid, w, info.kind, info.language == scan.preferredLang});
}

// kenes_collect(table): in a WHERE clause, adds the current row (and answers 0, so no row is
// returned); with the scan's `wholePhrase` set, called on the first row only, it visits every row
// of the query's phrase itself (xQueryPhrase), without SQLite stepping through them one by one.
void kenesCollect(const Fts5ExtensionApi* api, Fts5Context* ctx, sqlite3_context* out, int /*argc*/,
                  sqlite3_value** /*argv*/) {
    Scan* scan = tActiveScan;
    if (!scan || !scan->current) {
        sqlite3_result_error(out, "kenes_collect is only for the search scan", -1);
        return;
    }
    if (!scan->started && !startScan(api, ctx, *scan)) {
        sqlite3_result_error(out, scan->error.c_str(), -1);
        return;
    }
    if (!scan->wholePhrase) {
        collectRow(api, ctx, *scan);
        sqlite3_result_int(out, 0);
        return;
    }
    const int rc = api->xQueryPhrase(ctx, 0, scan, [](const Fts5ExtensionApi* a, Fts5Context* c, void* data) {
        Scan& active = *static_cast<Scan*>(data);
        if (a->xRowid(c) > active.stopAfter) return SQLITE_DONE;  // rows come in rowid order
        collectRow(a, c, active);
        return SQLITE_OK;
    });
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(out, rc);
        return;
    }
    sqlite3_result_int(out, 0);
}

// Sets the thread's active scan for the lifetime of the guard.
class ActiveScan {
public:
    explicit ActiveScan(Scan& scan) : m_previous(tActiveScan) { tActiveScan = &scan; }
    ActiveScan(const ActiveScan&) = delete;
    ActiveScan& operator=(const ActiveScan&) = delete;
    ~ActiveScan() { tActiveScan = m_previous; }

private:
    Scan* m_previous;
};

const char* tableName(SearchIndex index) {
    switch (index) {
        case SearchIndex::TitleSubstrings:
            return "search_tri_title";
        case SearchIndex::Substrings:
            return "search_tri";
        case SearchIndex::Words:
            break;
    }
    return "search_fts";
}

// Which rows of the index a phrase's pass visits: all, or those up to or from a rowid.
enum class RowRange { All, AtMost, AtLeast };

// True for a phrase of one token: a word of the stemmed index (a quoted phrase has spaces; a
// substring is several trigrams). Its rows are dense: most rows its pass walks hold it.
bool singleToken(SearchIndex index, const std::string& phrase) {
    return index == SearchIndex::Words && phrase.find(' ') == std::string::npos;
}

// The pass of one phrase (?1). For a single token from the start (all rows, or up to a rowid:
// Scan::stopAfter), kenes_collect is called on the first row and visits the rows itself, without
// SQLite stepping through them. Otherwise it is in the WHERE clause, called for each row, from a
// rowid (?2) or over all: for several tokens, finding the first row first would walk the tokens'
// rows up to it twice, and a bound only stops the walk on a match.
ModelStmt scanStatement(ModelSql& sql, SearchIndex index, RowRange range, bool whole) {
    static constexpr const char* kStatements[3][3] = {
        {"SELECT kenes_collect(search_fts) FROM search_fts WHERE search_fts MATCH ?1 LIMIT 1",
         "SELECT 1 FROM search_fts WHERE search_fts MATCH ?1 AND rowid >= ?2 AND kenes_collect(search_fts)",
         "SELECT 1 FROM search_fts WHERE search_fts MATCH ?1 AND kenes_collect(search_fts)"},
        {"SELECT kenes_collect(search_tri_title) FROM search_tri_title WHERE search_tri_title MATCH ?1 LIMIT "
         "1",
         "SELECT 1 FROM search_tri_title WHERE search_tri_title MATCH ?1 AND rowid >= ?2 AND "
         "kenes_collect(search_tri_title)",
         "SELECT 1 FROM search_tri_title WHERE search_tri_title MATCH ?1 AND "
         "kenes_collect(search_tri_title)"},
        {"SELECT kenes_collect(search_tri) FROM search_tri WHERE search_tri MATCH ?1 LIMIT 1",
         "SELECT 1 FROM search_tri WHERE search_tri MATCH ?1 AND rowid >= ?2 AND kenes_collect(search_tri)",
         "SELECT 1 FROM search_tri WHERE search_tri MATCH ?1 AND kenes_collect(search_tri)"},
    };
    const size_t table = index == SearchIndex::Words ? 0 : index == SearchIndex::TitleSubstrings ? 1 : 2;
    return sql.prepare(kStatements[table][range == RowRange::AtLeast ? 1 : whole ? 0 : 2]);
}

// The FTS5 averages (row count, column sizes) and structure (segments) records of one index: any
// write to the index changes them, so two read transactions with equal records see the same index.
std::string indexState(ModelSql& sql, SearchIndex index) {
    ModelStmt q = [&] {
        switch (index) {
            case SearchIndex::TitleSubstrings:
                return sql.prepare(
                    "SELECT id, block FROM search_tri_title_data WHERE id IN (1, 10) ORDER BY id");
            case SearchIndex::Substrings:
                return sql.prepare("SELECT id, block FROM search_tri_data WHERE id IN (1, 10) ORDER BY id");
            case SearchIndex::Words:
                break;
        }
        return sql.prepare("SELECT id, block FROM search_fts_data WHERE id IN (1, 10) ORDER BY id");
    }();
    std::string state;
    while (q.step()) {
        const std::string block = q.text(1);
        state += std::to_string(q.integer(0)) + ':' + std::to_string(block.size()) + ':' + block;
    }
    return state;
}

// Row buffers of finished passes, kept for the next ones: a common word's pass keeps hundreds of KB
// of rows, and fresh buffers cost page faults on every query. Thread-safe.
class RowBuffers {
public:
    static std::vector<PhraseRows::Row> take() {
        RowBuffers& self = instance();
        std::lock_guard lock(self.m_mutex);
        if (self.m_spare.empty()) {
            std::vector<PhraseRows::Row> rows;
            rows.reserve(4096);
            return rows;
        }
        auto rows = std::move(self.m_spare.back());
        self.m_spare.pop_back();
        return rows;
    }
    static void give(std::vector<PhraseRows::Row>&& rows) {
        constexpr size_t kMaxKept = 4, kMaxRows = 1 << 16;
        if (rows.capacity() == 0 || rows.capacity() > kMaxRows) return;
        rows.clear();
        RowBuffers& self = instance();
        std::lock_guard lock(self.m_mutex);
        if (self.m_spare.size() < kMaxKept) self.m_spare.push_back(std::move(rows));
    }

private:
    static RowBuffers& instance() {
        static RowBuffers buffers;
        return buffers;
    }
    std::mutex m_mutex;
    std::vector<std::vector<PhraseRows::Row>> m_spare;
};

// The passes one connection (and thread) runs for a scan, and what they found, per phrase.
struct ScanPart {
    struct Pass {
        size_t phrase;
        RowRange range;
    };
    std::vector<Pass> passes;
    Scan scan;
    std::vector<PhraseRows> lists;  // indexed like the scan's phrases; empty for others' phrases

    ScanPart() = default;
    ScanPart(const ScanPart&) = delete;
    ScanPart& operator=(const ScanPart&) = delete;
    ~ScanPart() {
        for (auto& list : lists) RowBuffers::give(std::move(list.rows));
    }
};

void runPart(ModelSql& sql, SearchIndex index, const std::vector<std::string>& phrases, int64_t split,
             ScanPart& part) {
    part.lists.resize(phrases.size());
    ActiveScan active(part.scan);
    for (const auto& pass : part.passes) {
        part.scan.current = &part.lists[pass.phrase];
        part.scan.wholePhrase = pass.range != RowRange::AtLeast && singleToken(index, phrases[pass.phrase]);
        part.scan.stopAfter = pass.range == RowRange::AtMost ? split - 1 : INT64_MAX;
        part.lists[pass.phrase].rows = RowBuffers::take();
        auto q = scanStatement(sql, index, pass.range, part.scan.wholePhrase);
        q.bind(1, phrases[pass.phrase]);
        if (pass.range == RowRange::AtLeast) q.bind(2, split);
        q.run();
    }
    part.scan.current = nullptr;
}

// One thread kept for the helper's part of scans: a thread started per scan waited ~2 ms for a
// core on a busy machine (it is placed on its parent's core), a kept one is woken where it last ran;
// and a part it has not started when the caller is done with its own is run by the caller, so a
// busy machine costs no more than one thread. Started on first use, stopped and joined at exit.
// Thread-safe: one job at a time; a scan that finds it busy runs its helper part itself.
class ScanWorker {
public:
    static ScanWorker& instance() {
        static ScanWorker worker;
        return worker;
    }
    ScanWorker(const ScanWorker&) = delete;
    ScanWorker& operator=(const ScanWorker&) = delete;
    ~ScanWorker() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        if (m_thread.joinable()) m_thread.join();
    }

    // Starts `job` (which must not throw) on the worker; false when it is busy or cannot start.
    bool tryStart(std::function<void()> job) {
        std::lock_guard lock(m_mutex);
        if (m_busy || m_stop) return false;
        if (!m_thread.joinable()) {
            try {
                m_thread = std::thread([this] { loop(); });
            } catch (const std::system_error&) {
                return false;
            }
        }
        m_busy = true;
        m_done = false;
        m_late = false;
        m_job = std::move(job);
        m_queuedAt = std::chrono::steady_clock::now();
        m_wake.notify_one();
        return true;
    }

    // False for the next scans after the worker was slow to start one (another program holds the
    // other cores: a split scan then waits for it), so they run on the calling thread alone.
    bool available() {
        int skip = m_skip.load(std::memory_order_relaxed);
        while (skip > 0)
            if (m_skip.compare_exchange_weak(skip, skip - 1, std::memory_order_relaxed)) return false;
        return true;
    }

    // Returns when the job tryStart started is done, then frees the worker for the next one. A job
    // the worker has not taken yet (no core was free for it) is taken back and run by the caller,
    // or dropped with `run` false.
    void finish(bool run = true) {
        std::unique_lock lock(m_mutex);
        if (m_job) {
            auto job = std::move(m_job);
            m_job = nullptr;
            m_late = true;
            lock.unlock();
            if (run) job();
            lock.lock();
        } else {
            m_finished.wait(lock, [&] { return m_done; });
        }
        if (m_late) m_skip.store(kScansAfterLateStart, std::memory_order_relaxed);
        m_busy = false;
    }

private:
    ScanWorker() = default;

    void loop() {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_wake.wait(lock, [&] { return m_stop || m_job; });
            if (!m_job) return;  // stopping
            auto job = std::move(m_job);
            m_job = nullptr;
            m_late = std::chrono::steady_clock::now() - m_queuedAt > kLateStart;
            lock.unlock();
            job();
            lock.lock();
            m_done = true;
            m_finished.notify_all();
        }
    }

    static constexpr std::chrono::microseconds kLateStart{500};
    static constexpr int kScansAfterLateStart = 16;

    std::mutex m_mutex;
    std::condition_variable m_wake, m_finished;
    std::function<void()> m_job;
    std::chrono::steady_clock::time_point m_queuedAt;
    bool m_busy = false, m_done = false, m_stop = false, m_late = false;
    std::atomic<int> m_skip{0};
    std::thread m_thread;
};

}  // namespace

void runTogether(const std::function<void()>& own, const std::function<void()>& other) {
    std::exception_ptr failure;
    auto otherPart = [&] {
        try {
            other();
        } catch (...) {
            failure = std::current_exception();
        }
    };
    ScanWorker& worker = ScanWorker::instance();
    const bool started = worker.tryStart(otherPart);
    try {
        own();
    } catch (...) {
        if (started) worker.finish(false);
        throw;
    }
    if (started)
        worker.finish();
    else
        otherPart();
    if (failure) std::rethrow_exception(failure);
}

bool helperAvailable() {
    return ScanWorker::instance().available();
}

bool sameIndexState(ModelSql& a, ModelSql& b, SearchIndex index) {
    return indexState(a, index) == indexState(b, index);
}

MatchScan scanMatches(ModelSql& sql, SearchIndex index, const std::vector<std::string>& phrases,
                      const std::string& userDatabase, const std::string& preferredLanguage, ModelSql* helper,
                      bool alwaysPartial) {
    const char* table = tableName(index);
    ScanPart mine, helpers;
    for (ScanPart* part : {&mine, &helpers}) {
        part->scan.table = table;
        part->scan.userDatabase = &userDatabase;
        part->scan.preferredLanguage = &preferredLanguage;
    }
    // With a helper that reads the same index, the passes are shared between the two connections:
    // phrases alternately, and the first phrase in two parts by rowid, the calling thread's part
    // visited from the start (cheaper per row, see scanStatement), the helper's from the split on.
    // The split gives the calling thread a bit more than its share of rows when it has no other
    // phrase (it also merges and ranks), and only a small part of the first phrase's rows less when
    // the phrases are even (the helper has a whole phrase of its own). Only a single word is split:
    // a pass over several tokens (a quoted phrase; trigrams) stops at a bound only on a match, so
    // with few matches each part would walk the tokens' rows to the end.
    int64_t split = INT64_MAX;
    const bool shared =
        helper && !phrases.empty() && helperAvailable() && sameIndexState(sql, *helper, index);
    const bool splitFirst = shared && singleToken(index, phrases[0]);
    if (splitFirst) {
        const double mineShare = phrases.size() == 1 ? 0.55 : phrases.size() % 2 == 0 ? 0.85 : 0.5;
        auto q = sql.prepare("SELECT (SELECT min(id) FROM search_docs), (SELECT max(id) FROM search_docs)");
        if (q.step() && !q.isNull(0))
            split = q.integer(0) +
                    static_cast<int64_t>(mineShare * static_cast<double>(q.integer(1) - q.integer(0) + 1));
        mine.passes.push_back({0, RowRange::AtMost});
        helpers.passes.push_back({0, RowRange::AtLeast});
    } else {
        mine.passes.push_back({0, RowRange::All});
    }
    for (size_t p = 1; p < phrases.size(); ++p)
        (shared && p % 2 ? helpers : mine).passes.push_back({p, RowRange::All});
    if (helpers.passes.empty()) {
        runPart(sql, index, phrases, split, mine);
        helpers.lists.resize(phrases.size());
    } else {
        runTogether([&] { runPart(sql, index, phrases, split, mine); },
                    [&] { runPart(*helper, index, phrases, split, helpers); });
    }
    const Scan* stats = mine.scan.started ? &mine.scan : helpers.scan.started ? &helpers.scan : nullptr;
    MatchScan result;
    if (!stats) return result;  // no row holds any phrase
    // Each phrase's rows in rowid order, as if one pass had visited them (the helper's half follows).
    std::vector<PhraseRows>& lists = mine.lists;
    for (size_t p = 0; p < lists.size(); ++p) {
        PhraseRows& other = helpers.lists[p];
        lists[p].documents += other.documents;
        if (lists[p].rows.empty())
            lists[p].rows.swap(other.rows);
        else
            lists[p].rows.insert(lists[p].rows.end(), other.rows.begin(), other.rows.end());
    }
    const double rowCount = stats->rowCount;
    std::vector<double> idf;
    for (auto& list : lists) {
        const double d = static_cast<double>(list.documents);
        idf.push_back(std::max(std::log((rowCount - d + 0.5) / (d + 0.5)), 1e-6));
        const auto byRowid = [](const PhraseRows::Row& a, const PhraseRows::Row& b) {
            return a.rowid < b.rowid;
        };
        if (!std::is_sorted(list.rows.begin(), list.rows.end(), byRowid))
            std::sort(list.rows.begin(), list.rows.end(), byRowid);
    }
    std::array<size_t, kSearchKinds.size()> perKind{};
    for (const auto& row : std::max_element(lists.begin(), lists.end(), [](auto&a, auto&b) {
                               return a.rows.size() < b.rows.size();
                           })->rows)
        if (row.kind < perKind.size()) ++perKind[row.kind];
    for (size_t kind = 0; kind < perKind.size(); ++kind) result.all[kind].reserve(perKind[kind]);
    if (lists.size() == 1) {
        for (const auto& row : lists[0].rows) {
            const double w = row.weighted;
            result.all[row.kind].push_back(RankedRow{row.rowid, -(idf[0] * w * (kK1 + 1) / (w + kK1))});
            if (row.preferred) ++result.preferredLanguage[row.kind];
        }
        return result;
    }
    // Rows in every list: the shortest list's rows, each looked for in the others (all in rowid order).
    size_t shortest = 0;
    for (size_t p = 1; p < lists.size(); ++p)
        if (lists[p].rows.size() < lists[shortest].rows.size()) shortest = p;
    std::vector<size_t> at(lists.size(), 0);
    bool anyAll = false;
    for (const auto& candidate : lists[shortest].rows) {
        bool all = true, exhausted = false;
        for (size_t p = 0; p < lists.size() && all; ++p) {
            if (p == shortest) continue;
            const auto& rows = lists[p].rows;
            size_t& i = at[p];
            while (i < rows.size() && rows[i].rowid < candidate.rowid) ++i;
            exhausted = i == rows.size();
            all = !exhausted && rows[i].rowid == candidate.rowid;
        }
        if (exhausted) break;
        if (!all) continue;
        double score = 0;
        for (size_t p = 0; p < lists.size(); ++p) {
            const double w = p == shortest ? candidate.weighted : lists[p].rows[at[p]].weighted;
            if (w > 0) score += idf[p] * w * (kK1 + 1) / (w + kK1);
        }
        result.all[candidate.kind].push_back(RankedRow{candidate.rowid, -score});
        if (candidate.preferred) ++result.preferredLanguage[candidate.kind];
        anyAll = true;
    }
    if (anyAll && !alwaysPartial) return result;
    // Rows in some lists too: merge all of them by rowid (counting the preferred language anew).
    result = MatchScan{};
    std::fill(at.begin(), at.end(), 0);
    while (true) {
        int64_t rowid = INT64_MAX;
        for (size_t p = 0; p < lists.size(); ++p)
            if (at[p] < lists[p].rows.size()) rowid = std::min(rowid, lists[p].rows[at[p]].rowid);
        if (rowid == INT64_MAX) break;
        double score = 0;
        bool all = true;
        const PhraseRows::Row* row = nullptr;
        for (size_t p = 0; p < lists.size(); ++p) {
            if (at[p] >= lists[p].rows.size() || lists[p].rows[at[p]].rowid != rowid) {
                all = false;
                continue;
            }
            row = &lists[p].rows[at[p]++];
            const double w = row->weighted;
            if (w > 0) score += idf[p] * w * (kK1 + 1) / (w + kK1);
        }
        (all ? result.all : result.some)[row->kind].push_back(RankedRow{rowid, -score});
        if (row->preferred) ++result.preferredLanguage[row->kind];
    }
    return result;
}

bool registerSearchRanking(fts5_api* api, sqlite3* db) {
    auto* state = new ConnectionState();
    state->db = db;
    return api->xCreateFunction(api, "kenes_collect", state, kenesCollect,
                                [](void* p) { delete static_cast<ConnectionState*>(p); }) == SQLITE_OK;
}

}  // namespace kenes::storage
