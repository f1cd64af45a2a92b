#!/bin/bash
# End-to-end test of the systemd integration, in a Debian bookworm machine booted by real systemd
# (tests/support/systemd_container.sh): the build is `meson install`ed into it, MariaDB runs in
# it, and the test checks what an administrator would: the timer's next run, a monthly backup
# that verifies, the journal fields, the password passed as a credential, and a run killed with
# SIGKILL mid-dump being reported by the OnFailure= unit.
#
# Usage: systemd_e2e_test.sh BUILD_DIR. Needs root; skips (exit 77) without it or without nspawn.
# KEEP_MACHINE=1 leaves the machine running after a failure, for a look inside.
set -euo pipefail

build_dir=$(realpath "${1:?usage: systemd_e2e_test.sh BUILD_DIR}")
here=$(dirname "$(realpath "$0")")
container=$here/support/systemd_container.sh

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: booting a systemd container needs root"
  exit 77
fi
if ! command -v systemd-nspawn >/dev/null || ! command -v jq >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd-container debootstrap jq >/dev/null 2>&1 || true
fi
if ! command -v systemd-nspawn >/dev/null; then
  echo "SKIP: systemd-nspawn is not available (package systemd-container)"
  exit 77
fi
command -v jq >/dev/null || { echo "FAIL: jq is missing and could not be installed"; exit 1; }

machine=mb-e2e-$$
failures=0
step() { echo; echo "=== $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
in_machine() { "$container" exec "$machine" "$@"; }
sql() { in_machine mariadb --batch --skip-column-names -e "$1"; }

cleanup() {
  local rc=$?
  if [[ ${KEEP_MACHINE:-0} == 1 && $rc -ne 0 ]]; then
    echo "machine '$machine' kept: $container exec $machine bash; $container stop $machine"
  else
    "$container" stop "$machine" || true
  fi
}
trap cleanup EXIT
# meson's timeout sends SIGTERM: still stop the machine.
trap 'exit 143' TERM INT

step "boot"
"$container" build-rootfs
"$container" boot "$machine"
root=$("$container" root "$machine")

step "install the build"
"$container" install "$machine" "$build_dir"
in_machine id mysql-backup
[[ $(in_machine stat -c '%U:%G %a' /var/backup/mysql) == "mysql-backup:mysql-backup 750" ]] ||
  fail "/var/backup/mysql is not mysql-backup:mysql-backup 0750"
[[ $(in_machine stat -c '%U:%G %a' /var/log/mysql-backup) == "mysql-backup:mysql-backup 750" ]] ||
  fail "/var/log/mysql-backup is not mysql-backup:mysql-backup 0750"

step "database and config"
in_machine systemctl start mariadb.service
for ((i = 0; i < 60; i++)); do in_machine mariadb-admin --silent ping >/dev/null 2>&1 && break; sleep 1; done
# The awkward password: a space, '$$', ' ;' and '#' (comment starters), both quotes, a backslash.
password='S3cr3t pa$$ ;w0rd#"'"'"'\x'
sql_password=${password//\\/\\\\}
sql_password=${sql_password//\'/\'\'}
cat >"$root/root/setup.sql" <<SQL
CREATE DATABASE shop;
USE shop;
CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(64));
INSERT INTO shop.items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_1000;
CREATE USER 'backup'@'localhost' IDENTIFIED BY '$sql_password';
GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT, PROCESS ON *.* TO 'backup'@'localhost';
SQL
in_machine sh -c 'mariadb < /root/setup.sql'
in_machine mariadb --user=backup --password="$password" -e 'SELECT 1' shop >/dev/null ||
  fail "the backup account cannot log in with its password"
mkdir -p "$root/etc/mysql-backup"
write_config() {  # $1: the [database] password line, or nothing
  cat >"$root/etc/mysql-backup/mysql_backup.conf" <<CONF
[general]
log_dir = /var/log/mysql-backup

[database]
socket = /run/mysqld/mysqld.sock
user = backup
$1
database = shop

[backup]
backup_dir = /var/backup/mysql
CONF
  in_machine chown root:mysql-backup /etc/mysql-backup/mysql_backup.conf
  in_machine chmod 0640 /etc/mysql-backup/mysql_backup.conf
}
write_config "password = $password"

step "timer"
enabled_at=$(in_machine date +%s)
in_machine systemctl enable --now mysql-backup-daily.timer
timers=$(in_machine systemctl list-timers --all --no-pager)
echo "$timers"
grep -q 'mysql-backup-daily.timer' <<<"$timers" || fail "list-timers does not show mysql-backup-daily.timer"
# The next elapse is a midnight, and the first one after the timer was enabled (measured from
# before, so a test running across midnight still holds).
next=$(in_machine systemctl show -P NextElapseUSecRealtime mysql-backup-daily.timer)
next_epoch=$(in_machine date -d "$next" +%s)
if [[ $(in_machine date -d "$next" +%T) == 00:00:00 ]] &&
   ((next_epoch > enabled_at && next_epoch <= enabled_at + 86400)); then
  ok "next elapse $next"
else
  fail "next elapse of the daily timer is '$next', not the next midnight"
fi
[[ $(in_machine systemctl is-enabled mysql-backup-restore-test.timer) == disabled ]] ||
  fail "the restore-test timer is enabled out of the box"

step "monthly backup"
if in_machine systemctl start mysql-backup@monthly.service; then
  ok "mysql-backup@monthly succeeded"
else
  fail "systemctl start mysql-backup@monthly failed"
  in_machine journalctl -u mysql-backup@monthly.service --no-pager -o cat | tail -n 30
fi
backup=$(in_machine sh -c 'ls /var/backup/mysql/monthly/*.sql.gz 2>/dev/null' | head -n 1) || true
if [[ $backup =~ ^/var/backup/mysql/monthly/shop-monthly-[0-9]{8}T[0-9]{6}Z\.sql\.gz$ ]]; then
  ok "backup $backup"
  in_machine sh -c "cd /var/backup/mysql/monthly && sha256sum -c '$(basename "$backup").sha256'" ||
    fail "sha256sum -c fails on $backup"
  in_machine gzip -t "$backup" || fail "$backup is not a valid gzip stream"
  in_machine sh -c "zcat '$backup' | grep -q 'INSERT INTO .items.'" || fail "$backup has no rows of shop.items"
  [[ $(in_machine stat -c '%U:%G %a' "$backup") == "mysql-backup:mysql-backup 640" ]] ||
    fail "$backup is not mysql-backup:mysql-backup 0640"
else
  fail "no monthly backup in /var/backup/mysql/monthly (found '$backup')"
fi

step "journal fields"
success_id=$(sed -n 's/.*kMessageBackupSucceeded\[\] = "\([0-9a-f]*\)".*/\1/p' "$here/../src/journal/message_ids.h")
in_machine journalctl BACKUP_TYPE=monthly -o json --no-pager >"$root/tmp/monthly.json"
entries=$(jq -s length <"$root/tmp/monthly.json")
[[ $entries -gt 0 ]] || fail "journalctl BACKUP_TYPE=monthly finds nothing"
bad=$(jq -s '[.[] | select(.SYSLOG_IDENTIFIER != "mysql-backup" or .BACKUP_DATABASE != "shop")] | length' <"$root/tmp/monthly.json")
[[ $bad -eq 0 ]] || fail "$bad of $entries monthly entries lack SYSLOG_IDENTIFIER=mysql-backup or BACKUP_DATABASE=shop"
end=$(jq -s -c --arg id "$success_id" '[.[] | select(.MESSAGE_ID == $id)] | last' <"$root/tmp/monthly.json")
if [[ $end == null ]]; then
  fail "no entry with MESSAGE_ID=$success_id for the monthly backup"
else
  echo "$end" | jq '{MESSAGE, MESSAGE_ID, PRIORITY, BACKUP_TYPE, BACKUP_DATABASE, BACKUP_FILE, BACKUP_SIZE, BACKUP_SHA256, BACKUP_DURATION_USEC, _SYSTEMD_UNIT}'
  [[ $(echo "$end" | jq -r .BACKUP_FILE) == "$backup" ]] || fail "BACKUP_FILE is not '$backup'"
  [[ $(echo "$end" | jq -r .BACKUP_SIZE) == "$(in_machine stat -c %s "$backup" 2>/dev/null)" ]] ||
    fail "BACKUP_SIZE is not the file's size"
  [[ $(echo "$end" | jq -r .BACKUP_SHA256) == "$(in_machine cut -d' ' -f1 "$backup.sha256" 2>/dev/null)" ]] ||
    fail "BACKUP_SHA256 is not the checksum in the .sha256 file"
  [[ $(echo "$end" | jq -r .BACKUP_DURATION_USEC) =~ ^[0-9]+$ ]] || fail "BACKUP_DURATION_USEC is not a number"
  [[ $(echo "$end" | jq -r ._SYSTEMD_UNIT) == mysql-backup@monthly.service ]] ||
    fail "the entry does not come from mysql-backup@monthly.service"
  # The catalog is installed and its text reaches `journalctl -x`, fields substituted.
  in_machine journalctl -x --no-pager MESSAGE_ID="$success_id" | tee "$root/tmp/explained.txt" | tail -n 12
  grep -q "monthly backup of database shop succeeded" "$root/tmp/explained.txt" ||
    fail "journalctl -x does not show the catalog entry"
  ! grep -E '@[A-Z0-9_]+@' "$root/tmp/explained.txt" || fail "the catalog text has fields left unsubstituted"
fi
in_machine journalctl BACKUP_TYPE=daily -o json --no-pager | jq -e -s 'length == 0' >/dev/null ||
  fail "journalctl BACKUP_TYPE=daily finds entries of other runs"

step "cleanup instance"
# Its drop-in swaps --backup-type for --cleanup; retention keeps the one monthly backup.
in_machine systemctl cat mysql-backup@cleanup.service | grep -- '--cleanup$' || fail "the cleanup drop-in is not applied"
if in_machine systemctl start mysql-backup@cleanup.service; then
  cleanup_id=$(sed -n 's/.*kMessageCleanupDone\[\] = "\([0-9a-f]*\)".*/\1/p' "$here/../src/journal/message_ids.h")
  in_machine journalctl -o json --no-pager BACKUP_TYPE=cleanup MESSAGE_ID="$cleanup_id" | jq -e -s 'length == 1' >/dev/null ||
    fail "mysql-backup@cleanup logged no entry with MESSAGE_ID=$cleanup_id"
  in_machine test -f "$backup" || fail "the cleanup removed the only monthly backup"
else
  fail "systemctl start mysql-backup@cleanup failed"
  in_machine journalctl -u mysql-backup@cleanup.service --no-pager -o cat | tail -n 20
fi

step "password as a credential"
write_config ""
mkdir -p "$root/etc/credstore"
printf '%s' "$password" >"$root/etc/credstore/mysql-password"
chmod 0600 "$root/etc/credstore/mysql-password"
if in_machine systemctl start mysql-backup@weekly.service; then
  ok "mysql-backup@weekly logged in with the password from /etc/credstore/mysql-password"
else
  fail "mysql-backup@weekly failed with the password as a credential"
  in_machine journalctl -u mysql-backup@weekly.service --no-pager -o cat | tail -n 20
fi

step "a failed login is logged and reported"
failed_id=$(sed -n 's/.*kMessageBackupFailed\[\] = "\([0-9a-f]*\)".*/\1/p' "$here/../src/journal/message_ids.h")
printf '%s' "wrong $password" >"$root/etc/credstore/mysql-password"
if in_machine systemctl start mysql-backup@weekly.service 2>/dev/null; then
  fail "mysql-backup@weekly succeeded with a wrong password"
fi
[[ $(in_machine systemctl show -P ExecMainStatus mysql-backup@weekly.service) == 69 ]] ||
  fail "a refused login does not exit 69"
entry=$(in_machine journalctl -o json --no-pager BACKUP_TYPE=weekly MESSAGE_ID="$failed_id" | jq -s -c last)
echo "$entry" | jq -c '{MESSAGE, PRIORITY, BACKUP_ERROR}'
[[ $(echo "$entry" | jq -r .BACKUP_ERROR) == connection ]] || fail "the failure entry lacks BACKUP_ERROR=connection"
[[ $(echo "$entry" | jq -r .PRIORITY) == 3 ]] || fail "the failure entry is not logged as an error"
weekly_report=""
for ((i = 0; i < 60; i++)); do
  weekly_report=$(in_machine journalctl -o json --no-pager FAILED_UNIT=mysql-backup@weekly.service | jq -r -s 'last | .FAILED_EXIT_STATUS // empty')
  [[ -n $weekly_report ]] && break
  sleep 0.5
done
[[ $weekly_report == 69 ]] || fail "the notify unit did not report exit status 69 of mysql-backup@weekly (got '$weekly_report')"
printf '%s' "$password" >"$root/etc/credstore/mysql-password"

step "SIGKILL mid-dump triggers the notify unit"
# A session holding a WRITE lock on the table stalls mysqldump on it for as long as we like: the
# kill then hits a dump in progress, without depending on how fast anything runs.
in_machine sh -c 'nohup mariadb -e "LOCK TABLES shop.items WRITE; SELECT SLEEP(600);" >/dev/null 2>&1 &'
in_machine systemctl start --no-block mysql-backup@daily.service
waiting=0
for ((i = 0; i < 120; i++)); do
  waiting=$(sql "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'backup' AND state LIKE 'Waiting for table%lock'") || waiting=0
  [[ $waiting -gt 0 ]] && break
  sleep 0.5
done
if [[ $waiting -eq 0 ]]; then
  fail "the daily backup never reached the locked table"
  in_machine journalctl -u mysql-backup@daily.service --no-pager -o cat | tail -n 20
fi
in_machine systemctl kill --signal=KILL mysql-backup@daily.service
sql "KILL USER 'root'" 2>/dev/null || true   # ends the lock holder (and this session)
notify_unit='mysql-backup-notify@mysql-backup@daily.service.service'
result=""
for ((i = 0; i < 120; i++)); do
  result=$(in_machine journalctl -o json --no-pager FAILED_UNIT=mysql-backup@daily.service | jq -r -s 'last | .FAILED_SERVICE_RESULT // empty')
  [[ -n $result ]] && break
  sleep 0.5
done
in_machine systemctl status --no-pager mysql-backup@daily.service "$notify_unit" || true
in_machine journalctl -u "$notify_unit" --no-pager -o cat >"$root/tmp/notify.txt" || true
cat "$root/tmp/notify.txt"
if [[ $result == signal ]]; then
  ok "the notify unit reported result 'signal'"
else
  fail "the notify unit did not report the failed unit's result 'signal' (got '$result')"
fi
grep -q "killed by KILL" "$root/tmp/notify.txt" || fail "the notify unit's journal does not say 'killed by KILL'"
# The failed run's own lines, taken from the journal by its invocation id.
grep -q "status=9/KILL" "$root/tmp/notify.txt" ||
  fail "the notify unit's journal lacks the failed run's journal lines"
[[ $(in_machine systemctl show -P Result "$notify_unit") == success ]] || fail "$notify_unit did not succeed"

step "the check timer and a stale backup reported through the notify unit"
in_machine systemctl enable --now mysql-backup-check.timer
# Captured first: under pipefail, `grep -q` closing the pipe early would fail the listing.
timers=$(in_machine systemctl list-timers --all --no-pager mysql-backup-check.timer)
grep -q mysql-backup-check.timer <<<"$timers" ||
  fail "mysql-backup-check.timer is not listed after enable --now"
# The daily backup above was killed: there is no fresh daily backup of shop.
if in_machine systemctl start mysql-backup@check.service 2>/dev/null; then
  fail "mysql-backup@check succeeded without a daily backup"
fi
[[ $(in_machine systemctl show -P ExecMainStatus mysql-backup@check.service) == 2 ]] ||
  fail "a missing daily backup does not make --check exit 2 (CRITICAL)"
check_report=""
for ((i = 0; i < 60; i++)); do
  check_report=$(in_machine journalctl -o json --no-pager FAILED_UNIT=mysql-backup@check.service | jq -r -s 'last | .FAILED_EXIT_STATUS // empty')
  [[ -n $check_report ]] && break
  sleep 0.5
done
[[ $check_report == 2 ]] || fail "the notify unit did not report mysql-backup@check (got '$check_report')"
check_journal=$(in_machine journalctl -u mysql-backup@check.service --no-pager -o cat)
grep -q "CRITICAL" <<<"$check_journal" || fail "the check unit's journal does not say CRITICAL"

echo
if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
