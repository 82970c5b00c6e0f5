#include "app/views/workplan_view.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

#include "app/core/app_context.h"
#include "app/views/widgets.h"

namespace kenes::app {

namespace {

const ImVec4 kOverdue(1.0f, 0.42f, 0.38f, 1.0f);

std::string newTaskId() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
    const char* hex = "0123456789abcdef";
    std::string id = "task:";
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
        id += hex[gen() & 15];
    }
    return id;
}

bool validDate(const std::string& d) {
    int y = 0, m = 0, day = 0;
    char tail = 0;
    return d.size() == 10 && std::sscanf(d.c_str(), "%4d-%2d-%2d%c", &y, &m, &day, &tail) == 3 &&
           d[4] == '-' && d[7] == '-' && y >= 1900 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

// "kg" / " KG " → "KG"; empty when it is not two Latin letters.
std::string countryCode(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == ' ') continue;
        if (!std::isalpha(static_cast<unsigned char>(c))) return "";
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out.size() == 2 ? out : "";
}

std::string standardKey(const std::string& id) {
    std::string key = id.rfind("std:", 0) == 0 ? id.substr(4) : id;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    return key;
}

}  // namespace

WorkplanView::WorkplanView(AppContext& ctx) {
    ctx.bus().subscribe<DataChanged>([this](const DataChanged&) { m_stale = true; });
    ctx.bus().subscribe<LanguageChanged>([this](const LanguageChanged&) { m_stale = true; });
}

int WorkplanView::reportingYear(const std::string& today) {
    int year = std::atoi(today.substr(0, 4).c_str());
    return today.substr(5) <= "09-01" ? year : year + 1;
}

void WorkplanView::reload(AppContext& ctx) {
    m_tasks = ctx.model().tasks(ctx.userDatabaseName(), true);
    m_loadedLanguage = ctx.settings().contentLanguage;
    m_standards = ctx.model().standards(m_loadedLanguage);
    m_stale = false;
}

std::string WorkplanView::standardLabel(const std::string& standardId) const {
    for (const auto& s : m_standards)
        if (s.id == standardId) return s.code + " " + s.shortTitle;
    return standardId;
}

bool WorkplanView::saveTask(AppContext& ctx, const TaskDraft& task) {
    std::string title = task.title;
    title.erase(0, title.find_first_not_of(" \t\n"));
    if (title.empty()) {
        m_error = tr("A task needs a title.");
        return false;
    }
    if (!task.due.empty() && !validDate(task.due)) {
        m_error = tr("The due date must look like 2026-09-01.");
        return false;
    }
    std::string country = countryCode(task.country);
    if (!task.country.empty() && country.empty()) {
        m_error = tr("The country is a two-letter code, e.g. KG or KZ.");
        return false;
    }
    try {
        storage::Database& db = ctx.userDatabase();
        storage::Json doc = storage::Json::object();
        storage::Json existing;
        if (!task.id.empty()) {
            try {
                existing = db.get(task.id);
            } catch (const storage::StoreError& e) {
                if (e.status() != 404) throw;
            }
        }
        if (existing.is_object()) doc = existing;  // keeps fields this editor does not show (event, plan)
        doc["_id"] = task.id.empty() ? newTaskId() : task.id;
        doc["type"] = "task";
        doc["title"] = task.title;
        doc["done"] = task.done;
        for (auto [key, value] : {std::pair<const char*, std::string>{"due", task.due},
                                  {"country", country},
                                  {"standard", task.standard},
                                  {"details", task.details}}) {
            if (value.empty()) {
                doc.erase(key);
            } else {
                doc[key] = value;
            }
        }
        if (!doc.contains("created")) doc["created"] = utcTimestamp(ctx.now());
        doc["updated"] = utcTimestamp(ctx.now());
        db.put(doc);
    } catch (const storage::StoreError& e) {
        m_error = std::string(tr("Not saved:")) + " " + e.reason();
        return false;
    }
    m_error.clear();
    m_stale = true;
    ctx.bus().post(DataChanged{});
    return true;
}

bool WorkplanView::setDone(AppContext& ctx, const std::string& taskId, bool done) {
    for (const auto& t : m_tasks) {
        if (t.id != taskId) continue;
        return saveTask(ctx, TaskDraft{t.id, t.title, t.due, t.country, t.standard, t.details, done});
    }
    m_error = tr("That task no longer exists.");
    return false;
}

bool WorkplanView::deleteTask(AppContext& ctx, const std::string& taskId) {
    try {
        storage::Database& db = ctx.userDatabase();
        db.remove(taskId, db.get(taskId)["_rev"].get<std::string>());
    } catch (const storage::StoreError& e) {
        m_error = std::string(tr("Not deleted:")) + " " + e.reason();
        return false;
    }
    m_error.clear();
    m_stale = true;
    ctx.bus().post(DataChanged{});
    return true;
}

int WorkplanView::startCountryPlan(AppContext& ctx, const std::string& countryText, int year,
                                   const std::vector<std::string>& standardIds) {
    std::string country = countryCode(countryText);
    if (country.empty()) {
        m_error = tr("The country is a two-letter code, e.g. KG or KZ.");
        return -1;
    }
    if (year < 1950 || year > 2200) {
        m_error = tr("Choose the year of the reporting cycle.");
        return -1;
    }
    if (m_stale || m_standards.empty()) reload(ctx);
    const std::string y = std::to_string(year), plan = country + "-" + y;
    std::string prefix = "task:plan-";
    for (char c : plan) prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    struct Step {
        std::string key, title, due, standard, details;
    };
    std::vector<Step> steps;
    steps.push_back(
        {"gather", tr("Gather information on law and practice"), y + "-06-01", "",
         tr("Collect the latest comments of the supervisory bodies, court decisions, statistics and "
            "cases from the unions for the period of the report.")});
    steps.push_back(
        {"consult", tr("Consult the social partners"), y + "-07-01", "",
         tr("Discuss the facts and the questions of the report form with the employers' and workers' "
            "organisations.")});
    if (standardIds.empty()) {
        steps.push_back(
            {"draft", tr("Draft the reports on the requested conventions"), y + "-08-01", "",
             tr("Answer the report form article by article, replying to each comment of the Committee "
                "of Experts.")});
    }
    for (const auto& id : standardIds) {
        steps.push_back(
            {"draft-" + standardKey(id), std::string(tr("Draft the report on")) + " " + standardLabel(id),
             y + "-08-01", id,
             tr("Answer the report form article by article, replying to each comment of the Committee "
                "of Experts.")});
    }
    steps.push_back({"copies", tr("Send copies to the employers' and workers' organisations"), y + "-08-15",
                     "",
                     tr("Article 23 of the ILO Constitution: copies of the reports go to the representative "
                        "organisations, which may send their own observations.")});
    steps.push_back(
        {"submit", tr("Submit the reports by 1 September"), y + "-09-01", "",
         tr("Reports reach the ILO by 1 September, so that the Committee of Experts can examine them.")});
    std::vector<storage::Json> docs;
    storage::Database& db = ctx.userDatabase();
    const std::string now = utcTimestamp(ctx.now());
    try {
        for (const auto& s : steps) {
            std::string id = prefix + "-" + s.key;
            try {
                db.get(id);
                continue;  // started before: keep it as the user left it
            } catch (const storage::StoreError& e) {
                if (e.status() != 404) throw;
            }
            storage::Json doc = {{"_id", id},
                                 {"type", "task"},
                                 {"title", s.title + " (" + country + ")"},
                                 {"due", s.due},
                                 {"done", false},
                                 {"country", country},
                                 {"details", s.details},
                                 {"plan", plan},
                                 {"created", now},
                                 {"updated", now}};
            if (!s.standard.empty()) doc["standard"] = s.standard;
            // A deleted earlier task with this id gets a new life on top of its tombstone.
            docs.push_back(std::move(doc));
        }
        if (docs.empty()) {
            m_error.clear();
            return 0;
        }
        for (const auto& row : db.bulkDocs(docs, true))
            if (!row.ok()) throw storage::StoreError(409, row.error, row.reason);
    } catch (const storage::StoreError& e) {
        m_error = std::string(tr("Not saved:")) + " " + e.reason();
        return -1;
    }
    m_error.clear();
    m_stale = true;
    ctx.bus().post(DataChanged{});
    return static_cast<int>(docs.size());
}

void WorkplanView::drawTask(AppContext& ctx, const storage::TaskInfo& task, const std::string& today) {
    ImGui::PushID(task.id.c_str());
    bool done = task.done;
    if (ImGui::Checkbox("###done", &done)) setDone(ctx, task.id, done);
    ImGui::SameLine();
    if (task.done) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    const bool overdue = !task.done && !task.due.empty() && task.due < today;
    if (overdue) ImGui::PushStyleColor(ImGuiCol_Text, kOverdue);
    ImGui::TextWrapped("%s", task.title.c_str());
    if (overdue || task.done) ImGui::PopStyleColor();
    std::string meta;
    if (!task.country.empty()) meta += task.country;
    if (!task.standard.empty()) meta += (meta.empty() ? "" : " · ") + standardLabel(task.standard);
    ImGui::Indent(ImGui::GetFrameHeightWithSpacing());
    if (!meta.empty()) mutedText(meta);
    if (ImGui::SmallButton(label("Edit", "edit").c_str())) {
        m_draft =
            TaskDraft{task.id, task.title, task.due, task.country, task.standard, task.details, task.done};
        m_editorOpen = true;
        m_error.clear();
    }
    if (!task.standard.empty()) {
        ImGui::SameLine();
        if (ImGui::SmallButton(label("Open standard", "open-std").c_str()))
            ctx.bus().post(OpenStandard{task.standard, ""});
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(label("Delete", "delete").c_str())) deleteTask(ctx, task.id);
    ImGui::Unindent(ImGui::GetFrameHeightWithSpacing());
    ImGui::PopID();
}

void WorkplanView::drawEditor(AppContext& ctx) {
    heading(m_draft.id.empty() ? tr("New task") : tr("Edit task"));
    ImGui::SetNextItemWidth(-1);
    std::string hint = tr("Title");
    ImGui::InputTextWithHint("###task-title", hint.c_str(), &m_draft.title);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    ImGui::InputTextWithHint(label("Due date", "task-due").c_str(), "2026-09-01", &m_draft.due);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 3);
    ImGui::InputTextWithHint(label("Country", "task-country").c_str(), "KG", &m_draft.country);
    ImGui::SetNextItemWidth(-1);
    std::string preview =
        m_draft.standard.empty() ? std::string(tr("No linked standard")) : standardLabel(m_draft.standard);
    if (ImGui::BeginCombo("###task-standard", preview.c_str())) {
        if (ImGui::Selectable(label("No linked standard", "no-std").c_str(), m_draft.standard.empty()))
            m_draft.standard.clear();
        for (const auto& s : m_standards)
            if (ImGui::Selectable((s.code + " " + s.shortTitle + "###" + s.id).c_str(),
                                  s.id == m_draft.standard))
                m_draft.standard = s.id;
        ImGui::EndCombo();
    }
    ImGui::InputTextMultiline("###task-details", &m_draft.details,
                              ImVec2(-1, ImGui::GetTextLineHeightWithSpacing() * 4));
    ImGui::Checkbox(label("Done", "task-done").c_str(), &m_draft.done);
    ImGui::SameLine();
    if (ImGui::Button(label("Save task", "task-save").c_str()) && saveTask(ctx, m_draft))
        m_editorOpen = false;
    ImGui::SameLine();
    if (ImGui::Button(label("Cancel", "task-cancel").c_str())) {
        m_editorOpen = false;
        m_error.clear();
    }
    ImGui::Separator();
}

void WorkplanView::drawPlanTemplate(AppContext& ctx) {
    heading(tr("Start a country work plan"));
    mutedText(
        tr("Creates the tasks of the reporting cycle: reports on the requested conventions are due at the "
           "ILO on 1 September."));
    if (m_planYear == 0) m_planYear = reportingYear(utcTimestamp(ctx.now()).substr(0, 10));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 3);
    ImGui::InputTextWithHint(label("Country", "plan-country").c_str(), "KG", &m_planCountry);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    ImGui::InputInt(label("Year", "plan-year").c_str(), &m_planYear);
    mutedText(tr("Conventions to report on:"));
    for (const auto& s : m_standards) {
        if (s.kind != "convention") continue;
        bool on = std::find(m_planStandards.begin(), m_planStandards.end(), s.id) != m_planStandards.end();
        if (ImGui::Checkbox((s.code + " " + s.shortTitle + "###plan-" + s.id).c_str(), &on)) {
            if (on) {
                m_planStandards.push_back(s.id);
            } else {
                m_planStandards.erase(std::remove(m_planStandards.begin(), m_planStandards.end(), s.id),
                                      m_planStandards.end());
            }
        }
    }
    if (ImGui::Button(label("Create the tasks", "plan-create").c_str())) {
        int n = startCountryPlan(ctx, m_planCountry, m_planYear, m_planStandards);
        if (n >= 0) {
            m_message = n == 0 ? std::string(tr("This work plan was already started."))
                               : trn("%d task created", "%d tasks created", n);
            m_planOpen = false;
        }
    }
    ImGui::SameLine();
    if (ImGui::Button(label("Cancel", "plan-cancel").c_str())) m_planOpen = false;
    ImGui::Separator();
}

void WorkplanView::draw(AppContext& ctx) {
    if (m_stale || m_loadedLanguage != ctx.settings().contentLanguage) reload(ctx);
    const std::string today = utcTimestamp(ctx.now()).substr(0, 10);
    if (ImGui::Button(label("New task", "new-task").c_str())) {
        m_draft = TaskDraft{};
        m_editorOpen = true;
        m_error.clear();
    }
    ImGui::SameLine();
    if (ImGui::Button(label("Start a country work plan", "start-plan").c_str())) {
        m_planOpen = !m_planOpen;
        m_message.clear();
    }
    // Narrow windows: the toggle goes on its own line rather than off the edge.
    const float toggleWidth = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
                              ImGui::CalcTextSize(tr("Show done tasks")).x + ImGui::GetStyle().ItemSpacing.x;
    if (ImGui::GetContentRegionAvail().x - ImGui::GetItemRectMax().x + ImGui::GetWindowPos().x > toggleWidth)
        ImGui::SameLine();
    ImGui::Checkbox(label("Show done tasks", "show-done").c_str(), &showDone);
    if (!m_error.empty()) ImGui::TextColored(kOverdue, "%s", m_error.c_str());
    if (!m_message.empty()) mutedText(m_message);
    ImGui::Separator();
    ImGui::BeginChild("###tasks", ImVec2(0, 0), false);
    if (m_editorOpen) drawEditor(ctx);
    if (m_planOpen) drawPlanTemplate(ctx);

    size_t open = 0, overdue = 0;
    for (const auto& t : m_tasks) {
        if (t.done) continue;
        ++open;
        if (!t.due.empty() && t.due < today) ++overdue;
    }
    std::set<std::string> lateDates;  // dates with a task still open
    for (const auto& t : m_tasks)
        if (!t.done && !t.due.empty() && t.due < today) lateDates.insert(t.due);
    mutedText(trn("%d open task", "%d open tasks", static_cast<long>(open)) +
              (overdue ? ", " + trn("%d overdue", "%d overdue", static_cast<long>(overdue)) : std::string()));
    if (m_tasks.empty()) mutedText(tr("No tasks yet. Add one, or start a country work plan."));
    // Tasks come ordered by due date (none last): one heading per date.
    std::string group = "\x01";
    for (const auto& t : m_tasks) {
        if (t.done && !showDone) continue;
        if (t.due != group) {
            group = t.due;
            ImGui::Spacing();
            if (t.due.empty()) {
                heading(tr("No due date"));
            } else {
                bool late = lateDates.count(t.due) != 0;
                std::string text = formatLongDate(t.due, ctx.settings().uiLanguage);
                if (late) ImGui::PushStyleColor(ImGuiCol_Text, kOverdue);
                heading(text + (late             ? std::string(" — ") + tr("overdue")
                                : t.due == today ? std::string(" — ") + tr("today")
                                                 : ""));
                if (late) ImGui::PopStyleColor();
            }
        }
        drawTask(ctx, t, today);
    }
    ImGui::EndChild();
}

}  // namespace kenes::app
