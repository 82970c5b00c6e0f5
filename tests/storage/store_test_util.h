// Shared helpers for the document-store tests: a fresh store in a temp dir per test.
#pragma once

#include <filesystem>
#include <random>
#include <string>

#include "storage/store.h"

namespace kenes::storage::test {

// A store in a fresh temporary directory, removed on destruction.
class TempStore {
public:
    TempStore() {
        std::random_device rd;
        m_dir = std::filesystem::temp_directory_path() /
                ("kenes-store-" + std::to_string(rd()) + std::to_string(rd()));
        m_store = Store::open(m_dir);
    }
    ~TempStore() {
        m_store.reset();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    Store& operator*() { return *m_store; }
    Store* operator->() { return m_store.get(); }
    const std::filesystem::path& dir() const { return m_dir; }
    void reopen() {
        m_store.reset();
        m_store = Store::open(m_dir);
    }

private:
    std::filesystem::path m_dir;
    std::unique_ptr<Store> m_store;
};

// {"_id": id, "_rev": rev, "_revisions": {start, ids}} for a replicated revision path
// (newest first, "N-hash" strings), plus a body.
inline Json replicated(const std::string& id, const std::vector<std::string>& pathNewestFirst,
                       Json body = Json::object(), bool deleted = false) {
    Json doc = std::move(body);
    doc["_id"] = id;
    doc["_rev"] = pathNewestFirst.front();
    Json ids = Json::array();
    for (const auto& r : pathNewestFirst) ids.push_back(r.substr(r.find('-') + 1));
    doc["_revisions"] = {{"start", std::stoull(pathNewestFirst.front())}, {"ids", ids}};
    if (deleted) doc["_deleted"] = true;
    return doc;
}

}  // namespace kenes::storage::test
