#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Differential test: every DMAR we can find (the project's compiled corpus/asl
# tables and every DMAR in $IMS_SHARED_CORPUS/acpidump/iommu/*.txt) is
# disassembled by `iasl -d` and decoded by `iommuscope tables --json`; the
# field values are compared by tests/dmar_iasl_compare.py.
# Usage: bash test_dmar_iasl.sh path/to/iommuscope
set -u
BIN=${1:?usage: test_dmar_iasl.sh path/to/iommuscope}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v iasl >/dev/null || { echo "iasl not installed: skip"; exit 77; }
command -v acpixtract >/dev/null || { echo "acpixtract not installed: skip"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skip"; exit 77; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0

# one table: $1 = binary DMAR, $2 = name
add_table() {
	local dir="$TMP/t$n-$2"
	mkdir -p "$dir"
	cp "$1" "$dir/dmar.dat"
	(cd "$dir" && timeout 20 iasl -d dmar.dat >iasl.log 2>&1) || { echo "iasl -d failed on $2"; cat "$dir/iasl.log"; return 1; }
	"$BIN" tables --json "$dir/dmar.dat" >"$dir/ours.json" 2>"$dir/ours.err"
	local rc=$?
	if [ "$rc" -gt 1 ]; then echo "iommuscope exit $rc on $2"; cat "$dir/ours.err"; return 1; fi
	n=$((n + 1))
}

fail=0
if [ -n "${IMS_AML_DIR:-}" ]; then
	for aml in "$IMS_AML_DIR"/dmar_*.aml; do
		[ -e "$aml" ] || continue
		add_table "$aml" "$(basename "$aml" .aml)" || fail=1
	done
fi
nproj=$n

CORPUS=${IMS_SHARED_CORPUS:-}/acpidump/iommu
if [ -n "${IMS_SHARED_CORPUS:-}" ] && [ -d "$CORPUS" ]; then
	for f in "$CORPUS"/*.txt; do
		grep -q '^DMAR @' "$f" || continue
		x="$TMP/x"
		rm -rf "$x"
		mkdir -p "$x"
		(cd "$x" && acpixtract -s DMAR "$f" >/dev/null 2>&1)
		for dat in "$x"/dmar*.dat; do
			[ -e "$dat" ] || { echo "acpixtract found no DMAR in $f"; fail=1; continue; }
			add_table "$dat" "$(basename "$f" .txt)-$(basename "$dat" .dat)" || fail=1
		done
	done
else
	echo "shared corpus absent: only the project's tables are compared"
fi

if [ "$nproj" -eq 0 ]; then
	echo "no corpus/asl DMAR tables found in IMS_AML_DIR=${IMS_AML_DIR:-}"
	fail=1
fi
python3 "$HERE/dmar_iasl_compare.py" "$TMP"/t* || fail=1
exit $fail
