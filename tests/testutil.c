/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *tu_env(const char *name)
{
	const char *v = getenv(name);
	return (v && *v) ? v : NULL;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = malloc(cap + 1);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			b = realloc(b, cap + 1);
		}
		size_t r = fread(b + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	b[n] = 0;
	*len = n;
	return b;
}

char *tu_path(const char *dir, const char *name)
{
	size_t a = strlen(dir), c = strlen(name);
	char *p = malloc(a + c + 2);
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, c + 1);
	return p;
}

int tu_is_dir(const char *dir)
{
	struct stat st;
	return dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static void grow(tu_buf *t, size_t k)
{
	if (t->n + k > t->cap) {
		t->cap = (t->n + k) * 2 + 64;
		t->b = realloc(t->b, t->cap);
	}
}
void tu_u8(tu_buf *t, uint8_t v)
{
	grow(t, 1);
	t->b[t->n++] = v;
}
void tu_u16(tu_buf *t, uint16_t v)
{
	tu_u8(t, (uint8_t)v);
	tu_u8(t, (uint8_t)(v >> 8));
}
void tu_u32(tu_buf *t, uint32_t v)
{
	tu_u16(t, (uint16_t)v);
	tu_u16(t, (uint16_t)(v >> 16));
}
void tu_u64(tu_buf *t, uint64_t v)
{
	tu_u32(t, (uint32_t)v);
	tu_u32(t, (uint32_t)(v >> 32));
}
void tu_bytes(tu_buf *t, const void *p, size_t n)
{
	grow(t, n);
	memcpy(t->b + t->n, p, n);
	t->n += n;
}
void tu_put16(tu_buf *t, size_t off, uint16_t v)
{
	t->b[off] = (uint8_t)v;
	t->b[off + 1] = (uint8_t)(v >> 8);
}
void tu_put32(tu_buf *t, size_t off, uint32_t v)
{
	tu_put16(t, off, (uint16_t)v);
	tu_put16(t, off + 2, (uint16_t)(v >> 16));
}
void tu_free(tu_buf *t)
{
	free(t->b);
	t->b = NULL;
	t->n = t->cap = 0;
}
void tu_acpi_header(tu_buf *t, const char *sig, uint8_t revision)
{
	tu_bytes(t, sig, 4);
	tu_u32(t, 0); /* length */
	tu_u8(t, revision);
	tu_u8(t, 0); /* checksum */
	tu_bytes(t, "IMSOEM", 6);
	tu_bytes(t, "IMSTABLE", 8);
	tu_u32(t, 1);
	tu_bytes(t, "INTL", 4);
	tu_u32(t, 0x20200925);
}
void tu_finish(tu_buf *t)
{
	tu_put32(t, 4, (uint32_t)t->n);
	t->b[9] = 0;
	uint8_t sum = 0;
	for (size_t i = 0; i < t->n; i++)
		sum = (uint8_t)(sum + t->b[i]);
	t->b[9] = (uint8_t)(0x100 - sum);
}

void tu_assert_model_ok(const ims_model *m)
{
	char why[256] = "";
	int r = ims_model_check(m, why, sizeof(why));
	if (r)
		fprintf(stderr, "model check failed: %s\n", why);
	assert_int_equal(r, 0);
}

ims_model *tu_parse_table(const uint8_t *buf, size_t len)
{
	ims_model *m = ims_model_new();
	assert_non_null(m);
	int in = ims_model_add_input(m, "test", IMS_FMT_TABLE, len);
	assert_true(in >= 0);
	/* exact-size copy so ASan catches over-reads */
	uint8_t *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, buf, len);
	assert_int_equal(ims_parse_table(m, (uint32_t)in, copy, len), 0);
	free(copy);
	assert_int_equal(ims_model_finish(m), 0);
	tu_assert_model_ok(m);
	return m;
}

ims_model *tu_parse_acpidump(const char *text, size_t len)
{
	ims_model *m = ims_model_new();
	assert_non_null(m);
	int in = ims_model_add_input(m, "test", IMS_FMT_ACPIDUMP, len);
	assert_true(in >= 0);
	char *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, text, len);
	assert_int_equal(ims_parse_acpidump(m, (uint32_t)in, copy, len), 0);
	free(copy);
	assert_int_equal(ims_model_finish(m), 0);
	tu_assert_model_ok(m);
	return m;
}

size_t tu_diag_count(const ims_model *m, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n_diags; i++)
		if (strcmp(m->diags[i].code, code) == 0)
			n++;
	return n;
}

void tu_print_diags(const ims_model *m)
{
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		fprintf(stderr, "  %s %s @%llu: %s\n", ims_severity_name(d->severity), d->code,
			(unsigned long long)d->offset, d->message);
	}
}
