// The registration list of the desktop app's views, in navigation order.
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

ViewList createViews(AppContext& ctx) {
    ViewList views;
    views.push_back(std::make_unique<AgendaView>(ctx));
    views.push_back(std::make_unique<SessionView>(ctx));
    views.push_back(std::make_unique<LibraryView>(ctx));
    views.push_back(std::make_unique<ReaderView>(ctx));
    views.push_back(std::make_unique<NotesView>(ctx));
    views.push_back(std::make_unique<MergeView>(ctx));
    views.push_back(std::make_unique<WorkplanView>(ctx));
    views.push_back(std::make_unique<SettingsView>(ctx));
    views.push_back(std::make_unique<SyncView>(ctx));
    return views;
}

}  // namespace kenes::app
