/* SPDX-License-Identifier: MIT */
/*
 * Build the fuzz seed corpora:  gen_seeds OUTDIR [FILE...]
 *
 * OUTDIR/<harness>/ gets, for the harnesses table, dmar, ivrs, acpidump,
 * detect, log and report:
 *   - tables generated here with every DMAR subtable / device scope type and
 *     every IVHD (10h, 11h, 40h), IVHD device entry and IVMD type, plus MADT,
 *     MCFG and HPET (layouts: VT-d spec 4.1 ch. 8, AMD IOMMU spec 48882 ch. 5,
 *     ACPI 6.5 5.2.12);
 *   - each FILE: format-detected; acpidump text goes to acpidump/, and every
 *     decoded table in it is extracted to table/ (and dmar/ or ivrs/); raw
 *     tables (iasl .aml) go to table/ (+dmar/ivrs); kernel logs go to log/;
 *   - report/ gets pairs (acpidump or table + log) joined by the separator.
 */
#include "fuzz_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct bb {
	uint8_t *b;
	size_t n, cap;
} bb;

static void put(bb *t, const void *p, size_t n)
{
	if (t->n + n > t->cap) {
		t->cap = (t->n + n) * 2 + 64;
		t->b = realloc(t->b, t->cap);
		if (!t->b)
			abort();
	}
	memcpy(t->b + t->n, p, n);
	t->n += n;
}
static void u8(bb *t, unsigned v) { uint8_t b = (uint8_t)v; put(t, &b, 1); }
static void u16(bb *t, unsigned v) { u8(t, v & 0xff); u8(t, (v >> 8) & 0xff); }
static void u32(bb *t, uint32_t v) { u16(t, v & 0xffff); u16(t, v >> 16); }
static void u64(bb *t, uint64_t v) { u32(t, (uint32_t)v); u32(t, (uint32_t)(v >> 32)); }
static void set16(bb *t, size_t off, size_t v) { t->b[off] = (uint8_t)v; t->b[off + 1] = (uint8_t)(v >> 8); }

static void header(bb *t, const char *sig, unsigned rev)
{
	put(t, sig, 4);
	u32(t, 0);
	u8(t, rev);
	u8(t, 0);
	put(t, "IMSOEM", 6);
	put(t, "IMSFUZZ ", 8);
	u32(t, 1);
	put(t, "INTL", 4);
	u32(t, 0x20200925);
}

static void finish(bb *t)
{
	uint32_t n = (uint32_t)t->n;
	memcpy(t->b + 4, &n, 4); /* little-endian hosts only (x86) */
	t->b[9] = 0;
	uint8_t s = 0;
	for (size_t i = 0; i < t->n; i++)
		s = (uint8_t)(s + t->b[i]);
	t->b[9] = (uint8_t)(0x100 - s);
}

static const char *outdir;
static bb gen_dmar, gen_ivrs; /* copies of the richest generated tables */
static unsigned seq;

static void mkdirs(const char *p)
{
	if (mkdir(p, 0755) && errno != EEXIST) {
		perror(p);
		exit(1);
	}
}

static void write_seed(const char *harness, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", outdir, harness);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/%s/%03u-%s", outdir, harness, seq++, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* A raw table goes to table/, and to dmar/ or ivrs/ by signature. */
static void table_seed(const char *name, const uint8_t *p, size_t n)
{
	write_seed("table", name, p, n);
	write_seed("detect", name, p, n);
	if (n >= 4 && !memcmp(p, "DMAR", 4))
		write_seed("dmar", name, p, n);
	if (n >= 4 && !memcmp(p, "IVRS", 4))
		write_seed("ivrs", name, p, n);
}

/* ---------------------------------------------------------------------- */
/* DMAR                                                                   */
/* ---------------------------------------------------------------------- */
static void scope(bb *t, unsigned type, unsigned enum_id, unsigned bus, unsigned hops, unsigned dev, unsigned fn)
{
	u8(t, type);
	u8(t, 6 + 2 * hops);
	u8(t, 0);
	u8(t, 0);
	u8(t, enum_id);
	u8(t, bus);
	for (unsigned i = 0; i < hops; i++) {
		u8(t, dev + i);
		u8(t, fn);
	}
}

static void dmar_tables(void)
{
	bb t = {0};
	header(&t, "DMAR", 1);
	u8(&t, 38);   /* HAW: 39 bits */
	u8(&t, 0x07); /* INTR_REMAP | X2APIC_OPT_OUT | DMA_CTRL_PLATFORM_OPT_IN */
	for (int i = 0; i < 10; i++)
		u8(&t, 0);
	/* DRHD for the GPU */
	size_t s = t.n;
	u16(&t, 0); u16(&t, 0); u8(&t, 0); u8(&t, 0); u16(&t, 0); u64(&t, 0xfed90000);
	scope(&t, 1, 0, 0, 1, 2, 0);
	set16(&t, s + 2, t.n - s);
	/* DRHD INCLUDE_PCI_ALL with IOAPIC, HPET, namespace and bridge scopes */
	s = t.n;
	u16(&t, 0); u16(&t, 0); u8(&t, 1); u8(&t, 1); u16(&t, 0); u64(&t, 0xfed91000);
	scope(&t, 3, 2, 0xf0, 1, 31, 0);
	scope(&t, 4, 0, 0, 1, 31, 0);
	scope(&t, 5, 1, 0, 1, 0, 0);
	scope(&t, 2, 0, 0, 1, 28, 0);
	scope(&t, 1, 0, 0, 3, 1, 0); /* multi-hop */
	set16(&t, s + 2, t.n - s);
	/* RMRR */
	s = t.n;
	u16(&t, 1); u16(&t, 0); u16(&t, 0); u16(&t, 0); u64(&t, 0x7c000000); u64(&t, 0x7e7fffff);
	scope(&t, 1, 0, 0, 1, 20, 0);
	scope(&t, 1, 0, 0, 1, 2, 0);
	set16(&t, s + 2, t.n - s);
	/* ATSR */
	s = t.n;
	u16(&t, 2); u16(&t, 0); u8(&t, 0); u8(&t, 0); u16(&t, 0);
	scope(&t, 2, 0, 0, 1, 1, 0);
	set16(&t, s + 2, t.n - s);
	s = t.n;
	u16(&t, 2); u16(&t, 0); u8(&t, 1); u8(&t, 0); u16(&t, 0); /* ALL_PORTS */
	set16(&t, s + 2, t.n - s);
	/* RHSA */
	u16(&t, 3); u16(&t, 20); u32(&t, 0); u64(&t, 0xfed91000); u32(&t, 1);
	/* ANDD */
	s = t.n;
	u16(&t, 4); u16(&t, 0); u8(&t, 0); u8(&t, 0); u8(&t, 0); u8(&t, 1);
	put(&t, "\\_SB.PCI0.I2C0", 15);
	set16(&t, s + 2, t.n - s);
	/* SATC */
	s = t.n;
	u16(&t, 5); u16(&t, 0); u8(&t, 1); u8(&t, 0); u16(&t, 0);
	scope(&t, 1, 0, 0, 1, 2, 0);
	set16(&t, s + 2, t.n - s);
	/* SIDP */
	s = t.n;
	u16(&t, 6); u16(&t, 0); u16(&t, 0); u16(&t, 0);
	scope(&t, 1, 0, 0, 1, 7, 0);
	set16(&t, s + 2, t.n - s);
	/* unknown type */
	u16(&t, 0x40); u16(&t, 8); u32(&t, 0);
	finish(&t);
	table_seed("dmar-all-types", t.b, t.n);
	put(&gen_dmar, t.b, t.n);

	/* minimal: one DRHD INCLUDE_PCI_ALL, no flags */
	t.n = 0;
	header(&t, "DMAR", 1);
	u8(&t, 45); u8(&t, 1);
	for (int i = 0; i < 10; i++)
		u8(&t, 0);
	u16(&t, 0); u16(&t, 16); u8(&t, 1); u8(&t, 0); u16(&t, 0); u64(&t, 0xfed90000);
	finish(&t);
	table_seed("dmar-min", t.b, t.n);

	/* two segments, scope lengths odd / zero */
	t.n = 0;
	header(&t, "DMAR", 1);
	u8(&t, 47); u8(&t, 0);
	for (int i = 0; i < 10; i++)
		u8(&t, 0);
	s = t.n;
	u16(&t, 0); u16(&t, 0); u8(&t, 0); u8(&t, 2); u16(&t, 1); u64(&t, 0xd0000000);
	u8(&t, 1); u8(&t, 7); u8(&t, 0); u8(&t, 0); u8(&t, 0); u8(&t, 0x40); u8(&t, 0);
	u8(&t, 2); u8(&t, 0);
	set16(&t, s + 2, t.n - s);
	finish(&t);
	table_seed("dmar-odd-scope", t.b, t.n);
	free(t.b);
}

/* ---------------------------------------------------------------------- */
/* IVRS                                                                   */
/* ---------------------------------------------------------------------- */
static void ivhd_entries(bb *t)
{
	u8(t, 0x00); u16(t, 0); u8(t, 0);          /* pad */
	u8(t, 0x01); u16(t, 0); u8(t, 0);          /* all */
	u8(t, 0x02); u16(t, 0x0010); u8(t, 0xd7);  /* select 00:02.0 */
	u8(t, 0x03); u16(t, 0x0100); u8(t, 0);     /* range start 01:00.0 */
	u8(t, 0x04); u16(t, 0x01ff); u8(t, 0);     /* range end */
	u8(t, 0x42); u16(t, 0x0300); u8(t, 0); u8(t, 0); u16(t, 0x0208); u8(t, 0); /* alias select */
	u8(t, 0x43); u16(t, 0x0400); u8(t, 0); u8(t, 0); u16(t, 0x0210); u8(t, 0); /* alias range start */
	u8(t, 0x04); u16(t, 0x04ff); u8(t, 0);
	u8(t, 0x46); u16(t, 0x0500); u8(t, 0); u32(t, 0x80000000);                /* ext select */
	u8(t, 0x47); u16(t, 0x0600); u8(t, 0); u32(t, 0x80000000);                /* ext range start */
	u8(t, 0x04); u16(t, 0x06ff); u8(t, 0);
	u8(t, 0x48); u16(t, 0); u8(t, 0xd7); u8(t, 0x21); u16(t, 0x00a0); u8(t, 1); /* special IOAPIC */
	u8(t, 0x48); u16(t, 0); u8(t, 0xd7); u8(t, 0x00); u16(t, 0x00a0); u8(t, 2); /* special HPET */
	/* F0h ACPI HID device with a string UID */
	u8(t, 0xf0); u16(t, 0x00a5); u8(t, 0x40);
	put(t, "AMDI0020", 8); put(t, "\0\0\0\0\0\0\0\0", 8); u8(t, 2); u8(t, 4); put(t, "ID00", 4);
	/* F0h with an integer UID */
	u8(t, 0xf0); u16(t, 0x00a6); u8(t, 0);
	put(t, "AMDI0096", 8); put(t, "PNP0C08\0", 8); u8(t, 1); u8(t, 1); u8(t, 5);
	u8(t, 0x80); u16(t, 0); u8(t, 0); /* unknown 4-byte type */
}

static void ivhd(bb *t, unsigned type, uint64_t base, unsigned devid)
{
	size_t s = t->n;
	u8(t, type); u8(t, 0xb0); u16(t, 0); u16(t, devid); u16(t, 0x40); u64(t, base);
	u16(t, 0); u16(t, 0); u32(t, type == 0x10 ? 0x80048f6e : 0x00200000);
	if (type != 0x10) {
		u64(t, 0x246577efa2254afaull); /* EFR image */
		u64(t, 0x10);
	}
	ivhd_entries(t);
	set16(t, s + 2, t->n - s);
}

static void ivmd(bb *t, unsigned type, unsigned flags, unsigned devid, unsigned aux, uint64_t start, uint64_t len)
{
	u8(t, type); u8(t, flags); u16(t, 32); u16(t, devid); u16(t, aux); u64(t, 0); u64(t, start); u64(t, len);
}

static void ivrs_tables(void)
{
	bb t = {0};
	header(&t, "IVRS", 2);
	u32(&t, 0x00203041); /* IVinfo: EFRSup, VA 64, PA 48, GVA 2 */
	u64(&t, 0);
	ivhd(&t, 0x10, 0xfd200000, 0x0002);
	ivhd(&t, 0x11, 0xfd200000, 0x0002);
	ivhd(&t, 0x40, 0xfd200000, 0x0002);
	ivmd(&t, 0x20, 0x0f, 0, 0, 0x9d000000, 0x100000);
	ivmd(&t, 0x21, 0x07, 0x0010, 0, 0x9e000000, 0x1000);
	ivmd(&t, 0x22, 0x01, 0x0100, 0x01ff, 0x9f000000, 0x2000);
	u8(&t, 0x55); u8(&t, 0); u16(&t, 8); u32(&t, 0); /* unknown subtable */
	finish(&t);
	table_seed("ivrs-all-types", t.b, t.n);
	put(&gen_ivrs, t.b, t.n);

	t.n = 0;
	header(&t, "IVRS", 1);
	u32(&t, 0x00203040);
	u64(&t, 0);
	size_t s = t.n;
	u8(&t, 0x10); u8(&t, 0x30); u16(&t, 0); u16(&t, 0x0002); u16(&t, 0x40); u64(&t, 0xfeb80000);
	u16(&t, 0); u16(&t, 0); u32(&t, 0);
	u8(&t, 0x03); u16(&t, 0x0008); u8(&t, 0);
	u8(&t, 0x04); u16(&t, 0xfffe); u8(&t, 0);
	set16(&t, s + 2, t.n - s);
	/* second IOMMU on segment 1 with type 11h */
	ivhd(&t, 0x11, 0xfeb90000, 0x4002);
	finish(&t);
	table_seed("ivrs-rev1-two-units", t.b, t.n);
	free(t.b);
}

static void other_tables(void)
{
	bb t = {0};
	header(&t, "APIC", 4);
	u32(&t, 0xfee00000); u32(&t, 1);
	u8(&t, 0); u8(&t, 8); u8(&t, 0); u8(&t, 0); u32(&t, 1);
	u8(&t, 1); u8(&t, 12); u8(&t, 0x21); u8(&t, 0); u32(&t, 0xfec00000); u32(&t, 0);
	u8(&t, 9); u8(&t, 16); u16(&t, 0); u32(&t, 0x100); u32(&t, 1); u32(&t, 0x100);
	u8(&t, 0x30); u8(&t, 4); u16(&t, 0);
	finish(&t);
	table_seed("madt", t.b, t.n);
	t.n = 0;
	header(&t, "MCFG", 1);
	u64(&t, 0);
	u64(&t, 0xe0000000); u16(&t, 0); u8(&t, 0); u8(&t, 0xff); u32(&t, 0);
	u64(&t, 0xd0000000); u16(&t, 1); u8(&t, 0x80); u8(&t, 0x10); u32(&t, 0);
	finish(&t);
	table_seed("mcfg", t.b, t.n);
	t.n = 0;
	header(&t, "HPET", 1);
	u32(&t, 0x8086a201); u8(&t, 0); u8(&t, 64); u8(&t, 0); u8(&t, 0); u64(&t, 0xfed00000); u8(&t, 0);
	u16(&t, 0x80); u8(&t, 0);
	finish(&t);
	table_seed("hpet", t.b, t.n);
	free(t.b);
}

/* ---------------------------------------------------------------------- */
/* Files                                                                  */
/* ---------------------------------------------------------------------- */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = malloc(cap);
	while (b) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		b = realloc(b, cap);
	}
	fclose(f);
	*len = n;
	return b;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* report/: a pair joined by the separator */
static uint8_t *tables_for_report;
static size_t tables_for_report_len;

static void pair_seed(const char *name, const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t sl = sizeof(IMS_FZ_SEPARATOR) - 1;
	uint8_t *p = malloc(an + sl + bn + 1);
	if (!p)
		abort();
	memcpy(p, a, an);
	memcpy(p + an, IMS_FZ_SEPARATOR, sl);
	memcpy(p + an + sl, b, bn);
	write_seed("report", name, p, an + sl + bn);
	free(p);
}

static void file_seed(const char *path, size_t max_log)
{
	size_t n;
	uint8_t *b = slurp(path, &n);
	if (!b) {
		fprintf(stderr, "gen_seeds: %s: cannot read (skipped)\n", path);
		return;
	}
	const char *name = base_name(path);
	ims_format f = ims_detect_format(b, n);
	if (f == IMS_FMT_ACPIDUMP) {
		write_seed("acpidump", name, b, n);
		write_seed("detect", name, b, n);
		write_seed("report", name, b, n);
		ims_model *m = ims_model_new();
		int in = ims_model_add_input(m, name, f, n);
		ims_parse_acpidump(m, (uint32_t)in, (const char *)b, n);
		for (size_t i = 0; i < m->n_tables; i++) {
			const ims_table *t = &m->tables[i];
			if (!t->data)
				continue;
			char nm[512];
			snprintf(nm, sizeof(nm), "%s.%s%u", name, t->signature, t->instance);
			table_seed(nm, t->data, t->size);
		}
		ims_model_free(m);
		if (!tables_for_report) {
			tables_for_report = b;
			tables_for_report_len = n;
			return;
		}
	} else if (f == IMS_FMT_TABLE) {
		table_seed(name, b, n);
	} else if (f == IMS_FMT_LOG) {
		/* long logs: keep the IOMMU-relevant lines short enough to mutate */
		size_t keep = n < max_log ? n : max_log;
		write_seed("log", name, b, keep);
		write_seed("detect", name, b, keep < 4096 ? keep : 4096);
		if (tables_for_report)
			pair_seed(name, tables_for_report, tables_for_report_len, b, keep);
	}
	free(b);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_seeds OUTDIR [FILE...]\n");
		return 2;
	}
	outdir = argv[1];
	mkdirs(outdir);
	dmar_tables();
	ivrs_tables();
	other_tables();
	/* acpidump files first so report pairs can use one */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 2; i < argc; i++) {
			size_t n;
			uint8_t *b = slurp(argv[i], &n);
			if (!b)
				continue;
			bool dump = ims_detect_format(b, n) == IMS_FMT_ACPIDUMP;
			free(b);
			if (dump == (pass == 0))
				file_seed(argv[i], 64 * 1024);
		}
	/* report/: every X.acpidump.txt with a sibling X.dmesg.log (corpus/cases) as a pair */
	for (int i = 2; i < argc; i++) {
		size_t l = strlen(argv[i]);
		const char *suf = ".acpidump.txt";
		if (l <= strlen(suf) || strcmp(argv[i] + l - strlen(suf), suf))
			continue;
		for (int j = 2; j < argc; j++) {
			size_t pl = l - strlen(suf);
			if (strlen(argv[j]) == pl + 10 && !strncmp(argv[j], argv[i], pl) &&
			    !strcmp(argv[j] + pl, ".dmesg.log")) {
				size_t an, bn;
				uint8_t *a = slurp(argv[i], &an), *b = slurp(argv[j], &bn);
				if (a && b)
					pair_seed(base_name(argv[j]), a, an, b, bn);
				free(a);
				free(b);
			}
		}
	}
	/* synthetic kernel-log lines (constructed from kernel format strings) */
	static const char klog[] =
		"[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro intel_iommu=on iommu=pt\n"
		"[    0.010000] ACPI: DMAR 0x000000007A7BE000 0000A8 (v01 INTEL  KBL      00000001 INTL 00000001)\n"
		"[    0.020000] DMAR: IOMMU enabled\n"
		"[    0.030000] DMAR: Host address width 39\n"
		"[    0.030001] DMAR: DRHD base: 0x000000fed90000 flags: 0x0\n"
		"[    0.030002] DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 19e2ff0505e\n"
		"[    0.030003] DMAR: DRHD base: 0x000000fed91000 flags: 0x1\n"
		"[    0.030004] DMAR: RMRR base: 0x0000007c000000 end: 0x0000007e7fffff\n"
		"[    0.030005] DMAR-IR: IOAPIC id 2 under DRHD base  0xfed91000 IOMMU 1\n"
		"[    0.030006] DMAR-IR: Enabled IRQ remapping in x2apic mode\n"
		"[    0.500000] iommu: Default domain type: Passthrough (set via kernel command line)\n"
		"[    0.600000] pci 0000:00:02.0: Adding to iommu group 0\n";
	write_seed("log", "synthetic-intel.log", klog, sizeof(klog) - 1);
	static const char alog[] =
		"[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro amd_iommu=on\n"
		"[    0.010000] ACPI: IVRS 0x00000000AFE8C000 0001A4 (v02 AMD    AmdTable 00000001 AMD  00000001)\n"
		"[    0.700000] pci 0000:00:00.2: AMD-Vi: IOMMU performance counters supported\n"
		"[    0.700001] pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40\n"
		"[    0.700002] AMD-Vi: Extended features (0x246577efa2254afa, 0x0): PPR X2APIC NX GT IA GA PC GA_vAPIC\n"
		"[    0.700003] AMD-Vi: Interrupt remapping enabled\n"
		"[    0.700004] AMD-Vi: Virtual APIC enabled\n"
		"[    0.700005] AMD-Vi: X2APIC enabled\n"
		"[    0.700006] AMD-Vi: [Firmware Bug]: : IOAPIC[33] not in IVRS table\n"
		"[    0.800000] iommu ivhd0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x0 flags=0x0000]\n"
		"[    0.900000] perf/amd_iommu: Detected AMD IOMMU #0 (2 banks, 4 counters/bank).\n";
	write_seed("log", "synthetic-amd.log", alog, sizeof(alog) - 1);
	write_seed("detect", "synthetic-amd.log", alog, sizeof(alog) - 1);
	if (tables_for_report) {
		pair_seed("pair-intel", tables_for_report, tables_for_report_len, (const uint8_t *)klog,
			  sizeof(klog) - 1);
		pair_seed("pair-amd", tables_for_report, tables_for_report_len, (const uint8_t *)alog,
			  sizeof(alog) - 1);
	}
	/* the report harness also gets the generated tables paired with a log */
	pair_seed("pair-dmar-bin", gen_dmar.b, gen_dmar.n, (const uint8_t *)klog, sizeof(klog) - 1);
	pair_seed("pair-ivrs-bin", gen_ivrs.b, gen_ivrs.n, (const uint8_t *)alog, sizeof(alog) - 1);
	free(gen_dmar.b);
	free(gen_ivrs.b);
	free(tables_for_report);
	write_seed("acpidump", "empty", "", 0);
	write_seed("log", "empty", "", 0);
	write_seed("report", "single-log", alog, sizeof(alog) - 1);
	return 0;
}
