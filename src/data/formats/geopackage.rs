//! GeoPackage (OGC 12-128r18): an SQLite database whose feature tables keep
//! each geometry as a small header and WKB. Read: every feature table, its
//! spatial reference checked (WGS 84 as is, Web Mercator converted, others
//! refused by name). Written: one point table with typed columns, as QGIS
//! and GDAL expect it (`gpkg_contents`, `gpkg_geometry_columns`,
//! `gpkg_spatial_ref_sys`, the application id).

use std::path::Path;

use geo::Coord;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::crs::{Crs, crs_from_epsg};
use super::table::{
    ColumnKind, FeatureGeometry, FeatureRow, FeatureTable, FormatError, PointRow, RowNote, gather_groups,
};
use super::wkb::{read_wkb, write_point_wkb};

/// The `application_id` of a GeoPackage: "GPKG".
const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of GeoPackage 1.3.
const USER_VERSION: i32 = 10_300;

/// A feature table of a GeoPackage, as `gpkg_geometry_columns` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpkgLayer {
    /// The table's name.
    pub table: String,
    /// Its geometry column.
    pub column: String,
    /// Its geometry type as declared (`POINT`, `MULTIPOLYGON`, `GEOMETRY`).
    pub geometry_type: String,
    /// The id of its spatial reference in `gpkg_spatial_ref_sys`.
    pub srs_id: i64,
}

impl GpkgLayer {
    /// Whether the table declares points (or any geometry).
    pub fn has_points(&self) -> bool {
        matches!(
            self.geometry_type.to_ascii_uppercase().as_str(),
            "POINT" | "MULTIPOINT" | "GEOMETRY"
        )
    }

    /// Whether the table declares polygons (or any geometry).
    pub fn has_polygons(&self) -> bool {
        matches!(
            self.geometry_type.to_ascii_uppercase().as_str(),
            "POLYGON" | "MULTIPOLYGON" | "CURVEPOLYGON" | "MULTISURFACE" | "GEOMETRY"
        )
    }
}

fn sql_error(error: rusqlite::Error) -> FormatError {
    FormatError::file(error.to_string())
}

/// Opens a GeoPackage read-only; a file that is not SQLite, or SQLite
/// without GeoPackage tables, is refused in words.
fn open(path: &Path) -> Result<Connection, FormatError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(sql_error)?;
    let tables: Result<i64, _> = connection.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('gpkg_contents', 'gpkg_geometry_columns')",
        [],
        |row| row.get(0),
    );
    match tables {
        Ok(2) => Ok(connection),
        Ok(_) => Err(FormatError::file(
            "an SQLite database but not a GeoPackage: it has no gpkg_contents and gpkg_geometry_columns tables",
        )),
        Err(rusqlite::Error::SqliteFailure(code, _)) if code.code == rusqlite::ErrorCode::NotADatabase => {
            Err(FormatError::file(
                "not a GeoPackage: the file is not an SQLite database",
            ))
        }
        Err(error) => Err(sql_error(error)),
    }
}

/// The feature tables of the GeoPackage at `path`, in name order.
pub fn gpkg_layers(path: &Path) -> Result<Vec<GpkgLayer>, FormatError> {
    layers_of(&open(path)?)
}

fn layers_of(connection: &Connection) -> Result<Vec<GpkgLayer>, FormatError> {
    let mut statement = connection
        .prepare(
            "SELECT g.table_name, g.column_name, g.geometry_type_name, g.srs_id \
             FROM gpkg_geometry_columns g JOIN gpkg_contents c ON c.table_name = g.table_name \
             WHERE c.data_type = 'features' ORDER BY g.table_name",
        )
        .map_err(sql_error)?;
    let rows = statement
        .query_map([], |row| {
            Ok(GpkgLayer {
                table: row.get(0)?,
                column: row.get(1)?,
                geometry_type: row.get(2)?,
                srs_id: row.get(3)?,
            })
        })
        .map_err(sql_error)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(sql_error)
}

/// Rows handed over at a time by [`read_gpkg_groups`].
const GROUP_ROWS: usize = 65_536;

/// Reads the feature table `table` of the GeoPackage at `path` whole.
pub fn read_gpkg_table(path: &Path, table: &str) -> Result<FeatureTable, FormatError> {
    let mut whole = gather_groups(|on_group| read_gpkg_groups(path, table, on_group))?;
    if whole.name.is_empty() {
        whole.name = table.to_string();
    }
    Ok(whole)
}

/// Reads the feature table `table` of the GeoPackage at `path`, handing
/// `on_group` its rows a group at a time (with the rows' share of the
/// file's size, for progress); `on_group` returns false to stop. Returns
/// the notes about the table as a whole.
pub fn read_gpkg_groups(
    path: &Path,
    table: &str,
    on_group: &mut dyn FnMut(FeatureTable, u64) -> bool,
) -> Result<Vec<RowNote>, FormatError> {
    let connection = open(path)?;
    let layers = layers_of(&connection)?;
    let Some(layer) = layers.iter().find(|l| l.table == table) else {
        return Err(FormatError::file(format!("no feature table \"{table}\"")));
    };
    let crs = layer_crs(&connection, layer)?;
    let columns = attribute_columns(&connection, layer)?;
    let total: i64 = connection
        .query_row(
            &format!("SELECT count(*) FROM {}", quoted(&layer.table)),
            [],
            |row| row.get(0),
        )
        .map_err(sql_error)?;
    let bytes_per_row = std::fs::metadata(path).map_or(0, |m| m.len()) / total.max(1) as u64;
    let select = format!(
        "SELECT {}{} FROM {}",
        quoted(&layer.column),
        columns
            .iter()
            .map(|c| format!(", {}", quoted(c)))
            .collect::<String>(),
        quoted(&layer.table)
    );
    let mut statement = connection.prepare(&select).map_err(sql_error)?;
    let mut rows = statement.query([]).map_err(sql_error)?;
    let empty = || FeatureTable {
        name: layer.table.clone(),
        fields: columns.clone(),
        ..FeatureTable::default()
    };
    let mut group = empty();
    let mut index = 0;
    let mut binary_fields = false;
    while let Some(row) = rows.next().map_err(|e| FormatError::at(index, e.to_string()))? {
        let (feature, binary) = read_row(row, index, crs, columns.len(), &mut group.notes)?;
        binary_fields |= binary;
        group.rows.push(feature);
        index += 1;
        if group.rows.len() == GROUP_ROWS {
            let bytes = bytes_per_row * group.rows.len() as u64;
            if !on_group(std::mem::replace(&mut group, empty()), bytes) {
                return Ok(Vec::new());
            }
        }
    }
    if !group.rows.is_empty() {
        let bytes = bytes_per_row * group.rows.len() as u64;
        on_group(group, bytes);
    }
    let mut notes = Vec::new();
    if binary_fields {
        notes.push(RowNote {
            record: None,
            message: "binary (BLOB) fields left out".into(),
        });
    }
    Ok(notes)
}

/// A row of a feature table as a feature, and whether a field was a BLOB
/// (left out).
fn read_row(
    row: &rusqlite::Row<'_>,
    index: usize,
    crs: Crs,
    columns: usize,
    notes: &mut Vec<RowNote>,
) -> Result<(FeatureRow, bool), FormatError> {
    let geometry = match row.get_ref(0) {
        Ok(ValueRef::Blob(blob)) => {
            gpkg_geometry(blob)
                .and_then(|g| crs.convert(g))
                .unwrap_or_else(|message| {
                    notes.push(RowNote {
                        record: Some(index),
                        message: format!("geometry not read: {message}"),
                    });
                    None
                })
        }
        _ => None,
    };
    let mut values = Vec::with_capacity(columns);
    let mut binary = false;
    for column in 1..=columns {
        let value = row
            .get_ref(column)
            .map_err(|e| FormatError::at(index, e.to_string()))?;
        binary |= matches!(value, ValueRef::Blob(_));
        values.push(value_text(value));
    }
    let feature = FeatureRow {
        index,
        values,
        geometry,
    };
    Ok((feature, binary))
}

/// A column value as text: numbers as Rust writes them, BLOBs as none.
fn value_text(value: ValueRef<'_>) -> Option<String> {
    let text = match value {
        ValueRef::Null | ValueRef::Blob(_) => return None,
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(x) => x.to_string(),
        ValueRef::Text(bytes) => String::from_utf8_lossy(bytes).trim().to_string(),
    };
    Some(text).filter(|t| !t.is_empty())
}

/// An SQL identifier in double quotes.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The table's columns other than its geometry and its integer key: the
/// table's fields, read by the SELECT.
fn attribute_columns(connection: &Connection, layer: &GpkgLayer) -> Result<Vec<String>, FormatError> {
    let mut statement = connection
        .prepare(&format!("PRAGMA table_info({})", quoted(&layer.table)))
        .map_err(sql_error)?;
    let columns = statement
        .query_map([], |row| {
            let name: String = row.get(1)?;
            let kind: String = row.get(2)?;
            let key: i64 = row.get(5)?;
            Ok((name, kind, key))
        })
        .map_err(sql_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql_error)?;
    Ok(columns
        .into_iter()
        .filter(|(name, kind, key)| {
            *name != layer.column && !(*key > 0 && kind.eq_ignore_ascii_case("INTEGER"))
        })
        .map(|(name, _, _)| name)
        .collect())
}

/// How the layer's coordinates become longitude and latitude.
fn layer_crs(connection: &Connection, layer: &GpkgLayer) -> Result<Crs, FormatError> {
    let found: Result<(String, i64, String), _> = connection.query_row(
        "SELECT organization, organization_coordsys_id, srs_name FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [layer.srs_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    );
    let (organization, code, name) = match found {
        Ok(found) => found,
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            return Err(FormatError::file(format!(
                "table \"{}\" names spatial reference {} which gpkg_spatial_ref_sys does not hold",
                layer.table, layer.srs_id
            )));
        }
        Err(error) => return Err(sql_error(error)),
    };
    // srs_id 0 is "undefined geographic": degrees, as the standard says.
    if layer.srs_id == 0 {
        return Ok(Crs::Degrees);
    }
    if !organization.eq_ignore_ascii_case("EPSG") {
        return Err(FormatError::file(format!(
            "table \"{}\" is in {name} ({organization} {code}), not WGS 84: reproject it to EPSG:4326 first (ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg)",
            layer.table
        )));
    }
    crs_from_epsg(code).ok_or_else(|| {
        FormatError::file(format!(
            "table \"{}\" is in {name} (EPSG:{code}), not WGS 84: reproject it to EPSG:4326 first (ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg)",
            layer.table
        ))
    })
}

/// The geometry of a GeoPackage geometry blob: `GP`, version, flags, the
/// SRS id, an optional envelope, then WKB. `None` for an empty geometry.
pub fn gpkg_geometry(blob: &[u8]) -> Result<Option<FeatureGeometry>, String> {
    let [b'G', b'P', _version, flags, ..] = blob else {
        return Err("not a GeoPackage geometry (it does not start with \"GP\")".into());
    };
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(format!("unknown envelope kind {other}")),
    };
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let start = 8 + envelope;
    let wkb = blob
        .get(start..)
        .ok_or_else(|| format!("the geometry ends after {} of {start} header bytes", blob.len()))?;
    read_wkb(wkb).map(Some)
}

/// A point as a GeoPackage geometry blob in EPSG:4326, with no envelope
/// (a point's envelope is the point).
pub fn gpkg_point(point: Coord<f64>) -> Vec<u8> {
    let mut blob = Vec::with_capacity(29);
    blob.extend_from_slice(b"GP");
    blob.push(0);
    // Little-endian header, no envelope, not empty, standard WKB.
    blob.push(0b0000_0001);
    blob.extend_from_slice(&4326i32.to_le_bytes());
    write_point_wkb(&mut blob, point);
    blob
}

/// Writes a new GeoPackage at `path` (no file must be there) holding the
/// point table `table` with `columns`; returns how many rows were written.
pub fn write_gpkg(
    path: &Path,
    table: &str,
    columns: &[(&str, ColumnKind)],
    rows: &mut dyn Iterator<Item = PointRow>,
) -> Result<usize, FormatError> {
    if path.exists() {
        return Err(FormatError::file(format!("{} exists already", path.display())));
    }
    write_new_gpkg(path, table, columns, rows)
}

fn write_new_gpkg(
    path: &Path,
    table: &str,
    columns: &[(&str, ColumnKind)],
    rows: &mut dyn Iterator<Item = PointRow>,
) -> Result<usize, FormatError> {
    let mut connection = Connection::open(path).map_err(sql_error)?;
    connection
        .execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};"
        ))
        .map_err(sql_error)?;
    let transaction = connection.transaction().map_err(sql_error)?;
    transaction.execute_batch(METADATA_TABLES).map_err(sql_error)?;
    let definitions: String = columns
        .iter()
        .map(|(name, kind)| {
            let kind = match kind {
                ColumnKind::Text => "TEXT",
                ColumnKind::Integer => "INTEGER",
                ColumnKind::Real => "REAL",
            };
            format!(", {} {kind}", quoted(name))
        })
        .collect();
    transaction
        .execute_batch(&format!(
            "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT{definitions});",
            quoted(table)
        ))
        .map_err(sql_error)?;
    let bounds = insert_rows(&transaction, table, columns, rows)?;
    register_table(&transaction, table, bounds)?;
    transaction.commit().map_err(sql_error)?;
    Ok(bounds.count)
}

/// The tables every GeoPackage has, with the three spatial references the
/// standard requires.
const METADATA_TABLES: &str = "
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
  description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL);
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);
INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
  'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]',
  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
";

/// How many rows were written and the box around them.
#[derive(Debug, Clone, Copy)]
struct Written {
    count: usize,
    min: Coord<f64>,
    max: Coord<f64>,
}

fn insert_rows(
    transaction: &rusqlite::Transaction<'_>,
    table: &str,
    columns: &[(&str, ColumnKind)],
    rows: &mut dyn Iterator<Item = PointRow>,
) -> Result<Written, FormatError> {
    let names: String = columns.iter().map(|(n, _)| format!(", {}", quoted(n))).collect();
    let marks: String = (0..columns.len()).map(|i| format!(", ?{}", i + 2)).collect();
    let mut statement = transaction
        .prepare(&format!(
            "INSERT INTO {} (geom{names}) VALUES (?1{marks})",
            quoted(table)
        ))
        .map_err(sql_error)?;
    let mut written = Written {
        count: 0,
        min: Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        max: Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    };
    for row in rows {
        let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(columns.len() + 1);
        values.push(rusqlite::types::Value::Blob(gpkg_point(row.position)));
        for ((_, kind), text) in columns.iter().zip(&row.values) {
            values.push(typed_value(*kind, text));
        }
        statement
            .execute(rusqlite::params_from_iter(values))
            .map_err(|e| FormatError::at(written.count, e.to_string()))?;
        written.count += 1;
        written.min = Coord {
            x: written.min.x.min(row.position.x),
            y: written.min.y.min(row.position.y),
        };
        written.max = Coord {
            x: written.max.x.max(row.position.x),
            y: written.max.y.max(row.position.y),
        };
    }
    Ok(written)
}

/// A column's text as the column's type; text that is not a number of the
/// column's kind is kept as text (SQLite keeps what it is given).
fn typed_value(kind: ColumnKind, text: &str) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    if text.is_empty() {
        return Value::Null;
    }
    match kind {
        ColumnKind::Integer => text
            .parse()
            .map_or_else(|_| Value::Text(text.into()), Value::Integer),
        ColumnKind::Real => text
            .parse()
            .map_or_else(|_| Value::Text(text.into()), Value::Real),
        ColumnKind::Text => Value::Text(text.into()),
    }
}

fn register_table(
    transaction: &rusqlite::Transaction<'_>,
    table: &str,
    written: Written,
) -> Result<(), FormatError> {
    let bounds = (written.count > 0).then_some(written);
    transaction
        .execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) \
             VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, 4326)",
            rusqlite::params![
                table,
                bounds.map(|b| b.min.x),
                bounds.map(|b| b.min.y),
                bounds.map(|b| b.max.x),
                bounds.map(|b| b.max.y)
            ],
        )
        .map_err(sql_error)?;
    transaction
        .execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'POINT', 4326, 0, 0)",
            [table],
        )
        .map_err(sql_error)?;
    Ok(())
}
