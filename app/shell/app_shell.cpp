#include "app/shell/app_shell.h"

#include <imgui.h>

#include "app/core/i18n.h"
#include "app/views/sync_indicator.h"

namespace kenes::app {

void applyTheme(const std::string& theme, float scale) {
    ImGuiStyle style;
    if (theme == "light") {
        ImGui::StyleColorsLight(&style);
    } else {
        ImGui::StyleColorsDark(&style);
    }
    style.WindowRounding = 0;
    style.FrameRounding = 4;
    style.FramePadding = ImVec2(8, 5);
    style.ItemSpacing = ImVec2(8, 6);
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

AppShell::AppShell(AppContext& ctx) : m_ctx(ctx), m_views(createViews(ctx)) {
    setUiLanguage(ctx.settings().uiLanguage);
    m_current = ctx.settings().lastView;
    if (!view(m_current)) m_current = "agenda";
    ctx.bus().subscribe<ShowView>([this](const ShowView& e) { showView(e.view); });
}

View* AppShell::view(const std::string& id) {
    for (auto& v : m_views)
        if (id == v->id()) return v.get();
    return nullptr;
}

void AppShell::showView(const std::string& id) {
    if (!view(id)) return;
    m_current = id;
    m_ctx.settings().lastView = id;
}

void AppShell::drawFrame() {
    setUiLanguage(m_ctx.settings().uiLanguage);

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("###kenes-main", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    // Navigation bar: one button per navigable view; the open view is highlighted.
    for (auto& v : m_views) {
        if (!v->inNavigation()) continue;
        bool active = m_current == v->id();
        if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(label(v->title(), v->id()).c_str())) showView(v->id());
        if (active) ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    drawSyncIndicator(m_ctx);
    ImGui::NewLine();
    ImGui::Separator();
    ImGui::BeginChild("###view", ImVec2(0, 0), false);
    if (View* v = view(m_current)) {
        ImGui::PushID(v->id());
        v->draw(m_ctx);
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::End();
    m_ctx.bus().dispatch();
}

}  // namespace kenes::app
