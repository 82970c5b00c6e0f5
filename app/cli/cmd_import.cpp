// `kenes import FILE [--event-id ID] [--timezone ZONE] [--user NAME]`: a schedule (Frab XML,
// c3voc JSON, iCalendar) or a Kenes bundle into the local store; prints the import report.
#include <cstdlib>
#include <ostream>

#include "app/cli/command.h"
#include "formats/schedule.h"
#include "storage/model_store.h"

namespace kenes::app {

namespace {

const char* kImportUsage =
    "Usage: kenes [--data DIR] import FILE [--event-id ID] [--timezone ZONE] [--user NAME]\n"
    "  FILE        Frab/Pentabarf schedule.xml, c3voc schedule JSON, iCalendar .ics or a Kenes\n"
    "              bundle (.jsonl)\n"
    "  --event-id  the event's id (a-z, 0-9, '-'); default: from the schedule's acronym or title\n"
    "  --timezone  the conference's IANA time zone (e.g. Asia/Bishkek) when the file names none or a\n"
    "              wrong one\n"
    "  --user      whose database receives notes/stars of a bundle (default: $KENES_USER, else $USER)\n";

std::string defaultUserName() {
    if (const char* v = std::getenv("KENES_USER"); v && *v) return v;
    if (const char* v = std::getenv("USER"); v && *v) return v;
    return "local";
}

}  // namespace

int runImport(CliContext& ctx) {
    formats::ImportOptions options;
    options.userName = defaultUserName();
    std::string file;
    const auto& args = ctx.args;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& target) {
            if (i + 1 >= args.size() || args[i + 1].empty()) {
                ctx.err << "kenes import: " << a << " needs a value.\n" << kImportUsage;
                return false;
            }
            target = args[++i];
            return true;
        };
        if (a == "--event-id") {
            if (!value(options.eventId)) return kExitUsage;
        } else if (a == "--timezone") {
            if (!value(options.timezone)) return kExitUsage;
        } else if (a == "--user") {
            if (!value(options.userName)) return kExitUsage;
        } else if (a == "-h" || a == "--help") {
            ctx.out << kImportUsage;
            return kExitOk;
        } else if (a.size() > 1 && a[0] == '-') {
            ctx.err << "kenes import: unknown option " << a << ".\n" << kImportUsage;
            return kExitUsage;
        } else if (file.empty()) {
            file = a;
        } else {
            ctx.err << "kenes import: one file at a time (got '" << file << "' and '" << a << "').\n"
                    << kImportUsage;
            return kExitUsage;
        }
    }
    if (file.empty()) {
        ctx.err << "kenes import: which file? " << kImportUsage;
        return kExitUsage;
    }
    try {
        // The file is read and checked before the store is opened, so a bad file changes nothing.
        std::string data = formats::readImportFile(file);
        auto store = storage::openLibraryStore(ctx.dataDir);
        auto report = formats::importData(*store, data, options);
        ctx.out << report.summary();
        return kExitOk;
    } catch (const formats::FormatError& e) {
        ctx.err << "kenes import: " << file << ": " << e.what() << ".\n";
    } catch (const storage::StoreError& e) {
        ctx.err << "kenes import: " << e.reason() << "\n";
    }
    return kExitFailure;
}

}  // namespace kenes::app
