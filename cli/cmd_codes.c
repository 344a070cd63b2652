/* SPDX-License-Identifier: MIT */
/* iommuscope diagnostics: list every diagnostic code the parsers can emit. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cmd_codes(int argc, char **argv)
{
	bool json = false, markdown = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json = true;
		} else if (!strcmp(argv[i], "--markdown")) {
			markdown = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("Usage: iommuscope diagnostics [--json|--markdown]\n\n"
			       "List every diagnostic code the parsers can emit, with its severity and\n"
			       "meaning.  Codes are stable: scripts may match on them.\n");
			return IMS_EXIT_OK;
		} else {
			fprintf(stderr, "iommuscope diagnostics: unknown option '%s'\n", argv[i]);
			return IMS_EXIT_USAGE;
		}
	}
	size_t n = ims_diag_catalog(NULL, 0);
	ims_diag_info *all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return IMS_EXIT_USAGE;
	ims_diag_catalog(all, n);
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "code", json_string(all[i].code));
			json_object_set_new(o, "severity", json_string(ims_severity_name(all[i].severity)));
			json_object_set_new(o, "description", json_string(all[i].description));
			json_array_append_new(a, o);
		}
		ims_json_print(stdout, a, true);
		json_decref(a);
	} else if (markdown) {
		printf("| code | severity | meaning |\n|---|---|---|\n");
		for (size_t i = 0; i < n; i++)
			printf("| `%s` | %s | %s |\n", all[i].code, ims_severity_name(all[i].severity), all[i].description);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-34s %-7s %s\n", all[i].code, ims_severity_name(all[i].severity), all[i].description);
	}
	free(all);
	return IMS_EXIT_OK;
}
