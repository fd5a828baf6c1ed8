//! Reading CSV event files: ACLED exports and borderwatch's own columns
//! (what `borderwatch export --format csv` writes), or any table with
//! recognisable columns; the rows go through the table reader.

use std::io::Read;

use super::batch::{EventBatch, FileSummary, ReadContext};
use super::table::{RowSource, Table, TableRow, read_table_stream};
use crate::data::container::Container;
use crate::data::diagnostic::{LoadError, Location, Problem};

/// Rows handed to the parallel parser at a time.
const ROWS_PER_BATCH: usize = 16_384;

/// Reads a CSV event file whose fields are separated by `delimiter`, handing
/// each batch of rows' events to `on_batch` in file order. On `Err` the
/// batches already handed out must be discarded.
pub fn read_csv_stream<R: Read>(
    file: &str,
    reader: R,
    delimiter: u8,
    context: ReadContext<'_>,
    on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let header = csv.headers().map_err(|e| csv_error(file, e))?.clone();
    let mut rows = CsvRows { file, csv };
    let table = Table {
        header,
        rows: &mut rows,
        container: Container::CsvRows,
    };
    read_table_stream(file, table, context, on_batch)
}

/// The rows of a CSV file.
struct CsvRows<'f, R> {
    file: &'f str,
    csv: csv::Reader<R>,
}

impl<R: Read> RowSource for CsvRows<'_, R> {
    fn next_rows(&mut self, first: usize) -> Result<Vec<TableRow>, LoadError> {
        let mut rows = Vec::with_capacity(ROWS_PER_BATCH.min(1024));
        let mut record = csv::StringRecord::new();
        while rows.len() < ROWS_PER_BATCH
            && self
                .csv
                .read_record(&mut record)
                .map_err(|e| csv_error(self.file, e))?
        {
            let line = record.position().map_or(0, |p| p.line()) as u32;
            rows.push((first + rows.len(), line, std::mem::take(&mut record)));
        }
        Ok(rows)
    }

    fn bytes_read(&self) -> u64 {
        self.csv.position().byte()
    }
}

/// A CSV error as a file-level load error with its line.
fn csv_error(file: &str, error: csv::Error) -> LoadError {
    let line = error.position().map(|p| p.line() as usize);
    let location = match line {
        Some(line) => Location::file(file).at(line, 1),
        None => Location::file(file),
    };
    let problem = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => Problem::NotUtf8,
        csv::ErrorKind::Io(io) => Problem::Io(io.to_string()),
        _ => Problem::Invalid(format!("not valid CSV: {error}")),
    };
    LoadError::new(location, problem)
}
