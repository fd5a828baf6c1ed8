#!/usr/bin/env python3
"""Writes the Parquet fixtures of src/data/formats/parquet.rs and tests/flows/gis_formats.rs
with pyarrow/GeoPandas (pip install pyarrow geopandas), so the reader is tested on
files an independent writer made:

- events.parquet: tests/fixtures/formats/events.geojson as GeoParquet (WKB points,
  SNAPPY, the `geo` metadata GeoPandas writes, troops as a nullable integer).
- acled-columns.parquet: two ACLED rows, latitude/longitude columns and no geometry.
- belgorod.parquet: the bundled Belgorod outline (belgorod.geojson) as GeoParquet
  polygons, a region layer.
- types.parquet: one value of each type pandas/GeoPandas users write (text, Cyrillic,
  nullable integers, doubles, dates, timestamps with a fraction, categories,
  decimals, booleans, a list column, the pandas index, a GeoParquet 1.1 bbox
  covering) in two row groups.

Run from the repository root: python3 scripts/make_format_fixtures.py
"""
import datetime
import decimal
import json
import sys

import geopandas as gpd
import pandas as pd
import shapely

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/formats"

with open(f"{out}/events.geojson", encoding="utf-8") as f:
    features = json.load(f)["features"]
props = pd.DataFrame([feature["properties"] for feature in features])
props["troops"] = props["troops"].astype("Int64")
points = [shapely.Point(feature["geometry"]["coordinates"]) for feature in features]
gpd.GeoDataFrame(props, geometry=points, crs="EPSG:4326").to_parquet(
    f"{out}/events.parquet", compression="snappy", index=False
)

rows = 6
types = pd.DataFrame(
    {
        "place": ["Суджа", "Belgorod", None, "Курск", "", "Rostov-on-Don"],
        "troops": pd.array([3000, None, 0, -5, 40000, None], dtype="Int64"),
        "border_km": [12.5, 0.1, None, 1e-7, 250.0, 3.0],
        "day": [datetime.date(2024, 8, 6) + datetime.timedelta(days=366 * i) for i in range(rows)],
        "seen": pd.to_datetime(
            ["2024-08-06T05:30:15.25Z", "1969-12-31T23:59:59Z", None,
             "2000-02-29T12:00:00Z", "2024-01-01T00:00:00.000001Z", "2022-02-24T03:00:00Z"],
            utc=True,
            format="ISO8601",
        ),
        "kind": pd.Categorical(["drone", "shelling", "drone", None, "shelling", "drone"]),
        "cost": [decimal.Decimal("12.34"), decimal.Decimal("-0.05"), None,
                 decimal.Decimal("1000.00"), decimal.Decimal("0.00"), decimal.Decimal("7.10")],
        "confirmed": [True, False, None, True, False, True],
        "tags": [["a"], [], None, ["b", "c"], ["d"], []],
    },
    index=pd.Index([10, 11, 12, 13, 14, 15], name=None),
)
shapes = [shapely.Point(35.1 + i / 8, 50.2 + i / 16) for i in range(rows)]
gdf = gpd.GeoDataFrame(types, geometry=shapes, crs="EPSG:4326")
gdf.to_parquet(f"{out}/types.parquet", compression="snappy", row_group_size=4, write_covering_bbox=True)

# A region layer: the bundled Belgorod outline (run make_format_fixtures.sh first).
gpd.read_file(f"{out}/belgorod.geojson").to_parquet(f"{out}/belgorod.parquet", compression="snappy")

# ACLED's columns saved as Parquet, no geometry: latitude/longitude are fields.
pd.DataFrame(
    {
        "event_id_cnty": ["RUS1001", "RUS1002"],
        "event_date": ["2024-08-06", "2024-08-07"],
        "event_type": ["Battles", "Explosions/Remote violence"],
        "sub_event_type": ["Armed clash", "Shelling/artillery/missile attack"],
        "actor1": ["Military Forces of Ukraine", "Military Forces of Russia"],
        "country": ["Russia", "Russia"],
        "admin1": ["Kursk", "Belgorod"],
        "location": ["Sudzha", "Belgorod"],
        "latitude": [51.1917, 50.5977],
        "longitude": [35.2708, 36.5872],
        "geo_precision": [1, 1],
        "source": ["Ukrainska Pravda", "Kommersant"],
        "notes": ["Clashes near Sudzha.", "Shelling of Belgorod."],
        "fatalities": [0, 1],
    }
).to_parquet(f"{out}/acled-columns.parquet", compression="snappy", index=False)
