/* SPDX-License-Identifier: MIT */
/* The model object: allocation, diagnostics, invariants, small helpers. */
#include "internal.h"
#include "iommuscope/klog.h"

#include <stdio.h>
#include <stdlib.h>

const char *ims_strerror(int status)
{
	static const char *const names[] = {
		[0] = "ok",
		[1] = "out of memory",
		[2] = "invalid argument",
		[3] = "input too large",
	};
	int i = status < 0 ? -status : status;
	if (i < (int)(sizeof(names) / sizeof(names[0])) && names[i])
		return names[i];
	return "<unknown status>";
}

const char *ims_severity_name(ims_severity s)
{
	switch (s) {
	case IMS_SEV_INFO: return "info";
	case IMS_SEV_WARNING: return "warning";
	case IMS_SEV_ERROR: return "error";
	}
	return "unknown";
}

const char *ims_format_name(ims_format f)
{
	switch (f) {
	case IMS_FMT_AUTO: return "auto";
	case IMS_FMT_ACPIDUMP: return "acpidump";
	case IMS_FMT_TABLE: return "table";
	case IMS_FMT_LOG: return "log";
	case IMS_FMT_UNKNOWN: return "unknown";
	}
	return "unknown";
}

const char *ims_cap_name(ims_cap_id c)
{
	static const char *const names[IMS_CAP_COUNT] = {
		[IMS_CAP_INTR_REMAP] = "intr_remap",
		[IMS_CAP_X2APIC] = "x2apic",
		[IMS_CAP_PASID] = "pasid",
		[IMS_CAP_PRI] = "pri",
		[IMS_CAP_ATS] = "ats",
		[IMS_CAP_GUEST_TRANSLATION] = "guest_translation",
		[IMS_CAP_COHERENT] = "coherent",
		[IMS_CAP_PASSTHROUGH] = "passthrough",
		[IMS_CAP_POSTED_INTR] = "posted_interrupts",
		[IMS_CAP_PERF_COUNTERS] = "perf_counters",
		[IMS_CAP_DIRTY_TRACKING] = "dirty_tracking",
		[IMS_CAP_SNOOP_CONTROL] = "snoop_control",
		[IMS_CAP_VA_BITS] = "va_bits",
		[IMS_CAP_PA_BITS] = "pa_bits",
	};
	return (unsigned)c < IMS_CAP_COUNT ? names[c] : "unknown";
}

const char *ims_cov_kind_name(ims_cov_kind k)
{
	switch (k) {
	case IMS_COV_ALL: return "all";
	case IMS_COV_SELECT: return "select";
	case IMS_COV_RANGE: return "range";
	case IMS_COV_ALIAS_SELECT: return "alias-select";
	case IMS_COV_ALIAS_RANGE: return "alias-range";
	case IMS_COV_EXT_SELECT: return "ext-select";
	case IMS_COV_EXT_RANGE: return "ext-range";
	case IMS_COV_SCOPE_ENDPOINT: return "scope-endpoint";
	case IMS_COV_SCOPE_BRIDGE: return "scope-bridge";
	}
	return "unknown";
}

void ims_bdf_format(uint16_t segment, uint16_t bdf, char out[16])
{
	snprintf(out, 16, "%04x:%02x:%02x.%u", segment, IMS_BDF_BUS(bdf), IMS_BDF_DEV(bdf), IMS_BDF_FN(bdf));
}

void ims_copy_ascii(char *dst, const uint8_t *src, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		uint8_t c = src[i];
		if (c == 0)
			break;
		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
}

void *ims_vec_push(void **items, size_t *n, size_t *cap, size_t elsize)
{
	if (*n >= IMS_MAX_ITEMS)
		return NULL;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		if (ncap > IMS_MAX_ITEMS)
			ncap = IMS_MAX_ITEMS;
		void *p = realloc(*items, ncap * elsize);
		if (!p)
			return NULL;
		*items = p;
		*cap = ncap;
	}
	char *slot = (char *)*items + *n * elsize;
	memset(slot, 0, elsize);
	(*n)++;
	return slot;
}

void ims_diag_add(ims_model *m, const char *code, ims_severity sev, uint32_t input, int32_t table,
		  bool has_offset, uint64_t offset, uint32_t line, const char *fmt, ...)
{
	if (m->n_diags >= IMS_MAX_DIAGS) {
		m->diags_truncated = true;
		return;
	}
	ims_diag *d = IMS_PUSH(m, diags);
	if (!d)
		return;
	d->code = code;
	d->severity = sev;
	d->input = input;
	d->table = table;
	d->has_offset = has_offset;
	d->offset = offset;
	d->line = line;
	if (!line && table >= 0 && (size_t)table < m->n_tables && m->tables[table].line && has_offset)
		d->line = (uint32_t)(m->tables[table].line + 1 + offset / 16);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

ims_model *ims_model_new(void)
{
	ims_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->dmar.table = -1;
	m->ivrs.table = -1;
	m->madt.table = -1;
	return m;
}

void ims_model_free(ims_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_inputs; i++)
		free(m->inputs[i].name);
	for (size_t i = 0; i < m->n_tables; i++)
		free(m->tables[i].data);
	free(m->inputs);
	free(m->tables);
	free(m->diags);
	free(m->raws);
	free(m->scopes);
	free(m->atsrs);
	free(m->satcs);
	free(m->sidps);
	free(m->rhsas);
	free(m->ivhds);
	free(m->ivhd_entries);
	free(m->units);
	free(m->coverage);
	free(m->specials);
	free(m->acpidevs);
	free(m->regions);
	free(m->ioapics);
	free(m->mcfg);
	free(m->sigcounts);
	ims_kernel_free(m->kernel);
	free(m);
}

int ims_model_add_input(ims_model *m, const char *name, ims_format f, uint64_t size)
{
	if (!m || !name)
		return IMS_ERR_ARG;
	ims_input *in = IMS_PUSH(m, inputs);
	if (!in)
		return IMS_ERR_NOMEM;
	size_t n = strlen(name);
	in->name = malloc(n + 1);
	if (!in->name) {
		m->n_inputs--;
		return IMS_ERR_NOMEM;
	}
	memcpy(in->name, name, n + 1);
	in->format = f;
	in->size = size;
	return (int)(m->n_inputs - 1);
}

size_t ims_model_count_diags(const ims_model *m, ims_severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n_diags; i++)
		if (m->diags[i].severity >= min)
			n++;
	return n;
}

#define CHECK(cond, ...)                                  \
	do {                                              \
		if (!(cond)) {                            \
			snprintf(why, whylen, __VA_ARGS__); \
			return -1;                        \
		}                                         \
	} while (0)

static int check_table_span(const ims_model *m, int32_t t, uint64_t off, uint64_t len, char *why, size_t whylen,
			    const char *what, size_t i)
{
	CHECK(t >= 0 && (size_t)t < m->n_tables, "%s[%zu]: table index %d out of range", what, i, t);
	CHECK(off <= m->tables[t].size && len <= m->tables[t].size - off,
	      "%s[%zu]: span %llu+%llu outside table of %u bytes", what, i, (unsigned long long)off,
	      (unsigned long long)len, m->tables[t].size);
	return 0;
}

int ims_model_check(const ims_model *m, char *why, size_t whylen)
{
	static char dummy[2];
	if (!why || whylen == 0) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	CHECK(m != NULL, "model is NULL");
	CHECK(m->n_diags <= IMS_MAX_DIAGS, "too many diagnostics");
	for (size_t i = 0; i < m->n_tables; i++) {
		const ims_table *t = &m->tables[i];
		CHECK(t->input < m->n_inputs, "tables[%zu]: input out of range", i);
		CHECK(t->size <= IMS_MAX_TABLE, "tables[%zu]: size too large", i);
		CHECK(!t->decoded || t->data || t->size == 0, "tables[%zu]: decoded without data", i);
		CHECK(strlen(t->signature) <= 4, "tables[%zu]: signature", i);
	}
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		CHECK(d->code && d->code[0], "diags[%zu]: no code", i);
		CHECK(d->severity <= IMS_SEV_ERROR, "diags[%zu]: severity", i);
		CHECK(d->input < m->n_inputs || m->n_inputs == 0, "diags[%zu]: input", i);
		CHECK(d->table >= -1 && (d->table < 0 || (size_t)d->table < m->n_tables), "diags[%zu]: table", i);
		if (d->table >= 0 && d->has_offset)
			CHECK(d->offset <= m->tables[d->table].size + 0x10000u, "diags[%zu]: offset far past table", i);
	}
	for (size_t i = 0; i < m->n_raws; i++)
		if (check_table_span(m, m->raws[i].table, m->raws[i].offset, m->raws[i].length, why, whylen, "raws", i))
			return -1;
	for (size_t i = 0; i < m->n_scopes; i++) {
		const ims_scope *s = &m->scopes[i];
		if (check_table_span(m, s->table, s->offset, s->path_len * 2u + 6u > s->length ? 6u : s->length, why,
				     whylen, "scopes", i))
			return -1;
		CHECK(s->path_len <= IMS_MAX_SCOPE_PATH, "scopes[%zu]: path_len", i);
		size_t owners = s->owner_kind == IMS_OWNER_DRHD	  ? m->n_units
				: s->owner_kind == IMS_OWNER_RMRR ? m->n_regions
				: s->owner_kind == IMS_OWNER_ATSR ? m->n_atsrs
				: s->owner_kind == IMS_OWNER_SATC ? m->n_satcs
								  : m->n_sidps;
		CHECK(s->owner < owners, "scopes[%zu]: owner %u out of range", i, s->owner);
	}
#define CHECK_SCOPES(arr)                                                                            \
	for (size_t i = 0; i < m->n_##arr; i++) {                                                    \
		CHECK(m->arr[i].first_scope + (size_t)m->arr[i].nscopes <= m->n_scopes,              \
		      #arr "[%zu]: scopes out of range", i);                                        \
		if (check_table_span(m, m->arr[i].table, m->arr[i].offset, 4, why, whylen, #arr, i)) \
			return -1;                                                                   \
	}
	CHECK_SCOPES(atsrs)
	CHECK_SCOPES(satcs)
	CHECK_SCOPES(sidps)
	for (size_t i = 0; i < m->n_rhsas; i++) {
		CHECK(m->rhsas[i].unit >= -1 && m->rhsas[i].unit < (int64_t)m->n_units, "rhsas[%zu]: unit", i);
		if (check_table_span(m, m->rhsas[i].table, m->rhsas[i].offset, 4, why, whylen, "rhsas", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_ivhds; i++) {
		const ims_ivhd *h = &m->ivhds[i];
		CHECK(h->first_entry + (size_t)h->nentries <= m->n_ivhd_entries, "ivhds[%zu]: entries", i);
		CHECK(h->unit >= -1 && h->unit < (int64_t)m->n_units, "ivhds[%zu]: unit", i);
		if (check_table_span(m, h->table, h->offset, 6, why, whylen, "ivhds", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_ivhd_entries; i++) {
		const ims_ivhd_entry *e = &m->ivhd_entries[i];
		CHECK(e->ivhd < m->n_ivhds, "ivhd_entries[%zu]: ivhd", i);
		if (check_table_span(m, m->ivhds[e->ivhd].table, e->offset, e->length ? e->length : 1, why, whylen,
				     "ivhd_entries", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_units; i++) {
		const ims_unit *u = &m->units[i];
		CHECK(u->vendor == IMS_VENDOR_INTEL || u->vendor == IMS_VENDOR_AMD, "units[%zu]: vendor", i);
		CHECK(u->ivhd >= -1 && u->ivhd < (int64_t)m->n_ivhds, "units[%zu]: ivhd", i);
		for (int c = 0; c < IMS_CAP_COUNT; c++)
			CHECK(u->caps[c].state >= -1 && u->caps[c].state <= 1, "units[%zu]: cap %d", i, c);
		if (check_table_span(m, u->table, u->offset, 4, why, whylen, "units", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_coverage; i++) {
		const ims_coverage *c = &m->coverage[i];
		CHECK(c->unit >= 0 && (size_t)c->unit < m->n_units, "coverage[%zu]: unit", i);
		CHECK(!c->bdf_known || c->first <= c->last, "coverage[%zu]: first > last", i);
		CHECK(c->scope >= -1 && c->scope < (int64_t)m->n_scopes, "coverage[%zu]: scope", i);
		if (check_table_span(m, c->table, c->offset, 1, why, whylen, "coverage", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_specials; i++) {
		const ims_special *s = &m->specials[i];
		CHECK(s->unit >= 0 && (size_t)s->unit < m->n_units, "specials[%zu]: unit", i);
		CHECK(s->kind == IMS_SPECIAL_IOAPIC || s->kind == IMS_SPECIAL_HPET, "specials[%zu]: kind", i);
		CHECK(s->scope >= -1 && s->scope < (int64_t)m->n_scopes, "specials[%zu]: scope", i);
		if (check_table_span(m, s->table, s->offset, 1, why, whylen, "specials", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_acpidevs; i++) {
		const ims_acpidev *a = &m->acpidevs[i];
		CHECK(a->unit >= -1 && a->unit < (int64_t)m->n_units, "acpidevs[%zu]: unit", i);
		CHECK(memchr(a->name, 0, sizeof(a->name)) && memchr(a->uid, 0, sizeof(a->uid)),
		      "acpidevs[%zu]: unterminated string", i);
		if (check_table_span(m, a->table, a->offset, 1, why, whylen, "acpidevs", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *r = &m->regions[i];
		CHECK(r->first_scope + (size_t)r->nscopes <= m->n_scopes, "regions[%zu]: scopes", i);
		if (check_table_span(m, r->table, r->offset, 1, why, whylen, "regions", i))
			return -1;
	}
	for (size_t i = 0; i < m->n_ioapics; i++)
		if (check_table_span(m, m->ioapics[i].table, m->ioapics[i].offset, 1, why, whylen, "ioapics", i))
			return -1;
	for (size_t i = 0; i < m->n_mcfg; i++) {
		CHECK(m->mcfg[i].start_bus <= m->mcfg[i].end_bus || 1, "mcfg");
		if (check_table_span(m, m->mcfg[i].table, m->mcfg[i].offset, 1, why, whylen, "mcfg", i))
			return -1;
	}
	if (m->kernel && ims_kernel_check(m->kernel, why, whylen))
		return -1;
	return 0;
}

size_t ims_diag_catalog(ims_diag_info *out, size_t max)
{
	static const ims_diag_info *const parts[] = {
		ims_diag_codes_acpi, ims_diag_codes_dmar, ims_diag_codes_ivrs, ims_diag_codes_klog,
	};
	size_t k = 0;
	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
		for (const ims_diag_info *d = parts[p]; d->code; d++, k++)
			if (out && k < max)
				out[k] = *d;
	return k;
}
