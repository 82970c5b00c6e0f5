// Small drawing helpers shared by the views (headings, highlighted snippets, muted text).
// UI thread only; call between ImGui::NewFrame and ImGui::Render.
#pragma once

#include <string>

namespace kenes::app {

void heading(const std::string& text);
void mutedText(const std::string& text);
// Draws a search snippet with kHighlightBegin/End markers, the matches in the accent colour.
void snippetText(const std::string& snippet);
// "2019-07-25T09:30" → "09:30"
std::string clockTime(const std::string& localDateTime);

}  // namespace kenes::app
