/* SPDX-License-Identifier: MIT */
/*
 * Harness: the whole `iommuscope report` path over a pair (up to 3) of
 * inputs.  The input is split at IMS_FZ_SEPARATOR; each part is
 * format-detected and parsed into ONE model as cmd_report does (tables with
 * ims_parse_acpidump/ims_parse_table, logs with ims_parse_log); the model is
 * finished and checked; then the analysis runs (ims_analyze: every rule and
 * question), every finding's evidence must point inside the inputs, and the
 * report is rendered as JSON (ims_report_json, ims_findings_json,
 * ims_json_model) and as text (ims_report_text, ims_text_tables).
 */
#include "fuzz_common.h"
#include "analysis.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *devnull;

static void check_evidence(const ims_model *m, const ims_analysis *a, const ims_fz_input *in, size_t nin)
{
	for (size_t i = 0; i < a->n_findings; i++) {
		const ims_finding *f = &a->findings[i];
		if (!f->rule || f->severity > IMS_SEV_ERROR || f->nev > IMS_MAX_EVIDENCE ||
		    !memchr(f->message, 0, sizeof(f->message)))
			ims_fz_fail("findings[%zu]: malformed", i);
		for (unsigned k = 0; k < f->nev; k++) {
			const ims_evidence *e = &f->ev[k];
			if (e->table >= 0) {
				if ((size_t)e->table >= m->n_tables)
					ims_fz_fail("findings[%zu] %s: evidence table %d of %zu", i, f->rule, e->table,
						    m->n_tables);
				if (e->has_offset && e->offset > m->tables[e->table].size)
					ims_fz_fail("findings[%zu] %s: evidence offset %llu outside table %d (%u bytes)",
						    i, f->rule, (unsigned long long)e->offset, e->table,
						    m->tables[e->table].size);
			}
			if (e->input >= 0) {
				if ((size_t)e->input >= m->n_inputs)
					ims_fz_fail("findings[%zu] %s: evidence input %d", i, f->rule, e->input);
				if ((size_t)e->input < nin && e->table < 0 && e->has_offset &&
				    e->offset > in[e->input].len)
					ims_fz_fail("findings[%zu] %s: evidence offset past the input", i, f->rule);
				/* lines of table evidence are derived (header line + offset / 16) and
				 * approximate for non-16-byte rows: only log evidence is checked */
				if ((size_t)e->input < nin && e->line && e->table < 0) {
					size_t lines = 1;
					for (size_t b = 0; b < in[e->input].len; b++)
						lines += in[e->input].buf[b] == '\n';
					if (e->line > lines)
						ims_fz_fail("findings[%zu] %s: evidence line %u past the %zu lines", i,
							    f->rule, e->line, lines);
				}
			}
			if (!memchr(e->what, 0, sizeof(e->what)))
				ims_fz_fail("findings[%zu]: evidence text not terminated", i);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	const uint8_t *parts[3];
	size_t lens[3];
	size_t np = ims_fz_split(data, size, parts, lens, 3);
	ims_fz_input in[3];
	uint8_t *bufs[3];
	ims_model *m = ims_model_new();
	if (!m)
		abort();
	for (size_t i = 0; i < np; i++) {
		bufs[i] = ims_fz_dup(parts[i], lens[i]);
		in[i] = (ims_fz_input){bufs[i], lens[i], IMS_FMT_AUTO};
		ims_fz_parse(m, i ? "b" : "a", &in[i]);
	}
	ims_fz_finish_and_check(m, in, np);

	ims_analysis a;
	memset(&a, 0, sizeof(a));
	int rc = ims_analyze(m, NULL, &a);
	if (rc != IMS_OK && rc != IMS_ERR_NOMEM)
		ims_fz_fail("ims_analyze returned %d", rc);
	check_evidence(m, &a, in, np);
	json_t *j[3] = {ims_report_json(m, &a), ims_findings_json(m, &a, IMS_SEV_INFO), ims_json_model(m)};
	for (int i = 0; i < 3; i++) {
		if (!j[i])
			ims_fz_fail("JSON rendering %d returned NULL", i);
		char *s = json_dumps(j[i], JSON_COMPACT);
		if (!s)
			ims_fz_fail("JSON rendering %d could not be serialized", i);
		free(s);
		json_decref(j[i]);
	}
	if (devnull) {
		ims_report_text(devnull, m, &a, true);
		ims_text_tables(devnull, m, true);
		ims_text_diagnostics(devnull, m, IMS_SEV_INFO);
	}
	ims_analysis_free(&a);
	ims_model_free(m);
	for (size_t i = 0; i < np; i++)
		free(bufs[i]);
	return 0;
}
