// Entry point: picks the data directory, then runs a sub-command or opens the desktop app.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "app/cli/command.h"
#include "app/data_dir.h"
#include "app/shell/window.h"

int main(int argc, char** argv) {
    using namespace kenes::app;
    std::vector<std::string> args(argv + 1, argv + argc);
    std::filesystem::path dataDir = defaultDataDir();
    if (args.size() >= 1 && (args[0] == "--data" || args[0].rfind("--data=", 0) == 0)) {
        if (args[0] == "--data") {
            if (args.size() < 2) {
                std::cerr << "kenes: --data needs a directory.\n";
                return kExitUsage;
            }
            dataDir = args[1];
            args.erase(args.begin(), args.begin() + 2);
        } else {
            dataDir = args[0].substr(7);
            args.erase(args.begin());
        }
    }
    if (args.empty()) return runDesktop(dataDir, std::cerr);
    if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
        printUsage(std::cout);
        return kExitOk;
    }
    for (const auto& command : commands()) {
        if (args[0] == command.name) {
            CliContext ctx{dataDir, std::vector<std::string>(args.begin() + 1, args.end()), std::cout,
                           std::cerr};
            return command.run(ctx);
        }
    }
    std::cerr << "kenes: unknown command '" << args[0] << "'. Run 'kenes help' for the list.\n";
    return kExitUsage;
}
