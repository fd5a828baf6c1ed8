//! Distances to the border against an independent computation:
//! tests/fixtures/border_distances.json holds, for 207 places (the border
//! places, a sample of GeoNames places around the five regions and a few far
//! ones), the geodesic distance to the nearest bundled border line measured
//! with PROJ azimuthal equidistant projections and GEOS
//! (scripts/make_border_distances.py). borderwatch's R-tree and Karney
//! distances must agree to 5 m or 0.01 %, and name the same line.

use borderwatch::data::ContextLayer;
use borderwatch::data::regions::BorderKind;
use borderwatch::data::regions::border_distance::BorderIndex;
use geo::Coord;
use serde_json::Value;

#[test]
fn distances_to_the_border_agree_with_proj_and_geos() {
    let context = ContextLayer::bundled().expect("context");
    let index = BorderIndex::new(&context.border);
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/border_distances.json")).expect("fixture");
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
