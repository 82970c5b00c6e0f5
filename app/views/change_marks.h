// Drawing of "changes since you last looked" (app/core/session_changes.h): the banner above the
// agenda (how many sessions changed, starred sessions that moved, were cancelled or removed,
// "mark all seen"), the tag on a changed agenda row, and the note in the session view saying
// what changed. UI thread only; call between ImGui::NewFrame and ImGui::Render.
#pragma once

#include <string>

namespace kenes::app {

class AppContext;

// Counts the changes of the event shown (`eventId`) and, apart, those of other events. Nothing is
// drawn when nothing changed.
void drawChangesBanner(AppContext& ctx, const std::string& eventId);
// On the same line as the last item: "Time changed", "Room changed", ... with the old values in a
// tooltip. Nothing when the session has no unseen change.
void drawChangeTag(AppContext& ctx, const std::string& sessionId);
// Under the session's heading: what changed since it was last seen (also right after opening it).
void drawSessionChangeNote(AppContext& ctx, const std::string& sessionId);

}  // namespace kenes::app
