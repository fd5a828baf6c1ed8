#!/usr/bin/env bash
# Rebuilds assets/water/water.geojson (rivers, lakes and reservoirs, river
# label points) from one registry package:
#   - Debian gmt-gshhg-full: GSHHG 2.3.7 (Wessel & Smith), GSHHS shorelines
#     and WDBII rivers in GMT's binned netCDF, LGPL-3+ (see assets/README.md).
# GMT itself (Debian package gmt) reads the binned files: `gmt coast -M`
# dumps the river lines and the lake shorelines as text, then
# scripts/make_water.py (shapely, numpy, pinned, in the same virtual
# environment as scripts/make-regions.sh) joins the binned pieces, clips to
# 30–43° E, 43.5–54.5° N, simplifies and writes the GeoJSON.
# Needs python3 (with venv) and apt-get (root, to install gmt if missing).
# Only this script needs GMT; CI and the tests do not.
# Usage: scripts/make-water.sh [--check]   (--check: build twice, compare)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
res=f              # GSHHG resolution: f (full) or h (high); see assets/README.md
tolerance=0.0005   # degrees, Douglas–Peucker (about 55 m north–south, 35 m east–west)
min_lake=2         # km², smaller lakes are dropped
levels=0,1,2,3,4   # GMT river levels kept: all permanent rivers (WDBII 1–5)
dump_region=26/47/41/57  # wider than the clip box, so lakes on its edge close

work=$(mktemp -d)
chmod 777 "$work"  # apt-get download runs as _apt and must write here
trap 'rm -rf "$work"' EXIT

venv=${BORDERWATCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/borderwatch-data-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check 'shapely==2.2.0' 'numpy==2.4.6'

if ! command -v gmt >/dev/null; then
  apt-get install -y --no-install-recommends gmt >/dev/null
fi
gmt_version=$(gmt --version)

pkg=gmt-gshhg-full
[ "$res" = h ] && pkg=gmt-gshhg-high
(cd "$work" && apt-get download "$pkg" >/dev/null)
dpkg -x "$work/${pkg}"_*.deb "$work/pkg"
gshhg="$work/pkg/usr/share/gmt-gshhg"
pkg_version=$(dpkg-deb -f "$work/${pkg}"_*.deb Version)
gshhg_version=$(zcat "$work/pkg/usr/share/doc/$pkg/README.TXT.gz" | sed -n 's/^ *Version \([0-9.]*\) .*/\1/p' | head -1)

coast() {  # run in $work: GMT leaves no gmt.history there with GMT_HISTORY=false
  (cd "$work" && gmt coast -R"$dump_region" -D"$res" -M --DIR_GSHHG="$gshhg" --GMT_HISTORY=false "$@")
}
coast -Ir >"$work/rivers.txt"          # permanent rivers, GMT levels 0-4
coast -W -A0/2/2 >"$work/lakes.txt"    # GSHHS level 2: lakes and river-lakes
coast -W -A0/3/3 >"$work/islands.txt"  # GSHHS level 3: islands in lakes

source_text="GSHHG $gshhg_version (Wessel & Smith; WDBII rivers, GSHHS lakes), LGPL-3.0-or-later, \
Debian $pkg $pkg_version via GMT $gmt_version"

build() {
  "$venv/bin/python" "$repo/scripts/make_water.py" \
    --rivers "$work/rivers.txt" --lakes "$work/lakes.txt" --islands "$work/islands.txt" \
    --out "$repo/assets/water/water.geojson" --source "$source_text" \
    --levels "$levels" --tolerance "$tolerance" --min-lake-km2 "$min_lake" \
    --stats "$work/stats.json"
}

mkdir -p "$repo/assets/water"
build
if [ "${1:-}" = --check ]; then
  (cd "$repo" && sha256sum assets/water/water.geojson) >"$work/first.sha"
  build
  (cd "$repo" && sha256sum -c --quiet "$work/first.sha") && echo "make-water: second run gave identical bytes"
fi
"$venv/bin/python" -c 'import json,sys; s=json.load(open(sys.argv[1])); print("make-water:", s["summary"])' "$work/stats.json"
(cd "$repo" && du -b assets/water/water.geojson | sed 's/^/make-water: bytes /')
