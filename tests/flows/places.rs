//! Events that name a place but give no coordinates (issue 15), through the
//! real binary: placed from the gazetteer when the name is one place within
//! their region, refused with the places listed when it is not.

use std::process::Command;

use borderwatch::data::RegionSet;
use borderwatch::data::places::Gazetteer;

fn borderwatch(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A name three or more places share, exactly one of them in a tracked
/// region, and that region's id.
fn shared_name() -> (String, String) {
    let regions = RegionSet::bundled().expect("regions");
    let gazetteer = Gazetteer::bundled();
    gazetteer
        .iter()
        .find_map(|p| {
            let named = gazetteer.named(&p.name);
            let inside: Vec<usize> = named
                .iter()
                .filter_map(|&i| regions.locate(gazetteer.place(i).lonlat))
                .collect();
            (named.len() >= 3 && inside.len() == 1).then(|| {
                (
                    p.name.to_string(),
                    regions.get(inside[0]).expect("region").id.to_string(),
                )
            })
        })
        .expect("a shared name")
}

#[test]
fn place_only_events_are_placed_from_the_gazetteer_or_refused_with_the_candidates() {
    let (shared, region) = shared_name();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("reports.csv");
    let csv = format!(
        "id,date,title,place,region\n\
         p1,2024-05-10,Shelling near Shebekino,Shebekino,\n\
         p2,2024-05-11,Drone over Valuyki,Валуйки,\n\
         p3,2024-05-12,Strike on {shared},{shared},\n\
         p4,2024-05-13,Strike on {shared} again,{shared},{region}\n\
         p5,2024-05-14,Nothing known,Nowhereville,\n\
         p6,2024-05-15,Kharkiv shelled,\"Kharkov, Ukraine\",\n"
    );
    std::fs::write(&file, csv).expect("write");
    let path = file.display().to_string();

    let output = borderwatch(&["export", "--format", "geojson", "-o", "-", &path]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported: serde_json::Value = serde_json::from_slice(&output.stdout).expect("GeoJSON");
    let features = exported["features"].as_array().expect("features");
    let by_id = |id: &str| features.iter().find(|f| f["id"] == id);
    let ids: Vec<&str> = features.iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(ids.len(), 4, "p1, p2, p4, p6 placed: {ids:?}");

    let gazetteer = Gazetteer::bundled();
    for (id, geonames, region_id) in [
        ("p1", 495_112, Some("belgorod")),
        ("p2", 477_192, Some("belgorod")),
        ("p6", 706_483, None),
    ] {
        let feature = by_id(id).unwrap_or_else(|| panic!("{id} placed"));
        let place = gazetteer
            .iter()
            .find(|p| p.id == geonames)
            .expect("in the gazetteer");
        let point = &feature["geometry"]["coordinates"];
        assert_eq!(point[0].as_f64(), Some(place.lonlat.x), "{id}");
        assert_eq!(point[1].as_f64(), Some(place.lonlat.y), "{id}");
        assert_eq!(feature["properties"]["precision"], "gazetteer", "{id}");
        assert_eq!(feature["properties"]["region_id"].as_str(), region_id, "{id}");
    }
    let settled = by_id("p4").expect("the region settles the shared name");
    assert_eq!(settled["properties"]["region_id"], region.as_str());

    let output = borderwatch(&["check", "--format", "json", &path]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let messages: Vec<String> = report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect();
    let about = |text: &str| messages.iter().filter(|m| m.contains(text)).count();
    assert_eq!(report["rejected"], 2, "{messages:?}");
    assert_eq!(about("is ambiguous"), 1, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains(&format!("place \"{shared}\" is ambiguous")) && m.contains(" in ")),
        "the candidates are listed with where they are: {messages:?}"
    );
    assert_eq!(
        about("\"Nowhereville\" is not in the gazetteer"),
        1,
        "{messages:?}"
    );
    assert_eq!(
        about("from the gazetteer by its place"),
        4,
        "each placed event is told: {messages:?}"
    );
}
