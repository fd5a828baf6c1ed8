//! The GIS readers under damaged input, through the entry points the app,
//! `check` and `export` use (`EventSetBuilder::add_path` for events,
//! `read_layer_paths` for region layers): the fixtures GDAL wrote
//! (tests/fixtures/formats), truncated, with bytes flipped, inserted or
//! deleted, must load or be refused with a message that names the file,
//! never panic. Fixed seed, like tests/robustness.rs.

use crate::common;

use std::path::{Path, PathBuf};

use borderwatch::data::regions::read_layer_paths;
use borderwatch::data::{EventSetBuilder, RegionSet};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config as ProptestConfig;

/// The fixtures mutated, with the files that must sit beside them.
const FIXTURES: [(&str, &[&str]); 8] = [
    ("events.gpkg", &[]),
    ("events.kml", &[]),
    ("belgorod.kmz", &[]),
    ("events-shp.zip", &[]),
    ("belgorod-shp.zip", &[]),
    ("events.shp", &["events.dbf", "events.prj", "events.cpg"]),
    ("events-cp1251.dbf", &["events-cp1251.shp", "events-cp1251.prj"]),
    ("events.parquet", &[]),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

/// `cases` cases from this file's fixed seed; a failure is not written to a
/// regressions file (the fixtures' names say which input failed).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..common::property::fixed_seed(cases, 0x6015_f11e)
    }
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<Index>(), 1..64usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |index: &Index, len: usize| index.index(len + 1);
    match mutation {
        Mutation::Truncate(index) => bytes.truncate(at(index, bytes.len())),
        Mutation::Flip(index, mask) if !bytes.is_empty() => {
            let i = index.index(bytes.len());
            bytes[i] ^= mask;
        }
        Mutation::Flip(..) => {}
        Mutation::Insert(index, new) => {
            let i = at(index, bytes.len());
            bytes.splice(i..i, new.iter().copied());
        }
        Mutation::Delete(index, len) => {
            let i = at(index, bytes.len());
            let end = (i + len).min(bytes.len());
            bytes.drain(i..end);
        }
    }
}

/// Loads the file at `path` as events and as a region layer; every message
/// must name a file of the ones given.
fn check(path: &Path, regions: &RegionSet) {
    let file = path.display().to_string();
    let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
    let mut builder = EventSetBuilder::new(regions);
    let _ = builder.add_path(path, None);
    let (events, messages) = builder.finish();
    for message in &messages {
        assert!(message.to_string().starts_with(&file), "{message}");
    }
    for event in events.events() {
        assert!(event.position.x.abs() <= 180.0 && event.position.y.abs() <= 90.0);
    }
    let read = read_layer_paths(&[path.to_path_buf()], None, None);
    for message in &read.messages {
        assert!(message.to_string().starts_with(&folder), "{message}");
    }
}

proptest! {
    #![proptest_config(config(120))]

    #[test]
    fn damaged_gis_files_never_panic(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..=3),
    ) {
        let regions = RegionSet::bundled().expect("regions");
        let dir = tempfile::tempdir().expect("temp dir");
        let (name, siblings) = FIXTURES[which];
        for sibling in siblings {
            std::fs::copy(fixture(sibling), dir.path().join(sibling)).expect("sibling copied");
        }
        let mut bytes = std::fs::read(fixture(name)).expect("fixture");
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("written");
        // A damaged .dbf is read through its .shp.
        let path = if name.ends_with(".dbf") { path.with_extension("shp") } else { path };
        check(&path, &regions);
    }
}

#[test]
fn every_fixture_loads_undamaged() {
    let regions = RegionSet::bundled().expect("regions");
    for (name, _) in FIXTURES {
        let path = fixture(name);
        let path = if name.ends_with(".dbf") {
            path.with_extension("shp")
        } else {
            path
        };
        let mut builder = EventSetBuilder::new(&regions);
        let events = builder.add_path(&path, None);
        let layers = read_layer_paths(std::slice::from_ref(&path), None, None);
        assert!(
            events.is_ok() || !layers.layers.is_empty(),
            "{name}: {:?} {:?}",
            builder.messages(),
            layers.messages
        );
    }
}
