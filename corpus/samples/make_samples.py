#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build the bundled sample acpidumps from first principles (ACPI 6.5, VT-d 4.1,
AMD IOMMU spec 48882 layouts).  The tables describe composed machines, not real
ones.  Run: python3 corpus/samples/make_samples.py  (rewrites the .acpidump.txt files)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def acpi_table(sig, rev, body, oem=b"IMSOEM", oem_table=b"IMSBOARD"):
    length = 36 + len(body)
    hdr = struct.pack("<4sIBB6s8sI4sI", sig, length, rev, 0, oem, oem_table, 1, b"INTL", 0x20200925)
    raw = bytearray(hdr + body)
    raw[9] = (-sum(raw)) & 0xFF
    return bytes(raw)


def acpidump_text(sig, data, addr=0):
    out = ["%s @ 0x%016X" % (sig, addr)]
    for off in range(0, len(data), 16):
        row = data[off:off + 16]
        hexpart = " ".join("%02X" % b for b in row)
        asc = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in row)
        out.append("    %04X: %-47s  %s" % (off, hexpart, asc))
    return "\n".join(out) + "\n\n"


def madt(ioapics, ncpus=4):
    body = struct.pack("<II", 0xFEE00000, 1)
    for i in range(ncpus):
        body += struct.pack("<BBBBI", 0, 8, i, i, 1)
    for apic_id, addr, gsi in ioapics:
        body += struct.pack("<BBBBII", 1, 12, apic_id, 0, addr, gsi)
    return acpi_table(b"APIC", 4, body)


def mcfg(base=0xE0000000, end_bus=0xFF):
    return acpi_table(b"MCFG", 1, b"\0" * 8 + struct.pack("<QHBBI", base, 0, 0, end_bus, 0))


def hpet():
    gas = struct.pack("<BBBBQ", 0, 64, 0, 0, 0xFED00000)
    return acpi_table(b"HPET", 1, struct.pack("<I", 0x8086A201) + gas + struct.pack("<BHB", 0, 0x80, 0))


def ssdt():
    return acpi_table(b"SSDT", 2, bytes([0x10, 0x05, 0x5C, 0x5F, 0x53, 0x42, 0x5F]), oem_table=b"CpuSsdt ")


# ---------------------------------------------------------------- Intel
def scope(stype, enum_id, bus, path):
    s = struct.pack("<BBBBBB", stype, 6 + 2 * len(path), 0, 0, enum_id, bus)
    for dev, fn in path:
        s += struct.pack("<BB", dev, fn)
    return s


def drhd(flags, base, scopes, size=0):
    body = b"".join(scopes)
    return struct.pack("<HHBBHQ", 0, 16 + len(body), flags, size, 0, base) + body


def rmrr(base, limit, scopes):
    body = b"".join(scopes)
    return struct.pack("<HHHHQQ", 1, 24 + len(body), 0, 0, base, limit) + body


def atsr(flags, scopes):
    body = b"".join(scopes)
    return struct.pack("<HHBBH", 2, 8 + len(body), flags, 0, 0) + body


def intel_dmar():
    subs = [
        drhd(0, 0xFED90000, [scope(1, 0, 0, [(2, 0)])]),                       # iGPU unit
        drhd(1, 0xFED91000, [scope(3, 2, 0xF0, [(0x1F, 0)]),                    # IOAPIC 2
                             scope(4, 0, 0x00, [(0x1F, 0)])]),                  # HPET 0
        rmrr(0x6C000000, 0x6C01FFFF, [scope(1, 0, 0, [(0x14, 0)])]),            # USB
        rmrr(0x7B800000, 0x7FFFFFFF, [scope(1, 0, 0, [(2, 0)])]),               # iGPU stolen memory
        atsr(1, []),
    ]
    body = struct.pack("<BB10s", 38, 0x05, b"\0" * 10) + b"".join(subs)
    return acpi_table(b"DMAR", 1, body, oem=b"INTEL ", oem_table=b"EDK2    ")


# ---------------------------------------------------------------- AMD
def dev(t, devid, dte=0):
    return struct.pack("<BHB", t, devid, dte)


def dev8(t, devid, dte, b4, w5, b7):
    return struct.pack("<BHBBHB", t, devid, dte, b4, w5, b7)


def bdf(b, d, f):
    return (b << 8) | (d << 3) | f


def ivhd_entries(with_hid):
    e = dev(0x03, bdf(0, 0, 0)) + dev(0x04, bdf(0, 0x1F, 7))     # 00:00.0-00:1f.7
    e += dev(0x02, bdf(1, 0, 0)) + dev(0x02, bdf(1, 0, 1))          # GPU + audio
    e += dev8(0x43, bdf(3, 0, 0), 0, 0, bdf(0, 8, 1), 0) + dev(0x04, bdf(3, 0x1F, 7))  # bus 3 as 00:08.1
    e += dev(0x03, bdf(4, 0, 0)) + dev(0x04, bdf(0xFF, 0x1F, 7))
    e += dev8(0x48, 0, 0xD7, 0x21, bdf(0, 0x14, 0), 1)            # IOAPIC 0x21 -> 00:14.0
    e += dev8(0x48, 0, 0x00, 0x22, bdf(0, 0, 1), 1)               # IOAPIC 0x22 -> 00:00.1
    e += dev8(0x48, 0, 0x00, 0x00, bdf(0, 0x14, 0), 2)            # HPET 0 -> 00:14.0
    if with_hid:
        uid = b"\\_SB.FUR0"
        e += struct.pack("<BHB8s8sBB", 0xF0, bdf(0, 0x14, 5), 0x40, b"AMDI0020", b"\0" * 8, 2, len(uid)) + uid
    return e


def ivhd(t, flags, entries, efr=0, efr2=0):
    hdr_len = 24 if t == 0x10 else 40
    length = hdr_len + len(entries)
    # 10h: Feature Reporting; 11h/40h: IOMMU Attributes (bits 12:0, 31:28 reserved per fwts)
    feat = 0x80048F6E if t == 0x10 else 0x00040000
    h = struct.pack("<BBHHHQHHI", t, flags, length, bdf(0, 0, 2), 0x40, 0xFEB80000, 0, 0, feat)
    if t != 0x10:
        h += struct.pack("<QQ", efr, efr2)
    return h + entries


def ivmd(t, flags, devid, aux, start, length):
    return struct.pack("<BBHHHQQQ", t, flags, 32, devid, aux, 0, start, length)


def amd_ivrs():
    efr = 0x246577EFA2254AFA
    subs = [
        ivhd(0x10, 0xB0, ivhd_entries(False)),
        ivhd(0x11, 0x30, ivhd_entries(False), efr, 0),
        ivhd(0x40, 0x30, ivhd_entries(True), efr, 0),
        ivmd(0x21, 0x07, bdf(0, 0x14, 0), 0, 0x9D000000, 0x100000),  # unity r/w for 00:14.0
    ]
    body = struct.pack("<I8s", 0x00203043, b"\0" * 8) + b"".join(subs)
    return acpi_table(b"IVRS", 2, body, oem=b"AMD   ", oem_table=b"AmdTable")


def write(name, tables):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="\n") as f:
        for sig, data in tables:
            f.write(acpidump_text(sig, data))
    print("wrote", path)


if __name__ == "__main__":
    write("intel-desktop.acpidump.txt", [("SSDT", ssdt()), ("APIC", madt([(2, 0xFEC00000, 0)])),
                                         ("MCFG", mcfg()), ("HPET", hpet()), ("DMAR", intel_dmar())])
    write("amd-desktop.acpidump.txt", [("SSDT", ssdt()), ("APIC", madt([(0x21, 0xFEC00000, 0),
                                                                          (0x22, 0xFEC01000, 24)], 8)),
                                       ("MCFG", mcfg(0xF0000000, 0x7F)), ("HPET", hpet()), ("IVRS", amd_ivrs())])
