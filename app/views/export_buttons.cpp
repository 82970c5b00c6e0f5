#include "app/views/export_buttons.h"

#include <imgui.h>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/views/widgets.h"

namespace kenes::app {

ExportButtons::ExportButtons() = default;
ExportButtons::~ExportButtons() = default;

ExportService& ExportButtons::service(AppContext& ctx) {
    if (!m_service)
        m_service = std::make_unique<ExportService>(ctx.store(), userNameOfDatabase(ctx.userDatabaseName()),
                                                    ctx.bus(), defaultExportFolder(ctx.dataDir()));
    return *m_service;
}

bool ExportButtons::start(AppContext& ctx, ExportKind kind, const std::string& eventId) {
    if (!service(ctx).start(kind, eventId, ctx.settings().contentLanguage, ctx.now())) return false;
    m_failed = false;
    m_message = tr("Exporting…");
    return true;
}

void ExportButtons::drawStatus(AppContext& ctx) {
    if (m_service) {
        if (auto o = m_service->poll()) {
            m_failed = !o->ok;
            if (!o->ok) {
                m_message = std::string(tr("Export failed:")) + " " + o->error;
            } else if (o->kind == ExportKind::Agenda) {
                m_message = trn("%d starred session exported to", "%d starred sessions exported to",
                                static_cast<long>(o->count)) +
                            " " + o->path.string();
                if (o->count == 0) m_message += " " + std::string(tr("(star sessions to fill your agenda)"));
            } else if (o->kind == ExportKind::Notes) {
                m_message = trn("%d note exported to", "%d notes exported to", static_cast<long>(o->count)) +
                            " " + o->path.string();
            } else {
                m_message =
                    std::string(tr("Report written:")) + " " + o->path.string() + ", " + o->htmlPath.string();
            }
        }
    }
    (void)ctx;
    if (m_message.empty()) return;
    if (m_failed) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", m_message.c_str());
        ImGui::PopTextWrapPos();
    } else {
        mutedText(m_message);
    }
}

void ExportButtons::drawAgenda(AppContext& ctx, const std::string& eventId) {
    const bool busy = m_service && m_service->running();
    ImGui::BeginDisabled(busy || eventId.empty());
    if (ImGui::SmallButton(label("Export my agenda (.ics)", "export-ics").c_str()))
        start(ctx, ExportKind::Agenda, eventId);
    ImGui::SameLine();
    if (ImGui::SmallButton(label("Session report", "export-report").c_str()))
        start(ctx, ExportKind::Report, eventId);
    ImGui::EndDisabled();
    drawStatus(ctx);
}

void ExportButtons::drawNotes(AppContext& ctx) {
    ImGui::BeginDisabled(m_service && m_service->running());
    if (ImGui::SmallButton(label("Export notes (Markdown)", "export-notes").c_str()))
        start(ctx, ExportKind::Notes, "");
    ImGui::EndDisabled();
    drawStatus(ctx);
}

}  // namespace kenes::app
