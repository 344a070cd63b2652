#!/usr/bin/env bash
# Benchmark `iommuscope tables` against two named baselines over the same files:
#   1. grep -F -c '@ 0x'          (just finding the table headers; target: ours <= 2x)
#   2. acpixtract -a + iasl -d    (ACPICA's extract + disassemble of DMAR/IVRS; target: ours >= 100x faster)
# Runs alternate (ours, baseline, ours, baseline ...); medians and ratios are printed.
# Outputs are piped into wc -c (never /dev/null: GNU grep stops early on /dev/null).
# Usage: tests/bench/bench_tables.sh [path/to/iommuscope] [DUMP_DIR...]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/cli/iommuscope}
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
echo "bench_tables: ${#files[@]} files, $bytes bytes; $runs alternating runs (iasl: $iasl_runs)"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ours() { "$bin" tables "${files[@]}" | wc -c >/dev/null; }
grepbase() { grep -F -c '@ 0x' "${files[@]}" | wc -c >/dev/null; }
iaslbase() {
  local t; t=$(mktemp -d)
  local i=0
  for f in "${files[@]}"; do
    i=$((i+1)); mkdir -p "$t/$i"
    (cd "$t/$i" && acpixtract -a "$f" 2>&1 | wc -c >/dev/null
     for x in dmar.dat ivrs.dat; do [[ -f $x ]] && iasl -d "$x" 2>&1 | wc -c >/dev/null; done; true)
  done
  rm -rf "$t"
}
timeit() { local a b; a=$(now); "$@"; b=$(now); awk -v a="$a" -v b="$b" "BEGIN{printf \"%.6f\\n\", b-a}"; }

ours; grepbase # warm the page cache
: >/tmp/bt.ours; : >/tmp/bt.grep; : >/tmp/bt.iasl; : >/tmp/bt.ours2
for ((r = 0; r < runs; r++)); do
  timeit ours >>/tmp/bt.ours
  timeit grepbase >>/tmp/bt.grep
done
for ((r = 0; r < iasl_runs; r++)); do
  timeit ours >>/tmp/bt.ours2
  timeit iaslbase >>/tmp/bt.iasl
done
mo=$(median </tmp/bt.ours); mg=$(median </tmp/bt.grep); mo2=$(median </tmp/bt.ours2); mi=$(median </tmp/bt.iasl)
printf 'iommuscope tables      median %8.4f s\n' "$mo"
printf 'grep -F -c "@ 0x"      median %8.4f s   ratio ours/grep = %.2fx (target <= 2x)\n' "$mg" "$(awk -v a="$mo" -v b="$mg" "BEGIN{print a/b}")"
printf 'acpixtract + iasl -d   median %8.4f s   speed-up iasl/ours = %.0fx (target >= 100x)\n' "$mi" "$(awk -v a="$mi" -v b="$mo2" "BEGIN{print a/b}")"
