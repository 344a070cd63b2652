/* SPDX-License-Identifier: MIT */
/* iommuscope log: read kernel logs (streamed, 64 KiB at a time) into the
 * kernel view and print it as text or JSON. */
#include "cli.h"
#include "kernel_render.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void log_usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope log [OPTIONS] INPUT...\n"
		"\n"
		"Read kernel logs and print every fact they reveal about the IOMMU: kernel version,\n"
		"command-line IOMMU parameters (invalid ones flagged), DMI, ACPI table list, Intel\n"
		"DRHD units with decoded CAP/ECAP, RMRRs, interrupt remapping and why it is off,\n"
		"AMD IOMMUs with extended features, default domain type, TLB policy, SWIOTLB,\n"
		"VFIO, PCI devices, IOMMU groups, firmware-bug lines (classified) and DMA faults\n"
		"(aggregated per device and reason).  Every fact shows the line it came from.\n"
		"\n"
		"INPUT is a file or '-' for standard input; it is read incrementally, so logs of\n"
		"any size use little memory.  Formats are recognised per line, mixed files are\n"
		"fine: dmesg (also -T, -x, -r), journalctl -k (short, short-iso, short-monotonic,\n"
		"json), syslog / kern.log (classic and RFC 3339 stamps), /dev/kmsg records,\n"
		"hw-probe logs, CRLF line ends, pasted logs with '>' quote markers or indentation.\n"
		"A log holding several boots is split at 'Linux version', journalctl '-- Boot'\n"
		"markers and timestamp resets; the last boot is shown unless --boot says otherwise.\n"
		"\n"
		"Options:\n"
		"  -j, --json          print JSON: {\"schema_version\", \"inputs\", \"kernel\": {\"boots\": [...]},\n"
		"                      \"diagnostics\"} (the \"kernel\" object is the one 'report' embeds)\n"
		"      --compact       with --json: one line, no indentation\n"
		"  -b, --boot N|all    show boot number N (as printed, 0 = first boot in the input)\n"
		"                      or every kept boot (the newest %u are kept)\n"
		"  -v, --verbose       also list all ACPI tables, PCI devices, other IOMMU lines\n"
		"                      (notes), the lines that look IOMMU-related but match no\n"
		"                      known message, and info-level diagnostics\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 read; 1 read, with error-severity diagnostics; 2 usage error,\n"
		"an unreadable input, or --boot naming a boot that is not in the log.\n"
		"\n"
		"Examples:\n"
		"  dmesg | iommuscope log -\n"
		"  journalctl -k -b -1 -o json | iommuscope log --json - | jq '.kernel.boots[0].groups'\n"
		"  iommuscope log --boot all --verbose /var/log/kern.log\n",
		IMS_KLOG_MAX_BOOTS);
}

/* Stream one input through the parser. */
static int load_log(ims_model *m, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "iommuscope: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int in = ims_model_add_input(m, path, IMS_FMT_LOG, 0);
	ims_log_parser *p = in < 0 ? NULL : ims_log_parser_new(m, (uint32_t)in);
	char *buf = malloc(1 << 16);
	if (!p || !buf) {
		fprintf(stderr, "iommuscope: out of memory\n");
		free(buf);
		ims_log_parser_free(p);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	uint64_t total = 0;
	int rc = 0;
	for (;;) {
		size_t r = fread(buf, 1, 1 << 16, f);
		if (r) {
			total += r;
			if (ims_log_feed(p, buf, r) != IMS_OK) {
				fprintf(stderr, "iommuscope: %s: out of memory\n", path);
				rc = -1;
				break;
			}
		}
		if (r < (1 << 16)) {
			if (ferror(f)) {
				fprintf(stderr, "iommuscope: %s: read error: %s\n", path, strerror(errno));
				rc = -1;
			}
			break;
		}
	}
	ims_log_finish(p);
	ims_log_parser_free(p);
	free(buf);
	m->inputs[in].size = total;
	if (f != stdin)
		fclose(f);
	return rc;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},    {"compact", no_argument, NULL, 'c'},
		{"boot", required_argument, NULL, 'b'}, {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	bool json = false, compact = false, verbose = false;
	long want = -1; /* -1 last, -2 all, else a boot number */
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jb:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': compact = true; break;
		case 'v': verbose = true; break;
		case 'b':
			if (!strcmp(optarg, "all")) {
				want = -2;
			} else {
				char *end;
				errno = 0;
				want = strtol(optarg, &end, 10);
				if (errno || *end || end == optarg || want < 0 || want > 0x7fffffff) {
					fprintf(stderr, "iommuscope log: --boot expects a boot number or 'all', not '%s'\n", optarg);
					return IMS_EXIT_USAGE;
				}
			}
			break;
		case 'h': log_usage(stdout); return IMS_EXIT_OK;
		default: log_usage(stderr); return IMS_EXIT_USAGE;
		}
	}
	ims_model *m = ims_cli_model_for("log", argc - optind, log_usage);
	if (!m)
		return IMS_EXIT_USAGE;
	int rc = IMS_EXIT_OK;
	for (int i = optind; i < argc; i++)
		if (load_log(m, argv[i]) < 0)
			rc = IMS_EXIT_USAGE;
	ims_model_finish(m);
	const ims_kernel *k = m->kernel;
	int idx = (int)want;
	if (want >= 0) {
		idx = -3;
		for (size_t i = 0; k && i < k->n_boots; i++)
			if (k->boots[i].number == (uint32_t)want)
				idx = (int)i;
		if (idx == -3) {
			fprintf(stderr, "iommuscope log: boot %ld is not in the log (%u boots seen, %zu kept)\n", want,
				k ? k->boots_seen : 0, k ? k->n_boots : (size_t)0);
			ims_model_free(m);
			return IMS_EXIT_USAGE;
		}
	}
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, "schema_version", json_integer(IMS_SCHEMA_VERSION));
		json_t *ins = json_array();
		for (size_t i = 0; i < m->n_inputs; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "name", json_string(m->inputs[i].name ? m->inputs[i].name : ""));
			json_object_set_new(o, "format", json_string(ims_format_name(m->inputs[i].format)));
			json_object_set_new(o, "size", json_integer((json_int_t)m->inputs[i].size));
			json_array_append_new(ins, o);
		}
		json_object_set_new(root, "inputs", ins);
		json_object_set_new(root, "kernel", ims_json_kernel(k, idx));
		json_object_set_new(root, "diagnostics", ims_json_diagnostics(m));
		ims_json_print(stdout, root, !compact);
		json_decref(root);
	} else {
		ims_text_kernel(stdout, k, idx, verbose);
		ims_text_diagnostics(stdout, m, verbose ? IMS_SEV_INFO : IMS_SEV_WARNING);
	}
	if (rc == IMS_EXIT_OK)
		rc = ims_cli_exit_for(m);
	ims_model_free(m);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "iommuscope: write error on standard output\n");
		rc = IMS_EXIT_USAGE;
	}
	return rc;
}
