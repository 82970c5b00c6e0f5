#include "app/core/device_name.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace kenes::app {

std::string deviceName() {
    if (const char* v = std::getenv("KENES_DEVICE"); v && *v) return v;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0]) return host;
    return "this device";
}

}  // namespace kenes::app
