#!/usr/bin/env bash
# Writes the GIS format fixtures of tests/flows/gis_formats.rs with GDAL's ogr2ogr
# (Debian: apt-get install gdal-bin), so the readers are tested on files an
# independent writer made: events.geojson and the bundled Belgorod outline
# as GeoPackage, KML, KMZ, Shapefile (loose, zipped, and with a Windows-1251
# .dbf) and a GeoPackage with two point tables.
# Run from the repository root: scripts/make_format_fixtures.sh
set -euo pipefail
out=tests/fixtures/formats
command -v ogr2ogr >/dev/null || { echo "needs ogr2ogr (apt-get install gdal-bin)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Events: the GeoJSON is the reference; the others are made from it.
ev=$out/events.geojson
rm -f "$out"/events.* "$out"/events-* "$out"/two-layers.gpkg
cat > "$ev" <<'JSON'
{"type": "FeatureCollection", "features": [
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.1383, 51.5344]},
 "properties": {"id": "pogonovo", "title": "Heavy weapons kept at the Pogonovo range", "date": "2021-04-23",
  "category": "deployment", "place": "Pogonovo", "troops": 0}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.5872, 50.5977]},
 "properties": {"id": "belgorod-drill", "title": "Drill near Belgorod", "date": "2021-04-14",
  "category": "drill", "place": "Белгород", "troops": 3000}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.7203, 47.2357]},
 "properties": {"id": "rostov-lights", "title": "Lights over Rostov-on-Don", "date": "2021-04-20",
  "category": "incident", "place": "Rostov-on-Don", "troops": null}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [34.1, 44.95]},
 "properties": {"id": "crimea-drills", "title": "Drills in Crimea", "date": "2021-04-22",
  "category": "drill", "place": "Simferopol", "troops": 10000}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [34.3667, 53.2521]},
 "properties": {"id": "bryansk-withdrawal", "title": "Troops ordered back to bases", "date": "2021-04-23",
  "category": "withdrawal", "place": "Bryansk", "troops": 40000}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.2304, 49.9935]},
 "properties": {"id": "kharkiv-statement", "title": "Statement in Kharkiv", "date": "2021-04-21",
  "category": "statement", "place": "Kharkiv", "troops": null}}
]}
JSON
ogr2ogr -f GPKG "$out/events.gpkg" "$ev" -nln events
ogr2ogr -f KML "$out/events.kml" "$ev"
ogr2ogr -f "ESRI Shapefile" "$out/events.shp" "$ev" -lco ENCODING=UTF-8
ogr2ogr -f "ESRI Shapefile" "$tmp/events-cp1251.shp" "$ev" -lco ENCODING=CP1251
# The code page only in the .dbf header (language driver 0xC9), as older tools write it.
rm -f "$tmp/events-cp1251.cpg"
cp "$tmp"/events-cp1251.* "$out"/
(cd "$out" && zip -q -X "$tmp/events-shp.zip" events.shp events.shx events.dbf events.prj events.cpg) && cp "$tmp/events-shp.zip" "$out"/
ogr2ogr -f GPKG "$out/two-layers.gpkg" "$ev" -nln drills -where "category = 'drill'"
# Projected: Web Mercator is converted back to degrees, UTM refused by name.
ogr2ogr -f GPKG "$out/events-3857.gpkg" "$ev" -nln events -t_srs EPSG:3857
ogr2ogr -f GPKG "$out/events-utm.gpkg" "$ev" -nln events -t_srs EPSG:32637
ogr2ogr -f "ESRI Shapefile" "$out/events-3857.shp" "$ev" -t_srs EPSG:3857 -lco ENCODING=UTF-8
ogr2ogr -f "ESRI Shapefile" "$out/events-utm.shp" "$ev" -t_srs EPSG:32637 -lco ENCODING=UTF-8
ogr2ogr -f GPKG -update "$out/two-layers.gpkg" "$ev" -nln statements -where "category <> 'drill'"

# A region layer: the bundled Belgorod outline.
rm -f "$out"/belgorod.* "$out"/belgorod-*
cp assets/regions/belgorod.geojson "$out/belgorod.geojson"
ogr2ogr -f GPKG "$out/belgorod.gpkg" "$out/belgorod.geojson" -nln belgorod
ogr2ogr -f KML "$out/belgorod.kml" "$out/belgorod.geojson"
# Two polygon tables: the window asks which to open.
rm -f "$out/two-regions.gpkg"
ogr2ogr -f GPKG "$out/two-regions.gpkg" "$out/belgorod.geojson" -nln oblast -lco SPATIAL_INDEX=NO
ogr2ogr -f GPKG -update "$out/two-regions.gpkg" "$out/belgorod.geojson" -nln oblast_copy -lco SPATIAL_INDEX=NO \
  -sql "SELECT name, 'belgorod-copy' AS id FROM belgorod"
(cd "$tmp" && cp "$OLDPWD/$out/belgorod.kml" doc.kml && zip -q -X belgorod.kmz doc.kml) && cp "$tmp/belgorod.kmz" "$out"/
ogr2ogr -f "ESRI Shapefile" "$out/belgorod.shp" "$out/belgorod.geojson" -lco ENCODING=UTF-8
mkdir -p "$tmp/zip/belgorod" "$tmp/zip/__MACOSX"
cp "$out"/belgorod.shp "$out"/belgorod.shx "$out"/belgorod.dbf "$out"/belgorod.prj "$out"/belgorod.cpg "$tmp/zip/belgorod/"
echo junk > "$tmp/zip/__MACOSX/._belgorod.shp"
(cd "$tmp/zip" && zip -q -X -r ../belgorod-shp.zip belgorod __MACOSX) && cp "$tmp/belgorod-shp.zip" "$out"/
ls -l "$out"
