/* SPDX-License-Identifier: MIT */
/*
 * json_fast.h - a compact JSON serialiser for jansson values, byte for byte
 * what json_dumps(j, JSON_COMPACT) gives (keys in insertion order, jansson's
 * escapes), without its per-container loop check (a "%p" snprintf and a
 * hash insert per object/array) and per-token callbacks: batch spent a sixth
 * of its CPU time there.  Values must not contain cycles (ours are trees).
 */
#ifndef IMS_JSON_FAST_H
#define IMS_JSON_FAST_H

#include <stddef.h>

#include <jansson.h>

/* NUL-terminated text (free()), *len its length (may be NULL); NULL when
 * j is neither object nor array, a string is not valid UTF-8 (as jansson:
 * it refuses to dump those) or memory ran out. */
char *ims_json_dumps_compact(json_t *j, size_t *len);

#endif
