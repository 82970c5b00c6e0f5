#include "app/views/merge_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <vector>

#include "app/core/app_context.h"
#include "app/core/device_name.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

std::string text(const storage::Json& body, const char* key) {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "2019-07-26T04:20:31Z" → "July 26, 2019, 04:20 UTC" in the UI language.
std::string when(const std::string& stamp, const std::string& language) {
    if (stamp.size() < 10) return stamp;
    return formatLongDate(stamp.substr(0, 10), language) +
           (stamp.size() > 15 ? ", " + stamp.substr(11, 5) + " UTC" : "");
}

// The union of two string arrays, first one's order first.
storage::Json unionArray(const storage::Json& a, const storage::Json& b) {
    storage::Json out = a.is_array() ? a : storage::Json::array();
    if (b.is_array())
        for (const auto& v : b)
            if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
}

}  // namespace

MergeView::MergeView(AppContext& ctx) {
    ctx.bus().subscribe<OpenMerge>([this, &ctx](const OpenMerge& e) {
        open(ctx, e.noteId);
        ctx.bus().post(ShowView{"merge"});
    });
    ctx.bus().subscribe<DataChanged>([this, &ctx](const DataChanged&) {
        // A sync may have brought another version (or resolved it elsewhere): show what is there
        // now, keeping what the user typed into the merged text.
        if (m_noteId.empty()) return;
        auto fresh = storage::documentConflict(ctx.userDatabase(), m_noteId);
        if (!fresh || !m_conflict || fresh->revs() != m_conflict->revs()) m_conflict = std::move(fresh);
    });
}

void MergeView::open(AppContext& ctx, const std::string& noteId) {
    m_noteId = noteId;
    m_looked = true;
    m_error.clear();
    m_conflict = storage::documentConflict(ctx.userDatabase(), noteId);
    m_mergedTitle.clear();
    m_mergedBody.clear();
    if (!m_conflict) return;
    // Prefill: the shown (winning) title unless it is empty, and every version's lines once.
    for (const auto& v : m_conflict->versions) {
        std::string title = text(v.body, "title");
        if (m_mergedTitle.empty()) m_mergedTitle = title;
        m_mergedBody = storage::unionMergeText(m_mergedBody, text(v.body, "body"));
    }
}

bool MergeView::resolve(AppContext& ctx, storage::Json body) {
    if (!m_conflict) return false;
    body["updated"] = utcTimestamp(ctx.now());
    body["device"] = deviceName();
    try {
        storage::resolveConflict(ctx.userDatabase(), m_conflict->id, m_conflict->revs(), body);
    } catch (const storage::StoreError& e) {
        m_error = e.reason();
        if (e.status() == 409) {
            // Show the versions as they are now; the merged text stays as typed.
            m_conflict = storage::documentConflict(ctx.userDatabase(), m_noteId);
        }
        return false;
    }
    m_error.clear();
    m_conflict.reset();
    ctx.bus().post(DataChanged{});
    ctx.bus().post(OpenNote{m_noteId, "", ""});
    return true;
}

bool MergeView::keepVersion(AppContext& ctx, size_t index) {
    if (!m_conflict || index >= m_conflict->versions.size()) return false;
    return resolve(ctx, m_conflict->versions[index].body);
}

bool MergeView::saveMerged(AppContext& ctx) {
    if (!m_conflict) return false;
    // The merged note keeps the winner's links and created time, and the tags and standards of all.
    storage::Json body = m_conflict->versions.front().body;
    for (size_t i = 1; i < m_conflict->versions.size(); ++i) {
        const auto& other = m_conflict->versions[i].body;
        for (const char* key : {"tags", "standards"})
            if (other.contains(key))
                body[key] = unionArray(body.value(key, storage::Json::array()), other[key]);
        for (const char* key : {"event", "session", "created"})
            if (!body.contains(key) && other.contains(key)) body[key] = other[key];
    }
    body["title"] = m_mergedTitle;
    body["body"] = m_mergedBody;
    return resolve(ctx, body);
}

void MergeView::draw(AppContext& ctx) {
    if (!m_looked) {
        m_looked = true;
        auto ids = storage::conflictedDocumentIds(ctx.userDatabase(), "note:");
        if (!ids.empty()) open(ctx, ids.front());
    }
    if (ImGui::Button(label("Back to notes", "back").c_str())) ctx.bus().post(ShowView{"notes"});
    if (!m_conflict) {
        ImGui::Spacing();
        mutedText(
            tr("No note has conflicting versions. When a note is changed on two devices before they "
               "sync, both versions are shown here so you can keep one or merge them."));
        if (!m_error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", m_error.c_str());
        return;
    }
    const auto& versions = m_conflict->versions;
    heading(tr("This note was changed on two devices"));
    mutedText(
        tr("Keep one version, or edit the merged text below and save it. The other versions are "
           "deleted on every device at the next sync."));
    if (!m_error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", m_error.c_str());

    const bool compact = ctx.layout().compact;
    const float versionsHeight = ImGui::GetContentRegionAvail().y * (compact ? 0.5f : 0.48f);
    ImGui::BeginChild("###versions", ImVec2(0, versionsHeight), false);
    // Side by side (up to three across); one under the other when the window is narrow.
    const size_t across = compact ? 1 : std::min<size_t>(versions.size(), 3);
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - spacing * static_cast<float>(across - 1)) /
                        static_cast<float>(across);
    const float paneHeight =
        compact ? ImGui::GetTextLineHeightWithSpacing() * 10 : ImGui::GetContentRegionAvail().y;
    for (size_t i = 0; i < versions.size(); ++i) {
        const auto& v = versions[i];
        if (i % across != 0) ImGui::SameLine();
        ImGui::PushID(static_cast<int>(i));
        ImGui::BeginChild("###version", ImVec2(width, paneHeight), true);
        heading(std::string(tr("Version")) + " " + std::to_string(i + 1) +
                (v.winner ? std::string(" — ") + tr("shown now") : std::string()));
        std::string device = text(v.body, "device");
        std::string edited = when(text(v.body, "updated"), ctx.settings().uiLanguage);
        mutedText((device.empty() ? std::string(tr("Edited")) : std::string(tr("Edited on")) + " " + device) +
                  (edited.empty() ? "" : ", " + edited) + " · " + tr("revision") + " " + v.rev.substr(0, 10));
        std::string title = text(v.body, "title");
        ImGui::TextWrapped("%s", title.empty() ? tr("Untitled note") : title.c_str());
        std::string body = text(v.body, "body");
        const float buttonRow = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
        ImGui::InputTextMultiline("###body", &body, ImVec2(-1, ImGui::GetContentRegionAvail().y - buttonRow),
                                  ImGuiInputTextFlags_ReadOnly);
        if (ImGui::Button(label("Keep this version", "keep").c_str())) keepVersion(ctx, i);
        ImGui::EndChild();
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::Separator();
    heading(tr("Merged text"));
    ImGui::SetNextItemWidth(-1);
    std::string titleHint = tr("Title");
    ImGui::InputTextWithHint("###merged-title", titleHint.c_str(), &m_mergedTitle);
    const float buttonRow = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
    ImGui::InputTextMultiline("###merged-body", &m_mergedBody,
                              ImVec2(-1, ImGui::GetContentRegionAvail().y - buttonRow));
    if (ImGui::Button(label("Save merged", "save-merged").c_str())) saveMerged(ctx);
}

}  // namespace kenes::app
