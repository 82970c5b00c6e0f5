// Projections follow each document's winning revision: conflicts, deletions, resurrection,
// documents of the wrong shape, and rebuilding for a store that already holds documents.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "model_test_util.h"
#include "storage/projection.h"
#include "storage/sqlite_store.h"

using namespace kenes;
using storage::Json;

namespace {

Json speaker(const std::string& id, const std::string& rev, const std::string& name) {
    Json doc{{"_id", id}, {"type", "speaker"}, {"name", {{"en", name}, {"ru", name}}}};
    if (!rev.empty()) doc["_rev"] = rev;
    return doc;
}

const std::string kRevA = "1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kRevF = "1-ffffffffffffffffffffffffffffffff";
const std::string kRevB = "1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

std::string speakerName(const storage::Model& m, const std::string& id) {
    auto s = m.speaker(id, "en");
    return s ? s->name : "<none>";
}

}  // namespace

TEST_CASE("projections follow the winner through conflicts, deletion and resurrection",
          "[model][projection]") {
    test::ModelFixture f;
    auto events = f.db("events");
    // Two branches arrive by replication: the higher rev hash wins.
    auto r = events->bulkDocs(
        {speaker("speaker:x", kRevA, "Branch A"), speaker("speaker:x", kRevF, "Branch F")}, false);
    REQUIRE(r.size() == 2);
    CHECK(speakerName(f.model, "speaker:x") == "Branch F");
    // A losing branch arriving later changes nothing.
    events->bulkDocs({speaker("speaker:x", kRevB, "Branch B")}, false);
    CHECK(speakerName(f.model, "speaker:x") == "Branch F");
    // Deleting the winner: the next branch (B beats A) becomes the winner.
    events->remove("speaker:x", kRevF);
    CHECK(speakerName(f.model, "speaker:x") == "Branch B");
    events->remove("speaker:x", kRevB);
    CHECK(speakerName(f.model, "speaker:x") == "Branch A");
    // Deleting the last live branch: the document vanishes from the projections.
    events->remove("speaker:x", kRevA);
    CHECK_FALSE(f.model.speaker("speaker:x", "en").has_value());
    // Resurrected by a new edit on top of the tombstone: it comes back.
    events->put(speaker("speaker:x", "", "Back again"));
    CHECK(speakerName(f.model, "speaker:x") == "Back again");
    // An ordinary edit replaces the row.
    Json current = events->get("speaker:x");
    current["name"] = {{"en", "Edited"}};
    events->put(current);
    CHECK(speakerName(f.model, "speaker:x") == "Edited");
}

TEST_CASE("documents of the wrong shape are stored but skipped, with a reason", "[model][projection]") {
    std::vector<std::string> logged;
    storage::setProjectionLog([&](const std::string& line) { logged.push_back(line); });
    {
        test::ModelFixture f;
        auto events = f.db("events");
        events->put(Json{{"_id", "session:bad-time"},
                         {"type", "session"},
                         {"event", "event:e"},
                         {"start", "tomorrow"},
                         {"end", "2019-07-25T10:00"},
                         {"title", {{"en", "x"}}}});
        events->put(Json{{"_id", "session:bad-title"},
                         {"type", "session"},
                         {"event", "event:e"},
                         {"start", "2019-07-25T09:00"},
                         {"end", "2019-07-25T10:00"},
                         {"title", 42}});
        events->put(Json{{"_id", "thing:1"}, {"type", "spaceship"}});
        events->put(Json{{"_id", "notype"}, {"hello", "world"}});
        events->put(Json{{"_id", "event:e"},
                         {"type", "event"},
                         {"title", {{"en", "E"}}},
                         {"timezone", "Asia/Almaty"},
                         {"start_date", "2019-07-25"},
                         {"end_date", "2019-07-24"}});
        f.db("library")->put(Json{{"_id", "std:X"},
                                  {"type", "standard"},
                                  {"code", "X"},
                                  {"kind", "convention"},
                                  {"title", {{"en", "X"}}},
                                  {"articles", {{{"id", "a1"}}}}});
        auto user = f.db(storage::userDatabaseName("anna"));
        user->put(Json{{"_id", "event:sneaky"},
                       {"type", "event"},
                       {"title", {{"en", "Sneaky"}}},
                       {"timezone", "UTC"},
                       {"start_date", "2019-07-25"},
                       {"end_date", "2019-07-25"}});
        // All stored as documents...
        CHECK(events->info().docCount == 5);
        // ...none projected, each with a reason.
        CHECK(f.model.events("en").empty());
        CHECK(f.model.standards("en").empty());
        auto skipped = f.model.skippedDocuments();
        REQUIRE(skipped.size() == 7);
        std::map<std::string, std::string> reasons;
        for (auto& s : skipped) reasons[s.id] = s.reason;
        CHECK(reasons["session:bad-time"].find("'start'") != std::string::npos);
        CHECK(reasons["session:bad-title"].find("'title'") != std::string::npos);
        CHECK(reasons["thing:1"].find("unknown type 'spaceship'") != std::string::npos);
        CHECK(reasons["notype"].find("'type'") != std::string::npos);
        CHECK(reasons["event:e"].find("end_date") != std::string::npos);
        CHECK(reasons["std:X"].find("article 1") != std::string::npos);
        CHECK(reasons["event:sneaky"].find("user database") != std::string::npos);
        CHECK(logged.size() == 7);
        // Fixing a document brings it in and clears its reason.
        Json fixed = events->get("event:e");
        fixed["end_date"] = "2019-07-27";
        events->put(fixed);
        CHECK(f.model.events("en").size() == 1);
        CHECK(f.model.skippedDocuments().size() == 6);
    }
    storage::setProjectionLog(nullptr);
}

TEST_CASE("a store opened again keeps its projections; deleting a database drops them",
          "[model][projection]") {
    test::ModelTempDir dir("kenes-model-reopen");
    {
        auto store = storage::openLibraryStore(dir.path());
        store->database("events", true)->put(speaker("speaker:y", "", "Persisted"));
    }
    {
        auto store = storage::openLibraryStore(dir.path());
        storage::Model model(*store);
        CHECK(speakerName(model, "speaker:y") == "Persisted");
        store->deleteDatabase("events");
        CHECK_FALSE(model.speaker("speaker:y", "en").has_value());
    }
}

TEST_CASE("documents written before the model was registered are projected when it is",
          "[model][projection]") {
    test::ModelTempDir dir("kenes-model-rebuild");
    {
        auto plain = storage::Store::open(dir.path());  // no model: nothing projected
        plain->database("events", true)->put(speaker("speaker:z", "", "Written early"));
    }
    auto store = storage::openLibraryStore(dir.path());
    storage::Model model(*store);
    CHECK(speakerName(model, "speaker:z") == "Written early");
}

TEST_CASE("projections built by another schema version are rebuilt from the documents",
          "[model][projection]") {
    test::ModelTempDir dir("kenes-model-schema");
    {
        auto store = storage::openLibraryStore(dir.path());
        store->database("events", true)->put(speaker("speaker:v", "", "Versioned"));
        store->database("events", true)->put(speaker("speaker:w", "", "Removed later"));
    }
    {
        // An older build's projections: a stale version number and a row that is no longer true.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(storage::SqliteStore::fileName(dir.path()).string().c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db,
                             "UPDATE proj_meta SET value='1' WHERE key='schema_version';"
                             "INSERT INTO proj_speakers(db, id, name) VALUES('events', 'speaker:ghost', "
                             "'{\"en\":\"Ghost\"}');",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    auto store = storage::openLibraryStore(dir.path());
    storage::Model model(*store);
    CHECK(speakerName(model, "speaker:v") == "Versioned");
    CHECK(speakerName(model, "speaker:w") == "Removed later");
    CHECK_FALSE(model.speaker("speaker:ghost", "en").has_value());
}

TEST_CASE("readers query while a writer writes", "[model][projection]") {
    test::ModelFixture f;
    auto events = f.db("events");
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            while (!done) {
                try {
                    f.model.search("speaker", {});
                    f.model.speaker("speaker:0", "en");
                    f.model.standards("ru");
                } catch (...) {
                    ++failures;
                }
            }
        });
    }
    for (int i = 0; i < 200; ++i)
        events->put(speaker("speaker:" + std::to_string(i), "", "Speaker " + std::to_string(i)));
    done = true;
    for (auto& t : readers) t.join();
    CHECK(failures == 0);
    CHECK(speakerName(f.model, "speaker:199") == "Speaker 199");
}
