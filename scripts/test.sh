#!/bin/bash
# The whole test suite, from a fresh Debian bookworm machine: installs what it needs, builds,
# runs `meson test` (unit tests, then integration tests against a real MariaDB, a real SMTP
# server and real systemd in a container, all started by the tests themselves).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
builddir=${BUILDDIR:-build}
if [ ! -d "$builddir" ]; then
  meson setup "$builddir" -Dtests=enabled -Dwerror=true
fi
ninja -C "$builddir"
rc=0
meson test -C "$builddir" --print-errorlogs "$@" || rc=$?
# The plain closing line that CI reads: "N passed, N failed, N skipped", counted from meson's log.
python3 - "$builddir/meson-logs/testlog.json" <<'PY' || true
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    result = json.loads(line).get("result")
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
