//! Filtering by a drawn area as a user does it (egui_kittest, headless): the
//! Area button, clicks at the corners and a click on the first corner close
//! a polygon that becomes the filter; the Circle button, a centre and a
//! point at the radius make a circle. Counts are checked against a count
//! made here by a plain point-in-polygon in longitude/latitude (and a
//! haversine distance), over the 207 places of the border fixture. The same
//! area saved as GeoJSON gives `check --area` the same count.

use crate::common;

use std::ffi::OsStr;

use borderwatch::BorderwatchApp;
use borderwatch::data::area_file::write_area;
use borderwatch::geometry::area::DrawnArea;
use borderwatch::map::MapTool;
use common::cli::check_json;
use common::{app_with_events, border_places, click_at, harness_for, screen_pos};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use geo::Coord;
use serde_json::Value;

/// The fixture's places as (latitude, longitude).
fn places() -> Vec<(f64, f64)> {
    border_places()
        .iter()
        .map(|p| {
            (
                p["lat"].as_f64().unwrap_or_default(),
                p["lon"].as_f64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The places as event records (JSON).
fn records(places: &[(f64, f64)]) -> Vec<u8> {
    let records: Vec<Value> = places
        .iter()
        .enumerate()
        .map(|(i, (lat, lon))| {
            serde_json::json!({"id": format!("p{i}"), "title": format!("Place {i}"), "date": "2021-04-22", "lat": lat, "lon": lon})
        })
        .collect();
    serde_json::to_vec(&records).expect("JSON")
}

/// The places as events loaded in the app, and their records.
fn harness(places: &[(f64, f64)]) -> (Harness<'static, BorderwatchApp>, Vec<u8>) {
    let json = records(places);
    (harness_for(app_with_events("places.json", &json)), json)
}

/// Even-odd point in polygon on longitude/latitude; `None` when the point
/// is within `margin` degrees of an edge's line (where straight lines on
/// the map and in degrees may part).
fn inside(ring: &[Coord<f64>], lat: f64, lon: f64, margin: f64) -> Option<bool> {
    let mut result = false;
    for (i, a) in ring.iter().enumerate() {
        let b = ring[(i + 1) % ring.len()];
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let t = (((lon - a.x) * dx + (lat - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        if (lon - a.x - t * dx).hypot(lat - a.y - t * dy) < margin {
            return None;
        }
        if (a.y > lat) != (b.y > lat) && lon < a.x + (lat - a.y) / dy * dx {
            result = !result;
        }
    }
    Some(result)
}

#[test]
fn a_polygon_drawn_on_the_map_filters_the_events_inside_it() {
    let places = places();
    let (mut harness, json) = harness(&places);
    let total = harness.state().filtered().len();
    harness.get_by_label("Area").click();
    harness.run();
    // Around Belgorod oblast's border with Kharkiv oblast, away from markers'
    // exact points.
    let corners = [(51.05, 35.3), (50.15, 35.9), (50.05, 38.2), (50.95, 38.6)];
    for (lat, lon) in corners {
        let at = screen_pos(&harness, lat, lon);
        click_at(&mut harness, at);
    }
    assert!(harness.state().filter().area.is_none(), "not closed yet");
    assert!(
        matches!(harness.state().map_memory().tool(), Some(MapTool::Polygon(points)) if points.len() == 4),
        "four corners"
    );
    let first = screen_pos(&harness, corners[0].0, corners[0].1);
    click_at(&mut harness, first);

    let Some(DrawnArea::Polygon(ring)) = harness.state().filter().area.clone() else {
        panic!("the polygon is the filter");
    };
    assert_eq!(ring.len(), 4);
    assert!(harness.state().map_memory().tool().is_none(), "drawing ended");
    let verdicts: Vec<Option<bool>> = places
        .iter()
        .map(|&(lat, lon)| inside(&ring, lat, lon, 0.01))
        .collect();
    let sure = verdicts.iter().flatten().filter(|&&v| v).count();
    let unsure = verdicts.iter().filter(|v| v.is_none()).count();
    let shown = harness.state().filtered().len();
    assert!(sure > 5 && sure < total, "{sure} of {total}");
    assert!(
        (sure..=sure + unsure).contains(&shown),
        "{shown} shown, {sure} (+{unsure}) inside"
    );
    harness.get_by_label_contains(&format!("showing {shown} of {total} events"));
    harness.get_by_label("Area: polygon");

    // Saved as GeoJSON, the area gives the command line the same count.
    let dir = tempfile::tempdir().expect("temp dir");
    let area_path = dir.path().join("area.geojson");
    let events_path = dir.path().join("places.json");
    let mut saved = Vec::new();
    write_area(&DrawnArea::Polygon(ring), &mut saved).expect("writes");
    std::fs::write(&area_path, saved).expect("area file");
    std::fs::write(&events_path, json).expect("events file");
    let report = check_json(&[
        OsStr::new("--area"),
        area_path.as_os_str(),
        events_path.as_os_str(),
    ]);
    assert_eq!(report["matched"], shown);
}

#[test]
fn a_circle_takes_its_centre_and_radius_from_two_clicks_and_esc_cancels() {
    let places = places();
    let (mut harness, _) = harness(&places);
    harness.get_by_label("Circle").click();
    harness.run();
    let belgorod = screen_pos(&harness, 50.5954, 36.5873);
    click_at(&mut harness, belgorod);
    let edge = screen_pos(&harness, 50.5954, 37.6);
    click_at(&mut harness, edge);
    let Some(DrawnArea::Circle { centre, radius_m }) = harness.state().filter().area.clone() else {
        panic!("the circle is the filter");
    };
    // About 71.5 km east of Belgorod; the clicks land within a screen point.
    assert!((radius_m - 71_500.0).abs() < 2_000.0, "{radius_m}");
    let haversine = |lat: f64, lon: f64| {
        let (p1, p2) = (centre.y.to_radians(), lat.to_radians());
        let (dp, dl) = (p2 - p1, (lon - centre.x).to_radians());
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * 6_371_008.8 * a.sqrt().asin()
    };
    let sure = places
        .iter()
        .filter(|&&(lat, lon)| haversine(lat, lon) < radius_m * 0.99)
        .count();
    let maybe = places
        .iter()
        .filter(|&&(lat, lon)| haversine(lat, lon) < radius_m * 1.01)
        .count();
    let shown = harness.state().filtered().len();
    assert!(sure > 3, "{sure}");
    assert!(
        (sure..=maybe).contains(&shown),
        "{shown} shown, {sure}..{maybe} inside"
    );
    harness.get_by_label_contains("Area: 71.");

    // Esc cancels a drawing under way and keeps the filter in use.
    harness.get_by_label("Area").click();
    harness.run();
    let at = screen_pos(&harness, 50.0, 37.0);
    click_at(&mut harness, at);
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().map_memory().tool().is_none());
    assert!(matches!(
        harness.state().filter().area,
        Some(DrawnArea::Circle { .. })
    ));
}

#[test]
fn a_region_outline_loaded_as_an_area_keeps_that_regions_events() {
    // The bundled Belgorod outline (1,287 points) as an area filter, on the
    // fixture's places: the events inside it are those `check` assigns to
    // Belgorod by its region index (a different path to the same answer;
    // Belgorod has no coast, so the coastal rule plays no part).
    let dir = tempfile::tempdir().expect("temp dir");
    let events = dir.path().join("places.json");
    std::fs::write(&events, records(&places())).expect("write");
    let all = check_json(&[&events]);
    let belgorod = all["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .find(|r| r["id"] == "belgorod")
        .map(|r| r["events"].as_u64().unwrap_or_default())
        .expect("Belgorod's row");
    assert!(belgorod >= 5, "{belgorod}");
    let outline = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/regions/belgorod.geojson");
    let inside = check_json(&[OsStr::new("--area"), outline.as_ref(), events.as_os_str()]);
    assert_eq!(inside["matched"].as_u64(), Some(belgorod));
}
