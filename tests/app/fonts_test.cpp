// Glyph coverage: every code point of ru.po, the sample content and the UI's own strings is in
// the font atlas (no "?" boxes).
#include <imgui.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/core/i18n.h"
#include "app/core/resources.h"
#include "app/shell/fonts.h"
#include "storage/sample_content.h"
#include "support/process.h"

using namespace kenes::app;

TEST_CASE("the font atlas holds every code point of ru.po, the sample content and the UI strings",
          "[fonts]") {
    ImGui::CreateContext();
    buildFonts(17.0f);
    ImFont* regular = ImGui::GetIO().Fonts->Fonts[0];
    ImFont* bold = boldFont();
    REQUIRE(regular);
    REQUIRE(bold);

    std::set<uint32_t> needed;
    auto po = embeddedRussianCatalogue();
    REQUIRE(po.size() > 1000);
    collectCodePoints(po.data(), po.size(), needed);
    for (auto& f : kenes::storage::embeddedSampleFiles())
        collectCodePoints(f.content.data(), f.content.size(), needed);
    kenes::test::TempDir dir("kenes-pot");
    auto pot = dir.path() / "kenes.pot";
    std::string cmd = "'";
    cmd += KENES_SOURCE_DIR;
    cmd += "/scripts/update-pot.sh' '";
    cmd += pot.string();
    cmd += "' 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(pot);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string potText = ss.str();
    collectCodePoints(potText.data(), potText.size(), needed);
    // Letters the issue names: Uzbek/Turkmen Latin, Kazakh/Kyrgyz/Tajik Cyrillic, punctuation.
    std::string extra = "ʻ ş ň ý ä ž ә ғ қ ң ө ұ ү һ і ӣ ӯ ҳ ҷ – — “ ” « » … \u202F №";
    collectCodePoints(extra.data(), extra.size(), needed);
    REQUIRE(needed.size() > 150);

    std::string missing;
    for (uint32_t cp : needed) {
        if (cp < 0x20) continue;
        auto c = static_cast<ImWchar>(cp);
        if (!regular->FindGlyphNoFallback(c) || !bold->FindGlyphNoFallback(c))
            missing += "U+" + std::to_string(cp) + " ";
    }
    INFO("missing code points (decimal): " << missing);
    CHECK(missing.empty());
    ImGui::DestroyContext();
}
