/* SPDX-License-Identifier: MIT */
/* iommuscope: dispatch to a command; map status to the documented exit code. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"report", cmd_report, "answer: IOMMU on? interrupt remapping? GPU isolated? (default)"},
	{"tables", cmd_tables, "decode DMAR/IVRS (+MADT, MCFG) into the normalized model"},
	{"log", cmd_log, "read kernel logs into the kernel view"},
	{"check", cmd_check, "run firmware and consistency rules; exit non-zero on findings"},
	{"diff", cmd_diff, "compare two machines"},
	{"batch", cmd_batch, "analyze trees of dumps into JSON lines / SQLite"},
	{"diagnostics", cmd_codes, "list every diagnostic code with its severity and meaning"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope [COMMAND] [OPTIONS] INPUT...\n"
		"\n"
		"Reads the evidence a machine leaves about its IOMMU - ACPI DMAR (Intel VT-d) and\n"
		"IVRS (AMD-Vi) tables, MADT/MCFG, and kernel logs - offline, and turns it into one\n"
		"normalized IOMMU capability model.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Inputs (format auto-detected, --input-format to force): acpidump text, a raw\n"
		"ACPI table (/sys/firmware/acpi/tables/DMAR, acpixtract .dat), a directory of\n"
		"tables, kernel logs (dmesg, journalctl, syslog, /dev/kmsg); '-' is standard input.\n"
		"\n"
		"Run 'iommuscope COMMAND --help' for a command's options.\n"
		"\n"
		"Exit status: 0 success; 1 error-severity diagnostics or findings at/above the\n"
		"threshold; 2 usage error or unreadable input.\n"
		"\n"
		"Options:\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show version and JSON schema version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return IMS_EXIT_USAGE;
	}
	const char *c = argv[1];
	if (!strcmp(c, "-h") || !strcmp(c, "--help") || !strcmp(c, "help")) {
		usage(stdout);
		return IMS_EXIT_OK;
	}
	if (!strcmp(c, "-V") || !strcmp(c, "--version")) {
		printf("iommuscope %s (JSON schema %d)\n", IMS_VERSION, IMS_SCHEMA_VERSION);
		return IMS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(c, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	/* No command word: 'report' is the default. */
	return cmd_report(argc, argv);
}
