// "Changes since you last looked": what was seen is stored compactly, survives text that needs
// escaping, and documents in the earlier format (an object per session) are still read and then
// rewritten in the current one.
#include <catch2/catch.hpp>

#include "app/core/app_context.h"
#include "app/core/session_changes.h"
#include "storage/model.h"
#include "storage/model_store.h"
#include "support/process.h"

using namespace kenes;
using namespace kenes::app;

namespace {

constexpr const char* kUser = "tester";
constexpr const char* kSeen = "kenes-seen-sessions";

std::optional<storage::Json> seenDocument(const std::filesystem::path& data) {
    auto store = storage::openLibraryStore(data);
    return store->database(storage::userDatabaseName(kUser))->getLocal(kSeen);
}

}  // namespace

TEST_CASE("what was seen is stored compactly, escapes round-trip, the earlier format is still read",
          "[app][changes]") {
    test::TempDir dir("kenes-seen-format");
    const auto data = dir.path() / "app";
    {
        AppContext ctx(data, kUser);  // the first run: everything counts as seen and is saved
        ctx.sessionChanges().settle();
        CHECK(ctx.sessionChanges().changes().empty());
    }
    auto doc = seenDocument(data);
    REQUIRE(doc);
    CHECK(doc->value("format", 0) == 2);
    REQUIRE((*doc)["sessions"].is_string());

    // The same sessions in the earlier format, one of them last seen under a title that needs
    // escaping in the compact one.
    const std::string oldTitle = "Old\ttitle\nwith a \\ backslash and a | bar";
    std::string changedId;
    {
        auto store = storage::openLibraryStore(data);
        storage::Model model(*store);
        storage::Json sessions = storage::Json::object();
        for (const auto& s : model.sessionSnapshots({"en", "ru"})) {
            storage::Json title(s.title);
            if (changedId.empty()) {
                changedId = s.id;
                title["en"] = oldTitle;
            }
            sessions[s.id] = {{"event", s.event}, {"start", s.start}, {"end", s.end},
                              {"title", title},   {"room", s.room},   {"cancelled", s.cancelled}};
        }
        REQUIRE(sessions.size() >= 5);
        store->database(storage::userDatabaseName(kUser))->putLocal(kSeen, {{"sessions", sessions}});
    }
    auto checkChange = [&](SessionChanges& changes) {
        CHECK(changes.changes().size() == 1);
        const SessionChange* c = changes.change(changedId);
        REQUIRE(c);
        CHECK(c->title);
        CHECK_FALSE(c->time);
        CHECK(c->before.titleIn("en") == oldTitle);
        CHECK(c->before.roomIn("ru") == c->now.roomIn("ru"));
    };
    {
        AppContext ctx(data, kUser);
        ctx.sessionChanges().settle();
        checkChange(ctx.sessionChanges());
    }
    doc = seenDocument(data);  // rewritten in the current format
    REQUIRE(doc);
    CHECK(doc->value("format", 0) == 2);
    {
        AppContext ctx(data, kUser);  // read back from the compact format
        ctx.sessionChanges().settle();
        checkChange(ctx.sessionChanges());
        ctx.sessionChanges().markAllSeen();
        CHECK(ctx.sessionChanges().changes().empty());
    }
    {
        AppContext ctx(data, kUser);
        ctx.sessionChanges().settle();
        CHECK(ctx.sessionChanges().changes().empty());
        CHECK(ctx.sessionChanges().removedCount() == 0);
    }
}

TEST_CASE("a context opened without the changes scan reads nothing until asked", "[app][changes]") {
    test::TempDir dir("kenes-seen-deferred");
    AppContext ctx(dir.path() / "app", kUser, false);
    CHECK_FALSE(ctx.sessionChanges().reading());
    ctx.sessionChanges().check();
    CHECK(ctx.sessionChanges().reading());
    ctx.sessionChanges().settle();
    CHECK_FALSE(ctx.sessionChanges().reading());
    CHECK(ctx.sessionChanges().changes().empty());
}
