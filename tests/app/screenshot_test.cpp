// `kenes screenshot` of every view in both languages: PNGs written, not blank, sizes and colours
// sane. Runs under the virtual display scripts/test.sh starts (or xvfb-run when none is set).
#include <catch2/catch.hpp>
#include <stb_image.h>

#include <cstdlib>
#include <set>

#include "support/process.h"

namespace {

int runKenes(const std::string& args) {
    std::string prefix = std::getenv("DISPLAY") ? "" : "xvfb-run -a ";
    std::string cmd = prefix;
    cmd += "'";
    cmd += KENES_EXE;
    cmd += "' ";
    cmd += args;
    cmd += " 2>&1";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

}  // namespace

TEST_CASE("screenshots of every view in both languages are written and not blank", "[screenshot]") {
    kenes::test::TempDir dir("kenes-shots");
    for (const char* view : {"agenda", "session", "library", "reader", "notes", "settings"}) {
        for (const char* lang : {"en", "ru"}) {
            auto out = dir.path() / (std::string(view) + "-" + lang + ".png");
            INFO(view << " " << lang);
            REQUIRE(runKenes("--data '" + (dir.path() / "data").string() + "' screenshot --view " + view + " --lang " +
                             lang + " --size 960x640 --out '" + out.string() + "'") == 0);
            int w = 0, h = 0, n = 0;
            unsigned char* px = stbi_load(out.c_str(), &w, &h, &n, 3);
            REQUIRE(px);
            CHECK(w == 960);
            CHECK(h == 640);
            std::set<uint32_t> colours;
            double brightness = 0;
            size_t textish = 0;
            for (int i = 0; i < w * h; ++i) {
                unsigned r = px[i * 3], g = px[i * 3 + 1], b = px[i * 3 + 2];
                colours.insert((r << 16) | (g << 8) | b);
                brightness += (r + g + b) / 3.0;
                if (r > 180 && g > 180 && b > 180) ++textish;  // light text on the dark theme
            }
            stbi_image_free(px);
            brightness /= w * h;
            CHECK(colours.size() > 50);                 // antialiased text, not a flat fill
            CHECK(brightness > 5);                       // not black
            CHECK(brightness < 120);                     // the dark theme, not a white page
            CHECK(textish > static_cast<size_t>(w * h / 400));  // some text drawn
        }
    }
}

TEST_CASE("screenshot rejects wrong arguments and the app exits 1 without a display", "[screenshot]") {
    kenes::test::TempDir dir("kenes-shots");
    CHECK(runKenes("screenshot --view nowhere --out x.png") == 2);
    CHECK(runKenes("screenshot --view agenda --size big --out x.png") == 2);
    CHECK(runKenes("screenshot --view agenda --lang de --out x.png") == 2);
    CHECK(runKenes("screenshot --view agenda") == 2);
    std::string cmd = "env -u DISPLAY -u WAYLAND_DISPLAY '";
    cmd += KENES_EXE;
    cmd += "' --data '";
    cmd += (dir.path() / "data").string();
    cmd += "' > '";
    cmd += (dir.path() / "out.txt").string();
    cmd += "' 2>&1";
    int rc = std::system(cmd.c_str());
    CHECK(WEXITSTATUS(rc) == 1);
}
