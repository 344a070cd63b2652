/* SPDX-License-Identifier: MIT */
/*
 * iommuscope report (the default command): merge tables and logs of one
 * machine and answer "is my IOMMU on, is interrupt remapping on, can I pass
 * my GPU through - and if not, what do I change?".  Also the shared report
 * renderers (text and JSON) used by check, diff and batch.
 */
#include "analysis.h"
#include "cli.h"
#include "iommuscope/klog.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void set(json_t *o, const char *k, json_t *v) { json_object_set_new(o, k, v); }

int ims_parse_severity(const char *s)
{
	if (!strcmp(s, "info"))
		return IMS_SEV_INFO;
	if (!strcmp(s, "warning") || !strcmp(s, "warn"))
		return IMS_SEV_WARNING;
	if (!strcmp(s, "error"))
		return IMS_SEV_ERROR;
	return -1;
}

static const char *input_name(const ims_model *m, int32_t in)
{
	return (in >= 0 && (size_t)in < m->n_inputs) ? m->inputs[in].name : "?";
}

json_t *ims_evidence_json(const ims_model *m, const ims_evidence *e)
{
	json_t *o = json_object();
	set(o, "source", e->input >= 0 ? json_string(input_name(m, e->input)) : json_null());
	bool tab = e->table >= 0 && (size_t)e->table < m->n_tables;
	set(o, "table", tab ? json_string(m->tables[e->table].signature) : json_null());
	set(o, "table_index", tab ? json_integer(e->table) : json_null());
	set(o, "offset", e->has_offset ? json_integer((json_int_t)e->offset) : json_null());
	set(o, "line", e->line ? json_integer(e->line) : json_null());
	set(o, "text", e->text ? json_string(e->text) : json_null());
	set(o, "what", e->what[0] ? json_string(e->what) : json_null());
	return o;
}

void ims_evidence_text(const ims_model *m, const ims_evidence *e, char *out, size_t n)
{
	const char *name = e->input >= 0 ? input_name(m, e->input) : "";
	bool tab = e->table >= 0 && (size_t)e->table < m->n_tables;
	if (e->kind == IMS_EV_LOG) {
		snprintf(out, n, "%s:%u: %.160s", name, e->line, e->text ? e->text : e->what[0] ? e->what : "(log line)");
	} else if (tab) {
		char where[48] = "";
		if (e->line)
			snprintf(where, sizeof(where), " (table at line %u)", e->line);
		snprintf(out, n, "%s %s+0x%" PRIx64 "%s%s%s", name, m->tables[e->table].signature, e->offset, where,
			 e->what[0] ? ": " : "", e->what);
	} else {
		snprintf(out, n, "%s%s%s", name, e->what[0] ? ": " : "", e->what);
	}
}

static json_t *evidence_array(const ims_model *m, const ims_evidence *ev, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, ims_evidence_json(m, &ev[i]));
	return a;
}

json_t *ims_findings_json(const ims_model *m, const ims_analysis *a, ims_severity min)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < a->n_findings; i++) {
		const ims_finding *f = &a->findings[i];
		if (f->severity < min)
			continue;
		json_t *o = json_object();
		set(o, "id", json_string(f->rule));
		set(o, "severity", json_string(ims_severity_name(f->severity)));
		set(o, "source", json_string(f->from_diag ? "parser" : "rule"));
		set(o, "message", json_string(f->message));
		set(o, "evidence", evidence_array(m, f->ev, f->nev));
		set(o, "doc", json_string(f->doc ? f->doc : ""));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *class_json(uint32_t c)
{
	if (c == 0xffffffffu)
		return json_null();
	char b[16];
	snprintf(b, sizeof(b), "0x%06x", c);
	return json_string(b);
}

static const char *region_kind(const ims_region *r)
{
	switch (r->kind) {
	case IMS_REGION_RMRR: return "rmrr";
	case IMS_REGION_IVMD_ALL: return "ivmd-all";
	case IMS_REGION_IVMD_SELECT: return "ivmd-select";
	case IMS_REGION_IVMD_RANGE: return "ivmd-range";
	}
	return "unknown";
}

static json_t *units_json(const ims_model *m)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < m->n_units; i++) {
		const ims_unit *u = &m->units[i];
		json_t *o = ims_json_unit_identity(m, i);
		set(o, "bdf", u->vendor == IMS_VENDOR_AMD ? ims_json_bdf(u->segment, u->bdf) : json_null());
		set(o, "include_pci_all", json_boolean(u->include_pci_all));
		set(o, "ivhd_type", u->ivhd >= 0 && (size_t)u->ivhd < m->n_ivhds ? ims_json_hex(m->ivhds[u->ivhd].type) : json_null());
		json_t *caps = json_object();
		for (int c = 0; c < IMS_CAP_COUNT; c++) {
			const ims_cap *cp = &u->caps[c];
			if (c == IMS_CAP_VA_BITS || c == IMS_CAP_PA_BITS || c == IMS_CAP_PASID)
				set(caps, ims_cap_name((ims_cap_id)c),
				    cp->state > 0 ? (cp->value ? json_integer(cp->value) : json_true()) : ims_json_tristate(cp->state));
			else
				set(caps, ims_cap_name((ims_cap_id)c), ims_json_tristate(cp->state));
		}
		set(o, "capabilities", caps);
		size_t ncov = 0, nsp = 0;
		json_t *cov = json_array();
		for (size_t k = 0; k < m->n_coverage; k++) {
			const ims_coverage *c = &m->coverage[k];
			if (c->unit != (int32_t)i)
				continue;
			ncov++;
			char b[48];
			if (c->kind == IMS_COV_ALL) {
				snprintf(b, sizeof(b), "all");
			} else if (!c->bdf_known) {
				snprintf(b, sizeof(b), "%s:?", ims_cov_kind_name(c->kind));
			} else if (c->first == c->last) {
				ims_bdf_format(c->segment, c->first, b);
			} else {
				char x[16], y[16];
				ims_bdf_format(c->segment, c->first, x);
				ims_bdf_format(c->segment, c->last, y);
				snprintf(b, sizeof(b), "%s-%s", x, y);
			}
			json_array_append_new(cov, json_string(b));
		}
		json_t *sp = json_array();
		for (size_t k = 0; k < m->n_specials; k++) {
			const ims_special *s = &m->specials[k];
			if (s->unit != (int32_t)i)
				continue;
			nsp++;
			char b[48];
			snprintf(b, sizeof(b), "%s %u", s->kind == IMS_SPECIAL_IOAPIC ? "ioapic" : "hpet", s->id);
			json_array_append_new(sp, json_string(b));
		}
		set(o, "coverage", cov);
		set(o, "special_devices", sp);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *regions_json(const ims_model *m)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < m->n_regions; i++) {
		const ims_region *r = &m->regions[i];
		json_t *o = json_object();
		set(o, "kind", json_string(region_kind(r)));
		set(o, "segment", json_integer(r->segment));
		set(o, "base", ims_json_hex(r->base));
		set(o, "end", ims_json_hex(r->end));
		json_t *devs = json_array();
		if (r->kind == IMS_REGION_RMRR) {
			for (uint32_t s = 0; s < r->nscopes && (size_t)r->first_scope + s < m->n_scopes; s++) {
				const ims_scope *sc = &m->scopes[r->first_scope + s];
				json_array_append_new(devs, sc->bdf_known ? ims_json_bdf(sc->segment, sc->bdf) : json_string("?"));
			}
		} else if (r->all_devices) {
			json_array_append_new(devs, json_string("all"));
		} else if (r->first == r->last) {
			json_array_append_new(devs, ims_json_bdf(r->segment, r->first));
		} else {
			char x[16], y[16], b[40];
			ims_bdf_format(r->segment, r->first, x);
			ims_bdf_format(r->segment, r->last, y);
			snprintf(b, sizeof(b), "%s-%s", x, y);
			json_array_append_new(devs, json_string(b));
		}
		set(o, "devices", devs);
		if (r->kind != IMS_REGION_RMRR) {
			set(o, "unity", json_boolean(r->unity));
			set(o, "exclusion", json_boolean(r->exclusion));
		}
		set(o, "table", json_integer(r->table));
		set(o, "offset", json_integer(r->offset));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *groups_json(const ims_kfacts *k)
{
	json_t *arr = json_array();
	if (!k || !k->present)
		return arr;
	/* groups in ascending id order; devices in log order */
	int32_t last = -1;
	for (;;) {
		int32_t next = -1;
		for (size_t i = 0; i < k->n_pci; i++)
			if (k->pci[i].group > last && (next < 0 || k->pci[i].group < next))
				next = k->pci[i].group;
		if (next < 0)
			break;
		json_t *g = json_object(), *devs = json_array();
		set(g, "id", json_integer(next));
		for (size_t i = 0; i < k->n_pci; i++) {
			if (k->pci[i].group != next)
				continue;
			json_t *d = json_object();
			set(d, "address", ims_json_bdf(k->pci[i].segment, k->pci[i].bdf));
			set(d, "class", class_json(k->pci[i].class_code));
			set(d, "name", json_string(ims_class_name(k->pci[i].class_code)));
			json_array_append_new(devs, d);
		}
		set(g, "devices", devs);
		json_array_append_new(arr, g);
		last = next;
	}
	return arr;
}

static json_t *kernel_params_json(const ims_kfacts *k)
{
	if (!k || !k->present || !k->cmdline.seen || !k->cmdline.text)
		return json_null();
	json_t *o = json_object();
	static const char *const keys[] = {"intel_iommu", "amd_iommu", "iommu", "iommu.passthrough", "iommu.strict",
					   "intremap", "nox2apic", "pcie_acs_override", "ivrs_ioapic", "ivrs_hpet",
					   "vfio-pci.ids", "amd_iommu_dump"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char v[256];
		if (ims_cmdline_get(k->cmdline.text, keys[i], v, sizeof(v)))
			set(o, keys[i], json_string(v));
	}
	return o;
}

static const char *vendor_name(int v)
{
	return v == IMS_VENDOR_INTEL ? "intel" : v == IMS_VENDOR_AMD ? "amd" : NULL;
}

json_t *ims_report_json(const ims_model *m, const ims_analysis *a)
{
	const ims_kfacts *k = a->kf_owned;
	json_t *root = json_object();
	set(root, "schema_version", json_integer(IMS_SCHEMA_VERSION));
	set(root, "generator", json_string("iommuscope " IMS_VERSION));
	set(root, "report", json_true());
	json_t *mach = json_object();
	set(mach, "vendor", vendor_name(a->vendor) ? json_string(vendor_name(a->vendor)) : json_null());
	set(mach, "dmi", k && k->dmi.seen && k->dmi.text ? json_string(k->dmi.text) : json_null());
	set(mach, "kernel_version", k && k->kernel_version ? json_string(k->kernel_version) : json_null());
	set(mach, "dma_mode", a->dma_mode[0] ? json_string(a->dma_mode) : json_null());
	set(root, "machine", mach);

	json_t *inputs = json_array();
	for (size_t i = 0; i < m->n_inputs; i++) {
		json_t *o = json_object();
		set(o, "name", json_string(m->inputs[i].name));
		set(o, "format", json_string(ims_format_name(m->inputs[i].format)));
		set(o, "size", json_integer((json_int_t)m->inputs[i].size));
		const char *c = NULL;
		for (size_t j = 0; j < a->n_contrib; j++)
			if (a->contrib[j].input == (int32_t)i)
				c = a->contrib[j].text;
		set(o, "contributed", c ? json_string(c) : json_null());
		json_array_append_new(inputs, o);
	}
	set(root, "inputs", inputs);

	json_t *ans = json_object();
	for (int q = 0; q < IMS_Q_COUNT; q++) {
		const ims_answer *x = &a->answers[q];
		json_t *o = json_object();
		set(o, "question", json_string(ims_question_text((ims_question)q)));
		set(o, "verdict", json_string(ims_verdict_name(x->verdict)));
		set(o, "basis", json_string(ims_basis_name(x->basis)));
		set(o, "detail", x->detail[0] ? json_string(x->detail) : json_null());
		set(o, "reason", json_string(x->reason));
		set(o, "next_step", x->next_step[0] ? json_string(x->next_step) : json_null());
		set(o, "evidence", evidence_array(m, x->ev, x->nev));
		set(ans, ims_question_id((ims_question)q), o);
	}
	set(root, "answers", ans);

	json_t *devs = json_array();
	for (size_t i = 0; i < a->n_devices; i++) {
		const ims_devreport *d = &a->devices[i];
		json_t *o = json_object();
		set(o, "address", ims_json_bdf(d->segment, d->bdf));
		set(o, "kind", json_string(d->kind));
		set(o, "class", class_json(d->class_code));
		set(o, "name", json_string(ims_class_name(d->class_code)));
		char id[16];
		snprintf(id, sizeof(id), "%04x:%04x", d->vendor, d->device);
		set(o, "id", json_string(id));
		set(o, "group", d->group >= 0 ? json_integer(d->group) : json_null());
		set(o, "isolation", json_string(ims_isolation_name(d->isolation)));
		set(o, "verdict", json_string(d->verdict_text));
		json_t *mates = json_array();
		for (unsigned j = 0; j < d->nmates; j++) {
			json_t *mo = json_object();
			set(mo, "address", ims_json_bdf(d->mates[j].segment, d->mates[j].bdf));
			set(mo, "class", class_json(d->mates[j].class_code));
			set(mo, "name", json_string(ims_class_name(d->mates[j].class_code)));
			set(mo, "bridge", json_boolean(d->mates[j].bridge));
			json_array_append_new(mates, mo);
		}
		set(o, "group_mates", mates);
		set(o, "group_mates_total", json_integer(d->nmates_total));
		set(o, "iommu", d->unit >= 0 ? json_integer(d->unit) : json_null());
		if (d->direct_region >= 0 && (size_t)d->direct_region < m->n_regions) {
			json_t *dm = json_object();
			set(dm, "region", json_integer(d->direct_region));
			set(dm, "kind", json_string(region_kind(&m->regions[d->direct_region])));
			set(dm, "relaxable", json_boolean(d->direct_relaxable));
			set(dm, "vfio_refuses", json_boolean(!d->direct_relaxable));
			set(o, "direct_mapping", dm);
		} else {
			set(o, "direct_mapping", json_null());
		}
		set(o, "evidence", evidence_array(m, d->ev, d->nev));
		json_array_append_new(devs, o);
	}
	set(root, "devices", devs);

	json_t *dirs = json_array();
	for (size_t i = 0; i < a->n_directs; i++) {
		const ims_direct *d = &a->directs[i];
		const ims_region *r = &m->regions[d->region];
		json_t *o = json_object();
		set(o, "region", json_integer(d->region));
		set(o, "kind", json_string(region_kind(r)));
		set(o, "base", ims_json_hex(r->base));
		set(o, "end", ims_json_hex(r->end));
		set(o, "all_devices", json_boolean(d->all_devices));
		set(o, "first", ims_json_bdf(d->segment, d->bdf));
		set(o, "last", ims_json_bdf(d->segment, d->last));
		set(o, "class", class_json(d->class_code));
		set(o, "relaxable", json_boolean(d->relaxable));
		/* Intel RMRR of a device whose class is unknown: refusal depends on the class */
		set(o, "vfio_refuses",
		    (r->kind == IMS_REGION_RMRR && d->class_code == 0xffffffffu) ? json_null() : json_boolean(d->vfio_refuses));
		json_array_append_new(dirs, o);
	}
	set(root, "direct_mapped", dirs);
	set(root, "iommus", units_json(m));
	set(root, "reserved_regions", regions_json(m));

	json_t *fir = json_object();
	set(fir, "dmar_flags", m->dmar.present ? ims_json_hex(m->dmar.flags) : json_null());
	set(fir, "ivinfo", m->ivrs.present ? ims_json_hex(m->ivrs.ivinfo) : json_null());
	json_t *ioa = json_array();
	for (size_t i = 0; i < m->n_ioapics; i++) {
		json_t *o = json_object();
		set(o, "id", json_integer(m->ioapics[i].id));
		bool cov = false;
		for (size_t s = 0; s < m->n_specials; s++)
			if (m->specials[s].kind == IMS_SPECIAL_IOAPIC && m->specials[s].id == m->ioapics[i].id &&
			    m->specials[s].unit >= 0)
				cov = true;
		set(o, "covered", (m->dmar.present || m->ivrs.present) ? json_boolean(cov) : json_null());
		json_array_append_new(ioa, o);
	}
	set(fir, "ioapics", ioa);
	set(root, "interrupt_remapping_firmware", fir);
	set(root, "groups", groups_json(k));
	set(root, "kernel_parameters", kernel_params_json(k));
	set(root, "kernel_cmdline", k && k->cmdline.seen && k->cmdline.text ? json_string(k->cmdline.text) : json_null());
	set(root, "findings", ims_findings_json(m, a, IMS_SEV_INFO));
	json_t *cnt = json_object();
	set(cnt, "error", json_integer((json_int_t)a->count[IMS_SEV_ERROR]));
	set(cnt, "warning", json_integer((json_int_t)a->count[IMS_SEV_WARNING]));
	set(cnt, "info", json_integer((json_int_t)a->count[IMS_SEV_INFO]));
	set(root, "finding_counts", cnt);
	json_t *lim = json_array();
	for (size_t i = 0; i < a->n_limits; i++)
		json_array_append_new(lim, json_string(a->limits[i]));
	set(root, "cannot_answer", lim);
	return root;
}

/* ---------------------------------------------------------------------- */
/* Text                                                                   */
/* ---------------------------------------------------------------------- */
static const char *const q_labels[IMS_Q_COUNT] = {
	"Firmware describes an IOMMU", "Kernel DMA remapping", "Interrupt remapping", "IR in x2APIC mode",
	"GPU isolation", "Firmware free of defects", "No DMA faults",
};

static void bdf_short(char out[16], uint16_t seg, uint16_t bdf)
{
	if (seg)
		ims_bdf_format(seg, bdf, out);
	else
		snprintf(out, 16, "%02x:%02x.%x", IMS_BDF_BUS(bdf), IMS_BDF_DEV(bdf), IMS_BDF_FN(bdf));
}

void ims_report_text(FILE *out, const ims_model *m, const ims_analysis *a, bool verbose)
{
	char ev[320];
	fprintf(out, "Inputs:\n");
	for (size_t i = 0; i < a->n_contrib; i++)
		fprintf(out, "  %s: %s\n", input_name(m, a->contrib[i].input), a->contrib[i].text);
	fprintf(out, "\n");
	for (int q = 0; q < IMS_Q_COUNT; q++) {
		const ims_answer *x = &a->answers[q];
		char label[40];
		snprintf(label, sizeof(label), "%s ", q_labels[q]);
		size_t l = strlen(label);
		while (l < 30)
			label[l++] = '.';
		label[l] = 0;
		fprintf(out, "%s %-7s %s\n", label, ims_verdict_name(x->verdict), x->detail);
		fprintf(out, "    %s\n", x->reason);
		unsigned shown = verbose ? x->nev : (x->nev < 2 ? x->nev : 2);
		for (unsigned i = 0; i < shown; i++) {
			ims_evidence_text(m, &x->ev[i], ev, sizeof(ev));
			fprintf(out, "    evidence: %s\n", ev);
		}
		if (x->verdict != IMS_V_YES && x->next_step[0])
			fprintf(out, "    next step: %s\n", x->next_step);
	}
	if (a->n_devices) {
		fprintf(out, "\nPassthrough candidates (IOMMU groups from the log):\n");
		for (size_t i = 0; i < a->n_devices; i++) {
			const ims_devreport *d = &a->devices[i];
			char b[16];
			bdf_short(b, d->segment, d->bdf);
			fprintf(out, "  %s %s [%04x:%04x] (%s): %s\n", b, ims_class_name(d->class_code), d->vendor, d->device,
				d->kind, d->verdict_text);
			if (d->nmates) {
				fprintf(out, "      group mates:");
				for (unsigned j = 0; j < d->nmates; j++) {
					char mb[16];
					bdf_short(mb, d->mates[j].segment, d->mates[j].bdf);
					fprintf(out, "%s %s %s%s", j ? "," : "", mb, ims_class_name(d->mates[j].class_code),
						d->mates[j].bridge ? " (bridge, allowed)" : "");
				}
				if (d->nmates_total > d->nmates)
					fprintf(out, ", ... (%u in all)", d->nmates_total);
				fprintf(out, "\n");
			}
		}
	}
	if (a->n_directs) {
		fprintf(out, "\nDevices the firmware wants 1:1 mapped (RMRR/IVMD):\n");
		for (size_t i = 0; i < a->n_directs; i++) {
			const ims_direct *d = &a->directs[i];
			const ims_region *r = &m->regions[d->region];
			char b1[16], b2[16], who[48];
			bdf_short(b1, d->segment, d->bdf);
			bdf_short(b2, d->segment, d->last);
			if (d->all_devices)
				snprintf(who, sizeof(who), "all devices");
			else if (d->bdf != d->last)
				snprintf(who, sizeof(who), "%s-%s", b1, b2);
			else
				snprintf(who, sizeof(who), "%s", b1);
			const char *v;
			if (r->kind == IMS_REGION_RMRR && d->class_code == 0xffffffffu)
				v = "VFIO refuses it unless it is a USB or graphics device (class unknown without a log)";
			else if (d->relaxable)
				v = "relaxable (USB/graphics RMRR): VFIO allows it";
			else if (d->vfio_refuses)
				v = "VFIO will refuse it ('Firmware has requested this device have a 1:1 IOMMU mapping')";
			else
				v = "read-only/neither unity nor exclusion: no 1:1 requirement";
			fprintf(out, "  %s %s [0x%" PRIx64 "-0x%" PRIx64 "]: %s\n", who,
				r->kind == IMS_REGION_RMRR ? "RMRR" : "IVMD", r->base, r->end, v);
		}
	}
	size_t shown_f = 0, limit_f = verbose ? (size_t)-1 : 8;
	size_t nrel = a->count[IMS_SEV_ERROR] + a->count[IMS_SEV_WARNING];
	if (a->n_findings) {
		fprintf(out, "\nFindings: %zu error%s, %zu warning%s, %zu info%s\n", a->count[IMS_SEV_ERROR],
			a->count[IMS_SEV_ERROR] == 1 ? "" : "s", a->count[IMS_SEV_WARNING],
			a->count[IMS_SEV_WARNING] == 1 ? "" : "s", a->count[IMS_SEV_INFO],
			verbose ? "" : " (not shown; 'iommuscope check --severity info' lists them)");
		for (size_t i = 0; i < a->n_findings && shown_f < limit_f; i++) {
			const ims_finding *f = &a->findings[i];
			if (!verbose && f->severity < IMS_SEV_WARNING)
				continue;
			shown_f++;
			fprintf(out, "  %-7s %-28s %s\n", ims_severity_name(f->severity), f->rule, f->message);
			if (f->nev) {
				ims_evidence_text(m, &f->ev[0], ev, sizeof(ev));
				fprintf(out, "          at %s\n", ev);
			}
		}
		if (!verbose && nrel > shown_f)
			fprintf(out, "  ... %zu more: run 'iommuscope check'\n", nrel - shown_f);
	}
	if (a->n_limits) {
		fprintf(out, "\nCannot answer from these inputs:\n");
		for (size_t i = 0; i < a->n_limits; i++)
			fprintf(out, "  - %s\n", a->limits[i]);
	}
}

static void report_usage(FILE *out)
{
	fprintf(out,
		"Usage: iommuscope [report] [OPTIONS] INPUT...\n"
		"\n"
		"Merge the evidence of ONE machine - acpidump text or raw ACPI tables, and kernel\n"
		"logs - and answer: does the firmware describe an IOMMU; did the kernel enable DMA\n"
		"remapping and in which mode; is interrupt remapping on, in x2APIC mode (and if not,\n"
		"why); is each GPU / NVMe / NIC / USB controller isolated in its IOMMU group; which\n"
		"devices the firmware wants 1:1 mapped (VFIO refuses them); firmware defects; DMA\n"
		"faults.  Each answer is yes / no / unknown with its evidence (file + line, or\n"
		"table + offset) and, when not yes, the next step.  Says what each input\n"
		"contributed and what the inputs cannot answer.\n"
		"\n"
		"Options:\n"
		"  -j, --json               print the report as JSON (schema_version %d)\n"
		"      --compact            with --json: one line\n"
		"  -f, --input-format FMT   auto (default), acpidump, table, log\n"
		"  -v, --verbose            all evidence and all findings\n"
		"  -h, --help               show this help\n"
		"\n"
		"Exit status: 0 answered; 1 answered, with error-severity parser diagnostics;\n"
		"2 usage error or unreadable input.\n"
		"\n"
		"Example: iommuscope acpidump.txt dmesg.txt\n",
		IMS_SCHEMA_VERSION);
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},	  {"compact", no_argument, NULL, 'c'},
		{"input-format", required_argument, NULL, 'f'}, {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	bool json = false, compact = false, verbose = false;
	ims_format force = IMS_FMT_AUTO;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jf:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': compact = true; break;
		case 'v': verbose = true; break;
		case 'f':
			if (!ims_cli_format_option("report", optarg, true, &force))
				return IMS_EXIT_USAGE;
			break;
		case 'h': report_usage(stdout); return IMS_EXIT_OK;
		default: report_usage(stderr); return IMS_EXIT_USAGE;
		}
	}
	ims_model *m = ims_cli_model_for("report", argc - optind, report_usage);
	if (!m)
		return IMS_EXIT_USAGE;
	int rc = ims_cli_load_all(m, argv + optind, argc - optind, force, stderr) < 0 ? IMS_EXIT_USAGE : IMS_EXIT_OK;
	if (rc != IMS_EXIT_OK) {
		ims_model_free(m);
		return rc;
	}
	ims_analysis a;
	if (ims_analyze(m, NULL, &a) < 0)
		fprintf(stderr, "iommuscope: out of memory during analysis (report incomplete)\n");
	if (json) {
		json_t *j = ims_report_json(m, &a);
		ims_json_print(stdout, j, !compact);
		json_decref(j);
	} else {
		ims_report_text(stdout, m, &a, verbose);
	}
	rc = ims_cli_exit_for(m);
	ims_analysis_free(&a);
	ims_model_free(m);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "iommuscope: write error on standard output\n");
		rc = IMS_EXIT_USAGE;
	}
	return rc;
}
