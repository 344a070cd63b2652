/* SPDX-License-Identifier: MIT */
/*
 * The kernel-log pattern table: one row per message family, each with the
 * literal that must occur in the message (prefilter), a PCRE2 regex, the fact
 * it sets and the kernel versions whose wording it covers (format strings
 * read from kernel sources; see ../shared/docs/kernel-messages.md, M-numbers).
 * The handlers below turn a match into facts of the current boot.
 */
#include "klog_priv.h"

#include <stdlib.h>
#include <string.h>

#define HEX "(?:0x)?([0-9a-fA-F]+)"

/* Keywords of IOMMU-looking lines; a line holding one and matching no
 * pattern is counted as "unmatched". */
const char *const ims_klog_keywords[] = {"DMAR", "dmar", "AMD-Vi", "IOMMU", "iommu", "IVRS", "VT-d", NULL};

static bool cap_eq(const klog_ctx *c, unsigned i, const char *lit)
{
	const char *s;
	size_t n;
	return klog_cap(c, i, &s, &n) && n == strlen(lit) && !memcmp(s, lit, n);
}

static uint64_t capx(const klog_ctx *c, unsigned i)
{
	bool ok;
	return klog_cap_num(c, i, 16, &ok);
}

static uint64_t capd(const klog_ctx *c, unsigned i)
{
	bool ok;
	return klog_cap_num(c, i, 10, &ok);
}

/* Hex number in s[0..n) ("0x" optional), saturating like strtoull; never reads s[n]. */
static uint64_t hex_n(const char *s, size_t n)
{
	size_t i = n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
	uint64_t v = 0;
	for (; i < n; i++) {
		char ch = s[i];
		unsigned d = ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
			     : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
			     : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
						      : 16u;
		if (d > 15)
			break;
		v = v > (UINT64_MAX >> 4) ? UINT64_MAX : (v << 4) | d;
	}
	return v;
}

static void flag(ims_kflag *f, int state, uint32_t line)
{
	f->state = (int8_t)state;
	f->line = line;
}

/* ---------------------------------------------------------------------- */
/* Context                                                                */
/* ---------------------------------------------------------------------- */
static void h_version(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (b->version[0] || !klog_cap(c, 1, &s, &n))
		return;
	klog_copy_text(b->version, sizeof(b->version), s, n);
	b->version_line = c->line;
}

static void h_cmdline(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (b->cmdline_line || !klog_cap(c, 1, &s, &n))
		return;
	klog_copy_text(b->cmdline, sizeof(b->cmdline), s, n);
	b->cmdline_line = c->line;
	klog_cmdline(p, b, s, n, c->line);
}

static void h_dmi(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (b->dmi_line || !klog_cap(c, 1, &s, &n))
		return;
	klog_copy_text(b->dmi, sizeof(b->dmi), s, n);
	b->dmi_line = c->line;
}

/* Copy s[0..n) without leading and trailing spaces. */
static void copy_trimmed(char *dst, size_t dstsz, const char *s, size_t n)
{
	while (n && *s == ' ') {
		s++;
		n--;
	}
	klog_copy_text(dst, dstsz, s, n);
}

static void h_acpi(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kacpi *a = KPUSH(p, b, acpi, IMS_KLOG_MAX_ACPI, &b->n_acpi_dropped, "ACPI table lines");
	const char *s;
	size_t n;
	if (!a)
		return;
	if (klog_cap(c, 1, &s, &n))
		klog_copy_text(a->signature, sizeof(a->signature), s, n);
	a->address = capx(c, 2);
	a->length = (uint32_t)capx(c, 3);
	a->revision = (uint8_t)capd(c, 4);
	/* ACPICA prints fixed columns "%-6.6s %-8.8s %08X" (older ACPICA right-aligned
	 * "%6.6s %8.8s"): groups 5-7; lines not in that shape fall back to 8-9. */
	if (klog_cap(c, 5, &s, &n)) {
		copy_trimmed(a->oem_id, sizeof(a->oem_id), s, n);
		if (klog_cap(c, 6, &s, &n))
			copy_trimmed(a->oem_table_id, sizeof(a->oem_table_id), s, n);
		a->has_oem_revision = true;
		a->oem_revision = (uint32_t)capx(c, 7);
	} else {
		if (klog_cap(c, 8, &s, &n))
			copy_trimmed(a->oem_id, sizeof(a->oem_id), s, n);
		if (klog_cap(c, 9, &s, &n))
			copy_trimmed(a->oem_table_id, sizeof(a->oem_table_id), s, n);
	}
	a->line = c->line;
	if (!strcmp(a->signature, "DMAR"))
		flag(&b->dmar_table, 1, c->line);
	if (!strcmp(a->signature, "IVRS"))
		flag(&b->ivrs_table, 1, c->line);
}

/* E820 type from the printed word (arch/x86/kernel/e820.c e820_print_type):
 * "usable", "reserved", "soft reserved", "ACPI data", "ACPI NVS", "unusable",
 * "persistent (type %u)", "type %u"; <= 3.x the same words in parentheses.
 * The 2025 x86/boot rework words ("System RAM", "Device reserved", ...) too. */
static uint32_t e820_type_of(const char *s, size_t n)
{
	static const struct {
		const char *w;
		uint32_t t;
	} words[] = {
		{"soft reserved", IMS_E820_SOFT_RESERVED}, {"application reserved", IMS_E820_SOFT_RESERVED},
		{"device reserved", IMS_E820_RESERVED},	   {"Device reserved", IMS_E820_RESERVED},
		{"reserved", IMS_E820_RESERVED},	   {"unusable", IMS_E820_UNUSABLE},
		{"Unusable memory", IMS_E820_UNUSABLE},	   {"usable", IMS_E820_RAM},
		{"System RAM", IMS_E820_RAM},		   {"ACPI data", IMS_E820_ACPI},
		{"ACPI tables", IMS_E820_ACPI},		   {"ACPI NVS", IMS_E820_NVS},
		{"ACPI non-volatile storage", IMS_E820_NVS}, {"Persistent memory (legacy)", IMS_E820_PRAM},
		{"Persistent memory", IMS_E820_PMEM},
	};
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		s++;
		n -= 2;
	}
	/* "type %u" and "persistent (type %u)": the number is the type */
	for (size_t i = 0; i + 5 < n; i++)
		if (!memcmp(s + i, "type ", 5) && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(')) {
			uint64_t v = 0;
			size_t j = i + 5, j0 = j;
			while (j < n && s[j] >= '0' && s[j] <= '9' && v <= UINT32_MAX)
				v = v * 10 + (uint64_t)(s[j++] - '0');
			if (j > j0 && v <= UINT32_MAX)
				return (uint32_t)v;
		}
	/* a word at the end (a size may precede it in newer wordings) */
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t l = strlen(words[i].w);
		if (n >= l && !memcmp(s + n - l, words[i].w, l) && (n == l || s[n - l - 1] == ' '))
			return words[i].t;
	}
	return 0;
}

static void e820_add(ims_log_parser *p, ims_kboot *b, const klog_ctx *c, uint64_t start, uint64_t end, unsigned tg)
{
	const char *s;
	size_t n;
	if (end < start)
		return;
	ims_ke820 *e = KPUSH(p, b, e820, IMS_KLOG_MAX_E820, &b->n_e820_dropped, "e820 map entries");
	if (!e)
		return;
	e->start = start;
	e->end = end;
	e->type = klog_cap(c, tg, &s, &n) ? e820_type_of(s, n) : 0;
	e->line = c->line;
}

static void h_e820(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { e820_add(p, b, c, capx(c, 1), capx(c, 2), 3); }

static void h_e820_old(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	/* "%016Lx - %016Lx": the second number is addr + size (exclusive) */
	uint64_t end = capx(c, 2);
	if (end)
		e820_add(p, b, c, capx(c, 1), end - 1, 3);
}

/* The boot CPU's vendor from its model string (print_cpu_info prepends the
 * vendor's c_vendor name when the model string does not contain it). */
static const char *cpu_vendor_of(const char *s, size_t n)
{
	static const struct {
		const char *w, *v;
	} v[] = {{"Intel", "Intel"}, {"AMD", "AMD"},	   {"Hygon", "Hygon"},
		 {"HYGON", "Hygon"}, {"Centaur", "Centaur"}, {"Zhaoxin", "Zhaoxin"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (memmem(s, n, v[i].w, strlen(v[i].w)))
			return v[i].v;
	return "";
}

static void h_cpu0(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (b->cpu_model[0] || !klog_cap(c, 1, &s, &n))
		return;
	klog_copy_text(b->cpu_model, sizeof(b->cpu_model), s, n);
	const char *v = cpu_vendor_of(s, n);
	memcpy(b->cpu_vendor, v, strlen(v) + 1);
	b->cpu_line = c->line;
}

static void h_pmu(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (b->cpu_vendor[0] || !klog_cap(c, 1, &s, &n))
		return;
	const char *v = cpu_vendor_of(s, n);
	memcpy(b->cpu_vendor, v, strlen(v) + 1);
	b->cpu_line = c->line;
}

static void h_upgrade(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kline *l = KPUSH(p, b, upgrades, IMS_KLOG_MAX_NOTES, NULL, "table upgrades");
	if (!l)
		return;
	l->line = c->line;
	l->kind = "acpi-table-upgrade";
	klog_copy_text(l->text, sizeof(l->text), c->msg, c->len);
}

/* ---------------------------------------------------------------------- */
/* Intel DMAR                                                             */
/* ---------------------------------------------------------------------- */
static ims_kdmar_unit *dmar_unit_by_base(ims_log_parser *p, ims_kboot *b, uint64_t base)
{
	for (size_t i = 0; i < b->n_dmar_units; i++)
		if (b->dmar_units[i].base == base)
			return &b->dmar_units[i];
	ims_kdmar_unit *u = KPUSH(p, b, dmar_units, IMS_KLOG_MAX_UNITS, &b->n_dmar_units_dropped, "DMAR units");
	if (!u)
		return NULL;
	u->base = base;
	u->seq = -1;
	u->queued_invalidation = -1;
	u->usable = -1;
	return u;
}

static ims_kdmar_unit *dmar_unit_by_seq(ims_kboot *b, int32_t seq)
{
	for (size_t i = 0; i < b->n_dmar_units; i++)
		if (b->dmar_units[i].seq == seq)
			return &b->dmar_units[i];
	return NULL;
}

static void h_haw(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	b->haw = (uint32_t)capd(c, 1);
	b->haw_line = c->line;
}

static void h_drhd(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kdmar_unit *u = dmar_unit_by_base(p, b, capx(c, 1));
	if (!u || u->has_drhd)
		return;
	u->has_drhd = true;
	u->drhd_flags = (uint8_t)capx(c, 2);
	u->drhd_line = c->line;
}

static void h_dmar_regs(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kdmar_unit *u = dmar_unit_by_base(p, b, capx(c, 2));
	if (!u || u->has_regs)
		return;
	u->seq = (int32_t)capd(c, 1);
	u->has_regs = true;
	u->ver_major = (uint8_t)capd(c, 3);
	u->ver_minor = (uint8_t)capd(c, 4);
	u->cap = capx(c, 5);
	u->ecap = capx(c, 6);
	u->regs_line = c->line;
}

static void h_dmar_qi(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kdmar_unit *u = dmar_unit_by_seq(b, (int32_t)capd(c, 1));
	if (!u)
		return;
	u->queued_invalidation = cap_eq(c, 2, "Queued") ? 1 : 0;
	u->qi_line = c->line;
}

static void h_dmar_unusable(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kdmar_unit *u = dmar_unit_by_seq(b, (int32_t)capd(c, 1));
	if (u) {
		u->usable = 0;
		u->usable_line = c->line;
	}
	klog_note(p, b, "unit-unusable", c);
}

static void h_rmrr(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_krange *r = KPUSH(p, b, rmrrs, IMS_KLOG_MAX_RMRR, &b->n_rmrrs_dropped, "RMRR lines");
	if (!r)
		return;
	r->base = capx(c, 1);
	r->end = capx(c, 2);
	r->line = c->line;
}

static void h_atsr(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->atsr, 1, c->line); }
static void h_satc(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->satc, 1, c->line); }

static void h_no_struct(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (cap_eq(c, 1, "ATSR") && b->atsr.state < 0)
		flag(&b->atsr, 0, c->line);
	else if (cap_eq(c, 1, "SATC") && b->satc.state < 0)
		flag(&b->satc, 0, c->line);
}

static void h_ir_special(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kspecial *sp = KPUSH(p, b, specials, IMS_KLOG_MAX_SPECIALS, NULL, "DMAR-IR scope lines");
	if (!sp)
		return;
	sp->kind = cap_eq(c, 1, "IOAPIC") ? IMS_KSPECIAL_IOAPIC : IMS_KSPECIAL_HPET;
	sp->id = (uint32_t)capd(c, 2);
	sp->drhd_base = capx(c, 3);
	const char *s;
	size_t n;
	sp->iommu = klog_cap(c, 4, &s, &n) ? (int32_t)capd(c, 4) : -1;
	sp->line = c->line;
}

static void h_qi_for_ir(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->qi_for_ir, 1, c->line); }

static void h_ir_enabled(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->ir, 1, c->line);
	const char *s;
	size_t n;
	if (klog_cap(c, 1, &s, &n))
		klog_copy_text(b->ir_mode, sizeof(b->ir_mode), s, n);
}

static void ir_off(ims_kboot *b, const char *why, uint32_t line)
{
	if (b->ir.state != 1)
		flag(&b->ir, 0, line);
	if (!b->ir_why) {
		b->ir_why = why;
		b->ir_why_line = line;
	}
}

static void h_ir_no_mapping(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "an IOAPIC is not in the scope of any DRHD (DMAR table)", c->line);
}
static void h_ir_not_enabling(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "the kernel did not enable interrupt remapping", c->line);
}
static void h_ir_failed(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "enabling interrupt remapping failed", c->line);
}
static void h_ir_erratum(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "chipset erratum: the kernel disabled interrupt remapping", c->line);
}
static void h_ir_amd_disabling(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "AMD-Vi: IVRS does not describe the IOAPICs (see the firmware-bug lines)", c->line);
}
static void h_ioapic_not_in_ivrs(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "an IOAPIC is not in the IVRS table (ivrs_ioapic= can override)", c->line);
}
static void h_no_sb_ioapic(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ir_off(b, "no southbridge IOAPIC in the IVRS table", c->line);
}
static void h_x2apic_optout(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->x2apic_opt_out, 1, c->line); }
static void h_vtd_enabled(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->vtd_enabled, 1, c->line); }
static void h_optin(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->platform_opt_in, 1, c->line); }

static void h_intel_fault(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *kind, *rt;
	size_t kn, rn = 0;
	if (!klog_cap(c, 1, &kind, &kn))
		return;
	uint16_t bdf = IMS_BDF(capx(c, 3), capx(c, 4), capx(c, 5));
	/* 5.15+ prints the reason in hex ("0x06"), 4.x-5.4 in decimal ("06") */
	const char *r;
	size_t n;
	int32_t reason = -1;
	if (klog_cap(c, 7, &r, &n))
		reason = (int32_t)((n > 2 && r[1] == 'x') ? strtoul(r + 2, NULL, 16) : strtoul(r, NULL, 10));
	if (!klog_cap(c, 8, &rt, &rn)) {
		rt = "";
		rn = 0;
	}
	klog_fault_add(p, b, IMS_VENDOR_INTEL, kind, kn, true, 0, bdf, reason, rt, rn, capx(c, 6), 0, c->line);
}

/* ---------------------------------------------------------------------- */
/* AMD-Vi                                                                 */
/* ---------------------------------------------------------------------- */
static void h_amd_found(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	/* 5.x: "pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40" (device prefix) */
	if (!c->dev_is_bdf)
		return;
	ims_kamd_iommu *a = klog_amd_iommu(p, b, true, c->dev_seg, c->dev_bdf, c->line);
	if (a && !a->has_cap) {
		a->has_cap = true;
		a->cap_offset = (uint16_t)capx(c, 1);
		a->line = c->line;
	}
}

static void h_amd_found_4x(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	uint16_t seg, bdf;
	if (!klog_cap(c, 1, &s, &n) || !klog_parse_bdf(s, n, &seg, &bdf))
		return;
	ims_kamd_iommu *a = klog_amd_iommu(p, b, true, seg, bdf, c->line);
	if (a && !a->has_cap) {
		a->has_cap = true;
		a->cap_offset = (uint16_t)capx(c, 2);
		a->line = c->line;
	}
}

static void h_amd_efr(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	uint64_t efr = capx(c, 1);
	const char *s;
	size_t n;
	bool has2 = klog_cap(c, 2, &s, &n);
	uint64_t efr2 = has2 ? capx(c, 2) : 0;
	ims_kamd_iommu *a = NULL;
	if (c->dev_is_bdf) {
		a = klog_amd_iommu(p, b, true, c->dev_seg, c->dev_bdf, c->line);
	} else {
		for (size_t i = 0; i < b->n_amd_iommus && !a; i++)
			if (!b->amd_iommus[i].has_efr)
				a = &b->amd_iommus[i];
	}
	if (a && !a->has_efr) {
		a->has_efr = true;
		a->has_efr2 = has2;
		a->efr = efr;
		a->efr2 = efr2;
		a->efr_line = c->line;
	} else if (!a && !b->has_efr_line) {
		/* 6.8+: one line for the global EFR, no per-IOMMU "Found" lines */
		b->has_efr_line = true;
		b->efr_line_efr = efr;
		b->efr_line_efr2 = efr2;
		b->efr_line_line = c->line;
	}
	/* names on the next line (4.x/5.4 print "(%#llx):\n" then pr_cont) */
	if (!klog_cap(c, 3, &s, &n) || n == 0)
		p->pending_efr_names = true;
}

bool klog_efr_names_line(const char *s, size_t n)
{
	/* " PPR X2APIC NX GT IA GA PC GA_vAPIC": words of letters, digits, '_', '[', ']' */
	size_t i = 0, words = 0;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t w0 = i;
		while (i < n && s[i] != ' ') {
			char ch = s[i];
			if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
			      ch == '[' || ch == ']' || ch == '-'))
				return false;
			i++;
		}
		if (i > w0) {
			if (i - w0 > 10)
				return false;
			words++;
		}
	}
	return words > 0;
}

static void h_amd_global_efr(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	b->has_global_efr = true;
	b->global_efr = capx(c, 1);
	b->global_efr2 = capx(c, 2);
	b->global_efr_line = c->line;
}

static void h_amd_ir(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->ir, 1, c->line);
}

static void h_amd_x2apic(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->amd_x2apic, 1, c->line);
	if (!b->ir_mode[0])
		memcpy(b->ir_mode, "x2apic", 7);
}

static void h_amd_vapic(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->amd_vapic, 1, c->line); }

static void h_amd_perf(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->amd_perf, 1, c->line);
	if (c->dev_is_bdf) {
		ims_kamd_iommu *a = klog_amd_iommu(p, b, true, c->dev_seg, c->dev_bdf, c->line);
		if (a)
			flag(&a->perf_counters, 1, c->line);
	}
}

static void h_amd_perf_drv(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->amd_perf, 1, c->line);
	klog_note(p, b, "amd-perf", c);
}

static void h_amd_v2(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->amd_iommuv2, cap_eq(c, 1, "loaded and initialized") ? 1 : 0, c->line);
}

static void h_amd_hid(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_khid *h = KPUSH(p, b, hids, IMS_KLOG_MAX_HIDS, NULL, "ACPI HID lines");
	const char *s;
	size_t n;
	if (!h)
		return;
	if (klog_cap(c, 1, &s, &n))
		klog_copy_text(h->source, sizeof(h->source), s, n);
	if (klog_cap(c, 2, &s, &n))
		klog_copy_text(h->hid, sizeof(h->hid), s, n);
	if (klog_cap(c, 3, &s, &n))
		klog_copy_text(h->uid, sizeof(h->uid), s, n);
	h->rdevid = (uint32_t)capd(c, 4);
	h->line = c->line;
}

static void h_amd_cwait(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (!b->completion_wait_timeouts++)
		b->completion_wait_line = c->line;
}

static void h_amd_ivhd_type(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { b->amd_ivhd_type = (uint32_t)capx(c, 1); }

static void h_amd_dump_dev(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	uint16_t seg = 0;
	if (klog_cap(c, 1, &s, &n))
		seg = (uint16_t)capx(c, 1);
	uint16_t bdf = IMS_BDF(capx(c, 2), capx(c, 3), capx(c, 4));
	ims_kamd_iommu *a = klog_amd_iommu(p, b, true, seg, bdf, c->line);
	if (a && !a->has_cap) {
		a->has_cap = true;
		a->cap_offset = (uint16_t)capx(c, 5);
	}
}

static void h_amd_dump_mmio(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (!b->n_amd_iommus)
		return;
	ims_kamd_iommu *a = &b->amd_iommus[b->n_amd_iommus - 1];
	if (!a->has_mmio) {
		a->has_mmio = true;
		a->mmio = capx(c, 1);
	}
}

/* Parse "KEY=0x.. KEY=.." fields of an AMD event body. */
static void amd_event(ims_log_parser *p, ims_kboot *b, const klog_ctx *c, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '['))
		i++;
	size_t k0 = i;
	while (i < n && ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' || (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i == k0)
		return;
	const char *kind = s + k0;
	size_t kn = i - k0;
	bool known = c->dev_is_bdf;
	uint16_t seg = c->dev_seg, bdf = c->dev_bdf;
	uint64_t addr = 0;
	uint32_t domain = 0;
	const char *flags = NULL;
	size_t fn = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		size_t a0 = i;
		while (i < n && s[i] != '=' && s[i] != ' ')
			i++;
		if (i >= n || s[i] != '=')
			break;
		size_t an = i - a0;
		i++;
		size_t v0 = i;
		while (i < n && s[i] != ' ' && s[i] != ']' && s[i] != ',')
			i++;
		const char *v = s + v0;
		size_t vn = i - v0;
		if (an == 6 && !memcmp(s + a0, "device", 6))
			known = klog_parse_bdf(v, vn, &seg, &bdf);
		else if (an == 7 && !memcmp(s + a0, "address", 7))
			addr = hex_n(v, vn); /* v is not NUL-terminated */
		else if (an == 6 && !memcmp(s + a0, "domain", 6))
			domain = (uint32_t)hex_n(v, vn);
		else if (an == 5 && !memcmp(s + a0, "flags", 5)) {
			flags = s + a0;
			fn = an + 1 + vn;
		}
	}
	klog_fault_add(p, b, IMS_VENDOR_AMD, kind, kn, known, seg, bdf, -1, flags ? flags : "", flags ? fn : 0, addr,
		       domain, c->line);
}

static void h_amd_event(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (!klog_cap(c, 1, &s, &n) || n == 0) {
		/* split across two lines: the text follows on the next line */
		p->pending_event = true;
		p->pending_event_line = c->line;
		return;
	}
	amd_event(p, b, c, s, n);
}

void klog_pending_event(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s = c->subj;
	size_t n = c->subj_len;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	if (n && s[0] >= 'A' && s[0] <= 'Z' && memchr(s, '=', n)) {
		amd_event(p, b, c, s, n);
		return;
	}
	klog_diag(p, "klog.event-incomplete", IMS_SEV_INFO, p->pending_event_line,
		  "'Event logged [' not followed by the event text");
	/* the line is ordinary: run it through the patterns */
	klog_process_message(p, b, c->msg, c->len);
}

static void h_lazy(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (b->tlb_policy[0])
		return;
	const char *v = cap_eq(c, 1, "Lazy IO/TLB flushing enabled") ? "lazy" : "strict";
	memcpy(b->tlb_policy, v, strlen(v) + 1); /* not 7: "lazy" has 5 bytes */
	b->tlb_policy_line = c->line;
	if (b->amd_dma_ops.state != 1)
		flag(&b->amd_dma_ops, 1, c->line);
}

static void h_amd_passthrough(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->amd_passthrough, 1, c->line);
	if (b->amd_dma_ops.state != 1)
		flag(&b->amd_dma_ops, 1, c->line);
	if (!b->default_domain[0]) {
		memcpy(b->default_domain, "Passthrough", 12);
		b->default_domain_source = IMS_KDOM_SRC_DRIVER;
		b->default_domain_line = c->line;
	}
}

static void h_unknown_option(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	klog_note(p, b, "unknown-option", c);
	const char *s;
	size_t n;
	char v[64] = "";
	if (klog_cap(c, 2, &s, &n))
		klog_copy_text(v, sizeof(v), s, n);
	klog_diag(p, "klog.kernel-unknown-option", IMS_SEV_WARNING, c->line,
		  "the kernel ignored the unknown option '%s' (%s)", v,
		  cap_eq(c, 1, "AMD-Vi") ? "amd_iommu=" : "intel_iommu=");
}

/* ---------------------------------------------------------------------- */
/* Generic                                                                */
/* ---------------------------------------------------------------------- */
static void h_default_domain(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (!klog_cap(c, 1, &s, &n))
		return;
	klog_copy_text(b->default_domain, sizeof(b->default_domain), s, n);
	b->default_domain_line = c->line;
	b->default_domain_source = klog_cap(c, 2, &s, &n) ? IMS_KDOM_SRC_CMDLINE : IMS_KDOM_SRC_DEFAULT;
}

static void h_tlb(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (!klog_cap(c, 1, &s, &n))
		return;
	klog_copy_text(b->tlb_policy, sizeof(b->tlb_policy), s, n);
	b->tlb_policy_line = c->line;
}

static void h_mem_encrypt(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { flag(&b->mem_encrypt, 1, c->line); }

static void group_add(ims_log_parser *p, ims_kboot *b, const char *dev, size_t dn, uint64_t group64, bool removed,
		      uint32_t line)
{
	if (group64 > INT32_MAX)
		return; /* the kernel prints an int: not a real group line */
	int32_t group = (int32_t)group64;
	uint16_t seg = 0, bdf = 0;
	bool is_pci = klog_parse_bdf(dev, dn, &seg, &bdf);
	if (removed) {
		for (size_t i = b->n_groupdevs; i-- > 0;) {
			ims_kgroupdev *g = &b->groupdevs[i];
			if (g->group == group && strlen(g->device) == dn && !memcmp(g->device, dev, dn)) {
				g->removed = true;
				break;
			}
		}
		return;
	}
	ims_kgroupdev *g = KPUSH(p, b, groupdevs, IMS_KLOG_MAX_GROUPDEVS, &b->n_groupdevs_dropped, "iommu group lines");
	if (!g)
		return;
	g->group = group;
	klog_copy_text(g->device, sizeof(g->device), dev, dn);
	g->is_pci = is_pci;
	g->segment = seg;
	g->bdf = bdf;
	g->line = line;
	if (is_pci) {
		for (size_t i = b->n_pci; i-- > 0;)
			if (b->pci[i].segment == seg && b->pci[i].bdf == bdf) {
				b->pci[i].group = group;
				break;
			}
	}
}

static void h_group_dev(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (!c->has_dev)
		return;
	group_add(p, b, c->dev, c->dev_len, capd(c, 2), cap_eq(c, 1, "Removing from"), c->line);
}

static void h_group_old(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *s;
	size_t n;
	if (!klog_cap(c, 2, &s, &n))
		return;
	group_add(p, b, s, n, capd(c, 3), cap_eq(c, 1, "Removing"), c->line);
}

static void h_swiotlb(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (b->swiotlb.state != 1)
		flag(&b->swiotlb, 1, c->line);
	klog_note(p, b, "swiotlb", c);
}

static void h_vfio(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	ims_kline *l = KPUSH(p, b, vfio, IMS_KLOG_MAX_NOTES, NULL, "VFIO lines");
	if (!l)
		return;
	l->line = c->line;
	l->kind = "vfio";
	klog_copy_text(l->text, sizeof(l->text), c->msg, c->len);
}

static void h_vfio_no_ir(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->vfio_no_ir, 1, c->line);
}

static void h_acs_override(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	flag(&b->acs_override, 1, c->line);
	klog_note(p, b, "acs-override", c);
}

static void h_pci_dev(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (!c->dev_is_bdf)
		return;
	ims_kpci *d = KPUSH(p, b, pci, IMS_KLOG_MAX_PCI, &b->n_pci_dropped, "PCI devices");
	if (!d)
		return;
	d->segment = c->dev_seg;
	d->bdf = c->dev_bdf;
	d->vendor = (uint16_t)capx(c, 1);
	d->device = (uint16_t)capx(c, 2);
	d->header_type = (uint8_t)capx(c, 3);
	d->class_code = (uint32_t)capx(c, 4) & 0xffffff;
	d->line = c->line;
	d->group = -1;
}

static void h_pci_bridge(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	if (!c->dev_is_bdf)
		return;
	for (size_t i = b->n_pci; i-- > 0;) {
		ims_kpci *d = &b->pci[i];
		if (d->segment == c->dev_seg && d->bdf == c->dev_bdf) {
			if (d->has_bus_range)
				return;
			const char *s;
			size_t n;
			uint8_t sec = (uint8_t)capx(c, 1);
			uint8_t sub = klog_cap(c, 2, &s, &n) ? (uint8_t)capx(c, 2) : sec;
			if (sub < sec)
				return; /* the kernel never prints a reversed bus resource */
			d->has_bus_range = true;
			d->secondary = sec;
			d->subordinate = sub;
			d->bus_line = c->line;
			return;
		}
	}
}

static void h_fw(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	const char *lv, *rest;
	size_t ln, rn;
	if (!klog_cap(c, 1, &lv, &ln) || !klog_cap(c, 2, &rest, &rn))
		return;
	char level[8];
	klog_copy_text(level, sizeof(level), lv, ln);
	klog_fwbug(p, b, c, level, rest, rn);
}

static void h_vfio_blocked(ims_log_parser *p, ims_kboot *b, const klog_ctx *c)
{
	klog_note(p, b, "rmrr-blocks-assignment", c);
	ims_krefusal *r = KPUSH(p, b, refusals, IMS_KLOG_MAX_REFUSALS, &b->n_refusals_dropped, "1:1-mapping refusals");
	if (!r)
		return;
	if (c->has_dev) {
		klog_copy_text(r->device, sizeof(r->device), c->dev, c->dev_len);
		r->bdf_known = c->dev_is_bdf;
		r->segment = c->dev_seg;
		r->bdf = c->dev_bdf;
	}
	r->line = c->line;
	klog_copy_text(r->text, sizeof(r->text), c->msg, c->len);
}
static void h_note(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { klog_note(p, b, "note", c); }
static void h_note_cap(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { klog_note(p, b, "cap-inconsistent", c); }
static void h_note_x2apic(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { klog_note(p, b, "x2apic", c); }
static void h_note_acs(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { klog_note(p, b, "acs-quirk", c); }
static void h_note_cmdecho(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { klog_note(p, b, "cmdline-echo", c); }
static void h_dmar_disabled(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { klog_note(p, b, "iommu-disabled", c); }
static void h_consume(ims_log_parser *p, ims_kboot *b, const klog_ctx *c) { (void)p; (void)b; (void)c; }

/* ---------------------------------------------------------------------- */
/* The table (order matters: the first non-KP_CONT match wins)            */
/* ---------------------------------------------------------------------- */
#define D "(?i:dmar): "
const klog_pattern ims_klog_table[] = {
	/* firmware-bug lines anywhere, classified; then the specific pattern runs too */
	{{"[Firmware ", "\\[Firmware (Bug|Warn|Info)\\]:? ?(.*)$", "fw.bug", "all"}, KP_CONT, h_fw},

	/* context */
	{{"Linux version ", "^Linux version (\\S+)", "kernel.version", "all"}, 0, h_version},
	{{"ommand line: ", "^(?:Kernel )?[Cc]ommand line: (.*)$", "kernel.cmdline", "all (setup.c, init/main.c)"}, 0, h_cmdline},
	{{"DMI: ", "^DMI: (?!Memory slots)(.+)$", "platform.dmi", "all"}, 0, h_dmi},
	{{"ACPI: ", "^ACPI: ([A-Z0-9_!$]{4}) (?:0x)?([0-9A-Fa-f]{8,16}) ([0-9A-Fa-f]{5,8}) \\(v(\\d+) (?:(.{6}) (.{8}) ([0-9A-Fa-f]{8})[ )]|(.{0,6}?) +(\\S{0,8}))",
	  "acpi.table", "all (ACPICA tbprint.c; OEM columns right-aligned in old ACPICA)"}, 0, h_acpi},
	{{"BIOS-e820: ", "^\\s*BIOS-e820: \\[mem 0x([0-9a-fA-F]{1,16})-0x([0-9a-fA-F]{1,16})\\] ?(.*)$", "platform.e820",
	  "3.x+ (e820__print_table; end inclusive)"}, 0, h_e820},
	{{"BIOS-e820: ", "^\\s*BIOS-e820: ([0-9a-fA-F]{1,16}) - ([0-9a-fA-F]{1,16}) ?(.*)$", "platform.e820",
	  "2.6-3.x (e820_print_map; end exclusive)"}, 0, h_e820_old},
	{{"CPU0: ", "^(?:smpboot: )?CPU0: (.+?)(?: \\((?:family|fam): | stepping [0-9a-fA-F]+$)", "platform.cpu",
	  "all (print_cpu_info; 'smpboot: ' prefix 3.x+)"}, 0, h_cpu0},
	{{"PMU driver", "^Performance Events: (?:.*[ ,])?(Intel|AMD|Hygon|Zhaoxin) PMU driver", "platform.cpu",
	  "all (perf_event init)"}, 0, h_pmu},
	{{"Table Upgrade", "^ACPI: Table Upgrade: ", "acpi.upgrade", "4.7+"}, 0, h_upgrade},
	{{"found in initrd", "table found in initrd", "acpi.upgrade", "4.7+"}, 0, h_upgrade},
	{{"Physical table override", "Physical table override", "acpi.upgrade", "all (ACPICA)"}, 0, h_upgrade},

	/* Intel DMAR table parsing (dmar.c) */
	{{"Host address width", "^" D "Host address width (\\d+)", "dmar.haw", "all"}, 0, h_haw},
	{{"DRHD base: ", "^" D "DRHD base: " HEX " flags: " HEX, "dmar.drhd", "all"}, 0, h_drhd},
	{{"reg_base_addr", "^(?:" D ")?(?:dmar|IOMMU ?)(\\d+): reg_base_addr " HEX " ver (\\d+):(\\d+) cap " HEX " ecap " HEX,
	  "dmar.unit-regs", "all (3.x 'IOMMU N:', 4.x+ 'dmarN:')"}, 0, h_dmar_regs},
	{{"RMRR base: ", "^" D "RMRR base: " HEX " end: " HEX, "dmar.rmrr", "all"}, 0, h_rmrr},
	{{"ATSR flags: ", "^" D "ATSR flags: " HEX, "dmar.atsr", "all"}, 0, h_atsr},
	{{"SATC flags: ", "^" D "SATC flags: " HEX, "dmar.satc", "5.15+"}, 0, h_satc},
	{{" found", "^" D "No (RMRR|ATSR|SATC) found", "dmar.none-found", "4.x+ (SATC 5.15+)"}, 0, h_no_struct},
	{{" under DRHD base", "^(?:DMAR-IR: )?(IOAPIC|HPET) id (\\d+) under DRHD base +" HEX "(?: IOMMU (\\d+))?",
	  "dmar.ir-scope", "all (prefix since 4.x)"}, 0, h_ir_special},
	{{" invalidation", "^" D "dmar(\\d+): Using (Queued|Register based) invalidation", "dmar.unit-qi", "all"}, 0, h_dmar_qi},
	{{"No supported address widths", "^" D "dmar(\\d+): No supported address widths", "dmar.unit-unusable", "5.4+"}, 0,
	 h_dmar_unusable},
	{{"Queued invalidation will be enabled", "Queued invalidation will be enabled to support x2apic and Intr-remapping",
	  "dmar.qi-for-ir", "all"}, 0, h_qi_for_ir},
	{{"Enabled IRQ remapping in ", "^(?:DMAR-IR: )?Enabled IRQ remapping in (x2apic|xapic) mode", "ir.enabled",
	  "all"}, 0, h_ir_enabled},
	{{"has no mapping iommu", "ioapic (\\d+) has no mapping iommu, interrupt remapping will be disabled",
	  "ir.disabled", "all"}, 0, h_ir_no_mapping},
	{{"Not enabling interrupt remapping", "Not enabling interrupt remapping", "ir.disabled", "all"}, 0,
	 h_ir_not_enabling},
	{{"Failed to enable irq remapping", "Failed to enable irq remapping", "ir.disabled", "all"}, 0, h_ir_failed},
	{{"interrupt remapping is being disabled", "interrupt remapping is being disabled", "ir.disabled", "all"}, 0,
	 h_ir_erratum},
	{{"x2apic opt out bit", "x2apic is disabled because BIOS sets x2apic opt out bit", "dmar.x2apic-opt-out", "all"}, 0,
	 h_x2apic_optout},
	{{"Directed I/O", "Intel\\(R\\) Virtualization Technology for Directed I/O", "dmar.vtd-enabled", "all"}, 0,
	 h_vtd_enabled},
	{{"platform opt in", "Intel-IOMMU force enabled due to platform opt in", "dmar.platform-opt-in", "5.4+"}, 0, h_optin},
	{{"Request device [", "^" D "\\[(DMA Read|DMA Write|INTR-REMAP)(?: NO_PASID| PASID " HEX ")?\\] Request device \\[([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])\\] (?:PASID [0-9a-fA-F]+ )?fault (?:addr|index) " HEX " \\[fault reason (0x[0-9a-fA-F]+|\\d+)\\] ?(.*)$",
	  "fault.intel", "4.14+ (decimal reason <= 5.4, hex 5.15+)"}, 0, h_intel_fault},
	{{"IOMMU feature ", "^" D "IOMMU feature (\\S+) inconsistent", "dmar.cap-inconsistent", "5.15+"}, 0, h_note_cap},
	{{"ineligible for IOMMU domain attach", "ineligible for IOMMU domain attach due to platform RMRR requirement",
	  "vfio.rmrr-blocked", "4.14-6.1"}, KP_REST, h_vfio_blocked},
	{{"1:1 IOMMU mapping", "Firmware has requested this device have a 1:1 IOMMU mapping", "vfio.rmrr-blocked", "6.8+"},
	 KP_REST, h_vfio_blocked},
	{{"Unknown option", "^(AMD-Vi|DMAR): Unknown option - '(.*)'", "cmdline.unknown-option", "5.15+ (AMD), all (Intel)"}, 0,
	 h_unknown_option},
	{{"IOMMU disabled", "^" D "IOMMU disabled", "dmar.disabled-by-option", "all"}, 0, h_dmar_disabled},
	{{"DMAR: ", "^DMAR: (?:IOMMU enabled|Disable GFX device mapping|Disable integrated GPU device mapping|Disable supported super page|Enable scalable mode if hardware supports|Scalable mode is disallowed|Forcing DAC for PCI devices|Disable batched IOTLB flush|Intel-IOMMU: |intel_iommu=\\S+ deprecated)",
	  "dmar.cmdline-echo", "all"}, 0, h_note_cmdecho},
	{{"DMAR", "^" D "(?:Setting RMRR:|Setting identity map for device|Ignoring identity map|Prepare 0-16MiB unity mapping|(?:Hardware|Software) identity mapping for device|\\d+bit \\S+ uses (?:non-)?identity mapping|DRHD: handling fault status reg|Dump \\S+ table entries|(?:root|context|scalable mode root|pasid dir|pasid table) entry|pte level)",
	  "dmar.per-device", "4.x identity maps, 6.1+ PTE dumps"}, 0, h_consume},
	{{"DMAR", "^" D "(?:ANDD device:|ACPI device \".*\" under DMAR|RHSA base:|IOMMU batching disallowed|dmar\\d+: (?:Doesn't support|No free domain)|Translation (?:was )?(?:already )?enabled|Copied translation tables|Failed to copy|ACPI name space devices didn't probe|Parse DMAR table failure|No DMAR devices found|Unable to map DMAR|Initialization failed|Can't validate DRHD address|Unsupported device scope|Device scope type does not match|\\S+ SVM disabled|Forcing Intel-IOMMU to enabled|Read-only mapping is disallowed|VT-d detected|QI |Invalidation )",
	  "dmar.note", "all"}, 0, h_note},
	{{"DMAR-IR", "^DMAR-IR: (?:\\S+ does not support EIM|Use 'intremap=no_x2apic_optout'|IRQ remapping was enabled|Copied IR table|Failed to copy IR table|Failed to setup irq remapping|Failed to enable queued invalidation|IR\\d+: can't allocate|Failed to set source-id|Exceeded Max)",
	  "ir.note", "all"}, 0, h_note},

	/* AMD-Vi */
	{{"Found IOMMU cap", "^(?:AMD-Vi: )?Found IOMMU cap " HEX, "amd.iommu", "5.4-6.1 (pci_info)"}, KP_REST, h_amd_found},
	{{"Found IOMMU at ", "^AMD-Vi: Found IOMMU at ([0-9a-fA-F:.]+) cap " HEX, "amd.iommu", "<= 4.20"}, 0, h_amd_found_4x},
	{{"Enabling IOMMU at ", "^AMD-Vi: Enabling IOMMU at ([0-9a-fA-F:.]+) cap " HEX, "amd.iommu", "2.6.3x"}, 0,
	 h_amd_found_4x},
	{{"Passthrough Mode", "^AMD-Vi: Initialized for Passthrough Mode", "amd.passthrough",
	  "2.6.30-4.x (amd_iommu_init_passthrough, iommu=pt)"}, 0, h_amd_passthrough},
	{{"Extended features (", "^(?:AMD-Vi: )?Extended features \\(" HEX "(?:, ?" HEX ")?\\):(.*)$", "amd.efr",
	  "all (2 lines <= 5.4, EFR2 6.1+)"}, KP_REST, h_amd_efr},
	{{"Using global IVHD EFR", "Using global IVHD EFR:" HEX ", EFR2:" HEX, "amd.global-efr", "6.1.y, 6.8+"}, 0,
	 h_amd_global_efr},
	{{"Interrupt remapping enabled", "^AMD-Vi: Interrupt remapping enabled", "ir.enabled", "all"}, 0, h_amd_ir},
	{{"APIC enabled", "^AMD-Vi: (?:X2APIC|x2APIC) enabled", "amd.x2apic", "4.20+"}, 0, h_amd_x2apic},
	{{"APIC enabled", "^AMD-Vi: [Vv]irtual APIC enabled", "amd.vapic", "all"}, 0, h_amd_vapic},
	{{"IOMMU performance counters supported", "^(?:AMD-Vi: )?IOMMU performance counters supported", "amd.perf", "all"},
	 KP_REST, h_amd_perf},
	{{"perf/amd_iommu", "^perf/amd_iommu: Detected AMD IOMMU #(\\d+) \\((\\d+) banks, (\\d+) counters/bank\\)",
	  "amd.perf", "4.x+"}, 0, h_amd_perf_drv},
	{{"AMD IOMMUv2 ", "AMD IOMMUv2 (functionality not available on this system|loaded and initialized)", "amd.iommuv2",
	  "<= 6.6"}, 0, h_amd_v2},
	{{"add hid:", "^AMD-Vi: ?(\\S+), add hid:(\\S*), uid:(\\S*), rdevid:(\\d+)", "amd.acpihid", "all"}, 0, h_amd_hid},
	{{"Completion-Wait loop timed out", "Completion-Wait loop timed out", "amd.completion-wait-timeout", "all"}, KP_REST,
	 h_amd_cwait},
	{{"Event logged [", "^(?:AMD-Vi: )?Event logged \\[(.*)$", "fault.amd", "all (split over two lines on 4.x)"}, KP_REST,
	 h_amd_event},
	{{"IOAPIC[", "IOAPIC\\[(\\d+)\\] not in IVRS table", "ir.disabled", "all"}, 0, h_ioapic_not_in_ivrs},
	{{"No southbridge IOAPIC found", "No southbridge IOAPIC found", "ir.disabled", "all"}, 0, h_no_sb_ioapic},
	{{"Disabling interrupt remapping", "^AMD-Vi: Disabling interrupt remapping", "ir.disabled", "all"}, 0,
	 h_ir_amd_disabling},
	{{"TLB flush", "^AMD-Vi: (Lazy IO/TLB flushing enabled|IO/TLB flush on unmap enabled)", "iommu.tlb-policy", "<= 5.4"},
	 0, h_lazy},
	{{"Using IVHD type ", "^AMD-Vi: (?:AMD-Vi: )?Using IVHD type " HEX, "amd.ivhd-type", "amd_iommu_dump=1"}, 0,
	 h_amd_ivhd_type},
	{{"device: ", "^AMD-Vi: (?:AMD-Vi: )?device: (?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\\.([0-7]) cap: ([0-9a-f]{4})",
	  "amd.iommu-dump", "amd_iommu_dump=1"}, 0, h_amd_dump_dev},
	{{"mmio-addr: ", "^AMD-Vi: (?:AMD-Vi: )?\\s*mmio-addr: ([0-9a-fA-F]+)", "amd.iommu-mmio", "amd_iommu_dump=1"}, 0,
	 h_amd_dump_mmio},
	{{"AMD-Vi", "^AMD-Vi: (?:AMD-Vi: )?\\s*(?:DEV_|IVMD_TYPE|PCI segment :)", "amd.ivrs-dump", "amd_iommu_dump=1"}, 0,
	 h_consume},
	{{"AMD-Vi", "^AMD-Vi: (?:Applying erratum 746|Applying ATS write check workaround|Disable IOMMU on Stoney Ridge|IOMMU not currently supported when SME is active|Using strict mode due to virtualization|V2 page table enabled|Cannot enable v2 page table|Force to disable Virtual APIC due to SNP|Translation (?:is already enabled|was enabled)|Copied DEV table|Failed to copy DEV table|Unable to read/write to IOMMU perf counter|iommu\\d+ \\(0x[0-9a-f]+\\) : IRT cache is|Command-line override|ivrs_\\w+ option format deprecated|Invalid command line|Early IOAPIC map overflow|Restricting V1 page-sizes|IOMMU \\w+ log restarting|amd_iommu=fullflush deprecated|IVRS table error|Can not reserve memory region|This is a BIOS bug|IOMMU%d|IOMMU\\d+: Failed to initialize|WARN: System has more IOMMUs|Failed to initialize\\.)",
	  "amd.note", "all"}, KP_REST, h_note},
	{{"AMD IOMMUv2 driver by", "^(?:AMD-Vi: )?AMD IOMMUv2 driver by", "amd.iommuv2-module", "<= 5.4"}, 0, h_note},
	{{"SNP", "^(?:SNP: IOMMU|IOMMU SNP support enabled)", "amd.snp", "6.x"}, 0, h_note},

	/* IOMMU core and generic */
	{{"Default domain type: ", "^iommu: Default domain type: (\\w+) ?(\\(set via kernel command line\\))?",
	  "iommu.default-domain", "5.3+"}, 0, h_default_domain},
	{{"TLB invalidation policy", "DMA domain TLB invalidation policy: (strict|lazy) mode", "iommu.tlb-policy", "5.15+"}, 0,
	 h_tlb},
	{{"Memory encryption detected", "Memory encryption detected - Disabling default IOMMU Passthrough",
	  "iommu.mem-encrypt", "5.4+"}, 0, h_mem_encrypt},
	{{" iommu group ", "^(Adding to|Removing from) iommu group (\\d+)", "iommu.group", "5.x+ (dev_info)"}, KP_REST,
	 h_group_dev},
	{{"iommu: ", "^iommu: (Adding|Removing) device (\\S+) (?:to|from) group (\\d+)", "iommu.group", "<= 4.20"}, 0,
	 h_group_old},
	{{"iommu", "^(?:iommu: Using direct mapping for device|Using iommu (?:dma|direct) mapping|iommu: Failed to allocate default IOMMU domain|Failed to add to iommu group)",
	  "iommu.per-device", "4.x-5.4"}, KP_REST, h_consume},
	{{"SWIOTLB", "^PCI-DMA: Using software bounce buffering for IO \\(SWIOTLB\\)", "swiotlb", "all"}, 0, h_swiotlb},
	{{"software IO TLB", "^software IO TLB: mapped", "swiotlb", "all"}, 0, h_swiotlb},
	{{"allow_unsafe_interrupts", "No interrupt remapping support\\.\\s+Use the module param \"allow_unsafe_interrupts\"",
	  "vfio.no-ir", "all"}, KP_CONT, h_vfio_no_ir},
	{{"vfio", "(?:^vfio[-_]pci|^vfio|vfio_iommu_type1|vfio-noiommu)", "vfio.line", "all"}, KP_REST, h_vfio},
	{{"vfio", "^vfio[-_]", "vfio.line", "all"}, 0, h_vfio},
	{{"VFIO", "^VFIO - User Level meta-driver", "vfio.line", "all"}, 0, h_vfio},
	{{"ACS overrides enabled", "PCIe ACS overrides enabled", "acs.override", "out-of-tree ACS override patch"}, 0,
	 h_acs_override},
	{{"ACS", "(?:ACS workaround enabled|disabled ACS redirect|ACS redirect)", "acs.quirk", "4.x+"}, KP_REST, h_note_acs},
	{{"] type ", "^\\[([0-9a-f]{4}):([0-9a-f]{4})\\] type ([0-9a-f]{2}) class 0x([0-9a-f]{1,6})", "pci.device",
	  "all (KERN_DEBUG <= 4.20; 6.8+ appends the port type)"}, KP_REST, h_pci_dev},
	{{"PCI bridge to [bus", "^PCI bridge to \\[bus ([0-9a-f]{2})(?:-([0-9a-f]{2}))?\\]", "pci.bridge", "all"}, KP_REST,
	 h_pci_bridge},
	{{"x2apic", "^(?:x2apic: IRQ remapping doesn't support X2APIC mode|x2apic: enabled by BIOS|x2apic (?:enabled|disabled)|x2apic: re-enabled)",
	  "x2apic", "all"}, 0, h_note_x2apic},
	{{"APIC routing", "^(?:APIC: )?Switched APIC routing to:? (.*)$", "apic.routing", "all (APIC: prefix 6.8+)"}, 0,
	 h_note_x2apic},
	{{"Reserving ", "^ACPI: Reserving (?:DMAR|IVRS) table memory", "acpi.reserve", "5.12+"}, 0, h_consume},
	{{"[drm] ", "^\\[drm\\] (?:VT-d active for gfx access|DMAR active, disabling use of stolen memory)", "gpu.iommu",
	  "4.x+ (i915)"}, KP_REST, h_note},
	{{"IOMMU option in the BIOS", "^AGP: Please enable the IOMMU option in the BIOS setup", "gart.note", "all"}, 0,
	 h_note},
	{{"iommu=", "^\\s*[\\w.\\-\\[\\]]*iommu[\\w.]*=\\S*$", "init.environment", "all (init's environment echo)"}, 0,
	 h_consume},
	{{"iommu ivhd", "^iommu ivhd\\d+: ", "amd.sysfs-device", "5.x+"}, 0, h_note},
	{{"BIOS vendor: ", "^BIOS vendor: .*; Ver: ", "fw.bug-continuation", "all"}, 0, h_consume},
};
#undef D
const size_t ims_klog_table_n = sizeof(ims_klog_table) / sizeof(ims_klog_table[0]);
