// The small sync status indicator drawn at the end of the navigation bar in every view: a
// coloured dot and one or two words (synced, syncing, offline, sign-in needed, error, not set up),
// details in a tooltip; a click opens the Sync view. UI thread only.
#pragma once

#include <imgui.h>

namespace kenes::app {

class AppContext;
class SyncService;

// The one state the indicator shows for all subscriptions together.
enum class SyncSummary {
    NotConfigured,
    Unreadable,
    Connecting,
    Syncing,
    UpToDate,
    Offline,
    NeedsCredentials,
    Error
};

SyncSummary summarise(const SyncService& service);
// English msgid of the summary ("Synced", "Offline", ...).
const char* summaryText(SyncSummary summary);
// Text colour for a state, readable on the dark and the light theme.
ImVec4 stateColour(SyncSummary summary);

// Right-aligned on the current line; call before the navigation bar's NewLine().
void drawSyncIndicator(AppContext& ctx);

}  // namespace kenes::app
