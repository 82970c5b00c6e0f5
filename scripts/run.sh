#!/usr/bin/env bash
# Installs what is missing, builds Kenes and opens it (extra arguments go to kenes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build --target kenes
exec build/app/kenes "$@"
