//! Known places land in the right bundled region, and places outside the five
//! land in none.

use crate::common;

use borderwatch::data::RegionSet;
use geo::Coord;

#[test]
fn cities_are_in_their_regions() {
    let set = RegionSet::bundled().expect("bundled regions load");
    for (place, lat, lon, expected) in common::KNOWN_PLACES {
        let found = set
            .locate(Coord { x: lon, y: lat })
            .and_then(|i| set.get(i))
            .map(|r| r.id.to_string());
        assert_eq!(found.as_deref(), expected, "{place}");
    }
}
