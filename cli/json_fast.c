/* SPDX-License-Identifier: MIT */
/* Compact JSON serialiser matching json_dumps(JSON_COMPACT): see json_fast.h. */
#include "json_fast.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct jbuf {
	char *p;
	size_t n, cap;
	bool bad;
} jbuf;

static bool grow(jbuf *b, size_t more)
{
	if (b->bad)
		return false;
	if (b->n + more < b->cap)
		return true;
	size_t nc = b->cap ? b->cap : 4096;
	while (b->n + more >= nc) {
		if (nc > SIZE_MAX / 2) {
			b->bad = true;
			return false;
		}
		nc *= 2;
	}
	char *np = realloc(b->p, nc);
	if (!np) {
		b->bad = true;
		return false;
	}
	b->p = np;
	b->cap = nc;
	return true;
}

static void put(jbuf *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void putc1(jbuf *b, char c)
{
	if (!grow(b, 1))
		return;
	b->p[b->n++] = c;
}

/* A string: ASCII fast path with jansson's escapes ('"', '\\', control
 * characters; '/' and non-ASCII as is).  Any byte >= 0x80: jansson itself
 * encodes that string (it validates the UTF-8 and fails on bad sequences). */
static void put_string(jbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			json_t *t = json_stringn_nocheck(s, n);
			char *d = t ? json_dumps(t, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
			json_decref(t);
			if (!d) {
				b->bad = true;
				return;
			}
			put(b, d, strlen(d));
			free(d);
			return;
		}
	if (!grow(b, n + 2))
		return;
	b->p[b->n++] = '"';
	size_t run = 0; /* start of the pending unescaped run */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '\\': put(b, "\\\\", 2); break;
		case '"': put(b, "\\\"", 2); break;
		case '\b': put(b, "\\b", 2); break;
		case '\f': put(b, "\\f", 2); break;
		case '\n': put(b, "\\n", 2); break;
		case '\r': put(b, "\\r", 2); break;
		case '\t': put(b, "\\t", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(b, u, 6);
		}
		}
	}
	put(b, s + run, n - run);
	putc1(b, '"');
}

static void put_int(jbuf *b, json_int_t v)
{
	char t[24];
	size_t i = sizeof(t);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--i] = '-';
	put(b, t + i, sizeof(t) - i);
}

static void put_value(jbuf *b, json_t *j, unsigned depth)
{
	if (b->bad)
		return;
	if (!j || depth > 10000) {
		b->bad = true;
		return;
	}
	switch (json_typeof(j)) {
	case JSON_NULL: put(b, "null", 4); break;
	case JSON_TRUE: put(b, "true", 4); break;
	case JSON_FALSE: put(b, "false", 5); break;
	case JSON_INTEGER: put_int(b, json_integer_value(j)); break;
	case JSON_REAL: { /* none in our reports; jansson's own formatting */
		char *d = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!d) {
			b->bad = true;
			return;
		}
		put(b, d, strlen(d));
		free(d);
		break;
	}
	case JSON_STRING: put_string(b, json_string_value(j), json_string_length(j)); break;
	case JSON_ARRAY: {
		putc1(b, '[');
		size_t n = json_array_size(j);
		for (size_t i = 0; i < n && !b->bad; i++) {
			if (i)
				putc1(b, ',');
			put_value(b, json_array_get(j, i), depth + 1);
		}
		putc1(b, ']');
		break;
	}
	case JSON_OBJECT: {
		putc1(b, '{');
		bool first = true;
		for (void *it = json_object_iter(j); it && !b->bad;
		     it = json_object_iter_next(j, it)) {
			if (!first)
				putc1(b, ',');
			first = false;
			put_string(b, json_object_iter_key(it), json_object_iter_key_len(it));
			putc1(b, ':');
			put_value(b, json_object_iter_value(it), depth + 1);
		}
		putc1(b, '}');
		break;
	}
	default: b->bad = true;
	}
}

char *ims_json_dumps_compact(json_t *j, size_t *len)
{
	if (!json_is_object(j) && !json_is_array(j))
		return NULL;
	jbuf b = {NULL, 0, 0, false};
	put_value(&b, j, 0);
	if (!b.bad && grow(&b, 1))
		b.p[b.n] = '\0';
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	if (len)
		*len = b.n;
	return b.p;
}
