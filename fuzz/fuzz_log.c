/* SPDX-License-Identifier: MIT */
/*
 * Harness: the kernel-log parser.  The input is parsed twice: one-shot
 * (ims_parse_log) and streaming (ims_log_parser_new/feed/finish) in chunks
 * whose sizes derive from the input.  klog.h promises equal results for any
 * chunking, so the two kernel views and diagnostics are compared.  Every line
 * number kept must lie inside the input.
 */
#include "fuzz_common.h"
#include "iommuscope/klog.h"

#include <stdlib.h>
#include <string.h>

static uint32_t count_lines(const uint8_t *b, size_t n)
{
	uint32_t c = 1;
	for (size_t i = 0; i < n; i++)
		c += b[i] == '\n';
	return c;
}

#define LINE_OK(what, l)                                                                    \
	do {                                                                                \
		if ((l) > nlines)                                                           \
			ims_fz_fail("boot %zu: %s line %u past the %u lines of the input", bi, \
				    what, (unsigned)(l), nlines);                           \
	} while (0)

static void check_lines(const ims_kernel *k, uint32_t nlines)
{
	for (size_t bi = 0; bi < k->n_boots; bi++) {
		const ims_kboot *b = &k->boots[bi];
		LINE_OK("first", b->first_line);
		LINE_OK("last", b->last_line);
		if (b->first_line > b->last_line)
			ims_fz_fail("boot %zu: first line %u > last line %u", bi, b->first_line, b->last_line);
		LINE_OK("version", b->version_line);
		LINE_OK("cmdline", b->cmdline_line);
		LINE_OK("dmi", b->dmi_line);
		LINE_OK("haw", b->haw_line);
		LINE_OK("enabled", b->enabled_line);
		LINE_OK("ir", b->ir.line);
		LINE_OK("ir_why", b->ir_why_line);
		LINE_OK("default_domain", b->default_domain_line);
		for (size_t i = 0; i < b->n_acpi; i++)
			LINE_OK("acpi", b->acpi[i].line);
		for (size_t i = 0; i < b->n_dmar_units; i++) {
			LINE_OK("drhd", b->dmar_units[i].drhd_line);
			LINE_OK("regs", b->dmar_units[i].regs_line);
		}
		for (size_t i = 0; i < b->n_rmrrs; i++)
			LINE_OK("rmrr", b->rmrrs[i].line);
		for (size_t i = 0; i < b->n_specials; i++)
			LINE_OK("special", b->specials[i].line);
		for (size_t i = 0; i < b->n_amd_iommus; i++) {
			LINE_OK("amd", b->amd_iommus[i].line);
			LINE_OK("amd efr", b->amd_iommus[i].efr_line);
		}
		for (size_t i = 0; i < b->n_pci; i++)
			LINE_OK("pci", b->pci[i].line);
		for (size_t i = 0; i < b->n_groupdevs; i++)
			LINE_OK("groupdev", b->groupdevs[i].line);
		for (size_t i = 0; i < b->n_fwbugs; i++)
			LINE_OK("fwbug", b->fwbugs[i].line);
		for (size_t i = 0; i < b->n_faults; i++) {
			LINE_OK("fault", b->faults[i].last_line);
			if (b->faults[i].first_line > b->faults[i].last_line)
				ims_fz_fail("boot %zu: fault first line > last line", bi);
		}
		for (size_t i = 0; i < b->n_notes; i++)
			LINE_OK("note", b->notes[i].line);
		for (size_t i = 0; i < b->n_unmatched; i++)
			LINE_OK("unmatched", b->unmatched[i].line);
		for (size_t i = 0; i < b->n_vfio; i++)
			LINE_OK("vfio", b->vfio[i].line);
		if (b->lines > nlines)
			ims_fz_fail("boot %zu: %u kernel lines in a %u-line input", bi, b->lines, nlines);
	}
	if (k->lines > nlines)
		ims_fz_fail("%llu lines read from a %u-line input", (unsigned long long)k->lines, nlines);
}

#define SAME_ARRAY(name)                                                                              \
	do {                                                                                          \
		if (a->n_##name != b->n_##name ||                                                     \
		    (a->n_##name && memcmp(a->name, b->name, a->n_##name * sizeof(*a->name))))        \
			ims_fz_fail("streaming != one-shot: boot %zu " #name " (%zu vs %zu)", bi,     \
				    a->n_##name, b->n_##name);                                        \
	} while (0)

static void compare_kernels(const ims_kernel *x, const ims_kernel *y)
{
	if (!x || !y) {
		if (x != y && ((x && x->n_boots) || (y && y->n_boots)))
			ims_fz_fail("streaming != one-shot: kernel view present in one only");
		return;
	}
	if (x->n_boots != y->n_boots || x->boots_seen != y->boots_seen || x->lines != y->lines ||
	    x->kernel_lines != y->kernel_lines)
		ims_fz_fail("streaming != one-shot: boots %zu/%zu, lines %llu/%llu, kernel lines %llu/%llu",
			    x->n_boots, y->n_boots, (unsigned long long)x->lines, (unsigned long long)y->lines,
			    (unsigned long long)x->kernel_lines, (unsigned long long)y->kernel_lines);
	for (size_t bi = 0; bi < x->n_boots; bi++) {
		const ims_kboot *a = &x->boots[bi], *b = &y->boots[bi];
		if (a->first_line != b->first_line || a->last_line != b->last_line || a->lines != b->lines ||
		    strcmp(a->version, b->version) || strcmp(a->cmdline, b->cmdline) || a->enabled != b->enabled ||
		    a->ir.state != b->ir.state || memcmp(a->format_lines, b->format_lines, sizeof(a->format_lines)))
			ims_fz_fail("streaming != one-shot: boot %zu summary differs", bi);
		SAME_ARRAY(params);
		SAME_ARRAY(acpi);
		SAME_ARRAY(dmar_units);
		SAME_ARRAY(rmrrs);
		SAME_ARRAY(specials);
		SAME_ARRAY(amd_iommus);
		SAME_ARRAY(hids);
		SAME_ARRAY(pci);
		SAME_ARRAY(groupdevs);
		SAME_ARRAY(fwbugs);
		SAME_ARRAY(faults);
		SAME_ARRAY(notes);
		SAME_ARRAY(unmatched);
		SAME_ARRAY(vfio);
	}
}

static void compare_diags(const ims_model *x, const ims_model *y)
{
	if (x->n_diags != y->n_diags)
		ims_fz_fail("streaming != one-shot: %zu vs %zu diagnostics", x->n_diags, y->n_diags);
	for (size_t i = 0; i < x->n_diags; i++)
		if (strcmp(x->diags[i].code, y->diags[i].code) || x->diags[i].line != y->diags[i].line)
			ims_fz_fail("streaming != one-shot: diagnostic %zu %s@%u vs %s@%u", i, x->diags[i].code,
				    x->diags[i].line, y->diags[i].code, y->diags[i].line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = ims_fz_dup(data, size);
	ims_model *m = ims_model_new();
	ims_model *s = ims_model_new();
	if (!m || !s)
		abort();
	ims_fz_input in = {buf, size, IMS_FMT_LOG};
	ims_fz_parse(m, "fuzz", &in);
	ims_fz_finish_and_check(m, &in, 1);
	if (m->kernel)
		check_lines(m->kernel, count_lines(buf, size));

	/* streaming, chunk sizes from a small LCG seeded by the input */
	int idx = ims_model_add_input(s, "fuzz", IMS_FMT_LOG, size);
	ims_log_parser *p = idx < 0 ? NULL : ims_log_parser_new(s, (uint32_t)idx);
	if (p) {
		uint32_t r = (uint32_t)size * 2654435761u + (size ? buf[size / 2] : 0);
		int rc = IMS_OK;
		for (size_t off = 0; off < size && rc == IMS_OK;) {
			r = r * 1103515245u + 12345u;
			size_t n = 1 + (r >> 16) % ((r & 0x100) ? 7 : 300);
			if (n > size - off)
				n = size - off;
			/* each chunk in its own exact-size buffer too */
			uint8_t *c = ims_fz_dup(buf + off, n);
			rc = ims_log_feed(p, (const char *)c, n);
			free(c);
			off += n;
		}
		if (rc == IMS_OK)
			rc = ims_log_finish(p);
		ims_log_parser_free(p);
		ims_fz_input sin = {buf, size, IMS_FMT_LOG};
		ims_fz_finish_and_check(s, &sin, 1);
		if (rc == IMS_OK) {
			compare_kernels(m->kernel, s->kernel);
			compare_diags(m, s);
		}
	}
	ims_model_free(s);
	ims_model_free(m);
	free(buf);
	return 0;
}
