//! Region layers: any bytes must give a layer or an error, never a panic, and
//! a layer that loads must join a region set and answer point look-ups.

#![no_main]

mod check;

use borderwatch::data::RegionSet;
use borderwatch::data::regions::read_region_layer;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.geojson";

fuzz_target!(|data: &[u8]| {
    let lines = check::Lines::new(0, data);
    match read_region_layer(FILE, "fuzz", data) {
        Err(error) => lines.check(FILE, &error.location, &error),
        Ok(layer) => {
            for warning in &layer.warnings {
                lines.check(FILE, &warning.location, warning);
            }
            // What the app does next with a layer: index it and hit-test it.
            let (set, _) = RegionSet::from_layers(vec![layer]);
            for region in set.regions() {
                std::hint::black_box(set.locate(region.label_point));
                std::hint::black_box(set.locate(region.bounds.min()));
            }
            std::hint::black_box(set.bounds());
        }
    }
});
