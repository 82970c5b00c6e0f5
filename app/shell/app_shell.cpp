#include "app/shell/app_shell.h"

#include <imgui.h>

#include <algorithm>

#include "app/core/i18n.h"
#include "app/shell/fonts.h"
#include "app/views/sync_indicator.h"

namespace kenes::app {

namespace {

// The compact layout's larger touch targets, pushed over the theme for one frame. Returns how
// many style variables were pushed.
int pushCompactStyle(const Layout& layout) {
    const ImGuiStyle& base = ImGui::GetStyle();
    const float s = layout.scale;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6 * s, 6 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(10 * s, 11 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(base.ItemSpacing.x, 10 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemInnerSpacing, ImVec2(8 * s, base.ItemInnerSpacing.y));
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(base.CellPadding.x, 6 * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, 18 * s);
    ImGui::PushStyleVar(ImGuiStyleVar_GrabMinSize, 24 * s);
    return 7;
}

}  // namespace

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
    m_lastNavigable = view(m_current)->inNavigation() ? m_current : "agenda";
    ctx.bus().subscribe<ShowView>([this](const ShowView& e) { showView(e.view); });
}

View* AppShell::view(const std::string& id) {
    for (auto& v : m_views)
        if (id == v->id()) return v.get();
    return nullptr;
}

void AppShell::showView(const std::string& id) {
    View* v = view(id);
    if (!v) return;
    m_current = id;
    if (v->inNavigation()) m_lastNavigable = id;
    m_ctx.settings().lastView = id;
}

void AppShell::drawTopBar(bool compact) {
    if (compact) {
        // Slim header: the open view's title; the bottom tabs do the navigating.
        if (View* v = view(m_current)) {
            if (ImFont* bold = boldFont()) ImGui::PushFont(bold);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(tr(v->title()));
            if (boldFont()) ImGui::PopFont();
        }
        ImGui::SameLine();
    } else {
        // Navigation bar: one button per navigable view; the open view is highlighted.
        for (auto& v : m_views) {
            if (!v->inNavigation()) continue;
            bool active = m_lastNavigable == v->id();
            if (active)
                ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::Button(label(v->title(), v->id()).c_str())) showView(v->id());
            if (active) ImGui::PopStyleColor();
            ImGui::SameLine();
        }
    }
    drawSyncIndicator(m_ctx);  // right-aligned; ends the line
}

void AppShell::drawBottomTabs() {
    std::vector<View*> navigable;
    for (auto& v : m_views)
        if (v->inNavigation()) navigable.push_back(v.get());
    const ImGuiStyle& style = ImGui::GetStyle();
    const float width = ImGui::GetContentRegionAvail().x;
    const float height = m_ctx.layout().touchHeight() + style.FramePadding.y;
    const float gap = 2 * m_ctx.layout().scale;
    // As many tabs as fit with their whole label; the rest go under "More".
    auto tabWidth = [&](size_t tabs) {
        return (width - gap * static_cast<float>(tabs - 1)) / static_cast<float>(tabs);
    };
    auto fits = [&](size_t shown) {
        bool more = shown < navigable.size();
        float w = tabWidth(shown + (more ? 1 : 0)) - 2 * style.FramePadding.x;
        for (size_t i = 0; i < shown; ++i)
            if (ImGui::CalcTextSize(tr(navigable[i]->shortTitle())).x > w) return false;
        return !more || ImGui::CalcTextSize(tr("More")).x <= w;
    };
    size_t shown = navigable.size();
    while (shown > 1 && !fits(shown)) --shown;
    const bool more = shown < navigable.size();
    const float w = tabWidth(shown + (more ? 1 : 0));

    m_tabs.clear();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, style.ItemSpacing.y));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 0.0f);
    auto tab = [&](const std::string& text, const std::string& id, bool active) {
        ImVec4 idle = ImGui::GetStyleColorVec4(ImGuiCol_MenuBarBg);
        ImGui::PushStyleColor(ImGuiCol_Button,
                              active ? ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive) : idle);
        ImGui::PushStyleColor(ImGuiCol_Text,
                              ImGui::GetStyleColorVec4(active ? ImGuiCol_Text : ImGuiCol_TextDisabled));
        bool pressed = ImGui::Button((text + "###tab-" + id).c_str(), ImVec2(w, height));
        ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
        if (active) {
            // An accent line along the top edge marks the open tab.
            ImGui::GetWindowDrawList()->AddRectFilled(min, ImVec2(max.x, min.y + 3 * m_ctx.layout().scale),
                                                      ImGui::GetColorU32(ImGuiCol_CheckMark));
        }
        ImGui::PopStyleColor(2);
        ImGui::SameLine();
        m_tabs.push_back(Tab{id, min.x, min.y, max.x, max.y, active});
        return pressed;
    };
    bool activeInMore = true;
    for (size_t i = 0; i < shown; ++i) {
        bool active = m_lastNavigable == navigable[i]->id();
        activeInMore = activeInMore && !active;
        if (tab(tr(navigable[i]->shortTitle()), navigable[i]->id(), active)) showView(navigable[i]->id());
    }
    if (more) {
        float top = ImGui::GetCursorScreenPos().y;
        if (tab(tr("More"), "more", activeInMore)) ImGui::OpenPopup("###more-menu");
        // The menu opens upwards from the bottom-right corner, one large row per view.
        ImGui::SetNextWindowPos(ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowWidth(), top),
                                ImGuiCond_Always, ImVec2(1, 1));
        if (ImGui::BeginPopup("###more-menu")) {
            float rowWidth = std::max(w * 2, ImGui::GetFontSize() * 10);
            // Rows a touch target high (less the spacing they span), text centred vertically.
            float rowHeight = m_ctx.layout().touchHeight() - ImGui::GetStyle().ItemSpacing.y;
            ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0, 0.5f));
            for (size_t i = shown; i < navigable.size(); ++i) {
                View* v = navigable[i];
                if (ImGui::Selectable(label(v->title(), v->id()).c_str(), m_lastNavigable == v->id(), 0,
                                      ImVec2(rowWidth, rowHeight)))
                    showView(v->id());
            }
            ImGui::PopStyleVar();
            ImGui::EndPopup();
        }
    }
    ImGui::PopStyleVar(2);
    ImGui::NewLine();
}

void AppShell::drawFrame() {
    setUiLanguage(m_ctx.settings().uiLanguage);

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    Layout& layout = m_ctx.layout();
    // Framebuffer pixels: where window coordinates are points (macOS, Wayland) they are scaled up first.
    layout = Layout::forViewport(vp->WorkSize.x * ImGui::GetIO().DisplayFramebufferScale.x, m_scale);
    int pushed = layout.compact ? pushCompactStyle(layout) : 0;
    if (!layout.compact) m_tabs.clear();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("###kenes-main", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    drawTopBar(layout.compact);
    ImGui::Separator();
    // Compact: the view above the tab bar, which takes one touch row plus the separator.
    float below = layout.compact ? layout.touchHeight() + ImGui::GetStyle().FramePadding.y +
                                       2 * ImGui::GetStyle().ItemSpacing.y + 1
                                 : 0;
    ImGui::BeginChild("###view", ImVec2(0, -below), false);
    if (View* v = view(m_current)) {
        ImGui::PushID(v->id());
        v->draw(m_ctx);
        ImGui::PopID();
    }
    ImGui::EndChild();
    if (layout.compact) {
        ImGui::Separator();
        drawBottomTabs();
    }
    ImGui::End();
    ImGui::PopStyleVar(pushed);
    m_ctx.bus().dispatch();
}

}  // namespace kenes::app
