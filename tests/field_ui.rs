//! Field files in the window (issue 14): a `--map` and `--date-order` given
//! at start-up reach the app's load, and the Messages window says the same
//! problem in many records once, with a way to see each.

mod common;

use std::path::Path;

use borderwatch::data::events::DateOrder;
use borderwatch::data::events::read::{ColumnMapping, Role};
use borderwatch::{BorderwatchApp, StartupOptions};
use common::harness_for;
use egui_kittest::kittest::Queryable;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/field")
        .join(name)
}

fn options(date_order: Option<DateOrder>) -> StartupOptions {
    StartupOptions {
        events: vec![fixture("us-dates-ambiguous.csv")],
        mapping: ColumnMapping {
            fields: vec![(Role::Date, "when".to_string())],
            date_order,
            ..ColumnMapping::default()
        },
        ..StartupOptions::default()
    }
}

#[test]
fn the_messages_window_groups_the_same_problem_and_shows_each_on_request() {
    let mut harness = harness_for(BorderwatchApp::new(&options(None)));
    assert_eq!(harness.state().dataset().events.len(), 0);
    harness.get_by_label_contains("3 records: record rejected: field \"when\"");
    assert!(harness.query_by_label_contains("rows[1]").is_none(), "grouped");
    harness.get_by_label("Group the same problem").click();
    harness.run();
    for row in ["rows[0]", "rows[1]", "rows[2]"] {
        harness.get_by_label_contains(row);
    }
}

#[test]
fn the_date_order_given_at_start_up_loads_the_file() {
    let harness = harness_for(BorderwatchApp::new(&options(Some(DateOrder::Mdy))));
    let events = &harness.state().dataset().events;
    assert_eq!(events.len(), 3);
    let first = events
        .events()
        .iter()
        .find(|e| e.title() == "Drill")
        .expect("Drill");
    assert_eq!(first.date.to_iso(), "2022-03-04");
}
