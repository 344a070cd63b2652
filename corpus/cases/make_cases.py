#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compose the inputs of the report/check/diff golden tests: acpidumps built
byte by byte from the specs (VT-d 4.1, AMD IOMMU 48882, ACPI 6.5) with the
helpers of corpus/samples/make_samples.py, and kernel logs composed from the
kernel's format strings (../shared/docs/kernel-messages.md).  Each case
describes one composed machine and exercises given verdicts and rules; the
expectations are written down in tests/golden/README.md.
Run: python3 corpus/cases/make_cases.py   (rewrites corpus/cases/*)"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "samples"))
from make_samples import (acpi_table, acpidump_text, madt, mcfg, hpet, ssdt, scope, drhd, rmrr,  # noqa: E402
                          dev, dev8, bdf, ivhd, ivmd)


def dmar(haw, flags, subs, bad_checksum=False):
    body = struct.pack("<BB10s", haw, flags, b"\0" * 10) + b"".join(subs)
    t = bytearray(acpi_table(b"DMAR", 1, body, oem=b"INTEL ", oem_table=b"EDK2    "))
    if bad_checksum:
        t[9] = (t[9] + 1) & 0xFF
    return bytes(t)


def rhsa(base, prox):
    return struct.pack("<HHIQI", 3, 20, 0, base, prox)


def raw_scope(stype, length):
    return struct.pack("<BBBBBB", stype, length, 0, 0, 0, 0) + b"\0" * (length - 6)


def facp():
    return acpi_table(b"FACP", 6, b"\0" * 240)


def write_dump(name, tables):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        for sig, data in tables:
            f.write(acpidump_text(sig, data))


def write_log(name, lines):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        for ts, msg in lines:
            f.write("[%12.6f] %s\n" % (ts, msg))


def acpi_line(sig, addr, data, oem="INTEL ", table="EDK2    "):
    length = len(data)
    return "ACPI: %-4.4s 0x%016X %06X (v%02d %-6.6s %-8.8s %08X %-4.4s %08X)" % (
        sig, addr, length, data[8], oem, table, 1, "INTL", 0x20200925)


def pci(b, d, f, vd, dv, hdr, cls):
    return "pci 0000:%02x:%02x.%x: [%04x:%04x] type %02x class 0x%06x" % (b, d, f, vd, dv, hdr, cls)


def group(b, d, f, g):
    return "pci 0000:%02x:%02x.%x: Adding to iommu group %d" % (b, d, f, g)


HEAD = "Linux version %s (builder@ims) (gcc (GCC) 12.2.0, GNU ld (GNU Binutils) 2.40) #1 SMP PREEMPT_DYNAMIC"


# ------------------------------------------------------------------ A: intel-good
def intel_good():
    d = dmar(38, 0x01, [
        drhd(0, 0xFED90000, [scope(1, 0, 0, [(2, 0)])]),
        drhd(1, 0xFED91000, [scope(3, 2, 0xF0, [(0x1F, 0)]), scope(4, 0, 0x00, [(0x1F, 0)])]),
        rmrr(0x6C000000, 0x6C01FFFF, [scope(1, 0, 0, [(0x14, 0)])]),
        rmrr(0x7B800000, 0x7FFFFFFF, [scope(1, 0, 0, [(2, 0)])]),
    ])
    write_dump("intel-good.acpidump.txt", [("FACP", facp()), ("APIC", madt([(2, 0xFEC00000, 0)])),
                                           ("MCFG", mcfg()), ("HPET", hpet()), ("DMAR", d)])
    devs = [(0, 0, 0, 0x8086, 0x4c43, 0, 0x060000, 0), (0, 1, 0, 0x8086, 0x4c01, 1, 0x060400, 1),
            (0, 2, 0, 0x8086, 0x4c8a, 0, 0x030000, 2), (0, 0x14, 0, 0x8086, 0x43ed, 0, 0x0c0330, 3),
            (0, 0x1c, 0, 0x8086, 0x43bc, 1, 0x060400, 4), (0, 0x1c, 4, 0x8086, 0x43c4, 1, 0x060400, 5),
            (0, 0x1f, 0, 0x8086, 0x4388, 0, 0x060100, 6), (0, 0x1f, 3, 0x8086, 0x43c8, 0, 0x040300, 6),
            (1, 0, 0, 0x10de, 0x2484, 0, 0x030000, 1), (1, 0, 1, 0x10de, 0x228b, 0, 0x040300, 1),
            (2, 0, 0, 0x144d, 0xa808, 0, 0x010802, 4), (3, 0, 0, 0x8086, 0x15f3, 0, 0x020000, 5),
            (4, 0, 0, 0x1b21, 0x2142, 0, 0x0c0330, 5)]
    L = [(0, HEAD % "6.8.0-31-generic"),
         (0, "Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-31-generic root=UUID=0c6d0a8e-1111-2222-3333-444455556666 ro quiet intel_iommu=on"),
         (0, "BIOS-e820: [mem 0x000000006c000000-0x000000006c01ffff] reserved"),
         (0, "BIOS-e820: [mem 0x000000007b800000-0x000000007fffffff] reserved"),
         (0, "DMI: IMS Composed/Good Z1, BIOS 1.00 01/15/2025"),
         (0.004512, acpi_line("DMAR", 0x6E5C9000, d)),
         (0.052311, "DMAR: IOMMU enabled"),
         (0.112108, "DMAR: Host address width 39"),
         (0.112110, "DMAR: DRHD base: 0x000000fed90000 flags: 0x0"),
         (0.112118, "DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 19e2ff0505e"),
         (0.112122, "DMAR: DRHD base: 0x000000fed91000 flags: 0x1"),
         (0.112127, "DMAR: dmar1: reg_base_addr fed91000 ver 1:0 cap d2008c40660462 ecap f050da"),
         (0.112130, "DMAR: RMRR base: 0x0000006c000000 end: 0x0000006c01ffff"),
         (0.112132, "DMAR: RMRR base: 0x0000007b800000 end: 0x0000007fffffff"),
         (0.112135, "DMAR-IR: IOAPIC id 2 under DRHD base  0xfed91000 IOMMU 1"),
         (0.112136, "DMAR-IR: HPET id 0 under DRHD base 0xfed91000"),
         (0.112137, "DMAR-IR: Queued invalidation will be enabled to support x2apic and Intr-remapping."),
         (0.113959, "DMAR-IR: Enabled IRQ remapping in x2apic mode")]
    ts = 0.38
    for b, dd, f, vd, dv, hdr, cls, g in devs:
        L.append((ts, pci(b, dd, f, vd, dv, hdr, cls)))
        ts += 0.0001
    L += [(0.60, "iommu: Default domain type: Translated"),
          (0.60001, "iommu: DMA domain TLB invalidation policy: lazy mode"),
          (0.79, "DMAR: No ATSR found"), (0.79001, "DMAR: No SATC found"),
          (0.79002, "DMAR: dmar0: Using Queued invalidation"), (0.79003, "DMAR: dmar1: Using Queued invalidation")]
    ts = 0.7905
    for b, dd, f, vd, dv, hdr, cls, g in devs:
        L.append((ts, group(b, dd, f, g)))
        ts += 0.00002
    L += [(0.7911, "DMAR: Intel(R) Virtualization Technology for Directed I/O"),
          (3.41, "VFIO - User Level meta-driver version: 0.3")]
    write_log("intel-good.dmesg.log", L)


# ------------------------------------------------------------------ B: intel-broken
def intel_broken():
    nic = [scope(1, 0, 0, [(0x19, 0)])]
    d = dmar(38, 0x03, [
        drhd(1, 0x00000000, [scope(3, 0, 0xF0, [(0x1F, 0)]), raw_scope(7, 8)]),   # base 0, IOAPIC enum 0, bad scope
        drhd(1, 0xFED91800, []),                                                  # 2nd INCLUDE_ALL, unaligned
        drhd(0, 0xFED92000, [scope(1, 0, 0, [(3, 0)])]),                          # after an INCLUDE_ALL
        drhd(0, 0xFED93000, [scope(1, 0, 0, [(3, 0)])]),                          # same device again
        rmrr(0x7A5F2800, 0x7A83BFFF, nic),                                        # unaligned, NIC
        rmrr(0x7B800000, 0x7FFFFFFF, [scope(1, 0, 0, [(2, 0)])]),
        rmrr(0x7B800000, 0x7FFFFFFF, [scope(1, 0, 0, [(2, 0)])]),                 # duplicate
        rhsa(0xFEE00000, 0),                                                      # no such DRHD
    ], bad_checksum=True)
    write_dump("intel-broken.acpidump.txt", [("FACP", facp()), ("APIC", madt([(2, 0xFEC00000, 0)])),
                                             ("MCFG", mcfg()), ("HPET", hpet()), ("DMAR", d)])
    logd = d[:4] + struct.pack("<I", len(d) + 16) + d[8:]      # the log's DMAR is 16 bytes longer
    L = [(0, HEAD % "6.1.0-18-amd64"),
         (0, "Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0c6d0a8e-1111-2222-3333-444455556666 ro intel_iommu=on"),
         (0, "DMI: IMS Composed/Broken B1, BIOS 0.90 02/02/2022"),
         # the NIC RMRR [0x7a5f2800-0x7a83bfff] lies in usable RAM (Linux: 'No firmware reserved
         # region can cover this RMRR'); the GPU RMRRs lie in ACPI NVS (accepted since 6.1)
         (0, "BIOS-e820: [mem 0x0000000000100000-0x000000007affffff] usable"),
         (0, "BIOS-e820: [mem 0x000000007b000000-0x000000007b7fffff] reserved"),
         (0, "BIOS-e820: [mem 0x000000007b800000-0x000000007fffffff] ACPI NVS"),
         (0.004512, "ACPI: DMAR 0x000000006E5C9000 %06X (v01 INTEL  EDK2     00000001 INTL 20200925)" % (len(d) + 16)),
         (0.004600, "ACPI: Table Upgrade: override [DMAR-INTEL-EDK2    ]"),
         (0.052311, "DMAR: IOMMU enabled"),
         (0.112108, "DMAR: Host address width 39"),
         (0.112110, "DMAR: DRHD base: 0x000000fed94000 flags: 0x0"),
         (0.112130, "DMAR: RMRR base: 0x0000007c000000 end: 0x0000007c0fffff"),
         (0.112200, "DMAR: [Firmware Bug]: Your BIOS is broken; DMAR reported at address 0!"),
         (0.112201, "BIOS vendor: IMS; Ver: 0.90; Product Version: B1"),
         (0.380, pci(0, 0, 0, 0x8086, 0x3e30, 0, 0x060000)),
         (0.381, pci(0, 2, 0, 0x8086, 0x3e92, 0, 0x030000)),
         (0.382, pci(0, 3, 0, 0x8086, 0x1234, 0, 0x118000)),
         (0.383, pci(0, 0x19, 0, 0x8086, 0x15bc, 0, 0x020000)),
         (0.384, pci(0, 0x1f, 0, 0x8086, 0xa305, 0, 0x060100)),
         (2.5, "DMAR: DRHD: handling fault status reg 2"),
         (2.5001, "DMAR: [DMA Read NO_PASID] Request device [00:19.0] fault addr 0x7a5f2000 [fault reason 0x06] PTE Read access is not set"),
         (3.0, "systemd[1]: Started Journal Service.")]
    write_log("intel-broken.dmesg.log", L)


# ------------------------------------------------------------------ C: intel-noir (default-off kernel)
def intel_noir():
    d = dmar(38, 0x00, [
        drhd(0, 0xFED90000, [scope(1, 0, 0, [(2, 0)])]),
        drhd(1, 0xFED91000, [scope(3, 2, 0xF0, [(0x1F, 0)]), scope(4, 0, 0x00, [(0x1F, 0)])]),
    ])
    write_dump("intel-noir.acpidump.txt", [("FACP", facp()), ("APIC", madt([(2, 0xFEC00000, 0)])),
                                           ("MCFG", mcfg()), ("HPET", hpet()), ("DMAR", d)])
    L = [(0, HEAD % "5.15.0-91-generic"),
         (0, "Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-91-generic root=UUID=0c6d0a8e-1111-2222-3333-444455556666 ro quiet splash"),
         (0, "DMI: IMS Composed/Laptop L1, BIOS 1.02 03/03/2023"),
         (0.004512, acpi_line("DMAR", 0x6E5C9000, d)),
         (0.004600, acpi_line("FACP", 0x6E5C8000, facp())),
         (0.004700, acpi_line("APIC", 0x6E5C7000, madt([(2, 0xFEC00000, 0)]))),
         (0.112108, "DMAR: Host address width 39"),
         (0.112110, "DMAR: DRHD base: 0x000000fed90000 flags: 0x0"),
         (0.112118, "DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 19e2ff0505e"),
         (0.112122, "DMAR: DRHD base: 0x000000fed91000 flags: 0x1"),
         (0.112127, "DMAR: dmar1: reg_base_addr fed91000 ver 1:0 cap d2008c40660462 ecap f050da")]
    ts = 0.38
    for b, dd, f, vd, dv, hdr, cls in [(0, 0, 0, 0x8086, 0x9a14, 0, 0x060000), (0, 2, 0, 0x8086, 0x9a49, 0, 0x030000),
                                       (0, 0x14, 0, 0x8086, 0xa0ed, 0, 0x0c0330), (0, 0x1d, 0, 0x8086, 0xa0b0, 1, 0x060400),
                                       (1, 0, 0, 0x144d, 0xa809, 0, 0x010802)]:
        L.append((ts, pci(b, dd, f, vd, dv, hdr, cls)))
        ts += 0.001
    for i in range(100):
        L.append((1.0 + i * 0.01, "usb 1-%d: new high-speed USB device number %d using xhci_hcd" % (i % 8 + 1, i + 2)))
    write_log("intel-noir.dmesg.log", L)


# ------------------------------------------------------------------ D: amd-ir-off
def amd_ir_off():
    # IVRS whose special entries miss MADT IOAPIC 0x20 (the southbridge one); a log of the same
    # machine in 5.15 wording.
    e = dev(0x03, bdf(0, 0, 0)) + dev(0x04, bdf(0xFF, 0x1F, 7))
    e += dev8(0x48, 0, 0x00, 0x21, bdf(0, 0, 1), 1)                    # IOAPIC 0x21 -> 00:00.1 only
    e += dev8(0x48, 0, 0x00, 0x00, bdf(0, 0x14, 0), 2)                 # HPET 0
    efr = 0x246577EFA2254AFA
    ivrs = acpi_table(b"IVRS", 2, struct.pack("<I8s", 0x00203041, b"\0" * 8) +
                      ivhd(0x11, 0x30, e, efr, 0) + ivhd(0x40, 0x30, e, efr, 0), oem=b"AMD   ", oem_table=b"AmdTable")
    write_dump("amd-ir-off.acpidump.txt", [("FACP", facp()), ("APIC", madt([(0x20, 0xFEC00000, 0), (0x21, 0xFEC01000, 24)], 8)),
                                           ("MCFG", mcfg(0xF0000000, 0x7F)), ("HPET", hpet()), ("IVRS", ivrs)])
    L = [(0, HEAD % "5.15.0-91-generic"),
         (0, "Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-91-generic root=UUID=0c6d0a8e-1111-2222-3333-444455556666 ro amd_iommu=on iommu=pt"),
         (0, "DMI: IMS Composed/AMD A1, BIOS F2 04/04/2021"),
         (0.004512, "ACPI: IVRS 0x00000000AFE8C000 %06X (v02 AMD    AmdTable 00000001 AMD  00000001)" % len(ivrs)),
         (0.050000, "AMD-Vi: Unknown option - 'on'"),
         (0.072365, "AMD-Vi: [Firmware Bug]: : IOAPIC[32] not in IVRS table"),
         (0.072375, "AMD-Vi: [Firmware Bug]: : No southbridge IOAPIC found"),
         (0.072378, "AMD-Vi: Disabling interrupt remapping"),
         (0.30, "iommu: Default domain type: Passthrough (set via kernel command line)")]
    devs = [(0, 0, 0, 0x1022, 0x1480, 0, 0x060000, 0), (0, 0, 2, 0x1022, 0x1481, 0, 0x080600, -1),
            (0, 1, 0, 0x1022, 0x1482, 0, 0x060000, 1), (0, 1, 1, 0x1022, 0x1483, 1, 0x060400, 2),
            (9, 0, 0, 0x10ec, 0x8168, 0, 0x020000, 2), (10, 0, 0, 0x1002, 0x731f, 0, 0x030000, 2),
            (10, 0, 1, 0x1002, 0xab38, 0, 0x040300, 2), (11, 0, 0, 0x1022, 0x149c, 0, 0x0c0330, 3)]
    ts = 0.31
    for b, dd, f, vd, dv, hdr, cls, g in devs:
        L.append((ts, pci(b, dd, f, vd, dv, hdr, cls)))
        ts += 0.0001
    L += [(0.62, "pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40"),
          (0.62001, "AMD-Vi: Extended features (0x58f77ef22294a5a): PPR NX GT IA PC GA_vAPIC")]
    ts = 0.63
    for b, dd, f, vd, dv, hdr, cls, g in devs:
        if g >= 0:
            L.append((ts, group(b, dd, f, g)))
            ts += 0.0001
    L += [(0.70, "perf/amd_iommu: Detected AMD IOMMU #0 (2 banks, 4 counters/bank)."),
          (1.20, "AMD-Vi: AMD IOMMUv2 functionality not available on this system - This is not a bug."),
          (9.00, "r8169 0000:09:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0xfffff000 flags=0x0000]")]
    write_log("amd-ir-off.dmesg.log", L)


# ------------------------------------------------------------------ E: amd-off (IOMMU disabled in setup)
def amd_off():
    write_dump("amd-off.acpidump.txt", [("FACP", facp()), ("APIC", madt([(0x20, 0xFEC00000, 0), (0x21, 0xFEC01000, 24)], 8)),
                                        ("MCFG", mcfg(0xF0000000, 0x7F)), ("HPET", hpet()), ("SSDT", ssdt())])
    L = [(0, HEAD % "6.8.0-31-generic"),
         (0, "Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-31-generic root=UUID=0c6d0a8e-1111-2222-3333-444455556666 ro amd_iommu=on"),
         (0, "DMI: IMS Composed/AMD Off O1, BIOS F1 01/01/2020"),
         (0.004500, acpi_line("FACP", 0x6E5C8000, facp(), oem="ALASKA", table="A M I   ")),
         (0.004600, acpi_line("APIC", 0x6E5C7000, madt([(0x20, 0xFEC00000, 0)]), oem="ALASKA", table="A M I   ")),
         (0.004700, acpi_line("MCFG", 0x6E5C6000, mcfg(), oem="ALASKA", table="A M I   ")),
         (0.004800, acpi_line("HPET", 0x6E5C5000, hpet(), oem="ALASKA", table="A M I   ")),
         (0.050000, "AMD-Vi: Unknown option - 'on'"),
         (0.30, pci(0, 0, 0, 0x1022, 0x1480, 0, 0x060000)),
         (0.31, pci(10, 0, 0, 0x1002, 0x731f, 0, 0x030000))]
    for i in range(100):
        L.append((1.0 + i * 0.01, "usb 1-%d: new high-speed USB device number %d using xhci_hcd" % (i % 8 + 1, i + 2)))
    write_log("amd-off.dmesg.log", L)


if __name__ == "__main__":
    intel_good()
    intel_broken()
    intel_noir()
    amd_ir_off()
    amd_off()
    print("wrote cases into", HERE)
