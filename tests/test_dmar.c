/* SPDX-License-Identifier: MIT */
/*
 * DMAR decoder tests.  Tables are built byte by byte (field offsets from
 * ACPICA actbl1.h / dmtbinfo1.c, see ../shared/docs/table-spec.md), compiled
 * from corpus/asl/dmar_*.asl by iasl, or read from the shared corpus.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h" /* ims_diag_codes_dmar */

/* ---------------------------------------------------------------------- */
/* helpers                                                                */
/* ---------------------------------------------------------------------- */

/* Every dmar.* diagnostic must be in the catalog with the same severity. */
static void assert_dmar_codes_cataloged(const ims_model *m)
{
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		if (strncmp(d->code, "dmar.", 5))
			continue;
		const ims_diag_info *c = ims_diag_codes_dmar;
		while (c->code && strcmp(c->code, d->code))
			c++;
		if (!c->code)
			fprintf(stderr, "code %s not in ims_diag_codes_dmar\n", d->code);
		assert_non_null(c->code);
		assert_int_equal(c->severity, d->severity);
	}
}

static ims_model *parse(const tu_buf *t)
{
	ims_model *m = tu_parse_table(t->b, t->n);
	assert_dmar_codes_cataloged(m);
	return m;
}

static size_t count_prefix(const ims_model *m, const char *prefix, ims_severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n_diags; i++)
		if (!strncmp(m->diags[i].code, prefix, strlen(prefix)) && m->diags[i].severity >= min)
			n++;
	return n;
}

/* Offset of the first diagnostic with this code, or -1. */
static long diag_offset(const ims_model *m, const char *code)
{
	for (size_t i = 0; i < m->n_diags; i++)
		if (!strcmp(m->diags[i].code, code))
			return m->diags[i].has_offset ? (long)m->diags[i].offset : -2;
	return -1;
}

static void dmar_header(tu_buf *t, uint8_t haw, uint8_t flags)
{
	tu_acpi_header(t, "DMAR", 1);
	tu_u8(t, haw);
	tu_u8(t, flags);
	for (int i = 0; i < 10; i++)
		tu_u8(t, 0);
}

/* Start a structure; returns its offset (Length patched by end_struct). */
static size_t begin_struct(tu_buf *t, uint16_t type)
{
	size_t off = t->n;
	tu_u16(t, type);
	tu_u16(t, 0);
	return off;
}
static void end_struct(tu_buf *t, size_t off) { tu_put16(t, off + 2, (uint16_t)(t->n - off)); }

static size_t drhd(tu_buf *t, uint8_t flags, uint8_t size, uint16_t seg, uint64_t base)
{
	size_t off = begin_struct(t, 0);
	tu_u8(t, flags);
	tu_u8(t, size);
	tu_u16(t, seg);
	tu_u64(t, base);
	return off;
}

/* Device scope with n path entries (dev, fn pairs). */
static void scope(tu_buf *t, uint8_t type, uint8_t enum_id, uint8_t bus, const uint8_t *path, unsigned n)
{
	tu_u8(t, type);
	tu_u8(t, (uint8_t)(6 + 2 * n));
	tu_u8(t, 0);
	tu_u8(t, 0);
	tu_u8(t, enum_id);
	tu_u8(t, bus);
	if (n)
		tu_bytes(t, path, 2 * n);
}
static void scope1(tu_buf *t, uint8_t type, uint8_t enum_id, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint8_t p[2] = {dev, fn};
	scope(t, type, enum_id, bus, p, 1);
}

static size_t rmrr(tu_buf *t, uint16_t seg, uint64_t base, uint64_t limit)
{
	size_t off = begin_struct(t, 1);
	tu_u16(t, 0);
	tu_u16(t, seg);
	tu_u64(t, base);
	tu_u64(t, limit);
	return off;
}

/* ATSR (2), SATC (5), SIDP (6): flags byte (reserved u16 for SIDP), segment. */
static size_t small_struct(tu_buf *t, uint16_t type, uint8_t flags, uint16_t seg)
{
	size_t off = begin_struct(t, type);
	tu_u8(t, flags);
	tu_u8(t, 0);
	tu_u16(t, seg);
	return off;
}

static void rhsa(tu_buf *t, uint64_t base, uint32_t dom)
{
	size_t off = begin_struct(t, 3);
	tu_u32(t, 0);
	tu_u64(t, base);
	tu_u32(t, dom);
	end_struct(t, off);
}

static void andd(tu_buf *t, uint8_t devnum, const char *name, bool nul)
{
	size_t off = begin_struct(t, 4);
	tu_u8(t, 0);
	tu_u8(t, 0);
	tu_u8(t, 0);
	tu_u8(t, devnum);
	tu_bytes(t, name, strlen(name) + (nul ? 1 : 0));
	end_struct(t, off);
}

/* A valid table with every structure type (including SATC and SIDP, which
 * iasl 20200925 cannot compile).  Structure offsets go to bounds[]. */
static size_t build_all(tu_buf *t, size_t *bounds)
{
	size_t nb = 0, off;
	dmar_header(t, 0x26, 0x01);
	bounds[nb++] = t->n;
	off = drhd(t, 0, 0, 0, 0xFED90000);
	scope1(t, 1, 0, 0, 2, 0);
	end_struct(t, off);
	bounds[nb++] = t->n;
	off = drhd(t, 1, 3, 0, 0xFED91000); /* size 3: 32 KiB */
	scope1(t, 3, 2, 0xF0, 0x1F, 0);
	scope1(t, 4, 0, 0, 0x1F, 7);
	scope1(t, 5, 1, 0, 0x15, 1);
	end_struct(t, off);
	bounds[nb++] = t->n;
	off = rmrr(t, 0, 0x7C000000, 0x807FFFFF);
	scope1(t, 1, 0, 0, 2, 0);
	end_struct(t, off);
	bounds[nb++] = t->n;
	off = small_struct(t, 2, 0, 0);
	scope1(t, 2, 0, 0, 0x1C, 0);
	end_struct(t, off);
	bounds[nb++] = t->n;
	rhsa(t, 0xFED91000, 1);
	bounds[nb++] = t->n;
	andd(t, 1, "\\_SB.PCI0.I2C1", true);
	bounds[nb++] = t->n;
	off = small_struct(t, 5, 1, 0);
	scope1(t, 1, 0, 0, 0x0D, 0);
	end_struct(t, off);
	bounds[nb++] = t->n;
	off = small_struct(t, 6, 0, 0);
	scope1(t, 1, 0, 0, 0x0B, 0);
	end_struct(t, off);
	bounds[nb++] = t->n;
	tu_finish(t);
	return nb;
}

/* ---------------------------------------------------------------------- */
/* tables built byte by byte                                              */
/* ---------------------------------------------------------------------- */

static void test_all_structures(void **state)
{
	(void)state;
	tu_buf t = {0};
	size_t b[16];
	build_all(&t, b);
	ims_model *m = parse(&t);
	if (m->n_diags)
		tu_print_diags(m);
	assert_int_equal(m->n_diags, 0);
	assert_true(m->dmar.present);
	assert_int_equal(m->dmar.table, 0);
	assert_int_equal(m->dmar.haw_raw, 0x26);
	assert_int_equal(m->dmar.haw_bits, 39);
	assert_true(m->dmar.intr_remap);
	assert_false(m->dmar.x2apic_opt_out);
	assert_false(m->dmar.platform_opt_in);

	assert_int_equal(m->n_units, 2);
	const ims_unit *u0 = &m->units[0], *u1 = &m->units[1];
	assert_int_equal(u0->vendor, IMS_VENDOR_INTEL);
	assert_int_equal(u0->base, 0xFED90000);
	assert_int_equal(u0->offset, 48);
	assert_false(u0->include_pci_all);
	assert_int_equal(u0->reg_size, 4096);
	assert_int_equal(u0->ivhd, -1);
	assert_int_equal(u1->base, 0xFED91000);
	assert_true(u1->include_pci_all);
	assert_int_equal(u1->drhd_flags, 1);
	assert_int_equal(u1->size_field, 3);
	assert_int_equal(u1->reg_size, 32768);
	/* caps from the table: IR from flags bit0, x2APIC = IR && !opt-out */
	assert_int_equal(u0->caps[IMS_CAP_INTR_REMAP].state, 1);
	assert_non_null(u0->caps[IMS_CAP_INTR_REMAP].source);
	assert_int_equal(u0->caps[IMS_CAP_X2APIC].state, 1);
	assert_int_equal(u0->caps[IMS_CAP_PASID].state, -1);
	assert_int_equal(u0->caps[IMS_CAP_COHERENT].state, -1);
	/* ATSR on segment 0 -> ATS yes (set by finish) */
	assert_int_equal(u0->caps[IMS_CAP_ATS].state, 1);
	assert_int_equal(u1->caps[IMS_CAP_ATS].state, 1);
	/* RHSA -> unit 1 */
	assert_int_equal(m->n_rhsas, 1);
	assert_int_equal(m->rhsas[0].unit, 1);
	assert_true(u1->has_proximity);
	assert_int_equal(u1->proximity_domain, 1);
	assert_false(u0->has_proximity);

	/* coverage: unit0 endpoint 00:02.0; unit1 ALL */
	assert_int_equal(m->n_coverage, 2);
	assert_int_equal(m->coverage[0].unit, 0);
	assert_int_equal(m->coverage[0].kind, IMS_COV_SCOPE_ENDPOINT);
	assert_true(m->coverage[0].bdf_known);
	assert_int_equal(m->coverage[0].first, IMS_BDF(0, 2, 0));
	assert_int_equal(m->coverage[0].scope, 0);
	assert_int_equal(m->coverage[1].unit, 1);
	assert_int_equal(m->coverage[1].kind, IMS_COV_ALL);
	assert_int_equal(m->coverage[1].scope, -1);
	/* specials */
	assert_int_equal(m->n_specials, 2);
	assert_int_equal(m->specials[0].kind, IMS_SPECIAL_IOAPIC);
	assert_int_equal(m->specials[0].id, 2);
	assert_int_equal(m->specials[0].bdf, IMS_BDF(0xF0, 0x1F, 0));
	assert_int_equal(m->specials[0].unit, 1);
	assert_int_equal(m->specials[1].kind, IMS_SPECIAL_HPET);
	assert_int_equal(m->specials[1].bdf, IMS_BDF(0, 0x1F, 7));
	/* ANDD matched to the namespace scope enum 1 -> unit 1, 00:15.1 */
	assert_int_equal(m->n_acpidevs, 1);
	assert_string_equal(m->acpidevs[0].name, "\\_SB.PCI0.I2C1");
	assert_int_equal(m->acpidevs[0].device_number, 1);
	assert_int_equal(m->acpidevs[0].unit, 1);
	assert_true(m->acpidevs[0].bdf_known);
	assert_int_equal(m->acpidevs[0].bdf, IMS_BDF(0, 0x15, 1));
	/* RMRR */
	assert_int_equal(m->n_regions, 1);
	assert_int_equal(m->regions[0].kind, IMS_REGION_RMRR);
	assert_int_equal(m->regions[0].base, 0x7C000000);
	assert_int_equal(m->regions[0].end, 0x807FFFFF);
	assert_int_equal(m->regions[0].nscopes, 1);
	const ims_scope *rs = &m->scopes[m->regions[0].first_scope];
	assert_int_equal(rs->owner_kind, IMS_OWNER_RMRR);
	assert_int_equal(rs->owner, 0);
	assert_int_equal(rs->bdf, IMS_BDF(0, 2, 0));
	/* ATSR, SATC, SIDP */
	assert_int_equal(m->n_atsrs, 1);
	assert_false(m->atsrs[0].all_ports);
	assert_int_equal(m->atsrs[0].nscopes, 1);
	assert_int_equal(m->scopes[m->atsrs[0].first_scope].type, IMS_SCOPE_BRIDGE);
	assert_int_equal(m->scopes[m->atsrs[0].first_scope].owner_kind, IMS_OWNER_ATSR);
	assert_int_equal(m->n_satcs, 1);
	assert_true(m->satcs[0].atc_required);
	assert_int_equal(m->satcs[0].nscopes, 1);
	assert_int_equal(m->scopes[m->satcs[0].first_scope].bdf, IMS_BDF(0, 0x0D, 0));
	assert_int_equal(m->scopes[m->satcs[0].first_scope].owner_kind, IMS_OWNER_SATC);
	assert_int_equal(m->n_sidps, 1);
	assert_int_equal(m->sidps[0].nscopes, 1);
	assert_int_equal(m->scopes[m->sidps[0].first_scope].bdf, IMS_BDF(0, 0x0B, 0));
	assert_int_equal(m->scopes[m->sidps[0].first_scope].owner_kind, IMS_OWNER_SIDP);
	/* 1 + 3 DRHD scopes + RMRR + ATSR + SATC + SIDP */
	assert_int_equal(m->n_scopes, 8);
	assert_int_equal(m->n_raws, 0);
	ims_model_free(m);
	tu_free(&t);
}

static void test_flags_and_haw(void **state)
{
	(void)state;
	/* bit1 X2APIC_OPT_OUT, bit2 platform opt-in; bit 5 reserved */
	tu_buf t = {0};
	dmar_header(&t, 0x2E, 0x27);
	size_t off = drhd(&t, 1, 0, 0, 0xFED90000);
	end_struct(&t, off);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->dmar.haw_bits, 47);
	assert_int_equal(m->dmar.flags, 0x27);
	assert_true(m->dmar.intr_remap);
	assert_true(m->dmar.x2apic_opt_out);
	assert_true(m->dmar.platform_opt_in);
	assert_int_equal(m->units[0].caps[IMS_CAP_INTR_REMAP].state, 1);
	assert_int_equal(m->units[0].caps[IMS_CAP_X2APIC].state, 0); /* opted out */
	assert_int_equal(m->units[0].caps[IMS_CAP_ATS].state, -1);   /* no ATSR */
	assert_int_equal(tu_diag_count(m, "dmar.reserved-bits"), 1);
	assert_int_equal(diag_offset(m, "dmar.reserved-bits"), 37);
	assert_int_equal(tu_diag_count(m, "dmar.haw-invalid"), 0);
	ims_model_free(m);
	tu_free(&t);

	/* IR clear -> no IR, no x2APIC; HAW 10 (11 bits) is invalid (Linux: < 11) */
	t = (tu_buf){0};
	dmar_header(&t, 10, 0x00);
	off = drhd(&t, 1, 0, 0, 0xFED90000);
	end_struct(&t, off);
	tu_finish(&t);
	m = parse(&t);
	assert_false(m->dmar.intr_remap);
	assert_int_equal(m->units[0].caps[IMS_CAP_INTR_REMAP].state, 0);
	assert_int_equal(m->units[0].caps[IMS_CAP_X2APIC].state, 0);
	assert_int_equal(tu_diag_count(m, "dmar.haw-invalid"), 1);
	assert_int_equal(diag_offset(m, "dmar.haw-invalid"), 36);
	ims_model_free(m);
	tu_free(&t);

	/* HAW 11 is the smallest valid value; reserved header byte */
	t = (tu_buf){0};
	dmar_header(&t, 11, 0x01);
	t.b[40] = 0x5A;
	off = drhd(&t, 1, 0, 0, 0xFED90000);
	end_struct(&t, off);
	tu_finish(&t);
	m = parse(&t);
	assert_int_equal(tu_diag_count(m, "dmar.haw-invalid"), 0);
	assert_int_equal(tu_diag_count(m, "dmar.reserved-bits"), 1);
	assert_int_equal(diag_offset(m, "dmar.reserved-bits"), 40);
	ims_model_free(m);
	tu_free(&t);
}

static void test_header_only_and_short(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	tu_finish(&t); /* 48 bytes: no structures */
	ims_model *m = parse(&t);
	assert_true(m->dmar.present);
	assert_int_equal(m->n_units, 0);
	assert_int_equal(tu_diag_count(m, "dmar.no-drhd"), 1);
	ims_model_free(m);
	tu_free(&t);

	/* header Length 40: HAW/flags present, DMAR header incomplete */
	t = (tu_buf){0};
	tu_acpi_header(&t, "DMAR", 1);
	tu_u8(&t, 0x26);
	tu_u8(&t, 1);
	tu_u16(&t, 0);
	tu_finish(&t);
	m = parse(&t);
	assert_true(m->dmar.present);
	assert_int_equal(m->dmar.haw_bits, 39);
	assert_int_equal(tu_diag_count(m, "dmar.too-short"), 1);
	ims_model_free(m);
	tu_free(&t);

	/* 37 bytes: HAW only */
	t = (tu_buf){0};
	tu_acpi_header(&t, "DMAR", 1);
	tu_u8(&t, 0x26);
	tu_finish(&t);
	m = parse(&t);
	assert_false(m->dmar.present);
	assert_int_equal(tu_diag_count(m, "dmar.too-short"), 1);
	ims_model_free(m);
	tu_free(&t);
}

static void test_drhd_diags(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o0 = drhd(&t, 0, 0, 0, 0xFED90800); /* unaligned */
	end_struct(&t, o0);
	size_t o1 = drhd(&t, 1, 0, 0, 0xFED91000); /* include all seg 0 */
	end_struct(&t, o1);
	size_t o2 = drhd(&t, 0, 0, 0, 0xFED92000); /* after include-all: not last */
	end_struct(&t, o2);
	size_t o3 = drhd(&t, 1, 0, 0, 0); /* base 0, second include-all */
	end_struct(&t, o3);
	size_t o4 = drhd(&t, 0x81, 0x21, 1, 0xFED92000); /* reserved bits; seg 1: no dup */
	end_struct(&t, o4);
	size_t o5 = drhd(&t, 0, 0, 1, 0xFED92000); /* dup base in seg 1 */
	end_struct(&t, o5);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_units, 6);
	assert_int_equal(tu_diag_count(m, "dmar.drhd-base-unaligned"), 1);
	assert_int_equal(diag_offset(m, "dmar.drhd-base-unaligned"), o0 + 8);
	assert_int_equal(tu_diag_count(m, "dmar.drhd-base-zero"), 1);
	assert_int_equal(diag_offset(m, "dmar.drhd-base-zero"), o3 + 8);
	assert_int_equal(tu_diag_count(m, "dmar.include-all-duplicate"), 1);
	assert_int_equal(diag_offset(m, "dmar.include-all-duplicate"), o3 + 4);
	/* o2 follows o1 on segment 0, o5 follows o4 on segment 1 */
	assert_int_equal(tu_diag_count(m, "dmar.include-all-not-last"), 2);
	assert_int_equal(diag_offset(m, "dmar.include-all-not-last"), o2);
	assert_int_equal(tu_diag_count(m, "dmar.reserved-bits"), 2); /* flags 0x80, size 0x20 */
	assert_int_equal(m->units[4].size_field, 1);
	assert_int_equal(m->units[4].reg_size, 8192);
	assert_true(m->units[4].include_pci_all);
	assert_int_equal(m->units[4].segment, 1);
	assert_int_equal(tu_diag_count(m, "dmar.drhd-duplicate-base"), 1);
	assert_int_equal(diag_offset(m, "dmar.drhd-duplicate-base"), o5 + 8);
	assert_int_equal(count_prefix(m, "dmar.", IMS_SEV_ERROR), 1); /* base 0 only */
	ims_model_free(m);
	tu_free(&t);
}

static void test_rmrr_diags(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o = drhd(&t, 1, 0, 0, 0xFED90000);
	end_struct(&t, o);
	size_t r0 = rmrr(&t, 0, 0x1000, 0x1FFF); /* fine, no scope */
	end_struct(&t, r0);
	size_t r1 = rmrr(&t, 0, 0x1800, 0x2FFF); /* base unaligned */
	end_struct(&t, r1);
	size_t r2 = rmrr(&t, 0, 0x2000, 0x2FFE); /* end+1 unaligned */
	end_struct(&t, r2);
	size_t r3 = rmrr(&t, 2, 0x5000, 0x3FFF); /* end < base */
	uint8_t p2[4] = {0x1C, 0, 0, 0};
	scope(&t, 1, 0, 0, p2, 2); /* two hops: no bdf */
	scope1(&t, 3, 8, 0, 0x1E, 7); /* IOAPIC under RMRR */
	end_struct(&t, r3);
	tu_put16(&t, r3 + 4, 0x8000); /* reserved field */
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_regions, 4);
	assert_int_equal(tu_diag_count(m, "dmar.rmrr-base-unaligned"), 1);
	assert_int_equal(diag_offset(m, "dmar.rmrr-base-unaligned"), r1 + 8);
	assert_int_equal(tu_diag_count(m, "dmar.rmrr-end-unaligned"), 1);
	assert_int_equal(diag_offset(m, "dmar.rmrr-end-unaligned"), r2 + 16);
	assert_int_equal(tu_diag_count(m, "dmar.rmrr-end-before-base"), 1);
	assert_int_equal(diag_offset(m, "dmar.rmrr-end-before-base"), r3 + 16);
	assert_int_equal(tu_diag_count(m, "dmar.reserved-bits"), 1);
	assert_int_equal(tu_diag_count(m, "dmar.scope-unexpected"), 1);
	const ims_region *r = &m->regions[3];
	assert_int_equal(r->segment, 2);
	assert_int_equal(r->nscopes, 2);
	const ims_scope *s = &m->scopes[r->first_scope];
	assert_int_equal(s->path_len, 2);
	assert_false(s->bdf_known);
	assert_int_equal(s->path[0][0], 0x1C);
	assert_int_equal(s->segment, 2);
	assert_int_equal(s->offset, r3 + 24);
	assert_int_equal(m->regions[0].nscopes, 0);
	ims_model_free(m);
	tu_free(&t);
}

static void test_scope_diags(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o = drhd(&t, 0, 0, 0, 0xFED90000);
	scope(&t, 1, 0, 0, NULL, 0);            /* empty path */
	scope1(&t, 1, 0, 0, 32, 0);             /* dev > 31 */
	scope1(&t, 2, 0, 0, 3, 8);              /* fn > 7 */
	scope1(&t, 0, 0, 0, 1, 0);              /* type 0 */
	scope1(&t, 6, 0, 0, 1, 0);              /* type 6 */
	uint8_t longp[34];
	for (int i = 0; i < 34; i++)
		longp[i] = (uint8_t)(i & 1 ? 0 : 1);
	scope(&t, 1, 0, 5, longp, 17);          /* 17 hops */
	size_t odd = t.n;
	scope1(&t, 1, 0, 0, 4, 0);
	tu_u8(&t, 0xEE);                        /* odd length 9 */
	t.b[odd + 1] = 9;
	t.b[odd + 3] = 1;                       /* reserved byte 3 */
	end_struct(&t, o);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_scopes, 7);
	assert_int_equal(tu_diag_count(m, "dmar.scope-empty-path"), 1);
	assert_int_equal(tu_diag_count(m, "dmar.scope-bad-path"), 2);
	assert_int_equal(tu_diag_count(m, "dmar.scope-unsupported"), 2);
	assert_int_equal(tu_diag_count(m, "dmar.scope-path-too-long"), 1);
	assert_int_equal(tu_diag_count(m, "dmar.scope-odd-length"), 1);
	assert_int_equal(tu_diag_count(m, "dmar.reserved-bits"), 1);
	assert_int_equal(m->scopes[5].path_len, IMS_MAX_SCOPE_PATH);
	assert_int_equal(m->scopes[5].length, 6 + 34);
	assert_false(m->scopes[1].bdf_known); /* invalid dev */
	assert_true(m->scopes[6].bdf_known);  /* odd: one hop, last byte ignored */
	assert_int_equal(m->scopes[6].bdf, IMS_BDF(0, 4, 0));
	assert_int_equal(m->scopes[3].type, 0); /* kept */
	assert_int_equal(m->scopes[4].type, 6);
	/* coverage: endpoint(empty), endpoint(bad), bridge(bad), long, odd */
	assert_int_equal(m->n_coverage, 5);
	assert_int_equal(m->coverage[2].kind, IMS_COV_SCOPE_BRIDGE);
	assert_false(m->coverage[0].bdf_known);
	assert_int_equal(count_prefix(m, "dmar.", IMS_SEV_ERROR), 0);
	ims_model_free(m);
	tu_free(&t);
}

static void test_scope_length_errors(void **state)
{
	(void)state;
	/* scope Length 4 (< 6): error, scopes stop; the next structure is decoded */
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o = drhd(&t, 0, 0, 0, 0xFED90000);
	scope1(&t, 1, 0, 0, 2, 0);
	size_t bad = t.n;
	scope1(&t, 1, 0, 0, 3, 0);
	t.b[bad + 1] = 4;
	end_struct(&t, o);
	o = drhd(&t, 1, 0, 0, 0xFED91000);
	end_struct(&t, o);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_units, 2);
	assert_int_equal(m->n_scopes, 1);
	assert_int_equal(tu_diag_count(m, "dmar.scope-bad-length"), 1);
	assert_int_equal(diag_offset(m, "dmar.scope-bad-length"), bad + 1);
	ims_model_free(m);
	tu_free(&t);

	/* scope Length 0: same, must not loop */
	t = (tu_buf){0};
	dmar_header(&t, 0x26, 1);
	o = drhd(&t, 0, 0, 0, 0xFED90000);
	bad = t.n;
	scope1(&t, 1, 0, 0, 3, 0);
	t.b[bad + 1] = 0;
	end_struct(&t, o);
	tu_finish(&t);
	m = parse(&t);
	assert_int_equal(m->n_scopes, 0);
	assert_int_equal(tu_diag_count(m, "dmar.scope-bad-length"), 1);
	ims_model_free(m);
	tu_free(&t);

	/* scope Length past its structure (but inside the table) */
	t = (tu_buf){0};
	dmar_header(&t, 0x26, 1);
	o = drhd(&t, 0, 0, 0, 0xFED90000);
	bad = t.n;
	scope1(&t, 1, 0, 0, 3, 0);
	t.b[bad + 1] = 0x20;
	end_struct(&t, o);
	rhsa(&t, 0xFED90000, 0);
	tu_finish(&t);
	m = parse(&t);
	assert_int_equal(m->n_scopes, 0);
	assert_int_equal(tu_diag_count(m, "dmar.scope-past-end"), 1);
	assert_int_equal(m->rhsas[0].unit, 0); /* next structure still decoded */
	ims_model_free(m);
	tu_free(&t);

	/* 3 bytes left in the structure after a scope */
	t = (tu_buf){0};
	dmar_header(&t, 0x26, 1);
	o = drhd(&t, 0, 0, 0, 0xFED90000);
	scope1(&t, 1, 0, 0, 3, 0);
	tu_u8(&t, 1);
	tu_u8(&t, 8);
	tu_u8(&t, 0);
	end_struct(&t, o);
	tu_finish(&t);
	m = parse(&t);
	assert_int_equal(m->n_scopes, 1);
	assert_int_equal(tu_diag_count(m, "dmar.scope-truncated"), 1);
	ims_model_free(m);
	tu_free(&t);
}

static void test_structure_lengths(void **state)
{
	(void)state;
	for (uint16_t len = 0; len < 4; len++) {
		/* Length 0..3: error, walk stops (a DRHD after it is not decoded) */
		tu_buf t = {0};
		dmar_header(&t, 0x26, 1);
		size_t o = drhd(&t, 1, 0, 0, 0xFED90000);
		tu_put16(&t, o + 2, len);
		o = drhd(&t, 1, 0, 1, 0xFED91000);
		end_struct(&t, o);
		tu_finish(&t);
		ims_model *m = parse(&t);
		assert_int_equal(m->n_units, 0);
		assert_int_equal(tu_diag_count(m, len == 0 ? "dmar.zero-length" : "dmar.bad-length"), 1);
		assert_int_equal(diag_offset(m, len == 0 ? "dmar.zero-length" : "dmar.bad-length"), 50);
		ims_model_free(m);
		tu_free(&t);
	}

	/* Length below the fixed part (DRHD 12 < 16): skipped, walk continues */
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o = begin_struct(&t, 0);
	tu_u32(&t, 0);
	tu_u32(&t, 0);
	end_struct(&t, o);
	o = begin_struct(&t, 3); /* RHSA of 8 bytes */
	tu_u32(&t, 0);
	end_struct(&t, o);
	o = drhd(&t, 1, 0, 0, 0xFED90000);
	end_struct(&t, o);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_units, 1);
	assert_int_equal(m->units[0].offset, 48 + 12 + 8);
	assert_int_equal(m->n_rhsas, 0);
	assert_int_equal(tu_diag_count(m, "dmar.structure-too-short"), 2);
	ims_model_free(m);
	tu_free(&t);

	/* Length past the table end: error, what is inside is decoded */
	t = (tu_buf){0};
	dmar_header(&t, 0x26, 1);
	o = drhd(&t, 0, 0, 0, 0xFED90000);
	scope1(&t, 1, 0, 0, 2, 0);
	scope1(&t, 1, 0, 0, 3, 0);
	end_struct(&t, o);
	tu_put16(&t, o + 2, 0xFFFF);
	tu_finish(&t);
	m = parse(&t);
	assert_int_equal(m->n_units, 1);
	assert_int_equal(m->n_scopes, 2);
	assert_int_equal(tu_diag_count(m, "dmar.structure-past-end"), 1);
	assert_int_equal(tu_diag_count(m, "acpi.table-truncated"), 0); /* the table itself is whole */
	ims_model_free(m);
	tu_free(&t);

	/* 1..3 trailing bytes */
	for (int extra = 1; extra < 4; extra++) {
		t = (tu_buf){0};
		dmar_header(&t, 0x26, 1);
		o = drhd(&t, 1, 0, 0, 0xFED90000);
		end_struct(&t, o);
		for (int i = 0; i < extra; i++)
			tu_u8(&t, 0);
		tu_finish(&t);
		m = parse(&t);
		assert_int_equal(m->n_units, 1);
		assert_int_equal(tu_diag_count(m, "dmar.trailing-bytes"), 1);
		assert_int_equal(diag_offset(m, "dmar.trailing-bytes"), 64);
		ims_model_free(m);
		tu_free(&t);
	}
}

static void test_unknown_structure(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o = begin_struct(&t, 7);
	tu_u32(&t, 0xDEADBEEF);
	end_struct(&t, o);
	size_t o2 = begin_struct(&t, 0x1234);
	end_struct(&t, o2); /* exactly 4 bytes */
	size_t o3 = drhd(&t, 1, 0, 0, 0xFED90000);
	end_struct(&t, o3);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_raws, 2);
	assert_int_equal(m->raws[0].type, 7);
	assert_int_equal(m->raws[0].offset, o);
	assert_int_equal(m->raws[0].length, 8);
	assert_string_equal(m->raws[0].context, "dmar");
	assert_int_equal(m->raws[1].type, 0x1234);
	assert_int_equal(m->raws[1].length, 4);
	assert_int_equal(tu_diag_count(m, "dmar.unknown-structure"), 2);
	assert_int_equal(m->n_units, 1); /* walk continued */
	ims_model_free(m);
	tu_free(&t);
}

static void test_rhsa_andd(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	/* RHSA and ANDD before the DRHD they refer to: still resolved */
	rhsa(&t, 0xFED91000, 7);
	rhsa(&t, 0xFED99000, 2); /* no such DRHD */
	andd(&t, 3, "\\_SB.PCI0.UAR0", true);
	andd(&t, 4, "\\_SB.NOSCOPE", true);
	andd(&t, 5, "\\_SB.NONUL", false);
	size_t a6 = t.n;
	andd(&t, 6, "", false); /* Length 8: no name at all */
	size_t o = drhd(&t, 1, 0, 0, 0xFED91000);
	scope1(&t, 5, 3, 0, 0x19, 2);
	scope1(&t, 5, 5, 0, 0x19, 3);
	end_struct(&t, o);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_rhsas, 2);
	assert_int_equal(m->rhsas[0].unit, 0);
	assert_int_equal(m->rhsas[0].proximity_domain, 7);
	assert_int_equal(m->rhsas[1].unit, -1);
	assert_true(m->units[0].has_proximity);
	assert_int_equal(m->units[0].proximity_domain, 7);
	assert_int_equal(tu_diag_count(m, "dmar.rhsa-no-drhd"), 1);
	assert_int_equal(diag_offset(m, "dmar.rhsa-no-drhd"), 48 + 20);

	assert_int_equal(m->n_acpidevs, 4);
	assert_string_equal(m->acpidevs[0].name, "\\_SB.PCI0.UAR0");
	assert_int_equal(m->acpidevs[0].unit, 0);
	assert_int_equal(m->acpidevs[0].bdf, IMS_BDF(0, 0x19, 2));
	assert_int_equal(m->acpidevs[1].unit, -1);
	assert_string_equal(m->acpidevs[2].name, "\\_SB.NONUL"); /* kept */
	assert_int_equal(m->acpidevs[2].unit, 0);
	assert_string_equal(m->acpidevs[3].name, "");
	assert_int_equal(tu_diag_count(m, "dmar.andd-no-scope"), 2); /* 4 and 6 */
	assert_int_equal(tu_diag_count(m, "dmar.andd-name-unterminated"), 2);
	/* the name of ANDD 6 starts at a6 + 8 (it is empty) */
	bool seen = false;
	for (size_t i = 0; i < m->n_diags; i++)
		if (!strcmp(m->diags[i].code, "dmar.andd-name-unterminated") && m->diags[i].offset == a6 + 8)
			seen = true;
	assert_true(seen);
	/* namespace scopes are not coverage */
	assert_int_equal(m->n_coverage, 1);
	assert_int_equal(m->coverage[0].kind, IMS_COV_ALL);

	/* finish is idempotent */
	size_t nd = m->n_diags;
	assert_int_equal(ims_model_finish(m), 0);
	assert_int_equal(ims_model_finish(m), 0);
	assert_int_equal(m->n_diags, nd);
	assert_int_equal(m->rhsas[0].unit, 0);
	assert_int_equal(m->acpidevs[0].unit, 0);
	assert_int_equal(m->units[0].proximity_domain, 7);
	tu_assert_model_ok(m);
	ims_model_free(m);
	tu_free(&t);

	/* name longer than 255 bytes: cut */
	t = (tu_buf){0};
	dmar_header(&t, 0x26, 1);
	char big[300];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	andd(&t, 1, big, true);
	o = drhd(&t, 1, 0, 0, 0xFED91000);
	end_struct(&t, o);
	tu_finish(&t);
	m = parse(&t);
	assert_int_equal(strlen(m->acpidevs[0].name), 255);
	assert_int_equal(tu_diag_count(m, "dmar.andd-name-too-long"), 1);
	ims_model_free(m);
	tu_free(&t);
}

static void test_atsr_satc_sidp(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	size_t o = drhd(&t, 1, 0, 3, 0xFED90000);
	end_struct(&t, o);
	o = drhd(&t, 1, 0, 4, 0xFED91000);
	end_struct(&t, o);
	o = small_struct(&t, 2, 1, 3); /* ATSR ALL_PORTS seg 3, no scopes */
	end_struct(&t, o);
	o = small_struct(&t, 2, 0x02, 5); /* reserved flag bit */
	scope1(&t, 1, 0, 0, 1, 0);         /* endpoint under ATSR: unexpected */
	end_struct(&t, o);
	o = small_struct(&t, 5, 0, 4); /* SATC not required */
	scope1(&t, 1, 0, 0, 2, 0);
	scope1(&t, 1, 0, 0, 3, 0);
	end_struct(&t, o);
	o = small_struct(&t, 6, 0, 4); /* SIDP */
	scope1(&t, 1, 0, 0, 4, 0);
	scope1(&t, 3, 0, 0, 5, 0); /* IOAPIC under SIDP: unexpected */
	end_struct(&t, o);
	tu_finish(&t);
	ims_model *m = parse(&t);
	assert_int_equal(m->n_atsrs, 2);
	assert_true(m->atsrs[0].all_ports);
	assert_int_equal(m->atsrs[0].segment, 3);
	assert_int_equal(m->atsrs[0].nscopes, 0);
	assert_int_equal(m->atsrs[1].flags, 2);
	assert_int_equal(m->n_satcs, 1);
	assert_false(m->satcs[0].atc_required);
	assert_int_equal(m->satcs[0].segment, 4);
	assert_int_equal(m->satcs[0].nscopes, 2);
	assert_int_equal(m->scopes[m->satcs[0].first_scope + 1].bdf, IMS_BDF(0, 3, 0));
	assert_int_equal(m->scopes[m->satcs[0].first_scope + 1].segment, 4);
	assert_int_equal(m->n_sidps, 1);
	assert_int_equal(m->sidps[0].nscopes, 2);
	assert_int_equal(tu_diag_count(m, "dmar.scope-unexpected"), 2);
	assert_int_equal(tu_diag_count(m, "dmar.reserved-bits"), 1);
	/* ATS: unit on segment 3 has an ATSR, unit on segment 4 has not */
	assert_int_equal(m->units[0].caps[IMS_CAP_ATS].state, 1);
	assert_int_equal(m->units[1].caps[IMS_CAP_ATS].state, -1);
	assert_int_equal(m->n_units, 2);
	assert_int_equal(m->n_coverage, 2);
	ims_model_free(m);
	tu_free(&t);
}

static void test_two_dmar_tables(void **state)
{
	(void)state;
	tu_buf a = {0}, b = {0};
	dmar_header(&a, 0x26, 1);
	size_t o = drhd(&a, 1, 0, 0, 0xFED90000);
	end_struct(&a, o);
	tu_finish(&a);
	dmar_header(&b, 0x2E, 2);
	rhsa(&b, 0xFED90000, 4); /* refers to the first table's unit */
	o = drhd(&b, 1, 0, 1, 0xFED91000);
	end_struct(&b, o);
	tu_finish(&b);
	ims_model *m = ims_model_new();
	int in = ims_model_add_input(m, "two", IMS_FMT_TABLE, 0);
	assert_int_equal(ims_parse_table(m, (uint32_t)in, a.b, a.n), 0);
	assert_int_equal(ims_parse_table(m, (uint32_t)in, b.b, b.n), 0);
	assert_int_equal(ims_model_finish(m), 0);
	tu_assert_model_ok(m);
	assert_dmar_codes_cataloged(m);
	assert_int_equal(m->dmar.table, 0);
	assert_int_equal(m->dmar.haw_bits, 39);
	assert_true(m->dmar.intr_remap);
	assert_int_equal(tu_diag_count(m, "dmar.duplicate-table"), 1);
	assert_int_equal(m->n_units, 2);
	assert_int_equal(m->units[1].table, 1);
	/* the second table's own flags (IR clear) drive its unit's caps */
	assert_int_equal(m->units[1].caps[IMS_CAP_INTR_REMAP].state, 0);
	/* Linux only uses the first DMAR: the RHSA of the second is reported, but
	 * ims_model_finish still links it across tables */
	assert_int_equal(tu_diag_count(m, "dmar.rhsa-no-drhd"), 1);
	assert_int_equal(m->rhsas[0].unit, 0);
	assert_int_equal(m->units[0].proximity_domain, 4);
	ims_model_free(m);
	tu_free(&a);
	tu_free(&b);
}

/* Many structures: the cross checks (duplicate bases, RHSA/ANDD matching)
 * must not be quadratic.  60000 DRHDs + 60000 RHSAs: a quadratic pass would
 * take 3.6e9 steps; the bound below is generous for ASan builds. */
static void test_many_structures(void **state)
{
	(void)state;
	tu_buf t = {0};
	dmar_header(&t, 0x26, 1);
	const uint32_t n = 60000;
	for (uint32_t i = 0; i < n; i++) {
		size_t o = drhd(&t, 0, 0, (uint16_t)(i & 3), 0x100000000ULL + (uint64_t)(i / 2) * 0x1000);
		scope1(&t, 5, (uint8_t)i, 0, 1, 0);
		end_struct(&t, o);
	}
	for (uint32_t i = 0; i < n; i++)
		rhsa(&t, 0x100000000ULL + (uint64_t)i * 0x1000, i);
	for (uint32_t i = 0; i < 300; i++)
		andd(&t, (uint8_t)i, "\\_SB.X", true);
	tu_finish(&t);
	clock_t c0 = clock();
	ims_model *m = parse(&t);
	double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
	assert_int_equal(m->n_units, n);
	assert_int_equal(m->n_rhsas, n);
	/* units 2k and 2k+1 share a base but sit on different segments: no dup */
	assert_int_equal(tu_diag_count(m, "dmar.drhd-duplicate-base"), 0);
	/* RHSA i matches base of units 2i, 2i+1 (lowest index wins) for i < n/2 */
	assert_int_equal(m->rhsas[5].unit, 10);
	assert_int_equal(m->rhsas[n / 2].unit, -1);
	size_t unresolved = 0;
	for (size_t i = 0; i < m->n_rhsas; i++)
		unresolved += m->rhsas[i].unit < 0;
	assert_int_equal(unresolved, n / 2);
	assert_true(m->diags_truncated); /* 30000 rhsa-no-drhd > IMS_MAX_DIAGS */
	assert_int_equal(m->acpidevs[7].unit, 7); /* first namespace scope with enum 7 */
	assert_int_equal(m->acpidevs[299].unit, 299 - 256);
	fprintf(stderr, "many structures: %.2f s\n", secs);
	assert_true(secs < 20.0);
	ims_model_free(m);
	tu_free(&t);
}

/* Truncate a valid table at every byte: no crash, model ok, diagnostics. */
static void truncate_all(const uint8_t *b, size_t n, const size_t *bounds, size_t nb)
{
	for (size_t cut = 0; cut < n; cut++) {
		ims_model *m = tu_parse_table(b, cut);
		assert_dmar_codes_cataloged(m);
		assert_true(m->n_diags > 0);
		if (cut >= 36)
			assert_int_equal(tu_diag_count(m, "acpi.table-truncated"), 1);
		bool at_bound = false;
		for (size_t i = 0; i < nb; i++)
			at_bound |= bounds[i] == cut;
		if (cut >= 48 && !at_bound && count_prefix(m, "dmar.", IMS_SEV_WARNING) == 0) {
			fprintf(stderr, "cut %zu: no dmar diagnostic\n", cut);
			fail();
		}
		if (cut >= 48 && at_bound)
			assert_int_equal(count_prefix(m, "dmar.structure-past-end", IMS_SEV_ERROR), 0);
		ims_model_free(m);
	}
}

static void test_truncation_built(void **state)
{
	(void)state;
	tu_buf t = {0};
	size_t b[16];
	size_t nb = build_all(&t, b);
	truncate_all(t.b, t.n, b, nb);
	tu_free(&t);
}

/* ---------------------------------------------------------------------- */
/* tables compiled by iasl from corpus/asl                                */
/* ---------------------------------------------------------------------- */
static uint8_t *read_aml(const char *name, size_t *len)
{
	const char *dir = tu_env("IMS_AML_DIR");
	if (!dir)
		return NULL;
	char *p = tu_path(dir, name);
	uint8_t *b = tu_read_file(p, len);
	free(p);
	return b;
}

/* Structure offsets of a whole table, walking the Length fields. */
static size_t walk_bounds(const uint8_t *b, size_t n, size_t *bounds, size_t max)
{
	size_t nb = 0;
	for (size_t off = 48; nb < max;) {
		bounds[nb++] = off;
		if (off + 4 > n)
			break;
		uint16_t len = (uint16_t)(b[off + 2] | b[off + 3] << 8);
		if (!len)
			break;
		off += len;
	}
	return nb;
}

/* Expected values below are taken from corpus/asl/dmar_full.asl (and agree
 * with `iasl -d` of the compiled table). */
static void test_aml_full(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = read_aml("dmar_full.aml", &n);
	assert_non_null(b);
	ims_model *m = tu_parse_table(b, n);
	assert_dmar_codes_cataloged(m);
	if (m->n_diags)
		tu_print_diags(m);
	assert_int_equal(m->n_diags, 0);
	assert_int_equal(m->dmar.haw_bits, 0x27);
	assert_int_equal(m->dmar.flags, 5);
	assert_true(m->dmar.platform_opt_in);
	assert_int_equal(m->n_units, 3);
	assert_int_equal(m->units[0].base, 0xFED90000);
	assert_int_equal(m->units[1].base, 0xFED91000);
	assert_int_equal(m->units[2].base, 0xE0FFC000);
	assert_int_equal(m->units[2].segment, 1);
	assert_true(m->units[1].include_pci_all && m->units[2].include_pci_all);
	/* unit 0: endpoint 00:02.0 and a two-hop bridge (BDF not determined) */
	assert_int_equal(m->n_coverage, 4);
	assert_int_equal(m->coverage[0].first, IMS_BDF(0, 2, 0));
	assert_int_equal(m->coverage[1].kind, IMS_COV_SCOPE_BRIDGE);
	assert_false(m->coverage[1].bdf_known);
	const ims_scope *s = &m->scopes[m->coverage[1].scope];
	assert_int_equal(s->path_len, 2);
	assert_int_equal(s->path[0][0], 0x1C);
	assert_int_equal(s->path[0][1], 4);
	/* specials */
	assert_int_equal(m->n_specials, 3);
	assert_int_equal(m->specials[0].id, 2);
	assert_int_equal(m->specials[0].bdf, IMS_BDF(0xF0, 0x1F, 0));
	assert_int_equal(m->specials[1].kind, IMS_SPECIAL_HPET);
	assert_int_equal(m->specials[1].bdf, IMS_BDF(0, 0x1F, 7));
	assert_int_equal(m->specials[2].id, 9);
	assert_int_equal(m->specials[2].segment, 1);
	assert_int_equal(m->specials[2].bdf, IMS_BDF(0x80, 5, 4));
	assert_int_equal(m->specials[2].unit, 2);
	/* RMRR with two endpoints */
	assert_int_equal(m->n_regions, 1);
	assert_int_equal(m->regions[0].base, 0x7C000000);
	assert_int_equal(m->regions[0].end, 0x807FFFFF);
	assert_int_equal(m->regions[0].nscopes, 2);
	assert_int_equal(m->scopes[m->regions[0].first_scope + 1].bdf, IMS_BDF(0, 0x14, 0));
	/* ATSRs */
	assert_int_equal(m->n_atsrs, 2);
	assert_false(m->atsrs[0].all_ports);
	assert_true(m->atsrs[1].all_ports);
	assert_int_equal(m->atsrs[1].segment, 1);
	/* RHSAs -> units 1 and 2 */
	assert_int_equal(m->rhsas[0].unit, 1);
	assert_int_equal(m->rhsas[1].unit, 2);
	assert_int_equal(m->units[2].proximity_domain, 1);
	assert_true(m->units[1].has_proximity);
	assert_false(m->units[0].has_proximity);
	/* ANDD 1 -> namespace scope under unit 1, path 15.0 */
	assert_int_equal(m->n_acpidevs, 1);
	assert_string_equal(m->acpidevs[0].name, "\\_SB.PCI0.I2C0");
	assert_int_equal(m->acpidevs[0].unit, 1);
	assert_int_equal(m->acpidevs[0].bdf, IMS_BDF(0, 0x15, 0));
	ims_model_free(m);

	size_t bounds[32];
	size_t nb = walk_bounds(b, n, bounds, 32);
	assert_int_equal(nb, 10); /* 9 structures + end */
	truncate_all(b, n, bounds, nb);
	free(b);
}

static void test_aml_defects(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = read_aml("dmar_defects.aml", &n);
	assert_non_null(b);
	ims_model *m = tu_parse_table(b, n);
	assert_dmar_codes_cataloged(m);
	static const char *const expect[] = {
		"dmar.haw-invalid",	    "dmar.drhd-base-unaligned", "dmar.include-all-duplicate",
		"dmar.drhd-base-zero",	    "dmar.rmrr-base-unaligned", "dmar.rmrr-end-unaligned",
		"dmar.rmrr-end-before-base", "dmar.scope-unexpected",	 "dmar.rhsa-no-drhd",
		"dmar.andd-no-scope",
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		if (tu_diag_count(m, expect[i]) != 1)
			fprintf(stderr, "expected one %s\n", expect[i]);
		assert_int_equal(tu_diag_count(m, expect[i]), 1);
	}
	assert_int_equal(m->n_diags, sizeof(expect) / sizeof(expect[0]));
	assert_true(m->dmar.x2apic_opt_out);
	assert_int_equal(m->n_units, 2);
	assert_int_equal(m->n_regions, 2);
	assert_false(m->scopes[m->regions[0].first_scope].bdf_known);
	ims_model_free(m);
	free(b);
}

/* ---------------------------------------------------------------------- */
/* real dumps                                                             */
/* ---------------------------------------------------------------------- */

/* Error diagnostics that real firmware deserves (file, code, why). */
static const struct {
	const char *file, *code, *why;
} known_defects[] = {
	{"188EB681251A.txt", "dmar.drhd-base-zero",
	 "Lenovo TP-R1E: the INCLUDE_PCI_ALL DRHD has register base 0 (iasl -d shows 0000000000000000); "
	 "Linux prints 'Your BIOS is broken; DMAR reported at address 0!' and disables VT-d"},
};

static bool is_known(const char *file, const char *code)
{
	for (size_t i = 0; i < sizeof(known_defects) / sizeof(known_defects[0]); i++)
		if (!strcmp(known_defects[i].file, file) && !strcmp(known_defects[i].code, code))
			return true;
	return false;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_corpus(void **state)
{
	(void)state;
	const char *sc = tu_env("IMS_SHARED_CORPUS");
	char *dir = sc ? tu_path(sc, "acpidump/iommu") : NULL;
	if (!dir || !tu_is_dir(dir)) {
		free(dir);
		skip();
	}
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".txt")) {
			names = realloc(names, (nn + 1) * sizeof(*names));
			names[nn++] = strdup(e->d_name);
		}
	}
	closedir(dp);
	qsort(names, nn, sizeof(*names), cmpstr);
	size_t with_dmar = 0, units = 0, bad = 0, known = 0;
	for (size_t i = 0; i < nn; i++) {
		char *p = tu_path(dir, names[i]);
		size_t len;
		char *text = (char *)tu_read_file(p, &len);
		free(p);
		assert_non_null(text);
		if (!strstr(text, "DMAR @")) {
			free(text);
			continue;
		}
		with_dmar++;
		ims_model *m = tu_parse_acpidump(text, len);
		assert_dmar_codes_cataloged(m);
		assert_true(m->dmar.present);
		assert_true(m->n_units > 0);
		units += m->n_units;
		for (size_t d = 0; d < m->n_diags; d++) {
			if (m->diags[d].severity < IMS_SEV_ERROR)
				continue;
			if (is_known(names[i], m->diags[d].code)) {
				known++;
				continue;
			}
			fprintf(stderr, "%s: unexpected error %s: %s\n", names[i], m->diags[d].code,
				m->diags[d].message);
			bad++;
		}
		ims_model_free(m);
		free(text);
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(dir);
	fprintf(stderr, "corpus: %zu dumps with DMAR, %zu units, %zu known firmware defects\n", with_dmar, units,
		known);
	assert_int_equal(bad, 0);
	assert_int_equal(known, sizeof(known_defects) / sizeof(known_defects[0]));
}

static void test_catalog(void **state)
{
	(void)state;
	size_t n = 0;
	for (const ims_diag_info *c = ims_diag_codes_dmar; c->code; c++, n++) {
		assert_int_equal(strncmp(c->code, "dmar.", 5), 0);
		assert_non_null(c->description);
		for (const char *q = c->code; *q; q++)
			assert_true((*q >= 'a' && *q <= 'z') || *q == '.' || *q == '-');
		for (const ims_diag_info *d = ims_diag_codes_dmar; d != c; d++)
			assert_string_not_equal(d->code, c->code);
	}
	assert_true(n >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_structures),
		cmocka_unit_test(test_flags_and_haw),
		cmocka_unit_test(test_header_only_and_short),
		cmocka_unit_test(test_drhd_diags),
		cmocka_unit_test(test_rmrr_diags),
		cmocka_unit_test(test_scope_diags),
		cmocka_unit_test(test_scope_length_errors),
		cmocka_unit_test(test_structure_lengths),
		cmocka_unit_test(test_unknown_structure),
		cmocka_unit_test(test_rhsa_andd),
		cmocka_unit_test(test_atsr_satc_sidp),
		cmocka_unit_test(test_two_dmar_tables),
		cmocka_unit_test(test_many_structures),
		cmocka_unit_test(test_truncation_built),
		cmocka_unit_test(test_aml_full),
		cmocka_unit_test(test_aml_defects),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
