/* SPDX-License-Identifier: MIT */
/*
 * klog.h - the kernel-log view of the model (struct ims_kernel).
 * Owned by ims_model::kernel; freed by ims_model_free.
 */
#ifndef IOMMUSCOPE_KLOG_H
#define IOMMUSCOPE_KLOG_H

#include "iommuscope/iommuscope.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ims_kernel;

/* Free a kernel view (NULL is fine). */
void ims_kernel_free(struct ims_kernel *k);

/* Invariants of the kernel view: 0, or -1 with a reason in why. */
int ims_kernel_check(const struct ims_kernel *k, char *why, size_t whylen);

#ifdef __cplusplus
}
#endif
#endif
