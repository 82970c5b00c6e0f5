// One screen of the desktop app. Each view is a small class under app/views/, created once by
// the registration list (registry.cpp); it draws itself into the current ImGui window and talks
// to other views only through the event bus (app/core/events.h).
// Thread-safety: UI thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace kenes::app {

class AppContext;

class View {
public:
    virtual ~View() = default;
    virtual const char* id() const = 0;     // stable: "agenda", "session", ...
    virtual const char* title() const = 0;  // English msgid, translated by the shell
    // The label of the view's tab in the compact layout's bottom bar (an English msgid too).
    virtual const char* shortTitle() const { return title(); }
    // Draws the view's content. Called once per frame while the view is shown.
    virtual void draw(AppContext& ctx) = 0;
    // Whether the view has a button in the navigation bar (session/reader are opened from others).
    virtual bool inNavigation() const { return true; }
};

using ViewList = std::vector<std::unique_ptr<View>>;

// The registration list: every view, in navigation order. Views subscribe to events here.
ViewList createViews(AppContext& ctx);
// The ids of the registered views, in the same order, without creating them.
std::vector<std::string> viewIds();

}  // namespace kenes::app
