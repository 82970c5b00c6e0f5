// `kenes_dataset_gen DIR [--small] [--app]`: writes the large benchmark dataset into a data
// directory; --app adds the desktop-app bench's 5,000-session event and 1 MB standard.
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bench/dataset_gen.h"
#include "storage/model_store.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: kenes_dataset_gen DIR [--small] [--app]\n");
        return 2;
    }
    kenes::bench::DatasetOptions options;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--small") == 0) {
            options.events = 5;
            options.standards = 40;
            options.notes = 1000;
        } else if (std::strcmp(argv[i], "--app") == 0) {
            options.bigEventSessions = 5000;
            options.bigStandardBytes = 1000000;
        } else {
            std::fprintf(stderr, "kenes_dataset_gen: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    try {
        auto store = kenes::storage::openLibraryStore(argv[1]);
        auto stats = kenes::bench::generateLargeDataset(*store, options);
        std::printf("%zu documents, %.1f MB of article text, %.1f s\n", stats.documents,
                    stats.textBytes / 1e6, stats.seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kenes_dataset_gen: %s\n", e.what());
        return 1;
    }
    return 0;
}
