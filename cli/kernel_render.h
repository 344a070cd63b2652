/* SPDX-License-Identifier: MIT */
/* Rendering of the kernel-log view (struct ims_kernel): text and JSON. */
#ifndef IMS_KERNEL_RENDER_H
#define IMS_KERNEL_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "iommuscope/klog.h"

/*
 * boot: index into k->boots (0 = oldest kept), -1 = the last boot,
 * -2 = every kept boot.  JSON: {"boots_seen":N, "boots":[{...}, ...]}
 * (one element unless boot == -2).  Caller owns the result.
 */
json_t *ims_json_kernel(const struct ims_kernel *k, int boot);
void ims_text_kernel(FILE *out, const struct ims_kernel *k, int boot, bool verbose);

#endif
