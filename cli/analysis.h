/* SPDX-License-Identifier: MIT */
/*
 * analysis.h - the verdict engine behind `report`, `check`, `diff` and `batch`.
 *
 * Pure functions over the model: no I/O, no globals, no printing.  The
 * kernel view (model->kernel, see klog.h) is first reduced to the facts this
 * engine needs (ims_kfacts), so the rules can also be unit-tested with
 * hand-made facts.  Results borrow strings from the model (log line texts):
 * free the analysis before the model.
 */
#ifndef IMS_ANALYSIS_H
#define IMS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommuscope/iommuscope.h"

/* ---------------------------------------------------------------------- */
/* Evidence: where a fact comes from                                      */
/* ---------------------------------------------------------------------- */
typedef enum {
	IMS_EV_TABLE = 0, /* table + offset (input = the table's input) */
	IMS_EV_LOG,       /* input + line (+ the line's text) */
	IMS_EV_INPUT,     /* a whole input (e.g. "this acpidump has no DMAR/IVRS") */
} ims_ev_kind;

typedef struct ims_evidence {
	ims_ev_kind kind;
	int32_t input;          /* model input index, -1 if none */
	int32_t table;          /* model table index, -1 if none */
	uint64_t offset;        /* from the table start */
	bool has_offset;
	uint32_t line;          /* 1-based line in the input, 0 if none */
	const char *text;       /* borrowed log text (may be NULL) */
	char what[112];         /* short description: "DRHD 1 IOAPIC scope id 2" */
} ims_evidence;

#define IMS_MAX_EVIDENCE 6

/* ---------------------------------------------------------------------- */
/* Kernel facts (what the rules need from a kernel log)                   */
/* ---------------------------------------------------------------------- */
typedef struct ims_kref {
	bool seen;
	uint32_t input, line;
	const char *text;       /* borrowed; NULL allowed */
} ims_kref;

typedef struct ims_kf_pci {
	uint16_t segment, bdf;
	uint32_t class_code;    /* 24-bit, 0xffffffff unknown */
	uint16_t vendor, device;
	int16_t header_type;    /* 0 normal, 1 bridge, 2 cardbus, -1 unknown */
	int32_t group;          /* -1 unknown */
	ims_kref ref;           /* enumeration line */
	ims_kref group_ref;     /* "Adding to iommu group" line */
} ims_kf_pci;

typedef struct ims_kf_range {
	uint64_t base, end;     /* inclusive */
	int type;               /* e820: 1 usable, 2 reserved, 3 ACPI data, 4 NVS, other */
	ims_kref ref;
} ims_kf_range;

typedef struct ims_kf_table {   /* "ACPI: DMAR 0x... 0000A8 (v01 INTEL  KBL  00000001 INTL 00000001)" */
	char signature[5];
	uint32_t length;
	uint8_t revision;
	char oem_id[7], oem_table_id[9];
	uint32_t oem_revision;
	bool has_oem_revision;  /* the log line showed the OEM revision column */
	ims_kref ref;
} ims_kf_table;

typedef struct ims_kbdfref {
	uint16_t segment, bdf;
	bool bdf_known;
	uint64_t value;         /* base address / fault address / IOAPIC id */
	ims_kref ref;
} ims_kbdfref;

typedef enum { IMS_DD_UNKNOWN = 0, IMS_DD_TRANSLATED, IMS_DD_PASSTHROUGH, IMS_DD_OTHER } ims_dd_type;
typedef enum { IMS_TLB_UNKNOWN = 0, IMS_TLB_LAZY, IMS_TLB_STRICT } ims_tlb_policy;
typedef enum { IMS_IRMODE_UNKNOWN = 0, IMS_IRMODE_XAPIC, IMS_IRMODE_X2APIC } ims_ir_mode;

typedef struct ims_kfacts {
	bool present;           /* a kernel log was given */
	bool log_complete;      /* boot start and end of early init both seen */
	bool log_start_seen;    /* "Linux version" / "Command line" present */
	int cpu_vendor;         /* 0 unknown, IMS_VENDOR_INTEL, IMS_VENDOR_AMD (boot CPU line first,
				 * else guessed from IOMMU lines) */
	ims_kref cpu;           /* "smpboot: CPU0: ..." / "Performance Events: ... PMU driver" */
	const char *kernel_version;   /* borrowed, may be NULL */
	ims_kref cmdline;       /* text = the command line itself */
	ims_kref dmi;           /* text = "Vendor Product, BIOS ..." */

	/* Intel */
	ims_kref intel_echo_on;     /* "DMAR: IOMMU enabled" (cmdline echo only) */
	ims_kref intel_echo_off;    /* "DMAR: IOMMU disabled" */
	ims_kref intel_active;      /* "Intel(R) Virtualization Technology for Directed I/O" */
	ims_kref intel_broken_bios; /* "Your BIOS is broken; DMAR reported at address" */
	ims_kref intel_platform_optin;
	ims_kref dmar_ir_enabled;   /* "Enabled IRQ remapping in %s mode" */
	ims_ir_mode dmar_ir_mode;
	ims_kref dmar_ir_optout;    /* "x2apic is disabled because BIOS sets x2apic opt out bit" */
	ims_kref dmar_ir_no_mapping; /* "ioapic %d has no mapping iommu" */
	ims_kref dmar_ir_not_enabling; /* "Not enabling interrupt remapping" / "Failed to enable irq remapping" */
	/* AMD */
	ims_kref amd_found;         /* "Found IOMMU" / "Extended features" / "AMD-Vi:" init lines */
	ims_kref amd_v2_unavailable; /* "AMD IOMMUv2 functionality not available" */
	ims_kref amd_unknown_option; /* "AMD-Vi: Unknown option - '...'" */
	ims_kref amd_ivrs_bad_checksum;
	ims_kref amd_init_failed;
	ims_kref amd_passthrough_legacy; /* "AMD-Vi: Initialized for Passthrough Mode" (4.x) */
	ims_kref amd_lazy_legacy;   /* "Lazy IO/TLB flushing enabled" */
	ims_kref amd_strict_legacy; /* "IO/TLB flush on unmap enabled" */
	ims_kref amd_ir_enabled;    /* "Interrupt remapping enabled" */
	ims_kref amd_x2apic_enabled; /* "AMD-Vi: X2APIC enabled" */
	ims_kref amd_ir_disabling;  /* "Disabling interrupt remapping" */
	ims_kref amd_no_sb_ioapic;  /* "No southbridge IOAPIC found" */
	ims_kbdfref *amd_ioapic_missing; size_t n_amd_ioapic_missing; /* value = IOAPIC id */
	/* common */
	ims_kref default_domain;
	ims_dd_type dd_type;
	bool dd_set_by_cmdline;
	ims_kref tlb_policy_line;
	ims_tlb_policy tlb_policy;
	ims_kref x2apic_no_ir;      /* "x2apic: IRQ remapping doesn't support X2APIC mode" */
	ims_kref vfio_no_ir;        /* "No interrupt remapping support" */
	ims_kref acs_override;      /* "PCIe ACS overrides enabled" */

	ims_kf_pci *pci; size_t n_pci;
	size_t n_groups_seen;       /* "Adding to iommu group" lines */
	ims_kf_range *e820; size_t n_e820;
	ims_kf_table *acpi_tables; size_t n_acpi_tables;
	ims_kref *table_upgrades; size_t n_table_upgrades;
	ims_kbdfref *drhd_bases; size_t n_drhd_bases;  /* value = base */
	ims_kf_range *rmrrs; size_t n_rmrrs;             /* "RMRR base: ... end: ..." */
	ims_kbdfref *amd_iommus; size_t n_amd_iommus;  /* "Found IOMMU at BDF" */
	ims_kbdfref *faults; size_t n_faults;          /* DMA faults (bdf when known, value = address) */
	size_t n_faults_total;
	ims_kref *fw_bugs; size_t n_fw_bugs;           /* "[Firmware Bug]" / "[Firmware Warn]" lines */
	bool *fw_bug_harmless;                         /* parallel to fw_bugs */
	ims_kbdfref *direct_refused; size_t n_direct_refused; /* 1:1 mapping / RMRR refusal lines */

	bool owns_arrays;       /* arrays allocated by ims_kfacts_from_model */
	char fmt_buf[32];       /* scratch for derived texts */
} ims_kfacts;

/* Reduce model->kernel (NULL -> facts with present = false).  0 or IMS_ERR_NOMEM. */
int ims_kfacts_from_model(const ims_model *m, ims_kfacts *out);
void ims_kfacts_free(ims_kfacts *k);

/* ---------------------------------------------------------------------- */
/* Findings (check)                                                       */
/* ---------------------------------------------------------------------- */
typedef struct ims_rule_info {
	const char *id;         /* stable: "ioapic-not-in-ivrs" */
	ims_severity severity;  /* default severity */
	const char *doc;        /* one line: what it means and why it matters */
} ims_rule_info;
/* All rules (NULL-terminated).  Parser diagnostics become findings whose id
 * is the diagnostic code (see `iommuscope diagnostics`). */
extern const ims_rule_info ims_rules[];
const ims_rule_info *ims_rule_find(const char *id);

typedef struct ims_finding {
	const char *rule;       /* static: rule id or diagnostic code */
	ims_severity severity;
	bool from_diag;         /* a parser diagnostic */
	const char *doc;        /* static */
	char message[256];
	ims_evidence ev[IMS_MAX_EVIDENCE];
	unsigned nev;
} ims_finding;

/* ---------------------------------------------------------------------- */
/* Verdicts (report)                                                      */
/* ---------------------------------------------------------------------- */
typedef enum { IMS_V_UNKNOWN = -1, IMS_V_NO = 0, IMS_V_YES = 1 } ims_verdict;
const char *ims_verdict_name(ims_verdict v); /* "yes" "no" "unknown" */

typedef enum {
	IMS_Q_FIRMWARE_IOMMU = 0,   /* firmware describes an IOMMU (DMAR/IVRS) */
	IMS_Q_DMA_REMAPPING,        /* kernel enabled DMA remapping (+ mode) */
	IMS_Q_INTERRUPT_REMAPPING,  /* interrupt remapping enabled */
	IMS_Q_X2APIC,               /* interrupt remapping in x2APIC mode */
	IMS_Q_GPU_ISOLATION,        /* each GPU alone (or with its own functions) in its group */
	IMS_Q_FIRMWARE_CLEAN,       /* no firmware defect (warning or error finding) */
	IMS_Q_NO_DMA_FAULTS,        /* no DMA faults in the log */
	IMS_Q_COUNT
} ims_question;
const char *ims_question_id(ims_question q);   /* JSON key: "firmware_iommu" ... */
const char *ims_question_text(ims_question q); /* "Does the firmware describe an IOMMU?" */

typedef enum { IMS_BASIS_NONE = 0, IMS_BASIS_TABLES, IMS_BASIS_LOG, IMS_BASIS_BOTH } ims_basis;
const char *ims_basis_name(ims_basis b);

typedef struct ims_answer {
	ims_verdict verdict;
	ims_basis basis;        /* what the verdict rests on */
	char detail[96];        /* e.g. mode "translated (lazy)", "x2apic" */
	char reason[320];       /* why (always set; for unknown: what is missing) */
	char next_step[320];    /* set when the verdict is not yes */
	ims_evidence ev[IMS_MAX_EVIDENCE];
	unsigned nev;
} ims_answer;

/* Passthrough candidates and their IOMMU group. */
typedef enum {
	IMS_ISO_UNKNOWN = 0,
	IMS_ISO_ALONE,            /* only device in its group (bridges ignored) */
	IMS_ISO_WITH_FUNCTIONS,   /* shares only with functions of its own slot */
	IMS_ISO_SHARED,           /* shares with other endpoints */
} ims_isolation;
const char *ims_isolation_name(ims_isolation i); /* "alone" "alone-with-own-functions" "shared" "unknown" */

#define IMS_MAX_MATES 16
typedef struct ims_devreport {
	uint16_t segment, bdf;
	uint32_t class_code;
	uint16_t vendor, device;
	const char *kind;         /* static: "gpu" "nvme" "nic" "usb" "audio" */
	int32_t group;            /* -1 unknown */
	ims_isolation isolation;
	struct {
		uint16_t segment, bdf;
		uint32_t class_code;
		bool bridge;          /* ignored for viability (VFIO allows bridges) */
	} mates[IMS_MAX_MATES];
	unsigned nmates, nmates_total;
	int32_t unit;             /* IOMMU unit covering it per the tables, -1 */
	int32_t direct_region;    /* RMRR/IVMD covering it, -1 */
	bool direct_relaxable;    /* RMRR of a USB/GPU device: VFIO still allowed */
	char verdict_text[200];
	ims_evidence ev[3];
	unsigned nev;
} ims_devreport;

/* A device named by an RMRR/IVMD (whether or not the log lists it). */
typedef struct ims_direct {
	uint16_t segment, bdf;    /* first BDF; for IVMD ranges bdf..last */
	uint16_t last;
	bool all_devices;         /* IVMD 20h */
	int32_t region;           /* index into model->regions */
	bool relaxable;           /* Intel RMRR of USB/graphics device */
	bool vfio_refuses;
	uint32_t class_code;      /* from the log, 0xffffffff unknown */
} ims_direct;

typedef struct ims_contribution {
	int32_t input;
	char text[200];           /* "acpidump: 38 tables, DMAR decoded (2 units) ..." */
} ims_contribution;

typedef struct ims_analysis {
	ims_finding *findings; size_t n_findings;
	size_t count[3];          /* findings per severity */
	ims_answer answers[IMS_Q_COUNT];
	ims_devreport *devices; size_t n_devices;
	ims_direct *directs; size_t n_directs;
	ims_contribution *contrib; size_t n_contrib;
	char (*limits)[200]; size_t n_limits; /* questions the inputs cannot answer */
	/* summary used by batch/diff */
	int vendor;               /* IMS_VENDOR_*, 0 unknown */
	char dma_mode[96];        /* "translated" "passthrough" "translated (lazy)" ... "" */
	bool oom;
	ims_kfacts *kf_owned;     /* facts derived by ims_analyze (evidence may point into them) */
} ims_analysis;

/*
 * Run every rule and answer every question.  kf may be NULL (derived from
 * model->kernel).  Returns 0, or IMS_ERR_NOMEM (the analysis is still
 * consistent and can be freed).
 */
int ims_analyze(const ims_model *m, const ims_kfacts *kf, ims_analysis *out);
void ims_analysis_free(ims_analysis *a);

/* Device-class helpers (names from PCI class codes). */
const char *ims_class_name(uint32_t class_code); /* "VGA controller", "NVMe controller" ... */
const char *ims_passthrough_kind(uint32_t class_code); /* "gpu" ... or NULL */

/* Command-line helper: value of key=... in cmdline (first match), copied
 * into out; returns true if the key is present (value "" for bare flags). */
bool ims_cmdline_get(const char *cmdline, const char *key, char *out, size_t outlen);

/* ---------------------------------------------------------------------- */
/* Rendering (cmd_report.c) - shared by report, check, diff and batch      */
/* ---------------------------------------------------------------------- */
#include <stdio.h>
#include <jansson.h>

/* The whole report as JSON (schema in README, "report --json"). */
json_t *ims_report_json(const ims_model *m, const ims_analysis *a);
/* Evidence as JSON / one line of text. */
json_t *ims_evidence_json(const ims_model *m, const ims_evidence *e);
void ims_evidence_text(const ims_model *m, const ims_evidence *e, char *out, size_t n);
/* Findings as JSON array (at or above min). */
json_t *ims_findings_json(const ims_model *m, const ims_analysis *a, ims_severity min);
/* Human report. */
void ims_report_text(FILE *out, const ims_model *m, const ims_analysis *a, bool verbose);
/* Parse "info" / "warning" / "error"; -1 if bad. */
int ims_parse_severity(const char *s);

#endif
