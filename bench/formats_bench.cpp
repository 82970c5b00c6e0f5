// formats_bench: import time and peak memory for the FOSDEM 2010 schedule and a generated
// 20,000-event Frab schedule, beside the peer measured in the same run (a bare pugixml parse of
// the same bytes, i.e. the floor any Frab importer pays). Run by hand; see bench/README.md.
//   formats_bench [SOURCE_DIR]   (default: the source dir the bench was built from)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

#include <pugixml.hpp>

#include "formats/schedule.h"
#include "storage/model_store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

long peakRssKb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A Frab schedule of `events` talks over 5 days and 40 rooms, 1-3 persons each.
std::string generateFrab(size_t events) {
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule><version>1</version>\n"
         "<conference><acronym>bench</acronym><title>Generated conference</title>"
         "<start>2030-03-04</start><end>2030-03-08</end><days>5</days>"
         "<time_zone_name>Asia/Almaty</time_zone_name></conference>\n";
    const size_t days = 5, rooms = 40;
    const size_t perRoom = (events + days * rooms - 1) / (days * rooms);
    size_t id = 0;
    for (size_t d = 0; d < days && id < events; ++d) {
        o << "<day index=\"" << d + 1 << "\" date=\"2030-03-0" << 4 + d << "\">\n";
        for (size_t r = 0; r < rooms && id < events; ++r) {
            o << "<room name=\"Room " << r + 1 << "\">\n";
            for (size_t k = 0; k < perRoom && id < events; ++k, ++id) {
                const size_t minutes = 8 * 60 + k * 15;
                char start[8];
                std::snprintf(start, sizeof start, "%02zu:%02zu", (minutes / 60) % 24, minutes % 60);
                o << "<event id=\"" << id + 1 << "\" guid=\"0000-" << id + 1 << "\"><date>2030-03-0" << 4 + d
                  << "T" << start << ":00+06:00</date><start>" << start
                  << "</start><duration>00:15</duration>"
                  << "<room>Room " << r + 1 << "</room><slug>talk-" << id + 1 << "</slug><title>Talk number "
                  << id + 1 << " on collective bargaining</title><subtitle/><track>Track " << id % 12
                  << "</track><type>lecture</type><language>en</language><abstract>Abstract of talk "
                  << id + 1
                  << ", with some words about freedom of association and the right to organise.</abstract>"
                  << "<description/><persons>";
                for (size_t p = 0; p <= id % 3; ++p)
                    o << "<person id=\"" << (id * 7 + p * 13) % 9000 + 1 << "\">Person "
                      << (id * 7 + p * 13) % 9000 + 1 << "</person>";
                o << "</persons><links/></event>\n";
            }
            o << "</room>\n";
        }
        o << "</day>\n";
    }
    o << "</schedule>\n";
    return o.str();
}

void run(const char* name, const std::string& data, const std::string& zone) {
    using namespace kenes;
    // Peer: bare pugixml parse of the same bytes.
    auto t0 = Clock::now();
    {
        pugi::xml_document doc;
        doc.load_buffer(data.data(), data.size(), pugi::parse_default, pugi::encoding_utf8);
    }
    const double peerMs = msSince(t0);

    t0 = Clock::now();
    auto schedule = formats::parseFrabXml(data, zone);
    const double parseMs = msSince(t0);

    std::random_device rd;
    const fs::path dir = fs::temp_directory_path() / ("kenes-formats-bench-" + std::to_string(rd()));
    fs::create_directories(dir);
    double importMs = 0, reimportMs = 0;
    formats::ImportReport first, second;
    {
        auto store = storage::openLibraryStore(dir);
        formats::ImportOptions options;
        options.timezone = zone;
        t0 = Clock::now();
        first = formats::importData(*store, data, options);
        importMs = msSince(t0);
        t0 = Clock::now();
        second = formats::importData(*store, data, options);
        reimportMs = msSince(t0);
    }
    fs::remove_all(dir);
    std::printf(
        "%-22s %8.1f MB  sessions %6zu (created %6zu)  peer pugixml parse %8.1f ms  parse %8.1f ms  "
        "import %8.1f ms  re-import (unchanged %zu) %8.1f ms  peak RSS %ld MB\n",
        name, data.size() / 1e6, first.sessions.created + first.sessions.updated + first.sessions.unchanged,
        first.sessions.created, peerMs, parseMs, importMs, second.sessions.unchanged, reimportMs,
        peakRssKb() / 1024);
    (void)schedule;
}

}  // namespace

int main(int argc, char** argv) {
    const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(KENES_SOURCE_DIR);
    try {
        run("FOSDEM 2010", slurp(source / "tests/data/schedules/fosdem2010_frab.xml"), "Europe/Brussels");
        run("generated 20,000", generateFrab(20000), {});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "formats_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
