// Small drawing helpers shared by the views (headings, highlighted snippets, muted text).
// UI thread only; call between ImGui::NewFrame and ImGui::Render.
#pragma once

#include <string>

namespace kenes::app {

void heading(const std::string& text);
void mutedText(const std::string& text);
// Draws a search snippet with kHighlightBegin/End markers, the matches in the accent colour.
void snippetText(const std::string& snippet);
// The text with line breaks inserted so that no line is wider than `width` pixels in the current
// font (for labels that ImGui does not wrap, e.g. selectables in the compact layout).
std::string wrapToWidth(const std::string& text, float width);
// Continues the current line when an item `width` wide still fits before the right edge, else
// starts a new one (call instead of ImGui::SameLine()).
void sameLineIfFits(float width);
// "2019-07-25T09:30" → "09:30"
std::string clockTime(const std::string& localDateTime);

}  // namespace kenes::app
