// The sync scheduler against a real PouchDB Server behind a relay that can be taken away: the
// first sync on start, a debounced push after local edits (several edits, one push), offline
// detection with a doubling probe back-off, and picking up both sides' changes once the server
// is reachable again. Short intervals keep it quick.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "support/net_faults.h"
#include "support/process.h"
#include "sync/scheduler.h"
#include "sync_test_util.h"

using namespace kenes;
using namespace kenes::synctest;
using Clock = std::chrono::steady_clock;

namespace {

sync::SchedulerConfig quickConfig(const std::string& url) {
    sync::SchedulerConfig config;
    config.serverUrl = url;
    config.subscriptions = {{"library", "library", sync::Direction::Pull},
                            {"notes", "notes", sync::Direction::PullAndPush}};
    config.periodic = std::chrono::seconds(60);  // never reached in these tests
    config.debounce = std::chrono::milliseconds(300);
    config.localPoll = std::chrono::milliseconds(50);
    config.probeTimeout = std::chrono::milliseconds(500);
    config.backoffInitial = std::chrono::milliseconds(100);
    config.backoffMax = std::chrono::milliseconds(800);
    config.replication.initialBackoff = std::chrono::milliseconds(20);
    config.replication.maxBackoff = std::chrono::milliseconds(100);
    config.replication.maxAttempts = 2;
    return config;
}

// Waits (on status changes) until `done(status)` holds; false after `timeout`.
template <typename Pred>
bool waitFor(sync::Scheduler& scheduler, Pred done,
             std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = Clock::now() + timeout;
    uint64_t seen = scheduler.statusGeneration();
    while (!done(scheduler.status())) {
        if (Clock::now() >= deadline) return false;
        seen = scheduler.waitForStatusChange(seen, std::chrono::milliseconds(100));
    }
    return true;
}

bool allUpToDate(const sync::SchedulerStatus& s) {
    for (const auto& sub : s.subscriptions)
        if (sub.state != sync::SyncState::UpToDate) return false;
    return !s.subscriptions.empty();
}

bool remoteHas(int port, const std::string& db, const std::string& id) {
    return test::httpRequest(port, "GET", "/" + db + "/" + id).status == 200;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    auto deadline = Clock::now() + timeout;
    while (!pred()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace

TEST_CASE("scheduler: first sync on start, then one debounced push for a burst of local edits",
          "[sync][scheduler][pouchdb]") {
    test::PouchDbServer server;
    test::TempDir dir("kenes-scheduler");
    const int port = server.port();
    putRemote(port, "library", makeDataset(40, "std-"));
    putRemote(port, "notes", makeDataset(10, "note-"));
    std::atomic<int> bulkDocs{0};
    test::FaultOptions counting;
    counting.onRequest = [&](const std::string& line) {
        if (line.find("/notes/_bulk_docs") != std::string::npos) ++bulkDocs;
    };
    test::FaultProxy relay(port, counting);

    auto store = storage::Store::open(dir.path());
    sync::Scheduler scheduler(*store, quickConfig(relay.url()));
    scheduler.start();
    REQUIRE(waitFor(scheduler, allUpToDate));
    CHECK(scheduler.status().online);
    CHECK(describeDifference(localSnapshot(*store->database("library")), remoteSnapshot(port, "library")) ==
          "");
    CHECK(describeDifference(localSnapshot(*store->database("notes")), remoteSnapshot(port, "notes")) == "");
    CHECK(bulkDocs == 0);  // nothing local to push yet

    // Five edits 40 ms apart: the push waits for the debounce after the first and carries all five.
    auto notes = store->database("notes");
    auto started = Clock::now();
    for (int i = 0; i < 5; ++i) {
        notes->put(Json{{"_id", "mine-" + std::to_string(i)}, {"title", "Заметка на сессии"}});
        scheduler.notifyLocalChange("notes");
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    CHECK_FALSE(remoteHas(port, "notes", "mine-0"));  // the debounce has not passed yet
    REQUIRE(eventually([&] { return remoteHas(port, "notes", "mine-4"); }));
    CHECK(Clock::now() - started >= std::chrono::milliseconds(300));
    REQUIRE(waitFor(scheduler, allUpToDate));
    CHECK(bulkDocs == 1);
    CHECK(describeDifference(localSnapshot(*notes), remoteSnapshot(port, "notes")) == "");

    // A change noticed without notifyLocalChange (another writer) is pushed too.
    notes->put(Json{{"_id", "from-elsewhere"}, {"v", 1}});
    REQUIRE(eventually([&] { return remoteHas(port, "notes", "from-elsewhere"); }));
    scheduler.stop();
    CHECK_FALSE(scheduler.status().running);
}

TEST_CASE("scheduler: offline, probes back off, back online picks up both sides",
          "[sync][scheduler][pouchdb]") {
    test::PouchDbServer server;
    test::TempDir dir("kenes-scheduler-offline");
    const int port = server.port();
    putRemote(port, "library", makeDataset(20, "std-"));
    putRemote(port, "notes", makeDataset(5, "note-"));
    std::optional<test::FaultProxy> relay;
    relay.emplace(port, test::FaultOptions{});
    const int relayPort = relay->port();

    auto store = storage::Store::open(dir.path());
    sync::Scheduler scheduler(*store, quickConfig(relay->url()));
    scheduler.start();
    REQUIRE(waitFor(scheduler, allUpToDate));

    // The network goes away; a local edit's push finds the server unreachable.
    relay.reset();
    store->database("notes")->put(Json{{"_id", "written-offline"}, {"v", 1}});
    scheduler.notifyLocalChange("notes");
    REQUIRE(waitFor(scheduler, [](const sync::SchedulerStatus& s) { return !s.online; }));
    auto offline = scheduler.status();
    for (const auto& sub : offline.subscriptions) {
        CHECK(sub.state == sync::SyncState::Offline);
        CHECK(sub.nextAttempt.has_value());
    }
    CHECK(offline.subscriptions[1].error.find("cannot connect") != std::string::npos);

    // Probes double from 100 ms up to 800 ms (randomised ×0.5–1.5): in 2.5 s about 5–7 probes,
    // where a fixed 100 ms interval would make 25.
    uint64_t before = scheduler.status().failedProbes;
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    uint64_t probes = scheduler.status().failedProbes - before;
    INFO("failed probes in 2.5 s: " << probes);
    CHECK(probes >= 2);
    CHECK(probes <= 12);
    CHECK_FALSE(scheduler.status().online);

    // Meanwhile the server changed too; the relay comes back where it was.
    putRemote(port, "library", makeDataset(3, "new-std-"));
    auto back = Clock::now();
    relay.emplace(port, test::FaultOptions{}, relayPort);
    REQUIRE(waitFor(scheduler, [](const sync::SchedulerStatus& s) { return s.online && allUpToDate(s); }));
    auto reconnect = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - back);
    INFO("back up to date after " << reconnect.count() << " ms");
    CHECK(reconnect < std::chrono::seconds(5));  // within one capped probe interval plus the syncs
    REQUIRE(eventually([&] { return remoteHas(port, "notes", "written-offline"); }));
    CHECK(describeDifference(localSnapshot(*store->database("library")), remoteSnapshot(port, "library")) ==
          "");
    CHECK(describeDifference(localSnapshot(*store->database("notes")), remoteSnapshot(port, "notes")) == "");
}

// A loopback listener that closes every connection at once until hang() is called, and from then
// on accepts connections and never answers them (a server that went silent mid-probe).
class SilentServer {
public:
    SilentServer() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        REQUIRE(::listen(m_fd, 16) == 0);
        m_thread = std::thread([this] {
            while (!m_stop) {
                pollfd p{m_fd, POLLIN, 0};
                if (::poll(&p, 1, 50) <= 0) continue;
                int c = ::accept(m_fd, nullptr, nullptr);
                if (c < 0) continue;
                if (m_hang) {
                    m_held.push_back(c);
                    m_heldCount = m_held.size();
                } else {
                    ::close(c);
                }
            }
        });
    }
    ~SilentServer() {
        m_stop = true;
        m_thread.join();
        for (int c : m_held) ::close(c);
        ::close(m_fd);
    }
    int port() const { return m_port; }
    void hang() { m_hang = true; }
    size_t held() const { return m_heldCount; }

private:
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false}, m_hang{false};
    std::atomic<size_t> m_heldCount{0};
    std::vector<int> m_held;  // accept thread only
    std::thread m_thread;
};

TEST_CASE("scheduler: stop() cancels a probe that the server never answers", "[sync][scheduler]") {
    SilentServer server;
    test::TempDir dir("kenes-scheduler-stop");
    auto store = storage::Store::open(dir.path());
    auto config = quickConfig("http://127.0.0.1:" + std::to_string(server.port()));
    config.probeTimeout = std::chrono::seconds(20);
    sync::Scheduler scheduler(*store, config);
    scheduler.start();
    REQUIRE(waitFor(
        scheduler, [](const sync::SchedulerStatus& s) { return s.failedProbes >= 1; },
        std::chrono::seconds(20)));
    server.hang();
    REQUIRE(eventually([&] { return server.held() >= 1; }, std::chrono::seconds(10)));
    auto t0 = Clock::now();
    scheduler.stop();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    INFO("stop() took " << ms << " ms");
    CHECK(ms < 2000);
}
