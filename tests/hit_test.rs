//! Known places land in the right bundled region, and places outside the five
//! land in none.

use borderwatch::data::RegionSet;
use geo::Coord;

fn region_at(set: &RegionSet, lat: f64, lon: f64) -> Option<String> {
    set.locate(Coord { x: lon, y: lat })
        .and_then(|i| set.get(i))
        .map(|r| r.id.to_string())
}

#[test]
fn cities_are_in_their_regions() {
    let set = RegionSet::bundled().expect("bundled regions load");
    let cases = [
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
    for (place, lat, lon, expected) in cases {
        assert_eq!(region_at(&set, lat, lon).as_deref(), expected, "{place}");
    }
}
