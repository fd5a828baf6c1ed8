#!/usr/bin/env python3
"""Builds assets/water/water.geojson (rivers, lakes, river labels) from
GSHHG 2.3.7 dumps made by GMT's `gmt coast -M` (see scripts/make-water.sh).

Inputs are GMT multisegment text files whose segment headers read
"> River Bin # N, Level L" (WDBII rivers, GMT level L = 0..10) or
"> Shore Bin # N, Level L" (GSHHS shorelines). The data are binned, so one
river or lake outline comes as several pieces cut at bin edges; the pieces
are joined again here (rivers: line merge per level; lakes: polygonize).

Output levels follow the WDBII / GSHHG shapefile numbering (1 = double-lined
rivers, 2 = permanent major, 3 = additional major, 4 = additional, 5 = minor),
i.e. GMT's level + 1.
"""
import argparse
import json
import math

import shapely
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import split as split_polygon

BOX = (30.0, 43.5, 43.0, 54.5)  # lon_min, lat_min, lon_max, lat_max
KM_PER_DEG = 111.195  # mean Earth radius 6371.0088 km

# Cut lines across the one GSHHS polygon that holds the Dnieper cascade from
# Kaniv to Kherson, placed across the river at the dams (lon, lat pairs), so
# that each reservoir becomes its own feature.
DAMS = {
    "Kremenchuk HPP (Svitlovodsk)": [(33.25, 49.02), (33.25, 49.10)],
    "Middle Dnieper HPP (Kamianske)": [(34.54, 48.50), (34.54, 48.63)],
    "Dnipro HPP (Zaporizhzhia)": [(35.03, 47.88), (35.13, 47.86)],
    "Kakhovka HPP (Nova Kakhovka)": [(33.37, 46.72), (33.37, 46.83)],
}
# Named reservoirs: (name, name_local, a point in it or within 3 km of it,
# extra properties); matched against the whole (unclipped) polygons.
RESERVOIRS = [
    ("Kyiv Reservoir", "Київське водосховище", (30.45, 50.95), {}),
    ("Kremenchuk Reservoir", "Кременчуцьке водосховище", (32.6, 49.35), {}),
    ("Kamianske Reservoir", "Кам'янське водосховище", (34.0, 48.85), {}),
    ("Dnipro Reservoir", "Дніпровське водосховище", (35.15, 48.2), {}),
    # destroyed dam, reservoir drained since 6 June 2023; GSHHG (2017) still
    # has it full: kept, flagged, so that the app can draw it as a former lake
    ("Kakhovka Reservoir", "Каховське водосховище", (33.96, 47.26),
     {"drained": "2023-06"}),
    ("Tsimlyansk Reservoir", "Цимлянское водохранилище", (42.9, 47.87), {}),
]


def read_segments(path):
    """[(level, [(lon, lat), ...]), ...] from a GMT -M dump."""
    segs, cur = [], None
    with open(path, encoding="ascii") as f:
        for line in f:
            if line.startswith(">"):
                level = int(line.rsplit("Level", 1)[1].split()[0])
                cur = []
                segs.append((level, cur))
            elif line.strip():
                x, y = line.split()[:2]
                # 1e-7 degrees: pieces from neighbouring bins meet exactly
                cur.append((round(float(x), 7), round(float(y), 7)))
    return [(lv, c) for lv, c in segs if len(c) >= 2]


def area_km2(geom):
    """Area on a sphere (sinusoidal projection, equal-area), km²."""
    def proj(c):
        return [(x * KM_PER_DEG * math.cos(math.radians(y)), y * KM_PER_DEG) for x, y in c]

    def ring_area(r):
        return Polygon(proj(r.coords)).area

    total = 0.0
    for p in getattr(geom, "geoms", [geom]):
        total += ring_area(p.exterior) - sum(ring_area(i) for i in p.interiors)
    return total


def length_km(geom):
    total = 0.0
    for line in getattr(geom, "geoms", [geom]):
        c = line.coords
        for (x0, y0), (x1, y1) in zip(c[:-1], c[1:]):
            k = math.cos(math.radians((y0 + y1) / 2))
            total += math.hypot((x1 - x0) * k, y1 - y0) * KM_PER_DEG
    return total


def parts(geom, kind):
    return [g for g in shapely.get_parts(geom) if g.geom_type == kind and not g.is_empty]


def build_rivers(segs, keep_levels, clip, tol):
    out = []
    for level in sorted(keep_levels):
        lines = [LineString(c) for lv, c in segs if lv == level]
        if not lines:
            continue
        merged = shapely.line_merge(shapely.union_all(lines))
        for line in sorted(parts(merged, "LineString"), key=lambda l: l.coords[0]):
            inside = shapely.intersection(line, clip)
            pieces = [p.simplify(tol, preserve_topology=False)
                      for p in parts(inside, "LineString")]
            pieces = [p for p in pieces if p.length > 0]
            if not pieces:
                continue
            geom = pieces[0] if len(pieces) == 1 else shapely.MultiLineString(pieces)
            out.append((level + 1, geom))
    return out


def build_lakes(segs, islands, clip, tol, min_km2):
    polys = list(shapely.get_parts(shapely.polygonize(
        [shapely.union_all([LineString(c) for _, c in segs])])))
    isl = list(shapely.get_parts(shapely.polygonize(
        [shapely.union_all([LineString(c) for _, c in islands])]))) if islands else []
    # GSHHS level-2 rings neither nest nor touch (checked for this area), so
    # every face is one lake; level-3 islands inside it become its holes
    lakes = []
    for p in polys:
        holes = [i for i in isl if p.contains(i.representative_point())]
        if holes:
            p = p.difference(shapely.union_all(holes))
        lakes.append(p)
    # split the Dnieper cascade at the dams
    cuts = shapely.union_all([LineString(c) for c in DAMS.values()])
    split = []
    for p in lakes:
        if p.intersects(cuts):
            split.extend(split_polygon(p, cuts).geoms)
        else:
            split.append(p)
    out = []
    for p in split:
        full_area = area_km2(p)
        if full_area < min_km2:
            continue
        props = {"kind": "lake"}
        for name, local, pt, extra in RESERVOIRS:
            if p.distance(Point(pt)) * KM_PER_DEG < 3 and full_area > 100:
                props.update({"name": name, "name_local": local}, **extra)
        inside = shapely.intersection(p, clip)
        if inside.is_empty:
            continue
        simp = inside.simplify(tol, preserve_topology=True)
        for q in parts(simp, "Polygon"):
            if area_km2(q) < min_km2 / 4:  # slivers left by the clip
                continue
            out.append((dict(props), orient(q, 1.0), full_area))
    return out


# River labels: (name, name_local, WDBII level of the line, a point by hand
# near the line between towns known to lie on that river, checked against
# GeoNames towns: see the report). Each is snapped onto the nearest line of
# that level; a snap farther than MAX_SNAP_KM is an error.
MAX_SNAP_KM = 2.0
LABELS = [
    ("Dnieper", "Дніпро", 2, (30.85, 50.13)),                   # below Kyiv, above Kaniv
    ("Desna", "Десна", 3, (32.0, 51.363)),                      # below Chernihiv
    ("Desna", "Десна", 3, (33.47, 52.39)),                      # Trubchevsk–Novhorod-Siverskyi
    ("Seym", "Сейм", 4, (35.23, 51.67)),                        # Rylsk–Kurchatov
    ("Seversky Donets", "Северский Донец", 3, (36.74, 50.81)),  # above Belgorod
    ("Siverskyi Donets", "Сіверський Донець", 3, (37.93, 48.91)),  # Izium–Lysychansk
    ("Seversky Donets", "Северский Донец", 3, (40.85, 48.0)),   # below Belaya Kalitva
    ("Oskol", "Оскол", 5, (37.83, 50.785)),                     # Staryy Oskol–Valuyki
    ("Oskil", "Оскіл", 5, (37.65, 49.5)),                       # Kupiansk–Izium
    ("Don", "Дон", 2, (39.77, 50.69)),                          # below Liski
    ("Don", "Дон", 2, (41.015, 47.572)),                        # Tsimlyansk–Rostov
    ("Voronezh", "Воронеж", 5, (39.38, 52.19)),                 # Lipetsk–Voronezh
    ("Khopyor", "Хопёр", 4, (41.895, 50.61)),                   # Borisoglebsk–Uryupinsk
    ("Manych", "Маныч", 4, (40.75, 47.11)),                     # lower Manych
    ("Kuban", "Кубань", 4, (40.19, 45.34)),                     # Ust-Labinsk–Kropotkin
]


def build_labels(rivers):
    out = []
    for name, local, level, (x, y) in LABELS:
        p = Point(x, y)
        cands = [g for lv, g in rivers if lv == level]
        best = min(cands, key=lambda g: g.distance(p))
        snapped = best.interpolate(best.project(p))
        if best.distance(p) * KM_PER_DEG > MAX_SNAP_KM:
            raise SystemExit(f"label {name} at {x},{y}: no level-{level} line within {MAX_SNAP_KM} km")
        out.append(({"kind": "river_label", "name": name, "name_local": local},
                    Point(round(snapped.x, 5), round(snapped.y, 5)),
                    best.distance(p) * KM_PER_DEG))
    return out


def fmt_coords(coords):
    return "[" + ",".join(f"[{round(x, 5)!r},{round(y, 5)!r}]" for x, y in coords) + "]"


def dedup(coords):
    out = []
    for x, y in coords:
        c = (round(x, 5), round(y, 5))
        if not out or out[-1] != c:
            out.append(c)
    return out


def fmt_geometry(g):
    t = g.geom_type
    if t == "Point":
        return '{"type":"Point","coordinates":[' + f"{round(g.x, 5)!r},{round(g.y, 5)!r}" + "]}"
    if t == "LineString":
        return '{"type":"LineString","coordinates":' + fmt_coords(dedup(g.coords)) + "}"
    if t == "MultiLineString":
        return ('{"type":"MultiLineString","coordinates":['
                + ",".join(fmt_coords(dedup(l.coords)) for l in g.geoms) + "]}")
    if t == "Polygon":
        rings = [g.exterior] + list(g.interiors)
        return ('{"type":"Polygon","coordinates":['
                + ",".join(fmt_coords(dedup(r.coords)) for r in rings) + "]}")
    raise ValueError(t)


def vertices(g):
    return len(shapely.get_coordinates(g))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivers", required=True)
    ap.add_argument("--lakes", required=True)
    ap.add_argument("--islands", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--levels", default="0,1,2,3,4", help="GMT river levels to keep")
    ap.add_argument("--tolerance", type=float, default=0.0005, help="degrees")
    ap.add_argument("--min-lake-km2", type=float, default=2.0)
    ap.add_argument("--stats")
    args = ap.parse_args()

    clip = box(*BOX)
    keep = {int(v) for v in args.levels.split(",")}
    river_segs = read_segments(args.rivers)
    rivers = build_rivers(river_segs, keep, clip, args.tolerance)
    lakes = build_lakes(read_segments(args.lakes), read_segments(args.islands), clip,
                        args.tolerance, args.min_lake_km2)
    labels = build_labels(rivers)

    feats = []
    for level, g in rivers:
        feats.append(({"kind": "river", "level": level, "source": args.source}, g))
    lakes.sort(key=lambda t: -t[2])
    for props, g, _ in lakes:
        feats.append((dict(props, source=args.source), g))
    for props, g, _ in labels:
        feats.append((dict(props, source=args.source), g))

    lines = []
    for props, g in feats:
        p = json.dumps(props, ensure_ascii=False, separators=(",", ":"))
        lines.append('{"type":"Feature","properties":' + p + ',"geometry":' + fmt_geometry(g) + "}")
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")

    if args.stats:
        stats = {"rivers": {}, "lakes": [], "labels": []}
        all_levels = sorted({lv for lv, _ in river_segs})
        for lv in all_levels:
            kept = [g for l, g in rivers if l == lv + 1]
            raw = [c for l, c in river_segs if l == lv]
            stats["rivers"][f"wdbii_{lv + 1}"] = {
                "kept": lv in keep, "raw_pieces": len(raw),
                "raw_vertices": sum(len(c) for c in raw),
                "features": len(kept), "vertices": sum(vertices(g) for g in kept),
                "length_km": round(sum(length_km(g) for g in kept))}
        for props, g, full in lakes:
            c = g.representative_point()
            stats["lakes"].append({"name": props.get("name", ""), "area_km2": round(full, 1),
                                   "at": [round(c.x, 2), round(c.y, 2)], "vertices": vertices(g)})
        for props, g, d in labels:
            stats["labels"].append({"name": props["name"], "at": [g.x, g.y], "snap_km": round(d, 2)})
        stats["features"] = len(feats)
        kinds = {}
        for props, g in feats:
            k = kinds.setdefault(props["kind"], [0, 0])
            k[0] += 1
            k[1] += vertices(g)
        stats["summary"] = ", ".join(f"{k} {n} features {v} vertices" for k, (n, v) in kinds.items())
        with open(args.stats, "w", encoding="utf-8") as f:
            json.dump(stats, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
