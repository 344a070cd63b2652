/* SPDX-License-Identifier: MIT */
/*
 * JSON rendering of the model (schema documented in README, "JSON schema").
 * Conventions: lowercase snake_case keys; BDFs "ssss:bb:dd.f"; addresses and
 * register images as "0x..." strings; small numbers as numbers; unknown
 * tri-states as null; every table object carries "table" (index into
 * "tables") and "offset" (bytes from the table start).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

json_t *ims_json_hex(uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "0x%" PRIx64, v);
	return json_string(b);
}

json_t *ims_json_bdf(uint16_t segment, uint16_t bdf)
{
	char b[16];
	ims_bdf_format(segment, bdf, b);
	return json_string(b);
}

json_t *ims_json_tristate(int state)
{
	return state < 0 ? json_null() : json_boolean(state);
}

int ims_json_print(FILE *out, json_t *j, bool pretty)
{
	int rc = json_dumpf(j, out, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	return rc;
}

static void set(json_t *o, const char *k, json_t *v) { json_object_set_new(o, k, v); }

static void set_ref(json_t *o, int32_t table, uint32_t offset)
{
	set(o, "table", json_integer(table));
	set(o, "offset", json_integer(offset));
}

static json_t *hex_bytes(const uint8_t *p, size_t n)
{
	char *s = malloc(n * 2 + 1);
	if (!s)
		return json_null();
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[n * 2] = 0;
	json_t *j = json_string(s);
	free(s);
	return j;
}

static const char *scope_type_name(uint8_t t)
{
	switch (t) {
	case IMS_SCOPE_ENDPOINT: return "endpoint";
	case IMS_SCOPE_BRIDGE: return "bridge";
	case IMS_SCOPE_IOAPIC: return "ioapic";
	case IMS_SCOPE_HPET: return "hpet";
	case IMS_SCOPE_NAMESPACE: return "namespace";
	default: return "reserved";
	}
}

static json_t *scope_json(const ims_scope *s)
{
	json_t *o = json_object();
	set(o, "type", json_string(scope_type_name(s->type)));
	set(o, "type_raw", json_integer(s->type));
	set(o, "enumeration_id", json_integer(s->enum_id));
	set(o, "start_bus", json_integer(s->start_bus));
	json_t *path = json_array();
	for (unsigned i = 0; i < s->path_len; i++) {
		char b[8];
		snprintf(b, sizeof(b), "%02x.%x", s->path[i][0], s->path[i][1]);
		json_array_append_new(path, json_string(b));
	}
	set(o, "path", path);
	set(o, "bdf", s->bdf_known ? ims_json_bdf(s->segment, s->bdf) : json_null());
	if (s->flags)
		set(o, "flags", json_integer(s->flags));
	set_ref(o, s->table, s->offset);
	return o;
}

static json_t *scopes_json(const ims_model *m, uint32_t first, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < n && (size_t)first + i < m->n_scopes; i++)
		json_array_append_new(a, scope_json(&m->scopes[first + i]));
	return a;
}

static json_t *table_json(const ims_model *m, size_t i)
{
	const ims_table *t = &m->tables[i];
	json_t *o = json_object();
	set(o, "signature", json_string(t->signature));
	set(o, "instance", json_integer(t->instance));
	set(o, "input", json_string(m->inputs[t->input].name));
	if (t->line)
		set(o, "line", json_integer(t->line));
	set(o, "address", ims_json_hex(t->address));
	set(o, "length", json_integer(t->length));
	set(o, "bytes_present", json_integer(t->size));
	set(o, "revision", json_integer(t->revision));
	set(o, "checksum", ims_json_hex(t->checksum));
	set(o, "checksum_ok", t->checksum_verified ? json_boolean(t->checksum_ok) : json_null());
	set(o, "oem_id", json_string(t->oem_id));
	set(o, "oem_table_id", json_string(t->oem_table_id));
	set(o, "oem_revision", ims_json_hex(t->oem_revision));
	set(o, "creator_id", json_string(t->creator_id));
	set(o, "creator_revision", ims_json_hex(t->creator_revision));
	set(o, "decoded", json_boolean(t->decoded));
	return o;
}

static json_t *caps_json(const ims_unit *u)
{
	json_t *o = json_object();
	for (int c = 0; c < IMS_CAP_COUNT; c++) {
		const ims_cap *cp = &u->caps[c];
		json_t *e = json_object();
		if (c == IMS_CAP_VA_BITS || c == IMS_CAP_PA_BITS) {
			set(e, "value", cp->state > 0 ? json_integer(cp->value) : json_null());
		} else {
			set(e, "supported", ims_json_tristate(cp->state));
			if (cp->value)
				set(e, "value", json_integer(cp->value));
		}
		set(e, "source", cp->source ? json_string(cp->source) : json_null());
		set(o, ims_cap_name((ims_cap_id)c), e);
	}
	return o;
}

static json_t *coverage_json(const ims_model *m, const ims_coverage *c)
{
	json_t *o = json_object();
	set(o, "kind", json_string(ims_cov_kind_name(c->kind)));
	if (c->kind != IMS_COV_ALL) {
		set(o, "first", c->bdf_known ? ims_json_bdf(c->segment, c->first) : json_null());
		set(o, "last", c->bdf_known ? ims_json_bdf(c->segment, c->last) : json_null());
	} else {
		set(o, "segment", json_integer(c->segment));
	}
	if (c->kind == IMS_COV_ALIAS_SELECT || c->kind == IMS_COV_ALIAS_RANGE)
		set(o, "alias", ims_json_bdf(c->segment, c->alias));
	if (c->kind == IMS_COV_EXT_SELECT || c->kind == IMS_COV_EXT_RANGE) {
		set(o, "extended_data", ims_json_hex(c->ext));
		set(o, "ats_disabled", json_boolean((c->ext >> 31) & 1));
	}
	if (m->units[c->unit].vendor == IMS_VENDOR_AMD)
		set(o, "dte_setting", ims_json_hex(c->dte));
	if (c->scope >= 0)
		set(o, "scope", scope_json(&m->scopes[c->scope]));
	set_ref(o, c->table, c->offset);
	return o;
}

static json_t *special_json(const ims_special *s, const ims_model *m)
{
	json_t *o = json_object();
	set(o, "kind", json_string(s->kind == IMS_SPECIAL_IOAPIC ? "ioapic" : "hpet"));
	set(o, "id", json_integer(s->id));
	set(o, "bdf", s->bdf_known ? ims_json_bdf(s->segment, s->bdf) : json_null());
	if (s->scope >= 0)
		set(o, "scope", scope_json(&m->scopes[s->scope]));
	set_ref(o, s->table, s->offset);
	return o;
}

static json_t *acpidev_json(const ims_acpidev *a)
{
	json_t *o = json_object();
	if (a->name[0])
		set(o, "name", json_string(a->name));
	set(o, "device_number", json_integer(a->device_number));
	if (a->hid[0] || a->cid[0] || a->uid[0]) {
		set(o, "hid", json_string(a->hid));
		set(o, "cid", json_string(a->cid));
		set(o, "uid_format", json_integer(a->uid_format));
		set(o, "uid", json_string(a->uid));
	}
	set(o, "bdf", a->bdf_known ? ims_json_bdf(a->segment, a->bdf) : json_null());
	set_ref(o, a->table, a->offset);
	return o;
}

json_t *ims_json_unit_identity(const ims_model *m, size_t ui)
{
	const ims_unit *u = &m->units[ui];
	json_t *o = json_object();
	set(o, "index", json_integer((json_int_t)ui));
	set(o, "vendor", json_string(u->vendor == IMS_VENDOR_INTEL ? "intel" : "amd"));
	set(o, "segment", json_integer(u->segment));
	set(o, "base", ims_json_hex(u->base));
	return o;
}

static json_t *unit_json(const ims_model *m, size_t ui)
{
	const ims_unit *u = &m->units[ui];
	json_t *o = ims_json_unit_identity(m, ui);
	if (u->vendor == IMS_VENDOR_INTEL) {
		set(o, "drhd_flags", ims_json_hex(u->drhd_flags));
		set(o, "include_pci_all", json_boolean(u->include_pci_all));
		set(o, "size_field", json_integer(u->size_field));
		set(o, "register_size", ims_json_hex(u->reg_size));
		json_t *sc = json_array(); /* every device scope of this DRHD, in table order */
		for (size_t i = 0; i < m->n_scopes; i++)
			if (m->scopes[i].owner_kind == IMS_OWNER_DRHD && m->scopes[i].owner == ui)
				json_array_append_new(sc, scope_json(&m->scopes[i]));
		set(o, "scopes", sc);
	} else {
		set(o, "bdf", ims_json_bdf(u->segment, u->bdf));
		set(o, "capability_offset", ims_json_hex(u->cap_offset));
		if (u->ivhd >= 0)
			set(o, "ivhd_type", ims_json_hex(m->ivhds[u->ivhd].type));
		json_t *types = json_array();
		static const uint8_t tv[] = {0x10, 0x11, 0x40};
		for (int b = 0; b < 3; b++)
			if (u->ivhd_types & (1u << b))
				json_array_append_new(types, ims_json_hex(tv[b]));
		set(o, "ivhd_types_present", types);
		set(o, "efr", u->has_efr ? ims_json_hex(u->efr) : json_null());
		set(o, "efr2", u->has_efr ? ims_json_hex(u->efr2) : json_null());
	}
	set(o, "proximity_domain", u->has_proximity ? json_integer(u->proximity_domain) : json_null());
	set(o, "capabilities", caps_json(u));
	json_t *cov = json_array(), *sp = json_array(), *ad = json_array();
	for (size_t i = 0; i < m->n_coverage; i++)
		if (m->coverage[i].unit == (int32_t)ui)
			json_array_append_new(cov, coverage_json(m, &m->coverage[i]));
	for (size_t i = 0; i < m->n_specials; i++)
		if (m->specials[i].unit == (int32_t)ui)
			json_array_append_new(sp, special_json(&m->specials[i], m));
	for (size_t i = 0; i < m->n_acpidevs; i++)
		if (m->acpidevs[i].unit == (int32_t)ui)
			json_array_append_new(ad, acpidev_json(&m->acpidevs[i]));
	set(o, "devices", cov);
	set(o, "special_devices", sp);
	set(o, "acpi_devices", ad);
	set_ref(o, u->table, u->offset);
	return o;
}

static const char *region_kind_name(ims_region_kind k)
{
	switch (k) {
	case IMS_REGION_RMRR: return "rmrr";
	case IMS_REGION_IVMD_ALL: return "ivmd-all";
	case IMS_REGION_IVMD_SELECT: return "ivmd-select";
	case IMS_REGION_IVMD_RANGE: return "ivmd-range";
	}
	return "unknown";
}

static json_t *region_json(const ims_model *m, const ims_region *r)
{
	json_t *o = json_object();
	set(o, "kind", json_string(region_kind_name(r->kind)));
	set(o, "segment", json_integer(r->segment));
	set(o, "base", ims_json_hex(r->base));
	set(o, "end", ims_json_hex(r->end));
	if (r->kind == IMS_REGION_RMRR) {
		set(o, "devices", scopes_json(m, r->first_scope, r->nscopes));
	} else {
		set(o, "flags", ims_json_hex(r->flags));
		set(o, "unity", json_boolean(r->unity));
		set(o, "readable", json_boolean(r->readable));
		set(o, "writable", json_boolean(r->writable));
		set(o, "exclusion", json_boolean(r->exclusion));
		set(o, "all_devices", json_boolean(r->all_devices));
		if (!r->all_devices) {
			set(o, "first", ims_json_bdf(r->segment, r->first));
			set(o, "last", ims_json_bdf(r->segment, r->last));
		}
	}
	set_ref(o, r->table, r->offset);
	return o;
}

static json_t *ivhd_json(const ims_model *m, size_t hi)
{
	const ims_ivhd *h = &m->ivhds[hi];
	json_t *o = json_object();
	set(o, "type", ims_json_hex(h->type));
	set(o, "flags", ims_json_hex(h->flags));
	set(o, "length", json_integer(h->length));
	set(o, "bdf", ims_json_bdf(h->segment, h->bdf));
	set(o, "capability_offset", ims_json_hex(h->cap_offset));
	set(o, "base", ims_json_hex(h->base));
	set(o, "segment", json_integer(h->segment));
	set(o, "iommu_info", ims_json_hex(h->iommu_info));
	set(o, h->type == 0x10 ? "feature_reporting" : "attributes", ims_json_hex(h->feature));
	if (h->type != 0x10) {
		set(o, "efr", ims_json_hex(h->efr));
		set(o, "efr2", ims_json_hex(h->efr2));
	}
	set(o, "unit", h->unit >= 0 ? json_integer(h->unit) : json_null());
	set(o, "selected", json_boolean(h->selected));
	json_t *ents = json_array();
	for (uint32_t k = 0; k < h->nentries && (size_t)h->first_entry + k < m->n_ivhd_entries; k++) {
		const ims_ivhd_entry *e = &m->ivhd_entries[h->first_entry + k];
		json_t *eo = json_object();
		set(eo, "type", ims_json_hex(e->type));
		set(eo, "known", json_boolean(e->known));
		set(eo, "device", ims_json_bdf(h->segment, e->devid));
		set(eo, "dte_setting", ims_json_hex(e->dte));
		if (e->type == 0x42 || e->type == 0x43 || e->type == 0x48)
			set(eo, "source", ims_json_bdf(h->segment, e->alias));
		if (e->type == 0x46 || e->type == 0x47)
			set(eo, "extended_data", ims_json_hex(e->ext));
		if (e->type == 0x48) {
			set(eo, "handle", json_integer(e->handle));
			set(eo, "variety", json_integer(e->variety));
		}
		if (e->type == 0xf0) {
			set(eo, "hid", json_string(e->hid));
			set(eo, "cid", json_string(e->cid));
			set(eo, "uid_format", json_integer(e->uid_format));
			set(eo, "uid_length", json_integer(e->uid_length));
			set(eo, "uid", json_string(e->uid));
		}
		set(eo, "length", json_integer(e->length));
		set(eo, "offset", json_integer(e->offset));
		json_array_append_new(ents, eo);
	}
	set(o, "entries", ents);
	set_ref(o, h->table, h->offset);
	return o;
}

json_t *ims_json_diagnostics(const ims_model *m)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->n_diags; i++) {
		const ims_diag *d = &m->diags[i];
		json_t *o = json_object();
		set(o, "code", json_string(d->code));
		set(o, "severity", json_string(ims_severity_name(d->severity)));
		set(o, "input", d->input < m->n_inputs ? json_string(m->inputs[d->input].name) : json_null());
		set(o, "table", d->table >= 0 ? json_string(m->tables[d->table].signature) : json_null());
		set(o, "table_index", d->table >= 0 ? json_integer(d->table) : json_null());
		set(o, "offset", d->has_offset ? json_integer((json_int_t)d->offset) : json_null());
		set(o, "line", d->line ? json_integer(d->line) : json_null());
		set(o, "message", json_string(d->message));
		json_array_append_new(a, o);
	}
	return a;
}

/* Implemented by the kernel-log module's renderer (cli/json_kernel.c). */
json_t *ims_json_kernel_view(const ims_model *m);

json_t *ims_json_model(const ims_model *m)
{
	json_t *root = json_object();
	set(root, "schema_version", json_integer(IMS_SCHEMA_VERSION));
	set(root, "generator", json_string("iommuscope " IMS_VERSION));
	json_t *inputs = json_array();
	for (size_t i = 0; i < m->n_inputs; i++) {
		json_t *o = json_object();
		set(o, "name", json_string(m->inputs[i].name));
		set(o, "format", json_string(ims_format_name(m->inputs[i].format)));
		set(o, "size", json_integer((json_int_t)m->inputs[i].size));
		json_array_append_new(inputs, o);
	}
	set(root, "inputs", inputs);
	json_t *tables = json_array();
	for (size_t i = 0; i < m->n_tables; i++)
		json_array_append_new(tables, table_json(m, i));
	set(root, "tables", tables);

	if (m->dmar.present) {
		json_t *o = json_object();
		set(o, "table", json_integer(m->dmar.table));
		set(o, "host_address_width", json_integer(m->dmar.haw_bits));
		set(o, "flags", ims_json_hex(m->dmar.flags));
		set(o, "intr_remap", json_boolean(m->dmar.intr_remap));
		set(o, "x2apic_opt_out", json_boolean(m->dmar.x2apic_opt_out));
		set(o, "dma_ctrl_platform_opt_in", json_boolean(m->dmar.platform_opt_in));
		json_t *a = json_array();
		for (size_t i = 0; i < m->n_atsrs; i++) {
			json_t *e = json_object();
			set(e, "segment", json_integer(m->atsrs[i].segment));
			set(e, "flags", ims_json_hex(m->atsrs[i].flags));
			set(e, "all_ports", json_boolean(m->atsrs[i].all_ports));
			set(e, "root_ports", scopes_json(m, m->atsrs[i].first_scope, m->atsrs[i].nscopes));
			set_ref(e, m->atsrs[i].table, m->atsrs[i].offset);
			json_array_append_new(a, e);
		}
		set(o, "atsr", a);
		a = json_array();
		for (size_t i = 0; i < m->n_satcs; i++) {
			json_t *e = json_object();
			set(e, "segment", json_integer(m->satcs[i].segment));
			set(e, "flags", ims_json_hex(m->satcs[i].flags));
			set(e, "atc_required", json_boolean(m->satcs[i].atc_required));
			set(e, "devices", scopes_json(m, m->satcs[i].first_scope, m->satcs[i].nscopes));
			set_ref(e, m->satcs[i].table, m->satcs[i].offset);
			json_array_append_new(a, e);
		}
		set(o, "satc", a);
		a = json_array();
		for (size_t i = 0; i < m->n_sidps; i++) {
			json_t *e = json_object();
			set(e, "segment", json_integer(m->sidps[i].segment));
			set(e, "devices", scopes_json(m, m->sidps[i].first_scope, m->sidps[i].nscopes));
			set_ref(e, m->sidps[i].table, m->sidps[i].offset);
			json_array_append_new(a, e);
		}
		set(o, "sidp", a);
		a = json_array();
		for (size_t i = 0; i < m->n_rhsas; i++) {
			json_t *e = json_object();
			set(e, "base", ims_json_hex(m->rhsas[i].base));
			set(e, "proximity_domain", json_integer(m->rhsas[i].proximity_domain));
			set(e, "unit", m->rhsas[i].unit >= 0 ? json_integer(m->rhsas[i].unit) : json_null());
			set_ref(e, m->rhsas[i].table, m->rhsas[i].offset);
			json_array_append_new(a, e);
		}
		set(o, "rhsa", a);
		set(root, "dmar", o);
	} else {
		set(root, "dmar", json_null());
	}

	if (m->ivrs.present) {
		json_t *o = json_object();
		set(o, "table", json_integer(m->ivrs.table));
		set(o, "ivinfo", ims_json_hex(m->ivrs.ivinfo));
		set(o, "efr_sup", json_boolean(m->ivrs.efr_sup));
		set(o, "dma_remap", json_boolean(m->ivrs.dma_remap));
		set(o, "gva_size", json_integer(m->ivrs.gva_size));
		set(o, "pa_size", json_integer(m->ivrs.pa_size));
		set(o, "va_size", json_integer(m->ivrs.va_size));
		set(o, "ht_ats_reserved", json_boolean(m->ivrs.ht_ats_reserved));
		set(o, "selected_ivhd_type",
		    m->ivrs.selected_ivhd_type ? ims_json_hex(m->ivrs.selected_ivhd_type) : json_null());
		json_t *a = json_array();
		for (size_t i = 0; i < m->n_ivhds; i++)
			json_array_append_new(a, ivhd_json(m, i));
		set(o, "ivhd", a);
		set(root, "ivrs", o);
	} else {
		set(root, "ivrs", json_null());
	}

	json_t *units = json_array();
	for (size_t i = 0; i < m->n_units; i++)
		json_array_append_new(units, unit_json(m, i));
	set(root, "iommus", units);

	json_t *orphans = json_array();
	for (size_t i = 0; i < m->n_acpidevs; i++)
		if (m->acpidevs[i].unit < 0)
			json_array_append_new(orphans, acpidev_json(&m->acpidevs[i]));
	set(root, "unattached_acpi_devices", orphans);

	json_t *regions = json_array();
	for (size_t i = 0; i < m->n_regions; i++)
		json_array_append_new(regions, region_json(m, &m->regions[i]));
	set(root, "reserved_regions", regions);

	json_t *madt = json_object();
	set(madt, "present", json_boolean(m->madt.present));
	set(madt, "cpus", json_integer(m->madt.ncpus));
	set(madt, "x2apic_cpus", json_integer(m->madt.nx2apic));
	set(madt, "pcat_compat", json_boolean(m->madt.flags & 1));
	json_t *ioa = json_array();
	for (size_t i = 0; i < m->n_ioapics; i++) {
		json_t *e = json_object();
		set(e, "id", json_integer(m->ioapics[i].id));
		set(e, "address", ims_json_hex(m->ioapics[i].address));
		set(e, "gsi_base", json_integer(m->ioapics[i].gsi_base));
		set_ref(e, m->ioapics[i].table, m->ioapics[i].offset);
		json_array_append_new(ioa, e);
	}
	set(madt, "ioapics", ioa);
	set(madt, "hpet_number", m->madt.has_hpet_table ? json_integer(m->madt.hpet_number) : json_null());
	set(root, "madt", madt);

	json_t *mcfg = json_array();
	for (size_t i = 0; i < m->n_mcfg; i++) {
		json_t *e = json_object();
		set(e, "segment", json_integer(m->mcfg[i].segment));
		set(e, "base", ims_json_hex(m->mcfg[i].base));
		set(e, "start_bus", json_integer(m->mcfg[i].start_bus));
		set(e, "end_bus", json_integer(m->mcfg[i].end_bus));
		set_ref(e, m->mcfg[i].table, m->mcfg[i].offset);
		json_array_append_new(mcfg, e);
	}
	set(root, "mcfg", mcfg);

	json_t *raws = json_array();
	for (size_t i = 0; i < m->n_raws; i++) {
		const ims_raw *r = &m->raws[i];
		json_t *e = json_object();
		set(e, "context", json_string(r->context ? r->context : ""));
		set(e, "type", ims_json_hex(r->type));
		set(e, "length", json_integer(r->length));
		const ims_table *t = &m->tables[r->table];
		if (t->data && (size_t)r->offset + r->length <= t->size)
			set(e, "bytes", hex_bytes(t->data + r->offset, r->length));
		set_ref(e, r->table, r->offset);
		json_array_append_new(raws, e);
	}
	set(root, "raw_subtables", raws);

	if (m->kernel)
		set(root, "kernel", ims_json_kernel_view(m));

	set(root, "diagnostics", ims_json_diagnostics(m));
	json_t *sum = json_object();
	set(sum, "errors", json_integer((json_int_t)ims_model_count_diags(m, IMS_SEV_ERROR)));
	set(sum, "warnings",
	    json_integer((json_int_t)(ims_model_count_diags(m, IMS_SEV_WARNING) - ims_model_count_diags(m, IMS_SEV_ERROR))));
	set(sum, "infos", json_integer((json_int_t)(m->n_diags - ims_model_count_diags(m, IMS_SEV_WARNING))));
	set(sum, "diagnostics_truncated", json_boolean(m->diags_truncated));
	set(root, "diagnostic_counts", sum);
	return root;
}
