// `kenes replicate SOURCE TARGET [--continuous] [--user U] [--insecure] [--create-target]
// [--batch-size N]`: one replication with the CouchDB replication protocol between a local
// database (a name) and/or a remote one (an http(s) URL). The password for --user comes from
// $KENES_PASSWORD or one line on stdin. A progress line is drawn on a terminal (stderr), a
// summary goes to stdout; the exit code is 0 only when every revision replicated.
#include <pthread.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "app/cli/command.h"
#include "storage/model_store.h"
#include "storage/projection.h"
#include "storage/store.h"
#include "sync/endpoint.h"
#include "sync/replicator.h"

namespace kenes::app {

namespace {

using Clock = std::chrono::steady_clock;

const char* kUsage =
    "usage: kenes [--data DIR] replicate SOURCE TARGET [--continuous] [--user NAME] [--insecure]\n"
    "                                [--create-target] [--batch-size N]\n"
    "  SOURCE, TARGET: a local database name (e.g. library) or an http(s) URL of a database\n"
    "  (e.g. https://hub.local:6984/events). The password for --user is read from $KENES_PASSWORD,\n"
    "  else from one line on stdin. A missing local target is created; a missing remote one only\n"
    "  with --create-target. --insecure accepts a self-signed certificate (venue hubs).\n";

struct Arguments {
    std::string source;
    std::string target;
    bool continuous = false;
    bool insecure = false;
    bool createTarget = false;
    std::optional<std::string> user;
    size_t batchSize = 500;
};

// Parses the arguments; on a usage error prints it and returns nullopt.
std::optional<Arguments> parseArguments(const std::vector<std::string>& a, std::ostream& err) {
    Arguments out;
    std::vector<std::string> positional;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] == "--continuous") {
            out.continuous = true;
        } else if (a[i] == "--insecure") {
            out.insecure = true;
        } else if (a[i] == "--create-target") {
            out.createTarget = true;
        } else if (a[i] == "--user" || a[i] == "--batch-size") {
            if (i + 1 >= a.size()) {
                err << "kenes replicate: " << a[i] << " needs a value.\n" << kUsage;
                return std::nullopt;
            }
            const std::string& v = a[++i];
            if (a[i - 1] == "--user") {
                if (v.empty()) {
                    err << "kenes replicate: --user needs a non-empty name.\n";
                    return std::nullopt;
                }
                out.user = v;
            } else {
                size_t n = 0;
                auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                if (ec != std::errc() || p != v.data() + v.size() || n < 1 || n > 10000) {
                    err << "kenes replicate: --batch-size must be a number from 1 to 10000.\n";
                    return std::nullopt;
                }
                out.batchSize = n;
            }
        } else if (a[i].size() > 1 && a[i][0] == '-') {
            err << "kenes replicate: unknown option '" << a[i] << "'.\n" << kUsage;
            return std::nullopt;
        } else {
            positional.push_back(a[i]);
        }
    }
    if (positional.size() != 2) {
        err << "kenes replicate: give a SOURCE and a TARGET.\n" << kUsage;
        return std::nullopt;
    }
    out.source = positional[0];
    out.target = positional[1];
    return out;
}

// One line from the terminal without echo, or from a pipe as is.
std::optional<std::string> readPassword(const std::string& user, std::ostream& err) {
    if (const char* env = std::getenv("KENES_PASSWORD"); env && *env) return std::string(env);
    bool terminal = isatty(STDIN_FILENO);
    termios saved{};
    if (terminal) {
        err << "Password for " << user << ": " << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string password;
    bool got = bool(std::getline(std::cin, password));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        err << "\n";
    }
    if (!got) return std::nullopt;
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

// An error message as a sentence: a final full stop unless it already ends with punctuation.
std::string sentence(std::string text) {
    if (!text.empty() && std::string(".?!").find(text.back()) == std::string::npos) text += '.';
    return text;
}

std::string seconds(Clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", std::chrono::duration<double>(d).count());
    return buf;
}

// The counters as words; `summary` always names failures and retries (stable for scripts).
std::string progressLine(const sync::ReplicationProgress& p, bool summary = false) {
    std::ostringstream line;
    line << p.changesRead << " changes read, " << p.docsRead << " revisions read, " << p.docsWritten
         << " written";
    if (p.docFailures || summary) line << ", " << p.docFailures << " failed";
    if (p.retries || summary) line << ", " << p.retries << " retries";
    if (p.pending && !summary) line << ", " << *p.pending << " pending";
    return line.str();
}

// A hint after the error message, for the kinds of failure a user can act on.
std::string hintFor(const sync::SyncError& e) {
    switch (e.kind()) {
        case sync::ErrorKind::Auth:
            return "Check --user and the password ($KENES_PASSWORD or one line on stdin).";
        case sync::ErrorKind::Network:
        case sync::ErrorKind::Dns:
        case sync::ErrorKind::Timeout:
            return "Nothing is lost: the next run resumes from the last checkpoint.";
        case sync::ErrorKind::Http:
            if (e.status() == 404 && std::string(e.what()).find("does not exist") != std::string::npos)
                return "Check the URL; add --create-target to create a missing target database.";
            return {};
        case sync::ErrorKind::Protocol:
        case sync::ErrorKind::TooLarge:
            return "Nothing from that answer was written to the target.";
        default:
            return {};
    }
}

// The replication in progress: cancelled by the signal thread, read by the progress line.
// Thread-safe.
class Runner {
public:
    void set(sync::Replicator* replicator) {
        std::lock_guard lock(m_mutex);
        m_current = replicator;
        if (m_stop && m_current) m_current->cancel();
    }
    std::optional<sync::ReplicationProgress> progress() {
        std::lock_guard lock(m_mutex);
        if (!m_current) return std::nullopt;
        return m_current->progress();
    }
    void stop() {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        if (m_current) m_current->cancel();
        m_wake.notify_all();
    }
    bool stopped() {
        std::lock_guard lock(m_mutex);
        return m_stop;
    }
    // Sleeps up to `d`; false when stopped meanwhile.
    bool sleep(std::chrono::milliseconds d) {
        std::unique_lock lock(m_mutex);
        return !m_wake.wait_for(lock, d, [&] { return m_stop; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    sync::Replicator* m_current = nullptr;
    bool m_stop = false;
};

int replicate(CliContext& ctx, const Arguments& args) {
    sync::HttpOptions http;
    http.insecure = args.insecure;
    if (args.user) {
        auto password = readPassword(*args.user, ctx.err);
        if (!password) {
            ctx.err << "kenes replicate: --user " << *args.user
                    << " needs a password: set KENES_PASSWORD or give it as one line on stdin.\n";
            return kExitUsage;
        }
        http.user = *args.user;
        http.password = *password;
    }

    // Documents that do not fit Kenes' data model are stored and replicated but not shown in the
    // app; they are counted here and named once at the end instead of one line each.
    std::mutex skippedMutex;
    uint64_t skipped = 0;
    std::string firstSkipped;
    storage::setProjectionLog([&](const std::string& line) {
        std::lock_guard lock(skippedMutex);
        if (skipped++ == 0) firstSkipped = line;
    });
    struct LogReset {
        ~LogReset() { storage::setProjectionLog(nullptr); }
    } logReset;
    auto reportSkipped = [&] {
        std::lock_guard lock(skippedMutex);
        if (skipped)
            ctx.err << "kenes replicate: " << skipped << (skipped == 1 ? " document is" : " documents are")
                    << " stored but do not fit Kenes' data model, so the app does not show them ("
                    << firstSkipped << (skipped > 1 ? ", ..." : "") << ").\n";
        skipped = 0;
    };

    std::unique_ptr<storage::Store> store;
    auto endpoint = [&](const std::string& spec, bool isTarget) -> std::unique_ptr<sync::Endpoint> {
        if (sync::isRemoteUrl(spec)) return std::make_unique<sync::RemoteEndpoint>(spec, http);
        if (!storage::isValidDatabaseName(spec))
            throw std::invalid_argument(
                "'" + spec +
                "' is neither an http(s) URL nor a local database name (lower-case letters, digits and "
                "_$()+/-, starting with a letter)");
        if (!store) store = storage::openLibraryStore(ctx.dataDir);
        if (!isTarget && !store->hasDatabase(spec))
            throw std::invalid_argument("there is no database '" + spec + "' in " + ctx.dataDir.string() +
                                        "; 'kenes db list' shows the databases there");
        return std::make_unique<sync::LocalEndpoint>(store->database(spec, true));
    };
    std::unique_ptr<sync::Endpoint> source, target;
    try {
        source = endpoint(args.source, false);
        target = endpoint(args.target, true);
    } catch (const std::invalid_argument& e) {
        ctx.err << "kenes replicate: " << e.what() << ".\n";
        return kExitUsage;
    }
    if (source->displayName() == target->displayName() && source->locality() == target->locality()) {
        ctx.err << "kenes replicate: the source and the target are the same database.\n";
        return kExitUsage;
    }

    // SIGINT/SIGTERM are taken by a dedicated thread and cancel the replication in progress.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGUSR1);  // sent by this process to end the waiter at once
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);
    Runner runner;
    const bool terminal = isatty(STDERR_FILENO);
    std::mutex drawMutex;
    std::atomic<bool> done{false};
    std::atomic<bool> interrupted{false};
    std::thread waiter, drawer;
    // Stops and joins the helper threads on every way out of this function.
    struct Joiner {
        std::atomic<bool>& done;
        Runner& runner;
        std::thread& a;
        std::thread& b;
        ~Joiner() {
            done = true;
            runner.stop();
            if (a.joinable()) {
                pthread_kill(a.native_handle(), SIGUSR1);
                a.join();
            }
            if (b.joinable()) b.join();
        }
    } joiner{done, runner, waiter, drawer};
    waiter = std::thread([&] {
        timespec slice{0, 200 * 1000 * 1000};
        while (!done) {
            int sig = sigtimedwait(&signals, nullptr, &slice);
            if (sig == SIGUSR1) return;
            if (sig == SIGINT || sig == SIGTERM) {
                interrupted = true;
                runner.stop();
                source->cancel();
                target->cancel();
                return;
            }
        }
    });

    // The progress line, redrawn on a terminal only.
    if (terminal) {
        drawer = std::thread([&] {
            while (!done && runner.sleep(std::chrono::milliseconds(250))) {
                std::lock_guard lock(drawMutex);
                if (auto p = runner.progress()) ctx.err << "\r\x1b[K" << progressLine(*p) << std::flush;
            }
        });
    }
    auto clearLine = [&] {
        if (!terminal) return;
        std::lock_guard lock(drawMutex);
        ctx.err << "\r\x1b[K" << std::flush;
    };

    sync::ReplicationOptions options;
    options.batchSize = args.batchSize;
    options.createTarget = args.createTarget || target->locality() == sync::Locality::Local;

    int exitCode = kExitOk;
    std::chrono::milliseconds backoff{0};
    for (;;) {
        uint64_t requestsBefore = source->requestCount() + target->requestCount();
        auto started = Clock::now();
        sync::Replicator replicator(*source, *target, options);
        runner.set(&replicator);
        std::optional<sync::ReplicationResult> result;
        std::optional<sync::SyncError> failure;
        try {
            result = replicator.run();
        } catch (const sync::SyncError& e) {
            failure = e;
        } catch (const storage::StoreError& e) {
            failure = sync::SyncError(sync::ErrorKind::Local, "local store: " + e.reason());
        }
        runner.set(nullptr);
        clearLine();
        auto p = result ? result->progress : replicator.progress();
        uint64_t requests = source->requestCount() + target->requestCount() - requestsBefore;
        std::string what = source->displayName() + " -> " + target->displayName();

        reportSkipped();
        if (failure && (failure->kind() == sync::ErrorKind::Cancelled || interrupted)) {
            ctx.out << "Interrupted " << what << " after " << progressLine(p, true) << "; " << requests
                    << " requests, " << seconds(Clock::now() - started)
                    << ". The next run resumes from the last checkpoint.\n";
            exitCode = kExitFailure;  // stopped half-way: not everything replicated
            break;
        }
        if (failure) {
            ctx.err << "kenes replicate: " << sentence(failure->what());
            if (auto hint = hintFor(*failure); !hint.empty()) ctx.err << " " << hint;
            ctx.err << "\n";
            ctx.out << "Failed " << what << " after " << progressLine(p, true) << "; " << requests
                    << " requests, " << seconds(Clock::now() - started) << ".\n";
            exitCode = kExitFailure;
            // Continuous mode rides out network trouble with a doubling wait; anything else ends it.
            if (!args.continuous || !failure->retryable()) break;
            backoff = std::min<std::chrono::milliseconds>(
                std::chrono::minutes(5), backoff.count() ? backoff * 2 : std::chrono::seconds(2));
            if (!runner.sleep(backoff)) break;
            continue;
        }
        backoff = std::chrono::milliseconds(0);
        ctx.out << "Replicated " << what << ": " << progressLine(p, true) << "; " << requests << " requests, "
                << seconds(Clock::now() - started) << ".\n"
                << std::flush;
        if (!result->complete())
            ctx.err << "kenes replicate: " << p.docFailures
                    << " revisions were refused by the target or could not be read from the source.\n";
        exitCode = result->complete() ? kExitOk : kExitFailure;
        if (!args.continuous) break;

        // Continuous: wait for the source to move past the checkpoint, then replicate again.
        bool changed = false;
        while (!changed && !runner.stopped()) {
            try {
                changed = source->waitForChanges(
                    p.lastSeq, std::chrono::seconds(source->locality() == sync::Locality::Local ? 1 : 25));
            } catch (const sync::SyncError& e) {
                if (e.kind() == sync::ErrorKind::Cancelled || runner.stopped()) break;
                if (!e.retryable()) {
                    ctx.err << "kenes replicate: " << sentence(e.what()) << "\n";
                    exitCode = kExitFailure;
                    runner.stop();
                    break;
                }
                runner.sleep(std::chrono::seconds(2));
            }
        }
        if (runner.stopped()) break;
    }

    return exitCode;
}

}  // namespace

int runReplicate(CliContext& ctx) {
    if (!ctx.args.empty() && (ctx.args[0] == "--help" || ctx.args[0] == "-h")) {
        ctx.out << kUsage;
        return kExitOk;
    }
    auto args = parseArguments(ctx.args, ctx.err);
    if (!args) return kExitUsage;
    try {
        return replicate(ctx, *args);
    } catch (const sync::SyncError& e) {
        ctx.err << "kenes replicate: " << sentence(e.what()) << "\n";
        return kExitFailure;
    } catch (const storage::StoreError& e) {
        ctx.err << "kenes replicate: " << sentence(e.reason()) << "\n";
        return kExitFailure;
    }
}

}  // namespace kenes::app
