//! How well events are known, as a user meets it (egui_kittest, headless):
//! the "Located only" filter, notional statements kept out of the map and
//! of the region counts but listed apart, and a date known only to a week.

use crate::common;

use borderwatch::BorderwatchApp;
use borderwatch::data::Precision;
use common::{bundled_app, harness_for, selected_id};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::Value;

fn harness() -> Harness<'static, BorderwatchApp> {
    harness_for(bundled_app())
}

/// `precision` of each record of the sample as the file writes it (not as
/// the app read it).
fn precisions_in_file() -> Vec<String> {
    let file: Value = serde_json::from_str(include_str!("../../assets/events/sample.json")).expect("JSON");
    file["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["precision"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn located_only_keeps_the_events_placed_to_a_town_or_better() {
    let mut harness = harness();
    let total = harness.state().filtered().len();
    let located_in_file = precisions_in_file()
        .iter()
        .filter(|p| matches!(p.as_str(), "exact" | "approximate" | ""))
        .count();
    assert!(located_in_file > 0 && located_in_file < total);

    harness.get_by_label("Located only").click();
    harness.run();
    let state = harness.state();
    assert!(state.filter().located_only);
    assert_eq!(state.filtered().len(), located_in_file);
    for &index in &state.filtered().indices {
        let event = &state.dataset().events.events()[index as usize];
        assert!(
            Precision::is_located(event.precision()),
            "{} is not located",
            event.id()
        );
    }
    harness.get_by_label_contains(&format!("showing {located_in_file} of {total} events"));

    harness.get_by_label("Located only").click();
    harness.run();
    assert_eq!(harness.state().filtered().len(), total);
}

#[test]
fn notional_statements_are_listed_apart_and_hidden_from_the_map_until_asked() {
    let mut harness = harness();
    let notional_in_file = precisions_in_file().iter().filter(|p| *p == "notional").count();
    assert_eq!(harness.state().filtered().notional, notional_in_file);
    // The overview lists them as their own group.
    harness.get_by_label("Not placed (notional)").click();
    harness.run();
    let listed = harness.state_mut().focus_items().len();
    assert_eq!(listed, notional_in_file);
    harness.get_by_label_contains("Putin says troops");

    // Off the map by default; Layers › Notional events puts them back.
    let on_map = |h: &Harness<'_, BorderwatchApp>| {
        let app = h.state();
        app.filtered()
            .on_map(app.layers_shown().notional)
            .iter()
            .filter(|&&s| s)
            .count()
    };
    let total = harness.state().filtered().len();
    assert_eq!(on_map(&harness), total - notional_in_file);
    harness.key_press(egui::Key::Escape);
    harness.run();
    harness.get_by_label("Layers").click();
    harness.run();
    harness.get_by_label("Notional events (stand-in points)").click();
    harness.run();
    assert!(harness.state().layers_shown().notional);
    assert_eq!(on_map(&harness), total);
}

#[test]
fn a_region_shows_the_statements_about_it_apart_from_its_events() {
    let mut harness = harness();
    let crimea = harness.state().regions().index_of("crimea").expect("crimea");
    harness.state_mut().select_region(Some(crimea));
    harness.run();
    let in_crimea = harness.state().filtered().region_counts[crimea];
    harness.get_by_label(&format!("Events ({in_crimea})"));
    harness.get_by_label_contains("Statements about it (1)");
    let before = harness.state().map_memory().view().expect("view").center;
    harness
        .get_by_label("US and EU sanctions over the annexation of Crimea")
        .click();
    harness.run();
    // Its stand-in point (Brussels) is nowhere to fly to: the map stays put.
    let after = harness.state().map_memory().view().expect("view").center;
    assert!((after.x - before.x).abs() < 1e-12 && (after.y - before.y).abs() < 1e-12);
    assert!(harness.get_by_label("Show on map").accesskit_node().is_disabled());
    // Its details say it is in no region, only about Crimea.
    harness.get_by_label("None: not placed (notional)");
    harness.get_by_label("About");
    assert_eq!(
        selected_id(&harness).as_deref(),
        Some("crimea"),
        "the region stays focused"
    );
}

#[test]
fn a_region_level_event_is_drawn_and_centred_at_its_regions_label_point() {
    let mut harness = harness();
    let data = harness.state().dataset();
    let index = data
        .events
        .events()
        .iter()
        .position(|e| e.id() == "2014-05-19-bryansk-withdrawal-order")
        .expect("the Bryansk order");
    let bryansk = data.regions.index_of("bryansk").expect("bryansk");
    let label = data.regions.get(bryansk).expect("bryansk").label_point;
    let drawn = borderwatch::map::unproject(data.index.position(index).expect("indexed"));
    assert!((drawn.x - label.x).abs() < 1e-6 && (drawn.y - label.y).abs() < 1e-6);
    // Its own point (the regional capital) is elsewhere.
    let own = data.events.events()[index].position;
    assert!((own.x - label.x).abs() > 0.1 || (own.y - label.y).abs() > 0.1);
    harness.state_mut().select_event(index);
    harness.run();
    let centre = borderwatch::map::unproject(harness.state().map_memory().view().expect("view").center);
    assert!((centre.x - label.x).abs() < 1e-6 && (centre.y - label.y).abs() < 1e-6);
}

#[test]
fn a_date_known_only_to_a_week_says_so_in_the_details() {
    let mut harness = harness();
    let index = harness
        .state()
        .dataset()
        .events
        .events()
        .iter()
        .position(|e| e.title().contains("110,000"))
        .expect("Taran's estimate");
    harness.state_mut().select_event(index);
    harness.run();
    assert!(harness.get_all_by_label("week of 12 April 2021").count() >= 1);
}
