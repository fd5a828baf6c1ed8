//! Files as they come from the field (issue 14), checked through the real
//! binary: each fixture in tests/fixtures/field/ (written by its
//! make_fixtures.py) loads or is refused as it should, with the message that
//! says why and the exit status a pipeline can trust.

use std::path::Path;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/field")
        .join(name)
        .display()
        .to_string()
}

fn borderwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `check --format json` on `args`: (loaded, rejected, exit status, messages).
fn check(args: &[&str]) -> (u64, u64, i32, Vec<String>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let output = borderwatch(&all);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let messages = report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect();
    (
        report["loaded"].as_u64().unwrap_or(u64::MAX),
        report["rejected"].as_u64().unwrap_or(u64::MAX),
        output.status.code().unwrap_or(-1),
        messages,
    )
}

fn has(messages: &[String], text: &str) -> bool {
    messages.iter().any(|m| m.contains(text))
}

#[test]
fn a_timemap_export_loads_with_its_sources_file() {
    let events = fixture("timemap-events.json");
    let sources = fixture("timemap-sources.json");
    let (loaded, rejected, status, messages) = check(&["--sources", &sources, &events]);
    assert_eq!((loaded, rejected, status), (6, 0, 0), "{messages:?}");
    assert!(has(&messages, "read as MM/DD/YYYY"), "{messages:?}");
    assert!(
        has(&messages, "title from the first sentence of \"description\""),
        "{messages:?}"
    );

    let output = borderwatch(&[
        "export",
        "--format",
        "geojson",
        "-o",
        "-",
        "--sources",
        &sources,
        &events,
    ]);
    assert_eq!(output.status.code(), Some(0));
    let exported: serde_json::Value = serde_json::from_slice(&output.stdout).expect("GeoJSON");
    let first = exported["features"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == "TM001"))
        .expect("TM001 exported");
    let properties = &first["properties"];
    assert_eq!(properties["date"], "2022-02-24");
    assert_eq!(properties["title"], "Column of vehicles seen moving west");
    assert_eq!(properties["title_derived"], true);
    let urls: Vec<&str> = properties["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://social.example.org/post/1",
            "https://media.example.org/v1.mp4"
        ]
    );
    // A sources file that cannot be read fails the check.
    let (_, _, status, messages) = check(&["--sources", &fixture("no-such-sources.json"), &events]);
    assert_eq!(status, 1, "{messages:?}");
}

#[test]
fn spreadsheet_files_load_whatever_their_encoding_and_separator() {
    for (name, loaded, note) in [
        (
            "acled-spreadsheet.csv",
            3,
            "\"14/08/2020 00:00:00\" can only be day first",
        ),
        ("semicolon-cp1251.csv", 3, "read as windows-1251"),
        ("excel-unicode.tsv", 2, "read as UTF-16LE"),
    ] {
        let (got, rejected, status, messages) = check(&[&fixture(name)]);
        assert_eq!((got, rejected, status), (loaded, 0, 0), "{name}: {messages:?}");
        assert!(has(&messages, note), "{name}: {messages:?}");
    }
    let output = borderwatch(&[
        "export",
        "--format",
        "csv",
        "-o",
        "-",
        &fixture("semicolon-cp1251.csv"),
    ]);
    let text = String::from_utf8(output.stdout).expect("UTF-8 out");
    assert!(text.contains("Учения у границы"), "{text}");
}

#[test]
fn us_dates_are_decided_by_the_column_or_refused_with_the_option_to_set() {
    let map = ["--map", "date=when"];
    let unambiguous = fixture("us-dates-unambiguous.csv");
    let (loaded, _, status, messages) = check(&[map[0], map[1], &unambiguous]);
    assert_eq!((loaded, status), (4, 0), "{messages:?}");
    assert!(
        has(&messages, "\"04/21/2022\" can only be month first"),
        "{messages:?}"
    );

    let ambiguous = fixture("us-dates-ambiguous.csv");
    let (loaded, rejected, status, messages) = check(&[map[0], map[1], &ambiguous]);
    assert_eq!(
        (loaded, rejected, status),
        (0, 3, 1),
        "no event from a file with records"
    );
    assert!(
        has(&messages, "set --date-order dmy or --date-order mdy"),
        "{messages:?}"
    );
    let (loaded, _, status, _) = check(&[map[0], map[1], "--date-order", "mdy", &ambiguous]);
    assert_eq!((loaded, status), (3, 0));

    // Without --map, the header says which column is missing and how to name it.
    let (_, _, status, messages) = check(&[&ambiguous]);
    assert_eq!(status, 1);
    assert!(has(&messages, "--map date=COLUMN"), "{messages:?}");
}

#[test]
fn string_coordinates_and_nan_reject_only_their_records_with_every_problem() {
    let (loaded, rejected, status, messages) = check(&[&fixture("string-coords.json")]);
    assert_eq!((loaded, rejected, status), (3, 1, 0), "{messages:?}");
    assert!(has(
        &messages,
        "field \"lat\" must be a number (degrees), found the string \"north\""
    ));
    assert!(has(
        &messages,
        "field \"lng\" must be a number (degrees), found the string \"east\""
    ));

    let (loaded, rejected, status, messages) = check(&[&fixture("python-nan.json")]);
    assert_eq!((loaded, rejected, status), (2, 2, 0), "{messages:?}");
    assert!(has(&messages, "field \"lat\" is NaN"), "{messages:?}");
    assert!(has(&messages, "field \"lon\" is Infinity"), "{messages:?}");
    assert!(has(&messages, "field \"troops\" is -Infinity"), "{messages:?}");
}

#[test]
fn the_text_report_groups_the_same_problem() {
    let output = borderwatch(&["check", "--map", "date=when", &fixture("us-dates-ambiguous.csv")]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("error: 3 records: record rejected: field \"when\": \"03/04/2022\" could be day first or month first"),
        "{text}"
    );
    assert!(text.contains("first at line 2, last at line 4"), "{text}");
}

/// `check` as text on `args`: (stdout, stderr, exit status).
fn check_text(args: &[&str]) -> (String, String, i32) {
    let mut all = vec!["check"];
    all.extend(args);
    let output = borderwatch(&all);
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn region_layers_are_named_by_their_usual_property_and_cut_at_the_antimeridian() {
    let events = fixture("timemap-events.json");
    let (text, _, status) = check_text(&["--regions", &fixture("admin1-oblasts.geojson"), &events]);
    assert_eq!(status, 0, "{text}");
    for name in [
        "Kharkivska",
        "Sumska",
        "Luhanska",
        "region names from the property \"ADMIN_1\"",
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
    let (text, _, _) = check_text(&[
        "--regions",
        &fixture("admin1-oblasts.geojson"),
        "--name-field",
        "ISO",
        &events,
    ]);
    assert!(text.contains("UA-63"), "{text}");
    let (text, _, status) = check_text(&[
        "--regions",
        &fixture("admin1-oblasts.geojson"),
        "--name-field",
        "NOPE",
        &events,
    ]);
    assert_eq!(
        status, 1,
        "a --regions file that cannot be loaded fails the check: {text}"
    );
    assert!(
        text.contains("--name-field NOPE: no feature has that property"),
        "{text}"
    );

    // Murmansk (68.97 N, 33.08 E) is not in a Chukotka ring written across ±180°.
    let (text, stderr, status) = check_text(&[
        "--regions",
        &fixture("antimeridian-unsplit.geojson"),
        &fixture("murmansk-event.json"),
    ]);
    assert_eq!(status, 0, "{text}");
    assert!(
        text.contains("Chukotka                      0"),
        "Latin names first: {text}"
    );
    assert!(text.contains("Outside tracked regions       1"), "{text}");
    assert!(
        text.contains("a ring crosses ±180° without being split"),
        "{text}"
    );
    assert!(
        !stderr.contains("winding order"),
        "no geo warning on stderr: {stderr}"
    );
}

#[test]
fn export_writes_the_assigned_region_and_loads_back_the_same() {
    let dir = std::env::temp_dir().join(format!("bw-field-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let events = fixture("timemap-events.json");
    for (format, name) in [("geojson", "out.geojson"), ("csv", "out.csv")] {
        let out = dir.join(name).display().to_string();
        let output = borderwatch(&["export", "--format", format, "-o", &out, &events]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let written = std::fs::read_to_string(&out).expect("written");
        assert!(written.contains("Belgorod Oblast"), "{written}");
        assert!(written.contains("position"), "{written}");
        let (text, _, _) = check_text(&[&out]);
        let (original, _, _) = check_text(&[&events]);
        let table = |t: &str| t.lines().take(7).collect::<Vec<_>>().join("\n");
        assert_eq!(table(&text), table(&original), "{format}");
    }
    // A file with records of which none loads fails the export.
    let out = dir.join("none.csv").display().to_string();
    let output = borderwatch(&[
        "export",
        "--format",
        "csv",
        "-o",
        &out,
        "--map",
        "date=when",
        &fixture("us-dates-ambiguous.csv"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_timemap_time_precision_dates_an_event_to_its_week_or_month_and_free_text_is_kept() {
    let dir = std::env::temp_dir().join(format!("bw-timemap-precision-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("timemap.json");
    // TimeMap's own fields: time_precision is free text there.
    std::fs::write(
        &file,
        r#"[
 {"id": "M1", "description": "Trenches dug near the border. Seen from satellite images.", "date": "04/12/2022", "time": "",
  "time_precision": "month", "location": "Near Shebekino", "latitude": "50.41", "longitude": "36.89", "associations": [], "sources": []},
 {"id": "W1", "description": "Convoy heading south.", "date": "04/13/2022", "time": "",
  "time_precision": "Week", "location": "Valuyki", "latitude": "50.21", "longitude": "38.10", "associations": [], "sources": []},
 {"id": "A1", "description": "Explosions heard at night.", "date": "04/28/2022", "time": "",
  "time_precision": "approximate", "location": "Belgorod", "latitude": "50.60", "longitude": "36.59", "associations": [], "sources": []}
]"#,
    )
    .expect("write");
    let path = file.display().to_string();
    let (loaded, rejected, status, messages) = check(&[&path]);
    assert_eq!((loaded, rejected, status), (3, 0, 0), "{messages:?}");
    assert!(
        has(
            &messages,
            "\"time_precision\" \"approximate\" is not one of day, week, month, year"
        ),
        "{messages:?}"
    );

    let output = borderwatch(&["export", "--format", "geojson", "-o", "-", &path]);
    assert_eq!(output.status.code(), Some(0));
    let exported: serde_json::Value = serde_json::from_slice(&output.stdout).expect("GeoJSON");
    let properties = |id: &str| {
        exported["features"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == id))
            .map(|f| f["properties"].clone())
            .expect("exported")
    };
    assert_eq!(properties("M1")["date_precision"], "month");
    assert_eq!(properties("W1")["date_precision"], "week");
    // Free text is not a precision borderwatch can use: read as a day, kept.
    assert!(properties("A1")["date_precision"].is_null());
    assert_eq!(properties("A1")["time_precision"], "approximate");

    // A range in late April overlaps the month (all of April 2022) but not
    // the week of Monday 11 April.
    let late_april = borderwatch(&[
        "check",
        "--format",
        "json",
        "--from",
        "2022-04-25",
        "--to",
        "2022-04-30",
        &path,
    ]);
    let report: serde_json::Value = serde_json::from_slice(&late_april.stdout).expect("JSON");
    assert_eq!(
        report["matched"], 2,
        "the month and the night of the 28th: {report}"
    );
    let week = borderwatch(&[
        "check",
        "--format",
        "json",
        "--from",
        "2022-04-17",
        "--to",
        "2022-04-17",
        &path,
    ]);
    let report: serde_json::Value = serde_json::from_slice(&week.stdout).expect("JSON");
    assert_eq!(report["matched"], 2, "Sunday 17 April ends the week: {report}");
    std::fs::remove_dir_all(&dir).ok();
}
