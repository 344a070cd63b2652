#!/usr/bin/env bash
# diff: golden outputs, saved-report sides, exit codes (0 same, 1 differ, 2 usage).
set -uo pipefail
bin=$1
src=${IMS_SOURCE_DIR:?}
gold=$src/tests/golden
fail=0; pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cd "$src/corpus/cases" || exit 1
golden() {
  local name=$1 want=$2; shift 2
  "$@" >"$t/$name" 2>/dev/null; local rc=$?
  [[ $rc == "$want" ]] && ok || bad "$name: exit $rc, expected $want"
  [[ ${IMS_UPDATE_GOLDEN:-} == 1 ]] && cp "$t/$name" "$gold/$name"
  diff -u "$gold/$name" "$t/$name" >"$t/d" && ok || { bad "$name differs from golden"; head -30 "$t/d"; }
}
golden diff-good-broken.txt 1 "$bin" diff intel-good.acpidump.txt intel-broken.acpidump.txt
golden diff-good-noir.json 1 "$bin" diff --json -a intel-good.acpidump.txt -a intel-good.dmesg.log -b intel-noir.acpidump.txt -b intel-noir.dmesg.log
# a saved report equals its inputs
"$bin" report --json intel-good.acpidump.txt intel-good.dmesg.log >"$t/good.json"
"$bin" diff "$t/good.json" -b intel-good.acpidump.txt -b intel-good.dmesg.log >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "mixing positional and -b is a usage error"
"$bin" diff -a "$t/good.json" -b intel-good.acpidump.txt -b intel-good.dmesg.log >"$t/o"; [[ $? == 0 ]] && grep -q "^0 differences" "$t/o" && ok || bad "saved report == live inputs"
"$bin" diff intel-good.acpidump.txt intel-good.acpidump.txt >/dev/null; [[ $? == 0 ]] && ok || bad "same input -> exit 0"
"$bin" diff intel-good.acpidump.txt >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "one side -> exit 2"
# what differs between good and noir: DMA remapping yes/no, IR flag, GPU isolation
python3 - "$gold/diff-good-noir.json" <<'PY' && ok || bad "diff rows"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {(r["section"], r["item"]): r for r in d["rows"]}
assert rows[("verdicts", "dma_remapping")]["a"] == "yes" and rows[("verdicts", "dma_remapping")]["b"] == "no"
assert rows[("interrupt_remapping", "dmar_flags")]["a"] == "0x1" and rows[("interrupt_remapping", "dmar_flags")]["b"] == "0x0"
assert rows[("verdicts", "gpu_isolation")]["b"] == "unknown"
assert d["differences"] == sum(1 for r in d["rows"] if not r["same"])
PY
echo "diff: $pass passed, $fail failed"
[[ $fail == 0 ]]
