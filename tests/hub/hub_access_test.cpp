// Accounts and access rules of a real `kenes hub` process: Basic auth, sessions, userdb privacy,
// organiser-only writes to library/events, the CLI for accounts, and login throttling.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>

#include "hub/hub_fixture.h"

using namespace kenes::test;
using Json = nlohmann::json;

namespace {
struct Venue {
    TempDir dir{"kenes-hub-access"};
    std::filesystem::path data = dir.path() / "data";
    Venue() {
        REQUIRE(addHubUser(data, "olga", "organizer", "org-secret").exitCode == 0);
        REQUIRE(addHubUser(data, "pavel", "participant", "pavel-secret").exitCode == 0);
        REQUIRE(addHubUser(data, "Рустам", "participant", "пароль 2").exitCode == 0);
    }
};
std::string userDb(const std::string& name) {
    std::string out = "userdb-";
    char buf[3];
    for (unsigned char c : name) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
    }
    return out;
}
}  // namespace

TEST_CASE("hub user CLI refuses bad input and lists accounts without secrets", "[hub][access][cli]") {
    TempDir dir("kenes-hub-cli");
    auto data = dir.path() / "data";
    auto kenes = kenesExe().string();
    ProcessOptions empty;
    empty.stdinText = "\n";
    auto r = runCommand(
        {kenes, "--data", data.string(), "hub", "user", "add", "anna", "--role", "participant"}, empty);
    CHECK(r.exitCode != 0);
    CHECK(r.err.find("password") != std::string::npos);
    r = runCommand({kenes, "--data", data.string(), "hub", "user", "add", "anna", "--role", "boss"}, empty);
    CHECK(r.exitCode == 2);
    REQUIRE(addHubUser(data, "anna", "participant", "correct horse").exitCode == 0);
    CHECK(addHubUser(data, "anna", "participant", "again").exitCode != 0);  // taken
    CHECK(addHubUser(data, "bad:name", "participant", "x").exitCode != 0);
    r = runCommand({kenes, "--data", data.string(), "hub", "user", "list"});
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("anna\tparticipant") != std::string::npos);
    CHECK(r.out.find("correct horse") == std::string::npos);
    r = runCommand({kenes, "--data", data.string(), "hub", "user", "remove", "nobody"});
    CHECK(r.exitCode != 0);
    r = runCommand({kenes, "--data", data.string(), "hub", "user", "remove", "anna"});
    CHECK(r.exitCode == 0);
    r = runCommand({kenes, "--data", data.string(), "hub", "user", "list"});
    CHECK(r.out.find("anna") == std::string::npos);
    r = runCommand({kenes, "--data", data.string(), "hub", "--port", "x"});
    CHECK(r.exitCode == 2);
}

TEST_CASE("hub authenticates and enforces database access", "[hub][access]") {
    Venue venue;
    HubProcess hub(venue.data);
    int port = hub.port();
    auto olga = authHeaders("olga", "org-secret");
    auto pavel = authHeaders("pavel", "pavel-secret");
    auto rustam = authHeaders("Рустам", "пароль 2");

    SECTION("anonymous: only / and /_session") {
        auto root = httpRequest(port, "GET", "/");
        CHECK(root.status == 200);
        CHECK(Json::parse(root.body)["uuid"].get<std::string>().size() == 32);
        CHECK(httpRequest(port, "GET", "/_session").status == 200);
        auto dbs = httpRequest(port, "GET", "/_all_dbs");
        CHECK(dbs.status == 401);
        CHECK(Json::parse(dbs.body)["error"] == "unauthorized");
        CHECK(httpRequest(port, "GET", "/events").status == 401);
    }
    SECTION("wrong password is 401, repeated failures are throttled") {
        auto r = httpRequest(port, "GET", "/_all_dbs", "", authHeaders("olga", "wrong"));
        CHECK(r.status == 401);
        CHECK(Json::parse(r.body) ==
              Json{{"error", "unauthorized"}, {"reason", "Name or password is incorrect."}});
        CHECK(httpRequest(port, "GET", "/_all_dbs", "", authHeaders("nobody", "x")).status == 401);
        int last = 0;
        for (int i = 0; i < 6; ++i)
            last = httpRequest(port, "GET", "/_all_dbs", "", authHeaders("olga", "wrong")).status;
        CHECK(last == 429);
        // even the right password waits now; other accounts from elsewhere are unaffected in kind
        CHECK(httpRequest(port, "GET", "/_all_dbs", "", olga).status == 429);
    }
    SECTION("organiser writes events, participants read but cannot write") {
        CHECK(httpRequest(port, "PUT", "/events", "", olga).status == 201);
        CHECK(httpRequest(port, "PUT", "/events", "", olga).status == 412);
        CHECK(httpRequest(port, "PUT", "/library", "", pavel).status == 403);
        CHECK(httpRequest(port, "PUT", "/events/agenda", R"({"title":"День 1"})", olga).status == 201);
        CHECK(httpRequest(port, "GET", "/events/agenda", "", pavel).status == 200);
        auto w = httpRequest(port, "PUT", "/events/hack", R"({"x":1})", pavel);
        CHECK(w.status == 403);
        CHECK(Json::parse(w.body)["error"] == "forbidden");
        CHECK(
            httpRequest(port, "POST", "/events/_bulk_docs", R"({"docs":[{"_id":"hack2"}]})", pavel).status ==
            403);
        CHECK(httpRequest(port, "POST", "/events", R"({"a":1})", pavel).status == 403);
        CHECK(httpRequest(port, "DELETE", "/events", "", pavel).status == 403);
        auto all = Json::parse(httpRequest(port, "GET", "/events/_all_docs", "", olga).body);
        CHECK(all["total_rows"] == 1);
        CHECK(httpRequest(port, "GET", "/events/hack", "", olga).status == 404);
        // participants may keep replication checkpoints
        CHECK(httpRequest(port, "PUT", "/events/_local/ckpt", R"({"last_seq":1})", pavel).status == 201);
        // members list restricts reading
        CHECK(httpRequest(port, "PUT", "/events/_security", R"({"members":{"names":["olga"],"roles":[]}})",
                          olga)
                  .status == 200);
        CHECK(httpRequest(port, "GET", "/events/agenda", "", pavel).status == 403);
        CHECK(httpRequest(port, "PUT", "/events/_security", R"({"members":{"roles":["participant"]}})", pavel)
                  .status == 403);
        CHECK(httpRequest(port, "PUT", "/events/_security", R"({"members":{"roles":["participant"]}})", olga)
                  .status == 200);
        CHECK(httpRequest(port, "GET", "/events/agenda", "", pavel).status == 200);
    }
    SECTION("userdb belongs to its account alone") {
        std::string pavelDb = "/" + userDb("pavel");
        std::string rustamDb = "/" + encodeId(userDb("Рустам"));
        CHECK(httpRequest(port, "PUT", pavelDb + "/note1", R"({"text":"мои заметки"})", pavel).status == 201);
        CHECK(httpRequest(port, "GET", pavelDb + "/note1", "", pavel).status == 200);
        auto r = httpRequest(port, "GET", pavelDb + "/note1", "", rustam);
        CHECK(r.status == 403);
        CHECK(Json::parse(r.body)["error"] == "forbidden");
        CHECK(httpRequest(port, "GET", pavelDb + "/_changes", "", rustam).status == 403);
        CHECK(httpRequest(port, "GET", pavelDb + "/note1", "", olga).status == 403);
        CHECK(httpRequest(port, "PUT", pavelDb + "/x", "{}", olga).status == 403);
        CHECK(httpRequest(port, "DELETE", pavelDb, "", olga).status == 403);
        CHECK(httpRequest(port, "GET", rustamDb, "", rustam).status == 200);
        auto dbs = Json::parse(httpRequest(port, "GET", "/_all_dbs", "", rustam).body);
        CHECK(std::find(dbs.begin(), dbs.end(), userDb("pavel")) == dbs.end());
        CHECK(std::find(dbs.begin(), dbs.end(), userDb("Рустам")) != dbs.end());
        for (const auto& name : dbs) CHECK(name.get<std::string>().find("accounts") == std::string::npos);
        CHECK(httpRequest(port, "GET", "/kenes-hub-accounts/_all_docs", "", olga).status == 404);
    }
    SECTION("sessions: cookie login, use, logout") {
        auto bad = httpRequest(port, "POST", "/_session", R"({"name":"pavel","password":"nope"})",
                               {{"Content-Type", "application/json"}});
        CHECK(bad.status == 401);
        auto login = httpRequest(port, "POST", "/_session", R"({"name":"pavel","password":"pavel-secret"})",
                                 {{"Content-Type", "application/json"}});
        REQUIRE(login.status == 200);
        std::string setCookie = login.headers["set-cookie"];
        CHECK(setCookie.find("HttpOnly") != std::string::npos);
        CHECK(setCookie.find("Max-Age=") != std::string::npos);
        std::string cookie = setCookie.substr(0, setCookie.find(';'));
        std::map<std::string, std::string> withCookie{{"Cookie", cookie}};
        auto s = Json::parse(httpRequest(port, "GET", "/_session", "", withCookie).body);
        CHECK(s["userCtx"]["name"] == "pavel");
        CHECK(httpRequest(port, "GET", "/" + userDb("pavel"), "", withCookie).status == 200);
        CHECK(httpRequest(port, "DELETE", "/_session", "", withCookie).status == 200);
        CHECK(httpRequest(port, "GET", "/" + userDb("pavel"), "", withCookie).status == 401);
        auto form = httpRequest(port, "POST", "/_session", "name=pavel&password=pavel-secret",
                                {{"Content-Type", "application/x-www-form-urlencoded"}});
        CHECK(form.status == 200);
    }
    SECTION("the request log names no secrets") {
        httpRequest(port, "POST", "/_session", R"({"name":"pavel","password":"pavel-secret"})",
                    {{"Content-Type", "application/json"}});
        httpRequest(port, "GET", "/events?secret=abc", "", olga);
        hub.process().signal(SIGTERM);
        CHECK(hub.process().wait(std::chrono::seconds(10)) == 0);
        std::string log = hub.log();
        CHECK(log.find("listening on http://127.0.0.1:") != std::string::npos);
        CHECK(log.find("POST /_session 200") != std::string::npos);
        CHECK(log.find("pavel-secret") == std::string::npos);
        CHECK(log.find("org-secret") == std::string::npos);
        CHECK(log.find("AuthSession") == std::string::npos);
        CHECK(log.find("secret=abc") == std::string::npos);
    }
}
