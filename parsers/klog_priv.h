/* SPDX-License-Identifier: MIT */
/* Private declarations shared by the kernel-log parser files (klog*.c). */
#ifndef IMS_KLOG_PRIV_H
#define IMS_KLOG_PRIV_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "iommuscope/klog.h"

/* Pattern flags. */
enum {
	KP_REST = 1u << 0,  /* match against the text after a "<driver> <device>: " prefix */
	KP_CONT = 1u << 1,  /* keep trying later patterns after this one matched */
};

struct klog_ctx;
typedef void (*klog_fn)(ims_log_parser *p, ims_kboot *b, const struct klog_ctx *c);

typedef struct klog_pattern {
	ims_klog_pattern_info info;
	unsigned flags;
	klog_fn fn;
} klog_pattern;

extern const klog_pattern ims_klog_table[];
extern const size_t ims_klog_table_n;
/* Keywords that make a line "IOMMU-looking" (counted as unmatched if no pattern hits). */
extern const char *const ims_klog_keywords[];

#define KLOG_MAX_LITS 160u
#define KLOG_MAX_DIAG_PER_CODE 20u
#define KLOG_DG_SLOTS 512u

#define KLOG_TRI_BITS 32768u
enum { KLOG_DG_ANCHOR = 1, KLOG_DG_ALWAYS = 2 /* digram of a 2-byte literal: no trigram check */ };

static inline unsigned klog_tri_hash(unsigned t) { return (t * 2654435761u) >> 17; }
static inline unsigned klog_dg_hash(unsigned d) { return ((d * 40503u) >> 7) & (KLOG_DG_SLOTS - 1); }

/* What one line looks like once its format prefix is stripped. */
typedef struct klog_ctx {
	const char *msg;            /* message (no prefix), not NUL-terminated */
	size_t len;
	const char *subj;           /* msg, or the text after the device prefix (KP_REST) */
	size_t subj_len;
	/* device prefix "<driver> <devname>: " */
	bool has_dev;
	const char *drv; size_t drv_len;
	const char *dev; size_t dev_len;
	bool dev_is_bdf;
	uint16_t dev_seg, dev_bdf;
	uint32_t line;
	PCRE2_SIZE *ov;             /* ovector of the last match */
	uint32_t ngroups;
} klog_ctx;

struct ims_log_parser {
	ims_model *m;
	uint32_t input;
	ims_kernel *k;
	/* compiled patterns and prefilter (re, pat_lit, lit_pats, digram and the
	 * tables up to trigram): borrowed from *shared when it is set, else owned */
	const struct ims_klog_compiled *shared;
	pcre2_code **re;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	uint64_t *hits;
	/* prefilter: distinct literals, anchor-digram entries, digram bitmap */
	const char *lits[KLOG_MAX_LITS];
	uint8_t lit_len[KLOG_MAX_LITS];
	size_t n_lits;
	int16_t *pat_lit;           /* literal index of each pattern */
	int16_t kw_lit[16];         /* literal indexes of the generic keywords */
	size_t n_kw;
	/* Each literal is anchored on two adjacent digrams (at offsets o, o+1), so
	 * testing only the digrams at even positions of a message finds it. A hit
	 * in the bitmap leads through a small hash of the anchor digrams to the
	 * entries (literal, offset, check byte) to compare. */
	unsigned stride;            /* 2, or 1 when some literal has only one digram */
	uint16_t slot_key[KLOG_DG_SLOTS];   /* anchor digram (b1 | b2 << 8) of each slot, 0 = empty */
	uint16_t slot_start[KLOG_DG_SLOTS]; /* its entries: [slot_start, slot_start + slot_n) */
	uint8_t slot_n[KLOG_DG_SLOTS];
	uint16_t ent_lit[2 * KLOG_MAX_LITS];
	uint8_t ent_off[2 * KLOG_MAX_LITS];     /* offset of the digram in the literal */
	int8_t ent_chk[2 * KLOG_MAX_LITS];      /* offset of a third byte, relative to the digram */
	uint8_t ent_chk_byte[2 * KLOG_MAX_LITS];
	uint64_t *lit_pats;         /* per literal: bitmask of its patterns (pat_words words) */
	size_t pat_words;
	uint8_t *digram;            /* 65536 bytes: KLOG_DG_* at (b1 | b2 << 8) for each anchor digram */
	uint64_t trigram[KLOG_TRI_BITS / 64]; /* hashed set of the anchor trigrams */
	uint8_t found[KLOG_MAX_LITS];
	uint16_t found_list[KLOG_MAX_LITS];
	size_t n_found;
	/* line assembly */
	char *lb;                   /* line buffer, IMS_KLOG_MAX_LINE bytes */
	size_t lb_len;
	bool lb_overflow;
	bool lb_nul;
	uint32_t line;              /* current 1-based line number */
	char *jbuf;                 /* decoded journal JSON message */
	/* state */
	ims_kboot *boot;            /* current boot (last in k->boots) */
	double last_ts, max_ts;
	bool kmsg_mode;
	bool pending_event;         /* AMD "Event logged [" waiting for its body */
	uint32_t pending_event_line;
	bool pending_efr_names;     /* AMD 2-line "Extended features" */
	bool saw_kernel_line;
	uint32_t diag_count[32];
	uint32_t diag_suppressed;
	bool finished;
};

/* The read-only part of a parser, built once (klog_shared.h): a parser
 * whose compiled fields are filled and whose per-parser state is zero. */
struct ims_klog_compiled {
	struct ims_log_parser proto;
};

/* klog.c */
void klog_diag(ims_log_parser *p, const char *code, ims_severity sev, uint32_t line, const char *fmt, ...)
	IMS_PRINTF(5, 6);
ims_kboot *klog_new_boot(ims_log_parser *p);
void klog_boot_free(ims_kboot *b);
/* Bounded push into a boot array; NULL (and the drop counter bumped, one
 * klog.cap-reached diag) when the cap is reached or memory ran out. */
void *klog_push(ims_log_parser *p, void **arr, size_t *n, size_t elsize, size_t cap, uint32_t *dropped,
		const char *what);
#define KPUSH(p, b, name, cap, dropped, what) \
	((__typeof__((b)->name))klog_push((p), (void **)&(b)->name, &(b)->n_##name, sizeof(*(b)->name), (cap), (dropped), (what)))

/* helpers (klog_facts.c) */
void klog_copy_text(char *dst, size_t dstsz, const char *s, size_t n);
bool klog_cap(const klog_ctx *c, unsigned i, const char **s, size_t *n);
uint64_t klog_cap_num(const klog_ctx *c, unsigned i, int base, bool *ok);
bool klog_parse_bdf(const char *s, size_t n, uint16_t *seg, uint16_t *bdf);
void klog_note(ims_log_parser *p, ims_kboot *b, const char *kind, const klog_ctx *c);
void klog_cmdline(ims_log_parser *p, ims_kboot *b, const char *s, size_t n, uint32_t line);
void klog_fwbug(ims_log_parser *p, ims_kboot *b, const klog_ctx *c, const char *level, const char *rest, size_t rn);
void klog_boot_derive(ims_kboot *b);
void klog_fault_add(ims_log_parser *p, ims_kboot *b, ims_vendor v, const char *kind, size_t kind_len, bool bdf_known,
		    uint16_t seg, uint16_t bdf, int32_t reason, const char *rtext, size_t rlen, uint64_t addr,
		    uint32_t domain, uint32_t line);
ims_kamd_iommu *klog_amd_iommu(ims_log_parser *p, ims_kboot *b, bool bdf_known, uint16_t seg, uint16_t bdf, uint32_t line);
bool klog_memmem_cstr(const char *h, size_t hn, const char *needle);
void klog_process_message(ims_log_parser *p, ims_kboot *b, const char *msg, size_t len);
void klog_pending_event(ims_log_parser *p, ims_kboot *b, const klog_ctx *c);
bool klog_efr_names_line(const char *s, size_t n);

#endif
