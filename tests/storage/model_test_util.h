// Shared helpers of the model tests: a store in a temp dir with the model registered.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "storage/model.h"
#include "storage/model_store.h"
#include "storage/store.h"

namespace kenes::test {

// A fresh directory under the system temp dir, removed with its contents on destruction.
class ModelTempDir {
public:
    explicit ModelTempDir(const std::string& prefix) {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temp dir");
        m_path = pattern;
    }
    ~ModelTempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ModelTempDir(const ModelTempDir&) = delete;
    ModelTempDir& operator=(const ModelTempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

struct ModelFixture {
    ModelTempDir dir{"kenes-model-test"};
    std::unique_ptr<storage::Store> store = storage::openLibraryStore(dir.path());
    storage::Model model{*store};

    std::shared_ptr<storage::Database> db(const std::string& name) { return store->database(name, true); }
};

inline int64_t utc(const char* text) {
    return *storage::parseUtcInstant(text);
}

}  // namespace kenes::test
