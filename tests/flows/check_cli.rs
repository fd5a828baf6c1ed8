//! `borderwatch check` as a script runs it: the real binary, real files,
//! exit statuses and both output formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn borderwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Records in the sample file, and how many of them are `notional`,
/// counted from the file itself.
fn sample_records() -> (usize, usize) {
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample()).expect("sample")).expect("JSON");
    let events = file["events"].as_array().expect("events");
    let notional = events.iter().filter(|e| e["precision"] == "notional").count();
    (events.len(), notional)
}

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/events/sample.json")
        .display()
        .to_string()
}

/// A fresh temporary folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bw-check-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("the report is JSON")
}

#[test]
fn the_sample_checks_clean_with_every_region_counted() {
    let output = borderwatch(&["check", &sample()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for name in [
        "Rostov Oblast",
        "Belgorod Oblast",
        "Bryansk Oblast",
        "Voronezh Oblast",
        "Crimea",
        "Outside tracked regions",
        "Not placed (notional)",
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
    let (records, notional) = sample_records();
    assert!(text.contains(&format!("{records} events loaded")), "{text}");

    let report = json(&borderwatch(&["check", "--format", "json", &sample()]));
    assert_eq!(report["loaded"], records);
    assert_eq!(report["rejected"], 0);
    assert_eq!(report["messages"].as_array().map(Vec::len), Some(0));
    let regions = report["regions"].as_array().expect("regions");
    assert_eq!(regions.len(), 5);
    let in_regions: u64 = regions.iter().map(|r| r["events"].as_u64().expect("count")).sum();
    // Notional statements count in no region and not outside either.
    assert_eq!(report["notional"], notional);
    assert_eq!(
        in_regions + report["outside"].as_u64().expect("outside") + notional as u64,
        records as u64
    );
    for region in regions {
        assert!(region["events"].as_u64() >= Some(1), "{region}");
        assert!(region["id"].is_string() && region["name"].is_string());
    }
}

#[test]
fn rejected_records_and_warnings_keep_exit_zero_and_carry_their_positions() {
    let dir = temp_dir("records");
    let file = dir.join("mixed.json");
    std::fs::write(
        &file,
        "{\"events\": [\n  {\"title\": \"ok\", \"date\": \"2014-05-19\", \"lat\": 47.23, \"lon\": 39.72},\n  {\"title\": \"bad\", \"date\": \"2014-02-30\", \"lat\": 47.23, \"lon\": 39.72},\n  {\"title\": \"far\", \"date\": \"2014-05-19\", \"lat\": 47.23, \"lon\": 39.72, \"region\": \"crimea\"}\n]}",
    )
    .expect("write");
    let output = borderwatch(&["check", "--format", "json", &file.display().to_string()]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["loaded"], 2);
    assert_eq!(report["rejected"], 1);
    let messages = report["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2);
    let error = &messages[0];
    assert_eq!(error["severity"], "error");
    assert_eq!(error["line"], 3);
    assert_eq!(error["column"], 3);
    assert_eq!(error["record"], 1);
    assert!(error["file"].as_str().is_some_and(|f| f.ends_with("mixed.json")));
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("2014-02-30"))
    );
    assert_eq!(messages[1]["severity"], "warning");
    assert_eq!(messages[1]["record"], 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_file_that_cannot_be_read_exits_one_and_the_others_still_count() {
    let dir = temp_dir("broken");
    let cases: [(&str, &[u8], &str); 5] = [
        ("truncated.json", b"{\"events\": [\n  {\"title\": \"a\"", ":2:"),
        ("empty.json", b"", "the file is empty"),
        (
            "topo.json",
            b"{\"type\": \"Topology\", \"objects\": {}, \"arcs\": []}",
            "TopoJSON is not supported",
        ),
        ("latin1.json", b"[{\"title\": \"Rost\xF3v\"}]", "not UTF-8"),
        ("number.json", b"42", "found a single value"),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let output = borderwatch(&["check", &path.display().to_string(), &sample()]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains(name) && text.contains(expected), "{name}: {text}");
        let (records, _) = sample_records();
        assert!(
            text.contains(&format!("{records} events loaded")),
            "the good file still counts: {text}"
        );
    }
    let deep = dir.join("deep.json");
    std::fs::write(&deep, format!("[{}]", "[".repeat(200_000))).expect("write");
    let output = borderwatch(&["check", &deep.display().to_string()]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "deep nesting is an error, not a crash"
    );
    let missing = borderwatch(&["check", "--format", "json", "/nonexistent/events.json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        json(&missing)["messages"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot read"))
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(borderwatch(&["check"]).status.code(), Some(2));
    assert_eq!(
        borderwatch(&["check", "--format", "xml", &sample()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        borderwatch(&["check", "--from", "2021-02-30", &sample()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        borderwatch(&["check", "--from", "2021-05-01", "--to", "2021-04-01", &sample()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn filters_narrow_the_counts_as_the_app_does() {
    let all = json(&borderwatch(&["check", "--format", "json", &sample()]));
    let april = json(&borderwatch(&[
        "check",
        "--format",
        "json",
        "--from",
        "2021-04-22",
        "--to",
        "2021-04-22",
        &sample(),
    ]));
    assert_eq!(april["loaded"], all["loaded"], "filters do not change what loads");
    let matched = april["matched"].as_u64().expect("matched");
    assert!(matched > 0 && matched < sample_records().0 as u64, "{april}");
    // The withdrawal ordered on 22 April lasts to 1 May: a window on 30 April
    // still shows it. It concerns all the troops near Ukraine (notional), so
    // it counts in no region.
    let late = json(&borderwatch(&[
        "check",
        "--format",
        "json",
        "--from",
        "2021-04-30",
        "--to",
        "2021-04-30",
        "--category",
        "withdrawal",
        &sample(),
    ]));
    assert_eq!(late["matched"], 1, "{late}");
    let crimea = late["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .find(|r| r["id"] == "crimea")
        .cloned();
    assert_eq!(crimea.map(|c| c["events"].clone()), Some(serde_json::json!(0)));
    assert_eq!(late["notional"], 1, "{late}");
    // Located only: the records whose precision is exact, approximate or unsaid.
    let located = json(&borderwatch(&[
        "check",
        "--format",
        "json",
        "--located",
        &sample(),
    ]));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample()).expect("sample")).expect("JSON");
    let expected_located = file["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| matches!(e["precision"].as_str(), None | Some("exact" | "approximate")))
        .count();
    assert!(expected_located > 0);
    assert_eq!(located["matched"], expected_located, "{located}");
    let search = json(&borderwatch(&[
        "check",
        "--format",
        "json",
        "--search",
        "POGONOVO",
        &sample(),
    ]));
    // Counted independently from the file: records mentioning the range anywhere searched.
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample()).expect("sample")).expect("JSON");
    let expected = file["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| {
            ["title", "description", "place", "actors", "sources"]
                .iter()
                .any(|k| e[k].to_string().to_lowercase().contains("pogonovo"))
        })
        .count();
    assert!(expected >= 1);
    assert_eq!(search["matched"], expected, "{search}");
}

#[test]
fn geojson_points_and_other_regions_are_checked_too() {
    let dir = temp_dir("geojson");
    let points = dir.join("points.geojson");
    std::fs::write(
        &points,
        r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "id": "p1", "geometry": {"type": "Point", "coordinates": [1.5, 1.5]}, "properties": {"title": "in the square", "date": "2020-01-01"}},
          {"type": "Feature", "id": "p2", "geometry": {"type": "Point", "coordinates": [9, 9]}, "properties": {"title": "outside", "date": "2020-01-01"}}
        ]}"#,
    )
    .expect("write");
    let square = dir.join("square.geojson");
    std::fs::write(
        &square,
        r#"{"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]]}"#,
    )
    .expect("write");
    let report = json(&borderwatch(&[
        "check",
        "--format",
        "json",
        "--regions",
        &square.display().to_string(),
        &points.display().to_string(),
    ]));
    assert_eq!(report["regions"][0]["id"], "square");
    assert_eq!(report["regions"][0]["events"], 1);
    assert_eq!(report["outside"], 1);
    std::fs::remove_dir_all(&dir).ok();
}
