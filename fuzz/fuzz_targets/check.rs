//! The oracle shared by the targets and by tests/robustness.rs (which
//! includes this file): besides not panicking, every message a loader gives
//! must name the file it was handed and point at a line (and column) that
//! exists in it.

// Each target uses the part of the oracle it needs.
#![allow(dead_code)]

use borderwatch::data::events::read::{EventBatch, ReadContext};
use borderwatch::data::{Categories, Event, EventSetBuilder, FileSummary, LoadError, Location, RegionSet};

/// 1-based line lengths of a stream made of `pad` spaces followed by `bytes`.
pub struct Lines {
    lengths: Vec<usize>,
}

impl Lines {
    pub fn new(pad: usize, bytes: &[u8]) -> Self {
        let mut lengths: Vec<usize> = bytes.split(|&b| b == b'\n').map(<[u8]>::len).collect();
        if let Some(first) = lengths.first_mut() {
            *first += pad;
        }
        Self { lengths }
    }

    /// Panics (so libFuzzer reports it) when `location` is not in the file.
    pub fn check(&self, file: &str, location: &Location, message: &dyn std::fmt::Display) {
        assert_eq!(location.file, file, "message names another file: {message}");
        let Some(line) = location.line else {
            assert!(location.column.is_none(), "column without a line: {message}");
            return;
        };
        assert!(
            (1..=self.lengths.len()).contains(&line),
            "line {line} is outside the file's {} lines: {message}",
            self.lengths.len()
        );
        if let Some(column) = location.column {
            // One past the end of the line is where "ends too early" points.
            // Columns count bytes, a UTF-8 byte order mark's 3 among them, so
            // readers that skip it point no further than the limit either.
            let limit = self.lengths[line - 1] + 1;
            assert!(
                (1..=limit).contains(&column),
                "column {column} is outside line {line} ({} bytes): {message}",
                limit - 1
            );
        }
    }
}

/// [`Lines::check`], and the message, as shown, starts with the file's name.
pub fn check_message(file: &str, lines: &Lines, location: &Location, message: &dyn std::fmt::Display) {
    assert!(message.to_string().starts_with(file), "{message}");
    lines.check(file, location, message);
}

/// Every event that loads is somewhere on the globe.
pub fn check_events<'a>(events: impl IntoIterator<Item = &'a Event>) {
    for event in events {
        let (x, y) = (event.position.x, event.position.y);
        assert!(
            (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
            "an event at {x}, {y}"
        );
    }
}

/// Runs one of the stream readers (`read` gets the context and the batch
/// callback) and checks what it gave: every message and the error inside the
/// file, every event on the globe, every record an event or rejected.
pub fn check_stream(
    file: &str,
    lines: &Lines,
    regions: &RegionSet,
    read: impl FnOnce(ReadContext<'_>, &mut (dyn FnMut(EventBatch) + Send)) -> Result<FileSummary, LoadError>,
) -> Result<FileSummary, LoadError> {
    let mut categories = Categories::default();
    let mut events = 0usize;
    let context = ReadContext {
        regions,
        file_index: 0,
        categories: &mut categories,
        progress: None,
        mapping: &Default::default(),
        catalog: None,
    };
    let result = read(context, &mut |batch: EventBatch| {
        events += batch.parts.iter().map(Vec::len).sum::<usize>();
        check_events(batch.parts.iter().flatten());
        for message in &batch.messages {
            check_message(file, lines, &message.location, message);
        }
    });
    match &result {
        Ok(summary) => assert_eq!(
            events + summary.rejected,
            summary.records,
            "{summary:?} with {events} events"
        ),
        Err(error) => check_message(file, lines, &error.location, error),
    }
    result
}

/// Loads `bytes` as the app does, through `EventSetBuilder`, which must
/// agree with the stream reader on whether the file loads (`loads`).
pub fn check_builder(file: &str, lines: &Lines, regions: &RegionSet, bytes: &[u8], loads: bool) {
    let mut builder = EventSetBuilder::new(regions);
    let added = builder.add_reader(file, None, bytes, None);
    assert_eq!(added.is_ok(), loads, "the two ways to read {file} disagree");
    let (set, messages) = builder.finish();
    for message in &messages {
        check_message(file, lines, &message.location, message);
    }
    check_events(set.events());
}
