/* SPDX-License-Identifier: MIT */
/* Commands whose implementation has not landed yet (each is removed from this
 * file when its real implementation is added). */
#include "cli.h"

#include <stdio.h>

static int pending(const char *name)
{
	fprintf(stderr, "iommuscope: '%s' is not available in this build yet\n", name);
	return IMS_EXIT_USAGE;
}

int cmd_diff(int argc, char **argv) { (void)argc; (void)argv; return pending("diff"); }
