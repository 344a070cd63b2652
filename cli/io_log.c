/* SPDX-License-Identifier: MIT */
/* Kernel-log input for the generic loader, and the kernel view in model JSON. */
#include "cli.h"
#include "kernel_render.h"

int ims_cli_load_log(ims_model *m, uint32_t input, const char *text, size_t len)
{
	return ims_parse_log(m, input, text, len);
}

json_t *ims_json_kernel_view(const ims_model *m);
json_t *ims_json_kernel_view(const ims_model *m)
{
	return m->kernel ? ims_json_kernel(m->kernel, -1) : json_null();
}
