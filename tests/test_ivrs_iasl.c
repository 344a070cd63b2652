/* SPDX-License-Identifier: MIT */
/*
 * Differential test: our IVRS decode against Debian's iasl (20200925).
 *
 * For every shared-corpus acpidump with an IVRS, `acpixtract -s IVRS` pulls
 * the table out (independently of our acpidump reader) and `iasl -d`
 * disassembles it.  Every field iasl prints for IVHD 10h/11h, their device
 * entries and IVMDs must equal our model; every subtable iasl cannot decode
 * (40h, 51h) must be in our model as an IVHD or a raw subtable; the table
 * bytes must equal acpixtract's.  iasl 20200925 does not decode 40h or F0h,
 * so those are covered by test_ivrs.c only.  Skips (77) without the corpus,
 * iasl or acpixtract.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t nfields, nentries, nsub, nmismatch;

#define CMP(what, ours, theirs)                                                                              \
	do {                                                                                                 \
		nfields++;                                                                                   \
		if ((uint64_t)(ours) != (uint64_t)(theirs)) {                                                \
			nmismatch++;                                                                         \
			fprintf(stderr, "%s @0x%x %s: ours 0x%llx, iasl 0x%llx\n", file, off, what,           \
				(unsigned long long)(ours), (unsigned long long)(theirs));                   \
		}                                                                                            \
	} while (0)

static int have_tool(const char *name)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* "[030h 0048   1]   Label : value" -> offset, label, value text */
static int parse_line(char *line, unsigned *off, char **label, char **value)
{
	if (line[0] != '[')
		return 0;
	char *end;
	unsigned long o = strtoul(line + 1, &end, 16);
	if (*end != 'h')
		return 0;
	char *rb = strchr(line, ']');
	char *colon = rb ? strstr(rb, " : ") : NULL;
	if (!colon)
		return 0;
	char *l = rb + 1;
	while (*l == ' ')
		l++;
	char *le = colon;
	while (le > l && le[-1] == ' ')
		le--;
	*le = '\0';
	*off = (unsigned)o;
	*label = l;
	*value = colon + 3;
	return 1;
}

static uint64_t hexval(const char *v) { return strtoull(v, NULL, 16); }

static const ims_ivhd *find_ivhd(const ims_model *m, unsigned off)
{
	for (size_t i = 0; i < m->n_ivhds; i++)
		if (m->ivhds[i].table == m->ivrs.table && m->ivhds[i].offset == off)
			return &m->ivhds[i];
	return NULL;
}
static const ims_region *find_region(const ims_model *m, unsigned off)
{
	for (size_t i = 0; i < m->n_regions; i++)
		if (m->regions[i].table == m->ivrs.table && m->regions[i].offset == off)
			return &m->regions[i];
	return NULL;
}
static const ims_raw *find_raw(const ims_model *m, unsigned off)
{
	for (size_t i = 0; i < m->n_raws; i++)
		if (m->raws[i].table == m->ivrs.table && m->raws[i].offset == off)
			return &m->raws[i];
	return NULL;
}

static void compare(const char *file, const ims_model *m, char *dsl)
{
	const ims_ivhd *h = NULL;
	const ims_region *r = NULL;
	const ims_ivhd_entry *e = NULL;
	unsigned sub_off = 0, off = 0;
	uint32_t seen_entries = 0;
	bool in_known_ivhd = false;
	uint16_t ivmd_devid = 0;
	uint8_t ivmd_type = 0;

#define CLOSE_IVHD()                                                                   \
	do {                                                                           \
		if (in_known_ivhd && h)                                                \
			CMP("entry count", h->nentries, seen_entries);                  \
		in_known_ivhd = false;                                                 \
	} while (0)

	for (char *line = strtok(dsl, "\n"); line; line = strtok(NULL, "\n")) {
		char *label, *value;
		if (!parse_line(line, &off, &label, &value))
			continue;
		uint64_t v = hexval(value);
		if (!strcmp(label, "Virtualization Info") && off == 36) {
			CMP("IVinfo", m->ivrs.ivinfo, v);
		} else if (!strcmp(label, "Subtable Type")) {
			CLOSE_IVHD();
			nsub++;
			sub_off = off;
			h = NULL;
			r = NULL;
			e = NULL;
			seen_entries = 0;
			if (v == 0x10 || v == 0x11) {
				h = find_ivhd(m, off);
				CMP("IVHD present", h != NULL, 1);
				if (h)
					CMP("IVHD type", h->type, v);
				in_known_ivhd = h != NULL;
			} else if (v >= 0x20 && v <= 0x22) {
				r = find_region(m, off);
				CMP("IVMD present", r != NULL, 1);
				if (r)
					CMP("IVMD kind", r->kind, v);
				ivmd_type = (uint8_t)v;
			} else if (v == 0x40) {
				CMP("40h kept as IVHD", find_ivhd(m, off) != NULL, 1);
			} else {
				CMP("unknown subtable kept raw", find_raw(m, off) != NULL, 1);
			}
		} else if (!strcmp(label, "Entry Type")) {
			e = NULL;
			if (h) {
				for (uint32_t k = 0; k < h->nentries; k++)
					if (m->ivhd_entries[h->first_entry + k].offset == off)
						e = &m->ivhd_entries[h->first_entry + k];
				CMP("entry present", e != NULL, 1);
				if (e)
					CMP("entry type", e->type, v);
				seen_entries++;
				nentries++;
			}
		} else if (e) {
			if (!strcmp(label, "Device ID"))
				CMP("entry devid", e->devid, v);
			else if (!strcmp(label, "Data Setting"))
				CMP("entry DTE", e->dte, v);
			else if (!strcmp(label, "Source Used Device ID"))
				CMP("entry source id", e->alias, v);
			else if (!strcmp(label, "Handle"))
				CMP("entry handle", e->handle, v);
			else if (!strcmp(label, "Variety"))
				CMP("entry variety", e->variety, v);
			else if (!strcmp(label, "Extended Data"))
				CMP("entry ext", e->ext, v);
		} else if (h) {
			if (!strcmp(label, "Flags"))
				CMP("IVHD flags", h->flags, v);
			else if (!strcmp(label, "Length"))
				CMP("IVHD length", h->length, v);
			else if (!strcmp(label, "DeviceId"))
				CMP("IVHD devid", h->bdf, v);
			else if (!strcmp(label, "Capability Offset"))
				CMP("IVHD cap offset", h->cap_offset, v);
			else if (!strcmp(label, "Base Address"))
				CMP("IVHD base", h->base, v);
			else if (!strcmp(label, "PCI Segment Group"))
				CMP("IVHD segment", h->segment, v);
			else if (!strcmp(label, "Virtualization Info"))
				CMP("IVHD iommu info", h->iommu_info, v);
			else if (!strcmp(label, "Feature Reporting") || !strcmp(label, "Attributes"))
				CMP("IVHD feature/attributes", h->feature, v);
			else if (!strcmp(label, "EFR Image"))
				CMP("IVHD EFR", h->efr, v);
			else if (!strcmp(label, "Reserved") && off == sub_off + 32)
				CMP("IVHD EFR2 (iasl: Reserved)", h->efr2, v);
		} else if (r) {
			if (!strcmp(label, "Flags"))
				CMP("IVMD flags", r->flags, v);
			else if (!strcmp(label, "DeviceId")) {
				ivmd_devid = (uint16_t)v;
				if (ivmd_type != 0x20)
					CMP("IVMD first device", r->first, v);
			} else if (!strcmp(label, "Auxiliary Data")) {
				if (ivmd_type == 0x22)
					CMP("IVMD last device", r->last, v);
				else if (ivmd_type == 0x21)
					CMP("IVMD 21h last = first", r->last, ivmd_devid);
			} else if (!strcmp(label, "Reserved") && off == sub_off + 8)
				CMP("IVMD segment (bytes 8-9 of iasl Reserved)", r->segment, v & 0xffff);
			else if (!strcmp(label, "Start Address"))
				CMP("IVMD start", r->base, v);
			else if (!strcmp(label, "Memory Length") && v)
				CMP("IVMD end", r->end, r->base + v - 1);
		}
	}
	CLOSE_IVHD();
}

int main(void)
{
	const char *corpus = tu_env("IMS_SHARED_CORPUS");
	char *dir = corpus ? tu_path(corpus, "acpidump/iommu") : NULL;
	if (!dir || !tu_is_dir(dir) || !have_tool("iasl") || !have_tool("acpixtract")) {
		fprintf(stderr, "skip: no shared corpus, iasl or acpixtract\n");
		free(dir);
		return 77;
	}
	char tmpl[] = "/tmp/ims-ivrs-iasl-XXXXXX";
	char *tmp = mkdtemp(tmpl);
	if (!tmp)
		return 1;
	DIR *dh = opendir(dir);
	if (!dh)
		return 1;
	struct dirent *de;
	size_t nfiles = 0, nbytes_ok = 0;
	while ((de = readdir(dh))) {
		size_t nl = strlen(de->d_name);
		if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt"))
			continue;
		const char *file = de->d_name;
		char *path = tu_path(dir, file);
		size_t len;
		uint8_t *text = tu_read_file(path, &len);
		if (!text || !strstr((char *)text, "IVRS @")) {
			free(text);
			free(path);
			continue;
		}
		nfiles++;
		char cmd[2048];
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && rm -f ivrs.dat ivrs.dsl && acpixtract -s IVRS '%s' >/dev/null 2>&1 && "
			 "iasl -d ivrs.dat >/dev/null 2>&1",
			 tmp, path);
		int rc = system(cmd);
		char *dat = tu_path(tmp, "ivrs.dat"), *dslp = tu_path(tmp, "ivrs.dsl");
		size_t ndat = 0, ndsl = 0;
		uint8_t *bin = rc == 0 ? tu_read_file(dat, &ndat) : NULL;
		uint8_t *dsl = rc == 0 ? tu_read_file(dslp, &ndsl) : NULL;
		if (!bin || !dsl) {
			fprintf(stderr, "%s: acpixtract/iasl failed (rc %d)\n", file, rc);
			nmismatch++;
		} else {
			ims_model *m = ims_model_new();
			int in = ims_model_add_input(m, file, IMS_FMT_ACPIDUMP, len);
			if (in < 0 || ims_parse_acpidump(m, (uint32_t)in, (const char *)text, len) ||
			    ims_model_finish(m) || !m->ivrs.present) {
				fprintf(stderr, "%s: our parse failed\n", file);
				nmismatch++;
			} else {
				const ims_table *t = &m->tables[m->ivrs.table];
				unsigned off = 0;
				CMP("table size vs acpixtract", t->size, ndat);
				if (t->size == ndat && t->data && !memcmp(t->data, bin, ndat))
					nbytes_ok++;
				else
					CMP("table bytes equal acpixtract", 0, 1);
				compare(file, m, (char *)dsl);
			}
			ims_model_free(m);
		}
		free(bin);
		free(dsl);
		free(dat);
		free(dslp);
		free(text);
		free(path);
	}
	closedir(dh);
	free(dir);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	printf("IVRS vs iasl -d: %zu dumps (%zu byte-identical to acpixtract), %zu subtables, %zu device entries, "
	       "%zu fields compared, %zu mismatches\n",
	       nfiles, nbytes_ok, nsub, nentries, nfields, nmismatch);
	if (nfiles == 0)
		return 77;
	return nmismatch ? 1 : 0;
}
