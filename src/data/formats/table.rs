//! What every GIS format reader gives and every writer takes: a table of
//! features, each a row of named text fields with its geometry. Events and
//! region layers are made from it by the same rules as from GeoJSON and CSV.

use geo::{Coord, MultiLineString, MultiPolygon};

/// The features of one layer (a GeoPackage table, a KML document, a
/// Shapefile, a Parquet file or one of its row groups).
#[derive(Debug, Clone, Default)]
pub struct FeatureTable {
    /// The layer's name: the table, the document's `<name>`, the file stem.
    pub name: String,
    /// The field names, in order.
    pub fields: Vec<String>,
    /// The features, in file order.
    pub rows: Vec<FeatureRow>,
    /// Things skipped or repaired, each with the record it is about.
    pub notes: Vec<RowNote>,
}

/// One feature: one value per field of its table, and its geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureRow {
    /// 0-based index of the record in its file (the placemark, the table
    /// row, the shape record), as messages name it.
    pub index: usize,
    /// One value per [`FeatureTable::fields`], `None` when null or empty.
    /// Numbers are written as text the way Rust prints them.
    pub values: Vec<Option<String>>,
    /// `None` when the record has no geometry (or an unreadable one,
    /// with a [`RowNote`] saying why).
    pub geometry: Option<FeatureGeometry>,
}

/// A note about the file or one record of it: what was skipped or repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    /// The record's index, `None` for the file as a whole.
    pub record: Option<usize>,
    /// What happened, in words.
    pub message: String,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The record at which reading failed, if it was one.
    pub record: Option<usize>,
    /// The problem, in words.
    pub message: String,
}

impl FormatError {
    /// A problem with the file as a whole.
    pub fn file(message: impl Into<String>) -> Self {
        Self {
            record: None,
            message: message.into(),
        }
    }

    /// A problem at record `index`.
    pub fn at(index: usize, message: impl Into<String>) -> Self {
        Self {
            record: Some(index),
            message: message.into(),
        }
    }
}

impl FeatureTable {
    /// The value of `field` in `row`.
    pub fn value<'a>(&self, row: &'a FeatureRow, field: &str) -> Option<&'a str> {
        let column = self.fields.iter().position(|f| f == field)?;
        row.values.get(column)?.as_deref()
    }
}

/// The groups of rows `read` hands over (a Parquet file's row groups, a
/// GeoPackage table's rows) gathered into one table, with the notes `read`
/// returns after the groups' own (an empty, unnamed table when no group came).
pub fn gather_groups(
    read: impl FnOnce(&mut dyn FnMut(FeatureTable, u64) -> bool) -> Result<Vec<RowNote>, FormatError>,
) -> Result<FeatureTable, FormatError> {
    let mut whole: Option<FeatureTable> = None;
    let notes = read(&mut |group, _| {
        match &mut whole {
            Some(table) => {
                table.rows.extend(group.rows);
                table.notes.extend(group.notes);
            }
            None => whole = Some(group),
        }
        true
    })?;
    let mut table = whole.unwrap_or_default();
    table.notes.extend(notes);
    Ok(table)
}

/// How a written column is typed where the format types columns
/// (GeoPackage, Parquet); KML writes every value as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text.
    Text,
    /// A whole number (`troops`).
    Integer,
    /// A real number (`border_km`).
    Real,
}

/// One point feature to write: its position (longitude, latitude) and one
/// text per column, empty for none.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRow {
    /// Longitude (`x`) and latitude (`y`), WGS 84.
    pub position: Coord<f64>,
    /// One text per column; empty means null.
    pub values: Vec<String>,
}

/// The geometry of a feature, sorted by what borderwatch can use.
#[derive(Debug, Clone, PartialEq)]
pub enum FeatureGeometry {
    /// Polygon or MultiPolygon (or the polygons of a GeometryCollection),
    /// exteriors counter-clockwise and holes clockwise, every ring closed.
    Polygons(MultiPolygon<f64>),
    /// A Point, as longitude/latitude.
    Point(Coord<f64>),
    /// LineString or MultiLineString (a border line).
    Lines(MultiLineString<f64>),
    /// Anything else, by GeoJSON type name (`LineString`, `null`, ...).
    Other(&'static str),
}
