#include "app/views/widgets.h"

#include <imgui.h>

#include "app/shell/fonts.h"
#include "storage/search.h"

namespace kenes::app {

void heading(const std::string& text) {
    if (ImFont* bold = boldFont()) ImGui::PushFont(bold);
    ImGui::TextWrapped("%s", text.c_str());
    if (boldFont()) ImGui::PopFont();
}

void mutedText(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void snippetText(const std::string& snippet) {
    // Word by word so the line wraps at the window edge; matches in the accent colour.
    const float right = ImGui::GetContentRegionAvail().x + ImGui::GetCursorPosX();
    // The snippet's lines are one paragraph: as close as wrapped text, whatever the item spacing.
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing,
                        ImVec2(ImGui::GetStyle().ItemSpacing.x, ImGui::GetStyle().ItemInnerSpacing.y));
    bool highlighted = false, first = true;
    std::string word;
    auto emit = [&](const std::string& w, bool hl) {
        if (w.empty()) return;
        float width = ImGui::CalcTextSize(w.c_str()).x;
        if (!first) {
            ImGui::SameLine(0, 0);
            if (ImGui::GetCursorPosX() + width > right) ImGui::NewLine();
        }
        first = false;
        if (hl) {
            ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.2f, 1.0f), "%s", w.c_str());
        } else {
            ImGui::TextUnformatted(w.c_str());
        }
    };
    for (char c : snippet) {
        if (c == storage::kHighlightBegin || c == storage::kHighlightEnd) {
            emit(word, highlighted);
            word.clear();
            highlighted = c == storage::kHighlightBegin;
        } else if (c == ' ' || c == '\n') {
            word += ' ';
            emit(word, highlighted);
            word.clear();
        } else {
            word += c;
        }
    }
    emit(word, highlighted);
    ImGui::PopStyleVar();
    // The usual gap below the paragraph.
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ImGui::GetStyle().ItemSpacing.y -
                         ImGui::GetStyle().ItemInnerSpacing.y);
}

std::string wrapToWidth(const std::string& text, float width) {
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    std::string out;
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
        const char* cut = font->CalcWordWrapPositionA(scale, p, end, width);
        if (cut == p) cut = p + 1;  // a single glyph wider than the line still advances
        while (cut < end && (*cut & 0xC0) == 0x80) ++cut;  // never split a UTF-8 sequence
        std::string line(p, cut);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\n')) line.pop_back();
        if (!out.empty()) out += '\n';
        out += line;
        p = cut;
        while (p < end && (*p == ' ' || *p == '\n')) ++p;
    }
    return out;
}

void sameLineIfFits(float width) {
    const float right = ImGui::GetWindowContentRegionMax().x;
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + width > right) ImGui::NewLine();
}

std::string clockTime(const std::string& localDateTime) {
    return localDateTime.size() >= 16 ? localDateTime.substr(11, 5) : localDateTime;
}

}  // namespace kenes::app
