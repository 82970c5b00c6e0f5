// Test helpers for the hub: a real `kenes hub` process on a free loopback port over a data
// directory, account creation through the CLI, Basic auth headers and raw socket exchanges for
// hostile requests. Not thread-safe; each object belongs to one test.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"

namespace kenes::test {

// Runs `kenes --data DIR hub user add NAME --role ROLE` with the password on stdin.
RunResult addHubUser(const std::filesystem::path& dataDir, const std::string& name, const std::string& role,
                     const std::string& password);

std::string basicAuth(const std::string& user, const std::string& password);
std::map<std::string, std::string> authHeaders(const std::string& user, const std::string& password);

// `kenes --data DIR hub --port P`, started and waited for; stopped (SIGTERM) on destruction.
class HubProcess {
public:
    explicit HubProcess(const std::filesystem::path& dataDir);
    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    ChildProcess& process() { return *m_process; }
    const std::filesystem::path& logPath() const { return m_log; }
    std::string log() const;

private:
    std::filesystem::path m_log;
    int m_port = 0;
    std::optional<ChildProcess> m_process;
};

// Sends `bytes` on a fresh loopback connection (optionally half-closing afterwards) and returns
// everything the server wrote until it closed or `timeoutMs` passed.
std::string rawExchange(int port, const std::string& bytes, bool halfClose, int timeoutMs = 10000);
// The status code of the first HTTP answer in `raw` (0 if none).
int rawStatus(const std::string& raw);

// Percent-encodes a document id for a URL path.
std::string encodeId(const std::string& id);

}  // namespace kenes::test
