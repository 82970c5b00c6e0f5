#include "storage/revision_tree.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string_view>

namespace kenes::storage {

std::string localRevisionHash(const std::string& bodyText, const std::string& parentRev, bool deleted) {
    std::string data = bodyText + '\n' + parentRev + '\n' + (deleted ? "1" : "0");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::optional<RevId> parseRevId(const std::string& rev) {
    auto dash = rev.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 >= rev.size() || dash > 19) return std::nullopt;
    uint64_t gen = 0;
    for (size_t i = 0; i < dash; ++i) {
        char c = rev[i];
        if (c < '0' || c > '9') return std::nullopt;
        gen = gen * 10 + static_cast<uint64_t>(c - '0');
    }
    if (gen == 0) return std::nullopt;
    std::string hash = rev.substr(dash + 1);
    if (hash.size() > 256) return std::nullopt;
    for (unsigned char c : hash)
        if (c < 0x21 || c > 0x7e) return std::nullopt;
    return RevId{gen, hash};
}

bool revRanksBefore(bool aDeleted, const RevId& a, bool bDeleted, const RevId& b) {
    if (aDeleted != bDeleted) return !aDeleted;
    if (a.gen != b.gen) return a.gen > b.gen;
    return a.hash > b.hash;
}

void RevisionTree::addLoaded(Node node) {
    node.dirty = false;
    node.isNew = false;
    std::string key = node.rev;
    m_nodes.emplace(std::move(key), std::move(node));
}

void RevisionTree::finishLoading() {}

const RevisionTree::Node* RevisionTree::find(const std::string& rev) const {
    auto it = m_nodes.find(rev);
    return it == m_nodes.end() ? nullptr : &it->second;
}

namespace {

// revRanksBefore for two nodes, without copying their hashes.
bool nodeRanksBefore(const RevisionTree::Node& a, const RevisionTree::Node& b) {
    if (a.deleted != b.deleted) return !a.deleted;
    if (a.gen != b.gen) return a.gen > b.gen;
    return a.hash > b.hash;
}

}  // namespace

std::vector<const RevisionTree::Node*> RevisionTree::leaves() const {
    std::vector<const Node*> out;
    for (const auto& [rev, node] : m_nodes)
        if (node.leaf) out.push_back(&node);
    std::sort(out.begin(), out.end(), [](const Node* a, const Node* b) { return nodeRanksBefore(*a, *b); });
    return out;
}

const RevisionTree::Node* RevisionTree::winner() const {
    const Node* best = nullptr;
    for (const auto& [rev, node] : m_nodes) {
        if (!node.leaf) continue;
        if (!best || nodeRanksBefore(node, *best)) best = &node;
    }
    return best;
}

void RevisionTree::recomputeLeaves() {
    std::vector<std::string_view> parents;
    parents.reserve(m_nodes.size());
    for (const auto& [rev, node] : m_nodes)
        if (node.parent) parents.push_back(*node.parent);
    std::sort(parents.begin(), parents.end());
    for (auto& [rev, node] : m_nodes) {
        bool leaf = !std::binary_search(parents.begin(), parents.end(), std::string_view(rev));
        if (leaf != node.leaf) {
            node.leaf = leaf;
            node.dirty = true;
        }
    }
}

void RevisionTree::addChild(const std::optional<std::string>& parent, const RevId& rev, bool deleted) {
    Node node;
    node.rev = rev.str();
    node.gen = rev.gen;
    node.hash = rev.hash;
    node.parent = parent;
    node.deleted = deleted;
    node.leaf = true;
    node.dirty = true;
    node.isNew = true;
    m_nodes[node.rev] = node;
    if (parent) {
        auto it = m_nodes.find(*parent);
        if (it != m_nodes.end() && it->second.leaf) {
            it->second.leaf = false;
            it->second.dirty = true;
        }
    }
}

bool RevisionTree::mergePath(const std::vector<RevId>& path, bool deleted) {
    if (path.empty()) return false;
    bool added = !contains(path[0].str());
    // Oldest first, so that every inserted node's parent is inserted before it.
    for (size_t i = path.size(); i-- > 0;) {
        std::string rev = path[i].str();
        std::optional<std::string> parent;
        if (i + 1 < path.size()) parent = path[i + 1].str();
        auto it = m_nodes.find(rev);
        if (it == m_nodes.end()) {
            Node node;
            node.rev = rev;
            node.gen = path[i].gen;
            node.hash = path[i].hash;
            node.parent = parent;
            node.deleted = (i == 0) ? deleted : false;
            node.leaf = true;
            node.dirty = true;
            node.isNew = true;
            m_nodes.emplace(rev, node);
        } else if (!it->second.parent && parent) {
            it->second.parent = parent;  // a stemmed root learns its parent again
            it->second.dirty = true;
        }
    }
    recomputeLeaves();
    return added;
}

std::vector<const RevisionTree::Node*> RevisionTree::history(const std::string& rev, uint64_t limit) const {
    std::vector<const Node*> out;
    const Node* node = find(rev);
    while (node && out.size() < limit) {
        out.push_back(node);
        if (!node->parent) break;
        const Node* next = find(*node->parent);
        // Generations must descend by one along a path; anything else ends the history.
        if (!next || next->gen + 1 != node->gen) break;
        node = next;
    }
    return out;
}

std::vector<std::string> RevisionTree::stem(uint64_t limit) {
    if (limit == 0) limit = 1;
    std::vector<const Node*> keep;
    for (const auto& [rev, node] : m_nodes) {
        if (!node.leaf) continue;
        auto hist = history(rev, limit);
        keep.insert(keep.end(), hist.begin(), hist.end());
    }
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
    if (keep.size() == m_nodes.size()) return {};
    std::vector<std::string> removed;
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (std::binary_search(keep.begin(), keep.end(), &it->second)) {
            ++it;
        } else {
            removed.push_back(it->first);
            it = m_nodes.erase(it);
        }
    }
    if (!removed.empty()) {
        for (auto& [rev, node] : m_nodes) {
            if (node.parent && !m_nodes.count(*node.parent)) {
                node.parent.reset();
                node.dirty = true;
            }
        }
    }
    m_removed.insert(m_removed.end(), removed.begin(), removed.end());
    return removed;
}

void RevisionTree::markBodyStored(const std::string& rev) {
    auto it = m_nodes.find(rev);
    if (it != m_nodes.end()) {
        it->second.hasBody = true;
        it->second.dirty = true;
    }
}

}  // namespace kenes::storage
