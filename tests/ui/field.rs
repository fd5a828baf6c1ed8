//! Field files in the window (issue 14): a `--map` and `--date-order` given
//! at start-up reach the app's load, and the Messages window says the same
//! problem in many records once, with a way to see each.

use crate::common;

use std::path::Path;

use borderwatch::data::events::DateOrder;
use borderwatch::data::events::read::{ColumnMapping, Role};
use borderwatch::{BorderwatchApp, StartupOptions};
use common::{harness_for, wait_until};
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

#[test]
fn the_columns_dialog_picks_a_date_column_counts_the_rows_and_loads_them() {
    let mut harness = harness_for(BorderwatchApp::new(&StartupOptions::default()));
    let table = fixture("us-dates-unambiguous.csv");
    harness.state_mut().open_columns(&table);
    harness.run();
    assert!(
        harness.state_mut().columns_dialog().is_some(),
        "{:?}",
        harness.state().messages()
    );
    harness.get_by_label("Columns — us-dates-unambiguous.csv");
    // `when` is no date name borderwatch knows: no row loads yet.
    harness.get_by_label("0 of the first 4 rows would load");
    harness.get_by_label_contains("First problem:");
    // The date picker's list holds every column.
    harness.get_by_label("Date").click();
    harness.run();
    harness
        .get_all_by_label("when")
        .last()
        .expect("the column in the list")
        .click();
    harness.run();
    assert_eq!(
        harness
            .state_mut()
            .columns_dialog()
            .and_then(|d| d.column(Role::Date).map(str::to_string)),
        Some("when".to_string())
    );
    harness.get_by_label("4 of the first 4 rows would load");
    assert!(harness.query_by_label_contains("First problem:").is_none());
    harness.get_by_label("Load").click();
    harness.step();
    assert!(
        harness.state_mut().columns_dialog().is_none(),
        "Load closes the dialog"
    );
    let sample = harness.state().dataset().events.len();
    wait_until(&mut harness, 60, "the table loading", |app| {
        !app.is_loading() && app.dataset().events.len() >= sample + 4
    });
    let events = &harness.state().dataset().events;
    let shelling = events
        .events()
        .iter()
        .find(|e| e.title() == "Shelling")
        .expect("the table's rows are events");
    assert_eq!(shelling.date.to_string(), "2022-04-21");
    // Opened again, the dialog remembers the file's columns.
    harness.state_mut().open_columns(&table);
    harness.run();
    let dialog = harness.state_mut().columns_dialog().expect("open");
    assert_eq!(dialog.column(Role::Date), Some("when"));
}

#[test]
fn a_json_file_is_no_table_for_the_columns_dialog_and_says_so() {
    let mut harness = harness_for(BorderwatchApp::new(&StartupOptions::default()));
    harness.state_mut().open_columns(&fixture("string-coords.json"));
    harness.run();
    assert!(harness.state_mut().columns_dialog().is_none());
    assert!(
        harness
            .state()
            .messages()
            .iter()
            .any(|m| m.message.contains("not a delimited table"))
    );
}

#[test]
fn a_layer_s_regions_can_be_named_by_another_property_from_the_layers_menu() {
    let options = StartupOptions {
        regions: vec![fixture("admin1-oblasts.geojson")],
        ..StartupOptions::default()
    };
    let mut harness = harness_for(BorderwatchApp::new(&options));
    let names = |harness: &egui_kittest::Harness<'_, BorderwatchApp>| -> Vec<String> {
        harness
            .state()
            .dataset()
            .regions
            .regions()
            .iter()
            .map(|r| r.name.clone())
            .collect()
    };
    assert!(
        names(&harness).contains(&"Kharkivska".to_string()),
        "{:?}",
        names(&harness)
    );
    harness.get_by_label("Layers").click();
    harness.run();
    harness.get_by_label("names from: ADMIN_1").click();
    harness.run();
    harness.get_by_label("ISO").click();
    harness.step();
    wait_until(&mut harness, 60, "the layer read again", |app| {
        !app.is_loading() && app.dataset().regions.regions().iter().any(|r| r.name == "UA-63")
    });
    let layer = &harness.state().dataset().regions.layers()[0];
    assert_eq!(layer.name_property.as_deref(), Some("ISO"));
}
