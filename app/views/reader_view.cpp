#include "app/views/reader_view.h"

#include <imgui.h>

#include "app/core/app_context.h"
#include "app/views/widgets.h"

namespace kenes::app {

ReaderView::ReaderView(AppContext& ctx) {
    ctx.bus().subscribe<OpenStandard>([this, &ctx](const OpenStandard& e) {
        m_standardId = e.standardId;
        m_articleId = e.articleId;
        m_stale = true;
        m_scroll = true;
        ctx.bus().post(ShowView{"reader"});
    });
}

void ReaderView::reload(AppContext& ctx) {
    if (m_standardId.empty()) {
        auto list = ctx.model().standards(ctx.settings().contentLanguage);
        for (auto& s : list)
            if (s.articleCount > 0) {
                m_standardId = s.id;
                break;
            }
    }
    m_ru = m_standardId.empty() ? std::nullopt : ctx.model().standard(m_standardId, "ru");
    m_en = m_standardId.empty() ? std::nullopt : ctx.model().standard(m_standardId, "en");
    m_loadedLanguage = ctx.settings().contentLanguage;
    m_stale = false;
}

void ReaderView::drawArticle(const storage::StandardInfo& standard, bool scrollToTop) {
    if (scrollToTop) ImGui::SetScrollY(0);
    heading(standard.title);
    if (standard.textKind == "summary") {
        ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.2f, 1), "%s", tr("Summary, not the official text"));
    }
    const storage::ArticleInfo* article = nullptr;
    for (auto& a : standard.articles)
        if (a.id == m_articleId) article = &a;
    if (!article) {
        if (!standard.summary.empty()) {
            ImGui::TextWrapped("%s", standard.summary.c_str());
            ImGui::Spacing();
        }
        if (!standard.preamble.empty()) ImGui::TextWrapped("%s", standard.preamble.c_str());
        return;
    }
    std::string head = std::string(tr("Article")) + " " + article->number;
    if (!article->heading.empty()) head += ". " + article->heading;
    heading(head);
    ImGui::TextWrapped("%s", article->text.c_str());
}

void ReaderView::draw(AppContext& ctx) {
    if (m_stale || m_loadedLanguage != ctx.settings().contentLanguage) reload(ctx);
    const bool ru = ctx.settings().contentLanguage == "ru";
    const auto& primary = ru ? (m_ru ? m_ru : m_en) : (m_en ? m_en : m_ru);
    if (ImGui::Button(label("‹ Library", "back").c_str())) ctx.bus().post(ShowView{"library"});
    if (!primary) {
        ImGui::SameLine();
        mutedText(tr("Choose a standard in the library."));
        return;
    }
    if (ctx.layout().compact) {
        bool scroll = m_scroll;
        m_scroll = false;
        drawCompact(ctx, *primary, scroll);
        return;
    }
    ImGui::SameLine();
    ImGui::Checkbox(label("Side by side: Russian | English", "side-by-side").c_str(), &sideBySide);

    float navWidth = ImGui::GetContentRegionAvail().x * 0.24f;
    ImGui::BeginChild("###articles", ImVec2(navWidth, 0), true);
    if (ImGui::Selectable(label("Overview", "overview").c_str(), m_articleId.empty())) {
        m_articleId.clear();
        m_scroll = true;
    }
    for (auto& a : primary->articles) {
        std::string text = std::string(tr("Art.")) + " " + a.number;
        if (!a.heading.empty()) text += " " + a.heading;
        if (ImGui::Selectable((text + "###" + a.id).c_str(), a.id == m_articleId)) {
            m_articleId = a.id;
            m_scroll = true;
        }
    }
    ImGui::EndChild();
    ImGui::SameLine();
    bool scroll = m_scroll;
    m_scroll = false;
    if (sideBySide && m_ru && m_en) {
        float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
        ImGui::BeginChild("###text-ru", ImVec2(half, 0), true);
        drawArticle(*m_ru, scroll);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginChild("###text-en", ImVec2(0, 0), true);
        drawArticle(*m_en, scroll);
        ImGui::EndChild();
    } else {
        ImGui::BeginChild("###text", ImVec2(0, 0), true);
        drawArticle(*primary, scroll);
        ImGui::EndChild();
    }
}

void ReaderView::drawCompact(AppContext& ctx, const storage::StandardInfo& primary, bool scroll) {
    // Both texts exist: a Russian | English toggle next to the back button (names in their own
    // language, as in the settings).
    const storage::StandardInfo* shown = &primary;
    if (m_ru && m_en) {
        const std::string& lang =
            m_compactLanguage.empty() ? ctx.settings().contentLanguage : m_compactLanguage;
        shown = lang == "ru" ? &*m_ru : &*m_en;
        const char* names[] = {"Русский", "English"};
        const char* codes[] = {"ru", "en"};
        for (int i = 0; i < 2; ++i) {
            ImGui::SameLine();
            bool active = lang == codes[i];
            if (active)
                ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::Button((std::string(names[i]) + "###show-" + codes[i]).c_str())) {
                m_compactLanguage = codes[i];
                scroll = true;
            }
            if (active) ImGui::PopStyleColor();
        }
    }
    // Articles in a drop-down: the overview, then "Art. N heading".
    auto articleText = [](const storage::ArticleInfo& a) {
        std::string text = std::string(tr("Art.")) + " " + a.number;
        if (!a.heading.empty()) text += " " + a.heading;
        return text;
    };
    std::string preview = tr("Overview");
    for (auto& a : shown->articles)
        if (a.id == m_articleId) preview = articleText(a);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("###article", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        if (ImGui::Selectable(label("Overview", "overview").c_str(), m_articleId.empty())) {
            m_articleId.clear();
            scroll = true;
        }
        for (auto& a : shown->articles) {
            if (ImGui::Selectable((articleText(a) + "###" + a.id).c_str(), a.id == m_articleId)) {
                m_articleId = a.id;
                scroll = true;
            }
        }
        ImGui::EndCombo();
    }
    ImGui::BeginChild("###text", ImVec2(0, 0), false);
    drawArticle(*shown, scroll);
    ImGui::EndChild();
}

}  // namespace kenes::app
