//! Helpers shared by the UI and flow tests: driving the app headless as a
//! user would, and places whose region is known.
#![allow(dead_code)] // each test file uses a part of these

// Runs the binary: only in the integration tests (examples/e2e_targets.rs
// includes this file and has no binary beside it).
#[cfg(test)]
pub mod cli;
#[cfg(test)]
pub mod property;

use borderwatch::BorderwatchApp;
use borderwatch::dataset::Dataset;
use egui::{Event, Modifiers, PointerButton, Pos2, Vec2};
use egui_kittest::Harness;
use geo::Coord;

/// Known places: (name, latitude, longitude, bundled region id or none).
pub const KNOWN_PLACES: [(&str, f64, f64, Option<&str>); 10] = [
    ("Rostov-on-Don", 47.23, 39.72, Some("rostov")),
    ("Belgorod", 50.60, 36.59, Some("belgorod")),
    ("Bryansk", 53.25, 34.37, Some("bryansk")),
    ("Voronezh", 51.67, 39.20, Some("voronezh")),
    ("Simferopol", 44.95, 34.10, Some("crimea")),
    ("Sevastopol", 44.60, 33.52, Some("crimea")),
    ("Kharkiv", 49.99, 36.23, None),
    ("Kursk", 51.73, 36.19, None),
    ("Moscow", 55.75, 37.62, None),
    ("Sea of Azov", 46.10, 36.60, None),
];

/// The app in a 1280×800 headless window, after its first frames.
pub fn harness_for(app: BorderwatchApp) -> Harness<'static, BorderwatchApp> {
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1280.0, 800.0))
        // Smooth scrolling and tooltips take a few frames to settle.
        .with_max_steps(60)
        .build_ui_state(|ui, app: &mut BorderwatchApp| app.show(ui), app);
    harness.run();
    harness
}

/// The app on the bundled regions, context and sample events.
pub fn bundled_app() -> BorderwatchApp {
    let regions = borderwatch::data::RegionSet::bundled().expect("bundled regions");
    let events = borderwatch::data::EventSet::bundled(&regions).expect("bundled events");
    let context = borderwatch::data::ContextLayer::bundled().expect("bundled context");
    BorderwatchApp::with_dataset(Dataset::new(regions, context, events))
}

/// The app on the bundled regions and context, with the events of the
/// JSON `records` (named `file` in messages).
pub fn app_with_events(file: &str, records: &[u8]) -> BorderwatchApp {
    let regions = borderwatch::data::RegionSet::bundled().expect("bundled regions");
    let context = borderwatch::data::ContextLayer::bundled().expect("bundled context");
    let mut builder = borderwatch::data::EventSetBuilder::new(&regions);
    builder
        .add_reader(file, None, records, None)
        .expect("the events load");
    let events = builder.finish().0;
    BorderwatchApp::with_dataset(Dataset::new(regions, context, events))
}

/// The ids of the app's events, sorted.
pub fn event_ids(app: &BorderwatchApp) -> Vec<String> {
    let mut ids: Vec<String> = app
        .dataset()
        .events
        .events()
        .iter()
        .map(|e| e.id().to_string())
        .collect();
    ids.sort();
    ids
}

/// The places of `tests/fixtures/border_distances.json` (name, lat, lon,
/// km: their distance to the border measured with PROJ/GEOS).
pub fn border_places() -> Vec<serde_json::Value> {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/border_distances.json")).expect("fixture");
    fixture["places"].as_array().expect("places").clone()
}

/// The id of the selected region, if any.
pub fn selected_id(harness: &Harness<'_, BorderwatchApp>) -> Option<String> {
    harness.state().selected_region().map(|r| r.id.to_string())
}

/// Where a latitude/longitude is on screen now, by the app's own projection.
pub fn screen_pos(harness: &Harness<'_, BorderwatchApp>, lat: f64, lon: f64) -> Pos2 {
    let viewport = harness.state().map_memory().last_viewport().expect("map drawn");
    let pos = viewport.lonlat_to_screen(Coord { x: lon, y: lat });
    assert!(viewport.rect.contains(pos), "{lat},{lon} is on screen");
    pos
}

/// A left click at `pos` as a mouse (or xdotool) does it: move there, press,
/// release. The pointer stays where it clicked.
pub fn click_staying(harness: &mut Harness<'_, BorderwatchApp>, pos: Pos2) {
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
}

/// A left click at `pos`, then the pointer leaves (so a hover tooltip does
/// not repeat what the panel says).
pub fn click_at(harness: &mut Harness<'_, BorderwatchApp>, pos: Pos2) {
    click_staying(harness, pos);
    harness.remove_cursor();
    harness.run();
}

/// Runs frames until `done` holds; fails after `seconds`.
pub fn wait_until(
    harness: &mut Harness<'_, BorderwatchApp>,
    seconds: u64,
    what: &str,
    done: impl Fn(&BorderwatchApp) -> bool,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        harness.step();
        if done(harness.state()) {
            harness.step();
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen within {seconds} s; notice: {:?}, messages: {:?}",
            harness.state().notice(),
            harness
                .state()
                .messages()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
