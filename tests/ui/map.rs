//! The app as a user drives it, headless (egui_kittest): clicking regions on
//! the map, clearing the selection, zooming and fitting.

use crate::common;

use borderwatch::data::{ContextLayer, RegionSet};
use borderwatch::{BorderwatchApp, StartupOptions};
use common::{click_at, harness_for, screen_pos, selected_id};
use egui::{Event, Modifiers, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, BorderwatchApp> {
    harness_for(BorderwatchApp::with_data(
        RegionSet::bundled().expect("bundled regions"),
        ContextLayer::bundled().expect("bundled context"),
    ))
}

#[test]
fn clicking_a_region_shows_its_details_in_the_side_panel() {
    let mut harness = harness();
    let cases = [
        ("rostov", 47.23, 39.72, "Ростовская область"),
        ("belgorod", 50.60, 36.59, "Белгородская область"),
        ("bryansk", 53.25, 34.37, "Брянская область"),
        ("voronezh", 51.67, 39.20, "Воронежская область"),
        ("crimea", 44.95, 34.10, "Крым"),
    ];
    for (id, lat, lon, local_name) in cases {
        assert!(
            harness.query_by_label(local_name).is_none(),
            "{local_name} shown before the click"
        );
        let pos = screen_pos(&harness, lat, lon);
        click_at(&mut harness, pos);
        assert_eq!(selected_id(&harness).as_deref(), Some(id));
        harness.get_by_label(local_name);
        harness.get_by_label_contains("km²");
    }
    harness.get_by_label("Republic of Crimea, Sevastopol");
}

#[test]
fn clicking_the_sea_or_a_neighbour_clears_the_selection_and_so_does_escape() {
    let mut harness = harness();
    let rostov = screen_pos(&harness, 47.23, 39.72);
    click_at(&mut harness, rostov);
    assert_eq!(selected_id(&harness).as_deref(), Some("rostov"));

    let kharkiv = screen_pos(&harness, 49.99, 36.23);
    click_at(&mut harness, kharkiv);
    assert_eq!(selected_id(&harness), None);

    click_at(&mut harness, rostov);
    let sea = screen_pos(&harness, 46.1, 36.6);
    click_at(&mut harness, sea);
    assert_eq!(selected_id(&harness), None);

    click_at(&mut harness, rostov);
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert_eq!(selected_id(&harness), None);
    harness.get_by_label("Regions");
}

#[test]
fn the_side_panel_list_and_the_legend_select_regions() {
    let mut harness = harness();
    // The name is in the legend and in the panel's list (map labels are
    // painted, not widgets): each selects the region.
    let entries: Vec<egui::Rect> = harness
        .get_all_by_label("Voronezh Oblast")
        .map(|n| n.rect())
        .collect();
    assert_eq!(entries.len(), 2);
    for entry in entries {
        click_at(&mut harness, entry.center());
        assert_eq!(selected_id(&harness).as_deref(), Some("voronezh"));
        harness.key_press(egui::Key::Escape);
        harness.run();
        assert_eq!(selected_id(&harness), None);
    }
}

#[test]
fn wheel_zooms_around_the_pointer_and_fit_restores_the_view() {
    let mut harness = harness();
    let start = harness.state().map_memory().view().expect("view");
    let rostov = screen_pos(&harness, 47.23, 39.72);
    harness.hover_at(rostov);
    harness.run();
    harness.event(Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: Vec2::new(0.0, 100.0),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
    });
    harness.run();
    let zoomed = harness.state().map_memory().view().expect("view");
    assert!(
        zoomed.zoom > start.zoom + 0.5,
        "{} -> {}",
        start.zoom,
        zoomed.zoom
    );
    // The point under the pointer stays under the pointer.
    let after = screen_pos(&harness, 47.23, 39.72);
    assert!((after - rostov).length() < 2.0, "{rostov:?} moved to {after:?}");

    harness.get_by_label("Fit").click();
    harness.run();
    let fitted = harness.state().map_memory().view().expect("view");
    assert!(fitted.approx_eq(&start), "{fitted:?} vs {start:?}");
}

#[test]
fn keys_zoom_and_home_fits() {
    let mut harness = harness();
    let start = harness.state().map_memory().view().expect("view");
    harness.key_press(egui::Key::Plus);
    harness.run();
    let zoomed = harness.state().map_memory().view().expect("view");
    assert!(
        (zoomed.zoom - start.zoom - 1.0).abs() < 0.02,
        "{} -> {}",
        start.zoom,
        zoomed.zoom
    );
    harness.key_press(egui::Key::Home);
    harness.run();
    assert!(
        harness
            .state()
            .map_memory()
            .view()
            .expect("view")
            .approx_eq(&start)
    );
}

#[test]
fn dragging_pans_the_map() {
    let mut harness = harness();
    let before = screen_pos(&harness, 47.23, 39.72);
    let from = Pos2::new(500.0, 400.0);
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    for step in 1..=5 {
        harness.hover_at(from + Vec2::new(-20.0, 12.0) * step as f32);
        harness.run();
    }
    harness.drop_at(from + Vec2::new(-100.0, 60.0));
    harness.run();
    let after = screen_pos(&harness, 47.23, 39.72);
    assert!(
        (after - before - Vec2::new(-100.0, 60.0)).length() < 2.0,
        "{before:?} -> {after:?}"
    );
    assert_eq!(selected_id(&harness), None, "a drag is not a click");
}

#[test]
fn a_bad_regions_argument_keeps_the_bundled_map_and_says_why() {
    let dir = std::env::temp_dir().join(format!("bw-ui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("projected.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"Polygon","coordinates":[[[4400000,5900000],[4500000,5900000],[4500000,6000000],[4400000,5900000]]]}"#,
    )
    .expect("write");
    let app = BorderwatchApp::new(&StartupOptions {
        regions: vec![bad],
        ..StartupOptions::default()
    });
    assert_eq!(app.regions().regions().len(), 5);
    let text: Vec<String> = app.messages().iter().map(|m| m.to_string()).collect();
    assert!(
        text.iter()
            .any(|m| m.contains("projected.geojson") && m.contains("looks projected")),
        "{text:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn help_about_names_the_map_data_and_its_licences() {
    let mut harness = harness();
    assert!(harness.query_by_label("About borderwatch").is_none());
    harness.get_by_label("Help").click();
    harness.run();
    harness.get_by_label("About borderwatch…").click();
    harness.run();
    harness.get_by_label("About borderwatch");
    harness.get_by_label_contains("© OpenStreetMap contributors");
    harness.get_by_label_contains("Open Database License (ODbL 1.0)");
    harness.get_by_label_contains("Natural Earth");
    harness.get_by_label("https://www.openstreetmap.org/copyright");
}

#[test]
fn the_border_layer_can_be_hidden_and_shown_again() {
    let mut harness = harness();
    assert!(harness.state().layers_shown().border, "drawn by default");
    for shown in [false, true] {
        if harness.query_by_label("State border and de facto line").is_none() {
            harness.get_by_label("Layers").click();
            harness.run();
        }
        harness.get_by_label("State border and de facto line").click();
        harness.run();
        assert_eq!(harness.state().layers_shown().border, shown);
    }
}

#[test]
fn a_resting_pointer_names_the_region_in_a_tooltip_except_while_files_load() {
    // Loaded: resting on Rostov Oblast, a tooltip gives its local name.
    let mut harness = harness();
    let rostov = screen_pos(&harness, 47.8, 41.0);
    let tooltip = "Ростовская область";
    harness.hover_at(rostov);
    harness.run();
    harness.get_by_label(tooltip);

    // Loading: a file that never ends (a named pipe nobody writes yet)
    // keeps the load running however many frames pass.
    let dir = tempfile::tempdir().expect("temp dir");
    let pipe = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", pipe.display());
    let mut harness = harness_for(BorderwatchApp::loading(&StartupOptions {
        events: vec![pipe.clone()],
        ..StartupOptions::default()
    }));
    let rostov = screen_pos(&harness, 47.8, 41.0);
    harness.hover_at(rostov);
    // Past the tooltip's delay (kittest's frames are 1/60 s apart).
    for _ in 0..90 {
        harness.step();
    }
    assert!(harness.state().is_loading(), "the pipe holds the load");
    assert!(
        harness.query_by_label(tooltip).is_none(),
        "a tooltip while loading"
    );

    // The pipe closed empty, the load ends (with a message) and the
    // tooltip is back.
    drop(
        std::fs::OpenOptions::new()
            .write(true)
            .open(&pipe)
            .expect("pipe opens"),
    );
    common::wait_until(&mut harness, 30, "the load", |app| !app.is_loading());
    harness.hover_at(rostov + Vec2::new(1.0, 0.0));
    harness.run();
    harness.get_by_label(tooltip);
}
