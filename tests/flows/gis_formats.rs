//! The GIS formats through the whole pipeline: events exported as
//! GeoPackage, KML, KMZ and GeoParquet load back as the same events; files
//! written by GDAL and GeoPandas (scripts/make_format_fixtures.sh, .py) load as events and as
//! region layers equal to the GeoJSON they were made from; broken files are
//! refused with the file and the record named, never a panic.

use std::path::{Path, PathBuf};

use borderwatch::data::events::read::ColumnMapping;
use borderwatch::data::{EventSet, EventSetBuilder, RegionSet, Severity};
use borderwatch::export::{ExportFormat, event_properties, write_events_to_path};

/// Every format the window's File › Export and `export --format` write
/// besides GeoJSON and CSV.
const GIS_FORMATS: [ExportFormat; 4] = [
    ExportFormat::GeoPackage,
    ExportFormat::Kml,
    ExportFormat::Kmz,
    ExportFormat::Parquet,
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

/// The parts of an event a round trip must keep: every exported property,
/// the exact position, the region and how it was placed.
fn summary(events: &EventSet) -> Vec<String> {
    let mut lines: Vec<String> = events
        .events()
        .iter()
        .map(|e| {
            format!("{:?}", event_properties(events, e))
                + &format!(
                    "{:?} {:?} {:?} {:?}",
                    (e.position.x.to_bits(), e.position.y.to_bits()),
                    e.region(),
                    e.placement(),
                    e.precision()
                )
        })
        .collect();
    lines.sort();
    lines
}

fn load_path(regions: &RegionSet, path: &Path, mapping: ColumnMapping) -> (EventSet, Vec<String>) {
    let mut builder = EventSetBuilder::new(regions).with_mapping(mapping, None);
    let _ = builder.add_path(path, None);
    let (set, messages) = builder.finish();
    (set, messages.iter().map(ToString::to_string).collect())
}

/// Events with the text a format must carry: separators, quotes, markup,
/// Cyrillic, a newline, a range of dates, troops, sources with links,
/// fields of the file's own.
const TRICKY: &str = r#"[
 {"id": "t1", "title": "Comma, \"quotes\" <b>&amp;</b>", "date": "2021-04-22T10:30:00+03:00",
  "end_date": "2021-04-23", "category": "Sightings", "lat": 47.2, "lon": 39.7,
  "actors": ["A", "B"], "troops": 5, "precision": "exact",
  "sources": [{"name": "N", "url": "https://x.org/a,b?c=1&d=2"}],
  "nested": {"k": [1, 2]}, "flag": true, "description": "Line one\nЛиния два"},
 {"id": "t2", "title": "Учения под Белгородом", "date": "2021-04-01", "category": "drill",
  "lat": 50.5977, "lon": 36.5872, "place": "Белгород", "region": "belgorod", "date_precision": "month"},
 {"id": "t3", "title": "Notional", "date": "2021-04-20", "category": "statement", "lat": 50.8427,
  "lon": 4.3826, "region": "crimea", "precision": "notional"}
]"#;

#[test]
fn every_gis_export_loads_back_as_the_same_events() {
    let regions = RegionSet::bundled().expect("regions");
    let sample = EventSet::bundled(&regions).expect("sample");
    let mut tricky = EventSetBuilder::new(&regions);
    tricky
        .add_reader("tricky.json", None, TRICKY.as_bytes(), None)
        .expect("tricky events load");
    let (tricky, _) = tricky.finish();
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, set) in [("sample", &sample), ("tricky", &tricky)] {
        for format in GIS_FORMATS {
            let path = dir.path().join(format!("{name}.{}", format.extension()));
            let indices: Vec<usize> = (0..set.len()).collect();
            let written = write_events_to_path(set, &regions, &indices, format, &path).expect("written");
            assert_eq!(written, set.len(), "{format:?}");
            let (back, messages) = load_path(&regions, &path, ColumnMapping::default());
            let errors: Vec<&String> = messages.iter().filter(|m| m.contains("error")).collect();
            assert!(errors.is_empty(), "{format:?}: {errors:?}");
            assert_eq!(summary(&back), summary(set), "{name} as {format:?}");
        }
    }
}

#[test]
fn an_export_that_fails_leaves_the_file_that_was_there() {
    let regions = RegionSet::bundled().expect("regions");
    let sample = EventSet::bundled(&regions).expect("sample");
    let dir = tempfile::tempdir().expect("temp dir");
    for format in GIS_FORMATS {
        // A folder of that name cannot be replaced by a file.
        let path = dir.path().join(format!("taken.{}", format.extension()));
        std::fs::create_dir(&path).expect("folder");
        let indices: Vec<usize> = (0..sample.len()).collect();
        assert!(write_events_to_path(&sample, &regions, &indices, format, &path).is_err());
        assert!(path.is_dir(), "{format:?}");
        let partial = dir.path().join(format!("taken.{}.partial", format.extension()));
        assert!(!partial.exists(), "{format:?} left {}", partial.display());
    }
}

#[test]
fn broken_files_are_refused_naming_the_file_and_nothing_else_is_lost() {
    let regions = RegionSet::bundled().expect("regions");
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("written");
        path
    };
    let cases = [
        (
            write("not-sqlite.gpkg", b"this is not SQLite at all"),
            "not an SQLite database",
        ),
        (write("broken.kmz", b"PK\x03\x04 and then nothing"), ""),
        (write("broken.zip", b"PK\x03\x04 and then nothing"), ""),
        (write("lonely.shp", &[0u8; 100]), ".dbf"),
        (write("not.parquet", b"PAR1 is not enough"), ""),
        (write("not.kml", b"<html><body>not KML</body></html>"), ""),
    ];
    for (path, expected) in cases {
        let mut builder = EventSetBuilder::new(&regions);
        builder
            .add_reader("first.json", None, TRICKY.as_bytes(), None)
            .expect("the first file loads");
        let result = builder.add_path(&path, None);
        assert!(result.is_err(), "{} loaded", path.display());
        let (set, messages) = builder.finish();
        assert_eq!(set.len(), 3, "the events loaded before stay");
        let error = messages
            .iter()
            .find(|m| m.severity == Severity::Error)
            .map(ToString::to_string)
            .unwrap_or_default();
        let file = path.display().to_string();
        assert!(error.starts_with(&file), "{error}");
        assert!(error.contains(expected), "{error}");
    }
}

#[test]
fn a_kml_placemark_with_a_bad_coordinate_is_named_and_the_rest_load() {
    let regions = RegionSet::bundled().expect("regions");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pins.kml");
    let kml = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Pins</name>
 <Folder><name>Drills</name>
  <Placemark><name>Drill at Pogonovo</name><TimeStamp><when>2021-04-22</when></TimeStamp>
   <Point><coordinates>39.14,51.53,0</coordinates></Point></Placemark>
  <Placemark><name>Typo</name><TimeStamp><when>2021-04-23</when></TimeStamp>
   <Point><coordinates>36.5x,50.6</coordinates></Point></Placemark>
 </Folder>
 <Placemark><name>Lights over Rostov</name><TimeSpan><begin>2021-04-20</begin><end>2021-04-21</end></TimeSpan>
  <Point><coordinates>39.72,47.23</coordinates></Point></Placemark>
</Document></kml>"#;
    std::fs::write(&path, kml).expect("written");
    let (set, messages) = load_path(&regions, &path, ColumnMapping::default());
    assert_eq!(set.len(), 2, "{messages:?}");
    let drill = set
        .events()
        .iter()
        .find(|e| e.title() == "Drill at Pogonovo")
        .expect("drill");
    assert_eq!(
        set.categories().name(drill.category),
        "Drills",
        "the folder is the category"
    );
    assert_eq!(
        regions
            .get(drill.region().expect("placed") as usize)
            .map(|r| r.id.as_str()),
        Some("voronezh")
    );
    let lights = set
        .events()
        .iter()
        .find(|e| e.title() == "Lights over Rostov")
        .expect("lights");
    assert_eq!(lights.end_date.map(|d| d.to_iso()).as_deref(), Some("2021-04-21"));
    let file = path.display().to_string();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with(&format!("{file}: placemarks[1]")) && m.contains("36.5x")),
        "{messages:?}"
    );
}

#[test]
fn files_written_by_gdal_load_as_events() {
    let regions = RegionSet::bundled().expect("regions");
    let (reference, messages) = load_path(&regions, &fixture("events.geojson"), ColumnMapping::default());
    assert!(reference.len() >= 5, "{messages:?}");
    for name in [
        "events.gpkg",
        "events.kml",
        "events.shp",
        "events-shp.zip",
        "events.parquet",
    ] {
        let (set, messages) = load_path(&regions, &fixture(name), ColumnMapping::default());
        assert_eq!(set.len(), reference.len(), "{name}: {messages:?}");
        for event in reference.events() {
            let other = set.events().iter().find(|e| e.id() == event.id()).expect(name);
            assert_eq!(other.title(), event.title(), "{name}");
            assert_eq!(other.date, event.date, "{name}");
            assert_eq!(other.region(), event.region(), "{name}: {}", event.id());
            assert!((other.position.x - event.position.x).abs() < 1e-9, "{name}");
            assert!((other.position.y - event.position.y).abs() < 1e-9, "{name}");
        }
    }
}

#[test]
fn projected_files_other_than_web_mercator_are_refused_by_name() {
    let regions = RegionSet::bundled().expect("regions");
    for (name, system) in [
        ("events-utm.gpkg", "EPSG:32637"),
        ("events-utm.shp", "UTM_Zone_37N"),
    ] {
        let path = fixture(name);
        let (set, messages) = load_path(&regions, &path, ColumnMapping::default());
        assert!(set.is_empty(), "{name}");
        let file = path.display().to_string();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(&file) && m.contains(system) && m.contains("-t_srs EPSG:4326")),
            "{name}: {messages:?}"
        );
    }
}

#[test]
fn a_windows_1251_shapefile_reads_its_cyrillic() {
    let regions = RegionSet::bundled().expect("regions");
    let (set, messages) = load_path(&regions, &fixture("events-cp1251.shp"), ColumnMapping::default());
    assert!(
        set.events().iter().any(|e| e.place() == Some("Белгород")),
        "{messages:?}"
    );
}

/// The bundled Belgorod outline, converted by GDAL (and GeoPandas) into each format, loads
/// as a region layer with the same region: the same name, the same area
/// and the same events inside it.
#[test]
fn region_layers_written_by_gdal_load_as_the_geojson_did() {
    let geojson = borderwatch::load::load_regions(&[fixture("belgorod.geojson")]);
    assert_eq!(geojson.failed, 0, "{:?}", geojson.messages);
    let reference = geojson.regions.get(0).expect("one region").clone();
    for name in [
        "belgorod.gpkg",
        "belgorod.kml",
        "belgorod.kmz",
        "belgorod.shp",
        "belgorod-shp.zip",
    ] {
        let loaded = borderwatch::load::load_regions(&[fixture(name)]);
        assert_eq!(loaded.failed, 0, "{name}: {:?}", loaded.messages);
        let region = loaded.regions.get(0).expect(name);
        assert_eq!(region.name, reference.name, "{name}");
        let (a, b) = (region.area_km2, reference.area_km2);
        assert!((a - b).abs() < 1e-6 * b, "{name}: {a} km² against {b} km²");
    }
}

#[test]
fn a_geopackage_with_several_tables_asks_for_one() {
    let regions = RegionSet::bundled().expect("regions");
    let path = fixture("two-layers.gpkg");
    let (set, messages) = load_path(&regions, &path, ColumnMapping::default());
    assert_eq!(set.len(), 0);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("--layer") && m.contains("\"drills\"")),
        "{messages:?}"
    );
    let chosen = ColumnMapping {
        layer: Some("drills".into()),
        ..ColumnMapping::default()
    };
    let (set, messages) = load_path(&regions, &path, chosen);
    assert!(!set.is_empty(), "{messages:?}");
    assert!(
        set.events()
            .iter()
            .all(|e| set.categories().name(e.category) == "drill")
    );
}

/// The Columns dialog's preview of a GIS file: its fields and the point's
/// `lat`/`lon`, and a count of what would load that agrees with loading it.
#[test]
fn the_columns_preview_of_a_gis_file_counts_what_loads() {
    use borderwatch::data::events::read::features::preview_features;
    let regions = RegionSet::bundled().expect("regions");
    for name in ["events.kml", "events.gpkg", "events.shp", "events.parquet"] {
        let path = fixture(name);
        let preview = preview_features(&path, None, 500).expect(name);
        for column in ["title", "date", "lat", "lon"] {
            assert!(
                preview.headers.iter().any(|h| h == column),
                "{name}: {:?}",
                preview.headers
            );
        }
        let (loaded, _) = load_path(&regions, &path, ColumnMapping::default());
        assert_eq!(preview.rows.len(), loaded.len(), "{name}");
        let (count, problem) =
            borderwatch::load::count_loadable(&regions, name, &preview, &ColumnMapping::default());
        assert_eq!(count, loaded.len(), "{name}: {problem:?}");
        // A column chosen as the title is what the events are called.
        let chosen = ColumnMapping {
            fields: vec![(borderwatch::data::events::read::Role::Title, "place".into())],
            ..ColumnMapping::default()
        };
        let (renamed, messages) = load_path(&regions, &path, chosen);
        assert!(
            renamed.events().iter().any(|e| e.title() == "Pogonovo"),
            "{name}: {messages:?}"
        );
    }
}

/// ACLED's export saved as Parquet by pandas: no geometry, its
/// `latitude`/`longitude` columns give the points and its columns are
/// recognised as ACLED's.
#[test]
fn a_parquet_table_with_coordinate_columns_loads_as_acled() {
    let regions = RegionSet::bundled().expect("regions");
    let (set, messages) = load_path(
        &regions,
        &fixture("acled-columns.parquet"),
        ColumnMapping::default(),
    );
    assert_eq!(set.len(), 2, "{messages:?}");
    let belgorod = set
        .events()
        .iter()
        .find(|e| e.place() == Some("Belgorod"))
        .expect("Belgorod");
    let region = belgorod
        .region()
        .and_then(|r| regions.get(r as usize))
        .map(|r| r.id.as_str());
    assert_eq!(region, Some("belgorod"));
    assert_eq!(belgorod.date.to_iso(), "2024-08-07");
}
