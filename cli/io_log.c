/* SPDX-License-Identifier: MIT */
/* Kernel-log input: placeholder until the kernel-log parser lands. */
#include "cli.h"

int ims_cli_load_log(ims_model *m, uint32_t input, const char *text, size_t len)
{
	(void)m;
	(void)input;
	(void)text;
	(void)len;
	return IMS_OK;
}

json_t *ims_json_kernel_view(const ims_model *m);
json_t *ims_json_kernel_view(const ims_model *m)
{
	(void)m;
	return json_null();
}
