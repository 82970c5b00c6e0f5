// Document store: local edits, reads, changes, revs_diff, bulk_get, all_docs, _local documents.
#include <catch2/catch.hpp>

#include <thread>

#include "store_test_util.h"

using namespace kenes::storage;
using kenes::storage::test::replicated;
using kenes::storage::test::TempStore;

TEST_CASE("databases are created, listed, described and deleted", "[storage][db]") {
    TempStore store;
    CHECK(store->allDatabases().empty());
    auto db = store->createDatabase("events");
    store->createDatabase("library");
    CHECK(store->allDatabases() == std::vector<std::string>{"events", "library"});
    CHECK_THROWS_MATCHES(store->createDatabase("events"), StoreError,
                         Catch::Predicate<StoreError>([](const StoreError& e) { return e.status() == 412; }));
    CHECK_THROWS_MATCHES(store->createDatabase("Bad Name"), StoreError,
                         Catch::Predicate<StoreError>([](const StoreError& e) { return e.status() == 400; }));
    CHECK_THROWS_MATCHES(store->database("missing"), StoreError,
                         Catch::Predicate<StoreError>([](const StoreError& e) { return e.status() == 404; }));
    auto uuid = db->info().uuid;
    CHECK(uuid.size() == 32);
    db->put({{"_id", "a"}, {"x", 1}});
    store.reopen();
    auto again = store->database("events");
    CHECK(again->info().uuid == uuid);
    CHECK(again->info().docCount == 1);
    CHECK(again->info().updateSeq == 1);
    store->deleteDatabase("events");
    CHECK_FALSE(store->hasDatabase("events"));
    CHECK_THROWS_AS(again->info(), StoreError);
    CHECK(userDatabaseName("анна") == "userdb-d0b0d0bdd0bdd0b0");
}

TEST_CASE("put, get, update and remove follow CouchDB's rules", "[storage][docs]") {
    TempStore store;
    auto db = store->createDatabase("notes");
    auto r1 = db->put({{"_id", "n1"}, {"title", "Привет"}});
    CHECK(r1.rev.rfind("1-", 0) == 0);
    CHECK(r1.rev.size() == 34);
    auto doc = db->get("n1");
    CHECK(doc["title"] == "Привет");
    CHECK(doc["_rev"] == r1.rev);

    // No _rev while a live revision exists, or a stale _rev: 409.
    CHECK_THROWS_MATCHES(db->put({{"_id", "n1"}, {"title", "x"}}), StoreError,
                         Catch::Predicate<StoreError>([](const StoreError& e) { return e.status() == 409; }));
    auto r2 = db->put({{"_id", "n1"}, {"_rev", r1.rev}, {"title", "Hello"}});
    CHECK(r2.rev.rfind("2-", 0) == 0);
    CHECK_THROWS_MATCHES(
        db->put({{"_id", "n1"}, {"_rev", r1.rev}, {"title", "late"}}), StoreError,
        Catch::Predicate<StoreError>([](const StoreError& e) { return e.error() == "conflict"; }));

    // Deterministic revisions: the same edit on the same parent gives the same rev.
    TempStore other;
    auto db2 = other->createDatabase("notes");
    auto o1 = db2->put({{"_id", "n1"}, {"title", "Привет"}});
    CHECK(o1.rev == r1.rev);

    GetOptions old;
    old.rev = r1.rev;
    CHECK(db->get("n1", old)["title"] == "Привет");
    GetOptions revs;
    revs.revs = true;
    auto withRevs = db->get("n1", revs);
    CHECK(withRevs["_revisions"]["start"] == 2);
    CHECK(withRevs["_revisions"]["ids"].size() == 2);

    auto r3 = db->remove("n1", r2.rev);
    CHECK(r3.rev.rfind("3-", 0) == 0);
    CHECK_THROWS_MATCHES(db->get("n1"), StoreError, Catch::Predicate<StoreError>([](const StoreError& e) {
                             return e.reason() == "deleted";
                         }));
    CHECK_THROWS_MATCHES(db->get("zz"), StoreError, Catch::Predicate<StoreError>([](const StoreError& e) {
                             return e.reason() == "missing";
                         }));
    // A new life on top of the tombstone.
    auto r4 = db->put({{"_id", "n1"}, {"title", "back"}});
    CHECK(r4.rev.rfind("4-", 0) == 0);
    CHECK(db->info().docCount == 1);

    auto posted = db->post({{"kind", "x"}});
    CHECK(posted.id.size() == 32);
}

TEST_CASE("compaction drops old bodies but keeps the tree", "[storage][docs]") {
    TempStore store;
    auto db = store->createDatabase("d");
    auto r1 = db->put({{"_id", "a"}, {"v", 1}});
    auto r2 = db->put({{"_id", "a"}, {"_rev", r1.rev}, {"v", 2}});
    db->compact();
    GetOptions o;
    o.rev = r1.rev;
    CHECK_THROWS_AS(db->get("a", o), StoreError);
    GetOptions revs;
    revs.revs = true;
    CHECK(db->get("a", revs)["_revisions"]["ids"].size() == 2);
    CHECK(db->get("a")["v"] == 2);
    CHECK(r2.rev.rfind("2-", 0) == 0);
}

TEST_CASE("changes, revs_diff, bulk_get and all_docs", "[storage][replication]") {
    TempStore store;
    auto db = store->createDatabase("events");
    for (int i = 0; i < 10; ++i) db->put({{"_id", "doc" + std::to_string(i)}, {"i", i}});
    auto r = db->get("doc3")["_rev"].get<std::string>();
    db->remove("doc3", r);

    ChangesOptions all;
    auto changes = db->changes(all);
    REQUIRE(changes.results.size() == 10);
    CHECK(changes.lastSeq == 11);
    CHECK(changes.results.back().id == "doc3");
    CHECK(changes.results.back().deleted);

    ChangesOptions page;
    page.since = 2;
    page.limit = 3;
    auto p = db->changes(page);
    CHECK(p.results.size() == 3);
    CHECK(p.results.front().seq == 3);
    CHECK(p.pending == 5);

    ChangesOptions filtered;
    filtered.docIds = std::vector<std::string>{"doc1", "doc7"};
    CHECK(db->changes(filtered).results.size() == 2);

    RevsDiffRequest diff{{"doc1", {db->get("doc1")["_rev"].get<std::string>(), "2-abc"}}, {"new", {"1-xyz"}}};
    auto d = db->revsDiff(diff);
    CHECK(d["doc1"].missing == std::vector<std::string>{"2-abc"});
    CHECK(d["doc1"].possibleAncestors.size() == 1);
    CHECK(d["new"].missing == std::vector<std::string>{"1-xyz"});

    auto got = db->bulkGet(
        {{"doc1", std::nullopt}, {"doc2", std::string("9-nope")}, {"nothing", std::nullopt}}, true);
    REQUIRE(got.size() == 3);
    CHECK(got[0].docs[0]["i"] == 1);
    CHECK(got[0].docs[0].contains("_revisions"));
    CHECK(got[1].docs[0]["error"] == "not_found");
    CHECK(got[2].docs[0]["error"] == "not_found");

    AllDocsOptions ad;
    ad.includeDocs = true;
    auto rows = db->allDocs(ad);
    CHECK(rows.totalRows == 9);
    CHECK(rows.rows.size() == 9);
    CHECK(rows.rows[0].id == "doc0");
    CHECK(rows.rows[0].doc->at("i") == 0);
    AllDocsOptions range;
    range.startKey = "doc5";
    range.endKey = "doc7";
    CHECK(db->allDocs(range).rows.size() == 3);
    range.descending = true;
    range.startKey = "doc7";
    range.endKey = "doc5";
    auto desc = db->allDocs(range);
    REQUIRE(desc.rows.size() == 3);
    CHECK(desc.rows[0].id == "doc7");
    AllDocsOptions keys;
    keys.keys = std::vector<std::string>{"doc3", "zzz", "doc4"};
    auto k = db->allDocs(keys);
    REQUIRE(k.rows.size() == 3);
    CHECK(k.rows[0].deleted);
    CHECK(k.rows[1].error == "not_found");
    CHECK(k.rows[2].rev.rfind("1-", 0) == 0);
}

TEST_CASE("_local documents are kept apart and not replicated", "[storage][local]") {
    TempStore store;
    auto db = store->createDatabase("d");
    CHECK_FALSE(db->getLocal("cp").has_value());
    CHECK(db->putLocal("cp", {{"seq", 5}}).rev == "0-1");
    CHECK(db->putLocal("cp", {{"seq", 6}}).rev == "0-2");
    CHECK(db->getLocal("cp")->at("seq") == 6);
    CHECK(db->get("_local/cp")["_id"] == "_local/cp");
    CHECK(db->changes({}).results.empty());
    CHECK(db->info().updateSeq == 0);
    db->removeLocal("cp");
    CHECK_FALSE(db->getLocal("cp").has_value());
}

TEST_CASE("waitForChange wakes on a write", "[storage][changes]") {
    TempStore store;
    auto db = store->createDatabase("d");
    CHECK_FALSE(db->waitForChange(0, std::chrono::milliseconds(20)));
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        db->put({{"_id", "a"}});
    });
    CHECK(db->waitForChange(0, std::chrono::seconds(5)));
    writer.join();
}
