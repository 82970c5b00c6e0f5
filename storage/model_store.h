// Opening a Store with the Kenes model attached: the projections observer (typed tables and the
// search index kept in step with every write) and the "kenes" search tokenizer. Every program
// that opens a data directory (the app, the CLI, the hub, tools) opens it through here.
#pragma once

#include <filesystem>
#include <memory>

#include "storage/store.h"

namespace kenes::storage {

// Store::open(dataDir) + registerModel(). Throws StoreError like Store::open.
std::unique_ptr<Store> openLibraryStore(const std::filesystem::path& dataDir);

// Attaches the model to an open SQLite store (throws StoreError 500 for another Store
// implementation): registers the "kenes" tokenizer on its connections and the projection
// observer (projections are written inside each document write's transaction), and brings the
// projections up to date — rebuilt from every document when they are missing or were built by
// another schema version, caught up with changes written while the model was not attached.
// Call once per Store, before other threads write to it.
void registerModel(Store& store);

// The SQLite file that holds the store's documents, projections and search index.
std::filesystem::path modelDatabasePath(const Store& store);

}  // namespace kenes::storage
