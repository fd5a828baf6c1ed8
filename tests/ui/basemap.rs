//! The map zoomed in (issue 15), headless: town names that never overlap,
//! the border towns each region's users look for named when the region fills
//! the window, and place search flying the map to a town by any spelling.

use crate::common;

use std::cell::RefCell;

use borderwatch::StartupOptions;
use borderwatch::data::{ContextLayer, RegionSet};
use borderwatch::map::{
    LayerVisibility, MapLayers, MapMemory, MapStyle, MapView, MapWidget, PlacedLabel, project,
};
use common::{bundled_app, harness_for, wait_until};
use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Where the map is pointed for one picture.
enum Aim {
    Fit(geo::Rect<f64>),
    At(geo::Coord<f64>, f64),
}

/// The labels the map paints in a 1280×800 window aimed at `aim`.
fn labels(aim: Aim, visibility: &LayerVisibility) -> Vec<PlacedLabel> {
    let regions = RegionSet::bundled().expect("regions");
    let context = ContextLayer::bundled().expect("context");
    let layers = MapLayers::new(&regions, &context);
    let style = MapStyle::light();
    let mut memory = MapMemory::default();
    match aim {
        Aim::Fit(bounds) => memory.request_fit_to(&bounds),
        Aim::At(centre, zoom) => memory.set_view(MapView {
            center: project(centre),
            zoom,
        }),
    }
    let drawn = RefCell::new(Vec::new());
    let mut harness = Harness::builder().with_size(vec2(1280.0, 800.0)).build_ui(|ui| {
        let response = MapWidget::new(&regions, &context, &layers, &style)
            .visibility(visibility)
            .show(ui, &mut memory);
        *drawn.borrow_mut() = response.labels;
    });
    harness.run_steps(3);
    drop(harness);
    drawn.into_inner()
}

fn assert_apart(labels: &[PlacedLabel], what: &str) {
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(
                !a.rect.intersects(b.rect),
                "{what}: \"{}\" {:?} overlaps \"{}\" {:?}",
                a.text,
                a.rect,
                b.text,
                b.rect
            );
        }
    }
}

fn texts(labels: &[PlacedLabel]) -> Vec<&str> {
    labels.iter().map(|l| l.text.as_str()).collect()
}

#[test]
fn each_region_filling_the_window_names_its_border_towns_and_no_two_labels_overlap() {
    let regions = RegionSet::bundled().expect("regions");
    let shown = LayerVisibility::default();
    for (region, towns) in [
        ("belgorod", &["Shebekino", "Valuyki", "Belgorod"][..]),
        ("bryansk", &["Klintsy", "Novozybkov", "Bryansk"][..]),
        ("rostov", &["Taganrog", "Rostov-on-Don"][..]),
        ("crimea", &["Kerch", "Simferopol"][..]),
        ("voronezh", &["Voronezh"][..]),
    ] {
        let index = regions.index_of(region).expect(region);
        let bounds = regions.get(index).expect(region).bounds;
        let drawn = labels(Aim::Fit(bounds), &shown);
        assert_apart(&drawn, region);
        let names = texts(&drawn);
        for town in towns {
            assert!(
                names.contains(town),
                "{town} named with {region} in view: {names:?}"
            );
        }
        assert!(
            names.len() >= 10,
            "{region}: a readable map has more than {names:?}"
        );
    }
}

#[test]
fn labels_never_overlap_from_the_whole_area_down_to_a_village() {
    let shown = LayerVisibility::default();
    let shebekino = geo::Coord {
        x: 36.9254,
        y: 50.4134,
    };
    let mut counts = Vec::new();
    for zoom in [4.0, 5.5, 7.0, 8.5, 10.0, 11.5, 13.0] {
        let drawn = labels(Aim::At(shebekino, zoom), &shown);
        assert_apart(&drawn, &format!("zoom {zoom}"));
        counts.push(drawn.len());
        if zoom >= 7.0 {
            assert!(
                texts(&drawn).contains(&"Shebekino"),
                "zoom {zoom}: {:?}",
                texts(&drawn)
            );
        }
    }
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
    // Zoomed into the border villages, the villages are named.
    let villages = labels(Aim::At(shebekino, 10.5), &shown);
    assert!(
        texts(&villages).contains(&"Novaya Tavolzhanka"),
        "{:?}",
        texts(&villages)
    );
}

#[test]
fn towns_are_named_in_the_local_language_when_asked_and_not_at_all_when_off() {
    let shebekino = geo::Coord {
        x: 36.9254,
        y: 50.4134,
    };
    let local = LayerVisibility {
        local_names: true,
        ..LayerVisibility::default()
    };
    let drawn = labels(Aim::At(shebekino, 8.0), &local);
    let names = texts(&drawn);
    assert!(
        names.contains(&"Шебекино") && names.contains(&"Белгород"),
        "{names:?}"
    );
    assert!(
        names.contains(&"Вовчанськ"),
        "Ukrainian towns in Ukrainian: {names:?}"
    );
    assert_apart(&drawn, "local names");
    let off = LayerVisibility {
        towns: false,
        ..LayerVisibility::default()
    };
    let names_off: Vec<String> = labels(Aim::At(shebekino, 8.0), &off)
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(!names_off.iter().any(|n| n == "Shebekino"), "{names_off:?}");
}

#[test]
fn searching_a_place_by_another_spelling_lists_it_with_its_region_and_flies_there() {
    let mut harness = harness_for(bundled_app());
    for (typed, listed, lonlat) in [
        (
            "Kharkov",
            "Kharkiv (Kharkov) — Kharkiv, Ukraine",
            (36.2548, 49.9818),
        ),
        (
            "Шебекино",
            "Shebekino (Шебекино) — Belgorod Oblast",
            (36.9254, 50.4134),
        ),
    ] {
        harness.get_by_role(Role::TextInput).focus();
        harness.run();
        harness.get_by_role(Role::TextInput).type_text(typed);
        harness.run();
        harness.get_by_label_contains("Places (").click();
        harness.run();
        harness.get_by_label_contains(listed).click();
        harness.run_steps(4);
        let view = harness.state().map_memory().view().expect("a view");
        let want = project(geo::Coord {
            x: lonlat.0,
            y: lonlat.1,
        });
        let scale = view.scale();
        assert!(
            ((view.center.x - want.x) * scale).abs() < 5.0 && ((view.center.y - want.y) * scale).abs() < 5.0,
            "{typed}: centred on the place"
        );
        assert!(view.zoom >= 10.0, "{typed}: zoomed to the town, {}", view.zoom);
        // Clear the search for the next one.
        harness.get_by_label("Clear filters").click();
        harness.run();
    }
}

#[test]
fn tiles_from_a_local_package_are_drawn_and_a_bad_source_is_refused_keeping_the_map() {
    let package = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiles/sample.mbtiles");
    let mut app = bundled_app();
    assert!(!app.layers_shown().tiles, "off until asked for");
    app.show_startup_choices(&StartupOptions {
        tiles: Some(package.to_string()),
        place: Some("Kharkov".to_string()),
        ..StartupOptions::default()
    });
    assert!(app.layers_shown().tiles);
    assert_eq!(app.basemap().source(), package);
    let mut harness = harness_for(app);
    wait_until(&mut harness, 20, "tiles drawn", |app| {
        app.basemap().texture_count() > 0
    });
    let view = harness.state().map_memory().view().expect("a view");
    assert!(view.zoom >= 10.0, "--place flew to Kharkiv: {view:?}");

    let mut app = bundled_app();
    app.show_startup_choices(&StartupOptions {
        tiles: Some("/nowhere/missing.pmtiles".to_string()),
        place: Some("Nowhereville".to_string()),
        ..StartupOptions::default()
    });
    assert!(!app.layers_shown().tiles);
    let messages: Vec<String> = app.messages().iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m.contains("missing.pmtiles")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("Nowhereville")),
        "{messages:?}"
    );
    assert_eq!(app.dataset().events.len(), bundled_app().dataset().events.len());
}

#[test]
fn the_tile_source_window_refuses_a_bad_template_and_takes_a_package() {
    let mut harness = harness_for(bundled_app());
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Tile source…").click();
    harness.run();
    // The search box and the source field: the window's is the last.
    let inputs: Vec<_> = harness.get_all_by_role(Role::TextInput).collect();
    assert_eq!(inputs.len(), 2);
    let source = inputs.last().expect("the source field");
    assert!(
        source.value().is_none_or(|v| v.is_empty()),
        "OpenStreetMap: empty"
    );
    source.focus();
    harness.run();
    harness
        .get_all_by_role(Role::TextInput)
        .last()
        .expect("the source field")
        .type_text("https://tiles.example.org/{x}/{y}.png");
    harness.run();
    harness.get_by_label("Apply").click();
    harness.run();
    assert!(
        !harness.state().layers_shown().tiles,
        "a template without {{z}} is refused"
    );
    assert!(
        harness.state().notice().is_some_and(|n| n.contains("{z}")),
        "{:?}",
        harness.state().notice()
    );
    harness.get_by_label("Tile source");

    let package = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiles/sample.pmtiles");
    harness.get_by_label("Use OpenStreetMap").click();
    harness.run();
    harness
        .get_all_by_role(Role::TextInput)
        .last()
        .expect("the source field")
        .focus();
    harness.run();
    harness
        .get_all_by_role(Role::TextInput)
        .last()
        .expect("the source field")
        .type_text(package);
    harness.run();
    harness.get_by_label("Apply").click();
    harness.run();
    assert!(harness.state().layers_shown().tiles);
    assert_eq!(harness.state().basemap().source(), package);
    assert!(harness.query_by_label("Apply").is_none(), "the window closed");
    wait_until(&mut harness, 20, "tiles drawn", |app| {
        app.basemap().texture_count() > 0
    });
}
