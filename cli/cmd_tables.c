/* SPDX-License-Identifier: MIT */
/* iommuscope tables: decode DMAR/IVRS (+MADT, MCFG, HPET) into the model. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void tables_usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope tables [OPTIONS] INPUT...\n"
		"\n"
		"Decode the ACPI DMAR (Intel VT-d) and IVRS (AMD-Vi) tables, and the MADT, MCFG\n"
		"and HPET tables the model needs, into the normalized IOMMU model: one entry per\n"
		"physical IOMMU with its capabilities, device coverage, special devices (IOAPIC,\n"
		"HPET), ACPI devices and reserved memory regions; then every diagnostic.\n"
		"\n"
		"INPUT is acpidump text, a raw table (/sys/firmware/acpi/tables/DMAR, an\n"
		"acpixtract .dat file), a directory of raw tables, or '-' for standard input.\n"
		"Several inputs are merged into one model.\n"
		"\n"
		"Options:\n"
		"  -j, --json               print the model as JSON (schema_version %d)\n"
		"      --compact            with --json: one line, no indentation\n"
		"  -f, --input-format FMT   auto (default), acpidump, table\n"
		"  -v, --verbose            list every table and info diagnostics\n"
		"  -h, --help               show this help\n"
		"\n"
		"Exit status: 0 decoded; 1 decoded with error-severity diagnostics;\n"
		"2 usage error or unreadable input.\n"
		"\n"
		"Example: iommuscope tables --json acpidump.txt | jq '.iommus[].base'\n",
		IMS_SCHEMA_VERSION);
}

int cmd_tables(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},	  {"compact", no_argument, NULL, 'c'},
		{"input-format", required_argument, NULL, 'f'}, {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	bool json = false, compact = false, verbose = false;
	ims_format force = IMS_FMT_AUTO;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jf:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': compact = true; break;
		case 'v': verbose = true; break;
		case 'f':
			if (!ims_cli_format_option("tables", optarg, false, &force))
				return IMS_EXIT_USAGE;
			break;
		case 'h': tables_usage(stdout); return IMS_EXIT_OK;
		default: tables_usage(stderr); return IMS_EXIT_USAGE;
		}
	}
	ims_model *m = ims_cli_model_for("tables", argc - optind, tables_usage);
	if (!m)
		return IMS_EXIT_USAGE;
	int rc = ims_cli_load_all(m, argv + optind, argc - optind, force, stderr) < 0 ? IMS_EXIT_USAGE : IMS_EXIT_OK;
	if (json) {
		json_t *j = ims_json_model(m);
		ims_json_print(stdout, j, !compact);
		json_decref(j);
	} else {
		ims_text_tables(stdout, m, verbose);
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
