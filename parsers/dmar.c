/* SPDX-License-Identifier: MIT */
/*
 * DMAR (Intel VT-d DMA Remapping table) decoder.
 *
 * Layout per ACPICA actbl1.h / dmtbinfo1.c and Linux drivers/iommu/intel/dmar.c:
 * 48-byte header (HAW @36, flags @37, 10 reserved bytes), then remapping
 * structures {u16 type, u16 length}: 0 DRHD, 1 RMRR, 2 ATSR, 3 RHSA, 4 ANDD,
 * 5 SATC, 6 SIDP.  DRHD/RMRR/ATSR/SATC/SIDP carry device scopes
 * {u8 type, u8 length, u8 flags, u8 reserved, u8 enum id, u8 start bus,
 * (u8 dev, u8 fn) * N}.  RHSA and ANDD have no scopes.
 *
 * Every structure and scope is bounds-checked against the bytes present
 * (m->tables[t].size); problems become "dmar.*" diagnostics.
 */
#include "internal.h"

#include <stdlib.h>

const ims_diag_info ims_diag_codes_dmar[] = {
	{"dmar.too-short", IMS_SEV_ERROR, "DMAR has fewer than 48 bytes: no room for remapping structures"},
	{"dmar.duplicate-table", IMS_SEV_INFO, "a second DMAR: decoded, but platform flags come from the first"},
	{"dmar.haw-invalid", IMS_SEV_ERROR, "Host Address Width field < 11 (Linux: 'Invalid DMAR haw', no VT-d)"},
	{"dmar.reserved-bits", IMS_SEV_WARNING, "a reserved field or flag bit is non-zero"},
	{"dmar.no-drhd", IMS_SEV_ERROR, "no DRHD structure (Linux: 'No DRHD structure found', no VT-d)"},
	{"dmar.zero-length", IMS_SEV_ERROR, "remapping structure with Length 0; the walk stops there (as Linux)"},
	{"dmar.bad-length", IMS_SEV_ERROR, "remapping structure Length below 4; the walk stops there"},
	{"dmar.structure-too-short", IMS_SEV_ERROR, "structure Length smaller than its fixed fields; skipped"},
	{"dmar.structure-past-end", IMS_SEV_ERROR,
	 "structure runs past the table end (Linux: 'Record passes table end'); what is present is decoded"},
	{"dmar.trailing-bytes", IMS_SEV_WARNING, "1-3 bytes after the last structure, too few for a structure header"},
	{"dmar.unknown-structure", IMS_SEV_WARNING, "remapping structure type >= 7 (kept raw, skipped by length)"},
	{"dmar.drhd-base-zero", IMS_SEV_ERROR, "DRHD register base 0 (Linux: 'Your BIOS is broken', no VT-d)"},
	{"dmar.drhd-base-unaligned", IMS_SEV_WARNING, "DRHD register base not 4 KiB aligned (fwts InvalidDRHDRegAddr)"},
	{"dmar.drhd-duplicate-base", IMS_SEV_WARNING, "two DRHDs with the same segment and register base"},
	{"dmar.include-all-duplicate", IMS_SEV_WARNING, "more than one INCLUDE_PCI_ALL DRHD for one segment"},
	{"dmar.include-all-not-last", IMS_SEV_INFO,
	 "a DRHD follows the INCLUDE_PCI_ALL DRHD of its segment (spec wants it last; Linux reorders)"},
	{"dmar.rmrr-base-unaligned", IMS_SEV_WARNING, "RMRR base not 4 KiB aligned (Linux: 'bad RMRR', taint)"},
	{"dmar.rmrr-end-unaligned", IMS_SEV_WARNING, "RMRR limit + 1 not 4 KiB aligned (Linux: 'bad RMRR', taint)"},
	{"dmar.rmrr-end-before-base", IMS_SEV_WARNING, "RMRR limit below base (Linux: 'bad RMRR', taint)"},
	{"dmar.rhsa-no-drhd", IMS_SEV_WARNING,
	 "RHSA base matches no DRHD (Linux FW_BUG: 'RHSA refers to non-existent DMAR unit')"},
	{"dmar.andd-name-unterminated", IMS_SEV_ERROR,
	 "ANDD object name not NUL-terminated within the structure (Linux rejects the DMAR)"},
	{"dmar.andd-name-too-long", IMS_SEV_WARNING, "ANDD object name longer than 255 bytes (cut)"},
	{"dmar.andd-no-scope", IMS_SEV_WARNING, "no DRHD namespace scope carries this ANDD's device number"},
	{"dmar.scope-truncated", IMS_SEV_ERROR, "1-5 bytes left in a structure: too few for a device scope header"},
	{"dmar.scope-bad-length", IMS_SEV_ERROR, "device scope Length below 6; scopes of this structure stop"},
	{"dmar.scope-past-end", IMS_SEV_ERROR, "device scope runs past its structure; scopes of this structure stop"},
	{"dmar.scope-odd-length", IMS_SEV_WARNING, "device scope Length is odd (6 + 2 per path entry); last byte ignored"},
	{"dmar.scope-empty-path", IMS_SEV_WARNING, "device scope without any path entry: names no device"},
	{"dmar.scope-path-too-long", IMS_SEV_WARNING, "device scope path longer than 16 entries; the rest are not kept"},
	{"dmar.scope-bad-path", IMS_SEV_WARNING, "path entry with device > 31 or function > 7"},
	{"dmar.scope-unsupported", IMS_SEV_WARNING, "device scope type 0 or >= 6 (Linux: 'Unsupported device scope')"},
	{"dmar.scope-unexpected", IMS_SEV_WARNING,
	 "device scope type not meaningful under this structure (e.g. IOAPIC under RMRR)"},
	{NULL, IMS_SEV_INFO, NULL},
};

/* Capability sources (static strings, referenced from the model). */
static const char SRC_IR[] = "DMAR flags bit0 INTR_REMAP";
static const char SRC_X2APIC[] = "DMAR flags bit0 INTR_REMAP and bit1 X2APIC_OPT_OUT";
static const char SRC_ATS[] = "DMAR ATSR for the unit's segment";

enum {
	DMAR_HDR = 48,
	T_DRHD = 0,
	T_RMRR = 1,
	T_ATSR = 2,
	T_RHSA = 3,
	T_ANDD = 4,
	T_SATC = 5,
	T_SIDP = 6,
};

static const char *struct_name(uint16_t type)
{
	static const char *const names[] = {"DRHD", "RMRR", "ATSR", "RHSA", "ANDD", "SATC", "SIDP"};
	return type < 7 ? names[type] : "unknown";
}

/* Fixed part of each structure type (bytes before scopes / name). */
static size_t fixed_size(uint16_t type)
{
	static const uint8_t sz[] = {16, 24, 8, 20, 8, 8, 8};
	return type < 7 ? sz[type] : 4;
}

static bool is_dmar(const ims_model *m, int32_t t)
{
	return t >= 0 && (size_t)t < m->n_tables && !memcmp(m->tables[t].signature, "DMAR", 4);
}

/* Context of one structure while its scopes are parsed. */
typedef struct sctx {
	ims_model *m;
	int32_t t;
	const uint8_t *d;
	uint16_t type;
	uint32_t owner;         /* index of the owning object */
	uint16_t segment;
} sctx;

static void reserved_check(ims_model *m, int32_t t, size_t off, uint64_t v, const char *what)
{
	if (v)
		IMS_TDIAG(m, t, "dmar.reserved-bits", IMS_SEV_WARNING, off, "%s: reserved bits set (0x%llx)", what,
			  (unsigned long long)v);
}

static void add_coverage(sctx *c, ims_cov_kind kind, const ims_scope *s, int32_t si, uint32_t off)
{
	ims_coverage *cv = IMS_PUSH(c->m, coverage);
	if (!cv)
		return;
	cv->unit = (int32_t)c->owner;
	cv->kind = kind;
	cv->segment = c->segment;
	cv->table = c->t;
	cv->offset = off;
	cv->scope = si;
	if (s && s->bdf_known) {
		cv->bdf_known = true;
		cv->first = cv->last = s->bdf;
	}
}

static void add_special(sctx *c, ims_special_kind kind, const ims_scope *s, int32_t si)
{
	ims_special *sp = IMS_PUSH(c->m, specials);
	if (!sp)
		return;
	sp->unit = (int32_t)c->owner;
	sp->kind = kind;
	sp->id = s->enum_id;
	sp->segment = s->segment;
	sp->bdf_known = s->bdf_known;
	sp->bdf = s->bdf;
	sp->table = c->t;
	sp->offset = s->offset;
	sp->scope = si;
}

/*
 * Parse the device scopes in [off, end) of one structure.  Returns the
 * number of scopes recorded (appended to m->scopes).
 */
static uint32_t parse_scopes(sctx *c, size_t off, size_t end)
{
	ims_model *m = c->m;
	uint32_t count = 0;
	while (off < end) {
		size_t left = end - off;
		if (left < 6) {
			IMS_TDIAG(m, c->t, "dmar.scope-truncated", IMS_SEV_ERROR, off,
				  "%s: %zu bytes left, too few for a device scope (6)", struct_name(c->type), left);
			break;
		}
		const uint8_t *p = c->d + off;
		uint8_t type = p[0], len = p[1];
		if (len < 6) {
			IMS_TDIAG(m, c->t, "dmar.scope-bad-length", IMS_SEV_ERROR, off + 1,
				  "%s: device scope Length %u is below 6", struct_name(c->type), len);
			break;
		}
		if (len > left) {
			IMS_TDIAG(m, c->t, "dmar.scope-past-end", IMS_SEV_ERROR, off + 1,
				  "%s: device scope Length %u but only %zu bytes left in the structure",
				  struct_name(c->type), len, left);
			break;
		}
		ims_scope *s = IMS_PUSH(m, scopes);
		if (!s)
			break;
		int32_t si = (int32_t)(m->n_scopes - 1);
		s->owner_kind = (ims_scope_owner)c->type;
		s->owner = c->owner;
		s->table = c->t;
		s->offset = (uint32_t)off;
		s->type = type;
		s->length = len;
		s->flags = p[2];
		s->enum_id = p[4];
		s->start_bus = p[5];
		s->segment = c->segment;
		count++;
		if (p[3])
			reserved_check(m, c->t, off + 3, p[3], "device scope byte 3");
		if (len & 1)
			IMS_TDIAG(m, c->t, "dmar.scope-odd-length", IMS_SEV_WARNING, off + 1,
				  "%s: device scope Length %u is odd", struct_name(c->type), len);
		unsigned hops = (unsigned)(len - 6) / 2;
		if (hops == 0)
			IMS_TDIAG(m, c->t, "dmar.scope-empty-path", IMS_SEV_WARNING, off,
				  "%s: device scope (type %u) has no path entry", struct_name(c->type), type);
		if (hops > IMS_MAX_SCOPE_PATH)
			IMS_TDIAG(m, c->t, "dmar.scope-path-too-long", IMS_SEV_WARNING, off + 6 + 2 * IMS_MAX_SCOPE_PATH,
				  "%s: device scope path has %u entries; keeping %u", struct_name(c->type), hops,
				  IMS_MAX_SCOPE_PATH);
		bool path_ok = true;
		for (unsigned h = 0; h < hops; h++) {
			uint8_t dev = p[6 + 2 * h], fn = p[7 + 2 * h];
			if (h < IMS_MAX_SCOPE_PATH) {
				s->path[h][0] = dev;
				s->path[h][1] = fn;
				s->path_len = (uint8_t)(h + 1);
			}
			if (dev > 31 || fn > 7) {
				path_ok = false;
				IMS_TDIAG(m, c->t, "dmar.scope-bad-path", IMS_SEV_WARNING, off + 6 + 2 * h,
					  "%s: path entry %u is %02x.%02x (device > 31 or function > 7)",
					  struct_name(c->type), h, dev, fn);
			}
		}
		if (hops == 1 && path_ok) {
			s->bdf_known = true;
			s->bdf = IMS_BDF(s->start_bus, s->path[0][0], s->path[0][1]);
		}

		if (type == IMS_SCOPE_RESERVED || type > IMS_SCOPE_NAMESPACE) {
			IMS_TDIAG(m, c->t, "dmar.scope-unsupported", IMS_SEV_WARNING, off,
				  "%s: unsupported device scope type %u", struct_name(c->type), type);
		} else if (c->type == T_DRHD) {
			if (type == IMS_SCOPE_ENDPOINT)
				add_coverage(c, IMS_COV_SCOPE_ENDPOINT, s, si, (uint32_t)off);
			else if (type == IMS_SCOPE_BRIDGE)
				add_coverage(c, IMS_COV_SCOPE_BRIDGE, &m->scopes[si], si, (uint32_t)off);
			else if (type == IMS_SCOPE_IOAPIC)
				add_special(c, IMS_SPECIAL_IOAPIC, &m->scopes[si], si);
			else if (type == IMS_SCOPE_HPET)
				add_special(c, IMS_SPECIAL_HPET, &m->scopes[si], si);
			/* NAMESPACE: matched with ANDD structures */
		} else {
			/* RMRR, SATC, SIDP name PCI devices; ATSR names root ports (bridges). */
			bool ok = c->type == T_ATSR ? type == IMS_SCOPE_BRIDGE
						    : (type == IMS_SCOPE_ENDPOINT || type == IMS_SCOPE_BRIDGE ||
						       (c->type == T_SIDP && type == IMS_SCOPE_NAMESPACE));
			if (!ok)
				IMS_TDIAG(m, c->t, "dmar.scope-unexpected", IMS_SEV_WARNING, off,
					  "%s: device scope type %u is not expected here", struct_name(c->type), type);
		}
		off += len;
	}
	return count;
}

/*
 * Cross-DRHD findings of one table, computed before the walk by a pre-pass
 * over the same structures (so they are reported at the DRHD, in table order)
 * with two sorts instead of comparing every pair: O(n log n).
 */
typedef struct drhd_note {
	uint64_t base;
	uint32_t off;
	uint16_t segment;
	bool include_all;
	int64_t dup_of;         /* offset of an earlier DRHD with segment+base, or -1 */
	int64_t all_of;         /* offset of the segment's earlier INCLUDE_PCI_ALL DRHD, or -1 */
} drhd_note;

typedef struct keyidx {
	uint64_t key;
	uint32_t sub;           /* secondary key */
	uint32_t idx;
} keyidx;

static int keyidx_cmp(const void *a, const void *b)
{
	const keyidx *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->sub != y->sub)
		return x->sub < y->sub ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Same walk rules as ims_decode_dmar: which structures become DRHD units. */
static bool next_struct(const uint8_t *d, size_t n, size_t *off, uint16_t *type, size_t *end, bool *complete)
{
	if (*off >= n || !ims_span_ok(n, *off, 4))
		return false;
	uint16_t len = ims_le16(d + *off + 2);
	if (len < 4)
		return false;
	*type = ims_le16(d + *off);
	*complete = ims_span_ok(n, *off, len);
	*end = *complete ? *off + len : n;
	return true;
}

static bool decodes_as(uint16_t type, const uint8_t *d, size_t off, size_t end)
{
	return type <= T_SIDP && ims_le16(d + off + 2) >= fixed_size(type) && end - off >= fixed_size(type);
}

static drhd_note *plan_drhds(const uint8_t *d, size_t n, size_t *count)
{
	*count = 0;
	size_t k = 0, off = DMAR_HDR, end;
	uint16_t type;
	bool complete;
	for (size_t o = off; next_struct(d, n, &o, &type, &end, &complete); o = end) {
		if (type == T_DRHD && decodes_as(type, d, o, end))
			k++;
		if (!complete)
			break;
	}
	if (!k)
		return NULL;
	drhd_note *v = calloc(k, sizeof(*v));
	keyidx *ki = malloc(k * sizeof(*ki));
	if (!v || !ki) {
		free(v);
		free(ki);
		return NULL;
	}
	size_t i = 0;
	for (size_t o = off; i < k && next_struct(d, n, &o, &type, &end, &complete); o = end) {
		if (type == T_DRHD && decodes_as(type, d, o, end)) {
			v[i].off = (uint32_t)o;
			v[i].include_all = d[o + 4] & 1;
			v[i].segment = ims_le16(d + o + 6);
			v[i].base = ims_le64(d + o + 8);
			v[i].dup_of = v[i].all_of = -1;
			i++;
		}
		if (!complete)
			break;
	}
	/* by (base, segment, ordinal): a DRHD equal to its predecessor is a duplicate */
	for (i = 0; i < k; i++)
		ki[i] = (keyidx){v[i].base, v[i].segment, (uint32_t)i};
	qsort(ki, k, sizeof(*ki), keyidx_cmp);
	for (i = 1; i < k; i++) {
		const drhd_note *a = &v[ki[i - 1].idx];
		drhd_note *b = &v[ki[i].idx];
		if (a->segment == b->segment && a->base == b->base && b->base)
			b->dup_of = a->off;
	}
	/* by (segment, ordinal): everything after a segment's first INCLUDE_PCI_ALL */
	for (i = 0; i < k; i++)
		ki[i] = (keyidx){v[i].segment, (uint32_t)i, (uint32_t)i};
	qsort(ki, k, sizeof(*ki), keyidx_cmp);
	int64_t all = -1;
	for (i = 0; i < k; i++) {
		drhd_note *u = &v[ki[i].idx];
		if (i == 0 || ki[i].key != ki[i - 1].key)
			all = -1;
		u->all_of = all;
		if (all < 0 && u->include_all)
			all = u->off;
	}
	free(ki);
	*count = k;
	return v;
}

static void decode_drhd(ims_model *m, int32_t t, const uint8_t *d, size_t off, size_t end, const drhd_note *note)
{
	const uint8_t *p = d + off;
	ims_unit *u = IMS_PUSH(m, units);
	if (!u)
		return;
	uint32_t ui = (uint32_t)(m->n_units - 1);
	u->vendor = IMS_VENDOR_INTEL;
	u->table = t;
	u->offset = (uint32_t)off;
	u->ivhd = -1;
	u->drhd_flags = p[4];
	u->include_pci_all = p[4] & 1;
	u->size_field = p[5] & 0xf;
	u->reg_size = (uint64_t)1 << (u->size_field + 12);
	u->segment = ims_le16(p + 6);
	u->base = ims_le64(p + 8);
	for (int c = 0; c < IMS_CAP_COUNT; c++)
		u->caps[c].state = -1;
	uint8_t fl = d[37];
	bool ir = fl & 1, optout = (fl >> 1) & 1;
	ims_cap_set(u, IMS_CAP_INTR_REMAP, ir, 0, SRC_IR);
	ims_cap_set(u, IMS_CAP_X2APIC, ir && !optout, 0, SRC_X2APIC);

	reserved_check(m, t, off + 4, p[4] & 0xfe, "DRHD flags");
	reserved_check(m, t, off + 5, p[5] & 0xf0, "DRHD size byte bits 7:4");
	if (u->base == 0)
		IMS_TDIAG(m, t, "dmar.drhd-base-zero", IMS_SEV_ERROR, off + 8,
			  "DRHD register base is 0: firmware says this unit is broken (Linux refuses VT-d)");
	else if (u->base & 0xfff)
		IMS_TDIAG(m, t, "dmar.drhd-base-unaligned", IMS_SEV_WARNING, off + 8,
			  "DRHD register base 0x%llx is not 4 KiB aligned", (unsigned long long)u->base);
	if (note && note->off == off) {
		if (note->dup_of >= 0)
			IMS_TDIAG(m, t, "dmar.drhd-duplicate-base", IMS_SEV_WARNING, off + 8,
				  "DRHD base 0x%llx (segment %u) also described at offset %lld",
				  (unsigned long long)u->base, u->segment, (long long)note->dup_of);
		if (note->all_of >= 0 && u->include_pci_all)
			IMS_TDIAG(m, t, "dmar.include-all-duplicate", IMS_SEV_WARNING, off + 4,
				  "second INCLUDE_PCI_ALL DRHD for segment %u (first at offset %lld)", u->segment,
				  (long long)note->all_of);
		else if (note->all_of >= 0)
			IMS_TDIAG(m, t, "dmar.include-all-not-last", IMS_SEV_INFO, off,
				  "DRHD follows the INCLUDE_PCI_ALL DRHD of segment %u (offset %lld)", u->segment,
				  (long long)note->all_of);
	}

	sctx c = {m, t, d, T_DRHD, ui, u->segment};
	if (u->include_pci_all)
		add_coverage(&c, IMS_COV_ALL, NULL, -1, (uint32_t)off);
	parse_scopes(&c, off + 16, end);
}

static void decode_rmrr(ims_model *m, int32_t t, const uint8_t *d, size_t off, size_t end)
{
	const uint8_t *p = d + off;
	ims_region *r = IMS_PUSH(m, regions);
	if (!r)
		return;
	uint32_t ri = (uint32_t)(m->n_regions - 1);
	r->kind = IMS_REGION_RMRR;
	r->table = t;
	r->offset = (uint32_t)off;
	r->segment = ims_le16(p + 6);
	r->base = ims_le64(p + 8);
	r->end = ims_le64(p + 16);
	r->unity = r->readable = r->writable = true;
	reserved_check(m, t, off + 4, ims_le16(p + 4), "RMRR reserved field");
	if (r->base & 0xfff)
		IMS_TDIAG(m, t, "dmar.rmrr-base-unaligned", IMS_SEV_WARNING, off + 8,
			  "RMRR base 0x%llx is not 4 KiB aligned", (unsigned long long)r->base);
	if ((r->end + 1) & 0xfff)
		IMS_TDIAG(m, t, "dmar.rmrr-end-unaligned", IMS_SEV_WARNING, off + 16,
			  "RMRR limit 0x%llx: limit + 1 is not 4 KiB aligned", (unsigned long long)r->end);
	if (r->end < r->base)
		IMS_TDIAG(m, t, "dmar.rmrr-end-before-base", IMS_SEV_WARNING, off + 16,
			  "RMRR limit 0x%llx is below its base 0x%llx", (unsigned long long)r->end,
			  (unsigned long long)r->base);
	uint32_t first = (uint32_t)m->n_scopes;
	sctx c = {m, t, d, T_RMRR, ri, r->segment};
	uint32_t n = parse_scopes(&c, off + 24, end);
	m->regions[ri].first_scope = first;
	m->regions[ri].nscopes = n;
}

static void decode_atsr_like(ims_model *m, int32_t t, const uint8_t *d, size_t off, size_t end, uint16_t type)
{
	const uint8_t *p = d + off;
	uint16_t seg = ims_le16(p + 6);
	uint32_t first = (uint32_t)m->n_scopes, idx;
	if (type == T_ATSR) {
		ims_atsr *a = IMS_PUSH(m, atsrs);
		if (!a)
			return;
		idx = (uint32_t)(m->n_atsrs - 1);
		a->table = t;
		a->offset = (uint32_t)off;
		a->flags = p[4];
		a->all_ports = p[4] & 1;
		a->segment = seg;
		reserved_check(m, t, off + 4, p[4] & 0xfe, "ATSR flags");
		reserved_check(m, t, off + 5, p[5], "ATSR reserved byte");
	} else if (type == T_SATC) {
		ims_satc *a = IMS_PUSH(m, satcs);
		if (!a)
			return;
		idx = (uint32_t)(m->n_satcs - 1);
		a->table = t;
		a->offset = (uint32_t)off;
		a->flags = p[4];
		a->atc_required = p[4] & 1;
		a->segment = seg;
		reserved_check(m, t, off + 4, p[4] & 0xfe, "SATC flags");
		reserved_check(m, t, off + 5, p[5], "SATC reserved byte");
	} else {
		ims_sidp *a = IMS_PUSH(m, sidps);
		if (!a)
			return;
		idx = (uint32_t)(m->n_sidps - 1);
		a->table = t;
		a->offset = (uint32_t)off;
		a->segment = seg;
		reserved_check(m, t, off + 4, ims_le16(p + 4), "SIDP reserved field");
	}
	sctx c = {m, t, d, type, idx, seg};
	uint32_t n = parse_scopes(&c, off + 8, end);
	if (type == T_ATSR) {
		m->atsrs[idx].first_scope = first;
		m->atsrs[idx].nscopes = n;
	} else if (type == T_SATC) {
		m->satcs[idx].first_scope = first;
		m->satcs[idx].nscopes = n;
	} else {
		m->sidps[idx].first_scope = first;
		m->sidps[idx].nscopes = n;
	}
}

static void decode_rhsa(ims_model *m, int32_t t, const uint8_t *d, size_t off)
{
	const uint8_t *p = d + off;
	ims_rhsa *r = IMS_PUSH(m, rhsas);
	if (!r)
		return;
	r->table = t;
	r->offset = (uint32_t)off;
	r->base = ims_le64(p + 8);
	r->proximity_domain = ims_le32(p + 16);
	r->unit = -1;
	reserved_check(m, t, off + 4, ims_le32(p + 4), "RHSA reserved field");
}

static void decode_andd(ims_model *m, int32_t t, const uint8_t *d, size_t off, size_t end, bool complete)
{
	const uint8_t *p = d + off;
	ims_acpidev *a = IMS_PUSH(m, acpidevs);
	if (!a)
		return;
	a->unit = -1;
	a->table = t;
	a->offset = (uint32_t)off;
	a->device_number = p[7];
	reserved_check(m, t, off + 4, (uint64_t)p[4] | ((uint64_t)p[5] << 8) | ((uint64_t)p[6] << 16),
		       "ANDD reserved field");
	size_t nlen = end - (off + 8);
	const uint8_t *name = p + 8;
	const uint8_t *nul = nlen ? memchr(name, 0, nlen) : NULL;
	size_t slen = nul ? (size_t)(nul - name) : nlen;
	if (!nul && complete)
		IMS_TDIAG(m, t, "dmar.andd-name-unterminated", IMS_SEV_ERROR, off + 8,
			  "ANDD device %u: object name is not NUL-terminated within its %zu bytes", a->device_number,
			  nlen);
	if (slen > sizeof(a->name) - 1) {
		IMS_TDIAG(m, t, "dmar.andd-name-too-long", IMS_SEV_WARNING, off + 8,
			  "ANDD device %u: object name of %zu bytes, keeping %zu", a->device_number, slen,
			  sizeof(a->name) - 1);
		slen = sizeof(a->name) - 1;
	}
	ims_copy_ascii(a->name, name, slen);
}

/* Intel units [from, n_units) sorted by register base; NULL if none/no memory. */
static keyidx *units_by_base(const ims_model *m, size_t from, size_t *count)
{
	*count = 0;
	if (from >= m->n_units)
		return NULL;
	keyidx *v = malloc((m->n_units - from) * sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0;
	for (size_t u = from; u < m->n_units; u++)
		if (m->units[u].vendor == IMS_VENDOR_INTEL)
			v[k++] = (keyidx){m->units[u].base, 0, (uint32_t)u};
	qsort(v, k, sizeof(*v), keyidx_cmp);
	*count = k;
	return v;
}

/* Lowest unit index with this base (Linux takes the first DRHD that matches). */
static int32_t find_base(const keyidx *v, size_t n, uint64_t base)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].key < base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].key == base ? (int32_t)v[lo].idx : -1;
}

/*
 * Resolve RHSA -> unit and ANDD -> namespace scope for RHSAs/ANDDs from
 * index rhsa_from/andd_from on, against units from unit_from and scopes from
 * scope_from on.  Only unresolved entries change; no diagnostics: idempotent.
 * Linear plus a sort, whatever the table holds.
 */
static void resolve(ims_model *m, size_t rhsa_from, size_t andd_from, size_t unit_from, size_t scope_from)
{
	if (rhsa_from < m->n_rhsas) {
		size_t nv;
		keyidx *v = units_by_base(m, unit_from, &nv);
		for (size_t i = rhsa_from; i < m->n_rhsas; i++) {
			ims_rhsa *r = &m->rhsas[i];
			if (r->unit < 0 && v)
				r->unit = find_base(v, nv, r->base);
			if (r->unit >= 0 && (size_t)r->unit < m->n_units && !m->units[r->unit].has_proximity) {
				m->units[r->unit].has_proximity = true;
				m->units[r->unit].proximity_domain = r->proximity_domain;
			}
		}
		free(v);
	}
	if (andd_from < m->n_acpidevs) {
		int32_t first_ns[256];
		for (int i = 0; i < 256; i++)
			first_ns[i] = -1;
		for (size_t k = scope_from; k < m->n_scopes; k++) {
			const ims_scope *s = &m->scopes[k];
			if (s->owner_kind == IMS_OWNER_DRHD && s->type == IMS_SCOPE_NAMESPACE && s->owner < m->n_units &&
			    first_ns[s->enum_id] < 0)
				first_ns[s->enum_id] = (int32_t)k;
		}
		for (size_t i = andd_from; i < m->n_acpidevs; i++) {
			ims_acpidev *a = &m->acpidevs[i];
			if (a->unit >= 0 || !is_dmar(m, a->table) || first_ns[a->device_number] < 0)
				continue;
			const ims_scope *s = &m->scopes[first_ns[a->device_number]];
			a->unit = (int32_t)s->owner;
			a->segment = s->segment;
			a->bdf_known = s->bdf_known;
			a->bdf = s->bdf;
		}
	}
}

void ims_decode_dmar(ims_model *m, int32_t t)
{
	if (!m || t < 0 || (size_t)t >= m->n_tables)
		return;
	const ims_table *tb = &m->tables[t];
	const uint8_t *d = tb->data;
	size_t n = tb->size;
	if (!d || n < 36)
		return;
	if (n < 38) {
		IMS_TDIAG(m, t, "dmar.too-short", IMS_SEV_ERROR, n,
			  "DMAR: %zu bytes; Host Address Width and Flags are missing", n);
		return;
	}
	uint8_t haw = d[36], fl = d[37];
	if (!m->dmar.present) {
		m->dmar.present = true;
		m->dmar.table = t;
		m->dmar.haw_raw = haw;
		m->dmar.haw_bits = (unsigned)haw + 1;
		m->dmar.flags = fl;
		m->dmar.intr_remap = fl & 1;
		m->dmar.x2apic_opt_out = (fl >> 1) & 1;
		m->dmar.platform_opt_in = (fl >> 2) & 1;
	} else {
		IMS_TDIAG(m, t, "dmar.duplicate-table", IMS_SEV_INFO, 0,
			  "DMAR instance %u: decoded, but platform flags and width come from table %d",
			  tb->instance, m->dmar.table);
	}
	if (haw < 11)
		IMS_TDIAG(m, t, "dmar.haw-invalid", IMS_SEV_ERROR, 36,
			  "Host Address Width field %u (%u bits) is below 11: Linux rejects the table", haw,
			  (unsigned)haw + 1);
	reserved_check(m, t, 37, fl & 0xf8, "DMAR flags bits 7:3");
	for (size_t i = 38; i < 48 && i < n; i++)
		if (d[i]) {
			IMS_TDIAG(m, t, "dmar.reserved-bits", IMS_SEV_WARNING, i,
				  "DMAR header reserved byte %zu is 0x%02x", i, d[i]);
			break;
		}
	if (n < DMAR_HDR) {
		IMS_TDIAG(m, t, "dmar.too-short", IMS_SEV_ERROR, n,
			  "DMAR: %zu bytes, the 48-byte DMAR header is incomplete", n);
		return;
	}

	size_t ndrhd = 0, first_rhsa = m->n_rhsas, first_andd = m->n_acpidevs;
	size_t first_unit = m->n_units, first_scope = m->n_scopes;
	size_t nnotes = 0, kdrhd = 0;
	drhd_note *notes = plan_drhds(d, n, &nnotes);
	size_t off = DMAR_HDR;
	while (off < n) {
		if (!ims_span_ok(n, off, 4)) {
			IMS_TDIAG(m, t, "dmar.trailing-bytes", IMS_SEV_WARNING, off,
				  "%zu bytes after the last structure, too few for a structure header", n - off);
			break;
		}
		uint16_t type = ims_le16(d + off), len = ims_le16(d + off + 2);
		if (len == 0) {
			IMS_TDIAG(m, t, "dmar.zero-length", IMS_SEV_ERROR, off + 2,
				  "%s (type %u) with Length 0: the rest of the table is ignored", struct_name(type),
				  type);
			break;
		}
		if (len < 4) {
			IMS_TDIAG(m, t, "dmar.bad-length", IMS_SEV_ERROR, off + 2,
				  "%s (type %u) with Length %u (< 4): the rest of the table is ignored",
				  struct_name(type), type, len);
			break;
		}
		bool complete = ims_span_ok(n, off, len);
		size_t end = complete ? off + len : n;
		if (!complete)
			IMS_TDIAG(m, t, "dmar.structure-past-end", IMS_SEV_ERROR, off + 2,
				  "%s at offset %zu: Length %u runs past the table end (%zu bytes present)",
				  struct_name(type), off, len, n);
		if (type > T_SIDP) {
			IMS_TDIAG(m, t, "dmar.unknown-structure", IMS_SEV_WARNING, off,
				  "unknown remapping structure type %u (Length %u): kept raw", type, len);
			ims_raw *r = IMS_PUSH(m, raws);
			if (r) {
				r->table = t;
				r->offset = (uint32_t)off;
				r->length = (uint32_t)(end - off);
				r->type = type;
				r->context = "dmar";
			}
		} else if (len < fixed_size(type)) {
			IMS_TDIAG(m, t, "dmar.structure-too-short", IMS_SEV_ERROR, off + 2,
				  "%s with Length %u, its fixed fields need %zu: skipped", struct_name(type), len,
				  fixed_size(type));
		} else if (end - off < fixed_size(type)) {
			/* fixed fields cut by the table end: already reported */
		} else {
			switch (type) {
			case T_DRHD:
				decode_drhd(m, t, d, off, end, kdrhd < nnotes ? &notes[kdrhd] : NULL);
				kdrhd++;
				ndrhd++;
				break;
			case T_RMRR: decode_rmrr(m, t, d, off, end); break;
			case T_ATSR:
			case T_SATC:
			case T_SIDP: decode_atsr_like(m, t, d, off, end, type); break;
			case T_RHSA: decode_rhsa(m, t, d, off); break;
			case T_ANDD: decode_andd(m, t, d, off, end, complete); break;
			default: break;
			}
		}
		if (!complete)
			break;
		off += len;
	}
	free(notes);
	bool truncated = tb->length > n;
	if (ndrhd == 0 && !truncated)
		IMS_TDIAG(m, t, "dmar.no-drhd", IMS_SEV_ERROR, DMAR_HDR,
			  "no DRHD structure: Linux finds no VT-d unit in this DMAR");

	/* Cross references inside this table (diagnostics once, here; Linux
	 * matches within the one DMAR it uses). */
	resolve(m, first_rhsa, first_andd, first_unit, first_scope);
	for (size_t i = first_rhsa; i < m->n_rhsas; i++)
		if (m->rhsas[i].unit < 0)
			IMS_TDIAG(m, t, "dmar.rhsa-no-drhd", IMS_SEV_WARNING, m->rhsas[i].offset,
				  "RHSA refers to non-existent DRHD at 0x%llx (proximity domain %u)",
				  (unsigned long long)m->rhsas[i].base, m->rhsas[i].proximity_domain);
	for (size_t i = first_andd; i < m->n_acpidevs; i++)
		if (m->acpidevs[i].unit < 0)
			IMS_TDIAG(m, t, "dmar.andd-no-scope", IMS_SEV_WARNING, m->acpidevs[i].offset,
				  "no DRHD namespace scope for ANDD enumeration id %u (%s)",
				  m->acpidevs[i].device_number, m->acpidevs[i].name);
}

void ims_dmar_finish(ims_model *m)
{
	if (!m)
		return;
	/* Across tables (e.g. an RHSA in a second DMAR); no-op when resolved. */
	resolve(m, 0, 0, 0, 0);
	/* ATS: an ATSR for the unit's segment says root ports support ATS; only
	 * fills an unknown capability (the kernel log's ECAP.DT is better). */
	uint8_t seg_has_atsr[65536 / 8];
	memset(seg_has_atsr, 0, sizeof(seg_has_atsr));
	for (size_t a = 0; a < m->n_atsrs; a++)
		seg_has_atsr[m->atsrs[a].segment >> 3] |= (uint8_t)(1u << (m->atsrs[a].segment & 7));
	for (size_t u = 0; u < m->n_units; u++) {
		ims_unit *un = &m->units[u];
		if (un->vendor == IMS_VENDOR_INTEL && un->caps[IMS_CAP_ATS].state == -1 &&
		    (seg_has_atsr[un->segment >> 3] >> (un->segment & 7) & 1))
			ims_cap_set(un, IMS_CAP_ATS, 1, 0, SRC_ATS);
	}
}
