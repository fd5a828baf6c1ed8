//! Reading JSON text so that every problem can be pinned to a line and column:
//! UTF-8 checks, byte order marks, records split out of a top-level array with
//! their offsets, and serde_json errors moved from a record to the whole file.

use std::cell::OnceCell;

use serde_json::value::RawValue;

use super::diagnostic::{LoadError, Location, Problem};

/// The text of one input file, with what is needed to turn byte offsets into
/// line and column.
#[derive(Debug)]
pub struct SourceText<'a> {
    /// The file as the user named it.
    pub file: &'a str,
    /// The whole text, without a byte order mark.
    pub text: &'a str,
    /// Byte offset of each line start, built on the first error only.
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> SourceText<'a> {
    /// Checks that `bytes` are non-empty UTF-8 and drops a UTF-8 byte order mark.
    pub fn decode(file: &'a str, bytes: &'a [u8]) -> Result<Self, LoadError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = &bytes[..error.valid_up_to()];
                // The prefix is valid UTF-8 by definition of valid_up_to.
                let prefix = std::str::from_utf8(valid).unwrap_or_default();
                let (line, column) = line_column_of(prefix, prefix.len());
                return Err(LoadError::new(
                    Location::file(file).at(line, column),
                    Problem::NotUtf8,
                ));
            }
        };
        if text.trim().is_empty() {
            return Err(LoadError::new(Location::file(file), Problem::Empty));
        }
        Ok(Self {
            file,
            text,
            line_starts: OnceCell::new(),
        })
    }

    /// The location of a byte offset in this text.
    pub fn location_at(&self, offset: usize) -> Location {
        let (line, column) = self.line_column(offset);
        Location::file(self.file).at(line, column)
    }

    /// 1-based line and byte column of `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&start| start <= offset).max(1);
        (line, offset - starts[line - 1] + 1)
    }

    /// The byte offset where `part` (a slice of this text, e.g. a
    /// [`RawValue`] borrowed from it) begins.
    pub fn offset_of(&self, part: &str) -> usize {
        let start = self.text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        if at >= start && at <= start + self.text.len() {
            at - start
        } else {
            0
        }
    }

    /// A JSON syntax or shape error found while reading the slice that starts
    /// at `base` (0 for the whole text), as a [`LoadError`] with the position in
    /// the whole file.
    pub fn json_error(&self, error: &serde_json::Error, base: usize) -> LoadError {
        LoadError::new(
            self.json_error_location(error, base),
            Problem::Json(json_message(error)),
        )
    }

    /// Where in the whole file a serde_json error from the slice at `base` is.
    pub fn json_error_location(&self, error: &serde_json::Error, base: usize) -> Location {
        if error.line() == 0 {
            return self.location_at(base);
        }
        let (base_line, base_column) = self.line_column(base);
        let line = base_line + error.line() - 1;
        let column = if error.line() == 1 {
            base_column + error.column().saturating_sub(1)
        } else {
            error.column()
        };
        Location::file(self.file).at(line, column.max(1))
    }
}

/// serde_json's message without the " at line L column C" it appends.
pub fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// 1-based line and byte column of `offset` in `text`, by scanning.
fn line_column_of(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

/// The first non-whitespace byte of the text, which tells an object from an array.
pub fn first_significant_byte(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

/// A record taken out of a JSON array without parsing it yet.
pub struct RawRecord<'a> {
    /// 0-based position in the array.
    pub index: usize,
    /// The record's JSON text.
    pub json: &'a RawValue,
}

/// Numbers the elements of a borrowed array.
pub fn number_records<'a>(items: Vec<&'a RawValue>) -> Vec<RawRecord<'a>> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, json)| RawRecord { index, json })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_rejects_empty_and_bad_utf8() {
        let ok = SourceText::decode("a.json", b"\xEF\xBB\xBF{}").expect("valid");
        assert_eq!(ok.text, "{}");

        let empty = SourceText::decode("a.json", b"  \n").expect_err("empty");
        assert_eq!(empty.problem, Problem::Empty);

        let bad = SourceText::decode("a.json", b"{\n  \"a\": \"\xFF\"}").expect_err("not utf-8");
        assert_eq!(bad.problem, Problem::NotUtf8);
        assert_eq!((bad.location.line, bad.location.column), (Some(2), Some(9)));
    }

    #[test]
    fn record_errors_are_moved_to_file_positions() {
        let text = "[\n  {\"a\": 1},\n  {\"a\": tru}\n]";
        let source = SourceText::decode("r.json", text.as_bytes()).expect("text");
        let record_start = text.find("{\"a\": tru").expect("record");
        let record = &source.text[record_start..text.len() - 2];
        let error = serde_json::from_str::<serde_json::Value>(record).expect_err("invalid literal");
        assert_eq!(error.line(), 1);
        let location = source.json_error_location(&error, source.offset_of(record));
        // The record starts at line 3, column 3.
        assert_eq!(location.line, Some(3));
        assert_eq!(location.column, Some(2 + error.column()));
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let source = SourceText::decode("f", b"ab\ncd\n\nef").expect("text");
        assert_eq!(source.line_column(0), (1, 1));
        assert_eq!(source.line_column(4), (2, 2));
        assert_eq!(source.line_column(7), (4, 1));
        assert_eq!(source.location_at(8).to_string(), "f:4:2");
    }
}
