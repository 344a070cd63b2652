/* SPDX-License-Identifier: MIT */
/*
 * Harness body shared by fuzz_dmar.c and fuzz_ivrs.c: the input is a whole
 * table; the harness forces the signature, sets the header Length to the input
 * size and fixes the checksum, so every mutation reaches the decoder instead
 * of stopping at the header checks.  Inputs shorter than the header are padded
 * with zeros to 36 bytes (still an exact-size buffer).
 */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

static int fz_forced_table(const char sig[4], const uint8_t *data, size_t size)
{
	size_t n = size < 36 ? 36 : size;
	uint8_t *buf = malloc(n);
	if (!buf)
		abort();
	memset(buf, 0, n);
	memcpy(buf, data, size);
	memcpy(buf, sig, 4);
	buf[4] = (uint8_t)n;
	buf[5] = (uint8_t)(n >> 8);
	buf[6] = (uint8_t)(n >> 16);
	buf[7] = (uint8_t)(n >> 24);
	buf[9] = 0;
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + buf[i]);
	buf[9] = (uint8_t)(0x100 - sum);
	ims_model *m = ims_model_new();
	if (!m)
		abort();
	ims_fz_input in = {buf, n, IMS_FMT_TABLE};
	ims_fz_parse(m, "fuzz", &in);
	if (m->n_tables != 1 || !m->tables[0].checksum_ok || !m->tables[0].decoded)
		ims_fz_fail("forced %.4s table not recorded as decoded with a good checksum", sig);
	ims_fz_finish_and_check(m, &in, 1);
	ims_model_free(m);
	free(buf);
	return 0;
}
