// Revision trees: winners, conflicts, tombstones, stemming and merging of replicated histories.
#include <catch2/catch.hpp>

#include "store_test_util.h"

using namespace kenes::storage;
using kenes::storage::test::replicated;
using kenes::storage::test::TempStore;

namespace {
std::string h(char c) {
    return std::string(32, c);
}
std::string rv(int gen, char c) {
    return std::to_string(gen) + "-" + h(c);
}
Json getWithConflicts(Database& db, const std::string& id) {
    GetOptions o;
    o.conflicts = true;
    o.deletedConflicts = true;
    return db.get(id, o);
}
}  // namespace

TEST_CASE("equal-generation conflicts: the higher rev hash wins", "[storage][tree]") {
    TempStore store;
    auto db = store->createDatabase("d");
    auto res = db->bulkDocs({replicated("x", {rv(2, 'b'), rv(1, 'a')}, {{"v", "b"}}),
                             replicated("x", {rv(2, 'c'), rv(1, 'a')}, {{"v", "c"}})},
                            false);
    CHECK(res[0].ok());
    CHECK(res[1].ok());
    auto doc = getWithConflicts(*db, "x");
    CHECK(doc["_rev"] == rv(2, 'c'));
    CHECK(doc["v"] == "c");
    CHECK(doc["_conflicts"] == Json::array({rv(2, 'b')}));
    auto ch = db->changes({});
    REQUIRE(ch.results.size() == 1);
    CHECK(ch.results[0].revs == std::vector<std::string>{rv(2, 'c'), rv(2, 'b')});
    // Same data, other order, same answer.
    TempStore other;
    auto db2 = other->createDatabase("d");
    db2->bulkDocs({replicated("x", {rv(2, 'c'), rv(1, 'a')}, {{"v", "c"}})}, false);
    db2->bulkDocs({replicated("x", {rv(2, 'b'), rv(1, 'a')}, {{"v", "b"}})}, false);
    CHECK(getWithConflicts(*db2, "x") == doc);
}

TEST_CASE("a deleted higher branch loses to a live lower-generation branch", "[storage][tree]") {
    TempStore store;
    auto db = store->createDatabase("d");
    db->bulkDocs({replicated("x", {rv(3, 'c'), rv(2, 'b'), rv(1, 'a')}, {}, true),
                  replicated("x", {rv(2, 'd'), rv(1, 'a')}, {{"live", true}})},
                 false);
    auto doc = getWithConflicts(*db, "x");
    CHECK(doc["_rev"] == rv(2, 'd'));
    CHECK_FALSE(doc.contains("_conflicts"));
    CHECK(doc["_deleted_conflicts"] == Json::array({rv(3, 'c')}));
    CHECK(db->info().docCount == 1);
    // Deleting the live branch too: the highest deleted leaf wins, the document is deleted.
    db->remove("x", rv(2, 'd'));
    CHECK_THROWS_AS(db->get("x"), StoreError);
    auto ch = db->changes({});
    REQUIRE(ch.results.size() == 1);
    CHECK(ch.results[0].deleted);
    CHECK(ch.results[0].revs.front().rfind("3-", 0) == 0);
    CHECK(db->info().docDelCount == 1);
}

TEST_CASE("a branch re-grown on a tombstone", "[storage][tree]") {
    TempStore store;
    auto db = store->createDatabase("d");
    auto r1 = db->put({{"_id", "x"}, {"v", 1}});
    auto r2 = db->remove("x", r1.rev);
    // Replicated child of the tombstone: the document lives again.
    db->bulkDocs({replicated("x", {rv(3, 'e'), r2.rev, r1.rev}, {{"v", 3}})}, false);
    auto doc = db->get("x");
    CHECK(doc["_rev"] == rv(3, 'e'));
    CHECK(doc["v"] == 3);
    GetOptions o;
    o.revs = true;
    CHECK(db->get("x", o)["_revisions"]["ids"].size() == 3);
}

TEST_CASE("stemmed histories without a common root join when the missing link arrives", "[storage][tree]") {
    TempStore store;
    auto db = store->createDatabase("d");
    db->bulkDocs({replicated("x", {rv(3, 'c'), rv(2, 'b')}, {{"v", 3}})}, false);
    db->bulkDocs({replicated("x", {rv(6, 'f'), rv(5, 'e')}, {{"v", 6}})}, false);
    auto before = getWithConflicts(*db, "x");
    CHECK(before["_rev"] == rv(6, 'f'));
    CHECK(before["_conflicts"] == Json::array({rv(3, 'c')}));  // two disjoint branches, two leaves
    db->bulkDocs({replicated("x", {rv(5, 'e'), rv(4, 'd'), rv(3, 'c')}, {{"v", 5}})}, false);
    auto after = getWithConflicts(*db, "x");
    CHECK(after["_rev"] == rv(6, 'f'));
    CHECK_FALSE(after.contains("_conflicts"));
    GetOptions o;
    o.revs = true;
    CHECK(db->get("x", o)["_revisions"]["ids"].size() == 5);
}

TEST_CASE("revs_limit stems a 10,000-deep history", "[storage][tree][stemming]") {
    TempStore store;
    auto db = store->createDatabase("d");
    CHECK(db->revsLimit() == 1000);
    std::vector<std::string> path;
    for (int g = 10000; g >= 1; --g) path.push_back(std::to_string(g) + "-" + std::to_string(g * 7919));
    auto res = db->bulkDocs({replicated("deep", path, {{"v", 1}})}, false);
    REQUIRE(res[0].ok());
    GetOptions o;
    o.revs = true;
    auto doc = db->get("deep", o);
    CHECK(doc["_revisions"]["start"] == 10000);
    CHECK(doc["_revisions"]["ids"].size() == 1000);
    // Local edits on top keep stemming at the limit.
    db->setRevsLimit(10);
    std::string rev = doc["_rev"];
    for (int i = 0; i < 20; ++i) rev = db->put({{"_id", "deep"}, {"_rev", rev}, {"v", i}}).rev;
    auto after = db->get("deep", o);
    CHECK(after["_revisions"]["start"] == 10020);
    CHECK(after["_revisions"]["ids"].size() == 10);
    // A known revision sent again changes nothing.
    auto seq = db->info().updateSeq;
    db->bulkDocs({replicated("deep", {rev}, {{"v", 19}})}, false);
    CHECK(db->info().updateSeq == seq);
}

TEST_CASE("open_revs answers all leaves, given revs, missing ones and latest", "[storage][tree]") {
    TempStore store;
    auto db = store->createDatabase("d");
    db->bulkDocs({replicated("x", {rv(2, 'b'), rv(1, 'a')}, {{"v", "b"}}),
                  replicated("x", {rv(3, 'd'), rv(2, 'c'), rv(1, 'a')}, {{"v", "d"}}, true)},
                 false);
    auto all = db->openRevs("x", std::nullopt, true, false);
    REQUIRE(all.size() == 2);
    CHECK(all[0].rev == rv(2, 'b'));  // live first
    CHECK(all[1].doc->at("_deleted") == true);
    auto some = db->openRevs("x", std::vector<std::string>{rv(2, 'b'), rv(9, 'z')}, false, false);
    REQUIRE(some.size() == 2);
    CHECK_FALSE(some[0].missing());
    CHECK(some[1].missing());
    auto latest = db->openRevs("x", std::vector<std::string>{rv(2, 'c')}, false, true);
    REQUIRE(latest.size() == 1);
    CHECK(latest[0].rev == rv(3, 'd'));
}
