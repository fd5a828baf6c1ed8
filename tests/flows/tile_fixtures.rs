//! Reads packages written by independent writers (scripts/make_tile_fixtures.py: the PyPI
//! `pmtiles` package and Python's sqlite3) and checks each tile's colour, which encodes z/x/y.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use borderwatch::tiles::{
    MbTiles, PmTiles, TileFetcher, TileId, TileOutcome, TileSource, decode_tile, tiles_covering,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tiles")
        .join(name)
}

/// The colour rule of scripts/make_tile_fixtures.py.
fn colour(id: TileId) -> [u8; 4] {
    if id.z == 3 {
        return [10, 20, 30, 255];
    }
    [40 + 70 * id.z, 30 + 60 * id.x as u8, 30 + 60 * id.y as u8, 255]
}

fn all_tiles() -> Vec<TileId> {
    (0..=3)
        .flat_map(|z| tiles_covering(0.0, 0.0, 1.0, 1.0, z))
        .collect()
}

fn check(id: TileId, bytes: Option<Vec<u8>>) {
    let bytes = bytes.unwrap_or_else(|| panic!("{id} missing"));
    let tile = decode_tile(id, &bytes).unwrap();
    assert_eq!((tile.width, tile.height), (256, 256));
    assert_eq!(tile.pixel(3, 250), Some(colour(id)), "{id}");
}

#[test]
fn pmtiles_written_by_the_python_package() {
    let mut pm = PmTiles::open(&fixture("sample.pmtiles")).unwrap();
    assert_eq!(pm.attribution(), Some("© Fixture contributors"));
    assert_eq!(pm.max_zoom(), 3);
    for id in all_tiles() {
        check(id, pm.tile(id).unwrap());
    }
    assert_eq!(pm.tile(TileId { z: 4, x: 0, y: 0 }).unwrap(), None);
    let info = TileSource::parse(fixture("sample.pmtiles").to_str().unwrap())
        .unwrap()
        .info()
        .unwrap();
    assert_eq!(
        (info.attribution.as_deref(), info.max_zoom),
        (Some("© Fixture contributors"), 3)
    );
}

#[test]
fn mbtiles_written_by_sqlite3() {
    let mb = MbTiles::open(&fixture("sample.mbtiles")).unwrap();
    assert_eq!(mb.attribution(), Some("© Fixture contributors"));
    assert_eq!(mb.max_zoom(), 3);
    for id in all_tiles() {
        check(id, mb.tile(id).unwrap());
    }
    assert_eq!(mb.tile(TileId { z: 4, x: 0, y: 0 }).unwrap(), None);
}

#[test]
fn fetcher_reads_both_fixtures() {
    for name in ["sample.pmtiles", "sample.mbtiles"] {
        let source = TileSource::parse(fixture(name).to_str().unwrap()).unwrap();
        let fetcher = TileFetcher::new(source, None, false);
        let ids = [TileId { z: 2, x: 3, y: 0 }, TileId { z: 1, x: 0, y: 1 }];
        fetcher.request(&ids);
        let start = Instant::now();
        let mut results = Vec::new();
        while results.len() < ids.len() && start.elapsed() < Duration::from_secs(10) {
            results.extend(fetcher.poll());
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(results.len(), 2, "{name}");
        for r in results {
            match r.outcome {
                TileOutcome::Ok(tile) => assert_eq!(tile.pixel(0, 0), Some(colour(r.id)), "{name} {}", r.id),
                other => panic!("{name} {}: {other:?}", r.id),
            }
        }
    }
}
