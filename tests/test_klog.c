/* SPDX-License-Identifier: MIT */
/*
 * Kernel-log parser: one test per log format and message family, using the
 * logs composed from the kernel's format strings in corpus/logs/; malformed
 * input; chunked feeding == one-shot; the real logs of ../shared/corpus/dmesg
 * and their cross-check against the same machines' ACPI tables.
 */
#include "testutil.h"
#include "iommuscope/klog.h"
#include "cli.h"
#include "kernel_render.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *corpus_log(const char *name, size_t *len)
{
	const char *src = tu_env("IMS_SOURCE_DIR");
	assert_non_null(src);
	char path[1024];
	snprintf(path, sizeof(path), "%s/corpus/logs/%s", src, name);
	char *b = (char *)tu_read_file(path, len);
	assert_non_null(b);
	return b;
}

static ims_model *parse_text(const char *text, size_t len)
{
	ims_model *m = ims_model_new();
	assert_non_null(m);
	assert_int_equal(ims_model_add_input(m, "log", IMS_FMT_LOG, len), 0);
	assert_int_equal(ims_parse_log(m, 0, text, len), IMS_OK);
	assert_int_equal(ims_model_finish(m), IMS_OK);
	tu_assert_model_ok(m);
	assert_non_null(m->kernel);
	return m;
}

static ims_model *parse_corpus(const char *name)
{
	size_t n;
	char *b = corpus_log(name, &n);
	ims_model *m = parse_text(b, n);
	free(b);
	return m;
}

static const ims_kboot *last(const ims_model *m)
{
	const ims_kboot *b = ims_kernel_last_boot(m->kernel);
	assert_non_null(b);
	return b;
}

static const ims_kparam *param(const ims_kboot *b, const char *name)
{
	for (size_t i = 0; i < b->n_params; i++)
		if (!strcmp(b->params[i].name, name))
			return &b->params[i];
	return NULL;
}

static const ims_kfault *fault(const ims_kboot *b, const char *kind, uint16_t bdf)
{
	for (size_t i = 0; i < b->n_faults; i++)
		if (!strcmp(b->faults[i].kind, kind) && b->faults[i].bdf == bdf)
			return &b->faults[i];
	return NULL;
}

static size_t group_size(const ims_kboot *b, int32_t g)
{
	size_t n = 0;
	for (size_t i = 0; i < b->n_groupdevs; i++)
		n += b->groupdevs[i].group == g;
	return n;
}

/* ---------------------------------------------------------------------- */
/* Families and formats                                                   */
/* ---------------------------------------------------------------------- */

/* dmesg format, Intel 5.15 wording (M60-M71, M82, M91 hex reasons, M10/M11). */
static void test_intel_515_dmesg(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("intel-5.15-dmesg.log");
	assert_int_equal(m->kernel->n_boots, 1);
	const ims_kboot *b = last(m);
	assert_string_equal(b->version, "5.15.0-91-generic");
	assert_int_equal(b->version_line, 1);
	assert_int_equal(b->format_lines[IMS_KLOG_FMT_DMESG], 61);
	assert_int_equal(b->format_lines[IMS_KLOG_FMT_BARE], 1); /* "BIOS vendor:" continuation */
	assert_string_equal(b->dmi, "IMS Composed Workstation W1/W1-BOARD, BIOS 2.3.1 07/11/2023");
	/* command line: invalid values flagged */
	assert_false(param(b, "intel_iommu")->valid); /* "bogus" item */
	assert_false(param(b, "iommu.strict")->valid);
	assert_true(param(b, "iommu.passthrough")->valid);
	assert_true(param(b, "pcie_acs_override")->valid);
	assert_true(param(b, "vfio-pci.ids")->valid);
	assert_int_equal(tu_diag_count(m, "klog.cmdline-invalid"), 2);
	/* ACPI table line and upgrade */
	assert_int_equal(b->n_acpi, 1);
	assert_string_equal(b->acpi[0].signature, "DMAR");
	assert_true(b->acpi[0].address == 0x7A7BE000ull);
	assert_int_equal(b->acpi[0].length, 0xF0);
	assert_int_equal(b->acpi[0].revision, 1);
	assert_string_equal(b->acpi[0].oem_table_id, "KBL");
	assert_int_equal(b->dmar_table.state, 1);
	assert_int_equal(b->n_upgrades, 1);
	/* DRHD + dmarN merged per register base */
	assert_int_equal(b->haw, 46);
	assert_int_equal(b->n_dmar_units, 2);
	const ims_kdmar_unit *u0 = &b->dmar_units[0], *u1 = &b->dmar_units[1];
	assert_true(u0->base == 0xfed90000ull && u0->has_drhd && u0->has_regs && u0->seq == 0);
	assert_int_equal(u0->drhd_flags, 0);
	assert_true(u0->cap == 0x1c0000c40660462ull && u0->ecap == 0x19e2ff0505eull);
	assert_int_equal(u0->regs_line, 10);
	assert_int_equal(u0->queued_invalidation, 1);
	assert_true(u1->base == 0xfed91000ull && (u1->drhd_flags & 1) && u1->seq == 1);
	/* cap decode (table-spec "Capability bits"): MGAW = bits 21:16 + 1 = 0x26 + 1 */
	assert_int_equal(IMS_VTD_CAP_MGAW(u0->cap), 39);
	assert_int_equal(IMS_VTD_CAP_SAGAW(u0->cap), 4); /* 48-bit, 4-level */
	const char *names[64];
	size_t nn = ims_bits_names(IMS_BITS_VTD_ECAP, u1->ecap, names, 64);
	/* ecap 0xf050da = bits 1 3 4 6 7 12 14 15 20-23: QI IR EIM PT SC (+ IRO/MHMV fields) */
	assert_int_equal(nn, 5);
	assert_string_equal(names[0], "QI");
	assert_string_equal(names[4], "SC");
	assert_int_equal(b->n_rmrrs, 2);
	assert_true(b->rmrrs[0].base == 0x7a5f2000ull && b->rmrrs[0].end == 0x7a83bfffull);
	assert_int_equal(b->atsr.state, 1);
	assert_int_equal(b->satc.state, 1); /* "SATC flags" wins over the later "No SATC found" */
	assert_int_equal(b->n_specials, 2);
	assert_int_equal(b->specials[0].kind, IMS_KSPECIAL_IOAPIC);
	assert_int_equal(b->specials[0].id, 2);
	assert_true(b->specials[0].drhd_base == 0xfed91000ull);
	assert_int_equal(b->specials[0].iommu, 1);
	assert_int_equal(b->specials[1].iommu, -1);
	assert_int_equal(b->ir.state, 1);
	assert_string_equal(b->ir_mode, "x2apic");
	assert_int_equal(b->vtd_enabled.state, 1);
	assert_int_equal(b->enabled, 1);
	assert_string_equal(b->default_domain, "Translated");
	assert_int_equal(b->default_domain_source, IMS_KDOM_SRC_DEFAULT);
	assert_string_equal(b->tlb_policy, "strict");
	assert_int_equal(b->acs_override.state, 1);
	assert_int_equal(b->swiotlb.state, 1);
	/* PCI inventory, bridges, groups */
	assert_int_equal(b->n_pci, 6);
	assert_int_equal(b->pci[3].bdf, IMS_BDF(0, 0x1c, 0));
	assert_true(b->pci[3].has_bus_range && b->pci[3].secondary == 2 && b->pci[3].subordinate == 3);
	assert_true(b->pci[1].has_bus_range && b->pci[1].secondary == 1 && b->pci[1].subordinate == 1);
	assert_int_equal(b->pci[4].vendor, 0x10de);
	assert_int_equal(b->pci[4].class_code, 0x030000);
	assert_int_equal(b->pci[4].group, 1);
	assert_int_equal(group_size(b, 1), 3);
	/* firmware bugs: both RMRR lines are device-broken; continuation consumed */
	assert_int_equal(b->n_fwbugs, 2);
	assert_int_equal(b->fwbugs[0].cls, IMS_KFW_DEVICE_BROKEN);
	/* faults aggregated per device + reason (hex reasons in 5.15+) */
	assert_int_equal(b->fault_events, 4);
	assert_int_equal(b->n_faults, 3);
	const ims_kfault *f = fault(b, "DMA Write", IMS_BDF(1, 0, 0));
	assert_non_null(f);
	assert_int_equal(f->count, 2);
	assert_int_equal(f->reason, 5);
	assert_int_equal(f->first_line, 57);
	assert_int_equal(f->last_line, 59);
	assert_true(f->first_addr == 0xfffd0000ull && f->last_addr == 0xfffd1000ull);
	assert_string_equal(f->reason_text, "PTE Write access is not set");
	f = fault(b, "INTR-REMAP", IMS_BDF(0, 0x1f, 0));
	assert_non_null(f);
	assert_int_equal(f->reason, 0x22);
	/* the deliberately unknown DMAR line is counted, not lost */
	assert_int_equal(b->unmatched_count, 1);
	assert_int_equal(b->unmatched[0].line, 62);
	assert_true(b->n_vfio >= 3);
	ims_model_free(m);
}

/* syslog (kern.log) format, Intel 4.14 wording: decimal fault reasons, old group lines, IR disabled. */
static void test_intel_414_syslog(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("intel-4.14-syslog.log");
	const ims_kboot *b = last(m);
	assert_int_equal(b->lines, 27); /* the systemd line is not a kernel line */
	assert_int_equal(b->format_lines[IMS_KLOG_FMT_SYSLOG], 27);
	assert_string_equal(b->version, "4.14.177-generic");
	assert_true(param(b, "intremap")->valid);
	assert_int_equal(b->ir.state, 0);
	assert_non_null(b->ir_why);
	assert_int_equal(b->ir_why_line, 11);
	assert_int_equal(b->n_fwbugs, 1);
	assert_int_equal(b->fwbugs[0].cls, IMS_KFW_IR_DISABLED);
	assert_int_equal(b->dmar_units[0].queued_invalidation, 0);
	assert_int_equal(b->atsr.state, 0);
	/* "[fault reason 06]" is decimal in 4.14; INTR-REMAP 37 = 0x25 */
	const ims_kfault *f = fault(b, "DMA Read", IMS_BDF(0, 2, 0));
	assert_non_null(f);
	assert_int_equal(f->reason, 6);
	assert_int_equal(f->count, 2);
	f = fault(b, "INTR-REMAP", IMS_BDF(0xf0, 0x1f, 0));
	assert_non_null(f);
	assert_int_equal(f->reason, 37);
	/* 4.x "iommu: Adding device X to group N" */
	assert_int_equal(b->n_groupdevs, 4);
	assert_int_equal(group_size(b, 2), 2);
	assert_true(b->groupdevs[3].is_pci && b->groupdevs[3].bdf == IMS_BDF(0, 0x1d, 7));
	assert_int_equal(b->vfio_no_ir.state, 1);
	assert_int_equal(b->unmatched_count, 0);
	assert_int_equal(b->enabled, 1);
	ims_model_free(m);
}

/* dmesg -x format, AMD 4.15 wording: "Found IOMMU at", two-line EFR, split event, FW bug before prefix. */
static void test_amd_415_decode(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("amd-4.15-decode.log");
	const ims_kboot *b = last(m);
	assert_int_equal(b->format_lines[IMS_KLOG_FMT_DMESG_DECODE], 22);
	assert_false(param(b, "amd_iommu")->valid);
	assert_non_null(strstr(param(b, "amd_iommu")->problem, "Unknown option"));
	assert_true(param(b, "ivrs_ioapic[4]")->valid);
	assert_false(param(b, "ivrs_hpet[0]")->valid);
	assert_true(param(b, "iommu")->valid);
	assert_int_equal(b->ivrs_table.state, 1);
	assert_int_equal(b->n_amd_iommus, 1);
	const ims_kamd_iommu *a = &b->amd_iommus[0];
	assert_true(a->bdf_known && a->bdf == IMS_BDF(0, 0, 2) && a->has_cap && a->cap_offset == 0x40);
	assert_true(a->has_efr && a->efr == 0x58f77ef22294adeull && a->efr_line == 6);
	/* kernel names derived from the EFR equal the names line the kernel printed */
	const char *kn[16];
	size_t k = ims_amd_efr_kernel_names(a->efr, kn, 16);
	const char *want[] = {"PPR", "X2APIC", "NX", "GT", "IA", "GA", "PC", "GA_vAPIC"};
	assert_int_equal(k, 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(kn[i], want[i]);
	assert_int_equal(b->unmatched_count, 0); /* the names continuation line is consumed */
	assert_int_equal(b->ir.state, 0);
	assert_int_equal(b->n_fwbugs, 1);
	assert_int_equal(b->fwbugs[0].cls, IMS_KFW_IR_DISABLED);
	assert_string_equal(b->tlb_policy, "lazy");
	assert_int_equal(b->n_hids, 1);
	assert_string_equal(b->hids[0].hid, "AMDI0020");
	assert_string_equal(b->hids[0].uid, "\\_SB.FUR0");
	assert_int_equal(b->hids[0].rdevid, 160);
	assert_int_equal(b->amd_iommuv2.state, 0);
	assert_int_equal(b->amd_perf.state, 1);
	assert_int_equal(b->completion_wait_timeouts, 1);
	/* the event split over two lines: both events aggregated on 03:00.0 */
	const ims_kfault *f = fault(b, "IO_PAGE_FAULT", IMS_BDF(3, 0, 0));
	assert_non_null(f);
	assert_int_equal(f->count, 2);
	assert_true(f->first_addr == 0xfdf8c000ull);
	assert_string_equal(f->reason_text, "flags=0x0010");
	ims_model_free(m);
}

/* journalctl -o json, AMD 6.1 wording: EFR+EFR2, global EFR, device-prefixed and device= faults. */
static void test_amd_61_json(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("amd-6.1-journal.json");
	const ims_kboot *b = last(m);
	assert_int_equal(b->format_lines[IMS_KLOG_FMT_JOURNAL_JSON], 21);
	assert_int_equal(b->unmatched_count, 0); /* the userspace record is skipped */
	assert_int_equal(tu_diag_count(m, "klog.json-bad"), 1);
	assert_int_equal(tu_diag_count(m, "klog.kernel-unknown-option"), 1);
	assert_true(param(b, "ivrs_ioapic")->valid);
	assert_int_equal(b->n_amd_iommus, 1);
	assert_true(b->amd_iommus[0].has_efr && b->amd_iommus[0].has_efr2 && b->amd_iommus[0].efr == 0x4f77ef22294adaull);
	assert_true(b->amd_iommus[0].perf_counters.state == 1);
	assert_true(b->has_global_efr && b->global_efr == 0x4f77ef22294adaull && b->global_efr2 == 0);
	assert_int_equal(b->ir.state, 1);
	assert_int_equal(b->amd_x2apic.state, 1);
	assert_int_equal(b->amd_vapic.state, 1);
	assert_int_equal(b->amd_iommuv2.state, 1);
	assert_string_equal(b->default_domain, "Passthrough");
	assert_int_equal(b->default_domain_source, IMS_KDOM_SRC_CMDLINE);
	assert_int_equal(b->n_groupdevs, 3);
	assert_false(b->groupdevs[2].is_pci);
	assert_string_equal(b->groupdevs[2].device, "i2c-1");
	const ims_kfault *f = fault(b, "IO_PAGE_FAULT", IMS_BDF(0x0a, 0, 0));
	assert_non_null(f);
	assert_int_equal(f->count, 2); /* "nvme 0000:0a:00.0: ..." and "device=0000:0a:00.0" are one device */
	assert_non_null(fault(b, "IOTLB_INV_TIMEOUT", IMS_BDF(0x0b, 0, 0)));
	assert_true(b->first_ts == 0.0);
	ims_model_free(m);
}

/* /dev/kmsg records with KEY=value continuation lines, AMD 6.8 wording. */
static void test_amd_68_kmsg(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("amd-6.8-kmsg.txt");
	const ims_kboot *b = last(m);
	assert_int_equal(b->lines, 17);
	assert_int_equal(b->format_lines[IMS_KLOG_FMT_KMSG], 17);
	assert_int_equal(b->n_amd_iommus, 0); /* 6.8 prints no "Found IOMMU" */
	assert_true(b->has_efr_line && b->efr_line_efr == 0x246577efa2254afaull && b->efr_line_efr2 == 0x10);
	assert_int_equal(b->n_pci, 2);
	assert_int_equal(b->pci[0].class_code, 0x080600);
	assert_true(b->pci[1].has_bus_range && b->pci[1].secondary == 1 && b->pci[1].subordinate == 5);
	assert_int_equal(b->pci[1].group, 1);
	assert_int_equal(b->n_fwbugs, 1);
	assert_int_equal(b->fwbugs[0].cls, IMS_KFW_HARMLESS);
	assert_string_equal(b->fwbugs[0].level, "Warn");
	assert_true(param(b, "amd_iommu_intr")->valid);
	assert_int_equal(fault(b, "IO_PAGE_FAULT", IMS_BDF(3, 0, 0))->count, 2);
	assert_int_equal(b->unmatched_count, 0);
	ims_model_free(m);
}

/* Several formats in one file, CRLF, quote markers, journalctl boot marker. */
static void test_mixed_boots(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("mixed-boots.log");
	assert_int_equal(m->kernel->n_boots, 2);
	const ims_kboot *b0 = &m->kernel->boots[0], *b1 = &m->kernel->boots[1];
	assert_string_equal(b0->version, "6.6.13-test");
	assert_int_equal(b0->format_lines[IMS_KLOG_FMT_ISO], 5);
	assert_int_equal(b0->enabled, 0); /* iommu=off */
	assert_int_equal(b0->enabled_line, 2);
	assert_string_equal(b1->version, "6.12.9-test");
	assert_int_equal(b1->first_line, 7);
	int formats = 0;
	for (int f = 0; f < IMS_KLOG_FMT_COUNT; f++)
		formats += b1->format_lines[f] != 0;
	assert_int_equal(formats, 7);
	assert_true(param(b1, "intel_iommu")->valid);
	assert_int_equal(b1->n_dmar_units, 1);
	assert_true(b1->dmar_units[0].has_drhd && b1->dmar_units[0].has_regs);
	assert_int_equal(b1->n_rmrrs, 1);
	assert_int_equal(b1->enabled, 1);
	ims_model_free(m);
}

/* Boots split on a timestamp reset, and only the newest IMS_KLOG_MAX_BOOTS kept. */
static void test_boot_split_and_cap(void **state)
{
	(void)state;
	char *t = malloc(64 * 1024);
	size_t n = 0;
	for (int i = 0; i < 20; i++) {
		n += (size_t)snprintf(t + n, 200, "[    0.000000] DMAR: Host address width %d\n", 30 + i);
		n += (size_t)snprintf(t + n, 200, "[   %2d.000000] pci 0000:00:02.0: Adding to iommu group %d\n", 10 + i, i);
	}
	ims_model *m = parse_text(t, n);
	assert_int_equal(m->kernel->boots_seen, 20);
	assert_int_equal(m->kernel->n_boots, IMS_KLOG_MAX_BOOTS);
	assert_int_equal(tu_diag_count(m, "klog.boots-dropped"), 4);
	const ims_kboot *b = last(m);
	assert_int_equal(b->number, 19);
	assert_int_equal(b->haw, 49);
	assert_int_equal(b->groupdevs[0].group, 19);
	assert_int_equal(b->first_line, 39);
	ims_model_free(m);
	free(t);
}

/* e820 map (both wordings), ACPI OEM revision, boot CPU, AMD 4.x passthrough
 * line, 1:1-mapping refusals with the device; lines composed from the format
 * strings of e820.c (e820__print_table / 2.6-3.x e820_print_map), ACPICA
 * tbprint.c, print_cpu_info, amd_iommu.c (4.x) and iommu.c / intel-iommu.c. */
static void test_platform_facts(void **state)
{
	(void)state;
	static const char t[] =
		"[    0.000000] Linux version 4.15.0-20-generic (buildd@lgw01) #21-Ubuntu SMP\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x000000006c000000-0x000000006c01ffff] reserved\n"
		"[    0.000000] BIOS-e820: [mem 0x000000007b800000-0x000000007fffffff] ACPI NVS\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] persistent (type 12)\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000180000000-0x00000001ffffffff] soft reserved\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000200000000-0x0000000200000fff] type 20\n"
		"[    0.000000]  BIOS-e820: 0000000000100000 - 00000000bf780000 (usable)\n"
		"[    0.000000]  BIOS-e820: 00000000bf780000 - 00000000bf798000 (ACPI data)\n"
		"[    0.000000] ACPI: DMAR 0x000000006E5C9000 0000B0 (v01 INTEL  EDK2     00000002 INTL 20200925)\n"
		"[    0.000000] ACPI: APIC 0x00000000BF790000 0000A8 (v02    AMI  OEMAPIC 01072009 MSFT 00000097)\n"
		"[    0.040000] smpboot: CPU0: AMD Ryzen 7 5800X 8-Core Processor (family: 0x19, model: 0x21, stepping: 0x0)\n"
		"[    0.050000] Performance Events: PEBS fmt3+, Skylake events, 32-deep LBR, full-width counters, Intel PMU driver.\n"
		"[    1.000000] AMD-Vi: Found IOMMU at 0000:00:00.2 cap 0x40\n"
		"[    1.000100] AMD-Vi: Lazy IO/TLB flushing enabled\n"
		"[    1.000200] AMD-Vi: Initialized for Passthrough Mode\n"
		"[    5.000000] vfio-pci 0000:00:14.0: Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.\n"
		"[    5.100000] vfio-pci 0000:03:00.1: Device is ineligible for IOMMU domain attach due to platform RMRR requirement.  Contact your platform vendor.\n";
	ims_model *m = parse_text(t, sizeof(t) - 1);
	const ims_kboot *b = last(m);
	assert_int_equal(b->n_e820, 8);
	static const struct {
		uint64_t s, e;
		uint32_t type;
		uint32_t line;
	} want[] = {
		{0x0, 0x9efff, 1, 2},
		{0x6c000000, 0x6c01ffff, 2, 3},
		{0x7b800000, 0x7fffffff, 4, 4},
		{0x100000000ull, 0x17fffffffull, 12, 5},
		{0x180000000ull, 0x1ffffffffull, 0xefffffffu, 6},
		{0x200000000ull, 0x200000fffull, 20, 7},
		{0x100000, 0xbf77ffff, 1, 8}, /* old form: end exclusive */
		{0xbf780000, 0xbf797fff, 3, 9},
	};
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(b->e820[i].start, want[i].s);
		assert_int_equal(b->e820[i].end, want[i].e);
		assert_int_equal(b->e820[i].type, want[i].type);
		assert_int_equal(b->e820[i].line, want[i].line);
	}
	assert_string_equal(ims_e820_type_name(4), "ACPI NVS");
	assert_int_equal(b->n_acpi, 2);
	assert_true(b->acpi[0].has_oem_revision);
	assert_int_equal(b->acpi[0].oem_revision, 2);
	assert_string_equal(b->acpi[0].oem_id, "INTEL");
	assert_string_equal(b->acpi[0].oem_table_id, "EDK2");
	assert_string_equal(b->acpi[1].oem_id, "AMI"); /* old right-aligned columns */
	assert_string_equal(b->acpi[1].oem_table_id, "OEMAPIC");
	assert_int_equal(b->acpi[1].oem_revision, 0x01072009);
	/* CPU0 line wins over the (contradicting, composed) PMU line */
	assert_string_equal(b->cpu_vendor, "AMD");
	assert_string_equal(b->cpu_model, "AMD Ryzen 7 5800X 8-Core Processor");
	assert_int_equal(b->cpu_line, 12);
	assert_int_equal(b->amd_passthrough.state, 1);
	assert_int_equal(b->amd_passthrough.line, 16);
	assert_int_equal(b->amd_dma_ops.line, 15);
	assert_string_equal(b->default_domain, "Passthrough");
	assert_int_equal(b->default_domain_source, IMS_KDOM_SRC_DRIVER);
	assert_int_equal(b->enabled, 1);
	assert_int_equal(b->enabled_line, 16);
	assert_string_equal(b->tlb_policy, "lazy");
	assert_int_equal(b->n_refusals, 2);
	assert_string_equal(b->refusals[0].device, "0000:00:14.0");
	assert_true(b->refusals[0].bdf_known);
	assert_int_equal(b->refusals[0].bdf, IMS_BDF(0, 0x14, 0));
	assert_int_equal(b->refusals[0].line, 17);
	assert_int_equal(b->refusals[1].bdf, IMS_BDF(3, 0, 1));
	assert_int_equal(b->refusals[1].line, 18);
	assert_int_equal(b->unmatched_count, 0);
	ims_model_free(m);

	/* PMU line alone gives the vendor; an Intel CPU0 line */
	static const char t2[] = "[    0.050000] Performance Events: PEBS fmt3+, Skylake events, 32-deep LBR, full-width counters, Intel PMU driver.\n"
				 "[    0.060000] smpboot: CPU0: Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz (family: 0x6, model: 0x9e, stepping: 0xa)\n";
	m = parse_text(t2, sizeof(t2) - 1);
	b = last(m);
	assert_string_equal(b->cpu_vendor, "Intel");
	assert_string_equal(b->cpu_model, "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
	assert_int_equal(b->cpu_line, 2);
	ims_model_free(m);

	/* the e820 cap: the rest is counted, one klog.cap-reached */
	size_t cap = 400 * 96, n = 0;
	char *big = malloc(cap);
	for (unsigned i = 0; i < 300; i++)
		n += (size_t)snprintf(big + n, cap - n, "BIOS-e820: [mem 0x%016llx-0x%016llx] reserved\n",
				      (unsigned long long)i << 20, ((unsigned long long)i << 20) + 0xfffff);
	m = parse_text(big, n);
	b = last(m);
	assert_int_equal(b->n_e820, IMS_KLOG_MAX_E820);
	assert_int_equal(b->n_e820_dropped, 300 - IMS_KLOG_MAX_E820);
	assert_int_equal(tu_diag_count(m, "klog.cap-reached"), 1);
	assert_int_equal(b->e820[255].start, 255ull << 20);
	ims_model_free(m);
	free(big);
}

/* ---------------------------------------------------------------------- */
/* Malformed input                                                        */
/* ---------------------------------------------------------------------- */
static void test_malformed(void **state)
{
	(void)state;
	size_t cap = 300000, n = 0;
	char *t = malloc(cap);
	n += (size_t)snprintf(t + n, cap - n, "[    0.000000] Linux version 6.1.0 (x)\n");
	/* huge line */
	n += (size_t)snprintf(t + n, cap - n, "[    0.100000] DMAR: ");
	memset(t + n, 'A', 100000);
	n += 100000;
	t[n++] = '\n';
	/* NUL bytes inside an IOMMU line; the facts after the NUL are still read */
	static const char nul[] = "[    0.200000] DMAR: RMRR base: 0x0000007b800000 end: 0x0000007fffffff\0\0junk\n";
	memcpy(t + n, nul, sizeof(nul) - 1);
	n += sizeof(nul) - 1;
	n += (size_t)snprintf(t + n, cap - n, "[    0.300000] DMAR: Host address width 39\n");
	/* invalid UTF-8 in an IOMMU line */
	n += (size_t)snprintf(t + n, cap - n, "[    0.400000] DMAR: \xff\xfe broken \xc3 bytes\n");
	/* hw-probe truncation marker, then a cut-off event at the end */
	n += (size_t)snprintf(t + n, cap - n, "...\n");
	n += (size_t)snprintf(t + n, cap - n, "[    9.000000] AMD-Vi: Event logged [\n");
	n += (size_t)snprintf(t + n, cap - n, "[    9.100000] pci 0000:00:02.0: Adding to iommu gr");
	ims_model *m = parse_text(t, n);
	const ims_kboot *b = last(m);
	assert_int_equal(tu_diag_count(m, "klog.line-too-long"), 1);
	assert_int_equal(tu_diag_count(m, "klog.nul-byte"), 1);
	assert_int_equal(tu_diag_count(m, "klog.invalid-utf8"), 1);
	assert_int_equal(tu_diag_count(m, "klog.log-truncated"), 1);
	assert_int_equal(tu_diag_count(m, "klog.no-final-newline"), 1);
	assert_int_equal(tu_diag_count(m, "klog.event-incomplete"), 1);
	assert_int_equal(b->n_rmrrs, 1);
	assert_int_equal(b->haw, 39);
	assert_int_equal(b->n_groupdevs, 0); /* the cut-off line is not a group fact */
	for (size_t i = 0; i < b->n_unmatched; i++)
		assert_true(strlen(b->unmatched[i].text) < IMS_KLOG_TEXT);
	ims_model_free(m);

	/* pseudo-random binary noise: no crash, invariants hold */
	uint32_t x = 12345;
	for (size_t i = 0; i < cap; i++) {
		x = x * 1103515245u + 12345u;
		t[i] = (char)(x >> 16);
	}
	m = parse_text(t, cap);
	ims_model_free(m);
	/* empty input */
	m = parse_text("", 0);
	assert_int_equal(tu_diag_count(m, "klog.no-kernel-lines"), 1);
	ims_model_free(m);
	free(t);
}

/* Invariant checker rejects a corrupted view. */
static void test_check_rejects(void **state)
{
	(void)state;
	ims_model *m = parse_corpus("intel-5.15-dmesg.log");
	char why[256];
	ims_kboot *b = &m->kernel->boots[0];
	b->faults[0].count++;
	assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), -1);
	b->faults[0].count--;
	b->rmrrs[0].line = b->last_line + 10;
	assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), -1);
	b->rmrrs[0].line = b->first_line;
	assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), 0);
	b->format_lines[0]++;
	assert_int_equal(ims_kernel_check(m->kernel, why, sizeof(why)), -1);
	b->format_lines[0]--;
	ims_model_free(m);
}

/* ---------------------------------------------------------------------- */
/* Streaming == one-shot                                                  */
/* ---------------------------------------------------------------------- */
static char *render(ims_model *m)
{
	json_t *j = ims_json_kernel(m->kernel, -2);
	json_t *d = ims_json_diagnostics(m);
	json_object_set_new(j, "diagnostics", d);
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	return s;
}

static char *parse_chunked(const char *t, size_t n, size_t split, size_t step)
{
	ims_model *m = ims_model_new();
	ims_model_add_input(m, "log", IMS_FMT_LOG, n);
	ims_log_parser *p = ims_log_parser_new(m, 0);
	assert_non_null(p);
	if (step) {
		for (size_t off = 0; off < n; off += step)
			assert_int_equal(ims_log_feed(p, t + off, n - off < step ? n - off : step), IMS_OK);
	} else {
		assert_int_equal(ims_log_feed(p, t, split), IMS_OK);
		assert_int_equal(ims_log_feed(p, t + split, n - split), IMS_OK);
	}
	assert_int_equal(ims_log_finish(p), IMS_OK);
	ims_log_parser_free(p);
	ims_model_finish(m);
	tu_assert_model_ok(m);
	char *s = render(m);
	ims_model_free(m);
	return s;
}

static void test_chunked(void **state)
{
	(void)state;
	static const char *files[] = {"mixed-boots.log", "amd-4.15-decode.log", "amd-6.8-kmsg.txt"};
	for (size_t f = 0; f < 3; f++) {
		size_t n;
		char *t = corpus_log(files[f], &n);
		ims_model *m = parse_text(t, n);
		char *ref = render(m);
		ims_model_free(m);
		/* every split point of the small log, 1-byte and 7-byte chunks of the others */
		if (f == 0) {
			for (size_t split = 0; split <= n; split++) {
				char *s = parse_chunked(t, n, split, 0);
				if (strcmp(s, ref))
					fail_msg("%s: split at %zu differs", files[f], split);
				free(s);
			}
		}
		for (size_t step = 1; step <= 7; step += 6) {
			char *s = parse_chunked(t, n, 0, step);
			if (strcmp(s, ref))
				fail_msg("%s: %zu-byte chunks differ", files[f], step);
			free(s);
		}
		free(ref);
		free(t);
	}
}

/* Every pattern compiles, every catalogued code is unique, core families are hit by the corpus. */
static void test_patterns(void **state)
{
	(void)state;
	size_t np = ims_klog_pattern_count();
	assert_true(np > 50);
	ims_model *m = ims_model_new();
	uint64_t *hits = calloc(np, sizeof(uint64_t));
	static const char *files[] = {"intel-5.15-dmesg.log", "intel-4.14-syslog.log", "amd-4.15-decode.log",
				      "amd-6.1-journal.json", "amd-6.8-kmsg.txt", "mixed-boots.log"};
	for (size_t f = 0; f < 6; f++) {
		int in = ims_model_add_input(m, files[f], IMS_FMT_LOG, 0);
		ims_log_parser *p = ims_log_parser_new(m, (uint32_t)in);
		assert_non_null(p); /* all patterns compiled */
		size_t n;
		char *t = corpus_log(files[f], &n);
		ims_log_feed(p, t, n);
		ims_log_finish(p);
		for (size_t i = 0; i < np; i++)
			hits[i] += ims_log_parser_hits(p, i);
		ims_log_parser_free(p);
		free(t);
	}
	static const char *core[] = {"kernel.version", "kernel.cmdline", "platform.dmi", "acpi.table", "acpi.upgrade",
				     "dmar.haw", "dmar.drhd", "dmar.unit-regs", "dmar.rmrr", "dmar.atsr", "dmar.satc",
				     "dmar.ir-scope", "dmar.unit-qi", "ir.enabled", "ir.disabled", "dmar.vtd-enabled",
				     "fault.intel", "dmar.cap-inconsistent", "amd.iommu", "amd.efr", "amd.global-efr",
				     "amd.x2apic", "amd.vapic", "amd.perf", "amd.iommuv2", "amd.acpihid",
				     "amd.completion-wait-timeout", "fault.amd", "iommu.default-domain",
				     "iommu.tlb-policy", "iommu.group", "swiotlb", "vfio.no-ir", "vfio.line",
				     "acs.override", "pci.device", "pci.bridge", "fw.bug", "cmdline.unknown-option", NULL};
	for (size_t c = 0; core[c]; c++) {
		uint64_t h = 0;
		for (size_t i = 0; i < np; i++)
			if (!strcmp(ims_klog_pattern(i)->fact, core[c]))
				h += hits[i];
		if (!h)
			fail_msg("fact %s: no composed log line exercises it", core[c]);
	}
	for (size_t i = 0; i < np; i++) {
		const ims_klog_pattern_info *pi = ims_klog_pattern(i);
		assert_true(pi->literal && strlen(pi->literal) >= 2 && pi->regex && pi->fact && pi->kernels);
	}
	assert_null(ims_klog_pattern(np));
	free(hits);
	ims_model_free(m);
}

/* ---------------------------------------------------------------------- */
/* Real logs                                                              */
/* ---------------------------------------------------------------------- */
static void test_real_logs(void **state)
{
	(void)state;
	const char *sc = tu_env("IMS_SHARED_CORPUS");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/dmesg", sc ? sc : "/nonexistent");
	DIR *d = opendir(dir);
	if (!d)
		skip();
	struct dirent *e;
	size_t logs = 0, compared = 0, amd_compared = 0, units_equal = 0, rmrr_equal = 0;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 5 || strcmp(e->d_name + nl - 4, ".log"))
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		size_t n;
		char *t = (char *)tu_read_file(path, &n);
		assert_non_null(t);
		ims_model *m = parse_text(t, n);
		const ims_kboot *b = last(m);
		assert_true(b->lines > 100);
		logs++;
		/* the same machine's tables */
		char hwid[64];
		const char *us = strstr(e->d_name, "__");
		assert_non_null(us);
		snprintf(hwid, sizeof(hwid), "%.*s", (int)(us - e->d_name), e->d_name);
		char tp[2048];
		snprintf(tp, sizeof(tp), "%s/acpidump/iommu/%s.txt", sc, hwid);
		size_t tn;
		char *tt = (char *)tu_read_file(tp, &tn);
		if (tt) {
			ims_model *tm = tu_parse_acpidump(tt, tn);
			if (b->n_dmar_units) {
				/* Intel: register bases of the DRHDs the kernel logged == DMAR DRHDs */
				size_t ku = 0, tu = 0, match = 0;
				for (size_t i = 0; i < b->n_dmar_units; i++) {
					if (!b->dmar_units[i].has_drhd)
						continue;
					ku++;
					for (size_t j = 0; j < tm->n_units; j++)
						match += tm->units[j].vendor == IMS_VENDOR_INTEL && tm->units[j].base == b->dmar_units[i].base;
				}
				for (size_t j = 0; j < tm->n_units; j++)
					tu += tm->units[j].vendor == IMS_VENDOR_INTEL;
				if (!(ku == tu && match == ku))
					fail_msg("%s: kernel logged %zu DRHDs, table has %zu, %zu match", e->d_name, ku, tu, match);
				units_equal++;
				size_t kr = b->n_rmrrs, tr = 0, rm = 0;
				for (size_t j = 0; j < tm->n_regions; j++)
					tr += tm->regions[j].kind == IMS_REGION_RMRR;
				for (size_t i = 0; i < kr; i++)
					for (size_t j = 0; j < tm->n_regions; j++)
						rm += tm->regions[j].kind == IMS_REGION_RMRR && tm->regions[j].base == b->rmrrs[i].base &&
						      tm->regions[j].end == b->rmrrs[i].end;
				if (!(kr == tr && rm == kr))
					fail_msg("%s: kernel logged %zu RMRRs, table has %zu, %zu match", e->d_name, kr, tr, rm);
				rmrr_equal++;
				compared++;
			} else if (b->n_amd_iommus) {
				/* AMD: every IOMMU PCI function the kernel logged is an IVRS unit's
				 * device id, and the counts agree */
				size_t amd_units = 0;
				for (size_t j = 0; j < tm->n_units; j++)
					amd_units += tm->units[j].vendor == IMS_VENDOR_AMD;
				if (amd_units != b->n_amd_iommus)
					fail_msg("%s: kernel logged %zu AMD IOMMUs, the IVRS has %zu units", e->d_name,
						 (size_t)b->n_amd_iommus, amd_units);
				for (size_t i = 0; i < b->n_amd_iommus; i++) {
					size_t match = 0;
					for (size_t j = 0; j < tm->n_units; j++)
						match += tm->units[j].vendor == IMS_VENDOR_AMD &&
							 tm->units[j].bdf == b->amd_iommus[i].bdf;
					if (!match)
						fail_msg("%s: AMD IOMMU %04x not in the IVRS", e->d_name, b->amd_iommus[i].bdf);
				}
				amd_compared++;
				compared++;
			}
			ims_model_free(tm);
			free(tt);
		}
		ims_model_free(m);
		free(t);
	}
	closedir(d);
	print_message("real logs: %zu parsed, %zu cross-checked with their tables (%zu Intel unit sets, %zu RMRR sets equal), "
		      "%zu AMD IOMMU sets equal\n",
		      logs, compared, units_equal, rmrr_equal, amd_compared);
	assert_true(logs > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intel_515_dmesg), cmocka_unit_test(test_intel_414_syslog),
		cmocka_unit_test(test_amd_415_decode),  cmocka_unit_test(test_amd_61_json),
		cmocka_unit_test(test_amd_68_kmsg),	cmocka_unit_test(test_mixed_boots),
		cmocka_unit_test(test_boot_split_and_cap), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_check_rejects),	cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_patterns),	cmocka_unit_test(test_real_logs),
		cmocka_unit_test(test_platform_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
