#!/bin/bash
# Checks every shipped unit with `systemd-analyze verify` and the services' hardening with
# `systemd-analyze security` (exposure 2.0 or less). The units are copied with ExecStart= pointing
# at the binary in the build tree, because verify insists that the command exists.
#
# Usage: units_verify_test.sh UNITS_SOURCE_DIR BINARY
set -euo pipefail

units_src=$1
binary=$(realpath "$2")
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze is not installed"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$units_src"/*.in; do
  sed "s|@bindir@/mysql-backup|$binary|g" "$f" >"$tmp/$(basename "$f" .in)"
done
for d in "$units_src"/*.service.d; do
  mkdir -p "$tmp/$(basename "$d")"
  for f in "$d"/*.in; do
    sed "s|@bindir@/mysql-backup|$binary|g" "$f" >"$tmp/$(basename "$d")/$(basename "$f" .in)"
  done
done
cp "$units_src"/*.timer "$tmp/"

status=0
# Templates are verified as a sample instance; the drop-in instances and a notify instance named
# the way OnFailure= names it are verified on their own.
for unit in mysql-backup@.service mysql-backup@cleanup.service mysql-backup@restore-test.service \
            mysql-backup@check.service mysql-backup@binlogs.service \
            mysql-backup-notify@.service mysql-backup-notify@mysql-backup@daily.service.service \
            "$tmp"/*.timer; do
  unit=$tmp/$(basename "$unit")
  out=$(systemd-analyze verify --man=no "$unit" 2>&1) || { echo "FAIL: verify $(basename "$unit")"; status=1; }
  if [[ -n $out ]]; then
    echo "$out"
    echo "FAIL: verify $(basename "$unit") printed warnings"
    status=1
  fi
done

# --offline is systemd 250's; older versions cannot judge unit files without a running manager.
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
  for unit in mysql-backup@.service mysql-backup-notify@.service; do
    if ! systemd-analyze security --offline=true --threshold=20 --no-pager "$tmp/$unit" >"$tmp/security.txt" 2>&1; then
      cat "$tmp/security.txt"
      echo "FAIL: $unit exposure is above 2.0"
      status=1
    else
      tail -n 1 "$tmp/security.txt"
    fi
  done
fi

# The drop-ins must really replace the command line of their instance.
grep -q -- '--cleanup$' "$tmp/mysql-backup@cleanup.service.d/action.conf" || { echo "FAIL: cleanup drop-in"; status=1; }
grep -q -- '--check$' "$tmp/mysql-backup@check.service.d/action.conf" || { echo "FAIL: check drop-in"; status=1; }
# The check timer is hourly and catches up after downtime; it is not enabled by the package.
grep -qx 'OnCalendar=hourly' "$tmp/mysql-backup-check.timer" || { echo "FAIL: check timer not hourly"; status=1; }
grep -qx 'Persistent=true' "$tmp/mysql-backup-check.timer" || { echo "FAIL: check timer not persistent"; status=1; }
# Binlog archiving: its own drop-in, every 2 minutes, catching up after downtime.
grep -q -- '--archive-binlogs$' "$tmp/mysql-backup@binlogs.service.d/action.conf" || { echo "FAIL: binlogs drop-in"; status=1; }
grep -qx 'OnCalendar=\*:0/2' "$tmp/mysql-backup-binlogs.timer" || { echo "FAIL: binlogs timer not every 2 minutes"; status=1; }
grep -qx 'Persistent=true' "$tmp/mysql-backup-binlogs.timer" || { echo "FAIL: binlogs timer not persistent"; status=1; }
exit $status
