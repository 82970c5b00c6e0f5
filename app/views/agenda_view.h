// Agenda: event picker, one tab per day, sessions in time order with time, room and speakers;
// the running session highlighted and the next one marked; stars and the "my agenda" filter.
// UI thread only.
#pragma once

#include <string>
#include <vector>

#include "app/core/i18n.h"
#include "app/views/export_buttons.h"
#include "app/views/view.h"
#include "storage/model.h"

namespace kenes::app {

class AgendaView : public View {
public:
    explicit AgendaView(AppContext& ctx);
    const char* id() const override { return "agenda"; }
    const char* title() const override { return N_("Agenda"); }
    void draw(AppContext& ctx) override;

    // State exposed for tests.
    bool myAgendaOnly = false;
    bool deviceTime = false;  // show times in the device's zone instead of the event's
    const std::string& eventId() const { return m_eventId; }
    const std::vector<storage::AgendaDay>& days() const { return m_days; }
    const storage::NowNext& nowNext() const { return m_nowNext; }  // as of the last drawn minute
    void toggleStar(AppContext& ctx, const storage::SessionInfo& session);

private:
    void reload(AppContext& ctx);

    bool m_stale = true;
    std::string m_loadedLanguage, m_eventId, m_selectedDay;
    std::vector<storage::EventInfo> m_events;
    std::vector<storage::AgendaDay> m_days;
    storage::NowNext m_nowNext;
    int64_t m_nowNextAt = -1;
    ExportButtons m_exports;  // "Export my agenda (.ics)", "Session report"
};

}  // namespace kenes::app
