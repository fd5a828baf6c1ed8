//! Event readers, one module per kind of input (JSON records and GeoJSON
//! points, CSV, ACLED's columns), the types they share, and the one place
//! that chooses the reader for a file ([`read_any_event_stream`]).

pub mod acled;
pub mod batch;
pub mod csv;
pub mod encoding;
pub mod fields;
pub mod json;
mod json_fields;
mod json_names;
pub mod mapping;
pub mod record;
pub mod sources_file;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use batch::{EventBatch, FileSummary, Flavour, LoadProgress, ReadContext};
pub use json::read_event_stream;
pub use mapping::{ColumnMapping, FieldNames, Role};
pub use sources_file::SourceCatalog;

use crate::data::diagnostic::{LoadError, Location, Problem};
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

/// Reads an event file of any kind borderwatch knows: JSON (events,
/// GeoJSON points, ACLED API responses) or delimited text (ACLED exports,
/// borderwatch's own columns; `.tsv` files are tab-separated). The name's
/// extension decides when it is `.csv`, `.tsv`, `.json` or `.geojson`;
/// otherwise the first byte does.
pub fn read_any_event_stream<R: Read + Send>(
    file: &str,
    reader: R,
    context: ReadContext<'_>,
    on_batch: impl FnMut(EventBatch),
) -> Result<FileSummary, LoadError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| LoadError::new(Location::file(file), Problem::Io(e.to_string())))?;
    let bom = head.starts_with(BOM);
    let extension = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let delimiter = match extension.as_deref() {
        Some("csv") => Some(b','),
        Some("tsv") => Some(b'\t'),
        Some("json" | "geojson") => None,
        _ => {
            let starts_json = strip_bom(head)
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_none_or(|b| matches!(b, b'{' | b'['));
            (!starts_json).then_some(b',')
        }
    };
    match delimiter {
        Some(delimiter) => {
            if bom {
                reader.consume(BOM.len());
            }
            self::csv::read_csv_stream(file, reader, delimiter, context, on_batch)
        }
        None => read_event_stream(file, reader, context, on_batch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Categories, Container, Event, RegionSet};

    fn read(name: &str, bytes: &[u8]) -> Result<(Vec<Event>, FileSummary), LoadError> {
        let regions = RegionSet::bundled().expect("bundled regions");
        let mut categories = Categories::default();
        let mut events = Vec::new();
        let context = ReadContext {
            regions: &regions,
            file_index: 0,
            categories: &mut categories,
            progress: None,
            mapping: &Default::default(),
            catalog: None,
        };
        let summary = read_any_event_stream(name, bytes, context, |batch| {
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
        // The same bytes named .csv are one column per line: not an event file.
        assert!(read("events.csv", tsv.as_bytes()).is_err());
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
