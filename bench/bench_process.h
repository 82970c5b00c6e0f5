// Child processes for the benchmark programs (servers and clients started and stopped around a
// measurement). Not thread-safe: call from the bench's main thread.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace kenes::bench {

// Starts argv (looked up in PATH) with stdin from /dev/null, stdout into `out`, stderr into `err`
// (empty: into `out` as well) and, when `cwd` is given, in that directory, so that a server writing
// files into its working directory (PouchDB Server: config.json, log.txt) keeps them out of the
// caller's. Returns the pid, or -1 when it could not be started.
pid_t spawnProcess(const std::vector<std::string>& argv, const std::filesystem::path& out,
                   const std::filesystem::path& err = {}, const std::filesystem::path& cwd = {});

// SIGTERM, up to 5 s for the process to exit, then SIGKILL; reaps it. No-op for pid <= 0.
void stopProcess(pid_t pid);

}  // namespace kenes::bench
