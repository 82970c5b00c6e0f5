// Agenda: event picker, one tab per day, sessions in time order with time, room and speakers;
// the running session highlighted and the next one marked; stars and the "my agenda" filter.
// UI thread only.
#pragma once

#include <future>
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
    // Starts reading the events and the agenda on a background thread (the app calls it at start,
    // so its first frame does not wait for a large programme); draw() shows a "Loading…" line
    // until the result arrives, and the bus is woken then. Without it, draw() loads in place.
    // With `startAfter`, the reading begins only once that future is ready (the app lets its first
    // frame reach the screen first; a broken promise releases it too).
    void loadInBackground(AppContext& ctx, std::shared_future<void> startAfter = {});
    bool loading() const { return m_pending.valid(); }

private:
    struct Loaded {
        std::vector<storage::EventInfo> events;
        std::string eventId;
        std::vector<storage::AgendaDay> days;
    };
    static Loaded load(const storage::Model& model, const std::string& eventId, const std::string& lang,
                       const std::string& userDatabase);
    void apply(Loaded loaded, const std::string& lang);
    void reload(AppContext& ctx);

    bool m_stale = true;
    std::string m_loadedLanguage, m_eventId, m_selectedDay;
    std::vector<storage::EventInfo> m_events;
    std::vector<storage::AgendaDay> m_days;
    storage::NowNext m_nowNext;
    int64_t m_nowNextAt = -1;
    ExportButtons m_exports;        // "Export my agenda (.ics)", "Session report"
    std::future<Loaded> m_pending;  // loadInBackground's result
    std::string m_pendingLanguage;
};

}  // namespace kenes::app
