/* SPDX-License-Identifier: MIT */
/*
 * Harness: the whole report path over a pair (up to 3) of inputs, as
 * `iommuscope report --json A B` runs it: the input is split at
 * IMS_FZ_SEPARATOR, each part is format-detected and parsed into ONE model
 * (tables + kernel log), the model is finished and checked, then rendered as
 * JSON (ims_json_model) and as text (ims_text_tables, diagnostics).
 */
#include "fuzz_common.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

static FILE *devnull;

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
	json_t *j = ims_json_model(m);
	if (!j)
		ims_fz_fail("ims_json_model returned NULL");
	char *s = json_dumps(j, JSON_COMPACT);
	if (!s)
		ims_fz_fail("JSON model could not be serialized");
	free(s);
	json_decref(j);
	if (devnull) {
		ims_text_tables(devnull, m, true);
		ims_text_diagnostics(devnull, m, IMS_SEV_INFO);
	}
	ims_model_free(m);
	for (size_t i = 0; i < np; i++)
		free(bufs[i]);
	return 0;
}
