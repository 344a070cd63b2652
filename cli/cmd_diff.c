/* SPDX-License-Identifier: MIT */
/*
 * iommuscope diff A B: compare two machines, each given as inputs (files or
 * table directories) or as a saved `report --json`.  Both sides become report
 * JSON documents, which are compared section by section: verdicts, IOMMU
 * units and capabilities, coverage, reserved regions, interrupt-remapping
 * firmware facts, group granularity and GPU isolation, firmware defects and
 * kernel parameters.  Exit status as diff(1): 0 same, 1 different, 2 trouble.
 */
#include "analysis.h"
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

typedef struct side {
	const char *label;
	char **inputs;
	int n, cap;
	json_t *report;
} side;

static int side_add(side *s, char *path)
{
	if (s->n == s->cap) {
		int nc = s->cap ? s->cap * 2 : 4;
		char **ni = realloc(s->inputs, (size_t)nc * sizeof(*ni));
		if (!ni)
			return -1;
		s->inputs = ni;
		s->cap = nc;
	}
	s->inputs[s->n++] = path;
	return 0;
}

/* A saved report: a JSON object with "answers" and "schema_version". */
static json_t *try_saved_report(const char *path)
{
	unsigned char *buf;
	size_t len;
	if (!strcmp(path, "-") || ims_cli_read_file(path, &buf, &len) < 0)
		return NULL;
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r'))
		i++;
	json_t *j = NULL;
	if (i < len && buf[i] == '{') {
		json_error_t err;
		j = json_loadb((const char *)buf, len, 0, &err);
		if (j && (!json_is_object(json_object_get(j, "answers")) || !json_object_get(j, "schema_version"))) {
			json_decref(j);
			j = NULL;
		}
	}
	free(buf);
	return j;
}

static int side_load(side *s, ims_format force)
{
	if (s->n == 1) {
		s->report = try_saved_report(s->inputs[0]);
		if (s->report)
			return 0;
	}
	ims_model *m = ims_model_new();
	if (!m)
		return -1;
	if (ims_cli_load_all(m, s->inputs, s->n, force, stderr) < 0) {
		ims_model_free(m);
		return -1;
	}
	ims_analysis a;
	ims_analyze(m, NULL, &a);
	s->report = ims_report_json(m, &a);
	ims_analysis_free(&a);
	ims_model_free(m);
	return s->report ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
typedef struct dctx {
	json_t *rows;     /* [{section, item, a, b, same}] */
	size_t ndiff;
} dctx;

static json_t *jget(json_t *o, const char *path)
{
	/* dotted path */
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *cur = o;
	for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
		cur = json_object_get(cur, tok);
	return cur;
}

static json_t *as_value(json_t *v)
{
	return v ? json_incref(v) : json_null();
}

static void row(dctx *d, const char *section, const char *item, json_t *a, json_t *b)
{
	json_t *r = json_object();
	bool same = json_equal(a ? a : json_null(), b ? b : json_null()) ||
		    ((!a || json_is_null(a)) && (!b || json_is_null(b)));
	json_object_set_new(r, "section", json_string(section));
	json_object_set_new(r, "item", json_string(item));
	json_object_set_new(r, "a", as_value(a));
	json_object_set_new(r, "b", as_value(b));
	json_object_set_new(r, "same", json_boolean(same));
	json_array_append_new(d->rows, r);
	if (!same)
		d->ndiff++;
}

static void row_new(dctx *d, const char *section, const char *item, json_t *a, json_t *b)
{
	row(d, section, item, a, b);
	json_decref(a);
	json_decref(b);
}

/* Key of an IOMMU unit for matching: vendor + segment + base. */
static char *unit_key(json_t *u)
{
	char *s = NULL;
	const char *v = json_string_value(json_object_get(u, "vendor"));
	const char *base = json_string_value(json_object_get(u, "base"));
	if (asprintf(&s, "%s %lld %s", v ? v : "?", (long long)json_integer_value(json_object_get(u, "segment")),
		     base ? base : "?") < 0)
		return NULL;
	return s;
}

static json_t *find_unit(json_t *arr, const char *key)
{
	size_t i;
	json_t *u;
	json_array_foreach(arr, i, u)
	{
		char *k = unit_key(u);
		bool eq = k && !strcmp(k, key);
		free(k);
		if (eq)
			return u;
	}
	return NULL;
}

static char *region_key(json_t *r)
{
	char *dv = json_dumps(json_object_get(r, "devices"), JSON_COMPACT);
	char *s = NULL;
	const char *k = json_string_value(json_object_get(r, "kind"));
	const char *b = json_string_value(json_object_get(r, "base"));
	const char *e = json_string_value(json_object_get(r, "end"));
	if (asprintf(&s, "%s %s-%s %s", k ? k : "?", b ? b : "?", e ? e : "?", dv ? dv : "") < 0)
		s = NULL;
	free(dv);
	return s;
}

/* Set difference of string keys: items of a not in b, as a JSON array. */
typedef char *(*keyfn)(json_t *);
static json_t *only_in(json_t *a, json_t *b, keyfn fn)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *x, *y;
	json_array_foreach(a, i, x)
	{
		char *kx = fn(x);
		bool found = false;
		json_array_foreach(b, j, y)
		{
			char *ky = fn(y);
			if (kx && ky && !strcmp(kx, ky))
				found = true;
			free(ky);
			if (found)
				break;
		}
		if (!found && kx)
			json_array_append_new(out, json_string(kx));
		free(kx);
	}
	return out;
}

static char *str_of(json_t *v) { return json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY); }

static json_t *finding_ids(json_t *findings)
{
	/* {id: count} for warning/error findings */
	json_t *o = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(findings, i, f)
	{
		const char *sev = json_string_value(json_object_get(f, "severity"));
		const char *id = json_string_value(json_object_get(f, "id"));
		if (!id || !sev || !strcmp(sev, "info"))
			continue;
		json_t *c = json_object_get(o, id);
		json_object_set_new(o, id, json_integer(c ? json_integer_value(c) + 1 : 1));
	}
	return o;
}

static json_t *group_stats(json_t *groups)
{
	json_t *o = json_object();
	size_t n = json_array_size(groups), devs = 0, biggest = 0, i;
	json_t *g;
	json_array_foreach(groups, i, g)
	{
		size_t k = json_array_size(json_object_get(g, "devices"));
		devs += k;
		if (k > biggest)
			biggest = k;
	}
	json_object_set_new(o, "groups", json_integer((json_int_t)n));
	json_object_set_new(o, "devices", json_integer((json_int_t)devs));
	json_object_set_new(o, "largest_group", json_integer((json_int_t)biggest));
	return o;
}

static void compare(dctx *d, json_t *A, json_t *B)
{
	static const char *const mach[] = {"machine.vendor", "machine.dmi", "machine.kernel_version", "machine.dma_mode"};
	for (size_t i = 0; i < sizeof(mach) / sizeof(mach[0]); i++)
		row(d, "machine", mach[i] + 8, jget(A, mach[i]), jget(B, mach[i]));
	/* verdicts */
	json_t *qa = json_object_get(A, "answers"), *qb = json_object_get(B, "answers");
	const char *key;
	json_t *val;
	json_object_foreach(qa, key, val)
	{
		json_t *vb = json_object_get(qb, key);
		row(d, "verdicts", key, json_object_get(val, "verdict"), vb ? json_object_get(vb, "verdict") : NULL);
		char item[80];
		snprintf(item, sizeof(item), "%s.detail", key);
		row(d, "verdicts", item, json_object_get(val, "detail"), vb ? json_object_get(vb, "detail") : NULL);
	}
	/* units */
	json_t *ua = json_object_get(A, "iommus"), *ub = json_object_get(B, "iommus");
	row_new(d, "iommus", "count", json_integer((json_int_t)json_array_size(ua)),
		json_integer((json_int_t)json_array_size(ub)));
	row_new(d, "iommus", "only_in", only_in(ua, ub, unit_key), only_in(ub, ua, unit_key));
	size_t i;
	json_t *u;
	json_array_foreach(ua, i, u)
	{
		char *k = unit_key(u);
		json_t *v = k ? find_unit(ub, k) : NULL;
		if (v) {
			char item[160];
			snprintf(item, sizeof(item), "%s capabilities", k);
			row(d, "capabilities", item, json_object_get(u, "capabilities"), json_object_get(v, "capabilities"));
			snprintf(item, sizeof(item), "%s coverage", k);
			row(d, "coverage", item, json_object_get(u, "coverage"), json_object_get(v, "coverage"));
			snprintf(item, sizeof(item), "%s special_devices", k);
			row(d, "coverage", item, json_object_get(u, "special_devices"), json_object_get(v, "special_devices"));
		}
		free(k);
	}
	/* reserved regions */
	json_t *ra = json_object_get(A, "reserved_regions"), *rb = json_object_get(B, "reserved_regions");
	row_new(d, "reserved_regions", "count", json_integer((json_int_t)json_array_size(ra)),
		json_integer((json_int_t)json_array_size(rb)));
	row_new(d, "reserved_regions", "only_in", only_in(ra, rb, region_key), only_in(rb, ra, region_key));
	/* interrupt remapping firmware facts */
	row(d, "interrupt_remapping", "dmar_flags", jget(A, "interrupt_remapping_firmware.dmar_flags"),
	    jget(B, "interrupt_remapping_firmware.dmar_flags"));
	row(d, "interrupt_remapping", "ivinfo", jget(A, "interrupt_remapping_firmware.ivinfo"),
	    jget(B, "interrupt_remapping_firmware.ivinfo"));
	row(d, "interrupt_remapping", "ioapics", jget(A, "interrupt_remapping_firmware.ioapics"),
	    jget(B, "interrupt_remapping_firmware.ioapics"));
	/* groups and isolation */
	row_new(d, "groups", "granularity", group_stats(json_object_get(A, "groups")),
		group_stats(json_object_get(B, "groups")));
	json_t *gpa = json_array(), *gpb = json_array();
	json_t *sides[2][2] = {{json_object_get(A, "devices"), gpa}, {json_object_get(B, "devices"), gpb}};
	for (int s = 0; s < 2; s++) {
		json_t *dv;
		json_array_foreach(sides[s][0], i, dv)
		{
			const char *kind = json_string_value(json_object_get(dv, "kind"));
			if (!kind)
				continue;
			char *e = NULL;
			const char *ad = json_string_value(json_object_get(dv, "address"));
			const char *iso = json_string_value(json_object_get(dv, "isolation"));
			if (asprintf(&e, "%s %s: %s", kind, ad ? ad : "?", iso ? iso : "?") >= 0) {
				json_array_append_new(sides[s][1], json_string(e));
				free(e);
			}
		}
	}
	row_new(d, "groups", "passthrough_candidates", gpa, gpb);
	/* defects */
	row_new(d, "defects", "finding_ids", finding_ids(json_object_get(A, "findings")),
		finding_ids(json_object_get(B, "findings")));
	row(d, "defects", "finding_counts", json_object_get(A, "finding_counts"), json_object_get(B, "finding_counts"));
	/* kernel parameters */
	row(d, "kernel", "parameters", json_object_get(A, "kernel_parameters"), json_object_get(B, "kernel_parameters"));
	(void)str_of;
}

static void print_cell(FILE *out, json_t *v, int width)
{
	char *s = (json_is_null(v) || !v) ? strdup("-") : str_of(v);
	if (!s)
		return;
	if (width > 0)
		fprintf(out, "%-*.*s", width, width, s);
	else
		fprintf(out, "%s", s);
	free(s);
}

static void diff_usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope diff [OPTIONS] A B\n"
		"       iommuscope diff [OPTIONS] -a INPUT [-a INPUT...] -b INPUT [-b INPUT...]\n"
		"\n"
		"Compare two machines.  Each side is an input (acpidump, table, table directory,\n"
		"kernel log), several inputs given with repeated -a / -b, or a saved\n"
		"'iommuscope report --json' file.  Compared: verdicts, IOMMU units and their\n"
		"capabilities, device coverage and special devices, reserved regions (RMRR/IVMD),\n"
		"interrupt-remapping firmware facts, IOMMU group granularity and the isolation of\n"
		"GPUs and other passthrough candidates, firmware defects, kernel parameters.\n"
		"\n"
		"Options:\n"
		"  -a INPUT                add an input to side A\n"
		"  -b INPUT                add an input to side B\n"
		"  -j, --json              JSON: {\"a\":..., \"b\":..., \"rows\": [...], \"differences\": N}\n"
		"      --compact           with --json: one line\n"
		"      --all               text: also list the rows that are the same\n"
		"  -f, --input-format FMT  auto (default), acpidump, table, log\n"
		"  -h, --help              show this help\n"
		"\n"
		"Exit status (as diff(1)): 0 no difference; 1 differences; 2 usage error or\n"
		"unreadable input.\n"
		"\n"
		"Example: iommuscope diff board-a.acpidump.txt board-b.report.json\n");
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},	  {"compact", no_argument, NULL, 'c'},
		{"all", no_argument, NULL, 'A'},	  {"input-format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	side sa = {"A", NULL, 0, 0, NULL}, sb = {"B", NULL, 0, 0, NULL};
	bool json = false, compact = false, all = false;
	ims_format force = IMS_FMT_AUTO;
	int c, rc = IMS_EXIT_OK;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:b:jf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': side_add(&sa, optarg); break;
		case 'b': side_add(&sb, optarg); break;
		case 'j': json = true; break;
		case 'c': compact = true; break;
		case 'A': all = true; break;
		case 'f':
			if (!ims_cli_format_option("diff", optarg, true, &force)) {
				rc = IMS_EXIT_USAGE;
				goto out;
			}
			break;
		case 'h': diff_usage(stdout); goto out;
		default: diff_usage(stderr); rc = IMS_EXIT_USAGE; goto out;
		}
	}
	int npos = argc - optind;
	if (!sa.n && !sb.n) {
		if (npos != 2) {
			fprintf(stderr, "iommuscope diff: give exactly two machines (A B), or -a/-b inputs\n");
			diff_usage(stderr);
			rc = IMS_EXIT_USAGE;
			goto out;
		}
		side_add(&sa, argv[optind]);
		side_add(&sb, argv[optind + 1]);
	} else if (!sa.n || !sb.n || npos) {
		fprintf(stderr, "iommuscope diff: with -a/-b, give both sides and no positional inputs\n");
		rc = IMS_EXIT_USAGE;
		goto out;
	}
	if (side_load(&sa, force) < 0 || side_load(&sb, force) < 0) {
		rc = IMS_EXIT_USAGE;
		goto out;
	}
	dctx d = {json_array(), 0};
	compare(&d, sa.report, sb.report);
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, "schema_version", json_integer(IMS_SCHEMA_VERSION));
		json_object_set_new(root, "generator", json_string("iommuscope " IMS_VERSION));
		side *ss[2] = {&sa, &sb};
		for (int s = 0; s < 2; s++) {
			json_t *o = json_object(), *in = json_array();
			for (int i = 0; i < ss[s]->n; i++)
				json_array_append_new(in, json_string(ss[s]->inputs[i]));
			json_object_set_new(o, "inputs", in);
			json_object_set(o, "machine", json_object_get(ss[s]->report, "machine") ? json_object_get(ss[s]->report, "machine") : json_null());
			json_object_set_new(root, s ? "b" : "a", o);
		}
		json_object_set(root, "rows", d.rows);
		json_object_set_new(root, "differences", json_integer((json_int_t)d.ndiff));
		ims_json_print(stdout, root, !compact);
		json_decref(root);
	} else {
		printf("A: ");
		for (int i = 0; i < sa.n; i++)
			printf("%s%s", i ? " + " : "", sa.inputs[i]);
		printf("\nB: ");
		for (int i = 0; i < sb.n; i++)
			printf("%s%s", i ? " + " : "", sb.inputs[i]);
		printf("\n\n  %-18s %-34s %-36s %s\n", "section", "item", "A", "B");
		size_t k;
		json_t *r;
		json_array_foreach(d.rows, k, r)
		{
			bool same = json_is_true(json_object_get(r, "same"));
			if (same && !all)
				continue;
			printf("%c %-18s %-34.34s ", same ? ' ' : '*', json_string_value(json_object_get(r, "section")),
			       json_string_value(json_object_get(r, "item")));
			json_t *a = json_object_get(r, "a"), *b = json_object_get(r, "b");
			char *sa_s = json_is_null(a) ? strdup("-") : str_of(a);
			char *sb_s = json_is_null(b) ? strdup("-") : str_of(b);
			if (sa_s && sb_s && strlen(sa_s) <= 36 && strlen(sb_s) <= 60) {
				printf("%-36s %s\n", sa_s, sb_s);
			} else {
				printf("\n      A: %s\n      B: %s\n", sa_s ? sa_s : "", sb_s ? sb_s : "");
			}
			free(sa_s);
			free(sb_s);
		}
		printf("\n%zu difference%s\n", d.ndiff, d.ndiff == 1 ? "" : "s");
	}
	(void)print_cell;
	rc = d.ndiff ? IMS_EXIT_FINDINGS : IMS_EXIT_OK;
	json_decref(d.rows);
	if (fflush(stdout) != 0)
		rc = IMS_EXIT_USAGE;
out:
	json_decref(sa.report);
	json_decref(sb.report);
	free(sa.inputs);
	free(sb.inputs);
	return rc;
}
