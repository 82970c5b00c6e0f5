// The layout decision of the desktop app, made once per frame by the shell and read by the views:
// below kCompactWidth logical pixels of viewport width (framebuffer pixels divided by the DPI scale)
// the app uses the compact layout for phones and narrow windows: one column, a bottom tab bar,
// larger touch targets. A plain value; UI thread only.
#pragma once

namespace kenes::app {

inline constexpr float kCompactWidth = 600.0f;  // logical pixels

struct Layout {
    float scale = 1.0f;  // DPI scale: physical pixels per logical pixel
    float width = 0.0f;  // viewport width in logical pixels
    bool compact = false;

    // The layout for a viewport `physicalWidth` framebuffer pixels wide at DPI `scale` (scale <= 0
    // means 1).
    static Layout forViewport(float physicalWidth, float scale) {
        Layout l;
        l.scale = scale > 0 ? scale : 1.0f;
        l.width = physicalWidth / l.scale;
        l.compact = l.width < kCompactWidth;
        return l;
    }
    // Minimum height of a touch target (list rows, table rows, tabs) in ImGui units, scaled by
    // the DPI scale like the theme: 44 logical pixels in the compact layout, 0 (the natural
    // height) otherwise.
    float touchHeight() const { return compact ? 44.0f * scale : 0.0f; }
};

}  // namespace kenes::app
