// Notes: the user's notes newest first (filter by tag) and the editor (title, Markdown text,
// tags), side by side; in the compact layout either the list or the editor (with a way back).
// Edits are saved automatically within one second of the last keystroke, and when another
// note is opened, so a killed process loses at most that last second. Opened through OpenNote.
// A note with versions from two devices carries a "Conflict: resolve" badge (in the list and above
// the editor) that saves the draft and opens the merge view (OpenMerge). "Export notes (Markdown)"
// writes every note off the UI thread. UI thread only.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/core/events.h"
#include "app/core/i18n.h"
#include "app/views/export_buttons.h"
#include "app/views/view.h"
#include "storage/model.h"
#include "storage/note_conflicts.h"

namespace kenes::app {

class NotesView : public View {
public:
    explicit NotesView(AppContext& ctx);
    ~NotesView() override;  // saves unsaved edits (the window was closed)
    const char* id() const override { return "notes"; }
    const char* title() const override { return N_("Notes"); }
    void draw(AppContext& ctx) override;

    // The editor's state, exposed for tests.
    struct Draft {
        std::string id, title, body, tags, event, session;
        std::vector<std::string> standards;
        std::string created;
    };
    const Draft& draft() const { return m_draft; }
    Draft& editDraft(AppContext& ctx);  // marks the draft as edited now
    bool dirty() const { return m_dirty; }
    // Compact layout: whether the editor (rather than the list) fills the view.
    bool editorShown() const { return m_editorShown; }
    // Saves the draft now when it has unsaved edits. Returns false (and keeps the text) on error.
    bool saveNow(AppContext& ctx);

    static constexpr std::chrono::milliseconds kAutosaveDelay{500};

private:
    void reload(AppContext& ctx);
    void open(AppContext& ctx, const OpenNote& request);
    void edited();
    void conflictBadge(AppContext& ctx, const std::string& noteId, const std::string& widgetId);
    void drawList(AppContext& ctx, bool compact);
    void drawEditor(AppContext& ctx);

    AppContext& m_ctx;
    std::vector<storage::NoteInfo> m_notes;
    ExportButtons m_exports;
    storage::ConflictedIds m_conflicts{"note:"};  // notes with versions from two devices
    bool m_stale = true, m_dirty = false;
    bool m_editorShown = false;  // compact layout: a note was opened by the person
    Draft m_draft;
    std::string m_tagFilter, m_error, m_tagsLanguage;
    std::vector<std::string> m_tags;
    std::string m_eventFilter, m_eventsLanguage;
    std::vector<storage::EventInfo> m_events;
    std::chrono::steady_clock::time_point m_lastEdit;
};

}  // namespace kenes::app
