//! Events from the GIS formats (GeoPackage, KML/KMZ, Shapefile, Parquet):
//! each feature's fields become a table row, its point the `lat` and `lon`
//! columns, and the rows go through the table reader, so columns are
//! recognised, mapped (`--map`) and checked as a CSV file's are. Parquet and
//! GeoPackage are streamed: a group of rows is decoded on a thread while the
//! previous one becomes events, so memory holds a few groups, not the file.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc;

use super::batch::{EventBatch, FileSummary, ReadContext};
use super::preview::TablePreview;
use super::table::{RowSource, Table, TableRow, read_table_stream};
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::formats::table::{FeatureGeometry, FeatureRow, FeatureTable, FormatError, RowNote};
use crate::data::formats::{
    GisFormat, LayerUse, chosen_layer, geopackage, load_error, note_messages, parquet, read_layer,
};

/// Rows handed to the table reader at a time.
const ROWS_PER_BATCH: usize = 16_384;

/// Reads the events of the GIS file at `path`; `file` names it in messages.
pub fn read_gis_events(
    path: &Path,
    file: &str,
    format: GisFormat,
    context: ReadContext<'_>,
    mut on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    let layer = context.mapping.layer.clone();
    let io = |e: std::io::Error| LoadError::new(Location::file(file), Problem::Io(e.to_string()));
    match format {
        GisFormat::Parquet => {
            let opened = std::fs::File::open(path).map_err(io)?;
            let decode = move |on_group: &mut dyn FnMut(FeatureTable, u64) -> bool| {
                parquet::read_parquet(opened, on_group).map(|info| info.notes)
            };
            return read_streamed(file, format, decode, context, on_batch);
        }
        GisFormat::GeoPackage => {
            let table = chosen_layer(path, format, LayerUse::Events, layer.as_deref())
                .map_err(|e| load_error(file, format, e))?;
            let path = path.to_path_buf();
            let decode = move |on_group: &mut dyn FnMut(FeatureTable, u64) -> bool| {
                geopackage::read_gpkg_groups(&path, &table, on_group)
            };
            return read_streamed(file, format, decode, context, on_batch);
        }
        _ => {}
    }
    let FeatureTable {
        fields, rows, notes, ..
    } = read_layer(path, format, LayerUse::Events, layer.as_deref())
        .map_err(|e| load_error(file, format, e))?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut whole = Some((rows, notes, size));
    let next_group = Box::new(move || Ok(whole.take()));
    let (summary, notes) = read_groups(file, format, &fields, next_group, context, &mut on_batch);
    finish(note_messages(file, format, notes), summary?, file, on_batch)
}

/// Reads the events of the groups of features `next_group` gives, under
/// the header their `fields` make; returns what was read and the groups'
/// notes. `next_group` is dropped before this returns.
fn read_groups(
    file: &str,
    format: GisFormat,
    fields: &[String],
    next_group: NextGroup<'_>,
    context: ReadContext<'_>,
    on_batch: &mut (dyn FnMut(EventBatch) + Send),
) -> (Result<FileSummary, LoadError>, Vec<RowNote>) {
    let (header, point_columns) = header_of(fields);
    let mut rows = FeatureRows {
        pending: VecDeque::new(),
        next_group,
        point_columns,
        bytes: 0,
        notes: Vec::new(),
    };
    let table = Table {
        header,
        rows: &mut rows,
        container: format.container(),
    };
    let summary = read_table_stream(file, table, context, on_batch);
    (summary, rows.notes)
}

/// Hands the reader's own messages over after the rows, and says so when a
/// file held no feature at all.
fn finish(
    mut messages: Vec<Diagnostic>,
    summary: FileSummary,
    file: &str,
    mut on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    if summary.records == 0 {
        messages.push(Diagnostic::warning(
            Location::file(file),
            "the file holds no features",
        ));
    }
    if !messages.is_empty() {
        on_batch(EventBatch::messages(messages));
    }
    Ok(summary)
}

/// The table's header: its fields, then the point's `lat` and `lon` unless
/// fields of those names exist (then the fields are read, not the point).
fn header_of(fields: &[String]) -> (csv::StringRecord, bool) {
    let mut header = csv::StringRecord::from(fields.to_vec());
    let taken = fields
        .iter()
        .any(|f| f.eq_ignore_ascii_case("lat") || f.eq_ignore_ascii_case("lon"));
    if !taken {
        header.push_field("lat");
        header.push_field("lon");
    }
    (header, !taken)
}

/// The next group of features with its notes and the bytes it took; `None`
/// at the end.
type NextGroup<'a> = Box<dyn FnMut() -> Result<Option<(Vec<FeatureRow>, Vec<RowNote>, u64)>, LoadError> + 'a>;

/// The features of a GIS file as table rows, group after group.
struct FeatureRows<'a> {
    pending: VecDeque<FeatureRow>,
    /// The next group of features (Parquet's row groups); `None` at the end.
    next_group: NextGroup<'a>,
    /// Whether the point fills the last two columns.
    point_columns: bool,
    /// Bytes read so far.
    bytes: u64,
    /// The notes of the groups read so far.
    notes: Vec<RowNote>,
}

impl RowSource for FeatureRows<'_> {
    fn next_rows(&mut self, _first: usize) -> Result<Vec<TableRow>, LoadError> {
        while self.pending.is_empty() {
            match (self.next_group)()? {
                Some((rows, notes, bytes)) => {
                    self.pending.extend(rows);
                    self.notes.extend(notes);
                    self.bytes += bytes;
                }
                None => return Ok(Vec::new()),
            }
        }
        let take = self.pending.len().min(ROWS_PER_BATCH);
        Ok(self
            .pending
            .drain(..take)
            .map(|row| table_row(row, self.point_columns))
            .collect())
    }

    fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

/// A feature as a row: its values, then its point's latitude and longitude
/// (empty when it has no point).
fn table_row(row: FeatureRow, point_columns: bool) -> TableRow {
    let mut record = csv::StringRecord::with_capacity(64, row.values.len() + 2);
    for value in &row.values {
        record.push_field(value.as_deref().unwrap_or_default());
    }
    if point_columns {
        match row.geometry {
            Some(FeatureGeometry::Point(point)) => {
                record.push_field(&point.y.to_string());
                record.push_field(&point.x.to_string());
            }
            _ => {
                record.push_field("");
                record.push_field("");
            }
        }
    }
    (row.index, 0, record)
}

/// Reads the events of a file decoded in groups of rows by `decode` (a
/// Parquet file's row groups, a GeoPackage table's rows) on a thread of its
/// own, while the previous group's rows become events. `decode` hands each
/// group over with the bytes it took and returns the notes about the file.
fn read_streamed(
    file: &str,
    format: GisFormat,
    decode: impl FnOnce(&mut dyn FnMut(FeatureTable, u64) -> bool) -> Result<Vec<RowNote>, FormatError>
    + Send
    + 'static,
    context: ReadContext<'_>,
    mut on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    // One group waiting at most: memory stays at a few groups' rows.
    let (sender, receiver) = mpsc::sync_channel::<(FeatureTable, u64)>(1);
    let decoder = std::thread::spawn(move || decode(&mut |group, bytes| sender.send((group, bytes)).is_ok()));
    let Ok(first) = receiver.recv() else {
        // No group at all: the decoder failed, or the table is empty.
        let notes = join_decoder(file, format, decoder)?;
        let summary = FileSummary {
            records: 0,
            rejected: 0,
            container: format.container(),
        };
        return finish(note_messages(file, format, notes), summary, file, on_batch);
    };
    let fields = first.0.fields.clone();
    let mut first = Some(first);
    // The receiver goes with `next_group`: dropping it stops the decoder at
    // its next group, should reading stop early.
    let next_group = Box::new(move || {
        let group = first.take().or_else(|| receiver.recv().ok());
        Ok(group.map(|(table, bytes)| (table.rows, table.notes, bytes)))
    });
    let (summary, group_notes) = read_groups(file, format, &fields, next_group, context, &mut on_batch);
    let decoded = join_decoder(file, format, decoder);
    let summary = summary?;
    let mut messages = note_messages(file, format, group_notes);
    messages.extend(note_messages(file, format, decoded?));
    finish(messages, summary, file, on_batch)
}

/// The first `max_rows` features of the GIS file at `path` (its layer
/// `layer` when it has several) as the Columns dialog shows a table: the
/// fields and the point's `lat` and `lon`, and the same rows as CSV text,
/// which loads as the file would under the same columns.
pub fn preview_features(path: &Path, layer: Option<&str>, max_rows: usize) -> Result<TablePreview, String> {
    let name = path.display().to_string();
    let format = GisFormat::of(path).ok_or_else(|| format!("{name}: not a GIS file"))?;
    let table = if format == GisFormat::Parquet {
        let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
        let mut first = None;
        parquet::read_parquet(file, &mut |group, _| {
            first = Some(group);
            false
        })
        .map_err(|e| load_error(&name, format, e).to_string())?;
        first.unwrap_or_default()
    } else {
        read_layer(path, format, LayerUse::Events, layer)
            .map_err(|e| load_error(&name, format, e).to_string())?
    };
    let (header, point_columns) = header_of(&table.fields);
    let rows: Vec<csv::StringRecord> = table
        .rows
        .into_iter()
        .take(max_rows)
        .map(|row| table_row(row, point_columns).2)
        .collect();
    let mut text = csv::Writer::from_writer(Vec::new());
    for record in std::iter::once(&header).chain(&rows) {
        text.write_record(record).map_err(|e| format!("{name}: {e}"))?;
    }
    let text = text.into_inner().map_err(|e| format!("{name}: {e}"))?;
    Ok(TablePreview {
        headers: header.iter().map(str::to_string).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect(),
        text: String::from_utf8_lossy(&text).into_owned(),
    })
}

/// What the decoder thread ended with: the notes about the file, or its
/// error as a load error.
fn join_decoder(
    file: &str,
    format: GisFormat,
    decoder: std::thread::JoinHandle<Result<Vec<RowNote>, FormatError>>,
) -> Result<Vec<RowNote>, LoadError> {
    let decoded = decoder.join().map_err(|_| {
        LoadError::new(
            Location::file(file),
            Problem::Invalid(format!("the {} reader failed", format.name())),
        )
    })?;
    decoded.map_err(|e| load_error(file, format, e))
}
