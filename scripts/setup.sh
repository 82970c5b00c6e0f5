#!/usr/bin/env bash
# Installs what Kenes needs to build, run and test on Debian 12, idempotently.
#   scripts/setup.sh          build and run dependencies (apt)
#   scripts/setup.sh --test   also the test-only tools (xvfb, and npm ci in tests/node)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libimgui-dev libglfw3-dev libfreetype-dev libgl-dev
  libsqlite3-dev libcurl4-openssl-dev nlohmann-json3-dev libcpp-httplib-dev libssl-dev
  libstemmer-dev libicu-dev libpugixml-dev libical-dev libsodium-dev
  gettext tzdata fonts-noto-core
)
TEST_PACKAGES=(catch2 xvfb xauth nodejs npm sqlite3 openssl)

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

all=("${PACKAGES[@]}")
[ $want_tests = 1 ] && all+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${all[@]}"; do
  # nodejs/npm may come from elsewhere on a developer machine: a working binary is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "Need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ $want_tests = 1 ] && [ -f tests/node/package-lock.json ]; then
  stamp=tests/node/node_modules/.kenes-lock
  if [ ! -f "$stamp" ] || ! cmp -s tests/node/package-lock.json "$stamp"; then
    (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
    cp tests/node/package-lock.json "$stamp"
  fi
fi
