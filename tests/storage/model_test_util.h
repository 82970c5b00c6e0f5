// Shared helpers of the model tests: a store in a temp dir with the model registered.
#pragma once

#include <memory>
#include <string>

#include "process.h"
#include "storage/model.h"
#include "storage/model_store.h"
#include "storage/store.h"

namespace kenes::test {

struct ModelFixture {
    TempDir dir{"kenes-model-test"};
    std::unique_ptr<storage::Store> store = storage::openLibraryStore(dir.path());
    storage::Model model{*store};

    std::shared_ptr<storage::Database> db(const std::string& name) { return store->database(name, true); }
};

inline int64_t utc(const char* text) { return *storage::parseUtcInstant(text); }

}  // namespace kenes::test
