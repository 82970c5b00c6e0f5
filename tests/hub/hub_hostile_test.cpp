// Hostile requests against a real `kenes hub`: truncated and oversized bodies, invalid JSON,
// invalid UTF-8 in ids, dot segments, huge header counts and URIs. Each gets a clean 4xx and the
// hub keeps serving other clients.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <thread>

#include "hub/hub_fixture.h"

using namespace kenes::test;
using Json = nlohmann::json;

TEST_CASE("hostile requests get a clean 4xx and the hub keeps serving", "[hub][hostile]") {
    TempDir dir("kenes-hub-hostile");
    auto data = dir.path() / "data";
    REQUIRE(addHubUser(data, "olga", "organizer", "org-secret").exitCode == 0);
    HubProcess hub(data);
    int port = hub.port();
    auto auth = authHeaders("olga", "org-secret");
    REQUIRE(httpRequest(port, "PUT", "/events", "", auth).status == 201);
    std::string authLine = "Authorization: " + basicAuth("olga", "org-secret") + "\r\n";
    auto stillServing = [&] {
        auto r = httpRequest(port, "GET", "/events", "", auth);
        CHECK(r.status == 200);
        CHECK(Json::parse(r.body)["doc_count"] == 0);
    };

    SECTION("truncated body") {
        std::string req = "PUT /events/t HTTP/1.1\r\nHost: h\r\n" + authLine +
                          "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"title\":\"cut";
        // the client stalls mid-body; others are served meanwhile, the stalled one gets 400
        std::thread stalled([&] {
            int status = rawStatus(rawExchange(port, req, false, 30000));
            CHECK(status == 400);
        });
        for (int i = 0; i < 5; ++i) stillServing();
        stalled.join();
        CHECK(httpRequest(port, "GET", "/events/t", "", auth).status == 404);
    }
    SECTION("100 MB body") {
        std::string req = "POST /events/_bulk_docs HTTP/1.1\r\nHost: h\r\n" + authLine +
                          "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n" +
                          std::string(65536, ' ');
        CHECK(rawStatus(rawExchange(port, req, false, 10000)) == 413);
        // chunked: no length announced, the limit applies while reading
        std::string chunk = "1000000\r\n" + std::string(0x1000000, ' ') + "\r\n";
        std::string chunked = "POST /events/_bulk_docs HTTP/1.1\r\nHost: h\r\n" + authLine +
                              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 7; ++i) chunked += chunk;
        CHECK(rawStatus(rawExchange(port, chunked, false, 20000)) == 413);
    }
    SECTION("invalid JSON") {
        for (std::string payload : {"{", "[1,2", "{\"docs\":[1]}", "null", "{\"docs\":{}}", "\xff\xfe"}) {
            auto r = httpRequest(port, "POST", "/events/_bulk_docs", payload, auth);
            CHECK(r.status == 400);
            CHECK(Json::parse(r.body).contains("reason"));
        }
        CHECK(httpRequest(port, "PUT", "/events/x", "[1]", auth).status == 400);
        CHECK(httpRequest(port, "PUT", "/events/x", "", auth).status == 400);
    }
    SECTION("invalid UTF-8 in ids") {
        CHECK(httpRequest(port, "GET", "/events/%FF%FE", "", auth).status == 400);
        CHECK(httpRequest(port, "PUT", "/events/%C3%28", "{}", auth).status == 400);
        CHECK(httpRequest(port, "PUT", "/events/%ED%A0%80", "{}", auth).status == 400);  // a surrogate
        CHECK(httpRequest(port, "POST", "/events/_bulk_docs", "{\"docs\":[{\"_id\":\"\xC3\x28\"}]}", auth)
                  .status == 400);
        CHECK(httpRequest(port, "GET", "/events/bad%ZZescape", "", auth).status == 400);
        CHECK(httpRequest(port, "GET", "/events/nul%00byte", "", auth).status == 400);
    }
    SECTION("dot segments") {
        CHECK(
            rawStatus(rawExchange(port, "GET /events/../_all_dbs HTTP/1.1\r\nHost: h\r\n" + authLine + "\r\n",
                                  false, 5000)) == 400);
        CHECK(httpRequest(port, "GET", "/%2E%2E/etc/passwd", "", auth).status == 400);
        CHECK(httpRequest(port, "GET", "/events/%2E%2E%2F%2E%2E%2Fetc", "", auth).status == 404);
        CHECK(httpRequest(port, "GET", "/../../etc/passwd", "", auth).status == 400);
    }
    SECTION("10,000 headers and an overlong URI") {
        std::string req = "GET /events HTTP/1.1\r\nHost: h\r\n" + authLine;
        for (int i = 0; i < 10000; ++i) req += "X-Filler-" + std::to_string(i) + ": v\r\n";
        req += "\r\n";
        int status = rawStatus(rawExchange(port, req, false, 10000));
        CHECK(status >= 400);
        CHECK(status < 500);
        int longUri = rawStatus(rawExchange(
            port, "GET /events/" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", false, 5000));
        CHECK(longUri >= 400);
        CHECK(longUri < 500);
        CHECK(rawStatus(rawExchange(port, "GARBAGE\r\n\r\n", false, 5000)) == 400);
    }
    stillServing();
    CHECK(hub.process().running());
}
