/* SPDX-License-Identifier: MIT */
/*
 * The verdict engine: rules (check) and answers (report) over the model.
 * Pure: no I/O, no globals (the rule catalog is const), no printing.
 *
 * Kernel semantics used here are documented next to each rule; sources are
 * Linux drivers/iommu/{amd/init.c,intel/dmar.c,intel/iommu.c,
 * intel/irq_remapping.c}, arch/x86/include/asm/iommu.h, drivers/vfio and
 * fwts src/acpi/{dmar,ivrs} (see ../shared/docs/validation-checks.md).
 */
#include "analysis.h"
#include "iommuscope/klog.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Rule catalog                                                           */
/* ---------------------------------------------------------------------- */
const ims_rule_info ims_rules[] = {
	/* firmware presence */
	{"no-iommu-table", IMS_SEV_WARNING,
	 "ACPI tables were given but neither DMAR nor IVRS: the IOMMU is disabled in firmware setup (VT-d / AMD IOMMU) or absent"},
	{"ivrs-bad-checksum", IMS_SEV_ERROR,
	 "IVRS checksum is wrong: Linux prints 'IVRS invalid checksum' and does not initialise the AMD IOMMU at all"},
	{"dmar-bad-checksum", IMS_SEV_WARNING,
	 "DMAR checksum is wrong (fwts ACPITableChecksum); Linux does not check it, but the table may be corrupt"},
	/* DMAR structure (fwts dmar test + Linux dmar.c) */
	{"dmar-too-short", IMS_SEV_WARNING, "DMAR has no remapping structures (length <= 48; fwts InvalidDMAR)"},
	{"dmar-haw-invalid", IMS_SEV_ERROR,
	 "DMAR Host Address Width field < 11: Linux prints 'Invalid DMAR haw' and VT-d is not used"},
	{"dmar-no-drhd", IMS_SEV_ERROR, "DMAR without any DRHD: Linux finds no DMAR devices, VT-d is not used"},
	{"drhd-address-zero", IMS_SEV_ERROR,
	 "DRHD register base is 0: Linux prints 'Your BIOS is broken; DMAR reported at address 0!' and disables VT-d"},
	{"drhd-address-unaligned", IMS_SEV_WARNING, "DRHD register base not 4 KiB aligned (fwts InvalidDRHDRegAddr)"},
	{"drhd-duplicate-base", IMS_SEV_WARNING, "two DRHDs describe the same register base; Linux ignores the second"},
	{"drhd-include-all-multiple", IMS_SEV_WARNING,
	 "more than one INCLUDE_PCI_ALL DRHD in one PCI segment (fwts MultipleDRHDSFlag, checked per segment)"},
	{"drhd-include-all-not-last", IMS_SEV_INFO,
	 "an INCLUDE_PCI_ALL DRHD is not the last DRHD of its segment as VT-d requires (Linux re-orders silently)"},
	{"drhd-device-in-two-units", IMS_SEV_WARNING,
	 "one PCI device is listed in the scopes of two DRHDs: which unit translates it depends on table order"},
	{"dmar-scope-invalid", IMS_SEV_WARNING, "device scope shorter than 8 bytes or without a path (fwts InvalidDevScope)"},
	{"dmar-scope-type-unknown", IMS_SEV_WARNING, "device scope of reserved type (0 or > 5): Linux prints 'Unsupported device scope'"},
	{"rmrr-range-invalid", IMS_SEV_WARNING,
	 "RMRR base/end not 4 KiB aligned or end < base (fwts InvalidRMRRRangeAddr; Linux 'Your BIOS is broken; bad RMRR')"},
	{"rmrr-not-e820-reserved", IMS_SEV_WARNING,
	 "RMRR not in e820 reserved memory (Linux 6.1+: or ACPI NVS): Linux 'No firmware reserved region can cover this RMRR' + taint"},
	{"rhsa-no-unit", IMS_SEV_WARNING, "RHSA names a register base no DRHD has: Linux 'RHSA refers to non-existent DMAR unit' + taint"},
	{"dmar-ir-unsupported", IMS_SEV_WARNING,
	 "DMAR flags bit0 INTR_REMAP is clear: Linux will not enable interrupt remapping (and x2APIC needs it)"},
	{"dmar-x2apic-opt-out", IMS_SEV_INFO,
	 "DMAR flags bit1 X2APIC_OPT_OUT: Linux enables interrupt remapping in xAPIC mode only (override: intremap=no_x2apic_optout)"},
	{"dmar-platform-opt-in", IMS_SEV_INFO,
	 "DMAR flags bit2 DMA_CTRL_PLATFORM_OPT_IN: pre-boot DMA protection; Linux forces VT-d on when an external port exists"},
	{"ioapic-not-in-dmar", IMS_SEV_ERROR,
	 "an MADT IOAPIC is under no DRHD IOAPIC scope: Linux 'ioapic N has no mapping iommu' -> interrupt remapping disabled"},
	{"hpet-not-in-dmar", IMS_SEV_WARNING, "the HPET has no DRHD HPET scope: its MSIs cannot be remapped"},
	/* IVRS structure (fwts ivrs test + Linux amd/init.c) */
	{"ivrs-revision-invalid", IMS_SEV_WARNING, "IVRS revision is not 1 or 2 (fwts IVRSBadRevision)"},
	{"ivrs-ivinfo-reserved", IMS_SEV_WARNING, "IVinfo reserved bits 4:2 or 31:23 set (fwts IVRSReservedBitsNonZero)"},
	{"ivhd-40h-revision", IMS_SEV_WARNING, "IVHD type 40h in an IVRS whose revision is not 2 (fwts IVRSBadRevision)"},
	{"ivhd-info-reserved", IMS_SEV_WARNING, "IVHD IOMMU Info reserved bits 7:5 or 15:13 set (fwts)"},
	{"ivhd-flags-reserved", IMS_SEV_INFO,
	 "IVHD 11h/40h flags bits 7:6 set (fwts); most shipped firmware copies them from the 10h flags, Linux ignores them"},
	{"ivhd-attributes-reserved", IMS_SEV_INFO,
	 "IVHD 11h/40h attribute bits 12:0 or 31:28 set (fwts); common in shipped firmware, Linux ignores them"},
	{"ivhd-entry-unknown", IMS_SEV_WARNING, "IVHD device entry of an undefined type (fwts IVRSBadType); Linux skips it"},
	{"ivrs-subtable-unknown", IMS_SEV_WARNING,
	 "IVRS subtable of an undefined type (fwts IVRSBadIVHDType); Linux ignores it (e.g. Lenovo type 0x51)"},
	{"ivmd-flags-reserved", IMS_SEV_WARNING, "IVMD flags bits 7:4 set (fwts)"},
	{"ivmd-exclusion-range", IMS_SEV_INFO,
	 "IVMD exclusion range: Linux (5.15+) turns it into a r/w unity (1:1) mapping, so the devices are direct-mapped"},
	{"ioapic-not-in-ivrs", IMS_SEV_ERROR,
	 "an MADT IOAPIC has no IVRS special entry (48h): Linux 'IOAPIC[N] not in IVRS table' -> interrupt remapping disabled"},
	{"ivrs-no-southbridge-ioapic", IMS_SEV_ERROR,
	 "no MADT IOAPIC maps to 00:14.0 in IVRS: Linux 'No southbridge IOAPIC found' -> interrupt remapping disabled"},
	{"hpet-not-in-ivrs", IMS_SEV_WARNING, "the HPET has no IVRS special entry (48h variety 2): its MSIs cannot be remapped"},
	{"ivhd-no-x2apic", IMS_SEV_INFO,
	 "the IVHD Linux uses reports no XTSup (EFR bit 2): interrupt remapping runs in xAPIC mode, no x2APIC"},
	{"ivrs-efr-inconsistent", IMS_SEV_WARNING,
	 "IOMMUs report different EFR images: Linux 6.x 'Found inconsistent EFR/EFR2' and uses the common subset"},
	{"ivrs-efr-without-efrsup", IMS_SEV_INFO, "IVHD 11h/40h carry an EFR image but IVinfo EFRSup is clear: Linux ignores the image"},
	{"ivhd-types-inconsistent", IMS_SEV_WARNING,
	 "the same IOMMU (device id) has different register bases in its 10h/11h/40h descriptions"},
	{"ivrs-dma-remap-preboot", IMS_SEV_INFO, "IVinfo bit1: the firmware protected memory from DMA before the OS (pre-boot DMA protection)"},
	{"amd-device-in-two-units", IMS_SEV_WARNING, "one device id is covered by the device entries of two AMD IOMMUs"},
	/* common */
	{"region-duplicate", IMS_SEV_WARNING, "two reserved-memory structures (RMRR/IVMD) describe the same range for the same devices"},
	{"region-overlap", IMS_SEV_INFO, "two reserved-memory ranges (RMRR/IVMD) overlap"},
	{"direct-map-blocks-vfio", IMS_SEV_WARNING,
	 "RMRR/IVMD asks for a 1:1 mapping of a device: VFIO refuses to assign it ('Firmware has requested this device have a 1:1 IOMMU mapping')"},
	{"madt-missing", IMS_SEV_INFO, "DMAR/IVRS given without MADT: IOAPIC coverage (interrupt remapping) cannot be checked"},
	/* kernel log */
	{"cmdline-amd-iommu-on", IMS_SEV_WARNING,
	 "'amd_iommu=on' is not a valid option (kernel: AMD-Vi: Unknown option - 'on'); the AMD IOMMU is on by default"},
	{"cmdline-intel-iommu-on-amd", IMS_SEV_INFO, "'intel_iommu=on' on an AMD machine has no effect ('DMAR: IOMMU enabled' is only its echo)"},
	{"cmdline-iommu-off", IMS_SEV_WARNING, "the command line disables the IOMMU (iommu=off / intel_iommu=off / amd_iommu=off)"},
	{"cmdline-intremap-off", IMS_SEV_WARNING, "the command line disables interrupt remapping (intremap=off)"},
	{"kernel-ir-disabled", IMS_SEV_ERROR, "the kernel disabled interrupt remapping (see the log line)"},
	{"kernel-vfio-no-ir", IMS_SEV_ERROR, "VFIO refused a group: 'No interrupt remapping support' (allow_unsafe_interrupts needed)"},
	{"kernel-firmware-bug", IMS_SEV_WARNING, "the kernel reported an IOMMU-related [Firmware Bug] / [Firmware Warn]"},
	{"kernel-dma-fault", IMS_SEV_WARNING, "DMA remapping faults in the log (a device accessed memory it was not mapped for)"},
	{"kernel-direct-map-refused", IMS_SEV_WARNING, "the kernel refused a device because firmware requires a 1:1 mapping (RMRR/IVMD)"},
	{"kernel-acs-override", IMS_SEV_INFO, "the out-of-tree ACS override is active: IOMMU groups no longer reflect real isolation"},
	{"kernel-iommu-init-failed", IMS_SEV_ERROR, "the kernel could not initialise the IOMMU (see the log line)"},
	/* table <-> log */
	{"log-table-differs", IMS_SEV_WARNING,
	 "the log's ACPI table header (length/revision/OEM) differs from the dump: different boot or BIOS version"},
	{"log-table-not-in-dump", IMS_SEV_WARNING, "the log shows a DMAR/IVRS table the dump lacks: dump and log are from different firmware"},
	{"dump-table-not-in-log", IMS_SEV_WARNING, "the dump has a DMAR/IVRS table the log's ACPI table list lacks"},
	{"log-unit-not-in-table", IMS_SEV_WARNING, "the log shows an IOMMU unit the tables do not describe (different boot, BIOS or Table Upgrade)"},
	{"table-unit-not-in-log", IMS_SEV_WARNING, "the tables describe an IOMMU unit the log does not show"},
	{"log-rmrr-not-in-table", IMS_SEV_WARNING, "the log shows an RMRR the DMAR does not have"},
	{"log-table-upgrade", IMS_SEV_WARNING, "ACPI tables were overridden from the initrd (Table Upgrade): the log's tables are not the firmware's"},
	{NULL, IMS_SEV_INFO, NULL},
};

const ims_rule_info *ims_rule_find(const char *id)
{
	for (const ims_rule_info *r = ims_rules; r->id; r++)
		if (!strcmp(r->id, id))
			return r;
	return NULL;
}

const char *ims_verdict_name(ims_verdict v)
{
	return v == IMS_V_YES ? "yes" : v == IMS_V_NO ? "no" : "unknown";
}

static const char *const q_ids[IMS_Q_COUNT] = {
	"firmware_iommu", "dma_remapping", "interrupt_remapping", "x2apic", "gpu_isolation", "firmware_clean", "no_dma_faults",
};
static const char *const q_texts[IMS_Q_COUNT] = {
	"Does the firmware describe an IOMMU (DMAR/IVRS)?",
	"Did the kernel enable DMA remapping?",
	"Is interrupt remapping enabled?",
	"Is interrupt remapping in x2APIC mode?",
	"Is every GPU isolated in its IOMMU group?",
	"Is the firmware free of IOMMU defects?",
	"Is the log free of DMA faults?",
};
const char *ims_question_id(ims_question q) { return (unsigned)q < IMS_Q_COUNT ? q_ids[q] : "?"; }
const char *ims_question_text(ims_question q) { return (unsigned)q < IMS_Q_COUNT ? q_texts[q] : "?"; }

const char *ims_basis_name(ims_basis b)
{
	switch (b) {
	case IMS_BASIS_TABLES: return "tables";
	case IMS_BASIS_LOG: return "log";
	case IMS_BASIS_BOTH: return "tables+log";
	default: return "none";
	}
}

const char *ims_isolation_name(ims_isolation i)
{
	switch (i) {
	case IMS_ISO_ALONE: return "alone";
	case IMS_ISO_WITH_FUNCTIONS: return "alone-with-own-functions";
	case IMS_ISO_SHARED: return "shared";
	default: return "unknown";
	}
}

const char *ims_class_name(uint32_t c)
{
	if (c == 0xffffffffu)
		return "unknown device";
	unsigned base = (c >> 16) & 0xff, sub = (c >> 8) & 0xff, pi = c & 0xff;
	switch (base) {
	case 0x01:
		if (sub == 0x08)
			return pi == 0x02 ? "NVMe controller" : "NVM controller";
		if (sub == 0x06)
			return "SATA controller";
		if (sub == 0x07)
			return "SAS controller";
		if (sub == 0x04)
			return "RAID controller";
		return "storage controller";
	case 0x02:
		return sub == 0x80 ? "network controller" : sub == 0x00 ? "Ethernet controller" : "network controller";
	case 0x03:
		return sub == 0x00 ? "VGA controller" : sub == 0x02 ? "3D controller" : "display controller";
	case 0x04:
		return sub == 0x03 ? "audio device" : "multimedia controller";
	case 0x05: return "memory controller";
	case 0x06:
		switch (sub) {
		case 0x00: return "host bridge";
		case 0x01: return "ISA bridge";
		case 0x04: return "PCI bridge";
		default: return "bridge";
		}
	case 0x07: return "communication controller";
	case 0x08: return sub == 0x06 ? "IOMMU" : "system peripheral";
	case 0x0c:
		if (sub == 0x03)
			return "USB controller";
		if (sub == 0x05)
			return "SMBus controller";
		return "serial bus controller";
	case 0x0d: return "wireless controller";
	case 0x10: return "encryption controller";
	case 0x11: return "signal processing controller";
	case 0x12: return "processing accelerator";
	case 0x13: return "non-essential instrumentation";
	default: return "device";
	}
}

const char *ims_passthrough_kind(uint32_t c)
{
	if (c == 0xffffffffu)
		return NULL;
	unsigned base = (c >> 16) & 0xff, sub = (c >> 8) & 0xff;
	if (base == 0x03)
		return "gpu";
	if (base == 0x01 && sub == 0x08)
		return "nvme";
	if (base == 0x02)
		return "nic";
	if (base == 0x0c && sub == 0x03)
		return "usb";
	if (base == 0x04 && sub == 0x03)
		return "audio";
	return NULL;
}

bool ims_cmdline_get(const char *cmdline, const char *key, char *out, size_t outlen)
{
	if (outlen)
		out[0] = 0;
	if (!cmdline)
		return false;
	size_t kl = strlen(key);
	const char *p = cmdline;
	bool found = false;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *s = p;
		bool quoted = false;
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		size_t n = (size_t)(p - s);
		if (n >= kl && !strncmp(s, key, kl) && (n == kl || s[kl] == '=')) {
			/* last occurrence wins, as in the kernel's parser for most options */
			found = true;
			if (outlen) {
				size_t vl = n > kl ? n - kl - 1 : 0;
				if (vl >= outlen)
					vl = outlen - 1;
				memcpy(out, s + kl + (n > kl ? 1 : 0), vl);
				out[vl] = 0;
			}
		}
	}
	return found;
}

/* Does a comma-separated option value contain word? */
static bool opt_has(const char *val, const char *word)
{
	size_t wl = strlen(word);
	const char *p = val;
	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n == wl && !strncmp(p, word, wl))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Builders                                                               */
/* ---------------------------------------------------------------------- */
static void *grow(void *arr, size_t n, size_t *cap, size_t el, bool *oom)
{
	if (n < *cap)
		return arr;
	size_t nc = *cap ? *cap * 2 : 16;
	void *p = realloc(arr, nc * el);
	if (!p) {
		*oom = true;
		return NULL;
	}
	*cap = nc;
	return p;
}

typedef struct ctx {
	const ims_model *m;
	const ims_kfacts *k;
	ims_analysis *a;
	size_t cap_findings, cap_devices, cap_directs, cap_contrib, cap_limits;
} ctx;

static ims_evidence ev_table(const ims_model *m, int32_t table, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static ims_evidence ev_table(const ims_model *m, int32_t table, uint64_t offset, const char *fmt, ...)
{
	ims_evidence e;
	memset(&e, 0, sizeof(e));
	e.kind = IMS_EV_TABLE;
	e.table = table;
	e.input = (table >= 0 && (size_t)table < m->n_tables) ? (int32_t)m->tables[table].input : -1;
	e.offset = offset;
	/* an offset past the bytes present (cut table, clipped IVHD) is not evidence of anything */
	e.has_offset = table >= 0 && (size_t)table < m->n_tables && offset <= m->tables[table].size;
	if (table >= 0 && (size_t)table < m->n_tables)
		e.line = m->tables[table].line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.what, sizeof(e.what), fmt, ap);
	va_end(ap);
	return e;
}

static ims_evidence ev_log(const ims_kref *r, const char *what)
{
	ims_evidence e;
	memset(&e, 0, sizeof(e));
	e.kind = IMS_EV_LOG;
	e.input = (int32_t)r->input;
	e.table = -1;
	e.line = r->line;
	e.text = r->text;
	if (what)
		snprintf(e.what, sizeof(e.what), "%s", what);
	return e;
}

static ims_evidence ev_input(int32_t input, const char *what)
{
	ims_evidence e;
	memset(&e, 0, sizeof(e));
	e.kind = IMS_EV_INPUT;
	e.input = input;
	e.table = -1;
	snprintf(e.what, sizeof(e.what), "%s", what);
	return e;
}

/* Rules that a parser diagnostic already reports (same defect, same table):
 * the parser's finding is kept and the rule stays quiet, so nothing is
 * reported twice.  Several codes may cover one rule. */
static const struct {
	const char *rule, *codes[3];
} covered_by[] = {
	{"drhd-address-zero", {"dmar.drhd-base-zero"}},
	{"drhd-address-unaligned", {"dmar.drhd-base-unaligned"}},
	{"drhd-duplicate-base", {"dmar.drhd-duplicate-base"}},
	{"drhd-include-all-multiple", {"dmar.include-all-duplicate"}},
	{"drhd-include-all-not-last", {"dmar.include-all-not-last"}},
	{"rmrr-range-invalid", {"dmar.rmrr-base-unaligned", "dmar.rmrr-end-unaligned", "dmar.rmrr-end-before-base"}},
	{"rhsa-no-unit", {"dmar.rhsa-no-drhd"}},
	{"dmar-scope-type-unknown", {"dmar.scope-unsupported"}},
	{"dmar-scope-invalid", {"dmar.scope-bad-length", "dmar.scope-empty-path", "dmar.scope-truncated"}},
	{"dmar-haw-invalid", {"dmar.haw-invalid"}},
	{"dmar-no-drhd", {"dmar.no-drhd"}},
	{"dmar-too-short", {"dmar.too-short"}},
	{"dmar-bad-checksum", {"acpi.bad-checksum"}},
	{"ivrs-revision-invalid", {"ivrs.bad-revision"}},
	{"ivhd-40h-revision", {"ivrs.ivhd-40h-revision"}},
	{"ivrs-ivinfo-reserved", {"ivrs.reserved-bits"}},
	{"ivhd-info-reserved", {"ivrs.reserved-bits"}},
	{"ivmd-flags-reserved", {"ivrs.reserved-bits"}},
	{"ivhd-flags-reserved", {"ivrs.reserved-bits-common"}},
	{"ivhd-attributes-reserved", {"ivrs.reserved-bits-common"}},
	{"ivhd-entry-unknown", {"ivrs.entry-unknown"}},
	{"ivrs-subtable-unknown", {"ivrs.unknown-subtable"}},
};

static bool rule_covered(const ims_model *m, const char *rule)
{
	for (size_t i = 0; i < sizeof(covered_by) / sizeof(covered_by[0]); i++) {
		if (strcmp(covered_by[i].rule, rule))
			continue;
		for (size_t j = 0; j < 3 && covered_by[i].codes[j]; j++)
			for (size_t d = 0; d < m->n_diags; d++)
				if (m->diags[d].code && !strcmp(m->diags[d].code, covered_by[i].codes[j]) &&
				    (strcmp(rule, "dmar-bad-checksum") || (m->diags[d].table >= 0 &&
				     !strcmp(m->tables[m->diags[d].table].signature, "DMAR"))))
					return true;
	}
	return false;
}

static ims_finding *add_finding(ctx *c, const char *rule, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static ims_finding *add_finding(ctx *c, const char *rule, const char *fmt, ...)
{
	ims_analysis *a = c->a;
	if (rule_covered(c->m, rule))
		return NULL;
	ims_finding *nf = grow(a->findings, a->n_findings, &c->cap_findings, sizeof(*nf), &a->oom);
	if (!nf)
		return NULL;
	a->findings = nf;
	ims_finding *f = &a->findings[a->n_findings++];
	memset(f, 0, sizeof(*f));
	const ims_rule_info *ri = ims_rule_find(rule);
	f->rule = ri ? ri->id : rule;
	f->severity = ri ? ri->severity : IMS_SEV_WARNING;
	f->doc = ri ? ri->doc : "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return f;
}

static void f_ev(ims_finding *f, ims_evidence e)
{
	if (f && f->nev < IMS_MAX_EVIDENCE)
		f->ev[f->nev++] = e;
}

static void a_ev(ims_answer *q, ims_evidence e)
{
	if (q->nev < IMS_MAX_EVIDENCE)
		q->ev[q->nev++] = e;
}

static void add_limit(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_limit(ctx *c, const char *fmt, ...)
{
	ims_analysis *a = c->a;
	char(*nl)[200] = grow(a->limits, a->n_limits, &c->cap_limits, sizeof(*nl), &a->oom);
	if (!nl)
		return;
	a->limits = nl;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->limits[a->n_limits++], 200, fmt, ap);
	va_end(ap);
}

static void bdfs(char out[16], uint16_t seg, uint16_t bdf) { ims_bdf_format(seg, bdf, out); }

/* short BDF "bb:dd.f" for segment 0, else "ssss:bb:dd.f" */
static void bdf_short(char out[16], uint16_t seg, uint16_t bdf)
{
	if (seg)
		ims_bdf_format(seg, bdf, out);
	else
		snprintf(out, 16, "%02x:%02x.%x", IMS_BDF_BUS(bdf), IMS_BDF_DEV(bdf), IMS_BDF_FN(bdf));
}

static const char *region_name(const ims_region *r)
{
	switch (r->kind) {
	case IMS_REGION_RMRR: return "RMRR";
	case IMS_REGION_IVMD_ALL: return "IVMD 20h";
	case IMS_REGION_IVMD_SELECT: return "IVMD 21h";
	case IMS_REGION_IVMD_RANGE: return "IVMD 22h";
	}
	return "region";
}

/* Compare two fixed-width ACPI ASCII fields ignoring trailing blanks. */
static bool ascii_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	while (la && a[la - 1] == ' ')
		la--;
	while (lb && b[lb - 1] == ' ')
		lb--;
	return la == lb && !memcmp(a, b, la);
}

static int table_index(const ims_model *m, const char *sig)
{
	for (size_t i = 0; i < m->n_tables; i++)
		if (!strcmp(m->tables[i].signature, sig))
			return (int)i;
	return -1;
}

static const ims_kf_pci *kpci_find(const ims_kfacts *k, uint16_t seg, uint16_t bdf)
{
	for (size_t i = 0; i < k->n_pci; i++)
		if (k->pci[i].segment == seg && k->pci[i].bdf == bdf)
			return &k->pci[i];
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Parser diagnostics -> findings                                         */
/* ---------------------------------------------------------------------- */
static void rules_diags(ctx *c)
{
	const ims_model *m = c->m;
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		ims_finding *f = add_finding(c, d->code, "%s", d->message);
		if (!f)
			return;
		f->severity = d->severity;
		f->from_diag = true;
		f->doc = "parser diagnostic (see 'iommuscope diagnostics')";
		ims_evidence e;
		memset(&e, 0, sizeof(e));
		e.kind = d->table >= 0 ? IMS_EV_TABLE : IMS_EV_INPUT;
		e.input = (int32_t)d->input;
		e.table = d->table;
		e.offset = d->offset;
		e.has_offset = d->has_offset;
		e.line = d->line;
		f_ev(f, e);
	}
}

/* ---------------------------------------------------------------------- */
/* Firmware presence, checksums                                           */
/* ---------------------------------------------------------------------- */
static void rules_presence(ctx *c)
{
	const ims_model *m = c->m;
	if (m->n_tables && !m->dmar.present && !m->ivrs.present && table_index(m, "DMAR") < 0 &&
	    table_index(m, "IVRS") < 0) {
		ims_finding *f = add_finding(c, "no-iommu-table",
					     "%zu ACPI table%s given, none is DMAR or IVRS: the firmware describes no IOMMU",
					     m->n_tables, m->n_tables == 1 ? "" : "s");
		if (f)
			f_ev(f, ev_input((int32_t)m->tables[0].input, "table list"));
	}
	for (size_t i = 0; i < m->n_tables; i++) {
		const ims_table *t = &m->tables[i];
		if (!t->checksum_verified || t->checksum_ok)
			continue;
		if (!strcmp(t->signature, "IVRS")) {
			ims_finding *f = add_finding(c, "ivrs-bad-checksum",
						     "IVRS checksum byte 0x%02x does not make the table sum to 0: Linux will not use the AMD IOMMU",
						     t->checksum);
			f_ev(f, ev_table(m, (int32_t)i, 9, "IVRS header checksum"));
		} else if (!strcmp(t->signature, "DMAR")) {
			ims_finding *f = add_finding(c, "dmar-bad-checksum", "DMAR checksum byte 0x%02x is wrong", t->checksum);
			f_ev(f, ev_table(m, (int32_t)i, 9, "DMAR header checksum"));
		}
	}
	if ((m->dmar.present || m->ivrs.present) && !m->madt.present) {
		ims_finding *f = add_finding(c, "madt-missing",
					     "no MADT (APIC table) among the inputs: IOAPIC coverage by %s cannot be checked",
					     m->dmar.present ? "DMAR" : "IVRS");
		f_ev(f, ev_table(m, m->dmar.present ? m->dmar.table : m->ivrs.table, 0, "IOMMU table"));
	}
}

/* ---------------------------------------------------------------------- */
/* DMAR                                                                   */
/* ---------------------------------------------------------------------- */
static bool unit_has_special(const ims_model *m, ims_vendor v, ims_special_kind kind, uint8_t id, int32_t *unit_out,
			     size_t *sp_out)
{
	for (size_t i = 0; i < m->n_specials; i++) {
		const ims_special *s = &m->specials[i];
		if (s->kind != kind || s->id != id)
			continue;
		if (s->unit < 0 || (size_t)s->unit >= m->n_units || m->units[s->unit].vendor != v)
			continue;
		if (unit_out)
			*unit_out = s->unit;
		if (sp_out)
			*sp_out = i;
		return true;
	}
	return false;
}

static bool any_special(const ims_model *m, ims_vendor v, ims_special_kind kind)
{
	for (size_t i = 0; i < m->n_specials; i++) {
		const ims_special *s = &m->specials[i];
		if (s->kind == kind && s->unit >= 0 && (size_t)s->unit < m->n_units && m->units[s->unit].vendor == v)
			return true;
	}
	return false;
}

static void rules_dmar(ctx *c)
{
	const ims_model *m = c->m;
	if (!m->dmar.present)
		return;
	int32_t dt = m->dmar.table;
	const ims_table *t = (dt >= 0 && (size_t)dt < m->n_tables) ? &m->tables[dt] : NULL;
	if (t && t->length <= 48) {
		ims_finding *f = add_finding(c, "dmar-too-short", "DMAR length %u holds no remapping structure", t->length);
		f_ev(f, ev_table(m, dt, 4, "DMAR header Length"));
	}
	if (m->dmar.haw_raw < 11) {
		ims_finding *f = add_finding(c, "dmar-haw-invalid",
					     "DMAR Host Address Width field is %u (width %u bits); Linux requires >= 11",
					     m->dmar.haw_raw, m->dmar.haw_bits);
		f_ev(f, ev_table(m, dt, 36, "DMAR Host Address Width"));
	}
	size_t nintel = 0;
	for (size_t i = 0; i < m->n_units; i++)
		if (m->units[i].vendor == IMS_VENDOR_INTEL)
			nintel++;
	if (!nintel && t && t->length > 48) {
		ims_finding *f = add_finding(c, "dmar-no-drhd", "DMAR has no DRHD structure: no VT-d unit is described");
		f_ev(f, ev_table(m, dt, 48, "DMAR remapping structures"));
	}
	for (size_t i = 0; i < m->n_units; i++) {
		const ims_unit *u = &m->units[i];
		if (u->vendor != IMS_VENDOR_INTEL)
			continue;
		if (u->base == 0) {
			ims_finding *f = add_finding(c, "drhd-address-zero",
						     "DRHD %zu register base is 0: Linux disables VT-d ('Your BIOS is broken; DMAR reported at address 0!')",
						     i);
			f_ev(f, ev_table(m, u->table, u->offset + 8, "DRHD %zu Register Base Address", i));
		} else if (u->base & 0xfff) {
			ims_finding *f = add_finding(c, "drhd-address-unaligned", "DRHD %zu register base 0x%" PRIx64 " is not 4 KiB aligned",
						     i, u->base);
			f_ev(f, ev_table(m, u->table, u->offset + 8, "DRHD %zu Register Base Address", i));
		}
		for (size_t j = 0; j < i; j++) {
			const ims_unit *v = &m->units[j];
			if (v->vendor == IMS_VENDOR_INTEL && v->base == u->base && v->segment == u->segment && u->base) {
				ims_finding *f = add_finding(c, "drhd-duplicate-base",
							     "DRHD %zu and DRHD %zu both describe registers at 0x%" PRIx64, j, i, u->base);
				f_ev(f, ev_table(m, v->table, v->offset, "DRHD %zu", j));
				f_ev(f, ev_table(m, u->table, u->offset, "DRHD %zu", i));
				break;
			}
		}
		if (u->include_pci_all) {
			/* more than one per segment; not last of its segment */
			for (size_t j = 0; j < i; j++) {
				const ims_unit *v = &m->units[j];
				if (v->vendor == IMS_VENDOR_INTEL && v->include_pci_all && v->segment == u->segment) {
					ims_finding *f = add_finding(c, "drhd-include-all-multiple",
								     "DRHD %zu and DRHD %zu both have INCLUDE_PCI_ALL in segment %u", j, i,
								     u->segment);
					f_ev(f, ev_table(m, v->table, v->offset + 4, "DRHD %zu Flags", j));
					f_ev(f, ev_table(m, u->table, u->offset + 4, "DRHD %zu Flags", i));
					break;
				}
			}
			for (size_t j = i + 1; j < m->n_units; j++) {
				const ims_unit *v = &m->units[j];
				if (v->vendor == IMS_VENDOR_INTEL && !v->include_pci_all && v->segment == u->segment &&
				    v->table == u->table) {
					ims_finding *f = add_finding(c, "drhd-include-all-not-last",
								     "INCLUDE_PCI_ALL DRHD %zu is followed by DRHD %zu of the same segment %u",
								     i, j, u->segment);
					f_ev(f, ev_table(m, u->table, u->offset, "DRHD %zu (INCLUDE_PCI_ALL)", i));
					f_ev(f, ev_table(m, v->table, v->offset, "DRHD %zu", j));
					break;
				}
			}
		}
	}
	/* scopes */
	for (size_t i = 0; i < m->n_scopes; i++) {
		const ims_scope *s = &m->scopes[i];
		if (s->type == 0 || s->type > 5) {
			ims_finding *f = add_finding(c, "dmar-scope-type-unknown", "device scope of reserved type %u", s->type);
			f_ev(f, ev_table(m, s->table, s->offset, "device scope"));
		} else if (s->length < 8 || s->path_len == 0) {
			ims_finding *f = add_finding(c, "dmar-scope-invalid", "device scope of length %u has %u path entries",
						     s->length, s->path_len);
			f_ev(f, ev_table(m, s->table, s->offset + 1, "device scope Length"));
		}
	}
	/* device covered by two DRHDs (explicit endpoint scopes only) */
	for (size_t i = 0; i < m->n_coverage; i++) {
		const ims_coverage *a = &m->coverage[i];
		if (a->kind != IMS_COV_SCOPE_ENDPOINT || !a->bdf_known || a->unit < 0 ||
		    m->units[a->unit].vendor != IMS_VENDOR_INTEL)
			continue;
		for (size_t j = i + 1; j < m->n_coverage; j++) {
			const ims_coverage *b = &m->coverage[j];
			if (b->kind != IMS_COV_SCOPE_ENDPOINT || !b->bdf_known || b->unit == a->unit || b->unit < 0 ||
			    m->units[b->unit].vendor != IMS_VENDOR_INTEL)
				continue;
			if (b->segment == a->segment && b->first == a->first) {
				char bb[16];
				bdfs(bb, a->segment, a->first);
				ims_finding *f = add_finding(c, "drhd-device-in-two-units",
							     "%s is in the device scope of DRHD %d and DRHD %d", bb, a->unit,
							     b->unit);
				f_ev(f, ev_table(m, a->table, a->offset, "DRHD %d scope", a->unit));
				f_ev(f, ev_table(m, b->table, b->offset, "DRHD %d scope", b->unit));
				break;
			}
		}
	}
	/* RMRR ranges */
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *r = &m->regions[i];
		if (r->kind != IMS_REGION_RMRR)
			continue;
		bool bad = (r->base & 0xfff) || r->end < r->base || ((r->end + 1) & 0xfff);
		if (bad) {
			ims_finding *f = add_finding(c, "rmrr-range-invalid",
						     "RMRR [0x%" PRIx64 "-0x%" PRIx64 "] is not a 4 KiB aligned range with end >= base",
						     r->base, r->end);
			f_ev(f, ev_table(m, r->table, r->offset + 8, "RMRR base/limit"));
		}
	}
	for (size_t i = 0; i < m->n_rhsas; i++) {
		const ims_rhsa *h = &m->rhsas[i];
		if (h->unit < 0) {
			ims_finding *f = add_finding(c, "rhsa-no-unit", "RHSA names register base 0x%" PRIx64 " that no DRHD has",
						     h->base);
			f_ev(f, ev_table(m, h->table, h->offset + 8, "RHSA Register Base Address"));
		}
	}
	/* interrupt remapping prerequisites */
	if (!m->dmar.intr_remap) {
		ims_finding *f = add_finding(c, "dmar-ir-unsupported",
					     "DMAR flags 0x%02x: INTR_REMAP (bit0) is clear, Linux will not enable interrupt remapping",
					     m->dmar.flags);
		f_ev(f, ev_table(m, dt, 37, "DMAR Flags"));
	}
	if (m->dmar.x2apic_opt_out) {
		ims_finding *f = add_finding(c, "dmar-x2apic-opt-out",
					     "DMAR flags 0x%02x: X2APIC_OPT_OUT (bit1) set, interrupt remapping will run in xAPIC mode",
					     m->dmar.flags);
		f_ev(f, ev_table(m, dt, 37, "DMAR Flags"));
	}
	if (m->dmar.platform_opt_in) {
		ims_finding *f = add_finding(c, "dmar-platform-opt-in",
					     "DMAR flags 0x%02x: DMA_CTRL_PLATFORM_OPT_IN (bit2) set (pre-boot DMA protection)",
					     m->dmar.flags);
		f_ev(f, ev_table(m, dt, 37, "DMAR Flags"));
	}
	/* With INTR_REMAP clear the kernel never looks at IOAPIC/HPET scopes
	 * (dmar_ir_support() is 0): dmar-ir-unsupported is the whole story. */
	if (nintel && m->madt.present && m->dmar.intr_remap) {
		for (size_t i = 0; i < m->n_ioapics; i++) {
			const ims_ioapic *io = &m->ioapics[i];
			if (unit_has_special(m, IMS_VENDOR_INTEL, IMS_SPECIAL_IOAPIC, io->id, NULL, NULL))
				continue;
			ims_finding *f = add_finding(c, "ioapic-not-in-dmar",
						     "MADT IOAPIC id %u (GSI base %u) is in no DRHD IOAPIC scope: interrupt remapping will be disabled",
						     io->id, io->gsi_base);
			f_ev(f, ev_table(m, io->table, io->offset, "MADT I/O APIC id %u", io->id));
		}
		if (m->madt.has_hpet_table && !any_special(m, IMS_VENDOR_INTEL, IMS_SPECIAL_HPET)) {
			int ht = table_index(m, "HPET");
			ims_finding *f = add_finding(c, "hpet-not-in-dmar", "the HPET table exists but no DRHD has an HPET scope");
			if (ht >= 0)
				f_ev(f, ev_table(m, ht, 0, "HPET table"));
		}
	}
}

/* ---------------------------------------------------------------------- */
/* IVRS                                                                   */
/* ---------------------------------------------------------------------- */
static void rules_ivrs(ctx *c)
{
	const ims_model *m = c->m;
	if (!m->ivrs.present)
		return;
	int32_t it = m->ivrs.table;
	const ims_table *t = (it >= 0 && (size_t)it < m->n_tables) ? &m->tables[it] : NULL;
	if (t && (t->revision == 0 || t->revision > 2)) {
		ims_finding *f = add_finding(c, "ivrs-revision-invalid", "IVRS revision is %u (1 or 2 expected)", t->revision);
		f_ev(f, ev_table(m, it, 8, "IVRS header Revision"));
	}
	uint32_t iv = m->ivrs.ivinfo;
	if ((iv & 0x1cu) || (iv & 0xff800000u)) {
		ims_finding *f = add_finding(c, "ivrs-ivinfo-reserved", "IVinfo 0x%08x has reserved bits set (mask 0x%08x)", iv,
					     iv & 0xff80001cu);
		f_ev(f, ev_table(m, it, 36, "IVinfo"));
	}
	if (m->ivrs.dma_remap) {
		ims_finding *f = add_finding(c, "ivrs-dma-remap-preboot", "IVinfo 0x%08x bit1 set: pre-boot DMA protection", iv);
		f_ev(f, ev_table(m, it, 36, "IVinfo"));
	}
	bool any_efr_image = false;
	for (size_t i = 0; i < m->n_ivhds; i++) {
		const ims_ivhd *h = &m->ivhds[i];
		if (h->type == 0x40 && t && t->revision != 2) {
			ims_finding *f = add_finding(c, "ivhd-40h-revision", "IVHD type 40h in an IVRS of revision %u", t->revision);
			f_ev(f, ev_table(m, h->table, h->offset, "IVHD 40h"));
		}
		if (h->iommu_info & 0xe0e0u) {
			ims_finding *f = add_finding(c, "ivhd-info-reserved", "IVHD %02xh IOMMU Info 0x%04x has reserved bits set",
						     h->type, h->iommu_info);
			f_ev(f, ev_table(m, h->table, h->offset + 20, "IVHD %02xh IOMMU Info", h->type));
		}
		if (h->type != 0x10) {
			if (h->flags & 0xc0u) {
				ims_finding *f = add_finding(c, "ivhd-flags-reserved", "IVHD %02xh flags 0x%02x has bits 7:6 set",
							     h->type, h->flags);
				f_ev(f, ev_table(m, h->table, h->offset + 1, "IVHD %02xh Flags", h->type));
			}
			if (h->feature & 0xf0001fffu) {
				ims_finding *f = add_finding(c, "ivhd-attributes-reserved",
							     "IVHD %02xh attributes 0x%08x have reserved bits set", h->type,
							     h->feature);
				f_ev(f, ev_table(m, h->table, h->offset + 20 + 2, "IVHD %02xh IOMMU Attributes", h->type));
			}
			if (h->efr)
				any_efr_image = true;
		}
		for (uint32_t k = 0; k < h->nentries && (size_t)h->first_entry + k < m->n_ivhd_entries; k++) {
			const ims_ivhd_entry *e = &m->ivhd_entries[h->first_entry + k];
			if (!e->known) {
				ims_finding *f = add_finding(c, "ivhd-entry-unknown", "IVHD %02xh device entry of undefined type 0x%02x",
							     h->type, e->type);
				f_ev(f, ev_table(m, h->table, e->offset, "IVHD device entry"));
			}
		}
		/* same IOMMU described with another base in another type */
		for (size_t j = 0; j < i; j++) {
			const ims_ivhd *g = &m->ivhds[j];
			if (g->bdf == h->bdf && g->segment == h->segment && g->type != h->type && g->base != h->base) {
				char b[16];
				bdfs(b, h->segment, h->bdf);
				ims_finding *f = add_finding(c, "ivhd-types-inconsistent",
							     "IOMMU %s: IVHD %02xh says base 0x%" PRIx64 ", IVHD %02xh says 0x%" PRIx64,
							     b, g->type, g->base, h->type, h->base);
				f_ev(f, ev_table(m, g->table, g->offset + 8, "IVHD %02xh base", g->type));
				f_ev(f, ev_table(m, h->table, h->offset + 8, "IVHD %02xh base", h->type));
				break;
			}
		}
	}
	if (any_efr_image && !m->ivrs.efr_sup) {
		ims_finding *f = add_finding(c, "ivrs-efr-without-efrsup",
					     "IVHD 11h/40h carry EFR images but IVinfo 0x%08x EFRSup (bit0) is clear", iv);
		f_ev(f, ev_table(m, it, 36, "IVinfo"));
	}
	for (size_t i = 0; i < m->n_raws; i++) {
		const ims_raw *r = &m->raws[i];
		if (!r->context || strcmp(r->context, "ivrs"))
			continue;
		ims_finding *f = add_finding(c, "ivrs-subtable-unknown", "IVRS subtable of undefined type 0x%02x (%u bytes)",
					     r->type, r->length);
		f_ev(f, ev_table(m, r->table, r->offset, "IVRS subtable"));
	}
	/* units: EFR consistency, x2APIC */
	int first_efr = -1;
	for (size_t i = 0; i < m->n_units; i++) {
		const ims_unit *u = &m->units[i];
		if (u->vendor != IMS_VENDOR_AMD)
			continue;
		if (u->has_efr) {
			if (first_efr < 0) {
				first_efr = (int)i;
			} else if (m->units[first_efr].efr != u->efr || m->units[first_efr].efr2 != u->efr2) {
				const ims_unit *v = &m->units[first_efr];
				ims_finding *f = add_finding(c, "ivrs-efr-inconsistent",
							     "IOMMU %d EFR 0x%" PRIx64 " differs from IOMMU %zu EFR 0x%" PRIx64,
							     first_efr, v->efr, i, u->efr);
				f_ev(f, ev_table(m, v->table, v->offset + 24, "IVHD EFR image"));
				f_ev(f, ev_table(m, u->table, u->offset + 24, "IVHD EFR image"));
			}
		}
		if (u->caps[IMS_CAP_X2APIC].state == 0) {
			ims_finding *f = add_finding(c, "ivhd-no-x2apic",
						     "IOMMU %zu: %s; interrupt remapping in xAPIC mode only", i,
						     u->caps[IMS_CAP_X2APIC].source ? u->caps[IMS_CAP_X2APIC].source : "no XTSup");
			f_ev(f, ev_table(m, u->table, u->offset, "IVHD of IOMMU %zu", i));
		}
	}
	/* device id covered by two units */
	for (size_t i = 0; i < m->n_coverage; i++) {
		const ims_coverage *a = &m->coverage[i];
		if (a->unit < 0 || m->units[a->unit].vendor != IMS_VENDOR_AMD || a->kind == IMS_COV_ALL)
			continue;
		for (size_t j = i + 1; j < m->n_coverage; j++) {
			const ims_coverage *b = &m->coverage[j];
			if (b->unit < 0 || b->unit == a->unit || m->units[b->unit].vendor != IMS_VENDOR_AMD ||
			    b->kind == IMS_COV_ALL || b->segment != a->segment)
				continue;
			if (a->first <= b->last && b->first <= a->last) {
				uint16_t x = a->first > b->first ? a->first : b->first;
				char bb[16];
				bdfs(bb, a->segment, x);
				ims_finding *f = add_finding(c, "amd-device-in-two-units",
							     "device %s is covered by IOMMU %d and IOMMU %d", bb, a->unit, b->unit);
				f_ev(f, ev_table(m, a->table, a->offset, "IOMMU %d device entry", a->unit));
				f_ev(f, ev_table(m, b->table, b->offset, "IOMMU %d device entry", b->unit));
				goto next_cov;
			}
		}
	next_cov:;
	}
	/* IVMD flags */
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *r = &m->regions[i];
		if (r->kind == IMS_REGION_RMRR)
			continue;
		if (r->flags & 0xf0u) {
			ims_finding *f = add_finding(c, "ivmd-flags-reserved", "%s flags 0x%02x has bits 7:4 set", region_name(r),
						     r->flags);
			f_ev(f, ev_table(m, r->table, r->offset + 1, "%s Flags", region_name(r)));
		}
		if (r->exclusion) {
			ims_finding *f = add_finding(c, "ivmd-exclusion-range",
						     "%s [0x%" PRIx64 "-0x%" PRIx64 "] is an exclusion range (treated as a 1:1 mapping)",
						     region_name(r), r->base, r->end);
			f_ev(f, ev_table(m, r->table, r->offset, "%s", region_name(r)));
		}
	}
	/* IOAPIC / HPET coverage (check_ioapic_information, check_hpet) */
	size_t namd = 0;
	for (size_t i = 0; i < m->n_units; i++)
		if (m->units[i].vendor == IMS_VENDOR_AMD)
			namd++;
	if (namd && m->madt.present) {
		bool sb = false;
		for (size_t i = 0; i < m->n_ioapics; i++) {
			const ims_ioapic *io = &m->ioapics[i];
			size_t sp;
			if (unit_has_special(m, IMS_VENDOR_AMD, IMS_SPECIAL_IOAPIC, io->id, NULL, &sp)) {
				if (m->specials[sp].bdf_known && m->specials[sp].bdf == IMS_BDF(0, 0x14, 0))
					sb = true;
				continue;
			}
			ims_finding *f = add_finding(c, "ioapic-not-in-ivrs",
						     "MADT IOAPIC id %u (GSI base %u) has no IVRS special entry: interrupt remapping will be disabled (workaround: ivrs_ioapic=%u@<bdf>)",
						     io->id, io->gsi_base, io->id);
			f_ev(f, ev_table(m, io->table, io->offset, "MADT I/O APIC id %u", io->id));
		}
		if (!sb && m->n_ioapics) {
			ims_finding *f = add_finding(c, "ivrs-no-southbridge-ioapic",
						     "no MADT IOAPIC maps to the southbridge device 00:14.0 in IVRS: interrupt remapping will be disabled");
			f_ev(f, ev_table(m, it, 0, "IVRS special entries"));
		}
		if (m->madt.has_hpet_table && !any_special(m, IMS_VENDOR_AMD, IMS_SPECIAL_HPET)) {
			int ht = table_index(m, "HPET");
			ims_finding *f = add_finding(c, "hpet-not-in-ivrs", "the HPET table exists but IVRS has no HPET special entry");
			if (ht >= 0)
				f_ev(f, ev_table(m, ht, 0, "HPET table"));
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Reserved regions: duplicates, overlaps, e820, direct mappings          */
/* ---------------------------------------------------------------------- */
static bool same_devices(const ims_model *m, const ims_region *a, const ims_region *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind != IMS_REGION_RMRR)
		return a->all_devices == b->all_devices && a->first == b->first && a->last == b->last;
	if (a->nscopes != b->nscopes)
		return false;
	for (uint32_t i = 0; i < a->nscopes; i++) {
		if ((size_t)a->first_scope + i >= m->n_scopes || (size_t)b->first_scope + i >= m->n_scopes)
			return false;
		const ims_scope *x = &m->scopes[a->first_scope + i], *y = &m->scopes[b->first_scope + i];
		if (x->bdf_known != y->bdf_known || x->bdf != y->bdf || x->start_bus != y->start_bus)
			return false;
	}
	return true;
}

/* __e820__mapped_all(start, end + 1, type): the e820 entries of that type (0 =
 * any), walked in table order, cover [start, end] contiguously; returns the
 * entry completing the cover, -1 if none. */
static long e820_mapped_all(const ims_kfacts *k, uint64_t start, uint64_t end, int type)
{
	uint64_t cur = start;
	for (size_t i = 0; i < k->n_e820; i++) {
		const ims_kf_range *r = &k->e820[i];
		if ((type && r->type != type) || r->base > end || r->end < cur)
			continue;
		if (r->base <= cur) {
			if (r->end >= end)
				return (long)i;
			cur = r->end + 1;
		}
	}
	return -1;
}

/* Kernel version "X.Y..." as X * 1000 + Y, -1 unknown. */
static int kver(const char *v)
{
	unsigned a, b;
	if (!v || sscanf(v, "%u.%u", &a, &b) != 2 || a > 100 || b > 999)
		return -1;
	return (int)(a * 1000 + b);
}

/*
 * arch_rmrr_sanity_check (x86, 5.6+, dmar.c calls it for every RMRR):
 *  5.6-6.0: e820__mapped_all(base, end + 1, E820_TYPE_RESERVED), i.e. reserved
 *           entries cover the RMRR contiguously;
 *  6.1+ (5566e68d829f, also in 5.10.y/5.15.y stable): e820__get_entry_type(base,
 *           end + 1) is RESERVED or NVS: entries of any type cover the RMRR
 *           contiguously and the one completing the cover is reserved/NVS.
 * Returns 0 ok, 1 the 6.1+ check fails, 2 only the 5.6-6.0 check fails.
 */
static int e820_rmrr_check(const ims_kfacts *k, uint64_t base, uint64_t end)
{
	long any = e820_mapped_all(k, base, end, 0);
	int t = any >= 0 ? k->e820[any].type : 0;
	if (t != (int)IMS_E820_RESERVED && t != (int)IMS_E820_NVS)
		return 1;
	return e820_mapped_all(k, base, end, (int)IMS_E820_RESERVED) >= 0 ? 0 : 2;
}

/* The e820 entry holding addr (else the first entry), for evidence. */
static const ims_kf_range *e820_at(const ims_kfacts *k, uint64_t addr)
{
	for (size_t i = 0; i < k->n_e820; i++)
		if (k->e820[i].base <= addr && k->e820[i].end >= addr)
			return &k->e820[i];
	return &k->e820[0];
}

static void rmrr_e820_finding(ctx *c, uint64_t base, uint64_t end, ims_evidence rmrr_ev)
{
	const ims_kfacts *k = c->k;
	int r = e820_rmrr_check(k, base, end);
	int v = kver(k->kernel_version);
	if (!r || (r == 2 && (v < 5006 || v >= 6001)))
		return; /* r == 2 matters only to 5.6-6.0 */
	const ims_kf_range *e = e820_at(k, base);
	char what[64];
	snprintf(what, sizeof(what), "e820 %s [0x%" PRIx64 "-0x%" PRIx64 "]", ims_e820_type_name((uint32_t)e->type),
		 e->base, e->end);
	ims_finding *f;
	if (r == 2)
		f = add_finding(c, "rmrr-not-e820-reserved",
				"RMRR [0x%" PRIx64 "-0x%" PRIx64 "] is not inside e820 reserved memory: Linux %s warns 'No firmware "
				"reserved region can cover this RMRR' (6.1+ and later 5.10/5.15 also accept ACPI NVS)",
				base, end, k->kernel_version);
	else if (e->base <= base && e->end >= base)
		f = add_finding(c, "rmrr-not-e820-reserved",
				"RMRR [0x%" PRIx64 "-0x%" PRIx64 "] is not inside e820 reserved or ACPI NVS memory (it starts in %s memory)",
				base, end, ims_e820_type_name((uint32_t)e->type));
	else
		f = add_finding(c, "rmrr-not-e820-reserved",
				"RMRR [0x%" PRIx64 "-0x%" PRIx64 "] is not inside e820 reserved or ACPI NVS memory (no e820 entry holds its base)",
				base, end);
	f_ev(f, rmrr_ev);
	f_ev(f, ev_log(&e->ref, what));
}

static void rules_regions(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *a = &m->regions[i];
		for (size_t j = i + 1; j < m->n_regions; j++) {
			const ims_region *b = &m->regions[j];
			if (a->segment != b->segment || a->base > b->end || b->base > a->end)
				continue;
			if ((a->kind == IMS_REGION_RMRR) != (b->kind == IMS_REGION_RMRR))
				continue;
			if (a->base == b->base && a->end == b->end && same_devices(m, a, b)) {
				ims_finding *f = add_finding(c, "region-duplicate", "%s [0x%" PRIx64 "-0x%" PRIx64 "] is described twice",
							     region_name(a), a->base, a->end);
				f_ev(f, ev_table(m, a->table, a->offset, "%s", region_name(a)));
				f_ev(f, ev_table(m, b->table, b->offset, "%s", region_name(b)));
			} else if (a->table == b->table) {
				ims_finding *f = add_finding(c, "region-overlap",
							     "%s [0x%" PRIx64 "-0x%" PRIx64 "] overlaps %s [0x%" PRIx64 "-0x%" PRIx64 "]",
							     region_name(a), a->base, a->end, region_name(b), b->base, b->end);
				f_ev(f, ev_table(m, a->table, a->offset, "%s", region_name(a)));
				f_ev(f, ev_table(m, b->table, b->offset, "%s", region_name(b)));
			}
		}
		if (a->kind == IMS_REGION_RMRR && k->present && k->n_e820 && a->end >= a->base)
			rmrr_e820_finding(c, a->base, a->end, ev_table(m, a->table, a->offset + 8, "RMRR base/limit"));
	}
	/* log only: the RMRR lines against the same log's e820 map */
	if (!m->dmar.present && k->present && k->n_e820)
		for (size_t i = 0; i < k->n_rmrrs; i++)
			if (k->rmrrs[i].end >= k->rmrrs[i].base)
				rmrr_e820_finding(c, k->rmrrs[i].base, k->rmrrs[i].end, ev_log(&k->rmrrs[i].ref, "DMAR: RMRR base/end"));
	/* direct-mapped devices */
	for (size_t i = 0; i < c->a->n_directs; i++) {
		const ims_direct *d = &c->a->directs[i];
		if (!d->vfio_refuses)
			continue;
		const ims_region *r = &m->regions[d->region];
		char b1[16], b2[16];
		bdfs(b1, d->segment, d->bdf);
		bdfs(b2, d->segment, d->last);
		ims_finding *f;
		if (d->all_devices)
			f = add_finding(c, "direct-map-blocks-vfio",
					"%s [0x%" PRIx64 "-0x%" PRIx64 "] applies to all devices: VFIO refuses to assign any of them",
					region_name(r), r->base, r->end);
		else if (d->last != d->bdf)
			f = add_finding(c, "direct-map-blocks-vfio",
					"%s [0x%" PRIx64 "-0x%" PRIx64 "] covers devices %s-%s: VFIO refuses to assign them",
					region_name(r), r->base, r->end, b1, b2);
		else
			f = add_finding(c, "direct-map-blocks-vfio",
					"%s [0x%" PRIx64 "-0x%" PRIx64 "] names %s (%s): VFIO refuses to assign it",
					region_name(r), r->base, r->end, b1, ims_class_name(d->class_code));
		f_ev(f, ev_table(m, r->table, r->offset, "%s", region_name(r)));
	}
}

/* ---------------------------------------------------------------------- */
/* Kernel log rules                                                       */
/* ---------------------------------------------------------------------- */
static int machine_vendor(const ims_model *m, const ims_kfacts *k)
{
	if (m->ivrs.present && !m->dmar.present)
		return IMS_VENDOR_AMD;
	if (m->dmar.present && !m->ivrs.present)
		return IMS_VENDOR_INTEL;
	if (k->cpu_vendor)
		return k->cpu_vendor;
	if (k->amd_found.seen || k->amd_ir_enabled.seen)
		return IMS_VENDOR_AMD;
	if (k->intel_active.seen || k->dmar_ir_enabled.seen || k->n_drhd_bases)
		return IMS_VENDOR_INTEL;
	for (size_t i = 0; i < k->n_acpi_tables; i++) {
		if (!strcmp(k->acpi_tables[i].signature, "IVRS"))
			return IMS_VENDOR_AMD;
		if (!strcmp(k->acpi_tables[i].signature, "DMAR"))
			return IMS_VENDOR_INTEL;
	}
	return 0;
}

static void rules_kernel(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	if (!k->present)
		return;
	const char *cl = k->cmdline.seen ? k->cmdline.text : NULL;
	char v[128];
	if (cl) {
		if (ims_cmdline_get(cl, "amd_iommu", v, sizeof(v)) && opt_has(v, "on")) {
			ims_finding *f = add_finding(c, "cmdline-amd-iommu-on",
						     "the command line has amd_iommu=%s: 'on' is not an amd_iommu option and is ignored", v);
			f_ev(f, ev_log(&k->cmdline, "command line"));
			if (k->amd_unknown_option.seen)
				f_ev(f, ev_log(&k->amd_unknown_option, "kernel rejected the option"));
		}
		if (ims_cmdline_get(cl, "intel_iommu", v, sizeof(v)) && opt_has(v, "on") &&
		    c->a->vendor == IMS_VENDOR_AMD) {
			ims_finding *f = add_finding(c, "cmdline-intel-iommu-on-amd",
						     "intel_iommu=on on an AMD machine does nothing; the AMD IOMMU is enabled by default");
			f_ev(f, ev_log(&k->cmdline, "command line"));
		}
		bool off = false;
		char what[64] = "";
		if (ims_cmdline_get(cl, "iommu", v, sizeof(v)) && opt_has(v, "off")) {
			off = true;
			snprintf(what, sizeof(what), "iommu=off");
		}
		if (ims_cmdline_get(cl, "intel_iommu", v, sizeof(v)) && opt_has(v, "off") &&
		    c->a->vendor != IMS_VENDOR_AMD) {
			off = true;
			snprintf(what, sizeof(what), "intel_iommu=off");
		}
		if (ims_cmdline_get(cl, "amd_iommu", v, sizeof(v)) && opt_has(v, "off") &&
		    c->a->vendor != IMS_VENDOR_INTEL) {
			off = true;
			snprintf(what, sizeof(what), "amd_iommu=off");
		}
		if (off) {
			ims_finding *f = add_finding(c, "cmdline-iommu-off", "the command line has %s: DMA remapping is disabled", what);
			f_ev(f, ev_log(&k->cmdline, "command line"));
		}
		if (ims_cmdline_get(cl, "intremap", v, sizeof(v)) && opt_has(v, "off")) {
			ims_finding *f = add_finding(c, "cmdline-intremap-off", "the command line has intremap=off");
			f_ev(f, ev_log(&k->cmdline, "command line"));
		}
	}
	const ims_kref *irr[] = {&k->amd_ir_disabling, &k->dmar_ir_not_enabling, &k->dmar_ir_no_mapping};
	for (size_t i = 0; i < sizeof(irr) / sizeof(irr[0]); i++) {
		if (!irr[i]->seen)
			continue;
		ims_finding *f = add_finding(c, "kernel-ir-disabled", "the kernel disabled interrupt remapping");
		f_ev(f, ev_log(irr[i], NULL));
		if (k->amd_no_sb_ioapic.seen)
			f_ev(f, ev_log(&k->amd_no_sb_ioapic, NULL));
		for (size_t j = 0; j < k->n_amd_ioapic_missing; j++)
			f_ev(f, ev_log(&k->amd_ioapic_missing[j].ref, NULL));
		break;
	}
	if (k->vfio_no_ir.seen) {
		ims_finding *f = add_finding(c, "kernel-vfio-no-ir", "VFIO refused a device: no interrupt remapping support");
		f_ev(f, ev_log(&k->vfio_no_ir, NULL));
	}
	const ims_kref *fails[] = {&k->intel_broken_bios, &k->amd_ivrs_bad_checksum, &k->amd_init_failed};
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		if (!fails[i]->seen)
			continue;
		ims_finding *f = add_finding(c, "kernel-iommu-init-failed", "the kernel could not use the IOMMU");
		f_ev(f, ev_log(fails[i], NULL));
	}
	size_t nfw = k->n_fw_bugs < 32 ? k->n_fw_bugs : 32;
	for (size_t i = 0; i < nfw; i++) {
		ims_finding *f = add_finding(c, "kernel-firmware-bug", "%.200s", k->fw_bugs[i].text ? k->fw_bugs[i].text : "[Firmware Bug]");
		if (f && k->fw_bug_harmless && k->fw_bug_harmless[i])
			f->severity = IMS_SEV_INFO; /* known benign (e.g. 'No ACPI device matched UID') */
		f_ev(f, ev_log(&k->fw_bugs[i], NULL));
	}
	if (k->n_faults_total) {
		ims_finding *f = add_finding(c, "kernel-dma-fault", "%zu DMA fault line%s in the log", k->n_faults_total,
					     k->n_faults_total == 1 ? "" : "s");
		for (size_t i = 0; i < k->n_faults && i < 4; i++)
			f_ev(f, ev_log(&k->faults[i].ref, "DMA fault"));
	}
	for (size_t i = 0; i < k->n_direct_refused; i++) {
		const ims_kbdfref *r = &k->direct_refused[i];
		ims_finding *f;
		if (r->bdf_known) {
			char b1[16];
			bdfs(b1, r->segment, r->bdf);
			const ims_kf_pci *p = kpci_find(k, r->segment, r->bdf);
			f = add_finding(c, "kernel-direct-map-refused",
					"the kernel refused %s (%s): firmware requires it to be 1:1 mapped (RMRR/IVMD)", b1,
					ims_class_name(p ? p->class_code : 0xffffffffu));
		} else {
			f = add_finding(c, "kernel-direct-map-refused",
					"the kernel refused a device that firmware requires to be 1:1 mapped");
		}
		f_ev(f, ev_log(&r->ref, NULL));
	}
	if (k->acs_override.seen) {
		ims_finding *f = add_finding(c, "kernel-acs-override", "ACS override active: IOMMU groups are not trustworthy");
		f_ev(f, ev_log(&k->acs_override, NULL));
	}
	for (size_t i = 0; i < k->n_table_upgrades; i++) {
		ims_finding *f = add_finding(c, "log-table-upgrade", "an ACPI table was replaced from the initrd");
		f_ev(f, ev_log(&k->table_upgrades[i], NULL));
	}
	/* table <-> log */
	if (m->n_tables) {
		static const char *const sigs[] = {"DMAR", "IVRS"};
		for (size_t s = 0; s < 2; s++) {
			int ti = table_index(m, sigs[s]);
			const ims_kf_table *kt = NULL;
			for (size_t i = 0; i < k->n_acpi_tables; i++)
				if (!strcmp(k->acpi_tables[i].signature, sigs[s])) {
					kt = &k->acpi_tables[i];
					break;
				}
			if (kt && ti < 0) {
				ims_finding *f = add_finding(c, "log-table-not-in-dump",
							     "the log lists a %s table (%u bytes) but the dump has none", sigs[s],
							     kt->length);
				f_ev(f, ev_log(&kt->ref, NULL));
			} else if (!kt && ti >= 0 && k->n_acpi_tables >= 3 && k->log_start_seen) {
				ims_finding *f = add_finding(c, "dump-table-not-in-log",
							     "the dump has a %s table but the log's ACPI table list does not", sigs[s]);
				f_ev(f, ev_table(m, ti, 0, "%s header", sigs[s]));
			} else if (kt && ti >= 0) {
				const ims_table *t = &m->tables[ti];
				if (kt->length != t->length || kt->revision != t->revision ||
				    (kt->has_oem_revision && kt->oem_revision != t->oem_revision) ||
				    !ascii_eq(kt->oem_table_id, t->oem_table_id)) {
					char lrev[16] = "?";
					if (kt->has_oem_revision)
						snprintf(lrev, sizeof(lrev), "0x%x", kt->oem_revision);
					ims_finding *f = add_finding(
						c, "log-table-differs",
						"%s in the dump: length 0x%x rev %u OEM table '%s' OEM rev 0x%x; in the log: length 0x%x rev %u OEM table '%s' OEM rev %s",
						sigs[s], t->length, t->revision, t->oem_table_id, t->oem_revision, kt->length,
						kt->revision, kt->oem_table_id, lrev);
					f_ev(f, ev_table(m, ti, 0, "%s header", sigs[s]));
					f_ev(f, ev_log(&kt->ref, NULL));
				}
			}
		}
		/* units */
		if (m->dmar.present && k->n_drhd_bases) {
			for (size_t i = 0; i < k->n_drhd_bases; i++) {
				bool found = false;
				for (size_t u = 0; u < m->n_units; u++)
					if (m->units[u].vendor == IMS_VENDOR_INTEL && m->units[u].base == k->drhd_bases[i].value)
						found = true;
				if (!found) {
					ims_finding *f = add_finding(c, "log-unit-not-in-table",
								     "the log shows a DRHD at 0x%" PRIx64 " that the DMAR does not have",
								     k->drhd_bases[i].value);
					f_ev(f, ev_log(&k->drhd_bases[i].ref, NULL));
				}
			}
			for (size_t u = 0; u < m->n_units; u++) {
				if (m->units[u].vendor != IMS_VENDOR_INTEL)
					continue;
				bool found = false;
				for (size_t i = 0; i < k->n_drhd_bases; i++)
					if (m->units[u].base == k->drhd_bases[i].value)
						found = true;
				if (!found) {
					ims_finding *f = add_finding(c, "table-unit-not-in-log",
								     "DRHD %zu at 0x%" PRIx64 " does not appear in the log's DRHD lines",
								     u, m->units[u].base);
					f_ev(f, ev_table(m, m->units[u].table, m->units[u].offset, "DRHD %zu", u));
				}
			}
		}
		if (m->ivrs.present && k->n_amd_iommus) {
			for (size_t i = 0; i < k->n_amd_iommus; i++) {
				bool found = false;
				for (size_t u = 0; u < m->n_units; u++)
					if (m->units[u].vendor == IMS_VENDOR_AMD && m->units[u].bdf == k->amd_iommus[i].bdf &&
					    m->units[u].segment == k->amd_iommus[i].segment)
						found = true;
				if (!found) {
					char b[16];
					bdfs(b, k->amd_iommus[i].segment, k->amd_iommus[i].bdf);
					ims_finding *f = add_finding(c, "log-unit-not-in-table",
								     "the log shows an AMD IOMMU at %s that the IVRS does not have", b);
					f_ev(f, ev_log(&k->amd_iommus[i].ref, NULL));
				}
			}
		}
		if (m->dmar.present) {
			for (size_t i = 0; i < k->n_rmrrs; i++) {
				bool found = false;
				for (size_t r = 0; r < m->n_regions; r++)
					if (m->regions[r].kind == IMS_REGION_RMRR && m->regions[r].base == k->rmrrs[i].base &&
					    m->regions[r].end == k->rmrrs[i].end)
						found = true;
				if (!found) {
					ims_finding *f = add_finding(c, "log-rmrr-not-in-table",
								     "the log shows RMRR [0x%" PRIx64 "-0x%" PRIx64 "] that the DMAR does not have",
								     k->rmrrs[i].base, k->rmrrs[i].end);
					f_ev(f, ev_log(&k->rmrrs[i].ref, NULL));
				}
			}
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Coverage lookups                                                       */
/* ---------------------------------------------------------------------- */
static int32_t unit_for_bdf(const ims_model *m, uint16_t seg, uint16_t bdf)
{
	int32_t all = -1;
	for (size_t i = 0; i < m->n_coverage; i++) {
		const ims_coverage *c = &m->coverage[i];
		if (c->segment != seg)
			continue;
		if (c->kind == IMS_COV_ALL) {
			if (all < 0)
				all = c->unit;
			continue;
		}
		if (!c->bdf_known)
			continue;
		if (bdf >= c->first && bdf <= c->last)
			return c->unit;
	}
	if (all < 0)
		for (size_t i = 0; i < m->n_units; i++)
			if (m->units[i].vendor == IMS_VENDOR_INTEL && m->units[i].include_pci_all && m->units[i].segment == seg)
				return (int32_t)i;
	return all;
}

static void build_directs(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	ims_analysis *a = c->a;
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *r = &m->regions[i];
		if (r->kind == IMS_REGION_RMRR) {
			for (uint32_t s = 0; s < r->nscopes && (size_t)r->first_scope + s < m->n_scopes; s++) {
				const ims_scope *sc = &m->scopes[r->first_scope + s];
				if (!sc->bdf_known || sc->type != IMS_SCOPE_ENDPOINT)
					continue;
				ims_direct *nd = grow(a->directs, a->n_directs, &c->cap_directs, sizeof(*nd), &a->oom);
				if (!nd)
					return;
				a->directs = nd;
				ims_direct *d = &a->directs[a->n_directs++];
				memset(d, 0, sizeof(*d));
				d->segment = sc->segment;
				d->bdf = d->last = sc->bdf;
				d->region = (int32_t)i;
				d->class_code = 0xffffffffu;
				const ims_kf_pci *p = k->present ? kpci_find(k, sc->segment, sc->bdf) : NULL;
				if (p)
					d->class_code = p->class_code;
				/* device_rmrr_is_relaxable(): USB (0c03) and graphics (03xx) RMRRs are relaxable */
				unsigned cc = d->class_code >> 8;
				d->relaxable = d->class_code != 0xffffffffu && ((cc >> 8) == 0x03 || cc == 0x0c03);
				d->vfio_refuses = d->class_code != 0xffffffffu && !d->relaxable;
			}
		} else {
			ims_direct *nd = grow(a->directs, a->n_directs, &c->cap_directs, sizeof(*nd), &a->oom);
			if (!nd)
				return;
			a->directs = nd;
			ims_direct *d = &a->directs[a->n_directs++];
			memset(d, 0, sizeof(*d));
			d->segment = r->segment;
			d->all_devices = r->all_devices;
			d->bdf = r->all_devices ? 0 : r->first;
			d->last = r->all_devices ? 0xffff : r->last;
			d->region = (int32_t)i;
			d->class_code = 0xffffffffu;
			const ims_kf_pci *p = (k->present && d->bdf == d->last) ? kpci_find(k, d->segment, d->bdf) : NULL;
			if (p)
				d->class_code = p->class_code;
			/* AMD unity maps (and exclusion ranges, 5.15+) are IOMMU_RESV_DIRECT: never relaxable */
			d->vfio_refuses = r->unity || r->exclusion;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Devices and groups                                                     */
/* ---------------------------------------------------------------------- */
static bool is_bridge(const ims_kf_pci *p)
{
	return p->header_type == 1 || p->header_type == 2 || (p->class_code != 0xffffffffu && (p->class_code >> 16) == 0x06 &&
							       ((p->class_code >> 8) & 0xff) == 0x04);
}

static void build_devices(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	ims_analysis *a = c->a;
	if (!k->present)
		return;
	for (size_t i = 0; i < k->n_pci; i++) {
		const ims_kf_pci *p = &k->pci[i];
		const char *kind = ims_passthrough_kind(p->class_code);
		if (!kind)
			continue;
		/* an audio function of a GPU slot is reported with its GPU */
		if (!strcmp(kind, "audio")) {
			bool gpu_slot = false;
			for (size_t j = 0; j < k->n_pci; j++) {
				const ims_kf_pci *q = &k->pci[j];
				if (q != p && q->segment == p->segment && (q->bdf & ~7u) == (p->bdf & ~7u) &&
				    q->class_code != 0xffffffffu && (q->class_code >> 16) == 0x03)
					gpu_slot = true;
			}
			if (gpu_slot)
				continue;
		}
		ims_devreport *nd = grow(a->devices, a->n_devices, &c->cap_devices, sizeof(*nd), &a->oom);
		if (!nd)
			return;
		a->devices = nd;
		ims_devreport *d = &a->devices[a->n_devices++];
		memset(d, 0, sizeof(*d));
		d->segment = p->segment;
		d->bdf = p->bdf;
		d->class_code = p->class_code;
		d->vendor = p->vendor;
		d->device = p->device;
		d->kind = kind;
		d->group = p->group;
		d->unit = unit_for_bdf(m, p->segment, p->bdf);
		d->direct_region = -1;
		if (p->ref.seen && d->nev < 3)
			d->ev[d->nev++] = ev_log(&p->ref, "PCI enumeration (class code)");
		if (p->group_ref.seen && d->nev < 3)
			d->ev[d->nev++] = ev_log(&p->group_ref, "Adding to iommu group");
		const ims_kbdfref *refused = NULL;
		for (size_t j = 0; j < k->n_direct_refused && !refused; j++)
			if (k->direct_refused[j].bdf_known && k->direct_refused[j].segment == p->segment &&
			    k->direct_refused[j].bdf == p->bdf)
				refused = &k->direct_refused[j];
		if (refused) {
			if (d->nev < 3)
				d->ev[d->nev++] = ev_log(&refused->ref, "kernel refused it: 1:1 mapping required");
			else
				d->ev[2] = ev_log(&refused->ref, "kernel refused it: 1:1 mapping required");
		}
		for (size_t j = 0; j < a->n_directs; j++) {
			const ims_direct *x = &a->directs[j];
			if (x->segment == p->segment && p->bdf >= x->bdf && p->bdf <= x->last) {
				d->direct_region = x->region;
				d->direct_relaxable = x->relaxable;
				break;
			}
		}
		char me[16];
		bdf_short(me, p->segment, p->bdf);
		if (p->group < 0) {
			d->isolation = IMS_ISO_UNKNOWN;
			snprintf(d->verdict_text, sizeof(d->verdict_text), "%s",
				 k->n_groups_seen ? "not in any IOMMU group in the log" : "no IOMMU groups in the log");
		} else {
			bool other_slot = false;
			unsigned endpoints = 0;
			for (size_t j = 0; j < k->n_pci; j++) {
				const ims_kf_pci *q = &k->pci[j];
				if (q == p || q->group != p->group)
					continue;
				bool br = is_bridge(q);
				if (!br) {
					endpoints++;
					if (q->segment != p->segment || (q->bdf & ~7u) != (p->bdf & ~7u))
						other_slot = true;
				}
				d->nmates_total++;
				if (d->nmates < IMS_MAX_MATES) {
					d->mates[d->nmates].segment = q->segment;
					d->mates[d->nmates].bdf = q->bdf;
					d->mates[d->nmates].class_code = q->class_code;
					d->mates[d->nmates].bridge = br;
					d->nmates++;
				}
			}
			if (!endpoints) {
				d->isolation = IMS_ISO_ALONE;
				snprintf(d->verdict_text, sizeof(d->verdict_text), "alone in group %d%s", p->group,
					 d->nmates_total ? " (with its upstream bridge, which VFIO allows)" : "");
			} else if (!other_slot) {
				d->isolation = IMS_ISO_WITH_FUNCTIONS;
				snprintf(d->verdict_text, sizeof(d->verdict_text),
					 "alone with its own functions in group %d: pass all %u functions together", p->group,
					 endpoints + 1);
			} else {
				d->isolation = IMS_ISO_SHARED;
				char first[16] = "";
				const char *fname = "";
				for (unsigned j = 0; j < d->nmates; j++)
					if (!d->mates[j].bridge &&
					    (d->mates[j].segment != p->segment || (d->mates[j].bdf & ~7u) != (p->bdf & ~7u))) {
						bdf_short(first, d->mates[j].segment, d->mates[j].bdf);
						fname = ims_class_name(d->mates[j].class_code);
						break;
					}
				snprintf(d->verdict_text, sizeof(d->verdict_text),
					 "shares group %d with %s (%s)%s: pass the whole group or get ACS isolation", p->group,
					 first, fname, endpoints > 1 ? " and others" : "");
			}
		}
		if (d->direct_region >= 0 && (size_t)d->direct_region < m->n_regions) {
			const ims_region *r = &m->regions[d->direct_region];
			size_t l = strlen(d->verdict_text);
			if (!d->direct_relaxable)
				snprintf(d->verdict_text + l, sizeof(d->verdict_text) - l,
					 "; %s requires a 1:1 mapping, VFIO will refuse it", region_name(r));
			else
				snprintf(d->verdict_text + l, sizeof(d->verdict_text) - l,
					 "; has an RMRR but USB/GPU RMRRs are relaxable");
		}
		if (refused) {
			size_t l = strlen(d->verdict_text);
			snprintf(d->verdict_text + l, sizeof(d->verdict_text) - l,
				 "; the kernel refused it (firmware requires a 1:1 mapping)");
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                */
/* ---------------------------------------------------------------------- */
static void set_reason(ims_answer *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_reason(ims_answer *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->reason, sizeof(q->reason), fmt, ap);
	va_end(ap);
}
static void set_next(ims_answer *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_next(ims_answer *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->next_step, sizeof(q->next_step), fmt, ap);
	va_end(ap);
}

static const char *enable_advice(int vendor)
{
	if (vendor == IMS_VENDOR_AMD)
		return "enable the IOMMU in the firmware setup (AMD CBS > NBIO Common Options > IOMMU = Enabled; also SVM Mode), then dump the tables again";
	if (vendor == IMS_VENDOR_INTEL)
		return "enable VT-d (Intel Virtualization Technology for Directed I/O) in the firmware setup, then dump the tables again";
	return "enable the IOMMU in the firmware setup: VT-d on Intel, IOMMU (AMD CBS > NBIO Common Options) and SVM on AMD";
}

/* Is f the rule, or a parser diagnostic that stands in for it? */
static bool finding_is(const ims_finding *f, const char *rule)
{
	if (!strcmp(f->rule, rule))
		return true;
	for (size_t i = 0; i < sizeof(covered_by) / sizeof(covered_by[0]); i++)
		if (!strcmp(covered_by[i].rule, rule))
			for (size_t j = 0; j < 3 && covered_by[i].codes[j]; j++)
				if (!strcmp(f->rule, covered_by[i].codes[j]))
					return true;
	return false;
}

static const ims_finding *first_finding(const ims_analysis *a, const char *rule)
{
	for (size_t i = 0; i < a->n_findings; i++)
		if (finding_is(&a->findings[i], rule))
			return &a->findings[i];
	return NULL;
}

static void answer_firmware(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	ims_answer *q = &c->a->answers[IMS_Q_FIRMWARE_IOMMU];
	if (m->dmar.present || m->ivrs.present) {
		size_t n = 0;
		for (size_t i = 0; i < m->n_units; i++)
			n++;
		q->verdict = IMS_V_YES;
		q->basis = IMS_BASIS_TABLES;
		int32_t t = m->dmar.present ? m->dmar.table : m->ivrs.table;
		snprintf(q->detail, sizeof(q->detail), "%s, %zu unit%s", m->dmar.present && m->ivrs.present ? "DMAR+IVRS" : m->dmar.present ? "Intel VT-d (DMAR)" : "AMD-Vi (IVRS)",
			 n, n == 1 ? "" : "s");
		set_reason(q, "the %s table describes %zu IOMMU unit%s", m->dmar.present ? "DMAR" : "IVRS", n, n == 1 ? "" : "s");
		a_ev(q, ev_table(m, t, 0, "%s table", m->dmar.present ? "DMAR" : "IVRS"));
		if (m->dmar.present && m->ivrs.present)
			a_ev(q, ev_table(m, m->ivrs.table, 0, "IVRS table"));
		const ims_finding *f = first_finding(c->a, "ivrs-bad-checksum");
		if (!f)
			f = first_finding(c->a, "drhd-address-zero");
		if (!f)
			f = first_finding(c->a, "dmar-haw-invalid");
		if (!f)
			f = first_finding(c->a, "dmar-no-drhd");
		if (f) {
			size_t l = strlen(q->reason);
			snprintf(q->reason + l, sizeof(q->reason) - l, ", but Linux cannot use it: %s", f->message);
			set_next(q, "update the firmware (BIOS) or report the defect to the board vendor");
		}
		return;
	}
	int present = table_index(m, "DMAR") >= 0 ? table_index(m, "DMAR") : table_index(m, "IVRS");
	if (present >= 0) {
		q->verdict = IMS_V_YES;
		q->basis = IMS_BASIS_TABLES;
		snprintf(q->detail, sizeof(q->detail), "%s (not decoded)", m->tables[present].signature);
		set_reason(q, "a %s table is present but could not be decoded (see the diagnostics)", m->tables[present].signature);
		a_ev(q, ev_table(m, present, 0, "%s table", m->tables[present].signature));
		return;
	}
	if (m->n_tables) {
		q->verdict = IMS_V_NO;
		q->basis = IMS_BASIS_TABLES;
		set_reason(q, "%zu ACPI tables were given and none is DMAR or IVRS", m->n_tables);
		a_ev(q, ev_input((int32_t)m->tables[0].input, "ACPI table list"));
		set_next(q, "%s", enable_advice(c->a->vendor));
		return;
	}
	if (k->present) {
		for (size_t i = 0; i < k->n_acpi_tables; i++) {
			const ims_kf_table *t = &k->acpi_tables[i];
			if (!strcmp(t->signature, "DMAR") || !strcmp(t->signature, "IVRS")) {
				q->verdict = IMS_V_YES;
				q->basis = IMS_BASIS_LOG;
				snprintf(q->detail, sizeof(q->detail), "%s (from the log)", t->signature);
				set_reason(q, "the log lists a %s table", t->signature);
				a_ev(q, ev_log(&t->ref, NULL));
				return;
			}
		}
		if (k->n_drhd_bases || k->amd_found.seen) {
			q->verdict = IMS_V_YES;
			q->basis = IMS_BASIS_LOG;
			set_reason(q, "the log shows IOMMU units");
			a_ev(q, ev_log(k->n_drhd_bases ? &k->drhd_bases[0].ref : &k->amd_found, NULL));
			return;
		}
		if (k->n_acpi_tables >= 3 && k->log_start_seen) {
			q->verdict = IMS_V_NO;
			q->basis = IMS_BASIS_LOG;
			set_reason(q, "the log lists %zu ACPI tables and none is DMAR or IVRS", k->n_acpi_tables);
			a_ev(q, ev_log(&k->acpi_tables[0].ref, "ACPI table list"));
			set_next(q, "%s", enable_advice(c->a->vendor));
			return;
		}
		q->verdict = IMS_V_UNKNOWN;
		q->basis = IMS_BASIS_NONE;
		set_reason(q, "no ACPI tables were given and the log does not list the ACPI tables (start of the log missing?)");
		set_next(q, "add an acpidump (sudo acpidump > acpidump.txt) or a complete boot log (journalctl -k -b)");
		return;
	}
	q->verdict = IMS_V_UNKNOWN;
	set_reason(q, "neither ACPI tables nor a kernel log were given");
	set_next(q, "give an acpidump and a kernel log of the machine");
}

static void dd_mode(const ims_kfacts *k, char *out, size_t n, ims_answer *q, bool *from_cmdline)
{
	const char *base = "";
	*from_cmdline = false;
	char v[64];
	const char *cl = k->cmdline.seen ? k->cmdline.text : NULL;
	if (k->dd_type == IMS_DD_PASSTHROUGH) {
		base = "passthrough";
		a_ev(q, ev_log(&k->default_domain, "iommu: Default domain type"));
	} else if (k->dd_type == IMS_DD_TRANSLATED) {
		base = "translated";
		a_ev(q, ev_log(&k->default_domain, "iommu: Default domain type"));
	} else if (k->dd_type == IMS_DD_OTHER) {
		base = "other";
		a_ev(q, ev_log(&k->default_domain, "iommu: Default domain type"));
	} else if (k->amd_passthrough_legacy.seen) {
		base = "passthrough";
		a_ev(q, ev_log(&k->amd_passthrough_legacy, NULL));
	} else if (cl && ((ims_cmdline_get(cl, "iommu", v, sizeof(v)) && opt_has(v, "pt")) ||
			  (ims_cmdline_get(cl, "iommu.passthrough", v, sizeof(v)) && (!strcmp(v, "1") || !strcmp(v, "y") || !strcmp(v, "on"))))) {
		base = "passthrough";
		*from_cmdline = true;
		a_ev(q, ev_log(&k->cmdline, "command line"));
	} else if (k->tlb_policy != IMS_TLB_UNKNOWN || k->amd_lazy_legacy.seen || k->amd_strict_legacy.seen) {
		base = "translated";
	}
	const char *pol = "";
	if (!strcmp(base, "translated") || !*base) {
		if (k->tlb_policy == IMS_TLB_LAZY) {
			pol = "lazy";
			a_ev(q, ev_log(&k->tlb_policy_line, "iommu: DMA domain TLB invalidation policy"));
		} else if (k->tlb_policy == IMS_TLB_STRICT) {
			pol = "strict";
			a_ev(q, ev_log(&k->tlb_policy_line, "iommu: DMA domain TLB invalidation policy"));
		} else if (k->amd_lazy_legacy.seen) {
			pol = "lazy";
			a_ev(q, ev_log(&k->amd_lazy_legacy, NULL));
		} else if (k->amd_strict_legacy.seen) {
			pol = "strict";
			a_ev(q, ev_log(&k->amd_strict_legacy, NULL));
		} else if (cl && ims_cmdline_get(cl, "iommu.strict", v, sizeof(v))) {
			pol = (!strcmp(v, "1") || !strcmp(v, "y") || !strcmp(v, "on")) ? "strict" : "lazy";
		}
	}
	if (*base && *pol)
		snprintf(out, n, "%s (%s)", base, pol);
	else if (*base)
		snprintf(out, n, "%s", base);
	else if (*pol)
		snprintf(out, n, "translated (%s)", pol);
	else
		out[0] = 0;
}

static void answer_dma(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	ims_answer *q = &c->a->answers[IMS_Q_DMA_REMAPPING];
	ims_answer *fw = &c->a->answers[IMS_Q_FIRMWARE_IOMMU];
	int vendor = c->a->vendor;
	if (!k->present) {
		q->verdict = IMS_V_UNKNOWN;
		q->basis = IMS_BASIS_NONE;
		if (fw->verdict == IMS_V_NO) {
			q->verdict = IMS_V_NO;
			q->basis = IMS_BASIS_TABLES;
			set_reason(q, "without a DMAR/IVRS table the kernel cannot enable DMA remapping");
			set_next(q, "%s", enable_advice(vendor));
		} else {
			set_reason(q, "no kernel log was given: the tables alone cannot tell whether the kernel enabled the IOMMU");
			set_next(q, "add the kernel log of a boot (sudo dmesg > dmesg.txt, or journalctl -k -b > kernel.log)");
		}
		return;
	}
	const char *cl = k->cmdline.seen ? k->cmdline.text : NULL;
	char v[64];
	/* positive evidence */
	const ims_kref *yes = NULL;
	if (k->intel_active.seen)
		yes = &k->intel_active;
	else if (k->n_groups_seen) {
		for (size_t i = 0; i < k->n_pci && !yes; i++)
			if (k->pci[i].group_ref.seen)
				yes = &k->pci[i].group_ref;
	}
	if (!yes && k->amd_passthrough_legacy.seen)
		yes = &k->amd_passthrough_legacy;
	if (!yes && k->amd_found.seen && !k->amd_init_failed.seen && !k->amd_ivrs_bad_checksum.seen)
		yes = &k->amd_found;
	if (!yes && k->amd_ir_enabled.seen)
		yes = &k->amd_ir_enabled;
	/* <= 5.4: amd_iommu_init_dma_ops() prints the flush policy once AMD-Vi is up */
	if (!yes && k->amd_lazy_legacy.seen && !k->amd_init_failed.seen && !k->amd_ivrs_bad_checksum.seen)
		yes = &k->amd_lazy_legacy;
	if (!yes && k->amd_strict_legacy.seen && !k->amd_init_failed.seen && !k->amd_ivrs_bad_checksum.seen)
		yes = &k->amd_strict_legacy;
	if (yes) {
		q->verdict = IMS_V_YES;
		q->basis = IMS_BASIS_LOG;
		a_ev(q, ev_log(yes, yes == &k->intel_active ? "DMAR: Intel(R) Virtualization Technology for Directed I/O"
				    : yes == &k->amd_found ? "AMD-Vi: IOMMU found/initialised"
				    : yes == &k->amd_ir_enabled ? "AMD-Vi: Interrupt remapping enabled"
				    : yes == &k->amd_lazy_legacy || yes == &k->amd_strict_legacy ? "AMD-Vi: IO/TLB flush policy (DMA ops set up)"
				    : yes == &k->amd_passthrough_legacy ? "AMD-Vi: Initialized for Passthrough Mode"
								: "Adding to iommu group"));
		bool fromcl;
		dd_mode(k, q->detail, sizeof(q->detail), q, &fromcl);
		snprintf(c->a->dma_mode, sizeof(c->a->dma_mode), "%s", q->detail);
		if (!q->detail[0])
			snprintf(q->detail, sizeof(q->detail), "mode unknown");
		set_reason(q, "%s%s%s", yes == &k->intel_active ? "VT-d finished initialising ('Intel(R) Virtualization Technology for Directed I/O')" :
					   yes == &k->amd_passthrough_legacy ? "AMD-Vi initialised in passthrough mode" :
					   yes == &k->amd_found || yes == &k->amd_ir_enabled ? "AMD-Vi initialised" :
					   yes == &k->amd_lazy_legacy || yes == &k->amd_strict_legacy ? "AMD-Vi set up DMA remapping (IO/TLB flush policy line)" :
										  "devices were added to IOMMU groups",
			   c->a->dma_mode[0] ? "; default DMA domain: " : "",
			   c->a->dma_mode);
		if (!strncmp(c->a->dma_mode, "passthrough", 11)) {
			size_t l = strlen(q->reason);
			snprintf(q->reason + l, sizeof(q->reason) - l,
				 " (host devices are not translated; VFIO still isolates assigned devices)");
		}
		if (k->amd_v2_unavailable.seen) {
			size_t l = strlen(q->reason);
			snprintf(q->reason + l, sizeof(q->reason) - l,
				 "; 'AMD IOMMUv2 functionality not available' only means no PASID/PPR (v2) support");
		}
		return;
	}
	/* negative evidence */
	const ims_kref *no = NULL;
	const char *why = NULL;
	bool offcl = false;
	if (cl && ((ims_cmdline_get(cl, "iommu", v, sizeof(v)) && opt_has(v, "off")) ||
		   (vendor != IMS_VENDOR_AMD && ims_cmdline_get(cl, "intel_iommu", v, sizeof(v)) && opt_has(v, "off")) ||
		   (vendor != IMS_VENDOR_INTEL && ims_cmdline_get(cl, "amd_iommu", v, sizeof(v)) && opt_has(v, "off")))) {
		no = &k->cmdline;
		why = "the kernel command line switches the IOMMU off";
		offcl = true;
	} else if (k->intel_echo_off.seen) {
		no = &k->intel_echo_off;
		why = "intel_iommu=off was given";
		offcl = true;
	} else if (k->intel_broken_bios.seen) {
		no = &k->intel_broken_bios;
		why = "the DMAR is broken (register base 0 or all-ones): Linux disabled VT-d";
	} else if (k->amd_ivrs_bad_checksum.seen) {
		no = &k->amd_ivrs_bad_checksum;
		why = "the IVRS checksum is wrong: Linux did not initialise the AMD IOMMU";
	} else if (k->amd_init_failed.seen) {
		no = &k->amd_init_failed;
		why = "AMD-Vi initialisation failed";
	}
	if (no) {
		q->verdict = IMS_V_NO;
		q->basis = IMS_BASIS_LOG;
		set_reason(q, "%s", why);
		a_ev(q, ev_log(no, NULL));
		if (offcl)
			set_next(q, "remove the option that disables the IOMMU from the kernel command line%s",
				 vendor == IMS_VENDOR_INTEL ? " and add intel_iommu=on" : "");
		else
			set_next(q, "update the firmware (BIOS); report the table defect to the board vendor");
		return;
	}
	if (fw->verdict == IMS_V_NO && m->n_tables) {
		q->verdict = IMS_V_NO;
		q->basis = IMS_BASIS_BOTH;
		set_reason(q, "the firmware has no DMAR/IVRS table and the log shows no IOMMU initialisation");
		set_next(q, "%s", enable_advice(vendor));
		return;
	}
	if (k->log_complete) {
		q->verdict = IMS_V_NO;
		q->basis = IMS_BASIS_LOG;
		if (vendor == IMS_VENDOR_INTEL || m->dmar.present || k->n_drhd_bases) {
			set_reason(q, "the boot log has DMAR table lines but no 'Intel(R) Virtualization Technology for Directed I/O' and no IOMMU groups%s",
				   k->intel_echo_on.seen ? " ('DMAR: IOMMU enabled' only echoes intel_iommu=on, it is not proof)" : "");
			if (k->intel_echo_on.seen)
				a_ev(q, ev_log(&k->intel_echo_on, "command-line echo only"));
			set_next(q, "add intel_iommu=on to the kernel command line (many distribution kernels default to off), and check that VT-d is enabled in the firmware");
		} else if (vendor == IMS_VENDOR_AMD) {
			set_reason(q, "the boot log shows no AMD-Vi initialisation and no IOMMU groups");
			set_next(q, "check that the IOMMU is enabled in the firmware (AMD CBS > NBIO > IOMMU) and that amd_iommu=off / iommu=off are not on the command line");
		} else {
			set_reason(q, "the boot log shows no IOMMU initialisation and no IOMMU groups");
			set_next(q, "%s", enable_advice(vendor));
		}
		if (k->cmdline.seen)
			a_ev(q, ev_log(&k->cmdline, "command line"));
		return;
	}
	q->verdict = IMS_V_UNKNOWN;
	q->basis = IMS_BASIS_NONE;
	set_reason(q, "the log has no IOMMU initialisation lines, but it is incomplete (start or end of the boot missing)%s",
		   k->intel_echo_on.seen ? "; 'DMAR: IOMMU enabled' only echoes the command line" : "");
	set_next(q, "give the complete log of a boot (journalctl -k -b, or dmesg right after boot)");
}

static void answer_ir(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	ims_answer *q = &c->a->answers[IMS_Q_INTERRUPT_REMAPPING];
	ims_answer *x = &c->a->answers[IMS_Q_X2APIC];
	/* table predictions */
	const ims_finding *pred[8];
	size_t npred = 0;
	static const char *const blockers[] = {"ioapic-not-in-dmar", "ioapic-not-in-ivrs", "ivrs-no-southbridge-ioapic",
					       "dmar-ir-unsupported", "ivrs-bad-checksum", "drhd-address-zero"};
	for (size_t b = 0; b < sizeof(blockers) / sizeof(blockers[0]) && npred < 8; b++)
		for (size_t i = 0; i < c->a->n_findings && npred < 8; i++)
			if (finding_is(&c->a->findings[i], blockers[b]))
				pred[npred++] = &c->a->findings[i];
	bool xapic_pred = m->dmar.present ? m->dmar.x2apic_opt_out : false;
	const ims_finding *noxt = first_finding(c->a, "ivhd-no-x2apic");
	if (noxt)
		xapic_pred = true;
	if (m->dmar.present && m->dmar.x2apic_opt_out) {
		/* evidence added below */
	}
	const char *cl = k->present && k->cmdline.seen ? k->cmdline.text : NULL;
	char v[64];
	bool cl_off = cl && ims_cmdline_get(cl, "intremap", v, sizeof(v)) && opt_has(v, "off");
	/* 1. the log says so */
	if (k->present && (k->dmar_ir_enabled.seen || k->amd_ir_enabled.seen)) {
		q->verdict = IMS_V_YES;
		q->basis = IMS_BASIS_LOG;
		const ims_kref *r = k->dmar_ir_enabled.seen ? &k->dmar_ir_enabled : &k->amd_ir_enabled;
		a_ev(q, ev_log(r, k->dmar_ir_enabled.seen ? "DMAR-IR: Enabled IRQ remapping" : "AMD-Vi: Interrupt remapping enabled"));
		bool x2 = k->dmar_ir_enabled.seen ? k->dmar_ir_mode == IMS_IRMODE_X2APIC : k->amd_x2apic_enabled.seen;
		bool known = k->dmar_ir_enabled.seen ? k->dmar_ir_mode != IMS_IRMODE_UNKNOWN : true;
		snprintf(q->detail, sizeof(q->detail), "%s", !known ? "mode unknown" : x2 ? "x2apic mode" : "xapic mode");
		set_reason(q, "the kernel enabled interrupt remapping%s", !known ? "" : x2 ? " in x2APIC mode" : " in xAPIC mode");
		x->basis = IMS_BASIS_LOG;
		if (known && x2) {
			x->verdict = IMS_V_YES;
			snprintf(x->detail, sizeof(x->detail), "x2apic");
			set_reason(x, "interrupt remapping runs in x2APIC mode");
			a_ev(x, ev_log(k->dmar_ir_enabled.seen ? &k->dmar_ir_enabled : &k->amd_x2apic_enabled,
				       k->dmar_ir_enabled.seen ? "DMAR-IR: Enabled IRQ remapping in x2apic mode" : "AMD-Vi: X2APIC enabled"));
		} else if (known) {
			x->verdict = IMS_V_NO;
			snprintf(x->detail, sizeof(x->detail), "xapic");
			a_ev(x, ev_log(r, NULL));
			if (k->dmar_ir_optout.seen || (m->dmar.present && m->dmar.x2apic_opt_out)) {
				set_reason(x, "the firmware sets the DMAR X2APIC_OPT_OUT flag");
				if (k->dmar_ir_optout.seen)
					a_ev(x, ev_log(&k->dmar_ir_optout, NULL));
				if (m->dmar.present && m->dmar.x2apic_opt_out)
					a_ev(x, ev_table(m, m->dmar.table, 37, "DMAR Flags bit1 X2APIC_OPT_OUT"));
				set_next(x, "boot with intremap=no_x2apic_optout, or turn off the x2APIC opt-out in the firmware setup");
			} else if (noxt) {
				set_reason(x, "%s", noxt->message);
				a_ev(x, noxt->ev[0]);
				set_next(x, "nothing to change in Linux: the IOMMU does not report x2APIC support (XTSup)");
			} else if (cl && ims_cmdline_get(cl, "nox2apic", NULL, 0)) {
				set_reason(x, "the command line has nox2apic");
				a_ev(x, ev_log(&k->cmdline, "command line"));
				set_next(x, "remove nox2apic from the kernel command line");
			} else {
				set_reason(x, "the kernel chose xAPIC mode (a unit without EIM/XTSup, or x2APIC disabled)");
				set_next(x, "check the firmware's x2APIC setting; see the DMAR-IR / AMD-Vi lines of the log");
			}
		} else {
			x->verdict = IMS_V_UNKNOWN;
			set_reason(x, "the log does not say which mode");
		}
		return;
	}
	/* 2. the log says disabled */
	const ims_kref *off = NULL;
	if (k->present) {
		if (k->amd_ir_disabling.seen)
			off = &k->amd_ir_disabling;
		else if (k->dmar_ir_not_enabling.seen)
			off = &k->dmar_ir_not_enabling;
		else if (k->dmar_ir_no_mapping.seen)
			off = &k->dmar_ir_no_mapping;
		else if (k->x2apic_no_ir.seen)
			off = &k->x2apic_no_ir;
		else if (k->vfio_no_ir.seen)
			off = &k->vfio_no_ir;
	}
	if (off || cl_off) {
		q->verdict = IMS_V_NO;
		q->basis = npred ? IMS_BASIS_BOTH : IMS_BASIS_LOG;
		if (off)
			a_ev(q, ev_log(off, "interrupt remapping disabled"));
		for (size_t i = 0; i < k->n_amd_ioapic_missing && i < 3; i++)
			a_ev(q, ev_log(&k->amd_ioapic_missing[i].ref, NULL));
		if (k->amd_no_sb_ioapic.seen)
			a_ev(q, ev_log(&k->amd_no_sb_ioapic, NULL));
		for (size_t i = 0; i < npred && i < 3; i++)
			if (pred[i]->nev)
				a_ev(q, pred[i]->ev[0]);
		if (cl_off) {
			set_reason(q, "the command line has intremap=off");
			a_ev(q, ev_log(&k->cmdline, "command line"));
			set_next(q, "remove intremap=off from the kernel command line");
		} else if (npred) {
			set_reason(q, "the kernel disabled it; the tables explain why: %s", pred[0]->message);
		} else if (k->n_amd_ioapic_missing || k->amd_no_sb_ioapic.seen) {
			set_reason(q, "the kernel disabled it: an IOAPIC is missing from the IVRS special entries");
		} else {
			set_reason(q, "the kernel disabled it (see the log line)");
		}
		if (!cl_off) {
			if (c->a->vendor == IMS_VENDOR_AMD || k->n_amd_ioapic_missing || k->amd_no_sb_ioapic.seen)
				set_next(q, "update the firmware; as a workaround map the missing IOAPIC(s) with ivrs_ioapic=<id>@<seg>:<bus>:<dev>.<fn> (the southbridge IOAPIC is usually 00:14.0)");
			else
				set_next(q, "update the firmware (the DMAR must list every IOAPIC in a DRHD scope and set INTR_REMAP)");
		}
		x->verdict = IMS_V_NO;
		x->basis = q->basis;
		set_reason(x, "interrupt remapping is off, so x2APIC cannot use it");
		if (k->x2apic_no_ir.seen)
			a_ev(x, ev_log(&k->x2apic_no_ir, NULL));
		set_next(x, "fix interrupt remapping first");
		return;
	}
	/* 3. tables only (or a log that does not tell) */
	if (npred) {
		q->verdict = IMS_V_NO;
		q->basis = IMS_BASIS_TABLES;
		set_reason(q, "predicted from the tables: %s", pred[0]->message);
		for (size_t i = 0; i < npred && i < 4; i++)
			if (pred[i]->nev)
				a_ev(q, pred[i]->ev[0]);
		if (finding_is(pred[0], "ioapic-not-in-ivrs") || finding_is(pred[0], "ivrs-no-southbridge-ioapic"))
			set_next(q, "update the firmware; as a workaround map the missing IOAPIC with ivrs_ioapic=<id>@<seg>:<bus>:<dev>.<fn> (southbridge IOAPIC usually at 00:14.0)");
		else
			set_next(q, "update the firmware (BIOS); report the DMAR defect to the board vendor");
		x->verdict = IMS_V_NO;
		x->basis = IMS_BASIS_TABLES;
		set_reason(x, "interrupt remapping is predicted off, so x2APIC cannot use it");
		set_next(x, "fix interrupt remapping first");
		return;
	}
	q->verdict = IMS_V_UNKNOWN;
	x->verdict = IMS_V_UNKNOWN;
	if (!m->dmar.present && !m->ivrs.present && c->a->answers[IMS_Q_FIRMWARE_IOMMU].verdict == IMS_V_NO) {
		q->verdict = IMS_V_NO;
		q->basis = IMS_BASIS_TABLES;
		set_reason(q, "without a DMAR/IVRS table there is no interrupt remapping");
		set_next(q, "%s", enable_advice(c->a->vendor));
		x->verdict = IMS_V_NO;
		x->basis = IMS_BASIS_TABLES;
		set_reason(x, "no interrupt remapping");
		set_next(x, "enable the IOMMU first");
		return;
	}
	if (m->dmar.present || m->ivrs.present) {
		q->basis = IMS_BASIS_TABLES;
		set_reason(q, "the tables allow it%s, but only a kernel log shows whether the kernel enabled it",
			   m->madt.present ? " (every MADT IOAPIC is covered)" : "");
		set_next(q, k->present ? "give a log that includes early boot (the DMAR-IR / AMD-Vi lines)"
				       : "add the kernel log of a boot");
		if (xapic_pred) {
			x->verdict = IMS_V_NO;
			x->basis = IMS_BASIS_TABLES;
			if (m->dmar.present && m->dmar.x2apic_opt_out) {
				set_reason(x, "predicted from the tables: DMAR X2APIC_OPT_OUT is set");
				a_ev(x, ev_table(m, m->dmar.table, 37, "DMAR Flags bit1 X2APIC_OPT_OUT"));
				set_next(x, "boot with intremap=no_x2apic_optout, or turn off the x2APIC opt-out in the firmware setup");
			} else if (noxt) {
				set_reason(x, "predicted from the tables: %s", noxt->message);
				a_ev(x, noxt->ev[0]);
				set_next(x, "nothing to change in Linux: the IOMMU does not report XTSup");
			}
		} else {
			x->basis = IMS_BASIS_TABLES;
			set_reason(x, "the tables do not forbid x2APIC mode; only a kernel log shows the mode used");
			set_next(x, k->present ? "give a log that includes early boot" : "add the kernel log of a boot");
		}
		return;
	}
	set_reason(q, "no DMAR/IVRS table and no interrupt-remapping lines in the inputs");
	set_next(q, "give an acpidump and a complete kernel log");
	set_reason(x, "no evidence about interrupt remapping");
	set_next(x, "give an acpidump and a complete kernel log");
}

static void answer_gpu(ctx *c)
{
	const ims_kfacts *k = c->k;
	ims_answer *q = &c->a->answers[IMS_Q_GPU_ISOLATION];
	if (!k->present) {
		q->verdict = IMS_V_UNKNOWN;
		set_reason(q, "no kernel log: IOMMU groups are only known from the 'Adding to iommu group' lines");
		set_next(q, "add the kernel log of a boot with the IOMMU enabled");
		return;
	}
	size_t ngpu = 0, iso = 0, shared = 0, unk = 0;
	for (size_t i = 0; i < c->a->n_devices; i++) {
		const ims_devreport *d = &c->a->devices[i];
		if (strcmp(d->kind, "gpu"))
			continue;
		ngpu++;
		if (d->isolation == IMS_ISO_ALONE || d->isolation == IMS_ISO_WITH_FUNCTIONS)
			iso++;
		else if (d->isolation == IMS_ISO_SHARED)
			shared++;
		else
			unk++;
		if (d->nev)
			a_ev(q, d->ev[d->nev - 1]);
	}
	q->basis = IMS_BASIS_LOG;
	if (!ngpu) {
		q->verdict = IMS_V_UNKNOWN;
		set_reason(q, k->n_pci ? "the log lists no display controller (class 03xx)"
				       : "the log has no PCI enumeration lines (class codes unknown)");
		set_next(q, "give a log that includes PCI enumeration ('pci 0000:..: [vvvv:dddd] type 00 class 0x...')");
		return;
	}
	if (shared) {
		q->verdict = IMS_V_NO;
		snprintf(q->detail, sizeof(q->detail), "%zu of %zu GPU%s share%s a group", shared, ngpu, ngpu == 1 ? "" : "s",
			 shared == 1 ? "s" : "");
		set_reason(q, "a GPU shares its IOMMU group with other devices");
		set_next(q, "use another slot (one wired to the CPU's root port), pass the whole group, or use a board/CPU with ACS on that port");
	} else if (unk) {
		q->verdict = IMS_V_UNKNOWN;
		snprintf(q->detail, sizeof(q->detail), "%zu of %zu GPU%s without a group", unk, ngpu, ngpu == 1 ? "" : "s");
		set_reason(q, k->n_groups_seen ? "a GPU was not added to any IOMMU group (IOMMU off for it, or log truncated)"
					       : "the log has no IOMMU group lines (IOMMU off, or log truncated)");
		set_next(q, "enable the IOMMU (see above) and give the log of that boot");
	} else {
		q->verdict = IMS_V_YES;
		snprintf(q->detail, sizeof(q->detail), "%zu GPU%s isolated", ngpu, ngpu == 1 ? "" : "s");
		set_reason(q, "every GPU is alone in its group or only with its own functions (e.g. HDMI audio)");
	}
	for (size_t i = 0; i < c->a->n_devices; i++) {
		const ims_devreport *d = &c->a->devices[i];
		if (!strcmp(d->kind, "gpu") && d->direct_region >= 0 && !d->direct_relaxable) {
			q->verdict = IMS_V_NO;
			set_reason(q, "a GPU is named by a firmware 1:1 mapping (RMRR/IVMD): VFIO refuses it");
			set_next(q, "update the firmware or disable the feature that requests the mapping");
		}
	}
}

static void answer_defects(ctx *c)
{
	ims_answer *q = &c->a->answers[IMS_Q_FIRMWARE_CLEAN];
	const ims_model *m = c->m;
	size_t nerr = 0, nwarn = 0;
	const ims_finding *worst = NULL;
	for (size_t i = 0; i < c->a->n_findings; i++) {
		const ims_finding *f = &c->a->findings[i];
		if (!strncmp(f->rule, "cmdline-", 8) || !strncmp(f->rule, "kernel-dma-fault", 16) ||
		    !strncmp(f->rule, "log-", 4) || !strncmp(f->rule, "dump-", 5) || !strncmp(f->rule, "table-unit", 10) ||
		    !strcmp(f->rule, "kernel-direct-map-refused") || !strncmp(f->rule, "klog.", 5) ||
		    !strcmp(f->rule, "no-iommu-table") ||
		    !strcmp(f->rule, "kernel-acs-override") || !strcmp(f->rule, "kernel-vfio-no-ir") ||
		    !strcmp(f->rule, "kernel-ir-disabled"))
			continue; /* not firmware defects */
		if (f->severity == IMS_SEV_ERROR)
			nerr++;
		else if (f->severity == IMS_SEV_WARNING)
			nwarn++;
		else
			continue;
		if (!worst || f->severity > worst->severity)
			worst = f;
	}
	if (!m->n_tables && !c->k->present) {
		q->verdict = IMS_V_UNKNOWN;
		set_reason(q, "no inputs");
		return;
	}
	q->basis = m->n_tables && c->k->present ? IMS_BASIS_BOTH : m->n_tables ? IMS_BASIS_TABLES : IMS_BASIS_LOG;
	if (!worst) {
		q->verdict = IMS_V_YES;
		set_reason(q, "no error or warning finding%s", m->n_tables ? "" : " (only the log was checked)");
		return;
	}
	q->verdict = IMS_V_NO;
	snprintf(q->detail, sizeof(q->detail), "%zu error%s, %zu warning%s", nerr, nerr == 1 ? "" : "s", nwarn,
		 nwarn == 1 ? "" : "s");
	set_reason(q, "worst: [%s] %s", worst->rule, worst->message);
	for (unsigned i = 0; i < worst->nev; i++)
		a_ev(q, worst->ev[i]);
	set_next(q, "run 'iommuscope check' for every finding; report firmware defects to the board vendor or update the BIOS");
}

static void answer_faults(ctx *c)
{
	const ims_kfacts *k = c->k;
	ims_answer *q = &c->a->answers[IMS_Q_NO_DMA_FAULTS];
	if (!k->present) {
		q->verdict = IMS_V_UNKNOWN;
		set_reason(q, "no kernel log");
		set_next(q, "add the kernel log");
		return;
	}
	q->basis = IMS_BASIS_LOG;
	if (!k->n_faults_total) {
		q->verdict = IMS_V_YES;
		set_reason(q, "no DMA fault lines in the log");
		return;
	}
	q->verdict = IMS_V_NO;
	snprintf(q->detail, sizeof(q->detail), "%zu fault line%s", k->n_faults_total, k->n_faults_total == 1 ? "" : "s");
	char b[16] = "";
	if (k->n_faults && k->faults[0].bdf_known)
		bdf_short(b, k->faults[0].segment, k->faults[0].bdf);
	set_reason(q, "the IOMMU blocked DMA%s%s (a driver bug, a missing RMRR/IVMD for firmware-owned DMA, or a device needing iommu=pt)",
		   b[0] ? " from " : "", b);
	for (size_t i = 0; i < k->n_faults && i < 4; i++)
		a_ev(q, ev_log(&k->faults[i].ref, "DMA fault"));
	set_next(q, "identify the device from the fault lines; update its driver/firmware, or report a missing reserved region to the board vendor");
}

/* ---------------------------------------------------------------------- */
/* Contributions and limits                                               */
/* ---------------------------------------------------------------------- */
static void contributions(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	ims_analysis *a = c->a;
	for (size_t i = 0; i < m->n_inputs; i++) {
		ims_contribution *nc = grow(a->contrib, a->n_contrib, &c->cap_contrib, sizeof(*nc), &a->oom);
		if (!nc)
			return;
		a->contrib = nc;
		ims_contribution *ct = &a->contrib[a->n_contrib++];
		ct->input = (int32_t)i;
		char *p = ct->text;
		size_t left = sizeof(ct->text);
		const ims_input *in = &m->inputs[i];
		if (in->format == IMS_FMT_LOG && !k->present) {
			snprintf(p, left, "kernel log: no kernel facts (log parser not available in this build)");
			continue;
		}
		if (in->format == IMS_FMT_LOG) {
			size_t npci = 0, ngr = 0;
			for (size_t j = 0; j < k->n_pci; j++)
				if (k->pci[j].ref.input == i || k->pci[j].group_ref.input == i) {
					npci++;
					if (k->pci[j].group >= 0)
						ngr++;
				}
			snprintf(p, left, "kernel log%s%s: %s%s, %zu PCI devices (%zu in IOMMU groups), %zu DMA fault lines",
				 k->kernel_version ? " " : "", k->kernel_version ? k->kernel_version : "",
				 k->cmdline.seen && k->cmdline.input == i ? "command line" : "no command line",
				 k->log_complete ? ", complete boot" : k->log_start_seen ? "" : ", start missing", npci, ngr,
				 k->n_faults_total);
			continue;
		}
		size_t nt = 0;
		char sigs[96] = "";
		size_t sl = 0;
		for (size_t t = 0; t < m->n_tables; t++) {
			if (m->tables[t].input != i)
				continue;
			nt++;
			const char *s = m->tables[t].signature;
			if (!strcmp(s, "DMAR") || !strcmp(s, "IVRS") || !strcmp(s, "APIC") || !strcmp(s, "MCFG") ||
			    !strcmp(s, "HPET")) {
				if (!strstr(sigs, s) && sl + 6 < sizeof(sigs))
					sl += (size_t)snprintf(sigs + sl, sizeof(sigs) - sl, "%s%s", sl ? " " : "", s);
			}
		}
		size_t nu = 0;
		for (size_t u = 0; u < m->n_units; u++)
			if (m->units[u].table >= 0 && m->tables[m->units[u].table].input == i)
				nu++;
		snprintf(p, left, "%s: %zu table%s (used: %s)%s%zu IOMMU unit%s",
			 in->format == IMS_FMT_ACPIDUMP ? "acpidump" : "ACPI table", nt, nt == 1 ? "" : "s",
			 sigs[0] ? sigs : "none", ", ", nu, nu == 1 ? "" : "s");
	}
}

static void limits(ctx *c)
{
	const ims_model *m = c->m;
	const ims_kfacts *k = c->k;
	if (!m->n_tables)
		add_limit(c, "no ACPI tables: firmware coverage (IOAPIC/HPET scopes, reserved regions, defects) cannot be checked");
	else if (!m->madt.present && (m->dmar.present || m->ivrs.present))
		add_limit(c, "no MADT: IOAPIC coverage, and so the interrupt-remapping prediction, cannot be checked");
	if (!k->present) {
		add_limit(c, "no kernel log: whether the kernel enabled DMA/interrupt remapping, its mode, IOMMU groups and DMA faults are unknown");
		return;
	}
	if (!k->log_start_seen)
		add_limit(c, "the log lacks the start of the boot (ring buffer wrapped?): command line and early IOMMU lines may be missing");
	if (!k->n_groups_seen)
		add_limit(c, "the log has no 'Adding to iommu group' lines: IOMMU groups unknown");
	if (!k->n_pci)
		add_limit(c, "the log has no PCI enumeration lines: device classes (GPU, NVMe, NIC...) unknown");
	if (!k->n_e820 && m->dmar.present)
		add_limit(c, "the log has no e820 map: RMRR-vs-reserved-memory check skipped");
	add_limit(c, "ACS capabilities are not in these inputs: groups are taken as the kernel formed them");
}

/* ---------------------------------------------------------------------- */
static int cmp_findings(const void *x, const void *y)
{
	const ims_finding *a = x, *b = y;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->from_diag != b->from_diag)
		return a->from_diag ? 1 : -1;
	/* stable: keep discovery order (compare addresses within the array) */
	return a < b ? -1 : a > b ? 1 : 0;
}

int ims_analyze(const ims_model *m, const ims_kfacts *kf, ims_analysis *out)
{
	memset(out, 0, sizeof(*out));
	if (!kf) {
		ims_kfacts *own = calloc(1, sizeof(*own));
		if (!own || ims_kfacts_from_model(m, own) < 0) {
			out->oom = true;
			if (!own) {
				static const ims_kfacts none; /* const: not mutable state */
				kf = &none;
			}
		}
		if (own) {
			out->kf_owned = own;
			kf = own;
		}
	}
	ctx c;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.k = kf;
	c.a = out;
	for (int q = 0; q < IMS_Q_COUNT; q++)
		out->answers[q].verdict = IMS_V_UNKNOWN;
	out->vendor = machine_vendor(m, kf);

	build_directs(&c);
	rules_presence(&c);
	rules_dmar(&c);
	rules_ivrs(&c);
	rules_regions(&c);
	rules_kernel(&c);
	rules_diags(&c);
	/* order by severity (stable within a severity: rules before diagnostics) */
	if (out->n_findings > 1) {
		/* insertion sort keeps order stable without relying on qsort */
		for (size_t i = 1; i < out->n_findings; i++) {
			ims_finding t = out->findings[i];
			size_t j = i;
			while (j > 0 && (out->findings[j - 1].severity < t.severity ||
					 (out->findings[j - 1].severity == t.severity && out->findings[j - 1].from_diag &&
					  !t.from_diag))) {
				out->findings[j] = out->findings[j - 1];
				j--;
			}
			out->findings[j] = t;
		}
	}
	(void)cmp_findings;
	for (size_t i = 0; i < out->n_findings; i++)
		out->count[out->findings[i].severity]++;

	build_devices(&c);
	answer_firmware(&c);
	answer_dma(&c);
	answer_ir(&c);
	answer_gpu(&c);
	answer_defects(&c);
	answer_faults(&c);
	contributions(&c);
	limits(&c);
	return out->oom ? IMS_ERR_NOMEM : IMS_OK;
}

void ims_analysis_free(ims_analysis *a)
{
	if (!a)
		return;
	free(a->findings);
	free(a->devices);
	free(a->directs);
	free(a->contrib);
	free(a->limits);
	if (a->kf_owned) {
		ims_kfacts_free(a->kf_owned);
		free(a->kf_owned);
	}
	memset(a, 0, sizeof(*a));
}

/* ---------------------------------------------------------------------- */
/* Kernel view -> facts                                                   */
/* ---------------------------------------------------------------------- */
#include "iommuscope/klog.h"

/* Text of a kept line of this boot with this line number (notes, VFIO lines,
 * firmware bugs, upgrades), or NULL. */
static const char *kline_text(const ims_kboot *b, uint32_t line)
{
	if (!line)
		return NULL;
	for (size_t i = 0; i < b->n_notes; i++)
		if (b->notes[i].line == line)
			return b->notes[i].text;
	for (size_t i = 0; i < b->n_vfio; i++)
		if (b->vfio[i].line == line)
			return b->vfio[i].text;
	for (size_t i = 0; i < b->n_fwbugs; i++)
		if (b->fwbugs[i].line == line)
			return b->fwbugs[i].text;
	for (size_t i = 0; i < b->n_upgrades; i++)
		if (b->upgrades[i].line == line)
			return b->upgrades[i].text;
	if (line == b->cmdline_line)
		return b->cmdline;
	return NULL;
}

static ims_kref kref(const ims_kboot *b, uint32_t line, const char *text)
{
	ims_kref r;
	r.seen = true;
	r.input = b->input;
	r.line = line;
	r.text = text ? text : kline_text(b, line);
	return r;
}

static ims_kref kflagref(const ims_kboot *b, const ims_kflag *f, int want)
{
	ims_kref r;
	memset(&r, 0, sizeof(r));
	if (f->state == want)
		r = kref(b, f->line, NULL);
	return r;
}

#define KALLOC(k, field, n)                                                          \
	do {                                                                          \
		(k)->field = (n) ? calloc((n), sizeof(*(k)->field)) : NULL;            \
		if ((n) && !(k)->field)                                               \
			return IMS_ERR_NOMEM;                                         \
	} while (0)

static bool text_has(const char *t, const char *needle) { return t && strstr(t, needle); }

int ims_kfacts_from_model(const ims_model *m, ims_kfacts *k)
{
	memset(k, 0, sizeof(*k));
	const ims_kernel *kv = m->kernel;
	const ims_kboot *b = kv ? ims_kernel_last_boot(kv) : NULL;
	if (!b)
		return IMS_OK;
	k->present = true;
	k->owns_arrays = true;
	k->log_start_seen = !b->start_missing && (b->version_line || b->cmdline_line);
	k->kernel_version = b->version[0] ? b->version : NULL;
	if (b->cmdline_line || b->cmdline[0])
		k->cmdline = kref(b, b->cmdline_line, b->cmdline);
	if (b->dmi[0])
		k->dmi = kref(b, b->dmi_line, b->dmi);

	/* Intel */
	k->intel_active = kflagref(b, &b->vtd_enabled, 1);
	k->intel_platform_optin = kflagref(b, &b->platform_opt_in, 1);
	k->dmar_ir_optout = kflagref(b, &b->x2apic_opt_out, 1);
	for (size_t i = 0; i < b->n_notes; i++) {
		const ims_kline *n = &b->notes[i];
		if (!n->kind)
			continue;
		if (!strcmp(n->kind, "cmdline-echo") && text_has(n->text, "IOMMU enabled") && !k->intel_echo_on.seen)
			k->intel_echo_on = kref(b, n->line, n->text);
		else if (!strcmp(n->kind, "iommu-disabled") && !k->intel_echo_off.seen)
			k->intel_echo_off = kref(b, n->line, n->text);
		else if (!strcmp(n->kind, "x2apic") && text_has(n->text, "IRQ remapping doesn't support X2APIC") &&
			 !k->x2apic_no_ir.seen)
			k->x2apic_no_ir = kref(b, n->line, n->text);
		else if (!strcmp(n->kind, "unknown-option") && text_has(n->text, "AMD-Vi") && !k->amd_unknown_option.seen)
			k->amd_unknown_option = kref(b, n->line, n->text);
	}
	k->amd_passthrough_legacy = kflagref(b, &b->amd_passthrough, 1);
	/* interrupt remapping (both vendors) */
	bool amd_like = b->n_amd_iommus || b->ivrs_table.state == 1 || b->has_efr_line || b->has_global_efr;
	if (b->ir.state == 1) {
		if (b->ir_mode[0]) {
			k->dmar_ir_enabled = kref(b, b->ir.line, NULL);
			k->dmar_ir_mode = !strcmp(b->ir_mode, "x2apic") ? IMS_IRMODE_X2APIC
					  : !strcmp(b->ir_mode, "xapic") ? IMS_IRMODE_XAPIC
									 : IMS_IRMODE_UNKNOWN;
		} else if (amd_like) {
			k->amd_ir_enabled = kref(b, b->ir.line, NULL);
		} else {
			k->dmar_ir_enabled = kref(b, b->ir.line, NULL);
		}
	} else if (b->ir.state == 0) {
		ims_kref r = kref(b, b->ir_why_line ? b->ir_why_line : b->ir.line, NULL);
		if (amd_like)
			k->amd_ir_disabling = r;
		else
			k->dmar_ir_not_enabling = r;
	}
	k->amd_x2apic_enabled = kflagref(b, &b->amd_x2apic, 1);
	k->amd_v2_unavailable = kflagref(b, &b->amd_iommuv2, 0);
	if (b->n_amd_iommus) {
		const ims_kamd_iommu *a = &b->amd_iommus[0];
		k->amd_found = kref(b, a->line ? a->line : a->efr_line, NULL);
	} else if (b->has_efr_line) {
		k->amd_found = kref(b, b->efr_line_line, NULL);
	} else if (b->has_global_efr) {
		k->amd_found = kref(b, b->global_efr_line, NULL);
	}

	/* default domain */
	if (b->default_domain[0] && b->default_domain_source != IMS_KDOM_SRC_DRIVER) {
		k->default_domain = kref(b, b->default_domain_line, NULL);
		k->dd_type = !strcmp(b->default_domain, "Translated")	 ? IMS_DD_TRANSLATED
			     : !strcmp(b->default_domain, "Passthrough") ? IMS_DD_PASSTHROUGH
									 : IMS_DD_OTHER;
		k->dd_set_by_cmdline = b->default_domain_source == IMS_KDOM_SRC_CMDLINE;
	}
	if (b->tlb_policy[0]) {
		bool legacy = false;
		const char *t = kline_text(b, b->tlb_policy_line);
		if (t && strstr(t, "IO/TLB"))
			legacy = true;
		ims_kref r = kref(b, b->tlb_policy_line, NULL);
		if (legacy) {
			if (!strcmp(b->tlb_policy, "lazy"))
				k->amd_lazy_legacy = r;
			else
				k->amd_strict_legacy = r;
		} else {
			k->tlb_policy_line = r;
			k->tlb_policy = !strcmp(b->tlb_policy, "lazy") ? IMS_TLB_LAZY : IMS_TLB_STRICT;
		}
	}
	k->vfio_no_ir = kflagref(b, &b->vfio_no_ir, 1);
	k->acs_override = kflagref(b, &b->acs_override, 1);

	/* PCI devices and groups */
	KALLOC(k, pci, b->n_pci);
	for (size_t i = 0; i < b->n_pci; i++) {
		const ims_kpci *p = &b->pci[i];
		ims_kf_pci *q = &k->pci[k->n_pci++];
		q->segment = p->segment;
		q->bdf = p->bdf;
		q->class_code = p->class_code & 0xffffffu;
		q->vendor = p->vendor;
		q->device = p->device;
		q->header_type = (int16_t)(p->header_type & 0x7f);
		q->group = p->group;
		q->ref = kref(b, p->line, NULL);
		for (size_t g = 0; g < b->n_groupdevs; g++) {
			const ims_kgroupdev *gd = &b->groupdevs[g];
			if (gd->is_pci && gd->segment == p->segment && gd->bdf == p->bdf && gd->group == p->group)
				q->group_ref = kref(b, gd->line, NULL);
		}
	}
	k->n_groups_seen = b->n_groupdevs;

	/* ACPI tables, upgrades */
	KALLOC(k, acpi_tables, b->n_acpi);
	for (size_t i = 0; i < b->n_acpi; i++) {
		const ims_kacpi *a = &b->acpi[i];
		ims_kf_table *t = &k->acpi_tables[k->n_acpi_tables++];
		memcpy(t->signature, a->signature, sizeof(t->signature));
		t->length = a->length;
		t->revision = a->revision;
		memcpy(t->oem_id, a->oem_id, sizeof(t->oem_id));
		memcpy(t->oem_table_id, a->oem_table_id, sizeof(t->oem_table_id));
		t->has_oem_revision = a->has_oem_revision;
		t->oem_revision = a->has_oem_revision ? a->oem_revision : 0;
		t->ref = kref(b, a->line, NULL);
	}
	/* e820 map */
	KALLOC(k, e820, b->n_e820);
	for (size_t i = 0; i < b->n_e820; i++) {
		ims_kf_range *r = &k->e820[k->n_e820++];
		r->base = b->e820[i].start;
		r->end = b->e820[i].end;
		r->type = (int)(b->e820[i].type <= 0x7fffffffu ? b->e820[i].type : 0x7fffffffu);
		r->ref = kref(b, b->e820[i].line, NULL);
	}
	KALLOC(k, table_upgrades, b->n_upgrades);
	for (size_t i = 0; i < b->n_upgrades; i++)
		k->table_upgrades[k->n_table_upgrades++] = kref(b, b->upgrades[i].line, b->upgrades[i].text);

	/* units, RMRRs */
	KALLOC(k, drhd_bases, b->n_dmar_units);
	for (size_t i = 0; i < b->n_dmar_units; i++) {
		const ims_kdmar_unit *u = &b->dmar_units[i];
		ims_kbdfref *d = &k->drhd_bases[k->n_drhd_bases++];
		d->value = u->base;
		d->ref = kref(b, u->drhd_line ? u->drhd_line : u->regs_line, NULL);
	}
	KALLOC(k, rmrrs, b->n_rmrrs);
	for (size_t i = 0; i < b->n_rmrrs; i++) {
		ims_kf_range *r = &k->rmrrs[k->n_rmrrs++];
		r->base = b->rmrrs[i].base;
		r->end = b->rmrrs[i].end;
		r->type = 0;
		r->ref = kref(b, b->rmrrs[i].line, NULL);
	}
	KALLOC(k, amd_iommus, b->n_amd_iommus);
	for (size_t i = 0; i < b->n_amd_iommus; i++) {
		const ims_kamd_iommu *a = &b->amd_iommus[i];
		if (!a->bdf_known)
			continue;
		ims_kbdfref *d = &k->amd_iommus[k->n_amd_iommus++];
		d->segment = a->segment;
		d->bdf = a->bdf;
		d->bdf_known = true;
		d->value = a->has_mmio ? a->mmio : 0;
		d->ref = kref(b, a->line, NULL);
	}

	/* faults */
	KALLOC(k, faults, b->n_faults);
	for (size_t i = 0; i < b->n_faults; i++) {
		const ims_kfault *f = &b->faults[i];
		ims_kbdfref *d = &k->faults[k->n_faults++];
		d->segment = f->segment;
		d->bdf = f->bdf;
		d->bdf_known = f->bdf_known;
		d->value = f->first_addr;
		d->ref = kref(b, f->first_line, NULL);
	}
	k->n_faults_total = (size_t)b->fault_events;

	/* firmware bugs and what they tell */
	KALLOC(k, fw_bugs, b->n_fwbugs);
	KALLOC(k, fw_bug_harmless, b->n_fwbugs);
	size_t nmiss = 0;
	for (size_t i = 0; i < b->n_fwbugs; i++)
		if (text_has(b->fwbugs[i].text, "not in IVRS table"))
			nmiss++;
	KALLOC(k, amd_ioapic_missing, nmiss);
	for (size_t i = 0; i < b->n_fwbugs; i++) {
		const ims_kfwbug *f = &b->fwbugs[i];
		ims_kref r = kref(b, f->line, f->text);
		k->fw_bug_harmless[k->n_fw_bugs] = f->cls == IMS_KFW_HARMLESS;
		k->fw_bugs[k->n_fw_bugs++] = r;
		if (text_has(f->text, "not in IVRS table")) {
			ims_kbdfref *d = &k->amd_ioapic_missing[k->n_amd_ioapic_missing++];
			const char *s = strstr(f->text, "IOAPIC[");
			d->value = s ? strtoull(s + 7, NULL, 10) : 0;
			d->ref = r;
		} else if (text_has(f->text, "No southbridge IOAPIC")) {
			k->amd_no_sb_ioapic = r;
		} else if (text_has(f->text, "IVRS invalid checksum")) {
			k->amd_ivrs_bad_checksum = r;
		} else if (text_has(f->text, "DMAR reported at address")) {
			k->intel_broken_bios = r;
		} else if (f->cls == IMS_KFW_IOMMU_DISABLED && !k->amd_init_failed.seen && amd_like) {
			k->amd_init_failed = r;
		}
	}
	/* VFIO refusals because of RMRR / 1:1 requirements, with the device of the line's prefix */
	KALLOC(k, direct_refused, b->n_refusals);
	for (size_t i = 0; i < b->n_refusals; i++) {
		const ims_krefusal *r = &b->refusals[i];
		ims_kbdfref *d = &k->direct_refused[k->n_direct_refused++];
		d->segment = r->segment;
		d->bdf = r->bdf;
		d->bdf_known = r->bdf_known;
		d->ref = kref(b, r->line, r->text);
	}

	/* vendor: the boot CPU line; else guessed from the IOMMU lines (the firmware's
	 * IVRS/DMAR; "DMAR: IOMMU enabled" alone is only the intel_iommu=on echo) */
	if (b->cpu_line)
		k->cpu = kref(b, b->cpu_line, b->cpu_model[0] ? b->cpu_model : NULL);
	if (!strcmp(b->cpu_vendor, "Intel"))
		k->cpu_vendor = IMS_VENDOR_INTEL;
	else if (!strcmp(b->cpu_vendor, "AMD") || !strcmp(b->cpu_vendor, "Hygon"))
		k->cpu_vendor = IMS_VENDOR_AMD; /* Hygon: AMD-Vi (IVRS) IOMMU */
	else if (b->cpu_vendor[0])
		k->cpu_vendor = 0; /* Centaur/Zhaoxin: neither vendor's firmware wording */
	else if (amd_like && !b->n_dmar_units)
		k->cpu_vendor = IMS_VENDOR_AMD;
	else if (b->n_dmar_units || b->vtd_enabled.state == 1 || b->dmar_table.state == 1)
		k->cpu_vendor = IMS_VENDOR_INTEL;
	/* Complete enough to trust absences: the start is there and the boot
	 * went past PCI enumeration (IOMMU init runs after it). */
	k->log_complete = k->log_start_seen && b->n_pci > 0 && b->lines >= 100;
	return IMS_OK;
}

void ims_kfacts_free(ims_kfacts *k)
{
	if (!k)
		return;
	if (k->owns_arrays) {
		free(k->amd_ioapic_missing);
		free(k->pci);
		free(k->e820);
		free(k->acpi_tables);
		free(k->table_upgrades);
		free(k->drhd_bases);
		free(k->rmrrs);
		free(k->amd_iommus);
		free(k->faults);
		free(k->fw_bugs);
		free(k->fw_bug_harmless);
		free(k->direct_refused);
	}
	memset(k, 0, sizeof(*k));
}
