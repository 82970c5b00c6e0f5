// Model and search benchmark over the large dataset (bench/dataset_gen.h): search latency
// p50/p95 for 200 queries, one day's agenda, the standard reader. See bench/README.md.
// Usage: kenes_model_bench DIR [PASSES]   (generates the dataset into DIR when DIR has none)
// With PASSES > 1, every search (Kenes and the peer) is timed PASSES times and its fastest time
// counts, which filters out the other processes of a shared machine; the default is one pass.
// Search is also timed on one connection and one thread (Model::search uses two on a multi-core machine).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "bench/dataset_gen.h"
#include "storage/model.h"
#include "storage/model_sql.h"
#include "storage/model_store.h"
#include "storage/search_query.h"
#include "storage/search_tokenizer.h"

using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
    double p50, p95, max;
};

Figures percentiles(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
    return {at(0.50), at(0.95), ms.back()};
}

std::vector<std::string> queries() {
    std::vector<std::string> q;
    const char* ru[] = {"профсоюз",  "профсоюзами",   "организаций",      "работники",    "свободы",
                        "конвенции", "договоров",     "дискриминации",    "безопасности", "инспекция",
                        "жалоба",    "правительства", "законодательство", "отчетности",   "учет",
                        "надзора",   "механизм",      "представления",    "сессии",       "заработной"};
    const char* en[] = {"union",          "organisations", "workers",        "freedom",      "association",
                        "bargaining",     "agreement",     "discrimination", "remuneration", "inspection",
                        "complaints",     "government",    "legislation",    "supervisory",  "mechanism",
                        "representation", "ratified",      "provisions",     "safety",       "wages"};
    const char* phrases[] = {"\"право работников\"",       "\"trade union\"",
                             "\"collective bargaining\"",  "\"защита прав\"",
                             "\"freedom of association\"", "\"коллективных договоров\"",
                             "\"labour standards\"",       "\"трудовых норм\"",
                             "\"member states\"",          "\"принудительного труда\""};
    const char* prefixes[] = {"проф*",  "орган*", "работ*",   "конвен*",  "дискрим*",
                              "organ*", "work*",  "bargain*", "discrim*", "superv*"};
    const char* substrings[] = {"союз",   "ганиз",  "ботник", "ргани", "ination",
                                "bargai", "инспек", "nspect", "ассоц", "ratif"};
    for (auto w : ru) q.push_back(w);
    for (auto w : en) q.push_back(w);
    for (auto w : phrases) q.push_back(w);
    for (auto w : prefixes) q.push_back(w);
    for (auto w : substrings) q.push_back(w);
    for (size_t i = 0; i < 20; ++i)
        q.push_back(std::string(ru[i]) + " " + en[(i * 7) % 20]);  // mixed, two words
    for (size_t i = 0; i < 20; ++i) q.push_back(std::string(ru[i]) + " " + ru[(i * 3 + 1) % 20]);
    for (size_t i = 0; i < 20; ++i) q.push_back(std::string(en[i]) + " " + en[(i * 3 + 1) % 20]);
    std::vector<std::string> out;
    while (out.size() < 200) out.insert(out.end(), q.begin(), q.end());
    out.resize(200);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: kenes_model_bench DIR [PASSES]\n");
        return 2;
    }
    const int passes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
    const std::filesystem::path dir = argv[1];
    const bool fresh = !std::filesystem::exists(dir) || std::filesystem::is_empty(dir);
    auto store = kenes::storage::openLibraryStore(dir);
    if (fresh) {
        auto stats = kenes::bench::generateLargeDataset(*store);
        std::printf("generated: %zu documents, %.1f MB of article text, %.1f s\n", stats.documents,
                    stats.textBytes / 1e6, stats.seconds);
    }
    kenes::storage::Model model(*store);
    kenes::storage::SearchOptions options;
    options.userDatabase = kenes::storage::userDatabaseName("bench");
    options.language = "ru";

    // Warm up the page cache and statement caches.
    for (auto& q : queries()) model.search(q, options);
    std::vector<double> searchMs;
    size_t hits = 0;
    for (auto& q : queries()) {
        double best = 0;
        for (int pass = 0; pass < passes; ++pass) {
            auto t0 = Clock::now();
            auto r = model.search(q, options);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            best = pass == 0 ? ms : std::min(best, ms);
            if (pass == 0) hits += r.total();
        }
        searchMs.push_back(best);
    }
    auto s = percentiles(searchMs);
    if (passes > 1) std::printf("(fastest of %d passes per query)\n", passes);
    std::printf("search, 200 queries: p50 %.2f ms, p95 %.2f ms, max %.2f ms (%zu hits)\n", s.p50, s.p95,
                s.max, hits);
    // By kind of query (the list repeats every 130 entries).
    const struct {
        const char* name;
        size_t from, to;
    } kinds[] = {{"Cyrillic words", 0, 20}, {"Latin words", 20, 40},          {"phrases", 40, 50},
                 {"prefixes", 50, 60},      {"substrings (trigram)", 60, 70}, {"two words", 70, 130}};
    for (auto& k : kinds) {
        std::vector<double> part;
        for (size_t i = 0; i < searchMs.size(); ++i)
            if (i % 130 >= k.from && i % 130 < k.to) part.push_back(searchMs[i]);
        auto f = percentiles(part);
        std::printf("  %-22s p50 %.2f ms, p95 %.2f ms\n", k.name, f.p50, f.p95);
    }

    // The same searches on one connection and one thread (what a single-core machine gets).
    {
        sqlite3* db = nullptr;
        sqlite3_open_v2(kenes::storage::modelDatabasePath(*store).string().c_str(), &db, SQLITE_OPEN_READONLY,
                        nullptr);
        kenes::storage::registerSearchTokenizer(db);
        sqlite3_exec(db, "PRAGMA mmap_size=0; PRAGMA cache_size=-8192", nullptr, nullptr, nullptr);
        {
            kenes::storage::ModelSql sql(db);
            for (auto& q : queries()) kenes::storage::executeSearch(sql, q, options);  // warm-up
            std::vector<double> oneMs;
            for (auto& q : queries()) {
                double best = 0;
                for (int pass = 0; pass < passes; ++pass) {
                    auto t0 = Clock::now();
                    kenes::storage::executeSearch(sql, q, options);
                    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                    best = pass == 0 ? ms : std::min(best, ms);
                }
                oneMs.push_back(best);
            }
            auto o = percentiles(oneMs);
            std::printf("search on one connection and thread: p50 %.2f ms, p95 %.2f ms, max %.2f ms\n", o.p50,
                        o.p95, o.max);
        }
        sqlite3_close(db);
    }

    std::vector<double> agendaMs;
    size_t sessions = 0;
    for (int i = 0; i < 200; ++i) {
        const std::string event = "event:e" + std::to_string(i % 50);
        auto days = model.eventDays(event);
        auto t0 = Clock::now();
        auto day = model.sessionsOnDay(event, days[static_cast<size_t>(i) % days.size()], "ru",
                                       options.userDatabase);
        agendaMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        sessions += day.size();
    }
    auto a = percentiles(agendaMs);
    std::printf("one day's agenda (%.0f sessions): p50 %.3f ms, p95 %.3f ms, max %.3f ms\n", sessions / 200.0,
                a.p50, a.p95, a.max);

    std::vector<double> nowMs;
    for (int i = 0; i < 200; ++i) {
        const std::string event = "event:e" + std::to_string(i % 50);
        auto e = model.event(event, "ru");
        auto first = model.sessionsOnDay(event, e->startDate, "ru");
        auto t0 = Clock::now();
        model.nowNext(event, first.empty() ? 0 : first.front().startUtc + 600 * (i % 20), "ru");
        nowMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    auto n = percentiles(nowMs);
    std::printf("now/next: p50 %.3f ms, p95 %.3f ms\n", n.p50, n.p95);

    std::vector<double> readerMs;
    for (int i = 0; i < 200; ++i) {
        auto t0 = Clock::now();
        auto st = model.standard("std:B" + std::to_string(1000 + i % 400), "ru");
        readerMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!st || st->articles.size() != 30) std::fprintf(stderr, "standard reader: unexpected answer\n");
    }
    auto r = percentiles(readerMs);
    std::printf("standard reader (30 articles): p50 %.3f ms, p95 %.3f ms\n", r.p50, r.p95);

    // Peer: stock SQLite FTS5 over the same rows (unicode61 remove_diacritics 2, built-in bm25()
    // and snippet()), same 200 queries made safe the same way, 40 rows each.
    const std::filesystem::path peerFile = dir / "peer-fts5.sqlite";
    sqlite3* peer = nullptr;
    const bool build = !std::filesystem::exists(peerFile);
    sqlite3_open(peerFile.string().c_str(), &peer);
    if (build) {
        const std::string attach = "ATTACH '" + kenes::storage::modelDatabasePath(*store).string() + "' AS m";
        sqlite3_exec(peer, attach.c_str(), nullptr, nullptr, nullptr);
        sqlite3_exec(
            peer,
            "CREATE VIRTUAL TABLE p USING fts5(title, body, extra, tokenize='unicode61 remove_diacritics 2');"
            "INSERT INTO p(rowid, title, body, extra) SELECT id, title, body, extra FROM m.search_docs;"
            "DETACH m;",
            nullptr, nullptr, nullptr);
    }
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(peer,
                       "SELECT rowid, snippet(p, -1, char(1), char(2), '…', 14) FROM p WHERE p MATCH ?1 "
                       "ORDER BY bm25(p, 5.0, 1.0, 2.0) LIMIT 40",
                       -1, &stmt, nullptr);
    std::vector<double> peerMs(queries().size(), 0);
    size_t peerHits = 0;
    for (int pass = 0; pass <= passes; ++pass) {  // pass 0 warms up
        const auto list = queries();
        for (size_t i = 0; i < list.size(); ++i) {
            const std::string match =
                kenes::storage::stemmedMatchQuery(kenes::storage::parseSearchText(list[i]));
            auto t0 = Clock::now();
            sqlite3_bind_text(stmt, 1, match.c_str(), -1, SQLITE_TRANSIENT);
            while (sqlite3_step(stmt) == SQLITE_ROW) peerHits += pass == 1;
            sqlite3_reset(stmt);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (pass == 1 || (pass > 1 && ms < peerMs[i])) peerMs[i] = ms;
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(peer);
    auto p = percentiles(peerMs);
    std::printf(
        "peer, stock FTS5 (unicode61, bm25, snippet; no stemming, no trigram): p50 %.2f ms, p95 %.2f ms, "
        "max %.2f ms (%zu hits)\n",
        p.p50, p.p95, p.max, peerHits);
    return 0;
}
