/* SPDX-License-Identifier: MIT */
/*
 * Kernel-log parser core: line assembly (streaming, bounded), per-line format
 * detection, boot splitting, the literal prefilter and the pattern dispatch.
 * The pattern table and the fact handlers are in klog_patterns.c, helpers and
 * derived facts in klog_facts.c.
 */
#include "klog_priv.h"
#include "iommuscope/klog_shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const ims_diag_info ims_diag_codes_klog[] = {
	{"klog.line-too-long", IMS_SEV_WARNING, "a line is longer than IMS_KLOG_MAX_LINE bytes; only its start was examined"},
	{"klog.nul-byte", IMS_SEV_WARNING, "a line contains NUL bytes (binary data in a text log)"},
	{"klog.invalid-utf8", IMS_SEV_INFO, "an IOMMU line is not valid UTF-8; kept text shows '?' for those bytes"},
	{"klog.no-final-newline", IMS_SEV_INFO, "the input ends without a newline; the last line may be cut off"},
	{"klog.log-truncated", IMS_SEV_INFO, "a '...' line marks a log truncated by hw-probe; later facts are missing"},
	{"klog.no-kernel-lines", IMS_SEV_WARNING, "no line of the input was recognised as a kernel message"},
	{"klog.start-missing", IMS_SEV_INFO, "a boot starts late (ring buffer wrapped or log cut): early facts are unknown, not absent"},
	{"klog.cmdline-invalid", IMS_SEV_WARNING, "an IOMMU parameter on the kernel command line has a value the kernel does not accept"},
	{"klog.kernel-unknown-option", IMS_SEV_WARNING, "the kernel reported an unknown IOMMU option ('Unknown option - ...')"},
	{"klog.cap-reached", IMS_SEV_WARNING, "a per-boot fact limit (IMS_KLOG_MAX_*) was reached; further facts of that kind are only counted"},
	{"klog.boots-dropped", IMS_SEV_INFO, "more than IMS_KLOG_MAX_BOOTS boots: the oldest were dropped"},
	{"klog.json-bad", IMS_SEV_WARNING, "a journalctl JSON record has no usable MESSAGE string"},
	{"klog.event-incomplete", IMS_SEV_INFO, "an AMD 'Event logged [' line was not followed by the event text"},
	{"klog.diags-suppressed", IMS_SEV_INFO, "more than 20 diagnostics of one code in an input: the rest were counted only"},
	{NULL, IMS_SEV_INFO, NULL},
};

const char *ims_klog_format_name(ims_klog_format f)
{
	static const char *const names[IMS_KLOG_FMT_COUNT] = {
		[IMS_KLOG_FMT_BARE] = "bare",
		[IMS_KLOG_FMT_DMESG] = "dmesg",
		[IMS_KLOG_FMT_DMESG_CTIME] = "dmesg-ctime",
		[IMS_KLOG_FMT_DMESG_DECODE] = "dmesg-decode",
		[IMS_KLOG_FMT_DMESG_RAW] = "dmesg-raw",
		[IMS_KLOG_FMT_SYSLOG] = "syslog",
		[IMS_KLOG_FMT_ISO] = "iso",
		[IMS_KLOG_FMT_MONOTONIC] = "short-monotonic",
		[IMS_KLOG_FMT_JOURNAL_JSON] = "journal-json",
		[IMS_KLOG_FMT_KMSG] = "kmsg",
	};
	return (unsigned)f < IMS_KLOG_FMT_COUNT ? names[f] : "unknown";
}

/* ---------------------------------------------------------------------- */
/* Diagnostics (rate-limited per code and input)                          */
/* ---------------------------------------------------------------------- */
void klog_diag(ims_log_parser *p, const char *code, ims_severity sev, uint32_t line, const char *fmt, ...)
{
	size_t idx = 0;
	for (; ims_diag_codes_klog[idx].code; idx++)
		if (!strcmp(ims_diag_codes_klog[idx].code, code))
			break;
	if (idx < 32) {
		if (p->diag_count[idx] >= KLOG_MAX_DIAG_PER_CODE) {
			p->diag_suppressed++;
			return;
		}
		p->diag_count[idx]++;
	}
	char msg[224];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ims_diag_add(p->m, code, sev, p->input, -1, false, 0, line, "%s", msg);
}

/* ---------------------------------------------------------------------- */
/* Boots                                                                  */
/* ---------------------------------------------------------------------- */
void klog_boot_free(ims_kboot *b)
{
	free(b->params);
	free(b->acpi);
	free(b->upgrades);
	free(b->e820);
	free(b->refusals);
	free(b->dmar_units);
	free(b->rmrrs);
	free(b->specials);
	free(b->amd_iommus);
	free(b->hids);
	free(b->vfio);
	free(b->pci);
	free(b->groupdevs);
	free(b->fwbugs);
	free(b->faults);
	free(b->notes);
	free(b->unmatched);
	memset(b, 0, sizeof(*b));
}

void ims_kernel_free(struct ims_kernel *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n_boots; i++)
		klog_boot_free(&k->boots[i]);
	free(k->boots);
	free(k);
}

static void boot_init(ims_kboot *b, uint32_t number, uint32_t input, uint32_t line)
{
	memset(b, 0, sizeof(*b));
	b->number = number;
	b->input = input;
	b->first_line = line;
	b->last_line = line;
	b->first_ts = -1;
	ims_kflag unk = {-1, 0};
	b->atsr = b->satc = b->vtd_enabled = b->platform_opt_in = b->x2apic_opt_out = b->qi_for_ir = unk;
	b->ir = b->amd_vapic = b->amd_x2apic = b->amd_iommuv2 = b->amd_perf = b->amd_passthrough = b->amd_dma_ops = unk;
	b->swiotlb = b->acs_override = b->mem_encrypt = b->vfio_no_ir = b->dmar_table = b->ivrs_table = unk;
	b->enabled = -1;
}

ims_kboot *klog_new_boot(ims_log_parser *p)
{
	ims_kernel *k = p->k;
	if (p->boot)
		klog_boot_derive(p->boot);
	if (k->n_boots >= IMS_KLOG_MAX_BOOTS) {
		klog_boot_free(&k->boots[0]);
		memmove(&k->boots[0], &k->boots[1], (k->n_boots - 1) * sizeof(ims_kboot));
		k->n_boots--;
		klog_diag(p, "klog.boots-dropped", IMS_SEV_INFO, p->line,
			  "more than %u boots: dropping the oldest kept boot", IMS_KLOG_MAX_BOOTS);
	} else if (!k->boots) {
		k->boots = calloc(IMS_KLOG_MAX_BOOTS, sizeof(ims_kboot));
		if (!k->boots) {
			p->boot = NULL;
			return NULL;
		}
	}
	ims_kboot *b = &k->boots[k->n_boots++];
	boot_init(b, k->boots_seen++, p->input, p->line);
	p->boot = b;
	p->last_ts = p->max_ts = -1;
	p->pending_event = p->pending_efr_names = false;
	return b;
}

void *klog_push(ims_log_parser *p, void **arr, size_t *n, size_t elsize, size_t cap, uint32_t *dropped,
		const char *what)
{
	if (*n >= cap) {
		if (dropped) {
			if (*dropped == 0)
				klog_diag(p, "klog.cap-reached", IMS_SEV_WARNING, p->line,
					  "more than %zu %s in one boot: further ones are counted only", cap, what);
			(*dropped)++;
		}
		return NULL;
	}
	/* Grow geometrically up to the cap (capacity is not stored: powers of two from 8). */
	size_t c = 8;
	while (c < *n)
		c *= 2;
	if (*n == 0 || *n == c) {
		size_t nc = *n == 0 ? 8 : c * 2;
		if (nc > cap)
			nc = cap;
		void *q = realloc(*arr, nc * elsize);
		if (!q)
			return NULL;
		*arr = q;
	}
	char *slot = (char *)*arr + *n * elsize;
	memset(slot, 0, elsize);
	(*n)++;
	return slot;
}

/* ---------------------------------------------------------------------- */
/* Parser object                                                          */
/* ---------------------------------------------------------------------- */
size_t ims_klog_pattern_count(void) { return ims_klog_table_n; }

const ims_klog_pattern_info *ims_klog_pattern(size_t i)
{
	return i < ims_klog_table_n ? &ims_klog_table[i].info : NULL;
}

uint64_t ims_log_parser_hits(const ims_log_parser *p, size_t i)
{
	return p && i < ims_klog_table_n ? p->hits[i] : 0;
}

/* The 512 commonest digrams of kernel-log message text, commonest first
 * (counted at even offsets of the messages, timestamps stripped, over a set
 * of real dmesg logs; only the ranking is kept). Used to anchor each literal
 * on rare digrams: the prefilter's cost grows with how often anchors occur. */
#define KLOG_N_COMMON 512u
static const char common_digrams[2 * KLOG_N_COMMON + 1] =
	"00:  0ff0x  :00:ine eremreedstted deats orpcesusonlesy] ngsei t "
	" s r.0g  t [0-mex0AC0 ence fm veo r , itnePI aougeisri dictiioro"
	" mtaidec pas01 iab[m (al-0n vindbl101] c20d[evarctXXxfcof]lintto"
	"et S 1 bnob ac Psiy pe ubudi nmaeg A Crtbeapciocrv02odunl daloan"
	"otupI ch1 urraputr Rfe Mth2  e2:pocaoldosafoilty wnae:rc U..ulmo"
	"p  D04pahaPM h lfinirnclutad08 o13rm Ielw brPC03eaiv 2s:Rehiefck"
	"090.h 1:he141..1i_iglassmmk giom 3 E05c ts:1OS 4am07t:[i06SBllmi"
	" Nso4 12os80ysprianuB  61116wi186440Stc_ryBI82ee0fCoLimdu sdDMpt"
	"rsketu vcdir6:n:2.oo0/3:agUSdrtc1-Adif H Lf _cgr8 zebauc-e=030.2"
	"suv0tmduppIny:29) /iscierd6 np/ssh F_hauSeM 4:oans2450ddsk. owd."
	"d-ewfaai3 r=0,15x8e0Pr/05 ccop[1ummb 80c2132Mo[du:AM79Kerr51 Bpi"
	"7  Thdksim77criz /byEDD [sCPgsnn 5p_c0mpncDTd_a avPU60df521fI:e8"
	"plNott19 GSSx1axNe0)ue g.3CI574872vaguDeRAhuspP Em kd0C 17xhx bi"
	"lthpd,[b4.r:ofL 70t=lycp xsnf0fbfr4b441c +LNe_Ho7fhoS s/waSAA xe"
	"ruxcMIIDTAX:5:9 ug33og]:FFbfe.xd=128a_nks,0aAPrfHC22luytSIFifcRQ"
	"_it.joT bc65E#3fMA[0IO_lAS 'fsTa0d1/5.81s..4MB W5335/d-p67260bl_";

static int add_lit(ims_log_parser *p, const char *s)
{
	for (size_t i = 0; i < p->n_lits; i++)
		if (!strcmp(p->lits[i], s))
			return (int)i;
	size_t n = strlen(s);
	if (p->n_lits >= KLOG_MAX_LITS || n < 2 || n > 255)
		return -1;
	p->lits[p->n_lits] = s;
	p->lit_len[p->n_lits] = (uint8_t)n;
	return (int)p->n_lits++;
}

/* The compiled part of a parser (patterns, prefilter tables). */
static void klog_compiled_release(ims_log_parser *p)
{
	if (p->re) {
		for (size_t i = 0; i < ims_klog_table_n; i++)
			pcre2_code_free(p->re[i]);
		free(p->re);
	}
	free(p->pat_lit);
	free(p->lit_pats);
	free(p->digram);
}

void ims_log_parser_free(ims_log_parser *p)
{
	if (!p)
		return;
	if (!p->shared)
		klog_compiled_release(p);
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mctx);
	pcre2_jit_stack_free(p->jit);
	free(p->hits);
	free(p->lb);
	free(p->jbuf);
	free(p);
}

/* Compile the patterns and build the prefilter into p's compiled fields
 * (p otherwise zero): 0, or -1 when out of memory. */
static int klog_compile_into(ims_log_parser *p)
{
	p->re = calloc(ims_klog_table_n, sizeof(*p->re));
	p->pat_lit = calloc(ims_klog_table_n, sizeof(*p->pat_lit));
	p->digram = calloc(65536, 1);
	if (!p->re || !p->pat_lit || !p->digram)
		return -1;
	for (size_t i = 0; i < ims_klog_table_n; i++) {
		int err;
		PCRE2_SIZE eoff;
		p->re[i] = pcre2_compile((PCRE2_SPTR)ims_klog_table[i].info.regex, PCRE2_ZERO_TERMINATED, 0, &err,
					 &eoff, NULL);
		if (!p->re[i])
			return -1; /* a bad pattern is a programming error; tests catch it */
		pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
		p->pat_lit[i] = (int16_t)add_lit(p, ims_klog_table[i].info.literal);
		if (p->pat_lit[i] < 0)
			return -1;
	}
	for (size_t i = 0; ims_klog_keywords[i] && p->n_kw < 16; i++) {
		int l = add_lit(p, ims_klog_keywords[i]);
		if (l >= 0)
			p->kw_lit[p->n_kw++] = (int16_t)l;
	}
	/* Each literal is anchored on its rarest pair of adjacent digrams (by
	 * common_digrams[], Zipf-like weight 1000 / (rank + 8), 1 if unlisted):
	 * one of the two lies at an even offset of the message, so the scan tests
	 * every other position only. The digram map holds the weights meanwhile. */
	for (unsigned r = KLOG_N_COMMON; r-- > 0;)
		p->digram[(uint8_t)common_digrams[2 * r] | ((unsigned)(uint8_t)common_digrams[2 * r + 1] << 8)] =
			(uint8_t)(1000 / (r + 8));
	uint8_t off[KLOG_MAX_LITS], nd[KLOG_MAX_LITS];
	p->stride = 2;
	for (size_t i = 0; i < p->n_lits; i++) {
		const uint8_t *l = (const uint8_t *)p->lits[i];
		unsigned best = 0, bestscore = ~0u, len = p->lit_len[i];
		nd[i] = len >= 3 ? 2 : 1;
		if (nd[i] == 1)
			p->stride = 1; /* a 2-byte literal has one digram: test every position */
		for (unsigned o = 0; o + nd[i] < len; o++) {
			unsigned sc = 0;
			for (unsigned e = 0; e < nd[i]; e++) {
				unsigned w = p->digram[l[o + e] | ((unsigned)l[o + e + 1] << 8)];
				sc += w ? w : 1;
			}
			if (sc < bestscore) {
				bestscore = sc;
				best = o;
			}
		}
		off[i] = (uint8_t)best;
	}
	memset(p->digram, 0, 65536);
	/* anchor digrams -> open-addressed table of entry ranges (<= 320 keys in 512 slots) */
	size_t k = 0;
	for (size_t i = 0; i < p->n_lits; i++) {
		const uint8_t *l = (const uint8_t *)p->lits[i];
		for (unsigned e = 0; e < nd[i]; e++) {
			unsigned d = (unsigned)l[off[i] + e] | ((unsigned)l[off[i] + e + 1] << 8);
			unsigned h = klog_dg_hash(d);
			while (p->slot_key[h] && p->slot_key[h] != d)
				h = (h + 1) & (KLOG_DG_SLOTS - 1);
			p->slot_key[h] = (uint16_t)d;
			p->digram[d] |= nd[i] == 1 ? KLOG_DG_ANCHOR | KLOG_DG_ALWAYS : KLOG_DG_ANCHOR;
			if (nd[i] == 2) {
				unsigned t = klog_tri_hash((unsigned)l[off[i]] | ((unsigned)l[off[i] + 1] << 8) |
							   ((unsigned)l[off[i] + 2] << 16));
				p->trigram[t >> 6] |= (uint64_t)1 << (t & 63);
			}
		}
	}
	for (unsigned h = 0; h < KLOG_DG_SLOTS; h++) {
		p->slot_start[h] = (uint16_t)k;
		if (!p->slot_key[h])
			continue;
		for (size_t i = 0; i < p->n_lits; i++) {
			const uint8_t *l = (const uint8_t *)p->lits[i];
			for (unsigned e = 0; e < nd[i]; e++) {
				unsigned o = off[i] + e;
				if (((unsigned)l[o] | ((unsigned)l[o + 1] << 8)) != p->slot_key[h])
					continue;
				p->ent_lit[k] = (uint16_t)i;
				p->ent_off[k] = (uint8_t)o;
				/* a third byte of the anchor trigram, checked before the compare */
				p->ent_chk[k] = nd[i] == 1 ? 0 : e == 0 ? 2 : -1;
				p->ent_chk_byte[k] = l[(int)o + p->ent_chk[k]];
				k++;
			}
		}
		p->slot_n[h] = (uint8_t)(k - p->slot_start[h]);
	}
	/* patterns of each literal, as a bitmask over the table */
	p->pat_words = (ims_klog_table_n + 63) / 64;
	p->lit_pats = calloc(p->n_lits * p->pat_words, sizeof(uint64_t));
	if (!p->lit_pats)
		return -1;
	for (size_t i = 0; i < ims_klog_table_n; i++)
		p->lit_pats[(size_t)p->pat_lit[i] * p->pat_words + i / 64] |= (uint64_t)1 << (i % 64);
	return 0;
}

ims_klog_compiled *ims_klog_compile(void)
{
	ims_klog_compiled *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (klog_compile_into(&c->proto) < 0) {
		ims_klog_compiled_free(c);
		return NULL;
	}
	return c;
}

void ims_klog_compiled_free(ims_klog_compiled *c)
{
	if (!c)
		return;
	klog_compiled_release(&c->proto);
	free(c);
}

/* A parser: the compiled part borrowed from c, or built here (c NULL). */
ims_log_parser *ims_log_parser_new_with(ims_model *m, uint32_t input, const ims_klog_compiled *c)
{
	if (!m)
		return NULL;
	ims_log_parser *p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	if (c) {
		memcpy(p, &c->proto, sizeof(*p)); /* pointers borrowed, tables copied, state zero */
		p->shared = c;
	} else {
		memset(p, 0, sizeof(*p));
	}
	p->m = m;
	p->input = input;
	p->hits = calloc(ims_klog_table_n, sizeof(*p->hits));
	p->lb = malloc(IMS_KLOG_MAX_LINE + 1);
	p->jbuf = malloc(IMS_KLOG_MAX_LINE + 1);
	p->md = pcre2_match_data_create(20, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	p->jit = pcre2_jit_stack_create(32 * 1024, 256 * 1024, NULL);
	if (!p->hits || !p->lb || !p->jbuf || !p->md || !p->mctx || !p->jit)
		goto fail;
	pcre2_jit_stack_assign(p->mctx, NULL, p->jit);
	pcre2_set_match_limit(p->mctx, 100000);
	if (!c && klog_compile_into(p) < 0)
		goto fail;
	if (!m->kernel) {
		m->kernel = calloc(1, sizeof(ims_kernel));
		if (!m->kernel)
			goto fail;
	}
	p->k = m->kernel;
	p->line = 1;
	p->last_ts = p->max_ts = -1;
	return p;
fail:
	ims_log_parser_free(p);
	return NULL;
}

ims_log_parser *ims_log_parser_new(ims_model *m, uint32_t input)
{
	return ims_log_parser_new_with(m, input, NULL);
}


/* ---------------------------------------------------------------------- */
/* Format detection: strip the line's prefix, find the message            */
/* ---------------------------------------------------------------------- */
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* "[   12.345678]" at s: returns bytes consumed (incl. one following space) or 0. */
/* Weights of the fraction digits of a timestamp: 0.1 repeatedly divided by
 * 10 (folded at compile time: the same doubles as dividing at run time). */
static const double ts_frac[9] = {0.1, 0.1 / 10, 0.1 / 10 / 10, 0.1 / 10 / 10 / 10, 0.1 / 10 / 10 / 10 / 10,
				  0.1 / 10 / 10 / 10 / 10 / 10, 0.1 / 10 / 10 / 10 / 10 / 10 / 10,
				  0.1 / 10 / 10 / 10 / 10 / 10 / 10 / 10, 0.1 / 10 / 10 / 10 / 10 / 10 / 10 / 10 / 10};

static size_t mono_stamp(const char *s, size_t n, double *ts)
{
	if (n < 3 || s[0] != '[')
		return 0;
	size_t i = 1;
	while (i < n && s[i] == ' ')
		i++;
	size_t d0 = i;
	uint64_t iv = 0; /* < 10^12: exact, as the double the digits were once summed into */
	while (i < n && is_digit(s[i]) && i - d0 < 12)
		iv = iv * 10 + (uint64_t)(s[i++] - '0');
	double v = (double)iv;
	if (i == d0 || i >= n)
		return 0;
	if (s[i] == '.') {
		i++;
		size_t f0 = i;
		while (i < n && is_digit(s[i]) && i - f0 < 9) {
			v += (s[i] - '0') * ts_frac[i - f0];
			i++;
		}
	}
	if (i >= n || s[i] != ']')
		return 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	*ts = v;
	return i;
}

/* "[Mon Nov 24 10:00:00 2026] " */
static size_t ctime_stamp(const char *s, size_t n)
{
	if (n < 26 || s[0] != '[' || !(s[1] >= 'A' && s[1] <= 'Z'))
		return 0;
	const char *e = memchr(s, ']', n < 40 ? n : 40);
	if (!e || e - s < 20 || !is_digit(e[-1]) || !is_digit(e[-2]) || !is_digit(e[-3]) || !is_digit(e[-4]))
		return 0;
	if (!memchr(s, ':', (size_t)(e - s)))
		return 0;
	size_t i = (size_t)(e - s) + 1;
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* "kern  :info  : " (dmesg -x) */
static size_t decode_prefix(const char *s, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 2; part++) {
		size_t w0 = i;
		while (i < n && s[i] >= 'a' && s[i] <= 'z')
			i++;
		if (i == w0 || i - w0 > 6)
			return 0;
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n || s[i] != ':')
			return 0;
		i++;
		if (part == 1) {
			if (i < n && s[i] == ' ')
				i++;
		}
	}
	return i;
}

/* After a syslog / ISO stamp: "host kernel: " (or "host kernel[..]: ");
 * returns consumed bytes, 0 if the tag is not the kernel; *other set when
 * a syslog tag of another program was seen. */
static size_t host_tag(const char *s, size_t n, bool *other)
{
	const char *sp = memchr(s, ' ', n < 256 ? n : 256); /* end of the host name */
	if (!sp || sp == s || sp[-1] == ':')
		return 0; /* "DMAR: ..." is a message, not "host tag:" */
	size_t i = (size_t)(sp - s) + 1;
	size_t t0 = i;
	while (i < n && s[i] != ' ' && s[i] != ':' && s[i] != '[')
		i++;
	size_t tl = i - t0;
	if (i < n && s[i] == '[') {
		const char *e = memchr(s + i, ']', n - i);
		if (!e)
			return 0;
		i = (size_t)(e - s) + 1;
	}
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	if (tl == 6 && !memcmp(s + t0, "kernel", 6))
		return i;
	*other = true;
	return 0;
}

/* Cheap necessary condition for host_tag() != 0: the second word starts
 * with "kernel" (most dmesg lines fail it within their first word). */
static bool maybe_kernel_tag(const char *s, size_t n)
{
	size_t lim = n < 256 ? n : 256, j = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (lim >= 8) {
		/* a space among the first 8 bytes, tested at once (the lowest flagged byte is exact) */
		uint64_t x;
		memcpy(&x, s, 8);
		x ^= 0x2020202020202020ull;
		uint64_t t = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
		j = t ? (size_t)__builtin_ctzll(t) / 8 : 8;
	}
#endif
	while (j < lim && s[j] != ' ')
		j++;
	return j < lim && n - j > 7 && !memcmp(s + j + 1, "kernel", 6);
}

/* "Mon DD hh:mm:ss " with any (localized) month word. */
static size_t syslog_stamp(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && i < 12 && s[i] != ' ' && !is_digit(s[i]))
		i++; /* month word, any bytes (UTF-8 month names, "oct.") */
	if (i < 3 || i >= n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	size_t d0 = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == d0 || i - d0 > 2 || i >= n || s[i] != ' ')
		return 0;
	i++;
	if (i + 8 > n || !is_digit(s[i]) || !is_digit(s[i + 1]) || s[i + 2] != ':' || s[i + 5] != ':')
		return 0;
	i += 8;
	while (i < n && (is_digit(s[i]) || s[i] == '.'))
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	return i + 1;
}

/* "2024-02-01T10:00:00[.frac][zone] " (short-iso, RFC 3339, dmesg --time-format iso) */
static size_t iso_stamp(const char *s, size_t n)
{
	if (n < 20 || !is_digit(s[0]) || !is_digit(s[3]) || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':')
		return 0;
	size_t i = 11;
	while (i < n && s[i] != ' ')
		i++;
	if (i >= n || i > 40)
		return 0;
	return i + 1;
}

/* kmsg record "6,1234,5678,-;" -> consumed, *ts from the usec field. */
static size_t kmsg_prefix(const char *s, size_t n, double *ts)
{
	size_t i = 0;
	uint64_t f[3] = {0, 0, 0};
	for (int k = 0; k < 3; k++) {
		size_t d0 = i;
		while (i < n && is_digit(s[i]) && i - d0 < 20)
			f[k] = f[k] * 10 + (uint64_t)(s[i++] - '0');
		if (i == d0 || i >= n || s[i] != ',')
			return 0;
		i++;
	}
	const char *semi = memchr(s + i, ';', n - i < 16 ? n - i : 16);
	if (!semi)
		return 0;
	*ts = (double)f[2] / 1e6;
	return (size_t)(semi - s) + 1;
}

/* Position just after the opening quote of the string value of "key" (key
 * given with its quotes and colon), allowing spaces after the colon; NULL. */
static const char *json_field(const char *s, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *k = memmem(s, n, key, kl);
	if (!k)
		return NULL;
	size_t i = (size_t)(k - s) + kl;
	while (i < n && s[i] == ' ')
		i++;
	return i < n && s[i] == '"' ? s + i + 1 : NULL;
}

/* Decode the MESSAGE string of a journal JSON record into p->jbuf. */
static bool json_message(ims_log_parser *p, const char *s, size_t n, const char **msg, size_t *mlen, double *ts)
{
	static const char key[] = "\"MESSAGE\":";
	const char *k = memmem(s, n, key, sizeof(key) - 1);
	if (!k)
		return false;
	size_t i = (size_t)(k - s) + sizeof(key) - 1;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != '"')
		return false;
	i++;
	size_t o = 0;
	while (i < n && s[i] != '"' && o < IMS_KLOG_MAX_LINE) {
		char c = s[i++];
		if (c == '\\' && i < n) {
			char e = s[i++];
			switch (e) {
			case 'n': c = ' '; break;
			case 't': c = '\t'; break;
			case 'r': c = ' '; break;
			case 'b': case 'f': c = ' '; break;
			case 'u': {
				unsigned v = 0;
				for (int d = 0; d < 4 && i < n; d++, i++) {
					char h = s[i];
					v = v * 16 + (unsigned)(is_digit(h) ? h - '0' : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10 : 0);
				}
				c = v < 0x80 && v >= 0x20 ? (char)v : '?';
				break;
			}
			default: c = e; break;
			}
		}
		p->jbuf[o++] = c;
	}
	*msg = p->jbuf;
	*mlen = o;
	const char *t = json_field(s, n, "\"_SOURCE_MONOTONIC_TIMESTAMP\":");
	if (t) {
		size_t j = (size_t)(t - s);
		uint64_t us = 0;
		size_t d0 = j;
		while (j < n && is_digit(s[j]) && j - d0 < 20)
			us = us * 10 + (uint64_t)(s[j++] - '0');
		if (j > d0)
			*ts = (double)us / 1e6;
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* Prefilter and dispatch                                                 */
/* ---------------------------------------------------------------------- */
/* Literals whose anchor digram is at position i of s[0, n): mark those found. */
static void verify_at(ims_log_parser *p, const uint8_t *u, size_t n, size_t i)
{
	unsigned d = (unsigned)u[i] | ((unsigned)u[i + 1] << 8);
	unsigned h = klog_dg_hash(d);
	while (p->slot_key[h] != d) {
		if (!p->slot_key[h])
			return;
		h = (h + 1) & (KLOG_DG_SLOTS - 1);
	}
	for (unsigned j = p->slot_start[h], e = j + p->slot_n[h]; j < e; j++) {
		unsigned l = p->ent_lit[j];
		size_t off = p->ent_off[j], ll = p->lit_len[l];
		if (p->found[l] || i < off || ll > n - (i - off) || u[(ptrdiff_t)i + p->ent_chk[j]] != p->ent_chk_byte[j] ||
		    memcmp(u + i - off, p->lits[l], ll))
			continue;
		p->found[l] = 1;
		p->found_list[p->n_found++] = (uint16_t)l;
	}
}

static inline unsigned dg_bit(const uint8_t *dg, const uint8_t *u)
{
	return dg[(unsigned)u[0] | ((unsigned)u[1] << 8)];
}

static inline bool tri_bit(const uint64_t *t, const uint8_t *u)
{
	unsigned h = klog_tri_hash((unsigned)u[0] | ((unsigned)u[1] << 8) | ((unsigned)u[2] << 16));
	return (t[h >> 6] >> (h & 63)) & 1;
}

/* Digram hit at position i (v = its map value): verify unless the anchor
 * trigram it belongs to (at i or at i - 1) is surely absent. */
static inline void anchor_hit(ims_log_parser *p, const uint8_t *u, size_t n, size_t i, unsigned v)
{
	if (!(v & KLOG_DG_ALWAYS) && !(i + 2 < n && tri_bit(p->trigram, u + i)) && !(i > 0 && tri_bit(p->trigram, u + i - 1)))
		return;
	verify_at(p, u, n, i);
}

/* Sets p->found[] for every literal occurring in s[0, n). */
static void find_literals(ims_log_parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < p->n_found; i++)
		p->found[p->found_list[i]] = 0;
	p->n_found = 0;
	if (n < 2)
		return;
	const uint8_t *u = (const uint8_t *)s;
	const uint8_t *dg = p->digram;
	size_t i = 0;
	if (p->stride == 2) {
		/* eight anchor tests per branch; a hit is rare, then test each */
		for (; i + 16 <= n; i += 16) {
			unsigned m = (dg_bit(dg, u + i) & 1) | (dg_bit(dg, u + i + 2) & 1) << 1 |
				     (dg_bit(dg, u + i + 4) & 1) << 2 | (dg_bit(dg, u + i + 6) & 1) << 3 |
				     (dg_bit(dg, u + i + 8) & 1) << 4 | (dg_bit(dg, u + i + 10) & 1) << 5 |
				     (dg_bit(dg, u + i + 12) & 1) << 6 | (dg_bit(dg, u + i + 14) & 1) << 7;
			for (; m; m &= m - 1) {
				size_t j = i + 2 * (size_t)__builtin_ctz(m);
				anchor_hit(p, u, n, j, dg_bit(dg, u + j));
			}
		}
	}
	for (; i + 1 < n; i += p->stride)
		if (dg_bit(dg, u + i))
			anchor_hit(p, u, n, i, dg_bit(dg, u + i));
}

static void dev_prefix(klog_ctx *c)
{
	const char *s = c->msg;
	size_t n = c->len, i = 0;
	c->subj = s;
	c->subj_len = n;
	while (i < n && i < 48 && s[i] != ' ' && s[i] != ':')
		i++;
	if (i == 0 || i >= n || s[i] != ' ')
		return;
	size_t d0 = i + 1, j = d0;
	while (j + 1 < n && j - d0 < 64 && s[j] != ' ' && !(s[j] == ':' && s[j + 1] == ' '))
		j++;
	if (j + 1 >= n || j == d0 || s[j] != ':' || s[j + 1] != ' ')
		return;
	c->has_dev = true;
	c->drv = s;
	c->drv_len = i;
	c->dev = s + d0;
	c->dev_len = j - d0;
	c->dev_is_bdf = klog_parse_bdf(c->dev, c->dev_len, &c->dev_seg, &c->dev_bdf);
	c->subj = s + j + 2;
	c->subj_len = n - j - 2;
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	for (uint64_t x; i + 8 <= n; i += 8) { /* ASCII runs, 8 bytes at a time */
		memcpy(&x, s + i, 8);
		if (x & 0x8080808080808080ull)
			break;
	}
	while (i < n) {
		uint8_t c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t k = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : 0;
		if (!k || c >= 0xf5 || k > n - i - 1)
			return false;
		for (size_t j = 1; j <= k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}

/* First pattern >= i whose literal was found (ims_klog_table_n if none). */
static size_t next_pattern(const ims_log_parser *p, size_t i)
{
	for (size_t w = i / 64; w < p->pat_words; w++) {
		uint64_t m = 0;
		for (size_t f = 0; f < p->n_found; f++)
			m |= p->lit_pats[(size_t)p->found_list[f] * p->pat_words + w];
		if (w == i / 64)
			m &= ~(uint64_t)0 << (i % 64);
		if (m)
			return w * 64 + (size_t)__builtin_ctzll(m);
	}
	return ims_klog_table_n;
}

static void ctx_init(klog_ctx *c, const ims_log_parser *p, const char *msg, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->msg = msg;
	c->len = len;
	c->line = p->line;
	c->subj = msg;
	c->subj_len = len;
}

void klog_process_message(ims_log_parser *p, ims_kboot *b, const char *msg, size_t len)
{
	klog_ctx c;
	if (p->pending_event) {
		p->pending_event = false;
		ctx_init(&c, p, msg, len);
		dev_prefix(&c);
		klog_pending_event(p, b, &c);
		return;
	}
	if (p->pending_efr_names) {
		p->pending_efr_names = false;
		if (klog_efr_names_line(msg, len))
			return;
	}
	find_literals(p, msg, len);
	if (!p->n_found)
		return; /* most lines: no literal, nothing more to do */
	ctx_init(&c, p, msg, len);
	p->k->prefiltered++;
	if (!utf8_valid((const uint8_t *)msg, len))
		klog_diag(p, "klog.invalid-utf8", IMS_SEV_INFO, p->line, "IOMMU line is not valid UTF-8");
	bool dev_done = false, matched = false;
	/* the patterns of the found literals, in table order */
	for (size_t i = next_pattern(p, 0); i < ims_klog_table_n; i = next_pattern(p, i + 1)) {
		const klog_pattern *pt = &ims_klog_table[i];
		const char *s = msg;
		size_t n = len;
		if (pt->flags & KP_REST) {
			if (!dev_done) {
				dev_prefix(&c);
				dev_done = true;
			}
			s = c.subj;
			n = c.subj_len;
		}
		int rc = pcre2_jit_match(p->re[i], (PCRE2_SPTR)s, n, 0, 0, p->md, p->mctx);
		if (rc == PCRE2_ERROR_JIT_BADOPTION)
			rc = pcre2_match(p->re[i], (PCRE2_SPTR)s, n, 0, 0, p->md, p->mctx);
		if (rc < 0)
			continue;
		if (!dev_done) {
			dev_prefix(&c);
			dev_done = true;
		}
		c.subj = s;
		c.subj_len = n;
		c.ov = pcre2_get_ovector_pointer(p->md);
		c.ngroups = (uint32_t)rc;
		p->hits[i]++;
		matched = true;
		if (pt->fn)
			pt->fn(p, b, &c);
		if (!(pt->flags & KP_CONT))
			break;
		/* the handler may have changed the parser state; re-run the prefix for the next */
		c.subj = msg;
		c.subj_len = len;
		dev_done = false;
	}
	if (matched)
		return;
	for (size_t i = 0; i < p->n_kw; i++) {
		if (p->found[p->kw_lit[i]]) {
			b->unmatched_count++;
			if (b->n_unmatched < IMS_KLOG_MAX_UNMATCHED) {
				ims_kline *l = KPUSH(p, b, unmatched, IMS_KLOG_MAX_UNMATCHED, NULL, "unmatched lines");
				if (l) {
					l->line = p->line;
					l->kind = "unmatched";
					klog_copy_text(l->text, sizeof(l->text), msg, len);
				}
			}
			return;
		}
	}
}

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && !memcmp(s, lit, l);
}

/* One physical line (without its newline), at most IMS_KLOG_MAX_LINE bytes. */
static void process_line(ims_log_parser *p, const char *s, size_t n, bool overflow, bool nul)
{
	ims_kernel *k = p->k;
	k->lines++;
	if (overflow)
		klog_diag(p, "klog.line-too-long", IMS_SEV_WARNING, p->line,
			  "line longer than %u bytes; only the start was examined", IMS_KLOG_MAX_LINE);
	if (nul)
		klog_diag(p, "klog.nul-byte", IMS_SEV_WARNING, p->line, "line contains NUL bytes");
	if (n && s[n - 1] == '\r')
		n--;
	/* quote markers and indentation */
	bool indented = false;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '>')) {
		indented = true;
		i++;
	}
	s += i;
	n -= i;
	if (n == 0)
		return;
	if (n == 3 && !memcmp(s, "...", 3)) {
		klog_diag(p, "klog.log-truncated", IMS_SEV_INFO, p->line,
			  "line %u: '...' marks a truncated log (hw-probe keeps the first 1 MiB)", p->line);
		return;
	}
	if (s[0] == '-' && n > 3 && s[1] == '-' && s[2] == ' ') {
		/* journalctl markers: "-- Boot <id> --", "-- Logs begin at ...", "-- No entries --" */
		if (starts(s, n, "-- Boot ") || starts(s, n, "-- Reboot --")) {
			if (p->boot && p->boot->lines)
				klog_new_boot(p);
		}
		return;
	}
	if (indented && p->kmsg_mode && memchr(s, '=', n) && !memchr(s, ' ', n))
		return; /* /dev/kmsg " KEY=value" continuation */

	ims_klog_format fmt = IMS_KLOG_FMT_BARE;
	double ts = -1;
	size_t c;
	bool other = false;
	if (s[0] == '{') {
		const char *msg;
		size_t ml;
		if (!json_message(p, s, n, &msg, &ml, &ts)) {
			klog_diag(p, "klog.json-bad", IMS_SEV_WARNING, p->line,
				  "JSON record without a MESSAGE string");
			return;
		}
		const char *t = json_field(s, n, "\"_TRANSPORT\":");
		if (t && !starts(t, n - (size_t)(t - s), "kernel\""))
			return; /* a userspace record */
		fmt = IMS_KLOG_FMT_JOURNAL_JSON;
		s = msg;
		n = ml;
	} else if (s[0] == '<' && n > 3 && is_digit(s[1])) {
		size_t j = 1;
		while (j < n && j < 5 && is_digit(s[j]))
			j++;
		if (j < n && s[j] == '>') {
			s += j + 1;
			n -= j + 1;
			fmt = IMS_KLOG_FMT_DMESG_RAW;
			if ((c = mono_stamp(s, n, &ts))) {
				s += c;
				n -= c;
			}
		}
	} else if ((c = mono_stamp(s, n, &ts))) {
		s += c;
		n -= c;
		fmt = IMS_KLOG_FMT_DMESG;
		size_t h = maybe_kernel_tag(s, n) ? host_tag(s, n, &other) : 0;
		if (h && h < n) {
			fmt = IMS_KLOG_FMT_MONOTONIC;
			s += h;
			n -= h;
		}
	} else if ((c = ctime_stamp(s, n))) {
		s += c;
		n -= c;
		fmt = IMS_KLOG_FMT_DMESG_CTIME;
	} else if (is_digit(s[0]) && (c = kmsg_prefix(s, n, &ts))) {
		s += c;
		n -= c;
		fmt = IMS_KLOG_FMT_KMSG;
		p->kmsg_mode = true;
	} else if (is_digit(s[0]) && (c = iso_stamp(s, n))) {
		s += c;
		n -= c;
		fmt = IMS_KLOG_FMT_ISO;
		size_t h = host_tag(s, n, &other);
		if (h) {
			s += h;
			n -= h;
		} else if (other) {
			return; /* another program's line in a syslog file */
		}
	} else if ((c = decode_prefix(s, n))) {
		s += c;
		n -= c;
		fmt = IMS_KLOG_FMT_DMESG_DECODE;
		size_t cc;
		if ((cc = mono_stamp(s, n, &ts)) || (cc = ctime_stamp(s, n))) {
			s += cc;
			n -= cc;
		}
	} else if ((c = syslog_stamp(s, n))) {
		size_t h = host_tag(s + c, n - c, &other);
		if (!h)
			return; /* not a kernel line */
		s += c + h;
		n -= c + h;
		fmt = IMS_KLOG_FMT_SYSLOG;
	}
	if (fmt == IMS_KLOG_FMT_SYSLOG || fmt == IMS_KLOG_FMT_ISO) {
		/* kern.log often keeps the kernel's own timestamp */
		if ((c = mono_stamp(s, n, &ts))) {
			s += c;
			n -= c;
		}
	}

	/* boot splitting */
	ims_kboot *b = p->boot;
	bool version = starts(s, n, "Linux version ");
	if (!b)
		b = klog_new_boot(p);
	else if (ts >= 0 && p->max_ts >= 0 && ts <= 1.0 && p->max_ts >= ts + 5.0 && b->lines)
		b = klog_new_boot(p);
	else if (version && b->lines > 0 && (b->version_line || p->max_ts > 1.0 || (p->max_ts < 0 && b->lines > 3)))
		b = klog_new_boot(p);
	if (!b)
		return;
	if (ts >= 0) {
		if (b->first_ts < 0)
			b->first_ts = ts;
		if (ts > p->max_ts)
			p->max_ts = ts;
		p->last_ts = ts;
	}
	b->lines++;
	b->last_line = p->line;
	if (b->lines == 1)
		b->first_line = p->line;
	b->format_lines[fmt]++;
	k->kernel_lines++;
	p->saw_kernel_line = true;
	if (n > IMS_KLOG_MAX_LINE)
		n = IMS_KLOG_MAX_LINE;
	klog_process_message(p, b, s, n);
}

/* ---------------------------------------------------------------------- */
/* Streaming                                                              */
/* ---------------------------------------------------------------------- */
int ims_log_feed(ims_log_parser *p, const char *buf, size_t len)
{
	if (!p || (!buf && len) || p->finished)
		return IMS_ERR_ARG;
	/* one NUL search for the whole buffer; per line only when it has one */
	bool any_nul = len && memchr(buf, 0, len) != NULL;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t seg = nl ? (size_t)(nl - (buf + i)) : len - i;
		if (p->lb_len == 0 && !p->lb_overflow && nl) {
			/* whole line in the caller's buffer: no copy */
			bool overflow = seg > IMS_KLOG_MAX_LINE;
			size_t n = overflow ? IMS_KLOG_MAX_LINE : seg;
			bool nul = any_nul && memchr(buf + i, 0, n) != NULL;
			process_line(p, buf + i, n, overflow, nul);
			p->line++;
		} else {
			size_t room = IMS_KLOG_MAX_LINE - p->lb_len;
			size_t take = seg < room ? seg : room;
			memcpy(p->lb + p->lb_len, buf + i, take);
			if (any_nul && memchr(buf + i, 0, take))
				p->lb_nul = true;
			p->lb_len += take;
			if (seg > take)
				p->lb_overflow = true;
			if (nl) {
				process_line(p, p->lb, p->lb_len, p->lb_overflow, p->lb_nul);
				p->line++;
				p->lb_len = 0;
				p->lb_overflow = p->lb_nul = false;
			}
		}
		i += seg + (nl ? 1 : 0);
	}
	return IMS_OK;
}

int ims_log_finish(ims_log_parser *p)
{
	if (!p)
		return IMS_ERR_ARG;
	if (p->finished)
		return IMS_OK;
	if (p->lb_len || p->lb_overflow) {
		klog_diag(p, "klog.no-final-newline", IMS_SEV_INFO, p->line,
			  "the input ends without a newline (the last line may be cut off)");
		process_line(p, p->lb, p->lb_len, p->lb_overflow, p->lb_nul);
		p->lb_len = 0;
	}
	if (p->pending_event)
		klog_diag(p, "klog.event-incomplete", IMS_SEV_INFO, p->pending_event_line,
			  "'Event logged [' without the event text");
	p->pending_event = false;
	if (p->boot)
		klog_boot_derive(p->boot);
	ims_kernel *k = p->k;
	for (size_t i = 0; i < k->n_boots; i++) {
		ims_kboot *b = &k->boots[i];
		if (b->input == p->input && b->start_missing)
			klog_diag(p, "klog.start-missing", IMS_SEV_INFO, b->first_line,
				  "boot %u starts at %.3f s without 'Linux version': its early IOMMU lines are missing",
				  b->number, b->first_ts);
	}
	if (!p->saw_kernel_line)
		klog_diag(p, "klog.no-kernel-lines", IMS_SEV_WARNING, 0, "no kernel message found in this input");
	if (p->diag_suppressed)
		ims_diag_add(p->m, "klog.diags-suppressed", IMS_SEV_INFO, p->input, -1, false, 0, 0,
			     "%u further kernel-log diagnostics were suppressed (20 per code)", p->diag_suppressed);
	p->boot = NULL; /* the next input starts a new boot */
	p->finished = true;
	return IMS_OK;
}

int ims_parse_log(ims_model *m, uint32_t input, const char *text, size_t len)
{
	return ims_parse_log_with(m, input, text, len, NULL);
}

int ims_parse_log_with(ims_model *m, uint32_t input, const char *text, size_t len, const ims_klog_compiled *c)
{
	if (!m || (!text && len))
		return IMS_ERR_ARG;
	if (len > IMS_MAX_INPUT)
		return IMS_ERR_LIMIT; /* as every parser: refuse before reading */
	ims_log_parser *p = ims_log_parser_new_with(m, input, c);
	if (!p)
		return IMS_ERR_NOMEM;
	int rc = ims_log_feed(p, text, len);
	if (rc == IMS_OK)
		rc = ims_log_finish(p);
	ims_log_parser_free(p);
	return rc;
}

const ims_kboot *ims_kernel_last_boot(const ims_kernel *k)
{
	return k && k->n_boots ? &k->boots[k->n_boots - 1] : NULL;
}
