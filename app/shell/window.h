// The GLFW + OpenGL 3 window around AppShell: the interactive app and off-screen rendering of
// one view into a PNG. Both print a sentence to `err` and return a non-zero exit code when no
// display is available.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace kenes::app {

// Opens the desktop app on dataDir. Returns the process exit code. With KENES_REPORT_FIRST_FRAME
// set in the environment, writes "kenes: first frame swapped at N ns (steady clock)" to `err`
// once the first frame is on screen (N: CLOCK_MONOTONIC; used by bench/app_bench.cpp).
int runDesktop(const std::filesystem::path& dataDir, std::ostream& err);

struct ScreenshotRequest {
    std::filesystem::path dataDir;
    std::string view = "agenda";     // a registered view id (viewIds() in app/views/view.h)
    std::string language = "en";     // UI and content language
    int width = 1280, height = 800;  // under 600 wide: the compact layout
    std::filesystem::path out;
    int64_t at = 0;  // the clock for now/next (seconds since the epoch, UTC); 0: the real time
};

// Renders the view with the data dir's content into a PNG. Returns the process exit code.
int renderScreenshot(const ScreenshotRequest& request, std::ostream& err);

}  // namespace kenes::app
