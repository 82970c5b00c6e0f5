// `kenes replicate` as a real process against PouchDB Server: a 10,000-document pull with
// deletions and conflicts compared line by line (`kenes db dump`) with the server's _all_docs,
// push to a new database, edits on both sides; a SIGKILL half-way and a resume from the
// checkpoint; a fault-injecting proxy; hostile answers that must leave the local store unchanged.
#include <signal.h>

#include <atomic>
#include <regex>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "storage/store.h"
#include "support/net_faults.h"
#include "support/process.h"
#include "sync_test_util.h"

using namespace kenes;
using namespace kenes::synctest;
namespace fs = std::filesystem;

namespace {

test::RunResult runKenes(const fs::path& data, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(100)) {
    std::vector<std::string> argv = {test::kenesExe().string(), "--data", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::runCommand(argv, {}, timeout);
}

// id -> {rev, deleted, conflicts, body}: what `kenes db dump` prints, or the same built from the
// server's _all_docs?include_docs=true&conflicts=true plus its deleted documents from _changes.
using View = std::map<std::string, Json>;

View dumpView(const fs::path& data, const std::string& db) {
    auto run = runKenes(data, {"db", "dump", db});
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    View view;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
        Json row = Json::parse(line);
        std::string id = row["id"];
        row.erase("id");
        if (row["deleted"] == true) row["body"] = Json::object();
        view[id] = row;
    }
    return view;
}

View serverView(int port, const std::string& db) {
    View view;
    Json all = getRemote(port, "/" + db + "/_all_docs?include_docs=true&conflicts=true");
    for (auto& row : all["rows"]) {
        Json doc = row["doc"];
        Json conflicts = doc.value("_conflicts", Json::array());
        std::vector<std::string> sorted = conflicts.get<std::vector<std::string>>();
        std::sort(sorted.begin(), sorted.end());
        Json body = Json::object();
        for (auto& [k, v] : doc.items())
            if (k.empty() || k[0] != '_') body[k] = v;
        view[row["id"].get<std::string>()] =
            Json{{"rev", row["value"]["rev"]}, {"deleted", false}, {"conflicts", sorted}, {"body", body}};
    }
    // Deleted winners: CouchDB's rule (highest generation, then highest hash) over the leaves.
    for (auto& [id, state] : remoteSnapshot(port, db))
        if (state.deleted)
            view[id] = Json{{"rev", state.winner},
                            {"deleted", true},
                            {"conflicts", Json::array()},
                            {"body", Json::object()}};
    return view;
}

std::string firstDifference(const View& a, const View& b) {
    if (a.size() != b.size())
        return "sizes differ: " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia->first != ib->first) return "ids differ: " + ia->first + " vs " + ib->first;
        if (ia->second != ib->second)
            return ia->first + ": " + ia->second.dump() + " vs " + ib->second.dump();
    }
    return {};
}

// The number before `what` in a summary line ("... 12000 revisions read ...").
uint64_t counted(const std::string& summary, const std::string& what) {
    std::smatch m;
    if (!std::regex_search(summary, m, std::regex("(\\d+) " + what))) return UINT64_MAX;
    return std::stoull(m[1]);
}

Json putDoc(int port, const std::string& db, Json doc) {
    auto reply = test::httpRequest(port, "PUT", "/" + db + "/" + doc["_id"].get<std::string>(), doc.dump(),
                                   {{"Content-Type", "application/json"}});
    if (reply.status != 201 && reply.status != 200) throw std::runtime_error("PUT: " + reply.body);
    return Json::parse(reply.body);
}

}  // namespace

TEST_CASE("kenes replicate: 10,000 documents pulled, pushed to a new database, edited on both sides",
          "[sync][cli][pouchdb]") {
    test::PouchDbServer server;
    test::TempDir dir("kenes-cli-replicate");
    const int port = server.port();
    putRemote(port, "agenda", makeDataset(10000));

    auto pull = runKenes(dir.path(), {"replicate", server.url() + "/agenda", "agenda"});
    INFO(pull.out << pull.err);
    REQUIRE(pull.exitCode == 0);
    CHECK(counted(pull.out, "changes read") == 10000);
    CHECK(counted(pull.out, "revisions read") == 10000 + 10000 / 5);
    View local = dumpView(dir.path(), "agenda");
    View remote = serverView(port, "agenda");
    REQUIRE(remote.size() == 10000);
    CHECK(firstDifference(local, remote) == "");
    CHECK(local["doc-00005"]["conflicts"].size() == 1);
    CHECK(local["doc-00007"]["deleted"] == true);

    auto push = runKenes(dir.path(), {"replicate", "agenda", server.url() + "/copy", "--create-target"});
    INFO(push.out << push.err);
    REQUIRE(push.exitCode == 0);
    CHECK(firstDifference(serverView(port, "copy"), remote) == "");

    // Edits on both sides, one document edited on both (a new conflict), then sync both ways.
    {
        auto store = storage::Store::open(dir.path());
        auto db = store->database("agenda");
        auto doc = db->get("doc-00001");
        doc["title"] = "Изменено локально";
        db->put(doc);
        auto gone = db->get("doc-00002");
        db->remove("doc-00002", gone["_rev"]);
        db->put(Json{{"_id", "local-new"}, {"title", "новая"}});
        auto both = db->get("doc-00004");
        both["title"] = "local side";
        db->put(both);
    }
    auto remoteDoc = getRemote(port, "/copy/doc-00003");
    remoteDoc["title"] = "edited on the server";
    putDoc(port, "copy", remoteDoc);
    auto remoteBoth = getRemote(port, "/copy/doc-00004");
    remoteBoth["title"] = "server side";
    putDoc(port, "copy", remoteBoth);
    putDoc(port, "copy", Json{{"_id", "remote-new"}, {"title", "new"}});

    auto in = runKenes(dir.path(), {"replicate", server.url() + "/copy", "agenda"});
    auto out = runKenes(dir.path(), {"replicate", "agenda", server.url() + "/copy"});
    INFO(in.out << in.err << out.out << out.err);
    REQUIRE(in.exitCode == 0);
    REQUIRE(out.exitCode == 0);
    CHECK(counted(in.out, "revisions read") == 3);  // a new replication id: every change read, three fetched
    CHECK(counted(out.out, "changes read") ==
          6);  // from the last push's checkpoint: 4 edits + 3 pulled, 1 shared
    CHECK(counted(out.out, "revisions read") == 4);  // the pulled ones are already there
    local = dumpView(dir.path(), "agenda");
    CHECK(firstDifference(local, serverView(port, "copy")) == "");
    CHECK(local.size() == 10002);
    CHECK(local["doc-00001"]["body"]["title"] == "Изменено локально");
    CHECK(local["doc-00002"]["deleted"] == true);
    CHECK(local["doc-00003"]["body"]["title"] == "edited on the server");
    CHECK(local["doc-00004"]["conflicts"].size() == 1);

    // Nothing left to do: a no-op re-sync each way reads no changes (the pull sees the push's 4).
    auto back = runKenes(dir.path(), {"replicate", server.url() + "/copy", "agenda"});
    auto noop = runKenes(dir.path(), {"replicate", "agenda", server.url() + "/copy"});
    CHECK(back.exitCode == 0);
    CHECK(counted(back.out, "changes read") == 4);
    CHECK(counted(back.out, "revisions read") == 0);
    CHECK(noop.exitCode == 0);
    CHECK(counted(noop.out, "changes read") == 0);
    CHECK(counted(noop.out, "requests") == 2);  // the target's info and checkpoint; the source is local
}

TEST_CASE("kenes replicate killed with SIGKILL half-way resumes from its checkpoint",
          "[sync][cli][pouchdb]") {
    test::PouchDbServer server;
    test::TempDir dir("kenes-cli-resume");
    const int port = server.port();
    putRemote(port, "big", makeDataset(10000));
    std::atomic<int> bulkGets{0};
    test::FaultOptions quiet;
    quiet.onRequest = [&](const std::string& line) {
        if (line.find("/_bulk_get") != std::string::npos) ++bulkGets;
    };
    test::FaultProxy proxy(port, quiet);

    {
        test::ChildProcess child({test::kenesExe().string(), "--data", dir.path().string(), "replicate",
                                  proxy.url() + "/big", "big", "--batch-size", "250"},
                                 test::ProcessOptions{{}, {}, dir.path() / "first.log", std::nullopt});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (bulkGets.load() < 20 && child.running() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        REQUIRE(bulkGets.load() >= 20);  // 20 of 40 batches fetched
        child.signal(SIGKILL);
        CHECK(child.wait(std::chrono::seconds(10)) == 128 + SIGKILL);
    }
    uint64_t before = 0;
    {
        auto store = storage::Store::open(dir.path());
        before = store->database("big")->info().docCount + store->database("big")->info().docDelCount;
    }
    INFO("documents stored before the kill: " << before);
    CHECK(before > 2000);
    CHECK(before < 10000);

    auto resumed = runKenes(dir.path(), {"replicate", proxy.url() + "/big", "big", "--batch-size", "250"});
    INFO(resumed.out << resumed.err);
    REQUIRE(resumed.exitCode == 0);
    uint64_t changes = counted(resumed.out, "changes read");
    uint64_t read = counted(resumed.out, "revisions read");
    CHECK(changes <= 10000 - 2000);
    CHECK(read < 9600);  // far fewer than the 12,000 revisions of a full pull
    CHECK(firstDifference(dumpView(dir.path(), "big"), serverView(port, "big")) == "");
}

TEST_CASE("kenes replicate through a fault-injecting proxy converges", "[sync][cli][pouchdb][faults]") {
    test::PouchDbServer server;
    test::TempDir dir("kenes-cli-faults");
    const int port = server.port();
    putRemote(port, "src", makeDataset(2000));
    test::FaultOptions faults;
    faults.seed = 7;
    faults.errorProbability = 0.15;
    faults.cutProbability = 0.25;
    faults.maxCutBytes = 4 * 1024;  // below most gzip-compressed answers of 100 documents, so cuts are many
    faults.delayProbability = 0.05;
    faults.maxDelayMs = 30;
    test::FaultProxy proxy(port, faults);

    auto pull = runKenes(dir.path(), {"replicate", proxy.url() + "/src", "src", "--batch-size", "100"});
    auto push = runKenes(
        dir.path(), {"replicate", "src", proxy.url() + "/dst", "--create-target", "--batch-size", "100"});
    INFO(pull.out << pull.err << push.out << push.err);
    auto counts = proxy.counts();
    INFO("errors " << counts.errors << " cuts " << counts.cuts);
    REQUIRE(pull.exitCode == 0);
    REQUIRE(push.exitCode == 0);
    CHECK(counts.errors > 0);
    CHECK(counts.cuts > 0);
    CHECK(counted(pull.out, "retries") + counted(push.out, "retries") > 0);
    proxy.setEnabled(false);
    CHECK(firstDifference(dumpView(dir.path(), "src"), serverView(port, "src")) == "");
    CHECK(firstDifference(serverView(port, "dst"), serverView(port, "src")) == "");
}

TEST_CASE("hostile answers during a pull: a clear error and the local store unchanged",
          "[sync][cli][pouchdb]") {
    test::PouchDbServer server;
    test::TempDir dir("kenes-cli-hostile");
    const int port = server.port();
    putRemote(port, "events", makeDataset(100));
    auto first = runKenes(dir.path(), {"replicate", server.url() + "/events", "events"});
    REQUIRE(first.exitCode == 0);
    putRemote(port, "events", makeDataset(50, "late-"));
    const View before = dumpView(dir.path(), "events");
    REQUIRE(before.size() == 100);

    struct Case {
        const char* name;
        std::string answer;
        const char* message;
    };
    const Case cases[] = {
        {"malformed JSON",
         test::ScriptedHttpServer::reply(200, "application/json", R"({"results": [{"docs": [{"ok": )"),
         "not valid JSON"},
        {"2 GB Content-Length",
         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
         "2147483648\r\n\r\n{\"results\":",
         "too large"},
        {"HTML error page",
         test::ScriptedHttpServer::reply(
             200, "text/html",
             "<html><head><title>Hotel Wi-Fi: please log in</title></head><body></body></html>"),
         "web page"},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            // PouchDB Server behind a front that garbles the one _bulk_get of the pull.
            test::ScriptedHttpServer front(test::ScriptedHttpServer::BodyHandler(
                [&](const std::string& method, const std::string& target, const std::string& body) {
                    if (target.find("/_bulk_get") != std::string::npos) return c.answer;
                    auto reply = test::httpRequest(
                        port, method, target, body,
                        {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
                    return test::ScriptedHttpServer::reply(reply.status, "application/json", reply.body);
                }));
            auto run = runKenes(dir.path(), {"replicate", front.url() + "/events", "events"});
            INFO(run.out << run.err);
            CHECK(run.exitCode == 1);
            CHECK(run.err.find(c.message) != std::string::npos);
            CHECK(run.err.find("Nothing from that answer was written") != std::string::npos);
            CHECK(firstDifference(dumpView(dir.path(), "events"), before) == "");

            // The store is intact: the same pull straight from the server completes.
            auto direct = runKenes(dir.path(), {"replicate", server.url() + "/events", "events"});
            CHECK(direct.exitCode == 0);
            CHECK(counted(direct.out, "changes read") == 50);
            CHECK(firstDifference(dumpView(dir.path(), "events"), serverView(port, "events")) == "");
        }
    }
}

TEST_CASE("kenes replicate: usage errors and unreachable peers are explained", "[sync][cli]") {
    test::TempDir dir("kenes-cli-usage");
    auto none = runKenes(dir.path(), {"replicate", "only-one"});
    CHECK(none.exitCode == 2);
    CHECK(none.err.find("SOURCE and a TARGET") != std::string::npos);
    auto bad = runKenes(dir.path(), {"replicate", "Not A Name", "x"});
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find("neither an http(s) URL nor a local database name") != std::string::npos);
    auto missing = runKenes(dir.path(), {"replicate", "nothere", "x"});
    CHECK(missing.exitCode == 2);
    CHECK(missing.err.find("no database 'nothere'") != std::string::npos);
    int closed = test::freePort();
    auto down = runKenes(dir.path(),
                         {"replicate", "http://127.0.0.1:" + std::to_string(closed) + "/events", "events"});
    CHECK(down.exitCode == 1);
    CHECK(down.err.find("cannot connect") != std::string::npos);
    auto noPassword = test::runCommand(
        {test::kenesExe().string(), "--data", dir.path().string(), "replicate",
         "http://127.0.0.1:" + std::to_string(closed) + "/events", "events", "--user", "olga"},
        test::ProcessOptions{{}, {}, {}, std::string()});
    CHECK(noPassword.exitCode == 2);
    CHECK(noPassword.err.find("needs a password") != std::string::npos);
}
