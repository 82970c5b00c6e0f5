// The desktop app without its window: the navigation, the current view and the event handling
// that switches views. Drawing needs only an ImGui context with a built font atlas, so tests drive
// it without a display; the GLFW window (window.h) feeds it input and renders it.
// Each frame picks the layout (app/core/layout.h) from the viewport width: wide windows get a
// navigation bar on top; below 600 logical pixels the compact layout has a slim header, the view
// in one column and a bottom tab bar (views that do not fit go under "More"), with larger touch
// targets. Thread-safety: UI thread only.
#pragma once

#include <string>
#include <vector>

#include "app/core/app_context.h"
#include "app/views/view.h"

namespace kenes::app {

class AppShell {
public:
    explicit AppShell(AppContext& ctx);

    // Draws one frame's widgets (between ImGui::NewFrame and ImGui::Render), then runs the events
    // posted during the frame. Applies the theme and language from the settings.
    void drawFrame();

    const std::string& currentView() const { return m_current; }
    void showView(const std::string& id);
    View* view(const std::string& id);

    // The window's DPI scale (physical pixels per logical pixel); 1 unless set.
    void setScale(float scale) { m_scale = scale; }
    // The layout of the last frame drawn.
    const Layout& layout() const { return m_ctx.layout(); }
    // One tab of the compact layout's bottom bar as drawn in the last frame (screen pixels).
    struct Tab {
        std::string id;  // a view id, or "more" for the menu of the views that did not fit
        float left, top, right, bottom;
        bool active;
    };
    // The bottom tabs of the last frame, left to right; empty in the wide layout.
    const std::vector<Tab>& bottomTabs() const { return m_tabs; }

private:
    void drawTopBar(bool compact);
    void drawBottomTabs();

    AppContext& m_ctx;
    ViewList m_views;
    std::string m_current;
    std::string m_lastNavigable;  // the tab shown as active while session/reader/... are open
    float m_scale = 1.0f;
    std::vector<Tab> m_tabs;
};

// Applies the dark or light theme, scaled for the display.
void applyTheme(const std::string& theme, float scale);

}  // namespace kenes::app
