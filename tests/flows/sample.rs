//! The bundled sample is true to its two articles: every event names one of
//! them, says how well its date and place are known and what the article
//! states as against what the record adds; statements with no place are
//! notional and counted in no region. Read from the raw file (what a user
//! opens) as well as loaded (what the app shows).

use std::collections::BTreeMap;

use borderwatch::data::{DatePrecision, EventSet, Placement, Precision, RegionSet};
use serde_json::Value;

/// The two articles the sample is built from, as its sources name them.
const ARTICLES: [&str; 2] = [
    "Castanet (The Canadian Press), 19 May 2014",
    "\"Moment Putin caves to the West and withdraws troops from Ukraine border but shows off firepower in act of defiance\"",
];

fn raw_events() -> Vec<serde_json::Map<String, Value>> {
    let text = include_str!("../../assets/events/sample.json");
    let file: Value = serde_json::from_str(text).expect("the sample is JSON");
    file["events"]
        .as_array()
        .expect("an events array")
        .iter()
        .map(|e| e.as_object().expect("records are objects").clone())
        .collect()
}

fn text<'a>(record: &'a serde_json::Map<String, Value>, key: &str) -> &'a str {
    record.get(key).and_then(Value::as_str).unwrap_or_default()
}

#[test]
fn every_sample_event_names_its_article_and_says_how_well_it_is_known() {
    let records = raw_events();
    assert!(records.len() >= 20, "{}", records.len());
    for record in &records {
        let id = text(record, "id");
        let sources = record["sources"].as_array().expect("sources");
        assert!(!sources.is_empty(), "{id}: no source");
        for source in sources {
            let name = source.get("name").and_then(Value::as_str).unwrap_or_default();
            assert!(
                ARTICLES.iter().any(|a| name.starts_with(a)),
                "{id}: source {name:?} names neither article"
            );
        }
        let date_precision = text(record, "date_precision");
        assert!(
            DatePrecision::from_name(date_precision).is_some(),
            "{id}: date_precision {date_precision:?}"
        );
        let precision = text(record, "precision");
        assert!(
            Precision::from_name(precision).is_some(),
            "{id}: precision {precision:?}"
        );
        for key in ["stated", "inferred", "description"] {
            assert!(text(record, key).len() >= 20, "{id}: no {key}");
        }
    }
}

#[test]
fn the_findings_against_the_articles_are_corrected() {
    let by_id: BTreeMap<String, serde_json::Map<String, Value>> = raw_events()
        .into_iter()
        .map(|r| (text(&r, "id").to_string(), r))
        .collect();
    // Putin said troops had pulled back on 7 May 2014, not 5 May.
    let claim = by_id
        .values()
        .find(|r| text(r, "title").contains("Putin") && text(r, "category") == "statement")
        .expect("Putin's claim");
    assert_eq!(text(claim, "date"), "2014-05-07");
    // Sanctions and the border-wide estimates and deadline are no region's events.
    for record in by_id.values() {
        let title = text(record, "title").to_lowercase();
        let border_wide = title.contains("sanction")
            || title.contains("150,000")
            || title.contains("40,000")
            || title.contains("deadline")
            || title.contains("by 1 may");
        if border_wide {
            assert_eq!(text(record, "precision"), "notional", "{title}");
        }
        if text(record, "precision") == "notional" && text(record, "region") == "voronezh" {
            panic!("{title}: a notional record in Voronezh");
        }
    }
    // Dates counted back from "last week" are a week, not a day.
    let taran = by_id
        .values()
        .find(|r| text(r, "title").contains("110,000"))
        .expect("Taran's estimate");
    assert_eq!(text(taran, "date_precision"), "week");
}

#[test]
fn loaded_notional_events_count_in_no_region() {
    let regions = RegionSet::bundled().expect("regions");
    let set = EventSet::bundled(&regions).expect("sample");
    let notional: Vec<_> = set.events().iter().filter(|e| e.is_notional()).collect();
    assert!(notional.len() >= 7, "{}", notional.len());
    for event in &notional {
        assert_eq!(event.region(), None, "{}", event.id());
        assert!(
            matches!(event.placement(), Placement::Notional { .. }),
            "{}",
            event.id()
        );
    }
    // The sanctions are about Crimea; Crimea still has its own event.
    let crimea = regions.index_of("crimea").expect("crimea") as u32;
    assert!(
        notional
            .iter()
            .any(|e| e.placement() == Placement::Notional { about: Some(crimea) })
    );
    assert!(set.events().iter().any(|e| e.region() == Some(crimea)));
    // Every tracked region keeps at least one event of its own.
    for index in 0..regions.regions().len() as u32 {
        assert!(
            set.events().iter().any(|e| e.region() == Some(index)),
            "region {index} has no event"
        );
    }
}
