// The desktop app's sync path end to end: a real `kenes hub` with accounts, the app configured
// through its Sync view, the shell drawing frames while the scheduler runs in the background.
// A session changed on the hub reaches the agenda (marked as changed, the starred one called out);
// the hub stopped → the status says offline and the app keeps drawing and saving notes; the hub
// back on the same port → the note reaches it without anyone pressing "Sync now".
// Also: the saved configuration (password file 0600, refusals), "changes since you last looked"
// across restarts, and `kenes screenshot --view sync` of real offline/syncing/error states.
#include <imgui.h>
#include <stb_image.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/agenda_view.h"
#include "app/views/notes_view.h"
#include "app/views/sync_indicator.h"
#include "app/views/sync_view.h"
#include "headless_imgui.h"
#include "hub/hub_fixture.h"
#include "storage/model_store.h"
#include "storage/sample_content.h"
#include "support/net_faults.h"
#include "sync/endpoint.h"
#include "sync/replicator.h"

using namespace kenes::app;
using namespace kenes::test;
using namespace std::chrono_literals;
using Json = nlohmann::json;
namespace storage = kenes::storage;
namespace ksync = kenes::sync;

namespace {

// An ImGui context with a font atlas and the shell over a data directory (no window).
struct Harness {
    kenes::test::HeadlessImGui imgui;  // first: outlives the shell
    std::unique_ptr<AppContext> ctx;
    std::unique_ptr<AppShell> shell;
    std::chrono::steady_clock::duration slowestFrame{};  // UI-thread CPU time of the costliest frame

    explicit Harness(const std::filesystem::path& dataDir, const std::string& user = "tester") {
        ctx = std::make_unique<AppContext>(dataDir, user);
        shell = std::make_unique<AppShell>(*ctx);
    }
    ~Harness() {
        shell.reset();
        ctx.reset();
    }
    // CPU time of this (the UI) thread: what a frame itself costs, whatever else the shared machine runs.
    static std::chrono::nanoseconds threadCpu() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
    }
    void frame() {
        auto start = threadCpu();
        kenes::test::drawShellFrame(*shell);
        slowestFrame = std::max<std::chrono::steady_clock::duration>(slowestFrame, threadCpu() - start);
    }
    // Draws frames (about 50 a second) until `done` or the timeout; returns whether it got done.
    template <typename F>
    bool frameUntil(F&& done, std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            frame();
            if (done()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }
    AgendaView& agenda() { return dynamic_cast<AgendaView&>(*shell->view("agenda")); }
    SyncView& syncView() { return dynamic_cast<SyncView&>(*shell->view("sync")); }
};

void fastScheduler(ksync::SchedulerConfig& c) {
    c.periodic = 1s;
    c.debounce = 300ms;
    c.localPoll = 200ms;
    c.probeTimeout = 1s;
    c.backoffInitial = 300ms;
    c.backoffMax = 1s;
}

// Pushes the sample `library` and `events` to the hub as the organiser.
void publishSample(const std::filesystem::path& dir, const std::string& hubUrl) {
    auto store = storage::Store::open(dir);
    storage::loadSampleContentIfFirstRun(*store, "olga");
    for (const char* db : {"library", "events"}) {
        ksync::LocalEndpoint source(store->database(db));
        ksync::HttpOptions http;
        http.user = "olga";
        http.password = "org-secret";
        ksync::RemoteEndpoint target(hubUrl + "/" + db, http);
        ksync::ReplicationOptions options;
        options.createTarget = true;
        ksync::Replicator replicator(source, target, options);
        REQUIRE(replicator.run().complete());
    }
}

std::optional<storage::SessionInfo> findSession(AgendaView& agenda, const std::string& id) {
    for (const auto& day : agenda.days())
        for (const auto& s : day.sessions)
            if (s.id == id) return s;
    return std::nullopt;
}

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE(
    "the app syncs with a hub: agenda changes arrive, offline is shown, a note written offline is pushed",
    "[app][sync][hub]") {
    TempDir dir("kenes-app-sync");
    auto hubData = dir.path() / "hub";
    REQUIRE(addHubUser(hubData, "olga", "organizer", "org-secret").exitCode == 0);
    REQUIRE(addHubUser(hubData, "pavel", "participant", "pavel-secret").exitCode == 0);
    std::optional<HubProcess> hub(std::in_place, hubData);
    const int port = hub->port();
    publishSample(dir.path() / "organiser", hub->url());

    Harness h(dir.path() / "app");
    h.frame();
    CHECK(summarise(h.ctx->sync()) == SyncSummary::NotConfigured);
    h.ctx->sync().setTuning(fastScheduler);

    // Set up as a person would: open the Sync view from the indicator, fill the form, save.
    h.ctx->bus().post(ShowView{"sync"});
    h.frame();
    REQUIRE(h.shell->currentView() == "sync");
    auto& form = h.syncView();
    form.serverUrl = hub->url() + "/";
    form.user = "pavel";
    form.password = "pavel-secret";
    form.save(*h.ctx);
    REQUIRE(form.formError().empty());
    CHECK(form.password.empty());
    struct stat st {};
    REQUIRE(::stat(h.ctx->sync().passwordPath().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(readFile(h.ctx->sync().configPath()).find("pavel-secret") == std::string::npos);

    REQUIRE(h.frameUntil([&] { return summarise(h.ctx->sync()) == SyncSummary::UpToDate; }, 30s));
    for (const auto& s : h.ctx->sync().status().subscriptions) {
        INFO(s.subscription.localDb << " " << s.error);
        CHECK(s.state == ksync::SyncState::UpToDate);
        CHECK(s.lastSuccess.has_value());
    }

    // Star a session in the app, then the organiser moves it and changes its room on the hub.
    h.ctx->bus().post(ShowView{"agenda"});
    h.frame();
    REQUIRE_FALSE(h.agenda().days().empty());
    const auto session = h.agenda().days().front().sessions.at(1);
    h.agenda().toggleStar(*h.ctx, session);
    h.frame();
    auto olga = authHeaders("olga", "org-secret");
    auto got = httpRequest(port, "GET", "/events/" + encodeId(session.id), {}, olga);
    REQUIRE(got.status == 200);
    Json doc = Json::parse(got.body);
    doc["room"] = {{"en", "Lake pavilion"}, {"ru", "Павильон у озера"}};
    doc["start"] = "2019-07-25T15:00";
    doc["end"] = "2019-07-25T15:45";
    REQUIRE(httpRequest(port, "PUT", "/events/" + encodeId(session.id), doc.dump(), olga).status == 201);

    // No "Sync now": the scheduler's periodic pull brings it, and the agenda refreshes itself.
    REQUIRE(h.frameUntil(
        [&] {
            auto s = findSession(h.agenda(), session.id);
            return s && s->room == "Lake pavilion";
        },
        30s));
    CHECK(findSession(h.agenda(), session.id)->start == "2019-07-25T15:00");
    REQUIRE(h.frameUntil([&] { return h.ctx->sessionChanges().change(session.id) != nullptr; }, 10s));
    const auto* change = h.ctx->sessionChanges().change(session.id);
    CHECK(change->time);
    CHECK(change->room);
    CHECK_FALSE(change->title);
    REQUIRE(h.ctx->sessionChanges().starredAlerts().size() == 1);
    CHECK(h.ctx->sessionChanges().starredAlerts().front().kind == StarredAlert::Kind::Moved);
    CHECK(h.ctx->sessionChanges().changes().size() == 1);
    // Opening the session marks it seen; the session view still says what changed.
    h.ctx->bus().post(OpenSession{session.id});
    h.frame();
    CHECK(h.ctx->sessionChanges().change(session.id) == nullptr);
    CHECK(h.ctx->sessionChanges().openedChange(session.id) != nullptr);
    CHECK(h.ctx->sessionChanges().starredAlerts().empty());

    // The hub goes away: offline, and the app keeps drawing without waiting on the network.
    hub->process().stop();
    h.slowestFrame = {};
    REQUIRE(h.frameUntil([&] { return summarise(h.ctx->sync()) == SyncSummary::Offline; }, 30s));
    h.ctx->bus().post(OpenNote{"", session.event, session.id});
    h.frame();
    auto& notes = dynamic_cast<NotesView&>(*h.shell->view("notes"));
    const std::string noteId = notes.draft().id;
    notes.editDraft(*h.ctx).body += "Written while the hub was down";
    REQUIRE(h.frameUntil([&] { return !notes.dirty(); }, 10s));
    h.frameUntil([] { return false; }, 1500ms);  // the scheduler probes and backs off meanwhile
    CHECK(summarise(h.ctx->sync()) == SyncSummary::Offline);
    const auto slowestOfflineMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(h.slowestFrame).count();
    CHECK(slowestOfflineMs < 250);

    // The hub comes back on the same port: the note is pushed with no user action.
    hub.reset();
    ProcessOptions options;
    options.output = dir.path() / "hub-again.log";
    ChildProcess again(
        {kenesExe().string(), "--data", hubData.string(), "hub", "--port", std::to_string(port)}, options);
    REQUIRE(waitForHttp(port, 20s));
    auto pavel = authHeaders("pavel", "pavel-secret");
    std::string notePath = "/" + storage::userDatabaseName("pavel") + "/" + encodeId(noteId);
    REQUIRE(
        h.frameUntil([&] { return httpRequest(port, "GET", notePath, {}, pavel, 2s).status == 200; }, 30s));
    Json pushed = Json::parse(httpRequest(port, "GET", notePath, {}, pavel).body);
    CHECK(pushed["body"].get<std::string>().find("Written while the hub was down") != std::string::npos);
    CHECK(h.frameUntil([&] { return summarise(h.ctx->sync()) == SyncSummary::UpToDate; }, 20s));
    // The star written before is on the hub as well.
    CHECK(httpRequest(port, "GET",
                      "/" + storage::userDatabaseName("pavel") + "/" + encodeId("star:" + session.id), {},
                      pavel)
              .status == 200);
}

TEST_CASE(
    "sync settings: refusals keep the saved files, the password file is 0600, unreadable settings are shown",
    "[app][sync]") {
    TempDir dir("kenes-app-sync-config");
    auto data = dir.path() / "app";
    {
        Harness h(data);
        auto& service = h.ctx->sync();
        CHECK_FALSE(service.configure({"hub.local:6984", "pavel", false}, std::string("pw")).empty());
        CHECK_FALSE(service.configure({"https://pavel:pw@hub.local", "", false}, std::nullopt).empty());
        CHECK_FALSE(service.configure({"https://hub.local/?x", "", false}, std::nullopt).empty());
        CHECK_FALSE(std::filesystem::exists(service.configPath()));
        CHECK_FALSE(std::filesystem::exists(service.passwordPath()));
        int port = freePort();  // nothing listens there
        service.setTuning(fastScheduler);
        REQUIRE(
            service.configure({"http://127.0.0.1:" + std::to_string(port), "pavel", true}, std::string("pw"))
                .empty());
        CHECK(service.started());
        REQUIRE(h.frameUntil([&] { return summarise(service) == SyncSummary::Offline; }, 20s));
        // A server that holds every request: saving again (or forgetting) never waits for it.
        ScriptedHttpServer stalling([](const std::string&, const std::string&) {
            std::this_thread::sleep_for(2s);
            return ScriptedHttpServer::reply(503, "application/json", R"({"error":"busy","reason":"busy"})");
        });
        REQUIRE(service.configure({stalling.url(), "pavel", false}, std::nullopt).empty());
        REQUIRE(h.frameUntil([&] { return stalling.requests() > 0; }, 5s));
        auto before = std::chrono::steady_clock::now();
        REQUIRE(service.configure({stalling.url() + "/other", "pavel", false}, std::nullopt).empty());
        h.frame();
        CHECK(std::chrono::steady_clock::now() - before < 500ms);
        // A second save without a password keeps the saved one.
        REQUIRE(service.configure({"http://127.0.0.1:" + std::to_string(port), "pavel", false}, std::nullopt)
                    .empty());
        CHECK(readFile(service.passwordPath()) == "pw");
    }
    {
        // Reopened: the configuration is read back; a password file others could read is narrowed.
        ::chmod((data / "sync-password").c_str(), 0644);
        Harness h(data);
        CHECK(h.ctx->sync().configured());
        CHECK(h.ctx->sync().config().user == "pavel");
        CHECK(h.ctx->sync().hasPassword());
        struct stat st {};
        REQUIRE(::stat((data / "sync-password").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        // "Forget this server": both files go and syncing stops.
        h.ctx->sync().start();
        h.ctx->sync().forget();
        CHECK_FALSE(h.ctx->sync().started());
        CHECK_FALSE(std::filesystem::exists(data / "sync.json"));
        CHECK_FALSE(std::filesystem::exists(data / "sync-password"));
        CHECK(summarise(h.ctx->sync()) == SyncSummary::NotConfigured);
    }
    {
        std::ofstream(data / "sync.json") << "{ not json";
        Harness h(data);
        CHECK_FALSE(h.ctx->sync().configured());
        CHECK_FALSE(h.ctx->sync().configError().empty());
        CHECK(summarise(h.ctx->sync()) == SyncSummary::Unreadable);
        h.ctx->bus().post(ShowView{"sync"});
        h.frame();
        h.frame();
        CHECK(readFile(data / "sync.json") == "{ not json");  // left for the person to look at
    }
}

TEST_CASE("changes since you last looked survive a restart; the first run counts everything as seen",
          "[app][changes]") {
    TempDir dir("kenes-app-changes");
    auto data = dir.path() / "app";
    std::string moved, retitled, removed, cancelled;
    {
        Harness h(data);
        h.frame();
        h.ctx->sessionChanges().settle();
        CHECK(h.ctx->sessionChanges().changes().empty());
        CHECK(h.ctx->sessionChanges().starredAlerts().empty());
        std::vector<storage::SessionInfo> sessions;
        for (const auto& day : h.agenda().days())
            sessions.insert(sessions.end(), day.sessions.begin(), day.sessions.end());
        REQUIRE(sessions.size() >= 5);
        moved = sessions[1].id;
        retitled = sessions[2].id;
        removed = sessions[3].id;
        cancelled = sessions[4].id;
        for (const auto& id : {moved, removed, cancelled})
            storage::starSession(h.ctx->userDatabase(), id, sessions[1].event);
    }
    {
        // While the app is closed the programme changes (an import, a sync by another tool).
        auto store = storage::openLibraryStore(data);  // with the projections the agenda reads
        auto events = store->database("events");
        auto edit = [&](const std::string& id, auto&& change) {
            Json doc = events->get(id);
            change(doc);
            events->put(doc);
        };
        edit(moved, [](Json& d) { d["end"] = d["start"].get<std::string>().substr(0, 11) + "23:30"; });
        edit(retitled, [](Json& d) { d["title"]["ru"] = "Новое название"; });
        edit(cancelled, [](Json& d) { d["cancelled"] = true; });
        events->remove(removed, events->get(removed)["_rev"].get<std::string>());
    }
    {
        Harness h(data);
        h.frame();
        h.ctx->sessionChanges().settle();
        auto& changes = h.ctx->sessionChanges();
        CHECK(changes.changes().size() == 3);
        CHECK(changes.removedCount() == 1);
        REQUIRE(changes.change(moved));
        CHECK(changes.change(moved)->time);
        REQUIRE(changes.change(retitled));
        CHECK(changes.change(retitled)->title);  // a change in the other language counts too
        CHECK_FALSE(changes.change(retitled)->time);
        REQUIRE(changes.change(cancelled));
        CHECK(changes.change(cancelled)->cancelled);
        std::map<std::string, StarredAlert::Kind> alerts;
        for (const auto& a : changes.starredAlerts()) alerts[a.sessionId] = a.kind;
        CHECK(alerts ==
              std::map<std::string, StarredAlert::Kind>{{moved, StarredAlert::Kind::Moved},
                                                        {removed, StarredAlert::Kind::Removed},
                                                        {cancelled, StarredAlert::Kind::Cancelled}});
        h.frame();  // the banner and the tags are drawn in both languages
        h.ctx->settings().uiLanguage = "ru";
        h.frame();
        h.ctx->bus().post(OpenSession{retitled});
        h.frame();
        CHECK(changes.change(retitled) == nullptr);
    }
    {
        Harness h(data);
        h.frame();
        h.ctx->sessionChanges().settle();
        auto& changes = h.ctx->sessionChanges();
        CHECK(changes.changes().size() == 2);  // the opened one stays seen
        CHECK(changes.change(retitled) == nullptr);
        changes.markAllSeen();
        CHECK(changes.changes().empty());
        CHECK(changes.starredAlerts().empty());
    }
    {
        Harness h(data);
        h.frame();
        h.ctx->sessionChanges().settle();
        CHECK(h.ctx->sessionChanges().changes().empty());
        CHECK(h.ctx->sessionChanges().removedCount() == 0);
    }
}

TEST_CASE("changes since you last looked on a 5,000-session programme: the UI thread only compares",
          "[app][changes]") {
    TempDir dir("kenes-app-changes-big");
    Harness h(dir.path() / "app");
    h.frame();
    h.ctx->sessionChanges().settle();
    auto events = h.ctx->store().database("events");
    Json event = events->get("event:issyk-kul-2019");
    event.erase("_rev");
    event["_id"] = "event:big";
    std::vector<Json> docs{event};
    const int kSessions = 5000;
    for (int i = 0; i < kSessions; ++i) {
        char start[32], end[32];
        std::snprintf(start, sizeof start, "2019-07-%02dT%02d:%02d", 25 + i / 2000, 8 + (i % 2000) / 200,
                      (i % 200) / 4);
        std::snprintf(end, sizeof end, "2019-07-%02dT%02d:%02d", 25 + i / 2000, 9 + (i % 2000) / 200,
                      (i % 200) / 4);
        docs.push_back(
            {{"_id", "session:big:" + std::to_string(i)},
             {"type", "session"},
             {"event", "event:big"},
             {"start", start},
             {"end", end},
             {"room", {{"en", "Room " + std::to_string(i % 12)}, {"ru", "Зал " + std::to_string(i % 12)}}},
             {"title", {{"en", "Talk " + std::to_string(i)}, {"ru", "Доклад " + std::to_string(i)}}}});
    }
    for (const auto& row : events->bulkDocs(docs, true)) REQUIRE(row.ok());
    // A sync (or import) wrote them: the reading runs in the background, the frames go on.
    h.slowestFrame = {};
    h.ctx->bus().post(DataChanged{});
    auto started = std::chrono::steady_clock::now();
    REQUIRE(h.frameUntil([&] { return !h.ctx->sessionChanges().reading(); }, 20s));
    auto firstReading = std::chrono::steady_clock::now() - started;
    CHECK(h.ctx->sessionChanges().changes().empty());  // a new event: nothing is news

    // 100 sessions move; the marks appear without a slow frame.
    std::vector<Json> moved;
    for (int i = 0; i < kSessions; i += kSessions / 100) {
        Json doc = events->get("session:big:" + std::to_string(i));
        doc["room"] = {{"en", "Annex"}, {"ru", "Пристройка"}};
        moved.push_back(doc);
    }
    for (const auto& row : events->bulkDocs(moved, true)) REQUIRE(row.ok());
    h.slowestFrame = {};
    h.ctx->bus().post(DataChanged{});
    started = std::chrono::steady_clock::now();
    REQUIRE(h.frameUntil([&] { return h.ctx->sessionChanges().changes().size() == 100; }, 20s));
    auto marked = std::chrono::steady_clock::now() - started;
    const auto slowestMs = std::chrono::duration_cast<std::chrono::milliseconds>(h.slowestFrame).count();
    CHECK(slowestMs < 250);
    // Opening one session writes what was seen; that costs one frame, not a noticeable pause.
    h.slowestFrame = {};
    h.ctx->bus().post(OpenSession{"session:big:0"});
    h.frame();
    const auto openMs = std::chrono::duration_cast<std::chrono::milliseconds>(h.slowestFrame).count();
    CHECK(openMs < 250);
    CHECK(h.ctx->sessionChanges().changes().size() == 99);
    WARN("5,000 sessions: first reading "
         << std::chrono::duration_cast<std::chrono::milliseconds>(firstReading).count()
         << " ms in the background; 100 changes marked after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(marked).count()
         << " ms; slowest frame meanwhile " << slowestMs << " ms (UI-thread CPU); opening a changed session "
         << openMs << " ms");
}

namespace {

int runKenes(const std::string& args) {
    std::string cmd = std::getenv("DISPLAY") ? "" : "xvfb-run -a -s '-screen 0 1920x1080x24' ";
    cmd += "'" + kenesExe().string() + "' " + args + " >/dev/null 2>&1";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

void writeSyncConfig(const std::filesystem::path& data, const std::string& url, const std::string& password) {
    std::filesystem::create_directories(data);
    std::ofstream(data / "sync.json") << Json{{"server", url}, {"user", "pavel"}, {"insecure", false}}.dump();
    std::ofstream(data / "sync-password") << password;
    ::chmod((data / "sync-password").c_str(), 0600);
}

}  // namespace

TEST_CASE(
    "kenes screenshot --view sync draws real offline, syncing, sign-in and error states in both languages",
    "[app][sync][screenshot]") {
    TempDir dir("kenes-app-sync-shots");
    auto shots = std::filesystem::path(KENES_BINARY_DIR) / "sync-shots";
    std::filesystem::create_directories(shots);

    // A hub with the sample published, reached through a proxy that holds every chunk back.
    auto hubData = dir.path() / "hub";
    REQUIRE(addHubUser(hubData, "olga", "organizer", "org-secret").exitCode == 0);
    REQUIRE(addHubUser(hubData, "pavel", "participant", "pavel-secret").exitCode == 0);
    HubProcess hub(hubData);
    publishSample(dir.path() / "organiser", hub.url());
    // Enough speakers that the agenda's pull is still under way, with counts, when the shot is taken.
    Json speakers = Json::array();
    for (int i = 0; i < 3000; ++i)
        speakers.push_back(
            {{"_id", "speaker:guest-" + std::to_string(i)},
             {"type", "speaker"},
             {"name", {{"en", "Guest " + std::to_string(i)}, {"ru", "Гость " + std::to_string(i)}}}});
    REQUIRE(httpRequest(hub.port(), "POST", "/events/_bulk_docs", Json{{"docs", speakers}}.dump(),
                        authHeaders("olga", "org-secret"))
                .status == 201);
    FaultOptions slow;
    slow.delayProbability = 1.0;
    slow.maxDelayMs = 300;
    FaultProxy proxy(hub.port(), slow);
    // A second hub that has published nothing yet: `library` and `events` do not exist there.
    auto emptyData = dir.path() / "empty-hub";
    REQUIRE(addHubUser(emptyData, "pavel", "participant", "pavel-secret").exitCode == 0);
    HubProcess emptyHub(emptyData);

    const std::map<std::string, std::pair<std::string, std::string>> states = {
        {"offline", {"http://127.0.0.1:" + std::to_string(freePort()), "pavel-secret"}},
        {"syncing", {proxy.url(), "pavel-secret"}},
        {"signin", {hub.url(), "wrong-password"}},
        {"error", {emptyHub.url(), "pavel-secret"}},
    };
    for (const auto& [state, setup] : states) {
        for (const char* lang : {"en", "ru"}) {
            INFO(state << " " << lang);
            auto data = dir.path() / (state + "-" + lang);
            writeSyncConfig(data, setup.first, setup.second);
            auto out = shots / ("sync-" + state + "-" + lang + ".png");
            REQUIRE(runKenes("--data '" + data.string() + "' screenshot --view sync --lang " + lang +
                             " --size 960x720 --out '" + out.string() + "'") == 0);
            int w = 0, h = 0, n = 0;
            unsigned char* px = stbi_load(out.c_str(), &w, &h, &n, 3);
            REQUIRE(px);
            CHECK(w == 960);
            CHECK(h == 720);
            // The state's colour is on the page (the indicator dot and the state labels).
            size_t green = 0, amber = 0, red = 0, blue = 0;
            for (int i = 0; i < w * h; ++i) {
                int r = px[i * 3], g = px[i * 3 + 1], b = px[i * 3 + 2];
                if (g > 150 && r < 110 && b < 130) ++green;
                if (r > 190 && g > 130 && g < 190 && b < 80) ++amber;
                if (r > 200 && g < 110 && b < 100) ++red;
                if (b > 200 && r < 110 && g > 120 && g < 180) ++blue;
            }
            stbi_image_free(px);
            INFO("green " << green << " amber " << amber << " red " << red << " blue " << blue);
            if (state == "offline") CHECK(amber > 30);
            if (state == "syncing") CHECK(blue > 30);
            if (state == "signin" || state == "error") CHECK(red > 30);
        }
    }
    CHECK(proxy.counts().delays > 0);
}
