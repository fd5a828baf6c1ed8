//! The GIS formats in the window and on the command line: a GeoPackage with
//! two point tables asks which to open, a KML of polygons becomes a region
//! layer, File › Export offers every format, and `borderwatch export
//! --format gpkg|kml|kmz|parquet` writes files `check` reads back alike.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use borderwatch::export::ExportFormat;
use borderwatch::load::RegionSource;
use common::cli::check_json;
use common::{bundled_app, event_ids, harness_for, wait_until};
use egui_kittest::kittest::Queryable;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

#[test]
fn a_geopackage_with_two_tables_asks_which_to_open() {
    let mut harness = harness_for(bundled_app());
    let before = event_ids(harness.state());
    harness.state_mut().open_paths([fixture("two-layers.gpkg")]);
    harness.run();
    harness.get_by_label("Choose a layer");
    harness.get_by_label("statements");
    harness.get_by_label("drills").click();
    harness.step();
    wait_until(&mut harness, 30, "the chosen table loading", |app| {
        !app.is_loading()
    });
    let after = event_ids(harness.state());
    let added: Vec<&String> = after.iter().filter(|id| !before.contains(id)).collect();
    assert_eq!(
        added,
        ["belgorod-drill", "crimea-drills"],
        "only the drills table"
    );
}

#[test]
fn a_kml_of_polygons_becomes_a_region_layer() {
    let mut harness = harness_for(bundled_app());
    let path = fixture("belgorod.kml");
    harness.state_mut().open_paths([path.clone()]);
    assert!(
        harness.state().pending_event_files().is_empty(),
        "no question for a layer"
    );
    wait_until(&mut harness, 30, "the layer loading", |app| !app.is_loading());
    let app = harness.state();
    assert!(app.sources().regions.contains(&RegionSource::File(path)));
    let layer = app.regions().layers().last().expect("a layer").id.clone();
    assert_eq!(layer, "belgorod");
    assert!(
        app.regions()
            .regions()
            .iter()
            .any(|r| r.name == "Belgorod Oblast")
    );
}

#[test]
fn the_export_menu_offers_every_format_and_each_loads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_for(bundled_app());
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export").click();
    harness.run();
    for format in ExportFormat::ALL {
        harness.get_by_label_contains(&format!("Filtered events as {}…", format.name()));
    }
    let shown = event_ids(harness.state());
    for format in [ExportFormat::GeoPackage, ExportFormat::Kmz, ExportFormat::Parquet] {
        let path = dir.path().join(format!("shown.{}", format.extension()));
        harness.state_mut().export_events(format, path.clone());
        let expected = format!("exported {} events to {}", shown.len(), path.display());
        wait_until(&mut harness, 30, "the export", |app| {
            app.notice() == Some(expected.as_str())
        });
        let regions = borderwatch::data::RegionSet::bundled().expect("regions");
        let mut builder = borderwatch::data::EventSetBuilder::new(&regions);
        builder.add_path(&path, None).expect("the export loads back");
        let mut back: Vec<String> = builder
            .finish()
            .0
            .events()
            .iter()
            .map(|e| e.id().to_string())
            .collect();
        back.sort();
        assert_eq!(back, shown, "{format:?}");
    }
}

fn borderwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn export_writes_each_format_and_check_counts_it_as_the_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/events/sample.json");
    let sample = sample.display().to_string();
    let reference = check_json(&[&sample]);
    for format in ["gpkg", "kml", "kmz", "parquet"] {
        let out = dir.path().join(format!("sample.{format}"));
        let out = out.display().to_string();
        let output = borderwatch(&["export", "--format", format, "-o", &out, &sample]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report = check_json(&[&out]);
        assert_eq!(report["regions"], reference["regions"], "{format}");
        assert_eq!(report["loaded"], reference["loaded"], "{format}");
    }
    // A GeoPackage or Parquet file cannot go to standard output.
    for format in ["gpkg", "parquet"] {
        let output = borderwatch(&["export", "--format", format, "-o", "-", &sample]);
        assert_eq!(output.status.code(), Some(2), "{format}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("-o FILE"));
    }
    // Two point tables and no --layer: refused, naming them; with it, read.
    let two = fixture("two-layers.gpkg").display().to_string();
    let output = borderwatch(&["check", &two]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"drills\", \"statements\""));
    let output = borderwatch(&["check", "--layer", "statements", &two]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_geopackage_with_two_polygon_tables_asks_which_layer_to_add() {
    let mut harness = harness_for(bundled_app());
    let path = fixture("two-regions.gpkg");
    harness.state_mut().open_paths([path.clone()]);
    harness.run();
    harness.get_by_label_contains("2 polygon layers");
    harness.get_by_label("oblast_copy").click();
    harness.step();
    wait_until(&mut harness, 30, "the chosen layer loading", |app| {
        !app.is_loading()
    });
    let app = harness.state();
    assert!(app.sources().regions.contains(&RegionSource::File(path)));
    assert!(
        app.regions().index_of("belgorod-copy").is_some(),
        "the table chosen"
    );
    assert_eq!(app.regions().layers().len(), 6);
}
