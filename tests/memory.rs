//! What 100 000 generated events cost in memory, structure by structure
//! (issue 17): a budget per event for each, so a structure that grows is
//! caught here rather than in a user's window.

#[allow(unused_imports, dead_code)]
#[path = "../examples/gen_events/generator.rs"]
mod generator;

use borderwatch::data::{ContextLayer, EventSetBuilder, RegionSet};
use borderwatch::dataset::Dataset;
use borderwatch::query::EventFilter;

fn dataset(count: u64) -> Dataset {
    let mut bytes = Vec::new();
    generator::Generator::new(7)
        .write_all(&mut bytes, count, generator::Format::Json)
        .expect("writes to memory");
    let regions = RegionSet::bundled().expect("regions");
    let mut builder = EventSetBuilder::new(&regions);
    builder
        .add_reader("generated.json", None, bytes.as_slice(), None)
        .expect("generated events load");
    let events = builder.finish().0;
    Dataset::new(regions, ContextLayer::bundled().expect("context"), events)
}

#[test]
fn each_structure_keeps_within_its_budget_per_event() {
    let data = dataset(100_000);
    // Search once and filter near the border, so the lazily built parts count too.
    let _ = data.apply(&EventFilter {
        text: "drill".into(),
        near_border_m: Some(10_000),
        ..EventFilter::default()
    });
    let report = data.memory();
    eprintln!("{report}");
    assert_eq!(report.events, 100_000);
    // Bytes per event: what was measured on 2 December (in the comment)
    // and about a tenth more. Issue 17 is to bring these down, not up.
    for (what, budget) in [
        ("events: fixed fields", 170.0),                     // 152.0
        ("events: texts", 275.0),                            // 246.5
        ("events: other fields (estimated)", 10.0),          // 5.5
        ("filter columns", 22.0),                            // 19.0
        ("spatial index", 37.0),                             // 33.0
        ("search index (built on the first search)", 275.0), // 245.7
        ("distances to the border", 4.5),                    // 4.0
        ("last search and area masks", 1.5),                 // 1.0
    ] {
        let used = report.per_event(what);
        assert!(used > 0.0, "{what} is counted");
        assert!(
            used <= budget,
            "{what}: {used:.1} bytes per event, budget {budget}\n{report}"
        );
    }
    let total = report.total() as f64 / 100_000.0;
    // 716.7 measured, outlines (fixed, 1 MB) included.
    assert!(total <= 790.0, "{total:.0} bytes per event in all\n{report}");
}

/// The same report for a million events, to read rather than to check:
/// `cargo test --release --test memory -- --ignored --nocapture`.
#[test]
#[ignore = "a million events: run by hand"]
fn the_report_for_a_million_events() {
    let data = dataset(1_000_000);
    let _ = data.apply(&EventFilter {
        text: "drill".into(),
        near_border_m: Some(10_000),
        ..EventFilter::default()
    });
    let report = data.memory();
    eprintln!("{report}");
    assert_eq!(report.events, 1_000_000);
}
