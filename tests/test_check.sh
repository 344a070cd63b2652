#!/usr/bin/env bash
# check: golden text/JSON, every rule id it can emit on the composed cases,
# --severity thresholds and exit codes (0 none >= threshold, 1 some, 2 usage).
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
golden check-intel-good.txt 0 "$bin" check --severity info intel-good.acpidump.txt intel-good.dmesg.log
golden check-intel-good.json 0 "$bin" check --json --severity info intel-good.acpidump.txt intel-good.dmesg.log
for c in intel-broken intel-noir amd-off; do
  golden check-$c.txt 1 "$bin" check --severity info $c.acpidump.txt $c.dmesg.log
  golden check-$c.json 1 "$bin" check --json --severity info $c.acpidump.txt $c.dmesg.log
done
# thresholds: intel-noir has one warning (dmar-ir-unsupported) and no error
"$bin" check --severity error intel-noir.acpidump.txt >/dev/null; [[ $? == 0 ]] && ok || bad "noir: no error -> exit 0 at --severity error"
"$bin" check intel-noir.acpidump.txt >/dev/null; [[ $? == 1 ]] && ok || bad "noir: warning -> exit 1 at default threshold"
"$bin" check --severity error intel-broken.acpidump.txt >/dev/null; [[ $? == 1 ]] && ok || bad "broken: errors -> exit 1"
"$bin" check --severity nonsense intel-good.acpidump.txt >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "bad --severity -> 2"
"$bin" check >/dev/null 2>&1; [[ $? == 2 ]] && ok || bad "no input -> 2"
# every rule a case is meant to trigger (tests/golden/README.md lists them)
all=$(cat "$gold"/check-*.txt)
for r in ioapic-not-in-dmar hpet-not-in-dmar drhd-device-in-two-units region-duplicate direct-map-blocks-vfio \
         dmar-x2apic-opt-out dmar-ir-unsupported no-iommu-table cmdline-amd-iommu-on kernel-firmware-bug \
         kernel-dma-fault kernel-iommu-init-failed log-table-upgrade log-table-differs log-unit-not-in-table \
         table-unit-not-in-log log-rmrr-not-in-table acpi.bad-checksum dmar.drhd-base-zero dmar.drhd-base-unaligned \
         dmar.include-all-duplicate dmar.include-all-not-last dmar.rmrr-base-unaligned dmar.rhsa-no-drhd dmar.scope-unsupported; do
  grep -q "^[a-z]* *$r:" <<<"$all" && ok || bad "no case triggers $r"
done
# the rule catalog is complete and documented
"$bin" check --list-rules --json | python3 -c "
import json,sys
rules=json.load(sys.stdin)
assert len(rules) >= 50, len(rules)
for r in rules: assert r['id'] and r['doc'] and r['severity'] in ('info','warning','error'), r
ids=[r['id'] for r in rules]; assert len(ids)==len(set(ids))
" && ok || bad "rule catalog"
echo "check: $pass passed, $fail failed"
[[ $fail == 0 ]]
