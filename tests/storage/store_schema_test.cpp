// Schema versions: a data folder written with an older schema opens and upgrades.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "storage/sqlite_store.h"
#include "store_test_util.h"

using namespace kenes::storage;

TEST_CASE("a version-1 data folder upgrades and keeps its documents", "[storage][schema]") {
    kenes::storage::test::TempStore holder;  // only for a fresh directory name
    auto dir = holder.dir() / "old";
    std::filesystem::create_directories(dir);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(SqliteStore::fileName(dir).c_str(), &db) == SQLITE_OK);
    std::string v1 =
        std::string(schemaStep(1)) +
        "INSERT INTO dbs(db_id, name, uuid, update_seq) VALUES (1, 'events', 'u1', 1);"
        "INSERT INTO docs(doc_key, db_id, id, seq, winner, deleted) VALUES (1, 1, 'a', 1, '1-abc', 0);"
        "INSERT INTO revs VALUES (1, '1-abc', 1, 'abc', NULL, 1, 0, '{\"x\":1}');"
        "PRAGMA user_version = 1;";
    REQUIRE(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    auto store = Store::open(dir);
    auto events = store->database("events");
    CHECK(events->get("a")["x"] == 1);
    CHECK(events->info().uuid == "u1");
    CHECK(events->security() == Json::object());  // added by schema 2
    events->setSecurity({{"members", {{"names", {"anna"}}}}});
    CHECK(events->security()["members"]["names"][0] == "anna");
}

TEST_CASE("a data folder from a newer Kenes is refused with a clear reason", "[storage][schema]") {
    kenes::storage::test::TempStore holder;
    auto dir = holder.dir() / "newer";
    std::filesystem::create_directories(dir);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(SqliteStore::fileName(dir).c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    CHECK_THROWS_WITH(Store::open(dir), Catch::Contains("newer version"));
}
