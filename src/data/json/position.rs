//! Positions in input text, worked out in one place: the byte order mark,
//! line and column of a byte offset, UTF-8 checks, and serde_json errors
//! moved from a record (or any slice) to where they are in the whole file.

use std::cell::OnceCell;

use crate::data::diagnostic::{LoadError, Location, Problem};

/// The UTF-8 byte order mark some editors and spreadsheets put first.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes without a leading UTF-8 byte order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// 1-based line and byte column of the position just after `bytes`.
pub fn line_column_after(bytes: &[u8]) -> (usize, usize) {
    let line = memchr::memchr_iter(b'\n', bytes).count() + 1;
    let line_start = memchr::memrchr(b'\n', bytes).map_or(0, |i| i + 1);
    (line, bytes.len() - line_start + 1)
}

/// A location inside a text that starts at `base`, from serde_json's 1-based
/// line and column relative to that text (line 0 when it gives none).
pub fn shift_location(base: Location, line: usize, column: usize) -> Location {
    if line == 0 {
        return base;
    }
    let (base_line, base_column) = (base.line.unwrap_or(1), base.column.unwrap_or(1));
    let (line, column) = if line == 1 {
        (base_line, base_column + column.saturating_sub(1))
    } else {
        (base_line + line - 1, column)
    };
    Location {
        line: Some(line),
        column: Some(column.max(1)),
        ..base
    }
}

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
        let bytes = strip_bom(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let (line, column) = line_column_after(&bytes[..error.valid_up_to()]);
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
    /// `serde_json::value::RawValue` borrowed from it) begins.
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
        shift_location(self.location_at(base), error.line(), error.column())
    }
}

/// serde_json's complaint about broken JSON. The text it read is a whole
/// value (the scanner found its end), so running out of input means a
/// malformed literal such as `tru`, not a short file.
pub fn syntax_message(error: &serde_json::Error) -> String {
    if error.classify() == serde_json::error::Category::Eof {
        "not a valid JSON value".to_string()
    } else {
        json_message(error)
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
    fn positions_after_bytes_and_shifted_into_the_file() {
        assert_eq!(line_column_after(b""), (1, 1));
        assert_eq!(line_column_after(b"ab\ncd"), (2, 3));
        let base = Location::file("f").at(3, 5).record("rows", 2);
        assert_eq!(shift_location(base.clone(), 0, 9), base);
        let same_line = shift_location(base.clone(), 1, 4);
        assert_eq!(
            (same_line.line, same_line.column, same_line.record),
            (Some(3), Some(8), Some(2))
        );
        let later = shift_location(base, 2, 4);
        assert_eq!((later.line, later.column), (Some(4), Some(4)));
        assert_eq!(strip_bom(b"\xEF\xBB\xBFx"), b"x");
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
