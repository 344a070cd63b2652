/* SPDX-License-Identifier: MIT */
/* iommuscope check: firmware and consistency rules; exit 1 on findings >= threshold. */
#include "analysis.h"
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void check_usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope check [OPTIONS] INPUT...\n"
		"\n"
		"Run every rule over the merged model of one machine: what fwts checks on DMAR and\n"
		"IVRS, what predicts kernel behaviour (IOAPIC/HPET coverage vs the MADT -> interrupt\n"
		"remapping disabled, INCLUDE_PCI_ALL, devices under two units, duplicate or\n"
		"overlapping reserved ranges, RMRRs outside e820 reserved memory, bad checksums,\n"
		"unknown types), cross-checks between tables and kernel log, and every parser\n"
		"diagnostic.  Each finding has a stable id, a severity, a message, evidence and a\n"
		"line of documentation.\n"
		"\n"
		"Options:\n"
		"  -s, --severity S         threshold: info, warning (default), error; findings below\n"
		"                           it are not shown and do not affect the exit status\n"
		"  -j, --json               JSON: {\"findings\": [...], \"counts\": {...}}\n"
		"      --compact            with --json: one line\n"
		"  -f, --input-format FMT   auto (default), acpidump, table, log\n"
		"      --list-rules         print the rule catalog (--json / --markdown for other forms)\n"
		"      --markdown           with --list-rules: a Markdown table\n"
		"  -h, --help               show this help\n"
		"\n"
		"Exit status: 0 no finding at or above the threshold; 1 at least one; 2 usage\n"
		"error or unreadable input.\n"
		"\n"
		"Example (CI gate): iommuscope check --severity error acpidump.txt\n");
}

static int list_rules(bool json, bool markdown)
{
	if (json) {
		json_t *a = json_array();
		for (const ims_rule_info *r = ims_rules; r->id; r++) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(r->id));
			json_object_set_new(o, "severity", json_string(ims_severity_name(r->severity)));
			json_object_set_new(o, "doc", json_string(r->doc));
			json_array_append_new(a, o);
		}
		ims_json_print(stdout, a, true);
		json_decref(a);
	} else if (markdown) {
		printf("| rule id | severity | meaning |\n|---|---|---|\n");
		for (const ims_rule_info *r = ims_rules; r->id; r++)
			printf("| `%s` | %s | %s |\n", r->id, ims_severity_name(r->severity), r->doc);
	} else {
		for (const ims_rule_info *r = ims_rules; r->id; r++)
			printf("%-28s %-7s %s\n", r->id, ims_severity_name(r->severity), r->doc);
	}
	return IMS_EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"compact", no_argument, NULL, 'c'},
		{"severity", required_argument, NULL, 's'},
		{"input-format", required_argument, NULL, 'f'},
		{"list-rules", no_argument, NULL, 'L'},
		{"markdown", no_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false, compact = false, rules = false, markdown = false;
	int threshold = IMS_SEV_WARNING;
	ims_format force = IMS_FMT_AUTO;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "js:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': compact = true; break;
		case 'L': rules = true; break;
		case 'M': markdown = true; break;
		case 's':
			threshold = ims_parse_severity(optarg);
			if (threshold < 0) {
				fprintf(stderr, "iommuscope check: unknown --severity '%s' (info, warning, error)\n", optarg);
				return IMS_EXIT_USAGE;
			}
			break;
		case 'f':
			if (!ims_cli_format_option("check", optarg, true, &force))
				return IMS_EXIT_USAGE;
			break;
		case 'h': check_usage(stdout); return IMS_EXIT_OK;
		default: check_usage(stderr); return IMS_EXIT_USAGE;
		}
	}
	if (rules)
		return list_rules(json, markdown);
	ims_model *m = ims_cli_model_for("check", argc - optind, check_usage);
	if (!m)
		return IMS_EXIT_USAGE;
	if (ims_cli_load_all(m, argv + optind, argc - optind, force, stderr) < 0) {
		ims_model_free(m);
		return IMS_EXIT_USAGE;
	}
	ims_analysis a;
	if (ims_analyze(m, NULL, &a) < 0)
		fprintf(stderr, "iommuscope: out of memory during analysis (findings incomplete)\n");
	size_t shown = 0;
	for (size_t i = 0; i < a.n_findings; i++)
		if ((int)a.findings[i].severity >= threshold)
			shown++;
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, "schema_version", json_integer(IMS_SCHEMA_VERSION));
		json_object_set_new(root, "generator", json_string("iommuscope " IMS_VERSION));
		json_object_set_new(root, "threshold", json_string(ims_severity_name((ims_severity)threshold)));
		json_t *inputs = json_array();
		for (size_t i = 0; i < m->n_inputs; i++)
			json_array_append_new(inputs, json_string(m->inputs[i].name));
		json_object_set_new(root, "inputs", inputs);
		json_object_set_new(root, "findings", ims_findings_json(m, &a, (ims_severity)threshold));
		json_t *cnt = json_object();
		json_object_set_new(cnt, "error", json_integer((json_int_t)a.count[IMS_SEV_ERROR]));
		json_object_set_new(cnt, "warning", json_integer((json_int_t)a.count[IMS_SEV_WARNING]));
		json_object_set_new(cnt, "info", json_integer((json_int_t)a.count[IMS_SEV_INFO]));
		json_object_set_new(root, "counts", cnt);
		json_object_set_new(root, "passed", json_boolean(shown == 0));
		ims_json_print(stdout, root, !compact);
		json_decref(root);
	} else {
		char ev[320];
		for (size_t i = 0; i < a.n_findings; i++) {
			const ims_finding *f = &a.findings[i];
			if ((int)f->severity < threshold)
				continue;
			printf("%-7s %s: %s\n", ims_severity_name(f->severity), f->rule, f->message);
			for (unsigned e = 0; e < f->nev; e++) {
				ims_evidence_text(m, &f->ev[e], ev, sizeof(ev));
				printf("        at %s\n", ev);
			}
			printf("        (%s)\n", f->doc);
		}
		printf("%s%zu error%s, %zu warning%s, %zu info (threshold %s): %s\n", shown ? "\n" : "",
		       a.count[IMS_SEV_ERROR], a.count[IMS_SEV_ERROR] == 1 ? "" : "s", a.count[IMS_SEV_WARNING],
		       a.count[IMS_SEV_WARNING] == 1 ? "" : "s", a.count[IMS_SEV_INFO],
		       ims_severity_name((ims_severity)threshold), shown ? "FAILED" : "passed");
	}
	ims_analysis_free(&a);
	ims_model_free(m);
	int rc = shown ? IMS_EXIT_FINDINGS : IMS_EXIT_OK;
	if (fflush(stdout) != 0) {
		fprintf(stderr, "iommuscope: write error on standard output\n");
		rc = IMS_EXIT_USAGE;
	}
	return rc;
}
