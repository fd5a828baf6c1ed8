//! Distances to the border against an independent computation:
//! tests/fixtures/border_distances.json holds, for 207 places (the border
//! places, a sample of GeoNames places around the five regions and a few far
//! ones), the geodesic distance to the nearest bundled border line measured
//! with PROJ azimuthal equidistant projections and GEOS
//! (scripts/make_border_distances.py). borderwatch's R-tree and Karney
//! distances must agree to 5 m or 0.01 %, and name the same line.

use crate::common;

use borderwatch::data::ContextLayer;
use borderwatch::data::regions::BorderKind;
use borderwatch::data::regions::border_distance::BorderIndex;
use common::cli::run_ok;
use geo::Coord;
use serde_json::Value;

#[test]
fn distances_to_the_border_agree_with_proj_and_geos() {
    let context = ContextLayer::bundled().expect("context");
    let index = BorderIndex::new(&context.border);
    let fixture: Value =
        serde_json::from_str(include_str!("../fixtures/border_distances.json")).expect("fixture");
    let places = fixture["places"].as_array().expect("places");
    assert!(places.len() >= 200, "{}", places.len());
    let mut worst: (f64, String) = (0.0, String::new());
    for place in places {
        let name = place["name"].as_str().expect("name");
        let at = Coord {
            x: place["lon"].as_f64().expect("lon"),
            y: place["lat"].as_f64().expect("lat"),
        };
        let expected_m = place["km"].as_f64().expect("km") * 1000.0;
        let nearest = index.nearest(at).expect("a border to measure to");
        let error = (nearest.metres - expected_m).abs();
        let allowed = 5.0f64.max(expected_m * 1e-4);
        assert!(
            error <= allowed,
            "{name}: {:.1} m, PROJ/GEOS {expected_m:.1} m",
            nearest.metres
        );
        let kind = match place["line"].as_str() {
            Some("de_facto") => BorderKind::DeFacto,
            _ => BorderKind::State,
        };
        assert_eq!(nearest.kind, kind, "{name}");
        if error > worst.0 {
            worst = (error, name.to_string());
        }
    }
    eprintln!("largest difference: {:.2} m ({})", worst.0, worst.1);
}

#[test]
fn check_and_export_near_border_count_what_proj_and_geos_measure() {
    let fixture: Value =
        serde_json::from_str(include_str!("../fixtures/border_distances.json")).expect("fixture");
    // Places not within 20 m of the limits used, so the methods' small
    // differences cannot decide a count.
    let places: Vec<&Value> = fixture["places"]
        .as_array()
        .expect("places")
        .iter()
        .filter(|p| {
            let km = p["km"].as_f64().unwrap_or_default();
            [10.0, 50.0].iter().all(|limit: &f64| (km - limit).abs() > 0.02)
        })
        .collect();
    let records: Vec<Value> = places
        .iter()
        .enumerate()
        .map(|(i, p)| {
            serde_json::json!({"id": format!("p{i}"), "title": p["name"], "date": "2021-04-22",
                "lat": p["lat"], "lon": p["lon"]})
        })
        .collect();
    // Removed when the test ends.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("places.json");
    std::fs::write(&file, serde_json::to_vec(&records).expect("JSON")).expect("write");
    let path = file.display().to_string();
    let run = run_ok::<&str>;
    for km in ["10", "50"] {
        let limit: f64 = km.parse().expect("km");
        let expected = places
            .iter()
            .filter(|p| p["km"].as_f64().unwrap_or_default() <= limit)
            .count();
        let report: Value =
            serde_json::from_slice(&run(&["check", "--format", "json", "--near-border", km, &path]))
                .expect("JSON report");
        assert_eq!(report["matched"], expected, "within {km} km");
        let exported: Value = serde_json::from_slice(&run(&[
            "export",
            "--format",
            "geojson",
            "-o",
            "-",
            "--near-border",
            km,
            &path,
        ]))
        .expect("GeoJSON");
        let features = exported["features"].as_array().expect("features");
        assert_eq!(features.len(), expected, "exported within {km} km");
        for feature in features {
            let km_written = feature["properties"]["border_km"].as_f64().expect("border_km");
            assert!(km_written <= limit, "{feature}");
        }
    }
    // A distance that is not one is refused with status 2.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(["check", "--near-border", "far", &path])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
}
