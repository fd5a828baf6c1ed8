#!/usr/bin/env python3
"""Writes the tile package fixtures read by tests/flows/tile_fixtures.rs.

tests/fixtures/tiles/sample.pmtiles  -- written by the PyPI `pmtiles` package (pip install pmtiles)
tests/fixtures/tiles/sample.mbtiles  -- written with the standard sqlite3 module

Both hold the same 256x256 solid-colour PNG tiles, so a reader can check it got the right one:
  zoom 0..2: colour (40 + 70*z, 30 + 60*x, 30 + 60*y)  (XYZ x/y, y counted from the north)
  zoom 3:    every tile (10, 20, 30), so the PMTiles writer stores runs (run_length > 1)
Metadata: attribution "© Fixture contributors", format png, zooms 0..3.

The writers are independent of the Rust code under test; only this colour rule is shared.
Run from the repository root: python3 scripts/make_tile_fixtures.py
"""

import os
import sqlite3
import struct
import zlib

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

OUT = os.path.join("tests", "fixtures", "tiles")
ATTRIBUTION = "© Fixture contributors"
SIZE = 256


def colour(z, x, y):
    if z == 3:
        return (10, 20, 30)
    return (40 + 70 * z, 30 + 60 * x, 30 + 60 * y)


def png(rgb):
    """A solid-colour RGB PNG, by hand (no Pillow needed)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    first = b"\x00" + bytes(rgb) * SIZE  # filter None
    rest = (b"\x02" + b"\x00" * (3 * SIZE)) * (SIZE - 1)  # filter Up: same as the row above
    idat = zlib.compress(first + rest, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tiles():
    for z in range(4):
        for x in range(1 << z):
            for y in range(1 << z):
                yield z, x, y, png(colour(z, x, y))


def write_pmtiles(path):
    # The writer wants tiles in tile-id order to mark the archive clustered.
    ordered = sorted(tiles(), key=lambda t: zxy_to_tileid(t[0], t[1], t[2]))
    with open(path, "wb") as f:
        writer = Writer(f)
        for z, x, y, data in ordered:
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_lon_e7": -1800000000,
                "min_lat_e7": -850511287,
                "max_lon_e7": 1800000000,
                "max_lat_e7": 850511287,
                "center_zoom": 0,
                "center_lon_e7": 0,
                "center_lat_e7": 0,
            },
            {"name": "sample", "attribution": ATTRIBUTION, "format": "png"},
        )


def write_mbtiles(path):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
    )
    db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    meta = {
        "name": "sample",
        "format": "png",
        "minzoom": "0",
        "maxzoom": "3",
        "attribution": ATTRIBUTION,
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for z, x, y, data in tiles():
        tms_row = (1 << z) - 1 - y  # MBTiles rows count from the south
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, tms_row, data))
    db.commit()
    db.execute("VACUUM")
    db.close()


def main():
    os.makedirs(OUT, exist_ok=True)
    write_pmtiles(os.path.join(OUT, "sample.pmtiles"))
    write_mbtiles(os.path.join(OUT, "sample.mbtiles"))
    for name in ("sample.pmtiles", "sample.mbtiles"):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
