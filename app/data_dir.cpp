#include "app/data_dir.h"

#include <cstdlib>

namespace kenes::app {

std::filesystem::path defaultDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "kenes";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "kenes";
    return std::filesystem::current_path() / "kenes-data";
}

}  // namespace kenes::app
