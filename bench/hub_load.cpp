// Load tool for `kenes hub`: N concurrent clients (threads, one libcurl handle each, keep-alive,
// loopback only) each pull a D-document event database the way a replicator does (_changes in
// batches of 100, then _bulk_get of those revisions). Runs the same load against a Kenes hub and
// against PouchDB Server started here, and prints total time, requests/s, p95 per client and the
// servers' peak RSS. Bounded: every client stops at a global deadline.
// usage: hub_load KENES_EXE NODE_MODULES_DIR [clients=200] [docs=2000] [deadline_s=300]
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_process.h"

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {
std::string g_auth;  // "user:password" for the hub; empty for PouchDB Server

size_t collect(char* p, size_t s, size_t n, void* out) {
    static_cast<std::string*>(out)->append(p, s * n);
    return s * n;
}

struct Http {
    CURL* curl = curl_easy_init();
    std::string base;
    ~Http() { curl_easy_cleanup(curl); }
    long request(const std::string& method, const std::string& path, const std::string& body,
                 std::string& out) {
        out.clear();
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_URL, (base + path).c_str());
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
        if (!g_auth.empty()) {
            curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
            curl_easy_setopt(curl, CURLOPT_USERPWD, g_auth.c_str());
        }
        curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
        headers = curl_slist_append(headers, "Accept: application/json");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        if (!body.empty() || method == "POST" || method == "PUT") {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        }
        long status = 0;
        if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        return status;
    }
};

long peakRssKb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

int freePortGuess(int salt) {
    return 20000 + (getpid() * 7 + salt * 131) % 20000;
}

bool waitUp(const std::string& base) {
    Http h;
    h.base = base;
    std::string out;
    for (int i = 0; i < 200; ++i) {
        if (h.request("GET", "/", "", out) == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

bool seed(const std::string& base, int docs) {
    Http h;
    h.base = base;
    std::string out;
    h.request("PUT", "/events", "", out);
    for (int start = 0; start < docs; start += 500) {
        Json batch = Json::array();
        for (int i = start; i < std::min(docs, start + 500); ++i)
            batch.push_back(
                Json{{"_id", "session-" + std::to_string(10000 + i)},
                     {"type", "session"},
                     {"title", "Социальный диалог и коллективные договоры, часть " + std::to_string(i)},
                     {"abstract", std::string(300, 'x')},
                     {"room", "Зал " + std::to_string(i % 7)},
                     {"start", "2026-11-23T09:00:00+05:00"},
                     {"speakers", Json::array({"A. Speaker", "B. Speaker"})}});
        if (h.request("POST", "/events/_bulk_docs", Json{{"docs", batch}}.dump(), out) != 201) {
            std::cerr << "seeding failed: " << out << "\n";
            return false;
        }
    }
    return true;
}

struct ClientResult {
    bool ok = false;
    long requests = 0;
    double seconds = 0;
    size_t docs = 0;
};

ClientResult pull(const std::string& base, Clock::time_point deadline, int expected) {
    ClientResult r;
    Http h;
    h.base = base;
    auto start = Clock::now();
    std::string out;
    uint64_t since = 0;
    if (h.request("GET", "/events", "", out) != 200) return r;
    ++r.requests;
    while (Clock::now() < deadline) {
        long st = h.request("GET", "/events/_changes?style=all_docs&limit=100&since=" + std::to_string(since),
                            "", out);
        ++r.requests;
        if (st != 200) return r;
        Json changes = Json::parse(out, nullptr, false);
        if (changes.is_discarded()) return r;
        if (changes["results"].empty()) break;
        Json docs = Json::array();
        for (const auto& row : changes["results"])
            for (const auto& c : row["changes"]) docs.push_back(Json{{"id", row["id"]}, {"rev", c["rev"]}});
        st = h.request("POST", "/events/_bulk_get?revs=true", Json{{"docs", docs}}.dump(), out);
        ++r.requests;
        if (st != 200) return r;
        Json got = Json::parse(out, nullptr, false);
        if (got.is_discarded()) return r;
        r.docs += got["results"].size();
        const auto& last = changes["last_seq"];
        since = last.is_number() ? last.get<uint64_t>() : std::stoull(last.get<std::string>());
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.ok = static_cast<int>(r.docs) == expected;
    return r;
}

struct RunResult {
    double seconds = 0;
    long requests = 0;
    int okClients = 0;
    double p50 = 0, p95 = 0;
};

RunResult load(const std::string& base, int clients, int docs, int deadlineS) {
    std::vector<ClientResult> results(clients);
    std::vector<std::thread> threads;
    auto deadline = Clock::now() + std::chrono::seconds(deadlineS);
    auto start = Clock::now();
    for (int i = 0; i < clients; ++i)
        threads.emplace_back([&, i] { results[i] = pull(base, deadline, docs); });
    for (auto& t : threads) t.join();
    RunResult run;
    run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> times;
    for (const auto& r : results) {
        run.requests += r.requests;
        if (r.ok) {
            ++run.okClients;
            times.push_back(r.seconds);
        }
    }
    std::sort(times.begin(), times.end());
    if (!times.empty()) {
        run.p50 = times[times.size() / 2];
        run.p95 = times[std::min(times.size() - 1, times.size() * 95 / 100)];
    }
    return run;
}

void report(const char* name, const RunResult& r, int clients, long rssKb) {
    std::printf(
        "%-16s clients ok %3d/%d  total %7.2f s  %8.0f req/s  p50 %6.2f s  p95 %6.2f s  peak RSS %6.1f MB\n",
        name, r.okClients, clients, r.seconds, r.requests / r.seconds, r.p50, r.p95, rssKb / 1024.0);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr
            << "usage: hub_load KENES_EXE NODE_MODULES_DIR [clients=200] [docs=2000] [deadline_s=300]\n";
        return 2;
    }
    std::string kenes = fs::absolute(argv[1]).string();
    fs::path modules = fs::absolute(argv[2]);
    int clients = argc > 3 ? std::stoi(argv[3]) : 200;
    int docs = argc > 4 ? std::stoi(argv[4]) : 2000;
    int deadlineS = argc > 5 ? std::stoi(argv[5]) : 300;
    clients = std::clamp(clients, 1, 1000);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);

    fs::path dir = fs::temp_directory_path() / ("kenes-hub-load-" + std::to_string(getpid()));
    fs::create_directories(dir / "pouchdb");
    int status = 0;

    // Kenes hub
    std::string addUser = "printf 'bench-secret\\n' | '" + kenes + "' --data '" + (dir / "hub").string() +
                          "' hub user add bench --role organizer > /dev/null";
    if (std::system(addUser.c_str()) != 0) {
        std::cerr << "could not create the bench account\n";
        return 1;
    }
    int hubPort = freePortGuess(1);
    pid_t hub = kenes::bench::spawnProcess(
        {kenes, "--data", (dir / "hub").string(), "hub", "--port", std::to_string(hubPort)}, dir / "hub.log",
        {}, dir);
    std::string hubBase = "http://127.0.0.1:" + std::to_string(hubPort);
    g_auth = "bench:bench-secret";
    if (hub <= 0 || !waitUp(hubBase) || !seed(hubBase, docs)) {
        std::cerr << "the hub did not start or could not be seeded (see " << (dir / "hub.log") << ")\n";
        kenes::bench::stopProcess(hub);
        return 1;
    }
    long hubIdleRss = peakRssKb(hub);
    RunResult hubRun = load(hubBase, clients, docs, deadlineS);
    long hubRss = peakRssKb(hub);
    kenes::bench::stopProcess(hub);

    // PouchDB Server
    g_auth.clear();
    int pouchPort = freePortGuess(2);
    pid_t pouch =
        kenes::bench::spawnProcess({"node", (modules / ".bin" / "pouchdb-server").string(), "--in-memory",
                                    "--host", "127.0.0.1", "--port", std::to_string(pouchPort)},
                                   dir / "pouchdb" / "server.out", {}, dir / "pouchdb");
    std::string pouchBase = "http://127.0.0.1:" + std::to_string(pouchPort);
    RunResult pouchRun;
    long pouchRss = -1;
    if (pouch > 0 && waitUp(pouchBase) && seed(pouchBase, docs)) {
        pouchRun = load(pouchBase, clients, docs, deadlineS);
        pouchRss = peakRssKb(pouch);
    } else {
        std::cerr << "PouchDB Server did not start or could not be seeded\n";
        status = 1;
    }
    kenes::bench::stopProcess(pouch);

    std::printf("%d clients each pulling %d documents (changes batches of 100 + bulk_get), loopback\n",
                clients, docs);
    report("Kenes hub", hubRun, clients, hubRss);
    std::printf("                 (hub peak RSS before the load: %.1f MB)\n", hubIdleRss / 1024.0);
    report("PouchDB Server", pouchRun, clients, pouchRss);
    if (pouchRun.seconds > 0 && pouchRun.requests > 0)
        std::printf("throughput ratio hub / PouchDB Server: %.1fx\n",
                    (hubRun.requests / hubRun.seconds) / (pouchRun.requests / pouchRun.seconds));
    std::error_code ec;
    fs::remove_all(dir, ec);
    curl_global_cleanup();
    return status;
}
