// `kenes export ics|notes|report …`: the user's agenda or an event as iCalendar, notes as
// Markdown files, a session report as Markdown or HTML.
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>

#include "app/cli/command.h"
#include "formats/export.h"
#include "storage/model_store.h"

namespace kenes::app {

namespace {

const char* kExportUsage =
    "Usage:\n"
    "  kenes [--data DIR] export ics --event ID [--starred] [--utc] [--user NAME] --out FILE.ics\n"
    "      an event's sessions (or only those you starred) for Thunderbird, Evolution, Google Calendar\n"
    "  kenes [--data DIR] export notes [--user NAME] --out DIR\n"
    "      every note as a Markdown file with front matter\n"
    "  kenes [--data DIR] export report --event ID --lang ru|en [--user NAME] --out FILE.md|FILE.html\n"
    "      the event's agenda with your notes for each session (HTML when FILE ends in .html)\n"
    "  --user NAME defaults to $KENES_USER, else the login name $USER.\n";

std::string defaultUserName() {
    if (const char* v = std::getenv("KENES_USER"); v && *v) return v;
    if (const char* v = std::getenv("USER"); v && *v) return v;
    return "local";
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw formats::FormatError("cannot write " + path);
    out << content;
    if (!out) throw formats::FormatError("cannot write " + path);
}

}  // namespace

int runExport(CliContext& ctx) {
    const auto& args = ctx.args;
    if (args.empty() || (args[0] != "ics" && args[0] != "notes" && args[0] != "report")) {
        if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
            ctx.out << kExportUsage;
            return kExitOk;
        }
        ctx.err << "kenes export: say what to export: ics, notes or report.\n" << kExportUsage;
        return kExitUsage;
    }
    const std::string what = args[0];
    std::map<std::string, std::string> opts;
    bool starred = false, utc = false;
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--starred" && what == "ics") {
            starred = true;
        } else if (a == "--utc" && what == "ics") {
            utc = true;
        } else if ((a == "--event" && what != "notes") || (a == "--lang" && what == "report") ||
                   a == "--user" || a == "--out") {
            if (i + 1 >= args.size() || args[i + 1].empty()) {
                ctx.err << "kenes export " << what << ": " << a << " needs a value.\n" << kExportUsage;
                return kExitUsage;
            }
            opts[a] = args[++i];
        } else {
            ctx.err << "kenes export " << what << ": unexpected '" << a << "'.\n" << kExportUsage;
            return kExitUsage;
        }
    }
    auto require = [&](const char* name) {
        if (opts.count(name)) return true;
        ctx.err << "kenes export " << what << ": " << name << " is required.\n" << kExportUsage;
        return false;
    };
    if (!require("--out") || (what != "notes" && !require("--event")) ||
        (what == "report" && !require("--lang")))
        return kExitUsage;
    if (what == "report" && opts["--lang"] != "ru" && opts["--lang"] != "en") {
        ctx.err << "kenes export report: --lang must be ru or en.\n";
        return kExitUsage;
    }
    const std::string user = opts.count("--user") ? opts["--user"] : defaultUserName();
    const std::string out = opts["--out"];
    try {
        auto store = storage::openLibraryStore(ctx.dataDir);
        if (what == "ics") {
            formats::IcsExportOptions ex;
            ex.eventId = opts["--event"];
            ex.starredOnly = starred;
            ex.userName = user;
            ex.utc = utc;
            std::string ics = formats::exportICalendar(*store, ex);
            writeFile(out, ics);
            size_t count = 0;
            for (size_t p = ics.find("BEGIN:VEVENT"); p != std::string::npos;
                 p = ics.find("BEGIN:VEVENT", p + 1))
                ++count;
            ctx.out << "Wrote " << count << (starred ? " starred" : "") << " sessions to " << out << "\n";
            if (starred && count == 0)
                ctx.err << "kenes export ics: user '" << user << "' has starred no session of this event.\n";
        } else if (what == "notes") {
            size_t n = formats::exportNotes(*store, user, out);
            ctx.out << "Wrote " << n << " notes of '" << user << "' to " << out << "\n";
        } else {
            bool html = endsWith(out, ".html") || endsWith(out, ".htm");
            std::string text =
                html ? formats::exportReportHtml(*store, opts["--event"], user, opts["--lang"])
                     : formats::exportReportMarkdown(*store, opts["--event"], user, opts["--lang"]);
            writeFile(out, text);
            ctx.out << "Wrote the " << (html ? "HTML" : "Markdown") << " report to " << out << "\n";
        }
        return kExitOk;
    } catch (const formats::FormatError& e) {
        ctx.err << "kenes export " << what << ": " << e.what() << ".\n";
    } catch (const storage::StoreError& e) {
        ctx.err << "kenes export " << what << ": " << e.reason() << "\n";
    }
    return kExitFailure;
}

}  // namespace kenes::app
