/* SPDX-License-Identifier: MIT */
/* Shared checks of the fuzz harnesses: see fuzz_common.h. */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(IMS_FZ_HAVE_KLOG)
#include "iommuscope/klog.h"
#endif

void ims_fz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("iommuscope fuzz: invariant violated: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

uint8_t *ims_fz_dup(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		ims_fz_fail("out of memory copying %zu input bytes", size);
	if (size)
		memcpy(p, data, size);
	return p;
}

int ims_fz_parse(ims_model *m, const char *name, ims_fz_input *in)
{
	ims_format f = in->format;
	if (f == IMS_FMT_AUTO) {
		f = ims_detect_format(in->buf, in->len);
		if (f != IMS_FMT_ACPIDUMP && f != IMS_FMT_TABLE && f != IMS_FMT_LOG && f != IMS_FMT_UNKNOWN)
			ims_fz_fail("ims_detect_format returned %d", (int)f);
		if (f == IMS_FMT_UNKNOWN)
			f = IMS_FMT_TABLE; /* what a table directory does with it */
		in->format = f;
	}
	int idx = ims_model_add_input(m, name, f, in->len);
	if (idx < 0)
		return idx;
	int rc = IMS_OK;
	switch (f) {
	case IMS_FMT_ACPIDUMP:
		rc = ims_parse_acpidump(m, (uint32_t)idx, (const char *)in->buf, in->len);
		break;
	case IMS_FMT_TABLE:
		rc = ims_parse_table(m, (uint32_t)idx, in->buf, in->len);
		break;
	case IMS_FMT_LOG:
#if defined(IMS_FZ_HAVE_KLOG)
		rc = ims_parse_log(m, (uint32_t)idx, (const char *)in->buf, in->len);
#endif
		break;
	default:
		break;
	}
	if (rc == IMS_ERR_ARG)
		ims_fz_fail("%s parser returned IMS_ERR_ARG for valid arguments", ims_format_name(f));
	return rc;
}

size_t ims_fz_split(const uint8_t *data, size_t size, const uint8_t **parts, size_t *lens, size_t max)
{
	const size_t sl = sizeof(IMS_FZ_SEPARATOR) - 1;
	size_t n = 0, pos = 0;
	while (n + 1 < max) {
		const uint8_t *s = size - pos >= sl ? memmem(data + pos, size - pos, IMS_FZ_SEPARATOR, sl) : NULL;
		if (!s)
			break;
		parts[n] = data + pos;
		lens[n] = (size_t)(s - (data + pos));
		n++;
		pos = (size_t)(s - data) + sl;
	}
	parts[n] = data + pos;
	lens[n] = size - pos;
	return n + 1;
}

/* ---------------------------------------------------------------------- */
/* Invariants beyond ims_model_check                                      */
/* ---------------------------------------------------------------------- */
static bool in_catalog(const char *code, const ims_diag_info *cat, size_t ncat)
{
	for (size_t i = 0; i < ncat; i++)
		if (cat[i].code == code || !strcmp(cat[i].code, code))
			return true;
	return false;
}

static size_t count_lines(const uint8_t *b, size_t n)
{
	size_t c = 1;
	for (const uint8_t *p = b, *e = b + n; p < e; p++) {
		p = memchr(p, '\n', (size_t)(e - p));
		if (!p)
			break;
		c++;
	}
	return c;
}

static void check_diags(const ims_model *m, const ims_fz_input *in, size_t nin)
{
	ims_diag_info cat[1024];
	size_t ncat = ims_diag_catalog(cat, sizeof(cat) / sizeof(cat[0]));
	if (ncat > sizeof(cat) / sizeof(cat[0]))
		ncat = sizeof(cat) / sizeof(cat[0]);
	const char *seen[64];
	size_t nseen = 0;
	size_t lines[8] = {0};
	for (size_t i = 0; i < nin && i < 8; i++)
		lines[i] = count_lines(in[i].buf, in[i].len);
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		if (!memchr(d->message, 0, sizeof(d->message)))
			ims_fz_fail("diags[%zu] (%s): message not terminated", i, d->code);
		bool known = false;
		for (size_t k = 0; k < nseen && !known; k++)
			known = seen[k] == d->code;
		if (!known) {
			if (!in_catalog(d->code, cat, ncat))
				ims_fz_fail("diags[%zu]: code \"%s\" is not in the diagnostic catalog", i, d->code);
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = d->code;
		}
		if (d->input >= m->n_inputs)
			ims_fz_fail("diags[%zu] (%s): input %u of %zu", i, d->code, d->input, m->n_inputs);
		if (d->table >= 0) {
			const ims_table *t = &m->tables[d->table];
			if (d->has_offset && d->offset > t->size)
				ims_fz_fail("diags[%zu] (%s): offset %llu past the %u bytes of table %d", i, d->code,
					    (unsigned long long)d->offset, t->size, d->table);
			if (t->input != d->input)
				ims_fz_fail("diags[%zu] (%s): input %u but table %d is from input %u", i, d->code,
					    d->input, d->table, t->input);
		} else if (d->input < nin) {
			if (d->has_offset && d->offset > in[d->input].len)
				ims_fz_fail("diags[%zu] (%s): offset %llu past the %zu-byte input", i, d->code,
					    (unsigned long long)d->offset, in[d->input].len);
			if (d->input < 8 && d->line > lines[d->input])
				ims_fz_fail("diags[%zu] (%s): line %u past the %zu lines of the input", i, d->code,
					    d->line, lines[d->input]);
		}
	}
	if (m->diags_truncated && m->n_diags < IMS_MAX_DIAGS)
		ims_fz_fail("diags_truncated with only %zu diagnostics", m->n_diags);
}

static void check_tables(const ims_model *m, const ims_fz_input *in, size_t nin)
{
	for (size_t i = 0; i < m->n_tables; i++) {
		const ims_table *t = &m->tables[i];
		if (t->input >= nin)
			continue;
		const ims_fz_input *src = &in[t->input];
		if (t->input_offset > src->len)
			ims_fz_fail("tables[%zu]: input offset %llu past the %zu-byte input", i,
				    (unsigned long long)t->input_offset, src->len);
		if (src->format == IMS_FMT_TABLE && t->size > src->len)
			ims_fz_fail("tables[%zu]: %u bytes from a %zu-byte binary input", i, t->size, src->len);
		if (t->decoded && !t->header_complete)
			ims_fz_fail("tables[%zu]: decoded without a complete header", i);
		if (t->checksum_ok && !t->checksum_verified)
			ims_fz_fail("tables[%zu]: checksum_ok but not verified", i);
		if (!memchr(t->oem_id, 0, sizeof(t->oem_id)) || !memchr(t->oem_table_id, 0, sizeof(t->oem_table_id)) ||
		    !memchr(t->creator_id, 0, sizeof(t->creator_id)))
			ims_fz_fail("tables[%zu]: unterminated id string", i);
	}
	for (size_t i = 0; i < m->n_ivhds; i++) {
		const ims_ivhd *h = &m->ivhds[i];
		const ims_table *t = &m->tables[h->table];
		if ((uint64_t)h->offset + h->length > t->size)
			ims_fz_fail("ivhds[%zu]: %u+%u outside the %u-byte table", i, h->offset, h->length, t->size);
	}
	for (size_t i = 0; i < m->n_ivhd_entries; i++) {
		const ims_ivhd_entry *e = &m->ivhd_entries[i];
		const ims_ivhd *h = &m->ivhds[e->ivhd];
		if (e->offset < h->offset || (uint64_t)e->offset + e->length > (uint64_t)h->offset + h->length)
			ims_fz_fail("ivhd_entries[%zu]: %u+%u outside its IVHD %u+%u", i, e->offset, e->length,
				    h->offset, h->length);
		if (!memchr(e->hid, 0, sizeof(e->hid)) || !memchr(e->cid, 0, sizeof(e->cid)) ||
		    !memchr(e->uid, 0, sizeof(e->uid)))
			ims_fz_fail("ivhd_entries[%zu]: unterminated id string", i);
	}
	for (size_t i = 0; i < m->n_scopes; i++) {
		const ims_scope *s = &m->scopes[i];
		if (s->bdf_known && s->path_len == 0)
			ims_fz_fail("scopes[%zu]: bdf known without a path", i);
	}
	for (size_t i = 0; i < m->n_coverage; i++) {
		const ims_coverage *c = &m->coverage[i];
		if (c->first > c->last && c->bdf_known)
			ims_fz_fail("coverage[%zu]: first > last", i);
	}
	for (size_t i = 0; i < m->n_units; i++)
		for (int c = 0; c < IMS_CAP_COUNT; c++)
			if (m->units[i].caps[c].state >= 0 && !m->units[i].caps[c].source)
				ims_fz_fail("units[%zu]: capability %s known without a source", i, ims_cap_name((ims_cap_id)c));
}

/* ---------------------------------------------------------------------- */
/* Idempotence of ims_model_finish                                        */
/* ---------------------------------------------------------------------- */
#define SNAP_ARRAYS(X) \
	X(diags) X(raws) X(scopes) X(atsrs) X(satcs) X(sidps) X(rhsas) X(ivhds) X(ivhd_entries) X(units) \
	X(coverage) X(specials) X(acpidevs) X(regions) X(ioapics) X(mcfg)

typedef struct snap {
#define X(name) void *name; size_t n_##name;
	SNAP_ARRAYS(X)
#undef X
	ims_dmar_info dmar;
	ims_ivrs_info ivrs;
	ims_madt_info madt;
} snap;

static void *dup_array(const void *p, size_t n, size_t el)
{
	if (!n)
		return NULL;
	void *c = malloc(n * el);
	if (!c)
		ims_fz_fail("out of memory (snapshot)");
	memcpy(c, p, n * el);
	return c;
}

static void snap_take(snap *s, const ims_model *m)
{
#define X(name) s->name = dup_array(m->name, m->n_##name, sizeof(*m->name)); s->n_##name = m->n_##name;
	SNAP_ARRAYS(X)
#undef X
	s->dmar = m->dmar;
	s->ivrs = m->ivrs;
	s->madt = m->madt;
}

static void snap_compare_free(snap *s, const ims_model *m)
{
#define X(name)                                                                                          \
	if (s->n_##name != m->n_##name)                                                                  \
		ims_fz_fail("ims_model_finish is not idempotent: " #name " %zu -> %zu", s->n_##name,      \
			    m->n_##name);                                                                \
	if (s->n_##name && memcmp(s->name, m->name, s->n_##name * sizeof(*m->name)))                     \
		ims_fz_fail("ims_model_finish is not idempotent: " #name " changed");                     \
	free(s->name);
	SNAP_ARRAYS(X)
#undef X
	if (memcmp(&s->dmar, &m->dmar, sizeof(s->dmar)) || memcmp(&s->ivrs, &m->ivrs, sizeof(s->ivrs)) ||
	    memcmp(&s->madt, &m->madt, sizeof(s->madt)))
		ims_fz_fail("ims_model_finish is not idempotent: dmar/ivrs/madt info changed");
}

void ims_fz_finish_and_check(ims_model *m, const ims_fz_input *in, size_t nin)
{
	int rc = ims_model_finish(m);
	if (rc != IMS_OK && rc != IMS_ERR_NOMEM)
		ims_fz_fail("ims_model_finish returned %d", rc);
	char why[512];
	if (ims_model_check(m, why, sizeof(why)))
		ims_fz_fail("ims_model_check: %s", why);
	check_diags(m, in, nin);
	check_tables(m, in, nin);
	snap s;
	snap_take(&s, m);
	if (ims_model_finish(m) != rc)
		ims_fz_fail("second ims_model_finish returned another status");
	snap_compare_free(&s, m);
}
