// Library: the standards list (fundamental conventions first, then by number) and a search box
// whose results (kind, title, highlighted snippet) appear as the person types. Searches run on a
// background thread; the newest query's answer wins. UI thread only (the search task only reads
// the thread-safe Model).
#pragma once

#include <future>
#include <string>
#include <vector>

#include "app/core/i18n.h"
#include "app/views/view.h"
#include "storage/model.h"

namespace kenes::app {

class LibraryView : public View {
public:
    explicit LibraryView(AppContext& ctx);
    ~LibraryView() override;
    const char* id() const override { return "library"; }
    const char* title() const override { return N_("Library"); }
    void draw(AppContext& ctx) override;

    // For tests: set the query as if typed, and the last results shown.
    void setQuery(AppContext& ctx, const std::string& query);
    const storage::SearchResults& results() const { return m_results; }
    bool searching() const { return m_pending.valid(); }

private:
    void startSearch(AppContext& ctx);
    void pollSearch(AppContext& ctx);

    std::string m_query, m_shownQuery, m_loadedLanguage;
    std::vector<storage::StandardInfo> m_standards;
    std::future<storage::SearchResults> m_pending;
    std::string m_pendingQuery;
    bool m_rerun = false;
    storage::SearchResults m_results;
};

}  // namespace kenes::app
