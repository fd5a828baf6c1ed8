//! The analyst's controls, headless (egui_kittest): search, region filter,
//! Clear, the timeline (drag, click, playback, Space), the choropleth, the
//! layers menu, bubbles that zoom in, and the session that survives a
//! restart (and a corrupt one that does not break it).

use crate::common;

use std::collections::HashMap;

use borderwatch::BorderwatchApp;
use borderwatch::query::EventFilter;
use borderwatch::ui::session::{SESSION_KEY, Session, Theme};
use common::{app_with_events, bundled_app, click_at, harness_for, screen_pos, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, BorderwatchApp> {
    harness_for(bundled_app())
}

fn shown(harness: &Harness<'_, BorderwatchApp>) -> usize {
    harness.state().filtered().len()
}

/// How many of the bundled events contain `word` in a searched field.
fn mentioning(harness: &Harness<'_, BorderwatchApp>, word: &str) -> usize {
    harness
        .state()
        .dataset()
        .events
        .events()
        .iter()
        .filter(|e| {
            e.searchable_texts()
                .iter()
                .any(|t| t.to_lowercase().contains(word))
        })
        .count()
}

#[test]
fn typing_in_search_filters_map_lists_and_counts_and_clear_restores_everything() {
    let mut harness = harness();
    let total = shown(&harness);
    let search = harness.get_by_role(Role::TextInput);
    search.focus();
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("weapons");
    harness.run();
    let expected = mentioning(&harness, "weapons");
    assert!(expected >= 2 && expected < total);
    assert_eq!(shown(&harness), expected);
    harness.get_by_label(&format!("showing {expected} of {total} events"));
    // The region list follows the filter.
    // The legend and the side panel both name it; either selects it.
    harness
        .get_all_by_label("Voronezh Oblast")
        .next()
        .expect("listed")
        .click();
    harness.run();
    harness.get_by_label(&format!(
        "Events ({})",
        harness.state().filtered().region_counts
            [harness.state().regions().index_of("voronezh").expect("voronezh")]
    ));
    harness.get_by_label("Clear filters").click();
    harness.run();
    assert_eq!(shown(&harness), total);
    assert_eq!(harness.state().filter(), &EventFilter::default());
}

#[test]
fn a_search_of_many_events_runs_on_its_own_thread_and_the_last_filter_asked_for_wins() {
    let mut app = bundled_app();
    // The sample's 22 events take the path a million do (from 50 000).
    app.search_in_background_from(0);
    let mut harness = harness_for(app);
    let total = shown(&harness);
    harness.get_by_role(Role::TextInput).focus();
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("weapons");
    wait_until(&mut harness, 10, "the search for weapons", |app| !app.searching());
    let weapons = mentioning(&harness, "weapons");
    assert!(weapons >= 2 && weapons < total);
    assert_eq!(shown(&harness), weapons);
    assert_eq!(harness.state().filter().text, "weapons");
    harness.get_by_label(&format!("showing {weapons} of {total} events"));

    // Asked for while a search runs: the map keeps the last filter's
    // events until the hits are in, and a region hidden meanwhile keeps
    // the text typed.
    let app = harness.state_mut();
    app.set_filter(EventFilter {
        text: "shoigu".into(),
        ..app.wanted_filter().clone()
    });
    assert!(app.searching());
    assert_eq!(app.filter().text, "weapons", "applied once its hits are in");
    assert_eq!(app.filtered().len(), weapons);
    let mut wanted = app.wanted_filter().clone();
    wanted.toggle_region("rostov");
    app.set_filter(wanted.clone());
    assert_eq!(app.wanted_filter().text, "shoigu");
    wait_until(&mut harness, 10, "the search for shoigu", |app| !app.searching());
    assert_eq!(harness.state().filter(), &wanted);
    let mut at_once = bundled_app();
    at_once.set_filter(wanted.clone());
    assert_eq!(harness.state().filtered().indices, at_once.filtered().indices);
    assert!(
        shown(&harness) < mentioning(&harness, "shoigu"),
        "Rostov's hidden"
    );

    // Clear during a search: nothing waits, everything shows.
    let app = harness.state_mut();
    app.set_filter(EventFilter {
        text: "drills".into(),
        ..EventFilter::default()
    });
    assert!(app.searching());
    app.set_filter(EventFilter::default());
    assert!(!app.searching());
    harness.run();
    assert_eq!(shown(&harness), total);
}

#[test]
fn a_bar_too_narrow_for_the_whole_count_shows_the_counts_alone() {
    let mut harness = harness();
    harness.get_by_label("showing 22 of 22 events");
    // The side panel at its widest leaves the bar too little for the whole.
    harness.set_size(egui::Vec2::new(1040.0, 800.0));
    harness.run();
    assert!(harness.query_by_label("showing 22 of 22 events").is_none());
    harness.get_by_label("22 of 22");
    harness.set_size(egui::Vec2::new(1280.0, 800.0));
    harness.run();
    harness.get_by_label("showing 22 of 22 events");
}

#[test]
fn slash_focuses_search_and_space_plays_and_pauses() {
    let mut harness = harness();
    harness.key_press(egui::Key::Slash);
    harness.run();
    assert!(
        harness.get_by_role(Role::TextInput).is_focused(),
        "/ focuses the search"
    );
    harness.get_by_role(Role::TextInput).type_text("shoigu");
    harness.run();
    assert_eq!(
        harness.state().filter().text,
        "shoigu",
        "the slash is not typed into the field"
    );
    // Esc leaves the field and keeps the selection; a second Esc clears
    // it; Space then plays rather than typing a space.
    harness.state_mut().select_region(Some(0));
    harness.run();
    harness.get_by_role(Role::TextInput).focus();
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(!harness.get_by_role(Role::TextInput).is_focused());
    assert!(
        harness.state().selected_region().is_some(),
        "Esc in the search field keeps the selection"
    );
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(
        harness.state().selected_region().is_none(),
        "a second Esc clears it"
    );
    harness.get_by_label("Clear filters").click();
    harness.run();
    assert!(!harness.state().is_playing());
    harness.key_press(egui::Key::Space);
    // Playing repaints every frame: step rather than wait for it to settle.
    harness.step();
    assert!(harness.state().is_playing());
    let first = (harness.state().filter().from_day, harness.state().filter().to_day);
    assert!(
        first.0.is_some() && first.1.is_some(),
        "playback sets a date window"
    );
    harness.key_press(egui::Key::Space);
    harness.step();
    assert!(!harness.state().is_playing());
    harness.run();
}

#[test]
fn playback_moves_the_window_and_the_counts_follow() {
    let mut app = bundled_app();
    let extent = app.dataset().columns.day_range().expect("events");
    app.toggle_play();
    let window = app.playback_settings().window_days;
    assert_eq!(app.filter().from_day, Some(extent.0));
    assert_eq!(app.filter().to_day, Some(extent.0 + window - 1));
    let mut seen_counts = std::collections::BTreeSet::new();
    for _ in 0..400 {
        app.step_playback(0.1);
        let (from, to) = (
            app.filter().from_day.expect("from"),
            app.filter().to_day.expect("to"),
        );
        assert_eq!(to - from + 1, window.min(to - extent.0 + 1));
        // What is shown is exactly what overlaps the window.
        let expected = app
            .dataset()
            .events
            .events()
            .iter()
            .filter(|e| e.overlaps_days(from, to))
            .count();
        assert_eq!(app.filtered().len(), expected);
        seen_counts.insert(expected);
    }
    assert!(seen_counts.len() > 1, "the window passed over events");
}

#[test]
fn dragging_and_clicking_the_timeline_choose_dates() {
    let mut harness = harness();
    let chart = harness.get_by_label_contains("Timeline:").rect();
    let y = chart.top() + 30.0;
    let (start, end) = (egui::pos2(chart.left() + 5.0, y), egui::pos2(chart.center().x, y));
    harness.hover_at(start);
    harness.run();
    harness.drag_at(start);
    harness.run();
    for step in 1..=4 {
        harness.hover_at(start + (end - start) * step as f32 / 4.0);
        harness.run();
    }
    harness.drop_at(end);
    harness.run();
    let filter = harness.state().filter().clone();
    let (from, to) = (filter.from_day.expect("from"), filter.to_day.expect("to"));
    assert!(from < to);
    let expected = harness
        .state()
        .dataset()
        .events
        .events()
        .iter()
        .filter(|e| e.overlaps_days(from, to))
        .count();
    assert_eq!(shown(&harness), expected);
    // The chart names the range it shows.
    harness.get_by(|node| {
        node.label()
            .is_some_and(|l| l.starts_with("Timeline:") && l.ends_with("days)"))
    });
    harness.get_by_label("Clear dates").click();
    harness.run();
    assert_eq!(harness.state().filter().from_day, None);
    // A click on a bar picks that bar's dates.
    let last_bar = egui::pos2(chart.right() - 3.0, chart.top() + 50.0);
    click_at(&mut harness, last_bar);
    let filter = harness.state().filter().clone();
    assert!(filter.from_day.is_some() && filter.to_day.is_some());
    assert!(shown(&harness) >= 1);
}

#[test]
fn the_region_filter_hides_a_region_everywhere() {
    let mut harness = harness();
    let total = shown(&harness);
    let rostov = harness.state().regions().index_of("rostov").expect("rostov");
    let in_rostov = harness.state().filtered().region_counts[rostov];
    harness.get_by_label("All regions").click();
    harness.run();
    harness
        .get_by_label(&format!("Rostov Oblast ({in_rostov})"))
        .click();
    harness.run();
    assert_eq!(shown(&harness), total - in_rostov);
    assert_eq!(harness.state().filtered().region_counts[rostov], 0);
    assert!(harness.state().filter().hidden_regions.contains("rostov"));
}

#[test]
fn the_choropleth_colours_regions_by_count_with_a_scale() {
    let mut harness = harness();
    harness.get_by_label("Layers").click();
    harness.run();
    harness.get_by_label("Choropleth").click();
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().choropleth());
    harness.get_by_label("Events per region");
    let crimea = harness.state().regions().index_of("crimea").expect("crimea");
    let count = harness.state().filtered().region_counts[crimea];
    harness.get_by_label(&format!("Crimea ({count})"));
}

#[test]
fn hiding_markers_lets_clicks_reach_the_region_underneath() {
    let mut harness = harness();
    harness.get_by_label("Layers").click();
    harness.run();
    harness.get_by_label("Event markers").click();
    harness.run();
    assert!(!harness.state().layers_shown().markers);
    harness.key_press(egui::Key::Escape);
    harness.run();
    // The Opuk drills marker sits here; with markers hidden, Crimea is selected.
    let opuk = screen_pos(&harness, 45.07, 36.2);
    click_at(&mut harness, opuk);
    assert_eq!(harness.state().selected_event(), None);
    assert_eq!(
        harness
            .state()
            .selected_region()
            .map(|r| r.id.to_string())
            .as_deref(),
        Some("crimea")
    );
    // A hidden region layer is neither drawn nor selectable.
    let mut layers = harness.state().layers_shown().clone();
    layers.toggle_layer("crimea");
    let session = Session {
        layers,
        ..harness.state().session()
    };
    harness.state_mut().apply_session(session);
    harness.run();
    click_at(&mut harness, opuk);
    assert!(harness.state().selected_region().is_none());
}

#[test]
fn a_bubble_zooms_in_until_its_events_separate() {
    let mut harness = harness_for(app_with_events(
        "near.json",
        br#"[{"id": "a", "title": "North", "date": "2021-04-22", "lat": 48.60, "lon": 41.20},
            {"id": "b", "title": "South", "date": "2021-04-22", "lat": 48.45, "lon": 41.25}]"#,
    ));
    let clusters = harness.state().map_memory().clusters().to_vec();
    assert_eq!(clusters.len(), 1, "two nearby events make one bubble");
    assert_eq!(clusters[0].count, 2);
    let zoom = harness.state().map_memory().view().expect("view").zoom;
    let bubble = screen_pos(&harness, 48.525, 41.225);
    click_at(&mut harness, bubble);
    for _ in 0..3 {
        harness.run();
    }
    let zoomed = harness.state().map_memory().view().expect("view").zoom;
    assert!(zoomed > zoom + 2.0, "{zoom} -> {zoomed}");
    assert_eq!(harness.state().map_memory().clusters().len(), 2, "they separate");
}

#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn view_filters_layers_and_theme_survive_a_restart_and_reset_restores_defaults() {
    let mut harness = harness();
    harness.get_by_label("Layers").click();
    harness.run();
    harness.get_by_label("Choropleth").click();
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    harness.key_press(egui::Key::Plus);
    harness.run();
    harness.get_by_label("drill (5)").click();
    harness.run();
    let mut storage = MemoryStorage::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    let saved = harness.state().session();
    assert!(saved.choropleth && !saved.filter.is_empty() && saved.view.is_some());

    let mut restored = bundled_app();
    restored.restore(&storage);
    assert_eq!(restored.session(), saved);
    assert_eq!(restored.filtered().len(), harness.state().filtered().len());
    assert!(restored.messages().is_empty());

    restored.reset();
    let defaults = restored.session();
    assert_eq!(defaults.filter, EventFilter::default());
    assert!(!defaults.choropleth);
    assert_eq!(defaults.theme, Theme::System);
    assert_eq!(defaults.layers, Default::default());
}

#[test]
fn a_corrupt_saved_session_is_ignored_with_a_warning() {
    let mut storage = MemoryStorage::default();
    eframe::Storage::set_string(&mut storage, SESSION_KEY, "{\"filter\": {\"text\": 5".into());
    let mut app = bundled_app();
    app.restore(&storage);
    assert_eq!(app.session(), Session::default());
    assert_eq!(app.messages().len(), 1);
    assert!(
        app.messages()[0]
            .to_string()
            .contains("saved session could not be read")
    );
    // The app still runs normally.
    let mut harness = harness_for(app);
    harness.run();
    assert_eq!(shown(&harness), harness.state().dataset().events.len());
}
