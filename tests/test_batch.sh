#!/usr/bin/env bash
# batch: composed cases (always) and the shared corpus (skipped when absent):
# no crash, one JSON line per machine, every question answered with a verdict
# or "unknown" plus a reason, identical output for --jobs 1 and 2, shards that
# partition the corpus, the SQLite schema and the documented SQL example.
set -uo pipefail
bin=$1
src=${IMS_SOURCE_DIR:?}
fail=0; pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

check_lines() { # jsonl expected-count
  python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line); n += 1
    assert r["machine"]["key"], r["machine"]
    for q, a in r["answers"].items():
        assert a["verdict"] in ("yes", "no", "unknown"), (r["machine"]["key"], q)
        assert a["reason"], (r["machine"]["key"], q, "no reason")
        if a["verdict"] != "yes":
            assert a["next_step"], (r["machine"]["key"], q, "no next step")
want = int(sys.argv[2])
assert want < 0 or n == want, (n, want)
PY
}

# composed cases: 5 machines (keys up to the first '.')
"$bin" batch --jobs 2 --no-progress --jsonl "$t/c.jsonl" --sqlite "$t/c.db" "$src/corpus/cases"; [[ $? == 0 ]] && ok || bad "batch cases exit"
check_lines "$t/c.jsonl" 5 && ok || bad "cases: 5 machines with verdicts and reasons"
if command -v sqlite3 >/dev/null; then
  got=$(sqlite3 "$t/c.db" "SELECT key FROM machines m WHERE interrupt_remapping='yes' AND EXISTS (SELECT 1 FROM groups g WHERE g.machine_id=m.id AND g.kind='gpu' AND g.isolation IN ('alone','alone-with-own-functions')) ORDER BY key")
  [[ $got == "intel-good" ]] && ok || bad "SQL example: got '$got', expected intel-good"
  n=$(sqlite3 "$t/c.db" "SELECT count(*) FROM iommu_units u JOIN machines m ON m.id=u.machine_id WHERE m.key='intel-broken'")
  [[ $n == 4 ]] && ok || bad "iommu_units rows for intel-broken: $n"
  n=$(sqlite3 "$t/c.db" "SELECT count(*) FROM findings f JOIN machines m ON m.id=f.machine_id WHERE m.key='intel-broken' AND rule='ioapic-not-in-dmar'")
  [[ $n == 1 ]] && ok || bad "findings table"
  n=$(sqlite3 "$t/c.db" "SELECT count(*) FROM reserved_regions")
  [[ $n -ge 5 ]] && ok || bad "reserved_regions rows: $n"
fi
"$bin" batch --shard 2/2 "$src/corpus/cases" >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "--shard 2/2 is a usage error"
"$bin" batch --jobs 0 "$src/corpus/cases" >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "--jobs 0 is a usage error"
"$bin" batch "$t/missing" >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "missing dir -> exit 2"

corpus=${IMS_SHARED_CORPUS:-}
if [[ -z $corpus || ! -d $corpus ]]; then
  echo "batch: $pass passed, $fail failed (shared corpus absent: skipped)"
  [[ $fail == 0 ]] || exit 1
  exit 0
fi
machines=$(find "$corpus" -type f \( -name '*.txt' -o -name '*.log' \) -printf '%f\n' | sed 's/__.*//; s/\..*//' | sort -u | wc -l)
"$bin" batch --jobs 2 --no-progress --jsonl "$t/a.jsonl" --sqlite "$t/a.db" "$corpus"; [[ $? == 0 ]] && ok || bad "batch corpus exit"
check_lines "$t/a.jsonl" "$machines" && ok || bad "corpus: $machines machines, each with verdicts/reasons"
"$bin" batch --jobs 1 --no-progress "$corpus" >"$t/b.jsonl"
cmp -s "$t/a.jsonl" "$t/b.jsonl" && ok || bad "--jobs 1 and --jobs 2 give the same lines"
: >"$t/s.jsonl"
for k in 0 1 2; do "$bin" batch --shard $k/3 --no-progress "$corpus" >>"$t/s.jsonl"; done
[[ $(sort "$t/s.jsonl" | md5sum) == $(sort "$t/a.jsonl" | md5sum) ]] && ok || bad "shards 0..2 of 3 partition the corpus"
if command -v sqlite3 >/dev/null; then
  n=$(sqlite3 "$t/a.db" "SELECT count(*) FROM machines")
  [[ $n == "$machines" ]] && ok || bad "machines table: $n rows"
fi
echo "batch: $pass passed, $fail failed ($machines machines)"
[[ $fail == 0 ]]
