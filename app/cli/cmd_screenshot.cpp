// `kenes screenshot --view V --lang ru|en --size WxH --out F.png`: renders one view of the
// desktop app (with the data dir's content; sample content on the first run) into a PNG. Every
// registered view (app/views/registry.cpp) is accepted; below 600 logical pixels of width the
// compact layout is drawn (e.g. --size 390x844).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <ostream>

#include "app/cli/command.h"
#include "app/shell/window.h"
#include "app/views/view.h"

namespace kenes::app {

int runScreenshot(CliContext& ctx) {
    ScreenshotRequest request;
    request.dataDir = ctx.dataDir;
    const std::vector<std::string> views = viewIds();
    std::string viewList;
    for (const auto& id : views) viewList += (viewList.empty() ? "" : "|") + id;
    const std::string usage = "Usage: kenes screenshot --view " + viewList +
                              " --lang ru|en --size WxH --out F.png [--at YYYY-MM-DDTHH:MMZ]\n"
                              "A width under 600 (e.g. --size 390x844) shows the compact phone layout.\n";
    for (size_t i = 0; i < ctx.args.size(); ++i) {
        const std::string& a = ctx.args[i];
        if (i + 1 >= ctx.args.size() || (a != "--view" && a != "--lang" && a != "--size" && a != "--out" &&
                                         a != "--data" && a != "--at")) {
            ctx.err << "kenes screenshot: unexpected argument '" << a << "'.\n" << usage;
            return kExitUsage;
        }
        const std::string& v = ctx.args[++i];
        if (a == "--view") {
            if (std::find(views.begin(), views.end(), v) == views.end()) {
                ctx.err << "kenes screenshot: unknown view '" << v << "'.\n" << usage;
                return kExitUsage;
            }
            request.view = v;
        } else if (a == "--lang") {
            if (v != "ru" && v != "en") {
                ctx.err << "kenes screenshot: --lang must be ru or en.\n";
                return kExitUsage;
            }
            request.language = v;
        } else if (a == "--size") {
            int w = 0, h = 0;
            char tail = 0;
            if (std::sscanf(v.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 200 || h < 150 || w > 8192 ||
                h > 8192) {
                ctx.err << "kenes screenshot: --size must be WIDTHxHEIGHT, e.g. 1280x800 (200x150 to "
                           "8192x8192).\n";
                return kExitUsage;
            }
            request.width = w;
            request.height = h;
        } else if (a == "--at") {
            std::tm tm{};
            char tail = 0;
            if (std::sscanf(v.c_str(), "%d-%d-%dT%d:%dZ%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                            &tm.tm_min, &tail) != 5 ||
                tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12) {
                ctx.err << "kenes screenshot: --at must be a UTC time like 2019-07-25T04:30Z.\n";
                return kExitUsage;
            }
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            request.at = static_cast<int64_t>(timegm(&tm));
        } else if (a == "--out") {
            request.out = v;
        } else {
            request.dataDir = v;
        }
    }
    if (request.out.empty()) {
        ctx.err << "kenes screenshot: --out F.png is required.\n" << usage;
        return kExitUsage;
    }
    return renderScreenshot(request, ctx.err);
}

}  // namespace kenes::app
