//! The user's own files in the app: opening and dropping region layers and
//! event files, loading on a background thread (progress, cancel), reloading
//! a file that changes on disk (and keeping the data when the new version is
//! broken), exporting the filtered events, and recent files.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use borderwatch::data::{EventSetBuilder, RegionSet};
use borderwatch::load::{EventSource, RegionSource};
use borderwatch::ui::session::Session;
use borderwatch::{BorderwatchApp, StartupOptions};
use common::{bundled_app, click_at, event_ids, harness_for, screen_pos, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const SQUARE: &str = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
  "properties": {"name": "Kursk (test square)"},
  "geometry": {"type": "Polygon", "coordinates": [[[35.4, 51.6], [37.0, 51.6], [37.0, 52.2], [35.4, 52.2], [35.4, 51.6]]]}}]}"#;

const TWO_EVENTS: &str = r#"[
  {"id": "k1", "title": "Column seen near Kursk", "date": "2022-02-20", "category": "deployment", "lat": 51.73, "lon": 36.19},
  {"id": "r1", "title": "Drill near Rostov", "date": "2022-02-21", "category": "drill", "lat": 47.23, "lon": 39.72}
]"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes the temporary file");
    path
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn an_opened_polygon_file_becomes_a_region_layer_whose_region_lists_its_events() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layer = write(dir.path(), "Kursk Oblast.geojson", SQUARE);
    let events = write(dir.path(), "events.json", TWO_EVENTS);
    let mut harness = harness_for(BorderwatchApp::new(&StartupOptions {
        events: vec![events.clone()],
        ..StartupOptions::default()
    }));
    let kursk_event = harness.state().dataset().events.index_of("k1").expect("loaded");
    assert_eq!(
        harness.state().dataset().columns.region(kursk_event),
        None,
        "outside the five"
    );

    harness.state_mut().open_paths([layer.clone()]);
    assert!(
        harness.state().pending_event_files().is_empty(),
        "a layer needs no question"
    );
    wait_until(&mut harness, 30, "the layer loading", |app| !app.is_loading());

    let app = harness.state();
    assert_eq!(
        app.sources().regions,
        vec![RegionSource::Bundled, RegionSource::File(layer.clone())]
    );
    let regions = app.regions();
    assert_eq!(regions.layers().len(), 6);
    assert_eq!(regions.layers()[5].id, "kursk-oblast", "named after its file");
    let square = regions.index_of("kursk-oblast").expect("a region of its own");
    assert_eq!(regions.regions()[square].name, "Kursk (test square)");
    let kursk_event = app.dataset().events.index_of("k1").expect("still loaded");
    assert_eq!(
        app.dataset().columns.region(kursk_event),
        Some(square as u32),
        "events are placed in the new region"
    );
    assert!(
        app.notice().is_some_and(|n| n.starts_with("loaded 2 events")),
        "{:?}",
        app.notice()
    );

    // Selectable on the map like the five, with its events listed.
    harness.run();
    let pos = screen_pos(&harness, 51.95, 35.7);
    click_at(&mut harness, pos);
    assert_eq!(
        harness.state().selected_region().map(|r| r.id.as_str()),
        Some("kursk-oblast")
    );
    harness.get_by_label_contains("Column seen near Kursk");
}

#[test]
fn a_dropped_event_file_asks_whether_to_add_or_replace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = write(dir.path(), "events.json", TWO_EVENTS);
    let sample = event_ids(&bundled_app());

    for (button, expected) in [
        (
            "Replace the events shown",
            vec!["k1".to_string(), "r1".to_string()],
        ),
        ("Add to the events shown", {
            let mut all = sample.clone();
            all.extend(["k1".to_string(), "r1".to_string()]);
            all.sort();
            all
        }),
    ] {
        let mut harness = harness_for(bundled_app());
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(events.clone())));
        harness.step();
        harness.run();
        assert_eq!(
            harness.state().pending_event_files(),
            std::slice::from_ref(&events)
        );
        harness.get_by_label("Open event files");
        harness.get_by_label(button).click();
        harness.step();
        wait_until(&mut harness, 30, "the events loading", |app| !app.is_loading());
        assert_eq!(event_ids(harness.state()), expected, "after {button}");
        assert!(harness.state().pending_event_files().is_empty());
        assert!(
            harness
                .state()
                .recent_files()
                .iter()
                .any(|p| p.ends_with("events.json")),
            "remembered as a recent file"
        );
    }
}

#[test]
fn a_file_that_changes_on_disk_is_reloaded_and_a_broken_version_keeps_the_old_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let one = r#"[{"id": "a", "title": "First report", "date": "2022-02-20", "lat": 47.23, "lon": 39.72}]"#;
    let path = write(dir.path(), "live.json", one);
    let mut harness = harness_for(BorderwatchApp::new(&StartupOptions {
        events: vec![path.clone()],
        ..StartupOptions::default()
    }));
    assert_eq!(event_ids(harness.state()), ["a"]);
    // The first frames start watching; let the watch settle.
    harness.step();
    std::thread::sleep(Duration::from_millis(200));

    write(dir.path(), "live.json", TWO_EVENTS);
    wait_until(&mut harness, 30, "the reload", |app| {
        !app.is_loading() && event_ids(app) == ["k1", "r1"]
    });
    assert!(
        harness
            .state()
            .notice()
            .is_some_and(|n| n.starts_with("reloaded 2 events")),
        "{:?}",
        harness.state().notice()
    );

    let errors_before = harness.state().messages().len();
    write(dir.path(), "live.json", "[{\"id\": \"b\", \"title\": ");
    wait_until(&mut harness, 30, "the broken reload", |app| {
        !app.is_loading() && app.messages().len() > errors_before
    });
    let app = harness.state();
    assert_eq!(event_ids(app), ["k1", "r1"], "the old data stays");
    let error = app.messages()[errors_before..]
        .iter()
        .map(ToString::to_string)
        .find(|m| m.contains("live.json"))
        .expect("an error names the file");
    assert!(error.contains("live.json:1:"), "with its position: {error}");
    assert!(
        app.notice()
            .is_some_and(|n| n.contains("the data shown is unchanged")),
        "{:?}",
        app.notice()
    );
    assert_eq!(app.sources().events, vec![EventSource::File(path.clone())]);
    assert!(
        harness
            .query_all_by_label_contains("live.json:1:")
            .next()
            .is_some(),
        "the error is on screen"
    );

    // Fixed again: it loads.
    write(dir.path(), "live.json", one);
    wait_until(&mut harness, 30, "the fixed reload", |app| {
        !app.is_loading() && event_ids(app) == ["a"]
    });
}

#[test]
fn loading_runs_in_the_background_with_progress_and_can_be_cancelled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("[\n");
    for i in 0..120_000 {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            r#"{{"id": "e{i}", "title": "Report {i}", "date": "2021-04-{:02}", "lat": {:.3}, "lon": 39.7}}"#,
            i % 28 + 1,
            47.0 + (i % 100) as f64 * 0.005
        ));
    }
    text.push_str("\n]");
    let big = write(dir.path(), "big.json", &text);
    let small = write(dir.path(), "small.json", TWO_EVENTS);

    // A small file loads in the background and replaces the empty start in one step.
    let mut harness = harness_for(BorderwatchApp::loading(&StartupOptions {
        events: vec![small.clone()],
        ..StartupOptions::default()
    }));
    wait_until(&mut harness, 30, "the start-up load", |app| !app.is_loading());
    assert_eq!(event_ids(harness.state()), ["k1", "r1"]);

    // A big one: the progress bar and its Cancel button show while it loads.
    harness.state_mut().open_event_files(vec![big.clone()], true);
    harness.step();
    assert!(harness.state().is_loading());
    harness.get_by_label_contains("loading");
    harness.get_by_label("Cancel").click();
    harness.step();
    wait_until(&mut harness, 60, "the cancel", |app| !app.is_loading());
    let app = harness.state();
    assert_eq!(event_ids(app), ["k1", "r1"], "cancelled: the data shown stays");
    assert_eq!(
        app.notice(),
        Some("loading cancelled; the data shown is unchanged")
    );
    assert_eq!(app.sources().events, vec![EventSource::File(small.clone())]);

    // Not cancelled, it loads.
    harness.state_mut().open_event_files(vec![big.clone()], true);
    wait_until(&mut harness, 120, "the big load", |app| !app.is_loading());
    assert_eq!(harness.state().dataset().events.len(), 120_000);
}

#[test]
fn filtered_events_export_as_geojson_and_csv_and_load_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_for(bundled_app());
    let mut filter = harness.state().filter().clone();
    filter.text = "drills".into();
    harness.state_mut().set_filter(filter);
    let shown: Vec<String> = {
        let app = harness.state();
        let mut ids: Vec<String> = app
            .filtered()
            .indices
            .iter()
            .map(|&i| app.dataset().events.events()[i as usize].id().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert!(shown.len() > 1 && shown.len() < harness.state().dataset().events.len());
    for (format, name) in [
        (borderwatch::export::ExportFormat::GeoJson, "out.geojson"),
        (borderwatch::export::ExportFormat::Csv, "out.csv"),
    ] {
        let path = dir.path().join(name);
        harness.state_mut().export_events(format, path.clone());
        // The notice of this export, not the one before it.
        let expected = format!("exported {} events to {}", shown.len(), path.display());
        wait_until(&mut harness, 30, "the export", |app| {
            app.notice() == Some(expected.as_str())
        });
        let regions = RegionSet::bundled().expect("bundled regions");
        let mut builder = EventSetBuilder::new(&regions);
        builder.add_path(&path, None).expect("the export loads back");
        let (set, messages) = builder.finish();
        assert!(messages.is_empty(), "{messages:?}");
        let mut ids: Vec<String> = set.events().iter().map(|e| e.id().to_string()).collect();
        ids.sort();
        assert_eq!(ids, shown, "{name} holds the filtered events");
    }
    // A folder that does not exist: an error, nothing lost.
    let bad = dir.path().join("missing").join("out.csv");
    harness
        .state_mut()
        .export_events(borderwatch::export::ExportFormat::Csv, bad);
    wait_until(&mut harness, 30, "the failed export", |app| {
        app.notice().is_some_and(|n| n.starts_with("export failed"))
    });
    assert!(
        harness
            .state()
            .messages()
            .iter()
            .any(|m| m.to_string().contains("missing"))
    );
}

#[test]
fn the_file_menu_opens_the_dialog_and_recent_files_persist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let layer = write(dir.path(), "square.geojson", SQUARE);
    // egui_file's path and file name fields have no accessible names.
    let mut harness = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .with_max_steps(60)
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut BorderwatchApp| app.show(ui), bundled_app());
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.run();
    harness.get_by_label_contains("Open region layer or events");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("Open region layer or events")
            .is_none(),
        "cancelled"
    );
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Open…").click();
    harness.run();
    harness.get_by_label_contains("Open region layer or events");

    harness.state_mut().open_paths([layer.clone()]);
    wait_until(&mut harness, 30, "the layer loading", |app| !app.is_loading());
    let session = harness.state().session();
    let canonical = layer.canonicalize().expect("exists");
    assert_eq!(session.recent, vec![canonical.clone()]);
    let text = serde_json::to_string(&session).expect("serialises");
    let restored = Session::from_json(&text).expect("reads back");
    let mut app = bundled_app();
    app.apply_session(restored);
    assert_eq!(app.recent_files(), [canonical]);
    app.reset();
    assert_eq!(app.recent_files().len(), 1, "reset keeps the recent files");
}

#[test]
fn a_file_that_cannot_be_opened_is_reported_and_nothing_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = write(
        dir.path(),
        "broken.geojson",
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31"#,
    );
    let mut harness = harness_for(bundled_app());
    let before = event_ids(harness.state());
    harness
        .state_mut()
        .open_paths([broken.clone(), dir.path().join("absent.json")]);
    wait_until(&mut harness, 30, "the failed load", |app| !app.is_loading());
    let app = harness.state();
    assert_eq!(event_ids(app), before);
    assert_eq!(app.regions().layers().len(), 5, "no layer added");
    let texts: Vec<String> = app.messages().iter().map(ToString::to_string).collect();
    assert!(texts.iter().any(|t| t.contains("broken.geojson:1:")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("absent.json")), "{texts:?}");
    // The messages panel lists them and clears in one click.
    assert!(
        harness
            .query_all_by_label_contains("broken.geojson:1:")
            .next()
            .is_some(),
        "the error is on screen"
    );
    harness.get_by_label("Clear").click();
    harness.run();
    assert!(
        harness.state().messages().is_empty(),
        "{:?}",
        harness.state().messages()
    );
}

#[test]
fn a_reload_keeps_the_selection_where_it_still_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "events.json", TWO_EVENTS);
    let mut harness = harness_for(BorderwatchApp::new(&StartupOptions {
        events: vec![path.clone()],
        ..StartupOptions::default()
    }));
    let r1 = harness.state().dataset().events.index_of("r1").expect("loaded");
    harness.state_mut().select_event(r1);
    harness.run();
    // A record added before it moves its index.
    let three = TWO_EVENTS.replacen(
        "[\n",
        "[\n  {\"id\": \"n\", \"title\": \"Newest\", \"date\": \"2023-01-01\", \"lat\": 47.3, \"lon\": 39.8},\n",
        1,
    );
    write(dir.path(), "events.json", &three);
    harness.state_mut().reload();
    wait_until(&mut harness, 30, "the reload", |app| {
        !app.is_loading() && app.dataset().events.len() == 3
    });
    let app = harness.state();
    let selected = app.selected_event().and_then(|i| app.dataset().events.get(i));
    assert_eq!(selected.map(|e| e.id()), Some("r1"));
    assert_eq!(app.selected_region().map(|r| r.id.as_str()), Some("rostov"));

    // Gone from the file: nothing selected.
    write(
        dir.path(),
        "events.json",
        r#"[{"id": "k1", "title": "t", "date": "2022-02-20", "lat": 51.73, "lon": 36.19}]"#,
    );
    harness.state_mut().reload();
    wait_until(&mut harness, 30, "the second reload", |app| {
        !app.is_loading() && app.dataset().events.len() == 1
    });
    assert_eq!(harness.state().selected_event(), None);
    assert_eq!(
        harness.state().selected_region().map(|r| r.id.as_str()),
        Some("rostov"),
        "the region stays"
    );
}

#[test]
fn a_file_loaded_again_unchanged_comes_from_the_event_cache_and_the_status_bar_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let events = write(dir.path(), "events.json", TWO_EVENTS);
    // Apart from the watched files' folder, as the user's cache directory is.
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let cache = borderwatch::data::events::EventCache::new(cache_dir.path()).with_min_bytes(0);
    let entries = || std::fs::read_dir(cache.dir()).map_or(0, |dir| dir.count());
    let mut harness = harness_for(BorderwatchApp::loading(&StartupOptions {
        events: vec![events.clone()],
        event_cache: Some(cache.clone()),
        ..StartupOptions::default()
    }));
    wait_until(&mut harness, 30, "the start-up load", |app| !app.is_loading());
    let notice = harness.state().notice().unwrap_or_default().to_string();
    assert!(
        notice.starts_with("loaded 2 events") && !notice.contains("cache"),
        "{notice}"
    );
    // Kept once the data is drawn and indexed.
    wait_until(&mut harness, 30, "the entry kept", |app| app.dataset().settled());
    assert_eq!(entries(), 1);

    reload(&mut harness, "the reload");
    let notice = harness.state().notice().unwrap_or_default().to_string();
    assert!(notice.ends_with("(1 file unchanged, from the cache)"), "{notice}");
    assert_eq!(event_ids(harness.state()), ["k1", "r1"]);
    harness.get_by_label_contains("from the cache");

    // Changed on disk: read from the file again.
    std::fs::write(&events, TWO_EVENTS.replace("Kursk", "Kursk, edited")).expect("edited");
    harness.state_mut().reload();
    // The first data with the edit must be read from the file. (The file
    // watcher reloads it again later, which may then take it from the
    // cache: it is unchanged since.)
    let first_edited = std::cell::Cell::new(None);
    wait_until(&mut harness, 30, "the edited file shown", |app| {
        let events = &app.dataset().events;
        let edited = events.events().iter().any(|e| e.title().contains("edited"));
        if edited && first_edited.get().is_none() {
            first_edited.set(Some(events.files().iter().any(|f| f.from_cache)));
        }
        edited
    });
    assert_eq!(
        first_edited.get(),
        Some(false),
        "the edited file came from the cache"
    );
}

#[test]
fn a_reload_during_a_search_keeps_the_text_and_searches_the_new_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "events.json", TWO_EVENTS);
    let mut app = BorderwatchApp::new(&StartupOptions {
        events: vec![path],
        ..StartupOptions::default()
    });
    // Two events take the path a million do (from 50 000).
    app.search_in_background_from(0);
    let mut harness = harness_for(app);
    write(
        dir.path(),
        "events.json",
        &TWO_EVENTS.replace("Drill near Rostov", "Drill near Kursk"),
    );
    let mut filter = harness.state().filter().clone();
    filter.text = "kursk".into();
    harness.state_mut().set_filter(filter.clone());
    assert!(harness.state().searching(), "not applied before its hits are in");
    assert_eq!(
        harness.state().filtered().len(),
        2,
        "the last filter's events meanwhile"
    );
    // The reload is taken in by the next frame before the search's hits
    // (of the old data, done by then): its filter goes to the new data,
    // whose own search then runs.
    let before: *const borderwatch::dataset::Dataset = harness.state().dataset();
    harness.state_mut().reload();
    std::thread::sleep(Duration::from_millis(500));
    wait_until(&mut harness, 30, "the reload", |app| {
        !app.is_loading() && !std::ptr::eq(app.dataset(), before)
    });
    assert_eq!(harness.state().wanted_filter(), &filter);
    wait_until(&mut harness, 30, "the search of the new data", |app| {
        !app.searching()
    });
    assert_eq!(harness.state().filter(), &filter);
    let app = harness.state();
    let shown: Vec<&str> = app
        .filtered()
        .indices
        .iter()
        .filter_map(|&i| app.dataset().events.get(i as usize))
        .map(|e| e.id())
        .collect();
    assert_eq!(shown.len(), 2, "both mention Kursk now: {shown:?}");
}

/// Reloads every file and waits until the new data is shown (the load may
/// start a frame later, so not loading alone does not say it is done).
fn reload(harness: &mut Harness<'_, BorderwatchApp>, what: &str) {
    let before: *const borderwatch::dataset::Dataset = harness.state().dataset();
    harness.state_mut().reload();
    wait_until(harness, 30, what, |app| {
        !app.is_loading() && !std::ptr::eq(app.dataset(), before)
    });
}
