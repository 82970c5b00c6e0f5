// Hub test helpers (see hub_fixture.h).
#include "hub/hub_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kenes::test {

RunResult addHubUser(const std::filesystem::path& dataDir, const std::string& name, const std::string& role,
                     const std::string& password) {
    ProcessOptions options;
    options.stdinText = password + "\n";
    return runCommand(
        {kenesExe().string(), "--data", dataDir.string(), "hub", "user", "add", name, "--role", role},
        options);
}

std::string basicAuth(const std::string& user, const std::string& password) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string in = user + ":" + password, out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += "=";
    }
    return "Basic " + out;
}

std::map<std::string, std::string> authHeaders(const std::string& user, const std::string& password) {
    return {{"Authorization", basicAuth(user, password)}, {"Content-Type", "application/json"}};
}

HubProcess::HubProcess(const std::filesystem::path& dataDir) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freePort();
        m_log = dataDir.parent_path() / ("hub-" + std::to_string(m_port) + ".log");
        ProcessOptions options;
        options.output = m_log;
        m_process.emplace(std::vector<std::string>{kenesExe().string(), "--data", dataDir.string(), "hub",
                                                   "--port", std::to_string(m_port)},
                          options);
        if (waitForHttp(m_port, std::chrono::seconds(20))) return;
        m_process.reset();
    }
    throw std::runtime_error("kenes hub did not start");
}

std::string HubProcess::log() const {
    std::ifstream in(m_log);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string rawExchange(int port, const std::string& bytes, bool halfClose, int timeoutMs) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return {};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may refuse early (413) and close
        sent += static_cast<size_t>(n);
    }
    if (halfClose) ::shutdown(fd, SHUT_WR);
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    char buf[65536];
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        int left = static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                .count());
        if (::poll(&p, 1, std::max(left, 1)) <= 0) break;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

int rawStatus(const std::string& raw) {
    if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return 0;
    return std::atoi(raw.substr(9, 3).c_str());
}

std::string encodeId(const std::string& id) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : id) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace kenes::test
