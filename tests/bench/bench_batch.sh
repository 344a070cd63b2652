#!/usr/bin/env bash
# Benchmark `iommuscope batch --jobs 2` over the whole shared corpus against
# `cat` of the same files (target: ours <= 1.5x cat).  Runs alternate
# (ours, cat, ours, cat ...); medians of wall time and their ratio are
# printed, and the medians of CPU time (user + sys of the whole pipeline:
# on a shared machine far less noisy than wall time), both measured by
# bash's `time` keyword.  Both outputs are piped into wc -c (never /dev/null).
# Usage: tests/bench/bench_batch.sh [path/to/iommuscope] [CORPUS_DIR]   (RUNS=N, JOBS=N)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/cli/iommuscope}
corpus=${2:-${IMS_SHARED_CORPUS:-$here/../shared/corpus}}
[[ -d $corpus ]] || { echo "bench_batch: no corpus at $corpus"; exit 0; }
mapfile -t files < <(find "$corpus" -type f \( -name '*.txt' -o -name '*.log' \) | sort)
bytes=$(cat "${files[@]}" | wc -c)
runs=${RUNS:-11}
jobs=${JOBS:-2}
echo "bench_batch: ${#files[@]} files, $bytes bytes; $runs alternating runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ours() { "$bin" batch --jobs "$jobs" --no-progress "$corpus" | wc -c >/dev/null; }
base() { cat "${files[@]}" | wc -c >/dev/null; }
# run NAME: times the pipeline with bash's `time` keyword (no extra process):
# wall seconds >> NAME.wall, user+sys seconds of the pipeline's processes >> NAME.cpu
TIMEFORMAT='%3R %3U %3S'
run() {
  { time "$1"; } 2>"$tmp/t"
  awk '{print $1}' "$tmp/t" >>"$tmp/$1.wall"
  awk '{printf "%.3f\n", $2 + $3}' "$tmp/t" >>"$tmp/$1.cpu"
}
ours; base # warm the page cache
for ((r = 0; r < runs; r++)); do
  run ours
  run base
done
mo=$(median <"$tmp/ours.wall"); mc=$(median <"$tmp/base.wall")
co=$(median <"$tmp/ours.cpu"); cc=$(median <"$tmp/base.cpu")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "inf" }'; }
printf 'iommuscope batch --jobs %s | wc -c   wall median %7.4f s   CPU (user+sys) median %6.3f s\n' "$jobs" "$mo" "$co"
printf 'cat FILES | wc -c                     wall median %7.4f s   CPU (user+sys) median %6.3f s\n' "$mc" "$cc"
printf 'ratio ours/cat: wall %sx (target <= 1.5x), CPU %sx\n' "$(ratio "$mo" "$mc")" "$(ratio "$co" "$cc")"
