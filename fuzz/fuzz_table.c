/* SPDX-License-Identifier: MIT */
/* Harness: one raw binary ACPI table of any signature (ims_parse_table). */
#include "fuzz_common.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = ims_fz_dup(data, size);
	ims_model *m = ims_model_new();
	if (!m)
		abort();
	ims_fz_input in = {buf, size, IMS_FMT_TABLE};
	ims_fz_parse(m, "fuzz", &in);
	ims_fz_finish_and_check(m, &in, 1);
	ims_model_free(m);
	free(buf);
	return 0;
}
