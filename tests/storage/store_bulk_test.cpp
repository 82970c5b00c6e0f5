// The bulk write path: bodies serialised straight from the documents (byte-for-byte what
// nlohmann::json::dump gives, so local revision hashes do not change), the batch's trees read up
// front, and per-document rollback with and without observers.
#include <catch2/catch.hpp>

#include "storage/json_text.h"
#include "storage/sqlite_database.h"
#include "store_test_util.h"

using namespace kenes::storage;
using kenes::storage::test::replicated;
using kenes::storage::test::TempStore;

namespace {

// The old way: strip the special members into a copy, then dump it.
std::string stripAndDump(const Json& doc) {
    Json body = Json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.key().empty() || it.key()[0] != '_') body[it.key()] = it.value();
    return body.dump();
}

// Refuses (400) every winner whose body has "refuse": true.
class RefusingObserver : public DocumentObserver {
public:
    void onWinnerChanged(WriteContext&, const std::string&, const std::string& docId, const Json* winner,
                         bool) override {
        if (winner && winner->value("refuse", false))
            throw StoreError(400, "forbidden_shape", "refused " + docId);
        seen.push_back(docId);
    }
    void onDatabaseDeleted(WriteContext&, const std::string&) override {}
    std::vector<std::string> seen;
};

}  // namespace

TEST_CASE("document bodies are written exactly as nlohmann::json dumps them", "[storage][bulk]") {
    std::vector<Json> docs = {
        Json::object(),
        {{"_id", "a"}, {"_rev", "1-x"}, {"title", "Ёлка, й and 日本語 🎄"}},
        {{"text",
          std::string("quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f ctl \x01\x1f del \x7f")}},
        {{"n", -42}, {"u", 18446744073709551615ull}, {"f", 0.1}, {"e", 1e300}, {"g", -0.0}, {"z", 3.0}},
        {{"nested", {{"a", Json::array({1, "two", nullptr, true, false, Json::object(), Json::array()})}}}},
        {{"long", std::string(1000, 'x') + "\"" + std::string(33, 'y') + "\xc3\xa9" + std::string(17, 'z')}},
        {{"_deleted", true}, {"_revisions", {{"start", 1}, {"ids", {"x"}}}}, {"k", "v"}},
    };
    for (int i = 0; i < 64; ++i) {  // every short run around the 8- and 16-byte blocks
        std::string s(static_cast<size_t>(i), 'a');
        if (i > 0) s[static_cast<size_t>(i) / 2] = (i % 3 == 0) ? '\n' : (i % 3 == 1) ? '"' : '\x02';
        docs.push_back({{"s", s}, {std::string(static_cast<size_t>(i), 'k'), i}});
    }
    for (const auto& doc : docs) CHECK(documentBodyText(doc) == stripAndDump(doc));

    for (std::string bad :
         {std::string("\xff"), std::string("ok\xc3\x28"), std::string(20, 'a') + "\xed\xa0\x80",
          std::string("\xf4\x90\x80\x80"), std::string("\xc0\xaf"), std::string(40, 'b') + "\xe2\x82"}) {
        try {
            documentBodyText({{"t", bad}});
            FAIL("invalid UTF-8 accepted");
        } catch (const StoreError& e) {
            CHECK(e.status() == 400);
        }
    }
    try {
        documentBodyText({{"_attachments", Json::object()}});
        FAIL("unknown special member accepted");
    } catch (const StoreError& e) {
        CHECK(e.error() == "doc_validation");
    }
}

TEST_CASE("local revision hashes do not depend on how the body is serialised", "[storage][bulk]") {
    // A local edit's revision is md5(body text + "\n" + parent + "\n" + deleted flag); the value
    // below is md5('{"n":1.5,"tags":["a","b"],"title":"Ёлка"}\n\n0'), the body as
    // nlohmann::json dumps it. Member order in the input does not matter.
    TempStore store;
    auto db = store->createDatabase("d");
    auto rev = db->put({{"_id", "n"}, {"title", "Ёлка"}, {"n", 1.5}, {"tags", {"a", "b"}}}).rev;
    CHECK(rev == "1-fb8c58d6a654bc95be930f4122fffb0c");
}

TEST_CASE("a batch reads existing trees up front and sees its own earlier writes", "[storage][bulk]") {
    TempStore store;
    auto db = store->createDatabase("d");
    REQUIRE(db->bulkDocs({replicated("old", {"2-b", "1-a"}, {{"v", 1}})}, false).front().ok());

    // One batch: an update of an existing document, two new ones, the same new id twice (the second
    // extends the first), and a known revision that changes nothing.
    auto res =
        db->bulkDocs({replicated("old", {"3-c", "2-b"}, {{"v", 2}}), replicated("new", {"1-x"}, {{"v", 1}}),
                      replicated("new", {"2-y", "1-x"}, {{"v", 2}}), replicated("other", {"1-o"}),
                      replicated("old", {"2-b", "1-a"}, {{"v", 1}})},
                     false);
    REQUIRE(res.size() == 5);
    for (const auto& r : res) CHECK(r.ok());
    CHECK(db->get("old")["_rev"] == "3-c");
    CHECK(db->get("old")["v"] == 2);
    GetOptions revs;
    revs.revs = true;
    revs.conflicts = true;
    auto n = db->get("new", revs);
    CHECK(n["_rev"] == "2-y");
    CHECK(n["_revisions"]["ids"] == Json::array({"y", "x"}));
    CHECK_FALSE(n.contains("_conflicts"));
    CHECK(db->info().docCount == 3);
    CHECK(db->info().updateSeq == 5);  // 1 + four changes (the known revision is not one)

    // Local edits: the same id twice in one batch; the second without _rev conflicts with the first.
    auto local = db->bulkDocs({{{"_id", "l"}, {"v", 1}}, {{"_id", "l"}, {"v", 2}}}, true);
    CHECK(local[0].ok());
    CHECK(local[1].error == "conflict");
    CHECK(db->get("l")["v"] == 1);
}

TEST_CASE("a refused document leaves no trace while the rest of its batch lands", "[storage][bulk]") {
    TempStore store;
    auto db = store->createDatabase("d");
    auto observer = std::make_shared<RefusingObserver>();

    SECTION("without observers, a bad document is refused before anything is written") {
        auto res = db->bulkDocs({replicated("a", {"1-a"}),
                                 {{"_id", "b"}, {"_rev", "1-b"}, {"_bad", 1}},
                                 {{"_id", "c"}, {"_rev", "1-c"}, {"t", std::string("\xff")}},
                                 replicated("d", {"1-d"})},
                                false);
        CHECK(res[0].ok());
        CHECK(res[1].error == "doc_validation");
        CHECK(res[2].error == "bad_request");
        CHECK(res[3].ok());
        CHECK(db->info().docCount == 2);
        CHECK(db->info().updateSeq == 2);
        CHECK(db->changes({}).results.size() == 2);
    }
    SECTION("an observer's refusal rolls back that document alone") {
        store->addObserver(observer);
        auto res = db->bulkDocs({replicated("a", {"1-a"}), replicated("b", {"1-b"}, {{"refuse", true}}),
                                 replicated("c", {"1-c"})},
                                false);
        CHECK(res[0].ok());
        CHECK(res[1].error == "forbidden_shape");
        CHECK(res[2].ok());
        CHECK(observer->seen == std::vector<std::string>{"a", "c"});
        CHECK_THROWS_AS(db->get("b"), StoreError);
        CHECK(db->info().docCount == 2);
        auto changes = db->changes({});
        REQUIRE(changes.results.size() == 2);
        CHECK(changes.results[1].seq == 2);  // the refused document used no sequence number
        // The refused id can be written again in a later batch.
        CHECK(db->bulkDocs({replicated("b", {"1-b"}, {{"refuse", false}})}, false).front().ok());
    }
}

TEST_CASE("bulk_get as text answers what bulk_get answers", "[storage][bulk]") {
    TempStore store;
    auto db = store->createDatabase("d");
    REQUIRE(
        db->bulkDocs({replicated("a", {"2-b", "1-a"}, {{"Title", "Ёлка"}, {"n", 1}}),
                      replicated("a", {"2-c", "1-a"}, {{"n", 2}}), replicated("gone", {"1-g"}),
                      replicated("gone", {"2-h", "1-g"}, Json::object(), true), replicated("empty", {"1-e"}),
                      replicated("old", {"1-o"}, {{"v", 1}}), replicated("old", {"2-p", "1-o"}, {{"v", 2}})},
                     false)
            .size() == 7);
    db->compact();  // 1-o keeps its place in the tree but loses its body
    db->putLocal("cp", {{"seq", 5}});

    std::vector<BulkGetRequest> request = {
        {"a", std::nullopt},
        {"a", "2-b"},
        {"a", "2-c"},
        {"a", "9-z"},
        {"gone", std::nullopt},
        {"gone", "2-h"},
        {"empty", std::nullopt},
        {"old", "1-o"},
        {"old", "2-p"},
        {"nothing", std::nullopt},
        {"nothing", "1-x"},
        {"_local/cp", std::nullopt},
        {"_local/none", std::nullopt},
        {std::string("bad\xff"), std::nullopt},
        {std::string("bad\xff"), "1-x"},
    };
    for (bool withRevisions : {false, true}) {
        auto json = db->bulkGet(request, withRevisions);
        auto text = db->bulkGetText(request, withRevisions);
        REQUIRE(json.size() == text.size());
        for (size_t i = 0; i < json.size(); ++i) {
            INFO("entry " << i << " revs=" << withRevisions);
            CHECK(text[i].id == json[i].id);
            REQUIRE(text[i].docs.size() == json[i].docs.size());
            for (size_t k = 0; k < json[i].docs.size(); ++k) {
                const Json& expected = json[i].docs[k];
                bool expectOk = !(expected.contains("error") && !expected.contains("_id"));
                CHECK(text[i].docs[k].ok == expectOk);
                Json parsed = Json::parse(text[i].docs[k].json, nullptr, false);
                REQUIRE_FALSE(parsed.is_discarded());
                if (expected.contains("id") && !expected["id"].get<std::string>().empty() &&
                    !isValidUtf8(expected["id"].get<std::string>()))
                    continue;  // an invalid id is written with a replacement character in the text
                CHECK(parsed == expected);
            }
        }
    }
}

TEST_CASE("a changes page lists every leaf, winner first, with or without included conflicts",
          "[storage][bulk]") {
    TempStore store;
    auto db = store->createDatabase("d");
    for (int i = 0; i < 30; ++i) {
        std::string id = "doc" + std::to_string(i);
        db->bulkDocs({replicated(id, {"1-a"})}, false);
        if (i % 3 == 0) db->bulkDocs({replicated(id, {"2-x", "1-a"}), replicated(id, {"2-y", "1-a"})}, false);
        if (i % 5 == 0) db->bulkDocs({replicated(id, {"3-z", "2-y", "1-a"}, Json::object(), true)}, false);
    }
    ChangesOptions plain;
    plain.limit = 10;
    ChangesOptions withDocs = plain;
    withDocs.includeDocs = true;
    withDocs.conflicts = true;
    for (uint64_t since = 0;;) {
        plain.since = withDocs.since = since;
        auto a = db->changes(plain);
        auto b = db->changes(withDocs);
        REQUIRE(a.results.size() == b.results.size());
        if (a.results.empty()) break;
        for (size_t i = 0; i < a.results.size(); ++i) {
            CHECK(a.results[i].revs == b.results[i].revs);
            auto leaves = db->openRevs(a.results[i].id, std::nullopt, false, false);
            REQUIRE(a.results[i].revs.size() == leaves.size());
            for (size_t k = 0; k < leaves.size(); ++k) CHECK(a.results[i].revs[k] == leaves[k].rev);
        }
        since = a.lastSeq;
    }
}
