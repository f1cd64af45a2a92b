#!/bin/bash
# A throwaway Debian bookworm machine booted by real systemd, for the end-to-end tests of the
# units, timers, journal fields and OnFailure= handling. The root file system is made once with
# debootstrap and cached; each machine boots from an overlay on top of that cache (or a copy where
# overlayfs is not available), so a test can trash its machine freely and a later boot starts
# clean. systemd-machined is not required: the host may not run systemd at all (CI containers),
# so commands reach the machine through nsenter into its PID 1's namespaces.
#
# Usage: systemd_container.sh build-rootfs
#        systemd_container.sh boot NAME
#        systemd_container.sh exec NAME CMD [ARG...]
#        systemd_container.sh install NAME BUILD_DIR
#        systemd_container.sh root NAME          (prints the machine's root directory)
#        systemd_container.sh stop NAME
#
# Environment: MYSQL_BACKUP_TEST_CACHE (default /var/cache/mysql-backup-test), DEBIAN_MIRROR
# (default: the first bookworm mirror in this host's apt sources), BOOT_TIMEOUT (seconds, 180).
set -euo pipefail

readonly SUITE=bookworm
readonly CACHE_DIR=${MYSQL_BACKUP_TEST_CACHE:-/var/cache/mysql-backup-test}
readonly ROOTFS=$CACHE_DIR/rootfs-$SUITE
readonly MACHINES_DIR=$CACHE_DIR/machines
readonly BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}
# What the machine needs: systemd itself, a database server, and the run-time libraries of the
# mysql-backup binary built on a bookworm host (it is installed from the host's build dir).
readonly PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,mariadb-server,mariadb-client,libssl3,zlib1g,libzstd1,libdeflate0,libcurl4,libinih1,libstdc++6,gzip,pigz,zstd,procps
# Bump to force a rebuild of caches made by an older version of this script.
readonly ROOTFS_FORMAT=1

die() { echo "systemd_container: $*" >&2; exit 1; }
log() { echo "systemd_container: $*" >&2; }

# Installs the Debian packages providing the named commands when they are missing.
need_commands() {
  local missing=()
  local cmd pkg
  for spec in "$@"; do
    cmd=${spec%%:*}
    pkg=${spec#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]} and not root to install them"
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
    { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
}

# The first Debian mirror in the host's apt sources that serves $SUITE, in either format.
debian_mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local f uri
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    uri=$(awk -v s="$SUITE" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++;
          if ($2 ~ /^\[/) i++; if ($(i + 1) == s) { print $i; exit } }' "$f")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    # deb822 stanzas are separated by blank lines; pick one whose Suites has $SUITE itself.
    uri=$(awk -v s="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
          { u = ""; ok = 0
            for (i = 1; i <= NF; i++) {
              if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); u = a[2] }
              if ($i ~ /^Suites:/) { n = split($i, b, /[ \t]+/); for (j = 2; j <= n; j++) if (b[j] == s) ok = 1 }
            }
            if (ok && u != "") { print u; exit } }' "$f")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  echo http://deb.debian.org/debian
}

rootfs_stamp() { echo "format=$ROOTFS_FORMAT packages=$PACKAGES"; }

cmd_build_rootfs() {
  [[ $(id -u) -eq 0 ]] || die "build-rootfs needs root"
  need_commands debootstrap:debootstrap systemd-nspawn:systemd-container nsenter:util-linux
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/.lock"
  flock 9  # two test runs must not debootstrap into the same cache at once
  if [[ -f $ROOTFS/.mysql-backup-test-stamp && $(cat "$ROOTFS/.mysql-backup-test-stamp") == "$(rootfs_stamp)" ]]; then
    log "reusing $ROOTFS"
    return 0
  fi
  local mirror tmp
  mirror=$(debian_mirror)
  tmp=$CACHE_DIR/rootfs-$SUITE.new
  rm -rf "$tmp"
  mkdir -p "$CACHE_DIR/debs"
  log "debootstrap $SUITE from $mirror into $tmp (a few minutes, once)"
  # A policy-rc.d keeps package scripts from starting mariadbd inside the chroot, where it would
  # outlive debootstrap.
  mkdir -p "$tmp/usr/sbin"
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
  chmod 755 "$tmp/usr/sbin/policy-rc.d"
  debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE_DIR/debs" \
    "$SUITE" "$tmp" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 ||
    { tail -n 30 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"; }
  rm -f "$tmp/usr/sbin/policy-rc.d"
  # Nothing in the machine waits for a network or a login on a console.
  chroot "$tmp" systemctl mask --quiet console-getty.service getty@tty1.service \
    systemd-networkd-wait-online.service 2>/dev/null || true
  : >"$tmp/etc/machine-id"  # a fresh id at each boot
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
  rootfs_stamp >"$tmp/.mysql-backup-test-stamp"
  rm -rf "$ROOTFS"
  mv "$tmp" "$ROOTFS"
  log "rootfs ready: $ROOTFS"
}

machine_dir() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || die "bad machine name '$1'"
  echo "$MACHINES_DIR/$1"
}

# The machine's PID 1 as the host sees it: the child of nspawn that lives in another PID namespace.
find_leader() {
  local dir=$1 nspawn_pid p
  nspawn_pid=$(cat "$dir/nspawn.pid" 2>/dev/null) || return 1
  for p in $(ps -o pid= --ppid "$nspawn_pid" 2>/dev/null); do
    if [[ $(readlink "/proc/$p/ns/pid" 2>/dev/null) != "$(readlink /proc/self/ns/pid)" ]] &&
       grep -qE '^NSpid:.*[[:space:]]1$' "/proc/$p/status" 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

leader_of() {
  local dir leader
  dir=$(machine_dir "$1")
  [[ -f $dir/nspawn.pid ]] || die "machine '$1' is not running"
  leader=$(find_leader "$dir") || die "machine '$1' has no PID 1 (nspawn died? see $dir/console.log)"
  echo "$leader"
}

run_in() {
  local leader=$1
  shift
  # A clean environment: nothing of the host's (or the test runner's) leaks into the machine.
  nsenter -t "$leader" -m -u -i -n -p -C -r -w \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 TERM=dumb SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

# Removes what machines of earlier, killed runs left behind: a dead nspawn's overlay and files.
collect_stale_machines() {
  local d pid
  for d in "$MACHINES_DIR"/*/; do
    [[ -d $d ]] || continue
    pid=$(cat "$d/nspawn.pid" 2>/dev/null) || pid=""
    # Without a pid file the machine may be booting right now in another run: give it time.
    if [[ -z $pid ]] && (($(date +%s) - $(stat -c %Y "$d") < 300)); then continue; fi
    if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
      log "removing stale machine $(basename "$d")"
      cmd_stop "$(basename "$d")" || true
    fi
  done
}

cmd_boot() {
  local name=$1 dir root
  [[ $(id -u) -eq 0 ]] || die "boot needs root"
  dir=$(machine_dir "$name")
  collect_stale_machines
  [[ -d $ROOTFS ]] || cmd_build_rootfs
  if [[ -e $dir ]]; then cmd_stop "$name" 2>/dev/null || true; fi
  mkdir -p "$dir/upper" "$dir/work" "$dir/root"
  root=$dir/root
  if ! mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$dir/upper,workdir=$dir/work" "$root" 2>/dev/null; then
    log "overlayfs not available, copying the rootfs"
    cp -a "$ROOTFS/." "$root/"
  fi
  # --register=no --keep-unit: neither machined nor a systemd may run on the host. --private-network: the machine sees only
  # its own loopback. The console log helps when the boot fails.
  setsid systemd-nspawn --quiet --boot --directory="$root" --machine="$name" --register=no --keep-unit \
    --private-network --console=read-only --link-journal=no --resolv-conf=off --timezone=off \
    </dev/null >"$dir/console.log" 2>&1 &
  echo $! >"$dir/nspawn.pid"
  local deadline=$((SECONDS + BOOT_TIMEOUT)) leader="" state=""
  while ((SECONDS < deadline)); do
    if ! kill -0 "$(cat "$dir/nspawn.pid")" 2>/dev/null; then
      tail -n 40 "$dir/console.log" >&2
      die "systemd-nspawn exited during boot"
    fi
    if [[ -z $leader ]]; then leader=$(find_leader "$dir") || leader=""; fi
    if [[ -n $leader ]]; then
      state=$(run_in "$leader" systemctl is-system-running 2>/dev/null) || true
      case $state in
        running | degraded)
          log "machine '$name' is up ($state, PID 1 = host pid $leader)"
          return 0 ;;
      esac
    fi
    sleep 1
  done
  tail -n 40 "$dir/console.log" >&2
  die "machine '$name' did not finish booting in ${BOOT_TIMEOUT}s (last state '${state}')"
}

cmd_exec() {
  local name=$1
  shift
  run_in "$(leader_of "$name")" "$@"
}

cmd_root() { echo "$(machine_dir "$1")/root"; }

cmd_install() {
  local name=$1 build_dir=$2 leader root
  leader=$(leader_of "$name")
  root=$(cmd_root "$name")
  meson install -C "$build_dir" --no-rebuild --quiet --destdir "$root" >&2
  run_in "$leader" systemd-sysusers
  run_in "$leader" systemd-tmpfiles --create --prefix=/var/backup --prefix=/var/log/mysql-backup
  run_in "$leader" systemctl daemon-reload
  run_in "$leader" journalctl --update-catalog
}

cmd_stop() {
  local name=$1 dir pid i
  dir=$(machine_dir "$name")
  [[ -d $dir ]] || return 0
  pid=$(cat "$dir/nspawn.pid" 2>/dev/null) || pid=""
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    # SIGTERM makes nspawn ask the machine's systemd for a clean poweroff.
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  if mountpoint -q "$dir/root"; then umount "$dir/root" || umount -l "$dir/root"; fi
  rm -rf "$dir"
}

main() {
  local cmd=${1:-}
  shift || true
  case $cmd in
    build-rootfs) cmd_build_rootfs ;;
    boot) [[ $# -eq 1 ]] || die "usage: boot NAME"; cmd_boot "$1" ;;
    exec) [[ $# -ge 2 ]] || die "usage: exec NAME CMD..."; cmd_exec "$@" ;;
    install) [[ $# -eq 2 ]] || die "usage: install NAME BUILD_DIR"; cmd_install "$1" "$2" ;;
    root) [[ $# -eq 1 ]] || die "usage: root NAME"; cmd_root "$1" ;;
    stop) [[ $# -eq 1 ]] || die "usage: stop NAME"; cmd_stop "$1" ;;
    *) sed -n '10,16p' "$0" >&2; exit 64 ;;
  esac
}

main "$@"
