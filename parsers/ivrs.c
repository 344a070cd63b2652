/* SPDX-License-Identifier: MIT */
/* IVRS decoder: placeholder until the decoder lands. */
#include "internal.h"

const ims_diag_info ims_diag_codes_ivrs[] = {
	{NULL, IMS_SEV_INFO, NULL},
};

void ims_decode_ivrs(ims_model *m, int32_t t)
{
	(void)m;
	(void)t;
}

void ims_ivrs_finish(ims_model *m) { (void)m; }
