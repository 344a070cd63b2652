#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bounded fuzz smoke run (called by .ci/test).  Builds every harness for
# libFuzzer (clang -fsanitize=fuzzer,address,undefined) in build-fuzz/ and for
# AFL++ (afl-clang-fast, persistent mode, ASan+UBSan) in build-afl/, then runs
# each from the generated seeds for a bounded time, $IMS_FUZZ_JOBS at a time.
# Any crash, sanitizer report, leak or timeout fails the run; the reproducer
# is kept under build-fuzz/findings/ and printed.
#
# Environment:
#   IMS_FUZZ_SECONDS  libFuzzer seconds per harness   (default 60)
#   IMS_AFL_SECONDS   AFL++ seconds per harness       (default 20; 0 = skip AFL)
#   IMS_FUZZ_JOBS     harnesses run in parallel       (default: nproc)
#   IMS_FUZZ_ONLY     space-separated harness names to run (default: all)
#   IMS_FUZZ_BUILD    libFuzzer build dir (default build-fuzz)
#   IMS_AFL_BUILD     AFL++ build dir     (default build-afl)
#   IMS_FUZZ_OUT      findings directory  (default $IMS_FUZZ_BUILD/findings)
# Reproduce a libFuzzer finding:  $fb/fuzz/fuzz_<h> FILE
#           an AFL++ finding:     $ab/fuzz/afl_<h> < FILE
# or through the plain replay driver of any build:  build/fuzz/fuzz_replay_<h> FILE
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${IMS_FUZZ_SECONDS:-60}
afl_secs=${IMS_AFL_SECONDS:-20}
jobs=${IMS_FUZZ_JOBS:-$(nproc)}
fb=${IMS_FUZZ_BUILD:-$root/build-fuzz}
ab=${IMS_AFL_BUILD:-$root/build-afl}
out=${IMS_FUZZ_OUT:-$fb/findings}

command -v clang >/dev/null || { echo "smoke: clang not installed (.ci/install-deps --fuzz)" >&2; exit 1; }

echo "== fuzz smoke: libFuzzer build ($fb)"
CC=clang cmake -S . -B "$fb" -DIMS_FUZZ=ON -DIMS_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$fb" -j"$jobs" >/dev/null
seeds=$fb/fuzz/seeds
harnesses=()
for f in $fb/fuzz/fuzz_*; do
  h=${f##*/fuzz_}
  [[ -x $f && $h != replay_* && $h != gen_seeds ]] || continue
  if [[ -n ${IMS_FUZZ_ONLY:-} && " $IMS_FUZZ_ONLY " != *" $h "* ]]; then continue; fi
  harnesses+=("$h")
done
echo "harnesses: ${harnesses[*]}"
mkdir -p "$out"
rm -rf "${out:?}"/*

dict_for() { # one dictionary per harness (detect/report: all of them)
  local d=$out/$1.dict
  case $1 in
    table|dmar|ivrs) cat fuzz/dict/acpi.dict ;;
    acpidump) cat fuzz/dict/acpidump.dict fuzz/dict/acpi.dict ;;
    log) cat fuzz/dict/klog.dict ;;
    *) cat fuzz/dict/*.dict ;;
  esac >"$d"
  echo "$d"
}

fail=0
run_libfuzzer() {
  local h=$1 d corpus log
  d=$(dict_for "$h")
  corpus=$out/libfuzzer-corpus/$h
  log=$out/libfuzzer-$h.log
  mkdir -p "$corpus" "$out/libfuzzer-crashes"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     $fb/fuzz/fuzz_"$h" "$corpus" "$seeds/$h" -dict="$d" -max_total_time="$secs" \
       -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
       -artifact_prefix="$out/libfuzzer-crashes/$h-" >"$log" 2>&1; then
    echo "libFuzzer $h: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') execs," \
         "$(grep -o 'cov: [0-9]*' "$log" | tail -1))"
  else
    echo "libFuzzer $h: FAILED - log $log, reproducer(s):" >&2
    ls "$out/libfuzzer-crashes/$h-"* >&2 2>/dev/null || true
    grep -m5 -E 'ERROR|SUMMARY|invariant violated|runtime error' "$log" >&2 || true
    return 1
  fi
}

# a tiny job pool: run "$@" for each harness, $jobs at a time
pool() {
  local fn=$1 pids=() names=() rc=0
  for h in "${harnesses[@]}"; do
    "$fn" "$h" & pids+=($!); names+=("$h")
    if ((${#pids[@]} >= jobs)); then
      wait "${pids[0]}" || rc=1
      pids=("${pids[@]:1}"); names=("${names[@]:1}")
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

echo "== libFuzzer: ${secs}s per harness, $jobs in parallel"
pool run_libfuzzer || fail=1

if [[ $afl_secs -gt 0 ]]; then
  if ! command -v afl-clang-fast >/dev/null; then
    echo "smoke: afl-clang-fast not installed (.ci/install-deps --fuzz)" >&2; exit 1
  fi
  echo "== AFL++ build ($ab)"
  CC=afl-clang-fast AFL_QUIET=1 cmake -S . -B "$ab" -DIMS_FUZZ_AFL=ON -DIMS_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  AFL_QUIET=1 cmake --build "$ab" -j"$jobs" >/dev/null
  run_afl() {
    local h=$1 d o log
    d=$(dict_for "$h")
    o=$out/afl/$h
    log=$out/afl-$h.log
    rm -rf "$o"; mkdir -p "$out/afl"
    # root in a container: no CPU governor, core_pattern, or affinity control
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
    AFL_SKIP_CRASHES=0 AFL_BENCH_UNTIL_CRASH=1 AFL_QUIET=1 \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:symbolize=0 UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1 \
      timeout -k 10 $((afl_secs + 60)) afl-fuzz -i "$seeds/$h" -o "$o" -V "$afl_secs" -t 2000 -x "$d" \
        -- $ab/fuzz/afl_"$h" >"$log" 2>&1 || true
    local st=$o/default/fuzzer_stats
    if [[ ! -f $st ]]; then
      echo "AFL++ $h: FAILED to start - log $log" >&2; tail -5 "$log" >&2; return 1
    fi
    local crashes hangs
    crashes=$(find "$o/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$o/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    echo "AFL++ $h: $(awk -F' *: *' '/^execs_done/{e=$2} /^execs_per_sec/{s=$2} /^edges_found/{g=$2} END{print e" execs, "s"/s, "g" edges"}' "$st"), $crashes crashes, $hangs hangs"
    if ((crashes + hangs)); then
      echo "AFL++ $h: FAILED - reproducer(s):" >&2
      find "$o/default/crashes" "$o/default/hangs" -type f -name 'id:*' >&2
      return 1
    fi
  }
  echo "== AFL++: ${afl_secs}s per harness, $jobs in parallel"
  pool run_afl || fail=1
fi

if ((fail)); then
  echo "fuzz smoke: FAILED (findings in $out)" >&2
  exit 1
fi
echo "fuzz smoke: ok"
