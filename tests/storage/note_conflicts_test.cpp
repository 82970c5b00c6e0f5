// Conflicted notes: listing them (also incrementally), reading both versions, resolving with one
// atomic write that leaves one live revision, refusing a resolution made on stale versions, and
// the union line merge that prefills the merged text.
#include <catch2/catch.hpp>

#include "storage/note_conflicts.h"
#include "store_test_util.h"

using namespace kenes::storage;
using kenes::storage::test::replicated;
using kenes::storage::test::TempStore;

namespace {

// note:1 with two live branches 2-b (older hash) and 2-c on top of 1-a, and a deleted branch.
void makeConflict(Database& db, const std::string& id = "note:1") {
    std::vector<Json> docs = {
        replicated(id, {"1-aaaa"}, {{"type", "note"}, {"title", "T"}, {"body", "one\ntwo\n"}}),
        replicated(id, {"2-bbbb", "1-aaaa"},
                   {{"type", "note"}, {"title", "T"}, {"body", "one\nlaptop\ntwo\n"}}),
        replicated(id, {"2-cccc", "1-aaaa"},
                   {{"type", "note"}, {"title", "T phone"}, {"body", "one\ntwo\nphone\n"}}),
        replicated(id, {"2-0000", "1-aaaa"}, {}, true),
    };
    for (const auto& r : db.bulkDocs(docs, false)) REQUIRE(r.ok());
}

size_t liveLeaves(Database& db, const std::string& id) {
    size_t n = 0;
    for (auto& leaf : db.openRevs(id, std::nullopt, false, false))
        if (!leaf.missing() && !leaf.doc->value("_deleted", false)) ++n;
    return n;
}

}  // namespace

TEST_CASE("conflicted notes are listed with both versions, winner first", "[storage][conflicts]") {
    TempStore store;
    auto db = store->database("userdb-74", true);
    db->put(Json{{"_id", "note:2"}, {"type", "note"}, {"title", "plain"}});
    makeConflict(*db);
    makeConflict(*db, "task:1");  // another prefix is not listed
    CHECK(conflictedDocumentIds(*db, "note:") == std::vector<std::string>{"note:1"});
    CHECK_FALSE(documentConflict(*db, "note:2"));
    CHECK_FALSE(documentConflict(*db, "note:missing"));
    auto c = documentConflict(*db, "note:1");
    REQUIRE(c);
    REQUIRE(c->versions.size() == 2);
    CHECK(c->versions[0].rev == "2-cccc");
    CHECK(c->versions[0].winner);
    CHECK(c->versions[0].body["title"] == "T phone");
    CHECK_FALSE(c->versions[0].body.contains("_id"));
    CHECK(c->versions[1].rev == "2-bbbb");
    CHECK_FALSE(c->versions[1].winner);
    CHECK(db->get("note:1")["_rev"] == "2-cccc");  // the same winner the store picks
}

TEST_CASE("resolving writes one revision on the winner and tombstones the other branches",
          "[storage][conflicts]") {
    TempStore store;
    auto db = store->database("userdb-74", true);
    makeConflict(*db);
    ConflictedIds tracked("note:");
    CHECK(tracked.update(*db));
    CHECK(tracked.contains("note:1"));
    auto c = documentConflict(*db, "note:1");
    REQUIRE(c);
    Json merged = c->versions[0].body;
    merged["body"] = "one\nlaptop\ntwo\nphone\n";
    merged["_id"] = "ignored";
    auto seqBefore = db->info().updateSeq;
    std::string rev = resolveConflict(*db, "note:1", c->revs(), merged);
    CHECK(rev.rfind("3-", 0) == 0);
    CHECK(db->info().updateSeq > seqBefore);
    CHECK(liveLeaves(*db, "note:1") == 1);
    GetOptions withConflicts;
    withConflicts.conflicts = true;
    Json doc = db->get("note:1", withConflicts);
    CHECK(doc["_rev"] == rev);
    CHECK(doc["body"] == "one\nlaptop\ntwo\nphone\n");
    CHECK_FALSE(doc.contains("_conflicts"));
    CHECK_FALSE(documentConflict(*db, "note:1"));
    CHECK(tracked.update(*db));
    CHECK(tracked.ids().empty());
    CHECK_FALSE(tracked.update(*db));

    // The rev is the one a local edit with that body gets: two devices resolving alike converge.
    TempStore other;
    auto db2 = other->database("userdb-74", true);
    makeConflict(*db2);
    Json body = merged;
    body.erase("_id");
    body["_id"] = "note:1";
    body["_rev"] = "2-cccc";
    CHECK(db2->put(body).rev == rev);
}

TEST_CASE("a resolution on versions that changed meanwhile is refused and writes nothing",
          "[storage][conflicts]") {
    TempStore store;
    auto db = store->database("userdb-74", true);
    makeConflict(*db);
    auto c = documentConflict(*db, "note:1");
    REQUIRE(c);
    // A third device's edit arrives through sync while the user merges.
    REQUIRE(db->bulkDocs({replicated("note:1", {"3-dddd", "2-bbbb", "1-aaaa"}, {{"body", "tablet"}})}, false)
                .front()
                .ok());
    auto seq = db->info().updateSeq;
    try {
        resolveConflict(*db, "note:1", c->revs(), Json{{"body", "merged"}});
        FAIL("no error");
    } catch (const StoreError& e) {
        CHECK(e.status() == 409);
        CHECK(e.reason().find("another device") != std::string::npos);
    }
    CHECK(db->info().updateSeq == seq);
    CHECK(liveLeaves(*db, "note:1") == 2);
    CHECK_THROWS_AS(resolveConflict(*db, "note:1", {}, Json::object()), StoreError);
    CHECK_THROWS_AS(resolveConflict(*db, "note:1", documentConflict(*db, "note:1")->revs(), Json::array()),
                    StoreError);
    // Keeping the losing branch's text as is.
    auto fresh = documentConflict(*db, "note:1");
    REQUIRE(fresh);
    CHECK(fresh->versions[0].rev == "3-dddd");
    resolveConflict(*db, "note:1", fresh->revs(), fresh->versions[1].body);
    CHECK(db->get("note:1")["title"] == "T phone");
    CHECK(liveLeaves(*db, "note:1") == 1);
}

TEST_CASE("the union merge keeps shared lines once and both sides' additions", "[storage][conflicts]") {
    CHECK(unionMergeText("a\nb\nc", "a\nb\nc") == "a\nb\nc");
    CHECK(unionMergeText("one\nlaptop\ntwo\n", "one\ntwo\nphone\n") == "one\nlaptop\ntwo\nphone\n");
    CHECK(unionMergeText("x\nA\ny", "x\nB\ny") == "x\nA\nB\ny");
    CHECK(unionMergeText("", "new") == "new");
    CHECK(unionMergeText("Заметка\nрусский", "Заметка\nEnglish") == "Заметка\nрусский\nEnglish");
}
