// The CouchDB HTTP API of a real `kenes hub`: awkward document ids, errors compared with PouchDB
// Server's answers to the same requests, changes (normal, longpoll, _doc_ids), revs_diff,
// bulk_get, open_revs (JSON and multipart/mixed), _all_docs and _local documents.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "hub/hub_fixture.h"

using namespace kenes::test;
using Json = nlohmann::json;

namespace {
struct Hub {
    TempDir dir{"kenes-hub-api"};
    std::filesystem::path data = dir.path() / "data";
    std::optional<HubProcess> hub;
    std::map<std::string, std::string> auth = authHeaders("olga", "org-secret");
    Hub() {
        REQUIRE(addHubUser(data, "olga", "organizer", "org-secret").exitCode == 0);
        hub.emplace(data);
    }
    HttpReply req(const std::string& method, const std::string& target, const std::string& body = {},
                  std::map<std::string, std::string> extra = {}) {
        auto h = auth;
        for (auto& [k, v] : extra) h[k] = v;
        return httpRequest(hub->port(), method, target, body, h);
    }
};
Json body(const HttpReply& r) {
    return Json::parse(r.body);
}
}  // namespace

TEST_CASE("documents with /, +, spaces and Cyrillic ids round-trip", "[hub][api]") {
    Hub h;
    REQUIRE(h.req("PUT", "/events").status == 201);
    for (std::string id : {"a/b", "a+b", "with space", "Программа дня", "x/y+z ё/Й", "plus+and%percent"}) {
        INFO(id);
        auto put = h.req("PUT", "/events/" + encodeId(id), R"({"title":"t"})");
        REQUIRE(put.status == 201);
        CHECK(body(put)["id"] == id);
        auto get = h.req("GET", "/events/" + encodeId(id));
        REQUIRE(get.status == 200);
        CHECK(body(get)["_id"] == id);
        CHECK(get.headers["etag"] == "\"" + body(put)["rev"].get<std::string>() + "\"");
    }
    // '+' is literal in a path: a+b is not "a b"
    CHECK(body(h.req("GET", "/events/a+b"))["_id"] == "a+b");
    CHECK(h.req("GET", "/events/a%20b").status == 404);
    auto all = body(h.req("GET", "/events/_all_docs"));
    CHECK(all["total_rows"] == 6);
    auto keyed = body(h.req("POST", "/events/_all_docs", R"({"keys":["a/b","missing"]})"));
    CHECK(keyed["rows"][0]["id"] == "a/b");
    CHECK(keyed["rows"][1] == Json{{"key", "missing"}, {"error", "not_found"}});
    auto range =
        body(h.req("GET", "/events/_all_docs?startkey=%22a%22&endkey=%22a%2Fz%22&include_docs=true"));
    REQUIRE(range["rows"].size() == 2);
    CHECK(range["rows"][0]["doc"]["title"] == "t");
}

TEST_CASE("errors match PouchDB Server's for the same requests", "[hub][api][pouchdb]") {
    Hub h;
    PouchDbServer pouch;
    auto both = [&](const std::string& method, const std::string& target, const std::string& payload = {}) {
        auto a = h.req(method, target, payload);
        auto b = httpRequest(pouch.port(), method, target, payload, {{"Content-Type", "application/json"}});
        return std::make_pair(a, b);
    };
    for (auto [method, target, payload] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"PUT", "/events", ""},
             {"PUT", "/events/d1", R"({"v":1})"},
         }) {
        auto [a, b] = both(method, target, payload);
        CHECK(a.status == b.status);
    }
    struct Case {
        std::string method, target, payload;
    };
    for (const auto& c : std::vector<Case>{
             {"GET", "/nodb", ""},
             {"GET", "/events/nodoc", ""},
             {"PUT", "/events/d1", R"({"v":2})"},
             {"PUT", "/events", ""},
             {"GET", "/events/d1?rev=9-abc", ""},
         }) {
        INFO(c.method << " " << c.target);
        auto [a, b] = both(c.method, c.target, c.payload);
        CHECK(a.status == b.status);
        auto ja = body(a), jb = body(b);
        CHECK(ja["error"] == jb["error"]);
        if (c.target == "/events/nodoc") CHECK(ja["reason"] == jb["reason"]);
    }
    // Where PouchDB Server departs from CouchDB, the hub answers as CouchDB does.
    CHECK(body(h.req("GET", "/nodb")) ==
          Json{{"error", "not_found"}, {"reason", "Database does not exist."}});
    auto badName = h.req("PUT", "/Bad_Name");
    CHECK(badName.status == 400);
    CHECK(body(badName)["error"] == "illegal_database_name");
    auto wrongRev = h.req("DELETE", "/events/d1?rev=1-abc");
    CHECK(wrongRev.status == 409);
    CHECK(body(wrongRev) == Json{{"error", "conflict"}, {"reason", "Document update conflict."}});
    auto del = body(h.req("GET", "/events/d1"));
    h.req("DELETE", "/events/d1?rev=" + del["_rev"].get<std::string>());
    auto gone = h.req("GET", "/events/d1");
    CHECK(gone.status == 404);
    CHECK(body(gone) == Json{{"error", "not_found"}, {"reason", "deleted"}});
    auto badJson = h.req("POST", "/events/_bulk_docs", "{not json");
    CHECK(badJson.status == 400);
    CHECK(body(badJson)["error"] == "bad_request");
    CHECK(h.req("PATCH", "/events", "{}").status == 405);
}

TEST_CASE("replication endpoints: changes, revs_diff, bulk_get, open_revs, _local", "[hub][api]") {
    Hub h;
    REQUIRE(h.req("PUT", "/events").status == 201);
    auto bulk = h.req("POST", "/events/_bulk_docs", R"({"new_edits":false,"docs":[
        {"_id":"c","_rev":"1-a","v":1},
        {"_id":"c","_rev":"2-b","v":2,"_revisions":{"start":2,"ids":["b","a"]}},
        {"_id":"c","_rev":"2-c","v":3,"_revisions":{"start":2,"ids":["c","a"]}},
        {"_id":"d","_rev":"1-x","_deleted":true}]})");
    REQUIRE(bulk.status == 201);
    CHECK(body(bulk) == Json::array());
    auto doc = body(h.req("GET", "/events/c?conflicts=true&revs=true"));
    CHECK(doc["_rev"] == "2-c");
    CHECK(doc["_conflicts"] == Json::array({"2-b"}));
    CHECK(doc["_revisions"]["ids"] == Json::array({"c", "a"}));

    auto changes = body(h.req("GET", "/events/_changes?style=all_docs"));
    REQUIRE(changes["results"].size() == 2);
    CHECK(changes["last_seq"] == changes["results"][1]["seq"]);
    auto limited = body(h.req("GET", "/events/_changes?limit=1"));
    CHECK(limited["results"].size() == 1);
    CHECK(limited["pending"] == 1);
    auto filtered = body(h.req("POST", "/events/_changes?filter=_doc_ids", R"({"doc_ids":["d"]})"));
    REQUIRE(filtered["results"].size() == 1);
    CHECK(filtered["results"][0]["deleted"] == true);

    auto diff = body(h.req("POST", "/events/_revs_diff", R"({"c":["2-b","3-z"],"e":["1-q"]})"));
    CHECK(diff["c"]["missing"] == Json::array({"3-z"}));
    CHECK(diff["e"]["missing"] == Json::array({"1-q"}));

    auto got = body(h.req("POST", "/events/_bulk_get?revs=true",
                          R"({"docs":[{"id":"c","rev":"2-b"},{"id":"zz","rev":"1-a"}]})"));
    CHECK(got["results"][0]["docs"][0]["ok"]["v"] == 2);
    CHECK(got["results"][1]["docs"][0].contains("error"));

    auto open = body(h.req("GET", "/events/c?open_revs=all"));
    CHECK(open.size() == 2);
    auto some = body(h.req("GET", "/events/c?open_revs=%5B%222-b%22%2C%229-n%22%5D&revs=true"));
    REQUIRE(some.size() == 2);
    CHECK(some[0]["ok"]["_rev"] == "2-b");
    CHECK(some[1] == Json{{"missing", "9-n"}});
    auto multi = h.req("GET", "/events/c?open_revs=all&latest=true", "", {{"Accept", "multipart/mixed"}});
    CHECK(multi.status == 200);
    CHECK(multi.headers["content-type"].rfind("multipart/mixed; boundary=", 0) == 0);
    CHECK(multi.body.find("\"_rev\":\"2-b\"") != std::string::npos);
    CHECK(multi.body.find("\"_rev\":\"2-c\"") != std::string::npos);

    CHECK(h.req("GET", "/events/_local/ck%2F1").status == 404);
    auto local = h.req("PUT", "/events/_local/ck%2F1", R"({"last_seq":5})");
    CHECK(local.status == 201);
    auto localDoc = body(h.req("GET", "/events/_local/ck%2F1"));
    CHECK(localDoc["_id"] == "_local/ck/1");
    CHECK(localDoc["last_seq"] == 5);
    CHECK(h.req("POST", "/events/_ensure_full_commit").status == 201);
    CHECK(h.req("DELETE", "/events/_local/ck%2F1").status == 200);

    // longpoll answers when a change arrives
    auto since = body(h.req("GET", "/events"))["update_seq"].get<uint64_t>();
    auto started = std::chrono::steady_clock::now();
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        httpRequest(h.hub->port(), "PUT", "/events/late", R"({"v":1})", h.auth);
    });
    auto lp = h.req("GET", "/events/_changes?feed=longpoll&heartbeat=200&since=" + std::to_string(since));
    writer.join();
    auto waited = std::chrono::steady_clock::now() - started;
    CHECK(waited >= std::chrono::milliseconds(600));
    auto lpBody = Json::parse(lp.body);  // heartbeats are leading newlines
    REQUIRE(lpBody["results"].size() == 1);
    CHECK(lpBody["results"][0]["id"] == "late");
    auto timeout = h.req("GET", "/events/_changes?feed=longpoll&timeout=300&since=now");
    CHECK(body(timeout)["results"].empty());
}
