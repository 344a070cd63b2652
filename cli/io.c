/* SPDX-License-Identifier: MIT */
/* Input handling: files, standard input, directories of raw tables. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int ims_cli_parse_format(const char *s)
{
	if (!strcmp(s, "auto"))
		return IMS_FMT_AUTO;
	if (!strcmp(s, "acpidump"))
		return IMS_FMT_ACPIDUMP;
	if (!strcmp(s, "table") || !strcmp(s, "binary") || !strcmp(s, "raw"))
		return IMS_FMT_TABLE;
	if (!strcmp(s, "log") || !strcmp(s, "dmesg"))
		return IMS_FMT_LOG;
	return -1;
}

bool ims_cli_format_option(const char *cmd, const char *arg, bool allow_log, ims_format *out)
{
	int f = ims_cli_parse_format(arg);
	if (f < 0 || (!allow_log && f == IMS_FMT_LOG)) {
		fprintf(stderr, "iommuscope %s: unknown --input-format '%s'\n", cmd, arg);
		return false;
	}
	*out = (ims_format)f;
	return true;
}

int ims_cli_read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return -1;
	/* Regular files: one allocation of the right size (no realloc churn). */
	struct stat st;
	size_t cap = 1 << 16, n = 0;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > IMS_MAX_INPUT) {
			if (f != stdin)
				fclose(f);
			errno = EFBIG;
			return -1;
		}
		cap = (size_t)st.st_size + 1; /* +1 so EOF is seen without growing */
	}
	unsigned char *b = malloc(cap + 1);
	if (!b) {
		if (f != stdin)
			fclose(f);
		errno = ENOMEM;
		return -1;
	}
	int fd = fileno(f);
	for (;;) {
		if (n == cap) {
			if (cap >= IMS_MAX_INPUT) {
				free(b);
				if (f != stdin)
					fclose(f);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			unsigned char *nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				if (f != stdin)
					fclose(f);
				errno = ENOMEM;
				return -1;
			}
			b = nb;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(b);
			if (f != stdin)
				fclose(f);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (f != stdin)
		fclose(f);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

static int load_buffer(ims_model *m, const char *name, const unsigned char *b, size_t n, ims_format force,
		       FILE *err)
{
	ims_format f = force != IMS_FMT_AUTO ? force : ims_detect_format(b, n);
	if (f == IMS_FMT_UNKNOWN) {
		fprintf(err, "iommuscope: %s: not an acpidump, ACPI table or kernel log (use --input-format)\n",
			name);
		return -1;
	}
	int in = ims_model_add_input(m, name, f, n);
	if (in < 0) {
		fprintf(err, "iommuscope: %s: %s\n", name, ims_strerror(in));
		return -1;
	}
	int rc;
	switch (f) {
	case IMS_FMT_ACPIDUMP:
		rc = ims_parse_acpidump(m, (uint32_t)in, (const char *)b, n);
		break;
	case IMS_FMT_TABLE:
		rc = ims_parse_table(m, (uint32_t)in, b, n);
		break;
	default:
		rc = ims_cli_load_log(m, (uint32_t)in, (const char *)b, n);
		break;
	}
	if (rc < 0) {
		fprintf(err, "iommuscope: %s: %s\n", name, ims_strerror(rc));
		return -1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A copy of /sys/firmware/acpi/tables: every regular file is one raw table. */
static int load_dir(ims_model *m, const char *path, ims_format force, FILE *err)
{
	DIR *d = opendir(path);
	if (!d) {
		fprintf(err, "iommuscope: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	int rc = 0, loaded = 0;
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(path) + strlen(names[i]) + 2;
		char *full = malloc(pl);
		if (!full)
			continue;
		snprintf(full, pl, "%s/%s", path, names[i]);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			unsigned char *b;
			size_t len;
			if (ims_cli_read_file(full, &b, &len) < 0) {
				fprintf(err, "iommuscope: %s: %s\n", full, strerror(errno));
				rc = -1;
			} else {
				ims_format f = force;
				if (f == IMS_FMT_AUTO) {
					f = ims_detect_format(b, len);
					if (f == IMS_FMT_UNKNOWN || f == IMS_FMT_LOG)
						f = IMS_FMT_TABLE; /* a table dir holds tables */
				}
				if (load_buffer(m, full, b, len, f, err) < 0)
					rc = -1;
				else
					loaded++;
				free(b);
			}
		}
		free(full);
		free(names[i]);
	}
	free(names);
	if (!loaded && rc == 0) {
		fprintf(err, "iommuscope: %s: directory holds no table files\n", path);
		rc = -1;
	}
	return rc;
}

int ims_cli_load(ims_model *m, const char *path, ims_format force, FILE *err)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return load_dir(m, path, force, err);
	/* Regular files are mapped, not copied: the page cache is read in place. */
	if (strcmp(path, "-")) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(err, "iommuscope: %s: %s\n", path, strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		    (uint64_t)st.st_size <= IMS_MAX_INPUT) {
			size_t n = (size_t)st.st_size;
			void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
			close(fd);
			if (p != MAP_FAILED) {
				int rc = load_buffer(m, path, p, n, force, err);
				munmap(p, n);
				return rc;
			}
		} else {
			close(fd);
		}
	}
	unsigned char *b;
	size_t n;
	if (ims_cli_read_file(path, &b, &n) < 0) {
		fprintf(err, "iommuscope: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = load_buffer(m, path, b, n, force, err);
	free(b);
	return rc;
}

int ims_cli_load_all(ims_model *m, char *const *paths, int n, ims_format force, FILE *err)
{
	int rc = 0;
	for (int i = 0; i < n; i++)
		if (ims_cli_load(m, paths[i], force, err) < 0)
			rc = -1;
	ims_model_finish(m);
	return rc;
}

ims_model *ims_cli_model_for(const char *cmd, int ninputs, void (*usage)(FILE *))
{
	if (ninputs <= 0) {
		fprintf(stderr, "iommuscope %s: no INPUT given\n", cmd);
		usage(stderr);
		return NULL;
	}
	ims_model *m = ims_model_new();
	if (!m)
		fprintf(stderr, "iommuscope: out of memory\n");
	return m;
}

int ims_cli_exit_for(const ims_model *m)
{
	return ims_model_count_diags(m, IMS_SEV_ERROR) ? IMS_EXIT_FINDINGS : IMS_EXIT_OK;
}
