//! Reading one JSON event file: `{"events": [...]}`, a bare array of records, or a
//! GeoJSON FeatureCollection of Points whose properties carry the fields.
//!
//! The file streams through [`RecordScanner`] in blocks; each block's records
//! are parsed on all cores and handed to the caller in file order. A broken
//! file (not JSON, truncated, not UTF-8) fails as a whole, so the caller
//! keeps a file's events only once [`read_event_stream`] returns `Ok`.

use std::io::Read;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::batch::{EventBatch, FileSummary, LoadProgress, ReadContext, TaskOutput, join_outputs};
use super::json_names::{JsonFile, json_file_reader};
use super::record::RecordReader;
use crate::data::container::Container;
use crate::data::diagnostic::{LoadError, Location, Problem};
use crate::data::events::category::Categories;
use crate::data::json::{RecordBlock, RecordScanner, RecordSpan, TopLevelInfo};

/// Records per parallel task: enough to outweigh the cost of a task.
const RECORDS_PER_TASK: usize = 512;

/// Reads an event file from `reader`, handing each block's events to
/// `on_batch` in file order. `file` names the file in messages. On `Err` the
/// batches already handed out must be discarded by the caller.
pub fn read_event_stream<R: Read + Send>(
    file: &str,
    reader: R,
    context: ReadContext<'_>,
    mut on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    let ReadContext {
        regions,
        file_index,
        categories,
        progress,
        mapping,
        catalog,
    } = context;
    let mut scanner = RecordScanner::new(file, reader);
    let mut reader: Option<RecordReader<'_>> = None;
    let mut catalog = Some(catalog);
    let mut records = 0;
    let mut rejected = 0;
    let mut reported_bytes = 0;
    let mut file_messages = Vec::new();
    let mut next = scanner.next_block()?;
    // The block parsed last, handed to `on_batch` while the next one is
    // parsed: handed between two blocks, the cores waited for it.
    let mut parsed: Option<EventBatch> = None;
    loop {
        if progress.is_some_and(LoadProgress::is_cancelled) {
            return Err(LoadError::new(Location::file(file), Problem::Cancelled));
        }
        if let Some(progress) = progress {
            let read = scanner.bytes_read();
            progress.bytes.fetch_add(read - reported_bytes, Ordering::Relaxed);
            reported_bytes = read;
        }
        let Some(block) = next.take() else { break };
        let container = scanner.container().unwrap_or(Container::BareArray);
        let reader = match &mut reader {
            Some(reader) => reader,
            None => {
                let spec = JsonFile {
                    file,
                    container,
                    regions,
                    file_index,
                    mapping,
                    catalog: catalog.take().flatten(),
                };
                let (made, messages) = json_file_reader(spec, &block)?;
                file_messages = messages;
                reader.insert(made)
            }
        };
        // The next block is scanned while this one is parsed and the one
        // before is handed out. A broken record here is reported before a
        // broken stream after it, as in file order.
        let previous = parsed.take();
        let ((scanned, batch), ()) = rayon::join(
            || rayon::join(|| scanner.next_block(), || read_block(reader, &block, categories)),
            || previous.map_or((), &mut on_batch),
        );
        let mut batch = batch?;
        batch.bytes = block.bytes.len() as u64;
        if !file_messages.is_empty() {
            file_messages.append(&mut batch.messages);
            batch.messages = std::mem::take(&mut file_messages);
        }
        records += block.records.len();
        rejected += batch.rejected;
        if let Some(progress) = progress {
            progress
                .records
                .fetch_add(block.records.len() as u64, Ordering::Relaxed);
        }
        parsed = Some(batch);
        next = scanned?;
    }
    if let Some(last) = parsed {
        on_batch(last);
    }
    let Some(container) = scanner.container() else {
        return Err(no_records_error(file, scanner.top_level()));
    };
    Ok(FileSummary {
        records,
        rejected,
        container,
    })
}

/// Why an object with no `events`/`features` array cannot be read.
fn no_records_error(file: &str, top: &TopLevelInfo) -> LoadError {
    let kind = top.kind.as_deref();
    if kind == Some("Topology") || top.has_objects {
        return LoadError::new(Location::file(file), Problem::TopoJson);
    }
    let message = match kind {
        Some("FeatureCollection") => "the FeatureCollection has no \"features\" array".to_string(),
        Some(kind) => format!(
            "expected {{\"events\": [...]}}, an array of events or a GeoJSON FeatureCollection of Points; found a GeoJSON {kind}"
        ),
        None => "expected {\"events\": [...]}, an array of events or a GeoJSON FeatureCollection of Points; found an object without an \"events\" array".to_string(),
    };
    LoadError::new(Location::file(file).at(1, 1), Problem::Invalid(message))
}

/// Parses a block's records on all cores; joins the results in file order.
fn read_block(
    reader: &RecordReader<'_>,
    block: &RecordBlock,
    categories: &mut Categories,
) -> Result<EventBatch, LoadError> {
    let task = |spans: &[RecordSpan]| -> Result<TaskOutput, LoadError> {
        let mut output = TaskOutput::with_capacity(spans.len());
        for span in spans {
            match reader.read(block.record_bytes(span), span, &mut output)? {
                Some(event) => output.push(event),
                None => output.rejected += 1,
            }
        }
        Ok(output.finished())
    };
    let outputs: Vec<Result<TaskOutput, LoadError>> = if block.records.len() > RECORDS_PER_TASK {
        block.records.par_chunks(RECORDS_PER_TASK).map(task).collect()
    } else {
        vec![task(&block.records)]
    };
    // The first broken record in file order is the one reported.
    let outputs = outputs.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(join_outputs(outputs, categories))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::events::MAX_TROOPS;
    use crate::data::{Diagnostic, Event, EventCategory, RegionSet};

    fn regions() -> RegionSet {
        RegionSet::bundled().expect("bundled regions")
    }

    /// Reads a text as an event file; the events and messages, or the error.
    fn read(text: &str) -> Result<(Vec<Event>, Vec<Diagnostic>, FileSummary), LoadError> {
        read_bytes(text.as_bytes())
    }

    fn read_bytes(bytes: &[u8]) -> Result<(Vec<Event>, Vec<Diagnostic>, FileSummary), LoadError> {
        let regions = regions();
        let mut categories = Categories::default();
        let mut events = Vec::new();
        let mut messages = Vec::new();
        let summary = read_event_stream(
            "ev.json",
            bytes,
            ReadContext {
                regions: &regions,
                file_index: 0,
                categories: &mut categories,
                progress: None,
                mapping: &Default::default(),
                catalog: None,
            },
            |batch| {
                events.extend(batch.parts.into_iter().flatten());
                messages.extend(batch.messages);
            },
        )?;
        Ok((events, messages, summary))
    }

    #[test]
    fn a_record_rejected_after_it_was_read_leaves_no_texts_between_its_neighbours() {
        // Its NaN made null, the record is read and then rejected for it.
        let text = r#"[
  {"id": "a", "title": "First", "date": "2021-04-22", "lat": 47.2, "lon": 39.7},
  {"id": "b", "title": "Second", "date": "2021-04-22", "lat": 47.2, "lon": 39.7, "troops": NaN},
  {"id": "c", "title": "Third", "date": "2021-04-22", "lat": 47.2, "lon": 39.7}
]"#;
        let (events, messages, summary) = read(text).expect("readable");
        assert_eq!(summary.rejected, 1, "{messages:?}");
        assert_eq!(events.iter().map(Event::id).collect::<Vec<_>>(), ["a", "c"]);
        assert!(events[0].texts_followed_by(&events[1]), "one after the other");
        assert_eq!(events[0].text_block().0.as_str(), "aFirstcThird");
    }

    const GOOD: &str = r#"{"events": [
  {"id": "a", "title": "Order to return to bases", "date": "2014-05-19", "category": "withdrawal",
   "lat": 47.23, "lon": 39.72, "place": "Rostov-on-Don", "actors": ["Vladimir Putin"],
   "troops": 40000, "precision": "region",
   "sources": [{"name": "Castanet", "url": "https://example.org/x"}], "note": {"k": 1}},
  {"title": "Lights over the city", "date": "2021-04-23T01:00:00+03:00", "category": "Sightings",
   "latitude": 50.60, "longitude": 36.59}
]}"#;

    #[test]
    fn a_field_given_twice_is_warned_about_and_the_last_is_used() {
        let text = "[\n{\"id\": \"x\", \"title\": \"first\", \"title\": \"second\", \"date\": \"2021-01-01\", \"lat\": 47.2, \"latitude\": 47.3, \"lon\": 39.7},\n{\"id\": \"y\", \"title\": \"t\", \"date\": \"2021-01-01\", \"lat\": \"x\", \"lat\": 47.2, \"lon\": 39.7},\n{\"id\": \"z\", \"title\": \"t\", \"date\": \"2021-01-01\", \"lat\": \"x\", \"lon\": \"y\"}\n]";
        let (events, messages, _) = read(text).expect("loads");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].title(), "second", "the last one is used");
        assert!((events[0].position.y - 47.3).abs() < 1e-9);
        let texts: Vec<String> = messages.iter().map(ToString::to_string).collect();
        assert!(
            texts.contains(&"ev.json:2:1: records[0]: warning: field \"title\" is given more than once; the last one is used".to_string()),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("records[0]: warning: field \"lat\" is given more than once")),
            "lat and latitude name one field: {texts:?}"
        );
        // Both bad coordinates are named, not only the first.
        for field in ["lat", "lon"] {
            assert!(
                texts.iter().any(|t| t.contains(&format!(
                    "records[2]: error: record rejected: field \"{field}\" must be a number (degrees), found the string"
                ))),
                "{texts:?}"
            );
        }
    }

    #[test]
    fn an_events_object_loads_with_all_fields() {
        let (events, messages, summary) = read(GOOD).expect("loads");
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(summary.records, 2);
        assert_eq!(summary.container, Container::Events);
        let first = &events[0];
        assert_eq!(first.id(), "a");
        assert_eq!(first.place(), Some("Rostov-on-Don"));
        assert_eq!(first.troops(), Some(40_000));
        assert_eq!(first.category.as_known(), Some(EventCategory::Withdrawal));
        assert_eq!(
            first.sources().next().and_then(|s| s.web_url()),
            Some("https://example.org/x")
        );
        assert_eq!(
            first.extra.as_ref().map(|e| e.map().contains_key("note")),
            Some(true)
        );
        assert_eq!(first.origin.line, 2);
        let rostov = regions().index_of("rostov").map(|i| i as u32);
        assert_eq!(first.region(), rostov);

        let second = &events[1];
        assert_eq!(second.id(), "ev#1", "generated from the file name and index");
        assert_eq!(second.category.as_known(), None, "unknown categories are kept");
        let belgorod = regions().index_of("belgorod").map(|i| i as u32);
        assert_eq!(second.region(), belgorod);
        assert_eq!(second.origin.line, 6);
    }

    #[test]
    fn bare_arrays_and_point_features_load_too() {
        let (events, _, summary) =
            read(r#"[{"id": 7, "title": "t", "date": "2021-04-22", "lat": 44.95, "lon": 34.1}]"#)
                .expect("array");
        assert_eq!(summary.container, Container::BareArray);
        assert_eq!(events[0].id(), "7");

        let (events, messages, summary) = read(
            r#"{"type": "FeatureCollection", "features": [
              {"type": "Feature", "id": "f1", "geometry": {"type": "Point", "coordinates": [39.2, 51.67, 120]},
               "properties": {"title": "Heavy weapons kept", "date": "2021-04-22", "category": "deployment"}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [34.37, 53.25]},
               "properties": {"id": "f2", "title": "Drills", "date": "2014-05-19"}},
              {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
               "properties": {"title": "A road", "date": "2014-05-19"}},
              {"type": "Feature", "geometry": null, "properties": {"title": "Nowhere", "date": "2014-05-19"}},
              {"type": "Feature", "geometry": null, "properties": {"id": "f3", "title": "By properties", "date": "2014-05-19", "latitude": "47.2", "longitude": "39.7"}}
            ]}"#,
        )
        .expect("features");
        assert_eq!(summary.container, Container::Features);
        assert_eq!(summary.rejected, 2);
        assert_eq!(
            events.iter().map(Event::id).collect::<Vec<_>>(),
            ["f1", "f2", "f3"]
        );
        assert!((events[0].position.x - 39.2).abs() < 1e-12);
        assert_eq!(messages.len(), 2);
        assert!(messages[0].message.contains("LineString"), "{}", messages[0]);
        assert!(
            messages[0]
                .to_string()
                .starts_with("ev.json:6:15: features[2]: error:"),
            "{}",
            messages[0]
        );
        assert!(messages[1].message.contains("no geometry"), "{}", messages[1]);
    }

    #[test]
    fn unusable_records_are_rejected_with_their_position_and_the_rest_load() {
        let text = r#"{"events": [
  {"title": "ok", "date": "2014-05-19", "lat": 47.2, "lon": 39.7},
  {"title": "no coordinates", "date": "2014-05-19"},
  {"title": "out of range", "date": "2014-05-19", "lat": 91, "lon": 39.7},
  {"title": "strings", "date": "2014-05-19", "lat": "47.2x", "lon": 39.7},
  {"title": "impossible", "date": "2021-02-30", "lat": 47.2, "lon": 39.7},
  "not an object",
  {"date": "2014-05-19", "lat": 47.2, "lon": 39.7},
  {"title": "no date", "lat": 47.2, "lon": 39.7},
  {"title": "coarse", "date": "2014-05-19", "date_precision": ["week"], "lat": 47.2, "lon": 39.7},
  {"title": "ok too", "date": "2014-05-20", "lat": 47.2, "lon": 39.7}
]}"#;
        let (events, messages, summary) = read(text).expect("file loads");
        assert_eq!(events.len(), 2);
        assert_eq!(summary.rejected, 8);
        let expect = [
            (1, "missing coordinates"),
            (2, "outside WGS84 degrees"),
            (
                3,
                "field \"lat\" must be a number (degrees), found the string \"47.2x\"",
            ),
            (4, "\"2021-02-30\" is not a real date"),
            (5, "must be a JSON object, found the string \"not an object\""),
            (6, "missing required field \"title\""),
            (7, "missing required field \"date\""),
            (
                8,
                "field \"date_precision\" must be a string or a number, found an array",
            ),
        ];
        assert_eq!(messages.len(), expect.len(), "{messages:?}");
        for (message, (record, text)) in messages.iter().zip(expect) {
            assert_eq!(message.location.record, Some(record), "{message}");
            assert_eq!(message.location.line, Some(record + 2), "{message}");
            assert!(message.message.contains(text), "{message}");
            assert!(
                message
                    .to_string()
                    .starts_with(&format!("ev.json:{}:", record + 2))
            );
        }
    }

    #[test]
    fn warnings_keep_the_record() {
        let text = r#"[{"title": "t", "date": "2021-04-22", "end_date": "2021-04-01", "lat": 50.6, "lon": 36.59,
            "region": "rostov", "precision": "roughly", "troops": "many", "sources": [5, "Reuters"]},
          {"title": "t2", "date": "2021-04-22", "lat": 55.75, "lon": 37.62, "region": "moscow"},
          {"title": "t3", "date": "2021-04-22", "lat": 47.2, "lon": 39.7, "troops": 4294967295},
          {"title": "t4", "date": "2021-04-22", "lat": 47.2, "lon": 39.7, "troops": 4294967294}]"#;
        let (events, messages, _) = read(text).expect("loads");
        assert_eq!(events.len(), 4);
        assert_eq!(events[2].troops(), None, "more than an event holds");
        assert_eq!(events[3].troops(), Some(MAX_TROOPS));
        let rostov = regions().index_of("rostov").map(|i| i as u32);
        assert_eq!(events[0].region(), rostov, "the declared region is kept");
        assert_eq!(events[0].end_date, None);
        assert_eq!(events[0].precision(), None);
        assert_eq!(events[0].troops(), None);
        assert_eq!(
            events[0].sources().map(|s| s.name).collect::<Vec<_>>(),
            ["Reuters"]
        );
        let texts: Vec<String> = messages.iter().map(|m| m.message.clone()).collect();
        for expected in [
            "\"end_date\" 2021-04-01 is before",
            "\"precision\" \"roughly\"",
            "\"troops\" must be a whole number",
            "\"troops\" must be at most 4294967294, found 4294967295",
            "sources[0] is not a name",
            "\"region\" is \"rostov\" but the coordinates are in \"belgorod\"",
            "\"region\" \"moscow\" is not a loaded region; placed by its coordinates in no tracked region",
        ] {
            assert!(
                texts.iter().any(|t| t.contains(expected)),
                "{expected} in {texts:?}"
            );
        }
        assert!(
            messages
                .iter()
                .all(|m| m.severity == crate::data::Severity::Warning)
        );
        assert_eq!(events[1].region(), None);
    }

    #[test]
    fn files_that_cannot_be_read_fail_with_file_line_and_column() {
        let cases: [(&[u8], &str, Option<usize>); 8] = [
            (
                b"{\"events\": [\n  {\"title\": \"a\",, }\n]}",
                "not valid JSON",
                Some(2),
            ),
            (b"{\"events\": [\n  {\"title\": \"a\"}", "truncated", Some(2)),
            (b"", "empty", None),
            (
                b"{\"type\": \"Topology\", \"objects\": {}}",
                "TopoJSON is not supported",
                None,
            ),
            (
                b"{\"type\": \"Feature\", \"geometry\": null}",
                "found a GeoJSON Feature",
                Some(1),
            ),
            (b"{\"name\": \"x\"}", "without an \"events\" array", Some(1)),
            (b"[{\"title\": \"caf\xE9\"}]", "not UTF-8", Some(1)),
            (b"true", "found a single value", Some(1)),
        ];
        for (bytes, expected, line) in cases {
            let error = read_bytes(bytes).expect_err(&String::from_utf8_lossy(bytes));
            let text = error.to_string();
            assert!(text.starts_with("ev.json"), "{text}");
            assert!(text.contains(expected), "{expected}: {text}");
            assert_eq!(error.location.line, line, "{text}");
        }
    }

    #[test]
    fn deep_nesting_rejects_the_record_not_the_process() {
        // In a field kept as-is, serde_json's recursion limit stops it; in a
        // field borderwatch reads, the type is wrong at once.
        let deep = format!(
            "[{{\"extra\": {}1{}}}, {{\"title\": \"t\", \"date\": \"2020-01-01\", \"lat\": 1, \"lon\": 1}}]",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let (events, messages, _) = read(&deep).expect("the file reads");
        assert_eq!(events.len(), 1);
        assert!(
            messages[0].message.contains("nested more than 128 levels"),
            "{}",
            messages[0]
        );
        let deep_title = format!("[{{\"title\": {}1{}}}]", "[".repeat(10_000), "]".repeat(10_000));
        let (events, messages, _) = read(&deep_title).expect("the file reads");
        assert!(events.is_empty());
        assert!(
            messages[0].message.contains("field \"title\" must be a string"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn big_files_are_read_in_parallel_blocks_in_order() {
        let records: Vec<String> = (0..30_000)
            .map(|i| {
                format!(
                    r#"{{"id": "e{i}", "title": "Event {i}", "date": "2020-01-01", "category": "{}", "lat": 47.23, "lon": 39.72, "description": "{}"}}"#,
                    if i % 3 == 0 { "drill" } else { "custom-kind" },
                    "x".repeat(300)
                )
            })
            .collect();
        let text = format!("[\n{}\n]", records.join(",\n"));
        let progress = LoadProgress::default();
        let regions = regions();
        let mut categories = Categories::default();
        let mut events = Vec::new();
        let mut batches = 0;
        let mut bytes = 0;
        read_event_stream(
            "big.json",
            text.as_bytes(),
            ReadContext {
                regions: &regions,
                file_index: 3,
                categories: &mut categories,
                progress: Some(&progress),
                mapping: &Default::default(),
                catalog: None,
            },
            |batch| {
                batches += 1;
                bytes += batch.bytes;
                events.extend(batch.parts.into_iter().flatten());
            },
        )
        .expect("loads");
        assert!(batches >= 2, "{batches}");
        // Each batch says how many of the file's bytes its records took:
        // all but the brackets around them and the line feeds after.
        assert!(text.len() as u64 - bytes <= 4, "{bytes} of {}", text.len());
        assert_eq!(events.len(), 30_000);
        for (i, event) in events.iter().enumerate() {
            assert_eq!(event.id(), format!("e{i}"));
            assert_eq!(event.origin.line as usize, i + 2);
            assert_eq!(event.origin.file, 3);
        }
        let custom = categories.find("custom-kind").expect("interned");
        assert!(events.iter().skip(1).step_by(3).all(|e| e.category == custom));
        assert_eq!(progress.records(), 30_000);
        assert_eq!(progress.bytes(), text.len() as u64);
    }

    #[test]
    fn a_cancelled_load_stops() {
        let progress = LoadProgress::default();
        progress.cancel();
        let regions = regions();
        let mut categories = Categories::default();
        let error = read_event_stream(
            "x.json",
            &b"[]"[..],
            ReadContext {
                regions: &regions,
                file_index: 0,
                categories: &mut categories,
                progress: Some(&progress),
                mapping: &Default::default(),
                catalog: None,
            },
            |_| {},
        )
        .expect_err("cancelled");
        assert_eq!(error.problem, Problem::Cancelled);
    }
}
