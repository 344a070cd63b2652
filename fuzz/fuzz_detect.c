/* SPDX-License-Identifier: MIT */
/*
 * Harness: format detection (ims_detect_format) on an exact-size buffer, then
 * the parser the CLI would pick for it.  Also checks that detection depends
 * only on the bytes (same answer twice) and never looks at a byte past len
 * (ASan, exact-size buffer).
 */
#include "fuzz_common.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = ims_fz_dup(data, size);
	ims_format f = ims_detect_format(buf, size);
	if (f != ims_detect_format(buf, size))
		ims_fz_fail("ims_detect_format is not deterministic");
	if (size == 0 && f != IMS_FMT_UNKNOWN)
		ims_fz_fail("empty input detected as %s", ims_format_name(f));
	ims_model *m = ims_model_new();
	if (!m)
		abort();
	ims_fz_input in = {buf, size, IMS_FMT_AUTO};
	ims_fz_parse(m, "fuzz", &in);
	ims_fz_finish_and_check(m, &in, 1);
	ims_model_free(m);
	free(buf);
	return 0;
}
