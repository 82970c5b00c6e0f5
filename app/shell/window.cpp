#include "app/shell/window.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <malloc.h>
#include <stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <ostream>
#include <thread>
#include <vector>

#include "app/core/app_context.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/agenda_view.h"
#include "storage/store.h"

namespace kenes::app {

namespace {

std::string g_glfwError;

void onGlfwError(int, const char* description) {
    g_glfwError = description ? description : "";
}

int64_t steadyNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Start-up steps reported with the first frame (KENES_REPORT_FIRST_FRAME).
struct StartupSteps {
    bool enabled = false;
    std::vector<std::pair<const char*, int64_t>> marks;
    void mark(const char* name) {
        if (enabled) marks.emplace_back(name, steadyNowNs());
    }
};
StartupSteps g_steps;

// GLFW + ImGui set-up and tear-down for one window.
class Window {
public:
    // Connects to the display; false when there is none (the message is written by open()).
    bool init() {
        glfwSetErrorCallback(onGlfwError);
        m_glfw = glfwInit() == GLFW_TRUE;
        g_steps.mark("GLFW initialised");
        return m_glfw;
    }

    // Opens the window (after init()) with an atlas of the app's fonts at `fontSize` (scaled like
    // the window), rasterised on another thread while the OpenGL context is created.
    bool open(int width, int height, bool visible, float fontSize, std::ostream& err) {
        if (!m_glfw) {
            err << "kenes: cannot open a window: no display is available (" << g_glfwError
                << "). Set DISPLAY or WAYLAND_DISPLAY, or use the command-line sub-commands (kenes help).\n";
            return false;
        }
        // No ImGui context exists until the atlas is taken back below, so the build may run aside.
        float guess = 1;
        if (visible) {
            float xs = 1, ys = 1;
            if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) glfwGetMonitorContentScale(monitor, &xs, &ys);
            guess = std::clamp(std::max(xs, ys), 1.0f, 4.0f);
        }
        const float atlasPx = fontSize * guess;
        auto atlas = std::async(std::launch::async, [atlasPx] {
            auto built = std::make_unique<ImFontAtlas>();
            buildFontAtlas(*built, atlasPx);
            return built;
        });
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
        glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
        glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
        m_window = glfwCreateWindow(width, height, "Kenes", nullptr, nullptr);
        m_atlas = atlas.get();
        if (!m_window) {
            err << "kenes: cannot open an OpenGL 3 window (" << g_glfwError << ").\n";
            return false;
        }
        glfwMakeContextCurrent(m_window);
        glfwSwapInterval(1);
        g_steps.mark("GL context");
        IMGUI_CHECKVERSION();
        ImGui::CreateContext(m_atlas.get());
        m_imgui = true;
        m_fontPx = atlasPx;
        m_textureStale = true;
        ImGui::GetIO().IniFilename = nullptr;
        ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
        ImGui_ImplGlfw_InitForOpenGL(m_window, true);
        ImGui_ImplOpenGL3_Init("#version 130");
        float xs = 1, ys = 1;
        glfwGetWindowContentScale(m_window, &xs, &ys);
        m_scale = visible ? std::clamp(std::max(xs, ys), 1.0f, 4.0f) : 1.0f;
        return true;
    }

    ~Window() {
        if (m_imgui) {
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplGlfw_Shutdown();
            ImGui::DestroyContext();
        }
        if (m_window) glfwDestroyWindow(m_window);
        if (m_glfw) glfwTerminate();
    }

    // Builds the atlas when the wanted size changed and uploads it (outside a frame); the CPU
    // copies of the texture are freed once it is on the GPU.
    void ensureFonts(float size, const std::string& theme) {
        float px = size * m_scale;
        if (px != m_fontPx) {
            buildFonts(px);
            m_fontPx = px;
            m_textureStale = true;
        }
        if (m_textureStale) {
            if (!m_deviceObjects) {
                ImGui_ImplOpenGL3_CreateDeviceObjects();  // shaders and the font texture, once
                m_deviceObjects = true;
            } else {
                ImGui_ImplOpenGL3_DestroyFontsTexture();
                ImGui_ImplOpenGL3_CreateFontsTexture();
            }
            ImGui::GetIO().Fonts->ClearTexData();
            m_textureStale = false;
            m_theme.clear();
        }
        if (theme != m_theme) {
            applyTheme(theme, m_scale);
            m_theme = theme;
        }
    }

    void render(const std::string& theme) {
        ImGui::Render();
        int w = 0, h = 0;
        glfwGetFramebufferSize(m_window, &w, &h);
        glViewport(0, 0, w, h);
        if (theme == "light") {
            glClearColor(0.94f, 0.94f, 0.94f, 1);
        } else {
            glClearColor(0.06f, 0.06f, 0.06f, 1);
        }
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    }

    GLFWwindow* handle() const { return m_window; }
    float scale() const { return m_scale; }

private:
    GLFWwindow* m_window = nullptr;
    std::unique_ptr<ImFontAtlas> m_atlas;  // shared with the ImGui context, which does not own it
    bool m_glfw = false, m_imgui = false, m_textureStale = false, m_deviceObjects = false;
    float m_scale = 1, m_fontPx = 0;
    std::string m_theme;
};

void newFrame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
}

}  // namespace

int runDesktop(const std::filesystem::path& dataDir, std::ostream& err) {
#ifdef __GLIBC__
    // Blocks of 256 KB and more (a programme's vectors, the saved "seen" document) are mapped on
    // their own and returned to the system when freed; glibc's default threshold grows with such
    // frees and then keeps them in the heap, resident (large dataset: peak RSS 7 MB lower).
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    bool reportFirstFrame = std::getenv("KENES_REPORT_FIRST_FRAME") != nullptr;
    bool reportAgendaShown = reportFirstFrame;
    g_steps.enabled = reportFirstFrame;
    g_steps.mark("desktop start");
    // The data folder opens on another thread while this one connects to the display. The scan
    // for "changes since you last looked" reads every programme: it starts once the first frame
    // is on screen and the agenda has landed, not beside them.
    auto opening = std::async(std::launch::async, [&dataDir] {
        return std::make_unique<AppContext>(dataDir, defaultUserName(), false);
    });
    Window window;
    window.init();
    std::unique_ptr<AppContext> ctx;
    try {
        ctx = opening.get();
    } catch (const std::exception& e) {
        err << "kenes: cannot open the data folder " << dataDir << ": " << e.what() << "\n";
        return 1;
    }
    g_steps.mark("data dir opened");
    if (!window.open(ctx->settings().windowWidth, ctx->settings().windowHeight, true,
                     ctx->settings().fontSize, err))
        return 1;
    g_steps.mark("window open");
    ctx->bus().setWake([] { glfwPostEmptyEvent(); });
    AppShell shell(*ctx);
    shell.setScale(window.scale());
    // The agenda (the usual first view) reads its programme off the UI thread once the first
    // frame, with its "Loading…" line, is on screen: on two cores neither waits for the other.
    std::promise<void> firstFrameShown;
    auto* agenda = dynamic_cast<AgendaView*>(shell.view("agenda"));
    if (agenda) agenda->loadInBackground(*ctx, firstFrameShown.get_future().share());
    ctx->sync().start();  // background sync from launch; the loop only reads its snapshots
    g_steps.mark("shell built");
    bool firstFrame = true, changesScanned = false;
    // The loop sleeps until input, a background result (glfwPostEmptyEvent) or the earliest
    // timer a view asked for; ImGui needs a few extra frames after input to settle animations.
    int busyFrames = 3;
    while (!glfwWindowShouldClose(window.handle())) {
        auto wake = ctx->takeWakeRequest();
        double timeout = 60.0;  // the now/next marker changes at most once a minute
        if (wake != std::chrono::steady_clock::time_point::max()) {
            timeout = std::chrono::duration<double>(wake - std::chrono::steady_clock::now()).count();
        }
        if (busyFrames > 0) {
            glfwPollEvents();
            --busyFrames;
        } else if (timeout > 0) {
            glfwWaitEventsTimeout(std::min(timeout, 60.0));
            busyFrames = 2;
        } else {
            glfwPollEvents();
        }
        window.ensureFonts(ctx->settings().fontSize, ctx->settings().theme);
        if (reportFirstFrame) g_steps.mark("fonts uploaded");
        newFrame();
        shell.drawFrame();
        window.render(ctx->settings().theme);
        if (reportFirstFrame) g_steps.mark("first frame drawn");
        glfwSwapBuffers(window.handle());
        if (reportFirstFrame) {
            // The benchmark's hook (bench/app_bench.cpp): CLOCK_MONOTONIC when the first frame was
            // swapped, and when each start-up step ended.
            for (const auto& [name, ns] : g_steps.marks)
                err << "kenes: start-up step '" << name << "' at " << ns << " ns\n";
            err << "kenes: first frame swapped at " << steadyNowNs() << " ns (steady clock)" << std::endl;
            reportFirstFrame = false;
        }
        if (reportAgendaShown && agenda && !agenda->loading()) {
            // Later than the first frame: the first frame swapped with the programme read.
            err << "kenes: start-up step 'agenda on screen' at " << steadyNowNs() << " ns" << std::endl;
            reportAgendaShown = false;
        }
        if (firstFrame) {
            firstFrame = false;
            firstFrameShown.set_value();
        }
        if (!changesScanned && !(agenda && agenda->loading())) {
#ifdef __GLIBC__
            // The agenda's reading has left freed heap behind; give it back before the next peak.
            malloc_trim(0);
#endif
            ctx->sessionChanges().check();
            changesScanned = true;
        }
    }
    int w = 0, h = 0;
    glfwGetWindowSize(window.handle(), &w, &h);
    if (w > 0 && h > 0) {
        ctx->settings().windowWidth = w;
        ctx->settings().windowHeight = h;
    }
    try {
        ctx->saveSettings();
    } catch (const std::exception& e) {
        err << "kenes: could not save the settings: " << e.what() << "\n";
    }
    // Sync winds down while GLFW is still up (its threads wake the loop through it), out of sight.
    glfwHideWindow(window.handle());
    ctx->sync().shutdown();
    return 0;
}

int renderScreenshot(const ScreenshotRequest& request, std::ostream& err) {
    std::unique_ptr<AppContext> ctx;
    try {
        ctx = std::make_unique<AppContext>(request.dataDir, defaultUserName());
    } catch (const std::exception& e) {
        err << "kenes screenshot: cannot open the data folder " << request.dataDir << ": " << e.what()
            << "\n";
        return 1;
    }
    ctx->settings().uiLanguage = request.language;
    ctx->settings().contentLanguage = request.language;
    ctx->settings().lastView = request.view;
    if (request.at != 0) ctx->setClock([at = request.at] { return at; });
    Window window;
    window.init();
    if (!window.open(request.width, request.height, false, ctx->settings().fontSize, err)) return 1;
    AppShell shell(*ctx);
    shell.setScale(window.scale());
    shell.showView(request.view);
    if (request.view == "sync") {
        // The real state of the data dir's configuration: the first answer, or still syncing.
        ctx->sync().start();
        ctx->sync().waitUntilSettled(std::chrono::seconds(4));
    }
    int w = 0, h = 0;
    // Several frames: layout settles, background queries land, auto-opened items are drawn.
    for (int frame = 0; frame < 6; ++frame) {
        glfwPollEvents();
        window.ensureFonts(ctx->settings().fontSize, ctx->settings().theme);
        newFrame();
        shell.drawFrame();
        window.render(ctx->settings().theme);
        if (frame < 5) {
            glfwSwapBuffers(window.handle());
            if (frame == 3) std::this_thread::sleep_for(std::chrono::milliseconds(150));
        }
    }
    glfwGetFramebufferSize(window.handle(), &w, &h);
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);
    if (!stbi_write_png(request.out.c_str(), w, h, 4, pixels.data(), w * 4)) {
        err << "kenes screenshot: cannot write " << request.out << ".\n";
        return 1;
    }
    return 0;
}

}  // namespace kenes::app
