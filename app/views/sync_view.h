// Sync: the server form (address, user name, password, "accept any certificate", save and
// connect, forget), then one block per subscription (library, agenda, the user's own notes) with
// its direction, state, a progress bar and counts while syncing, the last successful sync, the
// next attempt and the server's reason for an error; "Sync now". Opened from the status
// indicator in the navigation bar. Reads SyncService's snapshot; never waits on the network.
// UI thread only.
#pragma once

#include <string>

#include "app/core/i18n.h"
#include "app/views/view.h"

namespace kenes::app {

class SyncView : public View {
public:
    explicit SyncView(AppContext& ctx);
    const char* id() const override { return "sync"; }
    const char* title() const override { return N_("Sync"); }
    bool inNavigation() const override { return false; }
    void draw(AppContext& ctx) override;

    // The form as typed (tests fill it as a person would, then call save()).
    std::string serverUrl, user, password;
    bool insecure = false;
    // Saves the form into the SyncService; the error (or "") is kept for display.
    void save(AppContext& ctx);
    const std::string& formError() const { return m_formError; }

private:
    void loadForm(AppContext& ctx);
    void drawForm(AppContext& ctx);
    void drawStatus(AppContext& ctx);

    bool m_formLoaded = false;
    std::string m_formError;
    bool m_saved = false;
};

}  // namespace kenes::app
