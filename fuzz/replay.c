/* SPDX-License-Identifier: MIT */
/*
 * Plain replay driver (no libFuzzer): runs every file named on the command
 * line, and every regular file under every directory named (recursively),
 * through one harness's LLVMFuzzerTestOneInput.  A harness aborts on any
 * violated invariant; under -DIMS_SANITIZE=ON ASan/UBSan abort on memory
 * errors.  Exits 1 if nothing at all was run (a broken seed step must fail).
 * Usage: fuzz_replay_<harness> [-q] PATH...
 */
#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t nrun;
static int quiet;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = malloc(cap);
	for (;;) {
		if (!b) {
			fclose(f);
			fprintf(stderr, "%s: out of memory\n", path);
			return -1;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		cap *= 2;
		uint8_t *nb = realloc(b, cap);
		if (!nb)
			free(b);
		b = nb;
	}
	fclose(f);
	if (!quiet)
		fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
	/* the harness copies into an exact-size buffer itself */
	LLVMFuzzerTestOneInput(b, n);
	free(b);
	nrun++;
	return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? run_file(path) : 0;
	DIR *d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(path) + strlen(names[i]) + 2;
		char *full = malloc(pl);
		if (full) {
			snprintf(full, pl, "%s/%s", path, names[i]);
			if (run_path(full) < 0)
				rc = -1;
		}
		free(full);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q")) {
			quiet = 1;
			continue;
		}
		if (run_path(argv[i]) < 0)
			rc = 1;
	}
	fprintf(stderr, "replayed %zu inputs\n", nrun);
	if (nrun == 0) {
		fprintf(stderr, "no inputs found\n");
		return 1;
	}
	return rc;
}
