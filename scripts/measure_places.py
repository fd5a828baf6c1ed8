#!/usr/bin/env python3
"""Checks region outlines against the GeoNames oracle
(tests/fixtures/geonames_places.json) and the hand list
(tests/fixtures/border_places.json).

Usage: measure_places.py [--ref GIT_REF]   (default: the work tree's files)
Needs shapely and pyproj (the venv of make-regions.sh has both)."""
import argparse
import json
import math
import os
import subprocess

import shapely
from shapely.geometry import Point, shape

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGIONS = ["rostov", "belgorod", "bryansk", "voronezh", "crimea"]
CODE = {"RU.09": "belgorod", "RU.10": "bryansk", "RU.86": "voronezh", "RU.61": "rostov",
        "UA.11": "crimea", "UA.20": "crimea"}
COAST_KM = 2.0


def read(path, ref):
    if ref is None:
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            return json.load(f)
    return json.loads(subprocess.run(["git", "-C", REPO, "show", f"{ref}:{path}"],
                                     check=True, capture_output=True).stdout)


def km(p, g):
    """Approximate distance in km from point p to geometry g (local scale)."""
    k = math.cos(math.radians(p.y))
    t = lambda c: c * [k, 1.0]
    return shapely.distance(shapely.transform(Point(p), t), shapely.transform(g, t)) * 111.195


class Layers:
    def __init__(self, ref):
        self.regions = {}
        for r in REGIONS:
            fc = read(f"assets/regions/{r}.geojson", ref)
            self.regions[r] = shapely.union_all([shape(f["geometry"]) for f in fc["features"]])
            shapely.prepare(self.regions[r])
        ctx = read("assets/context/context.geojson", ref)
        self.other = [(f["properties"]["country"], f["properties"]["name"], shape(f["geometry"]))
                      for f in ctx["features"] if f["properties"]["kind"] in ("admin1", "country")]
        for *_, g in self.other:
            shapely.prepare(g)

    def locate(self, lon, lat):
        """(region id or None, on other land?, coastal rule region, distance km to that region)"""
        p = Point(lon, lat)
        for r, g in self.regions.items():
            if g.contains(p):
                return r, False, r, 0.0
        other = [c for c, n, g in self.other if g.contains(p)]
        best = min(((km(p, g), r) for r, g in self.regions.items()), key=lambda t: t[0])
        coastal = best[1] if (not other and best[0] <= COAST_KM) else None
        return None, bool(other), coastal, best[0]

    def russian(self, lon, lat):
        """Is the point in a Russian admin-1 polygon of the context (not tracked)?"""
        p = Point(lon, lat)
        return any(c == "Russia" and g.contains(p) for c, n, g in self.other if n != "Russia")


def oracle(layers):
    places = read("tests/fixtures/geonames_places.json", None)["places"]
    tot = ok = ok_coast = 0
    per = {r: [0, 0] for r in REGIONS}
    ua_in_ru, ru_out, crimea_sea, misses = 0, 0, 0, []
    for name, lat, lon, country, a1 in places:
        region, on_other, coast_region, dist = layers.locate(lon, lat)
        if a1 in CODE:
            want = CODE[a1]
            tot += 1
            per[want][0] += 1
            if region == want:
                ok += 1
                per[want][1] += 1
            else:
                misses.append((name, lat, lon, a1, region, round(dist, 2)))
            if region == want or (region is None and coast_region == want):
                ok_coast += 1
            if want == "crimea" and region is None and not on_other:
                crimea_sea += 1
            if a1.startswith("RU.") and region != want:
                ru_out += 1
        elif country == "UA":
            if region is not None or layers.russian(lon, lat):
                ua_in_ru += 1
                misses.append((name, lat, lon, a1, region, "UA place in Russia"))
    return {"places_in_five": tot, "right_region": ok, "right_pct": round(100 * ok / tot, 2),
            "right_with_coastal_rule_pct": round(100 * ok_coast / tot, 2),
            "per_region": {r: f"{v[1]}/{v[0]}" for r, v in per.items()},
            "ukrainian_in_russian_oblast": ua_in_ru, "russian_oblast_outside": ru_out,
            "crimean_in_sea": crimea_sea, "misses": misses}


def hand_list(layers):
    places = read("tests/fixtures/border_places.json", None)["places"]
    rows, bad = [], 0
    for p in places:
        region, on_other, coast_region, dist = layers.locate(p["lon"], p["lat"])
        got = region if region is not None else (coast_region if p.get("coastal") else None)
        good = got == p["region"]
        bad += not good
        rows.append((p["name"], p["region"], region, coast_region, round(dist, 2), good))
    return bad, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", help="git ref of the outlines to measure (default: work tree)")
    args = ap.parse_args()
    layers = Layers(args.ref)
    res = oracle(layers)
    misses = res.pop("misses")
    print(json.dumps(res, ensure_ascii=False))
    for m in misses[:40]:
        print("  miss:", m)
    if os.path.exists(os.path.join(REPO, "tests/fixtures/border_places.json")):
        bad, rows = hand_list(layers)
        print(f"border_places: {len(rows) - bad}/{len(rows)} as expected")
        for r in rows:
            if not r[5] or r[3] is not None and r[2] is None:
                print("  ", r)


if __name__ == "__main__":
    main()
