#!/bin/sh
# Compression alone, without mysqldump or a disk: times our compressors (bench/compress_bench)
# against gzip, pigz and zstd on the same dump-like input, best of N by wall time, with CPU time,
# peak RSS and output size. Input comes from the page cache, output goes to /dev/null.
#
#   bench/compress_bench.sh BUILD_DIR [SIZE (default 500M)] [RUNS (default 3)] [THREADS (default 2)]
#
# Generates $TMPDIR/compress_bench_input.sql once (deterministic) and leaves it for the next run.
set -eu

build=${1:?usage: compress_bench.sh BUILD_DIR [SIZE] [RUNS] [THREADS]}
size=${2:-500M}
runs=${3:-3}
threads=${4:-2}
bench="$build/bench/compress_bench"
input="${TMPDIR:-/tmp}/compress_bench_input_$size.sql"

for tool in gzip pigz zstd; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y "$tool" >/dev/null; else echo "missing $tool" >&2; exit 1; fi
  fi
done
[ -x /usr/bin/time ] || apt-get install -y time >/dev/null

[ -s "$input" ] || "$bench" --generate="$size" >"$input"
cat "$input" >/dev/null  # into the page cache
bytes=$(stat -c %s "$input")

# name, then the command; stdin is the input, stdout goes to a counter.
run() {
  name=$1
  shift
  best=""
  for _ in $(seq "$runs"); do
    out=$(/usr/bin/time -f "%e %U %S %M" "$@" <"$input" 2>&1 >/dev/null | tail -1)
    wall=${out%% *}
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$out
    fi
  done
  outsize=$("$@" <"$input" 2>/dev/null | wc -c)
  echo "$best" | awk -v n="$name" -v b="$bytes" -v o="$outsize" '{
    printf "%-28s %7.2f s %7.1f MB/s  cpu %6.2f s  rss %6.1f MiB  out %11d B  ratio %.4f\n",
      n, $1, b / 1e6 / $1, $2 + $3, $4 / 1024, o, o / b }'
}

echo "input: $bytes bytes of dump-like SQL; best of $runs; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run "gzip -6" gzip -6 -c
run "pigz -6 -p$threads" pigz -6 -p "$threads" -c
run "ours gzip 6 x1 zlib" "$bench" --algorithm=gzip --engine=zlib --level=6 --threads=1 --output
run "ours gzip 6 x$threads zlib" "$bench" --algorithm=gzip --engine=zlib --level=6 --threads="$threads" --output
run "ours gzip 6 x1 libdeflate" "$bench" --algorithm=gzip --engine=libdeflate --level=6 --threads=1 --output
run "ours gzip 6 x$threads" "$bench" --algorithm=gzip --level=6 --threads="$threads" --output
run "ours gzip 6 x$threads +sha256" "$bench" --algorithm=gzip --level=6 --threads="$threads" --sha256 --output
run "zstd -3 -T$threads" zstd -3 -T"$threads" -c
run "ours zstd 3 x$threads" "$bench" --algorithm=zstd --level=3 --threads="$threads" --output
run "ours zstd 3 x$threads +sha256" "$bench" --algorithm=zstd --level=3 --threads="$threads" --sha256 --output
run "sha256 (openssl EVP)" "$bench" --sha256-only --output
