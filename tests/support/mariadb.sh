#!/bin/bash
# A throwaway MariaDB server for tests, the demo and the benchmark.
#
#   mariadb.sh start DIR [PORT]   install-db into DIR/data, start mariadbd, create the accounts;
#                                 on success prints nothing and writes DIR/env (KEY=value lines:
#                                 SOCKET, PORT, DATADIR, PIDFILE, LOG)
#   mariadb.sh stop DIR           shut it down (politely, then by signal); no-op when not running
#   mariadb.sh sql DIR [DB] [mariadb client args...]
#                                 the client as root over the private socket, e.g.
#                                 `mariadb.sh sql DIR awkward < file` or `mariadb.sh sql DIR -e 'SQL'`
#
# The server listens on DIR/mysqld.sock and on 127.0.0.1:PORT only (a free port is picked when
# none is given). It reads no option file (--no-defaults), so the system's MariaDB, if any, is
# neither used nor disturbed. Root logs in without a password, which is safe only because DIR is
# private (mode 0700) and root can use the socket alone.
#
# Accounts made by `start` (passwords from the environment, defaults shown):
#   backup@localhost, backup@127.0.0.1    MARIADB_BACKUP_PASSWORD  S3cr3t pa$$ ;w0rd#"'\x
#       the least mariadb-dump --single-transaction --routines --events --triggers needs
#   restorer@localhost, restorer@127.0.0.1  MARIADB_RESTORE_PASSWORD  r3st0re;pw
#       everything, on every database (a restore recreates DEFINERs)
#
# Environment: MARIADB_START_TIMEOUT (seconds, default 60), MARIADB_SERVER_ARGS (extra mariadbd
# options, split on spaces), MARIADB_OWNER_PID (when set, a watchdog stops the server once that
# process is gone, so a crashed test cannot leave a server behind), MARIADB_NO_TEMPLATE (when
# set, always run mariadb-install-db instead of copying the datadir it made last time, kept in
# $TMPDIR/mysql-backup-mariadb-template-*).
set -euo pipefail

readonly kDefaultBackupPassword='S3cr3t pa$$ ;w0rd#"'"'"'\x'
readonly kDefaultRestorePassword='r3st0re;pw'
kSelf=$(readlink -f "$0")
readonly kSelf

die() {
  echo "mariadb.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: mariadb.sh start DIR [PORT] | stop DIR | sql DIR [DB] [client args...]" >&2
  exit 64
}

# mariadbd lives in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

ensure_installed() {
  local missing=0 tool
  for tool in mariadbd mariadb-install-db mariadb mariadb-admin mariadb-dump; do
    command -v "$tool" >/dev/null || missing=1
  done
  ((missing)) || return 0
  [[ $(id -u) -eq 0 ]] || die "MariaDB is not installed; run as root to install it, or: apt-get install mariadb-server mariadb-client"
  echo "mariadb.sh: installing mariadb-server and mariadb-client" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q mariadb-server mariadb-client >&2; then
    apt-get update -q >&2
    apt-get install -y -q mariadb-server mariadb-client >&2
  fi
  command -v mariadbd >/dev/null || die "mariadbd still missing after installing mariadb-server"
}

# True while `pid` runs. A zombie counts as gone: when nobody reaps the reparented server (a
# container's PID 1 may not), kill -0 would succeed on it forever.
is_alive() {
  local pid=$1 state
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z && $state != X ]]
}

# Paths go into DIR/env unquoted and into option values; keep them plain.
absolute_dir() {
  local dir=$1
  [[ -n $dir ]] || usage
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  [[ $dir =~ ^[A-Za-z0-9._/+@:,=-]+$ ]] || die "'$dir': use a directory path without spaces or quotes"
  echo "$dir"
}

# Any TCP port on 127.0.0.1 that nobody listens on, below Linux's ephemeral range so outgoing
# connections cannot take it meanwhile. Bind races are handled by retrying the start.
pick_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((10000 + (RANDOM * 32768 + RANDOM) % 22000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

# A single-quoted SQL string literal (backslash escapes are on: the default sql_mode).
sql_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\'/\\\'}
  printf "'%s'" "$s"
}

root_client() {
  local dir=$1
  shift
  mariadb --no-defaults --default-character-set=utf8mb4 --user=root \
    --socket="$dir/mysqld.sock" "$@"
}

server_options() {
  local dir=$1
  # Throwaway data: skip the durability work (it only slows loading), and mirror Debian's
  # server defaults (utf8mb4) since --no-defaults drops /etc/mysql/mariadb.conf.d.
  echo "--datadir=$dir/data --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0"
  echo "--innodb-log-file-size=16M --innodb-buffer-pool-size=64M --skip-log-bin"
  echo "--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci"
  echo "--skip-name-resolve"
  [[ $(id -u) -ne 0 ]] || echo "--user=root"
  echo "${MARIADB_SERVER_ARGS:-}"
}

# Where a pristine datadir made with the same server and options is kept: copying it takes a
# fraction of a second, install-db a few (many more on a busy machine).
template_dir() {
  local key
  key=$({ mariadbd --version; server_options /dir; id -u; } | md5sum | cut -c1-16)
  echo "${TMPDIR:-/tmp}/mysql-backup-mariadb-template-$(id -u)-$key"
}

init_datadir() {
  local dir=$1 template tmp
  # A datadir is reused (a restart) only when install-db finished with it.
  [[ -f $dir/install-db.done ]] && return 0
  rm -rf "$dir/data"
  template=$(template_dir)
  if [[ -z ${MARIADB_NO_TEMPLATE:-} && -O $template && -f $template/done ]]; then
    if cp -a "$template/data" "$dir/data"; then
      touch "$dir/install-db.done"
      return 0
    fi
    rm -rf "$dir/data"
  fi
  # --force skips install-db's look-up of the host name (and of localhost): a minimal machine or
  # container without an /etc/hosts entry must still get its throwaway server, which with
  # --skip-name-resolve never needs a name.
  # shellcheck disable=SC2046  # server_options is a word list by design
  if ! mariadb-install-db --no-defaults $(server_options "$dir") --force \
      --auth-root-authentication-method=normal --skip-test-db \
      >"$dir/install-db.log" 2>&1; then
    # Its errors come first, followed by a page of generic advice.
    grep -m 20 ERROR "$dir/install-db.log" >&2 || tail -n 30 "$dir/install-db.log" >&2
    die "mariadb-install-db failed (log: '$dir/install-db.log')"
  fi
  touch "$dir/install-db.done"
  # Publish the template by rename, so a concurrent start sees all of it or nothing.
  if [[ -z ${MARIADB_NO_TEMPLATE:-} ]] && tmp=$(mktemp -d "$template.XXXXXX"); then
    if ! { cp -a "$dir/data" "$tmp/data" && touch "$tmp/done" && mv -T "$tmp" "$template"; } \
        2>/dev/null; then
      rm -rf "$tmp"
    fi
  fi
}

# Starts mariadbd on `port`; returns 0 when it answers, 2 when the port was taken, dies otherwise.
launch() {
  local dir=$1 port=$2 timeout=${MARIADB_START_TIMEOUT:-60} pid deadline
  : >"$dir/mariadbd.log"
  rm -f "$dir/mariadbd.pid"
  # stdin/stdout/stderr go to files: a server holding the caller's pipes open would make the
  # caller wait for EOF forever. It stays in the caller's process group on purpose, so a test
  # runner that kills the group on timeout takes the server with it.
  # shellcheck disable=SC2046
  mariadbd --no-defaults $(server_options "$dir") \
    --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadbd.log" \
    </dev/null >>"$dir/mariadbd.out" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/mariadbd.pid.launcher"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! is_alive "$pid"; then
      if grep -q -e 'Address already in use' -e 'Do you already have another' "$dir/mariadbd.log"; then
        return 2
      fi
      tail -n 30 "$dir/mariadbd.log" >&2
      die "mariadbd exited during startup (log: '$dir/mariadbd.log')"
    fi
    if [[ -S $dir/mysqld.sock ]] &&
        mariadb-admin --no-defaults --user=root --socket="$dir/mysqld.sock" \
          --connect-timeout=2 ping >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  tail -n 30 "$dir/mariadbd.log" >&2
  kill -KILL "$pid" 2>/dev/null || true
  die "mariadbd did not answer within ${timeout}s (log: '$dir/mariadbd.log')"
}

create_accounts() {
  local dir=$1 backup_pw restore_pw host
  backup_pw=$(sql_string "${MARIADB_BACKUP_PASSWORD-$kDefaultBackupPassword}")
  restore_pw=$(sql_string "${MARIADB_RESTORE_PASSWORD-$kDefaultRestorePassword}")
  {
    # install-db's password-less root also answers on TCP; keep it to the private socket.
    echo "DELETE FROM mysql.global_priv WHERE User IN ('root', '') AND Host <> 'localhost';"
    echo "DELETE FROM mysql.global_priv WHERE User = '';"
    echo "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';"
    echo "FLUSH PRIVILEGES;"
    for host in localhost 127.0.0.1; do
      echo "CREATE OR REPLACE USER 'backup'@'$host' IDENTIFIED BY $backup_pw;"
      # Found by trying on 10.11: SELECT (tables, and mysql.proc for routine bodies: there is
      # no SHOW CREATE ROUTINE privilege before 11.3), SHOW VIEW, EVENT (else the dump fails),
      # TRIGGER (else the dump silently leaves the triggers out!), EXECUTE (else a view that
      # calls a stored function cannot be dumped). --single-transaction needs no LOCK TABLES,
      # RELOAD or PROCESS.
      echo "GRANT SELECT, SHOW VIEW, EVENT, TRIGGER, EXECUTE ON *.* TO 'backup'@'$host';"
      echo "CREATE OR REPLACE USER 'restorer'@'$host' IDENTIFIED BY $restore_pw;"
      echo "GRANT ALL PRIVILEGES ON *.* TO 'restorer'@'$host';"
    done
  } | root_client "$dir"
}

start_watchdog() {
  local dir=$1 owner=${MARIADB_OWNER_PID:-} server
  [[ -n $owner ]] || return 0
  server=$(cat "$dir/mariadbd.pid.launcher")
  (
    exec </dev/null >/dev/null 2>&1
    while is_alive "$owner" && is_alive "$server"; do sleep 1; done
    if is_alive "$server"; then "$kSelf" stop "$dir"; fi
  ) &
  echo $! >"$dir/watchdog.pid"
}

cmd_start() {
  local dir port=${2:-} explicit_port=1 attempt rc
  dir=$(absolute_dir "${1:-}")
  chmod 0700 "$dir"
  (( ${#dir} + 12 < 108 )) || die "'$dir/mysqld.sock': path too long for a Unix socket"
  [[ -n $port ]] || explicit_port=0
  [[ -z $port || $port =~ ^[0-9]+$ ]] || die "'$port': not a port number"
  if [[ -f $dir/mariadbd.pid.launcher ]] && is_alive "$(cat "$dir/mariadbd.pid.launcher")"; then
    die "a server already runs in '$dir'; stop it first"
  fi
  ensure_installed
  init_datadir "$dir"
  for attempt in 1 2 3 4 5; do
    ((explicit_port)) || port=$(pick_port)
    rc=0
    launch "$dir" "$port" || rc=$?
    ((rc == 2)) || break
    ((explicit_port == 0)) || die "port $port on 127.0.0.1 is in use"
  done
  ((rc == 0)) || die "no free port after $attempt attempts"
  if ! create_accounts "$dir"; then
    cmd_stop "$dir"
    die "cannot create the backup and restorer accounts"
  fi
  start_watchdog "$dir"
  {
    echo "SOCKET=$dir/mysqld.sock"
    echo "PORT=$port"
    echo "DATADIR=$dir/data"
    echo "PIDFILE=$dir/mariadbd.pid"
    echo "LOG=$dir/mariadbd.log"
  } >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
}

cmd_stop() {
  local dir pid deadline
  [[ -n ${1:-} && -d $1 ]] || return 0
  dir=$(cd "$1" && pwd -P)
  pid=$(cat "$dir/mariadbd.pid.launcher" 2>/dev/null || cat "$dir/mariadbd.pid" 2>/dev/null || true)
  if [[ -f $dir/watchdog.pid ]]; then
    local watchdog
    watchdog=$(cat "$dir/watchdog.pid")
    # Not when the watchdog itself is what called us.
    [[ $watchdog == "$PPID" ]] || kill "$watchdog" 2>/dev/null || true
    rm -f "$dir/watchdog.pid"
  fi
  rm -f "$dir/env"
  is_alive "$pid" || return 0
  # mariadb-admin waits for the server to finish; a server stuck shutting down gets signals.
  timeout 30 mariadb-admin --no-defaults --user=root --socket="$dir/mysqld.sock" \
    --connect-timeout=2 shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 30))
  while is_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  if is_alive "$pid"; then
    echo "mariadb.sh: mariadbd ($pid) ignored shutdown for 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while is_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  fi
  rm -f "$dir/mariadbd.pid.launcher"
}

cmd_sql() {
  local dir=${1:-}
  [[ -n $dir ]] || usage
  shift
  [[ -S $dir/mysqld.sock ]] || die "no server runs in '$dir'"
  # A first argument that is not an option names the database.
  if [[ $# -gt 0 && $1 != -* ]]; then
    local db=$1
    shift
    root_client "$dir" "$@" "$db"
  else
    root_client "$dir" "$@"
  fi
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  sql) shift; cmd_sql "$@" ;;
  *) usage ;;
esac
