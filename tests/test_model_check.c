/* SPDX-License-Identifier: MIT */
/*
 * ims_model_check / ims_kernel_check are the invariants every fuzz harness
 * asserts: if they accepted a broken model the fuzzers would be blind.  Each
 * test breaks one invariant of a real model (the bundled sample dumps and
 * log) and requires the checker to reject it, then restores it and requires
 * acceptance again.
 */
#include "testutil.h"
#include "iommuscope/klog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void load(ims_model *m, const char *rel, ims_format f)
{
	const char *src = tu_env("IMS_SOURCE_DIR");
	assert_non_null(src);
	char *p = tu_path(src, rel);
	size_t n;
	uint8_t *b = tu_read_file(p, &n);
	assert_non_null(b);
	int in = ims_model_add_input(m, rel, f, n);
	assert_true(in >= 0);
	int rc = f == IMS_FMT_ACPIDUMP ? ims_parse_acpidump(m, (uint32_t)in, (const char *)b, n)
					: ims_parse_log(m, (uint32_t)in, (const char *)b, n);
	assert_int_equal(rc, IMS_OK);
	free(b);
	free(p);
}

static int setup(void **state)
{
	ims_model *m = ims_model_new();
	load(m, "corpus/samples/intel-desktop.acpidump.txt", IMS_FMT_ACPIDUMP);
	load(m, "corpus/samples/amd-desktop.acpidump.txt", IMS_FMT_ACPIDUMP);
	load(m, "corpus/samples/intel-desktop.dmesg.log", IMS_FMT_LOG);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	ims_model_free(*state);
	return 0;
}

/* The check fails and names what is wrong. */
static void assert_rejected(const ims_model *m, const char *what)
{
	char why[256] = "";
	assert_int_equal(ims_model_check(m, why, sizeof(why)), -1);
	if (!strstr(why, what))
		fprintf(stderr, "expected \"%s\" in \"%s\"\n", what, why);
	assert_non_null(strstr(why, what));
	assert_int_equal(ims_model_check(m, NULL, 0), -1); /* no reason buffer: still detected */
}

/* Point element 0 of each table-object array at a table that does not exist,
 * then past its table's end. */
#define BREAK_TABLE(arr, field)                                                \
	do {                                                                   \
		if (!m->n_##arr)                                               \
			break;                                                 \
		int32_t saved = m->arr[0].field;                               \
		m->arr[0].field = (int32_t)m->n_tables;                        \
		assert_rejected(m, #arr);                                      \
		m->arr[0].field = saved;                                       \
		tu_assert_model_ok(m);                                         \
		tested++;                                                      \
	} while (0)
#define BREAK_OFFSET(arr)                                                      \
	do {                                                                   \
		if (!m->n_##arr)                                               \
			break;                                                 \
		uint32_t saved = m->arr[0].offset;                             \
		m->arr[0].offset = m->tables[m->arr[0].table].size;            \
		assert_rejected(m, #arr);                                      \
		m->arr[0].offset = saved;                                      \
		tu_assert_model_ok(m);                                         \
	} while (0)

static void test_table_spans(void **state)
{
	ims_model *m = *state;
	int tested = 0;
	BREAK_TABLE(raws, table);
	BREAK_TABLE(scopes, table);
	BREAK_TABLE(atsrs, table);
	BREAK_TABLE(satcs, table);
	BREAK_TABLE(sidps, table);
	BREAK_TABLE(rhsas, table);
	BREAK_TABLE(ivhds, table);
	BREAK_TABLE(units, table);
	BREAK_TABLE(coverage, table);
	BREAK_TABLE(specials, table);
	BREAK_TABLE(acpidevs, table);
	BREAK_TABLE(regions, table);
	BREAK_TABLE(ioapics, table);
	BREAK_TABLE(mcfg, table);
	BREAK_OFFSET(scopes);
	BREAK_OFFSET(ivhds);
	BREAK_OFFSET(units);
	BREAK_OFFSET(coverage);
	BREAK_OFFSET(ioapics);
	BREAK_OFFSET(mcfg);
	assert_true(tested >= 10); /* the samples exercise most arrays */
}

static void test_indices(void **state)
{
	ims_model *m = *state;
	assert_true(m->n_ivhd_entries > 0 && m->n_coverage > 0 && m->n_scopes > 0 && m->n_tables > 0);
	uint32_t iv = m->ivhd_entries[0].ivhd;
	m->ivhd_entries[0].ivhd = (uint32_t)m->n_ivhds;
	assert_rejected(m, "ivhd_entries");
	m->ivhd_entries[0].ivhd = iv;

	int32_t u = m->coverage[0].unit;
	m->coverage[0].unit = (int32_t)m->n_units;
	assert_rejected(m, "coverage");
	m->coverage[0].unit = u;

	uint32_t owner = m->scopes[0].owner;
	m->scopes[0].owner = 1000000;
	assert_rejected(m, "owner");
	m->scopes[0].owner = owner;

	uint32_t in = m->tables[0].input;
	m->tables[0].input = (uint32_t)m->n_inputs;
	assert_rejected(m, "tables");
	m->tables[0].input = in;

	if (m->n_diags) {
		int32_t t = m->diags[0].table;
		m->diags[0].table = (int32_t)m->n_tables;
		assert_rejected(m, "diags");
		m->diags[0].table = t;
	}
	if (m->n_units) {
		int8_t st = m->units[0].caps[0].state;
		m->units[0].caps[0].state = 2;
		assert_rejected(m, "units");
		m->units[0].caps[0].state = st;
	}
	tu_assert_model_ok(m);
}

static void test_kernel_view(void **state)
{
	ims_model *m = *state;
	assert_non_null(m->kernel);
	assert_true(m->kernel->n_boots >= 1);
	ims_kboot *b = &m->kernel->boots[0];
	char why[256];
	assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), 0);
	uint32_t last = b->last_line;
	b->last_line = b->first_line ? b->first_line - 1 : 0;
	if (b->first_line) {
		assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), -1);
		assert_int_equal(ims_model_check(m, why, sizeof(why)), -1);
	}
	b->last_line = last;
	if (b->n_pci) {
		uint32_t l = b->pci[0].line;
		b->pci[0].line = b->last_line + 1;
		assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), -1);
		b->pci[0].line = l;
	}
	assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), 0);
	tu_assert_model_ok(m);
}

/* Set one field to a bad value: the kernel check must fail; restore: pass. */
#define BREAK_K(lvalue, bad)                                                            \
	do {                                                                            \
		__typeof__(lvalue) saved_ = (lvalue);                                   \
		(lvalue) = (bad);                                                       \
		assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), -1);    \
		(lvalue) = saved_;                                                      \
		assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), 0);     \
		broken++;                                                               \
	} while (0)

static void test_kernel_fields(void **state)
{
	ims_model *m = *state;
	ims_kboot *b = &m->kernel->boots[0];
	char why[256];
	int broken = 0;
	uint32_t past = b->last_line + 1;
	BREAK_K(b->format_lines[0], b->format_lines[0] + 1);
	BREAK_K(b->version[0], '\x01');
	BREAK_K(b->version_line, past);
	BREAK_K(b->enabled, 5);
	if (b->n_unmatched)
		BREAK_K(b->unmatched_count, (uint32_t)b->n_unmatched - 1);
	BREAK_K(b->fault_events, b->fault_events + 1);
	BREAK_K(b->n_pci, (size_t)IMS_KLOG_MAX_PCI + 1);
	BREAK_K(m->kernel->kernel_lines, m->kernel->lines + 1);
	if (b->n_params)
		BREAK_K(b->params[0].valid, !b->params[0].valid);
	if (b->n_dmar_units)
		BREAK_K(b->dmar_units[0].drhd_line, past);
	if (b->n_rmrrs)
		BREAK_K(b->rmrrs[0].line, past);
	if (b->n_pci)
		BREAK_K(b->pci[0].class_code, 0x1000000u);
	if (b->n_groupdevs)
		BREAK_K(b->groupdevs[0].group, -1);
	if (b->n_fwbugs)
		BREAK_K(b->fwbugs[0].line, past);
	if (b->n_notes)
		BREAK_K(b->notes[0].line, past);
	if (b->n_faults)
		BREAK_K(b->faults[0].count, 0);
	assert_true(broken >= 10);
	tu_assert_model_ok(m);
}

/* Names for out-of-range enum values never crash and say "unknown". */
static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ims_strerror(-99), "<unknown status>");
	assert_string_equal(ims_strerror(IMS_ERR_NOMEM), "out of memory");
	assert_string_equal(ims_severity_name((ims_severity)7), "unknown");
	assert_string_equal(ims_format_name(IMS_FMT_AUTO), "auto");
	assert_string_equal(ims_format_name(IMS_FMT_UNKNOWN), "unknown");
	assert_string_equal(ims_format_name((ims_format)42), "unknown");
	assert_string_equal(ims_cov_kind_name((ims_cov_kind)42), "unknown");
	assert_string_equal(ims_cap_name(IMS_CAP_COUNT), "unknown");
	assert_int_equal(ims_model_add_input(NULL, "x", IMS_FMT_LOG, 0), IMS_ERR_ARG);
	assert_int_equal(ims_model_finish(NULL), IMS_ERR_ARG);
	ims_model_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_spans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_fields, setup, teardown),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
