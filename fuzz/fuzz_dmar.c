/* SPDX-License-Identifier: MIT */
/* Harness: the DMAR decoder (signature, length and checksum forced). */
#include "fuzz_forced.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_forced_table("DMAR", data, size);
}
