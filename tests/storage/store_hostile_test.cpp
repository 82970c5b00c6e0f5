// Hostile input to the store: rejected with clear errors, the store unchanged.
#include <catch2/catch.hpp>

#include "store_test_util.h"

using namespace kenes::storage;
using kenes::storage::test::TempStore;

namespace {
int statusOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const StoreError& e) {
        CHECK_FALSE(e.reason().empty());
        return e.status();
    }
    return 0;
}
}  // namespace

TEST_CASE("bad ids and bodies are rejected and nothing is stored", "[storage][hostile]") {
    TempStore store;
    auto db = store->createDatabase("d");
    db->put({{"_id", "keep"}, {"v", 1}});
    auto before = db->info();

    CHECK(statusOf([&] { db->put({{"_id", ""}}); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", "_secret"}}); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", std::string(10 * 1024 * 1024, 'a')}}); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", std::string("bad\xff\xfe")}}); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", 42}}); }) == 400);
    CHECK(statusOf([&] { db->put(Json::array({1, 2})); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", "u"}, {"text", std::string("\xc3\x28")}}); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", "u"}, {"_weird", 1}}); }) == 400);
    CHECK(statusOf([&] { db->put({{"_id", "u"}, {"_rev", "not-a-rev"}}); }) == 400);

    // _revisions that contradict _rev, in a batch beside a good document: only the good one lands.
    Json contradicting = {
        {"_id", "r"}, {"_rev", "3-aaa"}, {"_revisions", {{"start", 3}, {"ids", {"bbb", "ccc"}}}}};
    Json wrongStart = {{"_id", "r"}, {"_rev", "3-aaa"}, {"_revisions", {{"start", 2}, {"ids", {"aaa"}}}}};
    Json tooMany = {{"_id", "r"}, {"_rev", "1-aaa"}, {"_revisions", {{"start", 1}, {"ids", {"aaa", "bbb"}}}}};
    Json noRev = {{"_id", "r"}};
    auto res =
        db->bulkDocs({contradicting, wrongStart, tooMany, noRev, {{"_id", "ok"}, {"_rev", "1-abc"}}}, false);
    REQUIRE(res.size() == 5);
    for (int i = 0; i < 4; ++i) {
        CHECK(res[i].error == "bad_request");
        CHECK_FALSE(res[i].reason.empty());
    }
    CHECK(res[4].ok());
    CHECK(db->info().docCount == before.docCount + 1);
    CHECK_THROWS_AS(db->get("r"), StoreError);
    CHECK(db->get("keep")["v"] == 1);
    CHECK(statusOf([&] { db->get(std::string("\xff")); }) == 400);
}
