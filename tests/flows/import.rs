//! Bringing one's own data: ACLED CSV exports and API responses on fixture
//! files written for these tests, newer exports updating older ones, CSV
//! files that cannot be read, and the export round trip through the CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

use borderwatch::data::{Event, EventSet, EventSetBuilder, RegionSet, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(paths: &[PathBuf]) -> (RegionSet, EventSet, Vec<borderwatch::data::Diagnostic>) {
    let regions = RegionSet::bundled().expect("regions");
    let mut builder = EventSetBuilder::new(&regions);
    for path in paths {
        let _ = builder.add_path(path, None);
    }
    let (set, messages) = builder.finish();
    (regions, set, messages)
}

fn event<'a>(set: &'a EventSet, id: &str) -> &'a Event {
    &set.events()[set.index_of(id).unwrap_or_else(|| panic!("{id} loaded"))]
}

fn region_of(regions: &RegionSet, event: &Event) -> Option<String> {
    event
        .region()
        .and_then(|r| regions.get(r as usize))
        .map(|r| r.id.to_string())
}

#[test]
fn an_acled_csv_export_maps_every_column() {
    let (regions, set, messages) = load(&[fixture("acled-export.csv")]);
    assert_eq!(set.len(), 4);
    let strike = event(&set, "RUS9001");
    assert_eq!(strike.title(), "Air/drone strike in Shebekino");
    assert_eq!(strike.date.to_iso(), "2025-05-16");
    assert_eq!(set.categories().name(strike.category), "strike");
    assert_eq!(strike.place(), Some("Shebekino"));
    assert_eq!(region_of(&regions, strike).as_deref(), Some("belgorod"));
    assert_eq!(strike.precision().map(|p| p.name()), Some("exact"));
    assert_eq!(
        strike.actors().collect::<Vec<_>>(),
        ["Military Forces of Ukraine (2019-)", "Civilians (Russia)"]
    );
    assert_eq!(
        strike.sources().map(|s| s.name).collect::<Vec<_>>(),
        ["Ministry of Defence of Russia", "Telegram"]
    );
    assert!(
        strike
            .description()
            .is_some_and(|d| d.starts_with("On 16 May 2025, a drone hit a car"))
    );
    let extra = strike.extra.as_ref().expect("kept fields").map();
    assert_eq!(extra["fatalities"], 0);
    assert_eq!(extra["subcategory"], "Air/drone strike");
    assert_eq!(extra["admin1"], "Belgorod");
    assert_eq!(extra["admin2"], "Shebekinskiy");
    assert!(!extra.contains_key("time_precision"), "read as date_precision");
    assert_eq!(strike.date_precision(), borderwatch::data::DatePrecision::Day);

    // DD-MM-YYYY, a note over two lines, a base established → deployment.
    let camp = event(&set, "RUS9003");
    assert_eq!(camp.date.to_iso(), "2025-05-18");
    assert_eq!(set.categories().name(camp.category), "deployment");
    assert_eq!(region_of(&regions, camp).as_deref(), Some("voronezh"));
    assert_eq!(camp.precision().map(|p| p.name()), Some("approximate"));
    assert!(camp.description().is_some_and(|d| d.contains('\n')));
    // An event type with no counterpart is kept as ACLED writes it.
    let picket = event(&set, "RUS9004");
    assert_eq!(set.categories().name(picket.category), "Protests");
    assert_eq!(picket.actors().count(), 3, "actor1 and both associated actors");
    // Outside the five regions.
    assert_eq!(region_of(&regions, event(&set, "RUS9002")), None);

    // The two bad rows are rejected with their line (the note above spans two).
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains(
            "acled-export.csv:7:1: rows[4]: error: record rejected: field \"event_date\": \"31 Feb 2025\""
        ),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains(":8:1: rows[5]:") && errors[1].contains("\"latitude\" must be a number"),
        "{}",
        errors[1]
    );
}

#[test]
fn a_newer_export_updates_events_with_the_same_ids() {
    let (_, set, messages) = load(&[fixture("acled-export.csv"), fixture("acled-update.csv")]);
    assert_eq!(set.len(), 5, "one updated, one new");
    assert!(
        event(&set, "RUS9001")
            .description()
            .is_some_and(|d| d.contains("corrected figure"))
    );
    assert!(set.index_of("RUS9007").is_some());
    assert_eq!(set.events().iter().filter(|e| e.id() == "RUS9001").count(), 1);
    assert!(messages.iter().any(|m| {
        m.to_string()
            .contains("acled-update.csv: warning: 1 event replaces events with the same id")
    }));
}

#[test]
fn an_acled_api_response_with_numbers_as_strings_loads() {
    let (regions, set, messages) = load(&[fixture("acled-api.json")]);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(set.len(), 2);
    let bryansk = event(&set, "RUS9101");
    assert_eq!(region_of(&regions, bryansk).as_deref(), Some("bryansk"));
    assert!((bryansk.position.y - 53.2434).abs() < 1e-9);
    assert_eq!(
        bryansk.extra.as_ref().map(|e| e.map()["fatalities"].clone()),
        Some(serde_json::json!(0))
    );
    let sevastopol = event(&set, "RUS9102");
    assert_eq!(region_of(&regions, sevastopol).as_deref(), Some("crimea"));
    assert_eq!(set.categories().name(sevastopol.category), "incident");
}

#[test]
fn csv_files_that_cannot_be_read_say_why() {
    let dir = std::env::temp_dir().join(format!("bw-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let cases: [(&str, &[u8], &str); 2] = [
        (
            "columns.csv",
            b"name,when,where\nx,y,z\n",
            "no column recognised as the latitude, longitude, date",
        ),
        ("empty.csv", b"", "the file is empty"),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let (_, set, messages) = load(&[path]);
        assert!(set.is_empty());
        assert_eq!(messages.len(), 1, "{name}: {messages:?}");
        let text = messages[0].to_string();
        assert!(text.contains(name) && text.contains(expected), "{text}");
    }
    // Delimited text that is not UTF-8 is read as Windows-1251, and says so.
    let cp1251 = dir.join("cp1251.csv");
    std::fs::write(
        &cp1251,
        b"title,date,lat,lon\n\xD3\xF7\xE5\xED\xE8\xFF,2021-04-22,47.2,39.7\n",
    )
    .expect("write");
    let (_, set, messages) = load(&[cp1251]);
    assert_eq!(set.events()[0].title(), "Учения");
    assert!(
        messages[0].message.contains("read as windows-1251"),
        "{messages:?}"
    );
    // A byte order mark and borderwatch's own columns.
    let bom = dir.join("bom.csv");
    std::fs::write(
        &bom,
        b"\xEF\xBB\xBFtitle,date,lat,lon\nLights,2021-04-23,47.2357,39.7015\n",
    )
    .expect("write");
    let (_, set, messages) = load(&[bom]);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(set.events()[0].title(), "Lights");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_cli_checks_acled_files_and_exports_load_back() {
    let bin = env!("CARGO_BIN_EXE_borderwatch");
    let check = Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(fixture("acled-export.csv"))
        .arg(fixture("acled-api.json"))
        .output()
        .expect("runs");
    assert_eq!(check.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(report["loaded"], 6);
    assert_eq!(report["rejected"], 2);

    let dir = std::env::temp_dir().join(format!("bw-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for format in ["geojson", "csv"] {
        let out = dir.join(format!("out.{format}"));
        let export = Command::new(bin)
            .args(["export", "--format", format, "--from", "2025-05-17", "-o"])
            .arg(&out)
            .arg(fixture("acled-export.csv"))
            .output()
            .expect("runs");
        assert_eq!(
            export.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&export.stderr)
        );
        let stderr = String::from_utf8_lossy(&export.stderr);
        assert!(stderr.contains("wrote 3 of 4 events"), "{stderr}");
        let (_, original, _) = load(&[fixture("acled-export.csv")]);
        let (_, back, messages) = load(&[out]);
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(back.len(), 3);
        for exported in back.events() {
            let before = event(&original, exported.id());
            assert_eq!(exported.title(), before.title());
            assert_eq!(exported.date, before.date);
            assert_eq!(exported.position, before.position);
            assert_eq!(exported.region(), before.region());
            assert_eq!(
                back.categories().name(exported.category),
                original.categories().name(before.category)
            );
            assert_eq!(exported.extra, before.extra);
        }
    }
    let bad = Command::new(bin)
        .args(["export", "--format", "csv", "-o"])
        .arg(dir.join("never.csv"))
        .arg(dir.join("missing.json"))
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        Command::new(bin)
            .args(["export", "-o", "x.csv", "a.json"])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(2),
        "--format is required"
    );
    std::fs::remove_dir_all(&dir).ok();
}
