// Work plan: the user's tasks (title, due date, country, linked standard, details, done) grouped
// by due date, overdue dates marked, done tasks hidden unless asked for; add, edit, mark done and
// delete a task; and "Start a country work plan", which writes the tasks of the ILO reporting cycle
// (reports due 1 September) for a country. Tasks are documents of the user's database written
// through Database::put, so they sync like every edit. UI thread only.
#pragma once

#include <string>
#include <vector>

#include "app/core/i18n.h"
#include "app/views/view.h"
#include "storage/model.h"

namespace kenes::app {

class WorkplanView : public View {
public:
    explicit WorkplanView(AppContext& ctx);
    const char* id() const override { return "workplan"; }
    const char* title() const override { return N_("Work plan"); }
    void draw(AppContext& ctx) override;

    // The task editor's fields.
    struct TaskDraft {
        std::string id;  // empty: a new task
        std::string title, due, country, standard, details;
        bool done = false;
    };

    // Actions behind the buttons, exposed for tests. Each returns false and sets error() on bad
    // input or a failed write; nothing typed is lost.
    bool saveTask(AppContext& ctx, const TaskDraft& task);
    bool setDone(AppContext& ctx, const std::string& taskId, bool done);
    bool deleteTask(AppContext& ctx, const std::string& taskId);
    // Writes the reporting-cycle tasks for `country` (ISO code) with reports due 1 September of
    // `year`, one drafting task per standard in `standardIds` (or one for all when empty). Tasks
    // already there (started before, here or on another device) are kept. Returns how many were
    // written, or -1 and sets error().
    int startCountryPlan(AppContext& ctx, const std::string& country, int year,
                         const std::vector<std::string>& standardIds);
    // The reporting cycle that `today` ("YYYY-MM-DD") falls in: this year until 1 September, then the next.
    static int reportingYear(const std::string& today);

    const std::vector<storage::TaskInfo>& tasks() const { return m_tasks; }
    const std::string& error() const { return m_error; }
    bool showDone = false;

private:
    void reload(AppContext& ctx);
    void drawTask(AppContext& ctx, const storage::TaskInfo& task, const std::string& today);
    void drawEditor(AppContext& ctx);
    void drawPlanTemplate(AppContext& ctx);
    std::string standardLabel(const std::string& standardId) const;

    bool m_stale = true;
    std::string m_loadedLanguage;
    std::vector<storage::TaskInfo> m_tasks;
    std::vector<storage::StandardInfo> m_standards;
    bool m_editorOpen = false, m_planOpen = false;
    TaskDraft m_draft;
    std::string m_error, m_message;
    std::string m_planCountry;
    int m_planYear = 0;
    std::vector<std::string> m_planStandards;
};

}  // namespace kenes::app
