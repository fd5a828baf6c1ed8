//! The context layer: any bytes must give a layer or an error, never a panic.

#![no_main]

mod check;

use borderwatch::data::ContextLayer;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz-context.geojson";

fuzz_target!(|data: &[u8]| {
    match ContextLayer::read(FILE, data) {
        Err(error) => check::Lines::new(0, data).check(FILE, &error.location, &error),
        Ok(layer) => {
            std::hint::black_box(layer.features.len());
        }
    }
});
