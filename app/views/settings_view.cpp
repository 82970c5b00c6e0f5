#include "app/views/settings_view.h"

#include <imgui.h>

#include "app/core/app_context.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

// Compact layout: the label above a full-width control instead of to its right. Returns the
// widget label to use.
std::string fieldLabel(const std::string& text, const char* id, bool compact) {
    if (!compact) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
        return text + "###" + id;
    }
    ImGui::TextUnformatted(text.c_str());
    ImGui::SetNextItemWidth(-1);
    return std::string("###") + id;
}

// Language names are written in their own language, so either can be found whatever the UI shows.
bool languageCombo(const std::string& text, const char* id, std::string& value, bool compact) {
    const char* names[] = {"English", "Русский"};
    const char* codes[] = {"en", "ru"};
    bool changed = false;
    if (ImGui::BeginCombo(fieldLabel(text, id, compact).c_str(), value == "ru" ? names[1] : names[0])) {
        for (int i = 0; i < 2; ++i) {
            if (ImGui::Selectable(names[i], value == codes[i])) {
                changed = value != codes[i];
                value = codes[i];
            }
        }
        ImGui::EndCombo();
    }
    return changed;
}

}  // namespace

void SettingsView::draw(AppContext& ctx) {
    Settings& s = ctx.settings();
    bool changed = false;
    const bool compact = ctx.layout().compact;
    heading(tr("Languages"));
    if (languageCombo(tr("Interface language"), "ui-language", s.uiLanguage, compact)) {
        changed = true;
        ctx.bus().post(LanguageChanged{});
    }
    changed |= languageCombo(tr("Content language"), "content-language", s.contentLanguage, compact);
    mutedText(tr("Texts missing in the content language are shown in the other one."));
    ImGui::Spacing();
    heading(tr("Appearance"));
    int theme = s.theme == "light" ? 1 : 0;
    if (ImGui::RadioButton(label("Dark", "dark").c_str(), &theme, 0)) changed = true;
    ImGui::SameLine();
    if (ImGui::RadioButton(label("Light", "light").c_str(), &theme, 1)) changed = true;
    s.theme = theme == 1 ? "light" : "dark";
    if (!ImGui::IsItemActive() && m_pendingFontSize == 0) m_pendingFontSize = s.fontSize;
    ImGui::SliderFloat(fieldLabel(tr("Font size"), "font-size", compact).c_str(), &m_pendingFontSize, 12.0f,
                       28.0f, "%.0f px");
    if (ImGui::IsItemDeactivatedAfterEdit()) {
        s.fontSize = m_pendingFontSize;  // the atlas is rebuilt before the next frame
        changed = true;
    }
    ImGui::Spacing();
    heading(tr("Data folder"));
    ImGui::TextWrapped("%s", ctx.dataDir().string().c_str());
    mutedText(tr("Start Kenes with --data DIR to use another folder."));
    if (changed) {
        try {
            ctx.saveSettings();
        } catch (const std::exception&) {
            // Settings still apply for this run; they are saved again on exit.
        }
    }
}

}  // namespace kenes::app
