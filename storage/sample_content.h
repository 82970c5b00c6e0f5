// The bilingual sample content (data/sample/*.jsonl), embedded into the program at build time,
// and its first-run loader.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace kenes::storage {

// One embedded bundle file: "library.jsonl", "events.jsonl", "user.jsonl".
struct SampleFile {
    std::string_view name;
    std::string_view content;
};

// The files of data/sample/ as they were when the program was built.
std::vector<SampleFile> embeddedSampleFiles();

struct SampleLoadReport {
    size_t written = 0;  // documents written
    size_t kept = 0;     // documents left alone because they already exist (or were deleted) locally
    std::vector<std::string> errors;  // bad lines and rejected documents, with line numbers
};

// Loads bundles into the store: library.jsonl → `library`, events.jsonl → `events`, user.jsonl →
// userDatabaseName(userName); other *.jsonl files → the database named like the file. Only
// documents that do not exist in the target database are written (as new edits); a document
// the user changed or deleted is never touched. Each database gets a _local/kenes-sample marker
// and is skipped when the marker is present, so this runs once per database.
// Returns true when anything was loaded on this call.
bool loadSampleContentIfFirstRun(Store& store, const std::string& userName,
                                 SampleLoadReport* report = nullptr);

// Loads bundles given as (file name, content) pairs with the same rules (tests and tools).
bool loadSampleBundles(Store& store, const std::string& userName, const std::vector<SampleFile>& files,
                       SampleLoadReport* report = nullptr);

}  // namespace kenes::storage
