// Sub-commands of the `kenes` program. Each command lives in its own file under app/cli/ and is
// listed once in commands.cpp. A command returns the process exit code; errors go to `err` as a
// sentence a user understands.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace kenes::app {

struct CliContext {
    std::filesystem::path dataDir;  // --data DIR, or the XDG data dir
    std::vector<std::string> args;  // arguments after the command name
    std::ostream& out;
    std::ostream& err;
};

struct Command {
    const char* name;     // "db", "replicate", ...
    const char* usage;    // "db list | db dump NAME"
    const char* summary;  // one line for `kenes help`
    int (*run)(CliContext&);
};

// The registration list (commands.cpp).
const std::vector<Command>& commands();

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Prints "kenes <usage>" lines for every command.
void printUsage(std::ostream& out);

}  // namespace kenes::app
