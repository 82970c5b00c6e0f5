#!/usr/bin/env bash
# Extracts every tr("…") / trn("…", "…", n) string of app/ into translations/kenes.pot.
# Usage: scripts/update-pot.sh [OUTPUT]   (default translations/kenes.pot)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-translations/kenes.pot}"
find app -name '*.cpp' -o -name '*.h' | LC_ALL=C sort > "${TMPDIR:-/tmp}/kenes-pot-files.$$"
xgettext --language=C++ --from-code=UTF-8 --keyword= --keyword=tr --keyword=trn:1,2 --keyword=N_ --keyword=label:1 \
  --package-name=Kenes --msgid-bugs-address=https://github.com/kenes/kenes/issues --sort-by-file --add-comments=TRANSLATORS \
  -o "$out" -f "${TMPDIR:-/tmp}/kenes-pot-files.$$"
rm -f "${TMPDIR:-/tmp}/kenes-pot-files.$$"
