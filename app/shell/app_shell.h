// The desktop app without its window: the navigation bar, the current view and the event
// handling that switches views. Drawing needs only an ImGui context with a built font atlas, so
// tests drive it without a display; the GLFW window (window.h) feeds it input and renders it.
// Thread-safety: UI thread only.
#pragma once

#include <string>

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

private:

    AppContext& m_ctx;
    ViewList m_views;
    std::string m_current;
};

// Applies the dark or light theme, scaled for the display.
void applyTheme(const std::string& theme, float scale);

}  // namespace kenes::app
