// `kenes screenshot` of every registered view in both languages, at desktop size and in the
// compact phone layout: PNGs written, not blank, sizes and colours sane, the compact ones with
// their bottom tab bar. Runs under the virtual display scripts/test.sh starts (or xvfb-run when
// none is set).
#include <stb_image.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "app/views/view.h"
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

// A decoded PNG (RGB).
struct Image {
    int width = 0, height = 0;
    std::vector<unsigned char> rgb;
    explicit Image(const std::filesystem::path& file) {
        int n = 0;
        unsigned char* px = stbi_load(file.c_str(), &width, &height, &n, 3);
        if (px) rgb.assign(px, px + static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
        stbi_image_free(px);
    }
    // The longest run of pixels on row y within `tolerance` of the colour.
    int longestRun(int y, int r, int g, int b, int tolerance = 12) const {
        int best = 0, run = 0;
        for (int x = 0; x < width; ++x) {
            const unsigned char* p =
                &rgb[(static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3];
            bool match = std::abs(p[0] - r) <= tolerance && std::abs(p[1] - g) <= tolerance &&
                         std::abs(p[2] - b) <= tolerance;
            run = match ? run + 1 : 0;
            best = std::max(best, run);
        }
        return best;
    }
};

// Renders every registered view in both languages at the size and checks each PNG is a real
// picture of the dark theme with text on it.
void screenshotEveryView(const std::string& size, int width, int height, bool compact) {
    kenes::test::TempDir dir("kenes-shots");
    for (const std::string& view : kenes::app::viewIds()) {
        for (const char* lang : {"en", "ru"}) {
            auto out = dir.path() / (view + "-" + lang + ".png");
            INFO(view << " " << lang << " " << size);
            REQUIRE(runKenes("--data '" + (dir.path() / "data").string() + "' screenshot --view " + view +
                             " --lang " + lang + " --size " + size + " --out '" + out.string() + "'") == 0);
            Image image(out);
            REQUIRE_FALSE(image.rgb.empty());
            const int w = image.width, h = image.height;
            const unsigned char* px = image.rgb.data();
            CHECK(w == width);
            CHECK(h == height);
            std::set<uint32_t> colours;
            double brightness = 0;
            size_t textish = 0;
            for (int i = 0; i < w * h; ++i) {
                unsigned r = px[i * 3], g = px[i * 3 + 1], b = px[i * 3 + 2];
                colours.insert((r << 16) | (g << 8) | b);
                brightness += (r + g + b) / 3.0;
                if (r > 100 && g > 100 && b > 100) ++textish;  // light or muted grey text on the dark theme
            }
            brightness /= w * h;
            CHECK(colours.size() > 50);                         // antialiased text, not a flat fill
            CHECK(brightness > 5);                              // not black
            CHECK(brightness < 120);                            // the dark theme, not a white page
            CHECK(textish > static_cast<size_t>(w * h / 400));  // some text drawn
            // The compact layout's bottom bar: one tab in the dark theme's active-button blue
            // (15, 135, 250: ImGuiCol_ButtonActive) across the bottom rows; the wide
            // layout has none there.
            int activeTab = 0;
            for (int y = h - 40; y < h - 10; ++y)
                activeTab = std::max(activeTab, image.longestRun(y, 15, 135, 250));
            if (compact) {
                CHECK(activeTab > w / 8);
                CHECK(activeTab < w / 2);
            } else {
                CHECK(activeTab < w / 8);
            }
        }
    }
}

}  // namespace

TEST_CASE("screenshots of every view in both languages are written and not blank", "[screenshot]") {
    screenshotEveryView("960x640", 960, 640, false);
}

TEST_CASE("compact (phone) screenshots of every view in both languages show the bottom tab bar",
          "[screenshot][compact]") {
    screenshotEveryView("390x844", 390, 844, true);
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
