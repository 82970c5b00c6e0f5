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
    // Extra documents for the desktop-app bench, none by default (the default output is what the
    // model bench measures): one upcoming one-day event ("event:big", later than every other
    // event, so the agenda opens on it) with this many sessions in parallel rooms, and one
    // standard ("std:B9999") with articles totalling about this many bytes of text (both
    // languages together).
    size_t bigEventSessions = 0;
    size_t bigStandardBytes = 0;
};

struct DatasetStats {
    size_t documents = 0;
    size_t textBytes = 0;  // bytes of text for people in the standards' articles (both languages)
    double seconds = 0;
};

// Writes the dataset into `store` (databases `library`, `events`, userdb of options.userName).
// The big event and standard are written after the rest, with separate seeds, so that the rest
// is the same with or without them.
DatasetStats generateLargeDataset(storage::Store& store, const DatasetOptions& options = {});

}  // namespace kenes::bench
