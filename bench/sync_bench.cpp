// Sync benchmark: pulls the same D-document database (deletions and conflicting branches
// included) from one PouchDB Server (started here, --in-memory, loopback) with `kenes replicate`
// into a fresh data directory and with PouchDB 9's own replicator in Node (memory adapter,
// bench/sync_pouchdb_pull.js), then times a no-op re-sync of each (requests and time). Each
// side runs R times, alternating, and the median is reported; every child is bounded by a deadline.
// usage: sync_bench KENES_EXE NODE_MODULES_DIR [docs=10000] [rounds=3] [session|plain]
// session (default): agenda sessions, which Kenes projects and indexes for search as it stores them;
// plain: the same bodies typed "position" (stored, not indexed), i.e. the replicator and store alone.
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_process.h"

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

size_t collect(char* p, size_t s, size_t n, void* out) {
    static_cast<std::string*>(out)->append(p, s * n);
    return s * n;
}

long httpRequest(const std::string& url, const std::string& method, const std::string& body,
                 std::string& out) {
    out.clear();
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (method == "POST" || method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

int freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Run {
    double wallMs = 0;
    double cpuMs = 0;  // user + system time of the child
    int exitCode = -1;
    std::string out, err;
};

// Runs a command to completion (killed after `deadline`), timing it from spawn to exit.
Run timed(const std::vector<std::string>& argv, const fs::path& scratch, std::chrono::seconds deadline) {
    Run r;
    auto start = Clock::now();
    pid_t pid = kenes::bench::spawnProcess(argv, scratch / "out.txt", scratch / "err.txt");
    if (pid <= 0) return r;
    int status = 0;
    rusage usage{};
    for (;;) {
        pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid) break;
        if (Clock::now() - start > deadline) {
            kenes::bench::stopProcess(pid);
            status = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    r.wallMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    r.cpuMs = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
              double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    r.exitCode = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(scratch / "out.txt");
    r.err = slurp(scratch / "err.txt");
    return r;
}

std::string rev(int generation, const std::string& seed) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d-%032zx", generation, std::hash<std::string>{}(seed));
    return buf;
}

// A session-like document; every 7th deleted, every 5th with two conflicting branches.
std::vector<Json> dataset(int count, bool sessions) {
    std::vector<Json> docs;
    for (int i = 0; i < count; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "session-%05d", i);
        Json body = {{"type", sessions ? "session" : "position"},
                     {"event", "event-bishkek-2026"},
                     {"start", "2026-07-2" + std::to_string(i % 5) + "T09:30"},
                     {"end", "2026-07-2" + std::to_string(i % 5) + "T11:00"},
                     {"kind", "workshop"},
                     {"room", "Hall " + std::to_string(i % 12)},
                     {"title",
                      {{"en", "Freedom of association, workshop " + std::to_string(i)},
                       {"ru", "Свобода объединения, семинар " + std::to_string(i)}}},
                     {"abstract",
                      {{"en",
                        "Reporting under article 22 of the ILO Constitution and the supervisory machinery: "
                        "case studies from Central Asia, with time for questions."},
                       {"ru",
                        "Доклады по статье 22 Устава МОТ и контрольные механизмы: примеры из Центральной "
                        "Азии, время для вопросов."}}}};
        std::string h1 = rev(1, std::string(id) + "/1");
        auto revision = [&](std::vector<std::string> revs, Json b, bool deleted) {
            b["_id"] = id;
            b["_rev"] = revs.back();
            Json ids = Json::array();
            for (auto it = revs.rbegin(); it != revs.rend(); ++it)
                ids.push_back(it->substr(it->find('-') + 1));
            b["_revisions"] = {{"start", revs.size()}, {"ids", ids}};
            if (deleted) b["_deleted"] = true;
            docs.push_back(b);
        };
        if (i % 5 == 0) {
            Json a = body, c = body;
            a["room"] = "Hall A";
            c["room"] = "Hall B";
            revision({h1, rev(2, std::string(id) + "/2a")}, a, false);
            revision({h1, rev(2, std::string(id) + "/2b"), rev(3, std::string(id) + "/3b")}, c, false);
        } else if (i % 7 == 0) {
            revision({h1, rev(2, std::string(id) + "/2")}, Json::object(), true);
        } else {
            revision({h1}, body, false);
        }
    }
    return docs;
}

// CPU time (user + system) a process has used so far, from /proc.
double processCpuMs(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
        if (i == 14 || i == 15) ticks += std::stod(f);
    return ticks * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

uint64_t counted(const std::string& text, const std::string& what) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("(\\d+) " + what))) return 0;
    return std::stoull(m[1]);
}

double reportedMs(const std::string& text) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("requests, ([0-9.]+) s\\."))) return 0;
    return std::stod(m[1]) * 1000;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: sync_bench KENES_EXE NODE_MODULES_DIR [docs=10000] [rounds=3] [session|plain]\n";
        return 2;
    }
    const fs::path kenes = fs::absolute(argv[1]);
    const fs::path modules = fs::absolute(argv[2]);
    const int docs = argc > 3 ? std::stoi(argv[3]) : 10000;
    const int rounds = argc > 4 ? std::stoi(argv[4]) : 3;
    const bool sessions = argc <= 5 || std::string(argv[5]) != "plain";
    const fs::path script = fs::path(KENES_SOURCE_DIR) / "bench" / "sync_pouchdb_pull.js";
    curl_global_init(CURL_GLOBAL_DEFAULT);

    fs::path scratch = fs::temp_directory_path() / ("kenes-sync-bench-" + std::to_string(getpid()));
    fs::create_directories(scratch);
    int port = freePort();
    std::string server = "http://127.0.0.1:" + std::to_string(port);
    pid_t pouch =
        kenes::bench::spawnProcess({"node", fs::absolute(modules / ".bin" / "pouchdb-server").string(),
                                    "--in-memory", "--host", "127.0.0.1", "--port", std::to_string(port)},
                                   scratch / "server.log", scratch / "server.err", scratch);
    std::string out;
    bool up = false;
    for (int i = 0; i < 300 && !up; ++i) {
        up = httpRequest(server + "/", "GET", "", out) == 200;
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    int result = 1;
    try {
        if (!up) throw std::runtime_error("PouchDB Server did not start");
        httpRequest(server + "/bench", "PUT", "", out);
        auto all = dataset(docs, sessions);
        for (size_t start = 0; start < all.size(); start += 1000) {
            Json batch = Json::array();
            for (size_t i = start; i < std::min(all.size(), start + 1000); ++i) batch.push_back(all[i]);
            if (httpRequest(server + "/bench/_bulk_docs", "POST",
                            Json{{"docs", batch}, {"new_edits", false}}.dump(), out) != 201)
                throw std::runtime_error("seeding failed: " + out);
        }
        std::cout << "PouchDB Server 4.2.0 (in memory) on " << server << ": " << docs << " documents, "
                  << all.size() << " leaf revisions (deletions and two-branch conflicts), "
                  << (sessions ? "agenda sessions (indexed by Kenes)" : "plain documents (not indexed)")
                  << "\n";

        std::vector<double> kWall, kInner, kNoopWall, kNoopInner, pWall, pInner, pNoop;
        std::vector<double> kCpu, kServerCpu, pCpu, pServerCpu;
        uint64_t kRequests = 0, kNoopRequests = 0, pNoopRequests = 0, kRead = 0, pRead = 0;
        const std::string url = server + "/bench";
        for (int r = 0; r < rounds; ++r) {
            fs::path data = scratch / ("kenes-data-" + std::to_string(r));
            fs::remove_all(data);
            double serverBefore = processCpuMs(pouch);
            auto pull = timed({kenes.string(), "--data", data.string(), "replicate", url, "bench"}, scratch,
                              std::chrono::seconds(600));
            kServerCpu.push_back(processCpuMs(pouch) - serverBefore);
            kCpu.push_back(pull.cpuMs);
            if (pull.exitCode != 0)
                throw std::runtime_error("kenes replicate failed: " + pull.out + pull.err);
            auto noop = timed({kenes.string(), "--data", data.string(), "replicate", url, "bench"}, scratch,
                              std::chrono::seconds(120));
            if (noop.exitCode != 0) throw std::runtime_error("kenes no-op failed: " + noop.out + noop.err);
            kWall.push_back(pull.wallMs);
            kInner.push_back(reportedMs(pull.out));
            kNoopWall.push_back(noop.wallMs);
            kNoopInner.push_back(reportedMs(noop.out));
            kRequests = counted(pull.out, "requests");
            kNoopRequests = counted(noop.out, "requests");
            kRead = counted(pull.out, "revisions read");
            fs::remove_all(data);

            serverBefore = processCpuMs(pouch);
            auto pouchPull =
                timed({"node", script.string(), modules.string(), url}, scratch, std::chrono::seconds(900));
            pServerCpu.push_back(processCpuMs(pouch) - serverBefore);  // includes its no-op re-sync
            pCpu.push_back(pouchPull.cpuMs);
            if (pouchPull.exitCode != 0) throw std::runtime_error("PouchDB pull failed: " + pouchPull.err);
            Json line = Json::parse(pouchPull.out);
            pWall.push_back(pouchPull.wallMs);
            pInner.push_back(line["ms"].get<double>());
            pNoop.push_back(line["noop_ms"].get<double>());
            pNoopRequests = line["noop_requests"].get<uint64_t>();
            pRead = line["docs_read"].get<uint64_t>();
            std::cout << "round " << r + 1 << ": kenes " << pull.wallMs << " ms (" << reportedMs(pull.out)
                      << " ms inside), no-op " << noop.wallMs << " ms; pouchdb " << pouchPull.wallMs
                      << " ms (" << line["ms"].get<double>() << " ms inside), no-op "
                      << line["noop_ms"].get<double>() << " ms\n";
        }
        char buf[512];
        std::printf(
            "\nmedian of %d rounds            | Kenes (kenes replicate) | PouchDB 9 (Node, memory adapter)\n",
            rounds);
        std::snprintf(buf, sizeof buf, "pull, whole process          | %8.0f ms | %8.0f ms | ratio %.1fx\n",
                      median(kWall), median(pWall), median(pWall) / median(kWall));
        std::cout << buf;
        std::snprintf(buf, sizeof buf, "pull, replication alone      | %8.0f ms | %8.0f ms | ratio %.1fx\n",
                      median(kInner), median(pInner), median(pInner) / std::max(1.0, median(kInner)));
        std::cout << buf;
        std::snprintf(
            buf, sizeof buf,
            "CPU: client / server           | %6.0f / %6.0f ms | %6.0f / %6.0f ms | ratio of sums %.1fx\n",
            median(kCpu), median(kServerCpu), median(pCpu), median(pServerCpu),
            (median(pCpu) + median(pServerCpu)) / std::max(1.0, median(kCpu) + median(kServerCpu)));
        std::cout << buf;
        std::snprintf(buf, sizeof buf, "revisions read / requests    | %llu / %llu | %llu / -\n",
                      (unsigned long long)kRead, (unsigned long long)kRequests, (unsigned long long)pRead);
        std::cout << buf;
        std::snprintf(buf, sizeof buf,
                      "no-op re-sync                | %.0f ms whole process, %.0f ms inside, %llu requests | "
                      "%.0f ms, %llu requests\n",
                      median(kNoopWall), median(kNoopInner), (unsigned long long)kNoopRequests, median(pNoop),
                      (unsigned long long)pNoopRequests);
        std::cout << buf;
        result = 0;
    } catch (const std::exception& e) {
        std::cerr << "sync_bench: " << e.what() << "\n";
    }
    kenes::bench::stopProcess(pouch);
    fs::remove_all(scratch);
    curl_global_cleanup();
    return result;
}
