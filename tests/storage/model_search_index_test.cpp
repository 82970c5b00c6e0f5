// The search index is written for a whole write transaction at once, just before it commits:
// it must then hold exactly what indexing each document on its own would, never rows of a
// refused or rolled-back document, and pass FTS5's own integrity checks.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "model_test_util.h"
#include "storage/sqlite_store.h"
#include "storage/write_context.h"

using namespace kenes;
using storage::Json;

namespace {

Json speaker(const std::string& id, const std::string& name) {
    return {{"_id", id}, {"type", "speaker"}, {"name", {{"en", name}, {"ru", name}}}};
}

Json session(const std::string& id, const std::string& title, const std::vector<std::string>& speakers) {
    return {{"_id", id},
            {"type", "session"},
            {"event", "event:x"},
            {"start", "2026-07-20T09:30"},
            {"end", "2026-07-20T11:00"},
            {"title", {{"en", title + " (en)"}, {"ru", title + " (ru)"}}},
            {"abstract",
             {{"en", "Supervisory machinery, case studies"}, {"ru", "Контрольные механизмы, примеры"}}},
            {"speakers", speakers}};
}

Json standard() {
    return {
        {"_id", "std:C087"},
        {"type", "standard"},
        {"code", "C087"},
        {"kind", "convention"},
        {"number", 87},
        {"title", {{"en", "Freedom of Association Convention"}, {"ru", "Конвенция о свободе ассоциации"}}},
        {"text_kind", "summary"},
        {"summary", {{"en", "Workers and employers may form organisations."}}},
        {"articles",
         {{{"id", "art2"},
           {"number", "2"},
           {"part", {{"en", "Part I"}}},
           {"heading", {{"en", "Right to organise"}, {"ru", "Право на организацию"}}},
           {"text",
            {{"en", "Without previous authorisation."}, {"ru", "Без предварительного разрешения."}}}}}}};
}

Json note(const std::string& id, const std::string& title, const std::string& body) {
    return {{"_id", id}, {"type", "note"}, {"title", title}, {"body", body}, {"tags", {"cfa", "art22"}}};
}

// Every search row, in a stable order, as text.
std::vector<std::string> searchRows(storage::Store& store) {
    auto& sqlite = dynamic_cast<storage::SqliteStore&>(store);
    std::vector<std::string> rows;
    sqlite.read([&](sqlite3*, storage::ModelSql& sql) {
        auto q = sql.prepare(
            "SELECT db, doc_id, kind, item, lang, label, target, title, body, extra FROM search_docs "
            "ORDER BY db, doc_id, kind, item, lang");
        while (q.step()) {
            std::string row;
            for (int c = 0; c < 10; ++c) row += q.text(c) + "|";
            rows.push_back(row);
        }
    });
    return rows;
}

// FTS5's integrity checks of the three indexes against search_docs (throws when one fails).
void checkIndexes(storage::Store& store) {
    dynamic_cast<storage::SqliteStore&>(store).write([](storage::WriteContext& txn) {
        txn.sql().exec(
            "INSERT INTO search_fts(search_fts) VALUES('integrity-check');"
            "INSERT INTO search_tri(search_tri) VALUES('integrity-check');"
            "INSERT INTO search_tri_title(search_tri_title) VALUES('integrity-check');");
    });
}

int64_t ftsMatches(storage::Store& store, const std::string& table, const std::string& query) {
    int64_t n = 0;
    dynamic_cast<storage::SqliteStore&>(store).read([&](sqlite3* db, storage::ModelSql&) {
        const std::string text = "SELECT count(*) FROM " + table + " WHERE " + table + " MATCH ?1";
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, text.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
        sqlite3_bind_text(stmt, 1, query.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
    });
    return n;
}

// Refuses (400) every winner whose body has "refuse": true, after the projections saw it.
class RefusingObserver : public storage::DocumentObserver {
public:
    void onWinnerChanged(storage::WriteContext&, const std::string&, const std::string& docId,
                         const Json* winner, bool) override {
        if (winner && winner->value("refuse", false))
            throw storage::StoreError(400, "forbidden_shape", "refused " + docId);
    }
    void onDatabaseDeleted(storage::WriteContext&, const std::string&) override {}
};

}  // namespace

TEST_CASE("a batch is indexed as its documents one by one would be", "[model][projection][search]") {
    // Replicated revisions, so that the same batch can be written at once or one by one.
    auto revised = [](Json doc, int generation, std::vector<std::string> ids) {
        doc["_rev"] = std::to_string(generation) + "-" + ids.front();
        doc["_revisions"] = Json::object();
        doc["_revisions"]["start"] = static_cast<unsigned>(generation);
        doc["_revisions"]["ids"] = ids;
        return doc;
    };
    const std::string a(32, 'a'), b(32, 'b');
    std::vector<Json> events = {
        revised(speaker("speaker:anna", "Anna Petrova"), 1, {a}),
        revised(session("session:a", "Complaints", {"speaker:anna"}), 1, {a}),
        revised(session("session:b", "Reporting", {"speaker:anna", "speaker:boris"}), 1, {a}),
        revised(speaker("speaker:boris", "Boris Ivanov"), 1, {a}),
        // renamed in the same batch
        revised(speaker("speaker:anna", "Anna Sidorova"), 2, {b, a}), revised(standard(), 1, {a}),
        // a new session arriving as two conflicting branches in the same batch: the second wins
        revised(session("session:c", "Branch one", {"speaker:anna", "speaker:boris"}), 1, {a}),
        revised(session("session:c", "Branch two", {"speaker:boris"}), 1, {b})};
    std::vector<Json> user = {revised(note("note:1", "Заметки", "Обсуждали жалобы"), 1, {a}),
                              revised(note("note:2", "", "Only a body"), 1, {a})};

    test::ModelFixture batched;
    for (const auto& r : batched.db("events")->bulkDocs(events, false)) {
        INFO(r.id << ": " << r.error << " " << r.reason);
        REQUIRE(r.ok());
    }
    batched.db(storage::userDatabaseName("anna"))->bulkDocs(user, false);

    test::ModelFixture single;
    for (const auto& doc : events) single.db("events")->bulkDocs({doc}, false);
    for (const auto& doc : user) single.db(storage::userDatabaseName("anna"))->bulkDocs({doc}, false);

    const auto rows = searchRows(*batched.store);
    CHECK(rows == searchRows(*single.store));
    CHECK(rows.size() == 3 * 2 + 2 * 2 + 2);  // three sessions, a standard and its article, two notes
    // Only the winning branch of session:c is projected (the first branch's rows were replaced).
    std::string projected;
    dynamic_cast<storage::SqliteStore&>(*batched.store).read([&](sqlite3*, storage::ModelSql& sql) {
        auto q = sql.prepare(
            "SELECT s.title || ':' || (SELECT group_concat(speaker) FROM proj_session_speakers "
            "WHERE db=s.db AND session=s.id) FROM proj_sessions s WHERE s.id='session:c'");
        while (q.step()) projected += q.text(0) + ";";
    });
    CHECK(projected.find("Branch two") != std::string::npos);
    CHECK(projected.find("Branch one") == std::string::npos);
    CHECK(projected.find(":speaker:boris;") != std::string::npos);
    CHECK(projected.find("anna") == std::string::npos);
    checkIndexes(*batched.store);
    CHECK(ftsMatches(*batched.store, "search_fts", "extra:sidorova") == 4);  // sessions a and b, en and ru
    CHECK(ftsMatches(*batched.store, "search_fts", "extra:petrova") == 0);
    CHECK(ftsMatches(*batched.store, "search_tri", "\"Ivanov\"") == 4);  // sessions b and c

    // Renaming a speaker later re-indexes the sessions that list them, in the same transaction.
    Json anna = batched.db("events")->get("speaker:anna");
    anna["name"] = {{"en", "Anna Kim"}};
    batched.db("events")->put(anna);
    CHECK(ftsMatches(*batched.store, "search_fts", "extra:sidorova") == 0);
    CHECK(ftsMatches(*batched.store, "search_fts", "extra:kim") == 4);
    // Deleting a session and a note removes their rows.
    CHECK(ftsMatches(*batched.store, "search_fts", "жалоба") == 1);
    batched.db("events")->remove("session:b",
                                 batched.db("events")->get("session:b")["_rev"].get<std::string>());
    auto notes = batched.db(storage::userDatabaseName("anna"));
    notes->remove("note:1", notes->get("note:1")["_rev"].get<std::string>());
    CHECK(searchRows(*batched.store).size() == 2 * 2 + 2 * 2 + 1);
    CHECK(ftsMatches(*batched.store, "search_fts", "жалоба") == 0);
    checkIndexes(*batched.store);
}

TEST_CASE("refused and rolled-back documents leave the search index as it was",
          "[model][projection][search]") {
    test::ModelFixture f;
    auto events = f.db("events");
    events->put(session("session:a", "Complaints", {}));
    const auto before = searchRows(*f.store);
    REQUIRE(before.size() == 2);

    // A second observer refuses one document of a batch after the projections saw it.
    f.store->addObserver(std::make_shared<RefusingObserver>());
    Json edited = events->get("session:a");
    edited["title"] = {{"en", "Renamed"}};
    edited["refuse"] = true;
    auto results = events->bulkDocs({edited, session("session:b", "Reporting", {})}, true);
    REQUIRE(results.size() == 2);
    CHECK(results[0].error == "forbidden_shape");
    CHECK(results[1].ok());
    auto rows = searchRows(*f.store);
    CHECK(rows.size() == 4);
    CHECK(std::count(rows.begin(), rows.end(), before[0]) == 1);
    CHECK(ftsMatches(*f.store, "search_fts", "title:renamed") == 0);
    CHECK(ftsMatches(*f.store, "search_fts", "title:complaints") == 2);

    // A whole write transaction that fails after storing a document: no trace, and the next
    // write indexes only its own documents.
    auto& sqlite = dynamic_cast<storage::SqliteStore&>(*f.store);
    CHECK_THROWS_AS(sqlite.write([&](storage::WriteContext&) {
        events->put(session("session:c", "Lost", {}));
        throw std::runtime_error("abandoned");
    }),
                    std::runtime_error);
    events->put(session("session:d", "Kept", {}));
    rows = searchRows(*f.store);
    CHECK(rows.size() == 6);
    CHECK(ftsMatches(*f.store, "search_fts", "title:lost") == 0);
    CHECK(ftsMatches(*f.store, "search_fts", "title:kept") == 2);
    CHECK_THROWS_AS(events->get("session:c"), storage::StoreError);
    checkIndexes(*f.store);
}
