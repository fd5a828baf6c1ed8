//! Writing events as GeoParquet 1.1: a WKB `geometry` column of points and
//! typed columns, streamed in row groups (the reader is `parquet.rs`).

use std::io::{self, Write};
use std::sync::Arc;

use geo::Coord;
use parquet::basic::{Compression, ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::types::Type;
use serde_json::json;

use super::table::{ColumnKind, PointRow};
use super::wkb::write_point_wkb;

/// Rows per written row group: small enough to buffer, large enough to compress well.
const GROUP_ROWS: usize = 65_536;

/// Writes points as a GeoParquet 1.1 file: a WKB `geometry` column, then one optional
/// column per entry of `columns` (Text: UTF-8; Integer: INT64; Real: DOUBLE; empty
/// text is null), SNAPPY-compressed, in row groups of 65 536 rows streamed from `rows`.
/// Returns the rows written. An Integer or Real column with a value that does not
/// parse in the first row group is written as Text; such a value in a later group
/// fails with `InvalidData` naming the row, as the schema is then already written.
pub fn write_geoparquet<W: Write + Send>(
    out: W,
    columns: &[(&str, ColumnKind)],
    rows: &mut dyn Iterator<Item = PointRow>,
) -> io::Result<usize> {
    let mut group: Vec<PointRow> = rows.take(GROUP_ROWS).collect();
    let parses = |i: usize, kind| {
        group
            .iter()
            .all(|row| parse_value(row.values.get(i), kind).is_ok())
    };
    let kinds: Vec<ColumnKind> = (columns.iter().enumerate())
        .map(|(i, &(_, kind))| if parses(i, kind) { kind } else { ColumnKind::Text })
        .collect();
    let properties = WriterProperties::builder().set_compression(Compression::SNAPPY);
    let properties = Arc::new(properties.set_created_by("borderwatch".into()).build());
    let schema = Arc::new(write_schema(columns, &kinds)?);
    let mut writer = SerializedFileWriter::new(out, schema, properties).map_err(io::Error::other)?;
    let (mut written, mut bbox) = (0, [f64::MAX, f64::MAX, f64::MIN, f64::MIN]);
    while !group.is_empty() {
        write_group(&mut writer, columns, &kinds, &group, written)?;
        for Coord { x, y } in group.iter().map(|row| row.position) {
            if x.is_finite() && y.is_finite() {
                bbox = [bbox[0].min(x), bbox[1].min(y), bbox[2].max(x), bbox[3].max(y)];
            }
        }
        written += group.len();
        group.clear();
        group.extend(rows.take(GROUP_ROWS));
    }
    let mut geometry = json!({"encoding": "WKB", "geometry_types": ["Point"]});
    if bbox[0] <= bbox[2] {
        geometry["bbox"] = json!(bbox);
    }
    let geo = json!({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": geometry}});
    writer.append_key_value_metadata(KeyValue::new("geo".to_owned(), geo.to_string()));
    writer.close().map_err(io::Error::other)?;
    Ok(written)
}

/// The schema: a required `geometry`, then the columns as typed, each optional.
fn write_schema(columns: &[(&str, ColumnKind)], kinds: &[ColumnKind]) -> io::Result<Type> {
    let geometry = Type::primitive_type_builder("geometry", Physical::BYTE_ARRAY);
    let geometry = geometry.with_repetition(Repetition::REQUIRED).build();
    let mut fields = vec![Arc::new(geometry.map_err(io::Error::other)?)];
    for (i, (&(name, _), kind)) in columns.iter().zip(kinds).enumerate() {
        if name == "geometry" || columns[..i].iter().any(|(earlier, _)| *earlier == name) {
            let message = format!("column name '{name}' is used twice (the points are 'geometry')");
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        let builder = match kind {
            ColumnKind::Text => Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                .with_logical_type(Some(LogicalType::String))
                .with_converted_type(ConvertedType::UTF8),
            ColumnKind::Integer => Type::primitive_type_builder(name, Physical::INT64),
            ColumnKind::Real => Type::primitive_type_builder(name, Physical::DOUBLE),
        };
        let field = builder.with_repetition(Repetition::OPTIONAL).build();
        fields.push(Arc::new(field.map_err(io::Error::other)?));
    }
    let schema = Type::group_type_builder("schema").with_fields(fields).build();
    schema.map_err(io::Error::other)
}

/// A value parsed for its column: `None` for empty (null), `Err` when it does not parse.
fn parse_value(text: Option<&String>, kind: ColumnKind) -> Result<Option<(i64, f64)>, ()> {
    let text = text.map(String::as_str).unwrap_or_default();
    match kind {
        _ if text.is_empty() => Ok(None),
        ColumnKind::Text => Ok(Some((0, 0.0))),
        ColumnKind::Integer => text.trim().parse().map(|v| Some((v, 0.0))).map_err(|_| ()),
        ColumnKind::Real => text.trim().parse().map(|v| Some((0, v))).map_err(|_| ()),
    }
}

/// Writes the next column of a row group being written.
fn write_column<W: Write + Send>(
    group: &mut SerializedRowGroupWriter<'_, W>,
    write: impl FnOnce(&mut SerializedColumnWriter<'_>) -> parquet::errors::Result<usize>,
) -> io::Result<()> {
    let column = group.next_column().map_err(io::Error::other)?;
    let mut column = column.ok_or_else(|| io::Error::other("the schema has fewer columns than written"))?;
    write(&mut column).map_err(io::Error::other)?;
    column.close().map_err(io::Error::other)
}

/// Writes one row group: the WKB points, then each column with its nulls.
fn write_group<W: Write + Send>(
    writer: &mut SerializedFileWriter<W>,
    columns: &[(&str, ColumnKind)],
    kinds: &[ColumnKind],
    rows: &[PointRow],
    first: usize,
) -> io::Result<()> {
    let mut group = writer.next_row_group().map_err(io::Error::other)?;
    let mut wkb = Vec::with_capacity(21);
    let mut point = |row: &PointRow| {
        wkb.clear();
        write_point_wkb(&mut wkb, row.position);
        ByteArray::from(wkb.as_slice())
    };
    let points: Vec<ByteArray> = rows.iter().map(&mut point).collect();
    write_column(&mut group, |c| {
        c.typed::<ByteArrayType>().write_batch(&points, None, None)
    })?;
    for (i, (&kind, &(name, _))) in kinds.iter().zip(columns).enumerate() {
        let (mut defs, mut texts, mut integers, mut reals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (r, row) in rows.iter().enumerate() {
            let value = row.values.get(i);
            let parsed = parse_value(value, kind).map_err(|()| {
                let text = value.map(String::as_str).unwrap_or_default();
                let message = format!("row {}: column '{name}': '{text}' is not a {kind:?}", first + r);
                io::Error::new(io::ErrorKind::InvalidData, message)
            })?;
            defs.push(i16::from(parsed.is_some()));
            match (parsed, kind) {
                (Some(_), ColumnKind::Text) => texts.extend(value.map(|t| ByteArray::from(t.as_str()))),
                (Some((v, _)), ColumnKind::Integer) => integers.push(v),
                (Some((_, v)), ColumnKind::Real) => reals.push(v),
                (None, _) => {}
            }
        }
        write_column(&mut group, |c| match kind {
            ColumnKind::Text => c.typed::<ByteArrayType>().write_batch(&texts, Some(&defs), None),
            ColumnKind::Integer => c.typed::<Int64Type>().write_batch(&integers, Some(&defs), None),
            ColumnKind::Real => c.typed::<DoubleType>().write_batch(&reals, Some(&defs), None),
        })?;
    }
    group.close().map_err(io::Error::other)?;
    Ok(())
}
