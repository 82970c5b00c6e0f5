// What the app tests share to drive the desktop app without a window: an ImGui context with the
// app's fonts built into the atlas, one shell frame, and a simulated click.
// Not thread-safe: one per test, on the test's thread (ImGui's context is global).
#pragma once

#include "app/shell/app_shell.h"

namespace kenes::test {

// Creates the ImGui context (display size, no ini file, the app's fonts at `fontSize`, atlas
// built) and destroys it on destruction. Declare it before any AppShell so that it outlives them.
class HeadlessImGui {
public:
    explicit HeadlessImGui(float width = 1280, float height = 800, float fontSize = 16.0f);
    ~HeadlessImGui();
    HeadlessImGui(const HeadlessImGui&) = delete;
    HeadlessImGui& operator=(const HeadlessImGui&) = delete;
};

// NewFrame, AppShell::drawFrame, Render, at 60 frames a second.
void drawShellFrame(app::AppShell& shell);

// The mouse moved to (x, y), then a press and a release of the left button, then moved away: a
// frame for each step, as a person's click reaches ImGui.
void clickAt(app::AppShell& shell, float x, float y);

}  // namespace kenes::test
