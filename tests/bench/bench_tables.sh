#!/usr/bin/env bash
# Benchmark `iommuscope tables` against two named baselines over the same files:
#   1. grep -F -c '@ 0x'          finding the table headers     (target: ours <= 2x)
#   2. acpixtract -a + iasl -d    ACPICA's extract + disassemble of DMAR/IVRS (target: ours >= 100x faster)
# Runs alternate (ours, baseline, ours, baseline ...); medians of wall time and of
# CPU time (user+sys of the pipeline, far less noisy on a shared machine), both
# from bash's `time` keyword, and their ratios are printed.  Outputs are piped
# into wc -c (never /dev/null: GNU grep stops early when it sees /dev/null).
# Usage: tests/bench/bench_tables.sh [path/to/iommuscope] [DUMP_DIR...]   (RUNS=N, IASL_RUNS=N)
set -eu   # no pipefail: `tables` exits 1 when a dump has error diagnostics
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/cli/iommuscope}
[[ -x $bin ]] || { echo "bench_tables: no program at $bin" >&2; exit 2; }
shift || true
dirs=("$@")
[[ ${#dirs[@]} -gt 0 ]] || dirs=("$here/../shared/corpus/acpidump/full" "$here/../shared/corpus/acpidump/iommu")
files=()
for d in "${dirs[@]}"; do
  [[ -d $d ]] && while IFS= read -r f; do files+=("$f"); done < <(find "$d" -name '*.txt' | sort)
done
if [[ ${#files[@]} -eq 0 ]]; then echo "bench_tables: no dumps found (looked in ${dirs[*]})"; exit 0; fi
bytes=$(cat "${files[@]}" | wc -c)
runs=${RUNS:-11}
iasl_runs=${IASL_RUNS:-3}
echo "bench_tables: ${#files[@]} files, $bytes bytes; $runs alternating runs (iasl: $iasl_runs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ours() { "$bin" tables "${files[@]}" | wc -c >/dev/null; }
grepbase() { grep -F -c '@ 0x' "${files[@]}" | wc -c >/dev/null; }
iaslbase() {
  local i=0
  for f in "${files[@]}"; do
    i=$((i + 1)); mkdir -p "$tmp/x/$i"
    (cd "$tmp/x/$i" && acpixtract -a "$f" 2>&1 | wc -c >/dev/null
     for x in dmar.dat ivrs.dat; do [[ -f $x ]] && iasl -d "$x" 2>&1 | wc -c >/dev/null; done; true)
  done
  rm -rf "$tmp/x"
}
TIMEFORMAT='%3R %3U %3S'
run() { # run NAME LABEL: wall >> LABEL.wall, user+sys >> LABEL.cpu
  { time "$1"; } 2>"$tmp/t"
  awk '{print $1}' "$tmp/t" >>"$tmp/$2.wall"
  awk '{printf "%.3f\n", $2 + $3}' "$tmp/t" >>"$tmp/$2.cpu"
}
ours; grepbase # warm the page cache
for ((r = 0; r < runs; r++)); do run ours ours; run grepbase grep; done
for ((r = 0; r < iasl_runs; r++)); do run ours ours2; run iaslbase iasl; done
m() { median <"$tmp/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "inf" }'; }
printf 'iommuscope tables       wall median %8.4f s   CPU median %7.3f s\n' "$(m ours.wall)" "$(m ours.cpu)"
printf "grep -F -c '@ 0x'       wall median %8.4f s   CPU median %7.3f s\n" "$(m grep.wall)" "$(m grep.cpu)"
printf 'acpixtract + iasl -d    wall median %8.4f s   CPU median %7.3f s\n' "$(m iasl.wall)" "$(m iasl.cpu)"
printf 'ratio ours/grep: wall %sx, CPU %sx (target <= 2x)\n' "$(ratio "$(m ours.wall)" "$(m grep.wall)")" "$(ratio "$(m ours.cpu)" "$(m grep.cpu)")"
printf 'speed-up iasl/ours: wall %sx, CPU %sx (target >= 100x)\n' "$(ratio "$(m iasl.wall)" "$(m ours2.wall)")" "$(ratio "$(m iasl.cpu)" "$(m ours2.cpu)")"
