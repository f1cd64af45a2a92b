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
# plus restore times of the mysql-backup outputs. Prints a table of wall time, CPU time, peak
# RSS, output size and each ratio to the bare dump; writes the same as JSON.
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
for p in time bc pigz zstd gzip; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done
builddir=${BUILDDIR:-build-bench}
[ -d "$builddir" ] || meson setup "$builddir" --buildtype=release >/dev/null
ninja -C "$builddir" >/dev/null
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

measure() {  # prints: wall cpu rss_kb
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" sh -c "$1" 2>"$work/stderr"; then
    echo "bench: failed: $1" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  fi
  read -r wall user sys rss < "$work/time"
  echo "$wall $(awk "BEGIN { printf \"%.2f\", $user + $sys }") $rss"
}

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
  ratio=$(awk "BEGIN { printf \"%.2f\", $wall / $bare }")
  printf '%-26s %9.2f %9.2f %7d MiB %8d MiB %7.2fx\n' "$name" "$wall" "$cpu" $((rss / 1024)) $((size / 1048576)) "$ratio"
  json+="$( [ "$json" = "[" ] || echo ,){\"pipeline\": \"$name\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_kb\": $rss, \"output_bytes\": $size, \"ratio_to_bare\": $ratio}"
done

echo >&2
for comp in gzip zstd; do
  rm -rf "$work/out"/*
  "$bin" -c "$work/$comp.conf" --backup-type daily >/dev/null
  file=$(ls "$work"/out/daily/*.sql.gz "$work"/out/daily/*.sql.zst 2>/dev/null || true)
  r=$(measure "$bin -c $work/$comp.conf --restore $file --target-database restored_$comp >/dev/null")
  read -r wall cpu rss <<< "$r"
  printf '%-26s %9.2f %9.2f %7d MiB\n' "restore ($comp)" "$wall" "$cpu" $((rss / 1024))
  json+=",{\"pipeline\": \"mysql-backup --restore ($comp)\", \"wall_s\": $wall, \"cpu_s\": $cpu, \"peak_rss_kb\": $rss}"
done

# Parallel restore (issue 17): the gzip backup restored with [restore] restore_threads = 1 and N,
# beside `mariadb < dump` of the same dump (uncompressed, as root). Printed only.
restore_threads_bench() {
  local file n r threads=(1 2)
  local cpus=$(( $(nproc) > 8 ? 8 : $(nproc) ))
  [ "$cpus" -gt 2 ] && threads+=("$cpus")
  rm -rf "$work/out"/*
  "$bin" -c "$work/gzip.conf" --backup-type daily >/dev/null
  file=$(ls "$work"/out/daily/*.sql.gz)
  sh -c "$dump" > "$work/plain.sql"
  sql -e "CREATE DATABASE plain_restore"
  r=$(measure "mariadb --no-defaults --socket=$SOCKET --user=root plain_restore < $work/plain.sql")
  rm -f "$work/plain.sql"
  local plain=${r%% *}
  printf '%-26s %9.2f %9s %10s %12s %7.2fx\n' "mariadb < dump" "$plain" "" "" "" 1
  for n in "${threads[@]}"; do
    sed "s/^\[restore\]\$/[restore]\nrestore_threads = $n/" "$work/gzip.conf" > "$work/rt$n.conf"
    r=$(measure "$bin -c $work/rt$n.conf --restore $file --target-database restored_rt$n >/dev/null")
    read -r wall cpu rss <<< "$r"
    printf '%-26s %9.2f %9.2f %7d MiB %12s %7.2fx\n' "restore, $n connection(s)" "$wall" "$cpu" \
      $((rss / 1024)) "" "$(awk "BEGIN { printf \"%.2f\", $wall / $plain }")"
  done
}
echo >&2
restore_threads_bench

json+="]"
dump_bytes=$(sh -c "$dump | wc -c")
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '{"machine": "%s", "dump_bytes": %s, "results": %s}\n' "$machine" "$dump_bytes" "$json" > "$out_json"
echo
echo "dump size: $((dump_bytes / 1048576)) MiB; machine: $machine; JSON: $out_json"
