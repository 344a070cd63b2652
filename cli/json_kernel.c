/* SPDX-License-Identifier: MIT */
/* JSON rendering of the kernel-log view.  Keys are lowercase snake_case;
 * every fact carries "line" (1-based line of the input it came from). */
#include "cli.h"
#include "kernel_render.h"

#include <stdio.h>
#include <string.h>

static void set(json_t *o, const char *k, json_t *v) { json_object_set_new(o, k, v ? v : json_null()); }

static json_t *hex(uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	return json_string(b);
}

static json_t *bdf(uint16_t seg, uint16_t b)
{
	char s[16];
	ims_bdf_format(seg, b, s);
	return json_string(s);
}

static json_t *tri(int8_t s) { return s < 0 ? json_null() : json_boolean(s); }

static json_t *kflag(ims_kflag f)
{
	json_t *o = json_object();
	set(o, "value", tri(f.state));
	set(o, "line", f.line ? json_integer(f.line) : json_null());
	return o;
}

static json_t *names(ims_bits_kind kind, uint64_t v)
{
	const char *n[64];
	size_t c = ims_bits_names(kind, v, n, 64);
	json_t *a = json_array();
	for (size_t i = 0; i < c && i < 64; i++)
		json_array_append_new(a, json_string(n[i]));
	return a;
}

static json_t *efr_obj(uint64_t efr, uint64_t efr2, bool has2, uint32_t line)
{
	json_t *o = json_object();
	set(o, "efr", hex(efr));
	set(o, "efr2", has2 ? hex(efr2) : json_null());
	set(o, "features", names(IMS_BITS_AMD_EFR, efr));
	const char *kn[16];
	size_t c = ims_amd_efr_kernel_names(efr, kn, 16);
	json_t *a = json_array();
	for (size_t i = 0; i < c && i < 16; i++)
		json_array_append_new(a, json_string(kn[i]));
	set(o, "kernel_names", a);
	set(o, "pasmax", json_integer(IMS_AMD_EFR_PASMAX(efr)));
	set(o, "line", line ? json_integer(line) : json_null());
	return o;
}

static json_t *klines(const ims_kline *l, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		set(o, "line", json_integer(l[i].line));
		set(o, "kind", json_string(l[i].kind));
		set(o, "text", json_string(l[i].text));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *boot_json(const ims_kboot *b)
{
	json_t *o = json_object();
	set(o, "number", json_integer(b->number));
	set(o, "input", json_integer(b->input));
	set(o, "first_line", json_integer(b->first_line));
	set(o, "last_line", json_integer(b->last_line));
	set(o, "lines", json_integer(b->lines));
	json_t *fm = json_object();
	for (int f = 0; f < IMS_KLOG_FMT_COUNT; f++)
		if (b->format_lines[f])
			set(fm, ims_klog_format_name((ims_klog_format)f), json_integer(b->format_lines[f]));
	set(o, "formats", fm);
	set(o, "start_missing", json_boolean(b->start_missing));

	json_t *en = json_object();
	set(en, "value", tri(b->enabled));
	set(en, "why", b->enabled_why ? json_string(b->enabled_why) : json_null());
	set(en, "line", b->enabled_line ? json_integer(b->enabled_line) : json_null());
	set(o, "iommu_enabled", en);

	json_t *kv = json_object();
	set(kv, "version", b->version[0] ? json_string(b->version) : json_null());
	set(kv, "line", b->version_line ? json_integer(b->version_line) : json_null());
	set(o, "kernel", kv);

	json_t *cl = json_object();
	set(cl, "text", b->cmdline_line ? json_string(b->cmdline) : json_null());
	set(cl, "line", b->cmdline_line ? json_integer(b->cmdline_line) : json_null());
	json_t *pa = json_array();
	for (size_t i = 0; i < b->n_params; i++) {
		json_t *p = json_object();
		set(p, "name", json_string(b->params[i].name));
		set(p, "value", json_string(b->params[i].value));
		set(p, "valid", json_boolean(b->params[i].valid));
		set(p, "problem", b->params[i].problem ? json_string(b->params[i].problem) : json_null());
		json_array_append_new(pa, p);
	}
	set(cl, "iommu_params", pa);
	set(o, "cmdline", cl);

	json_t *dmi = json_object();
	set(dmi, "text", b->dmi_line ? json_string(b->dmi) : json_null());
	set(dmi, "line", b->dmi_line ? json_integer(b->dmi_line) : json_null());
	set(o, "dmi", dmi);

	json_t *acpi = json_array();
	for (size_t i = 0; i < b->n_acpi; i++) {
		const ims_kacpi *a = &b->acpi[i];
		json_t *t = json_object();
		set(t, "signature", json_string(a->signature));
		set(t, "address", hex(a->address));
		set(t, "length", json_integer(a->length));
		set(t, "revision", json_integer(a->revision));
		set(t, "oem_id", json_string(a->oem_id));
		set(t, "oem_table_id", json_string(a->oem_table_id));
		set(t, "oem_revision", a->has_oem_revision ? json_integer(a->oem_revision) : json_null());
		set(t, "line", json_integer(a->line));
		json_array_append_new(acpi, t);
	}
	set(o, "acpi_tables", acpi);
	set(o, "acpi_table_upgrades", klines(b->upgrades, b->n_upgrades));
	json_t *e8 = json_array();
	for (size_t i = 0; i < b->n_e820; i++) {
		const ims_ke820 *e = &b->e820[i];
		json_t *j = json_object();
		set(j, "start", hex(e->start));
		set(j, "end", hex(e->end));
		set(j, "type", json_integer(e->type));
		set(j, "type_name", json_string(ims_e820_type_name(e->type)));
		set(j, "line", json_integer(e->line));
		json_array_append_new(e8, j);
	}
	set(o, "e820", e8);
	set(o, "e820_dropped", json_integer(b->n_e820_dropped));
	json_t *cpu = json_object();
	set(cpu, "vendor", b->cpu_vendor[0] ? json_string(b->cpu_vendor) : json_null());
	set(cpu, "model", b->cpu_model[0] ? json_string(b->cpu_model) : json_null());
	set(cpu, "line", b->cpu_line ? json_integer(b->cpu_line) : json_null());
	set(o, "cpu", cpu);

	json_t *in = json_object();
	set(in, "host_address_width", b->haw ? json_integer(b->haw) : json_null());
	set(in, "haw_line", b->haw_line ? json_integer(b->haw_line) : json_null());
	json_t *units = json_array();
	for (size_t i = 0; i < b->n_dmar_units; i++) {
		const ims_kdmar_unit *u = &b->dmar_units[i];
		json_t *j = json_object();
		set(j, "base", hex(u->base));
		set(j, "name", u->seq >= 0 ? json_sprintf("dmar%d", u->seq) : json_null());
		set(j, "drhd_flags", u->has_drhd ? json_integer(u->drhd_flags) : json_null());
		set(j, "include_pci_all", u->has_drhd ? json_boolean(u->drhd_flags & 1) : json_null());
		set(j, "drhd_line", u->has_drhd ? json_integer(u->drhd_line) : json_null());
		if (u->has_regs) {
			set(j, "version", json_sprintf("%u:%u", u->ver_major, u->ver_minor));
			set(j, "cap", hex(u->cap));
			set(j, "ecap", hex(u->ecap));
			set(j, "cap_features", names(IMS_BITS_VTD_CAP, u->cap));
			set(j, "ecap_features", names(IMS_BITS_VTD_ECAP, u->ecap));
			set(j, "mgaw", json_integer(IMS_VTD_CAP_MGAW(u->cap)));
			set(j, "sagaw", json_integer(IMS_VTD_CAP_SAGAW(u->cap)));
			set(j, "domains", json_integer((json_int_t)1 << (4 + 2 * IMS_VTD_CAP_ND(u->cap))));
			set(j, "fault_records", json_integer(IMS_VTD_CAP_NFR(u->cap)));
			set(j, "sllps", json_integer(IMS_VTD_CAP_SLLPS(u->cap)));
			set(j, "pasid_bits", (u->ecap >> 40) & 1 ? json_integer(IMS_VTD_ECAP_PSS(u->ecap) + 1) : json_null());
			set(j, "regs_line", json_integer(u->regs_line));
		}
		set(j, "queued_invalidation", tri(u->queued_invalidation));
		set(j, "qi_line", u->qi_line ? json_integer(u->qi_line) : json_null());
		set(j, "usable", tri(u->usable));
		json_array_append_new(units, j);
	}
	set(in, "units", units);
	json_t *rm = json_array();
	for (size_t i = 0; i < b->n_rmrrs; i++) {
		json_t *r = json_object();
		set(r, "base", hex(b->rmrrs[i].base));
		set(r, "end", hex(b->rmrrs[i].end));
		set(r, "line", json_integer(b->rmrrs[i].line));
		json_array_append_new(rm, r);
	}
	set(in, "rmrrs", rm);
	set(in, "atsr", kflag(b->atsr));
	set(in, "satc", kflag(b->satc));
	json_t *sp = json_array();
	for (size_t i = 0; i < b->n_specials; i++) {
		const ims_kspecial *s = &b->specials[i];
		json_t *j = json_object();
		set(j, "kind", json_string(s->kind == IMS_KSPECIAL_IOAPIC ? "ioapic" : "hpet"));
		set(j, "id", json_integer(s->id));
		set(j, "drhd_base", hex(s->drhd_base));
		set(j, "iommu", s->iommu >= 0 ? json_integer(s->iommu) : json_null());
		set(j, "line", json_integer(s->line));
		json_array_append_new(sp, j);
	}
	set(in, "ir_scopes", sp);
	set(in, "vtd_enabled", kflag(b->vtd_enabled));
	set(in, "platform_opt_in", kflag(b->platform_opt_in));
	set(in, "x2apic_opt_out", kflag(b->x2apic_opt_out));
	set(in, "qi_for_ir", kflag(b->qi_for_ir));
	set(o, "intel", in);

	json_t *ir = kflag(b->ir);
	set(ir, "mode", b->ir_mode[0] ? json_string(b->ir_mode) : json_null());
	set(ir, "why_disabled", b->ir_why ? json_string(b->ir_why) : json_null());
	set(ir, "why_line", b->ir_why_line ? json_integer(b->ir_why_line) : json_null());
	set(o, "interrupt_remapping", ir);

	json_t *amd = json_object();
	json_t *ai = json_array();
	for (size_t i = 0; i < b->n_amd_iommus; i++) {
		const ims_kamd_iommu *a = &b->amd_iommus[i];
		json_t *j = json_object();
		set(j, "bdf", a->bdf_known ? bdf(a->segment, a->bdf) : json_null());
		set(j, "cap_offset", a->has_cap ? hex(a->cap_offset) : json_null());
		set(j, "mmio", a->has_mmio ? hex(a->mmio) : json_null());
		set(j, "extended_features", a->has_efr ? efr_obj(a->efr, a->efr2, a->has_efr2, a->efr_line) : json_null());
		set(j, "perf_counters", kflag(a->perf_counters));
		set(j, "line", json_integer(a->line));
		json_array_append_new(ai, j);
	}
	set(amd, "iommus", ai);
	set(amd, "global_efr", b->has_global_efr ? efr_obj(b->global_efr, b->global_efr2, true, b->global_efr_line) : json_null());
	set(amd, "extended_features", b->has_efr_line ? efr_obj(b->efr_line_efr, b->efr_line_efr2, true, b->efr_line_line) : json_null());
	set(amd, "virtual_apic", kflag(b->amd_vapic));
	set(amd, "x2apic", kflag(b->amd_x2apic));
	set(amd, "iommuv2", kflag(b->amd_iommuv2));
	set(amd, "perf_counters", kflag(b->amd_perf));
	set(amd, "passthrough_mode", kflag(b->amd_passthrough));
	set(amd, "dma_ops", kflag(b->amd_dma_ops));
	set(amd, "ivhd_type", b->amd_ivhd_type ? hex(b->amd_ivhd_type) : json_null());
	json_t *hids = json_array();
	for (size_t i = 0; i < b->n_hids; i++) {
		json_t *h = json_object();
		set(h, "source", json_string(b->hids[i].source));
		set(h, "hid", json_string(b->hids[i].hid));
		set(h, "uid", json_string(b->hids[i].uid));
		set(h, "rdevid", json_integer(b->hids[i].rdevid));
		set(h, "line", json_integer(b->hids[i].line));
		json_array_append_new(hids, h);
	}
	set(amd, "acpi_hids", hids);
	set(amd, "completion_wait_timeouts", json_integer(b->completion_wait_timeouts));
	set(amd, "completion_wait_line", b->completion_wait_line ? json_integer(b->completion_wait_line) : json_null());
	set(o, "amd", amd);

	json_t *dd = json_object();
	set(dd, "type", b->default_domain[0] ? json_string(b->default_domain) : json_null());
	set(dd, "source", b->default_domain_source == IMS_KDOM_SRC_CMDLINE ? json_string("cmdline")
			  : b->default_domain_source == IMS_KDOM_SRC_DEFAULT ? json_string("kernel-default")
			  : b->default_domain_source == IMS_KDOM_SRC_DRIVER  ? json_string("driver")
									       : json_null());
	set(dd, "line", b->default_domain_line ? json_integer(b->default_domain_line) : json_null());
	set(o, "default_domain", dd);
	json_t *tlb = json_object();
	set(tlb, "mode", b->tlb_policy[0] ? json_string(b->tlb_policy) : json_null());
	set(tlb, "line", b->tlb_policy_line ? json_integer(b->tlb_policy_line) : json_null());
	set(o, "tlb_invalidation", tlb);
	set(o, "swiotlb", kflag(b->swiotlb));
	set(o, "acs_override", kflag(b->acs_override));
	set(o, "memory_encryption", kflag(b->mem_encrypt));
	set(o, "vfio_no_interrupt_remapping", kflag(b->vfio_no_ir));
	set(o, "dmar_table_listed", kflag(b->dmar_table));
	set(o, "ivrs_table_listed", kflag(b->ivrs_table));
	set(o, "vfio", klines(b->vfio, b->n_vfio));
	json_t *rf = json_array();
	for (size_t i = 0; i < b->n_refusals; i++) {
		const ims_krefusal *r = &b->refusals[i];
		json_t *j = json_object();
		set(j, "device", r->device[0] ? json_string(r->device) : json_null());
		set(j, "address", r->bdf_known ? bdf(r->segment, r->bdf) : json_null());
		set(j, "line", json_integer(r->line));
		set(j, "text", json_string(r->text));
		json_array_append_new(rf, j);
	}
	set(o, "direct_map_refusals", rf);
	set(o, "direct_map_refusals_dropped", json_integer(b->n_refusals_dropped));

	json_t *pci = json_array();
	for (size_t i = 0; i < b->n_pci; i++) {
		const ims_kpci *d = &b->pci[i];
		json_t *j = json_object();
		set(j, "address", bdf(d->segment, d->bdf));
		set(j, "vendor", json_sprintf("%04x", d->vendor));
		set(j, "device", json_sprintf("%04x", d->device));
		set(j, "header_type", json_integer(d->header_type));
		set(j, "class", json_sprintf("%06x", d->class_code));
		set(j, "group", d->group >= 0 ? json_integer(d->group) : json_null());
		if (d->has_bus_range) {
			set(j, "secondary_bus", json_integer(d->secondary));
			set(j, "subordinate_bus", json_integer(d->subordinate));
		}
		set(j, "line", json_integer(d->line));
		json_array_append_new(pci, j);
	}
	set(o, "pci_devices", pci);
	set(o, "pci_devices_dropped", json_integer(b->n_pci_dropped));

	/* groups: ordered by number, members in log order */
	json_t *groups = json_array();
	int32_t prev = -1;
	for (;;) {
		int32_t next = -1;
		for (size_t i = 0; i < b->n_groupdevs; i++) {
			int32_t g = b->groupdevs[i].group;
			if (g > prev && (next < 0 || g < next))
				next = g;
		}
		if (next < 0)
			break;
		json_t *g = json_object();
		json_t *devs = json_array();
		for (size_t i = 0; i < b->n_groupdevs; i++) {
			const ims_kgroupdev *d = &b->groupdevs[i];
			if (d->group != next)
				continue;
			json_t *j = json_object();
			set(j, "device", json_string(d->device));
			set(j, "pci", json_boolean(d->is_pci));
			set(j, "removed", json_boolean(d->removed));
			set(j, "line", json_integer(d->line));
			json_array_append_new(devs, j);
		}
		set(g, "id", json_integer(next));
		set(g, "devices", devs);
		json_array_append_new(groups, g);
		prev = next;
	}
	set(o, "groups", groups);

	json_t *fw = json_array();
	for (size_t i = 0; i < b->n_fwbugs; i++) {
		json_t *j = json_object();
		set(j, "class", json_string(ims_kfw_class_name(b->fwbugs[i].cls)));
		set(j, "level", json_string(b->fwbugs[i].level));
		set(j, "line", json_integer(b->fwbugs[i].line));
		set(j, "text", json_string(b->fwbugs[i].text));
		json_array_append_new(fw, j);
	}
	set(o, "firmware_bugs", fw);

	json_t *fa = json_array();
	for (size_t i = 0; i < b->n_faults; i++) {
		const ims_kfault *f = &b->faults[i];
		json_t *j = json_object();
		set(j, "vendor", json_string(f->vendor == IMS_VENDOR_INTEL ? "intel" : "amd"));
		set(j, "kind", json_string(f->kind));
		set(j, "device", f->bdf_known ? bdf(f->segment, f->bdf) : json_null());
		set(j, "reason", f->reason >= 0 ? json_integer(f->reason) : json_null());
		set(j, "reason_text", json_string(f->reason_text));
		set(j, "count", json_integer(f->count));
		set(j, "first_address", hex(f->first_addr));
		set(j, "last_address", hex(f->last_addr));
		if (f->vendor == IMS_VENDOR_AMD)
			set(j, "domain", hex(f->domain));
		set(j, "first_line", json_integer(f->first_line));
		set(j, "last_line", json_integer(f->last_line));
		json_array_append_new(fa, j);
	}
	set(o, "faults", fa);
	set(o, "fault_events", json_integer((json_int_t)b->fault_events));
	set(o, "notes", klines(b->notes, b->n_notes));
	set(o, "unmatched_count", json_integer(b->unmatched_count));
	set(o, "unmatched", klines(b->unmatched, b->n_unmatched));
	return o;
}

json_t *ims_json_kernel(const struct ims_kernel *k, int boot)
{
	json_t *o = json_object();
	set(o, "boots_seen", json_integer(k ? k->boots_seen : 0));
	set(o, "lines", json_integer(k ? (json_int_t)k->lines : 0));
	set(o, "kernel_lines", json_integer(k ? (json_int_t)k->kernel_lines : 0));
	json_t *a = json_array();
	if (k) {
		for (size_t i = 0; i < k->n_boots; i++) {
			bool want = boot == -2 || (boot == -1 && i + 1 == k->n_boots) || (boot >= 0 && (size_t)boot == i);
			if (want)
				json_array_append_new(a, boot_json(&k->boots[i]));
		}
	}
	set(o, "boots", a);
	return o;
}
