// View logic without a window: an ImGui context with a built font atlas, the shell drawing frames
// over a real store with the sample content, and events/edits as a person would cause them.
#include <imgui.h>
#include <catch2/catch.hpp>

#include <thread>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/agenda_view.h"
#include "app/views/library_view.h"
#include "app/views/notes_view.h"
#include "app/views/session_view.h"
#include "headless_imgui.h"
#include "support/process.h"

using namespace kenes::app;

namespace {

struct Harness {
    kenes::test::TempDir dir{"kenes-views"};
    AppContext ctx{dir.path(), "tester"};
    kenes::test::HeadlessImGui imgui;
    std::unique_ptr<AppShell> owned = std::make_unique<AppShell>(ctx);
    AppShell* shell = owned.get();

    void frame() { kenes::test::drawShellFrame(*shell); }
};

}  // namespace

TEST_CASE("opening a session from the agenda shows the session view", "[views]") {
    Harness h;
    h.frame();
    CHECK(h.shell->currentView() == "agenda");
    auto* agenda = dynamic_cast<AgendaView*>(h.shell->view("agenda"));
    REQUIRE(agenda);
    REQUIRE_FALSE(agenda->days().empty());
    std::string sessionId = agenda->days().front().sessions.front().id;
    h.ctx.bus().post(OpenSession{sessionId});
    h.frame();
    CHECK(h.shell->currentView() == "session");
    auto* session = dynamic_cast<SessionView*>(h.shell->view("session"));
    CHECK(session->sessionId() == sessionId);
    h.frame();
}

TEST_CASE("starring a session puts it into my agenda; the filter shows only starred ones", "[views]") {
    Harness h;
    h.frame();
    auto* agenda = dynamic_cast<AgendaView*>(h.shell->view("agenda"));
    auto session = agenda->days().front().sessions.front();
    CHECK_FALSE(session.starred);
    agenda->toggleStar(h.ctx, session);
    h.frame();
    h.frame();
    CHECK(h.ctx.model().isStarred(h.ctx.userDatabaseName(), session.id));
    size_t starred = 0;
    for (auto& d : agenda->days())
        for (auto& s : d.sessions) starred += s.starred ? 1 : 0;
    CHECK(starred == 1);
    agenda->myAgendaOnly = true;
    h.frame();
    agenda->toggleStar(h.ctx, agenda->days().front().sessions.front());
    h.frame();
    CHECK_FALSE(h.ctx.model().isStarred(h.ctx.userDatabaseName(), session.id));
}

TEST_CASE("switching the UI language keeps the open view and the unsaved editor text", "[views]") {
    Harness h;
    h.ctx.bus().post(OpenNote{"", "", ""});
    h.frame();
    REQUIRE(h.shell->currentView() == "notes");
    auto* notes = dynamic_cast<NotesView*>(h.shell->view("notes"));
    notes->editDraft(h.ctx).body = "Черновик, ещё не сохранён";
    h.ctx.settings().uiLanguage = "ru";
    h.frame();
    CHECK(uiLanguage() == "ru");
    CHECK(h.shell->currentView() == "notes");
    CHECK(notes->draft().body == "Черновик, ещё не сохранён");
    h.ctx.settings().uiLanguage = "en";
    h.frame();
    CHECK(uiLanguage() == "en");
    CHECK(notes->draft().body == "Черновик, ещё не сохранён");
}

TEST_CASE("typing in the editor and waiting saves the note within a second", "[views]") {
    Harness h;
    h.frame();
    auto* session = dynamic_cast<AgendaView*>(h.shell->view("agenda"));
    auto s = session->days().front().sessions.front();
    h.ctx.bus().post(OpenNote{"", s.event, s.id});
    h.frame();
    auto* notes = dynamic_cast<NotesView*>(h.shell->view("notes"));
    std::string id = notes->draft().id;
    notes->editDraft(h.ctx).body += "Freedom of association, art. 3";
    h.frame();
    CHECK(notes->dirty());
    auto start = std::chrono::steady_clock::now();
    while (notes->dirty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(3)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        h.frame();
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    auto saved = h.ctx.model().notesOfSession(h.ctx.userDatabaseName(), s.id);
    REQUIRE(saved.size() == 1);
    CHECK(saved.front().id == id);
    CHECK(saved.front().body.find("Freedom of association, art. 3") != std::string::npos);
    CHECK(saved.front().event == s.event);
}

TEST_CASE("library search runs off the UI thread and shows results as typed", "[views]") {
    Harness h;
    h.ctx.bus().post(ShowView{"library"});
    h.frame();
    auto* library = dynamic_cast<LibraryView*>(h.shell->view("library"));
    library->setQuery(h.ctx, "association");
    auto start = std::chrono::steady_clock::now();
    while ((library->searching() || library->results().total() == 0) &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        h.frame();
    }
    CHECK(library->results().total() > 0);
    library->setQuery(h.ctx, "\"AND OR NEAR( *");  // FTS syntax typed by a person: no error
    for (int i = 0; i < 50 && library->searching(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        h.frame();
    }
    h.frame();
}

TEST_CASE("clicking a session row with the mouse opens that session", "[views]") {
    Harness h;
    h.frame();
    h.frame();
    auto* agenda = dynamic_cast<AgendaView*>(h.shell->view("agenda"));
    REQUIRE(agenda);
    ImGuiIO& io = ImGui::GetIO();
    // Walk down the session column clicking until a row answers (the rows start below the tabs).
    bool opened = false;
    for (float y = 100; y < 500 && !opened; y += 8) {
        io.MousePos = ImVec2(400, y);
        io.MouseDown[0] = false;
        h.frame();
        io.MouseDown[0] = true;
        h.frame();
        io.MouseDown[0] = false;
        h.frame();
        opened = h.shell->currentView() == "session";
    }
    REQUIRE(opened);
    auto* session = dynamic_cast<SessionView*>(h.shell->view("session"));
    bool known = false;
    for (auto& d : agenda->days())
        for (auto& s : d.sessions) known = known || s.id == session->sessionId();
    CHECK(known);
    io.MousePos = ImVec2(-1, -1);
}

TEST_CASE("every session of every event opens and draws in both languages", "[views]") {
    Harness h;
    for (const char* lang : {"en", "ru"}) {
        h.ctx.settings().uiLanguage = lang;
        h.ctx.settings().contentLanguage = lang;
        for (auto& e : h.ctx.model().events(lang)) {
            for (auto& day : h.ctx.model().agenda(e.id, lang)) {
                for (auto& s : day.sessions) {
                    h.ctx.bus().post(OpenSession{s.id});
                    h.frame();
                    h.frame();
                    CHECK(h.shell->currentView() == "session");
                    CHECK(dynamic_cast<SessionView*>(h.shell->view("session"))->sessionId() == s.id);
                }
            }
        }
    }
}

TEST_CASE("closing the app saves the text typed in the last half second", "[views]") {
    kenes::test::TempDir dir("kenes-views");
    std::string id;
    {
        AppContext ctx(dir.path(), "tester");
        kenes::test::HeadlessImGui imgui;
        {
            AppShell shell(ctx);
            ctx.bus().post(OpenNote{"", "", ""});
            ImGui::NewFrame();
            shell.drawFrame();
            ImGui::Render();
            auto* notes = dynamic_cast<NotesView*>(shell.view("notes"));
            id = notes->draft().id;
            notes->editDraft(ctx).body = "последние слова";
        }
    }
    AppContext reopened(dir.path(), "tester");
    bool found = false;
    for (auto& n : reopened.model().notes(reopened.userDatabaseName()))
        if (n.id == id) found = n.body == "последние слова";
    CHECK(found);
}

TEST_CASE("the agenda's now/next, taken from its loaded sessions, matches the model's", "[views]") {
    Harness h;
    h.frame();
    auto* agenda = dynamic_cast<AgendaView*>(h.shell->view("agenda"));
    REQUIRE(agenda);
    REQUIRE_FALSE(agenda->days().empty());
    std::vector<int64_t> instants;
    for (auto& d : agenda->days())
        for (auto& s : d.sessions)
            instants.insert(instants.end(), {s.startUtc - 60, s.startUtc, s.startUtc + 60, s.endUtc});
    for (int64_t at : instants) {
        h.ctx.setClock([at] { return at; });
        h.frame();
        auto expected = h.ctx.model().nowNext(agenda->eventId(), at, h.ctx.settings().contentLanguage);
        const auto& shown = agenda->nowNext();
        std::vector<std::string> expectedNow, shownNow;
        for (auto& s : expected.now) expectedNow.push_back(s.id);
        for (auto& s : shown.now) shownNow.push_back(s.id);
        CHECK(shownNow == expectedNow);
        CHECK(shown.next.has_value() == expected.next.has_value());
        if (shown.next && expected.next) CHECK(shown.next->id == expected.next->id);
    }
}

TEST_CASE("the agenda loaded in the background shows once it arrives, the same as loaded in place",
          "[views]") {
    Harness h;
    auto* agenda = dynamic_cast<AgendaView*>(h.shell->view("agenda"));
    REQUIRE(agenda);
    agenda->loadInBackground(h.ctx);
    CHECK(agenda->loading());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    h.frame();  // draws "Loading…" or the agenda, whichever is ready: never blocks on the query
    while (agenda->loading() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        h.frame();
    }
    REQUIRE_FALSE(agenda->loading());
    REQUIRE_FALSE(agenda->days().empty());
    auto expected =
        h.ctx.model().agenda(agenda->eventId(), h.ctx.settings().contentLanguage, h.ctx.userDatabaseName());
    REQUIRE(agenda->days().size() == expected.size());
    for (size_t d = 0; d < expected.size(); ++d) {
        REQUIRE(agenda->days()[d].sessions.size() == expected[d].sessions.size());
        for (size_t i = 0; i < expected[d].sessions.size(); ++i)
            CHECK(agenda->days()[d].sessions[i].id == expected[d].sessions[i].id);
    }
    // A star set after the background load is shown at the next frame, as with a load in place.
    const auto first = agenda->days().front().sessions.front();
    agenda->toggleStar(h.ctx, first);
    h.frame();
    h.frame();
    CHECK(agenda->days().front().sessions.front().starred != first.starred);
}
