// Where Kenes keeps its data when no --data is given.
#pragma once
#include <filesystem>

namespace kenes::app {
// $XDG_DATA_HOME/kenes, else $HOME/.local/share/kenes, else ./kenes-data.
std::filesystem::path defaultDataDir();
}  // namespace kenes::app
