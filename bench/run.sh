#!/bin/bash
# Benchmark: mysql-backup against the pipelines users would otherwise run, on the same data, on
# the same machine, in one go. Not part of the test suite.
#
#   bench/run.sh [--size-mb N] [--runs N] [--out FILE.json]
#
# Starts a private MariaDB (tests/support/mariadb.sh), generates a realistic dataset of about
# N MB of SQL (default 1000: sysbench-style tables, a wide mixed text/numeric table), then times
# (best of --runs, default 2):
#   mysqldump > /dev/null, mysqldump | gzip, mysqldump | pigz, mysqldump | zstd -T0,
#   mydumper (when installed), mysql-backup with gzip and with zstd (level 6 / 3),
# then restores of the same data, one run each: `mariadb < dump` (the reference), myloader from
# mydumper's folder, ours from the gzip and zstd backups on the default restore_threads, and from
# gzip on one connection. Prints a table of wall time, CPU time, peak RSS, output size and each
# ratio to the bare dump, then the ratios issue 17 sets goals in; writes the same as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

size_mb=1000
runs=2
out_json=bench/results.json
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) size_mb=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out_json=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--size-mb N] [--runs N] [--out FILE.json]" >&2; exit 64 ;;
  esac
done

scripts/install-deps.sh --runtime-only
for p in time bc pigz zstd gzip mydumper age; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done
builddir=${BUILDDIR:-build-bench}
[ -d "$builddir" ] || meson setup "$builddir" --buildtype=release >/dev/null
ninja -C "$builddir" src/mysql-backup >/dev/null  # the binary only, not every test
bin=$root/$builddir/src/mysql-backup

work=$(mktemp -d /tmp/mysql-backup-bench.XXXXXX)
cleanup() { tests/support/mariadb.sh stop "$work/db" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/db" "$work/out"
echo "bench: starting MariaDB in $work/db" >&2
MARIADB_SERVER_ARGS="--innodb-buffer-pool-size=2G --innodb-log-file-size=512M" \
  tests/support/mariadb.sh start "$work/db"
# shellcheck disable=SC1091
. "$work/db/env"
sql() { tests/support/mariadb.sh sql "$work/db" "$@"; }

# Rows per sysbench table so the dump is about size_mb: a sysbench row dumps to ~190 bytes, the
# wide table to ~1.2 KB a row and gets a fifth of the size.
tables=4
rows=$(( size_mb * 1000 * 1000 * 4 / 5 / tables / 190 ))
wide_rows=$(( size_mb * 1000 * 1000 / 5 / 1200 ))
echo "bench: generating $tables x $rows sysbench rows and $wide_rows wide rows (~${size_mb} MB of SQL)" >&2
sql -e "CREATE DATABASE bench"
for t in $(seq 1 $tables); do
  sql bench -e "
    CREATE TABLE sbtest$t (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY k_$t (k)) ENGINE=InnoDB;
    INSERT INTO sbtest$t SELECT seq, FLOOR(RAND(seq) * $rows),
      CONCAT_WS('-', LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'),
                     LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'),
                     LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'),
                     LPAD(FLOOR(RAND()*1e11), 11, '0')),
      CONCAT_WS('-', LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'),
                     LPAD(FLOOR(RAND()*1e11), 11, '0'), LPAD(FLOOR(RAND()*1e11), 11, '0'))
    FROM seq_1_to_$rows;"
done
sql bench -e "
  CREATE TABLE wide (id INT PRIMARY KEY, created DATETIME, amount DECIMAL(12,2), ratio DOUBLE,
    name VARCHAR(64), email VARCHAR(128), status ENUM('new','paid','shipped','returned'),
    notes TEXT, payload JSON) ENGINE=InnoDB;
  INSERT INTO wide SELECT seq, '2020-01-01' + INTERVAL (seq % 2000) DAY + INTERVAL seq SECOND,
    ROUND(RAND(seq) * 10000, 2), RAND(), CONCAT('customer ', seq % 50000),
    CONCAT('user', seq % 50000, '@example.org'), ELT(1 + seq % 4, 'new','paid','shipped','returned'),
    CONCAT('Order note ', seq, ': ', REPEAT(SUBSTRING(MD5(seq), 1, 16), 30 + seq % 20), ' it''s \"quoted\"'),
    JSON_OBJECT('seq', seq, 'tags', JSON_ARRAY('a', 'b', seq % 7), 'hash', SHA1(seq))
  FROM seq_1_to_$wide_rows;"

cat > "$work/gzip.conf" <<CONF
[database]
socket = $SOCKET
user = backup
password = S3cr3t pa\$\$ ;w0rd#"'\x
database = bench
[backup]
backup_dir = $work/out
compression = gzip
compression_level = 6
[restore]
user = restorer
password = r3st0re;pw
CONF
sed 's/^compression = gzip/compression = zstd/; s/^compression_level = 6/compression_level = 3/' \
  "$work/gzip.conf" > "$work/zstd.conf"
chmod 0640 "$work"/*.conf

# mysqldump with the same options mysql-backup uses by default, as root over the socket.
dump="mariadb-dump --no-defaults --socket=$SOCKET --user=root --single-transaction --routines --events --triggers --add-drop-table --extended-insert bench"

# The gzip engines side by side, and the cost of age encryption (issues 14 and 17). The default
# rows above use gzip_engine = auto (libdeflate).
add_engine_and_encryption_rows() {
  sed 's/^compression_level = 6/compression_level = 6\ngzip_engine = zlib/' "$work/gzip.conf" > "$work/zlib.conf"
  age-keygen -o "$work/age-key.txt" 2>/dev/null
  local recipient
  recipient=$(age-keygen -y "$work/age-key.txt")
  for c in gzip zstd; do
    { cat "$work/$c.conf"; printf '[encryption]\nrecipients = %s\n' "$recipient"; } > "$work/$c-age.conf"
  done
  chmod 0640 "$work"/*.conf
  add "mysql-backup gzip -6 zlib" "rm -rf $work/out/* && $bin -c $work/zlib.conf --backup-type daily >/dev/null" "$work/out"
  add "mysql-backup gzip -6 +age" "rm -rf $work/out/* && $bin -c $work/gzip-age.conf --backup-type daily >/dev/null" "$work/out"
  add "mysql-backup zstd -3 +age" "rm -rf $work/out/* && $bin -c $work/zstd-age.conf --backup-type daily >/dev/null" "$work/out"
}

# Restores to compare ours with: the plain dump through the client, and myloader from
# mydumper's folder (left by the "mydumper -c" row). Prints rows and appends to $json.
restore_reference_rows() {
  local r wall cpu rss
  sh -c "$dump > $work/plain.sql"
  sql -e "CREATE DATABASE restored_plain"
  r=$(measure "mariadb --no-defaults --socket=$SOCKET --user=root restored_plain < $work/plain.sql")
  read -r wall cpu rss <<< "$r"
  restore_wall[plain]=$wall
  printf '%-26s %9.2f %9.2f %7d MiB\n' "restore (mysql < dump)" "$wall" "$cpu" $((rss / 1024))
  json+=",{\"pipeline\": \"mysql < dump\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_kb\": $rss}"
  rm -f "$work/plain.sql"
  if [ -d "$work/myd" ]; then
    sql -e "CREATE DATABASE IF NOT EXISTS restored_myloader"
    r=$(measure "myloader --socket $SOCKET --user root -d $work/myd -B restored_myloader -o")
    read -r wall cpu rss <<< "$r"
    restore_wall[myloader]=$wall
    printf '%-26s %9.2f %9.2f %7d MiB\n' "restore (myloader)" "$wall" "$cpu" $((rss / 1024))
    json+=",{\"pipeline\": \"myloader\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_kb\": $rss}"
  fi
}

# The ratios the goals of issue 17 are stated in (wall time, lower is better).
print_ratios() {
  ratio() {  # name, numerator, denominator
    [ -n "${2:-}" ] && [ -n "${3:-}" ] || return 0
    printf '%-44s %6.2fx\n' "$1" "$(awk "BEGIN { print $2 / $3 }")"
  }
  echo
  ratio "gzip: ours / mysqldump | pigz -6" "${wall_of[mysql-backup gzip -6]:-}" "${wall_of[mysqldump | pigz -6]:-}"
  ratio "gzip: ours / mysqldump | gzip -6" "${wall_of[mysql-backup gzip -6]:-}" "${wall_of[mysqldump | gzip -6]:-}"
  ratio "gzip: libdeflate / zlib engine" "${wall_of[mysql-backup gzip -6]:-}" "${wall_of[mysql-backup gzip -6 zlib]:-}"
  ratio "zstd: ours / mysqldump | zstd -3 -T0" "${wall_of[mysql-backup zstd -3]:-}" "${wall_of[mysqldump | zstd -3 -T0]:-}"
  ratio "age: gzip +age / gzip" "${wall_of[mysql-backup gzip -6 +age]:-}" "${wall_of[mysql-backup gzip -6]:-}"
  ratio "age: zstd +age / zstd" "${wall_of[mysql-backup zstd -3 +age]:-}" "${wall_of[mysql-backup zstd -3]:-}"
  ratio "restore gzip: ours / mysql < dump" "${restore_wall[gzip]:-}" "${restore_wall[plain]:-}"
  ratio "restore zstd: ours / mysql < dump" "${restore_wall[zstd]:-}" "${restore_wall[plain]:-}"
  ratio "restore gzip, 1 connection / mysql < dump" "${restore_wall[gzip, 1 connection]:-}" "${restore_wall[plain]:-}"
  ratio "restore: myloader / mysql < dump" "${restore_wall[myloader]:-}" "${restore_wall[plain]:-}"
  ratio "restore gzip: ours / myloader" "${restore_wall[gzip]:-}" "${restore_wall[myloader]:-}"
}
declare -A wall_of restore_wall

# Three parallel lists: name, command (run by sh -c), output to size ('' for none).
names=() cmds=() outputs=()
add() { names+=("$1"); cmds+=("$2"); outputs+=("$3"); }
add "mysqldump > /dev/null" "$dump > /dev/null" ""
add "mysqldump | gzip -6" "$dump | gzip -6 > $work/d.sql.gz" "$work/d.sql.gz"
add "mysqldump | pigz -6" "$dump | pigz -6 > $work/d.sql.gz" "$work/d.sql.gz"
add "mysqldump | zstd -3 -T0" "$dump | zstd -q -3 -T0 > $work/d.sql.zst" "$work/d.sql.zst"
if command -v mydumper >/dev/null; then
  add "mydumper -c" "rm -rf $work/myd && mydumper --socket $SOCKET --user root -B bench -c -o $work/myd" "$work/myd"
fi
add "mysql-backup gzip -6" "rm -rf $work/out/* && $bin -c $work/gzip.conf --backup-type daily >/dev/null" "$work/out"
add "mysql-backup zstd -3" "rm -rf $work/out/* && $bin -c $work/zstd.conf --backup-type daily >/dev/null" "$work/out"
add_engine_and_encryption_rows

measure() {  # prints: wall cpu rss_kb
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" sh -c "$1" 2>"$work/stderr"; then
    echo "bench: failed: $1" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  fi
  read -r wall user sys rss < "$work/time"
  echo "$wall $(awk "BEGIN { printf \"%.2f\", $user + $sys }") $rss"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: warming up (one bare dump)" >&2
sh -c "$dump > /dev/null"
printf '%-26s %9s %9s %10s %12s %8s\n' "pipeline" "wall s" "cpu s" "peak RSS" "output" "x bare"
json="["
bare=""
for i in "${!names[@]}"; do
  name=${names[$i]} cmd=${cmds[$i]} output=${outputs[$i]}
  best=""
  for _ in $(seq 1 "$runs"); do
    r=$(measure "$cmd")
    if [ -z "$best" ] || [ "$(echo "${r%% *} < ${best%% *}" | bc)" = 1 ]; then best=$r; fi
  done
  read -r wall cpu rss <<< "$best"
  size=0
  [ -n "$output" ] && size=$(du -sb "$output" | cut -f1)
  [ -z "$bare" ] && bare=$wall
  wall_of[$name]=$wall
  ratio=$(awk "BEGIN { printf \"%.2f\", $wall / $bare }")
  printf '%-26s %9.2f %9.2f %7d MiB %8d MiB %7.2fx\n' "$name" "$wall" "$cpu" $((rss / 1024)) $((size / 1048576)) "$ratio"
  json+="$( [ "$json" = "[" ] || echo ,){\"pipeline\": \"$name\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_kb\": $rss, \"output_bytes\": $size, \"ratio_to_bare\": $ratio}"
done

# Our restores of the backups above: gzip and zstd with restore_threads at its default (the
# CPUs, at most 8), and gzip on one connection (today's serial path). One run each.
our_restore_rows() {
  local comp name conf file r wall cpu rss
  for row in "gzip:gzip" "zstd:zstd" "gzip, 1 connection:gzip-serial"; do
    name=${row%%:*} conf=${row#*:}
    comp=${conf%%-*}
    if [ "$conf" = gzip-serial ]; then
      sed "s/^\[restore\]\$/[restore]\nrestore_threads = 1/" "$work/gzip.conf" > "$work/gzip-serial.conf"
      chmod 0640 "$work/gzip-serial.conf"
    fi
    rm -rf "$work/out"/*
    "$bin" -c "$work/$comp.conf" --backup-type daily >/dev/null
    file=$(ls "$work"/out/daily/*.sql.gz "$work"/out/daily/*.sql.zst 2>/dev/null || true)
    local db="restored_${conf//-/_}"
    r=$(measure "$bin -c $work/$conf.conf --restore $file --target-database $db >/dev/null")
    read -r wall cpu rss <<< "$r"
    restore_wall[$name]=$wall
    printf '%-26s %9.2f %9.2f %7d MiB\n' "restore ($name)" "$wall" "$cpu" $((rss / 1024))
    json+=",{\"pipeline\": \"mysql-backup --restore ($name)\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_kb\": $rss}"
  done
}

echo >&2
restore_reference_rows
our_restore_rows
print_ratios
json+="]"
dump_bytes=$(sh -c "$dump | wc -c")
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '{"machine": "%s", "dump_bytes": %s, "results": %s}\n' "$machine" "$dump_bytes" "$json" > "$out_json"
echo
echo "dump size: $((dump_bytes / 1048576)) MiB; machine: $machine; JSON: $out_json"
