// A large, deterministic dataset for the model and search benchmarks: events with sessions and
// speakers, standards with articles in Russian and English, and a user's notes, written through
// the public Store API (so projections and the search index are built as in real use).
#pragma once

#include <cstddef>
#include <string>

#include "storage/store.h"

namespace kenes::bench {

struct DatasetOptions {
    size_t events = 50;
    size_t sessionsPerEvent = 100;
    size_t speakers = 400;
    size_t standards = 400;
    size_t articlesPerStandard = 30;
    size_t notes = 10000;
    std::string userName = "bench";
    unsigned seed = 20190725;
};

struct DatasetStats {
    size_t documents = 0;
    size_t textBytes = 0;  // bytes of text for people in the standards' articles (both languages)
    double seconds = 0;
};

// Writes the dataset into `store` (databases `library`, `events`, userdb of options.userName).
DatasetStats generateLargeDataset(storage::Store& store, const DatasetOptions& options = {});

}  // namespace kenes::bench
