/* SPDX-License-Identifier: MIT */
/*
 * Kernel-log facts: helpers for the handlers, command-line parameter checks,
 * firmware-bug classification, fault aggregation, derived per-boot facts
 * (IOMMU enabled or not, and why), register bit names and the invariants.
 */
#include "klog_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void klog_copy_text(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (!dstsz)
		return;
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < dstsz; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : (c == '\t' ? ' ' : '?');
	}
	while (o && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

bool klog_cap(const klog_ctx *c, unsigned i, const char **s, size_t *n)
{
	if (i >= c->ngroups)
		return false;
	PCRE2_SIZE a = c->ov[2 * i], b = c->ov[2 * i + 1];
	if (a == PCRE2_UNSET || b < a)
		return false;
	*s = c->subj + a;
	*n = b - a;
	return true;
}

uint64_t klog_cap_num(const klog_ctx *c, unsigned i, int base, bool *ok)
{
	const char *s;
	size_t n;
	*ok = false;
	if (!klog_cap(c, i, &s, &n))
		return 0;
	if (base == 16 && n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	uint64_t v = 0;
	for (size_t k = 0; k < n; k++) {
		unsigned d;
		char ch = s[k];
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (base == 16 && (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			d = (unsigned)((ch | 0x20) - 'a' + 10);
		else
			return v;
		v = v * (unsigned)base + d;
	}
	*ok = n > 0;
	return v;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "ssss:bb:dd.f" or "bb:dd.f" */
bool klog_parse_bdf(const char *s, size_t n, uint16_t *seg, uint16_t *bdf)
{
	unsigned v[4] = {0, 0, 0, 0};
	size_t i = 0;
	unsigned sg = 0;
	if (n == 12) {
		for (; i < 4; i++) {
			int h = hexval(s[i]);
			if (h < 0)
				return false;
			sg = sg * 16 + (unsigned)h;
		}
		if (s[i++] != ':')
			return false;
	} else if (n != 7) {
		return false;
	}
	int h0 = hexval(s[i]), h1 = hexval(s[i + 1]), h2 = hexval(s[i + 3]), h3 = hexval(s[i + 4]);
	if (h0 < 0 || h1 < 0 || s[i + 2] != ':' || h2 < 0 || h3 < 0 || s[i + 5] != '.' || s[i + 6] < '0' || s[i + 6] > '7')
		return false;
	v[0] = (unsigned)(h0 * 16 + h1);
	v[1] = (unsigned)(h2 * 16 + h3);
	v[2] = (unsigned)(s[i + 6] - '0');
	if (v[1] > 0x1f)
		return false;
	*seg = (uint16_t)sg;
	*bdf = IMS_BDF(v[0], v[1], v[2]);
	return true;
}

bool klog_memmem_cstr(const char *h, size_t hn, const char *needle)
{
	return memmem(h, hn, needle, strlen(needle)) != NULL;
}

void klog_note(ims_log_parser *p, ims_kboot *b, const char *kind, const klog_ctx *c)
{
	ims_kline *l = KPUSH(p, b, notes, IMS_KLOG_MAX_NOTES, &b->n_notes_dropped, "notes");
	if (!l)
		return;
	l->line = c->line;
	l->kind = kind;
	klog_copy_text(l->text, sizeof(l->text), c->msg, c->len);
}

ims_kamd_iommu *klog_amd_iommu(ims_log_parser *p, ims_kboot *b, bool bdf_known, uint16_t seg, uint16_t bdf, uint32_t line)
{
	for (size_t i = 0; i < b->n_amd_iommus; i++) {
		ims_kamd_iommu *a = &b->amd_iommus[i];
		if (a->bdf_known == bdf_known && a->segment == seg && a->bdf == bdf)
			return a;
	}
	ims_kamd_iommu *a = KPUSH(p, b, amd_iommus, IMS_KLOG_MAX_UNITS, NULL, "AMD IOMMUs");
	if (!a)
		return NULL;
	a->bdf_known = bdf_known;
	a->segment = seg;
	a->bdf = bdf;
	a->line = line;
	a->perf_counters.state = -1;
	return a;
}

/* ---------------------------------------------------------------------- */
/* Faults                                                                 */
/* ---------------------------------------------------------------------- */
void klog_fault_add(ims_log_parser *p, ims_kboot *b, ims_vendor v, const char *kind, size_t kind_len, bool bdf_known,
		    uint16_t seg, uint16_t bdf, int32_t reason, const char *rtext, size_t rlen, uint64_t addr,
		    uint32_t domain, uint32_t line)
{
	char k[24] = {0};
	klog_copy_text(k, sizeof(k), kind, kind_len);
	b->fault_events++;
	for (size_t i = 0; i < b->n_faults; i++) {
		ims_kfault *f = &b->faults[i];
		if (f->vendor == v && f->bdf_known == bdf_known && f->segment == seg && f->bdf == bdf &&
		    f->reason == reason && !strcmp(f->kind, k)) {
			f->count++;
			f->last_line = line;
			f->last_addr = addr;
			f->domain = domain;
			return;
		}
	}
	ims_kfault *f = KPUSH(p, b, faults, IMS_KLOG_MAX_FAULTS, &b->n_faults_dropped, "distinct faults");
	if (!f)
		return;
	f->vendor = v;
	memcpy(f->kind, k, sizeof(k));
	f->bdf_known = bdf_known;
	f->segment = seg;
	f->bdf = bdf;
	f->reason = reason;
	klog_copy_text(f->reason_text, sizeof(f->reason_text), rtext, rlen);
	f->first_addr = f->last_addr = addr;
	f->domain = domain;
	f->count = 1;
	f->first_line = f->last_line = line;
}

/* ---------------------------------------------------------------------- */
/* Firmware-bug lines                                                     */
/* ---------------------------------------------------------------------- */
const char *ims_kfw_class_name(ims_kfw_class c)
{
	switch (c) {
	case IMS_KFW_HARMLESS: return "harmless";
	case IMS_KFW_IR_DISABLED: return "ir-disabled";
	case IMS_KFW_DEVICE_BROKEN: return "device-broken";
	case IMS_KFW_IOMMU_DISABLED: return "iommu-disabled";
	}
	return "unknown";
}

void klog_fwbug(ims_log_parser *p, ims_kboot *b, const klog_ctx *c, const char *level, const char *rest, size_t rn)
{
	const char *m = c->msg;
	size_t n = c->len;
	/* only IOMMU-related firmware lines are kept */
	static const char *const iommu_words[] = {"DMAR", "AMD-Vi", "IVRS", "IVHD", "IOMMU", "iommu", "RMRR", "DRHD",
						  "IOAPIC", "ioapic", "VT-d", "EFR", "interrupt remapping", "RHSA",
						  "ANDD", "SATC", "ATSR", NULL};
	bool related = false;
	for (size_t i = 0; iommu_words[i] && !related; i++)
		related = klog_memmem_cstr(m, n, iommu_words[i]);
	if (!related)
		return;
	ims_kfw_class cls = IMS_KFW_HARMLESS;
	if (klog_memmem_cstr(m, n, "not in IVRS table") || klog_memmem_cstr(m, n, "No southbridge IOAPIC") ||
	    klog_memmem_cstr(m, n, "has no mapping iommu") || klog_memmem_cstr(m, n, "interrupt remapping will be disabled"))
		cls = IMS_KFW_IR_DISABLED;
	else if (klog_memmem_cstr(m, n, "DMAR reported at address") || klog_memmem_cstr(m, n, "IVRS invalid checksum") ||
		 klog_memmem_cstr(m, n, "No DRHD structure found") || klog_memmem_cstr(m, n, "Record passes table end") ||
		 klog_memmem_cstr(m, n, "Unsupported IVHD type"))
		cls = IMS_KFW_IOMMU_DISABLED;
	else if (klog_memmem_cstr(m, n, "RMRR") || klog_memmem_cstr(m, n, "incorrect VT-d unit") ||
		 klog_memmem_cstr(m, n, "Invalid IVHD device type") || klog_memmem_cstr(m, n, "Invalid HID") ||
		 klog_memmem_cstr(m, n, "Invalid UID") || klog_memmem_cstr(m, n, "ANDD object name"))
		cls = IMS_KFW_DEVICE_BROKEN;
	/* "No ACPI device matched UID", EFR mismatch/inconsistency, RHSA: harmless */
	ims_kfwbug *f = KPUSH(p, b, fwbugs, IMS_KLOG_MAX_FWBUGS, &b->n_fwbugs_dropped, "firmware-bug lines");
	if (!f)
		return;
	f->cls = cls;
	klog_copy_text(f->level, sizeof(f->level), level, strlen(level));
	f->line = c->line;
	klog_copy_text(f->text, sizeof(f->text), m, n);
	(void)rest;
	(void)rn;
}

/* ---------------------------------------------------------------------- */
/* Command line                                                           */
/* ---------------------------------------------------------------------- */
static bool in_list(const char *v, size_t n, const char *const *list, bool prefix)
{
	for (size_t i = 0; list[i]; i++) {
		size_t l = strlen(list[i]);
		if (prefix ? (n >= l && !memcmp(v, list[i], l)) : (n == l && !memcmp(v, list[i], l)))
			return true;
	}
	return false;
}

/* Every comma-separated item must be in list; returns the first bad item or NULL. */
static const char *bad_item(const char *v, size_t n, const char *const *list, bool prefix, size_t *badlen)
{
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && v[j] != ',')
			j++;
		if (j > i && !in_list(v + i, j - i, list, prefix)) {
			*badlen = j - i;
			return v + i;
		}
		i = j + 1;
	}
	return NULL;
}

static bool is_bool(const char *v, size_t n)
{
	/* kstrtobool: 0/1, y/n, Y/N, on/off (first chars) */
	static const char *const ok[] = {"0", "1", "y", "n", "Y", "N", "on", "off", "On", "Off", "ON", "OFF", NULL};
	return in_list(v, n, ok, false) || (n > 0 && (v[0] == 'y' || v[0] == 'Y' || v[0] == 'n' || v[0] == 'N'));
}

static bool hex4(const char *s, size_t n)
{
	if (n < 1 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

/* ivrs_ioapic[ID]=[SSSS:]BB:DD.F (old) or ivrs_ioapic=ID@SSSS:BB:DD.F (6.1+) */
static bool ivrs_special_ok(const char *name, size_t nn, const char *v, size_t n)
{
	uint16_t seg, bdf;
	const char *br = memchr(name, '[', nn);
	if (br) {
		if (name[nn - 1] != ']' || nn - (size_t)(br - name) < 3)
			return false;
		return klog_parse_bdf(v, n, &seg, &bdf);
	}
	const char *at = memchr(v, '@', n);
	if (!at || at == v)
		return false;
	for (const char *q = v; q < at; q++)
		if (*q < '0' || *q > '9')
			return false;
	return klog_parse_bdf(at + 1, n - (size_t)(at + 1 - v), &seg, &bdf);
}

static bool vfio_ids_ok(const char *v, size_t n)
{
	size_t i = 0;
	if (!n)
		return false;
	while (i < n) {
		size_t j = i;
		while (j < n && v[j] != ',')
			j++;
		/* vvvv:dddd[:svvv:sddd[:cccccc[:mmmmmm]]] */
		size_t k = i, fields = 0;
		while (k < j) {
			size_t f0 = k;
			while (k < j && v[k] != ':')
				k++;
			for (size_t q = f0; q < k; q++)
				if (hexval(v[q]) < 0)
					return false;
			if (k == f0 || (fields < 4 && !hex4(v + f0, k - f0)))
				return false;
			fields++;
			if (k < j)
				k++;
		}
		if (fields < 2)
			return false;
		i = j + 1;
	}
	return true;
}

static const char *check_param(const char *name, size_t nn, const char *v, size_t n, bool has_value)
{
	static const char *const intel[] = {"on", "off", "igfx_off", "forcedac", "strict", "sp_off", "sm_on", "sm_off",
					    "tboot_noforce", "intgpu_off", "ecs_off", "pasid28", "svm_off", NULL};
	static const char *const amd[] = {"fullflush", "force_enable", "off", "force_isolation", "pgtbl_v1", "pgtbl_v2",
					  "irtcachedis", "nohugepages", "v2_pgsizes_only", NULL};
	static const char *const iommu[] = {"off", "force", "noforce", "biomerge", "panic", "nopanic", "merge", "nomerge",
					    "forcesac", "allowdac", "nodac", "usedac", "soft", "pt", "nopt", "calgary",
					    "fullflush", "nofullflush", "noagp", "noaperture", "memaper", "allowed",
					    "leak", "nocalgary", NULL};
	static const char *const intremap[] = {"on", "off", "nosid", "no_x2apic_optout", "nopost", NULL};
	static const char *const amd_intr[] = {"legacy", "vapic", "legacy_ga", NULL};
	static const char *const acs[] = {"downstream", "multifunction", "id:", NULL};
#define IS(lit) (nn == sizeof(lit) - 1 && !memcmp(name, lit, nn))
	size_t bl;
	if (IS("intel_iommu")) {
		if (!has_value || bad_item(v, n, intel, true, &bl))
			return "not an intel_iommu= option (the kernel ignores it)";
	} else if (IS("amd_iommu")) {
		if (!has_value || bad_item(v, n, amd, true, &bl))
			return (n == 2 && !memcmp(v, "on", 2))
				       ? "amd_iommu=on is not an option: AMD-Vi is on by default (kernel: Unknown option - 'on')"
				       : "not an amd_iommu= option (kernel: Unknown option)";
	} else if (IS("iommu")) {
		if (!has_value || bad_item(v, n, iommu, false, &bl)) {
			bool num = n > 0;
			for (size_t i = 0; i < n; i++)
				num = num && v[i] >= '0' && v[i] <= '9';
			if (!num)
				return "not an iommu= option (x86 accepts off, pt, nopt, force, soft, ...)";
		}
	} else if (IS("iommu.passthrough") || IS("iommu.strict") || IS("iommu.forcedac")) {
		if (!has_value || !is_bool(v, n))
			return "expects a boolean (0/1, y/n, on/off)";
	} else if (IS("intremap")) {
		if (!has_value || bad_item(v, n, intremap, true, &bl))
			return "not an intremap= option (on, off, nosid, no_x2apic_optout, nopost)";
	} else if (IS("amd_iommu_intr")) {
		if (!has_value || !in_list(v, n, amd_intr, false))
			return "not an amd_iommu_intr= mode (legacy, legacy_ga, vapic)";
	} else if (nn >= 11 && (!memcmp(name, "ivrs_ioapic", 11) || !memcmp(name, "ivrs_hpet", 9))) {
		if (!has_value || !ivrs_special_ok(name, nn, v, n))
			return "expects ID@SSSS:BB:DD.F (or [ID]=BB:DD.F)";
	} else if (nn >= 9 && !memcmp(name, "ivrs_hpet", 9)) {
		if (!has_value || !ivrs_special_ok(name, nn, v, n))
			return "expects ID@SSSS:BB:DD.F (or [ID]=BB:DD.F)";
	} else if (nn >= 12 && !memcmp(name, "ivrs_acpihid", 12)) {
		if (!has_value || !memchr(v, ':', n))
			return "expects HID:UID@SSSS:BB:DD.F (or [BB:DD.F]=HID:UID)";
	} else if (IS("vfio-pci.ids") || IS("vfio_pci.ids")) {
		if (!has_value || !vfio_ids_ok(v, n))
			return "expects vendor:device[,vendor:device...] in hex";
	} else if (IS("pcie_acs_override")) {
		if (!has_value || bad_item(v, n, acs, true, &bl))
			return "not a pcie_acs_override= value (downstream, multifunction, id:vvvv:dddd)";
	}
#undef IS
	return NULL;
}

static bool relevant_param(const char *name, size_t nn)
{
	static const char *const pre[] = {"iommu", "intel_iommu", "amd_iommu", "ivrs_", "vfio", "intremap",
					  "pcie_acs_override", "nox2apic", "x2apic_phys", "swiotlb", "mem_encrypt",
					  "kvm_amd.avic", "kvm-amd.avic", "dmar", NULL};
	return in_list(name, nn, pre, true);
}

void klog_cmdline(ims_log_parser *p, ims_kboot *b, const char *s, size_t n, uint32_t line)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t t0 = i;
		bool q = false;
		while (i < n && (q || s[i] != ' ')) {
			if (s[i] == '"')
				q = !q;
			i++;
		}
		size_t tn = i - t0;
		if (!tn)
			continue;
		const char *t = s + t0;
		const char *eq = memchr(t, '=', tn);
		size_t nn = eq ? (size_t)(eq - t) : tn;
		if (!relevant_param(t, nn))
			continue;
		const char *v = eq ? eq + 1 : t + tn;
		size_t vn = eq ? tn - nn - 1 : 0;
		if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
			v++;
			vn -= 2;
		}
		ims_kparam *pm = KPUSH(p, b, params, IMS_KLOG_MAX_PARAMS, &b->n_params_dropped, "command-line parameters");
		if (!pm)
			return;
		klog_copy_text(pm->name, sizeof(pm->name), t, nn);
		klog_copy_text(pm->value, sizeof(pm->value), v, vn);
		pm->problem = check_param(t, nn, v, vn, eq != NULL);
		pm->valid = pm->problem == NULL;
		if (!pm->valid)
			klog_diag(p, "klog.cmdline-invalid", IMS_SEV_WARNING, line, "%s=%s: %s", pm->name,
				  pm->value, pm->problem);
	}
}

/* ---------------------------------------------------------------------- */
/* Derived facts                                                          */
/* ---------------------------------------------------------------------- */
static const ims_kparam *param(const ims_kboot *b, const char *name)
{
	const ims_kparam *r = NULL;
	for (size_t i = 0; i < b->n_params; i++)
		if (!strcmp(b->params[i].name, name))
			r = &b->params[i]; /* the last one wins, as in the kernel */
	return r;
}

static bool param_has(const ims_kboot *b, const char *name, const char *item)
{
	const ims_kparam *pm = param(b, name);
	if (!pm)
		return false;
	size_t l = strlen(item);
	const char *v = pm->value;
	while (*v) {
		size_t j = strcspn(v, ",");
		if (j == l && !memcmp(v, item, l))
			return true;
		v += j;
		while (*v == ',')
			v++;
	}
	return false;
}

static void set_enabled(ims_kboot *b, int v, const char *why, uint32_t line)
{
	b->enabled = (int8_t)v;
	b->enabled_why = why;
	b->enabled_line = line;
}

void klog_boot_derive(ims_kboot *b)
{
	b->start_missing = !b->version_line && b->first_ts > 5.0;
	if (b->default_domain[0] && !strcmp(b->default_domain, "Passthrough") &&
	    b->default_domain_source == IMS_KDOM_SRC_DEFAULT && b->platform_opt_in.state == 1)
		(void)0; /* opt-in boots report their own source line */
	for (size_t i = 0; i < b->n_fwbugs; i++)
		if (b->fwbugs[i].cls == IMS_KFW_IOMMU_DISABLED) {
			set_enabled(b, 0, "the kernel rejected the firmware's IOMMU table (see firmware-bug lines)",
				    b->fwbugs[i].line);
			return;
		}
	if (param_has(b, "iommu", "off") || param_has(b, "intel_iommu", "off") || param_has(b, "amd_iommu", "off")) {
		set_enabled(b, 0, "disabled on the kernel command line", b->cmdline_line);
		return;
	}
	if (b->amd_passthrough.state == 1) {
		set_enabled(b, 1, "AMD-Vi initialised in passthrough mode (\"Initialized for Passthrough Mode\", iommu=pt)",
			    b->amd_passthrough.line);
		return;
	}
	if (b->vtd_enabled.state == 1) {
		set_enabled(b, 1, "Intel VT-d initialised (\"Intel(R) Virtualization Technology for Directed I/O\")",
			    b->vtd_enabled.line);
		return;
	}
	for (size_t i = 0; i < b->n_groupdevs; i++)
		if (b->groupdevs[i].group >= 0) {
			set_enabled(b, 1, "devices were added to IOMMU groups", b->groupdevs[i].line);
			return;
		}
	if (b->default_domain[0]) {
		set_enabled(b, 1, "the IOMMU core set a default domain type", b->default_domain_line);
		return;
	}
	if (b->amd_dma_ops.state == 1) {
		set_enabled(b, 1, "AMD-Vi finished initialising and set up DMA remapping (\"IO/TLB flush\" line, <= 5.4)",
			    b->amd_dma_ops.line);
		return;
	}
	if (b->n_amd_iommus && b->ir.state == 1) {
		set_enabled(b, 1, "AMD-Vi found IOMMUs and enabled interrupt remapping", b->ir.line);
		return;
	}
	if (b->start_missing) {
		set_enabled(b, -1, "the start of the boot is missing from the log", 0);
		return;
	}
	if (b->n_dmar_units) {
		set_enabled(b, 0,
			    "the DMAR table was parsed but VT-d was not enabled (kernel default off? add intel_iommu=on)",
			    b->dmar_units[0].drhd_line ? b->dmar_units[0].drhd_line : b->dmar_units[0].regs_line);
		return;
	}
	if (b->n_acpi && b->dmar_table.state != 1 && b->ivrs_table.state != 1) {
		set_enabled(b, 0, "no DMAR or IVRS table listed: IOMMU off in the firmware or not present", 0);
		return;
	}
	if (b->ivrs_table.state == 1 && !b->n_amd_iommus) {
		set_enabled(b, 0, "IVRS table listed but AMD-Vi found no IOMMU", b->ivrs_table.line);
		return;
	}
	if (b->n_acpi == 0)
		set_enabled(b, -1, "no evidence either way (no ACPI table list and no IOMMU lines)", 0);
	else
		set_enabled(b, -1, "no decisive IOMMU line", 0);
}

const char *ims_e820_type_name(uint32_t type)
{
	switch (type) {
	case IMS_E820_RAM: return "usable";
	case IMS_E820_RESERVED: return "reserved";
	case IMS_E820_ACPI: return "ACPI data";
	case IMS_E820_NVS: return "ACPI NVS";
	case IMS_E820_UNUSABLE: return "unusable";
	case IMS_E820_PMEM:
	case IMS_E820_PRAM: return "persistent";
	case IMS_E820_SOFT_RESERVED: return "soft reserved";
	}
	return "unknown";
}

/* ---------------------------------------------------------------------- */
/* Register bit names                                                     */
/* ---------------------------------------------------------------------- */
typedef struct bitname {
	uint8_t bit;
	const char *name;
} bitname;

static const bitname vtd_cap[] = {
	{3, "AFL"}, {4, "RWBF"}, {5, "PLMR"}, {6, "PHMR"}, {7, "CM"}, {22, "ZLR"}, {23, "ISOCH"}, {39, "PSI"},
	{54, "DWD"}, {55, "DRD"}, {56, "FL1GP"}, {59, "PI"}, {60, "FL5LP"}, {61, "ECMDS"}, {62, "ESIRTPS"},
	{63, "ESRTPS"}, {0, NULL},
};
static const bitname vtd_ecap[] = {
	{0, "C"}, {1, "QI"}, {2, "DT"}, {3, "IR"}, {4, "EIM"}, {6, "PT"}, {7, "SC"}, {25, "MTS"}, {26, "NEST"},
	{27, "DIS"}, {28, "PASID-legacy"}, {29, "PRS"}, {30, "ERS"}, {31, "SRS"}, {33, "NWFS"}, {34, "EAFS"},
	{40, "PASID"}, {41, "DIT"}, {42, "PDS"}, {43, "SMTS"}, {45, "SLADS"}, {46, "SLTS"}, {47, "FLTS"},
	{48, "SMPWC"}, {49, "RPS"}, {51, "PMS"}, {0, NULL},
};
static const bitname amd_efr[] = {
	{0, "PreFSup"}, {1, "PPRSup"}, {2, "XTSup"}, {3, "NXSup"}, {4, "GTSup"}, {6, "IASup"}, {7, "GASup"},
	{8, "HESup"}, {9, "PCSup"}, {21, "GAMSup"}, {46, "MsiCapMmioSup"}, {48, "GIoSup"}, {49, "HASup"},
	{50, "EPHSup"}, {52, "HDSup"}, {63, "SNPSup"}, {0, NULL},
};
/* drivers/iommu/amd/init.c feat_str[] (bits 0-9), GA_vAPIC (bit 21), SNP (bit 63) */
static const bitname amd_efr_kernel[] = {
	{0, "PreF"}, {1, "PPR"}, {2, "X2APIC"}, {3, "NX"}, {4, "GT"}, {5, "[5]"}, {6, "IA"}, {7, "GA"}, {8, "HE"},
	{9, "PC"}, {21, "GA_vAPIC"}, {63, "SNP"}, {0, NULL},
};

static size_t names_of(const bitname *t, uint64_t v, const char **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; t[i].name; i++)
		if (v & ((uint64_t)1 << t[i].bit)) {
			if (out && k < max)
				out[k] = t[i].name;
			k++;
		}
	return k;
}

size_t ims_bits_names(ims_bits_kind kind, uint64_t v, const char **out, size_t max)
{
	switch (kind) {
	case IMS_BITS_VTD_CAP: return names_of(vtd_cap, v, out, max);
	case IMS_BITS_VTD_ECAP: return names_of(vtd_ecap, v, out, max);
	case IMS_BITS_AMD_EFR: return names_of(amd_efr, v, out, max);
	}
	return 0;
}

size_t ims_amd_efr_kernel_names(uint64_t efr, const char **out, size_t max)
{
	return names_of(amd_efr_kernel, efr, out, max);
}

/* ---------------------------------------------------------------------- */
/* Invariants                                                             */
/* ---------------------------------------------------------------------- */
#define FAIL(...) do { if (why && whylen) snprintf(why, whylen, __VA_ARGS__); return -1; } while (0)

static bool str_ok(const char *s, size_t sz)
{
	const char *e = memchr(s, 0, sz);
	if (!e)
		return false;
	for (const char *q = s; q < e; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
			return false;
	return true;
}

#define LINE_OK(l) ((l) == 0 || ((l) >= b->first_line && (l) <= b->last_line))

int ims_kernel_check(const struct ims_kernel *k, char *why, size_t whylen)
{
	if (!k)
		return 0;
	if (k->n_boots > IMS_KLOG_MAX_BOOTS)
		FAIL("kernel: %zu boots kept > %u", k->n_boots, IMS_KLOG_MAX_BOOTS);
	if (k->n_boots && !k->boots)
		FAIL("kernel: boots array missing");
	if (k->n_boots > k->boots_seen)
		FAIL("kernel: more boots kept than seen");
	uint64_t sum = 0;
	for (size_t i = 0; i < k->n_boots; i++) {
		const ims_kboot *b = &k->boots[i];
		if (i && b->number <= k->boots[i - 1].number)
			FAIL("kernel: boot numbers not increasing at %zu", i);
		if (b->lines && b->first_line > b->last_line)
			FAIL("boot %u: first line %u > last line %u", b->number, b->first_line, b->last_line);
		if (i && b->input == k->boots[i - 1].input && b->first_line < k->boots[i - 1].last_line)
			FAIL("boot %u overlaps the previous boot", b->number);
		uint32_t fl = 0;
		for (int f = 0; f < IMS_KLOG_FMT_COUNT; f++)
			fl += b->format_lines[f];
		if (fl != b->lines)
			FAIL("boot %u: format counts %u != lines %u", b->number, fl, b->lines);
		sum += b->lines;
		if (!str_ok(b->version, sizeof(b->version)) || !str_ok(b->cmdline, sizeof(b->cmdline)) ||
		    !str_ok(b->dmi, sizeof(b->dmi)) || !str_ok(b->default_domain, sizeof(b->default_domain)) ||
		    !str_ok(b->tlb_policy, sizeof(b->tlb_policy)) || !str_ok(b->ir_mode, sizeof(b->ir_mode)))
			FAIL("boot %u: a text field is not printable NUL-terminated ASCII", b->number);
		if (!LINE_OK(b->version_line) || !LINE_OK(b->cmdline_line) || !LINE_OK(b->dmi_line) ||
		    !LINE_OK(b->enabled_line) || !LINE_OK(b->ir.line) || !LINE_OK(b->default_domain_line))
			FAIL("boot %u: a fact's line is outside the boot", b->number);
		if (b->enabled < -1 || b->enabled > 1 || (b->enabled != -1 && !b->enabled_why))
			FAIL("boot %u: enabled state without reason", b->number);
#define CAPCHK(name, cap) if (b->n_##name > (cap) || (b->n_##name && !b->name)) FAIL("boot %u: " #name " over cap", b->number)
		CAPCHK(params, IMS_KLOG_MAX_PARAMS);
		CAPCHK(acpi, IMS_KLOG_MAX_ACPI);
		CAPCHK(dmar_units, IMS_KLOG_MAX_UNITS);
		CAPCHK(rmrrs, IMS_KLOG_MAX_RMRR);
		CAPCHK(specials, IMS_KLOG_MAX_SPECIALS);
		CAPCHK(amd_iommus, IMS_KLOG_MAX_UNITS);
		CAPCHK(hids, IMS_KLOG_MAX_HIDS);
		CAPCHK(pci, IMS_KLOG_MAX_PCI);
		CAPCHK(groupdevs, IMS_KLOG_MAX_GROUPDEVS);
		CAPCHK(fwbugs, IMS_KLOG_MAX_FWBUGS);
		CAPCHK(faults, IMS_KLOG_MAX_FAULTS);
		CAPCHK(notes, IMS_KLOG_MAX_NOTES);
		CAPCHK(unmatched, IMS_KLOG_MAX_UNMATCHED);
		CAPCHK(vfio, IMS_KLOG_MAX_NOTES);
		CAPCHK(upgrades, IMS_KLOG_MAX_NOTES);
		CAPCHK(e820, IMS_KLOG_MAX_E820);
		CAPCHK(refusals, IMS_KLOG_MAX_REFUSALS);
#undef CAPCHK
		if (b->unmatched_count < b->n_unmatched)
			FAIL("boot %u: unmatched count below kept lines", b->number);
		for (size_t j = 0; j < b->n_params; j++)
			if (b->params[j].valid != (b->params[j].problem == NULL))
				FAIL("boot %u: param %zu valid/problem mismatch", b->number, j);
		for (size_t j = 0; j < b->n_dmar_units; j++) {
			const ims_kdmar_unit *u = &b->dmar_units[j];
			if (!u->has_drhd && !u->has_regs)
				FAIL("boot %u: DMAR unit %zu without evidence", b->number, j);
			if (!LINE_OK(u->drhd_line) || !LINE_OK(u->regs_line))
				FAIL("boot %u: DMAR unit %zu line outside boot", b->number, j);
			for (size_t q = 0; q < j; q++)
				if (b->dmar_units[q].base == u->base)
					FAIL("boot %u: duplicate DMAR unit base 0x%llx", b->number, (unsigned long long)u->base);
		}
		for (size_t j = 0; j < b->n_e820; j++)
			if (!b->e820[j].line || !LINE_OK(b->e820[j].line) || b->e820[j].end < b->e820[j].start)
				FAIL("boot %u: e820 entry %zu", b->number, j);
		for (size_t j = 0; j < b->n_refusals; j++)
			if (!b->refusals[j].line || !LINE_OK(b->refusals[j].line) ||
			    !str_ok(b->refusals[j].device, sizeof(b->refusals[j].device)))
				FAIL("boot %u: refusal %zu", b->number, j);
		if (!str_ok(b->cpu_vendor, sizeof(b->cpu_vendor)) || !str_ok(b->cpu_model, sizeof(b->cpu_model)) ||
		    !LINE_OK(b->cpu_line))
			FAIL("boot %u: CPU fact", b->number);
		for (size_t j = 0; j < b->n_rmrrs; j++)
			if (!LINE_OK(b->rmrrs[j].line) || !b->rmrrs[j].line)
				FAIL("boot %u: RMRR %zu line", b->number, j);
		uint64_t fsum = 0;
		for (size_t j = 0; j < b->n_faults; j++) {
			const ims_kfault *f = &b->faults[j];
			if (!f->count || f->first_line > f->last_line || !LINE_OK(f->first_line) || !LINE_OK(f->last_line))
				FAIL("boot %u: fault %zu count/lines inconsistent", b->number, j);
			fsum += f->count;
		}
		if (fsum + b->n_faults_dropped != b->fault_events)
			FAIL("boot %u: fault counts %llu + %u dropped != %llu events", b->number, (unsigned long long)fsum,
			     b->n_faults_dropped, (unsigned long long)b->fault_events);
		for (size_t j = 0; j < b->n_pci; j++) {
			const ims_kpci *d = &b->pci[j];
			if (!LINE_OK(d->line) || d->class_code > 0xffffff)
				FAIL("boot %u: PCI device %zu", b->number, j);
			if (d->has_bus_range && d->subordinate < d->secondary)
				FAIL("boot %u: PCI bridge %zu bus range reversed", b->number, j);
		}
		for (size_t j = 0; j < b->n_groupdevs; j++)
			if (b->groupdevs[j].group < 0 || !LINE_OK(b->groupdevs[j].line) ||
			    !str_ok(b->groupdevs[j].device, sizeof(b->groupdevs[j].device)))
				FAIL("boot %u: group member %zu", b->number, j);
		for (size_t j = 0; j < b->n_fwbugs; j++)
			if ((unsigned)b->fwbugs[j].cls > IMS_KFW_IOMMU_DISABLED || !LINE_OK(b->fwbugs[j].line))
				FAIL("boot %u: firmware-bug line %zu", b->number, j);
		for (size_t j = 0; j < b->n_notes; j++)
			if (!b->notes[j].kind || !LINE_OK(b->notes[j].line))
				FAIL("boot %u: note %zu", b->number, j);
	}
	if (sum > k->kernel_lines)
		FAIL("kernel: boots hold %llu lines > %llu kernel lines", (unsigned long long)sum,
		     (unsigned long long)k->kernel_lines);
	if (k->kernel_lines > k->lines)
		FAIL("kernel: more kernel lines than lines");
	return 0;
}
