// Reader: one standard with article navigation, in the content language or side by side
// Russian | English; in the compact layout a Russian/English toggle instead, and the articles in a
// drop-down above the text. Summaries (text_kind "summary") are labelled as summaries. Opened through
// the OpenStandard event. UI thread only.
#pragma once

#include <optional>
#include <string>

#include "app/core/i18n.h"
#include "app/views/view.h"
#include "storage/model.h"

namespace kenes::app {

class ReaderView : public View {
public:
    explicit ReaderView(AppContext& ctx);
    const char* id() const override { return "reader"; }
    const char* title() const override { return N_("Reader"); }
    bool inNavigation() const override { return false; }
    void draw(AppContext& ctx) override;

    bool sideBySide = false;
    const std::string& standardId() const { return m_standardId; }
    const std::string& articleId() const { return m_articleId; }

private:
    void reload(AppContext& ctx);
    void drawArticle(const storage::StandardInfo& standard, bool scrollToTop);
    // Compact: article picker and language toggle above the text, one column.
    void drawCompact(AppContext& ctx, const storage::StandardInfo& primary, bool scroll);

    std::string m_standardId, m_articleId, m_loadedLanguage;
    bool m_stale = true, m_scroll = false;
    std::string m_compactLanguage;  // compact: "ru" or "en" when toggled, else the content language
    std::optional<storage::StandardInfo> m_ru, m_en;
};

}  // namespace kenes::app
