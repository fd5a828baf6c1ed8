//! Event readers, one module per kind of input (JSON records and GeoJSON
//! points, CSV, ACLED's columns), the types they share, and the one place
//! that chooses the reader for a file ([`read_any_event_stream`]).

pub mod acled;
pub mod batch;
pub mod csv;
pub mod encoding;
pub mod features;
pub mod fields;
pub mod json;
mod json_fields;
mod json_names;
mod json_sources;
pub mod preview;
pub mod record;
pub mod table;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use super::mapping::{ColumnMapping, FieldNames, Role};
pub use super::sources_file::SourceCatalog;
pub use batch::{EventBatch, FileRead, FileSummary, Flavour, LoadProgress, ReadContext};
pub use json::read_event_stream;

use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::formats::GisFormat;
use crate::data::json::position::{BOM, strip_bom};

/// Opens an event file: the one place files are opened, so the app, `check`
/// and `export` name a file and fail on it alike. Returns the file's name as
/// messages give it; its size is added to what `progress` expects.
pub fn open_event_file(
    path: &Path,
    progress: Option<&LoadProgress>,
) -> Result<(String, std::fs::File), LoadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|error| LoadError::new(Location::file(&name), Problem::Io(error.to_string())))?;
    if let (Some(progress), Ok(meta)) = (progress, file.metadata()) {
        progress.expect_bytes(meta.len());
    }
    Ok((name, file))
}

/// Reads the event file at `path`, of any kind borderwatch knows: the GIS
/// formats (GeoPackage, KML/KMZ, Shapefile, Parquet) by their extension,
/// everything else through [`read_any_event_stream`]. Returns the file's
/// name as messages give it, with what was read.
pub fn read_event_path(
    path: &Path,
    context: ReadContext<'_>,
    on_batch: impl FnMut(EventBatch) + Send,
) -> Result<(String, FileSummary), LoadError> {
    if let Some(format) = GisFormat::of(path) {
        let name = path.display().to_string();
        if let (Some(progress), Ok(meta)) = (context.progress, std::fs::metadata(path)) {
            progress.expect_bytes(meta.len());
        }
        let summary = features::read_gis_events(path, &name, format, context, on_batch)?;
        return Ok((name, summary));
    }
    let (name, file) = open_event_file(path, context.progress)?;
    let summary = read_any_event_stream(&name, file, context, on_batch)?;
    Ok((name, summary))
}

/// Reads an event file of any kind borderwatch knows: JSON (events,
/// GeoJSON points, ACLED API responses, TimeMap exports) or delimited text
/// (ACLED exports, borderwatch's own columns, any table with recognisable
/// columns). The name's extension decides when it is `.csv`, `.tsv`,
/// `.json` or `.geojson`; otherwise the first byte does. A delimited file's
/// separator (`,` `;` or tab) is sniffed from its header. UTF-16 (by its
/// byte order mark) is decoded first; delimited text that is not UTF-8 is
/// read as Windows-1251, with a note.
pub fn read_any_event_stream<R: Read + Send>(
    file: &str,
    reader: R,
    context: ReadContext<'_>,
    on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| LoadError::new(Location::file(file), Problem::Io(e.to_string())))?;
    if let Some(utf16) = encoding::detect(head, false) {
        let decoded = encoding::DecodingReader::new(reader, utf16);
        let note = format!("read as {} text", utf16.name());
        return read_decoded(file, decoded, context, Some(note), on_batch);
    }
    read_decoded(file, reader, context, None, on_batch)
}

/// Reads a file whose text is UTF-8, or Windows-1251 when delimited.
fn read_decoded<R: Read + Send>(
    file: &str,
    reader: R,
    context: ReadContext<'_>,
    note: Option<String>,
    mut on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| LoadError::new(Location::file(file), Problem::Io(e.to_string())))?;
    let mut notes: Vec<String> = note.into_iter().collect();
    if !is_delimited(file, head) {
        let summary = read_event_stream(file, reader, context, |mut batch| {
            prepend_notes(file, &mut notes, &mut batch);
            on_batch(batch)
        })?;
        return Ok(summary);
    }
    let delimiter = delimiter_for(file, head);
    if delimiter != default_delimiter(file) {
        notes.push(format!("columns separated by {}", delimiter_name(delimiter)));
    }
    if let Some(cp1251) = encoding::detect(head, true) {
        notes.push(format!(
            "not UTF-8: read as {} (Cyrillic); save it as UTF-8 if the text looks wrong",
            cp1251.name()
        ));
        let decoded = encoding::DecodingReader::new(reader, cp1251);
        return self::csv::read_csv_stream(file, decoded, delimiter, context, |mut batch| {
            prepend_notes(file, &mut notes, &mut batch);
            on_batch(batch)
        });
    }
    if head.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    self::csv::read_csv_stream(file, reader, delimiter, context, |mut batch| {
        prepend_notes(file, &mut notes, &mut batch);
        on_batch(batch)
    })
}

/// Whether a file is delimited text: by its extension, else by its first
/// character (JSON starts with `{` or `[`).
fn is_delimited(file: &str, head: &[u8]) -> bool {
    match extension(file).as_deref() {
        Some("csv" | "tsv") => true,
        Some("json" | "geojson") => false,
        _ => !strip_bom(head)
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_none_or(|b| matches!(b, b'{' | b'[')),
    }
}

fn extension(file: &str) -> Option<String> {
    file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())
}

/// Tab for `.tsv`, else comma.
fn default_delimiter(file: &str) -> u8 {
    if extension(file).as_deref() == Some("tsv") {
        b'\t'
    } else {
        b','
    }
}

/// The separator of a delimited file, sniffed from its head.
fn delimiter_for(file: &str, head: &[u8]) -> u8 {
    sniff_delimiter(strip_bom(head), default_delimiter(file))
}

/// Puts the file's notes (how it was decoded and split) before the first
/// batch's messages.
fn prepend_notes(file: &str, notes: &mut Vec<String>, batch: &mut EventBatch) {
    if notes.is_empty() {
        return;
    }
    let mut messages: Vec<Diagnostic> = notes
        .drain(..)
        .map(|note| Diagnostic::info(Location::file(file), note))
        .collect();
    messages.append(&mut batch.messages);
    batch.messages = messages;
}

/// The separator of a delimited file: the one of `,` `;` tab found most
/// often outside quotes in its first line; `default` when none is.
fn sniff_delimiter(head: &[u8], default: u8) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'\n' | b'\r' if !quoted => break,
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3).max_by_key(|&i| (counts[i], candidates[i] == default));
    match best {
        Some(i) if counts[i] > 0 => candidates[i],
        _ => default,
    }
}

fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => "semicolons",
        b'\t' => "tabs",
        _ => "commas",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Categories, Container, Event, RegionSet};

    /// Reads `bytes` as the file `name`, handing each batch to `on_batch`.
    fn read_batches(
        name: &str,
        bytes: &[u8],
        on_batch: impl FnMut(EventBatch) + Send,
    ) -> Result<FileSummary, LoadError> {
        let regions = RegionSet::bundled().expect("bundled regions");
        let mut categories = Categories::default();
        let context = ReadContext {
            regions: &regions,
            file_index: 0,
            categories: &mut categories,
            progress: None,
            mapping: &Default::default(),
            catalog: None,
        };
        read_any_event_stream(name, bytes, context, on_batch)
    }

    fn read(name: &str, bytes: &[u8]) -> Result<(Vec<Event>, FileSummary), LoadError> {
        let mut events = Vec::new();
        let summary = read_batches(name, bytes, |batch| {
            events.extend(batch.parts.into_iter().flatten());
        })?;
        Ok((events, summary))
    }

    #[test]
    fn tab_separated_files_load_by_their_extension() {
        let tsv = "\u{feff}id\ttitle\tdate\tlat\tlon\tplace\nt1\tDrill, near the border\t2021-04-22\t50.6\t36.59\tBelgorod\n";
        let (events, summary) = read("events.TSV", tsv.as_bytes()).expect("a TSV file loads");
        assert_eq!(summary.container, Container::CsvRows);
        assert_eq!(summary.rejected, 0);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].title(), "Drill, near the border");
        assert_eq!(events[0].place(), Some("Belgorod"));
        // Named .csv, the header's tabs still decide the separator.
        let (events, _) = read("events.csv", tsv.as_bytes()).expect("sniffed");
        assert_eq!(events[0].title(), "Drill, near the border");
        let semicolons = "title;date;lat;lon\n\"A; b\";2021-04-22;50,6;36,59\n";
        let (events, _) = read("events.csv", semicolons.as_bytes()).expect("semicolons");
        assert_eq!(events[0].title(), "A; b");
        assert_eq!(sniff_delimiter(b"\"a,b\";c;d\n1,2,3,4,5", b','), b';');
        assert_eq!(sniff_delimiter(b"one column\n", b'\t'), b'\t');
    }

    #[test]
    fn a_table_of_several_batches_is_read_whole_and_in_order() {
        // Three batches of rows (16 384 a batch), each handed out while the
        // next is parsed; a bad row in the second; the file's note (its
        // semicolons) with the first batch.
        let rows = 40_000;
        let mut csv = String::from("id;title;date;lat;lon\n");
        for i in 0..rows {
            let lat = if i == 20_000 { "north" } else { "50.6" };
            csv.push_str(&format!("e{i};Event {i};2021-04-22;{lat};36.59\n"));
        }
        let mut events = Vec::new();
        let mut batches = 0;
        let mut notes = Vec::new();
        let mut bytes = Vec::new();
        let summary = read_batches("big.csv", csv.as_bytes(), |batch| {
            batches += 1;
            bytes.push(batch.bytes);
            let separated = batch.messages.iter().filter(|m| m.message.contains("separated"));
            notes.extend(separated.map(|_| batches));
            events.extend(batch.parts.into_iter().flatten());
        })
        .expect("loads");
        assert!(batches >= 3, "{batches} batches");
        assert_eq!((summary.records, summary.rejected), (rows, 1));
        assert_eq!(events.len(), rows - 1);
        for (at, event) in events.iter().enumerate() {
            let i = if at < 20_000 { at } else { at + 1 };
            assert_eq!(event.id(), format!("e{i}"));
            assert_eq!(event.origin.line as usize, i + 2);
        }
        assert_eq!(notes, [1], "the batches the note came with");
        // Each batch tells the bytes its rows took: all the file's but the
        // header's, the first batch's those of its 16 384 rows.
        let header = csv.find('\n').map_or(0, |end| end + 1) as u64;
        assert_eq!(bytes.iter().sum::<u64>(), csv.len() as u64 - header);
        let first_rows: usize = csv.lines().skip(1).take(16_384).map(|line| line.len() + 1).sum();
        assert_eq!(bytes.first(), Some(&(first_rows as u64)));
    }

    #[test]
    fn the_first_byte_decides_for_other_names() {
        let json = br#"[{"title": "t", "date": "2021-04-22", "lat": 50.6, "lon": 36.59}]"#;
        let (_, summary) = read("events.txt", json).expect("JSON");
        assert_eq!(summary.container, Container::BareArray);
        let csv = b"title,date,lat,lon\nt,2021-04-22,50.6,36.59\n";
        let (_, summary) = read("events.txt", csv).expect("CSV");
        assert_eq!(summary.container, Container::CsvRows);
    }
}
