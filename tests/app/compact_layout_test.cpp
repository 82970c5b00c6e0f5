// The compact layout without a window: at phone width (390 px) the shell draws a bottom tab bar
// that switches views (with a More menu for the views that do not fit) and the views draw in one
// column; at 1280 px the top navigation bar is used. Frames are driven like views_test.cpp, with
// simulated mouse clicks.
#include <imgui.h>
#include <catch2/catch.hpp>

#include <algorithm>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/notes_view.h"
#include "app/views/view.h"
#include "headless_imgui.h"
#include "support/process.h"

using namespace kenes::app;

namespace {

struct Harness {
    kenes::test::TempDir dir{"kenes-compact"};
    AppContext ctx{dir.path(), "tester"};
    kenes::test::HeadlessImGui imgui;
    std::unique_ptr<AppShell> shell;

    explicit Harness(float width, float height = 844) : imgui(width, height, 17.0f) {
        applyTheme("dark", 1.0f);
        shell = std::make_unique<AppShell>(ctx);
    }
    ~Harness() { shell.reset(); }
    void frame() { kenes::test::drawShellFrame(*shell); }
    void click(float x, float y) { kenes::test::clickAt(*shell, x, y); }
    const AppShell::Tab* tab(const std::string& id) const {
        for (auto& t : shell->bottomTabs())
            if (t.id == id) return &t;
        return nullptr;
    }
    void clickTab(const std::string& id) {
        const AppShell::Tab* t = tab(id);
        REQUIRE(t);
        click((t->left + t->right) / 2, (t->top + t->bottom) / 2);
    }
};

std::vector<std::string> navigableViews(AppShell& shell) {
    std::vector<std::string> ids;
    for (const auto& id : viewIds())
        if (shell.view(id)->inNavigation()) ids.push_back(id);
    return ids;
}

}  // namespace

TEST_CASE("at phone width the bottom tab bar is drawn and its tabs switch views", "[views][compact]") {
    for (const char* lang : {"en", "ru"}) {
        INFO(lang);
        Harness h(390);
        h.ctx.settings().uiLanguage = lang;
        h.ctx.settings().contentLanguage = lang;
        h.frame();
        h.frame();
        REQUIRE(h.shell->layout().compact);
        const auto& tabs = h.shell->bottomTabs();
        REQUIRE(tabs.size() >= 3);
        // Tabs sit along the bottom edge, side by side, each at least a touch target high.
        for (auto& t : tabs) {
            CHECK(t.bottom > 844 - 20);
            CHECK(t.bottom <= 844);
            CHECK(t.bottom - t.top >= 44);
            CHECK(t.right - t.left >= 60);
        }
        for (size_t i = 1; i < tabs.size(); ++i) CHECK(tabs[i].left >= tabs[i - 1].right);
        CHECK(tabs.back().right <= 390);
        CHECK(tabs.front().id == "agenda");
        CHECK(tabs.front().active);

        h.clickTab("library");
        CHECK(h.shell->currentView() == "library");
        CHECK(h.tab("library")->active);
        CHECK_FALSE(h.tab("agenda")->active);
        h.clickTab("notes");
        CHECK(h.shell->currentView() == "notes");
        h.clickTab("agenda");
        CHECK(h.shell->currentView() == "agenda");
    }
}

TEST_CASE("views that do not fit in the bottom bar are reached through More", "[views][compact]") {
    // 300 px (a narrow window): fewer tabs fit than there are navigable views.
    Harness h(300, 700);
    h.frame();
    h.frame();
    const auto navigable = navigableViews(*h.shell);
    REQUIRE(h.tab("more"));
    std::vector<std::string> inMenu;
    for (auto& id : navigable)
        if (!h.tab(id)) inMenu.push_back(id);
    REQUIRE_FALSE(inMenu.empty());
    CHECK(h.shell->bottomTabs().size() - 1 + inMenu.size() == navigable.size());
    // Open the menu and walk up from the tab bar clicking until a menu entry answers.
    const AppShell::Tab more = *h.tab("more");
    std::string opened;
    for (float y = more.top - 8; y > more.top - 400 && opened.empty(); y -= 6) {
        if (!ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId))
            h.click((more.left + more.right) / 2, more.top + 10);
        REQUIRE(ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId));
        h.click(more.right - 20, y);
        if (h.shell->currentView() != "agenda") opened = h.shell->currentView();
    }
    INFO("opened: " << opened);
    CHECK(std::find(inMenu.begin(), inMenu.end(), opened) != inMenu.end());
    CHECK(h.tab("more")->active);  // the open view lives under More
    CHECK_FALSE(h.tab("agenda")->active);
}

TEST_CASE("at desktop width the top navigation bar is used and no bottom tabs", "[views][compact]") {
    Harness h(1280, 800);
    h.frame();
    h.frame();
    CHECK_FALSE(h.shell->layout().compact);
    CHECK(h.shell->bottomTabs().empty());
    // The top bar's buttons: walking right along the first row reaches the Library button.
    for (float x = 10; x < 900 && h.shell->currentView() == "agenda"; x += 10) h.click(x, 16);
    CHECK(h.shell->currentView() == "library");
    // Clicking near the bottom edge (where compact tabs would be) changes nothing.
    h.click(100, 800 - 20);
    CHECK(h.shell->currentView() == "library");
}

TEST_CASE("the layout follows the width in logical pixels (DPI scale) and window resizes",
          "[views][compact]") {
    CHECK(Layout::forViewport(390, 1).compact);
    CHECK(Layout::forViewport(599, 1).compact);
    CHECK_FALSE(Layout::forViewport(600, 1).compact);
    CHECK(Layout::forViewport(1000, 2).compact);  // 500 logical px on a 2x display
    CHECK_FALSE(Layout::forViewport(1400, 2).compact);
    CHECK(Layout::forViewport(1000, 2).touchHeight() == 88);
    CHECK(Layout::forViewport(1000, 0).scale == 1);

    Harness h(1280, 800);
    h.frame();
    CHECK_FALSE(h.shell->layout().compact);
    ImGui::GetIO().DisplaySize = ImVec2(500, 800);
    h.frame();
    CHECK(h.shell->layout().compact);
    CHECK_FALSE(h.shell->bottomTabs().empty());
    h.shell->setScale(0.5f);  // the same 500 px are 1000 logical px at scale 0.5
    h.frame();
    CHECK_FALSE(h.shell->layout().compact);
    CHECK(h.shell->bottomTabs().empty());
    // Window coordinates in points (macOS, Wayland): 500 points of a 2x framebuffer at DPI scale
    // 2 are 500 logical px.
    ImGui::GetIO().DisplayFramebufferScale = ImVec2(2, 2);
    h.shell->setScale(2.0f);
    h.frame();
    CHECK(h.shell->layout().compact);
    CHECK(h.shell->layout().width == Approx(500));
}

TEST_CASE("compact notes show the list or the editor, with a way back", "[views][compact]") {
    Harness h(390);
    h.ctx.bus().post(ShowView{"notes"});
    h.frame();
    h.frame();
    auto* notes = dynamic_cast<NotesView*>(h.shell->view("notes"));
    REQUIRE(notes);
    CHECK_FALSE(notes->editorShown());  // the list first, though the newest note is loaded
    h.ctx.bus().post(OpenNote{"", "", ""});
    h.frame();
    h.frame();
    CHECK(h.shell->currentView() == "notes");
    CHECK(notes->editorShown());
    // The back button is the first widget under the header: walk down the left edge.
    for (float y = 40; y < 200 && notes->editorShown(); y += 6) h.click(30, y);
    CHECK_FALSE(notes->editorShown());
    CHECK(h.shell->currentView() == "notes");
}

TEST_CASE("every view draws at phone width in both languages", "[views][compact]") {
    Harness h(390);
    for (const char* lang : {"en", "ru"}) {
        h.ctx.settings().uiLanguage = lang;
        h.ctx.settings().contentLanguage = lang;
        for (const auto& id : viewIds()) {
            INFO(lang << " " << id);
            h.shell->showView(id);
            h.frame();
            h.frame();
            CHECK(h.shell->currentView() == id);
            CHECK(h.shell->layout().compact);
            CHECK_FALSE(h.shell->bottomTabs().empty());
        }
    }
}
