/* SPDX-License-Identifier: MIT */
/* Kernel-log parser: interim stub matching klog.h (implementation in progress). */
#include "internal.h"
#include "iommuscope/klog.h"

#include <stdlib.h>

const ims_diag_info ims_diag_codes_klog[] = {
	{NULL, IMS_SEV_INFO, NULL},
};

void ims_kernel_free(struct ims_kernel *k) { free(k); }

int ims_kernel_check(const struct ims_kernel *k, char *why, size_t whylen)
{
	(void)k;
	(void)why;
	(void)whylen;
	return 0;
}
