// Fonts of the desktop app: Noto Sans Regular and Bold embedded in the binary, rasterised with
// FreeType, with glyph ranges built from what the app shows (Latin + Extended-A/B, Cyrillic +
// Supplement, general punctuation, №, and every code point of the Russian catalogue and the
// embedded sample content). Thread-safety: UI thread, outside ImGui::NewFrame/Render; except
// buildFontAtlas, which may run on any thread while no ImGui context exists (one build at a time).
#pragma once

#include <cstdint>
#include <set>
#include <vector>

struct ImFont;
struct ImFontAtlas;

namespace kenes::app {

// Code points the atlas must hold.
std::set<uint32_t> requiredCodePoints();
// Adds every code point of UTF-8 text to `out`.
void collectCodePoints(const char* text, size_t size, std::set<uint32_t>& out);

// (Re)builds the current ImGui context's font atlas at `pixelSize` (already DPI-scaled).
void buildFonts(float pixelSize);
// (Re)builds `atlas` at `pixelSize`, with its RGBA32 texture data ready for upload; for an atlas
// built before the context that will share it (ImGui::CreateContext(atlas)).
void buildFontAtlas(ImFontAtlas& atlas, float pixelSize);
// The bold face of the current atlas (the regular one is the default font).
ImFont* boldFont();

}  // namespace kenes::app
