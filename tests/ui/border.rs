//! Distance to the border as a user meets it (egui_kittest, headless): the
//! "Near border" filter keeps the events within its distance (expected
//! counts from tests/fixtures/border_distances.json, measured with
//! PROJ/GEOS, not by borderwatch), the details say how far and on which
//! side, and a region's events are counted by distance band.

use crate::common;

use borderwatch::BorderwatchApp;
use common::{app_with_events, border_places, harness_for};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;

/// A fixture place: name, latitude, longitude, distance to the border (km).
type Place = (String, f64, f64, f64);

/// Places of the fixture, each with its independently measured distance;
/// those within 20 m of the filter's 10 km are left out, so that the
/// methods' small differences cannot decide a count.
fn fixture_places() -> Vec<Place> {
    border_places()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["lat"].as_f64().unwrap_or_default(),
                p["lon"].as_f64().unwrap_or_default(),
                p["km"].as_f64().unwrap_or_default(),
            )
        })
        .filter(|p: &Place| (p.3 - 10.0).abs() > 0.02)
        .collect()
}

/// The app with one event at each fixture place (titled by the place).
fn harness() -> (Harness<'static, BorderwatchApp>, Vec<Place>) {
    let places = fixture_places();
    let records: Vec<Value> = places
        .iter()
        .enumerate()
        .map(|(i, (name, lat, lon, _))| {
            serde_json::json!({"id": format!("p{i}"), "title": format!("Event at {name}"),
                "date": "2021-04-22", "lat": lat, "lon": lon})
        })
        .collect();
    let json = serde_json::to_vec(&records).expect("JSON");
    (harness_for(app_with_events("places.json", &json)), places)
}

#[test]
fn near_border_keeps_the_events_within_the_distance() {
    let (mut harness, places) = harness();
    let total = harness.state().filtered().len();
    assert_eq!(total, places.len());
    let within = |km: f64| places.iter().filter(|p| p.3 <= km).count();
    let expected = within(10.0);
    assert!(expected > 10 && expected < total, "{expected} of {total}");

    harness.get_by_label("Near border").click();
    harness.run();
    let state = harness.state();
    assert_eq!(state.filter().near_border_m, Some(10_000));
    assert_eq!(state.filtered().len(), expected);
    harness.get_by_label_contains(&format!("showing {expected} of {total} events"));

    harness.get_by_label("Near border").click();
    harness.run();
    assert_eq!(harness.state().filtered().len(), total);
}

#[test]
fn the_details_say_how_far_and_on_which_side_and_a_region_counts_by_band() {
    let (mut harness, places) = harness();
    // Hrabovske: a Ukrainian village about 0.4 km from the line.
    let (index, km) = {
        let events = harness.state().dataset().events.events();
        let index = events
            .iter()
            .position(|e| e.title() == "Event at Hrabovske")
            .expect("Hrabovske");
        let km = places
            .iter()
            .find(|p| p.0 == "Hrabovske")
            .map(|p| p.3)
            .expect("km");
        (index, km)
    };
    harness.state_mut().select_event(index);
    harness.run();
    harness.get_by_label(&format!(
        "{km:.1} km from the Russia–Ukraine state border, in Ukraine"
    ));

    // Belgorod's events by band, against the fixture's distances.
    let belgorod = harness.state().regions().index_of("belgorod").expect("belgorod");
    harness.state_mut().select_region(Some(belgorod));
    harness.run();
    harness.get_by_label("By distance from the border").click();
    harness.run();
    let in_belgorod: Vec<f64> = {
        let state = harness.state();
        let events = state.dataset().events.events();
        events
            .iter()
            .filter(|e| e.region() == Some(belgorod as u32))
            .filter_map(|e| places.iter().find(|p| format!("Event at {}", p.0) == e.title()))
            .map(|p| p.3)
            .collect()
    };
    let near = in_belgorod.iter().filter(|&&km| km <= 5.0).count();
    assert!(near > 0, "{in_belgorod:?}");
    let label = if near == 1 {
        "1 event".to_string()
    } else {
        format!("{near} events")
    };
    let row = harness.get_by_label("0–5 km").rect();
    let count = harness.get_by_label(&label).rect();
    assert!(
        (row.center().y - count.center().y).abs() < 4.0,
        "{label} on the 0–5 km row"
    );
}
