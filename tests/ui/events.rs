//! A user reading events, headless (egui_kittest): click a region and see
//! only its events, newest first; click a list item or a marker and see the
//! event's details with its source.

use crate::common;

use borderwatch::BorderwatchApp;
use common::{bundled_app, click_at, harness_for, screen_pos};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, BorderwatchApp> {
    harness_for(bundled_app())
}

/// Titles of the bundled events in a region (`None`: outside), newest
/// first; notional events are in neither.
fn titles_in(harness: &Harness<'_, BorderwatchApp>, region: Option<&str>) -> Vec<String> {
    let data = harness.state().dataset();
    let index = region.map(|id| data.regions.index_of(id).expect("region") as u32);
    data.events
        .events()
        .iter()
        .filter(|e| e.region() == index && !e.is_notional())
        .map(|e| e.title().to_string())
        .collect()
}

#[test]
fn clicking_a_region_lists_only_its_events_newest_first() {
    let mut harness = harness();
    // Inside each region, away from its markers (region-level events are
    // drawn at the region's label point).
    let cases = [
        ("rostov", 48.6, 41.2),
        ("belgorod", 50.9, 38.0),
        ("bryansk", 53.4, 33.0),
        ("voronezh", 50.6, 40.6),
        ("crimea", 45.6, 33.6),
    ];
    for (id, lat, lon) in cases {
        let pos = screen_pos(&harness, lat, lon);
        click_at(&mut harness, pos);
        assert_eq!(
            harness
                .state()
                .selected_region()
                .map(|r| r.id.to_string())
                .as_deref(),
            Some(id)
        );
        let own = titles_in(&harness, Some(id));
        assert!(!own.is_empty(), "{id} has events");
        harness.get_by_label(&format!("Events ({})", own.len()));
        // Every one of the region's events is listed, newest at the top.
        let tops: Vec<f32> = own
            .iter()
            .map(|title| harness.get_by_label(title).rect().top())
            .collect();
        assert!(
            tops.windows(2).all(|w| w[0] < w[1]),
            "{id}: newest first, top to bottom: {tops:?}"
        );
        for (other, _, _) in cases.iter().filter(|(other, _, _)| *other != id) {
            for title in titles_in(&harness, Some(other)) {
                assert!(
                    harness.query_by_label(&title).is_none(),
                    "{title} listed under {id}"
                );
            }
        }
        for title in titles_in(&harness, None) {
            assert!(
                harness.query_by_label(&title).is_none(),
                "outside event {title} listed under {id}"
            );
        }
    }
}

#[test]
fn clicking_a_listed_event_shows_its_details_and_source_and_centres_the_map() {
    let mut harness = harness();
    let pos = screen_pos(&harness, 50.6, 40.6);
    click_at(&mut harness, pos);
    let title = "Heavy weapons to stay at Pogonovo firing range";
    harness.get_by_label(title).click();
    harness.run();
    let state = harness.state();
    let selected = state.selected_event().expect("an event is selected");
    let event = &state.dataset().events.events()[selected];
    assert_eq!(event.title(), title);
    // The details repeat the title and name the article it comes from.
    assert!(
        harness.get_all_by_label(title).count() >= 2,
        "list row and details heading"
    );
    harness.get_by_label_contains("Moment Putin caves to the West");
    harness.get_by_label("Pogonovo firing range");
    // The map is centred on it.
    let view = harness.state().map_memory().view().expect("view");
    let centre = borderwatch::map::unproject(view.center);
    assert!((centre.y - event.position.y).abs() < 1e-6 && (centre.x - event.position.x).abs() < 1e-6);
}

#[test]
fn clicking_a_marker_selects_its_event_and_a_stack_lists_its_events() {
    let mut harness = harness();
    // The Black Sea drills are known only to Crimea: drawn at its label
    // point, the only region-level event there.
    let label = |h: &Harness<'_, BorderwatchApp>, id: &str| {
        let regions = h.state().regions();
        let region = regions
            .get(regions.index_of(id).expect("region"))
            .expect("region");
        region.label_point
    };
    let at = label(&harness, "crimea");
    let drills = screen_pos(&harness, at.y, at.x);
    click_at(&mut harness, drills);
    let state = harness.state();
    let selected = state.selected_event().expect("marker click selects");
    assert_eq!(
        state.dataset().events.events()[selected].id(),
        "2021-04-22-crimea-black-sea-drills"
    );
    assert_eq!(
        state.selected_region().map(|r| r.id.to_string()).as_deref(),
        Some("crimea")
    );
    // Listed under Crimea and shown in the details (and in the marker's
    // tooltip while the pointer rests on it).
    assert!(
        harness
            .get_all_by_label_contains("Large air and naval exercise")
            .count()
            >= 2
    );

    // Rostov's two region-level events share its label point: a click
    // lists them.
    harness.key_press(egui::Key::Escape);
    harness.run();
    let at = label(&harness, "rostov");
    let stack = screen_pos(&harness, at.y, at.x);
    click_at(&mut harness, stack);
    let region_level: Vec<String> = harness
        .state()
        .dataset()
        .events
        .events()
        .iter()
        .filter(|e| e.region().is_some() && e.precision() == Some(borderwatch::data::Precision::Region))
        .filter(|e| e.declared_region() == Some("rostov"))
        .map(|e| e.title().to_string())
        .collect();
    assert_eq!(region_level.len(), 2);
    assert!(
        matches!(harness.state().focus(), borderwatch::ui::Focus::Spot(members) if members.len() == 2),
        "{:?}",
        harness.state().focus()
    );
    harness.get_by_label("2 events at one spot");
    for title in &region_level {
        harness.get_by_label(title);
    }
    // The lights over Rostov-on-Don, located to the city, stay at its centre.
    harness.key_press(egui::Key::Escape);
    harness.run();
    let lights = screen_pos(&harness, 47.2357, 39.7015);
    click_at(&mut harness, lights);
    let state = harness.state();
    let selected = state.selected_event().expect("the lights marker selects");
    assert_eq!(
        state.dataset().events.events()[selected].id(),
        "2021-04-22-rostov-spooky-lights"
    );
}

#[test]
fn the_outside_group_lists_events_beyond_the_five_regions() {
    let mut harness = harness();
    harness.get_by_label("Outside tracked regions").click();
    harness.run();
    let outside = titles_in(&harness, None);
    assert!(outside.len() >= 3);
    harness.get_by_label(&format!("Events ({})", outside.len()));
    for title in &outside {
        harness.get_by_label(title);
    }
}

#[test]
fn hiding_a_category_in_the_legend_removes_its_events_from_lists_and_counts() {
    let mut harness = harness();
    let total = harness.state().filtered().len();
    let drills = harness
        .state()
        .dataset()
        .events
        .events()
        .iter()
        .filter(|e| harness.state().dataset().events.categories().name(e.category) == "drill")
        .count();
    assert!(drills > 0);
    harness.get_by_label(&format!("drill ({drills})")).click();
    harness.run();
    assert_eq!(harness.state().filtered().len(), total - drills);
    harness.get_by_label_contains(&format!("showing {} of {total} events", total - drills));
    let pos = screen_pos(&harness, 48.6, 41.2);
    click_at(&mut harness, pos);
    assert!(
        harness
            .query_by_label("Planned spring drills under way in Rostov region")
            .is_none()
    );
    harness.get_by_label(&format!("drill ({drills})")).click();
    harness.run();
    assert_eq!(harness.state().filtered().len(), total);
    harness.get_by_label("Planned spring drills under way in Rostov region");
}

#[test]
fn a_coastal_event_says_how_far_offshore_it_was_counted() {
    let regions = borderwatch::data::RegionSet::bundled().expect("bundled regions");
    let context = borderwatch::data::ContextLayer::bundled().expect("bundled context");
    // Shtormovoye as GeoNames places it: 0.7 km into the Black Sea off the
    // bundled coast (tests/fixtures/border_places.json).
    let json = br#"[{"id": "shtorm", "title": "Landing craft seen off Shtormovoye", "date": "2021-04-20",
        "category": "incident", "lat": 45.26717, "lon": 33.08693}]"#;
    let mut builder = borderwatch::data::EventSetBuilder::new(&regions);
    builder
        .add_reader("coastal.json", None, &json[..], None)
        .expect("the file loads");
    let (events, _) = builder.finish();
    let app = BorderwatchApp::with_dataset(borderwatch::dataset::Dataset::new(regions, context, events));
    let mut harness = harness_for(app);
    harness.state_mut().select_event(0);
    harness.run();
    let state = harness.state();
    let event = &state.dataset().events.events()[0];
    let borderwatch::data::Placement::Coastal { offshore_m } = event.placement() else {
        panic!("counted by the coastal rule: {:?}", event.placement());
    };
    assert!((1..2000).contains(&offshore_m), "{offshore_m} m");
    let expected = format!("coastal: {:.1} km offshore", f64::from(offshore_m) / 1000.0);
    harness.get_by_label(&expected);
    assert_eq!(
        state
            .dataset()
            .regions
            .get(event.region().expect("a region") as usize)
            .map(|r| r.id.as_str()),
        Some("crimea")
    );
}

#[test]
fn an_acled_events_details_show_the_fields_it_keeps() {
    let regions = borderwatch::data::RegionSet::bundled().expect("bundled regions");
    let context = borderwatch::data::ContextLayer::bundled().expect("bundled context");
    let mut builder = borderwatch::data::EventSetBuilder::new(&regions);
    builder
        .add_reader(
            "acled-export.csv",
            None,
            include_bytes!("../fixtures/acled-export.csv").as_slice(),
            None,
        )
        .expect("the file loads");
    let (events, _) = builder.finish();
    let strike = events
        .events()
        .iter()
        .position(|e| e.id() == "RUS9001")
        .expect("the Shebekino strike");
    let app = BorderwatchApp::with_dataset(borderwatch::dataset::Dataset::new(regions, context, events));
    let mut harness = harness_for(app);
    harness.state_mut().select_event(strike);
    harness.run();
    // ACLED's six kept fields, each under its name with its value.
    harness.get_by_label("Other fields (6)");
    for (name, value) in [
        ("subcategory", "Air/drone strike"),
        ("acled_event_type", "Explosions/Remote violence"),
        ("fatalities", "0"),
        ("admin1", "Belgorod"),
        ("admin2", "Shebekinskiy"),
        ("country", "Russia"),
    ] {
        harness.get_by_label(name);
        assert!(
            harness.query_all_by_label(value).next().is_some(),
            "{name}: {value}"
        );
    }
}
