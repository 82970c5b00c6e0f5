#include "app/cli/command.h"

#include <ostream>

namespace kenes::app {

// One line per sub-command; the implementations live in app/cli/cmd_*.cpp.
int runDb(CliContext& ctx);
int runHub(CliContext& ctx);
int runSearch(CliContext& ctx);
int runImport(CliContext& ctx);
int runExport(CliContext& ctx);
int runScreenshot(CliContext& ctx);
int runReplicate(CliContext& ctx);

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"db", "db list | db dump NAME", "inspect the local store", runDb},
        {"hub",
         "hub [--port N] [--bind ADDR] [--tls-cert F --tls-key F] | hub user add NAME --role "
         "organizer|participant | hub user list | hub user remove NAME",
         "serve the local store to CouchDB/PouchDB clients (password on stdin for user add)", runHub},
        {"replicate",
         "replicate SOURCE TARGET [--continuous] [--user NAME] [--insecure] [--create-target] [--batch-size "
         "N]",
         "replicate between a local database (a name) and/or an http(s) database URL (password from "
         "$KENES_PASSWORD or stdin)",
         runReplicate},
        {"search", "search QUERY [--lang ru|en] [--user NAME]", "search standards, sessions and your notes",
         runSearch},
        {"import", "import FILE [--event-id ID] [--timezone ZONE] [--user NAME]",
         "import a Frab/c3voc/iCalendar schedule or a Kenes bundle", runImport},
        {"export",
         "export ics --event ID [--starred] [--utc] --out F.ics | export notes --out DIR | export report "
         "--event ID --lang ru|en --out F.md|F.html  [--user NAME]",
         "export your agenda as iCalendar, your notes as Markdown, a session report", runExport},
        {"screenshot", "screenshot --view V --lang ru|en --size WxH --out F.png [--at YYYY-MM-DDTHH:MMZ]",
         "render a view of the app to a PNG (V: any view; under 600 wide the compact layout)", runScreenshot},
    };
    return list;
}

void printUsage(std::ostream& out) {
    out << "Usage:\n"
        << "  kenes                          open the desktop app\n"
        << "  kenes --data DIR COMMAND ...   run a command on another data directory\n";
    for (const auto& c : commands()) out << "  kenes " << c.usage << "\n      " << c.summary << "\n";
}

}  // namespace kenes::app
