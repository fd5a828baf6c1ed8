//! Events are placed in the region whose polygon contains them, once at
//! load; a declared region is kept (with a warning when the point disagrees).

use crate::common;

use borderwatch::data::{EventSetBuilder, RegionSet};

#[test]
fn known_places_are_assigned_to_their_regions() {
    let regions = RegionSet::bundled().expect("regions");
    let places = common::KNOWN_PLACES;
    let records: Vec<String> = places
        .iter()
        .map(|(name, lat, lon, _)| {
            format!(
                r#"{{"id": "{name}", "title": "{name}", "date": "2021-04-22", "lat": {lat}, "lon": {lon}}}"#
            )
        })
        .collect();
    let mut builder = EventSetBuilder::new(&regions);
    builder
        .add_reader(
            "places.json",
            None,
            format!("[{}]", records.join(",")).as_bytes(),
            None,
        )
        .expect("loads");
    let (set, messages) = builder.finish();
    assert!(messages.is_empty(), "{messages:?}");
    for (name, _, _, expected) in places {
        let event = &set.events()[set.index_of(name).expect("loaded")];
        let region = event
            .region()
            .and_then(|r| regions.get(r as usize))
            .map(|r| r.id.to_string());
        assert_eq!(region.as_deref(), expected, "{name}");
    }
}

#[test]
fn a_declared_region_that_disagrees_is_kept_with_a_warning() {
    let regions = RegionSet::bundled().expect("regions");
    let mut builder = EventSetBuilder::new(&regions);
    builder
        .add_reader(
            "declared.json",
            None,
            br#"[{"id": "k", "title": "Kharkiv, filed under Belgorod", "date": "2021-04-22", "lat": 49.99, "lon": 36.23, "region": "belgorod"}]"#
                .as_slice(),
            None,
        )
        .expect("loads");
    let (set, messages) = builder.finish();
    assert_eq!(
        set.events()[0].region(),
        regions.index_of("belgorod").map(|i| i as u32)
    );
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0]
            .to_string()
            .contains("coordinates are in no tracked region"),
        "{}",
        messages[0]
    );
}
