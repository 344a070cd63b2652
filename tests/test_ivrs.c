/* SPDX-License-Identifier: MIT */
/*
 * IVRS decoder tests.  Tables are built byte by byte here (Debian's iasl
 * 20200925 cannot compile IVHD 40h or F0h entries); expected values follow
 * the layout in ACPICA actbl2.h and Linux drivers/iommu/amd/init.c, not our
 * own output.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* ims_diag_codes_ivrs */

/* ---------------------------------------------------------------------- */
/* Builders                                                               */
/* ---------------------------------------------------------------------- */
static void ivrs_hdr(tu_buf *b, uint8_t rev, uint32_t ivinfo)
{
	tu_acpi_header(b, "IVRS", rev);
	tu_u32(b, ivinfo);
	tu_u64(b, 0);
}

typedef struct ivhd_spec {
	uint8_t type, flags;
	uint16_t devid, cap;
	uint64_t base;
	uint16_t seg, info;
	uint32_t feat;
	uint64_t efr, efr2;
} ivhd_spec;

/* Header of an IVHD; Length is fixed by sub_end(). */
static size_t ivhd_begin(tu_buf *b, const ivhd_spec *s)
{
	size_t start = b->n;
	tu_u8(b, s->type);
	tu_u8(b, s->flags);
	tu_u16(b, 0);
	tu_u16(b, s->devid);
	tu_u16(b, s->cap);
	tu_u64(b, s->base);
	tu_u16(b, s->seg);
	tu_u16(b, s->info);
	tu_u32(b, s->feat);
	if (s->type != 0x10) {
		tu_u64(b, s->efr);
		tu_u64(b, s->efr2);
	}
	return start;
}
static void sub_end(tu_buf *b, size_t start) { tu_put16(b, start + 2, (uint16_t)(b->n - start)); }

static void ent4(tu_buf *b, uint8_t type, uint16_t devid, uint8_t dte)
{
	tu_u8(b, type);
	tu_u16(b, devid);
	tu_u8(b, dte);
}
static void ent8(tu_buf *b, uint8_t type, uint16_t devid, uint8_t dte, uint8_t b4, uint16_t w5, uint8_t b7)
{
	ent4(b, type, devid, dte);
	tu_u8(b, b4);
	tu_u16(b, w5);
	tu_u8(b, b7);
}
static void ent_ext(tu_buf *b, uint8_t type, uint16_t devid, uint8_t dte, uint32_t ext)
{
	ent4(b, type, devid, dte);
	tu_u32(b, ext);
}
static void ent_hid(tu_buf *b, uint16_t devid, uint8_t dte, const void *hid8, const void *cid8, uint8_t fmt,
		    uint8_t ulen, const void *uid)
{
	ent4(b, 0xf0, devid, dte);
	tu_bytes(b, hid8, 8);
	tu_bytes(b, cid8, 8);
	tu_u8(b, fmt);
	tu_u8(b, ulen);
	if (ulen)
		tu_bytes(b, uid, ulen);
}
static void ivmd(tu_buf *b, uint8_t type, uint8_t flags, uint16_t devid, uint16_t aux, uint16_t seg, uint64_t start,
		 uint64_t len)
{
	tu_u8(b, type);
	tu_u8(b, flags);
	tu_u16(b, 32);
	tu_u16(b, devid);
	tu_u16(b, aux);
	tu_u16(b, seg);
	tu_u16(b, 0);
	tu_u32(b, 0);
	tu_u64(b, start);
	tu_u64(b, len);
}

static const uint8_t ZERO8[8] = {0};
/* EFR: PPRSup(1) XTSup(2) GTSup(4) GASup(7) PCSup(9) GAMSup(21) PASmax=15 (36:32) HDSup(52) */
#define EFR_RICH ((1ull << 1) | (1ull << 2) | (1ull << 4) | (1ull << 7) | (1ull << 9) | (1ull << 21) | (15ull << 32) | (1ull << 52))
#define IVINFO_STD 0x00203041u /* EFRSup, GVA 2, PA 48, VA 64 */

/* One IOMMU described by 10h, 11h and 40h (the usual BIOS layout), with
 * every device entry type in the 40h, and three IVMDs. */
static void build_rich(tu_buf *b)
{
	ivrs_hdr(b, 2, IVINFO_STD);
	ivhd_spec s10 = {0x10, 0xb0, 0x0002, 0x40, 0xfd200000, 0, 0, 0x80048f6e, 0, 0};
	size_t h = ivhd_begin(b, &s10);
	ent4(b, 0x03, 0x0008, 0);
	ent4(b, 0x04, 0xfffe, 0);
	ent8(b, 0x48, 0, 0xd7, 0x21, 0x00a0, 1);
	sub_end(b, h);
	ivhd_spec s11 = {0x11, 0x30, 0x0002, 0x40, 0xfd200000, 0, 0, 0x00040000, EFR_RICH, 0x20};
	h = ivhd_begin(b, &s11);
	ent4(b, 0x03, 0x0008, 0);
	ent4(b, 0x04, 0xfffe, 0);
	sub_end(b, h);
	ivhd_spec s40 = {0x40, 0x30, 0x0002, 0x40, 0xfd200000, 0, 0, 0x00040000, EFR_RICH, 0x20};
	h = ivhd_begin(b, &s40);
	ent4(b, 0x00, 0x0000, 0x00);                      /* pad */
	ent4(b, 0x01, 0x0000, 0x00);                      /* all */
	ent4(b, 0x02, 0x0010, 0x01);                      /* select 00:02.0 */
	ent4(b, 0x03, 0x0100, 0x02);                      /* range 01:00.0 .. */
	ent4(b, 0x04, 0x01ff, 0x00);                      /* .. 01:1f.7 */
	ent8(b, 0x42, 0x0200, 0x04, 0, 0x00a5, 0);        /* alias select 02:00.0 as 00:14.5 */
	ent8(b, 0x43, 0x0300, 0x00, 0, 0x0300, 0);        /* alias range 03:00.0 .. */
	ent4(b, 0x04, 0x03ff, 0x00);
	ent_ext(b, 0x46, 0x0400, 0x00, 0x80000000u);      /* ext select, ATS disabled */
	ent_ext(b, 0x47, 0x0500, 0x00, 0x00000001u);      /* ext range 05:00.0 .. */
	ent4(b, 0x04, 0x0507, 0x00);
	ent8(b, 0x48, 0, 0xd7, 0x21, 0x00a0, 1);          /* IOAPIC 33 -> 00:14.0 */
	ent8(b, 0x48, 0, 0x00, 0x00, 0x00a0, 2);          /* HPET 0 -> 00:14.0 */
	ent_hid(b, 0x00a5, 0x40, "AMDI0020", ZERO8, 2, 9, "\\_SB.FUR0"); /* string UID */
	{
		const uint8_t eisa[8] = {0x41, 0xd0, 0x0a, 0x08, 0, 0, 0, 0}; /* integer CID */
		const uint8_t uid1[1] = {7};
		ent_hid(b, 0x00a6, 0x00, "AMDI0010", eisa, 1, 1, uid1);
	}
	ent_hid(b, 0x00a7, 0x00, "AMDI0030", ZERO8, 0, 0, NULL); /* no UID */
	sub_end(b, h);
	ivmd(b, 0x20, 0x07, 0, 0, 0, 0xa0000, 0x20000);
	ivmd(b, 0x21, 0x08, 0x0010, 0, 0, 0xc9f42000, 0x26000);
	ivmd(b, 0x22, 0x03, 0x0100, 0x01ff, 0x0001, 0x100000000ull, 0x1000);
	tu_finish(b);
}

/* Two IOMMUs, each as 10h + 11h (selected: 11h). */
static void build_two(tu_buf *b)
{
	ivrs_hdr(b, 1, IVINFO_STD);
	for (int k = 0; k < 2; k++) {
		uint16_t bdf = k ? 0x4002 : 0x0002;
		uint64_t base = k ? 0xf1000000 : 0xf0000000;
		ivhd_spec s10 = {0x10, 0x10, bdf, 0x40, base, 0, 0, 0x5u | (3u << 8), 0, 0};
		size_t h = ivhd_begin(b, &s10);
		ent4(b, 0x03, (uint16_t)(k ? 0x4000 : 0x0008), 0);
		ent4(b, 0x04, (uint16_t)(k ? 0x7fff : 0x3fff), 0);
		sub_end(b, h);
	}
	for (int k = 0; k < 2; k++) {
		uint16_t bdf = k ? 0x4002 : 0x0002;
		uint64_t base = k ? 0xf1000000 : 0xf0000000;
		ivhd_spec s11 = {0x11, 0x20, bdf, 0x40, base, 0, 0, 0, k ? 0x4ull : 0x84ull, 0};
		size_t h = ivhd_begin(b, &s11);
		ent4(b, 0x03, (uint16_t)(k ? 0x4000 : 0x0008), 0);
		ent4(b, 0x04, (uint16_t)(k ? 0x7fff : 0x3fff), 0);
		if (!k)
			ent8(b, 0x48, 0, 0, 0x21, 0x00a0, 1);
		sub_end(b, h);
	}
	tu_finish(b);
}

static const ims_ivhd_entry *entry_at(const ims_model *m, uint32_t hi, uint32_t k)
{
	assert_true(k < m->ivhds[hi].nentries);
	return &m->ivhd_entries[m->ivhds[hi].first_entry + k];
}

/* ---------------------------------------------------------------------- */
/* Decoding                                                               */
/* ---------------------------------------------------------------------- */
static void test_rich_table_view(void **state)
{
	(void)state;
	tu_buf b = {0};
	build_rich(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_true(m->ivrs.present);
	assert_int_equal(m->ivrs.ivinfo, IVINFO_STD);
	assert_true(m->ivrs.efr_sup);
	assert_false(m->ivrs.dma_remap);
	assert_int_equal(m->ivrs.gva_size, 2);
	assert_int_equal(m->ivrs.pa_size, 48);
	assert_int_equal(m->ivrs.va_size, 64);
	assert_false(m->ivrs.ht_ats_reserved);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x40);

	assert_int_equal(m->n_ivhds, 3);
	const ims_ivhd *h10 = &m->ivhds[0], *h11 = &m->ivhds[1], *h40 = &m->ivhds[2];
	assert_int_equal(h10->type, 0x10);
	assert_int_equal(h10->offset, 48);
	assert_int_equal(h10->length, 24 + 16);
	assert_int_equal(h10->flags, 0xb0);
	assert_int_equal(h10->bdf, 0x0002);
	assert_int_equal(h10->cap_offset, 0x40);
	assert_int_equal(h10->base, 0xfd200000);
	assert_int_equal(h10->feature, 0x80048f6e);
	assert_int_equal(h10->nentries, 3);
	assert_false(h10->selected);
	assert_int_equal(h11->type, 0x11);
	assert_int_equal(h11->offset, 48 + 40);
	assert_int_equal(h11->efr, EFR_RICH);
	assert_int_equal(h11->efr2, 0x20);
	assert_int_equal(h11->feature, 0x00040000);
	assert_false(h11->selected);
	assert_int_equal(h40->type, 0x40);
	assert_true(h40->selected);
	assert_int_equal(h40->nentries, 16);
	assert_int_equal(h10->unit, 0);
	assert_int_equal(h11->unit, 0);
	assert_int_equal(h40->unit, 0);

	const ims_ivhd_entry *e;
	e = entry_at(m, 2, 0);
	assert_int_equal(e->type, 0x00);
	assert_int_equal(e->length, 4);
	assert_true(e->known);
	assert_int_equal(e->offset, h40->offset + 40);
	e = entry_at(m, 2, 2);
	assert_int_equal(e->type, 0x02);
	assert_int_equal(e->devid, 0x0010);
	assert_int_equal(e->dte, 0x01);
	e = entry_at(m, 2, 5);
	assert_int_equal(e->type, 0x42);
	assert_int_equal(e->length, 8);
	assert_int_equal(e->devid, 0x0200);
	assert_int_equal(e->dte, 0x04);
	assert_int_equal(e->alias, 0x00a5);
	e = entry_at(m, 2, 6);
	assert_int_equal(e->type, 0x43);
	assert_int_equal(e->alias, 0x0300);
	e = entry_at(m, 2, 8);
	assert_int_equal(e->type, 0x46);
	assert_int_equal(e->ext, 0x80000000u);
	e = entry_at(m, 2, 9);
	assert_int_equal(e->type, 0x47);
	assert_int_equal(e->ext, 1);
	e = entry_at(m, 2, 11);
	assert_int_equal(e->type, 0x48);
	assert_int_equal(e->handle, 0x21);
	assert_int_equal(e->alias, 0x00a0);
	assert_int_equal(e->variety, 1);
	assert_int_equal(e->dte, 0xd7);
	e = entry_at(m, 2, 12);
	assert_int_equal(e->variety, 2);
	e = entry_at(m, 2, 13);
	assert_int_equal(e->type, 0xf0);
	assert_int_equal(e->length, 22 + 9);
	assert_string_equal(e->hid, "AMDI0020");
	assert_string_equal(e->cid, "");
	assert_int_equal(e->uid_format, 2);
	assert_int_equal(e->uid_length, 9);
	assert_string_equal(e->uid, "\\_SB.FUR0");
	assert_int_equal(e->devid, 0x00a5);
	e = entry_at(m, 2, 14);
	assert_int_equal(e->length, 23);
	assert_string_equal(e->hid, "AMDI0010");
	assert_string_equal(e->cid, "080AD041"); /* iasl prints the integer's low 8 hex digits */
	assert_int_equal(e->uid_format, 1);
	assert_string_equal(e->uid, "7");
	e = entry_at(m, 2, 15);
	assert_int_equal(e->length, 22);
	assert_int_equal(e->uid_format, 0);
	assert_string_equal(e->uid, "");

	/* IVMDs */
	assert_int_equal(m->n_regions, 3);
	const ims_region *r = &m->regions[0];
	assert_int_equal(r->kind, IMS_REGION_IVMD_ALL);
	assert_true(r->all_devices);
	assert_true(r->unity && r->readable && r->writable);
	assert_false(r->exclusion);
	assert_int_equal(r->base, 0xa0000);
	assert_int_equal(r->end, 0xbffff);
	r = &m->regions[1];
	assert_int_equal(r->kind, IMS_REGION_IVMD_SELECT);
	assert_true(r->exclusion);
	assert_false(r->unity);
	assert_int_equal(r->first, 0x0010);
	assert_int_equal(r->last, 0x0010);
	assert_int_equal(r->base, 0xc9f42000);
	assert_int_equal(r->end, 0xc9f42000 + 0x26000 - 1);
	r = &m->regions[2];
	assert_int_equal(r->kind, IMS_REGION_IVMD_RANGE);
	assert_int_equal(r->first, 0x0100);
	assert_int_equal(r->last, 0x01ff);
	assert_int_equal(r->segment, 1); /* bytes 8-9, Linux 6.1+ */
	assert_int_equal(r->base, 0x100000000ull);
	assert_int_equal(r->end, 0x100000fffull);

	/* a clean table: no warnings or errors from the IVRS decoder */
	for (size_t i = 0; i < m->n_diags; i++)
		if (m->diags[i].severity >= IMS_SEV_WARNING) {
			tu_print_diags(m);
			fail();
		}
	ims_model_free(m);
	tu_free(&b);
}

static void test_rich_units(void **state)
{
	(void)state;
	tu_buf b = {0};
	build_rich(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_units, 1);
	const ims_unit *u = &m->units[0];
	assert_int_equal(u->vendor, IMS_VENDOR_AMD);
	assert_int_equal(u->ivhd, 2);
	assert_int_equal(u->ivhd_types, 7);
	assert_int_equal(u->base, 0xfd200000);
	assert_int_equal(u->bdf, 0x0002);
	assert_int_equal(u->cap_offset, 0x40);
	assert_int_equal(u->offset, m->ivhds[2].offset);
	assert_true(u->has_efr);
	assert_int_equal(u->efr, EFR_RICH);
	assert_int_equal(u->efr2, 0x20);
	/* caps from the EFR image, IVHD flags and IVinfo */
	assert_int_equal(u->caps[IMS_CAP_INTR_REMAP].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PASSTHROUGH].state, 1);
	assert_int_equal(u->caps[IMS_CAP_X2APIC].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PRI].state, 1);
	assert_int_equal(u->caps[IMS_CAP_GUEST_TRANSLATION].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PASID].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PASID].value, 16);
	assert_int_equal(u->caps[IMS_CAP_POSTED_INTR].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PERF_COUNTERS].state, 1);
	assert_int_equal(u->caps[IMS_CAP_DIRTY_TRACKING].state, 1);
	assert_int_equal(u->caps[IMS_CAP_ATS].state, 1);      /* flags 0x30: bit4 */
	assert_int_equal(u->caps[IMS_CAP_COHERENT].state, 1); /* bit5 */
	assert_int_equal(u->caps[IMS_CAP_SNOOP_CONTROL].state, -1);
	assert_int_equal(u->caps[IMS_CAP_VA_BITS].value, 64);
	assert_int_equal(u->caps[IMS_CAP_PA_BITS].value, 48);
	for (int c = 0; c < IMS_CAP_COUNT; c++)
		if (u->caps[c].state >= 0)
			assert_non_null(u->caps[c].source);

	/* coverage: from the 40h entries only (the 10h/11h ranges are not repeated) */
	assert_int_equal(m->n_coverage, 7);
	const ims_coverage *c = m->coverage;
	assert_int_equal(c[0].kind, IMS_COV_ALL);
	assert_int_equal(c[1].kind, IMS_COV_SELECT);
	assert_int_equal(c[1].first, 0x0010);
	assert_int_equal(c[1].dte, 0x01);
	assert_int_equal(c[2].kind, IMS_COV_RANGE);
	assert_int_equal(c[2].first, 0x0100);
	assert_int_equal(c[2].last, 0x01ff);
	assert_int_equal(c[2].dte, 0x02);
	assert_int_equal(c[3].kind, IMS_COV_ALIAS_SELECT);
	assert_int_equal(c[3].first, 0x0200);
	assert_int_equal(c[3].alias, 0x00a5);
	assert_int_equal(c[4].kind, IMS_COV_ALIAS_RANGE);
	assert_int_equal(c[4].first, 0x0300);
	assert_int_equal(c[4].last, 0x03ff);
	assert_int_equal(c[4].alias, 0x0300);
	assert_int_equal(c[5].kind, IMS_COV_EXT_SELECT);
	assert_int_equal(c[5].ext, 0x80000000u);
	assert_int_equal(c[6].kind, IMS_COV_EXT_RANGE);
	assert_int_equal(c[6].first, 0x0500);
	assert_int_equal(c[6].last, 0x0507);
	for (size_t i = 0; i < m->n_coverage; i++) {
		assert_int_equal(c[i].unit, 0);
		assert_int_equal(c[i].scope, -1);
	}
	/* specials */
	assert_int_equal(m->n_specials, 2);
	assert_int_equal(m->specials[0].kind, IMS_SPECIAL_IOAPIC);
	assert_int_equal(m->specials[0].id, 0x21);
	assert_int_equal(m->specials[0].bdf, IMS_BDF(0, 0x14, 0));
	assert_true(m->specials[0].bdf_known);
	assert_int_equal(m->specials[1].kind, IMS_SPECIAL_HPET);
	assert_int_equal(m->specials[1].id, 0);
	/* ACPI devices */
	assert_int_equal(m->n_acpidevs, 3);
	assert_string_equal(m->acpidevs[0].hid, "AMDI0020");
	assert_string_equal(m->acpidevs[0].uid, "\\_SB.FUR0");
	assert_int_equal(m->acpidevs[0].bdf, IMS_BDF(0, 0x14, 5));
	assert_int_equal(m->acpidevs[0].unit, 0);
	assert_string_equal(m->acpidevs[1].cid, "080AD041");
	assert_int_equal(m->acpidevs[1].uid_format, 1);
	ims_model_free(m);
	tu_free(&b);
}

static void test_two_iommus(void **state)
{
	(void)state;
	tu_buf b = {0};
	build_two(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x11);
	assert_int_equal(m->n_ivhds, 4);
	assert_int_equal(m->n_units, 2);
	assert_int_equal(m->units[0].base, 0xf0000000);
	assert_int_equal(m->units[0].bdf, 0x0002);
	assert_int_equal(m->units[0].ivhd, 2);
	assert_int_equal(m->units[0].ivhd_types, 3);
	assert_int_equal(m->units[1].base, 0xf1000000);
	assert_int_equal(m->units[1].bdf, 0x4002);
	assert_int_equal(m->units[1].ivhd, 3);
	assert_int_equal(m->ivhds[0].unit, 0);
	assert_int_equal(m->ivhds[1].unit, 1);
	/* EFR 0x84: XTSup + GASup -> x2APIC; EFR 0x4: XTSup without GASup -> no x2APIC */
	assert_int_equal(m->units[0].caps[IMS_CAP_X2APIC].state, 1);
	assert_int_equal(m->units[1].caps[IMS_CAP_X2APIC].state, 0);
	assert_int_equal(m->units[0].caps[IMS_CAP_ATS].state, 0);
	assert_int_equal(m->units[0].caps[IMS_CAP_COHERENT].state, 1);
	assert_int_equal(m->n_coverage, 2);
	assert_int_equal(m->coverage[1].unit, 1);
	assert_int_equal(m->coverage[1].first, 0x4000);
	assert_int_equal(m->coverage[1].last, 0x7fff);
	assert_int_equal(m->n_specials, 1);
	assert_int_equal(m->specials[0].unit, 0);
	assert_int_equal(ims_model_count_diags(m, IMS_SEV_WARNING), 0);
	ims_model_free(m);
	tu_free(&b);
}

/* 10h-only table: caps from Feature Reporting and flags. */
static void test_ivhd10_caps(void **state)
{
	(void)state;
	tu_buf b = {0};
	ivrs_hdr(&b, 1, 0);
	/* Feature Reporting: XTSup(0) GTSup(2) GASup(6) PASmax=9 (12:8) PNCounters=4 (16:13) PNBanks=2 (22:17) */
	ivhd_spec s = {0x10, 0x80, 0x0002, 0x40, 0xfeb80000, 0, 0, 1u | 4u | 0x40u | (9u << 8) | (4u << 13) | (2u << 17),
		       0, 0};
	size_t h = ivhd_begin(&b, &s);
	ent4(&b, 0x01, 0, 0);
	sub_end(&b, h);
	tu_finish(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x10);
	assert_int_equal(m->n_units, 1);
	const ims_unit *u = &m->units[0];
	assert_false(u->has_efr);
	assert_int_equal(u->caps[IMS_CAP_X2APIC].state, 1);
	assert_int_equal(u->caps[IMS_CAP_GUEST_TRANSLATION].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PASID].value, 10);
	assert_int_equal(u->caps[IMS_CAP_PERF_COUNTERS].state, 1);
	assert_int_equal(u->caps[IMS_CAP_PRI].state, 1); /* flags bit7 PPRSup */
	assert_int_equal(u->caps[IMS_CAP_ATS].state, 0);
	assert_int_equal(u->caps[IMS_CAP_POSTED_INTR].state, -1);
	assert_int_equal(u->caps[IMS_CAP_VA_BITS].state, -1); /* IVinfo 0 */
	assert_int_equal(m->n_coverage, 1);
	assert_int_equal(m->coverage[0].kind, IMS_COV_ALL);
	ims_model_free(m);
	tu_free(&b);
}

/* ---------------------------------------------------------------------- */
/* Linux's IVHD type choice                                               */
/* ---------------------------------------------------------------------- */
static void test_selection(void **state)
{
	(void)state;
	/* 40h first, then 10h for the same IOMMU: Linux takes the LAST type
	 * whose devid matches the first structure's, i.e. 10h */
	tu_buf b = {0};
	ivrs_hdr(&b, 2, 0);
	ivhd_spec s40 = {0x40, 0, 0x0002, 0x40, 0xfd000000, 0, 0, 0, 0, 0};
	size_t h = ivhd_begin(&b, &s40);
	ent4(&b, 0x02, 0x0008, 0);
	sub_end(&b, h);
	ivhd_spec s10 = {0x10, 0, 0x0002, 0x40, 0xfd000000, 0, 0, 0, 0, 0};
	h = ivhd_begin(&b, &s10);
	ent4(&b, 0x02, 0x0010, 0);
	sub_end(&b, h);
	tu_finish(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x10);
	assert_int_equal(m->n_units, 1);
	assert_int_equal(m->units[0].ivhd, 1);
	assert_int_equal(m->n_coverage, 1);
	assert_int_equal(m->coverage[0].first, 0x0010);
	ims_model_free(m);
	tu_free(&b);

	/* a second IOMMU described only by 10h while the first has 10h+40h:
	 * Linux uses 40h and ignores the second IOMMU */
	ivrs_hdr(&b, 2, 0);
	s10.devid = 0x0002;
	h = ivhd_begin(&b, &s10);
	sub_end(&b, h);
	ivhd_spec s10b = {0x10, 0, 0x4002, 0x40, 0xfe000000, 0, 0, 0, 0, 0};
	h = ivhd_begin(&b, &s10b);
	ent4(&b, 0x02, 0x4010, 0);
	sub_end(&b, h);
	h = ivhd_begin(&b, &s40);
	sub_end(&b, h);
	tu_finish(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x40);
	assert_int_equal(m->n_units, 2);
	assert_int_equal(m->units[0].ivhd, 2);
	assert_int_equal(m->units[0].ivhd_types, 5);
	assert_int_equal(m->units[1].ivhd, 1);
	assert_false(m->ivhds[1].selected);
	assert_int_equal(tu_diag_count(m, "ivrs.ivhd-not-selected"), 1);
	assert_int_equal(m->n_coverage, 1);
	assert_int_equal(m->coverage[0].unit, 1);
	ims_model_free(m);
	tu_free(&b);

	/* the walk stops at the first type > 40h (Lenovo 51h), so a 40h after it
	 * is not considered */
	ivrs_hdr(&b, 2, 0);
	h = ivhd_begin(&b, &s10);
	sub_end(&b, h);
	ivmd(&b, 0x21, 0x08, 0x0002, 0, 0, 0x1000, 0x1000);
	b.b[b.n - 32] = 0x51;
	h = ivhd_begin(&b, &s40);
	sub_end(&b, h);
	tu_finish(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x10);
	assert_int_equal(m->n_raws, 1);
	assert_int_equal(m->raws[0].type, 0x51);
	assert_int_equal(m->raws[0].offset, 48 + 24);
	assert_int_equal(m->raws[0].length, 32);
	assert_string_equal(m->raws[0].context, "ivrs");
	assert_int_equal(tu_diag_count(m, "ivrs.unknown-subtable"), 1);
	assert_int_equal(m->n_ivhds, 2); /* the walk continued after the 51h */
	assert_int_equal(m->n_units, 1);
	assert_int_equal(m->units[0].ivhd_types, 5);
	ims_model_free(m);
	tu_free(&b);

	/* an IVMD naming the IOMMU's own devid after the IVHDs becomes the
	 * "highest type": Linux finds no IVHD of type 21h */
	ivrs_hdr(&b, 2, 0);
	h = ivhd_begin(&b, &s10);
	sub_end(&b, h);
	ivmd(&b, 0x21, 0x01, 0x0002, 0, 0, 0x1000, 0x1000);
	tu_finish(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x21);
	assert_int_equal(tu_diag_count(m, "ivrs.selected-type-invalid"), 1);
	assert_int_equal(tu_diag_count(m, "ivrs.ivhd-not-selected"), 1);
	assert_int_equal(m->n_units, 1);
	ims_model_free(m);
	tu_free(&b);

	/* first subtable is an IVMD */
	ivrs_hdr(&b, 2, 0);
	ivmd(&b, 0x21, 0x01, 0x0010, 0, 0, 0x1000, 0x1000);
	h = ivhd_begin(&b, &s10);
	sub_end(&b, h);
	tu_finish(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(tu_diag_count(m, "ivrs.first-subtable-ivmd"), 1);
	assert_int_equal(m->ivrs.selected_ivhd_type, 0x21);
	assert_int_equal(tu_diag_count(m, "ivrs.selected-type-invalid"), 1);
	ims_model_free(m);
	tu_free(&b);
}

/* ---------------------------------------------------------------------- */
/* Every diagnostic                                                       */
/* ---------------------------------------------------------------------- */
typedef void (*builder)(tu_buf *b);

static void std10(tu_buf *b, uint8_t rev)
{
	ivrs_hdr(b, rev, IVINFO_STD);
}
static size_t open40(tu_buf *b)
{
	ivhd_spec s = {0x40, 0, 0x0002, 0x40, 0xfd000000, 0, 0, 0, 0, 0};
	return ivhd_begin(b, &s);
}
static size_t open10(tu_buf *b)
{
	ivhd_spec s = {0x10, 0, 0x0002, 0x40, 0xfd000000, 0, 0, 0, 0, 0};
	return ivhd_begin(b, &s);
}
static void one_entry40(tu_buf *b, void (*add)(tu_buf *))
{
	std10(b, 2);
	size_t h = open40(b);
	add(b);
	sub_end(b, h);
	tu_finish(b);
}

static void b_too_short(tu_buf *b) { tu_acpi_header(b, "IVRS", 2); tu_u32(b, 0); tu_finish(b); }
static void b_bad_revision(tu_buf *b) { std10(b, 3); size_t h = open10(b); sub_end(b, h); tu_finish(b); }
static void b_40h_revision(tu_buf *b) { std10(b, 1); size_t h = open40(b); sub_end(b, h); tu_finish(b); }
static void b_reserved(tu_buf *b) { ivrs_hdr(b, 2, 0x00800004u); size_t h = open10(b); sub_end(b, h); tu_finish(b); }
static void b_reserved_common(tu_buf *b)
{
	std10(b, 2);
	size_t h = open40(b);
	b->b[h + 1] = 0xb0; /* the 10h-style PPRSup/PrefSup bits most firmware copies */
	sub_end(b, h);
	tu_finish(b);
}
static void b_zero_length(tu_buf *b) { std10(b, 2); size_t h = open10(b); (void)h; tu_finish(b); }
static void b_too_small(tu_buf *b)
{
	std10(b, 2);
	size_t h = open40(b);
	tu_put16(b, h + 2, 24); /* a 40h needs 40 */
	tu_finish(b);
}
static void b_past_end(tu_buf *b)
{
	std10(b, 2);
	size_t h = open40(b);
	ent4(b, 0x02, 0x10, 0);
	tu_put16(b, h + 2, 200);
	tu_finish(b);
}
static void b_trailing(tu_buf *b) { std10(b, 2); size_t h = open10(b); sub_end(b, h); tu_u16(b, 0); tu_u8(b, 0); tu_finish(b); }
static void b_unknown_sub(tu_buf *b)
{
	std10(b, 2);
	size_t h = open10(b);
	sub_end(b, h);
	tu_u8(b, 0x51); tu_u8(b, 0); tu_u16(b, 8); tu_u16(b, 0); tu_u16(b, 0);
	tu_finish(b);
}
static void b_no_ivhd(tu_buf *b) { std10(b, 2); ivmd(b, 0x20, 1, 0, 0, 0, 0x1000, 0x1000); tu_finish(b); }
static void b_first_ivmd(tu_buf *b)
{
	std10(b, 2);
	ivmd(b, 0x20, 1, 0x00ff, 0, 0, 0x1000, 0x1000);
	size_t h = open10(b);
	sub_end(b, h);
	tu_finish(b);
}
static void b_selected_invalid(tu_buf *b)
{
	std10(b, 2);
	tu_u8(b, 0x51); tu_u8(b, 0); tu_u16(b, 8); tu_u16(b, 0); tu_u16(b, 0); /* first type > 40h */
	size_t h = open10(b);
	sub_end(b, h);
	tu_finish(b);
}
static void b_not_selected(tu_buf *b)
{
	std10(b, 2);
	size_t h = open40(b);
	sub_end(b, h);
	ivhd_spec s = {0x10, 0, 0x4002, 0x40, 0xfe000000, 0, 0, 0, 0, 0};
	h = ivhd_begin(b, &s);
	sub_end(b, h);
	tu_finish(b);
}
static void b_duplicate(tu_buf *b)
{
	std10(b, 2);
	size_t h = open40(b);
	sub_end(b, h);
	h = open40(b);
	sub_end(b, h);
	tu_finish(b);
}
static void a_truncated(tu_buf *b) { ent4(b, 0x48, 0, 0); tu_u16(b, 0); } /* 8-byte type, 6 bytes */
static void b_entry_truncated(tu_buf *b) { one_entry40(b, a_truncated); }
static void a_len_invalid(tu_buf *b) { ent4(b, 0x80, 0, 0); ent4(b, 0x02, 0x10, 0); }
static void b_entry_len_invalid(tu_buf *b) { one_entry40(b, a_len_invalid); }
static void a_unknown(tu_buf *b) { ent4(b, 0x05, 0, 0); ent8(b, 0x41, 0, 0, 0, 0, 0); }
static void b_entry_unknown(tu_buf *b) { one_entry40(b, a_unknown); }
static void a_unterminated(tu_buf *b) { ent4(b, 0x03, 0x0010, 0); }
static void b_range_unterminated(tu_buf *b) { one_entry40(b, a_unterminated); }
static void a_unterminated2(tu_buf *b) { ent4(b, 0x03, 0x0010, 0); ent8(b, 0x43, 0x20, 0, 0, 0xa5, 0); ent4(b, 0x04, 0x30, 0); }
static void b_range_unterminated2(tu_buf *b) { one_entry40(b, a_unterminated2); }
static void a_interrupted(tu_buf *b) { ent4(b, 0x03, 0x0010, 0); ent4(b, 0x02, 0x0100, 0); ent4(b, 0x04, 0x0017, 0); }
static void b_range_interrupted(tu_buf *b) { one_entry40(b, a_interrupted); }
static void a_end_only(tu_buf *b) { ent4(b, 0x04, 0x0010, 0); }
static void b_range_end_only(tu_buf *b) { one_entry40(b, a_end_only); }
static void a_reversed(tu_buf *b) { ent4(b, 0x03, 0x0020, 0); ent4(b, 0x04, 0x0010, 0); }
static void b_range_reversed(tu_buf *b) { one_entry40(b, a_reversed); }
static void a_overlap(tu_buf *b)
{
	ent4(b, 0x03, 0x0010, 0); ent4(b, 0x04, 0x0100, 0);
	ent_ext(b, 0x47, 0x0080, 0, 0); ent4(b, 0x04, 0x0200, 0);
}
static void b_range_overlap(tu_buf *b) { one_entry40(b, a_overlap); }
static void a_variety(tu_buf *b) { ent8(b, 0x48, 0, 0, 5, 0xa0, 3); }
static void b_special_variety(tu_buf *b) { one_entry40(b, a_variety); }
static void b_hid_outside(tu_buf *b)
{
	std10(b, 2);
	size_t h = open10(b);
	ent_hid(b, 0xa5, 0, "AMDI0020", ZERO8, 0, 0, NULL);
	sub_end(b, h);
	tu_finish(b);
}
static void a_empty_hid(tu_buf *b) { ent_hid(b, 0xa5, 0, ZERO8, ZERO8, 0, 0, NULL); }
static void b_empty_hid(tu_buf *b) { one_entry40(b, a_empty_hid); }
static void a_int_hid(tu_buf *b)
{
	const uint8_t eisa[8] = {0x41, 0xd0, 0x0a, 0x08, 0, 0, 0, 0};
	ent_hid(b, 0xa5, 0, eisa, ZERO8, 0, 0, NULL);
}
static void b_int_hid(tu_buf *b) { one_entry40(b, a_int_hid); }
static void a_uid_format(tu_buf *b) { ent_hid(b, 0xa5, 0, "AMDI0020", ZERO8, 0, 2, "AB"); ent_hid(b, 0xa5, 0, "AMDI0020", ZERO8, 3, 0, NULL); }
static void b_uid_format(tu_buf *b) { one_entry40(b, a_uid_format); }
static void a_uid_wide(tu_buf *b) { const uint8_t u[2] = {0x2c, 0x01}; ent_hid(b, 0xa5, 0, "AMDI0020", ZERO8, 1, 2, u); }
static void b_uid_wide(tu_buf *b) { one_entry40(b, a_uid_wide); }
static void one_ivmd(tu_buf *b, uint8_t type, uint8_t flags, uint16_t devid, uint16_t aux, uint64_t start, uint64_t len)
{
	std10(b, 2);
	size_t h = open10(b);
	sub_end(b, h);
	ivmd(b, type, flags, devid, aux, 0, start, len);
	tu_finish(b);
}
static void b_ivmd_empty(tu_buf *b) { one_ivmd(b, 0x20, 1, 0, 0, 0x1000, 0); }
static void b_ivmd_overflow(tu_buf *b) { one_ivmd(b, 0x20, 1, 0, 0, 0xfffffffffffff000ull, 0x2000); }
static void b_ivmd_reversed(tu_buf *b) { one_ivmd(b, 0x22, 1, 0x0100, 0x0010, 0x1000, 0x1000); }
static void b_ivmd_unaligned(tu_buf *b) { one_ivmd(b, 0x21, 1, 0x10, 0, 0x1234, 0x1000); }
static void b_ivmd_no_effect(tu_buf *b) { one_ivmd(b, 0x21, 0x06, 0x10, 0, 0x1000, 0x1000); }
static void b_ivmd_reserved(tu_buf *b) { one_ivmd(b, 0x21, 0x11, 0x10, 0, 0x1000, 0x1000); }

static const struct diag_case {
	const char *code;
	builder build;
	bool twice; /* parse the table twice into one model */
} CASES[] = {
	{"ivrs.too-short", b_too_short, false},
	{"ivrs.duplicate-table", b_bad_revision, true},
	{"ivrs.bad-revision", b_bad_revision, false},
	{"ivrs.ivhd-40h-revision", b_40h_revision, false},
	{"ivrs.reserved-bits", b_reserved, false},
	{"ivrs.reserved-bits", b_ivmd_reserved, false},
	{"ivrs.reserved-bits-common", b_reserved_common, false},
	{"ivrs.zero-length", b_zero_length, false},
	{"ivrs.subtable-too-short", b_too_small, false},
	{"ivrs.subtable-past-end", b_past_end, false},
	{"ivrs.trailing-bytes", b_trailing, false},
	{"ivrs.unknown-subtable", b_unknown_sub, false},
	{"ivrs.no-ivhd", b_no_ivhd, false},
	{"ivrs.first-subtable-ivmd", b_first_ivmd, false},
	{"ivrs.selected-type-invalid", b_selected_invalid, false},
	{"ivrs.ivhd-not-selected", b_not_selected, false},
	{"ivrs.ivhd-duplicate", b_duplicate, false},
	{"ivrs.entry-truncated", b_entry_truncated, false},
	{"ivrs.entry-length-invalid", b_entry_len_invalid, false},
	{"ivrs.entry-unknown", b_entry_unknown, false},
	{"ivrs.range-unterminated", b_range_unterminated, false},
	{"ivrs.range-unterminated", b_range_unterminated2, false},
	{"ivrs.range-interrupted", b_range_interrupted, false},
	{"ivrs.range-end-without-start", b_range_end_only, false},
	{"ivrs.range-reversed", b_range_reversed, false},
	{"ivrs.range-overlap", b_range_overlap, false},
	{"ivrs.special-variety", b_special_variety, false},
	{"ivrs.acpihid-outside-40h", b_hid_outside, false},
	{"ivrs.acpihid-empty-hid", b_empty_hid, false},
	{"ivrs.acpihid-integer-hid", b_int_hid, false},
	{"ivrs.acpihid-uid-format", b_uid_format, false},
	{"ivrs.acpihid-uid-wide", b_uid_wide, false},
	{"ivrs.ivmd-empty", b_ivmd_empty, false},
	{"ivrs.ivmd-overflow", b_ivmd_overflow, false},
	{"ivrs.ivmd-range-reversed", b_ivmd_reversed, false},
	{"ivrs.ivmd-unaligned", b_ivmd_unaligned, false},
	{"ivrs.ivmd-no-effect", b_ivmd_no_effect, false},
};
#define NCASES (sizeof(CASES) / sizeof(CASES[0]))

static ims_model *parse_case(const struct diag_case *k, tu_buf *b)
{
	k->build(b);
	if (!k->twice)
		return tu_parse_table(b->b, b->n);
	ims_model *m = ims_model_new();
	int in = ims_model_add_input(m, "test", IMS_FMT_TABLE, b->n);
	assert_int_equal(ims_parse_table(m, (uint32_t)in, b->b, b->n), 0);
	assert_int_equal(ims_parse_table(m, (uint32_t)in, b->b, b->n), 0);
	assert_int_equal(ims_model_finish(m), 0);
	tu_assert_model_ok(m);
	return m;
}

static void test_every_diagnostic(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		tu_buf b = {0};
		ims_model *m = parse_case(&CASES[i], &b);
		if (tu_diag_count(m, CASES[i].code) == 0) {
			fprintf(stderr, "case %zu: expected %s, got:\n", i, CASES[i].code);
			tu_print_diags(m);
			fail();
		}
		/* every emitted ivrs.* code is in the catalog with its severity */
		for (size_t d = 0; d < m->n_diags; d++) {
			if (strncmp(m->diags[d].code, "ivrs.", 5))
				continue;
			bool found = false;
			for (const ims_diag_info *c = ims_diag_codes_ivrs; c->code; c++)
				if (!strcmp(c->code, m->diags[d].code)) {
					found = true;
					assert_int_equal(c->severity, m->diags[d].severity);
				}
			if (!found)
				fprintf(stderr, "uncatalogued %s\n", m->diags[d].code);
			assert_true(found);
		}
		ims_model_free(m);
		tu_free(&b);
	}
	/* and every catalogued code has a case */
	for (const ims_diag_info *c = ims_diag_codes_ivrs; c->code; c++) {
		bool found = false;
		for (size_t i = 0; i < NCASES; i++)
			if (!strcmp(CASES[i].code, c->code))
				found = true;
		if (!found)
			fprintf(stderr, "no test case for %s\n", c->code);
		assert_true(found);
		assert_true(!strncmp(c->code, "ivrs.", 5));
		assert_non_null(c->description);
	}
}

/* Specific consequences of some diagnostics. */
static void test_diagnostic_effects(void **state)
{
	(void)state;
	tu_buf b = {0};
	/* unknown 8-byte entry kept with known=false, walk continues */
	b_entry_unknown(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivhds[0].nentries, 2);
	assert_false(entry_at(m, 0, 0)->known);
	assert_int_equal(entry_at(m, 0, 1)->length, 8);
	assert_int_equal(entry_at(m, 0, 1)->type, 0x41);
	ims_model_free(m);
	tu_free(&b);
	/* type 80h: the entry walk stops, the select after it is not decoded */
	b_entry_len_invalid(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->ivhds[0].nentries, 0);
	assert_int_equal(m->n_coverage, 0);
	assert_int_equal(m->n_units, 1);
	ims_model_free(m);
	tu_free(&b);
	/* interrupted range is still closed (as Linux does) */
	b_range_interrupted(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_coverage, 2);
	assert_int_equal(m->coverage[1].kind, IMS_COV_RANGE);
	assert_int_equal(m->coverage[1].first, 0x0010);
	assert_int_equal(m->coverage[1].last, 0x0017);
	ims_model_free(m);
	tu_free(&b);
	/* unterminated + reversed ranges make no coverage */
	b_range_unterminated2(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_coverage, 1);
	assert_int_equal(m->coverage[0].kind, IMS_COV_ALIAS_RANGE);
	assert_int_equal(m->coverage[0].first, 0x20);
	assert_int_equal(m->coverage[0].last, 0x30);
	ims_model_free(m);
	tu_free(&b);
	b_range_reversed(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_coverage, 0);
	ims_model_free(m);
	tu_free(&b);
	/* F0h outside 40h and empty HID: entry kept, no ACPI device (Linux skips) */
	b_hid_outside(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_ivhd_entries, 1);
	assert_int_equal(m->n_acpidevs, 0);
	ims_model_free(m);
	tu_free(&b);
	b_int_hid(&b);
	m = tu_parse_table(b.b, b.n);
	assert_string_equal(m->ivhd_entries[0].hid, "080AD041");
	ims_model_free(m);
	tu_free(&b);
	b_uid_wide(&b);
	m = tu_parse_table(b.b, b.n);
	assert_string_equal(m->ivhd_entries[0].uid, "300");
	ims_model_free(m);
	tu_free(&b);
	/* bad variety: entry kept, no special */
	b_special_variety(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_specials, 0);
	assert_int_equal(m->ivhd_entries[0].variety, 3);
	ims_model_free(m);
	tu_free(&b);
	/* IVMD overflow / empty ends */
	b_ivmd_overflow(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->regions[0].end, UINT64_MAX);
	ims_model_free(m);
	tu_free(&b);
	b_ivmd_empty(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->regions[0].end, 0x1000);
	ims_model_free(m);
	tu_free(&b);
	/* IVHD past the end: header decoded, entries inside kept */
	b_past_end(&b);
	m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_ivhds, 1);
	assert_int_equal(m->ivhds[0].base, 0xfd000000);
	assert_int_equal(m->ivhds[0].length, 44); /* clipped to the bytes present (Length says 200) */
	assert_int_equal(m->ivhds[0].nentries, 1);
	assert_int_equal(m->ivhd_entries[0].devid, 0x10);
	ims_model_free(m);
	tu_free(&b);
	/* duplicate table: view kept, one unit */
	m = parse_case(&CASES[1], &b);
	assert_int_equal(m->n_ivhds, 2);
	assert_int_equal(m->n_units, 1);
	assert_int_equal(m->ivhds[1].unit, -1);
	ims_model_free(m);
	tu_free(&b);
}

/* ---------------------------------------------------------------------- */
/* Robustness                                                             */
/* ---------------------------------------------------------------------- */
static void truncate_all(const tu_buf *full)
{
	for (size_t cut = 0; cut <= full->n; cut++) {
		/* bytes missing, header Length unchanged */
		ims_model *m = tu_parse_table(full->b, cut);
		ims_model_free(m);
		/* header Length says the table is that short (checksum fixed) */
		if (cut >= 36) {
			tu_buf c = {0};
			tu_bytes(&c, full->b, cut);
			tu_finish(&c);
			m = tu_parse_table(c.b, c.n);
			assert_true(m->ivrs.present);
			ims_model_free(m);
			tu_free(&c);
		}
	}
}

static void test_truncate_everywhere(void **state)
{
	(void)state;
	tu_buf b = {0};
	build_rich(&b);
	truncate_all(&b);
	tu_free(&b);
	build_two(&b);
	truncate_all(&b);
	tu_free(&b);
	for (size_t i = 0; i < NCASES; i++) {
		CASES[i].build(&b);
		truncate_all(&b);
		tu_free(&b);
	}
}

/* Every subtable Length from 0 to 0xffff and every entry type byte. */
static void test_lengths_and_types(void **state)
{
	(void)state;
	tu_buf b = {0};
	build_rich(&b);
	for (uint32_t v = 0; v <= 0xffff; v += (v < 512 ? 1 : 251)) {
		for (size_t which = 0; which < 3; which++) {
			static const size_t offs[3] = {48, 136, 328}; /* 10h, 40h, first IVMD */
			size_t off = offs[which];
			tu_buf c = {0};
			tu_bytes(&c, b.b, b.n);
			tu_put16(&c, off + 2, (uint16_t)v);
			tu_finish(&c);
			ims_model *m = tu_parse_table(c.b, c.n);
			ims_model_free(m);
			tu_free(&c);
		}
	}
	/* every byte value as the subtable type and as the first 40h entry type */
	size_t h40 = 136;
	for (int v = 0; v < 256; v++) {
		for (int where = 0; where < 3; where++) {
			tu_buf c = {0};
			tu_bytes(&c, b.b, b.n);
			size_t off = where == 0 ? 48 : where == 1 ? h40 : h40 + 40;
			c.b[off] = (uint8_t)v;
			tu_finish(&c);
			ims_model *m = tu_parse_table(c.b, c.n);
			ims_model_free(m);
			tu_free(&c);
		}
	}
	/* F0h UID length 255 at the very end of the IVHD and of the table */
	tu_buf c = {0};
	std10(&c, 2);
	size_t h = open40(&c);
	ent_hid(&c, 0xa5, 0, "AMDI0020", ZERO8, 2, 0, NULL);
	c.b[c.n - 1] = 255;
	sub_end(&c, h);
	tu_finish(&c);
	ims_model *m = tu_parse_table(c.b, c.n);
	assert_int_equal(tu_diag_count(m, "ivrs.entry-truncated"), 1);
	ims_model_free(m);
	tu_free(&c);
	/* F0h with a 200-byte UID: kept (cut to 63 characters) */
	std10(&c, 2);
	h = open40(&c);
	char uid[200];
	memset(uid, 'x', sizeof(uid));
	ent_hid(&c, 0xa5, 0, "AMDI0020", ZERO8, 2, 200, uid);
	sub_end(&c, h);
	tu_finish(&c);
	m = tu_parse_table(c.b, c.n);
	assert_int_equal(m->n_ivhd_entries, 1);
	assert_int_equal(m->ivhd_entries[0].uid_length, 200);
	assert_int_equal(strlen(m->ivhd_entries[0].uid), 63);
	assert_int_equal(m->n_acpidevs, 1);
	ims_model_free(m);
	tu_free(&c);
	tu_free(&b);
}

/* Many IVHDs: the overlap check and unit folding stay fast and bounded. */
static void test_many(void **state)
{
	(void)state;
	tu_buf b = {0};
	ivrs_hdr(&b, 2, IVINFO_STD);
	for (uint16_t k = 0; k < 64; k++) {
		ivhd_spec s = {0x40, 0, (uint16_t)(k << 8 | 2), 0x40, 0xf0000000ull + k * 0x80000ull, 0, 0, 0, 0, 0};
		size_t h = ivhd_begin(&b, &s);
		for (uint16_t r = 0; r < 200; r++) {
			ent4(&b, 0x03, (uint16_t)(r * 8), 0);
			ent4(&b, 0x04, (uint16_t)(r * 8 + 7), 0);
		}
		sub_end(&b, h);
	}
	tu_finish(&b);
	ims_model *m = tu_parse_table(b.b, b.n);
	assert_int_equal(m->n_units, 64);
	assert_int_equal(m->n_coverage, 64 * 200);
	assert_int_equal(tu_diag_count(m, "ivrs.range-overlap"), 0);
	ims_model_free(m);
	tu_free(&b);
}

/* ---------------------------------------------------------------------- */
/* Real dumps (../shared/corpus), skipped when absent                     */
/* ---------------------------------------------------------------------- */
/*
 * Error diagnostics allowed in real dumps, each a genuine firmware defect:
 * (none so far: every IVRS in the corpus decodes without an ivrs.* error).
 */
static const struct { const char *file, *code, *why; } KNOWN_DEFECTS[] = {
	{NULL, NULL, NULL},
};

static bool known_defect(const char *file, const char *code)
{
	for (size_t i = 0; KNOWN_DEFECTS[i].file; i++)
		if (!strcmp(KNOWN_DEFECTS[i].file, file) && !strcmp(KNOWN_DEFECTS[i].code, code))
			return true;
	return false;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *corpus = tu_env("IMS_SHARED_CORPUS");
	char *dir = corpus ? tu_path(corpus, "acpidump/iommu") : NULL;
	if (!dir || !tu_is_dir(dir)) {
		free(dir);
		skip();
	}
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	struct dirent *de;
	size_t nfiles = 0, n40 = 0, n51 = 0;
	while ((de = readdir(dh))) {
		size_t nl = strlen(de->d_name);
		if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt"))
			continue;
		char *path = tu_path(dir, de->d_name);
		size_t len;
		uint8_t *text = tu_read_file(path, &len);
		assert_non_null(text);
		if (!strstr((char *)text, "IVRS @")) {
			free(text);
			free(path);
			continue;
		}
		nfiles++;
		ims_model *m = tu_parse_acpidump((const char *)text, len);
		assert_true(m->ivrs.present);
		if (m->n_units < 1) {
			fprintf(stderr, "%s: no unit\n", de->d_name);
			fail();
		}
		for (size_t i = 0; i < m->n_diags; i++) {
			const ims_diag *d = &m->diags[i];
			if (d->severity == IMS_SEV_ERROR && !strncmp(d->code, "ivrs.", 5) &&
			    !known_defect(de->d_name, d->code)) {
				fprintf(stderr, "%s: unexpected %s: %s\n", de->d_name, d->code, d->message);
				fail();
			}
		}
		/* units are exactly the IVHDs of the selected type, one each */
		size_t nsel = 0;
		for (size_t i = 0; i < m->n_ivhds; i++) {
			const ims_ivhd *h = &m->ivhds[i];
			if (h->table != m->ivrs.table)
				continue;
			assert_int_equal(h->selected, h->type == m->ivrs.selected_ivhd_type);
			if (h->selected) {
				nsel++;
				assert_int_equal(m->units[h->unit].ivhd, (int32_t)i);
			}
			assert_true(h->unit >= 0);
			if (h->type == 0x40)
				n40++;
		}
		if (tu_diag_count(m, "ivrs.ivhd-not-selected") == 0)
			assert_int_equal(nsel, m->n_units);
		for (size_t i = 0; i < m->n_raws; i++)
			if (!strcmp(m->raws[i].context, "ivrs") && m->raws[i].type == 0x51)
				n51++;
		ims_model_free(m);
		free(text);
		free(path);
	}
	closedir(dh);
	free(dir);
	fprintf(stderr, "corpus: %zu IVRS dumps, %zu IVHD 40h, %zu subtables 51h\n", nfiles, n40, n51);
	assert_true(nfiles > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rich_table_view),
		cmocka_unit_test(test_rich_units),
		cmocka_unit_test(test_two_iommus),
		cmocka_unit_test(test_ivhd10_caps),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_every_diagnostic),
		cmocka_unit_test(test_diagnostic_effects),
		cmocka_unit_test(test_truncate_everywhere),
		cmocka_unit_test(test_lengths_and_types),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
