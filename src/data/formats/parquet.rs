//! (Geo)Parquet: reading any flat Parquet file one row group at a time, its
//! geometry from the GeoParquet `geo` metadata or from a WKB column named like
//! one, every other column as text; writing events as GeoParquet 1.1 points.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use parquet::basic::{CompressionCodec, ConvertedType, LogicalType, TimeUnit, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::DataType;
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::schema::types::ColumnDescriptor;
use serde_json::Value;

use super::crs::{Crs, crs_from_epsg};
use super::parquet_text::{Kind, bytes_text, int96_text, integer_text};
use super::table::{FeatureRow, FeatureTable, FormatError, RowNote};
use super::wkb::read_wkb;

/// Values decoded per call into a column reader: bounds memory whatever a page claims.
const BATCH: usize = 8192;
/// A row group claiming more rows than this is corrupt (or would not fit in memory anyway).
const MAX_GROUP_ROWS: usize = 1 << 26;
/// The codecs the `parquet` features in Cargo.toml build.
const READABLE_CODECS: [CompressionCodec; 6] = [
    CompressionCodec::UNCOMPRESSED,
    CompressionCodec::SNAPPY,
    CompressionCodec::GZIP,
    CompressionCodec::LZ4,
    CompressionCodec::LZ4_RAW,
    CompressionCodec::ZSTD,
];
/// Column names taken for WKB geometry when a file has no `geo` metadata.
const GEOMETRY_NAMES: [&str; 3] = ["geometry", "geom", "wkb_geometry"];

/// What [`read_parquet`] read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParquetInfo {
    /// Rows handed to the callback.
    pub rows: usize,
    /// Row groups handed to the callback.
    pub row_groups: usize,
    /// The column the geometry came from, `None` when rows have none.
    pub geometry: Option<String>,
    /// Things about the file as a whole: columns skipped or left empty.
    pub notes: Vec<RowNote>,
}

/// One column of the output table: its leaf in the schema and how to print it.
struct Field {
    leaf: usize,
    name: String,
    kind: Kind,
    max_def: i16,
}

/// The WKB geometry column and its coordinate system.
struct GeometryPlan {
    column: String,
    leaf: usize,
    crs: Crs,
}

/// What to read from every row group, and the notes made deciding it.
#[derive(Default)]
struct Plan {
    fields: Vec<Field>,
    geometry: Option<GeometryPlan>,
    notes: Vec<RowNote>,
}

/// Reads a Parquet file one row group at a time, handing each group's rows (indices
/// counted from the start of the file) and its compressed size to `on_group`. When
/// `on_group` returns false reading stops and `Ok` says what was handed over; an error
/// in a later group is returned as `Err` after the earlier groups were handed over.
pub fn read_parquet(
    file: File,
    on_group: &mut dyn FnMut(FeatureTable, u64) -> bool,
) -> Result<ParquetInfo, FormatError> {
    check_magic(&file)?;
    let corrupt = |e| FormatError::file(format!("corrupt Parquet metadata: {e}"));
    let reader = SerializedFileReader::new(file).map_err(corrupt)?;
    check_codecs(&reader)?;
    let plan = plan(&reader)?;
    let mut info = ParquetInfo::default();
    (info.geometry, info.notes) = (
        plan.geometry.as_ref().map(|g| g.column.clone()),
        plan.notes.clone(),
    );
    let groups = reader.num_row_groups();
    for (group, meta) in reader.metadata().row_groups().iter().enumerate() {
        let first = info.rows;
        let fail = |e: String| FormatError::at(first, format!("row group {} of {groups}: {e}", group + 1));
        let rows = usize::try_from(meta.num_rows())
            .ok()
            .filter(|&n| n <= MAX_GROUP_ROWS);
        let rows = rows.ok_or_else(|| fail(format!("impossible row count {}", meta.num_rows())))?;
        let fields = plan.fields.iter().map(|f| f.name.clone()).collect();
        let mut table = FeatureTable {
            fields,
            ..FeatureTable::default()
        };
        // The crate panics on some corrupt pages (bounds asserts deep in its decoders)
        // that cannot be checked without decoding them: such a panic fails the group.
        let read = catch_unwind(AssertUnwindSafe(|| {
            let group_reader = reader.get_row_group(group).map_err(|e| e.to_string())?;
            read_group(&*group_reader, &plan, rows, first, &mut table)
        }));
        let binary = read
            .unwrap_or_else(|panic| Err(panic_text(&*panic)))
            .map_err(fail)?;
        for message in binary.into_iter().map(binary_note) {
            if !info.notes.contains(&message) {
                info.notes.push(message);
            }
        }
        info.rows += rows;
        info.row_groups += 1;
        if !on_group(table, u64::try_from(meta.compressed_size()).unwrap_or(0)) {
            break;
        }
    }
    Ok(info)
}

/// The message of a caught panic.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic.downcast_ref::<String>().map(String::as_str);
    let text = text
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("?");
    format!("corrupt data (the Parquet decoder failed: {text})")
}

/// Refuses files without the Parquet magic at both ends, and encrypted ones.
fn check_magic(mut file: &File) -> Result<(), FormatError> {
    let not_parquet = |_| FormatError::file("not a Parquet file (no PAR1 magic)");
    let (mut head, mut tail) = ([0u8; 4], [0u8; 4]);
    file.read_exact(&mut head).map_err(not_parquet)?;
    let length = file.seek(SeekFrom::End(-4)).map_err(not_parquet)? + 4;
    file.read_exact(&mut tail).map_err(not_parquet)?;
    match (&head, &tail) {
        (b"PAR1", b"PAR1") if length >= 12 => Ok(()),
        (b"PAR1", b"PARE") => Err(FormatError::file("encrypted Parquet files are not supported")),
        _ => Err(not_parquet(io::ErrorKind::InvalidData.into())),
    }
}

/// Refuses codecs this build cannot decompress, naming them, before any page is read.
fn check_codecs(reader: &SerializedFileReader<File>) -> Result<(), FormatError> {
    let mut chunks = reader.metadata().row_groups().iter().flat_map(|g| g.columns());
    let Some(chunk) = chunks.find(|c| !READABLE_CODECS.contains(&c.compression_codec())) else {
        return Ok(());
    };
    Err(FormatError::file(format!(
        "column '{}' is {}-compressed, which borderwatch does not read: re-save with SNAPPY, \
         e.g. df.to_parquet(path, compression='snappy') or ogr2ogr -lco COMPRESSION=SNAPPY",
        chunk.column_path().string(),
        chunk.compression_codec()
    )))
}

/// A note about the file as a whole.
fn note(message: String) -> RowNote {
    RowNote {
        record: None,
        message,
    }
}

/// The note for a column whose values are bytes with no text form.
fn binary_note(name: &str) -> RowNote {
    note(format!(
        "column '{name}' holds binary data: its values are left empty"
    ))
}

/// The text columns, the geometry and file notes, from the schema and `geo` metadata.
fn plan(reader: &SerializedFileReader<File>) -> Result<Plan, FormatError> {
    let meta = reader.metadata().file_metadata();
    let kv = meta.key_value_metadata().map(Vec::as_slice).unwrap_or_default();
    let columns = meta.schema_descr().columns();
    let (geometry, skipped) = match kv.iter().find(|k| k.key == "geo") {
        Some(geo) => geo_metadata_plan(columns, geo.value.as_deref().unwrap_or_default())?,
        None => (sniff_geometry(reader), Vec::new()),
    };
    let mut plan = Plan {
        geometry,
        ..Plan::default()
    };
    for (leaf, col) in columns.iter().enumerate() {
        let root = col.path().parts().first().map(String::as_str).unwrap_or_default();
        // The geometry, the columns `geo` declares, and the pandas index are not fields.
        let index = root.starts_with("__index_level_");
        if plan.geometry.as_ref().is_some_and(|g| g.column == root)
            || skipped.iter().any(|s| s == root)
            || index
        {
            continue;
        }
        if col.max_rep_level() > 0 {
            let message = note(format!("column '{root}' is a list or map: skipped"));
            if !plan.notes.contains(&message) {
                plan.notes.push(message);
            }
            continue;
        }
        // Struct members become `parent.child` columns.
        let (name, kind, max_def) = (col.path().parts().join("."), kind_of(col), col.max_def_level());
        if kind == Kind::Binary {
            plan.notes.push(binary_note(&name));
        }
        plan.fields.push(Field {
            leaf,
            name,
            kind,
            max_def,
        });
    }
    Ok(plan)
}

/// The geometry named by GeoParquet `geo` metadata, and the other columns it declares
/// (further geometries, the bounding-box covering), which are not read as text.
fn geo_metadata_plan(
    columns: &[Arc<ColumnDescriptor>],
    text: &str,
) -> Result<(Option<GeometryPlan>, Vec<String>), FormatError> {
    let bad = |what: &str| FormatError::file(format!("the GeoParquet 'geo' metadata {what}"));
    let geo: Value = serde_json::from_str(text).map_err(|e| bad(&format!("is not JSON: {e}")))?;
    let column = geo["primary_column"].as_str().unwrap_or_default();
    let spec = &geo["columns"][column];
    if !spec.is_object() {
        return Err(bad("does not describe its primary_column"));
    }
    let crs = crs_of(column, &spec["crs"])?;
    let encoding = spec["encoding"].as_str().unwrap_or("none");
    if !encoding.eq_ignore_ascii_case("wkb") {
        return Err(FormatError::file(format!(
            "column '{column}' uses the GeoArrow '{encoding}' encoding; only WKB is read: re-save with \
             WKB geometry (GeoPandas: to_parquet(path, geometry_encoding='WKB'))"
        )));
    }
    let is_column = |c: &Arc<ColumnDescriptor>| c.path().parts() == [column];
    let found = columns
        .iter()
        .position(|c| is_column(c) && c.physical_type() == Physical::BYTE_ARRAY);
    let Some(leaf) = found else {
        return Err(bad(&format!("names '{column}', which is not a binary column")));
    };
    let declared = geo["columns"].as_object().into_iter().flat_map(|c| c.keys());
    let mut skipped: Vec<String> = declared.filter(|name| *name != column).cloned().collect();
    // The GeoParquet 1.1 covering (per-row bounding boxes) only speeds up queries.
    skipped.extend(spec["covering"]["bbox"]["xmin"][0].as_str().map(str::to_owned));
    let plan = GeometryPlan {
        column: column.to_owned(),
        leaf,
        crs,
    };
    Ok((Some(plan), skipped))
}

/// Without `geo` metadata: the first flat binary column named like a geometry whose
/// first value parses as WKB (coordinates then taken as longitude/latitude).
fn sniff_geometry(reader: &SerializedFileReader<File>) -> Option<GeometryPlan> {
    let columns = reader.metadata().file_metadata().schema_descr().columns();
    let leaf = columns.iter().enumerate().position(|(leaf, col)| {
        let named = col.path().parts().len() == 1 && GEOMETRY_NAMES.contains(&col.name());
        let first_is_wkb = || catch_unwind(AssertUnwindSafe(|| first_value_is_wkb(reader, leaf)));
        named && col.physical_type() == Physical::BYTE_ARRAY && first_is_wkb().unwrap_or(false)
    })?;
    let column = columns.get(leaf)?.name().to_owned();
    Some(GeometryPlan {
        column,
        leaf,
        crs: Crs::Degrees,
    })
}

/// Whether the first non-null value of a binary leaf (in the first non-empty group) is WKB.
fn first_value_is_wkb(reader: &SerializedFileReader<File>, leaf: usize) -> bool {
    let groups = reader.metadata().row_groups();
    let Some(group) = groups.iter().position(|g| g.num_rows() > 0) else {
        return true;
    };
    let group = reader.get_row_group(group);
    let column = group.and_then(|g| g.get_column_reader(leaf));
    let Ok(ColumnReader::ByteArrayColumnReader(mut column)) = column else {
        return false;
    };
    let (mut defs, mut values) = (Vec::new(), Vec::new());
    let read = column.read_records(64, Some(&mut defs), None, &mut values);
    read.is_ok() && values.first().is_none_or(|v| read_wkb(v.data()).is_ok())
}

/// The system of a geometry's `crs` (PROJJSON, a code, or null/absent for OGC:CRS84);
/// any but longitude/latitude and Web Mercator is refused, naming it.
fn crs_of(column: &str, crs: &Value) -> Result<Crs, FormatError> {
    let id = if crs["id"].is_object() {
        &crs["id"]
    } else {
        &crs["ids"][0]
    };
    let name = match (crs, &id["authority"], &id["code"]) {
        (Value::Null, _, _) => return Ok(Crs::Degrees),
        (Value::String(text), _, _) => text.clone(),
        (_, Value::String(authority), Value::String(code)) => format!("{authority}:{code}"),
        (_, Value::String(authority), Value::Number(code)) => format!("{authority}:{code}"),
        _ => crs["name"].as_str().unwrap_or("an unnamed CRS").to_owned(),
    };
    let upper = name.trim().to_ascii_uppercase();
    let epsg = upper.strip_prefix("EPSG:").and_then(|code| code.parse().ok());
    match upper.as_str() {
        "OGC:CRS84" | "OGC:CRS84H" | "WGS 84" | "WGS 84 (CRS84)" => Ok(Crs::Degrees),
        "WGS 84 / PSEUDO-MERCATOR" => Ok(Crs::WebMercator),
        _ => epsg.and_then(crs_from_epsg).ok_or_else(|| {
            let how = "reproject to EPSG:4326 first (ogr2ogr -t_srs EPSG:4326 out.parquet in.parquet)";
            FormatError::file(format!("column {column} is in {name}; {how}"))
        }),
    }
}

/// How the values of a leaf column are printed, from its physical and logical types.
fn kind_of(col: &ColumnDescriptor) -> Kind {
    let digits = |unit: &TimeUnit| match unit {
        TimeUnit::MILLIS => 3,
        TimeUnit::MICROS => 6,
        TimeUnit::NANOS => 9,
    };
    let bytes = [Physical::BYTE_ARRAY, Physical::FIXED_LEN_BYTE_ARRAY].contains(&col.physical_type());
    match (col.logical_type_ref(), col.converted_type()) {
        (Some(LogicalType::Decimal(d)), _) => Kind::Decimal(d.scale),
        (None, ConvertedType::DECIMAL) => Kind::Decimal(col.type_scale()),
        (Some(LogicalType::Date), _) | (None, ConvertedType::DATE) => Kind::Date,
        (Some(LogicalType::Timestamp(t)), _) => Kind::Clock(digits(&t.unit), true),
        (Some(LogicalType::Time(t)), _) => Kind::Clock(digits(&t.unit), false),
        (None, ConvertedType::TIMESTAMP_MILLIS) => Kind::Clock(3, true),
        (None, ConvertedType::TIMESTAMP_MICROS) => Kind::Clock(6, true),
        (None, ConvertedType::TIME_MILLIS) => Kind::Clock(3, false),
        (None, ConvertedType::TIME_MICROS) => Kind::Clock(6, false),
        (Some(LogicalType::String | LogicalType::Enum | LogicalType::Json), _) => Kind::Text,
        (None, ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON) => Kind::Text,
        (None, ConvertedType::NONE) if col.physical_type() == Physical::BYTE_ARRAY => Kind::MaybeText,
        _ if bytes => Kind::Binary,
        _ => Kind::Plain,
    }
}

/// The rows of a group being read, made as the first column's values arrive so that
/// a corrupt row count costs nothing until values are really decoded.
struct Rows<'a> {
    table: &'a mut FeatureTable,
    first: usize,
    next: usize,
}

impl Rows<'_> {
    /// The row the next value of the column being read belongs to.
    fn next_row(&mut self) -> &mut FeatureRow {
        if self.next == self.table.rows.len() {
            let values = Vec::with_capacity(self.table.fields.len());
            self.table.rows.push(FeatureRow {
                index: self.first + self.next,
                values,
                geometry: None,
            });
        }
        self.next += 1;
        &mut self.table.rows[self.next - 1]
    }
}

/// Reads one row group into `table`; returns the fields that held undecodable bytes.
fn read_group<'a>(
    group: &dyn RowGroupReader,
    plan: &'a Plan,
    rows: usize,
    first: usize,
    table: &mut FeatureTable,
) -> Result<Vec<&'a str>, String> {
    let mut out = Rows {
        table,
        first,
        next: 0,
    };
    let mut binary = Vec::new();
    for field in &plan.fields {
        let mut saw_binary = false;
        out.next = 0;
        let read = read_field(group, field, rows, &mut out, &mut saw_binary);
        read.map_err(|e| format!("column '{}': {e}", field.name))?;
        binary.extend(saw_binary.then_some(field.name.as_str()));
    }
    if let Some(geometry) = &plan.geometry {
        out.next = 0;
        let read = read_geometry(group, geometry, rows, &mut out);
        read.map_err(|e| format!("column '{}': {e}", geometry.column))?;
    }
    // A group with nothing to read still has its rows.
    while out.table.rows.len() < rows {
        out.next = out.table.rows.len();
        out.next_row();
    }
    Ok(binary)
}

/// Every row's geometry; unreadable WKB leaves `None` and a note.
fn read_geometry(
    group: &dyn RowGroupReader,
    plan: &GeometryPlan,
    rows: usize,
    out: &mut Rows,
) -> Result<(), String> {
    let column = group.get_column_reader(plan.leaf).map_err(|e| e.to_string())?;
    let ColumnReader::ByteArrayColumnReader(reader) = column else {
        return Err("not a binary column".into());
    };
    let max_def = group.metadata().column(plan.leaf).column_descr().max_def_level();
    let mut notes = Vec::new();
    for_each_value(reader, rows, max_def, |value| {
        let row = out.next_row();
        // Web Mercator becomes degrees; a point outside the Earth is an error.
        let geometry = value.map(|bytes| read_wkb(bytes.data())).transpose();
        row.geometry = geometry.and_then(|g| plan.crs.convert(g)).unwrap_or_else(|e| {
            notes.push((row.index, e));
            None
        });
    })?;
    for (record, e) in notes {
        let message = format!("{}: {e}", plan.column);
        out.table.notes.push(RowNote {
            record: Some(record),
            message,
        });
    }
    Ok(())
}

/// Calls `each` with every value of the column chunk in row order, `None` for nulls.
fn for_each_value<T: DataType>(
    mut reader: ColumnReaderImpl<T>,
    rows: usize,
    max_def: i16,
    mut each: impl FnMut(Option<&T::T>),
) -> Result<(), String> {
    let (mut defs, mut values, mut done) = (Vec::new(), Vec::new(), 0);
    while done < rows {
        defs.clear();
        values.clear();
        let batch = (rows - done).min(BATCH);
        let read = reader.read_records(batch, Some(&mut defs), None, &mut values);
        let (records, _, levels) = read.map_err(|e| e.to_string())?;
        if records == 0 {
            return Err(format!("has {done} values for {rows} rows"));
        }
        if max_def == 0 {
            values.iter().for_each(|v| each(Some(v)));
        } else {
            let mut next = values.iter();
            for &def in defs.iter().take(levels) {
                each(if def == max_def { next.next() } else { None });
            }
        }
        done += records;
    }
    Ok(())
}

/// One column of a row group as text into `out`, `binary` set when a value had no text form.
fn read_field(
    group: &dyn RowGroupReader,
    field: &Field,
    rows: usize,
    out: &mut Rows,
    binary: &mut bool,
) -> Result<(), String> {
    let (kind, def) = (field.kind, field.max_def);
    let mut put = |value: Option<String>| out.next_row().values.push(value.filter(|s| !s.is_empty()));
    match group.get_column_reader(field.leaf).map_err(|e| e.to_string())? {
        ColumnReader::BoolColumnReader(r) => for_each_value(r, rows, def, |v| put(v.map(bool::to_string))),
        ColumnReader::Int32ColumnReader(r) => {
            for_each_value(r, rows, def, |v| put(v.map(|&x| integer_text(x.into(), kind))))
        }
        ColumnReader::Int64ColumnReader(r) => {
            for_each_value(r, rows, def, |v| put(v.map(|&x| integer_text(x, kind))))
        }
        ColumnReader::Int96ColumnReader(r) => {
            for_each_value(r, rows, def, |v| put(v.and_then(|x| int96_text(x.data()))))
        }
        ColumnReader::FloatColumnReader(r) => for_each_value(r, rows, def, |v| {
            put(v.filter(|x| !x.is_nan()).map(f32::to_string))
        }),
        ColumnReader::DoubleColumnReader(r) => for_each_value(r, rows, def, |v| {
            put(v.filter(|x| !x.is_nan()).map(f64::to_string))
        }),
        ColumnReader::ByteArrayColumnReader(r) => for_each_value(r, rows, def, |v| {
            put(v.and_then(|b| bytes_text(b.data(), kind, binary)))
        }),
        ColumnReader::FixedLenByteArrayColumnReader(r) => for_each_value(r, rows, def, |v| {
            put(v.and_then(|b| bytes_text(b.data(), kind, binary)))
        }),
    }
}

pub use super::parquet_write::write_geoparquet;

#[cfg(test)]
mod tests {
    use super::super::table::FeatureGeometry;
    use super::*;
    use crate::data::formats::parquet_text::{date_text, datetime_text, decimal_text};
    use crate::data::formats::table::{ColumnKind, PointRow};
    use geo::Coord;
    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;

    /// Rows per written row group, as the writer groups them.
    const GROUP_ROWS: usize = 65_536;
    use parquet::data_type::{BoolType, Int32Type};
    use parquet::file::writer::SerializedRowGroupWriter;
    use parquet::schema::parser::parse_message_type;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh path in the temporary directory, removed when dropped.
    struct TempPath(PathBuf);

    impl TempPath {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            Self(std::env::temp_dir().join(format!("bw-parquet-{}-{n}.parquet", std::process::id())))
        }
        fn write(bytes: &[u8]) -> Self {
            let path = Self::new();
            std::fs::write(&path.0, bytes).expect("write temp file");
            path
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// Reads a whole file, collecting every group.
    fn read_all(path: &TempPath) -> (Result<ParquetInfo, FormatError>, Vec<FeatureTable>) {
        let mut tables = Vec::new();
        let file = File::open(&path.0).expect("open");
        let info = read_parquet(file, &mut |table, _| {
            tables.push(table);
            true
        });
        (info, tables)
    }

    /// Writes a file with the parquet crate directly: `schema` in the Parquet message
    /// syntax, `fill` writing every column of one row group, and key-value metadata.
    fn raw_file(
        schema: &str,
        geo: Option<&str>,
        fill: impl FnOnce(&mut SerializedRowGroupWriter<'_, Vec<u8>>),
    ) -> Vec<u8> {
        let schema = Arc::new(parse_message_type(schema).expect("schema"));
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build(),
        );
        let mut writer = SerializedFileWriter::new(Vec::new(), schema, props).expect("writer");
        let mut group = writer.next_row_group().expect("group");
        fill(&mut group);
        group.close().expect("close group");
        if let Some(geo) = geo {
            writer.append_key_value_metadata(KeyValue::new("geo".into(), geo.to_owned()));
        }
        writer.into_inner().expect("finish")
    }

    /// Writes one column of `group` with the data type `T`.
    fn put<T: DataType>(
        group: &mut SerializedRowGroupWriter<'_, Vec<u8>>,
        values: &[T::T],
        defs: Option<&[i16]>,
    ) {
        let mut column = group.next_column().expect("column").expect("a column left");
        column
            .typed::<T>()
            .write_batch(values, defs, None)
            .expect("write");
        column.close().expect("close column");
    }

    fn wkb_point(x: f64, y: f64) -> ByteArray {
        // Little-endian WKB Point, laid out by hand: order, type 1, x, y.
        let mut bytes = vec![1, 1, 0, 0, 0];
        bytes.extend(x.to_le_bytes());
        bytes.extend(y.to_le_bytes());
        ByteArray::from(bytes)
    }

    fn sample_rows(count: usize) -> Vec<PointRow> {
        (0..count)
            .map(|i| PointRow {
                position: Coord {
                    x: 30.0 + i as f64 * 1e-5 + 1.0 / 3.0,
                    y: 50.0 - i as f64 * 7e-6,
                },
                values: vec![
                    if i % 7 == 0 {
                        String::new()
                    } else {
                        format!("Белгород №{i}")
                    },
                    if i % 5 == 0 {
                        String::new()
                    } else {
                        (i as i64 - 1000).to_string()
                    },
                    if i % 3 == 0 {
                        String::new()
                    } else {
                        (i as f64 / 8.0 + 0.1).to_string()
                    },
                ],
            })
            .collect()
    }

    const COLUMNS: [(&str, ColumnKind); 3] = [
        ("place", ColumnKind::Text),
        ("troops", ColumnKind::Integer),
        ("border_km", ColumnKind::Real),
    ];

    #[test]
    fn written_file_reads_back_across_row_groups() {
        let rows = sample_rows(GROUP_ROWS * 2 + 10);
        let path = TempPath::new();
        let file = File::create(&path.0).expect("create");
        let written = write_geoparquet(file, &COLUMNS, &mut rows.clone().into_iter()).expect("write");
        assert_eq!(written, rows.len());
        let mut sizes = Vec::new();
        let mut tables = Vec::new();
        let info = read_parquet(File::open(&path.0).expect("open"), &mut |table, size| {
            sizes.push(size);
            tables.push(table);
            true
        })
        .expect("read");
        assert_eq!(
            (info.rows, info.row_groups, info.geometry.as_deref()),
            (rows.len(), 3, Some("geometry"))
        );
        assert!(info.notes.is_empty(), "{:?}", info.notes);
        assert!(sizes.iter().all(|&s| s > 0));
        let read: Vec<&FeatureRow> = tables.iter().flat_map(|t| &t.rows).collect();
        assert_eq!(read.len(), rows.len());
        for table in &tables {
            assert_eq!(table.fields, ["place", "troops", "border_km"]);
            assert!(table.notes.is_empty());
        }
        for (i, (got, want)) in read.iter().zip(&rows).enumerate() {
            assert_eq!(got.index, i);
            let Some(FeatureGeometry::Point(p)) = got.geometry else {
                panic!("row {i} has no point")
            };
            assert_eq!(
                (p.x.to_bits(), p.y.to_bits()),
                (want.position.x.to_bits(), want.position.y.to_bits())
            );
            let expected: Vec<Option<String>> = want
                .values
                .iter()
                .map(|v| if v.is_empty() { None } else { Some(v.clone()) })
                .collect();
            assert_eq!(got.values, expected, "row {i}");
        }
    }

    #[test]
    fn unparsable_numbers_fall_back_to_text_or_fail_later() {
        let mut rows = sample_rows(3);
        rows[1].values[1] = "many".into();
        let path = TempPath::new();
        write_geoparquet(
            File::create(&path.0).expect("create"),
            &COLUMNS,
            &mut rows.clone().into_iter(),
        )
        .expect("write");
        let (info, tables) = read_all(&path);
        info.expect("read");
        assert_eq!(tables[0].value(&tables[0].rows[1], "troops"), Some("many"));
        assert_eq!(tables[0].value(&tables[0].rows[2], "troops"), Some("-998"));

        let mut rows = sample_rows(GROUP_ROWS + 2);
        rows[GROUP_ROWS + 1].values[2] = "far".into();
        let error = write_geoparquet(io::sink(), &COLUMNS, &mut rows.into_iter()).expect_err("late text");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(
            error.to_string().contains(&format!("row {}", GROUP_ROWS + 1)),
            "{error}"
        );
        let clash = [("geometry", ColumnKind::Text)];
        assert!(write_geoparquet(io::sink(), &clash, &mut std::iter::empty()).is_err());
    }

    #[test]
    fn empty_write_is_a_valid_file() {
        let path = TempPath::new();
        let written = write_geoparquet(
            File::create(&path.0).expect("create"),
            &COLUMNS,
            &mut std::iter::empty(),
        );
        assert_eq!(written.expect("write"), 0);
        let (info, tables) = read_all(&path);
        assert_eq!(info.expect("read").rows, 0);
        assert!(tables.is_empty());
    }

    #[test]
    fn cancelling_stops_after_the_group() {
        let path = TempPath::new();
        let rows = sample_rows(GROUP_ROWS + 5);
        write_geoparquet(
            File::create(&path.0).expect("create"),
            &COLUMNS,
            &mut rows.into_iter(),
        )
        .expect("write");
        let mut calls = 0;
        let info = read_parquet(File::open(&path.0).expect("open"), &mut |_, _| {
            calls += 1;
            false
        });
        assert_eq!((calls, info.expect("read").row_groups), (1, 1));
    }

    const PLAIN_SCHEMA: &str = "message acled {
        required double latitude; required double longitude;
        optional binary notes (UTF8); optional int32 event_date (DATE);
        optional int64 stamp (TIMESTAMP(MICROS,true)); optional int32 fatalities;
        optional int32 price (DECIMAL(9,2)); optional binary blob; optional boolean civilian;
        optional float share;
        optional group tags (LIST) { repeated group list { optional binary element (UTF8); } }
    }";

    #[test]
    fn plain_file_keeps_lat_lon_and_prints_types() {
        let bytes = raw_file(PLAIN_SCHEMA, None, |g| {
            put::<DoubleType>(g, &[50.6, 51.7, 52.9], None);
            put::<DoubleType>(g, &[36.6, 36.2, 35.1], None);
            put::<ByteArrayType>(g, &["Обстрел".into(), "".into()], Some(&[1, 1, 0]));
            put::<Int32Type>(g, &[0, 18_262, 11_016], Some(&[1, 1, 1]));
            put::<Int64Type>(g, &[1_700_000_000_123_456, -1_000_000], Some(&[1, 1, 0]));
            put::<Int32Type>(g, &[-3, 12], Some(&[1, 0, 1]));
            put::<Int32Type>(g, &[-5, 123_456, 7], Some(&[1, 1, 1]));
            put::<ByteArrayType>(
                g,
                &[ByteArray::from(vec![0xff, 0xfe]), "ok".into()],
                Some(&[1, 0, 1]),
            );
            put::<BoolType>(g, &[true, false], Some(&[1, 1, 0]));
            put::<parquet::data_type::FloatType>(g, &[0.1, f32::NAN], Some(&[1, 0, 1]));
            let mut column = g.next_column().expect("column").expect("tags");
            let tags = ["a".into(), "b".into()];
            column
                .typed::<ByteArrayType>()
                .write_batch(&tags, Some(&[3, 3, 0, 1]), Some(&[0, 1, 0, 0]))
                .expect("tags");
            column.close().expect("close");
        });
        let path = TempPath::write(&bytes);
        let (info, tables) = read_all(&path);
        let info = info.expect("read");
        assert_eq!(info.geometry, None);
        let t = &tables[0];
        assert_eq!(
            t.fields,
            [
                "latitude",
                "longitude",
                "notes",
                "event_date",
                "stamp",
                "fatalities",
                "price",
                "blob",
                "civilian",
                "share"
            ]
        );
        let column = |name: &str| -> Vec<Option<&str>> { t.rows.iter().map(|r| t.value(r, name)).collect() };
        assert_eq!(column("latitude"), [Some("50.6"), Some("51.7"), Some("52.9")]);
        assert_eq!(column("notes"), [Some("Обстрел"), None, None]);
        assert_eq!(
            column("event_date"),
            [Some("1970-01-01"), Some("2020-01-01"), Some("2000-02-29")]
        );
        assert_eq!(
            column("stamp"),
            [
                Some("2023-11-14T22:13:20.123456Z"),
                Some("1969-12-31T23:59:59Z"),
                None
            ]
        );
        assert_eq!(column("fatalities"), [Some("-3"), None, Some("12")]);
        assert_eq!(column("price"), [Some("-0.05"), Some("1234.56"), Some("0.07")]);
        assert_eq!(column("blob"), [None, None, Some("ok")]);
        assert_eq!(column("civilian"), [Some("true"), Some("false"), None]);
        assert_eq!(column("share"), [Some("0.1"), None, None]);
        assert!(t.rows.iter().all(|r| r.geometry.is_none()));
        let notes: Vec<&str> = info.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("'tags'") && n.contains("skipped"))
        );
        assert!(notes.iter().any(|n| n.contains("'blob'") && n.contains("binary")));
    }

    fn geo_file(crs: &str, points: &[(f64, f64)]) -> Vec<u8> {
        let geo = format!(
            r#"{{"version":"1.1.0","primary_column":"geom","columns":{{"geom":{{"encoding":"WKB","crs":{crs}}}}}}}"#
        );
        raw_file(
            "message m { optional binary geom; optional int64 id; }",
            Some(&geo),
            |g| {
                let wkb: Vec<ByteArray> = points.iter().map(|&(x, y)| wkb_point(x, y)).collect();
                let defs = vec![1; points.len()];
                put::<ByteArrayType>(g, &wkb, Some(&defs));
                put::<Int64Type>(g, &(0..points.len() as i64).collect::<Vec<_>>(), Some(&defs));
            },
        )
    }

    #[test]
    fn geo_metadata_crs_is_checked() {
        let utm = r#"{"type":"ProjectedCRS","name":"WGS 84 / UTM zone 36N","id":{"authority":"EPSG","code":32636}}"#;
        let path = TempPath::write(&geo_file(utm, &[(500_000.0, 5_600_000.0)]));
        let error = read_all(&path).0.expect_err("UTM refused");
        assert!(
            error.message.contains("EPSG:32636") && error.message.contains("ogr2ogr"),
            "{}",
            error.message
        );

        for fine in [
            "null",
            r#""OGC:CRS84""#,
            r#"{"name":"WGS 84","id":{"authority":"EPSG","code":4326}}"#,
        ] {
            let path = TempPath::write(&geo_file(fine, &[(36.5, 50.5)]));
            let (info, tables) = read_all(&path);
            assert_eq!(info.expect("lon/lat").geometry.as_deref(), Some("geom"));
            assert_eq!(
                tables[0].rows[0].geometry,
                Some(FeatureGeometry::Point(Coord { x: 36.5, y: 50.5 }))
            );
            assert_eq!(tables[0].fields, ["id"]);
        }

        // Web Mercator is unprojected: metres computed here with the forward formula.
        let (lon, lat) = (36.587_f64, 50.595_f64);
        let radius = 6_378_137.0;
        let x = radius * lon.to_radians();
        let y = radius * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0).tan().ln();
        let mercator = r#"{"id":{"authority":"EPSG","code":3857}}"#;
        let path = TempPath::write(&geo_file(mercator, &[(x, y)]));
        let (_, tables) = read_all(&path);
        let Some(FeatureGeometry::Point(p)) = tables[0].rows[0].geometry else {
            panic!("no point")
        };
        assert!((p.x - lon).abs() < 1e-9 && (p.y - lat).abs() < 1e-9, "{p:?}");
    }

    #[test]
    fn bad_wkb_is_a_row_note_and_geoarrow_encodings_refused() {
        let geo =
            r#"{"version":"1.0.0","primary_column":"geometry","columns":{"geometry":{"encoding":"WKB"}}}"#;
        let bytes = raw_file("message m { optional binary geometry; }", Some(geo), |g| {
            let values = [wkb_point(1.0, 2.0), ByteArray::from(vec![1, 1, 0])];
            put::<ByteArrayType>(g, &values, Some(&[1, 1, 0]));
        });
        let (info, tables) = read_all(&TempPath::write(&bytes));
        info.expect("read");
        assert_eq!(tables[0].rows[1].geometry, None);
        assert_eq!(tables[0].rows[2].geometry, None);
        assert_eq!(tables[0].notes.len(), 1);
        assert_eq!(tables[0].notes[0].record, Some(1));

        let geo =
            r#"{"version":"1.1.0","primary_column":"geometry","columns":{"geometry":{"encoding":"point"}}}"#;
        let schema = "message m { optional group geometry { required double x; required double y; } }";
        let bytes = raw_file(schema, Some(geo), |g| {
            put::<DoubleType>(g, &[36.0], Some(&[1, 0]));
            put::<DoubleType>(g, &[51.0], Some(&[1, 0]));
        });
        let error = read_all(&TempPath::write(&bytes)).0.expect_err("native points");
        assert!(
            error.message.contains("'point'") && error.message.contains("WKB"),
            "{}",
            error.message
        );
        let polygons = geo.replace("point", "polygon");
        let bytes = raw_file("message m { optional binary geometry; }", Some(&polygons), |g| {
            put::<ByteArrayType>(g, &[], Some(&[0]));
        });
        let error = read_all(&TempPath::write(&bytes))
            .0
            .expect_err("polygon encoding");
        assert!(
            error.message.contains("'polygon'") && error.message.contains("WKB"),
            "{}",
            error.message
        );
    }

    #[test]
    fn wkb_column_without_metadata_is_found_by_name() {
        let bytes = raw_file(
            "message m { optional binary wkb_geometry; optional binary name (UTF8); }",
            None,
            |g| {
                put::<ByteArrayType>(g, &[wkb_point(39.0, 47.0)], Some(&[1]));
                put::<ByteArrayType>(g, &["Ростов".into()], Some(&[1]));
            },
        );
        let (info, tables) = read_all(&TempPath::write(&bytes));
        assert_eq!(info.expect("read").geometry.as_deref(), Some("wkb_geometry"));
        assert_eq!(tables[0].fields, ["name"]);
        assert_eq!(
            tables[0].rows[0].geometry,
            Some(FeatureGeometry::Point(Coord { x: 39.0, y: 47.0 }))
        );
        // A column so named that is not WKB stays an ordinary field.
        let bytes = raw_file("message m { optional binary geometry; }", None, |g| {
            put::<ByteArrayType>(g, &["POINT (1 2)".into()], Some(&[1]));
        });
        let (info, tables) = read_all(&TempPath::write(&bytes));
        assert_eq!(info.expect("read").geometry, None);
        assert_eq!(
            tables[0].value(&tables[0].rows[0], "geometry"),
            Some("POINT (1 2)")
        );
    }

    #[test]
    fn non_parquet_and_damaged_files_are_errors_not_panics() {
        for junk in [&b""[..], b"PAR1", b"hello, world", b"PAR1\0\0\0\0\0\0\0\0PAR1"] {
            let error = read_all(&TempPath::write(junk)).0.expect_err("junk");
            assert!(error.message.contains("Parquet"), "{}", error.message);
        }
        assert_eq!(
            read_all(&TempPath::write(b"id,lat\n1,2\n"))
                .0
                .expect_err("csv")
                .message,
            "not a Parquet file (no PAR1 magic)"
        );
        let bytes = raw_file(PLAIN_SCHEMA, None, |g| {
            put::<DoubleType>(g, &[50.6, 51.7], None);
            put::<DoubleType>(g, &[36.6, 36.2], None);
            put::<ByteArrayType>(g, &["a".into()], Some(&[1, 0]));
            put::<Int32Type>(g, &[1, 2], Some(&[1, 1]));
            put::<Int64Type>(g, &[3], Some(&[1, 0]));
            put::<Int32Type>(g, &[4, 5], Some(&[1, 1]));
            put::<Int32Type>(g, &[6], Some(&[0, 1]));
            put::<ByteArrayType>(g, &["b".into()], Some(&[0, 1]));
            put::<BoolType>(g, &[true, true], Some(&[1, 1]));
            put::<parquet::data_type::FloatType>(g, &[1.5], Some(&[1, 0]));
            let mut column = g.next_column().expect("column").expect("tags");
            column
                .typed::<ByteArrayType>()
                .write_batch(&["c".into()], Some(&[3, 0]), Some(&[0, 0]))
                .expect("tags");
            column.close().expect("close");
        });
        let geo = geo_file("null", &[(1.0, 2.0), (3.0, 4.0)]);
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/types.parquet");
        let fixture = std::fs::read(fixture).expect("fixture");
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for sample in [bytes, geo, fixture] {
            // Cut short, and with 7 bytes cut out of the middle (the footer then points
            // at the wrong places); then bits flipped at random.
            for len in (0..sample.len()).step_by(1 + sample.len() / 3000) {
                let _ = read_all(&TempPath::write(&sample[..len]));
                let spliced = [&sample[..len], sample.get(len + 7..).unwrap_or_default()].concat();
                let _ = read_all(&TempPath::write(&spliced));
            }
            for _ in 0..3_000 {
                let mut damaged = sample.clone();
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let bit = (seed % (damaged.len() as u64 * 8)) as usize;
                damaged[bit / 8] ^= 1 << (bit % 8);
                let _ = read_all(&TempPath::write(&damaged));
            }
        }
    }

    #[test]
    fn geopandas_file_reads_with_every_type() {
        // Written by GeoPandas/pyarrow (scripts/make_format_fixtures.py); the expected
        // values are the script's inputs, dates and instants as Python prints them.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/types.parquet");
        let mut tables = Vec::new();
        let info = read_parquet(File::open(path).expect("fixture"), &mut |table, _| {
            tables.push(table);
            true
        })
        .expect("read");
        assert_eq!(
            (info.rows, info.row_groups, info.geometry.as_deref()),
            (6, 2, Some("geometry"))
        );
        let notes: Vec<&str> = info.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes, ["column 'tags' is a list or map: skipped"]);
        let t = &tables[0];
        let fields = [
            "place",
            "troops",
            "border_km",
            "day",
            "seen",
            "kind",
            "cost",
            "confirmed",
        ];
        assert_eq!(t.fields, fields);
        let rows: Vec<&FeatureRow> = tables.iter().flat_map(|t| &t.rows).collect();
        assert_eq!(
            rows.iter().map(|r| r.index).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        let column = |name: &str| -> Vec<Option<&str>> { rows.iter().map(|r| t.value(r, name)).collect() };
        let place = [
            Some("Суджа"),
            Some("Belgorod"),
            None,
            Some("Курск"),
            None,
            Some("Rostov-on-Don"),
        ];
        assert_eq!(column("place"), place);
        assert_eq!(
            column("troops"),
            [Some("3000"), None, Some("0"), Some("-5"), Some("40000"), None]
        );
        let km = [
            Some("12.5"),
            Some("0.1"),
            None,
            Some("0.0000001"),
            Some("250"),
            Some("3"),
        ];
        assert_eq!(column("border_km"), km);
        let days = [
            "2024-08-06",
            "2025-08-07",
            "2026-08-08",
            "2027-08-09",
            "2028-08-09",
            "2029-08-10",
        ];
        assert_eq!(column("day"), days.map(Some));
        let seen = [
            Some("2024-08-06T05:30:15.25Z"),
            Some("1969-12-31T23:59:59Z"),
            None,
            Some("2000-02-29T12:00:00Z"),
            Some("2024-01-01T00:00:00.000001Z"),
            Some("2022-02-24T03:00:00Z"),
        ];
        assert_eq!(column("seen"), seen);
        let kind = [
            Some("drone"),
            Some("shelling"),
            Some("drone"),
            None,
            Some("shelling"),
            Some("drone"),
        ];
        assert_eq!(column("kind"), kind);
        let cost = [
            Some("12.34"),
            Some("-0.05"),
            None,
            Some("1000.00"),
            Some("0.00"),
            Some("7.10"),
        ];
        assert_eq!(column("cost"), cost);
        let confirmed = [
            Some("true"),
            Some("false"),
            None,
            Some("true"),
            Some("false"),
            Some("true"),
        ];
        assert_eq!(column("confirmed"), confirmed);
        for (i, row) in rows.iter().enumerate() {
            let want = Coord {
                x: 35.1 + i as f64 / 8.0,
                y: 50.2 + i as f64 / 16.0,
            };
            assert_eq!(row.geometry, Some(FeatureGeometry::Point(want)), "row {i}");
        }
    }

    #[test]
    fn dates_and_decimals_print_like_calendars_do() {
        assert_eq!(date_text(-719_468), "0000-03-01");
        assert_eq!(date_text(-1), "1969-12-31");
        assert_eq!(date_text(19_723), "2024-01-01");
        assert_eq!(
            datetime_text(951_782_400 + 86_399, 500_000_000),
            "2000-02-29T23:59:59.5Z"
        );
        assert_eq!(decimal_text(-12_345, 3), "-12.345");
        assert_eq!(decimal_text(5, 4), "0.0005");
        assert_eq!(decimal_text(42, 0), "42");
    }
}
