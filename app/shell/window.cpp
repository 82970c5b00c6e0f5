#include "app/shell/window.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <thread>
#include <chrono>
#include <cstdlib>
#include <ostream>
#include <vector>

#include "app/core/app_context.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/agenda_view.h"
#include "storage/store.h"

namespace kenes::app {

namespace {

std::string g_glfwError;

void onGlfwError(int, const char* description) { g_glfwError = description ? description : ""; }

// GLFW + ImGui set-up and tear-down for one window.
class Window {
public:
    bool open(int width, int height, bool visible, std::ostream& err) {
        glfwSetErrorCallback(onGlfwError);
        if (!glfwInit()) {
            err << "kenes: cannot open a window: no display is available (" << g_glfwError
                << "). Set DISPLAY or WAYLAND_DISPLAY, or use the command-line sub-commands (kenes help).\n";
            return false;
        }
        m_glfw = true;
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
        glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
        glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
        m_window = glfwCreateWindow(width, height, "Kenes", nullptr, nullptr);
        if (!m_window) {
            err << "kenes: cannot open an OpenGL 3 window (" << g_glfwError << ").\n";
            return false;
        }
        glfwMakeContextCurrent(m_window);
        glfwSwapInterval(1);
        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        m_imgui = true;
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

    // Builds the atlas when the wanted size changed (outside a frame).
    void ensureFonts(float size, const std::string& theme) {
        float px = size * m_scale;
        if (px != m_fontPx) {
            buildFonts(px);
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
            m_fontPx = px;
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
    bool m_glfw = false, m_imgui = false;
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
    std::unique_ptr<AppContext> ctx;
    try {
        ctx = std::make_unique<AppContext>(dataDir, defaultUserName());
    } catch (const std::exception& e) {
        err << "kenes: cannot open the data folder " << dataDir << ": " << e.what() << "\n";
        return 1;
    }
    Window window;
    if (!window.open(ctx->settings().windowWidth, ctx->settings().windowHeight, true, err)) return 1;
    ctx->bus().setWake([] { glfwPostEmptyEvent(); });
    AppShell shell(*ctx);
    shell.setScale(window.scale());
    // The agenda (the usual first view) reads its programme off the UI thread: the first frame
    // does not wait for a large event.
    if (auto* agenda = dynamic_cast<AgendaView*>(shell.view("agenda"))) agenda->loadInBackground(*ctx);
    ctx->sync().start();  // background sync from launch; the loop only reads its snapshots
    // The loop sleeps until input, a background result (glfwPostEmptyEvent) or the earliest
    // timer a view asked for; ImGui needs a few extra frames after input to settle animations.
    int busyFrames = 3;
    bool reportFirstFrame = std::getenv("KENES_REPORT_FIRST_FRAME") != nullptr;
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
        newFrame();
        shell.drawFrame();
        window.render(ctx->settings().theme);
        glfwSwapBuffers(window.handle());
        if (reportFirstFrame) {
            // The benchmark's hook (bench/app_bench.cpp): CLOCK_MONOTONIC when the first frame was swapped.
            auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now().time_since_epoch());
            err << "kenes: first frame swapped at " << ns.count() << " ns (steady clock)" << std::endl;
            reportFirstFrame = false;
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
        err << "kenes screenshot: cannot open the data folder " << request.dataDir << ": " << e.what() << "\n";
        return 1;
    }
    ctx->settings().uiLanguage = request.language;
    ctx->settings().contentLanguage = request.language;
    ctx->settings().lastView = request.view;
    if (request.at != 0) ctx->setClock([at = request.at] { return at; });
    Window window;
    if (!window.open(request.width, request.height, false, err)) return 1;
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
