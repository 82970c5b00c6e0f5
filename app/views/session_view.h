// Session: title, time and room, speakers (role, organisation), abstract, linked standards (open
// the reader there), this session's notes and "new note" (opens the editor linked to it).
// Opened through the OpenSession event. UI thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/core/i18n.h"
#include "app/views/view.h"
#include "storage/model.h"

namespace kenes::app {

class SessionView : public View {
public:
    explicit SessionView(AppContext& ctx);
    const char* id() const override { return "session"; }
    const char* title() const override { return N_("Session"); }
    bool inNavigation() const override { return false; }
    void draw(AppContext& ctx) override;

    const std::string& sessionId() const { return m_sessionId; }

private:
    void reload(AppContext& ctx);

    std::string m_sessionId, m_loadedLanguage;
    bool m_stale = true;
    std::optional<storage::SessionInfo> m_session;
    std::vector<storage::NoteInfo> m_notes;
    struct Link {
        std::string standardId, articleId, text;
    };
    std::vector<Link> m_links;  // one per m_session->standards entry
};

}  // namespace kenes::app
