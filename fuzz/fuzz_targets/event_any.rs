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

use borderwatch::data::event_file::{ReadContext, read_any_event_stream};
use borderwatch::data::{Categories, Event, EventSetBuilder, RegionSet};
use libfuzzer_sys::fuzz_target;

/// By the input's first byte, modulo 3 (tests/robustness.rs replays
/// fuzz/regressions/event_any/ with the same names).
const NAMES: [&str; 3] = ["fuzz.csv", "fuzz.json", "fuzz-download"];

static REGIONS: LazyLock<RegionSet> =
    LazyLock::new(|| RegionSet::bundled().expect("the bundled regions load"));

fn check_events<'a>(events: impl IntoIterator<Item = &'a Event>) {
    for event in events {
        let (x, y) = (event.position.x, event.position.y);
        assert!(
            (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
            "an event at {x}, {y}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (name, body) = match data {
        [first, body @ ..] => (NAMES[usize::from(*first) % NAMES.len()], body),
        [] => (NAMES[2], data),
    };
    let lines = check::Lines::new(0, body);
    let regions = &*REGIONS;

    let mut categories = Categories::default();
    let mut events = 0usize;
    let result = read_any_event_stream(
        name,
        body,
        ReadContext {
            regions,
            file_index: 0,
            categories: &mut categories,
            progress: None,
        },
        |batch| {
            events += batch.parts.iter().map(Vec::len).sum::<usize>();
            check_events(batch.parts.iter().flatten());
            for message in &batch.messages {
                lines.check(name, &message.location, message);
            }
        },
    );
    match &result {
        Ok(summary) => assert_eq!(
            events + summary.rejected,
            summary.records,
            "{summary:?} with {events} events"
        ),
        Err(error) => lines.check(name, &error.location, error),
    }

    let mut builder = EventSetBuilder::new(regions);
    let added = builder.add_reader(name, None, body, None);
    assert_eq!(added.is_ok(), result.is_ok(), "the two ways to read disagree");
    let (set, messages) = builder.finish();
    for message in &messages {
        lines.check(name, &message.location, message);
    }
    check_events(set.events());
});
