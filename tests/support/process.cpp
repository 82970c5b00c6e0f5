#include "process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kenes::test {
namespace {

std::string errnoText(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string readAll(int fd) {
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    return out;
}

// Spawns argv with the given options; extra file actions map stdout/stderr to pipes when given.
pid_t spawn(const std::vector<std::string>& argv, const ProcessOptions& options, int stdoutFd, int stderrFd,
            int* stdinWriteFd) {
    if (argv.empty()) throw std::invalid_argument("spawn: empty argv");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : options.env) env[k] = v;
    std::vector<std::string> envStrings;
    for (const auto& [k, v] : env) envStrings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : envStrings) envp.push_back(s.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int stdinPipe[2] = {-1, -1};
    if (options.stdinText) {
        if (::pipe2(stdinPipe, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe"));
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0);
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    if (!options.output.empty()) {
        posix_spawn_file_actions_addopen(&actions, 1, options.output.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    }
    if (stdoutFd >= 0) posix_spawn_file_actions_adddup2(&actions, stdoutFd, 1);
    if (stderrFd >= 0) posix_spawn_file_actions_adddup2(&actions, stderrFd, 2);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Own process group, so that stopping a server also stops what it started (node children).
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);

    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (stdinPipe[0] >= 0) ::close(stdinPipe[0]);
    if (rc != 0) {
        if (stdinPipe[1] >= 0) ::close(stdinPipe[1]);
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    if (options.stdinText) {
        const std::string& text = *options.stdinText;
        if (stdinWriteFd) {
            *stdinWriteFd = stdinPipe[1];
        } else {
            size_t off = 0;
            signal(SIGPIPE, SIG_IGN);
            while (off < text.size()) {
                ssize_t n = ::write(stdinPipe[1], text.data() + off, text.size() - off);
                if (n <= 0) break;
                off += static_cast<size_t>(n);
            }
            ::close(stdinPipe[1]);
        }
    }
    return pid;
}

}  // namespace

int freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(errnoText("socket"));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error(errnoText("bind"));
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

TempDir::TempDir(const std::string& prefix) {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto p = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(rd()));
        std::error_code ec;
        if (std::filesystem::create_directory(p, ec)) {
            m_path = p;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
    m_pid = spawn(argv, options, -1, -1, nullptr);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : m_pid(other.m_pid), m_status(other.m_status) {
    other.m_pid = -1;
}

ChildProcess::~ChildProcess() {
    if (m_pid > 0 && !m_status) stop(std::chrono::seconds(3));
}

bool ChildProcess::running() {
    if (m_pid <= 0 || m_status) return false;
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
        m_status = decodeStatus(status);
        return false;
    }
    return true;
}

void ChildProcess::signal(int sig) {
    if (m_pid > 0 && !m_status) {
        ::kill(-m_pid, sig);  // the whole process group
        ::kill(m_pid, sig);
    }
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (m_status) return m_status;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (!running()) return m_status;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (m_pid <= 0) return -1;
    if (m_status) return *m_status;
    signal(SIGTERM);
    if (auto s = wait(grace)) return *s;
    signal(SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_status = decodeStatus(status);
    return *m_status;
}

RunResult runCommand(const std::vector<std::string>& argv, const ProcessOptions& options,
                     std::chrono::milliseconds timeout) {
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0)
        throw std::runtime_error(errnoText("pipe"));
    ProcessOptions opts = options;
    opts.output.clear();
    int stdinFd = -1;
    pid_t pid = spawn(argv, opts, outPipe[1], errPipe[1], opts.stdinText ? &stdinFd : nullptr);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    RunResult result;
    // Feed stdin and drain both pipes together so that no side blocks on a full pipe.
    std::thread feeder;
    if (stdinFd >= 0) {
        feeder = std::thread([fd = stdinFd, text = *opts.stdinText] {
            size_t off = 0;
            ::signal(SIGPIPE, SIG_IGN);
            while (off < text.size()) {
                ssize_t n = ::write(fd, text.data() + off, text.size() - off);
                if (n <= 0) break;
                off += static_cast<size_t>(n);
            }
            ::close(fd);
        });
    }
    std::thread errReader([&] { result.err = readAll(errPipe[0]); });
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::thread killer([&, pid] {
        while (std::chrono::steady_clock::now() < deadline) {
            if (::kill(pid, 0) != 0) return;
            int st;
            if (::waitpid(pid, &st, WNOHANG | WNOWAIT) == pid) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    });
    result.out = readAll(outPipe[0]);
    errReader.join();
    int status = 0;
    ::waitpid(pid, &status, 0);
    killer.join();
    if (feeder.joinable()) feeder.join();
    ::close(outPipe[0]);
    ::close(errPipe[0]);
    result.exitCode = decodeStatus(status);
    return result;
}

HttpReply httpRequest(int port, const std::string& method, const std::string& target, const std::string& body,
                      const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout) {
    HttpReply reply;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return reply;
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return reply;
    }
    std::ostringstream req;
    req << method << " " << target << " HTTP/1.1\r\nHost: 127.0.0.1:" << port << "\r\nConnection: close\r\n";
    bool hasType = false;
    for (const auto& [k, v] : headers) {
        req << k << ": " << v << "\r\n";
        if (strcasecmp(k.c_str(), "content-type") == 0) hasType = true;
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
        if (!hasType) req << "Content-Type: application/json\r\n";
        req << "Content-Length: " << body.size() << "\r\n";
    }
    req << "\r\n" << body;
    std::string data = req.str();
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    std::string raw = readAll(fd);
    ::close(fd);
    auto headerEnd = raw.find("\r\n\r\n");
    if (headerEnd == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) return reply;
    std::istringstream head(raw.substr(0, headerEnd));
    std::string line;
    std::getline(head, line);
    {
        std::istringstream status(line);
        std::string version;
        status >> version >> reply.status;
    }
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        reply.headers[name] = value;
    }
    std::string payload = raw.substr(headerEnd + 4);
    auto te = reply.headers.find("transfer-encoding");
    if (te != reply.headers.end() && te->second.find("chunked") != std::string::npos) {
        std::string decoded;
        size_t pos = 0;
        while (pos < payload.size()) {
            auto eol = payload.find("\r\n", pos);
            if (eol == std::string::npos) break;
            size_t size = std::stoul(payload.substr(pos, eol - pos), nullptr, 16);
            if (size == 0) break;
            decoded.append(payload, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        payload = decoded;
    }
    reply.body = payload;
    return reply;
}

bool waitForHttp(int port, std::chrono::milliseconds timeout, const std::string& target) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (httpRequest(port, "GET", target, {}, {}, std::chrono::seconds(2)).status != 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

PouchDbServer::PouchDbServer() {
    auto bin = nodeModules() / ".bin" / "pouchdb-server";
    if (!std::filesystem::exists(bin))
        throw std::runtime_error(
            "PouchDB Server is not installed in tests/node: run scripts/setup.sh --test");
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freePort();
        ProcessOptions options;
        options.cwd = m_dir.path();
        options.output = m_dir.path() / "server.log";
        m_process.emplace(std::vector<std::string>{"node", bin.string(), "--in-memory", "--host", "127.0.0.1",
                                                   "--port", std::to_string(m_port)},
                          options);
        if (waitForHttp(m_port, std::chrono::seconds(30))) return;
        m_process.reset();
    }
    throw std::runtime_error("PouchDB Server did not start (see its log in a kenes-pouchdb-server temp dir)");
}

std::filesystem::path sourceDir() {
    return KENES_SOURCE_DIR;
}
std::filesystem::path kenesExe() {
    return KENES_EXE;
}
std::filesystem::path nodeModules() {
    return sourceDir() / "tests" / "node" / "node_modules";
}

}  // namespace kenes::test
