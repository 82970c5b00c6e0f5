// Convergence property: three replicas edit, delete and exchange revisions (new_edits=false) in
// random orders; afterwards all hold identical trees, winners and conflict lists.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include "store_test_util.h"

using namespace kenes::storage;
using kenes::storage::test::TempStore;

namespace {

// Copies every leaf of every changed document (with its history) from one replica to another.
void exchange(Database& from, Database& to, std::mt19937& rng) {
    auto changes = from.changes({});
    std::vector<Json> docs;
    for (const auto& row : changes.results)
        for (auto& r : from.openRevs(row.id, std::nullopt, true, false))
            if (r.doc) docs.push_back(*r.doc);
    std::shuffle(docs.begin(), docs.end(), rng);
    // Random batch sizes, so that trees grow in different orders.
    size_t i = 0;
    while (i < docs.size()) {
        size_t n = 1 + rng() % 4;
        std::vector<Json> batch(docs.begin() + static_cast<long>(i),
                                docs.begin() + static_cast<long>(std::min(docs.size(), i + n)));
        for (const auto& r : to.bulkDocs(batch, false)) REQUIRE(r.ok());
        i += n;
    }
}

// Everything observable about a replica's documents.
std::string fingerprint(Database& db) {
    std::ostringstream out;
    auto changes = db.changes({});
    std::sort(changes.results.begin(), changes.results.end(), [](auto& a, auto& b) { return a.id < b.id; });
    for (const auto& row : changes.results) {
        out << row.id << " deleted=" << row.deleted << " revs=";
        for (const auto& r : row.revs) out << r << ",";
        for (auto& r : db.openRevs(row.id, std::nullopt, true, false)) out << " " << r.doc->dump();
        if (!row.deleted) {
            GetOptions o;
            o.conflicts = true;
            o.deletedConflicts = true;
            out << " winner=" << db.get(row.id, o).dump();
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace

TEST_CASE("three replicas converge after random edits, deletions and exchanges", "[storage][convergence]") {
    TempStore store;
    const uint32_t baseSeed = 20261123;
    const int scenarios = 1000;
    for (int s = 0; s < scenarios; ++s) {
        uint32_t seed = baseSeed + static_cast<uint32_t>(s);
        INFO("scenario seed " << seed << " (rerun with this seed to reproduce)");
        std::mt19937 rng(seed);
        std::vector<std::shared_ptr<Database>> replicas;
        for (int r = 0; r < 3; ++r)
            replicas.push_back(store->createDatabase("r" + std::to_string(r) + "-" + std::to_string(s)));
        const char* ids[] = {"a", "b", "c"};
        int steps = 8 + static_cast<int>(rng() % 16);
        for (int step = 0; step < steps; ++step) {
            auto& db = *replicas[rng() % 3];
            std::string id = ids[rng() % 3];
            switch (rng() % 4) {
                case 0:
                case 1: {  // edit the winner, or create
                    Json doc = {{"_id", id}, {"v", static_cast<int>(rng() % 1000)}};
                    try {
                        doc["_rev"] = db.get(id)["_rev"];
                    } catch (const StoreError&) {
                    }
                    db.put(doc);
                    break;
                }
                case 2: {  // edit or delete a random leaf (conflicting branches grow)
                    std::vector<RevResult> leaves;
                    try {
                        leaves = db.openRevs(id, std::nullopt, false, false);
                    } catch (const StoreError&) {
                        break;
                    }
                    auto& leaf = leaves[rng() % leaves.size()];
                    if (rng() % 2) {
                        db.remove(id, leaf.rev);
                    } else {
                        db.put({{"_id", id}, {"_rev", leaf.rev}, {"w", static_cast<int>(rng() % 1000)}});
                    }
                    break;
                }
                case 3: {
                    int a = static_cast<int>(rng() % 3), b = static_cast<int>((a + 1 + rng() % 2) % 3);
                    exchange(*replicas[a], *replicas[b], rng);
                    break;
                }
            }
        }
        // Full exchange in a random order, twice round.
        for (int round = 0; round < 2; ++round) {
            std::vector<std::pair<int, int>> pairs{{0, 1}, {1, 2}, {2, 0}, {1, 0}, {2, 1}, {0, 2}};
            std::shuffle(pairs.begin(), pairs.end(), rng);
            for (auto [a, b] : pairs) exchange(*replicas[a], *replicas[b], rng);
        }
        auto f0 = fingerprint(*replicas[0]);
        REQUIRE(f0 == fingerprint(*replicas[1]));
        REQUIRE(f0 == fingerprint(*replicas[2]));
        for (int r = 0; r < 3; ++r) store->deleteDatabase(replicas[static_cast<size_t>(r)]->name());
    }
}
