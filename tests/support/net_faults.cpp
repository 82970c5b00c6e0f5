// FaultProxy and ScriptedHttpServer (see net_faults.h).
#include "net_faults.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <vector>

namespace kenes::test {

namespace {

int listenLoopback(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

int connectLoopback(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool writeAll(int fd, const char* data, size_t n) {
    while (n > 0) {
        ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        data += w;
        n -= size_t(w);
    }
    return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
FaultProxy::FaultProxy(int targetPort, FaultOptions options, int listenPort)
    : m_targetPort(targetPort), m_options(options) {
    m_port = listenPort;
    m_listen = listenLoopback(m_port);
    m_thread = std::thread([this] { loop(); });
}

FaultProxy::~FaultProxy() {
    m_stop.store(true);
    if (m_thread.joinable()) m_thread.join();
    if (m_listen >= 0) ::close(m_listen);
}

FaultCounts FaultProxy::counts() const {
    std::lock_guard lock(m_mutex);
    return m_counts;
}

void FaultProxy::loop() {
    struct Conn {
        int client = -1;
        int server = -1;
        // The server answered since the client last wrote: the next write is a new request.
        bool serverSpoke = true;
        int64_t cutAt = -1;  // close once this many answer bytes were relayed
        uint64_t relayed = 0;
    };
    std::mt19937 rng(m_options.seed);
    std::uniform_real_distribution<double> dice(0.0, 1.0);
    std::vector<Conn> conns;
    std::vector<char> buf(64 * 1024);
    auto closeConn = [](Conn& c) {
        if (c.client >= 0) ::close(c.client);
        if (c.server >= 0) ::close(c.server);
        c.client = c.server = -1;
    };

    while (!m_stop.load()) {
        std::vector<pollfd> fds;
        fds.push_back({m_listen, POLLIN, 0});
        for (auto& c : conns) {
            fds.push_back({c.client, POLLIN, 0});
            fds.push_back({c.server, POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
        const size_t polled = conns.size();  // a connection accepted below has no entry in fds yet
        if (fds[0].revents & POLLIN) {
            int client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                int server = connectLoopback(m_targetPort);
                if (server < 0) {
                    ::close(client);
                } else {
                    conns.push_back({client, server});
                    std::lock_guard lock(m_mutex);
                    ++m_counts.connections;
                }
            }
        }
        for (size_t i = 0; i < polled; ++i) {
            Conn& c = conns[i];
            const pollfd& cf = fds[1 + 2 * i];
            const pollfd& sf = fds[2 + 2 * i];
            if (c.client < 0) continue;
            if (cf.revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = ::recv(c.client, buf.data(), buf.size(), 0);
                if (n <= 0) {
                    closeConn(c);
                    continue;
                }
                if (c.serverSpoke && m_options.onRequest) {
                    std::string head(buf.data(), size_t(n));
                    m_options.onRequest(head.substr(0, head.find("\r\n")));
                }
                if (c.serverSpoke && m_enabled.load()) {  // a new request on this connection
                    c.serverSpoke = false;
                    c.cutAt = -1;
                    if (dice(rng) < m_options.errorProbability) {
                        int status = dice(rng) < 0.5 ? 500 : 503;
                        std::string body =
                            status == 500 ? R"({"error":"internal_server_error","reason":"injected fault"})"
                                          : R"({"error":"service_unavailable","reason":"injected fault"})";
                        std::string reply =
                            "HTTP/1.1 " + std::to_string(status) +
                            (status == 500 ? " Internal Server Error" : " Service Unavailable") +
                            "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
                        writeAll(c.client, reply.data(), reply.size());
                        ::shutdown(c.client, SHUT_WR);
                        closeConn(c);
                        std::lock_guard lock(m_mutex);
                        ++m_counts.errors;
                        continue;
                    }
                    if (dice(rng) < m_options.cutProbability)
                        c.cutAt = int64_t(c.relayed + std::uniform_int_distribution<uint64_t>(
                                                          0, m_options.maxCutBytes)(rng));
                } else if (c.serverSpoke) {
                    c.serverSpoke = false;
                }
                if (!writeAll(c.server, buf.data(), size_t(n))) {
                    closeConn(c);
                    continue;
                }
            }
            if (c.client < 0) continue;
            if (sf.revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = ::recv(c.server, buf.data(), buf.size(), 0);
                if (n <= 0) {
                    closeConn(c);
                    continue;
                }
                c.serverSpoke = true;
                if (m_enabled.load() && dice(rng) < m_options.delayProbability) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(
                        std::uniform_int_distribution<int>(1, m_options.maxDelayMs)(rng)));
                    std::lock_guard lock(m_mutex);
                    ++m_counts.delays;
                }
                size_t send = size_t(n);
                bool cut = false;
                if (c.cutAt >= 0 && c.relayed + send > uint64_t(c.cutAt)) {
                    send = size_t(uint64_t(c.cutAt) - c.relayed);
                    cut = true;
                }
                bool ok = writeAll(c.client, buf.data(), send);
                c.relayed += send;
                if (cut || !ok) {
                    closeConn(c);
                    if (cut) {
                        std::lock_guard lock(m_mutex);
                        ++m_counts.cuts;
                    }
                }
            }
        }
        std::erase_if(conns, [](const Conn& c) { return c.client < 0; });
    }
    for (auto& c : conns) closeConn(c);
}

// ---------------------------------------------------------------------------------------------
ScriptedHttpServer::ScriptedHttpServer(Handler handler)
    : ScriptedHttpServer(
          BodyHandler([h = std::move(handler)](const std::string& method, const std::string& target,
                                               const std::string&) { return h(method, target); })) {}

ScriptedHttpServer::ScriptedHttpServer(BodyHandler handler) : m_handler(std::move(handler)) {
    m_listen = listenLoopback(m_port);
    m_thread = std::thread([this] { loop(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
    m_stop.store(true);
    if (m_thread.joinable()) m_thread.join();
    if (m_listen >= 0) ::close(m_listen);
}

std::string ScriptedHttpServer::reply(int status, const std::string& contentType, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " Answer\r\nContent-Type: " + contentType +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

void ScriptedHttpServer::loop() {
    std::vector<char> buf(64 * 1024);
    while (!m_stop.load()) {
        pollfd pf{m_listen, POLLIN, 0};
        if (::poll(&pf, 1, 50) <= 0) continue;
        int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::string request;
        size_t headerEnd = std::string::npos;
        size_t need = 0;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd cf{fd, POLLIN, 0};
            if (::poll(&cf, 1, 100) <= 0) continue;
            ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
            if (n <= 0) break;
            request.append(buf.data(), size_t(n));
            if (headerEnd == std::string::npos) {
                headerEnd = request.find("\r\n\r\n");
                if (headerEnd != std::string::npos) {
                    auto lowerHead = request.substr(0, headerEnd);
                    for (auto& ch : lowerHead) ch = char(std::tolower((unsigned char)ch));
                    auto cl = lowerHead.find("content-length:");
                    need =
                        headerEnd + 4 + (cl == std::string::npos ? 0 : std::stoul(lowerHead.substr(cl + 15)));
                }
            }
            if (headerEnd != std::string::npos && request.size() >= need) break;
        }
        if (headerEnd != std::string::npos) {
            ++m_requests;
            auto lineEnd = request.find("\r\n");
            auto line = request.substr(0, lineEnd);
            auto sp1 = line.find(' ');
            auto sp2 = line.find(' ', sp1 + 1);
            std::string answer = m_handler(line.substr(0, sp1), line.substr(sp1 + 1, sp2 - sp1 - 1),
                                           request.substr(headerEnd + 4));
            writeAll(fd, answer.data(), answer.size());
            ::shutdown(fd, SHUT_WR);
        }
        ::close(fd);
    }
}

}  // namespace kenes::test
