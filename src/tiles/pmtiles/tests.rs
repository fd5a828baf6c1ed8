use super::*;
use crate::tiles::pmtiles_writer::{WriteOptions, encode_directory, write_pmtiles, write_varint};

fn t(z: u8, x: u32, y: u32) -> TileId {
    TileId { z, x, y }
}

/// Every tile of zooms 0..=2 with bytes naming it.
fn pyramid() -> Vec<(TileId, Vec<u8>)> {
    let mut tiles = Vec::new();
    for z in 0..=2u8 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                tiles.push((t(z, x, y), format!("tile {z}/{x}/{y}").into_bytes()));
            }
        }
    }
    tiles
}

fn write_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn tile_ids_match_the_spec_examples() {
    assert_eq!(zxy_to_tile_id(t(0, 0, 0)), 0);
    assert_eq!(zxy_to_tile_id(t(1, 0, 0)), 1);
    assert_eq!(zxy_to_tile_id(t(1, 0, 1)), 2);
    assert_eq!(zxy_to_tile_id(t(1, 1, 1)), 3);
    assert_eq!(zxy_to_tile_id(t(1, 1, 0)), 4);
    assert_eq!(zxy_to_tile_id(t(2, 0, 0)), 5);
    assert_eq!(zxy_to_tile_id(t(12, 3423, 1763)), 19_078_479);
    // Cross-checked with the `pmtiles` Python package's zxy_to_tileid.
    assert_eq!(zxy_to_tile_id(t(10, 600, 300)), 1_248_389);
    assert_eq!(zxy_to_tile_id(t(20, 123_456, 654_321)), 652_812_043_350);
    assert_eq!(zxy_to_tile_id(t(24, 16_777_215, 0)), 375_299_968_947_540);
    assert_eq!(zxy_to_tile_id(t(3, 7, 7)), 63);
    assert_eq!(zxy_to_tile_id(t(5, 31, 0)), 1364);
}

#[test]
fn tile_ids_round_trip_and_are_dense() {
    let mut seen = Vec::new();
    for z in 0..=6u8 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                let id = zxy_to_tile_id(t(z, x, y));
                assert_eq!(tile_id_to_zxy(id), Some(t(z, x, y)));
                seen.push(id);
            }
        }
    }
    seen.sort_unstable();
    assert!(seen.iter().enumerate().all(|(i, &id)| id == i as u64));
    assert_eq!(tile_id_to_zxy(u64::MAX), None);
}

#[test]
fn varints_decode_and_reject_bad_input() {
    let mut buf: &[u8] = &[0x96, 0x01, 0x00, 0x7f];
    assert_eq!(read_varint(&mut buf), Ok(150));
    assert_eq!(read_varint(&mut buf), Ok(0));
    assert_eq!(read_varint(&mut buf), Ok(127));
    assert!(read_varint(&mut buf).is_err());
    let mut max = Vec::new();
    write_varint(&mut max, u64::MAX);
    assert_eq!(read_varint(&mut max.as_slice()), Ok(u64::MAX));
    let mut too_big: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    assert!(read_varint(&mut too_big).is_err());
    let mut too_long: &[u8] = &[0x80; 11];
    assert!(read_varint(&mut too_long).is_err());
    let mut truncated: &[u8] = &[0x80];
    assert!(read_varint(&mut truncated).is_err());
}

#[test]
fn directories_round_trip_with_contiguous_offsets() {
    // The spec's examples: a single tile, a run of three, and a leaf.
    let entries = vec![
        Entry {
            tile_id: 5,
            offset: 1337,
            length: 42,
            run_length: 1,
        },
        Entry {
            tile_id: 6,
            offset: 1379,
            length: 10,
            run_length: 3,
        },
        Entry {
            tile_id: 42,
            offset: 0,
            length: 7,
            run_length: 0,
        },
    ];
    let bytes = encode_directory(&entries);
    // Count, delta ids 5/1/36, runs 1/3/0, lengths 42/10/7, offsets 1338 (+1), 0 (contiguous), 1 (0+1).
    assert_eq!(&bytes[..10], &[3, 5, 1, 36, 1, 3, 0, 42, 10, 7]);
    assert_eq!(decode_directory(&bytes), Ok(entries.clone()));
    assert_eq!(find_entry(&entries, 4), None);
    assert_eq!(find_entry(&entries, 7).map(|e| e.tile_id), Some(6));
    assert_eq!(find_entry(&entries, 1000).map(|e| e.tile_id), Some(42));
    // A count far larger than the bytes could hold is refused before allocating.
    let mut huge = Vec::new();
    write_varint(&mut huge, 1 << 40);
    assert!(decode_directory(&huge).unwrap_err().contains("claims"));
    let zero_length = encode_directory(&[Entry {
        tile_id: 1,
        offset: 0,
        length: 0,
        run_length: 1,
    }]);
    assert!(decode_directory(&zero_length).is_err());
}

#[test]
fn reads_every_layout_the_writer_makes() {
    let dir = tempfile::tempdir().unwrap();
    let tiles = pyramid();
    for (i, (gzip_internal, gzip_tiles, leaf_size)) in [
        (true, false, None),
        (false, false, None),
        (true, true, Some(3)),
        (false, true, Some(1)),
    ]
    .into_iter()
    .enumerate()
    {
        let opts = WriteOptions {
            gzip_internal,
            gzip_tiles,
            leaf_size,
            metadata: serde_json::json!({"attribution": "© Test", "name": "t"}),
            ..WriteOptions::default()
        };
        let path = write_file(&dir, &format!("{i}.pmtiles"), &write_pmtiles(&tiles, &opts));
        let mut pm = PmTiles::open(&path).unwrap();
        assert_eq!(pm.attribution(), Some("© Test"));
        assert_eq!(pm.max_zoom(), 2);
        for (id, bytes) in &tiles {
            assert_eq!(
                pm.tile(*id).unwrap().as_ref(),
                Some(bytes),
                "layout {i} tile {id}"
            );
        }
        assert_eq!(pm.tile(t(3, 0, 0)).unwrap(), None);
        assert_eq!(pm.tile(t(2, 7, 7)).unwrap(), None);
        if leaf_size.is_some() {
            assert!(!pm.leaves.is_empty(), "leaves were read and cached");
        }
    }
}

#[test]
fn run_lengths_cover_repeated_tiles() {
    let dir = tempfile::tempdir().unwrap();
    // All z2 tiles share one blob: consecutive ids become runs.
    let mut tiles: Vec<_> = (0..16).map(|i| (t(2, i % 4, i / 4), b"sea".to_vec())).collect();
    tiles.push((t(0, 0, 0), b"world".to_vec()));
    let path = write_file(
        &dir,
        "runs.pmtiles",
        &write_pmtiles(&tiles, &WriteOptions::default()),
    );
    let mut pm = PmTiles::open(&path).unwrap();
    assert!(pm.root.len() < 4, "runs were merged: {:?}", pm.root);
    assert_eq!(pm.tile(t(2, 3, 3)).unwrap().as_deref(), Some(&b"sea"[..]));
    assert_eq!(pm.tile(t(0, 0, 0)).unwrap().as_deref(), Some(&b"world"[..]));
    assert_eq!(pm.tile(t(1, 0, 0)).unwrap(), None);
}

#[test]
fn rejects_vector_and_foreign_files_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let opts = WriteOptions {
        tile_type: 1,
        ..WriteOptions::default()
    };
    let path = write_file(&dir, "vec.pmtiles", &write_pmtiles(&pyramid(), &opts));
    let err = PmTiles::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("vec.pmtiles") && err.contains("vector tiles are not supported"),
        "{err}"
    );
    let path = write_file(&dir, "short.pmtiles", b"PMTiles");
    let err = PmTiles::open(&path).unwrap_err().to_string();
    assert!(err.contains("short.pmtiles") && err.contains("header"), "{err}");
    let path = write_file(&dir, "png.pmtiles", &[0x89; 300]);
    assert!(PmTiles::open(&path).unwrap_err().to_string().contains("magic"));
    let err = PmTiles::open(&dir.path().join("absent.pmtiles"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("absent.pmtiles"), "{err}");
}

/// Opens the archive and reads every tile; returns the errors (there must be no panic).
fn read_all(path: &Path, tiles: &[(TileId, Vec<u8>)]) -> Vec<String> {
    match PmTiles::open(path) {
        Err(e) => vec![e.to_string()],
        Ok(mut pm) => tiles
            .iter()
            .filter_map(|(id, _)| pm.tile(*id).err())
            .map(|e| e.to_string())
            .collect(),
    }
}

#[test]
fn truncated_archives_fail_cleanly_and_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let tiles = pyramid();
    for opts in [
        WriteOptions::default(),
        WriteOptions {
            leaf_size: Some(4),
            gzip_tiles: true,
            ..WriteOptions::default()
        },
    ] {
        let full = write_pmtiles(&tiles, &opts);
        for len in 0..full.len() {
            let path = write_file(&dir, "cut.pmtiles", &full[..len]);
            let errors = read_all(&path, &tiles);
            // The header records the section lengths, so any cut is noticed at open.
            assert!(
                !errors.is_empty(),
                "cut at {len} of {} went unnoticed",
                full.len()
            );
            assert!(errors.iter().all(|e| e.contains("cut.pmtiles")), "{errors:?}");
        }
    }
}

#[test]
fn bit_flips_never_panic_and_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let tiles = pyramid();
    let opts = WriteOptions {
        gzip_internal: false,
        leaf_size: Some(5),
        ..WriteOptions::default()
    };
    let gzipped = WriteOptions {
        leaf_size: Some(5),
        ..WriteOptions::default()
    };
    let mut noticed = 0;
    for full in [write_pmtiles(&tiles, &opts), write_pmtiles(&tiles, &gzipped)] {
        for i in 0..full.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = full.clone();
                bad[i] ^= bit;
                let path = write_file(&dir, "flip.pmtiles", &bad);
                let errors = read_all(&path, &tiles);
                assert!(errors.iter().all(|e| e.contains("flip.pmtiles")), "{errors:?}");
                noticed += usize::from(!errors.is_empty());
            }
        }
    }
    // Flips in tile bytes or unused header fields go unnoticed; those in offsets do not.
    assert!(noticed > 100, "only {noticed} flips were noticed");
}
