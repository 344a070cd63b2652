#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare `iasl -d` DMAR output with `iommuscope tables --json` for the same table.

Usage: dmar_iasl_compare.py DIR...   each DIR holds dmar.dsl (iasl -d) and ours.json.

Structures are matched by their table offset (iasl prints it in the
"[030h 0048   2]" column; our JSON carries "offset" on every table object).
Compared: HAW, DMAR flags, every DRHD (flags, segment, register base, and its
endpoint/bridge/IOAPIC/HPET scopes), RMRR (segment, base, limit, scopes), ATSR
(flags, segment, scopes), RHSA (base, proximity domain), ANDD (device number,
name, and the BDF of the namespace scope it names); counts of each.
iasl 20200925 stops at SATC and later types ("Unknown DMAR subtable"); only
what it printed is compared, and counts are compared up to that offset.
"""
import json
import os
import re
import sys

LINE = re.compile(r"^\[([0-9A-Fa-f]+)h \d+\s+[0-9A-Fa-f]+h?\]\s+(.*?)\s*:\s?(.*)$")


def hexval(v):
    return int(v.split()[0], 16)


def parse_dsl(path):
    """Return (header dict, list of structures, offset where iasl stopped or None)."""
    hdr, structs, stopped = {}, [], None
    cur = scope = None
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("Raw Table Data"):
                break
            if "Unknown DMAR subtable" in line or "Invalid" in line and "subtable" in line.lower():
                stopped = cur["offset"] if cur else 48
                if cur:
                    structs.pop()
                cur = None
                break
            m = LINE.match(line.strip())
            if not m:
                continue
            off, label, value = int(m.group(1), 16), m.group(2).strip(), m.group(3).strip()
            if label == "Subtable Type":
                cur = {"type": hexval(value), "offset": off, "scopes": []}
                structs.append(cur)
                scope = None
                continue
            if cur is None:
                if label == "Host Address Width":
                    hdr["haw"] = hexval(value)
                elif label == "Flags":
                    hdr["flags"] = hexval(value)
                continue
            if label == "Device Scope Type":
                scope = {"type": hexval(value), "offset": off, "path": []}
                cur["scopes"].append(scope)
            elif scope is not None and label == "Enumeration ID":
                scope["enum"] = hexval(value)
            elif scope is not None and label == "PCI Bus Number":
                scope["bus"] = hexval(value)
            elif scope is not None and label == "PCI Path":
                d, fn = value.split(",")
                scope["path"].append((int(d, 16), int(fn, 16)))
            elif label == "Device Name":
                cur["name"] = value.strip('"')
            elif scope is None:
                key = {"Flags": "flags", "PCI Segment Number": "segment",
                       "Register Base Address": "base", "Base Address": "base",
                       "End Address (limit)": "end", "Proximity Domain": "domain",
                       "Device Number": "devnum", "Length": "length"}.get(label)
                if key:
                    cur[key] = hexval(value)
    return hdr, structs, stopped


def json_scope(s):
    path = []
    for p in s["path"]:
        d, fn = p.split(".")
        path.append((int(d, 16), int(fn, 16)))
    return {"type": s["type_raw"], "offset": s["offset"], "enum": s["enumeration_id"],
            "bus": s["start_bus"], "path": path}


class Cmp:
    def __init__(self, name):
        self.name, self.errors, self.checked = name, [], 0

    def eq(self, what, ours, theirs):
        self.checked += 1
        if ours != theirs:
            self.errors.append("%s: %s: ours %r, iasl %r" % (self.name, what, ours, theirs))


def cmp_scopes(c, what, ours, theirs):
    """ours, theirs: lists of scope dicts; compared in offset order."""
    c.eq(what + " scope count", len(ours), len(theirs))
    for a, b in zip(sorted(ours, key=lambda s: s["offset"]), sorted(theirs, key=lambda s: s["offset"])):
        w = "%s scope@%d" % (what, b["offset"])
        c.eq(w + " offset", a["offset"], b["offset"])
        c.eq(w + " type", a["type"], b["type"])
        c.eq(w + " enumeration id", a["enum"], b.get("enum"))
        c.eq(w + " start bus", a["bus"], b.get("bus"))
        c.eq(w + " path", a["path"][:16], b["path"][:16])


def compare(d):
    c = Cmp(os.path.basename(d.rstrip("/")))
    hdr, structs, stopped = parse_dsl(os.path.join(d, "dmar.dsl"))
    with open(os.path.join(d, "ours.json")) as f:
        j = json.load(f)
    dm = j["dmar"]
    if dm is None:
        c.errors.append(c.name + ": our JSON has no DMAR")
        return c
    c.eq("host address width", dm["host_address_width"], hdr.get("haw", -1) + 1)
    c.eq("flags", int(dm["flags"], 16), hdr.get("flags"))
    limit = stopped if stopped is not None else 1 << 62

    units = {u["offset"]: u for u in j["iommus"] if u["vendor"] == "intel"}
    rmrrs = {r["offset"]: r for r in j["reserved_regions"] if r["kind"] == "rmrr"}
    atsrs = {a["offset"]: a for a in dm["atsr"]}
    rhsas = {r["offset"]: r for r in dm["rhsa"]}
    andds = {}
    for u in j["iommus"]:
        for a in u.get("acpi_devices", []):
            andds[a["offset"]] = a
    for a in j.get("unattached_acpi_devices", []):
        andds[a["offset"]] = a
    # namespace scopes are not listed per unit in JSON; check them via ANDD BDFs
    ns_bdf = {}

    counts = {}
    for s in structs:
        t, off = s["type"], s["offset"]
        counts[t] = counts.get(t, 0) + 1
        w = "type %d @%d" % (t, off)
        if t == 0:
            u = units.get(off)
            if u is None:
                c.errors.append("%s: DRHD @%d missing in our units" % (c.name, off))
                continue
            c.eq(w + " flags", int(u["drhd_flags"], 16), s.get("flags"))
            c.eq(w + " segment", u["segment"], s.get("segment"))
            c.eq(w + " base", int(u["base"], 16), s.get("base"))
            ours = [json_scope(x["scope"]) for x in u["devices"] if "scope" in x]
            ours += [json_scope(x["scope"]) for x in u["special_devices"] if "scope" in x]
            theirs = [x for x in s["scopes"] if 1 <= x["type"] <= 4]
            cmp_scopes(c, w, ours, theirs)
            for x in s["scopes"]:
                if x["type"] == 5 and len(x["path"]) == 1:
                    dev, fn = x["path"][0]
                    ns_bdf.setdefault(x.get("enum"), "%04x:%02x:%02x.%d" % (s.get("segment", 0), x.get("bus", 0), dev, fn))
        elif t == 1:
            r = rmrrs.get(off)
            if r is None:
                c.errors.append("%s: RMRR @%d missing" % (c.name, off))
                continue
            c.eq(w + " segment", r["segment"], s.get("segment"))
            c.eq(w + " base", int(r["base"], 16), s.get("base"))
            c.eq(w + " end", int(r["end"], 16), s.get("end"))
            cmp_scopes(c, w, [json_scope(x) for x in r["devices"]], s["scopes"])
        elif t == 2:
            a = atsrs.get(off)
            if a is None:
                c.errors.append("%s: ATSR @%d missing" % (c.name, off))
                continue
            c.eq(w + " flags", int(a["flags"], 16), s.get("flags"))
            c.eq(w + " segment", a["segment"], s.get("segment"))
            cmp_scopes(c, w, [json_scope(x) for x in a["root_ports"]], s["scopes"])
        elif t == 3:
            r = rhsas.get(off)
            if r is None:
                c.errors.append("%s: RHSA @%d missing" % (c.name, off))
                continue
            c.eq(w + " base", int(r["base"], 16), s.get("base"))
            c.eq(w + " proximity domain", r["proximity_domain"], s.get("domain"))
        elif t == 4:
            a = andds.get(off)
            if a is None:
                c.errors.append("%s: ANDD @%d missing" % (c.name, off))
                continue
            c.eq(w + " device number", a["device_number"], s.get("devnum"))
            c.eq(w + " name", a.get("name", ""), s.get("name", ""))
    for off, a in andds.items():
        if a["device_number"] in ns_bdf:
            c.eq("ANDD @%d bdf" % off, a["bdf"], ns_bdf[a["device_number"]])

    # counts, restricted to what iasl printed
    c.eq("DRHD count", len([o for o in units if o < limit]), counts.get(0, 0))
    c.eq("RMRR count", len([o for o in rmrrs if o < limit]), counts.get(1, 0))
    c.eq("ATSR count", len([o for o in atsrs if o < limit]), counts.get(2, 0))
    c.eq("RHSA count", len([o for o in rhsas if o < limit]), counts.get(3, 0))
    c.eq("ANDD count", len([o for o in andds if o < limit]), counts.get(4, 0))
    c.stopped = stopped
    return c


def main():
    dirs = sys.argv[1:]
    bad = checked = tables = partial = 0
    for d in dirs:
        c = compare(d)
        tables += 1
        checked += c.checked
        if getattr(c, "stopped", None) is not None:
            partial += 1
        for e in c.errors[:20]:
            print("MISMATCH", e)
        bad += bool(c.errors)
    print("dmar-iasl: %d tables, %d values compared, %d tables iasl decoded only partly, %d with mismatches"
          % (tables, checked, partial, bad))
    return 1 if bad or not tables else 0


if __name__ == "__main__":
    sys.exit(main())
