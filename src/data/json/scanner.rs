//! Splitting a JSON file into records while it streams in: the top-level
//! array, or the `events` / `features` / `data` array of a top-level object,
//! is cut into one byte range per element without building any value, in
//! blocks of a few megabytes. Memory stays bounded whatever the file size, the
//! blocks can be parsed on several threads, and progress can be reported.
//!
//! Each record is parsed by serde_json later; this scanner only tracks
//! strings and bracket depth (without recursion, so deep nesting cannot
//! overflow the stack) and checks the punctuation between records.

use std::io::Read;

use super::position::{BOM, json_message, shift_location, syntax_message};
use crate::data::container::Container;
use crate::data::diagnostic::{LoadError, Location, Problem};

/// Bytes read from the file at a time.
const READ_SIZE: usize = 4 << 20;
/// A block is handed out once it holds this many bytes of records.
const BLOCK_BYTES: usize = 8 << 20;

/// One record's place in a [`RecordBlock`] and in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    /// 0-based index in the file's record array.
    pub index: usize,
    /// Byte range in the block.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// 1-based line of the record's first byte.
    pub line: u32,
    /// 1-based byte column of the record's first byte.
    pub column: u32,
}

/// A run of whole records and the bytes they are in.
#[derive(Debug, Default)]
pub struct RecordBlock {
    /// The bytes; records are slices of them.
    pub bytes: Vec<u8>,
    /// The records, in file order.
    pub records: Vec<RecordSpan>,
}

impl RecordBlock {
    /// The bytes of a record.
    pub fn record_bytes(&self, span: &RecordSpan) -> &[u8] {
        self.bytes.get(span.start..span.end).unwrap_or_default()
    }
}

/// What the file's top-level object said about itself, for messages when it
/// has no records array.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopLevelInfo {
    /// The `type` member, if it is a string.
    pub kind: Option<String>,
    /// Whether an `objects` member (TopoJSON) was seen.
    pub has_objects: bool,
    /// Whether the top level is an object (rather than an array).
    pub is_object: bool,
}

/// Where the scanner is in the file's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the first significant byte.
    Start,
    /// In the top-level object, expecting a member (or `}` when `first`).
    Member { first: bool },
    /// After a member of the top-level object: `,` or `}`.
    AfterMember,
    /// In the records array, expecting a record (or `]` when `first`).
    Record { first: bool },
    /// After a record: `,` or `]`.
    AfterRecord,
    /// After the top-level value: only whitespace may follow.
    End,
    /// Nothing more to do.
    Done,
}

/// What one scanning step did.
enum Step {
    /// Consumed something; go on.
    Progress,
    /// The buffer ends inside the next token: read more.
    NeedMore,
}

/// Cuts a JSON stream into blocks of records.
pub struct RecordScanner<R> {
    reader: R,
    file: String,
    buf: Vec<u8>,
    /// Bytes of `buf` already scanned.
    pos: usize,
    eof: bool,
    phase: Phase,
    container: Option<Container>,
    info: TopLevelInfo,
    next_index: usize,
    /// Records found in `buf[..pos]` not yet handed out.
    pending: Vec<RecordSpan>,
    /// File offset of `buf[0]`.
    base: u64,
    /// Line and line-start file offset at `counted` (an offset in `buf`).
    counted: usize,
    line: u32,
    line_start: u64,
    /// Total bytes read from the reader.
    bytes_read: u64,
}

impl<R: Read> RecordScanner<R> {
    /// A scanner over `reader`; `file` names it in messages.
    pub fn new(file: impl Into<String>, reader: R) -> Self {
        Self {
            reader,
            file: file.into(),
            buf: Vec::new(),
            pos: 0,
            eof: false,
            phase: Phase::Start,
            container: None,
            info: TopLevelInfo::default(),
            next_index: 0,
            pending: Vec::new(),
            base: 0,
            counted: 0,
            line: 1,
            line_start: 0,
            bytes_read: 0,
        }
    }

    /// Where the records are, once the scanner has found them.
    pub fn container(&self) -> Option<Container> {
        self.container
    }

    /// What the top level said about itself (read once scanning is done).
    pub fn top_level(&self) -> &TopLevelInfo {
        &self.info
    }

    /// Bytes read from the file so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next block of records, `None` at the end of the file.
    pub fn next_block(&mut self) -> Result<Option<RecordBlock>, LoadError> {
        loop {
            if self.phase == Phase::Done {
                return Ok(self.take_block());
            }
            let step = self.step()?;
            let full = self.pos >= BLOCK_BYTES;
            match step {
                Step::Progress if full && !self.pending.is_empty() => return Ok(self.take_block()),
                Step::Progress => {}
                Step::NeedMore if !self.pending.is_empty() => return Ok(self.take_block()),
                Step::NeedMore => {
                    if self.eof {
                        return Err(self.truncated());
                    }
                    self.read_more()?;
                }
            }
        }
    }

    /// Hands out the records found so far with their bytes, keeping the rest.
    fn take_block(&mut self) -> Option<RecordBlock> {
        if self.pending.is_empty() {
            return None;
        }
        let cut = self.pos;
        self.count_lines_to(cut);
        let rest = self.buf.split_off(cut);
        let bytes = std::mem::replace(&mut self.buf, rest);
        self.buf.reserve(READ_SIZE);
        self.base += cut as u64;
        self.pos = 0;
        self.counted = 0;
        Some(RecordBlock {
            bytes,
            records: std::mem::take(&mut self.pending),
        })
    }

    fn read_more(&mut self) -> Result<(), LoadError> {
        // Read at least as much as is buffered, so a huge token is rescanned
        // a logarithmic number of times. Straight into the spare capacity,
        // with no zero-filling first.
        let want = READ_SIZE.max(self.buf.len());
        let old = self.buf.len();
        self.buf.reserve(want);
        let result = (&mut self.reader).take(want as u64).read_to_end(&mut self.buf);
        let read = self.buf.len() - old;
        self.bytes_read += read as u64;
        match result {
            Ok(_) => {
                // Short of `want` only at the end of the stream.
                self.eof = read < want;
                Ok(())
            }
            Err(error) => Err(LoadError::new(
                Location::file(&self.file),
                Problem::Io(error.to_string()),
            )),
        }
    }

    /// Advances over one token or value of the current phase.
    fn step(&mut self) -> Result<Step, LoadError> {
        let at = self.skip_whitespace();
        if at >= self.buf.len() {
            if !self.eof {
                return Ok(Step::NeedMore);
            }
            return match self.phase {
                Phase::Start => Err(LoadError::new(Location::file(&self.file), Problem::Empty)),
                Phase::End | Phase::Done => {
                    self.phase = Phase::Done;
                    Ok(Step::Progress)
                }
                _ => Err(self.truncated()),
            };
        }
        let byte = self.buf[at];
        match self.phase {
            Phase::Start => self.start(at, byte),
            Phase::Member { first } => self.member(at, byte, first),
            Phase::AfterMember => match byte {
                b',' => self.advance(at + 1, Phase::Member { first: false }),
                b'}' => self.advance(at + 1, Phase::End),
                _ => Err(self.syntax(at, "expected ',' or '}' after an object member")),
            },
            Phase::Record { first } => self.record(at, byte, first),
            Phase::AfterRecord => match byte {
                b',' => self.advance(at + 1, Phase::Record { first: false }),
                b']' => self.end_of_records(at + 1),
                _ => Err(self.syntax(at, "expected ',' or ']' after a record")),
            },
            Phase::End => Err(self.syntax(at, "trailing characters after the JSON value")),
            Phase::Done => Ok(Step::Progress),
        }
    }

    fn start(&mut self, at: usize, byte: u8) -> Result<Step, LoadError> {
        if at == 0 && self.base == 0 && self.buf.starts_with(BOM) {
            self.pos = BOM.len();
            return Ok(Step::Progress);
        }
        match byte {
            b'[' => {
                self.container = Some(Container::BareArray);
                self.advance(at + 1, Phase::Record { first: true })
            }
            b'{' => {
                self.info.is_object = true;
                self.advance(at + 1, Phase::Member { first: true })
            }
            b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => Err(LoadError::new(
                self.location_at(at),
                Problem::Invalid(
                    "expected {\"events\": [...]}, an array of records or a GeoJSON FeatureCollection; found a single value"
                        .into(),
                ),
            )),
            _ => Err(self.syntax(at, "expected value")),
        }
    }

    fn member(&mut self, at: usize, byte: u8, first: bool) -> Result<Step, LoadError> {
        if byte == b'}' {
            return if first {
                self.advance(at + 1, Phase::End)
            } else {
                Err(self.syntax(at, "trailing comma"))
            };
        }
        if byte != b'"' {
            return Err(self.syntax(at, "key must be a string"));
        }
        let Some(key_end) = string_end(&self.buf, at) else {
            return self.need_more_or_truncated();
        };
        let key: String = match serde_json::from_slice(&self.buf[at..key_end]) {
            Ok(key) => key,
            Err(error) => return Err(self.json_error_in(at, &error)),
        };
        let mut colon = key_end;
        while colon < self.buf.len() && self.buf[colon].is_ascii_whitespace() {
            colon += 1;
        }
        if colon >= self.buf.len() {
            return self.need_more_or_truncated();
        }
        if self.buf[colon] != b':' {
            return Err(self.syntax(colon, "expected ':'"));
        }
        let mut value = colon + 1;
        while value < self.buf.len() && self.buf[value].is_ascii_whitespace() {
            value += 1;
        }
        if value >= self.buf.len() {
            return self.need_more_or_truncated();
        }
        if self.buf[value] == b'['
            && self.container.is_none()
            && let Some(container) = Container::from_member(&key)
        {
            self.container = Some(container);
            return self.advance(value + 1, Phase::Record { first: true });
        }
        let Some(end) = value_end(&self.buf, value, self.eof) else {
            return self.need_more_or_truncated();
        };
        let text = &self.buf[value..end];
        // Members other than the records are read only to check them and to
        // learn what the file is.
        match key.as_str() {
            "type" => match serde_json::from_slice::<serde_json::Value>(text) {
                Ok(serde_json::Value::String(kind)) => self.info.kind = Some(kind),
                Ok(_) => {}
                Err(error) => return Err(self.json_error_in(value, &error)),
            },
            _ => {
                if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
                    return Err(self.json_error_in(value, &error));
                }
                if key == "objects" {
                    self.info.has_objects = true;
                }
            }
        }
        self.advance(end, Phase::AfterMember)
    }

    fn record(&mut self, at: usize, byte: u8, first: bool) -> Result<Step, LoadError> {
        if byte == b']' {
            return if first {
                self.end_of_records(at + 1)
            } else {
                Err(self.syntax(at, "trailing comma"))
            };
        }
        if matches!(byte, b',' | b'}' | b':') {
            return Err(self.syntax(at, "expected value"));
        }
        let Some(end) = value_end(&self.buf, at, self.eof) else {
            return self.need_more_or_truncated();
        };
        self.count_lines_to(at);
        let column = (self.base + at as u64 - self.line_start + 1).min(u64::from(u32::MAX)) as u32;
        self.pending.push(RecordSpan {
            index: self.next_index,
            start: at,
            end,
            line: self.line,
            column,
        });
        self.next_index += 1;
        self.advance(end, Phase::AfterRecord)
    }

    fn end_of_records(&mut self, after: usize) -> Result<Step, LoadError> {
        let next = if self.container == Some(Container::BareArray) {
            Phase::End
        } else {
            Phase::AfterMember
        };
        self.advance(after, next)
    }

    fn advance(&mut self, to: usize, phase: Phase) -> Result<Step, LoadError> {
        self.pos = to;
        self.phase = phase;
        Ok(Step::Progress)
    }

    fn need_more_or_truncated(&self) -> Result<Step, LoadError> {
        if self.eof {
            Err(self.truncated())
        } else {
            Ok(Step::NeedMore)
        }
    }

    fn skip_whitespace(&mut self) -> usize {
        let mut at = self.pos;
        while at < self.buf.len() && self.buf[at].is_ascii_whitespace() {
            at += 1;
        }
        self.pos = at;
        at
    }

    /// Moves the line count forward to `to` (an offset in `buf`).
    fn count_lines_to(&mut self, to: usize) {
        if to <= self.counted {
            return;
        }
        let slice = &self.buf[self.counted..to];
        let newlines = count_newlines(slice);
        if newlines > 0 {
            self.line = self.line.saturating_add(newlines as u32);
            if let Some(last) = memchr::memrchr(b'\n', slice) {
                self.line_start = self.base + (self.counted + last + 1) as u64;
            }
        }
        self.counted = to;
    }

    /// The location of an offset in `buf` at or after the counted position.
    fn location_at(&self, at: usize) -> Location {
        let (mut line, mut line_start) = (self.line, self.line_start);
        let from = self.counted.min(at);
        let slice = &self.buf[from..at.min(self.buf.len())];
        let newlines = count_newlines(slice);
        if newlines > 0 {
            line = line.saturating_add(newlines as u32);
            if let Some(last) = memchr::memrchr(b'\n', slice) {
                line_start = self.base + (from + last + 1) as u64;
            }
        }
        let column = self.base + at as u64 - line_start + 1;
        Location::file(&self.file).at(line as usize, column as usize)
    }

    fn syntax(&self, at: usize, message: &str) -> LoadError {
        LoadError::new(self.location_at(at), Problem::Json(message.into()))
    }

    /// A serde_json error from reading the text that starts at `at`.
    fn json_error_in(&self, at: usize, error: &serde_json::Error) -> LoadError {
        let location = self.location_at(at);
        let location = shift_location(location, error.line(), error.column());
        let problem = if error.classify() == serde_json::error::Category::Data {
            Problem::Invalid(json_message(error))
        } else {
            Problem::Json(syntax_message(error))
        };
        LoadError::new(location, problem)
    }

    fn truncated(&self) -> LoadError {
        LoadError::new(
            self.location_at(self.buf.len()),
            Problem::Json("the file ends before the JSON is complete (is it truncated?)".into()),
        )
    }
}

/// How many line feeds `bytes` holds. Counted in pieces of 255 bytes into
/// a byte-wide count, which the compiler turns into comparisons of 16 bytes
/// at a time; counted into a `usize` it compared two bytes at a time, and
/// took a third of the scanner's time on a file of one record a line.
fn count_newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|piece| {
            let count = piece
                .iter()
                .fold(0u8, |count, &byte| count + u8::from(byte == b'\n'));
            usize::from(count)
        })
        .sum()
}

/// The end (exclusive) of the JSON string whose opening quote is at `start`,
/// or `None` when the buffer ends first.
fn string_end(buf: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', buf.get(at..)?)?;
        if buf[found] == b'"' {
            return Some(found + 1);
        }
        // A backslash escapes the next byte.
        at = found + 2;
        if at > buf.len() {
            return None;
        }
    }
}

/// The end (exclusive) of the JSON value starting at `start`, tracking only
/// strings and bracket depth; `None` when the buffer ends first (a scalar at
/// the very end of the file ends there when `at_eof`).
fn value_end(buf: &[u8], start: usize, at_eof: bool) -> Option<usize> {
    match buf.get(start)? {
        b'"' => string_end(buf, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            while at < buf.len() {
                match buf[at] {
                    b'"' => {
                        at = string_end(buf, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            None
        }
        _ => {
            let rest = &buf[start..];
            match rest
                .iter()
                .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'))
            {
                Some(length) => Some(start + length),
                None if at_eof => Some(buf.len()),
                None => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The container and each record as text with its line and column.
    type Scanned = (Option<Container>, Vec<(String, u32, u32)>);

    /// Reads a whole text into (container, records as strings with line/column).
    fn scan(text: &str) -> Result<Scanned, LoadError> {
        scan_with(text.as_bytes(), text.len() + 1)
    }

    /// As [`scan`], with the reader handing out at most `chunk` bytes at a time.
    fn scan_with(bytes: &[u8], chunk: usize) -> Result<Scanned, LoadError> {
        let mut scanner = RecordScanner::new("t.json", Trickle { bytes, chunk });
        let mut records = Vec::new();
        while let Some(block) = scanner.next_block()? {
            for span in &block.records {
                let text = String::from_utf8_lossy(block.record_bytes(span)).into_owned();
                records.push((text, span.line, span.column));
            }
        }
        Ok((scanner.container(), records))
    }

    /// A reader that returns few bytes per call, to split tokens across reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn records_of_each_container_with_their_positions() {
        let (container, records) = scan("[\n  {\"a\": 1},\n  {\"b\": [2, \"]\"]}\n]").expect("valid");
        assert_eq!(container, Some(Container::BareArray));
        assert_eq!(
            records,
            [
                ("{\"a\": 1}".to_string(), 2, 3),
                ("{\"b\": [2, \"]\"]}".to_string(), 3, 3)
            ]
        );

        let text =
            "{\"name\": \"x\", \"crs\": {\"a\": [1]},\n \"events\": [{\"t\": \"\\\"}\"}, 5, \"s\", null]}";
        let (container, records) = scan(text).expect("valid");
        assert_eq!(container, Some(Container::Events));
        let texts: Vec<&str> = records.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(texts, ["{\"t\": \"\\\"}\"}", "5", "\"s\"", "null"]);
        assert_eq!((records[0].1, records[0].2), (2, 13));

        let (container, _) = scan("{\"type\":\"FeatureCollection\",\"features\":[]}").expect("valid");
        assert_eq!(container, Some(Container::Features));
    }

    #[test]
    fn tokens_split_across_reads_give_the_same_records() {
        let text = "\u{feff}{\"events\": [{\"title\": \"a\\\\\\\"b\", \"n\": [1, {\"x\": \"}\"}]},\n{\"title\": \"\u{0420}\u{043e}\u{0441}\u{0442}\u{043e}\u{0432}\"}, 12345]}";
        let whole = scan(text).expect("valid");
        for chunk in [1, 2, 3, 7] {
            assert_eq!(
                scan_with(text.as_bytes(), chunk).expect("valid"),
                whole,
                "chunk {chunk}"
            );
        }
        assert_eq!(whole.1.len(), 3);
        assert_eq!(whole.1[2].0, "12345");
    }

    #[test]
    fn punctuation_errors_name_line_and_column() {
        let cases = [
            ("[{\"a\":1} {\"b\":2}]", "expected ',' or ']'", 1, 10),
            ("[{\"a\":1},]", "trailing comma", 1, 10),
            ("{\"events\": [1]\n \"x\": 2}", "expected ',' or '}'", 2, 2),
            ("{\"events\": [1]} x", "trailing characters", 1, 17),
            ("{\"a\": tru, \"events\": []}", "not a valid JSON value", 1, 9),
            (
                "{\"events\": [{\"a\": 1}",
                "ends before the JSON is complete",
                1,
                21,
            ),
            ("[{\"a\": \"open", "ends before the JSON is complete", 1, 13),
            ("hello", "expected value", 1, 1),
        ];
        for (text, message, line, column) in cases {
            let error = scan(text).expect_err(text);
            let shown = error.to_string();
            assert!(shown.contains(message), "{text}: {shown}");
            assert_eq!(
                (error.location.line, error.location.column),
                (Some(line), Some(column)),
                "{text}: {shown}"
            );
        }
        assert_eq!(scan(" \n ").expect_err("empty").problem, Problem::Empty);
        let scalar = scan("42").expect_err("scalar").to_string();
        assert!(scalar.contains("found a single value"), "{scalar}");
    }

    #[test]
    fn objects_without_records_report_what_they_are() {
        let mut scanner =
            RecordScanner::new("t.json", &b"{\"type\":\"Topology\",\"objects\":{\"a\":{}}}"[..]);
        assert!(scanner.next_block().expect("valid JSON").is_none());
        assert_eq!(scanner.container(), None);
        assert_eq!(scanner.top_level().kind.as_deref(), Some("Topology"));
        assert!(scanner.top_level().has_objects);
    }

    #[test]
    fn deep_nesting_is_scanned_without_recursion() {
        let deep = format!("[{}1{}]", "[".repeat(100_000), "]".repeat(100_000));
        let (_, records) = scan(&deep).expect("balanced");
        assert_eq!(records.len(), 1);
        let unbalanced = format!("[{}", "[".repeat(100_000));
        assert!(scan(&unbalanced).is_err());
    }

    #[test]
    fn line_feeds_are_counted_past_a_byte_wide_count() {
        // All line feeds, more than a byte can count, and pieces that end
        // inside a run of them.
        for (length, every) in [(0, 1), (254, 1), (255, 1), (256, 1), (1000, 1), (1021, 3)] {
            let bytes: Vec<u8> = (0..length)
                .map(|at| if at % every == 0 { b'\n' } else { b'x' })
                .collect();
            let expected = bytes.iter().filter(|&&byte| byte == b'\n').count();
            assert_eq!(count_newlines(&bytes), expected, "{length} bytes");
        }
    }

    #[test]
    fn large_inputs_come_in_several_blocks_with_running_lines() {
        let record = format!("{{\"title\": \"{}\"}}", "x".repeat(1000));
        let count = 20_000;
        let text = format!("[\n{}\n]", vec![record.as_str(); count].join(",\n"));
        let mut scanner = RecordScanner::new("big.json", text.as_bytes());
        let mut blocks = 0;
        let mut seen = 0;
        while let Some(block) = scanner.next_block().expect("valid") {
            blocks += 1;
            for span in &block.records {
                assert_eq!(span.index, seen);
                assert_eq!(span.line as usize, seen + 2);
                assert_eq!(block.record_bytes(span), record.as_bytes());
                seen += 1;
            }
        }
        assert_eq!(seen, count);
        assert!(blocks >= 2, "{blocks} blocks");
        assert_eq!(scanner.bytes_read(), text.len() as u64);
    }
}
