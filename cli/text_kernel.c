/* SPDX-License-Identifier: MIT */
/* Human-readable rendering of the kernel-log view.  Every fact ends with
 * its evidence line as "(line N)". */
#include "cli.h"
#include "kernel_render.h"

#include <string.h>

static const char *yesno(int8_t s) { return s < 0 ? "unknown" : s ? "yes" : "no"; }

static void flagline(FILE *out, const char *label, ims_kflag f)
{
	if (f.state < 0)
		return;
	fprintf(out, "  %-28s %s (line %u)\n", label, yesno(f.state), f.line);
}

static void print_names(FILE *out, const char *label, ims_bits_kind kind, uint64_t v)
{
	const char *n[64];
	size_t c = ims_bits_names(kind, v, n, 64);
	fprintf(out, "      %s:", label);
	for (size_t i = 0; i < c && i < 64; i++)
		fprintf(out, " %s", n[i]);
	fprintf(out, "%s\n", c ? "" : " (none)");
}

static void boot_text(FILE *out, const ims_kboot *b, bool verbose)
{
	fprintf(out, "Boot %u: lines %u-%u (%u kernel lines", b->number, b->first_line, b->last_line, b->lines);
	for (int f = 0; f < IMS_KLOG_FMT_COUNT; f++)
		if (b->format_lines[f])
			fprintf(out, "; %s %u", ims_klog_format_name((ims_klog_format)f), b->format_lines[f]);
	fprintf(out, ")%s\n", b->start_missing ? " - start of boot missing" : "");
	if (b->version[0])
		fprintf(out, "  %-28s %s (line %u)\n", "Kernel", b->version, b->version_line);
	if (b->dmi[0])
		fprintf(out, "  %-28s %s (line %u)\n", "DMI", b->dmi, b->dmi_line);
	if (b->cpu_line)
		fprintf(out, "  %-28s %s%s%s (line %u)\n", "CPU", b->cpu_vendor[0] ? b->cpu_vendor : "vendor unknown",
			b->cpu_model[0] ? ": " : "", b->cpu_model, b->cpu_line);
	if (b->n_e820) {
		size_t nres = 0;
		for (size_t i = 0; i < b->n_e820; i++)
			nres += b->e820[i].type == IMS_E820_RESERVED || b->e820[i].type == IMS_E820_NVS;
		fprintf(out, "  %-28s %zu entries, %zu reserved/ACPI NVS%s (lines %u-%u)\n", "e820 map", b->n_e820, nres,
			b->n_e820_dropped ? ", cap reached" : "", b->e820[0].line, b->e820[b->n_e820 - 1].line);
		if (verbose)
			for (size_t i = 0; i < b->n_e820; i++)
				fprintf(out, "    0x%016llx-0x%016llx %s (line %u)\n", (unsigned long long)b->e820[i].start,
					(unsigned long long)b->e820[i].end, ims_e820_type_name(b->e820[i].type), b->e820[i].line);
	}
	if (b->cmdline_line) {
		fprintf(out, "  %-28s (line %u)", "IOMMU parameters", b->cmdline_line);
		if (!b->n_params)
			fprintf(out, " none");
		fprintf(out, "\n");
		for (size_t i = 0; i < b->n_params; i++)
			fprintf(out, "    %s%s%s%s%s\n", b->params[i].name, b->params[i].value[0] ? "=" : "", b->params[i].value,
				b->params[i].valid ? "" : "  INVALID: ", b->params[i].valid ? "" : b->params[i].problem);
	}
	fprintf(out, "  %-28s %s", "IOMMU enabled", yesno(b->enabled));
	if (b->enabled_why)
		fprintf(out, " - %s", b->enabled_why);
	if (b->enabled_line)
		fprintf(out, " (line %u)", b->enabled_line);
	fprintf(out, "\n");
	if (b->default_domain[0])
		fprintf(out, "  %-28s %s%s (line %u)\n", "Default domain", b->default_domain,
			b->default_domain_source == IMS_KDOM_SRC_CMDLINE  ? ", set on the command line"
			: b->default_domain_source == IMS_KDOM_SRC_DRIVER ? ", from the AMD-Vi driver line"
									  : "",
			b->default_domain_line);
	if (b->tlb_policy[0])
		fprintf(out, "  %-28s %s (line %u)\n", "TLB invalidation", b->tlb_policy, b->tlb_policy_line);
	if (b->ir.state >= 0) {
		fprintf(out, "  %-28s %s", "Interrupt remapping", b->ir.state ? "enabled" : "disabled");
		if (b->ir_mode[0])
			fprintf(out, ", %s mode", b->ir_mode);
		fprintf(out, " (line %u)", b->ir.line);
		if (b->ir_why)
			fprintf(out, " - %s (line %u)", b->ir_why, b->ir_why_line);
		fprintf(out, "\n");
	}
	for (size_t i = 0; i < b->n_acpi; i++) {
		const ims_kacpi *a = &b->acpi[i];
		if (!verbose && strcmp(a->signature, "DMAR") && strcmp(a->signature, "IVRS"))
			continue;
		fprintf(out, "  ACPI %-23s 0x%llx, %u bytes, v%02u %s %s", a->signature, (unsigned long long)a->address,
			a->length, a->revision, a->oem_id, a->oem_table_id);
		if (a->has_oem_revision)
			fprintf(out, " OEM rev 0x%08x", a->oem_revision);
		fprintf(out, " (line %u)\n", a->line);
	}
	for (size_t i = 0; i < b->n_upgrades; i++)
		fprintf(out, "  ACPI table upgrade: %s (line %u)\n", b->upgrades[i].text, b->upgrades[i].line);

	if (b->haw || b->n_dmar_units || b->n_rmrrs) {
		fprintf(out, "  Intel VT-d:\n");
		if (b->haw)
			fprintf(out, "    Host address width %u (line %u)\n", b->haw, b->haw_line);
		for (size_t i = 0; i < b->n_dmar_units; i++) {
			const ims_kdmar_unit *u = &b->dmar_units[i];
			fprintf(out, "    unit 0x%llx", (unsigned long long)u->base);
			if (u->seq >= 0)
				fprintf(out, " dmar%d", u->seq);
			if (u->has_drhd)
				fprintf(out, ", DRHD flags 0x%x%s (line %u)", u->drhd_flags,
					u->drhd_flags & 1 ? " INCLUDE_PCI_ALL" : "", u->drhd_line);
			fprintf(out, "\n");
			if (u->has_regs) {
				fprintf(out, "      ver %u:%u cap 0x%llx ecap 0x%llx (line %u): MGAW %u bits, SAGAW 0x%x, %u fault records\n",
					u->ver_major, u->ver_minor, (unsigned long long)u->cap, (unsigned long long)u->ecap,
					u->regs_line, IMS_VTD_CAP_MGAW(u->cap), IMS_VTD_CAP_SAGAW(u->cap),
					IMS_VTD_CAP_NFR(u->cap));
				print_names(out, "cap", IMS_BITS_VTD_CAP, u->cap);
				print_names(out, "ecap", IMS_BITS_VTD_ECAP, u->ecap);
			}
			if (u->queued_invalidation >= 0)
				fprintf(out, "      %s invalidation (line %u)\n",
					u->queued_invalidation ? "queued" : "register-based", u->qi_line);
			if (u->usable == 0)
				fprintf(out, "      not usable for DMA translation (line %u)\n", u->usable_line);
		}
		for (size_t i = 0; i < b->n_rmrrs; i++)
			fprintf(out, "    RMRR 0x%llx-0x%llx (line %u)\n", (unsigned long long)b->rmrrs[i].base,
				(unsigned long long)b->rmrrs[i].end, b->rmrrs[i].line);
		for (size_t i = 0; i < b->n_specials; i++) {
			const ims_kspecial *s = &b->specials[i];
			fprintf(out, "    %s %u under DRHD 0x%llx (line %u)\n", s->kind == IMS_KSPECIAL_IOAPIC ? "IOAPIC" : "HPET",
				s->id, (unsigned long long)s->drhd_base, s->line);
		}
		if (b->atsr.state >= 0)
			fprintf(out, "    ATSR %s (line %u)\n", b->atsr.state ? "present" : "absent", b->atsr.line);
		if (b->satc.state >= 0)
			fprintf(out, "    SATC %s (line %u)\n", b->satc.state ? "present" : "absent", b->satc.line);
	}
	flagline(out, "VT-d initialised", b->vtd_enabled);
	flagline(out, "Platform opt-in forced on", b->platform_opt_in);
	flagline(out, "x2APIC opt-out (BIOS)", b->x2apic_opt_out);

	if (b->n_amd_iommus || b->has_global_efr || b->has_efr_line) {
		fprintf(out, "  AMD-Vi:\n");
		for (size_t i = 0; i < b->n_amd_iommus; i++) {
			const ims_kamd_iommu *a = &b->amd_iommus[i];
			char s[16] = "?";
			if (a->bdf_known)
				ims_bdf_format(a->segment, a->bdf, s);
			fprintf(out, "    IOMMU %s", s);
			if (a->has_cap)
				fprintf(out, " cap 0x%x", a->cap_offset);
			if (a->has_mmio)
				fprintf(out, " mmio 0x%llx", (unsigned long long)a->mmio);
			fprintf(out, " (line %u)\n", a->line);
			if (a->has_efr) {
				fprintf(out, "      EFR 0x%llx (line %u)\n", (unsigned long long)a->efr, a->efr_line);
				print_names(out, "features", IMS_BITS_AMD_EFR, a->efr);
			}
		}
		if (b->has_global_efr) {
			fprintf(out, "    global EFR 0x%llx EFR2 0x%llx (line %u)\n", (unsigned long long)b->global_efr,
				(unsigned long long)b->global_efr2, b->global_efr_line);
			print_names(out, "features", IMS_BITS_AMD_EFR, b->global_efr);
		}
		if (b->has_efr_line) {
			fprintf(out, "    extended features 0x%llx (line %u)\n", (unsigned long long)b->efr_line_efr, b->efr_line_line);
			print_names(out, "features", IMS_BITS_AMD_EFR, b->efr_line_efr);
		}
	}
	flagline(out, "AMD virtual APIC", b->amd_vapic);
	flagline(out, "AMD x2APIC", b->amd_x2apic);
	flagline(out, "AMD IOMMUv2", b->amd_iommuv2);
	flagline(out, "AMD perf counters", b->amd_perf);
	flagline(out, "AMD passthrough mode", b->amd_passthrough);
	for (size_t i = 0; i < b->n_hids; i++)
		fprintf(out, "    ACPI HID %s uid %s -> rdevid %u (%s, line %u)\n", b->hids[i].hid, b->hids[i].uid,
			b->hids[i].rdevid, b->hids[i].source, b->hids[i].line);
	if (b->completion_wait_timeouts)
		fprintf(out, "  %-28s %u (first line %u)\n", "Completion-wait timeouts", b->completion_wait_timeouts,
			b->completion_wait_line);
	flagline(out, "SWIOTLB", b->swiotlb);
	flagline(out, "ACS override", b->acs_override);
	flagline(out, "Memory encryption", b->mem_encrypt);
	flagline(out, "VFIO: no IR support", b->vfio_no_ir);
	for (size_t i = 0; i < b->n_vfio; i++)
		fprintf(out, "    vfio: %s (line %u)\n", b->vfio[i].text, b->vfio[i].line);
	for (size_t i = 0; i < b->n_refusals; i++)
		fprintf(out, "  %-28s %s (line %u)\n", "1:1 mapping refused", b->refusals[i].device[0] ? b->refusals[i].device : "?",
			b->refusals[i].line);

	/* groups */
	size_t ngroups = 0;
	int32_t prev = -1;
	for (;;) {
		int32_t next = -1;
		for (size_t i = 0; i < b->n_groupdevs; i++)
			if (b->groupdevs[i].group > prev && (next < 0 || b->groupdevs[i].group < next))
				next = b->groupdevs[i].group;
		if (next < 0)
			break;
		if (!ngroups++)
			fprintf(out, "  IOMMU groups:\n");
		fprintf(out, "    group %d:", next);
		for (size_t i = 0; i < b->n_groupdevs; i++)
			if (b->groupdevs[i].group == next)
				fprintf(out, " %s%s", b->groupdevs[i].device, b->groupdevs[i].removed ? "(removed)" : "");
		fprintf(out, "\n");
		prev = next;
	}
	fprintf(out, "  %-28s %zu%s\n", "PCI devices", b->n_pci, b->n_pci_dropped ? " (cap reached)" : "");
	if (verbose)
		for (size_t i = 0; i < b->n_pci; i++) {
			const ims_kpci *d = &b->pci[i];
			char s[16];
			ims_bdf_format(d->segment, d->bdf, s);
			fprintf(out, "    %s [%04x:%04x] type %02x class %06x", s, d->vendor, d->device, d->header_type,
				d->class_code);
			if (d->has_bus_range)
				fprintf(out, " bus %02x-%02x", d->secondary, d->subordinate);
			if (d->group >= 0)
				fprintf(out, " group %d", d->group);
			fprintf(out, " (line %u)\n", d->line);
		}
	for (size_t i = 0; i < b->n_fwbugs; i++)
		fprintf(out, "  firmware %-19s %s (line %u)\n", ims_kfw_class_name(b->fwbugs[i].cls), b->fwbugs[i].text,
			b->fwbugs[i].line);
	for (size_t i = 0; i < b->n_faults; i++) {
		const ims_kfault *f = &b->faults[i];
		char s[16] = "?";
		if (f->bdf_known)
			ims_bdf_format(f->segment, f->bdf, s);
		fprintf(out, "  fault %s %s device %s", f->vendor == IMS_VENDOR_INTEL ? "DMAR" : "AMD-Vi", f->kind, s);
		if (f->reason >= 0)
			fprintf(out, " reason 0x%02x", (unsigned)f->reason);
		if (f->reason_text[0])
			fprintf(out, " %s", f->reason_text);
		fprintf(out, ": %u times, lines %u-%u, address 0x%llx..0x%llx\n", f->count, f->first_line, f->last_line,
			(unsigned long long)f->first_addr, (unsigned long long)f->last_addr);
	}
	if (b->n_faults_dropped)
		fprintf(out, "  %u further fault events not aggregated (cap)\n", b->n_faults_dropped);
	if (verbose)
		for (size_t i = 0; i < b->n_notes; i++)
			fprintf(out, "  note %-23s %s (line %u)\n", b->notes[i].kind, b->notes[i].text, b->notes[i].line);
	if (b->unmatched_count) {
		fprintf(out, "  %-28s %u%s\n", "Unrecognised IOMMU lines", b->unmatched_count, verbose ? ":" : " (--verbose lists them)");
		if (verbose)
			for (size_t i = 0; i < b->n_unmatched; i++)
				fprintf(out, "    line %u: %s\n", b->unmatched[i].line, b->unmatched[i].text);
	}
}

void ims_text_kernel(FILE *out, const struct ims_kernel *k, int boot, bool verbose)
{
	if (!k || !k->n_boots) {
		fprintf(out, "No kernel messages found.\n");
		return;
	}
	if (k->boots_seen > 1)
		fprintf(out, "%u boots in the log (%zu kept); ", k->boots_seen, k->n_boots);
	fprintf(out, "%llu lines, %llu kernel lines\n", (unsigned long long)k->lines, (unsigned long long)k->kernel_lines);
	for (size_t i = 0; i < k->n_boots; i++) {
		bool want = boot == -2 || (boot == -1 && i + 1 == k->n_boots) || (boot >= 0 && (size_t)boot == i);
		if (want)
			boot_text(out, &k->boots[i], verbose);
	}
}
