#!/usr/bin/env bash
# Installs what is missing, builds Kenes with its tests and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON >/dev/null
cmake --build build-test
# Tests that open a window run under one virtual display for the whole run.
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" ctest --test-dir build-test --output-on-failure -j2 --timeout 900
fi
exec ctest --test-dir build-test --output-on-failure -j2 --timeout 900
