// Helpers for integration tests that start real processes (kenes hub, PouchDB Server, node
// scripts) on 127.0.0.1. Everything started here is stopped by a destructor, so a failing test
// never leaves a server behind. Not thread-safe: use each object from one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kenes::test {

// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int freePort();

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "kenes-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

struct ProcessOptions {
    std::filesystem::path cwd;               // empty: inherit
    std::map<std::string, std::string> env;  // added to (or replacing in) the current environment
    std::filesystem::path output;            // stdout+stderr go here; empty: inherit
    std::optional<std::string> stdinText;    // written to the child's stdin, then closed
};

// A child process started with posix_spawn. The destructor stops it (SIGTERM, then SIGKILL after
// a grace period) and reaps it.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&& other) noexcept;

    pid_t pid() const { return m_pid; }
    bool running();
    void signal(int sig);
    // Waits for exit; returns the exit code, or 128+signal when killed. nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
    // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status as wait() does.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

private:
    pid_t m_pid = -1;
    std::optional<int> m_status;
};

// Runs a command to completion and captures stdout (stderr goes to `stderrOut` when given).
struct RunResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
RunResult runCommand(const std::vector<std::string>& argv, const ProcessOptions& options = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A minimal blocking HTTP/1.1 exchange on 127.0.0.1 (Connection: close), for readiness probes
// and small checks in tests. `status` is 0 when nothing answered.
struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};
HttpReply httpRequest(int port, const std::string& method, const std::string& target,
                      const std::string& body = {}, const std::map<std::string, std::string>& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Polls GET `target` until it answers any HTTP status, or the timeout passes.
bool waitForHttp(int port, std::chrono::milliseconds timeout, const std::string& target = "/");

// PouchDB Server 4.2.0 from tests/node (npm ci'd by scripts/setup.sh --test), in memory, on a
// free port, with its working files in a temp dir. Stopped on destruction.
class PouchDbServer {
public:
    PouchDbServer();
    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    ChildProcess& process() { return *m_process; }

private:
    TempDir m_dir{"kenes-pouchdb-server"};
    int m_port = 0;
    std::optional<ChildProcess> m_process;
};

// Paths known at build time.
std::filesystem::path sourceDir();    // the repository root
std::filesystem::path kenesExe();     // the built `kenes` program
std::filesystem::path nodeModules();  // tests/node/node_modules

}  // namespace kenes::test
