// conflicts_bench: the cost of the notes view's conflict badge and of a resolution over a user
// database of N notes, some of them conflicted (two live branches written with new_edits=false).
// Beside each Kenes query, the peer measured in the same run: what a CouchDB client does to find
// conflicts (_all_docs?include_docs=true&conflicts=true over the whole database).
//   conflicts_bench [NOTES] [CONFLICTED]     (defaults 10000 and 100)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

#include "storage/note_conflicts.h"
#include "storage/store.h"

using namespace kenes::storage;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

template <typename F>
double bestOf(int runs, F&& f) {
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        f();
        best = std::min(best, msSince(start));
    }
    return best;
}

std::string paragraph(std::mt19937& rng, int lines) {
    static const char* words[] = {"freedom",   "association", "strike",     "committee",
                                  "report",    "article",     "union",      "bargaining",
                                  "employers", "workers",     "convention", "observation"};
    std::string text;
    for (int l = 0; l < lines; ++l) {
        for (int w = 0; w < 8; ++w) text += std::string(words[rng() % 12]) + (w < 7 ? " " : "\n");
    }
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    const int notes = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int conflicted = argc > 2 ? std::atoi(argv[2]) : 100;
    auto dir =
        std::filesystem::temp_directory_path() / ("kenes-conflicts-bench-" + std::to_string(::getpid()));
    std::mt19937 rng(7);
    double loadMs = 0;
    {
        auto store = Store::open(dir);
        auto db = store->database("userdb-74657374", true);
        auto start = Clock::now();
        std::vector<Json> batch;
        for (int i = 0; i < notes; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "note:%06d", i);
            Json body = {
                {"type", "note"}, {"title", "Note " + std::to_string(i)}, {"body", paragraph(rng, 12)}};
            Json doc = body;
            doc["_id"] = id;
            doc["_rev"] = "1-aaaa";
            batch.push_back(doc);
            if (i % (notes / std::max(conflicted, 1)) == 0 && conflicted > 0) {
                for (const char* h : {"bbbb", "cccc"}) {
                    Json branch = body;
                    branch["body"] = body["body"].get<std::string>() + "edited on " + h + "\n";
                    branch["_id"] = id;
                    branch["_rev"] = std::string("2-") + h;
                    branch["_revisions"] = {{"start", 2u}, {"ids", {h, "aaaa"}}};
                    batch.push_back(branch);
                }
            }
            if (batch.size() >= 1000) {
                db->bulkDocs(batch, false);
                batch.clear();
            }
        }
        db->bulkDocs(batch, false);
        loadMs = msSince(start);

        size_t found = 0;
        double scanMs = bestOf(5, [&] { found = conflictedDocumentIds(*db, "note:").size(); });
        size_t peerFound = 0;
        double peerMs = bestOf(5, [&] {
            AllDocsOptions o;
            o.includeDocs = true;
            o.conflicts = true;
            o.startKey = "note:";
            o.endKey = "note:\xef\xbf\xbf";
            peerFound = 0;
            for (const auto& row : db->allDocs(o).rows)
                if (row.doc && row.doc->contains("_conflicts")) ++peerFound;
        });
        ConflictedIds tracked("note:");
        tracked.update(*db);
        // One autosave, then the notes view's refresh: only that change is read.
        db->put(Json{{"_id", "note:autosave"}, {"type", "note"}, {"body", "first"}});
        double incrementalMs = bestOf(20, [&] {
            db->put(Json{{"_id", "note:autosave"},
                         {"type", "note"},
                         {"body", paragraph(rng, 3)},
                         {"_rev", db->get("note:autosave")["_rev"]}});
            tracked.update(*db);
        });
        double putOnlyMs = bestOf(20, [&] {
            db->put(Json{{"_id", "note:autosave"},
                         {"type", "note"},
                         {"body", paragraph(rng, 3)},
                         {"_rev", db->get("note:autosave")["_rev"]}});
        });
        // Reading both versions and resolving, for every conflicted note.
        double resolveMs = 0;
        size_t resolved = 0;
        auto ids = conflictedDocumentIds(*db, "note:");
        auto start2 = Clock::now();
        for (const auto& id : ids) {
            auto c = documentConflict(*db, id);
            if (!c) continue;
            Json merged = c->versions[0].body;
            merged["body"] =
                unionMergeText(c->versions[0].body.value("body", ""), c->versions[1].body.value("body", ""));
            resolveConflict(*db, id, c->revs(), merged);
            ++resolved;
        }
        resolveMs = msSince(start2);
        std::string a = paragraph(rng, 2000), b = a;
        b.insert(b.size() / 2, "a line added on the phone\n");
        a.insert(a.size() / 3, "a line added on the laptop\n");
        double mergeMs = bestOf(3, [&] { unionMergeText(a, b); });

        std::printf("notes: %d, conflicted: %d (load %.0f ms)\n", notes, conflicted, loadMs);
        std::printf("find conflicted notes, full scan (conflictedDocumentIds): %.1f ms, %zu found\n", scanMs,
                    found);
        std::printf(
            "peer: _all_docs include_docs+conflicts over the notes:    %.1f ms, %zu found (ratio %.2f)\n",
            peerMs, peerFound, peerMs / scanMs);
        std::printf("one autosave + incremental badge refresh: %.2f ms (the autosave alone: %.2f ms)\n",
                    incrementalMs, putOnlyMs);
        std::printf("read both versions, union-merge and resolve: %.2f ms per note (%zu notes)\n",
                    resolved ? resolveMs / static_cast<double>(resolved) : 0.0, resolved);
        std::printf("union merge of two 2,000-line texts: %.1f ms\n", mergeMs);
        std::printf("conflicted after resolving: %zu\n", conflictedDocumentIds(*db, "note:").size());
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return 0;
}
