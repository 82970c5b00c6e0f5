// `kenes_dataset_gen DIR [--small]`: writes the large benchmark dataset into a data directory.
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bench/dataset_gen.h"
#include "storage/model_store.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: kenes_dataset_gen DIR [--small]\n");
        return 2;
    }
    kenes::bench::DatasetOptions options;
    if (argc > 2 && std::strcmp(argv[2], "--small") == 0) {
        options.events = 5;
        options.standards = 40;
        options.notes = 1000;
    }
    try {
        auto store = kenes::storage::openLibraryStore(argv[1]);
        auto stats = kenes::bench::generateLargeDataset(*store, options);
        std::printf("%zu documents, %.1f MB of article text, %.1f s\n", stats.documents, stats.textBytes / 1e6,
                    stats.seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kenes_dataset_gen: %s\n", e.what());
        return 1;
    }
    return 0;
}
