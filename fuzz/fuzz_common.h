/* SPDX-License-Identifier: MIT */
/*
 * Shared code of the fuzz harnesses (libFuzzer, AFL++ and the replay driver
 * all call LLVMFuzzerTestOneInput of one harness).
 */
#ifndef IMS_FUZZ_COMMON_H
#define IMS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "iommuscope/iommuscope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print "iommuscope fuzz: <harness>: <reason>" to stderr and abort(). */
#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 1, 2)))
#endif
void ims_fz_fail(const char *fmt, ...);

/* Copy into an exact-size heap buffer so ASan sees any read past the end
 * (malloc(0) is avoided: an empty input gets a 1-byte block, length 0). */
uint8_t *ims_fz_dup(const uint8_t *data, size_t size);

/* One input of a model, as given to the parser. */
typedef struct ims_fz_input {
	const uint8_t *buf;
	size_t len;
	ims_format format;
} ims_fz_input;

/*
 * Finish the model and check every invariant the harnesses assert:
 * ims_model_check() == 0; every diagnostic code is in the catalog and its
 * message is terminated; table-located diagnostics lie inside their table,
 * input-located ones inside their input; tables recorded from an input lie
 * inside it; IVHD subtables, scopes and raws lie inside their table;
 * ims_model_finish is idempotent (a second call changes nothing).
 * Aborts (ims_fz_fail) on the first violation.
 */
void ims_fz_finish_and_check(ims_model *m, const ims_fz_input *in, size_t nin);

/* Register an input and parse it in the given format (AUTO = detect, as the
 * CLI does).  Returns the parser's status; aborts on IMS_ERR_ARG. */
int ims_fz_parse(ims_model *m, const char *name, ims_fz_input *in);

/* Split data at IMS_FZ_SEPARATOR into at most max parts (report harness). */
#define IMS_FZ_SEPARATOR "\n#--IMS-NEXT-INPUT--#\n"
size_t ims_fz_split(const uint8_t *data, size_t size, const uint8_t **parts, size_t *lens, size_t max);

#endif
