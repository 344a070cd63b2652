/* SPDX-License-Identifier: MIT */
/*
 * The documented limits (iommuscope.h "Limits", klog.h IMS_KLOG_MAX_*): each
 * is hit on purpose and the parser must stop there, say so, and keep a
 * consistent model.
 */
#include "testutil.h"
#include "iommuscope/klog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ims_model *new_model(uint32_t *in, ims_format f, uint64_t size)
{
	ims_model *m = ims_model_new();
	assert_non_null(m);
	int i = ims_model_add_input(m, "limits", f, size);
	assert_true(i >= 0);
	*in = (uint32_t)i;
	return m;
}

/* IMS_MAX_INPUT: a longer buffer is refused before any byte is read. */
static void test_max_input(void **state)
{
	(void)state;
	uint32_t in;
	ims_model *m = new_model(&in, IMS_FMT_TABLE, 0);
	static const uint8_t one[1] = {0};
	/* the parsers must check len before touching buf: a 1-byte buffer suffices */
	assert_int_equal(ims_parse_table(m, in, one, IMS_MAX_INPUT + 1), IMS_ERR_LIMIT);
	assert_int_equal(ims_parse_acpidump(m, in, (const char *)one, IMS_MAX_INPUT + 1), IMS_ERR_LIMIT);
	assert_int_equal(m->n_tables, 0);
	assert_string_equal(ims_strerror(IMS_ERR_LIMIT), "input too large");
	tu_assert_model_ok(m);
	ims_model_free(m);
}

/* MCFG with n allocation entries; start > end bus when bad. */
static uint8_t *big_mcfg(size_t entries, bool bad, size_t *len)
{
	size_t n = 44 + 16 * entries;
	uint8_t *b = calloc(1, n);
	assert_non_null(b);
	memcpy(b, "MCFG", 4);
	b[4] = (uint8_t)n;
	b[5] = (uint8_t)(n >> 8);
	b[6] = (uint8_t)(n >> 16);
	b[7] = (uint8_t)(n >> 24);
	b[8] = 1;
	memcpy(b + 10, "IMSOEMLIMITS", 12);
	for (size_t i = 0; i < entries; i++) {
		uint8_t *e = b + 44 + 16 * i;
		e[3] = 0xe0;                      /* base 0xe0000000 */
		e[8] = (uint8_t)i;                /* segment */
		e[10] = bad ? 0x80 : 0;           /* start bus */
		e[11] = bad ? 0x10 : 0xff;        /* end bus */
	}
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
	*len = n;
	return b;
}

/*
 * IMS_MAX_TABLE (16 MiB kept per table) and IMS_MAX_ITEMS (elements per model
 * array): a 16 MiB + 32-byte MCFG is cut to 16 MiB with "acpi.too-large",
 * and its 1,048,573 whole entries inside the kept bytes stop at 1,000,000.
 */
static void test_max_table_and_items(void **state)
{
	(void)state;
	size_t entries = (IMS_MAX_TABLE + 32 - 44) / 16, n;
	uint8_t *b = big_mcfg(entries, false, &n);
	assert_true(n > IMS_MAX_TABLE);
	ims_model *m = tu_parse_table(b, n);
	assert_int_equal(m->n_tables, 1);
	assert_int_equal(m->tables[0].size, IMS_MAX_TABLE);
	assert_int_equal(m->tables[0].length, n);
	assert_int_equal(tu_diag_count(m, "acpi.too-large"), 1);
	assert_true(m->tables[0].checksum_ok); /* the checksum covers all bytes read */
	assert_true((IMS_MAX_TABLE - 44) / 16 > IMS_MAX_ITEMS);
	assert_int_equal(m->n_mcfg, IMS_MAX_ITEMS);
	assert_int_equal(tu_diag_count(m, "model.items-limit"), 1); /* dropped entries are reported, once */
	assert_int_equal(ims_model_finish(m), 0);
	assert_int_equal(tu_diag_count(m, "model.items-limit"), 1);
	ims_model_free(m);
	free(b);
}

/* IMS_MAX_TABLES per model: the 4097th and later are refused, one diagnostic each. */
static void test_max_tables(void **state)
{
	(void)state;
	tu_buf t = {0};
	tu_acpi_header(&t, "SSDT", 2);
	tu_finish(&t);
	uint32_t in;
	ims_model *m = new_model(&in, IMS_FMT_TABLE, t.n);
	for (unsigned i = 0; i < IMS_MAX_TABLES + 3; i++)
		assert_int_equal(ims_parse_table(m, in, t.b, t.n), IMS_OK);
	assert_int_equal(m->n_tables, IMS_MAX_TABLES);
	assert_int_equal(tu_diag_count(m, "acpi.too-many-tables"), 3);
	assert_int_equal(m->tables[IMS_MAX_TABLES - 1].instance, IMS_MAX_TABLES - 1);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	ims_model_free(m);
	tu_free(&t);
}

/* IMS_MAX_DIAGS: 20,000 bad MCFG bus ranges keep 10,000 diagnostics and flag the rest. */
static void test_max_diags(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = big_mcfg(20000, true, &n);
	ims_model *m = tu_parse_table(b, n);
	assert_int_equal(m->n_mcfg, 20000);
	assert_int_equal(m->n_diags, IMS_MAX_DIAGS);
	assert_true(m->diags_truncated);
	assert_int_equal(tu_diag_count(m, "mcfg.bad-bus-range"), IMS_MAX_DIAGS);
	ims_model_free(m);
	free(b);
}

/*
 * acpidump text of a decoded table larger than IMS_MAX_TABLE: hex decoding
 * stops (acpi.too-large) instead of growing without bound.
 */
static void test_acpidump_table_too_large(void **state)
{
	(void)state;
	size_t rows = IMS_MAX_TABLE / 16 + 4;
	size_t cap = 64 + rows * 64;
	char *s = malloc(cap);
	assert_non_null(s);
	size_t k = (size_t)snprintf(s, cap, "DMAR @ 0x0000000000000000\n");
	static const char hdr[] = " 44 4D 41 52 00 00 00 02 01 00 49 4D 53 4F 45 4D";
	for (size_t r = 0; r < rows; r++) {
		k += (size_t)snprintf(s + k, cap - k, "    %04zX:%s\n", (r * 16) & 0xffff,
				      r ? " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" : hdr);
	}
	ims_model *m = tu_parse_acpidump(s, k);
	assert_true(tu_diag_count(m, "acpi.too-large") >= 1); /* text overflow (+ table cut) */
	for (size_t i = 0; i < m->n_tables; i++)
		assert_true(m->tables[i].size <= IMS_MAX_TABLE);
	ims_model_free(m);
	free(s);
}

/* A 1 MiB line (no newline) in acpidump text is skipped in linear time. */
static void test_acpidump_long_line(void **state)
{
	(void)state;
	size_t n = 1u << 20;
	char *s = malloc(n);
	assert_non_null(s);
	memset(s, 'A', n);
	memcpy(s, "DMAR @ 0x0\n    0000:", 20);
	ims_model *m = tu_parse_acpidump(s, n);
	/* "0000:" followed by no hex byte: a row of zero bytes, so no header */
	assert_int_equal(m->n_tables, 1);
	assert_int_equal(m->tables[0].size, 0);
	assert_int_equal(tu_diag_count(m, "acpi.header-truncated"), 1);
	ims_model_free(m);
	free(s);
}

/*
 * IMS_MAX_SCOPE_PATH: a DMAR endpoint scope with a 20-hop path keeps the
 * first 16 hops and says so ("dmar.scope-path-too-long"); the scope is not
 * a single hop, so its BDF is not claimed.
 */
static void test_dmar_scope_path(void **state)
{
	(void)state;
	tu_buf t = {0};
	tu_acpi_header(&t, "DMAR", 1);
	tu_u8(&t, 38); /* HAW 39 bits */
	tu_u8(&t, 1);
	for (int i = 0; i < 10; i++)
		tu_u8(&t, 0);
	size_t drhd = t.n;
	tu_u16(&t, 0); /* DRHD */
	tu_u16(&t, 0); /* length, patched */
	tu_u8(&t, 0);
	tu_u8(&t, 0);
	tu_u16(&t, 0);
	tu_u64(&t, 0xfed90000);
	const unsigned hops = 20;
	tu_u8(&t, 1); /* endpoint */
	tu_u8(&t, (uint8_t)(6 + 2 * hops));
	tu_u16(&t, 0);
	tu_u8(&t, 0);  /* enumeration id */
	tu_u8(&t, 0);  /* start bus */
	for (unsigned h = 0; h < hops; h++) {
		tu_u8(&t, (uint8_t)(h % 32));
		tu_u8(&t, 0);
	}
	tu_put16(&t, drhd + 2, (uint16_t)(t.n - drhd));
	tu_finish(&t);
	ims_model *m = tu_parse_table(t.b, t.n);
	assert_int_equal(m->n_scopes, 1);
	assert_int_equal(m->scopes[0].path_len, IMS_MAX_SCOPE_PATH);
	assert_int_equal(m->scopes[0].length, 6 + 2 * hops);
	for (unsigned h = 0; h < IMS_MAX_SCOPE_PATH; h++)
		assert_int_equal(m->scopes[0].path[h][0], h);
	assert_false(m->scopes[0].bdf_known);
	assert_int_equal(tu_diag_count(m, "dmar.scope-path-too-long"), 1);
	ims_model_free(m);
	tu_free(&t);
}

/* ---------------------------------------------------------------------- */
/* Kernel-log limits (klog.h)                                             */
/* ---------------------------------------------------------------------- */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
}
static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static ims_model *parse_log(const sbuf *b)
{
	uint32_t in;
	ims_model *m = new_model(&in, IMS_FMT_LOG, b->n);
	char *copy = malloc(b->n ? b->n : 1);
	assert_non_null(copy);
	memcpy(copy, b->s, b->n);
	assert_int_equal(ims_parse_log(m, in, copy, b->n), IMS_OK);
	free(copy);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	assert_non_null(m->kernel);
	return m;
}

/*
 * IMS_KLOG_MAX_LINE: a fact in the first 4096 bytes of a 20,000-byte line is
 * found; the same fact after the first 4096 bytes is not; both lines get one
 * "klog.line-too-long"; the line after them is read normally.
 */
static void test_log_max_line(void **state)
{
	(void)state;
	sbuf b = {0};
	char pad[20000];
	memset(pad, 'x', sizeof(pad));
	sb_str(&b, "[    0.000000] Linux version 6.1.0-limits\n");
	sb_str(&b, "[    0.100000] DMAR: Host address width 39 ");
	sb_add(&b, pad, sizeof(pad));
	sb_str(&b, "\n[    0.100001] ");
	sb_add(&b, pad, IMS_KLOG_MAX_LINE);
	sb_str(&b, " DMAR: Host address width 46\n");
	sb_str(&b, "[    0.200000] iommu: Default domain type: Translated\n");
	ims_model *m = parse_log(&b);
	assert_int_equal(tu_diag_count(m, "klog.line-too-long"), 2);
	assert_int_equal(m->kernel->n_boots, 1);
	const ims_kboot *k = &m->kernel->boots[0];
	assert_int_equal(k->haw, 39);
	assert_int_equal(k->haw_line, 2);
	assert_string_equal(k->default_domain, "Translated");
	assert_int_equal(k->default_domain_line, 4);
	assert_int_equal(m->kernel->lines, 4);
	ims_model_free(m);
	free(b.s);
}

/* IMS_KLOG_MAX_BOOTS: 20 boots keep the newest 16, counting all 20. */
static void test_log_max_boots(void **state)
{
	(void)state;
	sbuf b = {0};
	char line[128];
	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "[    0.000000] Linux version 6.%d.0-limits (gcc) #1 SMP\n", i);
		sb_str(&b, line);
		sb_str(&b, "[    0.100000] DMAR: IOMMU enabled\n");
	}
	ims_model *m = parse_log(&b);
	assert_int_equal(m->kernel->boots_seen, 20);
	assert_int_equal(m->kernel->n_boots, IMS_KLOG_MAX_BOOTS);
	assert_int_equal(m->kernel->boots[0].number, 20 - IMS_KLOG_MAX_BOOTS);
	assert_int_equal(m->kernel->boots[0].first_line, 2 * (20 - IMS_KLOG_MAX_BOOTS) + 1);
	assert_true(tu_diag_count(m, "klog.boots-dropped") >= 1);
	ims_model_free(m);
	free(b.s);
}

/* IMS_KLOG_MAX_PCI: 5000 PCI devices keep 4096 and count 904, one diagnostic. */
static void test_log_max_pci(void **state)
{
	(void)state;
	sbuf b = {0};
	char line[160];
	sb_str(&b, "[    0.000000] Linux version 6.1.0-limits\n");
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line), "[    0.300000] pci 0000:%02x:%02x.%u: [8086:1234] type 00 class 0x020000\n",
			 (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7);
		sb_str(&b, line);
	}
	ims_model *m = parse_log(&b);
	const ims_kboot *k = &m->kernel->boots[0];
	assert_int_equal(k->n_pci, IMS_KLOG_MAX_PCI);
	assert_int_equal(k->n_pci_dropped, 5000 - IMS_KLOG_MAX_PCI);
	assert_int_equal(tu_diag_count(m, "klog.cap-reached"), 1);
	ims_model_free(m);
	free(b.s);
}

/* IMS_MAX_INPUT applies to kernel logs too. */
static void test_log_max_input(void **state)
{
	(void)state;
	uint32_t in;
	ims_model *m = new_model(&in, IMS_FMT_LOG, 0);
	static const char one[1] = {0};
	assert_int_equal(ims_parse_log(m, in, one, IMS_MAX_INPUT + 1), IMS_ERR_LIMIT);
	ims_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_input),
		cmocka_unit_test(test_max_table_and_items),
		cmocka_unit_test(test_max_tables),
		cmocka_unit_test(test_max_diags),
		cmocka_unit_test(test_acpidump_table_too_large),
		cmocka_unit_test(test_acpidump_long_line),
		cmocka_unit_test(test_dmar_scope_path),
		cmocka_unit_test(test_log_max_line),
		cmocka_unit_test(test_log_max_boots),
		cmocka_unit_test(test_log_max_pci),
		cmocka_unit_test(test_log_max_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
