#include "app/views/sync_indicator.h"

#include <chrono>
#include <cmath>
#include <string>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/core/sync_service.h"

namespace kenes::app {

SyncSummary summarise(const SyncService& service) {
    if (!service.configError().empty()) return SyncSummary::Unreadable;
    if (!service.configured()) return SyncSummary::NotConfigured;
    const auto& status = service.status();
    if (status.subscriptions.empty()) return SyncSummary::Connecting;
    bool syncing = false, credentials = false, offline = !status.online, error = false, idle = false;
    for (const auto& s : status.subscriptions) {
        syncing = syncing || s.state == sync::SyncState::Syncing;
        credentials = credentials || s.state == sync::SyncState::NeedsCredentials;
        offline = offline || s.state == sync::SyncState::Offline;
        error = error || s.state == sync::SyncState::Error;
        idle = idle || s.state == sync::SyncState::Idle;
    }
    if (credentials) return SyncSummary::NeedsCredentials;
    if (syncing) return SyncSummary::Syncing;
    if (offline) return SyncSummary::Offline;
    if (error) return SyncSummary::Error;
    if (idle) return SyncSummary::Connecting;
    return SyncSummary::UpToDate;
}

const char* summaryText(SyncSummary summary) {
    switch (summary) {
        case SyncSummary::NotConfigured:
            return N_("Not syncing");
        case SyncSummary::Unreadable:
            return N_("Sync settings unreadable");
        case SyncSummary::Connecting:
            return N_("Connecting…");
        case SyncSummary::Syncing:
            return N_("Syncing…");
        case SyncSummary::UpToDate:
            return N_("Synced");
        case SyncSummary::Offline:
            return N_("Offline");
        case SyncSummary::NeedsCredentials:
            return N_("Sign-in needed");
        case SyncSummary::Error:
            return N_("Sync error");
    }
    return "";
}

ImVec4 stateColour(SyncSummary summary) {
    switch (summary) {
        case SyncSummary::UpToDate:
            return ImVec4(0.25f, 0.75f, 0.35f, 1);
        case SyncSummary::Syncing:
        case SyncSummary::Connecting:
            return ImVec4(0.3f, 0.6f, 1.0f, 1);
        case SyncSummary::Offline:
            return ImVec4(0.85f, 0.65f, 0.2f, 1);
        case SyncSummary::NeedsCredentials:
        case SyncSummary::Error:
        case SyncSummary::Unreadable:
            return ImVec4(0.95f, 0.35f, 0.3f, 1);
        case SyncSummary::NotConfigured:
            break;
    }
    return ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
}

void drawSyncIndicator(AppContext& ctx) {
    SyncSummary summary = summarise(ctx.sync());
    std::string text = tr(summaryText(summary));
    const float dot = ImGui::GetFontSize() * 0.5f;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float width =
        dot + style.ItemInnerSpacing.x + ImGui::CalcTextSize(text.c_str()).x + 2 * style.FramePadding.x;
    const float right = ImGui::GetWindowContentRegionMax().x - width;
    if (right > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(right);
    ImVec4 colour = stateColour(summary);
    // The label leaves room for the dot, which is drawn over the button's left padding.
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
    std::string pad(1, ' ');
    while (ImGui::CalcTextSize(pad.c_str()).x < dot + style.ItemInnerSpacing.x * 0.5f) pad += ' ';
    bool pressed = ImGui::Button((pad + text + "###sync-indicator").c_str());
    ImGui::PopStyleColor();
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ImVec2 centre(min.x + style.FramePadding.x + dot * 0.5f, (min.y + max.y) * 0.5f);
    if (summary == SyncSummary::Syncing || summary == SyncSummary::Connecting) {
        // A pulsing dot while work is under way; the loop is woken for the animation.
        float phase = static_cast<float>(ImGui::GetTime() * 2.0);
        colour.w = 0.45f + 0.55f * (0.5f + 0.5f * std::sin(phase * 3.14159f));
        ctx.requestWakeAt(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
    }
    ImGui::GetWindowDrawList()->AddCircleFilled(centre, dot * 0.5f, ImGui::GetColorU32(colour));
    if (ImGui::IsItemHovered()) {
        std::string tip = tr("Open the sync settings and status");
        const auto& status = ctx.sync().status();
        for (const auto& s : status.subscriptions)
            if (!s.error.empty()) tip += "\n" + s.error;
        ImGui::SetTooltip("%s", tip.c_str());
    }
    if (pressed) ctx.bus().post(ShowView{"sync"});
}

}  // namespace kenes::app
