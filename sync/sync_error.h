// The one error type of sync/: what went wrong talking to a peer, classified so that callers
// (replicator, scheduler, CLI) can decide between retrying, asking for credentials and giving up.
#pragma once

#include <stdexcept>
#include <string>

namespace kenes::sync {

enum class ErrorKind {
    Network,    // connection refused/reset, network unreachable, body cut short
    Dns,        // the host name did not resolve
    Tls,        // certificate or handshake failure
    Timeout,    // connect or low-speed timeout
    Http,       // an HTTP status >= 400 other than 401/403 (status(), error(), reason() set)
    Auth,       // 401/403 on the database or server: needs (other) credentials
    Protocol,   // the peer answered something that is not the CouchDB API (bad JSON, HTML, ...)
    TooLarge,   // the response exceeds the configured size bound
    Cancelled,  // cancel() was called
    Local,      // the local store refused an operation
};

// Thrown by everything in sync/. Immutable; safe to copy between threads.
class SyncError : public std::runtime_error {
public:
    SyncError(ErrorKind kind, std::string message, int status = 0, std::string error = {},
              std::string reason = {})
        : std::runtime_error(std::move(message)),
          m_kind(kind),
          m_status(status),
          m_error(std::move(error)),
          m_reason(std::move(reason)) {}

    ErrorKind kind() const noexcept { return m_kind; }
    int status() const noexcept { return m_status; }                 // HTTP status, 0 if none
    const std::string& error() const noexcept { return m_error; }    // CouchDB "error" field
    const std::string& reason() const noexcept { return m_reason; }  // CouchDB "reason" field
    // Worth trying again at once (network trouble, 5xx, 408/429). A peer that answers something
    // other than the CouchDB API (Protocol) is not retried within a run; the scheduler retries later.
    bool retryable() const noexcept {
        switch (m_kind) {
            case ErrorKind::Network:
            case ErrorKind::Dns:
            case ErrorKind::Timeout:
                return true;
            case ErrorKind::Http:
                return m_status >= 500 || m_status == 408 || m_status == 429;
            default:
                return false;
        }
    }
    // The peer could not be reached at all (as opposed to answering with an error, or an answer
    // cut short on a connection that was made).
    bool offline() const noexcept {
        if (m_interrupted) return false;
        return m_kind == ErrorKind::Network || m_kind == ErrorKind::Dns || m_kind == ErrorKind::Timeout;
    }
    // A Network error after the connection was made: the request or its answer was cut short.
    static SyncError interrupted(std::string message) {
        SyncError e(ErrorKind::Network, std::move(message));
        e.m_interrupted = true;
        return e;
    }
    bool wasInterrupted() const noexcept { return m_interrupted; }

private:
    bool m_interrupted = false;
    ErrorKind m_kind;
    int m_status;
    std::string m_error;
    std::string m_reason;
};

}  // namespace kenes::sync
