#!/usr/bin/env bash
# README stays current: every diagnostic code and every command is documented.
set -uo pipefail
bin=$1
readme=${IMS_SOURCE_DIR:?}/README.md
fail=0; pass=0
while read -r code _; do
  if grep -qF "\`$code\`" "$readme"; then pass=$((pass+1)); else echo "FAIL: README lacks diagnostic code $code (run .ci/update-readme)"; fail=$((fail+1)); fi
done < <("$bin" diagnostics)
while read -r rule _; do
  if grep -qF "\`$rule\`" "$readme"; then pass=$((pass+1)); else echo "FAIL: README lacks check rule $rule (run .ci/update-readme)"; fail=$((fail+1)); fi
done < <("$bin" check --list-rules | awk 'NF && $1 !~ /^(rule|---)/ {print $1}')
for cmd in report tables log check diff batch diagnostics; do
  if grep -qE "iommuscope $cmd" "$readme"; then pass=$((pass+1)); else echo "FAIL: README lacks command $cmd"; fail=$((fail+1)); fi
done
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
