/* SPDX-License-Identifier: MIT */
/*
 * One test per input in fuzz/regressions/ that once crashed a fuzz harness or
 * violated one of its invariants.  Each test asserts the specific property
 * that was broken (the replay driver, fuzz_replay_<harness>, additionally
 * runs every file through every harness's full set of checks).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *regression(const char *name, size_t *len)
{
	const char *src = tu_env("IMS_SOURCE_DIR");
	assert_non_null(src);
	char *dir = tu_path(src, "fuzz/regressions");
	char *p = tu_path(dir, name);
	uint8_t *b = tu_read_file(p, len);
	if (!b)
		fprintf(stderr, "cannot read %s\n", p);
	assert_non_null(b);
	free(p);
	free(dir);
	return b;
}

/* Every table-located diagnostic lies inside its table's recorded size. */
static void assert_diags_inside_tables(const ims_model *m)
{
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		if (d->table < 0 || !d->has_offset)
			continue;
		if (d->offset > m->tables[d->table].size)
			fprintf(stderr, "diag %s at %llu, table size %u\n", d->code,
				(unsigned long long)d->offset, m->tables[d->table].size);
		assert_true(d->offset <= m->tables[d->table].size);
	}
}

/*
 * acpidump, a table that is not hex-decoded (SSDT) whose header Length is 0:
 * the table's size was taken from the Length field (0) although 36 header
 * bytes were read, so "acpi.bad-length" at offset 4 pointed outside the table.
 * Found by fuzz_acpidump (libFuzzer, 10 s).
 */
static void test_acpidump_skipped_table_length_0(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = regression("acpidump-skipped-table-length-0", &n);
	ims_model *m = tu_parse_acpidump((const char *)b, n);
	assert_int_equal(m->n_tables, 1);
	assert_true(m->tables[0].header_complete);
	assert_int_equal(m->tables[0].length, 0);
	assert_int_equal(tu_diag_count(m, "acpi.bad-length"), 1);
	assert_true(m->tables[0].size >= 36); /* the header bytes were present */
	assert_diags_inside_tables(m);
	ims_model_free(m);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpidump_skipped_table_length_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
