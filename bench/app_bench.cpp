// app_bench KENES DIR [FRAMES]: the desktop app on the large generated dataset (see bench/README.md,
// "Desktop app"). Run under a display (Xvfb with software OpenGL in CI-like machines).
//
//  1. DIR empty or missing: writes the large dataset plus a one-day event of 5,000 sessions and a
//     1 MB standard (generateLargeDataset with bigEventSessions/bigStandardBytes).
//  2. In this process, in a 1280×800 GLFW window: CPU time of this thread per frame
//     (CLOCK_THREAD_CPUTIME_ID around NewFrame + AppShell::drawFrame + ImGui::Render + GL draw
//     calls) over FRAMES frames on the agenda of the 5,000-session event and in the reader on the
//     1 MB standard, beside peers drawn by the same loop: ImGui's own demo window and bare-ImGui
//     tables of 5,000 rows (clipped with ImGuiListClipper, and not clipped).
//  3. The real KENES binary (`KENES --data DIR`, KENES_REPORT_FIRST_FRAME=1) started several
//     times: time from spawn to the first swapped frame; then, in one run, CPU of the idle window
//     over 10 s and the following minute (utime+stime from /proc/PID/stat) and peak RSS (VmHWM)
//     with resident memory by mapping; the same on the sample content alone. The peer is this
//     program re-started as a bare GLFW + ImGui window with the same fonts (`--bare-window`).
//
// app_bench KENES DIR --startup [RUNS=15]: step 3's first frame and peak RSS alone, RUNS starts of
// each program taking turns, with the app's start-up steps (the dataset must exist).
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fcntl.h>
#include <imgui.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/core/app_context.h"
#include "app/shell/app_shell.h"
#include "app/shell/fonts.h"
#include "app/views/agenda_view.h"
#include "app/views/reader_view.h"
#include "bench/dataset_gen.h"
#include "storage/model_store.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace kenes;

constexpr const char* kUser = "bench";
constexpr size_t kBigEventSessions = 5000;
constexpr size_t kBigStandardBytes = 1000000;

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double processCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Stats {
    double p50 = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
    };
    return {at(0.5), at(0.95), v.back()};
}

// The GLFW window, OpenGL 3 context and ImGui context with the app's fonts and theme.
class BenchWindow {
public:
    bool open(int width, int height) {
        if (!glfwInit()) return false;
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
        m_window = glfwCreateWindow(width, height, "Kenes bench", nullptr, nullptr);
        if (!m_window) return false;
        glfwMakeContextCurrent(m_window);
        glfwSwapInterval(0);
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;
        ImGui_ImplGlfw_InitForOpenGL(m_window, true);
        ImGui_ImplOpenGL3_Init("#version 130");
        app::buildFonts(app::Settings{}.fontSize);
        ImGui_ImplOpenGL3_CreateFontsTexture();
        app::applyTheme("dark", 1.0f);
        return true;
    }
    ~BenchWindow() {
        if (ImGui::GetCurrentContext()) {
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplGlfw_Shutdown();
            ImGui::DestroyContext();
        }
        if (m_window) glfwDestroyWindow(m_window);
        glfwTerminate();
    }
    GLFWwindow* handle() const { return m_window; }

    struct FrameCost {
        double drawMs, frameMs, processMs;
    };
    // One frame as the app's loop draws it: `draw` between NewFrame and Render.
    FrameCost frame(const std::function<void()>& draw) {
        glfwPollEvents();
        const double p0 = processCpuMs(), t0 = threadCpuMs();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        const double d0 = threadCpuMs();
        draw();
        const double d1 = threadCpuMs();
        ImGui::Render();
        int w = 0, h = 0;
        glfwGetFramebufferSize(m_window, &w, &h);
        glViewport(0, 0, w, h);
        glClearColor(0.06f, 0.06f, 0.06f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        const double t1 = threadCpuMs();
        glfwSwapBuffers(m_window);
        glFinish();
        return {d1 - d0, t1 - t0, processCpuMs() - p0};
    }

private:
    GLFWwindow* m_window = nullptr;
};

struct Row {
    std::string name;
    Stats draw, frame, process;
    size_t vertices = 0;
};

Row measure(BenchWindow& window, const std::string& name, int frames, const std::function<void()>& draw) {
    for (int i = 0; i < 10; ++i) window.frame(draw);  // layout settles, snapshots are loaded
    std::vector<double> d, f, p;
    for (int i = 0; i < frames; ++i) {
        auto c = window.frame(draw);
        d.push_back(c.drawMs);
        f.push_back(c.frameMs);
        p.push_back(c.processMs);
    }
    Row r{name, stats(d), stats(f), stats(p), static_cast<size_t>(ImGui::GetDrawData()->TotalVtxCount)};
    std::printf(
        "  %-52s frame CPU p50 %6.2f p95 %6.2f max %6.2f ms | views/widgets p50 %6.2f | process incl. "
        "swap p50 %6.2f ms | %zu vertices\n",
        r.name.c_str(), r.frame.p50, r.frame.p95, r.frame.max, r.draw.p50, r.process.p50, r.vertices);
    std::fflush(stdout);
    return r;
}

// A full-window table of 5,000 rows of five text columns: what any ImGui app pays for such a list.
void bareTable(const std::vector<std::array<std::string, 5>>& rows, bool clipped) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("###bare", nullptr, ImGuiWindowFlags_NoDecoration);
    if (ImGui::BeginTable("###rows", 5,
                          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                              ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* c : {"Star", "Time", "Session", "Room", "Speakers"}) ImGui::TableSetupColumn(c);
        ImGui::TableHeadersRow();
        auto row = [&](size_t i) {
            ImGui::PushID(static_cast<int>(i));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            bool starred = i % 7 == 0;
            ImGui::Checkbox("###star", &starred);
            for (size_t c = 1; c < 5; ++c) {
                ImGui::TableNextColumn();
                if (c == 2) {
                    ImGui::Selectable(rows[i][c].c_str());
                } else {
                    ImGui::TextUnformatted(rows[i][c].c_str());
                }
            }
            ImGui::PopID();
        };
        if (clipped) {
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(rows.size()));
            while (clipper.Step())
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) row(static_cast<size_t>(i));
        } else {
            for (size_t i = 0; i < rows.size(); ++i) row(i);
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

// --bare-window: the first-frame and idle peer, a GLFW + ImGui window with the app's fonts.
int bareWindow() {
    BenchWindow window;
    if (!window.open(1280, 800)) return 1;
    glfwSwapInterval(1);
    bool first = true;
    while (!glfwWindowShouldClose(window.handle())) {
        window.frame([] { ImGui::ShowDemoWindow(); });
        if (first) {
            std::fprintf(stderr, "kenes: first frame swapped at %lld ns (steady clock)\n",
                         static_cast<long long>(steadyNs()));
            first = false;
        }
        glfwWaitEventsTimeout(60.0);
    }
    return 0;
}

// A started program whose stderr is read until it reports its first frame.
struct Started {
    pid_t pid = -1;
    int64_t spawnedNs = 0;
    double firstFrameMs = -1;
    std::vector<std::pair<std::string, double>> steps;  // the app's start-up steps, ms after spawn
};

// The start-up steps the app has reported in `log` so far, in ms after `spawnedNs`.
std::vector<std::pair<std::string, double>> reportedSteps(const fs::path& log, int64_t spawnedNs) {
    std::vector<std::pair<std::string, double>> steps;
    std::ifstream in(log);
    std::string line;
    const std::string step = "kenes: start-up step '";
    while (std::getline(in, line)) {
        auto quote = line.find("' at ");
        if (line.rfind(step, 0) != 0 || quote == std::string::npos) continue;
        steps.emplace_back(line.substr(step.size(), quote - step.size()),
                           static_cast<double>(std::stoll(line.substr(quote + 5)) - spawnedNs) / 1e6);
    }
    return steps;
}

Started startAndWaitForFirstFrame(const std::vector<std::string>& argv, const fs::path& log) {
    static char reportFirstFrame[] = "KENES_REPORT_FIRST_FRAME=1";
    static char user[] = "KENES_USER=bench";  // kUser: the dataset's notes and stars
    std::vector<char*> argvp, envp;
    for (auto& a : argv) argvp.push_back(const_cast<char*>(a.c_str()));
    argvp.push_back(nullptr);
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "KENES_USER=", 11) != 0) envp.push_back(*e);
    envp.push_back(reportFirstFrame);
    envp.push_back(user);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    Started s;
    const int64_t spawned = steadyNs();
    if (posix_spawn(&s.pid, argvp[0], &actions, nullptr, argvp.data(), envp.data()) != 0) s.pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (s.pid < 0) return s;
    const std::string marker = "first frame swapped at ";
    for (int i = 0; i < 3000; ++i) {  // 30 s at most
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        auto at = text.str().find(marker);
        if (at != std::string::npos && text.str().find(" ns", at) != std::string::npos) {
            s.firstFrameMs =
                static_cast<double>(std::stoll(text.str().substr(at + marker.size())) - spawned) / 1e6;
            s.spawnedNs = spawned;
            s.steps = reportedSteps(log, spawned);
            return s;
        }
        int status = 0;
        if (waitpid(s.pid, &status, WNOHANG) == s.pid) {
            s.pid = -1;
            return s;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return s;
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
}

// utime+stime of a process in clock ticks (/proc/PID/stat fields 14 and 15).
long cpuTicks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) utime = std::stol(f);
        if (i == 15) stime = std::stol(f);
    }
    return utime + stime;
}

long vmHwmKb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

// Resident memory by mapping (/proc/PID/smaps): the store's database file (SQLite maps it),
// libLLVM (software OpenGL only), anonymous memory (heap, stacks), everything else.
std::string rssBreakdown(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
    std::string line, name;
    long store = 0, llvm = 0, anon = 0, other = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
            line.find('-') != std::string::npos && line.find(':') > line.find(' ')) {
            std::istringstream fields(line);
            std::string skip;
            fields >> skip >> skip >> skip >> skip >> skip;
            name.clear();
            std::getline(fields >> std::ws, name);
        } else if (line.rfind("Rss:", 0) == 0) {
            long kb = std::stol(line.substr(4));
            if (name.find(".sqlite3") != std::string::npos)
                store += kb;
            else if (name.find("libLLVM") != std::string::npos)
                llvm += kb;
            else if (name.empty() || name[0] == '[')
                anon += kb;
            else
                other += kb;
        }
    }
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "store file mapped %.0f MB, libLLVM %.0f MB, anonymous %.0f MB, other files %.0f MB",
                  static_cast<double>(store) / 1024, static_cast<double>(llvm) / 1024,
                  static_cast<double>(anon) / 1024, static_cast<double>(other) / 1024);
    return buf;
}

struct ProcessFigures {
    std::vector<double> firstFrameMs;
    double idlePercent = -1, idleMinutePercent = -1;
    long idleTicks = -1;
    long peakRssKb = -1;
    std::string rss;
};

ProcessFigures measureProcess(const std::string& name, const std::vector<std::string>& argv, int runs,
                              const fs::path& log) {
    ProcessFigures f;
    for (int run = 0; run < runs; ++run) {
        Started s = startAndWaitForFirstFrame(argv, log);
        if (s.pid < 0 || s.firstFrameMs < 0) {
            std::fprintf(stderr, "app_bench: %s did not report a first frame (see %s)\n", name.c_str(),
                         log.c_str());
            stop(s.pid);
            return f;
        }
        f.firstFrameMs.push_back(s.firstFrameMs);
        if (run == runs - 1) {
            std::this_thread::sleep_for(
                std::chrono::seconds(5));  // settling frames, start-up's background work
            const long before = cpuTicks(s.pid);
            std::this_thread::sleep_for(std::chrono::seconds(10));
            f.idleTicks = cpuTicks(s.pid) - before;
            f.idlePercent =
                100.0 * static_cast<double>(f.idleTicks) / (10.0 * static_cast<double>(sysconf(_SC_CLK_TCK)));
            f.peakRssKb = vmHwmKb(s.pid);
            f.rss = rssBreakdown(s.pid);
            // A whole minute holds one now/next wake-up of the agenda.
            const long minuteBefore = cpuTicks(s.pid);
            std::this_thread::sleep_for(std::chrono::seconds(60));
            f.idleMinutePercent = 100.0 * static_cast<double>(cpuTicks(s.pid) - minuteBefore) /
                                  (60.0 * static_cast<double>(sysconf(_SC_CLK_TCK)));
        }
        stop(s.pid);
    }
    auto sorted = f.firstFrameMs;
    std::sort(sorted.begin(), sorted.end());
    std::printf(
        "  %-30s first frame: median %.0f ms, min %.0f, max %.0f (%d runs) | idle 10 s: %ld ticks = %.2f %% "
        "of a core (next 60 s: %.2f %%) | VmHWM %.0f MB\n    resident at idle: %s\n",
        name.c_str(), sorted[sorted.size() / 2], sorted.front(), sorted.back(), runs, f.idleTicks,
        f.idlePercent, f.idleMinutePercent, static_cast<double>(f.peakRssKb) / 1024.0, f.rss.c_str());
    std::fflush(stdout);
    return f;
}

double median(std::vector<double> v) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// --startup: only the process figures, many runs of each program taking turns (so that the
// machine's load falls on all of them alike): first frame, the app's own start-up steps, peak RSS
// 3 s after the first frame (the start-up's background work done) and resident memory by mapping.
int startupOnly(const fs::path& kenesBinary, const fs::path& dir, int runs) {
    const fs::path log = fs::temp_directory_path() / ("app_bench_" + std::to_string(getpid()) + ".log");
    const fs::path sample = fs::temp_directory_path() / ("app_bench_sample_" + std::to_string(getpid()));
    { app::AppContext first(sample, kUser); }
    char self[4096] = {};
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    struct Program {
        std::string name;
        std::vector<std::string> argv;
        std::vector<double> firstFrame, hwmMb;
        std::vector<std::pair<std::string, std::vector<double>>> steps;
        std::string rss;
    };
    std::vector<Program> programs = {
        {"kenes --data DIR", {kenesBinary.string(), "--data", dir.string()}, {}, {}, {}, {}},
        {"kenes, sample content only", {kenesBinary.string(), "--data", sample.string()}, {}, {}, {}, {}},
        {"peer: bare GLFW + ImGui window",
         {std::string(self, static_cast<size_t>(std::max<ssize_t>(n, 0))), "--bare-window"},
         {},
         {},
         {},
         {}}};
    for (int run = 0; run < runs; ++run) {
        for (auto& p : programs) {
            Started s = startAndWaitForFirstFrame(p.argv, log);
            if (s.pid < 0 || s.firstFrameMs < 0) {
                std::fprintf(stderr, "app_bench: %s did not report a first frame (see %s)\n", p.name.c_str(),
                             log.c_str());
                stop(s.pid);
                return 1;
            }
            p.firstFrame.push_back(s.firstFrameMs);
            std::this_thread::sleep_for(std::chrono::seconds(3));
            s.steps = reportedSteps(log, s.spawnedNs);  // with the steps after the first frame
            for (const auto& [name, ms] : s.steps) {
                auto it =
                    std::find_if(p.steps.begin(), p.steps.end(), [&](auto& e) { return e.first == name; });
                if (it == p.steps.end()) it = p.steps.insert(p.steps.end(), {name, {}});
                it->second.push_back(ms);
            }
            p.hwmMb.push_back(static_cast<double>(vmHwmKb(s.pid)) / 1024.0);
            p.rss = rssBreakdown(s.pid);
            stop(s.pid);
        }
    }
    fs::remove_all(sample);
    fs::remove(log);
    std::printf("Process start to first frame and peak RSS, %d runs of each, taking turns:\n", runs);
    for (auto& p : programs) {
        auto sorted = p.firstFrame;
        std::sort(sorted.begin(), sorted.end());
        std::printf("  %-30s first frame: median %.0f ms (min %.0f, max %.0f) | VmHWM median %.0f MB\n",
                    p.name.c_str(), median(sorted), sorted.front(), sorted.back(), median(p.hwmMb));
        if (!p.steps.empty()) {
            std::printf("    steps, median ms after spawn:");
            for (auto& [name, ms] : p.steps) std::printf(" %s %.0f |", name.c_str(), median(ms));
            std::printf(" swapped %.0f\n", median(sorted));
        }
        std::printf("    resident at idle (last run): %s\n", p.rss.c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--bare-window") == 0) return bareWindow();
    if (argc >= 4 && std::strcmp(argv[3], "--startup") == 0)
        return startupOnly(fs::absolute(argv[1]), fs::absolute(argv[2]),
                           argc > 4 ? std::max(1, std::atoi(argv[4])) : 15);
    if (argc < 3) {
        std::fprintf(stderr, "usage: app_bench KENES_BINARY DATA_DIR [FRAMES=300]\n");
        return 2;
    }
    const fs::path kenesBinary = fs::absolute(argv[1]);
    const fs::path dir = fs::absolute(argv[2]);
    const int frames = argc > 3 ? std::max(10, std::atoi(argv[3])) : 300;
    try {
        if (!fs::exists(dir) || fs::is_empty(dir)) {
            std::printf("writing the dataset into %s ...\n", dir.c_str());
            std::fflush(stdout);
            auto store = storage::openLibraryStore(dir);
            bench::DatasetOptions options;
            options.userName = kUser;
            options.bigEventSessions = kBigEventSessions;
            options.bigStandardBytes = kBigStandardBytes;
            auto s = bench::generateLargeDataset(*store, options);
            std::printf("%zu documents, %.1f MB of article text, %.1f s\n", s.documents, s.textBytes / 1e6,
                        s.seconds);
        }

        std::printf(
            "CPU per frame, %d frames after 10 warm-up frames, 1280x800 window (ms of this thread's CPU):\n",
            frames);
        {
            { app::AppContext first(dir, kUser); }  // the first open loads the sample content
            // Where a start-up's time goes, step by step, in this process (wall-clock ms).
            int64_t mark = steadyNs();
            auto wall = [&mark] {
                const int64_t now = steadyNs();
                const double ms = static_cast<double>(now - mark) / 1e6;
                mark = now;
                return ms;
            };
            app::AppContext ctx(dir, kUser);
            const double openMs = wall();
            ctx.model().agenda("event:big", "en", ctx.userDatabaseName());
            const double agendaMs = wall();
            BenchWindow window;
            if (!window.open(1280, 800)) {
                std::fprintf(
                    stderr,
                    "app_bench: cannot open an OpenGL 3 window (run under a display, e.g. xvfb-run)\n");
                return 1;
            }
            const double windowMs = wall();
            app::AppShell shell(ctx);
            auto drawShell = [&] { shell.drawFrame(); };

            shell.showView("agenda");
            window.frame(drawShell);
            const double firstFrameMs = wall();
            std::printf(
                "  start-up steps (wall ms): open the data dir %.0f | agenda query, 5,000 sessions %.0f | "
                "window, GL context, fonts %.0f | first agenda frame (queries again) %.0f\n",
                openMs, agendaMs, windowMs, firstFrameMs);
            auto* agenda = dynamic_cast<app::AgendaView*>(shell.view("agenda"));
            size_t sessions = 0;
            for (auto& d : agenda->days()) sessions += d.sessions.size();
            if (agenda->eventId() != "event:big" || sessions != kBigEventSessions) {
                std::fprintf(stderr, "app_bench: the agenda shows %s with %zu sessions, not the big event\n",
                             agenda->eventId().c_str(), sessions);
                return 1;
            }
            measure(window, "agenda, 5,000 sessions on one day (en)", frames, drawShell);
            ctx.settings().uiLanguage = ctx.settings().contentLanguage = "ru";
            measure(window, "agenda, 5,000 sessions on one day (ru)", frames, drawShell);
            ctx.settings().uiLanguage = ctx.settings().contentLanguage = "en";

            ctx.bus().post(app::OpenStandard{"std:B9999", "art1"});
            window.frame(drawShell);
            auto* reader = dynamic_cast<app::ReaderView*>(shell.view("reader"));
            if (shell.currentView() != "reader" || reader->standardId() != "std:B9999") {
                std::fprintf(stderr, "app_bench: the reader did not open the 1 MB standard\n");
                return 1;
            }
            measure(window, "reader, 1 MB standard, article 1 (en)", frames, drawShell);
            ctx.settings().uiLanguage = ctx.settings().contentLanguage = "ru";
            measure(window, "reader, 1 MB standard, article 1 (ru)", frames, drawShell);
            ctx.bus().post(app::OpenStandard{"std:B9999", ""});
            measure(window, "reader, 1 MB standard, overview (ru)", frames, drawShell);
            reader->sideBySide = true;
            ctx.bus().post(app::OpenStandard{"std:B9999", "art1"});
            measure(window, "reader, 1 MB standard, side by side", frames, drawShell);
            reader->sideBySide = false;
            ctx.settings().uiLanguage = ctx.settings().contentLanguage = "en";

            std::vector<std::array<std::string, 5>> rows;
            for (auto& d : agenda->days())
                for (auto& s : d.sessions) {
                    std::string speakers;
                    for (auto& sp : s.speakers) speakers += (speakers.empty() ? "" : ", ") + sp.name;
                    rows.push_back(
                        {"", s.start.substr(11) + "–" + s.end.substr(11), s.title, s.room, speakers});
                }
            measure(window, "peer: ImGui demo window", frames, [] { ImGui::ShowDemoWindow(); });
            measure(window, "peer: bare ImGui table, 5,000 rows, clipped", frames,
                    [&] { bareTable(rows, true); });
            measure(window, "peer: bare ImGui table, 5,000 rows, not clipped", frames,
                    [&] { bareTable(rows, false); });
        }

        std::printf("Process start to first frame, idle CPU, peak RSS (Xvfb, vsync on):\n");
        const fs::path log = fs::temp_directory_path() / ("app_bench_" + std::to_string(getpid()) + ".log");
        measureProcess("kenes --data DIR", {kenesBinary.string(), "--data", dir.string()}, 5, log);
        // The same binary on the small sample content alone: what the large dataset adds.
        const fs::path sample = fs::temp_directory_path() / ("app_bench_sample_" + std::to_string(getpid()));
        { app::AppContext first(sample, kUser); }
        measureProcess("kenes, sample content only", {kenesBinary.string(), "--data", sample.string()}, 5,
                       log);
        fs::remove_all(sample);
        char self[4096] = {};
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0)
            measureProcess("peer: bare GLFW + ImGui window",
                           {std::string(self, static_cast<size_t>(n)), "--bare-window"}, 5, log);
        fs::remove(log);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "app_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
