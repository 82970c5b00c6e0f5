// `kenes screenshot --view merge`, `--view workplan` and `--view notes` (with its conflict badge) in
// both languages: the merge view over a
// data dir where a note has two live versions (written as the replicator writes them), and the
// work plan over the sample tasks. PNGs written, not blank; with KENES_SHOT_DIR set they are also
// copied there to be looked at.
#include <stb_image.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include "storage/model_store.h"
#include "storage/note_conflicts.h"
#include "support/process.h"

using kenes::storage::Json;

namespace {

int runKenes(const std::string& args) {
    std::string cmd = std::getenv("DISPLAY") ? "" : "xvfb-run -a ";
    cmd += "env KENES_USER=tester KENES_DEVICE=laptop '";
    cmd += KENES_EXE;
    cmd += "' " + args + " 2>&1";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

// Distinct colours and the share of light (text) pixels of a PNG.
std::pair<size_t, double> inspect(const std::filesystem::path& png, int& w, int& h) {
    int n = 0;
    unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 3);
    REQUIRE(px);
    std::set<uint32_t> colours;
    size_t light = 0;
    for (int i = 0; i < w * h; ++i) {
        unsigned r = px[i * 3], g = px[i * 3 + 1], b = px[i * 3 + 2];
        colours.insert((r << 16) | (g << 8) | b);
        if (r > 180 && g > 180 && b > 180) ++light;
    }
    stbi_image_free(px);
    return {colours.size(), static_cast<double>(light) / (w * h)};
}

}  // namespace

TEST_CASE("screenshots of the merge view and the work plan in both languages",
          "[screenshot][merge][workplan]") {
    kenes::test::TempDir dir("kenes-merge-shots");
    const auto data = dir.path() / "data";
    // First run: the store with the sample content.
    REQUIRE(runKenes("--data '" + data.string() +
                     "' screenshot --view merge --lang en --size 1280x800 --out '" +
                     (dir.path() / "empty.png").string() + "'") == 0);
    {
        auto store = kenes::storage::openLibraryStore(data);
        auto db = store->database(kenes::storage::userDatabaseName("tester"));
        Json base = {{"type", "note"},
                     {"title", "Plenary: freedom of association"},
                     {"created", "2019-07-25T04:00:00Z"}};
        Json laptop = base, phone = base;
        laptop["body"] = "Opening remarks\nStrike statistics from the federation\nCFA case 3074: follow-up";
        laptop["updated"] = "2019-07-25T05:10:00Z";
        laptop["device"] = "laptop";
        phone["body"] = "Opening remarks\nCFA case 3074: follow-up\nQuestion on art. 3: right to strike";
        phone["updated"] = "2019-07-25T05:12:00Z";
        phone["device"] = "phone";
        auto branch = [](Json body, const std::string& rev, std::vector<std::string> ids) {
            body["_id"] = "note:plenary";
            body["_rev"] = rev;
            body["_revisions"] = {{"start", static_cast<unsigned>(ids.size())}, {"ids", ids}};
            return body;
        };
        Json first = base;
        first["body"] = "Opening remarks\nCFA case 3074: follow-up";
        auto rows = db->bulkDocs({branch(first, "1-a1", {"a1"}), branch(laptop, "2-b2", {"b2", "a1"}),
                                  branch(phone, "2-c3", {"c3", "a1"})},
                                 false);
        for (auto& r : rows) REQUIRE(r.ok());
        REQUIRE(kenes::storage::documentConflict(*db, "note:plenary"));
    }
    const char* keep = std::getenv("KENES_SHOT_DIR");
    for (const char* view : {"merge", "workplan", "notes"}) {
        for (const char* lang : {"en", "ru"}) {
            auto out = dir.path() / (std::string(view) + "-" + lang + ".png");
            INFO(view << " " << lang);
            REQUIRE(runKenes("--data '" + data.string() + "' screenshot --view " + view + " --lang " + lang +
                             " --size 1280x800 --at 2019-09-03T06:00Z --out '" + out.string() + "'") == 0);
            int w = 0, h = 0;
            auto [colours, light] = inspect(out, w, h);
            CHECK(w == 1280);
            CHECK(h == 800);
            CHECK(colours > 50);
            CHECK(light > 0.001);
            if (keep)
                std::filesystem::copy_file(out, std::filesystem::path(keep) / out.filename(),
                                           std::filesystem::copy_options::overwrite_existing);
        }
    }
    // The compact (phone) layout: the versions one under the other.
    auto phone = dir.path() / "merge-ru-390x844.png";
    REQUIRE(runKenes("--data '" + data.string() +
                     "' screenshot --view merge --lang ru --size 390x844 --out '" + phone.string() + "'") ==
            0);
    {
        int pw = 0, ph = 0;
        auto [colours, light] = inspect(phone, pw, ph);
        CHECK(pw == 390);
        CHECK(ph == 844);
        CHECK(colours > 50);
        CHECK(light > 0.002);
        if (keep)
            std::filesystem::copy_file(phone, std::filesystem::path(keep) / phone.filename(),
                                       std::filesystem::copy_options::overwrite_existing);
    }
    // The empty state is lighter on text than the two versions side by side.
    int w = 0, h = 0;
    CHECK(inspect(dir.path() / "empty.png", w, h).second < inspect(dir.path() / "merge-en.png", w, h).second);
}
