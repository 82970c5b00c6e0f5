// The name of this device as people know it (the host name), recorded in the notes it writes so
// that the merge view can say where each conflicting version was written. Thread-safe.
#pragma once

#include <string>

namespace kenes::app {

// $KENES_DEVICE when set, else the host name, else "this device".
std::string deviceName();

}  // namespace kenes::app
