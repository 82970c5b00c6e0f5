// The export buttons of a view ("Export my agenda (.ics)", "Session report", "Export notes
// (Markdown)") and the line that reports where the file went or what failed. The export runs off
// the UI thread (app/core/export_service.h). One object per view; UI thread only.
#pragma once

#include <memory>
#include <string>

#include "app/core/export_service.h"

namespace kenes::app {

class AppContext;

class ExportButtons {
public:
    ExportButtons();
    ~ExportButtons();
    // The agenda's buttons for the event shown.
    void drawAgenda(AppContext& ctx, const std::string& eventId);
    // The notes list's button.
    void drawNotes(AppContext& ctx);

    // For tests: what the buttons do, and the last message shown.
    bool start(AppContext& ctx, ExportKind kind, const std::string& eventId);
    ExportService& service(AppContext& ctx);
    const std::string& message() const { return m_message; }
    bool failed() const { return m_failed; }

private:
    void drawStatus(AppContext& ctx);

    std::unique_ptr<ExportService> m_service;
    std::string m_message;
    bool m_failed = false;
};

}  // namespace kenes::app
