#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark `iommuscope log` against `grep -cE 'DMAR|IOMMU|AMD-Vi|iommu'` on a
# >= 200 MB log built (in /tmp) by concatenating the real logs of
# ../shared/corpus/dmesg.  Runs alternate (ours, grep) RUNS times; prints the
# medians of wall time, their ratio (target <= 2x), the CPU-time medians and
# our peak RSS (target <= 16 MB).
# Usage: tests/bench/bench_log.sh path/to/iommuscope [RUNS]
set -euo pipefail
BIN=${1:?usage: bench_log.sh path/to/iommuscope [runs]}
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${IMS_SHARED_CORPUS:-$HERE/../../../shared/corpus}/dmesg
[ -d "$CORPUS" ] || { echo "no $CORPUS: skipping"; exit 77; }
BIG=$(mktemp /tmp/ims-bench-log.XXXXXX)
trap 'rm -f "$BIG"' EXIT
cat "$CORPUS"/*.log > "$BIG.one"
while [ "$(stat -c %s "$BIG")" -lt $((200 * 1024 * 1024)) ]; do cat "$BIG.one" >> "$BIG"; done
rm -f "$BIG.one"
SIZE=$(stat -c %s "$BIG")
echo "input: $SIZE bytes, $(wc -l < "$BIG") lines ($BIG)"
cat "$BIG" > /dev/null # warm the page cache
now() { date +%s.%N; }
# CPU time (user + sys) too: on a shared machine it is far less noisy than wall time
# cpu OUTFILE CMD...: runs CMD > OUTFILE, prints its user + sys seconds
cpu() { local out=$1; shift; /usr/bin/time -f '%U %S' -o /tmp/ims-bench-cpu.txt "$@" > "$out" || true
  awk '{print $1 + $2}' /tmp/ims-bench-cpu.txt; }
ours=(); base=(); ours_cpu=(); base_cpu=()
for i in $(seq "$RUNS"); do
  # both through bash -c, so each timing includes the same shell start-up
  t0=$(now); c=$(cpu /tmp/ims-bench-out.txt bash -c '"$0" log "$1"' "$BIN" "$BIG"); t1=$(now)
  ours+=("$(echo "$t1 - $t0" | bc -l)"); ours_cpu+=("$c")
  t0=$(now); c=$(cpu /tmp/ims-bench-grep.txt bash -c "grep -cE 'DMAR|IOMMU|AMD-Vi|iommu' '$BIG' | cat"); t1=$(now)
  base+=("$(echo "$t1 - $t0" | bc -l)"); base_cpu+=("$c")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mo=$(median "${ours[@]}"); mb=$(median "${base[@]}")
mco=$(median "${ours_cpu[@]}"); mcb=$(median "${base_cpu[@]}")
rss=$( { /usr/bin/time -v "$BIN" log "$BIG" > /dev/null; } 2>&1 | awk -F': ' '/Maximum resident set size/ {print $2}')
printf 'iommuscope log: median %.3f s (%s)\n' "$mo" "${ours[*]}"
printf 'grep -cE baseline: median %.3f s (%s), count %s\n' "$mb" "${base[*]}" "$(cat /tmp/ims-bench-grep.txt)"
printf 'ratio: %.2fx (target <= 2x)\n' "$(echo "$mo / $mb" | bc -l)"
printf 'CPU (user+sys) medians: ours %.2f s, grep %.2f s, ratio %.2fx\n' "$mco" "$mcb" "$(echo "$mco / $mcb" | bc -l)"
printf 'peak RSS: %s KiB (target <= 16384 KiB)\n' "$rss"
rm -f /tmp/ims-bench-out.txt /tmp/ims-bench-grep.txt /tmp/ims-bench-cpu.txt
