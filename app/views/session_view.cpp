#include "app/views/session_view.h"

#include <imgui.h>

#include "app/core/app_context.h"
#include "app/views/change_marks.h"
#include "app/views/widgets.h"

namespace kenes::app {

SessionView::SessionView(AppContext& ctx) {
    ctx.bus().subscribe<OpenSession>([this, &ctx](const OpenSession& e) {
        m_sessionId = e.sessionId;
        m_stale = true;
        ctx.bus().post(ShowView{"session"});
    });
    ctx.bus().subscribe<DataChanged>([this](const DataChanged&) { m_stale = true; });
}

void SessionView::reload(AppContext& ctx) {
    const std::string& lang = ctx.settings().contentLanguage;
    if (m_sessionId.empty()) {
        // Nothing chosen yet: the first session of the newest event.
        auto events = ctx.model().events(lang);
        if (!events.empty()) {
            auto days = ctx.model().agenda(events.front().id, lang);
            if (!days.empty() && !days.front().sessions.empty())
                m_sessionId = days.front().sessions.front().id;
        }
    }
    m_session =
        m_sessionId.empty() ? std::nullopt : ctx.model().session(m_sessionId, lang, ctx.userDatabaseName());
    m_notes = m_sessionId.empty() ? std::vector<storage::NoteInfo>{}
                                  : ctx.model().notesOfSession(ctx.userDatabaseName(), m_sessionId);
    // Link labels: "C087 — title" or "C087, Art. 2 — heading", resolved once per load.
    m_links.clear();
    if (m_session) {
        for (auto& link : m_session->standards) {
            Link l;
            l.standardId = link.substr(0, link.find('#'));
            if (auto hash = link.find('#'); hash != std::string::npos) l.articleId = link.substr(hash + 1);
            l.text = l.standardId.substr(l.standardId.find(':') + 1);
            if (auto standard = ctx.model().standard(l.standardId, lang)) {
                l.text = standard->code.empty() ? l.text : standard->code;
                const storage::ArticleInfo* article = nullptr;
                for (auto& a : standard->articles)
                    if (a.id == l.articleId) article = &a;
                if (article) {
                    l.text += std::string(", ") + tr("Art.") + " " + article->number;
                    if (!article->heading.empty()) l.text += " — " + article->heading;
                } else {
                    l.text += " — " + (standard->shortTitle.empty() ? standard->title : standard->shortTitle);
                }
            }
            m_links.push_back(std::move(l));
        }
    }
    m_loadedLanguage = lang;
    m_stale = false;
}

void SessionView::draw(AppContext& ctx) {
    if (m_stale || m_loadedLanguage != ctx.settings().contentLanguage) reload(ctx);
    if (ImGui::Button(label("‹ Agenda", "back").c_str())) ctx.bus().post(ShowView{"agenda"});
    if (!m_session) {
        mutedText(tr("Choose a session in the agenda."));
        return;
    }
    const auto& s = *m_session;
    const std::string& ui = ctx.settings().uiLanguage;
    heading(s.title);
    std::string when = formatLongDate(s.day, ui) + ", " + clockTime(s.start) + "–" + clockTime(s.end);
    if (!s.room.empty()) when += " · " + s.room;
    mutedText(when);
    if (s.cancelled) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", tr("This session is cancelled."));
    drawSessionChangeNote(ctx, s.id);
    ImGui::Spacing();
    if (!s.speakers.empty()) {
        heading(tr("Speakers"));
        for (auto& sp : s.speakers) {
            std::string line = sp.name.empty() ? sp.id : sp.name;
            if (!sp.role.empty()) line += " — " + sp.role;
            if (!sp.organisation.empty()) line += ", " + sp.organisation;
            ImGui::Bullet();
            ImGui::TextWrapped("%s", line.c_str());  // long roles wrap, in narrow windows too
        }
        ImGui::Spacing();
    }
    if (!s.abstract.empty()) {
        heading(tr("Abstract"));
        ImGui::TextWrapped("%s", s.abstract.c_str());
        ImGui::Spacing();
    }
    if (!s.standards.empty()) {
        heading(tr("Linked standards"));
        for (size_t i = 0; i < s.standards.size() && i < m_links.size(); ++i) {
            const auto& link = m_links[i];
            std::string text =
                ctx.layout().compact ? wrapToWidth(link.text, ImGui::GetContentRegionAvail().x) : link.text;
            if (ImGui::Selectable((text + "###" + s.standards[i]).c_str()))
                ctx.bus().post(OpenStandard{link.standardId, link.articleId});
        }
        ImGui::Spacing();
    }
    heading(trn("%d note", "%d notes", static_cast<long>(m_notes.size())));
    if (ImGui::Button(label("New note", "new-note").c_str())) ctx.bus().post(OpenNote{"", s.event, s.id});
    for (auto& n : m_notes) {
        std::string title = n.title.empty() ? std::string(tr("Untitled note")) : n.title;
        if (ImGui::Selectable((title + "###" + n.id).c_str())) ctx.bus().post(OpenNote{n.id, "", ""});
    }
}

}  // namespace kenes::app
