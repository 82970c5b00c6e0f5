#include "storage/note_conflicts.h"

#include <algorithm>
#include <set>

#include "storage/revision_tree.h"

namespace kenes::storage {

namespace {

// A rev of a stored leaf, parsed; a malformed one is a 400 (it cannot come from the store).
RevId parseRev(const std::string& rev) {
    auto r = parseRevId(rev);
    if (!r) throw StoreError(400, "bad_request", "Invalid rev format");
    return *r;
}

Json withoutSpecialFields(const Json& doc) {
    Json body = Json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.key().empty() || it.key()[0] != '_') body[it.key()] = it.value();
    return body;
}

// The rev a local edit (new_edits=true) with this body on top of `parent` gets, so the same
// resolution made on two devices converges to one revision instead of a new conflict.
std::string localEditRev(const Json& body, const std::string& parent, bool deleted) {
    RevId p = parseRev(parent);
    return std::to_string(p.gen + 1) + "-" + localRevisionHash(body.dump(), parent, deleted);
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

}  // namespace

std::vector<std::string> DocumentConflict::revs() const {
    std::vector<std::string> out;
    for (const auto& v : versions) out.push_back(v.rev);
    return out;
}

std::optional<DocumentConflict> documentConflict(Database& db, const std::string& id) {
    std::vector<std::pair<RevId, ConflictVersion>> live;
    std::vector<RevResult> leaves;
    try {
        leaves = db.openRevs(id, std::nullopt, false, false);
    } catch (const StoreError& e) {
        if (e.status() == 404) return std::nullopt;
        throw;
    }
    for (auto& leaf : leaves) {
        if (leaf.missing() || leaf.doc->value("_deleted", false)) continue;
        ConflictVersion v;
        v.rev = leaf.rev;
        v.body = withoutSpecialFields(*leaf.doc);
        live.emplace_back(parseRev(leaf.rev), std::move(v));
    }
    if (live.size() < 2) return std::nullopt;
    // CouchDB's order among live leaves (the winner first).
    std::sort(live.begin(), live.end(),
              [](const auto& a, const auto& b) { return revRanksBefore(false, a.first, false, b.first); });
    DocumentConflict out;
    out.id = id;
    for (auto& [rev, v] : live) out.versions.push_back(std::move(v));
    out.versions.front().winner = true;
    return out;
}

namespace {
bool hasLiveConflict(Database& db, const std::string& id) {
    GetOptions o;
    o.conflicts = true;
    try {
        Json doc = db.get(id, o);
        return doc.contains("_conflicts") && !doc["_conflicts"].empty();
    } catch (const StoreError& e) {
        if (e.status() == 404) return false;
        throw;
    }
}
}  // namespace

std::vector<std::string> conflictedDocumentIds(Database& db, const std::string& idPrefix) {
    ConflictedIds ids(idPrefix);
    ids.update(db);
    return {ids.ids().begin(), ids.ids().end()};
}

bool ConflictedIds::update(Database& db) {
    ChangesOptions options;
    options.since = m_seq;
    options.allLeaves = true;
    auto changes = db.changes(options);
    bool changed = false;
    for (const auto& row : changes.results) {
        if (row.id.compare(0, m_prefix.size(), m_prefix) != 0) continue;
        // Deleted leaves are listed too; only a second live one makes a conflict.
        bool conflicted = !row.deleted && row.revs.size() > 1 && hasLiveConflict(db, row.id);
        if (conflicted) {
            changed = m_ids.insert(row.id).second || changed;
        } else {
            changed = m_ids.erase(row.id) != 0 || changed;
        }
    }
    m_seq = changes.lastSeq;
    return changed;
}

std::string resolveConflict(Database& db, const std::string& id, const std::vector<std::string>& seenRevs,
                            const Json& body) {
    if (!body.is_object()) throw StoreError(400, "bad_request", "A note must be a JSON object.");
    if (seenRevs.empty()) throw StoreError(400, "bad_request", "No version of the note was chosen.");
    std::set<std::string> seen(seenRevs.begin(), seenRevs.end());
    std::set<std::string> current;
    for (auto& leaf : db.openRevs(id, std::nullopt, false, false))
        if (!leaf.missing() && !leaf.doc->value("_deleted", false)) current.insert(leaf.rev);
    if (current != seen)
        throw StoreError(
            409, "conflict",
            "The note changed on another device while you were merging. Review the versions again.");

    const Json kept = withoutSpecialFields(body);
    const std::string& parent = seenRevs.front();
    std::vector<Json> docs;
    auto revision = [&](const std::string& on, const Json& content, bool deleted) {
        std::string rev = localEditRev(content, on, deleted);
        Json doc = content;
        doc["_id"] = id;
        doc["_rev"] = rev;
        doc["_revisions"] = {{"start", parseRev(rev).gen}, {"ids", {parseRev(rev).hash, parseRev(on).hash}}};
        if (deleted) doc["_deleted"] = true;
        docs.push_back(std::move(doc));
        return rev;
    };
    std::string winner = revision(parent, kept, false);
    for (size_t i = 1; i < seenRevs.size(); ++i)
        if (seenRevs[i] != parent) revision(seenRevs[i], Json::object(), true);
    // Replicated-style writes merge into the tree as given: the batch is one transaction and
    // cannot half-fail on a concurrent edit.
    for (const auto& row : db.bulkDocs(docs, false))
        if (!row.ok()) throw StoreError(row.error == "conflict" ? 409 : 400, row.error, row.reason);
    return winner;
}

std::string unionMergeText(const std::string& a, const std::string& b) {
    if (a == b || b.empty()) return a;
    if (a.empty()) return b;
    auto la = splitLines(a), lb = splitLines(b);
    constexpr size_t kMaxCells = 4'000'000;  // beyond this, plain concatenation
    if (la.size() * lb.size() > kMaxCells) return a + (a.empty() || a.back() == '\n' ? "" : "\n") + b;
    // Longest common subsequence of lines, then walk both texts along it.
    const size_t n = la.size(), m = lb.size();
    std::vector<uint32_t> len((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return len[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            at(i, j) = la[i] == lb[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::vector<std::string> out, onlyA, onlyB;
    auto flush = [&] {
        out.insert(out.end(), onlyA.begin(), onlyA.end());
        out.insert(out.end(), onlyB.begin(), onlyB.end());
        onlyA.clear();
        onlyB.clear();
    };
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && la[i] == lb[j]) {
            flush();
            out.push_back(la[i]);
            ++i;
            ++j;
        } else if (j >= m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
            onlyA.push_back(la[i++]);
        } else {
            onlyB.push_back(lb[j++]);
        }
    }
    flush();
    std::string text;
    for (size_t k = 0; k < out.size(); ++k) text += (k ? "\n" : "") + out[k];
    return text;
}

}  // namespace kenes::storage
