#!/bin/bash
# The Debian package, end to end, the way an admin meets it: build the .deb from a clean copy of
# the source, install it into a booted bookworm machine (systemd as PID 1), check what it put
# where (user, conffile mode, units, timers not enabled), enable a timer, take one backup through
# the unit with a password-less unix_socket account, run `mysql-backup --daemon` in a container
# without systemd (as in the Dockerfile) and stop it with SIGTERM, then purge the package and
# check that nothing is left but the backups.
#
# Needs root, systemd-nspawn and tests/support/systemd_container.sh; skips (77) without them.
# Environment: MYSQL_BACKUP_SOURCE_ROOT (set by meson), MYSQL_BACKUP_DEB (use this .deb instead
# of building one), KEEP_MACHINE=1 (leave the machine running for a look after a failure).
set -euo pipefail

readonly SRC=${MYSQL_BACKUP_SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
readonly CONTAINER=$SRC/tests/support/systemd_container.sh
readonly CACHE_DIR=${MYSQL_BACKUP_TEST_CACHE:-/var/cache/mysql-backup-test}
readonly MACHINE=pkgtest-$$

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (dpkg in a booted container)"
[[ -x $CONTAINER ]] || skip "$CONTAINER is missing"
command -v systemd-nspawn >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd-container
command -v systemd-nspawn >/dev/null || skip "systemd-nspawn is not available"

work=$(mktemp -d /var/tmp/mysql-backup-pkgtest.XXXXXX)
daemon_root=""
cleanup() {
  local rc=$?
  if [[ ${KEEP_MACHINE:-0} == 1 && $rc -ne 0 ]]; then
    echo "machine kept: $CONTAINER exec $MACHINE ...; root $("$CONTAINER" root "$MACHINE")" >&2
  else
    "$CONTAINER" stop "$MACHINE" >/dev/null 2>&1 || true
  fi
  if [[ -n $daemon_root ]] && mountpoint -q "$daemon_root"; then umount "$daemon_root" || umount -l "$daemon_root"; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

in_machine() { "$CONTAINER" exec "$MACHINE" "$@"; }

# ---- build ----------------------------------------------------------------------------------
if [[ -n ${MYSQL_BACKUP_DEB:-} ]]; then
  deb=$MYSQL_BACKUP_DEB
else
  step "building the package from a clean copy of $SRC"
  mkdir -p "$work/src"
  if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$SRC" ls-files -co --exclude-standard -z | (cd "$SRC" && tar --null -T - -cf -) | tar -xf - -C "$work/src"
  else
    tar -C "$SRC" --exclude=./build --exclude='./obj-*' -cf - . | tar -xf - -C "$work/src"
  fi
  (cd "$work/src" && DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./ >/dev/null) ||
    fail "cannot install the build dependencies"
  (cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
    { tail -n 40 "$work/build.log" >&2; fail "dpkg-buildpackage failed"; }
  deb=$(ls "$work"/mysql-backup_*.deb)
fi
[[ -f $deb ]] || fail "no package at '$deb'"
if command -v lintian >/dev/null; then
  step "lintian"
  lintian --fail-on error "$deb" || fail "lintian reports errors"
fi

# ---- install into a booted machine -----------------------------------------------------------
step "booting $MACHINE"
"$CONTAINER" boot "$MACHINE"
root=$("$CONTAINER" root "$MACHINE")
mkdir -p "$root/var/tmp/pkg"   # not /tmp: the machine mounts a tmpfs there
cp "$deb" "$root/var/tmp/pkg/"
pkg=/var/tmp/pkg/$(basename "$deb")

snapshot() {
  in_machine sh -c 'find / -xdev \( -path /proc -o -path /sys -o -path /run -o -path /tmp \
    -o -path /var/tmp -o -path /var/log/journal -o -path /var/cache -o -path /var/lib/mysql \
    -o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/systemd \) -prune -o -print' | sort
}
snapshot >"$work/before.txt"

step "installing"
in_machine dpkg -i "$pkg" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "dpkg -i failed"; }

step "checking the installed files"
for f in /usr/bin/mysql-backup \
         /lib/systemd/system/mysql-backup@.service /lib/systemd/system/mysql-backup-notify@.service \
         /lib/systemd/system/mysql-backup-daily.timer /lib/systemd/system/mysql-backup-weekly.timer \
         /lib/systemd/system/mysql-backup-monthly.timer /lib/systemd/system/mysql-backup-cleanup.timer \
         /lib/systemd/system/mysql-backup-restore-test.timer /lib/systemd/system/mysql-backup-check.timer \
         /lib/systemd/system/mysql-backup@check.service.d/action.conf \
         /lib/systemd/system/mysql-backup-binlogs.timer \
         /lib/systemd/system/mysql-backup@binlogs.service.d/action.conf \
         /usr/lib/sysusers.d/mysql-backup.conf /usr/lib/tmpfiles.d/mysql-backup.conf \
         /usr/lib/systemd/catalog/mysql-backup.catalog \
         /usr/share/man/man8/mysql-backup.8.gz /usr/share/man/man5/mysql-backup.conf.5.gz \
         /usr/share/man/man8/mysql-backup@.service.8.gz; do
  in_machine test -e "$f" || fail "'$f' is not installed"
done
in_machine getent passwd mysql-backup >/dev/null || fail "no user mysql-backup"
mode=$(in_machine stat -c '%U:%G %a' /etc/mysql-backup/mysql_backup.conf)
[[ $mode == "root:mysql-backup 640" ]] || fail "config is '$mode', want 'root:mysql-backup 640'"
in_machine grep -qx /etc/mysql-backup/mysql_backup.conf /var/lib/dpkg/info/mysql-backup.conffiles ||
  fail "the config is not a conffile"
for d in /var/backup/mysql /var/log/mysql-backup; do
  mode=$(in_machine stat -c '%U:%G %a' "$d")
  [[ $mode == "mysql-backup:mysql-backup 750" ]] || fail "'$d' is '$mode'"
done
for t in daily weekly monthly cleanup restore-test; do
  state=$(in_machine systemctl is-enabled "mysql-backup-$t.timer" || true)
  [[ $state == disabled ]] || fail "mysql-backup-$t.timer is '$state' after installation, want disabled"
done

step "enabling the daily timer"
in_machine systemctl enable --now mysql-backup-daily.timer >/dev/null 2>&1
in_machine systemctl list-timers --no-legend mysql-backup-daily.timer | tee "$work/timers.txt"
grep -q '00:00:00.*mysql-backup-daily.timer' "$work/timers.txt" || fail "the daily timer is not listed for 00:00"

# ---- one backup through the unit -------------------------------------------------------------
step "one backup through mysql-backup@daily.service"
in_machine systemctl start mariadb.service
in_machine mariadb <<'SQL'
CREATE DATABASE shop;
CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20));
INSERT INTO shop.items VALUES (1, 'one'), (2, 'two');
CREATE USER 'mysql-backup'@'localhost' IDENTIFIED VIA unix_socket;
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON shop.* TO 'mysql-backup'@'localhost';
GRANT SELECT ON mysql.proc TO 'mysql-backup'@'localhost';
SQL
# Edit the shipped example the way the comments in it say: set the two required keys.
in_machine sed -i -e 's|^#socket = .*|socket = /run/mysqld/mysqld.sock|' \
  -e 's|^#user = backup$|user = mysql-backup|' -e 's|^#database = .*|database = shop|' \
  /etc/mysql-backup/mysql_backup.conf
in_machine systemctl start mysql-backup@daily.service ||
  { in_machine journalctl -u mysql-backup@daily.service --no-pager -n 30 >&2; fail "the backup unit failed"; }
backup=$(in_machine sh -c 'ls /var/backup/mysql/daily/shop-daily-*.sql.gz 2>/dev/null' | head -n 1 || true)
[[ -n $backup ]] || fail "no backup in /var/backup/mysql/daily"
in_machine sh -c "cd /var/backup/mysql/daily && sha256sum -c --quiet '$(basename "$backup").sha256'" ||
  fail "sha256sum -c fails on '$backup'"
in_machine runuser -u mysql-backup -- mysql-backup --verify >/dev/null || fail "--verify fails"

# ---- the daemon without systemd, as the Dockerfile runs it ------------------------------------
step "mysql-backup --daemon in a container without systemd, stopped by SIGTERM"
daemon_dir=$work/daemon
mkdir -p "$daemon_dir/upper" "$daemon_dir/work" "$daemon_dir/root"
daemon_root=$daemon_dir/root
mount -t overlay overlay -o "lowerdir=$CACHE_DIR/rootfs-bookworm,upperdir=$daemon_dir/upper,workdir=$daemon_dir/work" "$daemon_root" ||
  { daemon_root=""; cp -a "$CACHE_DIR/rootfs-bookworm/." "$daemon_dir/root/"; }
daemon_root=${daemon_root:-$daemon_dir/root}
mkdir -p "$daemon_root/var/tmp/pkg" && cp "$deb" "$daemon_root/var/tmp/pkg/"
nspawn=(systemd-nspawn --quiet --register=no --keep-unit --private-network --machine="$MACHINE-daemon"
  --directory="$daemon_root")
"${nspawn[@]}" dpkg -i "$pkg" >"$work/daemon-install.log" 2>&1 ||
  { cat "$work/daemon-install.log" >&2; fail "dpkg -i without systemd failed"; }
cat >"$daemon_root/etc/mysql-backup/mysql_backup.conf" <<'CONF'
[database]
user = backup
password = unused
database = shop
CONF
"${nspawn[@]}" chgrp mysql-backup /etc/mysql-backup/mysql_backup.conf
# The daemon is PID 1 in this container, as in Docker; --kill-signal makes nspawn pass SIGTERM on.
"${nspawn[@]}" --kill-signal=SIGTERM --user=mysql-backup \
  /usr/bin/mysql-backup --config /etc/mysql-backup/mysql_backup.conf --daemon \
  >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 20); do  # up to 10 s to start and report its schedule
  [[ -s $work/daemon.log ]] && break
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; fail "the daemon exited on its own"; }
kill -TERM "$daemon_pid"
daemon_rc=0
for _ in $(seq 1 60); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$daemon_pid" 2>/dev/null; then
  kill -KILL "$daemon_pid"; fail "the daemon did not stop within 30 s of SIGTERM"
fi
wait "$daemon_pid" || daemon_rc=$?
[[ $daemon_rc -eq 0 ]] || { cat "$work/daemon.log" >&2; fail "the daemon exited $daemon_rc after SIGTERM"; }

# ---- purge -----------------------------------------------------------------------------------
step "purging"
in_machine dpkg --purge mysql-backup >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "purge failed"; }
in_machine test -e "$backup" || fail "the purge removed the backup '$backup'"
[[ -z $(in_machine systemctl list-unit-files --no-legend 'mysql-backup*') ]] || fail "units left after purge"
snapshot >"$work/after.txt"
# What may differ: the backups (kept on purpose) and the database the test made.
leftover=$(comm -13 "$work/before.txt" "$work/after.txt" | grep -v -e '^/var/backup$' -e '^/var/backup/mysql' || true)
[[ -z $leftover ]] || fail "left after purge: $leftover"
in_machine test ! -e /var/lib/systemd/timers/stamp-mysql-backup-daily.timer || fail "timer stamp left"

echo "OK: package installs, runs a backup, runs as a daemon, purges clean"
