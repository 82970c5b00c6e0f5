// Storage benchmark: bulk load of 100,000 ~1 KB documents with new_edits=false in batches of 500,
// a full changes scan and 100,000 random gets — beside the ceiling measured in the same run: raw
// SQLite inserting the same JSON strings into a plain (id, rev, json) table in one transaction.
// Usage: storage_bench [DOCS] [DIR]
#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/store.h"

using namespace kenes::storage;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds (user + system) of this process so far: steadier than wall time on a shared machine.
static double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char** argv) {
    size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    std::filesystem::path dir =
        argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "kenes-storage-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    std::mt19937_64 rng(42);
    std::vector<Json> docs;
    std::vector<std::string> texts;
    docs.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        char hash[33];
        std::snprintf(hash, sizeof hash, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                      static_cast<unsigned long long>(rng()));
        Json d = {{"_id", "doc-" + std::to_string(i)},
                  {"_rev", std::string("1-") + hash},
                  {"type", "note"},
                  {"title", "Note " + std::to_string(i)},
                  {"body", std::string(900, static_cast<char>('a' + i % 26))},
                  {"tags", {"bench", "kenes"}}};
        texts.push_back(d.dump());
        docs.push_back(std::move(d));
    }

    // Ceiling: raw SQLite, one transaction, the same JSON strings.
    double rawSeconds;
    double rawCpu;
    {
        sqlite3* db = nullptr;
        sqlite3_open((dir / "raw.sqlite3").c_str(), &db);
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE docs(id TEXT PRIMARY KEY, rev TEXT, json TEXT)",
                     nullptr, nullptr, nullptr);
        auto t = Clock::now();
        double c = cpuSeconds();
        sqlite3_stmt* st = nullptr;
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        sqlite3_prepare_v2(db, "INSERT INTO docs VALUES (?,?,?)", -1, &st, nullptr);
        for (size_t i = 0; i < count; ++i) {
            auto id = docs[i]["_id"].get<std::string>();
            auto rev = docs[i]["_rev"].get<std::string>();
            sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, rev.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, texts[i].c_str(), static_cast<int>(texts[i].size()), SQLITE_STATIC);
            sqlite3_step(st);
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        rawSeconds = since(t);
        rawCpu = cpuSeconds() - c;
        sqlite3_close(db);
    }

    // The batches are ready before the clock starts, as the ceiling's strings are.
    std::vector<std::vector<Json>> batches;
    for (size_t i = 0; i < count; i += 500)
        batches.emplace_back(
            std::make_move_iterator(docs.begin() + static_cast<long>(i)),
            std::make_move_iterator(docs.begin() + static_cast<long>(std::min(count, i + 500))));
    docs.clear();

    auto store = Store::open(dir / "kenes");
    auto db = store->createDatabase("bench");
    auto t = Clock::now();
    double c = cpuSeconds();
    for (const auto& batch : batches) db->bulkDocs(batch, false);
    double loadSeconds = since(t);
    double loadCpu = cpuSeconds() - c;

    t = Clock::now();
    size_t seen = 0;
    ChangesOptions page;
    page.limit = 500;
    for (;;) {
        auto ch = db->changes(page);
        seen += ch.results.size();
        if (ch.results.empty()) break;
        page.since = ch.lastSeq;
    }
    double changesSeconds = since(t);

    t = Clock::now();
    std::uniform_int_distribution<size_t> pick(0, count - 1);
    size_t bytes = 0;
    for (size_t i = 0; i < count; ++i)
        bytes += db->get("doc-" + std::to_string(pick(rng)))["body"].get<std::string>().size();
    double getSeconds = since(t);

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("documents                     %zu (~%zu bytes each)\n", count, texts[0].size());
    std::printf("raw SQLite insert (ceiling)   %.3f s  %.0f docs/s  (CPU %.3f s)\n", rawSeconds,
                count / rawSeconds, rawCpu);
    std::printf("Kenes bulk load (500/batch)   %.3f s  %.0f docs/s  (CPU %.3f s)\n", loadSeconds,
                count / loadSeconds, loadCpu);
    std::printf("ratio Kenes/ceiling           %.0f%% (CPU time: %.0f%%)\n", 100.0 * rawSeconds / loadSeconds,
                100.0 * rawCpu / loadCpu);
    std::printf("changes scan (pages of 500)   %.3f s  %zu rows  %.0f rows/s\n", changesSeconds, seen,
                seen / changesSeconds);
    std::printf("random gets                   %.3f s  %.0f gets/s  (%zu body bytes)\n", getSeconds,
                count / getSeconds, bytes);
    std::printf("peak RSS                      %ld MB\n", usage.ru_maxrss / 1024);
    std::filesystem::remove_all(dir);
}
