#!/usr/bin/env bash
# Benchmark `iommuscope batch --jobs 2` over the whole shared corpus against
# `cat` of the same files (target: ours <= 1.5x cat).  Runs alternate
# (ours, cat, ours, cat ...); medians and the ratio are printed.  Both outputs
# are piped into wc -c (never /dev/null).
# Usage: tests/bench/bench_batch.sh [path/to/iommuscope] [CORPUS_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/cli/iommuscope}
corpus=${2:-$here/../shared/corpus}
[[ -d $corpus ]] || { echo "bench_batch: no corpus at $corpus"; exit 0; }
mapfile -t files < <(find "$corpus" -type f \( -name '*.txt' -o -name '*.log' \) | sort)
bytes=$(cat "${files[@]}" | wc -c)
runs=${RUNS:-11}
echo "bench_batch: ${#files[@]} files, $bytes bytes; $runs alternating runs"
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ours() { "$bin" batch --jobs 2 --no-progress "$corpus" | wc -c >/dev/null; }
catbase() { cat "${files[@]}" | wc -c >/dev/null; }
timeit() { local a b; a=$(now); "$@"; b=$(now); awk -v a="$a" -v b="$b" 'BEGIN{printf "%.6f\n", b-a}'; }
ours; catbase # warm the page cache
o=$(mktemp); c=$(mktemp); trap 'rm -f "$o" "$c"' EXIT
for ((r = 0; r < runs; r++)); do
  timeit ours >>"$o"
  timeit catbase >>"$c"
done
mo=$(median <"$o"); mc=$(median <"$c")
printf 'iommuscope batch --jobs 2  median %8.4f s\n' "$mo"
printf 'cat | wc -c               median %8.4f s   ratio ours/cat = %.2fx (target <= 1.5x)\n' "$mc" \
  "$(awk -v a="$mo" -v b="$mc" 'BEGIN{print a/b}')"
