/*
 * iommuscope test table (tests/test_dmar.c): firmware defects that iasl
 * 20200925 still compiles.  Each is expected as a diagnostic:
 *   HAW field 0A (11 bits)          -> dmar.haw-invalid (Linux "Invalid DMAR haw")
 *   DRHD base not 4 KiB aligned     -> dmar.drhd-base-unaligned
 *   two INCLUDE_PCI_ALL, segment 0  -> dmar.include-all-duplicate (once)
 *   DRHD with base 0                -> dmar.drhd-base-zero (its INCLUDE_PCI_ALL is a 2nd one too)
 *   RMRR base/limit unaligned       -> dmar.rmrr-base-unaligned, dmar.rmrr-end-unaligned
 *   RMRR limit below base           -> dmar.rmrr-end-before-base
 *   RMRR scope with a 2-hop path    -> bdf unknown, no diagnostic
 *   RMRR IOAPIC scope               -> dmar.scope-unexpected
 *   RHSA for a base no DRHD has     -> dmar.rhsa-no-drhd
 *   ANDD without a namespace scope  -> dmar.andd-no-scope
 * NOTE: iasl 20200925 loops forever when a subtable Length does not match
 * its fields; keep every Length exact.
 */
[0004]                          Signature : "DMAR"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "IMSOEM"
[0008]                       Oem Table ID : "DMARBAD "
[0004]                       Oem Revision : 00000002
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0001]                 Host Address Width : 0A
[0001]                              Flags : 03
[0010]                           Reserved : 00 00 00 00 00 00 00 00 00 00

[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0018

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED90800

[0001]                  Device Scope Type : 03 [IOAPIC Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 08
[0001]                     PCI Bus Number : 00
[0002]                           PCI Path : 1E,07

[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0010

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 0000000000000000

[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 0022

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : 000000007C000800
[0008]                End Address (limit) : 000000007C0007FF

[0001]                  Device Scope Type : 01 [PCI Endpoint Device]
[0001]                       Entry Length : 0A
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : 00
[0002]                           PCI Path : 1C,00
[0002]                           PCI Path : 00,00

[0002]                      Subtable Type : 0001 [Reserved Memory Region]
[0002]                             Length : 0020

[0002]                           Reserved : 0000
[0002]                 PCI Segment Number : 0000
[0008]                       Base Address : 0000000080000000
[0008]                End Address (limit) : 0000000080000FFF

[0001]                  Device Scope Type : 03 [IOAPIC Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 08
[0001]                     PCI Bus Number : 00
[0002]                           PCI Path : 1E,07

[0002]                      Subtable Type : 0003 [Remapping Hardware Static Affinity]
[0002]                             Length : 0014

[0004]                           Reserved : 00000000
[0008]                       Base Address : 00000000FED91000
[0004]                   Proximity Domain : 00000003

[0002]                      Subtable Type : 0004 [ACPI Namespace Device Declaration]
[0002]                             Length : 0016

[0003]                           Reserved : 000000
[0001]                      Device Number : 07
[0014]                        Device Name : "\_SB.PCI0.UA00"
