#include "app/views/sync_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "app/core/app_context.h"
#include "app/views/sync_indicator.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

using sync::SyncState;

SyncSummary asSummary(SyncState state) {
    switch (state) {
        case SyncState::Idle:
            return SyncSummary::Connecting;
        case SyncState::Syncing:
            return SyncSummary::Syncing;
        case SyncState::UpToDate:
            return SyncSummary::UpToDate;
        case SyncState::Offline:
            return SyncSummary::Offline;
        case SyncState::Error:
            return SyncSummary::Error;
        case SyncState::NeedsCredentials:
            return SyncSummary::NeedsCredentials;
    }
    return SyncSummary::Error;
}

const char* stateText(SyncState state) {
    switch (state) {
        case SyncState::Idle:
            return N_("Waiting");
        case SyncState::Syncing:
            return N_("Syncing…");
        case SyncState::UpToDate:
            return N_("Up to date");
        case SyncState::Offline:
            return N_("Offline");
        case SyncState::Error:
            return N_("Error");
        case SyncState::NeedsCredentials:
            return N_("Sign-in needed");
    }
    return "";
}

const char* databaseName(const sync::Subscription& sub) {
    if (sub.remoteDb == "library") return N_("Library");
    if (sub.remoteDb == "events") return N_("Agenda");
    if (sub.remoteDb.rfind("userdb-", 0) == 0) return N_("My notes, stars and tasks");
    return nullptr;
}

// "today, 10:32" or "25 июля 2019 г., 10:32" in the device's zone.
std::string formatInstant(std::chrono::system_clock::time_point when, const std::string& ui) {
    std::time_t t = std::chrono::system_clock::to_time_t(when), now = std::time(nullptr);
    std::tm local{}, today{};
    localtime_r(&t, &local);
    localtime_r(&now, &today);
    char date[16], clock[8];
    std::strftime(date, sizeof date, "%Y-%m-%d", &local);
    std::strftime(clock, sizeof clock, "%H:%M", &local);
    bool sameDay = local.tm_year == today.tm_year && local.tm_yday == today.tm_yday;
    return (sameDay ? std::string(tr("today")) : formatLongDate(date, ui)) + ", " + clock;
}

}  // namespace

SyncView::SyncView(AppContext&) {}

void SyncView::loadForm(AppContext& ctx) {
    const SyncConfig& c = ctx.sync().config();
    serverUrl = c.serverUrl;
    user = c.user;
    insecure = c.insecure;
    password.clear();
    m_formLoaded = true;
}

void SyncView::save(AppContext& ctx) {
    std::optional<std::string> newPassword;
    if (!password.empty()) newPassword = password;
    m_formError = ctx.sync().configure({serverUrl, user, insecure}, newPassword);
    m_saved = m_formError.empty();
    if (m_saved) loadForm(ctx);  // the saved values, normalised; the password field empties
}

void SyncView::drawForm(AppContext& ctx) {
    SyncService& service = ctx.sync();
    heading(tr("Server"));
    if (!service.configError().empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, stateColour(SyncSummary::Unreadable));
        ImGui::TextWrapped("%s", (std::string(tr("The saved sync settings could not be read:")) + " " +
                                  service.configError())
                                     .c_str());
        ImGui::PopStyleColor();
    }
    // Narrow windows (phones): each label above its field, the fields as wide as the window.
    const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 36;
    const float fieldWidth = narrow ? -1.0f : ImGui::GetFontSize() * 24;
    // `hidden`: the widget id alone ("###id"), for the narrow layout where the label is above.
    auto fieldLabel = [&](const char* msgid, const char* id, const char* hidden) -> std::string {
        if (!narrow) return label(msgid, id);
        ImGui::TextUnformatted(tr(msgid));
        return hidden;
    };
    bool edited = false;
    const std::string urlLabel = fieldLabel(N_("Server address"), "server-url", "###server-url");
    ImGui::SetNextItemWidth(fieldWidth);
    edited |= ImGui::InputTextWithHint(urlLabel.c_str(), "https://hub.local:6984", &serverUrl);
    const std::string userLabel = fieldLabel(N_("User name"), "server-user", "###server-user");
    ImGui::SetNextItemWidth(fieldWidth);
    edited |= ImGui::InputText(userLabel.c_str(), &user);
    const std::string passwordLabel = fieldLabel(N_("Password"), "server-password", "###server-password");
    ImGui::SetNextItemWidth(fieldWidth);
    const char* hint = service.hasPassword() ? tr("saved; type to replace") : "";
    edited |= ImGui::InputTextWithHint(passwordLabel.c_str(), hint, &password, ImGuiInputTextFlags_Password);
    // The checkbox's text wraps (it is long in Russian); clicking the text toggles it too.
    edited |= ImGui::Checkbox("###insecure", &insecure);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextWrapped("%s", tr("Accept any certificate (self-signed hubs only; insecure)"));
    if (ImGui::IsItemClicked()) {
        insecure = !insecure;
        edited = true;
    }
    if (edited) m_saved = false;
    if (ImGui::Button(label("Save and connect", "save").c_str())) save(ctx);
    if (service.configured()) {
        ImGui::SameLine();
        if (ImGui::Button(label("Forget this server", "forget").c_str())) {
            service.forget();
            loadForm(ctx);
            m_formError.clear();
            m_saved = false;
        }
    }
    if (!m_formError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, stateColour(SyncSummary::Error));
        ImGui::TextWrapped("%s", m_formError.c_str());
        ImGui::PopStyleColor();
    } else if (m_saved) {
        mutedText(tr("Saved. Syncing starts now and continues in the background."));
    }
    mutedText(tr("The password is kept in this device's data folder, readable only by your account."));
}

void SyncView::drawStatus(AppContext& ctx) {
    SyncService& service = ctx.sync();
    heading(tr("Status"));
    if (!service.configured()) {
        mutedText(tr("No server is set up. Enter the address of your organiser's hub above."));
        return;
    }
    const auto& status = service.status();
    SyncSummary summary = summarise(service);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(stateColour(summary), "%s", tr(summaryText(summary)));
    ImGui::SameLine();
    ImGui::BeginDisabled(!service.started());
    if (ImGui::Button(label("Sync now", "sync-now").c_str())) service.syncNow();
    ImGui::EndDisabled();
    if (!service.started()) {
        mutedText(tr("Syncing is not running."));
        return;
    }
    const std::string& ui = ctx.settings().uiLanguage;
    auto now = std::chrono::system_clock::now();
    bool countdown = false;
    for (const auto& s : status.subscriptions) {
        ImGui::PushID(s.subscription.localDb.c_str());
        ImGui::Separator();
        const char* name = databaseName(s.subscription);
        std::string direction =
            s.subscription.direction == sync::Direction::Pull ? tr("receive only") : tr("send and receive");
        heading(std::string(name ? tr(name) : s.subscription.remoteDb.c_str()) + " · " + direction);
        mutedText(s.remoteUrl);
        ImGui::TextColored(stateColour(asSummary(s.state)), "%s", tr(stateText(s.state)));
        if (s.lastSuccess) {
            ImGui::SameLine();
            mutedText(std::string(tr("Last synced:")) + " " + formatInstant(*s.lastSuccess, ui));
        } else if (s.state != SyncState::Syncing) {
            ImGui::SameLine();
            mutedText(tr("Not synced yet."));
        }
        if (s.state == SyncState::Syncing) {
            float fraction = 0;
            if (s.pending) {
                double done = static_cast<double>(s.docsRead), left = static_cast<double>(*s.pending);
                fraction = done + left > 0 ? static_cast<float>(done / (done + left)) : 1.0f;
            }
            std::string counts =
                trn("%d document copied", "%d documents copied", static_cast<long>(s.docsWritten));
            if (s.pending)
                counts += ", " + trn("%d change left", "%d changes left", static_cast<long>(*s.pending));
            ImGui::ProgressBar(
                fraction, ImVec2(std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 26), 0),
                counts.c_str());
        } else if (s.docsWritten > 0 || s.docFailures > 0) {
            std::string counts =
                trn("%d document copied", "%d documents copied", static_cast<long>(s.docsWritten));
            if (s.docFailures > 0)
                counts += ", " + trn("%d document refused", "%d documents refused",
                                     static_cast<long>(s.docFailures));
            mutedText(counts);
        }
        if (!s.error.empty() && s.state != SyncState::Syncing) {
            std::string text;
            if (s.state == SyncState::NeedsCredentials) {
                text =
                    std::string(tr(
                        "The server did not accept the user name or password; enter them above and save.")) +
                    "\n";
            } else if (s.state == SyncState::Offline) {
                text = std::string(tr(
                           "The server cannot be reached. Your changes are kept and sent when it is back.")) +
                       "\n";
            }
            text += std::string(tr("Server's answer:")) + " " + s.error;
            ImGui::PushStyleColor(ImGuiCol_Text, stateColour(asSummary(s.state)));
            ImGui::TextWrapped("%s", text.c_str());
            ImGui::PopStyleColor();
        }
        if (s.nextAttempt && s.state != SyncState::UpToDate && s.state != SyncState::Syncing) {
            auto left = std::chrono::duration_cast<std::chrono::seconds>(*s.nextAttempt - now).count();
            if (left > 0) {
                mutedText(trn("Next try in %d second", "Next try in %d seconds", static_cast<long>(left)));
                countdown = true;
            }
        }
        ImGui::PopID();
    }
    if (countdown) ctx.requestWakeAt(std::chrono::steady_clock::now() + std::chrono::seconds(1));
}

void SyncView::draw(AppContext& ctx) {
    if (!m_formLoaded) loadForm(ctx);
    drawForm(ctx);
    ImGui::Spacing();
    drawStatus(ctx);
}

}  // namespace kenes::app
