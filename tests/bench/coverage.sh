#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Line and branch coverage of parsers/ from the test suite plus the fuzz corpus.
#   tests/bench/coverage.sh [CORPUS_ROOT...]
# CORPUS_ROOT holds one directory per harness (<root>/<harness>/...), e.g.
# build-fuzz/findings/libfuzzer-corpus from fuzz/smoke.sh or a long run; every
# file in it is replayed through fuzz_replay_<harness>.  Without arguments the
# suite alone is measured (its fuzz_replay_* tests replay the seeds and
# fuzz/regressions/).  Env: IMS_COV_BUILD (default build-cov).
# Prints gcovr's summary for parsers/ and writes build-cov/coverage.txt
# (per file) and build-cov/coverage.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
b=${IMS_COV_BUILD:-build-cov}
command -v gcovr >/dev/null || { echo "coverage: gcovr not installed" >&2; exit 1; }
cmake -S . -B "$b" -DIMS_COVERAGE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build "$b" -j"$(nproc)" >/dev/null
find "$b" -name '*.gcda' -delete
(cd "$b" && ctest -j"$(nproc)" --output-on-failure >/dev/null) || echo "coverage: some tests failed (coverage still measured)" >&2
for root in "$@"; do
  for d in "$root"/*/; do
    h=$(basename "$d")
    if [[ -x $b/fuzz/fuzz_replay_$h ]]; then
      echo "replaying $d" >&2
      "$b"/fuzz/fuzz_replay_"$h" -q "$d" 2>&1 | tail -1 >&2
    fi
  done
done
gcovr -r . --filter 'parsers/' --object-directory "$b" --txt "$b/coverage.txt" --json-summary "$b/coverage.json" \
  --print-summary -s >/dev/null 2>"$b/gcovr.err" || true
gcovr -r . --filter 'parsers/' --object-directory "$b" --txt-metric branch --txt "$b/coverage-branch.txt" >/dev/null 2>&1 || true
cat "$b/coverage.txt"
gcovr -r . --filter 'parsers/' --object-directory "$b" --print-summary -o /dev/null 2>/dev/null | grep -E '^(lines|branches)'
