/* SPDX-License-Identifier: MIT */
/*
 * klog_shared.h - compile the kernel-log patterns once, use them in many
 * parsers.
 *
 * ims_log_parser_new() compiles (PCRE2 + JIT) every pattern of the table and
 * builds the literal prefilter (a 64 KiB digram map, anchor hash, ...) for
 * each parser: about half a millisecond, which dominates when many small
 * logs are parsed (iommuscope batch).  An ims_klog_compiled holds exactly
 * that read-only part; parsers made by ims_log_parser_new_with() borrow it
 * and only allocate their own mutable state (PCRE2 match data, JIT stack,
 * line buffer, hit counters).  Results are identical to ims_log_parser_new.
 *
 * The compiled set is never written after ims_klog_compile() returns, so it
 * may be shared by parsers on any thread (PCRE2 compiled code is shareable;
 * match data and JIT stacks stay per parser).  It must outlive every parser
 * made with it.
 */
#ifndef IOMMUSCOPE_KLOG_SHARED_H
#define IOMMUSCOPE_KLOG_SHARED_H

#include "iommuscope/klog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ims_klog_compiled ims_klog_compiled;

/* Compile the pattern table and build the prefilter; NULL if out of memory. */
ims_klog_compiled *ims_klog_compile(void);
/* Free a compiled set (NULL is fine) after the last parser using it. */
void ims_klog_compiled_free(ims_klog_compiled *c);

/* A parser borrowing c (c == NULL: same as ims_log_parser_new). */
ims_log_parser *ims_log_parser_new_with(ims_model *m, uint32_t input, const ims_klog_compiled *c);

/* ims_parse_log with a borrowed compiled set (c == NULL: ims_parse_log). */
int ims_parse_log_with(ims_model *m, uint32_t input, const char *text, size_t len, const ims_klog_compiled *c);

#ifdef __cplusplus
}
#endif
#endif
