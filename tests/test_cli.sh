#!/usr/bin/env bash
# CLI contract: help/version, exit codes, error messages naming the file,
# directory input, stdin, --input-format, JSON shape of `tables`.
set -uo pipefail
bin=$1
src=${IMS_SOURCE_DIR:?}
fail=0; pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
expect_rc() { local want=$1; shift; "$@" >/tmp/ims_cli_out.$$ 2>/tmp/ims_cli_err.$$; local rc=$?; [[ $rc == "$want" ]] && ok || bad "rc $rc != $want: $*"; }
t=$(mktemp -d); trap 'rm -rf "$t" /tmp/ims_cli_*.$$' EXIT
sample=$src/corpus/samples/intel-desktop.acpidump.txt

expect_rc 0 "$bin" --help
grep -q "Usage: iommuscope" /tmp/ims_cli_out.$$ && ok || bad "--help text"
expect_rc 0 "$bin" --version
grep -Eq "^iommuscope [0-9]+\.[0-9]+\.[0-9]+ \(JSON schema [0-9]+\)" /tmp/ims_cli_out.$$ && ok || bad "--version text"
expect_rc 2 "$bin"
expect_rc 0 "$bin" tables --help
expect_rc 2 "$bin" tables
expect_rc 2 "$bin" tables --bogus "$sample"
expect_rc 2 "$bin" tables --input-format nonsense "$sample"
expect_rc 2 "$bin" tables "$t/does-not-exist"
grep -q "$t/does-not-exist" /tmp/ims_cli_err.$$ && ok || bad "error names the file"
expect_rc 0 "$bin" tables "$sample"
expect_rc 0 "$bin" diagnostics
expect_rc 0 "$bin" diagnostics --json

# a table with a bad checksum: decoded, exit 1, diagnostic names file and offset
python3 - "$t" <<'PY'
import struct, sys
body = b"\0" * 8 + struct.pack("<QHBBI", 0xE0000000, 0, 0, 0xFF, 0)
hdr = struct.pack("<4sIBB6s8sI4sI", b"MCFG", 36 + len(body), 1, 0x42, b"OEMID ", b"TABLEID ", 1, b"INTL", 1)
open(sys.argv[1] + "/MCFG", "wb").write(hdr + body)
PY
expect_rc 1 "$bin" tables "$t/MCFG"
grep -q "acpi.bad-checksum.*$t/MCFG MCFG +0x9" /tmp/ims_cli_out.$$ && ok || bad "bad checksum diagnostic with file and offset"
# directory input (copy of /sys/firmware/acpi/tables) and stdin
expect_rc 1 "$bin" tables "$t"
expect_rc 1 "$bin" tables - <"$t/MCFG"
expect_rc 0 "$bin" tables --input-format acpidump - <"$sample"
# JSON contract
"$bin" tables --json "$sample" >"$t/out.json" 2>/dev/null
python3 - "$t/out.json" <<'PY' && ok || bad "tables --json shape"
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1
for k in ("inputs", "tables", "iommus", "reserved_regions", "madt", "mcfg", "diagnostics", "raw_subtables"):
    assert k in d, k
assert [t["signature"] for t in d["tables"]] == ["SSDT", "APIC", "MCFG", "HPET", "DMAR"]
assert all(re.fullmatch(r"0x[0-9a-f]+", t["address"]) for t in d["tables"])
assert d["madt"]["ioapics"][0]["id"] == 2
assert d["mcfg"][0]["base"] == "0xe0000000"
PY
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
