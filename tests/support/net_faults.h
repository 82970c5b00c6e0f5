// Network misbehaviour for sync tests: a fault-injecting TCP proxy and a tiny scripted HTTP
// server. Both listen on 127.0.0.1 (free port), run one background thread, and stop in the
// destructor.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace kenes::test {

struct FaultOptions {
    uint32_t seed = 1;
    double errorProbability = 0.0;     // a new connection answers its first request with 500 or 503
    double cutProbability = 0.0;       // a new connection is closed after a random number of answer bytes
    uint64_t maxCutBytes = 64 * 1024;  // ... drawn uniformly from [0, maxCutBytes]
    double delayProbability = 0.0;     // a chunk is held back for up to maxDelayMs first
    int maxDelayMs = 50;
    // Called on the proxy thread with the request line ("GET /db/_changes?... HTTP/1.1") of every
    // request it sees (faults or not). Must not block.
    std::function<void(const std::string& requestLine)> onRequest;
};

struct FaultCounts {
    uint64_t connections = 0;
    uint64_t errors = 0;  // 500/503 answers
    uint64_t cuts = 0;    // connections closed mid-stream (requests or bodies truncated)
    uint64_t delays = 0;
};

// A TCP relay from port() to 127.0.0.1:targetPort that injects faults at random (seeded):
// 500/503 answers, connections closed at random byte offsets (which truncates bodies), delays.
// Faults can be switched off and on while it runs. Thread-safe.
class FaultProxy {
public:
    // listenPort 0: a free port; otherwise that port (to bring a proxy back where it was).
    FaultProxy(int targetPort, FaultOptions options, int listenPort = 0);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    void setEnabled(bool enabled) { m_enabled.store(enabled); }
    FaultCounts counts() const;

private:
    void loop();

    int m_targetPort;
    FaultOptions m_options;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_enabled{true};
    mutable std::mutex m_mutex;
    FaultCounts m_counts;
    std::thread m_thread;
};

// A tiny HTTP/1.1 server whose answers are scripted per request: `handler` gets the method and
// target and returns the raw bytes to send (status line, headers, body); the connection is then
// closed. Counts requests. Thread-safe.
class ScriptedHttpServer {
public:
    using Handler = std::function<std::string(const std::string& method, const std::string& target)>;
    using BodyHandler = std::function<std::string(const std::string& method, const std::string& target,
                                                  const std::string& body)>;
    explicit ScriptedHttpServer(Handler handler);
    explicit ScriptedHttpServer(BodyHandler handler);
    ~ScriptedHttpServer();
    ScriptedHttpServer(const ScriptedHttpServer&) = delete;
    ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    uint64_t requests() const { return m_requests.load(); }

    // Helper: a complete answer with Content-Length.
    static std::string reply(int status, const std::string& contentType, const std::string& body);

private:
    void loop();

    BodyHandler m_handler;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_requests{0};
    std::thread m_thread;
};

}  // namespace kenes::test
