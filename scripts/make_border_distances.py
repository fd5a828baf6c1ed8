#!/usr/bin/env python3
"""Writes tests/fixtures/border_distances.json: for places on both sides of the
border (the 68 border places, every 25th GeoNames place of
tests/fixtures/geonames_places.json, and a few far ones), the geodesic
distance to the nearest line of assets/borders/border.geojson, computed by an
independent method: each place's own azimuthal equidistant projection
(PROJ, through pyproj: distances from its centre are geodesic distances on
WGS84), in which GEOS (shapely) measures the distance from the centre to the
projected lines, densified to 50 m so the projected segments stay straight.

borderwatch measures the same with an R-tree and Karney's method in `geo`
(src/data/regions/border_distance.rs); tests/flows/border_distance.rs compares.

Usage: pip install pyproj shapely numpy; scripts/make_border_distances.py
"""
import json
import os

import numpy
import pyproj
import shapely
from shapely.geometry import Point, shape

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEOD = pyproj.Geod(ellps="WGS84")


def densify(line, step_m=50.0):
    """The line with points added so no segment is longer than step_m."""
    parts = line.geoms if line.geom_type == "MultiLineString" else [line]
    out = []
    for part in parts:
        coords = list(part.coords)
        dense = [coords[0]]
        for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
            _, _, length = GEOD.inv(x0, y0, x1, y1)
            n = max(1, int(length // step_m))
            if n > 1:
                dense.extend((lon, lat) for lon, lat in GEOD.npts(x0, y0, x1, y1, n - 1))
            dense.append((x1, y1))
        out.append(shapely.LineString(dense) if len(dense) > 1 else shapely.Point(dense[0]))
    return shapely.GeometryCollection(out)


def main():
    border = json.load(open(os.path.join(REPO, "assets/borders/border.geojson"), encoding="utf-8"))
    lines = [(f["properties"]["kind"], densify(shape(f["geometry"]))) for f in border["features"]]

    places = []
    near = json.load(open(os.path.join(REPO, "tests/fixtures/border_places.json"), encoding="utf-8"))
    places += [(p["name"], p["lat"], p["lon"]) for p in near["places"]]
    geonames = json.load(open(os.path.join(REPO, "tests/fixtures/geonames_places.json"), encoding="utf-8"))
    places += [(p[0], p[1], p[2]) for p in geonames["places"][::25]]
    places += [("Moscow", 55.7558, 37.6173), ("Kyiv", 50.4501, 30.5234), ("Simferopol", 44.9521, 34.1024),
               ("Brussels", 50.8503, 4.3517), ("Astrakhan", 46.3497, 48.0336)]

    out = []
    for name, lat, lon in places:
        aeqd = pyproj.Transformer.from_crs(
            "EPSG:4326",
            pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"),
            always_xy=True,
        )
        best = None
        for kind, line in lines:
            projected = shapely.transform(
                line, lambda c: numpy.column_stack(aeqd.transform(c[:, 0], c[:, 1]))
            )
            metres = projected.distance(Point(0, 0))
            if best is None or metres < best[0]:
                best = (metres, kind)
        out.append({"name": name, "lat": lat, "lon": lon, "km": round(best[0] / 1000, 4), "line": best[1]})

    note = ("Geodesic distance (km) from each place to the nearest line of assets/borders/border.geojson, "
            "by PROJ azimuthal equidistant projections centred on each place and GEOS distances; "
            f"pyproj {pyproj.__version__}, shapely {shapely.__version__}; written by scripts/make_border_distances.py")
    with open(os.path.join(REPO, "tests/fixtures/border_distances.json"), "w", encoding="utf-8") as f:
        json.dump({"note": note, "places": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} places written")


if __name__ == "__main__":
    main()
