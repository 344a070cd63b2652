/* SPDX-License-Identifier: MIT */
/*
 * ACPI table container formats: ACPICA acpidump text and raw binary tables;
 * the common ACPI header (length, checksum, ids); MADT, MCFG and HPET.
 */
#include "internal.h"

#include <stdlib.h>

const ims_diag_info ims_diag_codes_acpi[] = {
	{"acpi.header-truncated", IMS_SEV_ERROR, "fewer than 36 bytes: the ACPI table header is incomplete"},
	{"acpi.bad-length", IMS_SEV_ERROR, "the header Length field is smaller than the 36-byte header"},
	{"acpi.table-truncated", IMS_SEV_ERROR, "fewer bytes present than the header Length field says"},
	{"acpi.trailing-bytes", IMS_SEV_WARNING, "more bytes present than the header Length field says (ignored)"},
	{"acpi.too-large", IMS_SEV_ERROR, "table larger than the 16 MiB limit; only the first 16 MiB are kept"},
	{"acpi.too-many-tables", IMS_SEV_ERROR, "more than 4096 tables in one model; the rest are ignored"},
	{"acpi.bad-checksum", IMS_SEV_ERROR, "the bytes of the table do not sum to zero"},
	{"acpi.bad-signature", IMS_SEV_WARNING, "signature contains characters outside A-Z, 0-9, '_' and '!'"},
	{"acpi.signature-mismatch", IMS_SEV_WARNING, "acpidump header names another signature than the table bytes"},
	{"acpi.duplicate-table", IMS_SEV_WARNING, "a second DMAR/IVRS/APIC/MCFG: the kernel uses the first"},
	{"acpidump.no-tables", IMS_SEV_ERROR, "no 'SIG @ 0xADDR' table header found in acpidump text"},
	{"acpidump.bad-hex", IMS_SEV_ERROR, "a data row has a malformed offset or hex byte; the table is cut there"},
	{"acpidump.offset-mismatch", IMS_SEV_WARNING, "a data row's offset is not the expected next offset"},
	{"acpidump.empty-table", IMS_SEV_ERROR, "a table header without any data rows"},
	{"acpidump.trailing-garbage", IMS_SEV_INFO, "text after a table that is neither data nor a table header"},
	{"madt.bad-entry-length", IMS_SEV_ERROR, "MADT entry length is zero, too short, or runs past the table"},
	{"madt.unknown-entry", IMS_SEV_INFO, "MADT entry of a type this version does not know (kept raw)"},
	{"mcfg.trailing-bytes", IMS_SEV_WARNING, "MCFG length is not 44 + a multiple of 16"},
	{"mcfg.bad-bus-range", IMS_SEV_WARNING, "MCFG allocation with start bus > end bus"},
	{"hpet.too-short", IMS_SEV_WARNING, "HPET table shorter than 56 bytes"},
	{"model.items-limit", IMS_SEV_ERROR,
	 "a model array reached 1,000,000 elements (IMS_MAX_ITEMS); further elements were dropped"},
	{NULL, IMS_SEV_INFO, NULL},
};

/* ---------------------------------------------------------------------- */
/* Format detection                                                       */
/* ---------------------------------------------------------------------- */
static bool is_sig_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '!' || (c >= 'a' && c <= 'z');
}

ims_format ims_detect_format(const void *vbuf, size_t len)
{
	const uint8_t *b = vbuf;
	if (!b || len == 0)
		return IMS_FMT_UNKNOWN;
	/* acpidump text: a line starting "SIG @ " near the start, then rows. */
	size_t probe = len < 65536 ? len : 65536;
	if (len >= 36 && is_sig_char(b[0]) && is_sig_char(b[1]) && is_sig_char(b[2]) && is_sig_char(b[3]) &&
	    !(b[4] == ' ' && b[5] == '@')) {
		uint32_t l = ims_le32(b + 4);
		if (l >= 36 && l <= IMS_MAX_TABLE * 4)
			return IMS_FMT_TABLE;
	}
	const char *t = (const char *)b;
	for (size_t pos = 0; pos < probe;) {
		const char *nl = memchr(t + pos, '\n', probe - pos);
		size_t end = nl ? (size_t)(nl - t) : probe;
		size_t n = end - pos;
		if (n >= 7 && t[pos] != ' ' && t[pos] != '\t') {
			const char *at = memchr(t + pos, '@', n < 12 ? n : 12);
			if (at && at > t + pos + 3 && at[-1] == ' ' && (size_t)(at - t) + 1 < end && at[1] == ' ')
				return IMS_FMT_ACPIDUMP;
		}
		pos = end + 1;
	}
	size_t nonprint = 0;
	for (size_t i = 0; i < probe; i++)
		if (b[i] == 0)
			nonprint++;
	if (nonprint * 20 > probe)
		return IMS_FMT_UNKNOWN;
	return IMS_FMT_LOG;
}

/* ---------------------------------------------------------------------- */
/* Table recording                                                        */
/* ---------------------------------------------------------------------- */
static bool is_decoded_sig(const char sig[5])
{
	return !memcmp(sig, "DMAR", 4) || !memcmp(sig, "IVRS", 4) || !memcmp(sig, "APIC", 4) ||
	       !memcmp(sig, "MCFG", 4) || !memcmp(sig, "HPET", 4);
}

/* Number the table among those of its signature (0 for the first). */
static uint32_t next_instance(ims_model *m, const char *sig)
{
	for (size_t i = 0; i < m->n_sigcounts; i++)
		if (!memcmp(m->sigcounts[i].signature, sig, 5))
			return m->sigcounts[i].count++;
	ims_sigcount *c = IMS_PUSH(m, sigcounts);
	if (!c)
		return 0;
	memcpy(c->signature, sig, 5);
	c->count = 1;
	return 0;
}

/* Record a table's header from the first bytes; full = all bytes present. */
static int32_t record_table(ims_model *m, uint32_t input, const uint8_t *buf, size_t len, bool full,
			    uint64_t address, uint32_t line, uint64_t input_offset)
{
	if (m->n_tables >= IMS_MAX_TABLES) {
		ims_diag_add(m, "acpi.too-many-tables", IMS_SEV_ERROR, input, -1, true, input_offset, line,
			     "more than %u tables; ignoring the rest", IMS_MAX_TABLES);
		return -1;
	}
	ims_table *t = IMS_PUSH(m, tables);
	if (!t)
		return IMS_ERR_NOMEM;
	int32_t ti = (int32_t)(m->n_tables - 1);
	t->input = input;
	t->address = address;
	t->line = line;
	t->input_offset = input_offset;
	size_t siglen = len < 4 ? len : 4;
	ims_copy_ascii(t->signature, buf, siglen);
	for (size_t i = strlen(t->signature); i < 4 && i < siglen; i++)
		t->signature[i] = '?';
	t->instance = next_instance(m, t->signature);
	if (len < 36) {
		t->size = (uint32_t)len;
		IMS_TDIAG(m, ti, "acpi.header-truncated", IMS_SEV_ERROR, 0,
			  "%s: only %zu bytes, the ACPI header needs 36", t->signature, len);
		return ti;
	}
	t->header_complete = true;
	for (int i = 0; i < 4; i++)
		if (!is_sig_char(buf[i])) {
			IMS_TDIAG(m, ti, "acpi.bad-signature", IMS_SEV_WARNING, 0, "signature bytes %02x %02x %02x %02x",
				  buf[0], buf[1], buf[2], buf[3]);
			break;
		}
	t->length = ims_le32(buf + 4);
	t->revision = buf[8];
	t->checksum = buf[9];
	ims_copy_ascii(t->oem_id, buf + 10, 6);
	ims_copy_ascii(t->oem_table_id, buf + 16, 8);
	t->oem_revision = ims_le32(buf + 24);
	ims_copy_ascii(t->creator_id, buf + 28, 4);
	t->creator_revision = ims_le32(buf + 32);

	size_t size = len;
	if (!full && t->length >= 36)
		size = t->length; /* rows skipped: trust Length; a Length < 36 keeps the bytes read */
	if (t->length < 36) {
		IMS_TDIAG(m, ti, "acpi.bad-length", IMS_SEV_ERROR, 4, "%s: header Length %u is smaller than 36",
			  t->signature, t->length);
	} else if (full && len < t->length) {
		IMS_TDIAG(m, ti, "acpi.table-truncated", IMS_SEV_ERROR, len,
			  "%s: header Length is %u but only %zu bytes are present", t->signature, t->length, len);
	} else if (full && len > t->length) {
		IMS_TDIAG(m, ti, "acpi.trailing-bytes", IMS_SEV_WARNING, t->length,
			  "%s: %zu bytes after the %u the header Length covers", t->signature, len - t->length,
			  t->length);
		size = t->length;
	}
	if (size > IMS_MAX_TABLE) {
		IMS_TDIAG(m, ti, "acpi.too-large", IMS_SEV_ERROR, 4, "%s: %zu bytes; keeping the first %zu",
			  t->signature, size, IMS_MAX_TABLE);
		size = IMS_MAX_TABLE;
	}
	t->size = (uint32_t)size;
	if (full && len >= t->length && t->length >= 36) {
		uint8_t sum = 0;
		for (size_t i = 0; i < t->length && i < len; i++)
			sum = (uint8_t)(sum + buf[i]);
		t->checksum_verified = true;
		t->checksum_ok = sum == 0;
		if (sum)
			IMS_TDIAG(m, ti, "acpi.bad-checksum", IMS_SEV_ERROR, 9,
				  "%s: checksum byte 0x%02x, bytes sum to 0x%02x (should be 0x%02x)", t->signature,
				  t->checksum, sum, (uint8_t)(t->checksum - sum));
	}
	return ti;
}

int ims_parse_table_at(ims_model *m, uint32_t input, const uint8_t *buf, size_t len, uint64_t address,
		       uint32_t line, uint64_t input_offset)
{
	if (!m || (!buf && len))
		return IMS_ERR_ARG;
	if (len > IMS_MAX_INPUT)
		return IMS_ERR_LIMIT;
	int32_t ti = record_table(m, input, buf, len, true, address, line, input_offset);
	if (ti < 0)
		return ti == -1 ? IMS_OK : ti;
	ims_table *t = &m->tables[ti];
	if (!t->header_complete || !is_decoded_sig(t->signature))
		return IMS_OK;
	if (t->instance > 0 && memcmp(t->signature, "HPET", 4))
		IMS_TDIAG(m, ti, "acpi.duplicate-table", IMS_SEV_WARNING, 0,
			  "%s instance %u: the kernel only uses the first %s", t->signature, t->instance,
			  t->signature);
	t->data = malloc(t->size ? t->size : 1);
	if (!t->data)
		return IMS_ERR_NOMEM;
	memcpy(t->data, buf, t->size);
	t->decoded = true;
	if (!memcmp(t->signature, "DMAR", 4))
		ims_decode_dmar(m, ti);
	else if (!memcmp(t->signature, "IVRS", 4))
		ims_decode_ivrs(m, ti);
	else if (!memcmp(t->signature, "APIC", 4))
		ims_decode_madt(m, ti);
	else if (!memcmp(t->signature, "MCFG", 4))
		ims_decode_mcfg(m, ti);
	else
		ims_decode_hpet(m, ti);
	return IMS_OK;
}

int ims_parse_table(ims_model *m, uint32_t input, const uint8_t *buf, size_t len)
{
	return ims_parse_table_at(m, input, buf, len, 0, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* acpidump text                                                          */
/* ---------------------------------------------------------------------- */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Count '\n' bytes, 8 at a time (exact SWAR zero-byte count). */
static size_t count_newlines(const char *p, size_t n)
{
	size_t c = 0, i = 0;
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL, nl = 0x0a0a0a0a0a0a0a0aULL;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		uint64_t x = w ^ nl;
		uint64_t t = ~(((x & lo7) + lo7) | x | lo7);
		c += (size_t)__builtin_popcountll(t);
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* End of the line starting at pos (index of '\n' or len).  Standard acpidump
 * rows are 76 bytes long: check that first, memchr otherwise. */
static inline size_t line_end(const char *text, size_t len, size_t pos)
{
	if (pos + 76 <= len && text[pos + 75] == '\n' && text[pos + 8] == ':')
		return pos + 75;
	const char *nl = memchr(text + pos, '\n', len - pos);
	return nl ? (size_t)(nl - text) : len;
}

typedef struct bytebuf {
	uint8_t *b;
	size_t n, cap;
	bool overflow;
} bytebuf;

static bool bb_push(bytebuf *bb, uint8_t v)
{
	if (bb->n >= IMS_MAX_TABLE + 16) {
		bb->overflow = true;
		return false;
	}
	if (bb->n == bb->cap) {
		size_t nc = bb->cap ? bb->cap * 2 : 4096;
		uint8_t *p = realloc(bb->b, nc);
		if (!p)
			return false;
		bb->b = p;
		bb->cap = nc;
	}
	bb->b[bb->n++] = v;
	return true;
}

/*
 * Decode one data row "  OFFS: XX XX ... XX  ascii" into bb.  Returns 0 on
 * success, -1 on a malformed row (bytes up to the error are kept).
 */
static int decode_row(const char *p, size_t n, bytebuf *bb, uint64_t *row_offset)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	uint64_t off = 0;
	size_t digits = 0;
	while (i < n && hexval(p[i]) >= 0 && digits < 16) {
		off = off * 16 + (uint64_t)hexval(p[i]);
		i++;
		digits++;
	}
	if (!digits || i >= n || p[i] != ':')
		return -1;
	*row_offset = off;
	i++;
	/* bytes: " XX" repeated; a double space (or end) ends the hex part */
	while (i + 2 < n + 0 && p[i] == ' ' && hexval(p[i + 1]) >= 0) {
		int hi = hexval(p[i + 1]), lo = hexval(p[i + 2]);
		if (lo < 0)
			return -1;
		if (i + 3 < n && p[i + 3] != ' ')
			return -1;
		if (!bb_push(bb, (uint8_t)(hi * 16 + lo)))
			return -1;
		i += 3;
	}
	if (i + 2 == n && p[i] == ' ' && hexval(p[i + 1]) >= 0)
		return -1; /* row cut in the middle of a byte */
	return 0;
}

static bool is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* Is [ls, le) an acpidump table header line?  Fills sig and address. */
static bool parse_header_line(const char *ls, size_t n, char sig[5], uint64_t *addr)
{
	if (n < 7 || ls[0] == ' ' || ls[0] == '\t')
		return false;
	const char *at = memchr(ls, '@', n < 16 ? n : 16);
	if (!at || at == ls || at[-1] != ' ' || (size_t)(at - ls) + 1 >= n || at[1] != ' ')
		return false;
	size_t siglen = (size_t)(at - ls) - 1;
	if (siglen == 7 && !memcmp(ls, "RSD PTR", 7)) {
		memcpy(sig, "RSDP", 5);
	} else if (siglen == 4) {
		for (int i = 0; i < 4; i++)
			if (!is_sig_char((uint8_t)ls[i]))
				return false;
		memcpy(sig, ls, 4);
		sig[4] = 0;
	} else {
		return false;
	}
	*addr = 0;
	const char *v = at + 2, *e = ls + n;
	if (e - v >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		for (v += 2; v < e && hexval(*v) >= 0; v++)
			*addr = (*addr << 4) | (uint64_t)hexval(*v);
	}
	return true;
}

int ims_parse_acpidump(ims_model *m, uint32_t input, const char *text, size_t len)
{
	if (!m || (!text && len))
		return IMS_ERR_ARG;
	if (len > IMS_MAX_INPUT)
		return IMS_ERR_LIMIT;
	size_t pos = 0, line_pos = 0, line_no = 1, ntables = 0;
	bytebuf bb = {0};
	int rc = IMS_OK;
	while (pos < len) {
		/* Find the next header: " @ " on a line that does not start with space. */
		const char *h = memmem(text + pos, len - pos, " @ ", 3);
		if (!h)
			break;
		size_t hp = (size_t)(h - text);
		size_t ls = hp;
		while (ls > pos && text[ls - 1] != '\n')
			ls--;
		if (ls == pos && ls > 0 && text[ls - 1] != '\n') {
			/* " @ " in the middle of a line we already passed */
			pos = hp + 3;
			continue;
		}
		const char *nl = memchr(h, '\n', len - hp);
		size_t le = nl ? (size_t)(nl - text) : len;
		size_t hl = le - ls;
		if (hl && text[le - 1] == '\r')
			hl--;
		char sig[5];
		uint64_t addr;
		if (!parse_header_line(text + ls, hl, sig, &addr)) {
			pos = le < len ? le + 1 : len;
			continue;
		}
		line_no += count_newlines(text + line_pos, ls - line_pos);
		line_pos = ls;
		uint32_t hdr_line = (uint32_t)line_no;
		ntables++;
		pos = le < len ? le + 1 : len;
		/* Decode rows: all of them for decoded tables, 3 rows (the header) otherwise. */
		bool want_all = is_decoded_sig(sig) || !strcmp(sig, "RSDP");
		bb.n = 0;
		bb.overflow = false;
		size_t rows = 0;
		bool bad = false;
		uint64_t expect = 0;
		while (pos < len) {
			size_t re = line_end(text, len, pos);
			size_t rl = re - pos;
			if (rl && text[re - 1] == '\r')
				rl--;
			if (rl == 0 || (text[pos] != ' ' && text[pos] != '\t') || is_blank(text + pos, rl))
				break; /* table ends at an empty or non-space-leading line */
			if (!want_all && rows >= 3) {
				pos = re < len ? re + 1 : len;
				continue; /* skipped without hex-decoding */
			}
			if (!bad) {
				uint64_t roff = 0;
				size_t before = bb.n;
				if (decode_row(text + pos, rl, &bb, &roff) < 0) {
					uint32_t ln = (uint32_t)(hdr_line + 1 + rows);
					if (bb.overflow)
						ims_diag_add(m, "acpi.too-large", IMS_SEV_ERROR, input, -1, true,
							     (uint64_t)pos, ln, "%s: table text larger than %zu bytes", sig,
							     IMS_MAX_TABLE);
					else
						ims_diag_add(m, "acpidump.bad-hex", IMS_SEV_ERROR, input, -1, true,
							     (uint64_t)pos, ln,
							     "%s: malformed data row at line %u; table cut at byte %zu", sig,
							     ln, bb.n);
					bad = true;
				} else if (roff != (expect & 0xffff) && roff != expect) {
					ims_diag_add(m, "acpidump.offset-mismatch", IMS_SEV_WARNING, input, -1, true,
						     (uint64_t)pos, (uint32_t)(hdr_line + 1 + rows),
						     "%s: row offset 0x%llx, expected 0x%llx", sig, (unsigned long long)roff,
						     (unsigned long long)expect);
				}
				expect += bb.n - before;
			}
			rows++;
			pos = re < len ? re + 1 : len;
		}
		/* pos is at the start of line hdr_line + 1 + rows */
		line_pos = pos;
		line_no = hdr_line + 1 + rows;
		if (!strcmp(sig, "RSDP")) {
			/* RSDP has no ACPI header; record it by name only. */
			ims_table *t = IMS_PUSH(m, tables);
			if (!t) {
				rc = IMS_ERR_NOMEM;
				break;
			}
			memcpy(t->signature, "RSDP", 5);
			t->input = input;
			t->address = addr;
			t->line = hdr_line;
			t->input_offset = ls;
			t->size = (uint32_t)(bb.n < IMS_MAX_TABLE ? bb.n : IMS_MAX_TABLE);
			if (bb.n >= 9)
				t->revision = bb.b[15 < bb.n ? 15 : 0];
			continue;
		}
		if (rows == 0) {
			ims_diag_add(m, "acpidump.empty-table", IMS_SEV_ERROR, input, -1, true, (uint64_t)ls, hdr_line,
				     "%s @ line %u has no data rows", sig, hdr_line);
			continue;
		}
		int32_t before_tables = (int32_t)m->n_tables;
		if (want_all) {
			int r = ims_parse_table_at(m, input, bb.b, bb.n, addr, hdr_line, ls);
			if (r < 0) {
				rc = r;
				break;
			}
		} else {
			int32_t r = record_table(m, input, bb.b, bb.n, false, addr, hdr_line, ls);
			if (r < -1) {
				rc = r;
				break;
			}
		}
		if ((int32_t)m->n_tables > before_tables) {
			ims_table *t = &m->tables[before_tables];
			if (t->header_complete && memcmp(t->signature, sig, 4))
				IMS_TDIAG(m, before_tables, "acpi.signature-mismatch", IMS_SEV_WARNING, 0,
					  "header line says %s, table bytes say %s", sig, t->signature);
		}
		/* Anything between here and the next header that is not blank? */
		if (pos < len && want_all && text[pos] != '\n' && text[pos] != '\r') {
			const char *rnl = memchr(text + pos, '\n', len - pos);
			size_t re = rnl ? (size_t)(rnl - text) : len;
			char s2[5];
			uint64_t a2;
			if (!parse_header_line(text + pos, re - pos, s2, &a2))
				ims_diag_add(m, "acpidump.trailing-garbage", IMS_SEV_INFO, input, -1, true,
					     (uint64_t)pos, hdr_line + (uint32_t)rows + 1,
					     "text after the %s table that is not part of a table", sig);
		}
	}
	free(bb.b);
	if (rc == IMS_OK && ntables == 0)
		ims_diag_add(m, "acpidump.no-tables", IMS_SEV_ERROR, input, -1, false, 0, 0,
			     "no acpidump table header ('SIG @ 0xADDR') found");
	return rc;
}

/* ---------------------------------------------------------------------- */
/* MADT, MCFG, HPET                                                       */
/* ---------------------------------------------------------------------- */
void ims_decode_madt(ims_model *m, int32_t ti)
{
	const ims_table *t = &m->tables[ti];
	const uint8_t *d = t->data;
	size_t n = t->size;
	if (m->madt.present)
		return; /* the kernel uses the first MADT */
	m->madt.present = true;
	m->madt.table = ti;
	if (n < 44)
		return;
	m->madt.local_apic_address = ims_le32(d + 36);
	m->madt.flags = ims_le32(d + 40);
	size_t off = 44;
	while (off < n) {
		if (!ims_span_ok(n, off, 2) || d[off + 1] < 2 || !ims_span_ok(n, off, d[off + 1])) {
			IMS_TDIAG(m, ti, "madt.bad-entry-length", IMS_SEV_ERROR, off,
				  "MADT entry at 0x%zx: length %u does not fit the table", off,
				  ims_span_ok(n, off, 2) ? d[off + 1] : 0);
			return;
		}
		uint8_t type = d[off], len = d[off + 1];
		const uint8_t *e = d + off;
		if (type == 0 && len >= 8) {
			if (ims_le32(e + 4) & 3)
				m->madt.ncpus++;
		} else if (type == 1 && len >= 12) {
			ims_ioapic *io = IMS_PUSH(m, ioapics);
			if (io) {
				io->id = e[2];
				io->address = ims_le32(e + 4);
				io->gsi_base = ims_le32(e + 8);
				io->table = ti;
				io->offset = (uint32_t)off;
			}
		} else if (type == 9 && len >= 16) {
			if (ims_le32(e + 8) & 3) {
				m->madt.ncpus++;
				m->madt.nx2apic++;
			}
		} else if (type > 0x1b && type < 0x80) {
			ims_raw *r = IMS_PUSH(m, raws);
			if (r) {
				r->table = ti;
				r->offset = (uint32_t)off;
				r->length = len;
				r->type = type;
				r->context = "madt";
			}
			IMS_TDIAG(m, ti, "madt.unknown-entry", IMS_SEV_INFO, off, "MADT entry type 0x%02x (%u bytes) kept raw",
				  type, len);
		}
		off += len;
	}
}

void ims_decode_mcfg(ims_model *m, int32_t ti)
{
	const ims_table *t = &m->tables[ti];
	const uint8_t *d = t->data;
	size_t n = t->size;
	if (n <= 44)
		return;
	if ((n - 44) % 16)
		IMS_TDIAG(m, ti, "mcfg.trailing-bytes", IMS_SEV_WARNING, 44 + (n - 44) / 16 * 16,
			  "MCFG: %zu bytes after the last whole allocation entry", (n - 44) % 16);
	for (size_t off = 44; ims_span_ok(n, off, 16); off += 16) {
		ims_mcfg_seg *s = IMS_PUSH(m, mcfg);
		if (!s)
			return;
		s->base = ims_le64(d + off);
		s->segment = ims_le16(d + off + 8);
		s->start_bus = d[off + 10];
		s->end_bus = d[off + 11];
		s->table = ti;
		s->offset = (uint32_t)off;
		if (s->start_bus > s->end_bus)
			IMS_TDIAG(m, ti, "mcfg.bad-bus-range", IMS_SEV_WARNING, off + 10,
				  "MCFG segment %u: start bus 0x%02x > end bus 0x%02x", s->segment, s->start_bus,
				  s->end_bus);
	}
}

void ims_decode_hpet(ims_model *m, int32_t ti)
{
	const ims_table *t = &m->tables[ti];
	if (t->size < 56) {
		IMS_TDIAG(m, ti, "hpet.too-short", IMS_SEV_WARNING, 0, "HPET: %u bytes, expected 56", t->size);
		return;
	}
	if (!m->madt.has_hpet_table) {
		m->madt.has_hpet_table = true;
		m->madt.hpet_number = t->data[52];
	}
}

/* Report (once) every model array that hit IMS_MAX_ITEMS: elements were dropped. */
static void check_item_limits(ims_model *m)
{
	const struct {
		const char *name;
		size_t n;
	} arrays[] = {
		{"raw subtables", m->n_raws},	     {"device scopes", m->n_scopes},
		{"ATSRs", m->n_atsrs},		     {"SATCs", m->n_satcs},
		{"SIDPs", m->n_sidps},		     {"RHSAs", m->n_rhsas},
		{"IVHD subtables", m->n_ivhds},	     {"IVHD device entries", m->n_ivhd_entries},
		{"IOMMU units", m->n_units},	     {"coverage entries", m->n_coverage},
		{"special devices", m->n_specials},  {"ACPI devices", m->n_acpidevs},
		{"reserved regions", m->n_regions},  {"IOAPICs", m->n_ioapics},
		{"MCFG segments", m->n_mcfg},
	};
	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
		if (arrays[i].n < IMS_MAX_ITEMS)
			continue;
		bool seen = false;
		for (size_t d = 0; d < m->n_diags && !seen; d++)
			seen = !strcmp(m->diags[d].code, "model.items-limit") &&
			       strstr(m->diags[d].message, arrays[i].name) != NULL;
		if (!seen)
			ims_diag_add(m, "model.items-limit", IMS_SEV_ERROR, 0, -1, false, 0, 0,
				     "%s reached the limit of %u; further ones were dropped", arrays[i].name,
				     IMS_MAX_ITEMS);
	}
}

int ims_model_finish(ims_model *m)
{
	if (!m)
		return IMS_ERR_ARG;
	ims_dmar_finish(m);
	ims_ivrs_finish(m);
	check_item_limits(m);
	return IMS_OK;
}
