// httplib set-up of the hub: worker pool, limits, TLS, request log and shutdown (see hub_server.h).
#include "hub/hub_server.h"

#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <mutex>
#include <ostream>
#include <stdexcept>

#include "hub/api.h"

namespace kenes::hub {

namespace {
struct RequestLog {
    std::chrono::steady_clock::time_point start;
    bool started = false;
    std::string user;
};
thread_local RequestLog t_log;

std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
        if (out.size() > 300) {
            out += "...";
            break;
        }
    }
    return out;
}

const char* errorName(int status) {
    switch (status) {
        case 400:
            return "bad_request";
        case 404:
            return "not_found";
        case 405:
            return "method_not_allowed";
        case 408:
            return "request_timeout";
        case 413:
            return "too_large";
        case 414:
            return "uri_too_long";
        case 431:
            return "request_header_fields_too_large";
        default:
            return status >= 500 ? "internal_error" : "bad_request";
    }
}
}  // namespace

struct HubServer::Impl {
    storage::Store& store;
    HubOptions options;
    std::ostream& log;
    std::mutex logMutex;
    std::atomic<bool> stopping{false};
    AccountStore accounts;
    std::unique_ptr<Api> api;
    std::unique_ptr<httplib::Server> server;
    int port = 0;

    Impl(storage::Store& s, HubOptions o, std::ostream& l)
        : store(s), options(std::move(o)), log(l), accounts(s) {}
};

HubServer::HubServer(storage::Store& store, HubOptions options, std::ostream& log)
    : m_impl(std::make_unique<Impl>(store, std::move(options), log)) {
    Impl& d = *m_impl;
    bool tls = !d.options.tlsCert.empty() || !d.options.tlsKey.empty();
    if (tls) {
        if (d.options.tlsCert.empty() || d.options.tlsKey.empty())
            throw std::runtime_error("TLS needs both --tls-cert and --tls-key.");
        auto ssl = std::make_unique<httplib::SSLServer>(d.options.tlsCert.c_str(), d.options.tlsKey.c_str());
        if (!ssl->is_valid())
            throw std::runtime_error("The TLS certificate or key could not be loaded (" + d.options.tlsCert +
                                     ", " + d.options.tlsKey + ").");
        d.server = std::move(ssl);
    } else {
        d.server = std::make_unique<httplib::Server>();
    }
    size_t threads = std::max<size_t>(d.options.threads, 8);
    size_t longpollSlots = threads > 32 ? threads - 32 : threads / 2;
    d.api = std::make_unique<Api>(store, d.accounts, d.stopping, longpollSlots, tls);

    httplib::Server& svr = *d.server;
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr.set_payload_max_length(d.options.maxBodyBytes);
    svr.set_read_timeout(10, 0);
    svr.set_write_timeout(30, 0);
    svr.set_keep_alive_timeout(5);
    svr.set_keep_alive_max_count(10000);
    svr.set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which would let a second hub share the port.
    svr.set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });

    Impl* impl = m_impl.get();
    auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
        Call call{req, res, {}, std::nullopt, {}};
        impl->api->handle(call);
        if (call.user) t_log.user = call.user->name;
    };
    // Runs before the body is read. Requests without a body (no Content-Length, not chunked) are
    // answered here: httplib would otherwise wait for a body of a bodiless PUT/POST until the
    // read timeout.
    const size_t maxBody = d.options.maxBodyBytes;
    svr.set_pre_routing_handler([handler, maxBody](const httplib::Request& req, httplib::Response& res) {
        t_log.start = std::chrono::steady_clock::now();
        t_log.started = true;
        t_log.user.clear();
        if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
            handler(req, res);
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.has_header("Content-Length")) {
            const std::string length = req.get_header_value("Content-Length");
            uint64_t n = 0;
            auto [p, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
            if (ec != std::errc() || p != length.data() + length.size()) {
                Api::sendError(res, 400, "bad_request", "Malformed Content-Length.");
                res.set_header("Connection", "close");
                return httplib::Server::HandlerResponse::Handled;
            }
            if (n > maxBody) {
                Api::sendError(res, 413, "too_large", "The request body is larger than the hub accepts.");
                res.set_header("Connection", "close");
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    // Bodies are read here, bounded, so chunked uploads are limited as well as sized ones.
    auto withBody = [handler, maxBody](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
        std::string body;
        bool tooLarge = false;
        bool complete = reader([&](const char* data, size_t size) {
            if (body.size() + size > maxBody) {
                tooLarge = true;
                return false;
            }
            body.append(data, size);
            return true;
        });
        if (tooLarge) {
            Api::sendError(res, 413, "too_large", "The request body is larger than the hub accepts.");
            res.set_header("Connection", "close");
            return;
        }
        if (!complete) {
            Api::sendError(res, 400, "bad_request", "The request body could not be read completely.");
            res.set_header("Connection", "close");
            return;
        }
        // httplib owns the (non-const) Request; the handler reads the body from it.
        const_cast<httplib::Request&>(req).body = std::move(body);
        handler(req, res);
    };
    const std::string any = "[\\s\\S]*";
    svr.Get(any, handler);
    svr.Post(any, withBody);
    svr.Put(any, withBody);
    svr.Delete(any, withBody);
    svr.Patch(any, withBody);
    svr.Options(any, handler);
    svr.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
            if (res.body.empty()) {
                int status = res.status;
                std::string reason = status == 413 ? "The request body is larger than the hub accepts."
                                                   : "The request could not be understood.";
                Api::sendError(res, status, errorName(status), reason);
            }
            return httplib::Server::HandlerResponse::Handled;
        }));
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        Api::sendError(res, 500, "internal_error", "The hub failed to answer this request; see its log.");
    });
    svr.set_logger([impl](const httplib::Request& req, const httplib::Response& res) {
        long ms = -1;
        if (t_log.started)
            ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - t_log.start)
                                       .count());
        std::string path = req.target.substr(0, req.target.find('?'));
        std::string line = printable(req.method) + " " + printable(path) + " " + std::to_string(res.status) +
                           " " + (ms >= 0 ? std::to_string(ms) + "ms" : std::string("-")) + " " +
                           (t_log.user.empty() ? std::string("-") : printable(t_log.user)) + " " +
                           req.remote_addr;
        t_log.started = false;
        t_log.user.clear();
        std::lock_guard lock(impl->logMutex);
        impl->log << line << "\n";
        impl->log.flush();
    });
}

HubServer::~HubServer() {
    stop();
}

void HubServer::bind() {
    Impl& d = *m_impl;
    if (d.options.port == 0) {
        d.port = d.server->bind_to_any_port(d.options.bind);
        if (d.port <= 0)
            throw std::runtime_error("Could not listen on " + d.options.bind + " (no free port?).");
    } else {
        if (!d.server->bind_to_port(d.options.bind, d.options.port))
            throw std::runtime_error(
                "Could not listen on " + d.options.bind + ":" + std::to_string(d.options.port) +
                " — is another program using that port, or is the address not on this machine?");
        d.port = d.options.port;
    }
}

int HubServer::port() const {
    return m_impl->port;
}

std::string HubServer::url() const {
    bool tls = !m_impl->options.tlsCert.empty();
    std::string host = m_impl->options.bind;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(m_impl->port);
}

void HubServer::run() {
    m_impl->server->listen_after_bind();
}

void HubServer::stop() {
    m_impl->stopping = true;
    if (m_impl->server) m_impl->server->stop();
}

}  // namespace kenes::hub
