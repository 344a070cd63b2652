/* SPDX-License-Identifier: MIT */
/*
 * klog.h - the kernel-log view of the model (struct ims_kernel).
 * Owned by ims_model::kernel; freed by ims_model_free.
 *
 * A kernel log (dmesg, dmesg -T/-x/-r, journalctl short/short-iso/
 * short-monotonic/json, syslog / RFC 3339 kern.log, raw /dev/kmsg records,
 * hw-probe logs, pasted logs with quote markers, CRLF, several formats mixed
 * in one file) is split into boots; every IOMMU fact found in a boot is kept
 * with the 1-based line number of the input line it came from.
 *
 * Memory is bounded: the per-boot arrays below have documented caps
 * (IMS_KLOG_MAX_*); past a cap, facts are counted (n_*_dropped) and one
 * "klog.cap-reached" diagnostic is emitted.  Only the last IMS_KLOG_MAX_BOOTS
 * boots are kept (boots_seen counts all of them).
 *
 * All numbers are as the kernel printed them; strings are NUL-terminated,
 * printable ASCII (other bytes become '?'), cut to the array size.
 */
#ifndef IOMMUSCOPE_KLOG_H
#define IOMMUSCOPE_KLOG_H

#include "iommuscope/iommuscope.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Limits                                                                 */
/* ---------------------------------------------------------------------- */
#define IMS_KLOG_MAX_LINE 4096u      /* bytes of one line examined; rest skipped */
#define IMS_KLOG_MAX_BOOTS 16u       /* newest boots kept */
#define IMS_KLOG_MAX_PARAMS 64u      /* IOMMU-relevant cmdline parameters */
#define IMS_KLOG_MAX_ACPI 128u       /* ACPI table list lines */
#define IMS_KLOG_MAX_UNITS 64u       /* DRHD / dmarN units, AMD IOMMUs */
#define IMS_KLOG_MAX_RMRR 256u
#define IMS_KLOG_MAX_SPECIALS 64u    /* DMAR-IR IOAPIC/HPET lines */
#define IMS_KLOG_MAX_HIDS 64u        /* AMD "ivrs, add hid" lines */
#define IMS_KLOG_MAX_PCI 4096u       /* PCI devices */
#define IMS_KLOG_MAX_GROUPDEVS 4096u /* iommu group memberships */
#define IMS_KLOG_MAX_FAULTS 256u     /* aggregated (device, reason) fault records */
#define IMS_KLOG_MAX_FWBUGS 128u
#define IMS_KLOG_MAX_NOTES 128u      /* other IOMMU lines worth showing */
#define IMS_KLOG_MAX_UNMATCHED 64u   /* IOMMU-looking lines matching no pattern */
#define IMS_KLOG_MAX_E820 256u       /* BIOS-e820 map entries (kernel table: 128 + 3 per NUMA node) */
#define IMS_KLOG_MAX_REFUSALS 64u    /* RMRR / 1:1-mapping refusal lines */
#define IMS_KLOG_TEXT 192u           /* bytes of a kept line's text */

/* Which line format a line was recognised as. */
typedef enum {
	IMS_KLOG_FMT_BARE = 0,      /* no prefix at all */
	IMS_KLOG_FMT_DMESG,         /* [    0.123456] msg */
	IMS_KLOG_FMT_DMESG_CTIME,   /* dmesg -T: [Mon Nov 24 10:00:00 2026] msg */
	IMS_KLOG_FMT_DMESG_DECODE,  /* dmesg -x: kern  :info  : [...] msg */
	IMS_KLOG_FMT_DMESG_RAW,     /* dmesg -r: <6>[...] msg */
	IMS_KLOG_FMT_SYSLOG,        /* Mon DD hh:mm:ss host kernel: msg (journalctl short, kern.log) */
	IMS_KLOG_FMT_ISO,           /* 2024-02-01T10:00:00.000000+0100 host kernel: msg */
	IMS_KLOG_FMT_MONOTONIC,     /* journalctl short-monotonic: [  1.234] host kernel: msg */
	IMS_KLOG_FMT_JOURNAL_JSON,  /* journalctl -o json record */
	IMS_KLOG_FMT_KMSG,          /* /dev/kmsg: 6,1234,5678,-;msg */
	IMS_KLOG_FMT_COUNT
} ims_klog_format;
const char *ims_klog_format_name(ims_klog_format f); /* "dmesg", "syslog", ... */

/* A yes/no fact with its evidence line.  state: -1 no evidence, 0 no, 1 yes. */
typedef struct ims_kflag {
	int8_t state;
	uint32_t line;
} ims_kflag;

/* A kept line (text cut to IMS_KLOG_TEXT - 1 bytes). */
typedef struct ims_kline {
	uint32_t line;
	const char *kind;           /* static short tag, e.g. "vfio", "cap-inconsistent" */
	char text[IMS_KLOG_TEXT];
} ims_kline;

/* One command-line parameter relevant to the IOMMU. */
typedef struct ims_kparam {
	char name[32];              /* "intel_iommu", "iommu.passthrough", "ivrs_ioapic[4]" ... */
	char value[96];
	bool valid;                 /* value accepted by the kernel's parser */
	const char *problem;        /* static reason when !valid, else NULL */
} ims_kparam;

typedef struct ims_kacpi {
	char signature[5];
	uint64_t address;
	uint32_t length;
	uint8_t revision;
	char oem_id[7];
	char oem_table_id[9];
	bool has_oem_revision;      /* the OEM revision column was read */
	uint32_t oem_revision;      /* "(v01 INTEL  EDK2     00000001 ..." -> 1 */
	uint32_t line;
} ims_kacpi;

/* One "BIOS-e820:" line.  Both wordings are read:
 * 3.x+:  "BIOS-e820: [mem 0x%016llx-0x%016llx] usable" (end inclusive);
 * <=3.x: " BIOS-e820: %016Lx - %016Lx (usable)" (end exclusive, stored - 1).
 * type is the kernel's E820 type number (IMS_E820_*), derived from the
 * printed word: usable 1, reserved 2, ACPI data 3, ACPI NVS 4, unusable 5,
 * "persistent (type N)" / "type N" N, soft reserved 0xefffffff, 0 unknown. */
typedef struct ims_ke820 {
	uint64_t start, end;        /* inclusive */
	uint32_t type;
	uint32_t line;
} ims_ke820;
#define IMS_E820_RAM 1u
#define IMS_E820_RESERVED 2u
#define IMS_E820_ACPI 3u
#define IMS_E820_NVS 4u
#define IMS_E820_UNUSABLE 5u
#define IMS_E820_PMEM 7u
#define IMS_E820_PRAM 12u
#define IMS_E820_SOFT_RESERVED 0xefffffffu
/* "usable", "reserved", "ACPI data", "ACPI NVS", "unusable", "persistent",
 * "soft reserved", "unknown". */
const char *ims_e820_type_name(uint32_t type);

/* A device the kernel refused because firmware requires a 1:1 mapping:
 * 6.8+ "Firmware has requested this device have a 1:1 IOMMU mapping, ..."
 * 4.14-6.1 "Device is ineligible for IOMMU domain attach due to platform
 * RMRR requirement.  Contact your platform vendor." (dev_warn: the device
 * name is the line's "<driver> <device>: " prefix). */
typedef struct ims_krefusal {
	char device[40];            /* as printed ("0000:00:14.0"), "" if no prefix */
	bool bdf_known;
	uint16_t segment, bdf;
	uint32_t line;
	char text[IMS_KLOG_TEXT];
} ims_krefusal;

/* Intel: one DRHD and/or dmarN unit (merged by register base). */
typedef struct ims_kdmar_unit {
	uint64_t base;
	bool has_drhd;              /* "DRHD base: ... flags: ..." seen */
	uint8_t drhd_flags;         /* bit0 INCLUDE_PCI_ALL */
	uint32_t drhd_line;
	int32_t seq;                /* N of "dmarN", -1 unknown */
	bool has_regs;              /* "dmarN: reg_base_addr ... cap ... ecap ..." seen */
	uint8_t ver_major, ver_minor;
	uint64_t cap, ecap;
	uint32_t regs_line;
	int8_t queued_invalidation; /* 1 queued, 0 register based, -1 unknown */
	uint32_t qi_line;
	int8_t usable;              /* 0 after "No supported address widths", else -1 */
	uint32_t usable_line;
} ims_kdmar_unit;

typedef struct ims_krange {
	uint64_t base, end;         /* inclusive */
	uint32_t line;
} ims_krange;

typedef enum { IMS_KSPECIAL_IOAPIC = 1, IMS_KSPECIAL_HPET = 2 } ims_kspecial_kind;

typedef struct ims_kspecial {
	ims_kspecial_kind kind;
	uint32_t id;
	uint64_t drhd_base;
	int32_t iommu;              /* "IOMMU %d" (IOAPIC lines), -1 otherwise */
	uint32_t line;
} ims_kspecial;

/* AMD: one IOMMU. */
typedef struct ims_kamd_iommu {
	uint16_t segment;
	uint16_t bdf;
	bool bdf_known;
	bool has_cap;
	uint16_t cap_offset;
	bool has_mmio;              /* from the amd_iommu_dump=1 "mmio-addr:" line */
	uint64_t mmio;
	bool has_efr, has_efr2;
	uint64_t efr, efr2;         /* "Extended features (...)" for this IOMMU */
	uint32_t line;              /* "Found IOMMU" line */
	uint32_t efr_line;
	ims_kflag perf_counters;    /* "IOMMU performance counters supported" */
} ims_kamd_iommu;

typedef struct ims_khid {
	char source[8];             /* "ivrs" (table) or "cmd" (ivrs_acpihid=) */
	char hid[16];
	char uid[48];
	uint32_t rdevid;
	uint32_t line;
} ims_khid;

typedef struct ims_kpci {
	uint16_t segment;
	uint16_t bdf;
	uint16_t vendor, device;
	uint8_t header_type;
	uint32_t class_code;        /* 24-bit */
	uint32_t line;
	bool has_bus_range;         /* "PCI bridge to [bus xx-yy]" */
	uint8_t secondary, subordinate;
	uint32_t bus_line;
	int32_t group;              /* iommu group, -1 if none seen */
} ims_kpci;

typedef struct ims_kgroupdev {
	int32_t group;
	char device[40];            /* device name as printed ("0000:00:02.0", "i2c-1") */
	bool is_pci;
	uint16_t segment, bdf;
	bool removed;               /* "Removing from iommu group" seen later */
	uint32_t line;
} ims_kgroupdev;

typedef enum {
	IMS_KFW_HARMLESS = 0,       /* informational, no effect on the IOMMU */
	IMS_KFW_IR_DISABLED,        /* interrupt remapping turned off because of it */
	IMS_KFW_DEVICE_BROKEN,      /* a device (or its RMRR) is not handled correctly */
	IMS_KFW_IOMMU_DISABLED,     /* the IOMMU driver gave up (DMAR at address 0, IVRS checksum) */
} ims_kfw_class;
const char *ims_kfw_class_name(ims_kfw_class c); /* "harmless", "ir-disabled", ... */

typedef struct ims_kfwbug {
	ims_kfw_class cls;
	char level[8];              /* "Bug", "Warn", "Info" */
	uint32_t line;
	char text[IMS_KLOG_TEXT];
} ims_kfwbug;

/* DMA / interrupt-remapping faults, aggregated per (vendor, device, reason). */
typedef struct ims_kfault {
	ims_vendor vendor;
	char kind[24];              /* "DMA Read", "DMA Write", "INTR-REMAP", "IO_PAGE_FAULT" ... */
	uint16_t segment;
	uint16_t bdf;
	bool bdf_known;
	int32_t reason;             /* Intel fault reason code; -1 for AMD */
	char reason_text[96];       /* Intel reason text; AMD: "flags=0x...." of the first event */
	uint64_t first_addr, last_addr;
	uint32_t domain;            /* AMD domain (last seen) */
	uint32_t count;
	uint32_t first_line, last_line;
} ims_kfault;

typedef enum {
	IMS_KDOM_SRC_UNKNOWN = 0,
	IMS_KDOM_SRC_DEFAULT,       /* kernel default (Kconfig) */
	IMS_KDOM_SRC_CMDLINE,       /* "(set via kernel command line)" */
	IMS_KDOM_SRC_DRIVER,        /* no iommu-core line; the driver said so ("AMD-Vi: Initialized for Passthrough Mode") */
} ims_kdom_source;

/* Everything one boot revealed. */
typedef struct ims_kboot {
	uint32_t number;            /* 0-based ordinal over all boots seen */
	uint32_t input;             /* model input it came from */
	uint32_t first_line, last_line;
	uint32_t lines;             /* kernel lines in this boot */
	uint32_t format_lines[IMS_KLOG_FMT_COUNT];
	bool start_missing;         /* no "Linux version" and the first timestamp is late */
	double first_ts;            /* first monotonic timestamp (s), -1 if none */

	char version[128];          /* "6.1.0-18-amd64" */
	uint32_t version_line;
	char cmdline[1024];
	uint32_t cmdline_line;
	ims_kparam *params; size_t n_params; uint32_t n_params_dropped;

	char dmi[192];
	uint32_t dmi_line;
	ims_kacpi *acpi; size_t n_acpi; uint32_t n_acpi_dropped;
	ims_kline *upgrades; size_t n_upgrades;   /* ACPI table upgrade / initrd override */
	ims_ke820 *e820; size_t n_e820; uint32_t n_e820_dropped; /* "BIOS-e820:" map, in log order */

	/* Boot CPU: "smpboot: CPU0: Intel(R) Core(TM) ... (family: 0x6, ...)" (print_cpu_info,
	 * vendor name prepended when the model string lacks it; no "smpboot: " before 3.x),
	 * else "Performance Events: ... Intel|AMD|Hygon|Zhaoxin PMU driver.".
	 * Not from "AMD-Vi"/"DMAR" lines: "DMAR: IOMMU enabled" also appears on AMD. */
	char cpu_vendor[12];        /* "Intel", "AMD", "Hygon", "Centaur", "Zhaoxin", "" unknown */
	char cpu_model[96];         /* CPU0 model string, "" if only the PMU line was seen */
	uint32_t cpu_line;

	/* Intel VT-d */
	uint32_t haw;               /* "Host address width N", 0 unknown */
	uint32_t haw_line;
	ims_kdmar_unit *dmar_units; size_t n_dmar_units; uint32_t n_dmar_units_dropped;
	ims_krange *rmrrs; size_t n_rmrrs; uint32_t n_rmrrs_dropped;
	ims_kflag atsr;             /* 1 "ATSR flags:", 0 "No ATSR found" */
	ims_kflag satc;             /* 1 "SATC flags:", 0 "No SATC found" */
	ims_kspecial *specials; size_t n_specials;
	ims_kflag vtd_enabled;      /* "Intel(R) Virtualization Technology for Directed I/O" */
	ims_kflag platform_opt_in;  /* "Intel-IOMMU force enabled due to platform opt in" */
	ims_kflag x2apic_opt_out;   /* "x2apic is disabled because BIOS sets x2apic opt out bit" */
	ims_kflag qi_for_ir;        /* "Queued invalidation will be enabled to support x2apic..." */

	/* Interrupt remapping (both vendors) */
	ims_kflag ir;               /* 1 enabled, 0 disabled */
	char ir_mode[8];            /* Intel: "x2apic" / "xapic", "" unknown */
	const char *ir_why;         /* static reason when disabled */
	uint32_t ir_why_line;

	/* AMD-Vi */
	ims_kamd_iommu *amd_iommus; size_t n_amd_iommus;
	bool has_global_efr;        /* "Using global IVHD EFR:..., EFR2:..." */
	uint64_t global_efr, global_efr2;
	uint32_t global_efr_line;
	bool has_efr_line;          /* 6.8+: one global "Extended features" line */
	uint64_t efr_line_efr, efr_line_efr2;
	uint32_t efr_line_line;
	ims_kflag amd_vapic;        /* "Virtual APIC enabled" */
	ims_kflag amd_x2apic;       /* "X2APIC enabled" */
	ims_kflag amd_iommuv2;      /* 1 loaded, 0 "not available" */
	ims_kflag amd_perf;         /* perf/amd_iommu detected or counters supported */
	ims_kflag amd_passthrough;  /* "AMD-Vi: Initialized for Passthrough Mode" (<= 4.x, iommu=pt) */
	ims_kflag amd_dma_ops;      /* <= 5.4 "Lazy IO/TLB flushing enabled" / "IO/TLB flush on unmap enabled" /
				     * the passthrough line: AMD-Vi finished init and set up DMA remapping */
	uint32_t amd_ivhd_type;     /* "Using IVHD type 0x40" (dump), 0 unknown */
	ims_khid *hids; size_t n_hids;
	uint32_t completion_wait_timeouts;
	uint32_t completion_wait_line;

	/* Generic */
	int8_t enabled;             /* 1 translating, 0 not, -1 unknown (derived at finish) */
	const char *enabled_why;    /* static explanation */
	uint32_t enabled_line;      /* evidence line, 0 if the evidence is an absence */
	char default_domain[16];    /* "Translated", "Passthrough", ... "" unknown */
	ims_kdom_source default_domain_source;
	uint32_t default_domain_line;
	char tlb_policy[8];         /* "strict" / "lazy" / "" */
	uint32_t tlb_policy_line;
	ims_kflag swiotlb;          /* software IO TLB / bounce buffering */
	ims_kflag acs_override;     /* "PCIe ACS overrides enabled" */
	ims_kflag mem_encrypt;      /* "Memory encryption detected - Disabling default IOMMU Passthrough" */
	ims_kflag vfio_no_ir;       /* "No interrupt remapping support.  Use ... allow_unsafe_interrupts" */
	ims_kflag dmar_table;       /* "ACPI: DMAR ..." listed */
	ims_kflag ivrs_table;       /* "ACPI: IVRS ..." listed */
	ims_kline *vfio; size_t n_vfio;
	ims_krefusal *refusals; size_t n_refusals; uint32_t n_refusals_dropped; /* 1:1-mapping refusals */

	/* PCI inventory and groups */
	ims_kpci *pci; size_t n_pci; uint32_t n_pci_dropped;
	ims_kgroupdev *groupdevs; size_t n_groupdevs; uint32_t n_groupdevs_dropped;

	/* Problems */
	ims_kfwbug *fwbugs; size_t n_fwbugs; uint32_t n_fwbugs_dropped;
	ims_kfault *faults; size_t n_faults; uint32_t n_faults_dropped; /* events not aggregated */
	uint64_t fault_events;      /* all fault events seen, aggregated or not */
	ims_kline *notes; size_t n_notes; uint32_t n_notes_dropped;
	ims_kline *unmatched; size_t n_unmatched;
	uint32_t unmatched_count;   /* all IOMMU-looking lines that matched no pattern */
} ims_kboot;

struct ims_kernel {
	ims_kboot *boots;           /* oldest kept first */
	size_t n_boots;
	uint32_t boots_seen;        /* including dropped ones */
	uint64_t lines;             /* lines read, all inputs */
	uint64_t kernel_lines;      /* lines recognised as kernel messages */
	uint64_t prefiltered;       /* lines that reached at least one regex */
};
typedef struct ims_kernel ims_kernel;

/* ---------------------------------------------------------------------- */
/* Parsing                                                                */
/* ---------------------------------------------------------------------- */

/* Parse a whole log held in memory (need not be NUL-terminated). */
int ims_parse_log(ims_model *m, uint32_t input, const char *text, size_t len);

/*
 * Streaming: feed any chunking of the input; results equal one-shot parsing.
 * Memory: one line buffer (<= IMS_KLOG_MAX_LINE) plus the facts kept.
 * The patterns are compiled (PCRE2 JIT) once per parser object, or once per
 * thread and shared by many parsers (klog_shared.h: ims_klog_compile,
 * ims_log_parser_new_with).
 * finish flushes the last line, derives summary facts; free releases the
 * parser (the facts stay in the model).  feed/finish return IMS_OK or
 * IMS_ERR_NOMEM / IMS_ERR_ARG.
 */
typedef struct ims_log_parser ims_log_parser;
ims_log_parser *ims_log_parser_new(ims_model *m, uint32_t input);
int ims_log_feed(ims_log_parser *p, const char *buf, size_t len);
int ims_log_finish(ims_log_parser *p);
void ims_log_parser_free(ims_log_parser *p);

/* The pattern table (for documentation and coverage tests). */
typedef struct ims_klog_pattern_info {
	const char *literal;        /* prefilter: the message must contain this */
	const char *regex;          /* PCRE2, matched against the message */
	const char *fact;           /* fact name it sets ("dmar.unit-regs" ...) */
	const char *kernels;        /* kernel versions whose wording it covers */
} ims_klog_pattern_info;
size_t ims_klog_pattern_count(void);
const ims_klog_pattern_info *ims_klog_pattern(size_t i); /* NULL if out of range */
/* How many lines matched pattern i in this parser (coverage tests). */
uint64_t ims_log_parser_hits(const ims_log_parser *p, size_t i);

/* ---------------------------------------------------------------------- */
/* Decoding helpers for renderers                                         */
/* ---------------------------------------------------------------------- */
typedef enum {
	IMS_BITS_VTD_CAP = 0,       /* Intel CAP register */
	IMS_BITS_VTD_ECAP,          /* Intel ECAP register */
	IMS_BITS_AMD_EFR,           /* AMD Extended Feature Register */
} ims_bits_kind;
/* Names of the single-bit features set in v (spec names, e.g. "QI", "PT",
 * "GTSup"); returns how many are set, stores up to max of them. */
size_t ims_bits_names(ims_bits_kind kind, uint64_t v, const char **out, size_t max);
/* The names the kernel prints for AMD EFR bits ("PPR X2APIC NX GT ..."). */
size_t ims_amd_efr_kernel_names(uint64_t efr, const char **out, size_t max);

/* Multi-bit fields of the Intel CAP / ECAP registers. */
#define IMS_VTD_CAP_ND(c) ((unsigned)((c) & 7))              /* domains = 2^(4+2*ND) */
#define IMS_VTD_CAP_SAGAW(c) ((unsigned)(((c) >> 8) & 0x1f))
#define IMS_VTD_CAP_MGAW(c) ((unsigned)(((c) >> 16) & 0x3f) + 1)
#define IMS_VTD_CAP_FRO(c) ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define IMS_VTD_CAP_SLLPS(c) ((unsigned)(((c) >> 34) & 0xf))
#define IMS_VTD_CAP_NFR(c) ((unsigned)(((c) >> 40) & 0xff) + 1)
#define IMS_VTD_CAP_MAMV(c) ((unsigned)(((c) >> 48) & 0x3f))
#define IMS_VTD_ECAP_IRO(e) ((unsigned)(((e) >> 8) & 0x3ff) * 16)
#define IMS_VTD_ECAP_MHMV(e) ((unsigned)(((e) >> 20) & 0xf))
#define IMS_VTD_ECAP_PSS(e) ((unsigned)(((e) >> 35) & 0x1f))
#define IMS_AMD_EFR_PASMAX(e) ((unsigned)(((e) >> 32) & 0x1f))

/* The boot a renderer shows by default (the last one); NULL if none. */
const ims_kboot *ims_kernel_last_boot(const ims_kernel *k);

/* Free a kernel view (NULL is fine). */
void ims_kernel_free(struct ims_kernel *k);

/* Invariants of the kernel view: 0, or -1 with a reason in why. */
int ims_kernel_check(const struct ims_kernel *k, char *why, size_t whylen);

#ifdef __cplusplus
}
#endif
#endif
