#include "app/views/notes_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <random>
#include <set>

#include "app/core/app_context.h"
#include "app/core/device_name.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

const ImVec4 kConflictColour(0.95f, 0.62f, 0.2f, 1.0f);

std::string newNoteId() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
    const char* hex = "0123456789abcdef";
    std::string id = "note:";
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
        id += hex[gen() & 15];
    }
    return id;
}

std::vector<std::string> splitTags(const std::string& text) {
    std::vector<std::string> tags;
    std::string cur;
    for (char c : text + ",") {
        if (c == ',') {
            size_t a = cur.find_first_not_of(' '), b = cur.find_last_not_of(' ');
            if (a != std::string::npos) tags.push_back(cur.substr(a, b - a + 1));
            cur.clear();
        } else {
            cur += c;
        }
    }
    return tags;
}

}  // namespace

NotesView::~NotesView() {
    saveNow(m_ctx);
}

void NotesView::conflictBadge(AppContext& ctx, const std::string& noteId, const std::string& widgetId) {
    ImGui::PushStyleColor(ImGuiCol_Button, kConflictColour);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.1f, 0.05f, 0.0f, 1.0f));
    if (ImGui::SmallButton(label("Conflict: resolve", widgetId.c_str()).c_str())) {
        saveNow(ctx);  // the merge view must see the last typed text as one of the versions
        ctx.bus().post(OpenMerge{noteId});
    }
    ImGui::PopStyleColor(2);
}

NotesView::NotesView(AppContext& ctx) : m_ctx(ctx) {
    ctx.bus().subscribe<OpenNote>([this, &ctx](const OpenNote& e) {
        open(ctx, e);
        m_editorShown = true;
        ctx.bus().post(ShowView{"notes"});
    });
    ctx.bus().subscribe<DataChanged>([this](const DataChanged&) { m_stale = true; });
}

void NotesView::reload(AppContext& ctx) {
    storage::NoteFilter filter;
    filter.tag = m_tagFilter;
    filter.event = m_eventFilter;
    m_notes = ctx.model().notes(ctx.userDatabaseName(), filter);
    m_conflicts.update(ctx.userDatabase());
    m_stale = false;
}

void NotesView::open(AppContext& ctx, const OpenNote& request) {
    saveNow(ctx);
    m_draft = Draft{};
    m_error.clear();
    if (request.noteId.empty()) {
        // A new note linked to the session, stamped with the time it was started.
        m_draft.id = newNoteId();
        m_draft.event = request.eventId;
        m_draft.session = request.sessionId;
        m_draft.created = utcTimestamp(ctx.now());
        if (!request.sessionId.empty()) {
            if (auto s = ctx.model().session(request.sessionId, ctx.settings().contentLanguage))
                m_draft.title = s->title;
        }
        m_draft.body = utcTimestamp(ctx.now()).substr(11, 5) + " ";
        m_lastEdit = std::chrono::steady_clock::now();
        m_dirty = true;
        return;
    }
    for (auto& n : ctx.model().notes(ctx.userDatabaseName())) {
        if (n.id != request.noteId) continue;
        m_draft.id = n.id;
        m_draft.title = n.title;
        m_draft.body = n.body;
        m_draft.event = n.event;
        m_draft.session = n.session;
        m_draft.standards = n.standards;
        m_draft.created = n.created;
        for (auto& t : n.tags) m_draft.tags += (m_draft.tags.empty() ? "" : ", ") + t;
    }
}

NotesView::Draft& NotesView::editDraft(AppContext&) {
    edited();
    return m_draft;
}

void NotesView::edited() {
    m_dirty = true;
    m_lastEdit = std::chrono::steady_clock::now();
}

bool NotesView::saveNow(AppContext& ctx) {
    if (!m_dirty || m_draft.id.empty()) return true;
    try {
        storage::Database& db = ctx.userDatabase();
        storage::Json doc = storage::Json::object();
        doc["_id"] = m_draft.id;
        storage::GetOptions options;
        storage::Json existing;
        try {
            existing = db.get(m_draft.id, options);
        } catch (const storage::StoreError&) {
            existing = nullptr;
        }
        if (existing.is_object() && existing.contains("_rev")) doc["_rev"] = existing["_rev"];
        doc["type"] = "note";
        doc["title"] = m_draft.title;
        doc["body"] = m_draft.body;
        doc["created"] = m_draft.created.empty() ? utcTimestamp(ctx.now()) : m_draft.created;
        doc["updated"] = utcTimestamp(ctx.now());
        doc["device"] = deviceName();
        if (!m_draft.event.empty()) doc["event"] = m_draft.event;
        if (!m_draft.session.empty()) doc["session"] = m_draft.session;
        if (!m_draft.standards.empty()) doc["standards"] = m_draft.standards;
        auto tags = splitTags(m_draft.tags);
        if (!tags.empty()) doc["tags"] = tags;
        db.put(doc);
        m_dirty = false;
        m_error.clear();
        m_stale = true;
        m_tags.clear();
        ctx.bus().post(DataChanged{});
        return true;
    } catch (const std::exception& e) {
        m_error = e.what();
        return false;
    }
}

void NotesView::draw(AppContext& ctx) {
    if (m_stale) reload(ctx);
    if (m_dirty) {
        auto due = m_lastEdit + kAutosaveDelay;
        if (std::chrono::steady_clock::now() >= due) {
            saveNow(ctx);
        } else {
            ctx.requestWakeAt(due);
        }
    }
    if (m_draft.id.empty() && !m_notes.empty()) open(ctx, OpenNote{m_notes.front().id, "", ""});

    // Side by side; in the compact layout the list, or the opened note with a way back to the list.
    const bool compact = ctx.layout().compact;
    if (!compact) {
        drawList(ctx, false);
        ImGui::SameLine();
        drawEditor(ctx);
    } else if (m_editorShown && !m_draft.id.empty()) {
        if (ImGui::Button(label("‹ Notes", "back").c_str())) m_editorShown = false;
        drawEditor(ctx);
    } else {
        drawList(ctx, true);
    }
}

void NotesView::drawList(AppContext& ctx, bool compact) {
    ImVec2 listSize = compact ? ImVec2(0, 0) : ImVec2(ImGui::GetContentRegionAvail().x * 0.32f, 0);
    ImGui::BeginChild("###note-list", listSize, !compact);
    if (ImGui::Button(label("New note", "new-note").c_str())) {
        open(ctx, OpenNote{});
        m_editorShown = true;
    }
    m_exports.drawNotes(ctx);
    ImGui::SetNextItemWidth(-1);
    // Filter by event: the events' titles in the content language.
    if (m_events.empty() || m_eventsLanguage != ctx.settings().contentLanguage) {
        m_events = ctx.model().events(ctx.settings().contentLanguage);
        m_eventsLanguage = ctx.settings().contentLanguage;
    }
    std::string eventPreview = tr("All events");
    for (auto& e : m_events)
        if (e.id == m_eventFilter) eventPreview = e.title;
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("###event-filter", eventPreview.c_str())) {
        if (ImGui::Selectable(label("All events", "all-events").c_str(), m_eventFilter.empty())) {
            m_eventFilter.clear();
            m_stale = true;
        }
        for (auto& e : m_events) {
            if (ImGui::Selectable((e.title + "###" + e.id).c_str(), e.id == m_eventFilter)) {
                m_eventFilter = e.id;
                m_stale = true;
            }
        }
        ImGui::EndCombo();
    }
    ImGui::SetNextItemWidth(-1);
    std::string hint = tr("Filter by tag");
    if (ImGui::InputTextWithHint("###tag-filter", hint.c_str(), &m_tagFilter)) m_stale = true;
    // Tags of all notes, sorted for the UI language (Russian collation when the UI is Russian).
    if (m_tags.empty() || m_tagsLanguage != uiLanguage()) {
        std::set<std::string> all;
        for (auto& n : ctx.model().notes(ctx.userDatabaseName()))
            for (auto& t : n.tags) all.insert(t);
        m_tags.assign(all.begin(), all.end());
        std::sort(m_tags.begin(), m_tags.end(),
                  [](auto& a, auto& b) { return collateLess(a, b, uiLanguage()); });
        m_tagsLanguage = uiLanguage();
    }
    // Tag buttons wrap at the list's edge; full-size buttons in the compact layout (touch).
    const float right = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
    for (size_t i = 0; i < m_tags.size(); ++i) {
        const std::string& t = m_tags[i];
        std::string text = "#" + t;
        if (i > 0) {
            ImGui::SameLine();
            float width = ImGui::CalcTextSize(text.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
            if (ImGui::GetCursorPosX() + width > right) ImGui::NewLine();
        }
        bool active = t == m_tagFilter;
        if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        text += "###tag-" + t;
        if (compact ? ImGui::Button(text.c_str()) : ImGui::SmallButton(text.c_str())) {
            m_tagFilter = active ? "" : t;
            m_stale = true;
        }
        if (active) ImGui::PopStyleColor();
    }
    mutedText(trn("%d note", "%d notes", static_cast<long>(m_notes.size())));
    for (auto& n : m_notes) {
        std::string title = n.title.empty() ? std::string(tr("Untitled note")) : n.title;
        if (ImGui::Selectable((title + "###" + n.id).c_str(), n.id == m_draft.id && !compact, 0,
                              ImVec2(0, compact ? ImGui::GetFrameHeight() : 0))) {
            open(ctx, OpenNote{n.id, "", ""});
            m_editorShown = true;
        }
        mutedText(formatLongDate(n.updated.substr(0, 10), ctx.settings().uiLanguage) +
                  (n.updated.size() > 15 ? ", " + n.updated.substr(11, 5) + " UTC" : ""));
        if (m_conflicts.contains(n.id)) conflictBadge(ctx, n.id, "conflict-" + n.id);
    }
    ImGui::EndChild();
}

void NotesView::drawEditor(AppContext& ctx) {
    ImGui::BeginChild("###editor", ImVec2(0, 0), true);
    if (m_draft.id.empty()) {
        mutedText(tr("No note open. Press \"New note\" to start one."));
    } else {
        if (m_conflicts.contains(m_draft.id)) {
            ImGui::TextColored(kConflictColour, "%s", tr("This note was changed on two devices."));
            ImGui::SameLine();
            conflictBadge(ctx, m_draft.id, "resolve");
        }
        ImGui::SetNextItemWidth(-1);
        std::string titleHint = tr("Title");
        if (ImGui::InputTextWithHint("###title", titleHint.c_str(), &m_draft.title)) edited();
        ImGui::SetNextItemWidth(-1);
        std::string tagsHint = tr("Tags, separated by commas");
        if (ImGui::InputTextWithHint("###tags", tagsHint.c_str(), &m_draft.tags)) edited();
        float statusHeight = ImGui::GetTextLineHeightWithSpacing() * 1.5f;
        if (ImGui::InputTextMultiline("###body", &m_draft.body,
                                      ImVec2(-1, ImGui::GetContentRegionAvail().y - statusHeight)))
            edited();
        if (!m_error.empty()) {
            ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s %s", tr("Not saved, will retry:"),
                               m_error.c_str());
            ctx.requestWakeAt(std::chrono::steady_clock::now() + std::chrono::seconds(2));
            m_lastEdit = std::chrono::steady_clock::now() - kAutosaveDelay + std::chrono::seconds(2);
        } else {
            mutedText(m_dirty ? tr("Editing…") : tr("Saved"));
        }
    }
    ImGui::EndChild();
}

}  // namespace kenes::app
