#!/usr/bin/env python3
"""Writes tests/fixtures/border_places.json: places within 10 km of the
Russia-Ukraine state border (both sides) and coastal places of Crimea and
Rostov, each with the region expected from GeoNames (admin1 code) and a note
of what confirms it. Coordinates: GeoNames (tests/fixtures/geonames_places.json)
or, where the issue gives them, issue 13. The border line is used only to pick
the places, never to decide their expected region.
Usage: make_border_places.py PATH_TO_OLD_NE_REGIONS_REF (git ref, e.g. 71e8052)"""
import json
import math
import os
import subprocess
import sys

import shapely
from shapely.geometry import Point, shape

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODE = {"RU.09": "belgorod", "RU.10": "bryansk", "RU.86": "voronezh", "RU.61": "rostov",
        "UA.11": "crimea", "UA.20": "crimea"}
ISSUE = {"Hrabovske": (50.6984, 35.4544, "UA.21"), "Stepok": (50.8508, 35.3941, "UA.21"),
         "Hoptivka": (50.2828, 36.2693, "UA.63"), "Seredyna-Buda": (52.189, 34.0364, "UA.21"),
         "Sevastopol": (44.617, 33.525, "UA.20"), "Foros": (44.392, 33.787, "UA.11")}
COASTAL = ["Yevpatoriya", "Alushta", "Yalta", "Feodosiya", "Kerch", "Taganrog",
           "Shcholkine", "Shtormovoye", "Sudak", "Saky", "Chornomorske", "Azov", "Balaklava"]
ref = sys.argv[1]

fc = json.load(open(os.path.join(REPO, "assets/borders/border.geojson"), encoding="utf-8"))
state = [shape(f["geometry"]) for f in fc["features"] if f["properties"]["kind"] == "state"][0]
old = {}
for r in ["rostov", "belgorod", "bryansk", "voronezh", "crimea"]:
    txt = subprocess.run(["git", "-C", REPO, "show", f"{ref}:assets/regions/{r}.geojson"],
                         check=True, capture_output=True).stdout
    old[r] = shapely.union_all([shape(f["geometry"]) for f in json.loads(txt)["features"]])


def km(lon, lat, g):
    k = math.cos(math.radians(lat))
    return shapely.distance(Point(lon * k, lat), shapely.transform(g, lambda c: c * [k, 1.0])) * 111.195


def old_region(lon, lat):
    return next((r for r, g in old.items() if g.contains(Point(lon, lat))), None)


places = json.load(open(os.path.join(REPO, "tests/fixtures/geonames_places.json"), encoding="utf-8"))["places"]
out = []
for name, (lat, lon, a1) in ISSUE.items():
    out.append(dict(name=name, lat=lat, lon=lon, region=CODE.get(a1), country=a1[:2], admin1=a1,
                    confirmed_by="coordinates and side given in issue 13; GeoNames admin1 " + a1))
near = []
for name, lat, lon, country, a1 in places:
    if name in ISSUE or country not in ("RU", "UA") or a1 in ("UA.11", "UA.20"):
        continue
    d = km(lon, lat, state)
    if d <= 10:
        near.append((d, name, lat, lon, country, a1))
# Spread along the border: at most one place per 0.25 degree of latitude-longitude cell and side.
seen = set()
for d, name, lat, lon, country, a1 in sorted(near, key=lambda t: (t[0], t[1])):
    cell = (country, round(lat * 4), round(lon * 4))
    if cell in seen:
        continue
    seen.add(cell)
    want = CODE.get(a1)
    ne = old_region(lon, lat)
    note = f"GeoNames admin1 {a1}"
    note += ("; Natural Earth admin-1 (old outlines) puts it on the same side" if ne == want
             else f"; Natural Earth admin-1 (old outlines) disagrees: {ne}")
    out.append(dict(name=name, lat=lat, lon=lon, region=want, country=country, admin1=a1,
                    border_km=round(d, 1), confirmed_by=note))
for name, lat, lon, country, a1 in places:
    if name in COASTAL and a1 in CODE:
        out.append(dict(name=name, lat=lat, lon=lon, region=CODE[a1], country=country, admin1=a1,
                        confirmed_by=f"GeoNames admin1 {a1}; coastal town named in issue 13 or on the coast"))
# Coastal flag from the new outlines: in no region, but within 2 km of the
# expected region's edge. Distances to the drawn coast are recorded for every
# coastal place (negative: inside the region, positive: in the sea).
new = {}
for r in ["rostov", "belgorod", "bryansk", "voronezh", "crimea"]:
    f = json.load(open(os.path.join(REPO, f"assets/regions/{r}.geojson"), encoding="utf-8"))
    new[r] = shapely.union_all([shape(x["geometry"]) for x in f["features"]])
for p in out:
    if p["region"] is None:
        continue
    g = new[p["region"]]
    inside = g.contains(Point(p["lon"], p["lat"]))
    d = km(p["lon"], p["lat"], g.boundary)
    if p["name"] in COASTAL or p["name"] in ("Sevastopol", "Foros"):
        p["coast_km"] = round(-d if inside else d, 2)
    if not inside and d <= 2:
        p["coastal"] = True
with open(os.path.join(REPO, "tests/fixtures/border_places.json"), "w", encoding="utf-8", newline="\n") as f:
    f.write('{"note":"expected region: GeoNames admin1 (RU.09 belgorod, RU.10 bryansk, RU.86 voronezh, '
            'RU.61 rostov, UA.11/UA.20 crimea, anything else null); coastal: true = in no region polygon '
            'but within 2 km of its coast (the coastal rule)",\n "places":[\n')
    f.write(",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in out))
    f.write("\n]}\n")
print(len(out), "places;", sum(1 for p in out if "border_km" in p), "near the border")
