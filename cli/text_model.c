/* SPDX-License-Identifier: MIT */
/* Human-readable rendering of the decoded tables, grouped by IOMMU unit. */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

static void bdf(char out[16], uint16_t seg, uint16_t b) { ims_bdf_format(seg, b, out); }

static const char *tri(int s) { return s < 0 ? "unknown" : s ? "yes" : "no"; }

static void print_scope(FILE *out, const ims_scope *s, const char *indent)
{
	static const char *const names[] = {"reserved", "endpoint", "bridge", "ioapic", "hpet", "namespace"};
	fprintf(out, "%s%-9s enum-id %-3u bus %02x path", indent, s->type < 6 ? names[s->type] : "reserved",
		s->enum_id, s->start_bus);
	for (unsigned i = 0; i < s->path_len; i++)
		fprintf(out, " %02x.%x", s->path[i][0], s->path[i][1]);
	if (s->bdf_known) {
		char b[16];
		bdf(b, s->segment, s->bdf);
		fprintf(out, "  -> %s", b);
	}
	fprintf(out, "\n");
}

void ims_text_diagnostics(FILE *out, const ims_model *m, ims_severity min)
{
	size_t shown = 0;
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		if (d->severity < min)
			continue;
		if (!shown++)
			fprintf(out, "Diagnostics:\n");
		const char *in = d->input < m->n_inputs ? m->inputs[d->input].name : "?";
		fprintf(out, "  %-7s %-30s %s", ims_severity_name(d->severity), d->code, in);
		if (d->table >= 0)
			fprintf(out, " %s", m->tables[d->table].signature);
		if (d->has_offset)
			fprintf(out, " +0x%" PRIx64, d->offset);
		if (d->line)
			fprintf(out, " line %u", d->line);
		fprintf(out, ": %s\n", d->message);
	}
	if (m->diags_truncated)
		fprintf(out, "  (more diagnostics were dropped: limit %u)\n", IMS_MAX_DIAGS);
}

static void print_unit(FILE *out, const ims_model *m, size_t ui, bool verbose)
{
	const ims_unit *u = &m->units[ui];
	char b[16], b2[16];
	if (u->vendor == IMS_VENDOR_INTEL) {
		fprintf(out, "IOMMU %zu: Intel VT-d DRHD, segment %u, registers 0x%" PRIx64 " (%" PRIu64 " KiB)%s\n", ui,
			u->segment, u->base, u->reg_size / 1024, u->include_pci_all ? ", INCLUDE_PCI_ALL" : "");
	} else {
		bdf(b, u->segment, u->bdf);
		fprintf(out, "IOMMU %zu: AMD-Vi at %s, cap 0x%02x, MMIO 0x%" PRIx64 ", IVHD", ui, b, u->cap_offset,
			u->base);
		static const char *const tn[] = {"10h", "11h", "40h"};
		for (int k = 0; k < 3; k++)
			if (u->ivhd_types & (1u << k))
				fprintf(out, " %s", tn[k]);
		if (u->ivhd >= 0)
			fprintf(out, " (using %02Xh)", m->ivhds[u->ivhd].type);
		fprintf(out, "\n");
		if (u->has_efr)
			fprintf(out, "  EFR 0x%016" PRIx64 "  EFR2 0x%016" PRIx64 "\n", u->efr, u->efr2);
	}
	if (u->has_proximity)
		fprintf(out, "  proximity domain %u\n", u->proximity_domain);
	fprintf(out, "  capabilities:");
	for (int c = 0; c < IMS_CAP_COUNT; c++) {
		const ims_cap *cp = &u->caps[c];
		if (c == IMS_CAP_VA_BITS || c == IMS_CAP_PA_BITS) {
			if (cp->state > 0)
				fprintf(out, " %s=%u", ims_cap_name((ims_cap_id)c), cp->value);
		} else if (cp->state >= 0 || verbose) {
			fprintf(out, " %s=%s", ims_cap_name((ims_cap_id)c), tri(cp->state));
			if (cp->state > 0 && cp->value)
				fprintf(out, "(%u)", cp->value);
		}
	}
	fprintf(out, "\n");
	for (size_t i = 0; i < m->n_coverage; i++) {
		const ims_coverage *c = &m->coverage[i];
		if (c->unit != (int32_t)ui)
			continue;
		if (c->kind == IMS_COV_ALL) {
			fprintf(out, "  devices: all remaining on segment %u\n", c->segment);
			continue;
		}
		if (c->scope >= 0 && !c->bdf_known) {
			print_scope(out, &m->scopes[c->scope], "  device: ");
			continue;
		}
		bdf(b, c->segment, c->first);
		bdf(b2, c->segment, c->last);
		fprintf(out, "  devices: %-14s %s", ims_cov_kind_name(c->kind), b);
		if (c->last != c->first)
			fprintf(out, " .. %s", b2);
		if (c->kind == IMS_COV_ALIAS_SELECT || c->kind == IMS_COV_ALIAS_RANGE) {
			bdf(b2, c->segment, c->alias);
			fprintf(out, " as %s", b2);
		}
		if (c->dte)
			fprintf(out, " dte 0x%02x", c->dte);
		if ((c->kind == IMS_COV_EXT_SELECT || c->kind == IMS_COV_EXT_RANGE))
			fprintf(out, " ext 0x%08x", c->ext);
		fprintf(out, "\n");
	}
	for (size_t i = 0; i < m->n_specials; i++) {
		const ims_special *s = &m->specials[i];
		if (s->unit != (int32_t)ui)
			continue;
		fprintf(out, "  %s %u", s->kind == IMS_SPECIAL_IOAPIC ? "IOAPIC" : "HPET", s->id);
		if (s->bdf_known) {
			bdf(b, s->segment, s->bdf);
			fprintf(out, " -> %s", b);
		} else if (s->scope >= 0) {
			print_scope(out, &m->scopes[s->scope], " scope ");
			continue;
		}
		fprintf(out, "\n");
	}
	for (size_t i = 0; i < m->n_acpidevs; i++) {
		const ims_acpidev *a = &m->acpidevs[i];
		if (a->unit != (int32_t)ui)
			continue;
		fprintf(out, "  ACPI device %s%s%s%s%s", a->name, a->hid, a->cid[0] ? " CID " : "", a->cid,
			a->uid[0] ? " UID " : "");
		fprintf(out, "%s", a->uid);
		if (a->bdf_known) {
			bdf(b, a->segment, a->bdf);
			fprintf(out, " -> %s", b);
		}
		fprintf(out, "\n");
	}
}

void ims_text_tables(FILE *out, const ims_model *m, bool verbose)
{
	fprintf(out, "Tables:\n");
	for (size_t i = 0; i < m->n_tables; i++) {
		const ims_table *t = &m->tables[i];
		if (!verbose && !t->decoded)
			continue;
		fprintf(out, "  %-4s rev %u len %-6u %-6s %-8s OEM %s/%s  (%s%s%u)\n", t->signature, t->revision,
			t->length,
			!t->checksum_verified ? "" : t->checksum_ok ? "csum ok" : "BAD CSUM", t->creator_id,
			t->oem_id, t->oem_table_id, m->inputs[t->input].name, t->line ? ":" : " #", t->line ? t->line : (uint32_t)i);
	}
	size_t others = 0;
	for (size_t i = 0; i < m->n_tables; i++)
		others += !m->tables[i].decoded;
	if (others && !verbose)
		fprintf(out, "  (+%zu other tables; --verbose lists them)\n", others);
	if (m->dmar.present)
		fprintf(out, "DMAR: host address width %u, flags 0x%02x: INTR_REMAP=%d X2APIC_OPT_OUT=%d DMA_CTRL_PLATFORM_OPT_IN=%d\n",
			m->dmar.haw_bits, m->dmar.flags, m->dmar.intr_remap, m->dmar.x2apic_opt_out,
			m->dmar.platform_opt_in);
	if (m->ivrs.present)
		fprintf(out, "IVRS: IVinfo 0x%08x: EFRSup=%d DMA-remap=%d VA %u bits, PA %u bits, GVA code %u; kernel uses IVHD type %02Xh\n",
			m->ivrs.ivinfo, m->ivrs.efr_sup, m->ivrs.dma_remap, m->ivrs.va_size, m->ivrs.pa_size,
			m->ivrs.gva_size, m->ivrs.selected_ivhd_type);
	if (!m->dmar.present && !m->ivrs.present)
		fprintf(out, "No DMAR or IVRS table: the firmware describes no IOMMU.\n");
	for (size_t i = 0; i < m->n_units; i++)
		print_unit(out, m, i, verbose);
	char b[16], b2[16];
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *r = &m->regions[i];
		if (r->kind == IMS_REGION_RMRR) {
			fprintf(out, "RMRR 0x%" PRIx64 "-0x%" PRIx64 " segment %u\n", r->base, r->end, r->segment);
			for (uint32_t k = 0; k < r->nscopes && (size_t)r->first_scope + k < m->n_scopes; k++)
				print_scope(out, &m->scopes[r->first_scope + k], "  ");
		} else {
			fprintf(out, "IVMD %02Xh 0x%" PRIx64 "-0x%" PRIx64 "%s%s%s%s", (unsigned)r->kind, r->base, r->end,
				r->unity ? " unity" : "", r->readable ? " IR" : "", r->writable ? " IW" : "",
				r->exclusion ? " exclusion" : "");
			if (r->all_devices) {
				fprintf(out, " all devices\n");
			} else {
				bdf(b, r->segment, r->first);
				bdf(b2, r->segment, r->last);
				fprintf(out, " %s%s%s\n", b, r->first != r->last ? " .. " : "", r->first != r->last ? b2 : "");
			}
		}
	}
	for (size_t i = 0; i < m->n_atsrs; i++) {
		fprintf(out, "ATSR segment %u%s\n", m->atsrs[i].segment, m->atsrs[i].all_ports ? " ALL_PORTS" : "");
		for (uint32_t k = 0; k < m->atsrs[i].nscopes; k++)
			print_scope(out, &m->scopes[m->atsrs[i].first_scope + k], "  ");
	}
	for (size_t i = 0; i < m->n_satcs; i++) {
		fprintf(out, "SATC segment %u%s\n", m->satcs[i].segment, m->satcs[i].atc_required ? " ATC_REQUIRED" : "");
		for (uint32_t k = 0; k < m->satcs[i].nscopes; k++)
			print_scope(out, &m->scopes[m->satcs[i].first_scope + k], "  ");
	}
	for (size_t i = 0; i < m->n_sidps; i++) {
		fprintf(out, "SIDP segment %u\n", m->sidps[i].segment);
		for (uint32_t k = 0; k < m->sidps[i].nscopes; k++)
			print_scope(out, &m->scopes[m->sidps[i].first_scope + k], "  ");
	}
	for (size_t i = 0; i < m->n_acpidevs; i++)
		if (m->acpidevs[i].unit < 0)
			fprintf(out, "ANDD device %u %s (no IOMMU scope names it)\n", m->acpidevs[i].device_number,
				m->acpidevs[i].name);
	if (m->madt.present) {
		fprintf(out, "MADT: %u CPUs, %zu IOAPIC(s):", m->madt.ncpus, m->n_ioapics);
		for (size_t i = 0; i < m->n_ioapics; i++)
			fprintf(out, " id %u (GSI %u)", m->ioapics[i].id, m->ioapics[i].gsi_base);
		fprintf(out, "\n");
	}
	for (size_t i = 0; i < m->n_mcfg; i++)
		fprintf(out, "MCFG: segment %u buses %02x-%02x at 0x%" PRIx64 "\n", m->mcfg[i].segment,
			m->mcfg[i].start_bus, m->mcfg[i].end_bus, m->mcfg[i].base);
	for (size_t i = 0; i < m->n_raws; i++)
		fprintf(out, "Raw %s subtable type 0x%02x, %u bytes at %s+0x%x (not decoded)\n", m->raws[i].context,
			m->raws[i].type, m->raws[i].length, m->tables[m->raws[i].table].signature, m->raws[i].offset);
	ims_text_diagnostics(out, m, verbose ? IMS_SEV_INFO : IMS_SEV_WARNING);
}
