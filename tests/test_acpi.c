/* SPDX-License-Identifier: MIT */
/* ACPI container formats: acpidump text, raw tables, header/checksum, MADT, MCFG, HPET. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Render bytes as acpidump text (ACPICA's AcpiUtDumpBuffer layout). */
static char *to_acpidump(const char *sig, const uint8_t *b, size_t n, const char *eol, size_t *outlen)
{
	size_t cap = 64 + n * 6 + (n / 16 + 2) * 40;
	char *s = malloc(cap);
	size_t k = (size_t)snprintf(s, cap, "%s @ 0x0000000000000000%s", sig, eol);
	for (size_t off = 0; off < n; off += 16) {
		k += (size_t)snprintf(s + k, cap - k, "    %04zX:", off);
		for (size_t i = off; i < off + 16 && i < n; i++)
			k += (size_t)snprintf(s + k, cap - k, " %02X", b[i]);
		k += (size_t)snprintf(s + k, cap - k, "  ....%s", eol);
	}
	k += (size_t)snprintf(s + k, cap - k, "%s", eol);
	*outlen = k;
	return s;
}

static void build_madt(tu_buf *t)
{
	tu_acpi_header(t, "APIC", 4);
	tu_u32(t, 0xFEE00000);
	tu_u32(t, 1);
	for (uint8_t i = 0; i < 3; i++) { /* local APICs: 2 enabled, 1 disabled */
		tu_u8(t, 0); tu_u8(t, 8); tu_u8(t, i); tu_u8(t, i); tu_u32(t, i < 2 ? 1 : 0);
	}
	tu_u8(t, 1); tu_u8(t, 12); tu_u8(t, 0x21); tu_u8(t, 0); tu_u32(t, 0xFEC00000); tu_u32(t, 0);
	tu_u8(t, 1); tu_u8(t, 12); tu_u8(t, 0x22); tu_u8(t, 0); tu_u32(t, 0xFEC01000); tu_u32(t, 24);
	/* x2APIC entry, enabled */
	tu_u8(t, 9); tu_u8(t, 16); tu_u16(t, 0); tu_u32(t, 0x100); tu_u32(t, 1); tu_u32(t, 0x100);
	/* interrupt source override (known type, ignored) */
	tu_u8(t, 2); tu_u8(t, 10); tu_u8(t, 0); tu_u8(t, 0); tu_u32(t, 2); tu_u16(t, 0);
	tu_finish(t);
}

static void build_mcfg(tu_buf *t)
{
	tu_acpi_header(t, "MCFG", 1);
	tu_u64(t, 0);
	tu_u64(t, 0xE0000000); tu_u16(t, 0); tu_u8(t, 0); tu_u8(t, 0xFF); tu_u32(t, 0);
	tu_u64(t, 0xD0000000); tu_u16(t, 1); tu_u8(t, 0x80); tu_u8(t, 0x10); tu_u32(t, 0); /* bad range */
	tu_finish(t);
}

static void test_madt(void **state)
{
	(void)state;
	tu_buf t = {0};
	build_madt(&t);
	ims_model *m = tu_parse_table(t.b, t.n);
	assert_true(m->madt.present);
	assert_int_equal(m->madt.local_apic_address, 0xFEE00000);
	assert_int_equal(m->madt.ncpus, 3); /* 2 xAPIC + 1 x2APIC enabled */
	assert_int_equal(m->madt.nx2apic, 1);
	assert_int_equal(m->n_ioapics, 2);
	assert_int_equal(m->ioapics[0].id, 0x21);
	assert_int_equal(m->ioapics[1].id, 0x22);
	assert_int_equal(m->ioapics[1].gsi_base, 24);
	assert_int_equal(m->ioapics[1].address, 0xFEC01000);
	assert_int_equal(m->tables[0].checksum_ok, true);
	assert_int_equal(m->n_diags, 0);
	ims_model_free(m);
	tu_free(&t);
}

static void test_madt_zero_length_entry(void **state)
{
	(void)state;
	tu_buf t = {0};
	tu_acpi_header(&t, "APIC", 4);
	tu_u32(&t, 0xFEE00000);
	tu_u32(&t, 1);
	tu_u8(&t, 1); tu_u8(&t, 0); /* zero length: must not loop */
	tu_u32(&t, 0);
	tu_finish(&t);
	ims_model *m = tu_parse_table(t.b, t.n);
	assert_int_equal(tu_diag_count(m, "madt.bad-entry-length"), 1);
	ims_model_free(m);
	tu_free(&t);
}

static void test_mcfg(void **state)
{
	(void)state;
	tu_buf t = {0};
	build_mcfg(&t);
	ims_model *m = tu_parse_table(t.b, t.n);
	assert_int_equal(m->n_mcfg, 2);
	assert_int_equal(m->mcfg[0].base, 0xE0000000);
	assert_int_equal(m->mcfg[0].end_bus, 0xFF);
	assert_int_equal(m->mcfg[1].segment, 1);
	assert_int_equal(tu_diag_count(m, "mcfg.bad-bus-range"), 1);
	ims_model_free(m);
	tu_free(&t);
}

static void test_header_checks(void **state)
{
	(void)state;
	tu_buf t = {0};
	build_mcfg(&t);
	/* bad checksum */
	t.b[40] ^= 0x55;
	ims_model *m = tu_parse_table(t.b, t.n);
	assert_int_equal(tu_diag_count(m, "acpi.bad-checksum"), 1);
	assert_false(m->tables[0].checksum_ok);
	assert_true(m->tables[0].checksum_verified);
	ims_model_free(m);
	t.b[40] ^= 0x55;
	/* trailing bytes beyond Length */
	tu_buf t2 = {0};
	tu_bytes(&t2, t.b, t.n);
	tu_u32(&t2, 0xdeadbeef);
	m = tu_parse_table(t2.b, t2.n);
	assert_int_equal(tu_diag_count(m, "acpi.trailing-bytes"), 1);
	assert_int_equal(m->tables[0].size, t.n);
	assert_true(m->tables[0].checksum_ok);
	ims_model_free(m);
	/* header Length smaller than the header */
	tu_put32(&t2, 4, 20);
	m = tu_parse_table(t2.b, t2.n);
	assert_int_equal(tu_diag_count(m, "acpi.bad-length"), 1);
	ims_model_free(m);
	tu_free(&t2);
	tu_free(&t);
}

/* Every prefix of every table: diagnostics, no crash, model invariants hold. */
static void test_truncate_everywhere(void **state)
{
	(void)state;
	tu_buf a = {0}, b = {0};
	build_madt(&a);
	build_mcfg(&b);
	tu_buf *all[] = {&a, &b};
	for (size_t k = 0; k < 2; k++) {
		for (size_t n = 0; n < all[k]->n; n++) {
			ims_model *m = tu_parse_table(all[k]->b, n);
			assert_true(m->n_tables == 1);
			assert_true(ims_model_count_diags(m, IMS_SEV_ERROR) >= 1);
			ims_model_free(m);
		}
	}
	tu_free(&a);
	tu_free(&b);
}

static void test_acpidump_roundtrip(void **state)
{
	(void)state;
	tu_buf a = {0}, b = {0};
	build_madt(&a);
	build_mcfg(&b);
	const char *eols[] = {"\n", "\r\n"};
	for (int e = 0; e < 2; e++) {
		size_t la, lb;
		char *ta = to_acpidump("APIC", a.b, a.n, eols[e], &la);
		char *tb = to_acpidump("MCFG", b.b, b.n, eols[e], &lb);
		char *txt = malloc(la + lb + 1);
		memcpy(txt, ta, la);
		memcpy(txt + la, tb, lb);
		ims_model *m = tu_parse_acpidump(txt, la + lb);
		assert_int_equal(m->n_tables, 2);
		assert_string_equal(m->tables[0].signature, "APIC");
		assert_string_equal(m->tables[1].signature, "MCFG");
		assert_int_equal(m->tables[0].line, 1);
		assert_true(m->tables[0].checksum_ok);
		assert_true(m->tables[1].checksum_ok);
		assert_int_equal(m->n_ioapics, 2);
		assert_int_equal(m->n_mcfg, 2);
		assert_int_equal(tu_diag_count(m, "acpidump.bad-hex"), 0);
		ims_model_free(m);
		/* truncated text at every byte: never crashes, model stays valid */
		for (size_t n = 0; n < la + lb; n += (n < la + 40 ? 1 : 7)) {
			m = tu_parse_acpidump(txt, n);
			ims_model_free(m);
		}
		free(ta);
		free(tb);
		free(txt);
	}
	tu_free(&a);
	tu_free(&b);
}

static void test_acpidump_variants(void **state)
{
	(void)state;
	tu_buf a = {0};
	build_mcfg(&a);
	size_t la;
	char *ta = to_acpidump("MCFG", a.b, a.n, "\n", &la);
	/* old header variants + RSDP + a skipped table + trailing garbage */
	const char *pre = "RSD PTR @ 0xf6cd0\n    0000: 52 53 44 20 50 54 52 20 00 41 4C 41 53 4B 41 00  RSD PTR .ALASKA.\n\n"
			  "SSDT @ (nil)\n    0000: 53 53 44 54 24 00 00 00 02 00 41 42 43 44 45 46  SSDT....ABCDEF\n"
			  "    0010: 41 42 43 44 45 46 47 48 01 00 00 00 49 4E 54 4C  ABCDEFGH....INTL\n"
			  "    0020: 01 00 00 00                                      ....\n\n";
	const char *post = "random trailing garbage line\n";
	size_t lp = strlen(pre), lq = strlen(post);
	char *txt = malloc(lp + la + lq);
	memcpy(txt, pre, lp);
	memcpy(txt + lp, ta, la);
	memcpy(txt + lp + la, post, lq);
	ims_model *m = tu_parse_acpidump(txt, lp + la + lq);
	assert_int_equal(m->n_tables, 3);
	assert_string_equal(m->tables[0].signature, "RSDP");
	assert_int_equal(m->tables[0].address, 0xf6cd0);
	assert_string_equal(m->tables[1].signature, "SSDT");
	assert_string_equal(m->tables[1].oem_id, "ABCDEF");
	assert_false(m->tables[1].decoded);
	assert_false(m->tables[1].checksum_verified);
	assert_string_equal(m->tables[2].signature, "MCFG");
	assert_int_equal(m->n_mcfg, 2);
	ims_model_free(m);

	/* truncated last table: the rows stop early */
	m = tu_parse_acpidump(ta, la - 60);
	assert_int_equal(tu_diag_count(m, "acpi.table-truncated"), 1);
	ims_model_free(m);

	/* malformed hex in a row */
	char *bad = malloc(la);
	memcpy(bad, ta, la);
	char *row = strstr(bad, "0010:");
	row[7] = 'Z';
	m = tu_parse_acpidump(bad, la);
	assert_int_equal(tu_diag_count(m, "acpidump.bad-hex"), 1);
	assert_true(m->diags[0].line == 3);
	ims_model_free(m);

	/* no tables at all */
	m = tu_parse_acpidump("hello\nworld\n", 12);
	assert_int_equal(tu_diag_count(m, "acpidump.no-tables"), 1);
	ims_model_free(m);
	/* header with no rows */
	m = tu_parse_acpidump("DMAR @ 0x0\n\n", 12);
	assert_int_equal(tu_diag_count(m, "acpidump.empty-table"), 1);
	ims_model_free(m);
	free(bad);
	free(ta);
	free(txt);
	tu_free(&a);
}

static void test_detect_format(void **state)
{
	(void)state;
	tu_buf a = {0};
	build_mcfg(&a);
	assert_int_equal(ims_detect_format(a.b, a.n), IMS_FMT_TABLE);
	size_t la;
	char *ta = to_acpidump("MCFG", a.b, a.n, "\n", &la);
	assert_int_equal(ims_detect_format(ta, la), IMS_FMT_ACPIDUMP);
	const char *log = "[    0.000000] Linux version 6.1.0 (gcc)\n[    0.1] DMAR: IOMMU enabled\n";
	assert_int_equal(ims_detect_format(log, strlen(log)), IMS_FMT_LOG);
	uint8_t zeros[64] = {0};
	assert_int_equal(ims_detect_format(zeros, sizeof(zeros)), IMS_FMT_UNKNOWN);
	assert_int_equal(ims_detect_format(NULL, 0), IMS_FMT_UNKNOWN);
	free(ta);
	tu_free(&a);
}

static void test_samples(void **state)
{
	(void)state;
	const char *src = tu_env("IMS_SOURCE_DIR");
	if (!src)
		skip();
	const char *names[] = {"corpus/samples/intel-desktop.acpidump.txt", "corpus/samples/amd-desktop.acpidump.txt"};
	for (int i = 0; i < 2; i++) {
		char *p = tu_path(src, names[i]);
		size_t n;
		uint8_t *b = tu_read_file(p, &n);
		assert_non_null(b);
		ims_model *m = tu_parse_acpidump((const char *)b, n);
		assert_int_equal(m->n_tables, 5);
		for (size_t k = 0; k < m->n_tables; k++)
			assert_true(m->tables[k].checksum_ok || !m->tables[k].checksum_verified);
		assert_true(m->madt.present);
		assert_true(m->madt.has_hpet_table);
		assert_int_equal(ims_model_count_diags(m, IMS_SEV_WARNING), 0);
		ims_model_free(m);
		free(b);
		free(p);
	}
}

/*
 * Genuine firmware defects in the shared corpus: the only error-severity
 * diagnostics allowed there.  Anything else is a decoder bug.
 */
static const struct {
	const char *hwid, *code, *why;
} known_defects[] = {
	/* Lenovo: the INCLUDE_PCI_ALL DRHD has register base 0; Linux prints
	 * "Your BIOS is broken; DMAR reported at address 0!" and disables VT-d. */
	{"188EB681251A", "dmar.drhd-base-zero", "DRHD register base 0"},
};

static bool is_known_defect(const char *file, const char *code)
{
	for (size_t i = 0; i < sizeof(known_defects) / sizeof(known_defects[0]); i++)
		if (!strncmp(file, known_defects[i].hwid, strlen(known_defects[i].hwid)) &&
		    !strcmp(code, known_defects[i].code))
			return true;
	return false;
}

/* Every real dump: every table recorded, no crash, no error diagnostic but
 * the known firmware defects above. */
static void corpus_dir(const char *sub, bool *any)
{
	const char *sc = tu_env("IMS_SHARED_CORPUS");
	char *dir = sc ? tu_path(sc, sub) : NULL;
	if (!dir || !tu_is_dir(dir)) {
		free(dir);
		return;
	}
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "ls %s", dir);
	FILE *ls = popen(cmd, "r");
	char name[512];
	while (fgets(name, sizeof(name), ls)) {
		name[strcspn(name, "\n")] = 0;
		char *p = tu_path(dir, name);
		size_t n;
		uint8_t *b = tu_read_file(p, &n);
		assert_non_null(b);
		ims_model *m = tu_parse_acpidump((const char *)b, n);
		/* every "SIG @ " header became a table */
		size_t headers = 0;
		for (const char *q = (const char *)b; (q = strstr(q, " @ 0x")); q++)
			headers++;
		assert_int_equal(m->n_tables, headers);
		for (size_t i = 0; i < m->n_diags; i++) {
			const ims_diag *d = &m->diags[i];
			if (d->severity == IMS_SEV_ERROR && !is_known_defect(name, d->code)) {
				fprintf(stderr, "%s/%s: %s %s\n", sub, name, d->code, d->message);
				fail();
			}
		}
		ims_model_free(m);
		free(b);
		free(p);
		*any = true;
	}
	pclose(ls);
	free(dir);
}

static void test_shared_corpus(void **state)
{
	(void)state;
	bool any = false;
	corpus_dir("acpidump/full", &any);
	corpus_dir("acpidump/iommu", &any);
	if (!any)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_madt_zero_length_entry),
		cmocka_unit_test(test_mcfg),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_truncate_everywhere),
		cmocka_unit_test(test_acpidump_roundtrip),
		cmocka_unit_test(test_acpidump_variants),
		cmocka_unit_test(test_detect_format),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_shared_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
