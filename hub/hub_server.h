// `kenes hub`: serves a local Store over the CouchDB HTTP API (see docs in api.h) with accounts,
// sessions and per-database access rules. One HubServer per process.
// Thread-safety: construct, bind() and run() from one thread; stop() may be called from any
// thread (e.g. a signal-handling thread) and makes run() return after in-flight requests end.
#pragma once

#include <atomic>
#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>

#include "storage/store.h"

namespace kenes::hub {

struct HubOptions {
    std::string bind = "127.0.0.1";
    int port = 5984;      // 0: any free port
    std::string tlsCert;  // both set: HTTPS
    std::string tlsKey;
    size_t threads = 256;               // worker threads (one per open connection)
    size_t maxBodyBytes = 64ull << 20;  // larger bodies get 413
    size_t maxHeaders = 100;            // more header fields get 431
};

class HubServer {
public:
    HubServer(storage::Store& store, HubOptions options, std::ostream& log);
    ~HubServer();
    HubServer(const HubServer&) = delete;
    HubServer& operator=(const HubServer&) = delete;

    // Binds the listening socket. Throws std::runtime_error with a sentence for the user when the
    // address cannot be bound or the TLS files cannot be loaded.
    void bind();
    int port() const;
    std::string url() const;
    // Serves until stop(). Returns after the listening socket is closed and workers have finished.
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kenes::hub
