/* SPDX-License-Identifier: MIT */
/*
 * One test per input in fuzz/regressions/ that once crashed a fuzz harness or
 * violated one of its invariants.  Each test asserts the specific property
 * that was broken (the replay driver, fuzz_replay_<harness>, additionally
 * runs every file through every harness's full set of checks).
 */
#include "testutil.h"
#include "iommuscope/klog.h"
#include "analysis.h"

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

/* All bytes of a fixed char array after its terminating NUL are zero. */
static bool tail_zero(const char *a, size_t n)
{
	const char *z = memchr(a, 0, n);
	if (!z)
		return false;
	for (const char *p = z; p < a + n; p++)
		if (*p)
			return false;
	return true;
}

/*
 * kernel log, one AMD IO_PAGE_FAULT event: the fault's kind[24] was copied
 * whole from an uninitialised stack buffer, so the bytes after the string
 * were stack garbage - streaming and one-shot parsing gave different models.
 * Found by fuzz_log's streaming == one-shot check on its first seed.
 */
static void test_log_fault_kind_uninitialized(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = regression("log-fault-kind-uninitialized", &n);
	/* one-shot first (as fuzz_log does), then streaming in 7-byte chunks */
	ims_model *one = ims_model_new();
	assert_non_null(one);
	assert_int_equal(ims_model_add_input(one, "log", IMS_FMT_LOG, n), 0);
	assert_int_equal(ims_parse_log(one, 0, (const char *)b, n), IMS_OK);
	assert_int_equal(ims_model_finish(one), IMS_OK);
	ims_model *m = ims_model_new();
	assert_non_null(m);
	assert_int_equal(ims_model_add_input(m, "log", IMS_FMT_LOG, n), 0);
	ims_log_parser *p = ims_log_parser_new(m, 0);
	assert_non_null(p);
	for (size_t off = 0; off < n; off += 7) {
		assert_int_equal(ims_log_feed(p, (const char *)b + off, n - off < 7 ? n - off : 7), IMS_OK);
	}
	assert_int_equal(ims_log_finish(p), IMS_OK);
	ims_log_parser_free(p);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	assert_non_null(m->kernel);
	assert_int_equal(m->kernel->n_boots, 1);
	const ims_kboot *bt = &m->kernel->boots[0];
	assert_int_equal(bt->n_faults, 1);
	assert_string_equal(bt->faults[0].kind, "IO_PAGE_FAULT");
	assert_true(tail_zero(bt->faults[0].kind, sizeof(bt->faults[0].kind)));
	assert_true(tail_zero(bt->faults[0].reason_text, sizeof(bt->faults[0].reason_text)));
	assert_non_null(one->kernel);
	assert_int_equal(one->kernel->boots[0].n_faults, 1);
	const ims_kfault *f1 = &one->kernel->boots[0].faults[0];
	assert_true(tail_zero(f1->kind, sizeof(f1->kind)));
	assert_memory_equal(f1->kind, bt->faults[0].kind, sizeof(f1->kind));
	ims_model_free(one);
	ims_model_free(m);
	free(b);
}

/* Parse a whole kernel log (exact-size copy) into a fresh, finished, checked model. */
static ims_model *parse_log_file(const char *name)
{
	size_t n;
	uint8_t *b = regression(name, &n);
	char *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, b, n);
	ims_model *m = ims_model_new();
	assert_non_null(m);
	assert_int_equal(ims_model_add_input(m, "log", IMS_FMT_LOG, n), 0);
	assert_int_equal(ims_parse_log(m, 0, copy, n), IMS_OK);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	free(copy);
	free(b);
	return m;
}

/*
 * kernel log "AMD-Vi: Lazy IO/TLB flushing enabled" (4.x-5.4 wording):
 * memcpy(tlb_policy, "lazy", 7) read 2 bytes past the 5-byte literal
 * (ASan global-buffer-overflow) and stored them after the NUL.
 * Found by fuzz_log (libFuzzer, 6th execution).
 */
static void test_log_amd_lazy_tlb_overread(void **state)
{
	(void)state;
	ims_model *m = parse_log_file("log-amd-lazy-tlb-overread");
	assert_non_null(m->kernel);
	assert_int_equal(m->kernel->n_boots, 1);
	const ims_kboot *b = &m->kernel->boots[0];
	assert_string_equal(b->tlb_policy, "lazy");
	assert_int_equal(b->tlb_policy_line, 1);
	assert_true(tail_zero(b->tlb_policy, sizeof(b->tlb_policy)));
	ims_model_free(m);
}

/*
 * kernel log "Adding to iommu group 2147483648" (and the 4.x "Adding device
 * ... to group 4294967297"): the number was cast to int32_t, giving a
 * negative group (ims_kernel_check failed) or a wrong one (1).  The kernel
 * prints an int, so such lines cannot be real: they are not kept.
 * Found by fuzz_log (libFuzzer, ~3 min, ChangeASCIIInt).
 */
static void test_log_iommu_group_overflow(void **state)
{
	(void)state;
	ims_model *m = parse_log_file("log-iommu-group-overflow");
	assert_non_null(m->kernel);
	assert_int_equal(m->kernel->n_boots, 1);
	const ims_kboot *b = &m->kernel->boots[0];
	for (size_t i = 0; i < b->n_groupdevs; i++)
		assert_true(b->groupdevs[i].group >= 0 && b->groupdevs[i].group != 1);
	assert_int_equal(b->n_groupdevs, 0);
	ims_model_free(m);
}

/* The fuzz_dmar/fuzz_ivrs input convention: force signature, Length = size, checksum. */
static ims_model *parse_forced(const char *name, const char *sig)
{
	size_t n;
	uint8_t *b = regression(name, &n);
	assert_true(n >= 36);
	memcpy(b, sig, 4);
	b[4] = (uint8_t)n;
	b[5] = (uint8_t)(n >> 8);
	b[6] = (uint8_t)(n >> 16);
	b[7] = (uint8_t)(n >> 24);
	b[9] = 0;
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
	ims_model *m = tu_parse_table(b, n);
	assert_int_equal(m->n_tables, 1);
	assert_true(m->tables[0].checksum_ok);
	free(b);
	return m;
}

/*
 * IVRS whose second IVHD (11h at 0x50) declares Length 169 with 101 bytes
 * left: ims_ivhd.length kept the declared 169, so the IVHD's span ran past
 * the table (every other object is clipped, like raws).  The declared length
 * stays in the "ivrs.subtable-past-end" diagnostic.
 * Found by fuzz_ivrs (libFuzzer, 103rd execution).
 */
static void test_ivrs_ivhd_length_past_end(void **state)
{
	(void)state;
	ims_model *m = parse_forced("ivrs-ivhd-length-past-end", "IVRS");
	assert_true(m->n_ivhds >= 2);
	for (size_t i = 0; i < m->n_ivhds; i++)
		assert_true((uint64_t)m->ivhds[i].offset + m->ivhds[i].length <= m->tables[0].size);
	assert_int_equal(m->ivhds[1].offset, 0x50);
	assert_int_equal(m->ivhds[1].length, m->tables[0].size - 0x50);
	assert_int_equal(tu_diag_count(m, "ivrs.subtable-past-end"), 1);
	ims_model_free(m);
}

/*
 * kernel log whose last line (no final newline) is an AMD event cut after
 * "domain=0x000": the key=value walk parsed values with strtoul/strtoull,
 * which ran past the value into the line buffer - in streaming mode the
 * stale "e" of the previous, longer line made the domain 0x000e (one-shot
 * gave 0).  Found by fuzz_log (AFL++, streaming != one-shot).
 */
static void test_log_amd_event_value_overread(void **state)
{
	(void)state;
	size_t n;
	uint8_t *b = regression("log-amd-event-value-overread", &n);
	ims_model *m = ims_model_new();
	assert_non_null(m);
	assert_int_equal(ims_model_add_input(m, "log", IMS_FMT_LOG, n), 0);
	ims_log_parser *p = ims_log_parser_new(m, 0);
	assert_non_null(p);
	for (size_t off = 0; off < n; off++) {
		char c = (char)b[off]; /* one byte per feed: every line goes through the line buffer */
		assert_int_equal(ims_log_feed(p, &c, 1), IMS_OK);
	}
	assert_int_equal(ims_log_finish(p), IMS_OK);
	ims_log_parser_free(p);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	const ims_kboot *bt = &m->kernel->boots[0];
	assert_int_equal(bt->n_faults, 1);
	assert_int_equal(bt->faults[0].count, 2);
	assert_int_equal(bt->faults[0].domain, 0); /* the last event's "domain=0x000" */
	assert_int_equal(bt->faults[0].first_addr, 0x1000);
	ims_model_free(m);
	ims_model *one = parse_log_file("log-amd-event-value-overread");
	assert_int_equal(one->kernel->boots[0].faults[0].domain, 0);
	ims_model_free(one);
	free(b);
}

/*
 * The fuzz_report path: split at the harness separator, detect each part's
 * format, parse into one model, finish, analyze; then every table evidence
 * offset of every finding must lie inside its table.
 */
static void report_evidence_inside(const char *name, const char *rule)
{
	static const char sep[] = "\n#--IMS-NEXT-INPUT--#\n";
	size_t n;
	uint8_t *b = regression(name, &n);
	ims_model *m = ims_model_new();
	assert_non_null(m);
	size_t pos = 0;
	for (int part = 0; part < 3 && pos <= n; part++) {
		const uint8_t *s = part < 2 && n - pos >= sizeof(sep) - 1
					   ? memmem(b + pos, n - pos, sep, sizeof(sep) - 1)
					   : NULL;
		size_t len = s ? (size_t)(s - (b + pos)) : n - pos;
		uint8_t *copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, b + pos, len);
		ims_format f = ims_detect_format(copy, len);
		if (f == IMS_FMT_UNKNOWN)
			f = IMS_FMT_TABLE;
		int in = ims_model_add_input(m, "part", f, len);
		assert_true(in >= 0);
		int rc = f == IMS_FMT_ACPIDUMP ? ims_parse_acpidump(m, (uint32_t)in, (const char *)copy, len)
			 : f == IMS_FMT_TABLE  ? ims_parse_table(m, (uint32_t)in, copy, len)
					       : ims_parse_log(m, (uint32_t)in, (const char *)copy, len);
		assert_int_equal(rc, IMS_OK);
		free(copy);
		if (!s)
			break;
		pos = (size_t)(s - b) + sizeof(sep) - 1;
	}
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	ims_analysis a;
	memset(&a, 0, sizeof(a));
	assert_int_equal(ims_analyze(m, NULL, &a), IMS_OK);
	size_t seen = 0;
	for (size_t i = 0; i < a.n_findings; i++) {
		const ims_finding *f = &a.findings[i];
		seen += !strcmp(f->rule, rule);
		for (unsigned k = 0; k < f->nev; k++) {
			const ims_evidence *e = &f->ev[k];
			if (e->table < 0 || !e->has_offset)
				continue;
			assert_true((size_t)e->table < m->n_tables);
			if (e->offset > m->tables[e->table].size)
				fprintf(stderr, "%s: evidence offset %llu, table %d has %u bytes\n", f->rule,
					(unsigned long long)e->offset, e->table, m->tables[e->table].size);
			assert_true(e->offset <= m->tables[e->table].size);
		}
	}
	assert_true(seen >= 1); /* the rule still fires: only its evidence offset changed */
	ims_analysis_free(&a);
	ims_model_free(m);
	free(b);
}

/*
 * A DMAR cut to 38 bytes whose header Length says more: "dmar-no-drhd"
 * pointed its evidence at offset 48 (the first remapping structure), past
 * the bytes present.  Found by fuzz_report (libFuzzer, seconds).
 */
static void test_report_dmar_no_drhd_evidence(void **state)
{
	(void)state;
	report_evidence_inside("report-dmar-no-drhd-evidence-past-end", "dmar-no-drhd");
}

/*
 * Two IVHDs with different EFRs where the second is cut by the table end:
 * "ivrs-efr-inconsistent" pointed at IVHD offset + 24 (the EFR image), past
 * the bytes present.  Found by fuzz_report (libFuzzer, seconds).
 */
static void test_report_ivrs_efr_evidence(void **state)
{
	(void)state;
	report_evidence_inside("report-ivrs-efr-evidence-past-end", "ivrs-efr-inconsistent");
}

/*
 * kernel log "PCI bridge to [bus 05-04]": the reversed range was kept and
 * ims_kernel_check failed ("bus range reversed").  The kernel prints a
 * resource, never reversed: such a line is not kept as the bridge's range.
 * Found by fuzz_report (libFuzzer).
 */
static void test_log_pci_bridge_reversed(void **state)
{
	(void)state;
	ims_model *m = parse_log_file("log-pci-bridge-reversed-bus-range");
	const ims_kboot *b = &m->kernel->boots[0];
	assert_int_equal(b->n_pci, 1);
	assert_false(b->pci[0].has_bus_range);
	ims_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpidump_skipped_table_length_0),
		cmocka_unit_test(test_log_fault_kind_uninitialized),
		cmocka_unit_test(test_log_amd_lazy_tlb_overread),
		cmocka_unit_test(test_log_iommu_group_overflow),
		cmocka_unit_test(test_ivrs_ivhd_length_past_end),
		cmocka_unit_test(test_log_amd_event_value_overread),
		cmocka_unit_test(test_report_dmar_no_drhd_evidence),
		cmocka_unit_test(test_report_ivrs_efr_evidence),
		cmocka_unit_test(test_log_pci_bridge_reversed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
