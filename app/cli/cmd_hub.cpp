// `kenes hub [--port N] [--bind ADDR] [--tls-cert F --tls-key F]` serves the local store over the
// CouchDB HTTP API; `kenes hub user add NAME --role organizer|participant` (password: one line on
// stdin), `kenes hub user list`, `kenes hub user remove NAME` manage its accounts.
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <iostream>
#include <thread>

#include "app/cli/command.h"
#include "hub/accounts.h"
#include "hub/hub_server.h"
#include "storage/store.h"

namespace kenes::app {

namespace {
const char* kUsage =
    "usage: kenes hub [--port N] [--bind ADDR] [--tls-cert FILE --tls-key FILE]\n"
    "       kenes hub user add NAME --role organizer|participant   (password on stdin)\n"
    "       kenes hub user list | user remove NAME\n";

int runUser(CliContext& ctx) {
    const auto& a = ctx.args;
    if (a.size() < 2) {
        ctx.err << kUsage;
        return kExitUsage;
    }
    auto store = storage::Store::open(ctx.dataDir);
    hub::AccountStore accounts(*store);
    if (a[1] == "list" && a.size() == 2) {
        for (const auto& acc : accounts.list())
            ctx.out << acc.name << "\t" << hub::roleName(acc.role) << "\n";
        return kExitOk;
    }
    if (a[1] == "remove" && a.size() == 3) {
        accounts.remove(a[2]);
        ctx.out << "Removed account '" << a[2] << "'. Its notes database " << storage::userDatabaseName(a[2])
                << " is kept.\n";
        return kExitOk;
    }
    if (a[1] == "add" && a.size() >= 3) {
        std::string name = a[2];
        std::optional<hub::Role> role;
        for (size_t i = 3; i < a.size(); ++i) {
            if (a[i] == "--role" && i + 1 < a.size()) {
                role = hub::parseRole(a[++i]);
                if (!role) {
                    ctx.err << "kenes hub user add: --role must be organizer or participant.\n";
                    return kExitUsage;
                }
            } else {
                ctx.err << "kenes hub user add: unexpected argument '" << a[i] << "'.\n" << kUsage;
                return kExitUsage;
            }
        }
        if (!role) {
            ctx.err << "kenes hub user add: --role organizer|participant is required.\n";
            return kExitUsage;
        }
        std::string password;
        if (!std::getline(std::cin, password)) password.clear();
        if (!password.empty() && password.back() == '\r') password.pop_back();
        if (password.empty()) {
            ctx.err << "kenes hub user add: the password (one line on stdin) may not be empty.\n";
            return kExitUsage;
        }
        accounts.add(name, *role, password);
        ctx.out << "Added " << hub::roleName(*role) << " '" << name << "' with the notes database "
                << storage::userDatabaseName(name) << ".\n";
        return kExitOk;
    }
    ctx.err << kUsage;
    return kExitUsage;
}

int serve(CliContext& ctx) {
    hub::HubOptions options;
    const auto& a = ctx.args;
    for (size_t i = 0; i < a.size(); ++i) {
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= a.size()) {
                ctx.err << "kenes hub: " << flag << " needs a value.\n";
                return std::nullopt;
            }
            return a[++i];
        };
        if (a[i] == "--port") {
            auto v = value("--port");
            if (!v) return kExitUsage;
            int port = -1;
            auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), port);
            if (ec != std::errc() || p != v->data() + v->size() || port < 0 || port > 65535) {
                ctx.err << "kenes hub: --port must be a number from 0 to 65535.\n";
                return kExitUsage;
            }
            options.port = port;
        } else if (a[i] == "--bind") {
            auto v = value("--bind");
            if (!v) return kExitUsage;
            options.bind = *v;
        } else if (a[i] == "--tls-cert") {
            auto v = value("--tls-cert");
            if (!v) return kExitUsage;
            options.tlsCert = *v;
        } else if (a[i] == "--tls-key") {
            auto v = value("--tls-key");
            if (!v) return kExitUsage;
            options.tlsKey = *v;
        } else {
            ctx.err << "kenes hub: unknown option '" << a[i] << "'.\n" << kUsage;
            return kExitUsage;
        }
    }
    if (options.tlsCert.empty() != options.tlsKey.empty()) {
        ctx.err << "kenes hub: --tls-cert and --tls-key go together.\n";
        return kExitUsage;
    }
    // SIGINT/SIGTERM are taken by a dedicated thread; workers inherit the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    auto store = storage::Store::open(ctx.dataDir);
    hub::HubServer server(*store, options, std::cerr);
    server.bind();
    std::atomic<bool> done{false};
    std::thread waiter([&] {
        timespec slice{0, 200 * 1000 * 1000};
        while (!done) {
            int sig = sigtimedwait(&signals, nullptr, &slice);
            if (sig == SIGINT || sig == SIGTERM) {
                std::cerr << "kenes hub: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ").\n";
                server.stop();
                return;
            }
        }
    });
    std::cerr << "kenes hub: listening on " << server.url() << " (data: " << ctx.dataDir.string() << ")\n";
    server.run();
    done = true;
    waiter.join();
    std::cerr << "kenes hub: stopped.\n";
    return kExitOk;
}
}  // namespace

int runHub(CliContext& ctx) {
    try {
        if (!ctx.args.empty() && ctx.args[0] == "user") return runUser(ctx);
        if (!ctx.args.empty() && (ctx.args[0] == "--help" || ctx.args[0] == "-h")) {
            ctx.out << kUsage;
            return kExitOk;
        }
        return serve(ctx);
    } catch (const storage::StoreError& e) {
        ctx.err << "kenes hub: " << e.reason() << "\n";
        return kExitFailure;
    } catch (const std::exception& e) {
        ctx.err << "kenes hub: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace kenes::app
