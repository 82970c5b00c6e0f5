// Helper process for the crash test: writes documents d<N>, d<N+1>, … one transaction each into
// database "crash" of the data dir given, printing each index on stdout once its write returned.
#include <cstdio>
#include <string>

#include "storage/store.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: crash_writer DIR START\n");
        return 2;
    }
    auto store = kenes::storage::Store::open(argv[1]);
    auto db = store->database("crash", true);
    for (long i = std::stol(argv[2]);; ++i) {
        std::string pad(200 + static_cast<size_t>(i % 700), 'x');
        if (i % 3 == 0) {
            db->bulkDocs({{{"_id", "d" + std::to_string(i)}, {"i", i}, {"pad", pad}}}, true);
        } else {
            db->put({{"_id", "d" + std::to_string(i)}, {"i", i}, {"pad", pad}});
        }
        std::printf("%ld\n", i);
        std::fflush(stdout);
    }
}
