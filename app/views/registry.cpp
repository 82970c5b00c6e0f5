// The registration list of the desktop app's views, in navigation order.
#include <stdexcept>
#include <string>

#include "app/views/agenda_view.h"
#include "app/views/library_view.h"
#include "app/views/merge_view.h"
#include "app/views/notes_view.h"
#include "app/views/reader_view.h"
#include "app/views/session_view.h"
#include "app/views/settings_view.h"
#include "app/views/sync_view.h"
#include "app/views/workplan_view.h"

namespace kenes::app {

namespace {

template <typename V>
std::unique_ptr<View> make(AppContext& ctx) {
    return std::make_unique<V>(ctx);
}

struct Registration {
    const char* id;  // the view's id(), so the list can be read without creating the views
    std::unique_ptr<View> (*create)(AppContext&);
};

// Add a view here: {"its-id", make<ItsView>}.
const Registration kViews[] = {
    {"agenda", make<AgendaView>},     {"session", make<SessionView>},   {"library", make<LibraryView>},
    {"reader", make<ReaderView>},     {"notes", make<NotesView>},       {"merge", make<MergeView>},
    {"workplan", make<WorkplanView>}, {"settings", make<SettingsView>}, {"sync", make<SyncView>},
};

}  // namespace

ViewList createViews(AppContext& ctx) {
    ViewList views;
    for (const auto& r : kViews) {
        views.push_back(r.create(ctx));
        if (views.back()->id() != std::string(r.id))
            throw std::logic_error(std::string("view registered as '") + r.id + "' reports id '" +
                                   views.back()->id() + "'");
    }
    return views;
}

std::vector<std::string> viewIds() {
    std::vector<std::string> ids;
    for (const auto& r : kViews) ids.push_back(r.id);
    return ids;
}

}  // namespace kenes::app
