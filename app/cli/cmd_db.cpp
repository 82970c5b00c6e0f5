// `kenes db list | db dump NAME`: inspect the local store.
#include <algorithm>
#include <ostream>

#include "app/cli/command.h"
#include "storage/model_store.h"
#include "storage/store.h"

namespace kenes::app {

namespace {

int dump(storage::Store& store, const std::string& name, std::ostream& out) {
    auto db = store.database(name);
    // Every document, deleted ones included: the changes feed lists each id once.
    storage::ChangesOptions options;
    options.allLeaves = true;
    auto changes = db->changes(options);
    std::sort(changes.results.begin(), changes.results.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    for (const auto& row : changes.results) {
        storage::Json body;
        storage::Json conflicts = storage::Json::array();
        const std::string& winner = row.revs.front();
        auto revs = db->openRevs(row.id, std::vector<std::string>{winner}, false, false);
        if (!revs.empty() && revs.front().doc) body = *revs.front().doc;
        if (!row.deleted) {
            storage::GetOptions get;
            get.conflicts = true;
            auto doc = db->get(row.id, get);
            if (doc.contains("_conflicts")) conflicts = doc["_conflicts"];
        }
        std::vector<std::string> sorted = conflicts.get<std::vector<std::string>>();
        std::sort(sorted.begin(), sorted.end());
        for (const char* k : {"_id", "_rev", "_deleted", "_conflicts"}) body.erase(k);
        storage::Json line{{"id", row.id},
                           {"rev", winner},
                           {"deleted", row.deleted},
                           {"conflicts", sorted},
                           {"body", body.is_null() ? storage::Json::object() : body}};
        out << line.dump(-1, ' ', false, storage::Json::error_handler_t::replace) << '\n';
    }
    return kExitOk;
}

}  // namespace

int runDb(CliContext& ctx) {
    const auto& args = ctx.args;
    if (args.empty() || (args[0] != "list" && args[0] != "dump") || (args[0] == "list" && args.size() != 1) ||
        (args[0] == "dump" && args.size() != 2)) {
        ctx.err << "Usage: kenes [--data DIR] db list | db dump NAME\n";
        return kExitUsage;
    }
    try {
        auto store = storage::openLibraryStore(ctx.dataDir);
        if (args[0] == "list") {
            for (const auto& name : store->allDatabases()) {
                auto info = store->database(name)->info();
                ctx.out << name << '\t' << info.docCount << " documents\t" << info.docDelCount
                        << " deleted\tseq " << info.updateSeq << '\n';
            }
            return kExitOk;
        }
        if (!store->hasDatabase(args[1])) {
            ctx.err << "kenes db dump: there is no database '" << args[1] << "' in " << ctx.dataDir.string()
                    << ". 'kenes db list' shows the databases there.\n";
            return kExitFailure;
        }
        return dump(*store, args[1], ctx.out);
    } catch (const storage::StoreError& e) {
        ctx.err << "kenes db: " << e.reason() << '\n';
        return kExitFailure;
    }
}

}  // namespace kenes::app
