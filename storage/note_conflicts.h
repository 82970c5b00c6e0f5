// Conflicted documents of a database (two or more live leaves, e.g. a note edited on two devices
// and synced) and their resolution: one new revision with the chosen or merged body on top of the
// winner, every other live leaf tombstoned, all in one atomic write that replicates like any edit.
// Free functions over storage/store.h only; thread-safe as Database is.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/store.h"

namespace kenes::storage {

// One live leaf of a conflicted document.
struct ConflictVersion {
    std::string rev;  // "N-<hash>"
    Json body;        // the document without its `_` fields
    bool winner = false;
};

// A document with more than one live leaf: the winner first, then the losing leaves in the order
// CouchDB lists `_conflicts`.
struct DocumentConflict {
    std::string id;
    std::vector<ConflictVersion> versions;
    std::vector<std::string> revs() const;
};

// Ids of the documents whose id starts with `idPrefix` ("note:") that have more than one live
// leaf, in id order.
std::vector<std::string> conflictedDocumentIds(Database& db, const std::string& idPrefix);

// The same answer kept up to date incrementally: update() reads only the changes since the last
// call, so a view can refresh it after every write at the cost of what changed. One object per
// Database (it remembers that database's update sequence). Not thread-safe (one owner); the
// Database it reads is.
class ConflictedIds {
public:
    explicit ConflictedIds(std::string idPrefix) : m_prefix(std::move(idPrefix)) {}
    // Returns true when the set changed.
    bool update(Database& db);
    const std::set<std::string>& ids() const { return m_ids; }
    bool contains(const std::string& id) const { return m_ids.count(id) != 0; }

private:
    std::string m_prefix;
    uint64_t m_seq = 0;
    std::set<std::string> m_ids;
};

// The live leaves of `id`; nullopt when the document is missing, deleted or has one live leaf.
std::optional<DocumentConflict> documentConflict(Database& db, const std::string& id);

// Resolves the conflict the user saw: `seenRevs` are the live leaves shown (winner first), `body`
// the body to keep (its `_` fields are ignored). Writes, in one transaction, a revision with `body`
// on top of seenRevs[0] (the rev a local edit with that body would get) and a tombstone on every
// other seen leaf. Throws StoreError 409 "conflict" when the document's live leaves are no longer
// exactly `seenRevs` (it changed meanwhile; nothing is written) and 400 for a body that is not an
// object. Returns the new winning rev. A leaf that arrives between the check and the write stays
// live, so the document shows as conflicted again rather than losing that edit.
std::string resolveConflict(Database& db, const std::string& id, const std::vector<std::string>& seenRevs,
                            const Json& body);

// A first proposal for a merged text: the lines both texts share once, in order, and at each
// place where they differ the lines of `a` followed by the lines of `b` (a "union" line merge).
std::string unionMergeText(const std::string& a, const std::string& b);

}  // namespace kenes::storage
