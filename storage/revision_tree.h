// The revision tree of one document, in memory: CouchDB's winner rule, merging of revision
// histories (new_edits=false), stemming to revs_limit. Pure logic with no SQL: the SQLite store
// loads a tree, changes it and writes back what changed. Not thread-safe (one owner at a time).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kenes::storage {

// "N-hash" split into its parts; nullopt when malformed.
struct RevId {
    uint64_t gen = 0;
    std::string hash;
    std::string str() const { return std::to_string(gen) + "-" + hash; }
};
std::optional<RevId> parseRevId(const std::string& rev);

// Orders revisions as CouchDB ranks leaves: live before deleted, then generation, then hash.
// Returns true when a ranks before (wins over) b.
bool revRanksBefore(bool aDeleted, const RevId& a, bool bDeleted, const RevId& b);

// The hash part of the revision a local edit (new_edits=true) gets: md5 of the canonical body
// text, the parent rev ("" for a first revision) and the deleted flag. Deterministic, so the same
// edit made twice (on one device or two) gives the same revision.
std::string localRevisionHash(const std::string& bodyText, const std::string& parentRev, bool deleted);

class RevisionTree {
public:
    struct Node {
        std::string rev;
        uint64_t gen = 0;
        std::string hash;
        std::optional<std::string> parent;  // nullopt: a root (maybe a stemmed one)
        bool deleted = false;
        bool leaf = true;
        bool hasBody = false;
        bool dirty = false;  // inserted or changed since loading
        bool isNew = false;  // not yet in the database
    };

    // Loading: add every stored node, then call finishLoading().
    void addLoaded(Node node);
    void finishLoading();

    bool empty() const { return m_nodes.empty(); }
    bool contains(const std::string& rev) const { return m_nodes.count(rev) != 0; }
    const Node* find(const std::string& rev) const;
    const std::map<std::string, Node>& nodes() const { return m_nodes; }

    // Leaves ordered by rank (the winner first).
    std::vector<const Node*> leaves() const;
    const Node* winner() const;

    // Adds a child of `parent` (nullopt for a first revision). The caller made `rev`.
    void addChild(const std::optional<std::string>& parent, const RevId& rev, bool deleted);

    // Merges a history newest-first (path[0] is the new revision, path[i+1] its parent).
    // Returns true when path[0] was not known before. Links stemmed roots to a parent that
    // the path names, so disjoint branches join when a longer history arrives.
    bool mergePath(const std::vector<RevId>& pathNewestFirst, bool deleted);

    // Keeps, for every leaf, at most `limit` revisions of its history; removes the rest.
    // Returns the revisions removed.
    std::vector<std::string> stem(uint64_t limit);

    // The history of `rev`, newest first (the ids of _revisions), at most `limit` entries.
    std::vector<const Node*> history(const std::string& rev, uint64_t limit) const;

    void markBodyStored(const std::string& rev);
    std::vector<std::string> removedRevs() const { return m_removed; }

private:
    void recomputeLeaves();

    std::map<std::string, Node> m_nodes;
    std::vector<std::string> m_removed;
};

}  // namespace kenes::storage
