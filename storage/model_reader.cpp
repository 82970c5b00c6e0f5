// ReaderPool (see model_reader.h).
#include "storage/model_reader.h"

#include "storage/model_store.h"
#include "storage/search_tokenizer.h"

#include <string>

namespace kenes::storage {

ReaderPool::Lease::~Lease() {
    if (!m_reader) return;
    std::lock_guard lock(m_pool.m_mutex);
    if (m_pool.m_idle.size() < 8) m_pool.m_idle.push_back(std::move(m_reader));
}

ReaderPool::Lease ReaderPool::acquire() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            auto reader = std::move(m_idle.back());
            m_idle.pop_back();
            return Lease(*this, std::move(reader));
        }
    }
    return Lease(*this, open());
}

std::unique_ptr<ModelReader> ReaderPool::open() {
    const std::string path = modelDatabasePath(m_store).string();
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        throw StoreError(500, "internal_error", "Cannot open the model's index " + path + ": " + message);
    }
    auto reader = std::make_unique<ModelReader>(db);
    registerSearchTokenizer(db);
    sqlite3_busy_timeout(db, 5000);
    // No memory map and a bounded page cache per connection (8 MB unless the Model was given
    // another size): pages come through the kernel's page cache, which is not part of the process's
    // resident memory, so a large store does not grow it (a 256 MB map made the app hold ~100 MB of
    // the store resident after opening an agenda).
    reader->sql.exec("PRAGMA mmap_size=0; PRAGMA cache_size=-" + std::to_string(m_cacheKib));
    return reader;
}

}  // namespace kenes::storage
