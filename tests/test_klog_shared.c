/* SPDX-License-Identifier: MIT */
/*
 * klog_shared.h: parsers borrowing one compiled pattern set give exactly
 * what parsers compiling their own give (kernel view, diagnostics, per-
 * pattern hits), for every composed log of corpus/logs and every real log of
 * ../shared/corpus/dmesg, with one compiled set reused across all of them,
 * streamed and one-shot, and from two threads at once.
 */
#include "testutil.h"
#include "iommuscope/klog.h"
#include "iommuscope/klog_shared.h"
#include "cli.h"
#include "kernel_render.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parsed {
	char *json;      /* kernel view + diagnostics */
	uint64_t *hits;  /* per pattern */
} parsed;

/* Parse text with a parser from new (c NULL) or new_with(c), fed in steps of `step` bytes (0: whole). */
static parsed parse(const char *t, size_t n, const ims_klog_compiled *c, size_t step)
{
	parsed r = {NULL, NULL};
	ims_model *m = ims_model_new();
	if (!m || ims_model_add_input(m, "log", IMS_FMT_LOG, n) != 0)
		return r;
	ims_log_parser *p = c ? ims_log_parser_new_with(m, 0, c) : ims_log_parser_new(m, 0);
	if (!p) {
		ims_model_free(m);
		return r;
	}
	int rc = IMS_OK;
	if (step) {
		for (size_t off = 0; off < n && rc == IMS_OK; off += step)
			rc = ims_log_feed(p, t + off, n - off < step ? n - off : step);
	} else {
		rc = ims_log_feed(p, t, n);
	}
	if (rc == IMS_OK)
		rc = ims_log_finish(p);
	size_t np = ims_klog_pattern_count();
	r.hits = calloc(np, sizeof(uint64_t));
	for (size_t i = 0; r.hits && i < np; i++)
		r.hits[i] = ims_log_parser_hits(p, i);
	ims_log_parser_free(p);
	if (rc == IMS_OK && ims_model_finish(m) == IMS_OK) {
		json_t *j = ims_json_kernel(m->kernel, -2);
		json_object_set_new(j, "diagnostics", ims_json_diagnostics(m));
		r.json = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
		json_decref(j);
	}
	ims_model_free(m);
	return r;
}

static void parsed_free(parsed *r)
{
	free(r->json);
	free(r->hits);
}

/* The logs to compare: corpus/logs/* and ../shared/corpus/dmesg/*.log (if present). */
typedef struct logset {
	char **path;
	size_t n;
} logset;

static void add_dir(logset *s, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);
		if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix) || !strcmp(e->d_name, "README.md"))
			continue;
		char **np = realloc(s->path, (s->n + 1) * sizeof(*np));
		assert_non_null(np);
		s->path = np;
		s->path[s->n++] = tu_path(dir, e->d_name);
	}
	closedir(d);
}

static logset all_logs(void)
{
	logset s = {NULL, 0};
	char *logs = tu_path(tu_env("IMS_SOURCE_DIR"), "corpus/logs");
	add_dir(&s, logs, "");
	free(logs);
	const char *shared = tu_env("IMS_SHARED_CORPUS");
	if (shared && tu_is_dir(shared)) {
		char *dm = tu_path(shared, "dmesg");
		add_dir(&s, dm, ".log");
		free(dm);
	}
	return s;
}

static void logset_free(logset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->path[i]);
	free(s->path);
}

static void assert_same(const parsed *a, const parsed *b, const char *what, const char *path)
{
	if (!a->json || !b->json || !a->hits || !b->hits)
		fail_msg("%s: %s: parse failed", path, what);
	if (strcmp(a->json, b->json))
		fail_msg("%s: %s: kernel view differs from a parser compiling its own patterns", path, what);
	for (size_t i = 0; i < ims_klog_pattern_count(); i++)
		if (a->hits[i] != b->hits[i])
			fail_msg("%s: %s: pattern %zu hits %llu vs %llu", path, what, i, (unsigned long long)a->hits[i],
				 (unsigned long long)b->hits[i]);
}

static void test_same_results(void **state)
{
	(void)state;
	logset s = all_logs();
	assert_true(s.n >= 6); /* the composed logs at least */
	ims_klog_compiled *c = ims_klog_compile();
	assert_non_null(c);
	uint64_t total_hits = 0;
	for (size_t f = 0; f < s.n; f++) {
		size_t n;
		char *t = (char *)tu_read_file(s.path[f], &n);
		assert_non_null(t);
		parsed ref = parse(t, n, NULL, 0);
		parsed one = parse(t, n, c, 0);
		parsed chunked = parse(t, n, c, 4093);
		assert_same(&ref, &one, "shared, one-shot", s.path[f]);
		assert_same(&ref, &chunked, "shared, 4093-byte chunks", s.path[f]);
		for (size_t i = 0; i < ims_klog_pattern_count(); i++)
			total_hits += ref.hits[i];
		/* ims_parse_log_with == ims_parse_log */
		ims_model *m1 = ims_model_new(), *m2 = ims_model_new();
		assert_int_equal(ims_model_add_input(m1, "log", IMS_FMT_LOG, n), 0);
		assert_int_equal(ims_model_add_input(m2, "log", IMS_FMT_LOG, n), 0);
		assert_int_equal(ims_parse_log(m1, 0, t, n), IMS_OK);
		assert_int_equal(ims_parse_log_with(m2, 0, t, n, c), IMS_OK);
		assert_non_null(m1->kernel);
		assert_non_null(m2->kernel);
		assert_int_equal(m1->kernel->kernel_lines, m2->kernel->kernel_lines);
		assert_int_equal(m1->kernel->prefiltered, m2->kernel->prefiltered);
		assert_int_equal(m1->n_diags, m2->n_diags);
		ims_model_free(m1);
		ims_model_free(m2);
		parsed_free(&ref);
		parsed_free(&one);
		parsed_free(&chunked);
		free(t);
	}
	assert_true(total_hits > 0); /* the comparison saw real matches */
	ims_klog_compiled_free(c);
	logset_free(&s);
}

/* Two parsers alive at once on one compiled set keep separate state. */
static void test_interleaved(void **state)
{
	(void)state;
	ims_klog_compiled *c = ims_klog_compile();
	assert_non_null(c);
	static const char a[] = "[    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n"
				"[    0.100000] DMAR: Host address width 39\n";
	static const char b[] = "[    0.000000] Linux version 5.15.0 (gcc) #1 SMP\n"
				"[    0.200000] AMD-Vi: Interrupt remapping enabled\n";
	ims_model *ma = ims_model_new(), *mb = ims_model_new();
	ims_model_add_input(ma, "a", IMS_FMT_LOG, sizeof(a) - 1);
	ims_model_add_input(mb, "b", IMS_FMT_LOG, sizeof(b) - 1);
	ims_log_parser *pa = ims_log_parser_new_with(ma, 0, c), *pb = ims_log_parser_new_with(mb, 0, c);
	assert_non_null(pa);
	assert_non_null(pb);
	for (size_t off = 0; off < sizeof(a) - 1 || off < sizeof(b) - 1; off += 5) {
		if (off < sizeof(a) - 1)
			assert_int_equal(ims_log_feed(pa, a + off, sizeof(a) - 1 - off < 5 ? sizeof(a) - 1 - off : 5), IMS_OK);
		if (off < sizeof(b) - 1)
			assert_int_equal(ims_log_feed(pb, b + off, sizeof(b) - 1 - off < 5 ? sizeof(b) - 1 - off : 5), IMS_OK);
	}
	assert_int_equal(ims_log_finish(pa), IMS_OK);
	assert_int_equal(ims_log_finish(pb), IMS_OK);
	ims_log_parser_free(pa);
	ims_log_parser_free(pb);
	ims_klog_compiled_free(c); /* after its last parser */
	const ims_kboot *ba = ims_kernel_last_boot(ma->kernel), *bb = ims_kernel_last_boot(mb->kernel);
	assert_non_null(ba);
	assert_non_null(bb);
	assert_int_equal(ba->haw, 39);
	assert_int_equal(bb->haw, 0);
	assert_int_equal(ba->ir.state, -1);
	assert_int_equal(bb->ir.state, 1);
	ims_model_free(ma);
	ims_model_free(mb);
	ims_klog_compiled_free(NULL);
	assert_null(ims_log_parser_new_with(NULL, 0, NULL));
}

/* One compiled set shared by two threads (batch uses one per thread; the
 * header promises it is safe either way). */
typedef struct targ {
	const ims_klog_compiled *c;
	const logset *s;
	const char *const *ref; /* reference JSON per log */
	int bad;
} targ;

static void *thread_run(void *v)
{
	targ *a = v;
	for (int rep = 0; rep < 2; rep++)
		for (size_t f = 0; f < a->s->n; f++) {
			size_t n;
			char *t = (char *)tu_read_file(a->s->path[f], &n);
			if (!t) {
				a->bad++;
				continue;
			}
			parsed r = parse(t, n, a->c, 0);
			if (!r.json || strcmp(r.json, a->ref[f]))
				a->bad++;
			parsed_free(&r);
			free(t);
		}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	logset s = all_logs();
	char **ref = calloc(s.n, sizeof(*ref));
	assert_non_null(ref);
	for (size_t f = 0; f < s.n; f++) {
		size_t n;
		char *t = (char *)tu_read_file(s.path[f], &n);
		assert_non_null(t);
		parsed r = parse(t, n, NULL, 0);
		assert_non_null(r.json);
		ref[f] = r.json;
		free(r.hits);
		free(t);
	}
	ims_klog_compiled *c = ims_klog_compile();
	assert_non_null(c);
	targ a[2] = {{c, &s, (const char *const *)ref, 0}, {c, &s, (const char *const *)ref, 0}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_run, &a[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(a[0].bad, 0);
	assert_int_equal(a[1].bad, 0);
	ims_klog_compiled_free(c);
	for (size_t f = 0; f < s.n; f++)
		free(ref[f]);
	free(ref);
	logset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_results),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
