#include "app/views/change_marks.h"

#include <imgui.h>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

const ImVec4 kChangeColour(1.0f, 0.62f, 0.2f, 1.0f);
const ImVec4 kWarningColour(1.0f, 0.45f, 0.4f, 1.0f);

// "Thu, Jul 25 10:00–11:00" in the UI language.
std::string when(const SessionFacts& f, const std::string& ui) {
    if (f.start.size() < 16) return f.start;
    std::string text = formatDayTab(f.start.substr(0, 10), ui) + " " + clockTime(f.start);
    if (f.end.size() >= 16) {
        text += "–";
        if (f.end.substr(0, 10) != f.start.substr(0, 10)) text += formatDayTab(f.end.substr(0, 10), ui) + " ";
        text += clockTime(f.end);
    }
    return text;
}

std::string kinds(const SessionChange& c) {
    std::string out;
    auto add = [&](const char* msgid) { out += (out.empty() ? "" : ", ") + std::string(tr(msgid)); };
    if (c.added) add(N_("New"));
    if (c.cancelled) add(N_("Cancelled"));
    if (c.reinstated) add(N_("No longer cancelled"));
    if (c.time) add(N_("Time changed"));
    if (c.room) add(N_("Room changed"));
    if (c.title) add(N_("Title changed"));
    return out;
}

// The old values, one per line, for what changed.
std::string before(const SessionChange& c, AppContext& ctx) {
    const std::string& ui = ctx.settings().uiLanguage;
    const std::string& content = ctx.settings().contentLanguage;
    std::string out;
    auto line = [&](const char* what, const std::string& was, const std::string& now) {
        if (!out.empty()) out += "\n";
        out += std::string(tr(what)) + ": " + (was.empty() ? "—" : was) + " → " + (now.empty() ? "—" : now);
    };
    if (c.time) line(N_("Time"), when(c.before, ui), when(c.now, ui));
    if (c.room) line(N_("Room"), c.before.roomIn(content), c.now.roomIn(content));
    if (c.title) line(N_("Title"), c.before.titleIn(content), c.now.titleIn(content));
    return out;
}

}  // namespace

void drawChangesBanner(AppContext& ctx, const std::string& eventId) {
    SessionChanges& changes = ctx.sessionChanges();
    size_t here = 0, elsewhere = 0;
    for (const auto& [id, c] : changes.changes()) ++(c.now.event == eventId ? here : elsewhere);
    here += changes.removedCount(eventId);
    elsewhere += changes.removedCount() - changes.removedCount(eventId);
    if (here + elsewhere == 0 && changes.starredAlerts().empty()) return;
    const std::string& ui = ctx.settings().uiLanguage;
    const std::string& content = ctx.settings().contentLanguage;
    ImGui::PushID("###changes-banner");
    for (const auto& alert : changes.starredAlerts()) {
        std::string title = "“" + alert.before.titleIn(content) + "”";
        std::string text;
        switch (alert.kind) {
            case StarredAlert::Kind::Moved:
                text = std::string(tr("A starred session moved:")) + " " + title + ", " +
                       when(alert.before, ui) + " → " + when(*alert.now, ui);
                break;
            case StarredAlert::Kind::Cancelled:
                text = std::string(tr("A starred session was cancelled:")) + " " + title;
                break;
            case StarredAlert::Kind::Removed:
                text = std::string(tr("A starred session was removed from the programme:")) + " " + title +
                       ", " + when(alert.before, ui);
                break;
        }
        ImGui::PushID(alert.sessionId.c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningColour);
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
        if (alert.kind == StarredAlert::Kind::Removed) {
            if (ImGui::SmallButton(label("Dismiss", "dismiss").c_str())) changes.markSeen(alert.sessionId);
        } else if (ImGui::SmallButton(label("Open", "open").c_str())) {
            ctx.bus().post(OpenSession{alert.sessionId});
        }
        ImGui::PopID();
    }
    if (here + elsewhere > 0) {
        std::string text;
        if (here > 0)
            text = trn("%d session changed since you last looked",
                       "%d sessions changed since you last looked", static_cast<long>(here));
        if (elsewhere > 0) {
            if (!text.empty()) text += "; ";
            text += trn("%d changed session in other events", "%d changed sessions in other events",
                        static_cast<long>(elsewhere));
        }
        ImGui::PushStyleColor(ImGuiCol_Text, kChangeColour);
        ImGui::AlignTextToFramePadding();
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::SmallButton(label("Mark all seen", "mark-all-seen").c_str())) changes.markAllSeen();
    }
    ImGui::PopID();
}

void drawChangeTag(AppContext& ctx, const std::string& sessionId) {
    const SessionChange* c = ctx.sessionChanges().change(sessionId);
    if (!c) return;
    std::string text = kinds(*c);
    ImGui::SameLine();
    // A long title leaves no room beside it: the tag goes on the next line of the cell.
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(text.c_str()).x) ImGui::NewLine();
    ImGui::TextColored(kChangeColour, "%s", text.c_str());
    if (ImGui::IsItemHovered()) {
        std::string tip = before(*c, ctx);
        if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
    }
}

void drawSessionChangeNote(AppContext& ctx, const std::string& sessionId) {
    const SessionChange* c = ctx.sessionChanges().change(sessionId);
    if (!c) c = ctx.sessionChanges().openedChange(sessionId);
    if (!c) return;
    ImGui::PushStyleColor(ImGuiCol_Text, kChangeColour);
    ImGui::TextWrapped("%s", (std::string(tr("Changed since you last looked:")) + " " + kinds(*c)).c_str());
    std::string details = before(*c, ctx);
    if (!details.empty()) ImGui::TextWrapped("%s", details.c_str());
    ImGui::PopStyleColor();
}

}  // namespace kenes::app
