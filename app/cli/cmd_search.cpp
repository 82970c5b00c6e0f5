// `kenes search QUERY [--lang ru|en] [--user NAME] [--limit N]`: full-text search over the
// library, the agenda and the user's notes, printed grouped by kind.
#include <cstdlib>
#include <ostream>

#include "app/cli/command.h"
#include "storage/model.h"
#include "storage/model_store.h"

namespace kenes::app {

namespace {

const char* groupTitle(const std::string& kind, const std::string& lang) {
    const bool ru = lang == "ru";
    if (kind == "article") return ru ? "Статьи" : "Articles";
    if (kind == "standard") return ru ? "Документы" : "Standards";
    if (kind == "session") return ru ? "Сессии" : "Sessions";
    if (kind == "note") return ru ? "Заметки" : "Notes";
    return "";
}

std::string defaultUser() {
    if (const char* v = std::getenv("KENES_USER"); v && *v) return v;
    if (const char* v = std::getenv("USER"); v && *v) return v;
    return "local";
}

}  // namespace

int runSearch(CliContext& ctx) {
    std::string query, lang = "en", user = defaultUser();
    size_t limit = 10;
    for (size_t i = 0; i < ctx.args.size(); ++i) {
        const std::string& a = ctx.args[i];
        auto value = [&](const char* name) -> const std::string* {
            if (i + 1 >= ctx.args.size()) {
                ctx.err << "kenes search: " << name << " needs a value.\n";
                return nullptr;
            }
            return &ctx.args[++i];
        };
        if (a == "--lang") {
            const std::string* v = value("--lang");
            if (!v) return kExitUsage;
            if (*v != "ru" && *v != "en") {
                ctx.err << "kenes search: --lang must be ru or en.\n";
                return kExitUsage;
            }
            lang = *v;
        } else if (a == "--user") {
            const std::string* v = value("--user");
            if (!v) return kExitUsage;
            user = *v;
        } else if (a == "--limit") {
            const std::string* v = value("--limit");
            if (!v) return kExitUsage;
            char* end = nullptr;
            long n = std::strtol(v->c_str(), &end, 10);
            if (v->empty() || *end != '\0' || n < 1 || n > 1000) {
                ctx.err << "kenes search: --limit must be a number from 1 to 1000.\n";
                return kExitUsage;
            }
            limit = static_cast<size_t>(n);
        } else if (a == "--") {
            for (++i; i < ctx.args.size(); ++i) query += (query.empty() ? "" : " ") + ctx.args[i];
        } else {
            query += (query.empty() ? "" : " ") + a;
        }
    }
    if (query.empty()) {
        ctx.err << "kenes search: what should I look for? Usage: kenes search QUERY [--lang ru|en] [--user "
                   "NAME]\n";
        return kExitUsage;
    }
    try {
        auto store = storage::openLibraryStore(ctx.dataDir);
        storage::Model model(*store);
        storage::SearchOptions options;
        options.language = lang;
        options.userDatabase = storage::userDatabaseName(user);
        options.limitPerKind = limit;
        auto results = model.search(query, options);
        if (results.groups.empty()) {
            ctx.out << (lang == "ru" ? "Ничего не найдено.\n" : "Nothing found.\n");
            return kExitOk;
        }
        for (const auto& group : results.groups) {
            ctx.out << groupTitle(group.kind, lang) << " (" << group.hits.size() << ")\n";
            for (const auto& hit : group.hits) {
                ctx.out << "  " << hit.label << "  [" << hit.target << "]\n";
                if (!hit.snippet.empty())
                    ctx.out << "      " << storage::renderSnippet(hit.snippet, "[", "]") << "\n";
            }
        }
        return kExitOk;
    } catch (const storage::StoreError& e) {
        ctx.err << "kenes search: " << e.reason() << "\n";
        return kExitFailure;
    }
}

}  // namespace kenes::app
