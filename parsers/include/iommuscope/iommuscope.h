/* SPDX-License-Identifier: MIT */
/*
 * iommuscope.h - the normalized IOMMU capability model and its parsers.
 *
 * Three layers, as in cmark/libfdt:
 *   1. parsers: bytes in (buffer + length, never NUL-terminated), model and
 *      diagnostics out.  No file I/O, no globals, no exit().
 *   2. the model (struct ims_model): one owned object, freed by one call
 *      (ims_model_free).  Every array below is owned by the model.
 *   3. renderers and analysis live in the CLI and read the model only.
 *
 * BDFs are stored as uint16_t (bus << 8 | dev << 3 | fn) plus a segment.
 * Offsets of table objects are byte offsets from the start of their table.
 *
 * Parsers never fail on bad input: every problem becomes a diagnostic with a
 * stable code (e.g. "ivrs.range-unterminated"), a severity and a location,
 * and whatever could be decoded is kept.  The only negative return values are
 * IMS_ERR_NOMEM and IMS_ERR_ARG.
 */
#ifndef IOMMUSCOPE_H
#define IOMMUSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IMS_VERSION "0.1.0"
/* Bumped when a JSON key is renamed or removed; adding keys does not bump. */
#define IMS_SCHEMA_VERSION 1

/* ---------------------------------------------------------------------- */
/* Status codes                                                           */
/* ---------------------------------------------------------------------- */
enum {
	IMS_OK = 0,
	IMS_ERR_NOMEM = -1, /* allocation failed; model is still consistent */
	IMS_ERR_ARG = -2,   /* caller passed NULL or an invalid index */
	IMS_ERR_LIMIT = -3, /* input larger than IMS_MAX_INPUT */
};
const char *ims_strerror(int status);

/* ---------------------------------------------------------------------- */
/* Limits (documented in README; enforced by every parser)                */
/* ---------------------------------------------------------------------- */
#define IMS_MAX_INPUT ((size_t)1 << 30)        /* bytes per input buffer */
#define IMS_MAX_TABLE ((size_t)16 << 20)       /* bytes per ACPI table kept */
#define IMS_MAX_TABLES 4096u                   /* tables per model */
#define IMS_MAX_ITEMS 1000000u                 /* elements per model array: "model.items-limit" */
#define IMS_MAX_DIAGS 10000u                   /* then diags_truncated is set */
#define IMS_MAX_SCOPE_PATH 16u                 /* DMAR scope path entries kept */

/* ---------------------------------------------------------------------- */
/* Diagnostics                                                            */
/* ---------------------------------------------------------------------- */
typedef enum {
	IMS_SEV_INFO = 0,
	IMS_SEV_WARNING = 1,
	IMS_SEV_ERROR = 2,
} ims_severity;
const char *ims_severity_name(ims_severity s); /* "info" "warning" "error" */

typedef struct ims_diag {
	const char *code;       /* static, stable: "<area>.<problem>" */
	ims_severity severity;
	uint32_t input;         /* index into model->inputs */
	int32_t table;          /* index into model->tables, -1 if none */
	uint64_t offset;        /* byte offset in table (table >= 0) or input */
	bool has_offset;
	uint32_t line;          /* 1-based line in a text input, 0 if none */
	char message[224];
} ims_diag;

/* One documented diagnostic code (README's table is generated from these). */
typedef struct ims_diag_info {
	const char *code;
	ims_severity severity;
	const char *description;
} ims_diag_info;
/* Copy up to max of all codes any parser can emit into out (may be NULL);
 * returns the total count. */
size_t ims_diag_catalog(ims_diag_info *out, size_t max);

/* ---------------------------------------------------------------------- */
/* Inputs and ACPI tables                                                 */
/* ---------------------------------------------------------------------- */
typedef enum {
	IMS_FMT_AUTO = 0,
	IMS_FMT_ACPIDUMP, /* ACPICA acpidump text */
	IMS_FMT_TABLE,    /* one raw binary ACPI table */
	IMS_FMT_LOG,      /* kernel log, any supported format */
	IMS_FMT_UNKNOWN,
} ims_format;
const char *ims_format_name(ims_format f);
/* Guess the format from the first bytes (never reads past len). */
ims_format ims_detect_format(const void *buf, size_t len);

typedef struct ims_input {
	char *name;             /* file name as given, "-" for stdin */
	ims_format format;
	uint64_t size;
} ims_input;

typedef struct ims_table {
	char signature[5];      /* NUL-terminated, non-printables as '?' */
	uint32_t length;        /* header Length field */
	uint32_t size;          /* bytes actually present (<= IMS_MAX_TABLE) */
	uint8_t revision;
	uint8_t checksum;
	bool checksum_verified; /* all bytes were read (decoded tables, binaries) */
	bool checksum_ok;       /* verified and the byte sum is 0 */
	bool header_complete;   /* >= 36 bytes present */
	char oem_id[7];
	char oem_table_id[9];
	uint32_t oem_revision;
	char creator_id[5];
	uint32_t creator_revision;
	uint64_t address;       /* from the acpidump header; 0 if unknown */
	uint32_t input;         /* index into model->inputs */
	uint32_t instance;      /* 0 for the first table of a signature */
	uint32_t line;          /* acpidump: line of "SIG @ 0x..." header; 0 */
	uint64_t input_offset;  /* byte offset of the table (binary) or header line */
	uint8_t *data;          /* owned copy for decoded tables, else NULL */
	bool decoded;           /* DMAR, IVRS, APIC, MCFG, HPET */
} ims_table;

/* A subtable we did not (or could not) decode: kept raw, never dropped. */
typedef struct ims_raw {
	int32_t table;
	uint32_t offset;        /* from table start */
	uint32_t length;        /* bytes kept (clipped to the table) */
	uint16_t type;
	const char *context;    /* "dmar", "ivrs", "ivhd-entry", "madt" ... */
} ims_raw;

/* ---------------------------------------------------------------------- */
/* Table views: DMAR                                                      */
/* ---------------------------------------------------------------------- */
typedef struct ims_dmar_info {
	bool present;
	int32_t table;          /* first DMAR table, -1 if none */
	uint8_t haw_raw;        /* Host Address Width field (width - 1) */
	unsigned haw_bits;      /* haw_raw + 1 */
	uint8_t flags;
	bool intr_remap;        /* bit0 INTR_REMAP */
	bool x2apic_opt_out;    /* bit1 X2APIC_OPT_OUT */
	bool platform_opt_in;   /* bit2 DMA_CTRL_PLATFORM_OPT_IN */
} ims_dmar_info;

typedef enum {
	IMS_SCOPE_RESERVED = 0,
	IMS_SCOPE_ENDPOINT = 1,
	IMS_SCOPE_BRIDGE = 2,
	IMS_SCOPE_IOAPIC = 3,
	IMS_SCOPE_HPET = 4,
	IMS_SCOPE_NAMESPACE = 5,
} ims_scope_type;

typedef enum {
	IMS_OWNER_DRHD = 0,
	IMS_OWNER_RMRR = 1,
	IMS_OWNER_ATSR = 2,
	IMS_OWNER_SATC = 5,
	IMS_OWNER_SIDP = 6,
} ims_scope_owner;

/* A DMAR device scope.  bdf is known only when the path has one hop. */
typedef struct ims_scope {
	ims_scope_owner owner_kind;
	uint32_t owner;         /* index into units/regions/atsrs/satcs/sidps */
	int32_t table;
	uint32_t offset;
	uint8_t type;           /* ims_scope_type (raw value kept) */
	uint8_t length;
	uint8_t flags;          /* byte 2 (VT-d 3.4+) */
	uint8_t enum_id;
	uint8_t start_bus;
	uint8_t path_len;       /* hops kept (<= IMS_MAX_SCOPE_PATH) */
	uint8_t path[IMS_MAX_SCOPE_PATH][2]; /* device, function */
	uint16_t segment;
	bool bdf_known;
	uint16_t bdf;
} ims_scope;

typedef struct ims_atsr {
	int32_t table;
	uint32_t offset;
	uint8_t flags;
	bool all_ports;
	uint16_t segment;
	uint32_t first_scope, nscopes; /* into model->scopes */
} ims_atsr;

typedef struct ims_satc {
	int32_t table;
	uint32_t offset;
	uint8_t flags;
	bool atc_required;
	uint16_t segment;
	uint32_t first_scope, nscopes;
} ims_satc;

typedef struct ims_sidp {
	int32_t table;
	uint32_t offset;
	uint16_t segment;
	uint32_t first_scope, nscopes;
} ims_sidp;

typedef struct ims_rhsa {
	int32_t table;
	uint32_t offset;
	uint64_t base;
	uint32_t proximity_domain;
	int32_t unit;           /* matching DRHD unit, -1 if none */
} ims_rhsa;

/* ---------------------------------------------------------------------- */
/* Table views: IVRS                                                      */
/* ---------------------------------------------------------------------- */
typedef struct ims_ivrs_info {
	bool present;
	int32_t table;
	uint32_t ivinfo;
	bool efr_sup;           /* bit0 */
	bool dma_remap;         /* bit1: pre-boot DMA protection */
	uint8_t gva_size;       /* bits 7:5 (encoded) */
	uint8_t pa_size;        /* bits 14:8 */
	uint8_t va_size;        /* bits 21:15 */
	bool ht_ats_reserved;   /* bit22 */
	uint8_t selected_ivhd_type; /* what Linux would use (0 if none) */
} ims_ivrs_info;

typedef struct ims_ivhd {
	int32_t table;
	uint32_t offset;
	uint16_t length;
	uint8_t type;           /* 0x10, 0x11, 0x40 */
	uint8_t flags;
	uint16_t bdf;           /* the IOMMU's own device id */
	uint16_t cap_offset;
	uint64_t base;
	uint16_t segment;
	uint16_t iommu_info;
	uint32_t feature;       /* 10h: Feature Reporting; 11h/40h: Attributes */
	uint64_t efr;           /* 11h/40h only */
	uint64_t efr2;          /* 11h/40h only */
	uint32_t first_entry, nentries; /* into model->ivhd_entries */
	int32_t unit;           /* the unit this subtable describes */
	bool selected;          /* of the type Linux would use */
} ims_ivhd;

typedef struct ims_ivhd_entry {
	uint32_t ivhd;          /* index into model->ivhds */
	uint32_t offset;        /* from table start */
	uint8_t type;
	uint8_t length;         /* bytes consumed */
	uint16_t devid;
	uint8_t dte;            /* Data Setting */
	uint16_t alias;         /* 42h/43h, 48h source id */
	uint32_t ext;           /* 46h/47h extended data */
	uint8_t handle;         /* 48h */
	uint8_t variety;        /* 48h: 1 IOAPIC, 2 HPET */
	char hid[9], cid[9];    /* F0h */
	uint8_t uid_format, uid_length;
	char uid[64];
	bool known;
} ims_ivhd_entry;

/* ---------------------------------------------------------------------- */
/* The normalized (vendor-neutral) model                                  */
/* ---------------------------------------------------------------------- */
typedef enum { IMS_VENDOR_INTEL = 1, IMS_VENDOR_AMD = 2 } ims_vendor;

typedef enum {
	IMS_CAP_INTR_REMAP = 0,
	IMS_CAP_X2APIC,
	IMS_CAP_PASID,          /* value: PASID width in bits */
	IMS_CAP_PRI,            /* page requests (Intel PRS / AMD PPR) */
	IMS_CAP_ATS,            /* device IOTLB / ATS */
	IMS_CAP_GUEST_TRANSLATION, /* nested / first-level / AMD GT */
	IMS_CAP_COHERENT,
	IMS_CAP_PASSTHROUGH,
	IMS_CAP_POSTED_INTR,    /* Intel PI / AMD GA vAPIC */
	IMS_CAP_PERF_COUNTERS,
	IMS_CAP_DIRTY_TRACKING,
	IMS_CAP_SNOOP_CONTROL,
	IMS_CAP_VA_BITS,        /* value: max DMA virtual address width */
	IMS_CAP_PA_BITS,        /* value: max physical address width */
	IMS_CAP_COUNT
} ims_cap_id;
const char *ims_cap_name(ims_cap_id c); /* JSON key: "intr_remap" ... */

typedef struct ims_cap {
	int8_t state;           /* -1 unknown, 0 no, 1 yes */
	uint32_t value;         /* widths etc.; 0 if none */
	const char *source;     /* static: "DMAR flags bit0", "IVHD 40h EFR bit 2" */
} ims_cap;

typedef struct ims_unit {
	ims_vendor vendor;
	uint16_t segment;
	uint64_t base;          /* register base */
	int32_t table;
	uint32_t offset;        /* DRHD, or the selected IVHD */
	/* Intel DRHD */
	uint8_t drhd_flags;
	bool include_pci_all;
	uint8_t size_field;     /* DRHD byte 5 bits 3:0 */
	uint64_t reg_size;      /* 1 << (size + 12) */
	/* AMD IVHD */
	int32_t ivhd;           /* selected IVHD subtable, -1 for Intel */
	uint8_t ivhd_types;     /* bit0 10h seen, bit1 11h, bit2 40h */
	uint16_t bdf;
	uint16_t cap_offset;
	bool has_efr;
	uint64_t efr, efr2;
	/* both */
	bool has_proximity;
	uint32_t proximity_domain;
	ims_cap caps[IMS_CAP_COUNT];
} ims_unit;

typedef enum {
	IMS_COV_ALL = 0,        /* IVHD 01h "all devices" / DRHD INCLUDE_PCI_ALL */
	IMS_COV_SELECT,         /* one device */
	IMS_COV_RANGE,          /* first..last */
	IMS_COV_ALIAS_SELECT,   /* device requests as alias */
	IMS_COV_ALIAS_RANGE,
	IMS_COV_EXT_SELECT,
	IMS_COV_EXT_RANGE,
	IMS_COV_SCOPE_ENDPOINT, /* DMAR endpoint scope */
	IMS_COV_SCOPE_BRIDGE,   /* DMAR bridge scope: bus range behind it */
} ims_cov_kind;
const char *ims_cov_kind_name(ims_cov_kind k);

typedef struct ims_coverage {
	int32_t unit;
	ims_cov_kind kind;
	uint16_t segment;
	bool bdf_known;         /* false for multi-hop DMAR scopes */
	uint16_t first, last;   /* inclusive; equal for selects */
	uint16_t alias;         /* alias kinds */
	uint8_t dte;
	uint32_t ext;
	int32_t table;
	uint32_t offset;
	int32_t scope;          /* DMAR: index into model->scopes, else -1 */
} ims_coverage;

typedef enum { IMS_SPECIAL_IOAPIC = 1, IMS_SPECIAL_HPET = 2 } ims_special_kind;

typedef struct ims_special {
	int32_t unit;
	ims_special_kind kind;
	uint8_t id;             /* IOAPIC id / HPET number */
	uint16_t segment;
	bool bdf_known;
	uint16_t bdf;
	int32_t table;
	uint32_t offset;
	int32_t scope;          /* DMAR scope index or -1 */
} ims_special;

typedef struct ims_acpidev {
	int32_t unit;           /* -1 for an ANDD with no scope */
	char name[256];         /* ANDD object path, or "" */
	uint8_t device_number;  /* ANDD / scope enumeration id */
	char hid[9], cid[9];    /* IVHD F0h */
	uint8_t uid_format;
	char uid[64];
	uint16_t segment;
	bool bdf_known;
	uint16_t bdf;
	int32_t table;
	uint32_t offset;
} ims_acpidev;

typedef enum {
	IMS_REGION_RMRR = 1,
	IMS_REGION_IVMD_ALL = 0x20,
	IMS_REGION_IVMD_SELECT = 0x21,
	IMS_REGION_IVMD_RANGE = 0x22,
} ims_region_kind;

typedef struct ims_region {
	ims_region_kind kind;
	int32_t table;
	uint32_t offset;
	uint16_t segment;
	uint64_t base;
	uint64_t end;           /* inclusive */
	uint8_t flags;          /* IVMD flags byte */
	bool unity, readable, writable, exclusion;
	bool all_devices;       /* IVMD 20h */
	uint16_t first, last;   /* IVMD 21h/22h devices */
	uint32_t first_scope, nscopes; /* RMRR scopes */
} ims_region;

/* MADT / MCFG / HPET facts needed to check coverage. */
typedef struct ims_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
	int32_t table;
	uint32_t offset;
} ims_ioapic;

typedef struct ims_mcfg_seg {
	uint64_t base;
	uint16_t segment;
	uint8_t start_bus, end_bus;
	int32_t table;
	uint32_t offset;
} ims_mcfg_seg;

typedef struct ims_madt_info {
	bool present;
	int32_t table;
	uint32_t local_apic_address;
	uint32_t flags;         /* bit0 PCAT_COMPAT */
	uint32_t ncpus;         /* enabled local APIC / x2APIC entries */
	uint32_t nx2apic;
	bool has_hpet_table;
	uint8_t hpet_number;    /* HPET table sequence number */
} ims_madt_info;

struct ims_kernel;          /* the kernel-log view: see klog.h */

/* Bookkeeping: how many tables of each signature the model holds (gives
 * ims_table::instance without rescanning every table). */
typedef struct ims_sigcount {
	char signature[5];
	uint32_t count;
} ims_sigcount;

#define IMS_VEC(T, name) T *name; size_t n_##name; size_t cap_##name

typedef struct ims_model {
	IMS_VEC(ims_input, inputs);
	IMS_VEC(ims_table, tables);
	IMS_VEC(ims_diag, diags);
	bool diags_truncated;
	IMS_VEC(ims_raw, raws);

	ims_dmar_info dmar;
	IMS_VEC(ims_scope, scopes);
	IMS_VEC(ims_atsr, atsrs);
	IMS_VEC(ims_satc, satcs);
	IMS_VEC(ims_sidp, sidps);
	IMS_VEC(ims_rhsa, rhsas);

	ims_ivrs_info ivrs;
	IMS_VEC(ims_ivhd, ivhds);
	IMS_VEC(ims_ivhd_entry, ivhd_entries);

	IMS_VEC(ims_unit, units);
	IMS_VEC(ims_coverage, coverage);
	IMS_VEC(ims_special, specials);
	IMS_VEC(ims_acpidev, acpidevs);
	IMS_VEC(ims_region, regions);

	ims_madt_info madt;
	IMS_VEC(ims_ioapic, ioapics);
	IMS_VEC(ims_mcfg_seg, mcfg);

	struct ims_kernel *kernel; /* NULL until a kernel log is parsed */
	IMS_VEC(ims_sigcount, sigcounts);
} ims_model;

ims_model *ims_model_new(void);
void ims_model_free(ims_model *m);

/* Register an input; returns its index, or a negative status. */
int ims_model_add_input(ims_model *m, const char *name, ims_format f, uint64_t size);

/* Count diagnostics at or above a severity. */
size_t ims_model_count_diags(const ims_model *m, ims_severity min);

/*
 * Check the model's invariants (every index in range, every table object's
 * offset + length inside its table, ranges ordered).  Returns 0, or -1 and a
 * description in why.  Used by tests and fuzz harnesses.
 */
int ims_model_check(const ims_model *m, char *why, size_t whylen);

/* ---------------------------------------------------------------------- */
/* Parsers                                                                */
/* ---------------------------------------------------------------------- */

/*
 * Parse ACPICA acpidump text: every table is recorded (header, checksum);
 * DMAR, IVRS, APIC, MCFG and HPET are hex-decoded and decoded, others are
 * skipped without decoding their hex.  text need not be NUL-terminated.
 */
int ims_parse_acpidump(ims_model *m, uint32_t input, const char *text, size_t len);

/* Parse one raw binary ACPI table (any signature; decoded ones as above). */
int ims_parse_table(ims_model *m, uint32_t input, const uint8_t *buf, size_t len);

/* Same, with a known acpidump location (used by ims_parse_acpidump). */
int ims_parse_table_at(ims_model *m, uint32_t input, const uint8_t *buf, size_t len,
		       uint64_t address, uint32_t line, uint64_t input_offset);

/*
 * Once all inputs are parsed: resolve cross references (RHSA -> unit, ANDD
 * -> namespace scope), derive normalized capabilities.  Idempotent.
 */
int ims_model_finish(ims_model *m);

/* Helpers for renderers. */
void ims_bdf_format(uint16_t segment, uint16_t bdf, char out[16]); /* ssss:bb:dd.f */
#define IMS_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | (((dev) & 0x1f) << 3) | ((fn) & 7)))
#define IMS_BDF_BUS(b) ((uint8_t)((b) >> 8))
#define IMS_BDF_DEV(b) ((uint8_t)(((b) >> 3) & 0x1f))
#define IMS_BDF_FN(b) ((uint8_t)((b) & 7))

#ifdef __cplusplus
}
#endif
#endif /* IOMMUSCOPE_H */
