// Merge: a note edited on two devices, its live versions side by side (title, text, when and on
// which device, revision), "Keep this version" under each, and a merged title and text prefilled
// with both sides' lines for "Save merged". Any choice writes one revision and deletes the other
// branches (storage/note_conflicts.h), which then replicates. Opened through OpenMerge; drawn
// without one it opens the first conflicted note, or says there is none. UI thread only.
#pragma once

#include <optional>
#include <string>

#include "app/core/i18n.h"
#include "app/views/view.h"
#include "storage/note_conflicts.h"

namespace kenes::app {

class MergeView : public View {
public:
    explicit MergeView(AppContext& ctx);
    const char* id() const override { return "merge"; }
    const char* title() const override { return N_("Resolve conflict"); }
    bool inNavigation() const override { return false; }
    void draw(AppContext& ctx) override;

    // State and actions exposed for tests (the buttons call them).
    void open(AppContext& ctx, const std::string& noteId);
    const std::optional<storage::DocumentConflict>& conflict() const { return m_conflict; }
    std::string& mergedTitle() { return m_mergedTitle; }
    std::string& mergedBody() { return m_mergedBody; }
    const std::string& error() const { return m_error; }
    // Keeps version `index` (0 = the current winner) as it is. Returns false and sets error().
    bool keepVersion(AppContext& ctx, size_t index);
    // Keeps the merged title and text. Returns false and sets error().
    bool saveMerged(AppContext& ctx);

private:
    bool resolve(AppContext& ctx, storage::Json body);

    std::string m_noteId;
    bool m_looked = false;  // looked for a conflicted note to show when none was asked for
    std::optional<storage::DocumentConflict> m_conflict;
    std::string m_mergedTitle, m_mergedBody, m_error;
};

}  // namespace kenes::app
