#include "app/shell/fonts.h"

#include <imgui.h>
#include <imgui_freetype.h>

#include "app/core/resources.h"
#include "storage/sample_content.h"

namespace kenes::app {

namespace {
ImFont* g_bold = nullptr;
std::vector<ImWchar> g_ranges;
}  // namespace

void collectCodePoints(const char* text, size_t size, std::set<uint32_t>& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(text);
    const auto* end = p + size;
    while (p < end) {
        uint32_t cp = *p;
        int extra = cp < 0x80 ? 0 : cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3;
        if (extra) cp &= (0x3F >> extra);
        ++p;
        for (int i = 0; i < extra && p < end; ++i, ++p) cp = (cp << 6) | (*p & 0x3F);
        if (cp >= 0x20 && cp <= 0xFFFF) out.insert(cp);
    }
}

std::set<uint32_t> requiredCodePoints() {
    std::set<uint32_t> cps;
    auto range = [&](uint32_t a, uint32_t b) {
        for (uint32_t c = a; c <= b; ++c) cps.insert(c);
    };
    range(0x20, 0x7E);    // Basic Latin
    range(0xA0, 0x24F);   // Latin-1 Supplement, Extended-A and -B
    range(0x2B9, 0x2BC);  // modifier letters (Uzbek ʻ ʼ)
    range(0x400, 0x52F);  // Cyrillic + Cyrillic Supplement
    for (uint32_t c : {0x2013u, 0x2014u, 0x2018u, 0x2019u, 0x201Cu, 0x201Du, 0x201Eu, 0x2026u, 0x202Fu,
                       0x2022u, 0x2116u, 0x20ACu, 0x2192u, 0x2190u, 0x2605u, 0x2606u, 0x25B8u})
        cps.insert(c);
    auto po = embeddedRussianCatalogue();
    collectCodePoints(po.data(), po.size(), cps);
    for (auto& f : storage::embeddedSampleFiles()) collectCodePoints(f.content.data(), f.content.size(), cps);
    return cps;
}

void buildFonts(float pixelSize) {
    buildFontAtlas(*ImGui::GetIO().Fonts, pixelSize);
}

void buildFontAtlas(ImFontAtlas& atlas, float pixelSize) {
    atlas.Clear();
    if (g_ranges.empty()) {
        auto cps = requiredCodePoints();
        for (auto it = cps.begin(); it != cps.end();) {
            uint32_t first = *it, last = *it;
            for (++it; it != cps.end() && *it == last + 1; ++it) last = *it;
            g_ranges.push_back(static_cast<ImWchar>(first));
            g_ranges.push_back(static_cast<ImWchar>(last));
        }
        g_ranges.push_back(0);
    }
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;  // the data is embedded in the binary
    config.OversampleH = 1;
    config.OversampleV = 1;
    auto regular = embeddedFontRegular();
    auto bold = embeddedFontBold();
    atlas.AddFontFromMemoryTTF(const_cast<char*>(regular.data()), static_cast<int>(regular.size()), pixelSize,
                               &config, g_ranges.data());
    g_bold = atlas.AddFontFromMemoryTTF(const_cast<char*>(bold.data()), static_cast<int>(bold.size()),
                                        pixelSize * 1.15f, &config, g_ranges.data());
    atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas.FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    atlas.Build();
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    atlas.GetTexDataAsRGBA32(&pixels, &width, &height);  // the renderer's format, converted here
}

ImFont* boldFont() {
    return g_bold;
}

}  // namespace kenes::app
