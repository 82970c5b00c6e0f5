// Settings: UI language, content language, theme, font size and the data folder (shown). Changes
// apply on the next frame and are saved in the user's database (_local, not synced).
// UI thread only.
#pragma once

#include "app/core/i18n.h"
#include "app/views/view.h"

namespace kenes::app {

class SettingsView : public View {
public:
    explicit SettingsView(AppContext&) {}
    const char* id() const override { return "settings"; }
    const char* title() const override { return N_("Settings"); }
    void draw(AppContext& ctx) override;

private:
    float m_pendingFontSize = 0;  // the slider's value while it is dragged; applied on release
};

}  // namespace kenes::app
