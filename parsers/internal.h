/* SPDX-License-Identifier: MIT */
/* Private helpers shared by the parsers.  Not installed. */
#ifndef IMS_INTERNAL_H
#define IMS_INTERNAL_H

#include "iommuscope/iommuscope.h"

#include <stdarg.h>
#include <string.h>

#if defined(__GNUC__)
#define IMS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define IMS_PRINTF(a, b)
#endif

/* Little-endian loads; callers have bounds-checked (use ims_span_ok). */
static inline uint16_t ims_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t ims_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t ims_le64(const uint8_t *p)
{
	return (uint64_t)ims_le32(p) | ((uint64_t)ims_le32(p + 4) << 32);
}

/* One bounds check for everything: is [off, off+n) inside a buffer of len? */
static inline bool ims_span_ok(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/*
 * Grow a model array by one zeroed element; returns it or NULL (no memory
 * or IMS_MAX_ITEMS reached).  Use through IMS_PUSH(m, name).
 */
void *ims_vec_push(void **items, size_t *n, size_t *cap, size_t elsize);
#define IMS_PUSH(m, name) \
	((__typeof__((m)->name))ims_vec_push((void **)&(m)->name, &(m)->n_##name, &(m)->cap_##name, sizeof(*(m)->name)))

/*
 * Record a diagnostic.  table is a model table index or -1; offset is from
 * the table start (or the input when table < 0); line is 0 when unknown and
 * is derived from the table's acpidump line when table >= 0.
 */
void ims_diag_add(ims_model *m, const char *code, ims_severity sev, uint32_t input, int32_t table,
		  bool has_offset, uint64_t offset, uint32_t line, const char *fmt, ...) IMS_PRINTF(9, 10);

/* Shorthand for table-located diagnostics. */
#define IMS_TDIAG(m, t, code, sev, off, ...) \
	ims_diag_add((m), (code), (sev), (m)->tables[(t)].input, (int32_t)(t), true, (uint64_t)(off), 0, __VA_ARGS__)

/* Per-module decoders, called by ims_parse_table_at on a recorded table. */
void ims_decode_dmar(ims_model *m, int32_t t);
void ims_decode_ivrs(ims_model *m, int32_t t);
void ims_decode_madt(ims_model *m, int32_t t);
void ims_decode_mcfg(ims_model *m, int32_t t);
void ims_decode_hpet(ims_model *m, int32_t t);

/* Per-module post-processing, called by ims_model_finish (idempotent). */
void ims_dmar_finish(ims_model *m);
void ims_ivrs_finish(ims_model *m);

/* Per-module diagnostic catalogs, terminated by a {NULL} entry. */
extern const ims_diag_info ims_diag_codes_acpi[];
extern const ims_diag_info ims_diag_codes_dmar[];
extern const ims_diag_info ims_diag_codes_ivrs[];
extern const ims_diag_info ims_diag_codes_klog[];

/* Copy a fixed-width ASCII field, replacing non-printables, NUL-terminate. */
void ims_copy_ascii(char *dst, const uint8_t *src, size_t n);

/* Set a capability if it is not known yet, or upgrade unknown -> known. */
static inline void ims_cap_set(ims_unit *u, ims_cap_id c, int state, uint32_t value, const char *source)
{
	u->caps[c].state = (int8_t)state;
	u->caps[c].value = value;
	u->caps[c].source = source;
}

#endif
