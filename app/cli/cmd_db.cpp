// `kenes db list | db dump NAME`: inspect the local store.
#include <ostream>

#include "app/cli/command.h"

namespace kenes::app {

int runDb(CliContext& ctx) {
    ctx.err << "kenes db: the document store is not built yet.\n";
    return kExitFailure;
}

}  // namespace kenes::app
