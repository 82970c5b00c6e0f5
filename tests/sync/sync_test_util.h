// Shared helpers of the sync tests: a deterministic dataset with deletions and conflicting
// branches, written to a remote database with new_edits=false, and comparable snapshots of a
// remote or local database (winner, conflicts, body and every leaf of every document).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/store.h"

namespace kenes::synctest {

using Json = nlohmann::json;

struct DocState {
    std::string winner;
    bool deleted = false;
    std::vector<std::string> conflicts;  // sorted
    std::set<std::string> leaves;        // every leaf, deleted or not
    Json body;                           // the winner without _-fields (null when deleted)
    bool operator==(const DocState&) const = default;
};
using Snapshot = std::map<std::string, DocState>;

// `count` documents "doc-00000"...: every 7th has a deleted winner, every 5th has two
// conflicting branches (and every 35th one of them deleted), others are 1 or 2 revisions deep.
std::vector<Json> makeDataset(int count, const std::string& prefix = "doc-");

// POSTs docs with new_edits=false to http://127.0.0.1:port/db (creating the database).
void putRemote(int port, const std::string& db, const std::vector<Json>& docs);
Json getRemote(int port, const std::string& target);

Snapshot remoteSnapshot(int port, const std::string& db);
Snapshot localSnapshot(storage::Database& db);

// A readable first difference, or "" when equal.
std::string describeDifference(const Snapshot& a, const Snapshot& b);

}  // namespace kenes::synctest
