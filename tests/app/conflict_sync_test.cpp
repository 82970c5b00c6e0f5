// A note edited on two devices, end to end: two data directories sync the user's database through
// a real `kenes hub` with the Kenes replicator, the same note is changed on both, the next sync
// brings the conflict to both, the merge view of one resolves it, and after another round both
// data directories hold one live revision with the merged text and no conflicts.
#include <imgui.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include "app/core/app_context.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/merge_view.h"
#include "app/views/notes_view.h"
#include "headless_imgui.h"
#include "hub/hub_fixture.h"
#include "storage/note_conflicts.h"
#include "sync/endpoint.h"
#include "sync/replicator.h"

using namespace kenes;
using namespace kenes::app;

namespace {

struct Device {
    const char* name;
    AppContext ctx;
    AppShell shell;
    Device(const std::filesystem::path& dir, const char* deviceName)
        : name(deviceName), ctx(dir, "tester"), shell(ctx) {}

    // Saves the open note as this device (the name the merge view shows for its version).
    bool save() {
        setenv("KENES_DEVICE", name, 1);
        return notes().saveNow(ctx);
    }

    NotesView& notes() { return *dynamic_cast<NotesView*>(shell.view("notes")); }
    MergeView& merge() { return *dynamic_cast<MergeView*>(shell.view("merge")); }
    void frame() {
        ImGui::GetIO().DeltaTime = 1.0f / 60;
        ImGui::NewFrame();
        shell.drawFrame();
        ImGui::Render();
    }
    // Push then pull the user's database through the hub, as the app's sync does.
    void sync(const std::string& hubUrl) {
        auto local = ctx.store().database(ctx.userDatabaseName());
        const std::string url = hubUrl + "/" + ctx.userDatabaseName();
        sync::HttpOptions credentials;
        credentials.user = "tester";
        credentials.password = "tester-secret";
        sync::ReplicationOptions options;
        options.createTarget = true;
        options.maxAttempts = 3;
        {
            sync::LocalEndpoint source(local);
            sync::RemoteEndpoint target(url, credentials);
            REQUIRE(sync::Replicator(source, target, options).run().complete());
        }
        {
            sync::RemoteEndpoint source(url, credentials);
            sync::LocalEndpoint target(local);
            REQUIRE(sync::Replicator(source, target, options).run().complete());
        }
        ctx.bus().post(DataChanged{});
        frame();
    }
    size_t liveLeaves(const std::string& id) {
        size_t n = 0;
        for (auto& leaf : ctx.userDatabase().openRevs(id, std::nullopt, false, false))
            if (!leaf.missing() && !leaf.doc->value("_deleted", false)) ++n;
        return n;
    }
};

}  // namespace

TEST_CASE("a note changed in two data dirs is merged in the merge view and converges through the hub",
          "[app][merge][sync][hub]") {
    test::TempDir dir("kenes-conflict-sync");
    REQUIRE(test::addHubUser(dir.path() / "hub", "tester", "participant", "tester-secret").exitCode == 0);
    test::HubProcess hub(dir.path() / "hub");
    test::HeadlessImGui imgui;
    Device laptop(dir.path() / "laptop", "laptop");
    Device phone(dir.path() / "phone", "phone");

    // The note is written on the laptop and reaches the phone.
    laptop.ctx.bus().post(OpenNote{"", "", ""});
    laptop.frame();
    std::string id = laptop.notes().draft().id;
    auto& draft = laptop.notes().editDraft(laptop.ctx);
    draft.title = "Plenary";
    draft.body = "Opening\nCFA cases";
    REQUIRE(laptop.save());
    laptop.sync(hub.url());
    phone.sync(hub.url());
    REQUIRE(phone.ctx.userDatabase().get(id)["body"] == "Opening\nCFA cases");

    // Both change it before syncing again.
    phone.ctx.bus().post(OpenNote{id, "", ""});
    phone.frame();
    REQUIRE(phone.notes().draft().id == id);
    phone.notes().editDraft(phone.ctx).body += "\nPhone: question on art. 3";
    REQUIRE(phone.save());
    laptop.notes().editDraft(laptop.ctx).body = "Opening\nLaptop: strike data\nCFA cases";
    REQUIRE(laptop.save());
    laptop.sync(hub.url());
    phone.sync(hub.url());
    laptop.sync(hub.url());
    CHECK(laptop.liveLeaves(id) == 2);
    CHECK(phone.liveLeaves(id) == 2);
    CHECK(storage::conflictedDocumentIds(phone.ctx.userDatabase(), "note:") == std::vector<std::string>{id});

    // Resolved on the phone, in the merge view the badge opens.
    phone.ctx.bus().post(OpenMerge{id});
    phone.frame();
    REQUIRE(phone.shell.currentView() == "merge");
    REQUIRE(phone.merge().conflict());
    REQUIRE(phone.merge().conflict()->versions.size() == 2);
    std::set<std::string> devices;
    for (const auto& v : phone.merge().conflict()->versions) devices.insert(v.body.value("device", ""));
    CHECK(devices == std::set<std::string>{"laptop", "phone"});
    const std::string merged = phone.merge().mergedBody();
    CHECK(merged.find("Laptop: strike data") != std::string::npos);
    CHECK(merged.find("Phone: question on art. 3") != std::string::npos);
    phone.frame();
    setenv("KENES_DEVICE", "phone", 1);
    REQUIRE(phone.merge().saveMerged(phone.ctx));
    phone.frame();

    phone.sync(hub.url());
    laptop.sync(hub.url());
    for (Device* d : {&laptop, &phone}) {
        CHECK(d->liveLeaves(id) == 1);
        storage::GetOptions o;
        o.conflicts = true;
        auto doc = d->ctx.userDatabase().get(id, o);
        CHECK(doc["body"] == merged);
        CHECK_FALSE(doc.contains("_conflicts"));
        CHECK(storage::conflictedDocumentIds(d->ctx.userDatabase(), "note:").empty());
        bool projected = false;
        for (const auto& n : d->ctx.model().notes(d->ctx.userDatabaseName()))
            projected = projected || (n.id == id && n.body == merged);
        CHECK(projected);
    }
    CHECK(laptop.ctx.userDatabase().get(id)["_rev"] == phone.ctx.userDatabase().get(id)["_rev"]);
    unsetenv("KENES_DEVICE");
}
