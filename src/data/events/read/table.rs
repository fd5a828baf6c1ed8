//! Reading event tables: rows of named text fields under a header, however
//! the file stores them (CSV, a GeoPackage table, KML placemarks, a
//! Shapefile's records, Parquet row groups). ACLED's columns are recognised
//! by `event_id_cnty` and `event_date`, borderwatch's own by name, others by
//! meaning or `--map`. Rows come in batches parsed on all cores and go
//! through the same rules as JSON records.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::acled::{ACLED_NAMES, acled_draft, is_acled};
use super::batch::{EventBatch, FileSummary, Flavour, LoadProgress, ReadContext, TaskOutput, join_outputs};
use super::fields::{Fields, is_unread, mapped_draft, trimmed};
use crate::data::container::Container;
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::events::category::Categories;
use crate::data::events::date_forms::DateOrder;
use crate::data::events::draft::{self, RecordRules};
use crate::data::events::mapping::{ColumnMapping, FieldNames, Role, file_date_order};

/// Rows per parallel task.
const ROWS_PER_TASK: usize = 2_048;

/// One row of a table: its 0-based index, its line in a text file (0 when
/// the file has no lines) and its fields.
pub type TableRow = (usize, u32, csv::StringRecord);

/// Where a table's rows come from.
pub trait RowSource {
    /// The next rows, numbered from `first`; none at the end.
    fn next_rows(&mut self, first: usize) -> Result<Vec<TableRow>, LoadError>;
    /// How many bytes of the file have been read so far (for progress).
    fn bytes_read(&self) -> u64;
}

/// A table to read: its header, its rows and what its records are called.
pub struct Table<'s> {
    /// The field names.
    pub header: csv::StringRecord,
    /// The rows.
    pub rows: &'s mut dyn RowSource,
    /// What a row is called in messages (`rows[3]`, `placemarks[3]`).
    pub container: Container,
}

/// A row under its header.
pub struct Row<'a> {
    layout: &'a Layout,
    header: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Fields for Row<'_> {
    fn text(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let index = *self.layout.columns.get(name)?;
        trimmed(self.record.get(index)?.into())
    }

    fn role_text(&self, _names: &FieldNames, role: Role) -> Option<std::borrow::Cow<'_, str>> {
        let index = self.layout.column(role)?;
        trimmed(self.record.get(index)?.into())
    }

    fn unread(&self, _names: &FieldNames) -> Vec<(&str, std::borrow::Cow<'_, str>, Option<Role>)> {
        self.layout
            .unread
            .iter()
            .filter_map(|&(index, role)| {
                let name = draft::trimmed(self.header.get(index)?);
                Some((name, trimmed(self.record.get(index)?.into())?, role))
            })
            .collect()
    }

    fn all(&self) -> Vec<(&str, std::borrow::Cow<'_, str>)> {
        self.header
            .iter()
            .zip(self.record.iter())
            .filter_map(|(name, value)| trimmed(value.into()).map(|v| (draft::trimmed(name), v)))
            .collect()
    }
}

/// Reads the events of a table, handing each batch of rows' events to
/// `on_batch` in file order. On `Err` the batches already handed out must be
/// discarded.
pub fn read_table_stream(
    file: &str,
    table: Table<'_>,
    context: ReadContext<'_>,
    mut on_batch: impl FnMut(EventBatch) + Send,
) -> Result<FileSummary, LoadError> {
    let ReadContext {
        regions,
        file_index,
        categories,
        progress,
        mapping,
        catalog,
    } = context;
    let Table {
        header,
        rows: source,
        container,
    } = table;
    if header.iter().all(|n| n.trim().is_empty()) {
        return Err(LoadError::new(Location::file(file), Problem::Empty));
    }
    let columns = column_indices(header.iter());
    let mut reported = 0u64;
    let mut rows_at = source.bytes_read();
    let mut rows = source.next_rows(0)?;
    // The bytes `rows` took, for the batch made of them: with the file's
    // size, how many events the file holds (a source that counts its
    // bytes a group at a time gives them all to the group's first rows,
    // which only makes the file look smaller).
    let mut rows_bytes = source.bytes_read().saturating_sub(rows_at);
    let (flavour, rules, mut file_messages) = file_rules(
        TableFile {
            file,
            header_at: header_location(file, container),
            header: &header,
            columns: &columns,
            rows: &rows,
            mapping,
        },
        RecordRules::new(file, regions, file_index).with_catalog(catalog),
    )?;
    let layout = Layout::new(columns, &header, rules.names());
    let mut records = 0;
    let mut rejected = 0;
    // The batch parsed last, handed to `on_batch` while the next rows are
    // parsed; the rows after them are read on this thread meanwhile. One
    // after the other, each left a core waiting.
    let mut parsed: Option<EventBatch> = None;
    loop {
        if progress.is_some_and(LoadProgress::is_cancelled) {
            return Err(LoadError::new(Location::file(file), Problem::Cancelled));
        }
        if let Some(progress) = progress {
            reported = report_progress(progress, reported, source.bytes_read(), rows.len());
        }
        if rows.is_empty() {
            if let Some(last) = parsed.take() {
                on_batch(last);
            }
            let messages = std::mem::take(&mut file_messages);
            if !messages.is_empty() {
                on_batch(EventBatch::messages(messages));
            }
            break;
        }
        records += rows.len();
        let previous = parsed.take();
        let mut batch = EventBatch::default();
        let next = rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                batch = read_rows(
                    RowsRead {
                        file,
                        rules: &rules,
                        flavour,
                        header: &header,
                        layout: &layout,
                        container,
                    },
                    &rows,
                    categories,
                );
                if let Some(previous) = previous {
                    on_batch(previous);
                }
            });
            // The source need not be `Send`: it is read on this thread.
            rows_at = source.bytes_read();
            source.next_rows(records)
        });
        batch.bytes = std::mem::replace(&mut rows_bytes, source.bytes_read().saturating_sub(rows_at));
        if !file_messages.is_empty() {
            file_messages.append(&mut batch.messages);
            batch.messages = std::mem::take(&mut file_messages);
        }
        rejected += batch.rejected;
        parsed = Some(batch);
        rows = next?;
    }
    Ok(FileSummary {
        records,
        rejected,
        container,
    })
}

/// Adds the bytes read since `reported` (now `at`) and `rows` records to
/// `progress`; returns `at`.
fn report_progress(progress: &LoadProgress, reported: u64, at: u64, rows: usize) -> u64 {
    progress
        .bytes
        .fetch_add(at.saturating_sub(reported), Ordering::Relaxed);
    progress.records.fetch_add(rows as u64, Ordering::Relaxed);
    at
}

/// Where a table's header is, as messages about it say: line 1 of a CSV
/// file; the file alone where records have no lines.
fn header_location(file: &str, container: Container) -> Location {
    let at = Location::file(file);
    if container == Container::CsvRows {
        at.at(1, 1)
    } else {
        at
    }
}

/// What deciding a table's fields looks at.
struct TableFile<'a> {
    file: &'a str,
    /// Where the header is, as messages about it say (line 1 of a CSV file).
    header_at: Location,
    header: &'a csv::StringRecord,
    columns: &'a Columns,
    rows: &'a [TableRow],
    mapping: &'a ColumnMapping,
}

/// Decides once what a table's columns mean (ACLED's, borderwatch's, the
/// usual names or `--map`) and the order of day and month of its dates from
/// the first rows; `rules` are given those, and what was decided is said in
/// the messages returned.
fn file_rules<'r>(
    spec: TableFile<'_>,
    rules: RecordRules<'r>,
) -> Result<(Flavour, RecordRules<'r>, Vec<Diagnostic>), LoadError> {
    let TableFile {
        file,
        header_at,
        header,
        columns,
        rows,
        mapping,
    } = spec;
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let first_row = rows.first().map(|(_, _, record)| record);
    let value =
        |key: &str| -> Option<String> { first_row?.get(*columns.get(key)?).map(|v| v.trim().to_string()) };
    let invalid = |e| LoadError::new(header_at.clone(), Problem::Invalid(e));
    let acled = is_acled(names.iter().copied()) && mapping.fields.is_empty();
    let (flavour, field_names) = if acled {
        let names =
            FieldNames::resolve(&ACLED_NAMES, |_| None, &ColumnMapping::default()).map_err(invalid)?;
        (Flavour::Acled, names)
    } else {
        let names = FieldNames::resolve(&names, value, mapping).map_err(invalid)?;
        check_header(&header_at, header, &names)?;
        (Flavour::Native, names)
    };
    let date_key = if acled {
        Some("event_date")
    } else {
        field_names.key(Role::Date)
    };
    let date_column = date_key.and_then(|key| columns.get(key).copied());
    let (date_order, order_note) = file_date_order(
        &field_names.label(Role::Date),
        rows.iter().filter_map(|(_, _, record)| record.get(date_column?)),
        mapping.date_order,
        acled.then_some(DateOrder::Dmy),
    );
    let mut messages: Vec<Diagnostic> = Vec::new();
    let described = field_names.described();
    if !acled && !described.is_empty() {
        messages.push(Diagnostic::info(
            header_at.clone(),
            format!("fields read by meaning: {described}; set --map to choose others"),
        ));
    }
    if let Some((severity, text)) = order_note {
        messages.push(Diagnostic {
            severity,
            location: Location::file(file),
            message: text,
        });
    }
    let rules = rules.with_names(field_names).with_date_order(date_order);
    Ok((flavour, rules, messages))
}

/// A header with no column for the coordinates, the date or the title (nor
/// a description to take it from) is not an event table: one message names
/// what is missing and how to map it, rather than one per row.
fn check_header(
    header_at: &Location,
    header: &csv::StringRecord,
    names: &FieldNames,
) -> Result<(), LoadError> {
    let mut missing = Vec::new();
    // With a place column and no coordinates, each row is placed from the gazetteer.
    let by_place =
        names.key(Role::Lat).is_none() && names.key(Role::Lon).is_none() && names.key(Role::Place).is_some();
    for (role, what) in [
        (Role::Lat, "latitude"),
        (Role::Lon, "longitude"),
        (Role::Date, "date"),
    ] {
        if names.key(role).is_none() && !names.native && !(by_place && role != Role::Date) {
            missing.push((role, what));
        }
    }
    if names.key(Role::Title).is_none() && !names.derive_title && !names.native {
        missing.push((Role::Title, "title"));
    }
    if missing.is_empty() {
        return Ok(());
    }
    let flags: Vec<String> = missing
        .iter()
        .map(|(role, _)| format!("{}=COLUMN", role.name()))
        .collect();
    let what: Vec<&str> = missing.iter().map(|(_, what)| *what).collect();
    Err(LoadError::new(
        header_at.clone(),
        Problem::Invalid(format!(
            "no column recognised as the {} (an ACLED export, borderwatch's columns, or the usual names such as lat/latitude/y, lon/lng/x, date/event_date, title/headline); name them with --map {}; the header has: {}",
            what.join(", "),
            flags.join(","),
            header
                .iter()
                .map(str::trim)
                .take(20)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ))
}

/// What reading a table's rows needs besides the rows.
struct RowsRead<'a> {
    file: &'a str,
    rules: &'a RecordRules<'a>,
    flavour: Flavour,
    header: &'a csv::StringRecord,
    layout: &'a Layout,
    container: Container,
}

fn read_rows(read: RowsRead<'_>, rows: &[TableRow], categories: &mut Categories) -> EventBatch {
    let RowsRead {
        file,
        rules,
        flavour,
        header,
        layout,
        container,
    } = read;
    let outputs: Vec<TaskOutput> = rows
        .par_chunks(ROWS_PER_TASK)
        .map(|chunk| {
            let mut output = TaskOutput::with_capacity(chunk.len());
            for (index, line, record) in chunk {
                let location = || {
                    let at = Location::file(file).record(container.collection(), *index);
                    if *line > 0 { at.at(*line as usize, 1) } else { at }
                };
                let row = Row {
                    layout,
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
                    Flavour::Native => mapped_draft(&row, rules.names(), &mut warnings),
                };
                let event = rules.event(
                    draft,
                    *index,
                    *line,
                    &mut output.categories,
                    &mut output.texts,
                    &mut warnings,
                );
                match event {
                    Ok(event) => {
                        if let Some(note) = rules.note(&event) {
                            output.messages.push(Diagnostic::info(location(), note));
                        }
                        output.push(event);
                    }
                    Err(problems) => {
                        output.rejected += 1;
                        output.messages.extend(problems.into_iter().map(|problem| {
                            Diagnostic::error(location(), format!("record rejected: {problem}"))
                        }));
                    }
                }
                output
                    .messages
                    .extend(warnings.into_iter().map(|w| Diagnostic::warning(location(), w)));
            }
            output.finished()
        })
        .collect();
    join_outputs(outputs, categories)
}

/// Each column's index by its trimmed name; a name given twice is the first.
/// Hashed with foldhash: SipHash, the standard map's, resists keys chosen to
/// collide, which a header of a few dozen names has no need of, and took
/// 5 % of reading a 1M-row CSV file when every field was looked up by name.
type Columns = HashMap<String, usize, foldhash::fast::RandomState>;

/// What a table's columns are, worked out once from its header and the
/// roles its fields were given: each field of each row looked up by its
/// name, and each of its columns asked for its role, took a fifth of
/// reading a 1M-row CSV file.
struct Layout {
    /// Each column by name (ACLED's fields are read by name).
    columns: Columns,
    /// The column of each role that has one.
    roles: Vec<(Role, usize)>,
    /// The columns with no role, or the role of further fields
    /// (`other_fields`), in order: kept with the event.
    unread: Vec<(usize, Option<Role>)>,
}

impl Layout {
    /// The layout of a table with this header, its `columns` by name, and
    /// the roles `names` give its fields.
    fn new(columns: Columns, header: &csv::StringRecord, names: &FieldNames) -> Self {
        let mut roles: Vec<(Role, usize)> = Vec::new();
        for (key, role) in names.fields() {
            // A role's field is the first given it; a column's the first of its name.
            if roles.iter().all(|(r, _)| *r != role)
                && names.key(role) == Some(key)
                && let Some(&index) = columns.get(key)
            {
                roles.push((role, index));
            }
        }
        let unread = header
            .iter()
            .enumerate()
            .filter_map(|(index, name)| {
                let role = names.role(draft::trimmed(name));
                is_unread(role).then_some((index, role))
            })
            .collect();
        Self {
            columns,
            roles,
            unread,
        }
    }

    /// The column that holds `role`.
    fn column(&self, role: Role) -> Option<usize> {
        self.roles
            .iter()
            .find(|(r, _)| *r == role)
            .map(|&(_, index)| index)
    }
}

fn column_indices<'a>(names: impl Iterator<Item = &'a str>) -> Columns {
    let mut columns = Columns::default();
    for (i, name) in names.enumerate() {
        columns.entry(name.trim().to_string()).or_insert(i);
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row seen only through its fields by name: the trait's own way to
    /// its roles and unread fields.
    struct ByName<'a>(&'a Row<'a>);

    impl Fields for ByName<'_> {
        fn text(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
            self.0.text(name)
        }

        fn all(&self) -> Vec<(&str, std::borrow::Cow<'_, str>)> {
            self.0.all()
        }
    }

    const ROLES: [Role; 18] = [
        Role::Id,
        Role::Title,
        Role::Date,
        Role::EndDate,
        Role::Category,
        Role::Lat,
        Role::Lon,
        Role::Place,
        Role::Region,
        Role::Description,
        Role::Actors,
        Role::Troops,
        Role::Precision,
        Role::DatePrecision,
        Role::Sources,
        Role::SourceUrls,
        Role::OtherFields,
        Role::Derived,
    ];

    #[test]
    fn a_rows_fields_by_column_are_its_fields_by_name() {
        // Names padded and given twice, a column of no role, one with no
        // name; rows shorter and longer than the header, fields blank.
        let header = csv::StringRecord::from(vec![
            " id",
            "title ",
            "date",
            "lat",
            "lon",
            "colour",
            "sources",
            "source_urls",
            "other_fields",
            "title",
            "notes",
            "",
            "region_id",
            "lat",
        ]);
        let rows = [
            vec![
                "a",
                " Order ",
                "2014-05-19",
                "47.2",
                "39.7",
                "red",
                "One; Two",
                "https://x;",
                r#"{"n": 1}"#,
                "Second",
                "  ",
                "z",
                "rostov",
                "48",
            ],
            vec!["b", "", "2014-05-19"],
            vec![
                "c", "t", "d", "1", "2", "blue", "", "", "not json", "t2", "n", "", "", "", "beyond",
            ],
        ];
        let mapped = ColumnMapping {
            fields: ColumnMapping::parse_map("title=notes,lat=lon,lon=lat").expect("mapping"),
            ..ColumnMapping::default()
        };
        for mapping in [ColumnMapping::default(), mapped] {
            let keys: Vec<&str> = header.iter().map(str::trim).collect();
            let names = FieldNames::resolve(&keys, |_| None, &mapping).expect("names");
            let layout = Layout::new(column_indices(header.iter()), &header, &names);
            for record in &rows {
                let record = csv::StringRecord::from(record.clone());
                let row = Row {
                    layout: &layout,
                    header: &header,
                    record: &record,
                };
                for role in ROLES {
                    assert_eq!(
                        row.role_text(&names, role),
                        ByName(&row).role_text(&names, role),
                        "{role:?} of {record:?}"
                    );
                }
                assert_eq!(row.unread(&names), ByName(&row).unread(&names), "{record:?}");
            }
        }
    }
}
