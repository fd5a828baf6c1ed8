//! The oracle shared by the targets and by tests/robustness.rs (which
//! includes this file): besides not panicking, every message a loader gives
//! must name the file it was handed and point at a line (and column) that
//! exists in it.

use borderwatch::data::Location;

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
