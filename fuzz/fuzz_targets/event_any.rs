//! Event files of any kind through the entry point the app uses
//! (`EventSetBuilder::add_reader`, which calls `read_any_event_stream`):
//! ACLED CSV exports, borderwatch's own CSV, ACLED API responses and the
//! other JSON event files. Any bytes must give events or an error, never a
//! panic, with every message inside the file.
//!
//! The first byte of the input picks the name the file is given, and so how
//! its kind is decided: `fuzz.csv` is read as CSV and `fuzz.json` as JSON
//! whatever they hold, and `fuzz-download` (no extension) by its first byte.

#![no_main]

mod check;

use std::sync::LazyLock;

use borderwatch::data::RegionSet;
use borderwatch::data::events::read::read_any_event_stream;
use libfuzzer_sys::fuzz_target;

/// By the input's first byte, modulo 3 (tests/robustness.rs replays
/// fuzz/regressions/event_any/ with the same names).
const NAMES: [&str; 3] = ["fuzz.csv", "fuzz.json", "fuzz-download"];

static REGIONS: LazyLock<RegionSet> =
    LazyLock::new(|| RegionSet::bundled().expect("the bundled regions load"));

fuzz_target!(|data: &[u8]| {
    let (name, body) = match data {
        [first, body @ ..] => (NAMES[usize::from(*first) % NAMES.len()], body),
        [] => (NAMES[2], data),
    };
    let lines = check::Lines::new(0, body);
    let regions = &*REGIONS;

    let result = check::check_stream(name, &lines, regions, |context, on_batch| {
        read_any_event_stream(name, body, context, on_batch)
    });
    check::check_builder(name, &lines, regions, body, result.is_ok());
});
