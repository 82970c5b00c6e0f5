// HttpClient and RemoteEndpoint against scripted servers: malformed JSON, oversized answers,
// HTML error pages, CouchDB error bodies, unreachable servers, cancellation.
#include <catch2/catch.hpp>

#include "support/net_faults.h"
#include "support/process.h"
#include "sync/endpoint.h"
#include "sync/http_client.h"

using namespace kenes;
using kenes::test::ScriptedHttpServer;

TEST_CASE("HttpClient reads JSON and keeps one connection alive", "[sync][http]") {
    test::PouchDbServer server;
    sync::HttpClient client(server.url());
    auto root = client.json("GET", "/");
    CHECK(root.contains("version"));
    client.json("PUT", "/kept-alive");
    for (int i = 0; i < 5; ++i) client.json("GET", "/kept-alive");
    CHECK(client.requestCount() == 7);
}

TEST_CASE("HttpClient reports CouchDB errors with status, error and reason", "[sync][http]") {
    test::PouchDbServer server;
    sync::HttpClient client(server.url());
    try {
        client.json("GET", "/missing-db/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Http);
        CHECK(e.status() == 404);
        CHECK(e.error() == "not_found");
        CHECK(std::string(e.what()).find("404") != std::string::npos);
    }
}

TEST_CASE("HttpClient refuses a 2 GB Content-Length without reading it", "[sync][http]") {
    ScriptedHttpServer server([](const std::string&, const std::string&) {
        return std::string(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n{\"a\":");
    });
    sync::HttpClient client(server.url());
    try {
        client.json("GET", "/db/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::TooLarge);
        CHECK(std::string(e.what()).find("2147483648") != std::string::npos);
        CHECK_FALSE(e.retryable());
    }
}

TEST_CASE("HttpClient bounds a chunked answer that grows past the limit", "[sync][http]") {
    ScriptedHttpServer server([](const std::string&, const std::string&) {
        std::string chunk(1 << 16, 'x');
        std::string out =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
        for (int i = 0; i < 40; ++i) out += size + chunk + "\r\n";
        return out + "0\r\n\r\n";
    });
    sync::HttpOptions options;
    options.maxResponseBytes = 1 << 20;
    sync::HttpClient client(server.url(), options);
    CHECK_THROWS_MATCHES(client.json("GET", "/db/"), sync::SyncError,
                         Catch::Matchers::Predicate<sync::SyncError>(
                             [](const sync::SyncError& e) { return e.kind() == sync::ErrorKind::TooLarge; }));
}

TEST_CASE("HttpClient explains malformed JSON and HTML pages", "[sync][http]") {
    ScriptedHttpServer server([](const std::string&, const std::string& target) {
        if (target.rfind("/html", 0) == 0)
            return ScriptedHttpServer::reply(
                502, "text/html",
                "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
        if (target.rfind("/page", 0) == 0)
            return ScriptedHttpServer::reply(200, "text/html",
                                             "<!doctype html><html><title>Hotel Wi-Fi login</title></html>");
        return ScriptedHttpServer::reply(200, "application/json", "{\"db_name\": \"x\", ");
    });
    sync::HttpClient client(server.url());
    try {
        client.json("GET", "/bad/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Protocol);
        CHECK(std::string(e.what()).find("not valid JSON") != std::string::npos);
    }
    try {
        client.json("GET", "/html/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.status() == 502);
        CHECK(std::string(e.what()).find("502 Bad Gateway") != std::string::npos);
        CHECK(e.retryable());
    }
    try {
        client.json("GET", "/page/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Protocol);
        CHECK(std::string(e.what()).find("web page") != std::string::npos);
    }
}

TEST_CASE("HttpClient classifies an unreachable server and a bad name", "[sync][http]") {
    int port = test::freePort();
    sync::HttpOptions options;
    options.connectTimeout = std::chrono::milliseconds(2000);
    sync::HttpClient client("http://127.0.0.1:" + std::to_string(port), options);
    try {
        client.json("GET", "/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Network);
        CHECK(e.offline());
        CHECK(e.retryable());
    }
    sync::HttpClient dns("http://no-such-host.invalid:5984", options);
    try {
        dns.json("GET", "/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.offline());
    }
    CHECK_THROWS_AS(sync::HttpClient("ftp://example.org/db"), sync::SyncError);
}

TEST_CASE("HttpClient tells an answer cut short from an unreachable server", "[sync][http]") {
    // Promises 1000 bytes, sends 11, closes: the server was reached, the exchange broke.
    ScriptedHttpServer server([&](const std::string&, const std::string&) {
        return std::string(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
            "\r\n{\"db_name\":");
    });
    sync::HttpClient client(server.url());
    try {
        client.json("GET", "/db/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Network);
        CHECK(e.wasInterrupted());
        CHECK_FALSE(e.offline());
        CHECK(e.retryable());
    }
    // Closed without a byte of answer: reached too.
    ScriptedHttpServer silent([&](const std::string&, const std::string&) { return std::string(); });
    sync::HttpClient quiet(silent.url());
    try {
        quiet.json("GET", "/db/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Network);
        CHECK_FALSE(e.offline());
    }
}

TEST_CASE("HttpClient sends Basic credentials from the options or the URL", "[sync][http]") {
    ScriptedHttpServer server([&](const std::string&, const std::string&) {
        return ScriptedHttpServer::reply(
            401, "application/json", R"({"error":"unauthorized","reason":"Name or password is incorrect."})");
    });
    sync::HttpClient client("http://anna:secret@127.0.0.1:" + std::to_string(server.port()));
    CHECK(client.options().user == "anna");
    CHECK(client.displayUrl().find("secret") == std::string::npos);
    try {
        client.json("GET", "/userdb-616e6e61/");
        FAIL("no error");
    } catch (const sync::SyncError& e) {
        CHECK(e.kind() == sync::ErrorKind::Auth);
        CHECK(e.reason() == "Name or password is incorrect.");
        CHECK_FALSE(e.retryable());
    }
}

TEST_CASE("splitDatabaseUrl finds the server and the database", "[sync][http]") {
    auto [server, db] = sync::splitDatabaseUrl("https://u:p@hub.local:6984/couch/userdb-616e6e61/");
    CHECK(server == "https://u:p@hub.local:6984/couch");
    CHECK(db == "userdb-616e6e61");
    CHECK(sync::splitDatabaseUrl("http://h/a%2Fb").second == "a/b");
    CHECK_THROWS_AS(sync::splitDatabaseUrl("http://h:5984"), sync::SyncError);
    CHECK_THROWS_AS(sync::splitDatabaseUrl("http://h:5984/Bad"), sync::SyncError);
}

TEST_CASE("HttpClient authenticates with Basic auth or a _session cookie", "[sync][http][pouchdb]") {
    test::PouchDbServer server;
    auto admin = test::httpRequest(server.port(), "PUT", "/_config/admins/anna", "\"secret\"");
    REQUIRE(admin.status == 200);

    sync::HttpOptions basic;
    basic.user = "anna";
    basic.password = "secret";
    sync::HttpClient withBasic(server.url(), basic);
    auto who = withBasic.json("GET", "/_session");
    CHECK(who["userCtx"]["name"] == "anna");
    CHECK(who["info"]["authenticated"] == "default");

    sync::HttpOptions session = basic;
    session.useSession = true;
    sync::HttpClient withCookie(server.url(), session);
    auto me = withCookie.json("GET", "/_session");
    CHECK(me["userCtx"]["name"] == "anna");
    CHECK(me["info"]["authenticated"] == "cookie");

    sync::HttpOptions wrong = session;
    wrong.password = "nope";
    sync::HttpClient refused(server.url(), wrong);
    CHECK_THROWS_MATCHES(refused.json("GET", "/_session"), sync::SyncError,
                         Catch::Matchers::Predicate<sync::SyncError>(
                             [](const sync::SyncError& e) { return e.kind() == sync::ErrorKind::Auth; }));
}
