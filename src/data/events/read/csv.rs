//! Reading CSV event files: ACLED exports (recognised by `event_id_cnty` and
//! `event_date`) and borderwatch's own columns (what `borderwatch export
//! --format csv` writes). Rows stream in batches parsed on all cores and go
//! through the same rules as JSON records.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::acled::{acled_draft, is_acled};
use super::batch::{EventBatch, FileSummary, Flavour, LoadProgress, ReadContext, TaskOutput, join_outputs};
use super::fields::{Fields, is_native, native_draft, trimmed};
use crate::data::container::Container;
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::events::category::Categories;
use crate::data::events::draft::RecordRules;

/// Rows handed to the parallel parser at a time.
const ROWS_PER_BATCH: usize = 16_384;
/// Rows per parallel task.
const ROWS_PER_TASK: usize = 2_048;

/// A row under its header.
struct Row<'a> {
    columns: &'a HashMap<String, usize>,
    header: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Fields for Row<'_> {
    fn text(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let index = *self.columns.get(name)?;
        trimmed(self.record.get(index)?.into())
    }

    fn all(&self) -> Vec<(&str, std::borrow::Cow<'_, str>)> {
        self.header
            .iter()
            .zip(self.record.iter())
            .filter_map(|(name, value)| trimmed(value.into()).map(|v| (name.trim(), v)))
            .collect()
    }
}

/// Reads a CSV event file whose fields are separated by `delimiter`, handing
/// each batch of rows' events to `on_batch` in file order. On `Err` the
/// batches already handed out must be discarded.
pub fn read_csv_stream<R: Read>(
    file: &str,
    reader: R,
    delimiter: u8,
    context: ReadContext<'_>,
    mut on_batch: impl FnMut(EventBatch),
) -> Result<FileSummary, LoadError> {
    let ReadContext {
        regions,
        file_index,
        categories,
        progress,
    } = context;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let header = csv.headers().map_err(|e| csv_error(file, e))?.clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let flavour = if is_acled(names.iter().copied()) {
        Flavour::Acled
    } else if is_native(names.iter().copied()) {
        Flavour::Native
    } else if names.iter().all(|n| n.is_empty()) {
        return Err(LoadError::new(Location::file(file), Problem::Empty));
    } else {
        return Err(LoadError::new(
            Location::file(file).at(1, 1),
            Problem::Invalid(format!(
                "a CSV event file needs ACLED's columns (event_id_cnty, event_date, latitude, longitude, ...) or borderwatch's (title, date, lat, lon, ...); the header has: {}",
                names.iter().take(12).copied().collect::<Vec<_>>().join(", ")
            )),
        ));
    };
    let columns: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), i))
        .rev()
        .collect();
    let rules = RecordRules::new(file, regions, file_index);
    let mut records = 0;
    let mut rejected = 0;
    let mut reported = 0u64;
    loop {
        if progress.is_some_and(LoadProgress::is_cancelled) {
            return Err(LoadError::new(Location::file(file), Problem::Cancelled));
        }
        let mut rows = Vec::with_capacity(ROWS_PER_BATCH);
        let mut record = csv::StringRecord::new();
        while rows.len() < ROWS_PER_BATCH && csv.read_record(&mut record).map_err(|e| csv_error(file, e))? {
            let line = record.position().map_or(0, |p| p.line()) as u32;
            rows.push((records + rows.len(), line, std::mem::take(&mut record)));
        }
        if let Some(progress) = progress {
            let at = csv.position().byte();
            progress.bytes.fetch_add(at - reported, Ordering::Relaxed);
            progress.records.fetch_add(rows.len() as u64, Ordering::Relaxed);
            reported = at;
        }
        if rows.is_empty() {
            break;
        }
        records += rows.len();
        let batch = read_rows(file, &rules, flavour, &header, &columns, &rows, categories);
        rejected += batch.rejected;
        on_batch(batch);
    }
    Ok(FileSummary {
        records,
        rejected,
        container: Container::CsvRows,
    })
}

fn read_rows(
    file: &str,
    rules: &RecordRules<'_>,
    flavour: Flavour,
    header: &csv::StringRecord,
    columns: &HashMap<String, usize>,
    rows: &[(usize, u32, csv::StringRecord)],
    categories: &mut Categories,
) -> EventBatch {
    let outputs: Vec<TaskOutput> = rows
        .par_chunks(ROWS_PER_TASK)
        .map(|chunk| {
            let mut output = TaskOutput::with_capacity(chunk.len());
            for (index, line, record) in chunk {
                let location = || {
                    Location::file(file)
                        .at(*line as usize, 1)
                        .record(Container::CsvRows.collection(), *index)
                };
                let row = Row {
                    columns,
                    header,
                    record,
                };
                let mut warnings = Vec::new();
                if record.len() != header.len() {
                    warnings.push(format!(
                        "the row has {} fields where the header has {}",
                        record.len(),
                        header.len()
                    ));
                }
                let draft = match flavour {
                    Flavour::Acled => acled_draft(&row),
                    Flavour::Native => native_draft(&row, &mut warnings),
                };
                let event = draft.and_then(|draft| {
                    rules.event(draft, *index, *line, &mut output.categories, &mut warnings)
                });
                match event {
                    Ok(event) => {
                        if let Some(note) = rules.note(&event) {
                            output.messages.push(Diagnostic::info(location(), note));
                        }
                        output.push(event);
                    }
                    Err(reason) => {
                        output.rejected += 1;
                        output.messages.push(Diagnostic::error(
                            location(),
                            format!("record rejected: {reason}"),
                        ));
                    }
                }
                output
                    .messages
                    .extend(warnings.into_iter().map(|w| Diagnostic::warning(location(), w)));
            }
            output
        })
        .collect();
    join_outputs(outputs, categories)
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
