/* SPDX-License-Identifier: MIT */
/*
 * iommuscope batch: walk trees of dumps, group files by machine, run the
 * report of each machine on N worker threads, write one JSON line per
 * machine (in machine-key order, whatever the thread timing) and optionally
 * a SQLite database.  --shard K/N keeps the machines whose key hashes to K,
 * so many hosts can split a corpus without coordination.
 *
 * Machine key: the file name up to the first "__" or "." (linux-hardware.org
 * layout: acpidump/{full,iommu}/HWID.txt, dmesg/HWID__LOGID.log).  Per
 * machine, the largest table source (acpidump or raw table) is used - the
 * others are the same firmware trimmed - and every kernel log is read.
 */
#include "analysis.h"
#include "cli.h"
#include "json_fast.h"
#include "iommuscope/klog.h"
#include "iommuscope/klog_shared.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct bfile {
	char *path;
	char *key;
	uint64_t size;
} bfile;

typedef struct machine {
	char *key;
	size_t first, n;      /* into the sorted file list */
	char *line;           /* its JSON line, set by a worker (NULL: out of memory) */
	json_t *result;       /* its JSON, kept by the worker for SQLite only */
	bool done;
} machine;

typedef struct batch {
	bfile *files;
	size_t nfiles, capfiles;
	machine *machines;
	size_t nmachines;
	/* work distribution */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next;          /* next machine to start */
	size_t written;       /* machines written out */
	size_t window;        /* max machines in flight ahead of the output */
	size_t waiting;       /* workers waiting for the window */
	bool writing;         /* a worker is writing finished machines out */
	bool walk_error;
	bool keep_json;       /* SQLite wants the JSON too */
	/* output (used by the one worker that is writing) */
	FILE *out;
	struct db *db;        /* NULL: no SQLite */
	bool progress;
	bool write_failed;
} batch;

static int cmp_file(const void *a, const void *b)
{
	const bfile *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->path, y->path);
}

static bool skip_name(const char *n)
{
	if (n[0] == '.')
		return true;
	const char *dot = strrchr(n, '.');
	if (!dot)
		return false;
	static const char *const ext[] = {".md", ".tsv", ".csv", ".json", ".jsonl", ".py", ".sh", ".db", ".sqlite", NULL};
	for (int i = 0; ext[i]; i++)
		if (!strcmp(dot, ext[i]))
			return true;
	return false;
}

static char *machine_key(const char *base)
{
	const char *us = strstr(base, "__");
	const char *dot = strchr(base, '.');
	size_t n = strlen(base);
	if (us && (size_t)(us - base) < n)
		n = (size_t)(us - base);
	if (dot && (size_t)(dot - base) < n && dot != base)
		n = (size_t)(dot - base);
	return strndup(base, n);
}

static int walk(batch *b, const char *path, int depth)
{
	if (depth > 32)
		return 0;
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "iommuscope batch: %s: %s\n", path, strerror(errno));
		b->walk_error = true;
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (depth > 0 && skip_name(base))
			return 0;
		if (b->nfiles == b->capfiles) {
			size_t nc = b->capfiles ? b->capfiles * 2 : 256;
			bfile *nf = realloc(b->files, nc * sizeof(*nf));
			if (!nf)
				return -1;
			b->files = nf;
			b->capfiles = nc;
		}
		bfile *f = &b->files[b->nfiles];
		f->path = strdup(path);
		f->key = machine_key(base);
		f->size = (uint64_t)st.st_size;
		if (!f->path || !f->key)
			return -1;
		b->nfiles++;
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "iommuscope batch: %s: %s\n", path, strerror(errno));
		b->walk_error = true;
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		size_t l = strlen(path) + strlen(e->d_name) + 2;
		char *full = malloc(l);
		if (!full) {
			rc = -1;
			break;
		}
		snprintf(full, l, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		if (walk(b, full, depth + 1) < 0 && !b->walk_error)
			rc = -1;
		free(full);
	}
	closedir(d);
	return rc;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* ---------------------------------------------------------------------- */
/* One machine                                                            */
/* ---------------------------------------------------------------------- */
/* Per worker thread: the kernel-log patterns compiled once (klog_shared.h)
 * and one buffer the files of a machine are read into, reused from machine
 * to machine (no mmap/munmap per file: those serialise threads on the
 * process's address-space lock and cost page-table work per page). */
typedef struct wctx {
	ims_klog_compiled *kc; /* made at the first log; NULL: each log parser compiles its own */
	bool kc_failed;
	unsigned char *arena;
	size_t cap;
} wctx;

static void wctx_free(wctx *w)
{
	ims_klog_compiled_free(w->kc);
	free(w->arena);
	memset(w, 0, sizeof(*w));
}

/* Read [from, to) of fd into dst; returns the bytes read (short at EOF), -1 on error. */
static ssize_t read_range(int fd, unsigned char *dst, size_t from, size_t to)
{
	size_t got = from;
	while (got < to) {
		ssize_t r = pread(fd, dst + got, to - got, (off_t)got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* What ims_detect_format looks at: the first 64 KiB (and the length). */
#define DETECT_PROBE 65536u

typedef struct mfile {
	int fd;                /* open until the machine is done, -1 if none */
	size_t size;           /* from fstat */
	size_t off;            /* slot in the arena */
	size_t have;           /* bytes read into the slot (the probe first, all if parsed) */
	unsigned char *heap;   /* non-regular file read whole by ims_cli_read_file */
	bool ok;
	ims_format fmt;
} mfile;

static void read_error(json_t *errors, const char *path, int err)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s: %s", path, strerror(err));
	json_array_append_new(errors, json_string(msg));
}

static json_t *run_machine(const batch *b, const machine *mc, wctx *w)
{
	ims_model *m = ims_model_new();
	json_t *files = json_array(), *skipped = json_array(), *errors = json_array();
	mfile *mf = calloc(mc->n, sizeof(*mf));
	json_t *out = NULL;
	if (!m || !mf)
		goto oom;
	for (size_t i = 0; i < mc->n; i++)
		mf[i].fd = -1;
	/* open and size every file; one arena slot per regular file */
	size_t total = 0;
	for (size_t i = 0; i < mc->n; i++) {
		const bfile *f = &b->files[mc->first + i];
		mfile *x = &mf[i];
		x->fmt = IMS_FMT_UNKNOWN;
		x->fd = open(f->path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (x->fd < 0 || fstat(x->fd, &st) < 0) {
			read_error(errors, f->path, errno);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			size_t len;
			if (ims_cli_read_file(f->path, &x->heap, &len) < 0) {
				read_error(errors, f->path, errno);
				continue;
			}
			x->size = x->have = len;
			x->ok = true;
			continue;
		}
		if ((uint64_t)st.st_size > IMS_MAX_INPUT) {
			read_error(errors, f->path, EFBIG);
			continue;
		}
		x->size = (size_t)st.st_size;
		x->off = total;
		total += x->size;
		x->ok = true;
	}
	if (total > w->cap) {
		unsigned char *na = realloc(w->arena, total);
		if (!na)
			goto oom;
		w->arena = na;
		w->cap = total;
	}
	/* classify from the probe; the largest table source wins */
	ssize_t best = -1;
	for (size_t i = 0; i < mc->n; i++) {
		mfile *x = &mf[i];
		if (!x->ok)
			continue;
		if (!x->heap) {
			ssize_t r = read_range(x->fd, w->arena + x->off, 0, x->size < DETECT_PROBE ? x->size : DETECT_PROBE);
			if (r < 0) {
				read_error(errors, b->files[mc->first + i].path, errno);
				x->ok = false;
				continue;
			}
			x->have = (size_t)r;
			if (x->have < DETECT_PROBE)
				x->size = x->have; /* all of it (the file may have shrunk) */
		}
		x->fmt = ims_detect_format(x->heap ? x->heap : w->arena + x->off, x->have);
		if (x->fmt == IMS_FMT_ACPIDUMP || x->fmt == IMS_FMT_TABLE) {
			if (best < 0 || x->size > mf[best].size)
				best = (ssize_t)i;
		}
	}
	for (size_t i = 0; i < mc->n; i++) {
		const bfile *f = &b->files[mc->first + i];
		mfile *x = &mf[i];
		if (!x->ok)
			continue;
		if (x->fmt == IMS_FMT_UNKNOWN) {
			json_t *s = json_object();
			json_object_set_new(s, "file", json_string(f->path));
			json_object_set_new(s, "reason", json_string("not an acpidump, ACPI table or kernel log"));
			json_array_append_new(skipped, s);
			continue;
		}
		if ((x->fmt == IMS_FMT_ACPIDUMP || x->fmt == IMS_FMT_TABLE) && (ssize_t)i != best) {
			json_t *s = json_object();
			json_object_set_new(s, "file", json_string(f->path));
			json_object_set_new(s, "reason", json_string("another table source of this machine is larger (same firmware)"));
			json_array_append_new(skipped, s);
			continue;
		}
		const unsigned char *buf = x->heap;
		if (!buf) {
			buf = w->arena + x->off;
			if (x->have < x->size) { /* the rest of the file */
				ssize_t r = read_range(x->fd, w->arena + x->off, x->have, x->size);
				if (r < 0) {
					read_error(errors, f->path, errno);
					continue;
				}
				x->have = (size_t)r;
			}
		}
		size_t len = x->have;
		int in = ims_model_add_input(m, f->path, x->fmt, len);
		if (in < 0)
			goto oom;
		int rc;
		if (x->fmt == IMS_FMT_ACPIDUMP)
			rc = ims_parse_acpidump(m, (uint32_t)in, (const char *)buf, len);
		else if (x->fmt == IMS_FMT_TABLE)
			rc = ims_parse_table(m, (uint32_t)in, buf, len);
		else {
			if (!w->kc && !w->kc_failed) { /* at the worker's first log */
				w->kc = ims_klog_compile();
				w->kc_failed = !w->kc; /* then each parser compiles its own */
			}
			rc = ims_parse_log_with(m, (uint32_t)in, (const char *)buf, len, w->kc);
		}
		if (rc == IMS_ERR_NOMEM)
			goto oom;
		json_array_append_new(files, json_string(f->path));
	}
	ims_model_finish(m);
	ims_analysis a;
	int arc = ims_analyze(m, NULL, &a);
	out = ims_report_json(m, &a);
	ims_analysis_free(&a);
	if (arc < 0)
		json_object_set_new(out, "incomplete", json_string("out of memory during analysis"));
	goto done;
oom:
	if (out)
		json_decref(out);
	out = json_object();
	json_object_set_new(out, "error", json_string("out of memory"));
done:
	if (mf)
		for (size_t i = 0; i < mc->n; i++) {
			if (mf[i].fd >= 0)
				close(mf[i].fd);
			free(mf[i].heap);
		}
	free(mf);
	ims_model_free(m);
	json_t *mach = json_object_get(out, "machine");
	if (!mach) {
		mach = json_object();
		json_object_set_new(out, "machine", mach);
	}
	json_object_set_new(mach, "key", json_string(mc->key));
	json_object_set_new(mach, "files", files);
	json_object_set_new(mach, "files_skipped", skipped);
	json_object_set_new(mach, "read_errors", errors);
	return out;
}

/* Run one machine and serialise its line (in the worker, so the JSON
 * dumping runs in parallel too); the JSON is kept only for SQLite. */
static void finish_machine(const batch *b, machine *mc, wctx *w)
{
	json_t *r = run_machine(b, mc, w);
	mc->line = ims_json_dumps_compact(r, NULL); /* == json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER) */
	if (b->keep_json)
		mc->result = r;
	else
		json_decref(r);
}

static void write_machine(batch *b, machine *mc, size_t i);

/* Each worker runs machines; the one that finds the next machine in key
 * order finished writes it and every finished one after it (the others
 * carry on), so there is no writer thread to wake per machine. */
static void *worker(void *arg)
{
	batch *b = arg;
	wctx w = {0};
	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (b->next < b->nmachines && b->next >= b->written + b->window) {
			b->waiting++;
			pthread_cond_wait(&b->cv, &b->mu);
			b->waiting--;
		}
		if (b->next >= b->nmachines)
			break;
		size_t i = b->next++;
		pthread_mutex_unlock(&b->mu);
		finish_machine(b, &b->machines[i], &w);
		pthread_mutex_lock(&b->mu);
		b->machines[i].done = true;
		if (b->writing)
			continue; /* the writing worker will get to it */
		b->writing = true;
		while (b->written < b->nmachines && b->machines[b->written].done) {
			size_t k = b->written;
			pthread_mutex_unlock(&b->mu);
			write_machine(b, &b->machines[k], k);
			pthread_mutex_lock(&b->mu);
			b->written = k + 1;
			if (b->waiting)
				pthread_cond_broadcast(&b->cv);
		}
		b->writing = false;
	}
	pthread_mutex_unlock(&b->mu);
	wctx_free(&w);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* SQLite                                                                 */
/* ---------------------------------------------------------------------- */
static const char SCHEMA[] =
	"PRAGMA journal_mode=OFF;\n"
	"PRAGMA synchronous=OFF;\n"
	"CREATE TABLE IF NOT EXISTS machines(\n"
	"  id INTEGER PRIMARY KEY, key TEXT UNIQUE, vendor TEXT, dmi TEXT, kernel TEXT, files TEXT,\n"
	"  firmware_iommu TEXT, dma_remapping TEXT, dma_mode TEXT, interrupt_remapping TEXT, x2apic TEXT,\n"
	"  gpu_isolation TEXT, firmware_clean TEXT, no_dma_faults TEXT,\n"
	"  units INTEGER, reserved_regions INTEGER, errors INTEGER, warnings INTEGER, infos INTEGER,\n"
	"  cmdline TEXT, report TEXT);\n"
	"CREATE TABLE IF NOT EXISTS iommu_units(\n"
	"  machine_id INTEGER REFERENCES machines(id), idx INTEGER, vendor TEXT, segment INTEGER, base TEXT,\n"
	"  bdf TEXT, ivhd_type TEXT, include_pci_all INTEGER, intr_remap INTEGER, x2apic INTEGER, pasid INTEGER,\n"
	"  ats INTEGER, posted_intr INTEGER, coverage TEXT, special_devices TEXT);\n"
	"CREATE TABLE IF NOT EXISTS reserved_regions(\n"
	"  machine_id INTEGER REFERENCES machines(id), kind TEXT, segment INTEGER, base TEXT, end TEXT, devices TEXT);\n"
	"CREATE TABLE IF NOT EXISTS findings(\n"
	"  machine_id INTEGER REFERENCES machines(id), rule TEXT, severity TEXT, message TEXT);\n"
	"CREATE TABLE IF NOT EXISTS groups(\n"
	"  machine_id INTEGER REFERENCES machines(id), group_id INTEGER, address TEXT, class TEXT, name TEXT,\n"
	"  kind TEXT, isolation TEXT);\n"
	"CREATE INDEX IF NOT EXISTS groups_machine ON groups(machine_id);\n"
	"CREATE INDEX IF NOT EXISTS findings_rule ON findings(rule);\n";

typedef struct db {
	sqlite3 *h;
	sqlite3_stmt *mach, *unit, *reg, *find, *grp;
} db;

static int db_open(db *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	if (sqlite3_open(path, &d->h) != SQLITE_OK) {
		fprintf(stderr, "iommuscope batch: %s: %s\n", path, sqlite3_errmsg(d->h));
		return -1;
	}
	char *err = NULL;
	if (sqlite3_exec(d->h, SCHEMA, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "iommuscope batch: %s: %s\n", path, err ? err : "schema");
		sqlite3_free(err);
		return -1;
	}
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} ps[] = {
		{&d->mach, "INSERT OR REPLACE INTO machines(key,vendor,dmi,kernel,files,firmware_iommu,dma_remapping,dma_mode,"
			   "interrupt_remapping,x2apic,gpu_isolation,firmware_clean,no_dma_faults,units,reserved_regions,errors,"
			   "warnings,infos,cmdline,report) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
		{&d->unit, "INSERT INTO iommu_units VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
		{&d->reg, "INSERT INTO reserved_regions VALUES(?,?,?,?,?,?)"},
		{&d->find, "INSERT INTO findings VALUES(?,?,?,?)"},
		{&d->grp, "INSERT INTO groups VALUES(?,?,?,?,?,?,?)"},
	};
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		if (sqlite3_prepare_v2(d->h, ps[i].sql, -1, ps[i].st, NULL) != SQLITE_OK) {
			fprintf(stderr, "iommuscope batch: %s: %s\n", path, sqlite3_errmsg(d->h));
			return -1;
		}
	sqlite3_exec(d->h, "BEGIN", NULL, NULL, NULL);
	return 0;
}

static int db_close(db *d)
{
	int rc = 0;
	if (!d->h)
		return 0;
	if (sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "iommuscope batch: sqlite: %s\n", sqlite3_errmsg(d->h));
		rc = -1;
	}
	sqlite3_finalize(d->mach);
	sqlite3_finalize(d->unit);
	sqlite3_finalize(d->reg);
	sqlite3_finalize(d->find);
	sqlite3_finalize(d->grp);
	if (sqlite3_close(d->h) != SQLITE_OK)
		rc = -1;
	return rc;
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void bind_tri(sqlite3_stmt *st, int i, json_t *v)
{
	if (json_is_true(v))
		sqlite3_bind_int(st, i, 1);
	else if (json_is_false(v))
		sqlite3_bind_int(st, i, 0);
	else if (json_is_integer(v))
		sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v));
	else
		sqlite3_bind_null(st, i);
}

static int step(db *d, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "iommuscope batch: sqlite: %s\n", sqlite3_errmsg(d->h));
		return -1;
	}
	return 0;
}

static int db_insert(db *d, json_t *r, const char *line)
{
	json_t *mach = json_object_get(r, "machine"), *ans = json_object_get(r, "answers");
	sqlite3_stmt *st = d->mach;
	bind_str(st, 1, jstr(mach, "key"));
	bind_str(st, 2, jstr(mach, "vendor"));
	bind_str(st, 3, jstr(mach, "dmi"));
	bind_str(st, 4, jstr(mach, "kernel_version"));
	char *files = json_dumps(json_object_get(mach, "files"), JSON_COMPACT);
	bind_str(st, 5, files);
	free(files);
	static const char *const q[] = {"firmware_iommu", "dma_remapping", NULL, "interrupt_remapping", "x2apic",
					"gpu_isolation", "firmware_clean", "no_dma_faults"};
	for (int i = 0; i < 8; i++) {
		if (!q[i]) {
			bind_str(st, 6 + i, jstr(mach, "dma_mode"));
			continue;
		}
		bind_str(st, 6 + i, jstr(json_object_get(ans, q[i]), "verdict"));
	}
	sqlite3_bind_int64(st, 14, (sqlite3_int64)json_array_size(json_object_get(r, "iommus")));
	sqlite3_bind_int64(st, 15, (sqlite3_int64)json_array_size(json_object_get(r, "reserved_regions")));
	json_t *cnt = json_object_get(r, "finding_counts");
	bind_tri(st, 16, json_object_get(cnt, "error"));
	bind_tri(st, 17, json_object_get(cnt, "warning"));
	bind_tri(st, 18, json_object_get(cnt, "info"));
	bind_str(st, 19, jstr(r, "kernel_cmdline"));
	bind_str(st, 20, line);
	if (step(d, st) < 0)
		return -1;
	sqlite3_int64 id = sqlite3_last_insert_rowid(d->h);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r, "iommus"), i, v)
	{
		st = d->unit;
		sqlite3_bind_int64(st, 1, id);
		bind_tri(st, 2, json_object_get(v, "index"));
		bind_str(st, 3, jstr(v, "vendor"));
		bind_tri(st, 4, json_object_get(v, "segment"));
		bind_str(st, 5, jstr(v, "base"));
		bind_str(st, 6, jstr(v, "bdf"));
		bind_str(st, 7, jstr(v, "ivhd_type"));
		bind_tri(st, 8, json_object_get(v, "include_pci_all"));
		json_t *caps = json_object_get(v, "capabilities");
		bind_tri(st, 9, json_object_get(caps, "intr_remap"));
		bind_tri(st, 10, json_object_get(caps, "x2apic"));
		bind_tri(st, 11, json_object_get(caps, "pasid"));
		bind_tri(st, 12, json_object_get(caps, "ats"));
		bind_tri(st, 13, json_object_get(caps, "posted_intr"));
		char *cov = json_dumps(json_object_get(v, "coverage"), JSON_COMPACT);
		char *sp = json_dumps(json_object_get(v, "special_devices"), JSON_COMPACT);
		bind_str(st, 14, cov);
		bind_str(st, 15, sp);
		free(cov);
		free(sp);
		if (step(d, st) < 0)
			return -1;
	}
	json_array_foreach(json_object_get(r, "reserved_regions"), i, v)
	{
		st = d->reg;
		sqlite3_bind_int64(st, 1, id);
		bind_str(st, 2, jstr(v, "kind"));
		bind_tri(st, 3, json_object_get(v, "segment"));
		bind_str(st, 4, jstr(v, "base"));
		bind_str(st, 5, jstr(v, "end"));
		char *dv = json_dumps(json_object_get(v, "devices"), JSON_COMPACT);
		bind_str(st, 6, dv);
		free(dv);
		if (step(d, st) < 0)
			return -1;
	}
	json_array_foreach(json_object_get(r, "findings"), i, v)
	{
		st = d->find;
		sqlite3_bind_int64(st, 1, id);
		bind_str(st, 2, jstr(v, "id"));
		bind_str(st, 3, jstr(v, "severity"));
		bind_str(st, 4, jstr(v, "message"));
		if (step(d, st) < 0)
			return -1;
	}
	json_t *devs = json_object_get(r, "devices");
	json_array_foreach(json_object_get(r, "groups"), i, v)
	{
		size_t j;
		json_t *dv;
		json_array_foreach(json_object_get(v, "devices"), j, dv)
		{
			st = d->grp;
			sqlite3_bind_int64(st, 1, id);
			bind_tri(st, 2, json_object_get(v, "id"));
			const char *addr = jstr(dv, "address");
			bind_str(st, 3, addr);
			bind_str(st, 4, jstr(dv, "class"));
			bind_str(st, 5, jstr(dv, "name"));
			const char *kind = NULL, *iso = NULL;
			size_t k;
			json_t *cand;
			json_array_foreach(devs, k, cand)
			{
				const char *ca = jstr(cand, "address");
				if (addr && ca && !strcmp(addr, ca)) {
					kind = jstr(cand, "kind");
					iso = jstr(cand, "isolation");
				}
			}
			bind_str(st, 6, kind);
			bind_str(st, 7, iso);
			if (step(d, st) < 0)
				return -1;
		}
	}
	return 0;
}

static void progress(size_t done, size_t total);

/* Write machine i's line (JSON lines and/or SQLite) and free it. */
static void write_machine(batch *b, machine *mc, size_t i)
{
	json_t *r = mc->result;
	char *line = mc->line;
	mc->result = NULL;
	mc->line = NULL;
	if (line) {
		size_t ll = strlen(line);
		line[ll] = '\n'; /* one write of line + newline; restored below */
		if (b->out && fwrite(line, 1, ll + 1, b->out) != ll + 1)
			b->write_failed = true;
		line[ll] = '\0';
		if (b->db && r && db_insert(b->db, r, line) < 0)
			b->write_failed = true;
		free(line);
	}
	json_decref(r);
	if (b->progress)
		progress(i + 1, b->nmachines);
}

/* ---------------------------------------------------------------------- */
static void batch_usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope batch [OPTIONS] DIR...\n"
		"\n"
		"Walk trees of dumps, group the files by machine (file name up to the first \"__\"\n"
		"or \".\", e.g. acpidump/full/HWID.txt + dmesg/HWID__LOG.log), run 'report' for each\n"
		"machine in parallel and write one JSON line per machine (the report JSON plus\n"
		"machine.key / machine.files), in machine-key order.\n"
		"\n"
		"Options:\n"
		"  -j, --jobs N       worker threads (default: number of CPUs)\n"
		"      --shard K/N    only machines whose key hash %% N == K (0 <= K < N): split a\n"
		"                     corpus over N hosts (Slurm array, Kubernetes indexed Job)\n"
		"      --jsonl FILE   write JSON lines to FILE ('-' = standard output, the default\n"
		"                     when --sqlite is not given)\n"
		"      --sqlite FILE  also write a SQLite database (tables machines, iommu_units,\n"
		"                     reserved_regions, findings, groups)\n"
		"      --progress     force the progress bar (default: only when stderr is a terminal)\n"
		"      --no-progress  never show it\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 done; 2 usage error, unreadable directory or output error.\n"
		"\n"
		"Example: iommuscope batch --jobs 8 --sqlite corpus.db ../shared/corpus\n"
		"  sqlite3 corpus.db \"SELECT key, dmi FROM machines m WHERE interrupt_remapping='yes'\n"
		"    AND EXISTS (SELECT 1 FROM groups g WHERE g.machine_id=m.id AND g.kind='gpu'\n"
		"    AND g.isolation IN ('alone','alone-with-own-functions'))\"\n");
}

static void progress(size_t done, size_t total)
{
	int w = 40;
	int fill = total ? (int)((done * (size_t)w) / total) : w;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu machines", fill, "########################################", w - fill, "",
		done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cmd_batch(int argc, char **argv)
{
	static const struct option opts[] = {
		{"jobs", required_argument, NULL, 'j'},	 {"shard", required_argument, NULL, 'S'},
		{"jsonl", required_argument, NULL, 'J'}, {"sqlite", required_argument, NULL, 'Q'},
		{"progress", no_argument, NULL, 'P'},	 {"no-progress", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},	 {NULL, 0, NULL, 0},
	};
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	unsigned long shard_k = 0, shard_n = 1;
	const char *jsonl = NULL, *sqlite_path = NULL;
	int prog = -1;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': {
			char *e;
			jobs = strtol(optarg, &e, 10);
			if (*e || jobs < 1 || jobs > 1024) {
				fprintf(stderr, "iommuscope batch: --jobs wants 1..1024, got '%s'\n", optarg);
				return IMS_EXIT_USAGE;
			}
			break;
		}
		case 'S': {
			char *e;
			shard_k = strtoul(optarg, &e, 10);
			if (*e != '/' || !e[1]) {
				fprintf(stderr, "iommuscope batch: --shard wants K/N, got '%s'\n", optarg);
				return IMS_EXIT_USAGE;
			}
			char *e2;
			shard_n = strtoul(e + 1, &e2, 10);
			if (*e2 || shard_n < 1 || shard_k >= shard_n) {
				fprintf(stderr, "iommuscope batch: --shard wants K/N with 0 <= K < N, got '%s'\n", optarg);
				return IMS_EXIT_USAGE;
			}
			break;
		}
		case 'J': jsonl = optarg; break;
		case 'Q': sqlite_path = optarg; break;
		case 'P': prog = 1; break;
		case 'N': prog = 0; break;
		case 'h': batch_usage(stdout); return IMS_EXIT_OK;
		default: batch_usage(stderr); return IMS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "iommuscope batch: no DIR given\n");
		batch_usage(stderr);
		return IMS_EXIT_USAGE;
	}
	if (!jsonl && !sqlite_path)
		jsonl = "-";
	if (prog < 0)
		prog = isatty(2);

	batch b;
	memset(&b, 0, sizeof(b));
	int rc = IMS_EXIT_OK;
	for (int i = optind; i < argc; i++)
		if (walk(&b, argv[i], 0) < 0)
			rc = IMS_EXIT_USAGE;
	if (rc != IMS_EXIT_OK && !b.nfiles) {
		free(b.files);
		return rc;
	}
	qsort(b.files, b.nfiles, sizeof(*b.files), cmp_file);
	/* machines (sharded) */
	b.machines = calloc(b.nfiles ? b.nfiles : 1, sizeof(*b.machines));
	if (!b.machines) {
		fprintf(stderr, "iommuscope: out of memory\n");
		return IMS_EXIT_USAGE;
	}
	for (size_t i = 0; i < b.nfiles;) {
		size_t j = i;
		while (j < b.nfiles && !strcmp(b.files[j].key, b.files[i].key))
			j++;
		if (fnv1a(b.files[i].key) % shard_n == shard_k) {
			machine *mc = &b.machines[b.nmachines++];
			mc->key = b.files[i].key;
			mc->first = i;
			mc->n = j - i;
		}
		i = j;
	}

	FILE *out = NULL;
	if (jsonl) {
		out = strcmp(jsonl, "-") ? fopen(jsonl, "w") : stdout;
		if (!out) {
			fprintf(stderr, "iommuscope batch: %s: %s\n", jsonl, strerror(errno));
			rc = IMS_EXIT_USAGE;
			goto cleanup;
		}
		/* Blocks of 256 KiB (a pipe's st_blksize is 4 KiB), and a pipe that
		 * holds a few of them (Linux default 64 KiB, unprivileged max 1 MiB
		 * by default): the worker writing is then rarely blocked waiting for
		 * the reader.  Static: stdout outlives this function. */
		static char outbuf[256 << 10];
		setvbuf(out, outbuf, _IOFBF, sizeof(outbuf));
#ifdef F_SETPIPE_SZ
		struct stat ost;
		if (fstat(fileno(out), &ost) == 0 && S_ISFIFO(ost.st_mode) && fcntl(fileno(out), F_GETPIPE_SZ) < (1 << 20))
			(void)fcntl(fileno(out), F_SETPIPE_SZ, 1 << 20); /* a hint: failure is fine */
#endif
	}
	b.keep_json = sqlite_path != NULL;
	db d;
	memset(&d, 0, sizeof(d));
	if (sqlite_path) {
		unlink(sqlite_path); /* a fresh database per run */
		if (db_open(&d, sqlite_path) < 0) {
			rc = IMS_EXIT_USAGE;
			goto cleanup;
		}
	}

	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	/* How far workers may run ahead of the output: JSON lines are a few KB,
	 * so far when only lines wait (a worker blocked writing to a slow reader
	 * must not stall the others); the whole JSON waits too for SQLite. */
	b.window = b.keep_json ? (size_t)jobs * 4 + 16 : (size_t)jobs * 64 + 256;
	b.out = out;
	b.db = d.h ? &d : NULL;
	b.progress = prog;
	/* --jobs N: this thread and N - 1 more run machines */
	size_t nthreads = (size_t)jobs < b.nmachines ? (size_t)jobs : b.nmachines;
	pthread_t *th = calloc(nthreads ? nthreads : 1, sizeof(*th));
	size_t started = 0;
	for (size_t t = 1; t < nthreads; t++)
		if (th && pthread_create(&th[started], NULL, worker, &b) == 0)
			started++;
	worker(&b); /* also does it all alone when no thread could be started */
	for (size_t t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	free(th);
	if (b.write_failed)
		rc = IMS_EXIT_USAGE;
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.cv);
	if (d.h && db_close(&d) < 0)
		rc = IMS_EXIT_USAGE;
	if (prog)
		fprintf(stderr, "%zu machines (%zu files), shard %lu/%lu\n", b.nmachines, b.nfiles, shard_k, shard_n);
cleanup:
	if (out && out != stdout) {
		if (fclose(out) != 0) {
			fprintf(stderr, "iommuscope batch: %s: write error\n", jsonl);
			rc = IMS_EXIT_USAGE;
		}
	} else if (out && fflush(out) != 0) {
		fprintf(stderr, "iommuscope batch: write error on standard output\n");
		rc = IMS_EXIT_USAGE;
	}
	for (size_t i = 0; i < b.nfiles; i++) {
		free(b.files[i].path);
		free(b.files[i].key);
	}
	free(b.files);
	free(b.machines);
	if (b.walk_error)
		rc = IMS_EXIT_USAGE;
	return rc;
}
