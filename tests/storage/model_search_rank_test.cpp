// Search ranking and candidates: BM25 order inside a kind, every kind gets its own best rows, all
// terms before some, substrings in titles before text, the asked language, and results that follow
// writes (sizes and rows are cached per connection), and scans split over two connections that
// answer exactly like one.
#include <sqlite3.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "model_test_util.h"
#include "storage/model_sql.h"
#include "storage/search_query.h"
#include "storage/search_rank.h"
#include "storage/search_tokenizer.h"

using namespace kenes;
using storage::Json;

namespace {

storage::SearchResults find(test::ModelFixture& f, const std::string& q, const std::string& lang = "ru",
                            size_t limit = 10) {
    storage::SearchOptions o;
    o.language = lang;
    o.userDatabase = storage::userDatabaseName("anna");
    o.limitPerKind = limit;
    return f.model.search(q, o);
}

const storage::SearchGroup* group(const storage::SearchResults& r, const std::string& kind) {
    for (auto& g : r.groups)
        if (g.kind == kind) return &g;
    return nullptr;
}

std::vector<std::string> targets(const storage::SearchResults& r, const std::string& kind) {
    std::vector<std::string> out;
    if (auto* g = group(r, kind))
        for (auto& h : g->hits) out.push_back(h.target);
    return out;
}

Json article(const std::string& id, const std::string& heading, const std::string& text) {
    return Json{{"id", id}, {"number", id}, {"heading", {{"ru", heading}}}, {"text", {{"ru", text}}}};
}

Json standard(const std::string& code, Json articles) {
    return Json{{"_id", "std:" + code},
                {"type", "standard"},
                {"code", code},
                {"kind", "convention"},
                {"title", {{"ru", "Конвенция " + code}, {"en", "Convention " + code}}},
                {"articles", std::move(articles)}};
}

Json session(const std::string& id, const std::string& title, const std::string& abstract) {
    return Json{{"_id", id},
                {"type", "session"},
                {"event", "event:x"},
                {"start", "2019-07-26T09:30"},
                {"end", "2019-07-26T11:00"},
                {"title", {{"ru", title}}},
                {"abstract", {{"ru", abstract}}}};
}

// A read-only connection to the fixture's model with the search functions, as the model's readers.
struct Reader {
    explicit Reader(test::ModelFixture& f) {
        const std::string path = storage::modelDatabasePath(*f.store).string();
        REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
        REQUIRE(storage::registerSearchTokenizer(db));
        sql = std::make_unique<storage::ModelSql>(db);
    }
    ~Reader() {
        sql.reset();
        sqlite3_close_v2(db);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    sqlite3* db = nullptr;
    std::unique_ptr<storage::ModelSql> sql;
};

// Everything a search answered, as text: kinds, hits in order with every field and exact scores.
std::string describe(const storage::SearchResults& r) {
    std::string out;
    for (auto& g : r.groups) {
        out += "[" + g.kind + "]\n";
        for (auto& h : g.hits) {
            char score[40];
            std::snprintf(score, sizeof score, "%.17g", h.score);
            out += h.database + "|" + h.docId + "|" + h.item + "|" + h.target + "|" + h.label + "|" +
                   h.language + "|" + score + "|" + (h.substring ? "sub" : "word") + "|" + h.snippet + "\n";
        }
    }
    return out;
}

}  // namespace

TEST_CASE("rows are ranked by BM25 within each kind", "[model][search]") {
    test::ModelFixture f;
    const std::string filler = " Текст статьи о правах работников и обязанностях сторон трудового договора.";
    f.db("library")->put(standard(
        "C100",
        Json::array({article("a1", "Общие положения", "Бюджет упомянут один раз." + filler + filler + filler),
                     article("a2", "Бюджет организации", "Порядок утверждения." + filler),
                     article("a3", "Разное", "Бюджет, бюджет и снова бюджет." + filler),
                     article("a4", "Прочее", "Ничего об этом." + filler)})));
    auto r = find(f, "бюджета");
    // The heading (weight 5) first, then three mentions in the text, then one mention in a long text.
    CHECK(targets(r, "article") == std::vector<std::string>{"std:C100#a2", "std:C100#a3", "std:C100#a1"});
    auto* articles = group(r, "article");
    REQUIRE(articles);
    CHECK(articles->hits[0].score < articles->hits[1].score);
    CHECK(articles->hits[1].score < articles->hits[2].score);
}

TEST_CASE("many hits of one kind do not crowd out another kind", "[model][search]") {
    test::ModelFixture f;
    Json articles = Json::array();
    for (int i = 0; i < 450; ++i)
        articles.push_back(article("a" + std::to_string(i), "Бюджет профсоюза, часть " + std::to_string(i),
                                   "Бюджет профсоюза утверждает конференция."));
    f.db("library")->put(standard("C200", std::move(articles)));
    // One session that mentions the word once in a long abstract: it ranks below every article.
    std::string abstract = "Обсуждение итогов года.";
    for (int i = 0; i < 20; ++i) abstract += " Участники рассказывают о работе комитетов и обучении.";
    f.db("events")->put(session("session:s1", "Итоги года", abstract + " Бюджет тоже обсудим."));
    auto r = find(f, "бюджет");
    CHECK(targets(r, "article").size() == 10);
    CHECK(targets(r, "session") == std::vector<std::string>{"session:s1"});
    CHECK(targets(find(f, "бюджет", "ru", 3), "article").size() == 3);
}

TEST_CASE("rows holding every term come before rows holding some", "[model][search]") {
    test::ModelFixture f;
    f.db("library")->put(standard("C300", Json::array({article("a1", "Бюджет", "Смета расходов."),
                                                       article("a2", "Бюджет и зарплата", "Смета."),
                                                       article("a3", "Зарплата", "Выплаты.")})));
    // Only one article holds both words; the others follow as substring hits (words found too few).
    auto both = find(f, "бюджет зарплата");
    REQUIRE(group(both, "article"));
    auto& hits = group(both, "article")->hits;
    REQUIRE(hits.size() == 3);
    CHECK(hits[0].target == "std:C300#a2");
    CHECK_FALSE(hits[0].substring);
    CHECK(hits[1].substring);
    CHECK(hits[2].substring);
    // Nothing holds both: any term may match.
    auto some = targets(find(f, "бюджет пенсия"), "article");
    CHECK(some == std::vector<std::string>{"std:C300#a1", "std:C300#a2"});
}

TEST_CASE("substrings are found in titles first, then in text", "[model][search]") {
    test::ModelFixture f;
    f.db("events")->put(session("session:t", "Профсоюзный бюджет", "Отчёт комиссии."));
    f.db("events")->put(session("session:b", "Отчёт комиссии", "Профсоюзная касса и взносы."));
    // One title holds the substring: only one hit, fewer than the limit, so text is searched too.
    auto r = find(f, "союз");
    REQUIRE(group(r, "session"));
    CHECK(targets(r, "session") == std::vector<std::string>{"session:t", "session:b"});
    for (auto& h : group(r, "session")->hits) CHECK(h.substring);
    // With a limit of one, the title hit is enough.
    CHECK(targets(find(f, "союз", "ru", 1), "session") == std::vector<std::string>{"session:t"});
}

TEST_CASE("an item matched in several languages shows the asked one", "[model][search]") {
    test::ModelFixture f;
    f.db("library")->put(
        standard("C400", Json::array({Json{{"id", "a1"},
                                           {"number", "1"},
                                           {"heading", {{"ru", "Статья C400"}, {"en", "Article C400"}}},
                                           {"text", {{"ru", "Текст."}, {"en", "Text."}}}}})));
    for (const std::string lang : {"ru", "en"}) {
        auto r = find(f, "C400", lang);
        auto* articles = group(r, "article");
        REQUIRE(articles);
        REQUIRE(articles->hits.size() == 1);  // one item, though both languages' rows match
        CHECK(articles->hits[0].language == lang);
        CHECK(articles->hits[0].label.find(lang == "ru" ? "Статья" : "Article") != std::string::npos);
        REQUIRE(group(r, "standard"));
        CHECK(group(r, "standard")->hits[0].language == lang);
    }
}

TEST_CASE("search follows writes: new, changed and deleted rows", "[model][search]") {
    test::ModelFixture f;
    auto notes = f.db(storage::userDatabaseName("anna"));
    auto first = notes->put(
        Json{{"_id", "note:1"}, {"type", "note"}, {"title", "Профсоюзный план"}, {"body", "Бюджет"}});
    CHECK(targets(find(f, "бюджет"), "note") == std::vector<std::string>{"note:1"});
    CHECK(targets(find(f, "союз"), "note") == std::vector<std::string>{"note:1"});
    // Rows written after the first search (sizes and rows are cached per connection) are found.
    notes->put(Json{{"_id", "note:2"}, {"type", "note"}, {"title", "Бюджет на год"}, {"body", "Смета"}});
    CHECK(targets(find(f, "бюджет"), "note") == std::vector<std::string>{"note:2", "note:1"});
    // A changed title leaves the title index; a deleted note leaves every index.
    auto second = notes->put(Json{
        {"_id", "note:1"}, {"_rev", first.rev}, {"type", "note"}, {"title", "План"}, {"body", "Бюджет"}});
    CHECK(targets(find(f, "союз"), "note").empty());
    notes->remove("note:1", second.rev);
    CHECK(targets(find(f, "бюджет"), "note") == std::vector<std::string>{"note:2"});
    CHECK(targets(find(f, "план"), "note").empty());
}

TEST_CASE("a search split over two connections answers exactly like one", "[model][search]") {
    test::ModelFixture f;
    const char* words[] = {"бюджет", "профсоюз", "работники", "договор",
                           "union",  "workers",  "budget",    "свобода"};
    Json articles = Json::array();
    for (int i = 0; i < 120; ++i) {
        std::string text;
        for (int k = 0; k < 1 + i % 5; ++k) text += std::string(words[(i * 3 + k) % 8]) + " и ещё слова. ";
        articles.push_back(
            Json{{"id", "a" + std::to_string(i)},
                 {"number", std::to_string(i)},
                 {"heading", {{"ru", std::string("Статья ") + words[i % 8]}, {"en", "Article"}}},
                 {"text", {{"ru", text}, {"en", std::string("The ") + words[(i + 4) % 8] + " text."}}}});
    }
    f.db("library")->put(standard("C400", std::move(articles)));
    for (int i = 0; i < 40; ++i)
        f.db("events")->put(
            session("session:s" + std::to_string(i), std::string("Сессия ") + words[i % 8],
                    std::string(words[(i + 1) % 8]) + " " + words[(i + 5) % 8] + " обсуждение"));
    auto notes = f.db(storage::userDatabaseName("anna"));
    for (int i = 0; i < 30; ++i)
        notes->put(Json{{"_id", "note:" + std::to_string(i)},
                        {"type", "note"},
                        {"title", std::string("Заметка ") + words[(i + 2) % 8]},
                        {"body", std::string(words[i % 8]) + " профсоюзный"}});

    Reader one(f), two(f);
    storage::SearchOptions o;
    o.language = "ru";
    o.userDatabase = storage::userDatabaseName("anna");
    const char* queries[] = {
        "бюджета",   "проф*",         "бюджет профсоюз", "бюджет профсоюз работники",
        "\"и ещё\"", "союз",          "budget union",    "бюджет пенсия",
        "workers",   "нетакогослова", "бюдж* union",     "свобода договор workers budget"};
    for (const char* q : queries) {
        INFO(q);
        const auto alone = storage::executeSearch(*one.sql, q, o);
        const auto split = storage::executeSearch(*one.sql, q, o, two.sql.get());
        CHECK(describe(split) == describe(alone));
        CHECK(describe(split) == describe(f.model.search(q, o)));
    }
    CHECK_FALSE(describe(storage::executeSearch(*one.sql, "бюджет профсоюз", o, two.sql.get())).empty());
    // Both connections read the same index here, so the helper is used.
    one.sql->exec("BEGIN");
    two.sql->exec("BEGIN");
    CHECK(storage::sameIndexState(*one.sql, *two.sql, storage::SearchIndex::Words));
    CHECK(storage::sameIndexState(*one.sql, *two.sql, storage::SearchIndex::Substrings));
    one.sql->exec("COMMIT");
    two.sql->exec("COMMIT");
}

TEST_CASE("a helper connection that reads another index state is not used", "[model][search]") {
    test::ModelFixture f;
    auto notes = f.db(storage::userDatabaseName("anna"));
    auto first =
        notes->put(Json{{"_id", "note:1"}, {"type", "note"}, {"title", "Бюджет"}, {"body", "Смета года"}});
    Reader one(f), two(f);
    storage::SearchOptions o;
    o.language = "ru";
    o.userDatabase = storage::userDatabaseName("anna");
    // Each write between the two read transactions' starts changes the state: a new row, a row
    // changed to text of the same size (same row count and column sizes), a deleted row.
    auto second = first;
    const std::function<void()> writes[] = {
        [&] {
            second =
                notes->put(Json{{"_id", "note:2"}, {"type", "note"}, {"title", "Бюджет"}, {"body", "План"}});
        },
        [&] {
            first = notes->put(Json{{"_id", "note:1"},
                                    {"_rev", first.rev},
                                    {"type", "note"},
                                    {"title", "Бюджет"},
                                    {"body", "Смета месяца"}});
        },
        [&] { notes->remove("note:2", second.rev); },
    };
    for (const auto& write : writes) {
        one.sql->exec("BEGIN");
        const auto before = describe(storage::executeSearch(*one.sql, "бюджет смета", o));
        write();
        two.sql->exec("BEGIN");
        CHECK_FALSE(storage::sameIndexState(*one.sql, *two.sql, storage::SearchIndex::Words));
        // The search sees the first connection's snapshot only, with or without the helper.
        CHECK(describe(storage::executeSearch(*one.sql, "бюджет смета", o, two.sql.get())) == before);
        CHECK(describe(storage::executeSearch(*one.sql, "бюдж*", o, two.sql.get())) ==
              describe(storage::executeSearch(*one.sql, "бюдж*", o)));
        one.sql->exec("COMMIT");
        two.sql->exec("COMMIT");
    }
    // After the writes, the note's new text is found.
    CHECK(describe(f.model.search("месяца", o)).find("note:1") != std::string::npos);
}

TEST_CASE("searches from several threads at once answer like one at a time", "[model][search]") {
    test::ModelFixture f;
    const char* words[] = {"бюджет", "профсоюз", "работники", "договор"};
    Json articles = Json::array();
    for (int i = 0; i < 80; ++i)
        articles.push_back(article("a" + std::to_string(i), std::string("Статья ") + words[i % 4],
                                   std::string(words[(i + 1) % 4]) + " и " + words[(i + 2) % 4]));
    f.db("library")->put(standard("C500", std::move(articles)));
    const std::vector<std::string> queries = {"бюджет", "профсоюз работники", "дог*", "союз",
                                              "\"и договор\""};
    std::vector<std::string> expected;
    for (const auto& q : queries) expected.push_back(describe(find(f, q)));
    // Four threads share the one worker thread: whoever finds it busy scans alone.
    std::vector<std::string> failures;
    std::mutex mutex;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 20; ++round) {
                const size_t i = static_cast<size_t>(t + round) % queries.size();
                if (describe(find(f, queries[i])) != expected[i]) {
                    std::lock_guard lock(mutex);
                    failures.push_back(queries[i]);
                }
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(failures.empty());
    CHECK_FALSE(expected[1].empty());
}
