//! The GIS formats through the entry points the app uses: the file is written
//! to disk under a name whose extension picks the reader (the input's first
//! byte chooses it), then read as events (`EventSetBuilder::add_path`) and as
//! a region layer (`read_layer_paths`). Any bytes must give events, a layer
//! or an error naming the file, never a panic. Seed it with
//! tests/fixtures/formats (a `.shp` is read without its `.dbf`, so the
//! Shapefile reader's own tests cover the pair).

#![no_main]

use std::sync::LazyLock;

use borderwatch::data::regions::read_layer_paths;
use borderwatch::data::{EventSetBuilder, RegionSet};
use libfuzzer_sys::fuzz_target;

/// By the input's first byte, modulo 6.
const NAMES: [&str; 6] = [
    "fuzz.gpkg",
    "fuzz.kml",
    "fuzz.kmz",
    "fuzz.zip",
    "fuzz.parquet",
    "fuzz.shp",
];

static REGIONS: LazyLock<RegionSet> =
    LazyLock::new(|| RegionSet::bundled().expect("the bundled regions load"));

fuzz_target!(|data: &[u8]| {
    let (name, body) = match data {
        [first, body @ ..] => (NAMES[usize::from(*first) % NAMES.len()], body),
        [] => return,
    };
    let dir = std::env::temp_dir().join(format!("borderwatch-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("the input written");
    let file = path.display().to_string();

    let mut builder = EventSetBuilder::new(&REGIONS);
    let _ = builder.add_path(&path, None);
    let (events, messages) = builder.finish();
    for message in &messages {
        assert!(message.to_string().starts_with(&file), "{message}");
    }
    for event in events.events() {
        assert!(event.position.x.abs() <= 180.0 && event.position.y.abs() <= 90.0);
    }
    let read = read_layer_paths(std::slice::from_ref(&path), None, None);
    for message in &read.messages {
        assert!(message.to_string().starts_with(&file), "{message}");
    }
});
