// Headless ImGui for the app tests (see headless_imgui.h).
#include "headless_imgui.h"

#include <imgui.h>

#include "app/shell/fonts.h"

namespace kenes::test {

HeadlessImGui::HeadlessImGui(float width, float height, float fontSize) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    app::buildFonts(fontSize);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

HeadlessImGui::~HeadlessImGui() {
    ImGui::DestroyContext();
}

void drawShellFrame(app::AppShell& shell) {
    ImGui::GetIO().DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    shell.drawFrame();
    ImGui::Render();
}

void clickAt(app::AppShell& shell, float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = false;
    drawShellFrame(shell);
    io.MouseDown[0] = true;
    drawShellFrame(shell);
    io.MouseDown[0] = false;
    drawShellFrame(shell);
    io.MousePos = ImVec2(-1, -1);
    drawShellFrame(shell);
}

}  // namespace kenes::test
