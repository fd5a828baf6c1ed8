//! The density layer as a user meets it (egui_kittest, headless): switched
//! on in the Layers menu it replaces the markers with hexagons whose counts
//! add up to the events the filter shows, follow the filter, and a click on
//! a hexagon lists exactly the events inside it.

use crate::common;

use borderwatch::BorderwatchApp;
use borderwatch::spatial::hexbin::HexGrid;
use common::{app_with_events, border_places, click_at, harness_for};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;

/// The border fixture's 207 places as events, and the app showing them.
fn harness() -> Harness<'static, BorderwatchApp> {
    let records: Vec<Value> = border_places()
        .iter()
        .enumerate()
        .map(|(i, p)| serde_json::json!({"id": format!("p{i}"), "title": p["name"], "date": "2021-04-22", "lat": p["lat"], "lon": p["lon"]}))
        .collect();
    let json = serde_json::to_vec(&records).expect("JSON");
    harness_for(app_with_events("places.json", &json))
}

fn density_total(harness: &Harness<'_, BorderwatchApp>) -> u64 {
    harness
        .state()
        .density()
        .expect("the density layer is on")
        .total()
}

#[test]
fn hexagons_count_the_shown_events_and_a_click_lists_one() {
    let mut harness = harness();
    harness.get_by_label("Layers").click();
    harness.run();
    harness
        .get_by_label("Density (hexagons instead of markers)")
        .click();
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().layers_shown().density);
    let total = harness.state().filtered().len() as u64;
    assert_eq!(
        density_total(&harness),
        total,
        "every shown event is in one hexagon"
    );
    harness.get_by_label("Events per hexagon");

    // The filter narrows the hexagons too.
    harness.get_by_label("Near border").click();
    harness.run();
    let near = harness.state().filtered().len() as u64;
    assert!(near < total);
    assert_eq!(density_total(&harness), near);

    // The fullest cell in view: a click lists its events, and only those.
    let (cell, count, at) = {
        let state = harness.state();
        let density = state.density().expect("on");
        let viewport = state.map_memory().last_viewport().expect("drawn");
        let grid = HexGrid::at_level(density.level);
        let (cell, count) = density
            .cells
            .iter()
            .copied()
            .filter(|&(cell, _)| {
                viewport
                    .rect
                    .shrink(40.0)
                    .contains(viewport.world_to_screen(grid.centre(cell)))
            })
            .max_by_key(|&(_, n)| n)
            .expect("a cell in view");
        (cell, count, viewport.world_to_screen(grid.centre(cell)))
    };
    click_at(&mut harness, at);
    harness.get_by_label(&format!("{count} events in this hexagon"));
    let listed = harness.state_mut().focus_items().to_vec();
    assert_eq!(listed.len(), count as usize);
    let state = harness.state();
    let grid = HexGrid::at_level(state.density().expect("on").level);
    for event in listed {
        let p = state.dataset().index.position(event as usize).expect("indexed");
        assert_eq!(grid.cell_of(p), cell, "event {event} is in the cell clicked");
        assert!(state.filtered().is_shown(event as usize));
    }
}
