/* SPDX-License-Identifier: MIT */
/*
 * IVRS (AMD I/O Virtualization Reporting Structure) decoder.
 *
 * Layout per ACPICA actbl2.h / dmtbinfo2.c and Linux drivers/iommu/amd/init.c
 * (digest: shared/docs/table-spec.md):
 *   48-byte header (IVinfo u32 @36, reserved u64 @40), then subtables
 *   {u8 type, u8 flags, u16 length, u16 devid}:
 *     10h IVHD (24-byte header), 11h/40h IVHD (40-byte header, EFR @24,
 *     EFR2 @32), each followed by device entries;
 *     20h/21h/22h IVMD (32 bytes: aux @6, segment @8 (Linux 6.1+),
 *     start @16, length @24).
 *   Device entries: type < 80h is 4 << (type >> 6) bytes, F0h is
 *   22 + UID length, anything else would be length 0 in Linux.
 *
 * The table view keeps every subtable and entry.  Units follow Linux:
 * get_highest_supported_ivhd_type() picks one IVHD type and only IVHDs of
 * that type make IOMMUs; other subtables describing the same IOMMU (same
 * segment, BDF and base) are folded into the unit.
 *
 * Every read is bounds-checked against the bytes present; problems become
 * "ivrs.*" diagnostics and the walk stops rather than guess.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

const ims_diag_info ims_diag_codes_ivrs[] = {
	{"ivrs.too-short", IMS_SEV_ERROR, "IVRS has fewer than 48 bytes: no room for IVinfo and subtables"},
	{"ivrs.duplicate-table", IMS_SEV_INFO,
	 "a second IVRS: its subtables are kept in the table view, but units and regions come from the first (as Linux)"},
	{"ivrs.bad-revision", IMS_SEV_WARNING, "IVRS revision is not 1 or 2 (fwts IVRSBadRevision)"},
	{"ivrs.ivhd-40h-revision", IMS_SEV_WARNING,
	 "IVHD type 40h in an IVRS whose revision is not 2 (fwts IVRSBadRevision)"},
	{"ivrs.reserved-bits", IMS_SEV_WARNING,
	 "a reserved field or bit is non-zero (IVinfo, header, IVHD info, IVMD flags/reserved)"},
	{"ivrs.reserved-bits-common", IMS_SEV_INFO,
	 "IVHD 11h/40h Flags bits 7:6 or Attributes bits 12:0/31:28 set: reserved (fwts), but set by most shipped firmware"},
	{"ivrs.zero-length", IMS_SEV_ERROR, "subtable with Length 0; the walk stops there (Linux would loop)"},
	{"ivrs.subtable-too-short", IMS_SEV_ERROR,
	 "subtable Length smaller than its fixed header (IVHD 10h: 24, 11h/40h: 40, IVMD: 32, other: 6); the walk stops"},
	{"ivrs.subtable-past-end", IMS_SEV_ERROR,
	 "subtable runs past the table end; what is present is decoded and the walk stops"},
	{"ivrs.trailing-bytes", IMS_SEV_WARNING, "1-5 bytes after the last subtable, too few for a subtable header"},
	{"ivrs.unknown-subtable", IMS_SEV_WARNING,
	 "subtable type other than 10h/11h/40h/20h-22h (e.g. Lenovo 51h): kept raw, skipped by Length"},
	{"ivrs.no-ivhd", IMS_SEV_ERROR, "IVRS without any IVHD: no AMD IOMMU"},
	{"ivrs.first-subtable-ivmd", IMS_SEV_WARNING,
	 "the first subtable is an IVMD: Linux keys the IVHD type choice on its DeviceID"},
	{"ivrs.selected-type-invalid", IMS_SEV_ERROR,
	 "the type Linux's get_highest_supported_ivhd_type() picks is not 10h/11h/40h ('Unsupported IVHD type', no IOMMU)"},
	{"ivrs.ivhd-not-selected", IMS_SEV_WARNING,
	 "an IOMMU described only by IVHDs of a type Linux does not use: Linux ignores this IOMMU"},
	{"ivrs.ivhd-duplicate", IMS_SEV_WARNING,
	 "two IVHDs of the selected type describe the same IOMMU (segment, BDF, base): Linux sets it up twice"},
	{"ivrs.entry-truncated", IMS_SEV_ERROR,
	 "device entry runs past its IVHD (or the table); the entry walk of this IVHD stops"},
	{"ivrs.entry-length-invalid", IMS_SEV_ERROR,
	 "device entry type 80h-EFh or F1h-FFh: Linux computes length 0; the entry walk of this IVHD stops"},
	{"ivrs.entry-unknown", IMS_SEV_WARNING,
	 "reserved device entry type (e.g. 05h, 40h, 41h, 44h, 45h, 49h+): kept, skipped by length, Linux ignores it"},
	{"ivrs.range-unterminated", IMS_SEV_ERROR,
	 "range start (03h/43h/47h) never closed by an 04h before the next start or the IVHD end: the range is lost"},
	{"ivrs.range-interrupted", IMS_SEV_WARNING,
	 "range start not immediately followed by its 04h end (Linux still closes it at the next 04h; edk2 rejects it)"},
	{"ivrs.range-end-without-start", IMS_SEV_ERROR,
	 "04h end of range with no open start (Linux reuses the previous start, or 0000 when none)"},
	{"ivrs.range-reversed", IMS_SEV_ERROR, "range end device id below its start: the range covers nothing"},
	{"ivrs.range-overlap", IMS_SEV_INFO,
	 "two device ranges of the same IOMMU overlap (Linux applies them in order: the later entry wins)"},
	{"ivrs.special-variety", IMS_SEV_ERROR,
	 "48h special entry with Variety other than 1 (IOAPIC) or 2 (HPET): Linux add_special_device() fails IOMMU init"},
	{"ivrs.acpihid-outside-40h", IMS_SEV_WARNING,
	 "F0h ACPI HID entry in a 10h/11h IVHD (Linux: 'Invalid IVHD device type 0xf0', entry skipped)"},
	{"ivrs.acpihid-empty-hid", IMS_SEV_WARNING, "F0h entry with an empty HID (Linux: 'Invalid HID.', entry skipped)"},
	{"ivrs.acpihid-integer-hid", IMS_SEV_WARNING,
	 "F0h HID is an integer (EISA id); Linux compares the HID as a string, so it cannot match a device"},
	{"ivrs.acpihid-uid-format", IMS_SEV_WARNING,
	 "F0h UID format not 0/1/2, or format 0 with a non-zero UID length (Linux: 'Invalid UID length.')"},
	{"ivrs.acpihid-uid-wide", IMS_SEV_WARNING,
	 "F0h integer UID above 255: Linux formats only its first byte"},
	{"ivrs.ivmd-empty", IMS_SEV_WARNING, "IVMD memory block Length 0: the region covers nothing (end = start kept)"},
	{"ivrs.ivmd-overflow", IMS_SEV_ERROR, "IVMD start + length wraps past 2^64 (end clamped to all-ones)"},
	{"ivrs.ivmd-range-reversed", IMS_SEV_ERROR, "IVMD 22h end DeviceID (aux data) below its start: no device"},
	{"ivrs.ivmd-unaligned", IMS_SEV_WARNING, "IVMD start or length not 4 KiB aligned (Linux page-aligns them)"},
	{"ivrs.ivmd-no-effect", IMS_SEV_INFO, "IVMD with neither Unity nor Exclusion set: Linux ignores it"},
	{NULL, IMS_SEV_INFO, NULL},
};

/* Capability sources (static strings, referenced from the model). */
static const char SRC_IR[] = "AMD-Vi (always)";
static const char SRC_PT[] = "AMD-Vi (always)";
static const char SRC_EFR_X2APIC[] = "IVHD EFR image bit 2 XTSup and bit 7 GASup";
static const char SRC_EFR_PRI[] = "IVHD EFR image bit 1 PPRSup";
static const char SRC_EFR_GT[] = "IVHD EFR image bit 4 GTSup";
static const char SRC_EFR_PASID[] = "IVHD EFR image bit 4 GTSup, bits 36:32 PASmax";
static const char SRC_EFR_GA[] = "IVHD EFR image bit 7 GASup and bit 21 GAMSup";
static const char SRC_EFR_PC[] = "IVHD EFR image bit 9 PCSup";
static const char SRC_EFR_HD[] = "IVHD EFR image bit 52 HDSup";
static const char SRC_F10_X2APIC[] = "IVHD 10h Feature Reporting bit 0 XTSup and bit 6 GASup";
static const char SRC_F10_GT[] = "IVHD 10h Feature Reporting bit 2 GTSup";
static const char SRC_F10_PASID[] = "IVHD 10h Feature Reporting bit 2 GTSup, bits 12:8 PASmax";
static const char SRC_F10_PC[] = "IVHD 10h Feature Reporting bits 16:13 PNCounters and 22:17 PNBanks";
static const char SRC_F10_PPR[] = "IVHD 10h flags bit 7 PPRSup";
static const char SRC_ATS[] = "IVHD flags bit 4 IotlbSup";
static const char SRC_COHERENT[] = "IVHD flags bit 5 Coherent";
static const char SRC_VA[] = "IVinfo bits 21:15 VASize";
static const char SRC_PA[] = "IVinfo bits 14:8 PASize";

enum {
	IVRS_HDR = 48,
	SUB_HDR = 6,
	IVHD10_HDR = 24,
	IVHD11_HDR = 40,
	IVMD_LEN = 32,
	ACPIHID_FIXED = 22,
};

typedef struct ctx {
	ims_model *m;
	int32_t t;
	const uint8_t *d;
	size_t end;     /* bytes of the table we may read */
	bool primary;   /* first IVRS: model units/regions come from it */
} ctx;

static bool is_ivhd(uint8_t type) { return type == 0x10 || type == 0x11 || type == 0x40; }
static bool is_ivmd(uint8_t type) { return type >= 0x20 && type <= 0x22; }
static size_t ivhd_hdr(uint8_t type) { return type == 0x10 ? IVHD10_HDR : IVHD11_HDR; }
static uint8_t type_bit(uint8_t type) { return type == 0x10 ? 1u : type == 0x11 ? 2u : type == 0x40 ? 4u : 0u; }

static void reserved(ctx *c, size_t off, uint64_t bits, const char *what)
{
	if (bits)
		IMS_TDIAG(c->m, c->t, "ivrs.reserved-bits", IMS_SEV_WARNING, off, "%s: reserved bits 0x%" PRIx64 " set",
			  what, bits);
}

/* Reserved bits that almost every shipped 11h/40h IVHD sets (copied from
 * the 10h flags / feature field): reported, but only as information. */
static void reserved_common(ctx *c, size_t off, uint64_t bits, const char *what)
{
	if (bits)
		IMS_TDIAG(c->m, c->t, "ivrs.reserved-bits-common", IMS_SEV_INFO, off,
			  "%s: reserved bits 0x%" PRIx64 " set (common in shipped firmware; ignored by Linux)", what,
			  bits);
}

static void fmt_bdf(char out[16], uint16_t seg, uint16_t bdf) { ims_bdf_format(seg, bdf, out); }

/* ---------------------------------------------------------------------- */
/* Device entries                                                         */
/* ---------------------------------------------------------------------- */

/* HID/CID: ASCII, or an integer when the first 3 bytes are not all letters
 * (ACPICA UtIsIdInteger).  Integers print as iasl's low 8 hex digits
 * ("%08X" of the low dword; iasl prints the whole UINT64); all zero -> "". */
static bool format_id(char out[9], const uint8_t *p)
{
	bool alpha = true;
	for (int i = 0; i < 3; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
			alpha = false;
	if (alpha) {
		ims_copy_ascii(out, p, 8);
		return false;
	}
	uint64_t v = ims_le64(p);
	if (v == 0) {
		out[0] = '\0';
		return false;
	}
	snprintf(out, 9, "%08" PRIX32, (uint32_t)v);
	return true;
}

static void decode_acpihid(ctx *c, ims_ivhd_entry *e, const uint8_t *p, size_t elen, uint8_t ivhd_type)
{
	size_t off = e->offset;
	bool hid_int = format_id(e->hid, p + 4);
	(void)format_id(e->cid, p + 12);
	e->uid_format = p[20];
	e->uid_length = p[21];
	size_t ulen = elen - ACPIHID_FIXED;
	const uint8_t *u = p + ACPIHID_FIXED;
	switch (e->uid_format) {
	case 0:
		if (ulen)
			IMS_TDIAG(c->m, c->t, "ivrs.acpihid-uid-format", IMS_SEV_WARNING, off + 21,
				  "F0h UID format 0 (none) with UID length %zu (Linux: 'Invalid UID length.')", ulen);
		break;
	case 1: {
		uint64_t v = 0;
		for (size_t i = 0; i < ulen && i < 8; i++)
			v |= (uint64_t)u[i] << (8 * i);
		snprintf(e->uid, sizeof(e->uid), "%" PRIu64, v);
		if (v > 255)
			IMS_TDIAG(c->m, c->t, "ivrs.acpihid-uid-wide", IMS_SEV_WARNING, off + 22,
				  "F0h integer UID %" PRIu64 ": Linux formats only the first byte (%u)", v, u[0]);
		break;
	}
	case 2: {
		size_t n = ulen < sizeof(e->uid) - 1 ? ulen : sizeof(e->uid) - 1;
		ims_copy_ascii(e->uid, u, n);
		break;
	}
	default:
		IMS_TDIAG(c->m, c->t, "ivrs.acpihid-uid-format", IMS_SEV_WARNING, off + 20,
			  "F0h UID format %u is not 0 (none), 1 (integer) or 2 (string)", e->uid_format);
		break;
	}
	if (ivhd_type != 0x40)
		IMS_TDIAG(c->m, c->t, "ivrs.acpihid-outside-40h", IMS_SEV_WARNING, off,
			  "F0h ACPI HID entry in IVHD %02xh: only 40h may carry it (Linux: 'Invalid IVHD device type 0xf0', skipped)",
			  ivhd_type);
	if (p[4] == 0)
		IMS_TDIAG(c->m, c->t, "ivrs.acpihid-empty-hid", IMS_SEV_WARNING, off + 4,
			  "F0h entry with an empty HID (Linux: 'Invalid HID.', skipped)");
	else if (hid_int)
		IMS_TDIAG(c->m, c->t, "ivrs.acpihid-integer-hid", IMS_SEV_WARNING, off + 4,
			  "F0h HID is the integer 0x%s; Linux compares HIDs as strings, so no device can match", e->hid);
}

/* Walk the device entries of IVHD hi, [start, iend). */
static void walk_entries(ctx *c, uint32_t hi, size_t start, size_t iend)
{
	ims_model *m = c->m;
	uint8_t htype = m->ivhds[hi].type;
	m->ivhds[hi].first_entry = (uint32_t)m->n_ivhd_entries;
	size_t p = start;
	while (p < iend) {
		const uint8_t *q = c->d + p;
		uint8_t type = q[0];
		size_t elen;
		if (type < 0x80) {
			elen = (size_t)4 << (type >> 6);
		} else if (type == 0xf0) {
			if (!ims_span_ok(iend, p, ACPIHID_FIXED)) {
				IMS_TDIAG(m, c->t, "ivrs.entry-truncated", IMS_SEV_ERROR, p,
					  "F0h entry: %zu bytes left in IVHD %02xh, its fixed part needs 22", iend - p,
					  htype);
				break;
			}
			elen = ACPIHID_FIXED + (size_t)q[21];
		} else {
			IMS_TDIAG(m, c->t, "ivrs.entry-length-invalid", IMS_SEV_ERROR, p,
				  "device entry type 0x%02x: Linux computes its length as 0; entries of this IVHD stop here",
				  type);
			break;
		}
		if (!ims_span_ok(iend, p, elen)) {
			IMS_TDIAG(m, c->t, "ivrs.entry-truncated", IMS_SEV_ERROR, p,
				  "device entry type 0x%02x needs %zu bytes, %zu left in IVHD %02xh", type, elen, iend - p,
				  htype);
			break;
		}
		ims_ivhd_entry *e = IMS_PUSH(m, ivhd_entries);
		if (!e)
			break;
		e->ivhd = hi;
		e->offset = (uint32_t)p;
		e->type = type;
		e->length = (uint8_t)(elen > 255 ? 255 : elen);
		e->devid = ims_le16(q + 1);
		e->dte = q[3];
		e->known = true;
		switch (type) {
		case 0x00: case 0x01: case 0x02: case 0x03: case 0x04:
			break;
		case 0x42: case 0x43:
			e->alias = ims_le16(q + 5);
			break;
		case 0x46: case 0x47:
			e->ext = ims_le32(q + 4);
			break;
		case 0x48:
			e->handle = q[4];
			e->alias = ims_le16(q + 5);
			e->variety = q[7];
			if (e->variety != 1 && e->variety != 2)
				IMS_TDIAG(m, c->t, "ivrs.special-variety", IMS_SEV_ERROR, p + 7,
					  "48h special entry (handle %u) with Variety %u: only 1 (IOAPIC) and 2 (HPET) exist; "
					  "Linux add_special_device() fails and AMD IOMMU init aborts",
					  e->handle, e->variety);
			break;
		case 0xf0:
			decode_acpihid(c, e, q, elen, htype);
			break;
		default:
			e->known = false;
			IMS_TDIAG(m, c->t, "ivrs.entry-unknown", IMS_SEV_WARNING, p,
				  "reserved device entry type 0x%02x (%zu bytes) in IVHD %02xh: skipped", type, elen, htype);
			break;
		}
		m->ivhds[hi].nentries++;
		p += elen;
	}
}

/* ---------------------------------------------------------------------- */
/* Subtables                                                              */
/* ---------------------------------------------------------------------- */

static void decode_ivhd(ctx *c, size_t off, size_t avail)
{
	ims_model *m = c->m;
	const uint8_t *p = c->d + off;
	uint8_t type = p[0];
	size_t hdr = ivhd_hdr(type);
	ims_ivhd *h = IMS_PUSH(m, ivhds);
	if (!h)
		return;
	uint32_t hi = (uint32_t)(m->n_ivhds - 1);
	h->table = c->t;
	h->offset = (uint32_t)off;
	h->length = (uint16_t)avail; /* clipped to the table, like raws; the diagnostic has the declared Length */
	h->type = type;
	h->flags = p[1];
	h->bdf = ims_le16(p + 4);
	h->unit = -1;
	h->first_entry = (uint32_t)m->n_ivhd_entries;
	/* a header cut by the table end: keep the fields that are present */
	if (avail >= 8)
		h->cap_offset = ims_le16(p + 6);
	if (avail >= 16)
		h->base = ims_le64(p + 8);
	if (avail >= 18)
		h->segment = ims_le16(p + 16);
	if (avail >= 20)
		h->iommu_info = ims_le16(p + 18);
	if (avail >= 24)
		h->feature = ims_le32(p + 20);
	if (type != 0x10 && avail >= 32)
		h->efr = ims_le64(p + 24);
	if (type != 0x10 && avail >= 40)
		h->efr2 = ims_le64(p + 32);

	const ims_table *tb = &m->tables[c->t];
	if (type == 0x40 && tb->revision != 2)
		IMS_TDIAG(m, c->t, "ivrs.ivhd-40h-revision", IMS_SEV_WARNING, off,
			  "IVHD 40h in an IVRS of revision %u: 40h needs revision 2 (fwts)", tb->revision);
	if (avail >= 20)
		reserved(c, off + 18, h->iommu_info & 0xe0e0u, "IVHD IOMMU Info bits 7:5 / 15:13");
	if (type != 0x10) {
		reserved_common(c, off + 1, h->flags & 0xc0u, "IVHD 11h/40h Flags bits 7:6");
		if (avail >= 24)
			reserved_common(c, off + 20, h->feature & 0xf0001fffu, "IVHD 11h/40h IOMMU Attributes bits 12:0 / 31:28");
	}
	if (avail >= hdr)
		walk_entries(c, hi, off + hdr, off + avail);
}

static void decode_ivmd(ctx *c, size_t off)
{
	ims_model *m = c->m;
	const uint8_t *p = c->d + off;
	uint8_t type = p[0];
	uint8_t fl = p[1];
	reserved(c, off + 1, fl & 0xf0u, "IVMD Flags bits 7:4");
	reserved(c, off + 10, ims_le64(p + 8) >> 16, "IVMD bytes 10-15");
	if (!c->primary)
		return;
	ims_region *r = IMS_PUSH(m, regions);
	if (!r)
		return;
	r->kind = (ims_region_kind)type;
	r->table = c->t;
	r->offset = (uint32_t)off;
	r->flags = fl;
	r->unity = fl & 1;
	r->readable = (fl >> 1) & 1;
	r->writable = (fl >> 2) & 1;
	r->exclusion = (fl >> 3) & 1;
	r->segment = ims_le16(p + 8); /* Linux 6.1+; bytes 8-15 were all reserved before */
	uint16_t devid = ims_le16(p + 4), aux = ims_le16(p + 6);
	r->all_devices = type == 0x20;
	r->first = type == 0x20 ? 0 : devid;
	r->last = type == 0x20 ? 0xffff : type == 0x21 ? devid : aux;
	r->base = ims_le64(p + 16);
	uint64_t len = ims_le64(p + 24);
	if (len == 0) {
		r->end = r->base;
		IMS_TDIAG(m, c->t, "ivrs.ivmd-empty", IMS_SEV_WARNING, off + 24,
			  "IVMD %02xh at 0x%" PRIx64 " has memory block length 0", type, r->base);
	} else if (len - 1 > UINT64_MAX - r->base) {
		r->end = UINT64_MAX;
		IMS_TDIAG(m, c->t, "ivrs.ivmd-overflow", IMS_SEV_ERROR, off + 24,
			  "IVMD %02xh start 0x%" PRIx64 " + length 0x%" PRIx64 " wraps past 2^64", type, r->base, len);
	} else {
		r->end = r->base + (len - 1);
	}
	if ((r->base & 0xfffu) || (len & 0xfffu))
		IMS_TDIAG(m, c->t, "ivrs.ivmd-unaligned", IMS_SEV_WARNING, off + 16,
			  "IVMD %02xh start 0x%" PRIx64 " length 0x%" PRIx64 " not 4 KiB aligned (Linux page-aligns the start up)",
			  type, r->base, len);
	if (type == 0x22 && aux < devid) {
		char a[16], b[16];
		fmt_bdf(a, r->segment, devid);
		fmt_bdf(b, r->segment, aux);
		IMS_TDIAG(m, c->t, "ivrs.ivmd-range-reversed", IMS_SEV_ERROR, off + 6,
			  "IVMD 22h device range %s..%s ends below its start", a, b);
	}
	if (!r->unity && !r->exclusion)
		IMS_TDIAG(m, c->t, "ivrs.ivmd-no-effect", IMS_SEV_INFO, off + 1,
			  "IVMD %02xh flags 0x%02x: neither Unity nor Exclusion, Linux ignores it", type, fl);
}

static size_t min_length(uint8_t type)
{
	if (is_ivhd(type))
		return ivhd_hdr(type);
	if (is_ivmd(type))
		return IVMD_LEN;
	return SUB_HDR;
}

/* ---------------------------------------------------------------------- */
/* Units                                                                  */
/* ---------------------------------------------------------------------- */

/* Linux get_highest_supported_ivhd_type(), bounded (stops on Length 0). */
static uint8_t highest_ivhd_type(const ctx *c)
{
	if (!ims_span_ok(c->end, IVRS_HDR, SUB_HDR))
		return 0;
	const uint8_t *d = c->d;
	uint8_t last = d[IVRS_HDR];
	uint16_t devid = ims_le16(d + IVRS_HDR + 4);
	size_t off = IVRS_HDR;
	while (ims_span_ok(c->end, off, SUB_HDR) && d[off] <= 0x40) {
		if (ims_le16(d + off + 4) == devid)
			last = d[off];
		uint16_t len = ims_le16(d + off + 2);
		if (len == 0)
			break;
		off += len;
	}
	return last;
}

static bool same_iommu(const ims_ivhd *a, const ims_ivhd *b)
{
	return a->segment == b->segment && a->bdf == b->bdf && a->base == b->base;
}

static void set_caps(ims_model *m, ims_unit *u, const ims_ivhd *h)
{
	for (int c = 0; c < IMS_CAP_COUNT; c++)
		u->caps[c].state = -1;
	ims_cap_set(u, IMS_CAP_INTR_REMAP, 1, 0, SRC_IR);
	ims_cap_set(u, IMS_CAP_PASSTHROUGH, 1, 0, SRC_PT);
	ims_cap_set(u, IMS_CAP_ATS, (h->flags >> 4) & 1, 0, SRC_ATS);
	ims_cap_set(u, IMS_CAP_COHERENT, (h->flags >> 5) & 1, 0, SRC_COHERENT);
	if (h->type == 0x10) {
		uint32_t f = h->feature;
		bool xt = f & 1, gt = (f >> 2) & 1, ga = (f >> 6) & 1;
		ims_cap_set(u, IMS_CAP_X2APIC, xt && ga, 0, SRC_F10_X2APIC);
		ims_cap_set(u, IMS_CAP_GUEST_TRANSLATION, gt, 0, SRC_F10_GT);
		ims_cap_set(u, IMS_CAP_PASID, gt, gt ? ((f >> 8) & 0x1fu) + 1u : 0, SRC_F10_PASID);
		ims_cap_set(u, IMS_CAP_PERF_COUNTERS, ((f >> 13) & 0xfu) && ((f >> 17) & 0x3fu), 0, SRC_F10_PC);
		ims_cap_set(u, IMS_CAP_PRI, (h->flags >> 7) & 1, 0, SRC_F10_PPR);
	} else {
		uint64_t e = h->efr;
		bool xt = (e >> 2) & 1, gt = (e >> 4) & 1, ga = (e >> 7) & 1, gam = (e >> 21) & 1;
		ims_cap_set(u, IMS_CAP_X2APIC, xt && ga, 0, SRC_EFR_X2APIC);
		ims_cap_set(u, IMS_CAP_PRI, (e >> 1) & 1, 0, SRC_EFR_PRI);
		ims_cap_set(u, IMS_CAP_GUEST_TRANSLATION, gt, 0, SRC_EFR_GT);
		ims_cap_set(u, IMS_CAP_PASID, gt, gt ? (uint32_t)((e >> 32) & 0x1fu) + 1u : 0, SRC_EFR_PASID);
		ims_cap_set(u, IMS_CAP_POSTED_INTR, ga && gam, 0, SRC_EFR_GA);
		ims_cap_set(u, IMS_CAP_PERF_COUNTERS, (e >> 9) & 1, 0, SRC_EFR_PC);
		ims_cap_set(u, IMS_CAP_DIRTY_TRACKING, (e >> 52) & 1, 0, SRC_EFR_HD);
	}
	if (m->ivrs.va_size)
		ims_cap_set(u, IMS_CAP_VA_BITS, 1, m->ivrs.va_size, SRC_VA);
	if (m->ivrs.pa_size)
		ims_cap_set(u, IMS_CAP_PA_BITS, 1, m->ivrs.pa_size, SRC_PA);
}

static int32_t add_unit(ctx *c, uint32_t hi)
{
	ims_model *m = c->m;
	ims_unit *u = IMS_PUSH(m, units);
	if (!u)
		return -1;
	int32_t ui = (int32_t)(m->n_units - 1);
	ims_ivhd *h = &m->ivhds[hi];
	u->vendor = IMS_VENDOR_AMD;
	u->segment = h->segment;
	u->base = h->base;
	u->table = c->t;
	u->offset = h->offset;
	u->ivhd = (int32_t)hi;
	u->ivhd_types = type_bit(h->type);
	u->bdf = h->bdf;
	u->cap_offset = h->cap_offset;
	u->has_efr = h->type != 0x10;
	u->efr = h->efr;
	u->efr2 = h->efr2;
	set_caps(m, u, h);
	h->unit = ui;
	return ui;
}

typedef struct range {
	uint16_t first, last;
	uint32_t offset;
} range;

static int cmp_range(const void *a, const void *b)
{
	const range *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->last < y->last ? -1 : x->last > y->last;
}

static void push_cov(ctx *c, int32_t unit, const ims_ivhd *h, ims_cov_kind kind, uint16_t first, uint16_t last,
		     const ims_ivhd_entry *e)
{
	ims_coverage *cv = IMS_PUSH(c->m, coverage);
	if (!cv)
		return;
	cv->unit = unit;
	cv->kind = kind;
	cv->segment = h->segment;
	cv->bdf_known = true;
	cv->first = first;
	cv->last = last;
	cv->alias = e->alias;
	cv->dte = e->dte;
	cv->ext = e->ext;
	cv->table = c->t;
	cv->offset = e->offset;
	cv->scope = -1;
}

/*
 * Pair range starts with their 04h ends (diagnostics for every IVHD); when
 * unit >= 0 also emit coverage, specials and ACPI devices for that unit.
 */
static void pair_entries(ctx *c, uint32_t hi, int32_t unit)
{
	ims_model *m = c->m;
	const ims_ivhd *h = &m->ivhds[hi];
	uint32_t first = h->first_entry, n = h->nentries;
	int64_t open = -1;      /* index of the open range start */
	bool open_interrupted = false;
	range *rs = NULL;
	size_t nrs = 0;
	if (unit >= 0 && n)
		rs = malloc((size_t)n * sizeof(*rs));
	for (uint32_t k = 0; k < n; k++) {
		const ims_ivhd_entry *e = &m->ivhd_entries[first + k];
		bool start = e->type == 0x03 || e->type == 0x43 || e->type == 0x47;
		if (open >= 0 && e->type != 0x04) {
			if (start) {
				const ims_ivhd_entry *s = &m->ivhd_entries[open];
				IMS_TDIAG(m, c->t, "ivrs.range-unterminated", IMS_SEV_ERROR, s->offset,
					  "range start %02xh (device %04x) followed by another start %02xh at offset %u "
					  "without an 04h end: the range is lost",
					  s->type, s->devid, e->type, e->offset);
				open = -1;
			} else {
				/* Linux keeps the start and closes it at the next 04h */
				open_interrupted = true;
			}
		}
		switch (e->type) {
		case 0x01:
			if (unit >= 0)
				push_cov(c, unit, h, IMS_COV_ALL, 0, 0xffff, e);
			break;
		case 0x02:
			if (unit >= 0)
				push_cov(c, unit, h, IMS_COV_SELECT, e->devid, e->devid, e);
			break;
		case 0x42:
			if (unit >= 0)
				push_cov(c, unit, h, IMS_COV_ALIAS_SELECT, e->devid, e->devid, e);
			break;
		case 0x46:
			if (unit >= 0)
				push_cov(c, unit, h, IMS_COV_EXT_SELECT, e->devid, e->devid, e);
			break;
		case 0x03: case 0x43: case 0x47:
			open = (int64_t)(first + k);
			open_interrupted = false;
			break;
		case 0x04: {
			if (open < 0) {
				IMS_TDIAG(m, c->t, "ivrs.range-end-without-start", IMS_SEV_ERROR, e->offset,
					  "04h end of range (device %04x) without an open range start "
					  "(Linux reuses the previous start, or 0000 when none)",
					  e->devid);
				break;
			}
			const ims_ivhd_entry *s = &m->ivhd_entries[open];
			if (open_interrupted)
				IMS_TDIAG(m, c->t, "ivrs.range-interrupted", IMS_SEV_WARNING, s->offset,
					  "range start %02xh (device %04x) is closed by the 04h at offset %u, "
					  "but other entries come between",
					  s->type, s->devid, e->offset);
			if (e->devid < s->devid) {
				IMS_TDIAG(m, c->t, "ivrs.range-reversed", IMS_SEV_ERROR, e->offset,
					  "range %04x..%04x ends below its start: covers nothing", s->devid, e->devid);
			} else if (unit >= 0) {
				ims_cov_kind kind = s->type == 0x03 ? IMS_COV_RANGE
						    : s->type == 0x43 ? IMS_COV_ALIAS_RANGE
								      : IMS_COV_EXT_RANGE;
				push_cov(c, unit, h, kind, s->devid, e->devid, s);
				if (rs) {
					rs[nrs].first = s->devid;
					rs[nrs].last = e->devid;
					rs[nrs].offset = s->offset;
					nrs++;
				}
			}
			open = -1;
			open_interrupted = false;
			break;
		}
		case 0x48:
			if (unit >= 0 && (e->variety == 1 || e->variety == 2)) {
				ims_special *sp = IMS_PUSH(m, specials);
				if (sp) {
					sp->unit = unit;
					sp->kind = e->variety == 1 ? IMS_SPECIAL_IOAPIC : IMS_SPECIAL_HPET;
					sp->id = e->handle;
					sp->segment = h->segment;
					sp->bdf_known = true;
					sp->bdf = e->alias;
					sp->table = c->t;
					sp->offset = e->offset;
					sp->scope = -1;
				}
			}
			break;
		case 0xf0:
			/* Linux skips F0h outside 40h and F0h with an empty HID */
			if (unit >= 0 && h->type == 0x40 && c->d[e->offset + 4] != 0) {
				ims_acpidev *a = IMS_PUSH(m, acpidevs);
				if (a) {
					a->unit = unit;
					memcpy(a->hid, e->hid, sizeof(a->hid));
					memcpy(a->cid, e->cid, sizeof(a->cid));
					a->uid_format = e->uid_format;
					memcpy(a->uid, e->uid, sizeof(a->uid));
					a->segment = h->segment;
					a->bdf_known = true;
					a->bdf = e->devid;
					a->table = c->t;
					a->offset = e->offset;
				}
			}
			break;
		default:
			break;
		}
	}
	if (open >= 0) {
		const ims_ivhd_entry *s = &m->ivhd_entries[open];
		IMS_TDIAG(m, c->t, "ivrs.range-unterminated", IMS_SEV_ERROR, s->offset,
			  "range start %02xh (device %04x) has no 04h end before the end of IVHD %02xh at offset %u: "
			  "the range is lost",
			  s->type, s->devid, h->type, h->offset);
	}
	if (rs && nrs > 1) {
		qsort(rs, nrs, sizeof(*rs), cmp_range);
		uint16_t maxlast = rs[0].last;
		uint32_t maxoff = rs[0].offset;
		for (size_t i = 1; i < nrs; i++) {
			if (rs[i].first <= maxlast) {
				IMS_TDIAG(m, c->t, "ivrs.range-overlap", IMS_SEV_INFO, rs[i].offset,
					  "device range %04x..%04x overlaps the range starting at offset %u (up to %04x)",
					  rs[i].first, rs[i].last, maxoff, maxlast);
			}
			if (rs[i].last > maxlast) {
				maxlast = rs[i].last;
				maxoff = rs[i].offset;
			}
		}
	}
	free(rs);
}

static void build_units(ctx *c, uint32_t h0, uint32_t h1)
{
	ims_model *m = c->m;
	uint8_t sel = m->ivrs.table == c->t ? m->ivrs.selected_ivhd_type : 0;
	/* 1. every IVHD of the selected type is an IOMMU (Linux init_iommu_all) */
	for (uint32_t i = h0; i < h1; i++) {
		ims_ivhd *h = &m->ivhds[i];
		if (h->type != sel)
			continue;
		h->selected = true;
		for (uint32_t j = h0; j < i; j++)
			if (m->ivhds[j].selected && same_iommu(&m->ivhds[j], h)) {
				char b[16];
				fmt_bdf(b, h->segment, h->bdf);
				IMS_TDIAG(m, c->t, "ivrs.ivhd-duplicate", IMS_SEV_WARNING, h->offset,
					  "IVHD %02xh for IOMMU %s base 0x%" PRIx64 " repeats the one at offset %u",
					  h->type, b, h->base, m->ivhds[j].offset);
				break;
			}
		add_unit(c, i);
	}
	/* 2. fold the others into the unit of the same IOMMU, or make a unit
	 *    Linux would not make (highest type wins) */
	for (uint32_t i = h0; i < h1; i++) {
		ims_ivhd *h = &m->ivhds[i];
		if (h->unit >= 0)
			continue;
		int32_t found = -1;
		for (size_t u = 0; u < m->n_units; u++) {
			const ims_unit *un = &m->units[u];
			if (un->table == c->t && un->ivhd >= 0 && same_iommu(&m->ivhds[un->ivhd], h)) {
				found = (int32_t)u;
				break;
			}
		}
		if (found >= 0) {
			h->unit = found;
			m->units[found].ivhd_types |= type_bit(h->type);
			continue;
		}
		/* representative: the highest type describing this IOMMU */
		uint32_t rep = i;
		for (uint32_t j = i + 1; j < h1; j++)
			if (m->ivhds[j].unit < 0 && same_iommu(&m->ivhds[j], h) && m->ivhds[j].type > m->ivhds[rep].type)
				rep = j;
		int32_t ui = add_unit(c, rep);
		if (ui < 0)
			return;
		char b[16];
		fmt_bdf(b, h->segment, h->bdf);
		IMS_TDIAG(m, c->t, "ivrs.ivhd-not-selected", IMS_SEV_WARNING, m->ivhds[rep].offset,
			  "IOMMU %s base 0x%" PRIx64 " is described only by IVHD type %02xh, but Linux uses type %02xh: "
			  "it would ignore this IOMMU",
			  b, h->base, m->ivhds[rep].type, sel);
		for (uint32_t j = i; j < h1; j++)
			if (m->ivhds[j].unit < 0 && same_iommu(&m->ivhds[j], h)) {
				m->ivhds[j].unit = ui;
				m->units[ui].ivhd_types |= type_bit(m->ivhds[j].type);
			}
	}
	/* 3. entries: diagnostics for all, model objects from each unit's IVHD */
	for (uint32_t i = h0; i < h1; i++) {
		const ims_ivhd *h = &m->ivhds[i];
		int32_t unit = (h->unit >= 0 && m->units[h->unit].ivhd == (int32_t)i) ? h->unit : -1;
		pair_entries(c, i, unit);
	}
}

/* ---------------------------------------------------------------------- */
/* Table                                                                  */
/* ---------------------------------------------------------------------- */

void ims_decode_ivrs(ims_model *m, int32_t t)
{
	ims_table *tb = &m->tables[t];
	ctx c = {.m = m, .t = t, .d = tb->data, .end = tb->size};
	if (tb->length >= 36 && tb->length < c.end)
		c.end = tb->length;
	if (!c.d)
		return;
	if (!m->ivrs.present) {
		m->ivrs.present = true;
		m->ivrs.table = t;
		c.primary = true;
	} else {
		IMS_TDIAG(m, t, "ivrs.duplicate-table", IMS_SEV_INFO, 0,
			  "IVRS instance %u: subtables decoded, but units and regions come from table %d (Linux uses the first)",
			  tb->instance, m->ivrs.table);
	}
	if (tb->revision != 1 && tb->revision != 2)
		IMS_TDIAG(m, t, "ivrs.bad-revision", IMS_SEV_WARNING, 8, "IVRS revision %u: must be 1 or 2 (fwts)",
			  tb->revision);
	if (c.end < IVRS_HDR) {
		IMS_TDIAG(m, t, "ivrs.too-short", IMS_SEV_ERROR, 0,
			  "IVRS: %zu bytes, the IVRS header needs 48 (fwts IVRSTooShort)", c.end);
		if (c.primary && c.end >= 40) {
			uint32_t iv = ims_le32(c.d + 36);
			m->ivrs.ivinfo = iv;
			m->ivrs.efr_sup = iv & 1;
			m->ivrs.dma_remap = (iv >> 1) & 1;
			m->ivrs.gva_size = (uint8_t)((iv >> 5) & 7);
			m->ivrs.pa_size = (uint8_t)((iv >> 8) & 0x7f);
			m->ivrs.va_size = (uint8_t)((iv >> 15) & 0x7f);
			m->ivrs.ht_ats_reserved = (iv >> 22) & 1;
		}
		return;
	}
	uint32_t iv = ims_le32(c.d + 36);
	if (c.primary) {
		m->ivrs.ivinfo = iv;
		m->ivrs.efr_sup = iv & 1;
		m->ivrs.dma_remap = (iv >> 1) & 1;
		m->ivrs.gva_size = (uint8_t)((iv >> 5) & 7);
		m->ivrs.pa_size = (uint8_t)((iv >> 8) & 0x7f);
		m->ivrs.va_size = (uint8_t)((iv >> 15) & 0x7f);
		m->ivrs.ht_ats_reserved = (iv >> 22) & 1;
	}
	reserved(&c, 36, iv & 0xff80001cu, "IVinfo bits 4:2 / 31:23");
	reserved(&c, 40, ims_le64(c.d + 40), "IVRS header Reserved (offset 40)");

	uint32_t h0 = (uint32_t)m->n_ivhds;
	bool any_ivhd = false;
	size_t off = IVRS_HDR;
	while (off < c.end) {
		if (!ims_span_ok(c.end, off, SUB_HDR)) {
			IMS_TDIAG(m, t, "ivrs.trailing-bytes", IMS_SEV_WARNING, off,
				  "%zu bytes after the last subtable: too few for a subtable header", c.end - off);
			break;
		}
		const uint8_t *p = c.d + off;
		uint8_t type = p[0];
		size_t len = ims_le16(p + 2);
		if (len == 0) {
			IMS_TDIAG(m, t, "ivrs.zero-length", IMS_SEV_ERROR, off + 2,
				  "subtable type 0x%02x with Length 0: the walk stops here", type);
			break;
		}
		if (len < min_length(type)) {
			IMS_TDIAG(m, t, "ivrs.subtable-too-short", IMS_SEV_ERROR, off + 2,
				  "subtable type 0x%02x with Length %zu, its header needs %zu: the walk stops here", type,
				  len, min_length(type));
			break;
		}
		size_t avail = len;
		bool past = !ims_span_ok(c.end, off, len);
		if (past) {
			avail = c.end - off;
			IMS_TDIAG(m, t, "ivrs.subtable-past-end", IMS_SEV_ERROR, off + 2,
				  "subtable type 0x%02x with Length %zu runs past the table end (%zu bytes left)", type, len,
				  avail);
		}
		if (is_ivhd(type)) {
			any_ivhd = true;
			decode_ivhd(&c, off, avail);
		} else if (is_ivmd(type)) {
			if (!past)
				decode_ivmd(&c, off);
		} else {
			ims_raw *r = IMS_PUSH(m, raws);
			if (r) {
				r->table = t;
				r->offset = (uint32_t)off;
				r->length = (uint32_t)avail;
				r->type = type;
				r->context = "ivrs";
			}
			IMS_TDIAG(m, t, "ivrs.unknown-subtable", IMS_SEV_WARNING, off,
				  "subtable type 0x%02x (%zu bytes) is not defined by the spec: kept raw, skipped", type,
				  len);
		}
		if (past)
			break;
		off += len;
	}
	uint32_t h1 = (uint32_t)m->n_ivhds;

	uint8_t sel = highest_ivhd_type(&c);
	if (c.primary)
		m->ivrs.selected_ivhd_type = sel;
	if (ims_span_ok(c.end, IVRS_HDR, SUB_HDR) && is_ivmd(c.d[IVRS_HDR]))
		IMS_TDIAG(m, t, "ivrs.first-subtable-ivmd", IMS_SEV_WARNING, IVRS_HDR,
			  "the first subtable is IVMD %02xh: Linux picks the IVHD type from the subtables whose DeviceID "
			  "equals its DeviceID %04x",
			  c.d[IVRS_HDR], ims_le16(c.d + IVRS_HDR + 4));
	if (!any_ivhd) {
		IMS_TDIAG(m, t, "ivrs.no-ivhd", IMS_SEV_ERROR, IVRS_HDR, "IVRS has no IVHD subtable: no AMD IOMMU");
	} else if (!is_ivhd(sel)) {
		IMS_TDIAG(m, t, "ivrs.selected-type-invalid", IMS_SEV_ERROR, IVRS_HDR,
			  "Linux's IVHD type choice (last type <= 40h whose DeviceID equals the first subtable's) "
			  "gives 0x%02x: 'Unsupported IVHD type', no AMD IOMMU",
			  sel);
	}
	if (c.primary) {
		build_units(&c, h0, h1);
	} else {
		for (uint32_t i = h0; i < h1; i++)
			pair_entries(&c, i, -1);
	}
}

void ims_ivrs_finish(ims_model *m) { (void)m; }
