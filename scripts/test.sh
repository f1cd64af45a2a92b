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
meson test -C "$builddir" --print-errorlogs "$@"
