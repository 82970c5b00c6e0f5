// The merge view, the work plan and the export buttons, driven through the shell over a real store
// with the sample content: a conflict made of replicated (new_edits=false) revisions resolved by
// merging and by keeping one side, the country work plan template and task edits, and export
// buttons clicked with simulated mouse input writing files off the UI thread.
#include <imgui.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/export_buttons.h"
#include "app/views/merge_view.h"
#include "app/views/notes_view.h"
#include "app/views/workplan_view.h"
#include "headless_imgui.h"
#include "storage/note_conflicts.h"
#include "support/process.h"

using namespace kenes::app;
using kenes::storage::Json;

namespace {

struct Harness {
    kenes::test::TempDir dir{"kenes-notes-workplan"};
    AppContext ctx{dir.path(), "tester"};
    kenes::test::HeadlessImGui imgui;
    std::unique_ptr<AppShell> shell = std::make_unique<AppShell>(ctx);

    void frame() { kenes::test::drawShellFrame(*shell); }
};

// A note with two live branches from two devices, written as the replicator writes them.
void makeConflict(kenes::storage::Database& db, const std::string& id) {
    auto rev = [&](const std::string& r, std::vector<std::string> ids, Json body) {
        body["_id"] = id;
        body["_rev"] = r;
        body["_revisions"] = {{"start", static_cast<unsigned>(std::stoi(r))}, {"ids", ids}};
        return body;
    };
    Json base = {{"type", "note"}, {"title", "Mission report"}, {"created", "2019-07-25T04:00:00Z"}};
    Json a = base, b = base, c = base;
    a["body"] = "Day one\nDay two";
    a["updated"] = "2019-07-25T04:00:00Z";
    b["body"] = "Day one\nLaptop: art. 3\nDay two";
    b["updated"] = "2019-07-25T05:00:00Z";
    b["device"] = "laptop";
    b["tags"] = {"cfa"};
    c["body"] = "Day one\nDay two\nPhone: art. 4";
    c["updated"] = "2019-07-25T05:01:00Z";
    c["device"] = "phone";
    c["tags"] = {"c098"};
    auto rows = db.bulkDocs(
        {rev("1-aaaa", {"aaaa"}, a), rev("2-bbbb", {"bbbb", "aaaa"}, b), rev("2-cccc", {"cccc", "aaaa"}, c)},
        false);
    for (auto& r : rows) REQUIRE(r.ok());
}

size_t liveLeaves(kenes::storage::Database& db, const std::string& id) {
    size_t n = 0;
    for (auto& leaf : db.openRevs(id, std::nullopt, false, false))
        if (!leaf.missing() && !leaf.doc->value("_deleted", false)) ++n;
    return n;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("the merge view shows both versions and saving the merged text leaves one revision",
          "[views][merge]") {
    Harness h;
    const std::string id = "note:conflicted-1";
    makeConflict(h.ctx.userDatabase(), id);
    h.ctx.bus().post(DataChanged{});
    h.ctx.bus().post(ShowView{"notes"});
    h.frame();
    h.frame();
    h.ctx.bus().post(OpenMerge{id});
    h.frame();
    REQUIRE(h.shell->currentView() == "merge");
    auto* merge = dynamic_cast<MergeView*>(h.shell->view("merge"));
    REQUIRE(merge);
    REQUIRE(merge->conflict());
    REQUIRE(merge->conflict()->versions.size() == 2);
    CHECK(merge->conflict()->versions[0].rev == "2-cccc");
    CHECK(merge->mergedTitle() == "Mission report");
    CHECK(merge->mergedBody() == "Day one\nLaptop: art. 3\nDay two\nPhone: art. 4");
    for (const char* lang : {"ru", "en"}) {
        h.ctx.settings().uiLanguage = lang;
        h.frame();
    }
    merge->mergedBody() = "Day one\nLaptop: art. 3\nDay two\nPhone: art. 4 (merged)";
    REQUIRE(merge->saveMerged(h.ctx));
    h.frame();
    h.frame();
    CHECK(h.shell->currentView() == "notes");
    auto& db = h.ctx.userDatabase();
    CHECK(liveLeaves(db, id) == 1);
    Json doc = db.get(id);
    CHECK(doc["body"] == "Day one\nLaptop: art. 3\nDay two\nPhone: art. 4 (merged)");
    CHECK(doc["tags"] == Json({"c098", "cfa"}));
    CHECK(doc["created"] == "2019-07-25T04:00:00Z");
    CHECK(doc["_rev"].get<std::string>().rfind("3-", 0) == 0);
    auto* notes = dynamic_cast<NotesView*>(h.shell->view("notes"));
    CHECK(notes->draft().id == id);
    CHECK(notes->draft().body == doc["body"]);
    CHECK(kenes::storage::conflictedDocumentIds(db, "note:").empty());
    // Nothing left to merge: the view says so.
    h.ctx.bus().post(ShowView{"merge"});
    h.frame();
    CHECK_FALSE(merge->conflict());
}

TEST_CASE("keeping one version deletes the other; a stale resolution is refused", "[views][merge]") {
    Harness h;
    const std::string id = "note:conflicted-2";
    makeConflict(h.ctx.userDatabase(), id);
    h.ctx.bus().post(ShowView{"merge"});
    h.frame();
    h.frame();  // drawn without a request: it opens the first conflicted note
    auto* merge = dynamic_cast<MergeView*>(h.shell->view("merge"));
    REQUIRE(merge->conflict());
    CHECK(merge->conflict()->id == id);
    // Another device's edit arrives before the user chooses.
    auto& db = h.ctx.userDatabase();
    Json late = {{"_id", id},
                 {"_rev", "3-dddd"},
                 {"_revisions", {{"start", 3u}, {"ids", {"dddd", "bbbb", "aaaa"}}}},
                 {"type", "note"},
                 {"title", "Late"},
                 {"body", "from the tablet"}};
    REQUIRE(db.bulkDocs({late}, false).front().ok());
    CHECK_FALSE(merge->keepVersion(h.ctx, 1));
    CHECK(merge->error().find("another device") != std::string::npos);
    REQUIRE(merge->conflict());
    CHECK(merge->conflict()->versions[0].rev == "3-dddd");
    CHECK(liveLeaves(db, id) == 2);
    REQUIRE(merge->keepVersion(h.ctx, 1));  // the phone's version
    h.frame();
    CHECK(liveLeaves(db, id) == 1);
    CHECK(db.get(id)["body"] == "Day one\nDay two\nPhone: art. 4");
}

TEST_CASE("the notes list badges a conflicted note and the badge opens the merge view", "[views][merge]") {
    Harness h;
    const std::string id = "note:conflicted-3";
    makeConflict(h.ctx.userDatabase(), id);
    h.ctx.bus().post(OpenNote{id, "", ""});
    h.frame();
    h.frame();
    REQUIRE(h.shell->currentView() == "notes");
    ImGuiIO& io = ImGui::GetIO();
    // The editor's "Conflict: resolve" badge sits on the editor's first line, right of the list.
    bool opened = false;
    for (float x = 560; x < 1200 && !opened; x += 24) {
        for (float y = 40; y < 110 && !opened; y += 6) {
            io.MousePos = ImVec2(x, y);
            h.frame();
            io.MouseDown[0] = true;
            h.frame();
            io.MouseDown[0] = false;
            h.frame();
            opened = h.shell->currentView() == "merge";
        }
    }
    io.MousePos = ImVec2(-1, -1);
    REQUIRE(opened);
    auto* merge = dynamic_cast<MergeView*>(h.shell->view("merge"));
    REQUIRE(merge->conflict());
    CHECK(merge->conflict()->id == id);
}

TEST_CASE("the country work plan template writes the reporting cycle's tasks once", "[views][workplan]") {
    Harness h;
    h.ctx.bus().post(ShowView{"workplan"});
    h.frame();
    h.frame();
    auto* plan = dynamic_cast<WorkplanView*>(h.shell->view("workplan"));
    REQUIRE(plan);
    const size_t before = plan->tasks().size();
    CHECK(before == 2);  // the sample content's tasks
    CHECK(plan->startCountryPlan(h.ctx, "zz9", 2027, {}) == -1);
    CHECK_FALSE(plan->error().empty());
    CHECK(plan->startCountryPlan(h.ctx, " kz", 2027, {"std:C087", "std:C098"}) == 6);
    h.frame();
    REQUIRE(plan->tasks().size() == before + 6);
    size_t submit = 0, drafts = 0;
    for (const auto& t : h.ctx.model().tasks(h.ctx.userDatabaseName())) {
        if (t.id.rfind("task:plan-kz-2027-", 0) != 0) continue;
        CHECK(t.country == "KZ");
        CHECK(t.due <= "2027-09-01");
        CHECK(t.due >= "2027-06-01");
        CHECK_FALSE(t.done);
        if (t.id == "task:plan-kz-2027-submit") submit += t.due == "2027-09-01" ? 1 : 0;
        if (!t.standard.empty()) {
            ++drafts;
            CHECK(t.title.find(t.standard == "std:C087" ? "C087" : "C098") != std::string::npos);
        }
    }
    CHECK(submit == 1);
    CHECK(drafts == 2);
    CHECK(plan->startCountryPlan(h.ctx, "KZ", 2027, {"std:C087", "std:C098"}) == 0);
    CHECK(WorkplanView::reportingYear("2027-08-31") == 2027);
    CHECK(WorkplanView::reportingYear("2027-09-02") == 2028);
    for (const char* lang : {"ru", "en"}) {
        h.ctx.settings().uiLanguage = lang;
        plan->showDone = true;
        h.frame();
    }
}

TEST_CASE("tasks are added, validated, marked done, edited and deleted", "[views][workplan]") {
    Harness h;
    h.ctx.bus().post(ShowView{"workplan"});
    h.frame();
    h.frame();
    auto* plan = dynamic_cast<WorkplanView*>(h.shell->view("workplan"));
    WorkplanView::TaskDraft t;
    t.title = "  ";
    CHECK_FALSE(plan->saveTask(h.ctx, t));
    t.title = "Call the federation";
    t.due = "1 Sept";
    CHECK_FALSE(plan->saveTask(h.ctx, t));
    t.due = "2019-07-20";
    t.country = "Kyrgyzstan";
    CHECK_FALSE(plan->saveTask(h.ctx, t));
    t.country = "kg";
    t.standard = "std:C087";
    REQUIRE(plan->saveTask(h.ctx, t));
    h.frame();
    std::string id;
    for (const auto& task : plan->tasks())
        if (task.title == "Call the federation") id = task.id;
    REQUIRE_FALSE(id.empty());
    REQUIRE(plan->setDone(h.ctx, id, true));
    h.frame();
    CHECK(h.ctx.model().tasks(h.ctx.userDatabaseName(), false).size() == 2);
    Json doc = h.ctx.userDatabase().get(id);
    CHECK(doc["done"] == true);
    CHECK(doc["country"] == "KG");
    REQUIRE(plan->deleteTask(h.ctx, id));
    h.frame();
    for (const auto& task : plan->tasks()) CHECK(task.id != id);
}

TEST_CASE("export buttons write the agenda, the notes and the report off the UI thread", "[views][export]") {
    Harness h;
    kenes::test::TempDir out("kenes-exports");
    auto events = h.ctx.model().events("en");
    REQUIRE_FALSE(events.empty());
    const std::string eventId = events.front().id;
    auto day = h.ctx.model().agenda(eventId, "en").front();
    kenes::storage::starSession(h.ctx.userDatabase(), day.sessions.front().id, eventId);

    ExportButtons buttons;
    buttons.service(h.ctx).setFolder(out.path() / "Kenes");
    auto drawButtons = [&] {
        ImGui::GetIO().DeltaTime = 1.0f / 60;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(900, 300));
        ImGui::Begin("###exports", nullptr, ImGuiWindowFlags_NoDecoration);
        buttons.drawAgenda(h.ctx, eventId);
        buttons.drawNotes(h.ctx);
        ImGui::End();
        ImGui::Render();
    };
    // Click along the first row until the agenda export starts.
    ImGuiIO& io = ImGui::GetIO();
    bool started = false;
    for (float x = 12; x < 120 && !started; x += 10) {
        io.MousePos = ImVec2(x, 16);
        drawButtons();
        io.MouseDown[0] = true;
        drawButtons();
        io.MouseDown[0] = false;
        drawButtons();
        started = !buttons.message().empty();
    }
    io.MousePos = ImVec2(-1, -1);
    REQUIRE(started);
    buttons.service(h.ctx).wait();
    drawButtons();
    INFO(buttons.message());
    CHECK_FALSE(buttons.failed());
    auto ics = out.path() / "Kenes" / ("my-agenda-" + eventId.substr(6) + ".ics");
    CHECK(buttons.message().find(ics.string()) != std::string::npos);
    std::string text = slurp(ics);
    CHECK(text.find("BEGIN:VCALENDAR") == 0);
    CHECK(text.find("BEGIN:VEVENT") != std::string::npos);

    REQUIRE(buttons.start(h.ctx, ExportKind::Notes, ""));
    buttons.service(h.ctx).wait();
    drawButtons();
    CHECK(buttons.message().find((out.path() / "Kenes" / "notes").string()) != std::string::npos);
    CHECK(std::distance(std::filesystem::directory_iterator(out.path() / "Kenes" / "notes"),
                        std::filesystem::directory_iterator()) >= 1);

    h.ctx.settings().contentLanguage = "ru";
    REQUIRE(buttons.start(h.ctx, ExportKind::Report, eventId));
    buttons.service(h.ctx).wait();
    drawButtons();
    auto md = out.path() / "Kenes" / ("report-" + eventId.substr(6) + "-ru.md");
    CHECK(slurp(md).size() > 100);
    CHECK(slurp(out.path() / "Kenes" / ("report-" + eventId.substr(6) + "-ru.html")).find("<html") !=
          std::string::npos);

    // A folder that cannot be created: the error is shown, nothing crashes.
    std::ofstream(out.path() / "file") << "x";
    buttons.service(h.ctx).setFolder(out.path() / "file" / "sub");
    REQUIRE(buttons.start(h.ctx, ExportKind::Agenda, eventId));
    buttons.service(h.ctx).wait();
    drawButtons();
    CHECK(buttons.failed());
    CHECK(buttons.message().find("cannot create the folder") != std::string::npos);
}
