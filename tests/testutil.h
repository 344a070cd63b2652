/* SPDX-License-Identifier: MIT */
/* Shared helpers for the cmocka tests. */
#ifndef IMS_TESTUTIL_H
#define IMS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "iommuscope/iommuscope.h"

/* Directory from an env var set by ctest (IMS_SOURCE_DIR, IMS_AML_DIR,
 * IMS_SHARED_CORPUS, IMS_BUILD_DIR); NULL if unset. */
const char *tu_env(const char *name);

/* Read a whole file; returns malloc'd buffer (NUL-terminated, *len set) or NULL. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* Join dir + "/" + name into a static-free malloc'd string. */
char *tu_path(const char *dir, const char *name);

/* Is dir an existing directory? */
int tu_is_dir(const char *dir);

/* Byte builder for hand-made tables. */
typedef struct tu_buf {
	uint8_t *b;
	size_t n, cap;
} tu_buf;
void tu_u8(tu_buf *t, uint8_t v);
void tu_u16(tu_buf *t, uint16_t v);
void tu_u32(tu_buf *t, uint32_t v);
void tu_u64(tu_buf *t, uint64_t v);
void tu_bytes(tu_buf *t, const void *p, size_t n);
void tu_put16(tu_buf *t, size_t off, uint16_t v); /* patch in place */
void tu_put32(tu_buf *t, size_t off, uint32_t v);
void tu_free(tu_buf *t);
/* Append a 36-byte ACPI header for sig (length/checksum fixed by tu_finish). */
void tu_acpi_header(tu_buf *t, const char *sig, uint8_t revision);
/* Set header Length = t->n and fix the checksum. */
void tu_finish(tu_buf *t);

/* Parse one binary table into a fresh model (input named "test"), finish it
 * and assert ims_model_check() passes.  Caller frees. */
ims_model *tu_parse_table(const uint8_t *buf, size_t len);
/* Same for acpidump text. */
ims_model *tu_parse_acpidump(const char *text, size_t len);
/* Assert the model passes ims_model_check (prints the reason otherwise). */
void tu_assert_model_ok(const ims_model *m);
/* Does the model have a diagnostic with this code?  Returns count. */
size_t tu_diag_count(const ims_model *m, const char *code);
/* Print all diagnostics (for debugging a failing test). */
void tu_print_diags(const ims_model *m);

#endif
