// Crash safety: a writer killed with SIGKILL at random moments leaves a file that passes
// PRAGMA integrity_check and holds exactly a prefix of the acknowledged writes (plus at most the
// one write in flight).
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "storage/sqlite_store.h"
#include "store_test_util.h"

using namespace kenes::storage;

namespace {

// Runs the writer from `start`, kills it after `ms`, returns the last acknowledged index (-1: none).
long runAndKill(const std::filesystem::path& dir, long start, int ms) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(KENES_CRASH_WRITER, KENES_CRASH_WRITER, dir.c_str(), std::to_string(start).c_str(), nullptr);
        _exit(127);
    }
    close(fds[1]);
    long last = -1;
    std::string buffer;
    std::thread reader([&] {
        char buf[4096];
        ssize_t n;
        while ((n = read(fds[0], buf, sizeof buf)) > 0) buffer.append(buf, static_cast<size_t>(n));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    reader.join();
    close(fds[0]);
    size_t pos = 0;
    while (true) {
        auto nl = buffer.find('\n', pos);
        if (nl == std::string::npos) break;
        last = std::stol(buffer.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return last;
}

std::string integrity(const std::filesystem::path& dir) {
    sqlite3* db = nullptr;
    sqlite3_open(SqliteStore::fileName(dir).c_str(), &db);
    std::string result;
    sqlite3_exec(
        db, "PRAGMA integrity_check",
        [](void* out, int, char** values, char**) {
            *static_cast<std::string*>(out) += values[0] ? values[0] : "";
            return 0;
        },
        &result, nullptr);
    sqlite3_close(db);
    return result;
}

}  // namespace

TEST_CASE("SIGKILL during a stream of writes leaves an intact prefix", "[storage][crash]") {
    kenes::storage::test::TempStore holder;
    auto dir = holder.dir() / "crash";
    std::mt19937 rng(7);
    long next = 0;
    for (int round = 0; round < 8; ++round) {
        int ms = 150 + static_cast<int>(rng() % 400);
        long acked = runAndKill(dir, next, ms);
        INFO("round " << round << ", killed after " << ms << " ms, last acknowledged " << acked);
        REQUIRE(integrity(dir) == "ok");
        auto store = Store::open(dir);
        auto db = store->database("crash", true);
        auto info = db->info();
        long stored = static_cast<long>(info.docCount);
        // Every acknowledged write is there; at most one more (written, killed before the ack).
        REQUIRE(stored >= acked + 1);
        REQUIRE(stored <= std::max(acked + 2, next + 1));
        // Exactly the prefix d0 … d<stored-1>, nothing else.
        AllDocsOptions all;
        all.keys = std::vector<std::string>{};
        for (long i = 0; i < stored; ++i) all.keys->push_back("d" + std::to_string(i));
        for (const auto& row : db->allDocs(all).rows) REQUIRE(row.error.empty());
        CHECK(db->allDocs({}).totalRows == static_cast<uint64_t>(stored));
        next = stored;
    }
    CHECK(next > 50);
}
