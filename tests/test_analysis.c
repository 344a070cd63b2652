/* SPDX-License-Identifier: MIT */
/* Unit tests of the verdict engine with hand-made models and kernel facts
 * (independent of the table and log parsers). */
#include "testutil.h"

#include <string.h>

#include "analysis.h"
#include "internal.h"

static void test_cmdline(void **state)
{
	(void)state;
	char v[64];
	const char *cl = "BOOT_IMAGE=/vmlinuz ro intel_iommu=on,sm_on iommu=pt nox2apic iommu.strict=1";
	assert_true(ims_cmdline_get(cl, "intel_iommu", v, sizeof(v)));
	assert_string_equal(v, "on,sm_on");
	assert_true(ims_cmdline_get(cl, "iommu", v, sizeof(v)));
	assert_string_equal(v, "pt"); /* not confused with intel_iommu= or iommu.strict= */
	assert_true(ims_cmdline_get(cl, "nox2apic", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_false(ims_cmdline_get(cl, "amd_iommu", v, sizeof(v)));
	assert_false(ims_cmdline_get(NULL, "iommu", v, sizeof(v)));
}

static void test_classes(void **state)
{
	(void)state;
	assert_string_equal(ims_passthrough_kind(0x030000), "gpu");
	assert_string_equal(ims_passthrough_kind(0x030200), "gpu");
	assert_string_equal(ims_passthrough_kind(0x010802), "nvme");
	assert_string_equal(ims_passthrough_kind(0x020000), "nic");
	assert_string_equal(ims_passthrough_kind(0x0c0330), "usb");
	assert_string_equal(ims_passthrough_kind(0x040300), "audio");
	assert_null(ims_passthrough_kind(0x060400));
	assert_string_equal(ims_class_name(0x060400), "PCI bridge");
}

/* An Intel machine: one INCLUDE_ALL DRHD whose IOAPIC scope names id 0 while
 * the MADT IOAPIC is id 2 -> ioapic-not-in-dmar, IR predicted off. */
static ims_model *intel_model(uint8_t scope_id)
{
	ims_model *m = ims_model_new();
	ims_model_add_input(m, "dump", IMS_FMT_ACPIDUMP, 1);
	ims_table *t = IMS_PUSH(m, tables);
	strcpy(t->signature, "DMAR");
	t->length = 100;
	t = IMS_PUSH(m, tables);
	strcpy(t->signature, "APIC");
	t->length = 100;
	m->dmar.present = true;
	m->dmar.table = 0;
	m->dmar.haw_raw = 38;
	m->dmar.flags = 1;
	m->dmar.intr_remap = true;
	ims_unit *u = IMS_PUSH(m, units);
	u->vendor = IMS_VENDOR_INTEL;
	u->base = 0xfed91000;
	u->include_pci_all = true;
	u->ivhd = -1;
	ims_special *s = IMS_PUSH(m, specials);
	s->unit = 0;
	s->kind = IMS_SPECIAL_IOAPIC;
	s->id = scope_id;
	s->scope = -1;
	m->madt.present = true;
	m->madt.table = 1;
	ims_ioapic *io = IMS_PUSH(m, ioapics);
	io->id = 2;
	io->table = 1;
	return m;
}

static bool has_rule(const ims_analysis *a, const char *id)
{
	for (size_t i = 0; i < a->n_findings; i++)
		if (!strcmp(a->findings[i].rule, id))
			return true;
	return false;
}

static void test_ioapic_coverage(void **state)
{
	(void)state;
	ims_model *m = intel_model(0);
	ims_kfacts k;
	memset(&k, 0, sizeof(k));
	ims_analysis a;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_true(has_rule(&a, "ioapic-not-in-dmar"));
	assert_int_equal(a.answers[IMS_Q_FIRMWARE_IOMMU].verdict, IMS_V_YES);
	assert_int_equal(a.answers[IMS_Q_INTERRUPT_REMAPPING].verdict, IMS_V_NO);
	assert_int_equal(a.answers[IMS_Q_INTERRUPT_REMAPPING].basis, IMS_BASIS_TABLES);
	assert_int_equal(a.answers[IMS_Q_DMA_REMAPPING].verdict, IMS_V_UNKNOWN); /* no log */
	ims_analysis_free(&a);
	ims_model_free(m);

	/* INTR_REMAP clear: the kernel never checks IOAPIC scopes; the flag is the
	 * finding (dmar-ir-unsupported), IR is still predicted off. */
	m = intel_model(0);
	m->dmar.flags = 0;
	m->dmar.intr_remap = false;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "ioapic-not-in-dmar"));
	assert_true(has_rule(&a, "dmar-ir-unsupported"));
	assert_int_equal(a.answers[IMS_Q_INTERRUPT_REMAPPING].verdict, IMS_V_NO);
	ims_analysis_free(&a);
	ims_model_free(m);

	m = intel_model(2); /* covered: no finding, IR unknown without a log */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "ioapic-not-in-dmar"));
	assert_int_equal(a.answers[IMS_Q_INTERRUPT_REMAPPING].verdict, IMS_V_UNKNOWN);
	ims_analysis_free(&a);
	ims_model_free(m);
}

/* Kernel semantics: 'DMAR: IOMMU enabled' alone is not proof of translation;
 * passthrough default domain is 'yes, passthrough'; IR xapic -> x2apic no. */
static void test_kernel_semantics(void **state)
{
	(void)state;
	ims_model *m = intel_model(2);
	ims_kfacts k;
	memset(&k, 0, sizeof(k));
	k.present = true;
	k.log_start_seen = true;
	k.log_complete = true;
	k.cmdline = (ims_kref){true, 0, 2, "ro intel_iommu=on"};
	k.intel_echo_on = (ims_kref){true, 0, 5, "DMAR: IOMMU enabled"};
	ims_analysis a;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_int_equal(a.answers[IMS_Q_DMA_REMAPPING].verdict, IMS_V_NO);
	assert_non_null(strstr(a.answers[IMS_Q_DMA_REMAPPING].reason, "only echoes"));
	ims_analysis_free(&a);

	k.intel_active = (ims_kref){true, 0, 40, NULL};
	k.default_domain = (ims_kref){true, 0, 30, NULL};
	k.dd_type = IMS_DD_PASSTHROUGH;
	k.dmar_ir_enabled = (ims_kref){true, 0, 20, NULL};
	k.dmar_ir_mode = IMS_IRMODE_XAPIC;
	k.dmar_ir_optout = (ims_kref){true, 0, 19, NULL};
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_int_equal(a.answers[IMS_Q_DMA_REMAPPING].verdict, IMS_V_YES);
	assert_string_equal(a.answers[IMS_Q_DMA_REMAPPING].detail, "passthrough");
	assert_int_equal(a.answers[IMS_Q_INTERRUPT_REMAPPING].verdict, IMS_V_YES);
	assert_int_equal(a.answers[IMS_Q_X2APIC].verdict, IMS_V_NO);
	assert_non_null(strstr(a.answers[IMS_Q_X2APIC].next_step, "no_x2apic_optout"));
	ims_analysis_free(&a);
	ims_model_free(m);
}

/* rmrr-not-e820-reserved: arch_rmrr_sanity_check semantics by kernel version
 * (5.6-6.0 reserved only; 6.1+ reserved or ACPI NVS); quiet without an e820 map. */
static void test_rmrr_e820(void **state)
{
	(void)state;
	ims_model *m = intel_model(2);
	ims_region *r = IMS_PUSH(m, regions);
	r->kind = IMS_REGION_RMRR;
	r->table = 0;
	r->base = 0x7b800000;
	r->end = 0x7fffffff;
	ims_kf_range e[3] = {
		{0x100000, 0x7affffff, 1, {true, 0, 3, NULL}},
		{0x7b000000, 0x7b7fffff, 2, {true, 0, 4, NULL}},
		{0x7b800000, 0x7fffffff, 4, {true, 0, 5, NULL}}, /* ACPI NVS */
	};
	ims_kfacts k;
	memset(&k, 0, sizeof(k));
	k.present = true;
	ims_analysis a;
	/* no e820 map: quiet, and the report says it could not check */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "rmrr-not-e820-reserved"));
	bool limit = false;
	for (size_t i = 0; i < a.n_limits; i++)
		limit = limit || strstr(a.limits[i], "no e820 map");
	assert_true(limit);
	ims_analysis_free(&a);

	k.e820 = e;
	k.n_e820 = 3;
	k.kernel_version = "6.1.0-18-amd64"; /* NVS accepted */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "rmrr-not-e820-reserved"));
	for (size_t i = 0; i < a.n_limits; i++)
		assert_null(strstr(a.limits[i], "no e820 map"));
	ims_analysis_free(&a);

	k.kernel_version = "5.15.0-91-generic"; /* e820__mapped_all(RESERVED) */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_true(has_rule(&a, "rmrr-not-e820-reserved"));
	ims_analysis_free(&a);

	k.kernel_version = "6.8.0";
	r->base = 0x7a5f2000; /* starts in usable RAM: every kernel warns */
	r->end = 0x7a83bfff;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_true(has_rule(&a, "rmrr-not-e820-reserved"));
	ims_analysis_free(&a);

	r->base = 0x7b000000; /* inside the reserved entry */
	r->end = 0x7b0fffff;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "rmrr-not-e820-reserved"));
	ims_analysis_free(&a);
	ims_model_free(m);
}

/* OEM revision of the log's table list line takes part in log-table-differs;
 * the CPU vendor from the log names the firmware switch when no table does. */
static void test_log_table_and_vendor(void **state)
{
	(void)state;
	ims_model *m = intel_model(2);
	m->tables[0].oem_revision = 1;
	ims_kf_table t;
	memset(&t, 0, sizeof(t));
	strcpy(t.signature, "DMAR");
	t.length = 100;
	t.revision = m->tables[0].revision;
	memcpy(t.oem_table_id, m->tables[0].oem_table_id, sizeof(t.oem_table_id));
	t.has_oem_revision = true;
	t.oem_revision = 1;
	t.ref = (ims_kref){true, 0, 8, NULL};
	ims_kfacts k;
	memset(&k, 0, sizeof(k));
	k.present = true;
	k.acpi_tables = &t;
	k.n_acpi_tables = 1;
	ims_analysis a;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "log-table-differs"));
	ims_analysis_free(&a);
	t.oem_revision = 2; /* same length, revision and ids: only the OEM revision differs */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_true(has_rule(&a, "log-table-differs"));
	ims_analysis_free(&a);
	t.has_oem_revision = false; /* column not read: not a difference */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_false(has_rule(&a, "log-table-differs"));
	ims_analysis_free(&a);
	ims_model_free(m);

	/* tables without DMAR/IVRS: the advice follows the log's CPU */
	m = ims_model_new();
	ims_model_add_input(m, "dump", IMS_FMT_ACPIDUMP, 1);
	ims_table *ft = IMS_PUSH(m, tables);
	strcpy(ft->signature, "FACP");
	memset(&k, 0, sizeof(k));
	k.present = true;
	k.cpu_vendor = IMS_VENDOR_AMD;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_int_equal(a.answers[IMS_Q_FIRMWARE_IOMMU].verdict, IMS_V_NO);
	assert_non_null(strstr(a.answers[IMS_Q_FIRMWARE_IOMMU].next_step, "AMD CBS"));
	assert_null(strstr(a.answers[IMS_Q_FIRMWARE_IOMMU].next_step, "VT-d"));
	ims_analysis_free(&a);
	k.cpu_vendor = IMS_VENDOR_INTEL;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_non_null(strstr(a.answers[IMS_Q_FIRMWARE_IOMMU].next_step, "enable VT-d"));
	ims_analysis_free(&a);
	k.cpu_vendor = 0; /* unknown: both named */
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_non_null(strstr(a.answers[IMS_Q_FIRMWARE_IOMMU].next_step, "VT-d on Intel"));
	ims_analysis_free(&a);
	ims_model_free(m);
}

/* A 1:1-mapping refusal line names the device: finding and device report carry it. */
static void test_direct_refused(void **state)
{
	(void)state;
	ims_model *m = intel_model(2);
	ims_kf_pci pci;
	memset(&pci, 0, sizeof(pci));
	pci.segment = 0;
	pci.bdf = IMS_BDF(0, 0x14, 0);
	pci.class_code = 0x0c0330;
	pci.header_type = 0;
	pci.group = 5;
	pci.ref = (ims_kref){true, 0, 30, NULL};
	ims_kbdfref r;
	memset(&r, 0, sizeof(r));
	r.bdf_known = true;
	r.bdf = pci.bdf;
	r.ref = (ims_kref){true, 0, 90, "vfio-pci 0000:00:14.0: Firmware has requested this device have a 1:1 IOMMU mapping"};
	ims_kfacts k;
	memset(&k, 0, sizeof(k));
	k.present = true;
	k.pci = &pci;
	k.n_pci = 1;
	k.direct_refused = &r;
	k.n_direct_refused = 1;
	ims_analysis a;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	bool found = false;
	for (size_t i = 0; i < a.n_findings; i++)
		if (!strcmp(a.findings[i].rule, "kernel-direct-map-refused")) {
			found = true;
			assert_non_null(strstr(a.findings[i].message, "00:14.0"));
		}
	assert_true(found);
	assert_int_equal(a.n_devices, 1);
	assert_non_null(strstr(a.devices[0].verdict_text, "kernel refused it"));
	bool ev = false;
	for (unsigned i = 0; i < a.devices[0].nev; i++)
		ev = ev || a.devices[0].ev[i].line == 90;
	assert_true(ev);
	ims_analysis_free(&a);
	ims_model_free(m);
}

/* Groups: bridges are ignored (VFIO allows non-normal header types); own
 * functions vs other slots; RMRR of a NIC is not relaxable, of a GPU is. */
static void test_groups(void **state)
{
	(void)state;
	ims_model *m = intel_model(2);
	ims_region *r = IMS_PUSH(m, regions);
	r->kind = IMS_REGION_RMRR;
	r->base = 0x7b800000;
	r->end = 0x7fffffff;
	r->first_scope = 0;
	r->nscopes = 1;
	ims_scope *sc = IMS_PUSH(m, scopes);
	sc->type = IMS_SCOPE_ENDPOINT;
	sc->bdf_known = true;
	sc->bdf = IMS_BDF(3, 0, 0);
	ims_kf_pci pci[] = {
		{0, IMS_BDF(0, 1, 0), 0x060400, 0x8086, 1, 1, 1, {0}, {0}},
		{0, IMS_BDF(1, 0, 0), 0x030000, 0x10de, 2, 0, 1, {0}, {0}},
		{0, IMS_BDF(1, 0, 1), 0x040300, 0x10de, 3, 0, 1, {0}, {0}},
		{0, IMS_BDF(2, 0, 0), 0x030000, 0x1002, 4, 0, 2, {0}, {0}},
		{0, IMS_BDF(3, 0, 0), 0x020000, 0x10ec, 5, 0, 2, {0}, {0}},
	};
	ims_kfacts k;
	memset(&k, 0, sizeof(k));
	k.present = true;
	k.pci = pci;
	k.n_pci = 5;
	k.n_groups_seen = 5;
	ims_analysis a;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_int_equal(a.n_devices, 3); /* GPU audio 01:00.1 reported with its GPU */
	assert_int_equal(a.devices[0].isolation, IMS_ISO_WITH_FUNCTIONS);
	assert_int_equal(a.devices[1].isolation, IMS_ISO_SHARED);
	assert_int_equal(a.devices[2].isolation, IMS_ISO_SHARED);
	assert_int_equal(a.devices[2].direct_region, 0);
	assert_false(a.devices[2].direct_relaxable);
	assert_true(has_rule(&a, "direct-map-blocks-vfio"));
	assert_int_equal(a.answers[IMS_Q_GPU_ISOLATION].verdict, IMS_V_NO);
	ims_analysis_free(&a);
	pci[3].group = 3; /* the second GPU alone: all GPUs isolated, NIC now alone too */
	pci[4].header_type = 0;
	pci[4].group = 4;
	assert_int_equal(ims_analyze(m, &k, &a), IMS_OK);
	assert_int_equal(a.answers[IMS_Q_GPU_ISOLATION].verdict, IMS_V_YES);
	ims_analysis_free(&a);
	ims_model_free(m);
}

/* Every rule id is unique, lowercase-hyphenated and documented. */
static void test_catalog(void **state)
{
	(void)state;
	size_t n = 0;
	for (const ims_rule_info *r = ims_rules; r->id; r++, n++) {
		assert_non_null(r->doc);
		assert_true(strlen(r->doc) > 20);
		for (const char *p = r->id; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
		for (const ims_rule_info *q = ims_rules; q != r; q++)
			assert_string_not_equal(q->id, r->id);
		assert_ptr_equal(ims_rule_find(r->id), r);
	}
	assert_true(n >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline),	       cmocka_unit_test(test_classes),
		cmocka_unit_test(test_ioapic_coverage), cmocka_unit_test(test_kernel_semantics),
		cmocka_unit_test(test_groups),	       cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_rmrr_e820),      cmocka_unit_test(test_log_table_and_vendor),
		cmocka_unit_test(test_direct_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
