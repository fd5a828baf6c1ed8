#!/usr/bin/env bash
# Rebuilds assets/regions/*.geojson and assets/context/context.geojson from
# Natural Earth 1:10m admin-1 (public domain) as packaged by Debian in
# qgis-common (world_map.gpkg). Needs apt-get (for qgis-common) and ogr2ogr
# from gdal-bin. Run from anywhere; writes into the repository's assets/.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
chmod 755 "$work"  # apt-get download runs as _apt and must write here
trap 'rm -rf "$work"' EXIT

command -v ogr2ogr >/dev/null || {
  echo "make-regions: ogr2ogr not found; install it with: apt-get install gdal-bin" >&2
  exit 1
}

(cd "$work" && apt-get download qgis-common >/dev/null)
dpkg -x "$work"/qgis-common_*.deb "$work/pkg"
gpkg="$work/pkg/usr/share/qgis/resources/data/world_map.gpkg"
version=$(dpkg-deb -f "$work"/qgis-common_*.deb Version)
source_text="Natural Earth 1:10m admin-1 v4.1.0 (public domain), world_map.gpkg from Debian qgis-common $version"

# ogr2ogr options shared by every output: RFC 7946 GeoJSON (WGS84 lon/lat,
# counter-clockwise exteriors), five decimals (about 1 m).
geojson_opts=(-f GeoJSON -lco RFC7946=YES -lco COORDINATE_PRECISION=5 -lco WRITE_NAME=NO)

# region id | English name | local (Russian) name | Natural Earth feature names
regions=(
  "rostov|Rostov Oblast|Ростовская область|Rostov"
  "belgorod|Belgorod Oblast|Белгородская область|Belgorod"
  "bryansk|Bryansk Oblast|Брянская область|Bryansk"
  "voronezh|Voronezh Oblast|Воронежская область|Voronezh"
  "crimea|Crimea|Крым|Crimea,Sevastopol"
)

parts_local() {
  case "$1" in
    Crimea) echo "Республика Крым";;
    Sevastopol) echo "Севастополь";;
    *) echo "";;
  esac
}

for entry in "${regions[@]}"; do
  IFS='|' read -r id name name_local ne_names <<<"$entry"
  selects=()
  IFS=',' read -r -a parts <<<"$ne_names"
  for part in "${parts[@]}"; do
    part_label=$part
    [ "$part" = Crimea ] && part_label="Republic of Crimea"
    selects+=("SELECT '$id' AS id, '$name' AS name, '$name_local' AS name_local,
      '$part_label' AS part, '$(parts_local "$part")' AS part_local,
      '$source_text' AS source, geom
      FROM states_provinces WHERE name = '$part' AND admin = 'Russia'")
  done
  sql=$(printf ' UNION ALL %s' "${selects[@]}")
  sql=${sql# UNION ALL }
  out="$repo/assets/regions/$id.geojson"
  rm -f "$out"
  ogr2ogr "${geojson_opts[@]}" -dialect SQLite -sql "$sql" "$out" "$gpkg"
  echo "make-regions: wrote assets/regions/$id.geojson"
done

# Context, drawn muted under the tracked regions: the admin-1 regions of
# Russia, Ukraine and Belarus and the countries around them, clipped to
# 24-54°E, 40-58°N (a margin around the fitted view), and label points for
# the seas (positions chosen by hand in open water).
tracked="'Rostov','Belgorod','Bryansk','Voronezh','Crimea','Sevastopol'"
out="$repo/assets/context/context.geojson"
rm -f "$out"
ogr2ogr "${geojson_opts[@]}" -dialect SQLite -clipsrc 24 40 54 58 -sql "
  SELECT 'admin1' AS kind, name, admin AS country, geom FROM states_provinces
    WHERE MbrIntersects(geom, BuildMbr(24, 40, 54, 58))
      AND admin IN ('Russia', 'Ukraine', 'Belarus')
      AND NOT (admin = 'Russia' AND name IN ($tracked))
  UNION ALL
  SELECT 'country' AS kind, NAME AS name, NAME AS country, geom FROM countries
    WHERE MbrIntersects(geom, BuildMbr(24, 40, 54, 58))
  UNION ALL SELECT 'sea', 'Black Sea', NULL, MakePoint(33.6, 43.4, 4326)
  UNION ALL SELECT 'sea', 'Sea of Azov', NULL, MakePoint(36.6, 46.1, 4326)
  UNION ALL SELECT 'sea', 'Caspian Sea', NULL, MakePoint(49.4, 44.6, 4326)" "$out" "$gpkg"
echo "make-regions: wrote assets/context/context.geojson"
