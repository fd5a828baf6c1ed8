//! Writing events in the GIS formats: a GeoPackage point table, KML or KMZ
//! placemarks, GeoParquet. Every format gets the CSV export's columns
//! (region, distance, sources) with the point as the geometry in place of
//! `lat` and `lon`, so each loads back as the same events.

use std::io::{self, Write};
use std::path::Path;

use crate::data::formats::table::{ColumnKind, PointRow};
use crate::data::formats::{geopackage, kml, parquet};
use crate::data::{EventSet, RegionSet};
use crate::export_fields::{CSV_COLUMNS, csv_record};

/// The name of the table (GeoPackage) or document (KML) written.
pub const LAYER_NAME: &str = "events";

/// The columns written: the CSV columns without `lat` and `lon`, typed.
pub fn gis_columns() -> Vec<(&'static str, ColumnKind)> {
    CSV_COLUMNS
        .iter()
        .filter(|name| !matches!(**name, "lat" | "lon"))
        .map(|name| {
            let kind = match *name {
                "troops" => ColumnKind::Integer,
                "border_km" => ColumnKind::Real,
                _ => ColumnKind::Text,
            };
            (*name, kind)
        })
        .collect()
}

/// The events at `indices` as point rows of [`gis_columns`].
fn point_rows<'a>(
    events: &'a EventSet,
    regions: &'a RegionSet,
    indices: impl IntoIterator<Item = usize> + 'a,
) -> impl Iterator<Item = PointRow> + 'a {
    indices.into_iter().filter_map(move |index| {
        let event = events.get(index)?;
        let values = CSV_COLUMNS
            .iter()
            .zip(csv_record(events, regions, event))
            .filter(|(name, _)| !matches!(**name, "lat" | "lon"))
            .map(|(_, value)| value)
            .collect();
        Some(PointRow {
            position: event.position,
            values,
        })
    })
}

/// Writes the events as KML, or as KMZ when `zipped`, to `out`.
pub fn write_kml_events(
    events: &EventSet,
    regions: &RegionSet,
    indices: impl IntoIterator<Item = usize>,
    zipped: bool,
    out: &mut impl Write,
) -> io::Result<usize> {
    let columns: Vec<&str> = gis_columns().into_iter().map(|(name, _)| name).collect();
    let mut rows = point_rows(events, regions, indices);
    if !zipped {
        return kml::write_kml(out, LAYER_NAME, &columns, &mut rows);
    }
    let mut document = Vec::new();
    let written = kml::write_kml(&mut document, LAYER_NAME, &columns, &mut rows)?;
    out.write_all(&kml::kmz_bytes(&document)?)?;
    Ok(written)
}

/// Writes the events as a GeoPackage at `path` (a new file: the caller
/// renames it into place).
pub fn write_gpkg_events(
    events: &EventSet,
    regions: &RegionSet,
    indices: impl IntoIterator<Item = usize>,
    path: &Path,
) -> io::Result<usize> {
    let mut rows = point_rows(events, regions, indices);
    geopackage::write_gpkg(path, LAYER_NAME, &gis_columns(), &mut rows)
        .map_err(|e| io::Error::other(e.message))
}

/// Writes the events as GeoParquet at `path` (a new file: the caller
/// renames it into place).
pub fn write_parquet_events(
    events: &EventSet,
    regions: &RegionSet,
    indices: impl IntoIterator<Item = usize>,
    path: &Path,
) -> io::Result<usize> {
    let mut rows = point_rows(events, regions, indices);
    parquet::write_geoparquet(std::fs::File::create(path)?, &gis_columns(), &mut rows)
}
