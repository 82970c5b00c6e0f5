#include "app/views/library_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/core/app_context.h"
#include "app/views/widgets.h"

namespace kenes::app {

LibraryView::LibraryView(AppContext&) {}

LibraryView::~LibraryView() {
    if (m_pending.valid()) m_pending.wait();
}

void LibraryView::setQuery(AppContext& ctx, const std::string& query) {
    m_query = query;
    startSearch(ctx);
}

void LibraryView::startSearch(AppContext& ctx) {
    if (m_pending.valid()) {
        m_rerun = true;  // one search at a time; the latest text runs when this one ends
        return;
    }
    m_rerun = false;
    m_pendingQuery = m_query;
    storage::SearchOptions options;
    options.language = ctx.settings().contentLanguage;
    options.userDatabase = ctx.userDatabaseName();
    const storage::Model* model = &ctx.model();
    EventBus* bus = &ctx.bus();
    m_pending = std::async(std::launch::async, [model, bus, query = m_query, options] {
        storage::SearchResults r;
        try {
            r = model->search(query, options);
        } catch (const std::exception&) {
            // A failed search shows no results; the text stays in the box.
        }
        bus->postFromAnyThread(BackgroundResult{});  // wakes the loop so the answer is drawn at once
        return r;
    });
}

void LibraryView::pollSearch(AppContext& ctx) {
    if (!m_pending.valid()) return;
    if (m_pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        ctx.requestWakeAt(std::chrono::steady_clock::now() + std::chrono::milliseconds(30));
        return;
    }
    m_results = m_pending.get();
    m_shownQuery = m_pendingQuery;
    if (m_rerun || m_shownQuery != m_query) startSearch(ctx);
}

void LibraryView::draw(AppContext& ctx) {
    const std::string& lang = ctx.settings().contentLanguage;
    if (m_loadedLanguage != lang) {
        m_standards = ctx.model().standards(lang);
        std::stable_sort(m_standards.begin(), m_standards.end(),
                         [](const auto& a, const auto& b) { return a.fundamental && !b.fundamental; });
        m_loadedLanguage = lang;
        if (!m_query.empty()) startSearch(ctx);
    }
    pollSearch(ctx);

    ImGui::SetNextItemWidth(-1);
    std::string hint = tr("Search standards, sessions and notes");
    if (ImGui::InputTextWithHint("###search", hint.c_str(), &m_query)) startSearch(ctx);
    ImGui::Spacing();

    const bool compact = ctx.layout().compact;
    ImGui::BeginChild("###library-list");
    if (!m_query.empty() && !m_shownQuery.empty()) {
        if (m_results.total() == 0 && !searching())
            mutedText(tr("Nothing found. Try fewer or shorter words."));
        for (auto& group : m_results.groups) {
            const char* kind = group.kind == "article"    ? tr("Articles")
                               : group.kind == "standard" ? tr("Standards")
                               : group.kind == "session"  ? tr("Sessions")
                                                          : tr("Notes");
            heading(std::string(kind) + " (" + std::to_string(group.hits.size()) + ")");
            for (auto& hit : group.hits) {
                ImGui::PushID(hit.target.c_str());
                std::string hitLabel =
                    compact ? wrapToWidth(hit.label, ImGui::GetContentRegionAvail().x) : hit.label;
                if (ImGui::Selectable((hitLabel + "###hit").c_str())) {
                    if (hit.target.rfind("std:", 0) == 0) {
                        auto hash = hit.target.find('#');
                        ctx.bus().post(
                            OpenStandard{hit.target.substr(0, hash),
                                         hash == std::string::npos ? "" : hit.target.substr(hash + 1)});
                    } else if (hit.target.rfind("session:", 0) == 0) {
                        ctx.bus().post(OpenSession{hit.target});
                    } else if (hit.target.rfind("note:", 0) == 0) {
                        ctx.bus().post(OpenNote{hit.target, "", ""});
                    }
                }
                ImGui::Indent();
                snippetText(hit.snippet);
                ImGui::Unindent();
                ImGui::PopID();
            }
            ImGui::Spacing();
        }
    } else {
        heading(trn("%d standard", "%d standards", static_cast<long>(m_standards.size())));
        for (auto& s : m_standards) {
            ImGui::PushID(s.id.c_str());
            std::string line = s.code + "  " + (s.shortTitle.empty() ? s.title : s.shortTitle);
            // The labels follow the title, or go under it inside the row in the compact layout.
            const bool tagged = s.fundamental || s.textKind == "summary";
            ImVec2 rowStart = ImGui::GetCursorPos();
            ImVec2 rowSize(0, 0);
            if (compact) {
                line = wrapToWidth(line, ImGui::GetContentRegionAvail().x);
                rowSize.y = ImGui::CalcTextSize(line.c_str()).y +
                            (tagged ? ImGui::GetTextLineHeight() + 2 * ctx.layout().scale : 0);
            }
            if (ImGui::Selectable((line + "###std").c_str(), false, ImGuiSelectableFlags_AllowItemOverlap,
                                  rowSize))
                ctx.bus().post(OpenStandard{s.id, ""});
            if (compact && tagged)
                ImGui::SetCursorPos(ImVec2(rowStart.x, rowStart.y + rowSize.y - ImGui::GetTextLineHeight()));
            bool first = true;
            auto tag = [&](const char* text, const ImVec4& colour) {
                if (!compact || !first) ImGui::SameLine();
                first = false;
                ImGui::TextColored(colour, "%s", text);
            };
            if (s.fundamental) tag(tr("fundamental"), ImVec4(1.0f, 0.75f, 0.2f, 1));
            if (s.textKind == "summary") tag(tr("summary"), ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

}  // namespace kenes::app
