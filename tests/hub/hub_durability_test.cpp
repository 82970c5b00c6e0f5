// Durability: `kenes hub` is killed with SIGKILL in the middle of a 10,000-document push (batches
// of _bulk_docs with new_edits=false, as a replicator writes); after a restart the pusher asks
// _revs_diff what is missing, sends it, and every document is there; PRAGMA integrity_check of
// every SQLite file in the data directory says ok.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

#include "hub/hub_fixture.h"

using namespace kenes::test;
using Json = nlohmann::json;

namespace {
constexpr size_t kDocs = 10000;
constexpr size_t kBatch = 250;

std::string docId(size_t i) {
    return "doc-" + std::to_string(100000 + i);
}
std::string docRev(size_t i) {
    return "1-" + std::to_string(1000000007ull * (i + 1) % 99999989ull) + "abc";
}
Json makeDoc(size_t i) {
    return Json{
        {"_id", docId(i)}, {"_rev", docRev(i)}, {"title", "Сессия " + std::to_string(i)}, {"room", i % 17}};
}

// Pushes the given documents; stops at the first failed batch. Returns how many were acknowledged.
size_t push(int port, const std::map<std::string, std::string>& auth, const std::vector<size_t>& docs) {
    size_t done = 0;
    for (size_t start = 0; start < docs.size(); start += kBatch) {
        Json batch = Json::array();
        for (size_t k = start; k < std::min(docs.size(), start + kBatch); ++k)
            batch.push_back(makeDoc(docs[k]));
        auto r =
            httpRequest(port, "POST", "/push/_bulk_docs", Json{{"docs", batch}, {"new_edits", false}}.dump(),
                        auth, std::chrono::seconds(30));
        if (r.status != 201) break;
        done += batch.size();
    }
    return done;
}

bool isSqlite(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    char head[16] = {};
    in.read(head, 16);
    return std::string(head, 15) == "SQLite format 3";
}
}  // namespace

TEST_CASE("a hub killed during a 10,000-document push loses nothing and resumes", "[hub][durability]") {
    TempDir dir("kenes-hub-durability");
    auto data = dir.path() / "data";
    REQUIRE(addHubUser(data, "olga", "organizer", "org-secret").exitCode == 0);
    auto auth = authHeaders("olga", "org-secret");
    std::vector<size_t> all(kDocs);
    for (size_t i = 0; i < kDocs; ++i) all[i] = i;

    size_t acknowledged = 0;
    {
        HubProcess hub(data);
        REQUIRE(httpRequest(hub.port(), "PUT", "/push", "", auth).status == 201);
        std::atomic<size_t> pushed{0};
        std::thread pusher([&] { pushed = push(hub.port(), auth, all); });
        // kill once a good part is stored
        for (int i = 0; i < 600; ++i) {
            auto info = httpRequest(hub.port(), "GET", "/push", "", auth);
            if (info.status == 200 && Json::parse(info.body)["doc_count"].get<uint64_t>() >= 2500) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        hub.process().signal(SIGKILL);
        CHECK(hub.process().wait(std::chrono::seconds(10)) == 128 + SIGKILL);
        pusher.join();
        acknowledged = pushed;
        CHECK(acknowledged < kDocs);
    }
    HubProcess hub(data);
    auto info = Json::parse(httpRequest(hub.port(), "GET", "/push", "", auth).body);
    uint64_t survived = info["doc_count"].get<uint64_t>();
    CHECK(survived >= acknowledged);  // every acknowledged batch survived the kill
    // resume: ask what is missing, as a replicator does
    std::vector<size_t> missing;
    for (size_t start = 0; start < kDocs; start += 1000) {
        Json diff = Json::object();
        for (size_t i = start; i < std::min(kDocs, start + 1000); ++i)
            diff[docId(i)] = Json::array({docRev(i)});
        auto r = httpRequest(hub.port(), "POST", "/push/_revs_diff", diff.dump(), auth);
        REQUIRE(r.status == 200);
        Json answer = Json::parse(r.body);
        for (const auto& [id, entry] : answer.items()) missing.push_back(std::stoul(id.substr(4)) - 100000);
    }
    CHECK(missing.size() == kDocs - survived);
    CHECK(push(hub.port(), auth, missing) == missing.size());
    auto after = Json::parse(httpRequest(hub.port(), "GET", "/push", "", auth).body);
    CHECK(after["doc_count"] == kDocs);
    auto last = Json::parse(httpRequest(hub.port(), "GET", "/push/" + docId(kDocs - 1), "", auth).body);
    CHECK(last["_rev"] == docRev(kDocs - 1));
    CHECK(hub.process().stop() == 0);

    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
        if (!entry.is_regular_file() || !isSqlite(entry.path())) continue;
        auto r = runCommand({"sqlite3", entry.path().string(), "PRAGMA integrity_check;"});
        INFO(entry.path() << ": " << r.out << r.err);
        CHECK(r.exitCode == 0);
        CHECK(r.out == "ok\n");
        ++checked;
    }
    CHECK(checked > 0);
}
