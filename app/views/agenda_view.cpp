#include "app/views/agenda_view.h"

#include <imgui.h>

#include <chrono>
#include <ctime>
#include <utility>

#include "app/core/app_context.h"
#include "app/core/i18n.h"
#include "app/views/change_marks.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

// "HH:MM" of an instant in the device's zone, and the zone's abbreviation.
std::string deviceClock(int64_t utc, std::string* zone = nullptr) {
    std::time_t t = static_cast<std::time_t>(utc);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M", &tm);
    if (zone) *zone = tm.tm_zone ? tm.tm_zone : "";
    return buf;
}

// Running and next sessions at `now` as Model::nowNext answers them (cancelled sessions left
// out), taken from the agenda already loaded instead of querying the event's sessions again.
storage::NowNext nowNextOf(const std::vector<storage::AgendaDay>& days, int64_t now) {
    storage::NowNext out;
    for (auto& day : days)
        for (auto& s : day.sessions) {
            if (s.cancelled) continue;
            if (s.startUtc <= now && now < s.endUtc)
                out.now.push_back(s);
            else if (s.startUtc > now && (!out.next || s.startUtc < out.next->startUtc))
                out.next = s;
        }
    return out;
}

// Days with more sessions than this draw only the rows in view (ImGuiListClipper).
constexpr size_t kClippedRows = 200;

}  // namespace

AgendaView::AgendaView(AppContext& ctx) {
    ctx.bus().subscribe<DataChanged>([this](const DataChanged&) { m_stale = true; });
}

AgendaView::Loaded AgendaView::load(const storage::Model& model, const std::string& eventId,
                                    const std::string& lang, const std::string& userDatabase) {
    Loaded out;
    out.events = model.events(lang);
    out.eventId = eventId;
    bool found = false;
    for (auto& e : out.events) found = found || e.id == out.eventId;
    if (!found) out.eventId = out.events.empty() ? "" : out.events.front().id;
    if (!out.eventId.empty()) out.days = model.agenda(out.eventId, lang, userDatabase);
    return out;
}

void AgendaView::apply(Loaded loaded, const std::string& lang) {
    m_events = std::move(loaded.events);
    m_eventId = std::move(loaded.eventId);
    m_days = std::move(loaded.days);
    m_loadedLanguage = lang;
    m_nowNextAt = -1;
}

void AgendaView::reload(AppContext& ctx) {
    const std::string& lang = ctx.settings().contentLanguage;
    apply(load(ctx.model(), m_eventId, lang, ctx.userDatabaseName()), lang);
    m_stale = false;
}

void AgendaView::loadInBackground(AppContext& ctx, std::shared_future<void> startAfter) {
    if (m_pending.valid()) return;
    m_pendingLanguage = ctx.settings().contentLanguage;
    const storage::Model* model = &ctx.model();
    EventBus* bus = &ctx.bus();
    m_pending = std::async(std::launch::async, [model, bus, eventId = m_eventId, lang = m_pendingLanguage,
                                                user = ctx.userDatabaseName(), startAfter] {
        if (startAfter.valid()) startAfter.wait();
        Loaded loaded;
        try {
            loaded = load(*model, eventId, lang, user);
        } catch (const std::exception&) {
            // Left empty: the next draw loads in place and shows the error's effect as usual.
        }
        bus->postFromAnyThread(BackgroundResult{});  // wakes the loop so the agenda is drawn at once
        return loaded;
    });
    m_stale = false;  // a change from now on marks the background result stale in turn
}

void AgendaView::toggleStar(AppContext& ctx, const storage::SessionInfo& session) {
    if (session.starred) {
        storage::unstarSession(ctx.userDatabase(), session.id);
    } else {
        storage::starSession(ctx.userDatabase(), session.id, session.event);
    }
    ctx.bus().post(DataChanged{});
}

void AgendaView::draw(AppContext& ctx) {
    if (m_pending.valid()) {
        if (m_pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            mutedText(tr("Loading…"));
            // The loader wakes the loop when it is done; this is only a fallback.
            ctx.requestWakeAt(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
            return;
        }
        Loaded loaded = m_pending.get();
        if (loaded.events.empty()) m_stale = true;  // nothing or a failure: load in place once
        apply(std::move(loaded), m_pendingLanguage);
    }
    if (m_stale || m_loadedLanguage != ctx.settings().contentLanguage) reload(ctx);
    if (m_events.empty()) {
        mutedText(tr("No events yet. Import a programme or sync with your organiser's hub."));
        return;
    }
    const storage::EventInfo* current = nullptr;
    for (auto& e : m_events)
        if (e.id == m_eventId) current = &e;

    // Compact (phones, narrow windows): the event picker takes the whole width, the filters go
    // on the next line.
    const bool compact = ctx.layout().compact;
    ImGui::SetNextItemWidth(compact ? -1.0f : ImGui::GetContentRegionAvail().x * 0.55f);
    if (ImGui::BeginCombo(compact ? "###event" : label("Event", "event").c_str(),
                          current ? current->title.c_str() : "")) {
        for (auto& e : m_events) {
            if (ImGui::Selectable((e.title + "###" + e.id).c_str(), e.id == m_eventId)) {
                m_eventId = e.id;
                m_selectedDay.clear();
                m_stale = true;
            }
        }
        ImGui::EndCombo();
    }
    // The filters follow on the same line while they fit.
    auto checkboxWidth = [](const std::string& text) {
        return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
               ImGui::CalcTextSize(text.c_str(), nullptr, true).x;
    };
    const std::string myAgendaLabel = label("My agenda", "my-agenda");
    if (!compact) sameLineIfFits(checkboxWidth(myAgendaLabel));
    ImGui::Checkbox(myAgendaLabel.c_str(), &myAgendaOnly);
    std::string deviceZone;
    deviceClock(ctx.now(), &deviceZone);
    const std::string deviceLabel = std::string(tr("Device time")) + " (" + deviceZone + ")###device-time";
    sameLineIfFits(checkboxWidth(deviceLabel));
    ImGui::Checkbox(deviceLabel.c_str(), &deviceTime);
    if (current) {
        std::string where = current->venue.empty() || current->venue == current->city
                                ? current->city
                                : current->venue + ", " + current->city;
        std::string zoneNote =
            deviceTime ? std::string(tr("times in this device's zone")) + " (" + deviceZone + ")"
                       : std::string(tr("times in the event's zone")) + " (" + current->timezone + ")";
        mutedText(formatLongDate(current->startDate, ctx.settings().uiLanguage) + " – " +
                  formatLongDate(current->endDate, ctx.settings().uiLanguage) + " · " + where + " · " +
                  zoneNote);
    }
    drawChangesBanner(ctx, m_eventId);

    m_exports.drawAgenda(ctx, m_eventId);

    // Now/next is recomputed once a minute; the shell is asked to wake for it.
    int64_t now = ctx.now();
    if (m_nowNextAt < 0 || now / 60 != m_nowNextAt / 60) {
        m_nowNext = nowNextOf(m_days, now);
        m_nowNextAt = now;
    }
    ctx.requestWakeAt(std::chrono::steady_clock::now() + std::chrono::seconds(60 - now % 60));
    auto isNow = [&](const std::string& id) {
        for (auto& s : m_nowNext.now)
            if (s.id == id) return true;
        return false;
    };
    std::string today = ctx.model().localDate(m_eventId, now);

    if (!ImGui::BeginTabBar("###days", compact ? ImGuiTabBarFlags_FittingPolicyScroll : 0)) return;
    for (auto& day : m_days) {
        ImGuiTabItemFlags flags = 0;
        if (m_selectedDay.empty() && day.date == today) flags = ImGuiTabItemFlags_SetSelected;
        if (!ImGui::BeginTabItem(
                (formatDayTab(day.date, ctx.settings().uiLanguage) + "###" + day.date).c_str(), nullptr,
                flags))
            continue;
        m_selectedDay = day.date;
        size_t shown = 0;
        // Compact: the room and speakers move under the title, rows are touch-sized.
        if (ImGui::BeginTable(compact ? "###sessions-compact" : "###sessions", compact ? 3 : 5,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn(label("Star", "c-star").c_str(), ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn(label("Time", "c-time").c_str(), ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn(label("Session", "c-session").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                    3.0f);
            if (!compact) {
                ImGui::TableSetupColumn(label("Room", "c-room").c_str(), ImGuiTableColumnFlags_WidthStretch,
                                        1.0f);
                ImGui::TableSetupColumn(label("Speakers", "c-speakers").c_str(),
                                        ImGuiTableColumnFlags_WidthStretch, 1.6f);
            }
            ImGui::TableHeadersRow();
            // Only the rows in view are drawn (ImGuiListClipper): a day of thousands of sessions
            // costs what a screenful does.
            std::vector<const storage::SessionInfo*> rows;
            for (auto& s : day.sessions)
                if (!myAgendaOnly || s.starred) rows.push_back(&s);
            shown = rows.size();
            // Rows differ in height (wrapped titles and speakers), which the clipper cannot allow for:
            // it is used only for days so long that drawing every row would cost a frame's budget;
            // other days are drawn whole, in one pass.
            const bool clipped = rows.size() > kClippedRows;
            ImGuiListClipper clipper;
            if (clipped) clipper.Begin(static_cast<int>(rows.size()));
            bool onePass = !clipped;
            while (clipped ? clipper.Step() : std::exchange(onePass, false)) {
                const int first = clipped ? clipper.DisplayStart : 0;
                const int end = clipped ? clipper.DisplayEnd : static_cast<int>(rows.size());
                for (int row = first; row < end; ++row) {
                    const storage::SessionInfo& s = *rows[static_cast<size_t>(row)];
                    ImGui::PushID(s.id.c_str());
                    ImGui::TableNextRow(0, ctx.layout().touchHeight());
                    bool running = isNow(s.id);
                    bool next = m_nowNext.next && m_nowNext.next->id == s.id;
                    if (running)
                        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(40, 110, 60, 160));
                    ImGui::TableNextColumn();
                    bool starred = s.starred;
                    if (ImGui::Checkbox("###star", &starred)) toggleStar(ctx, s);
                    if (ImGui::IsItemHovered())
                        ImGui::SetTooltip("%s",
                                          s.starred ? tr("Remove from my agenda") : tr("Add to my agenda"));
                    ImGui::TableNextColumn();
                    if (deviceTime) {
                        ImGui::Text("%s–%s", deviceClock(s.startUtc).c_str(), deviceClock(s.endUtc).c_str());
                    } else {
                        ImGui::Text("%s–%s", clockTime(s.start).c_str(), clockTime(s.end).c_str());
                    }
                    ImGui::TableNextColumn();
                    std::string title = s.title;
                    if (s.cancelled) title = std::string(tr("Cancelled")) + ": " + title;
                    // Selectables do not wrap: break the title into lines that leave room for the marker.
                    const float marker = running || next
                                             ? ImGui::CalcTextSize(tr(running ? "Now" : "Next")).x +
                                                   ImGui::GetStyle().ItemSpacing.x
                                             : 0;
                    title = wrapToWidth(title, ImGui::GetContentRegionAvail().x - marker);
                    if (ImGui::Selectable((title + "###open").c_str(), false,
                                          ImGuiSelectableFlags_AllowItemOverlap))
                        ctx.bus().post(OpenSession{s.id});
                    if (running) {
                        ImGui::SameLine();
                        ImGui::TextColored(ImVec4(0.4f, 0.95f, 0.5f, 1), "%s", tr("Now"));
                    } else if (next) {
                        ImGui::SameLine();
                        ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.2f, 1), "%s", tr("Next"));
                    }
                    drawChangeTag(ctx, s.id);
                    std::string speakers;
                    for (auto& sp : s.speakers)
                        speakers += (speakers.empty() ? "" : ", ") + (sp.name.empty() ? sp.id : sp.name);
                    if (compact) {
                        std::string details = s.room;
                        if (!speakers.empty()) details += (details.empty() ? "" : " · ") + speakers;
                        if (!details.empty()) mutedText(details);
                    } else {
                        ImGui::TableNextColumn();
                        ImGui::TextWrapped("%s", s.room.c_str());
                        ImGui::TableNextColumn();
                        ImGui::TextWrapped("%s", speakers.c_str());
                    }
                    ImGui::PopID();
                }
            }
            ImGui::EndTable();
        }
        if (shown == 0)
            mutedText(myAgendaOnly ? tr("No starred sessions on this day.") : tr("No sessions on this day."));
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

}  // namespace kenes::app
