//! The formats GIS people exchange, beside GeoJSON and CSV: GeoPackage,
//! KML/KMZ, Shapefile (loose or zipped) and (Geo)Parquet. Each reader gives
//! a [`table::FeatureTable`]; events and region layers are made from it by
//! `events::read::features` and `regions::layer`, with the same rules and
//! messages as the other formats. This module chooses the reader by the
//! file's extension and the layer when a file holds several.

pub mod crs;
pub mod dbf;
pub mod geopackage;
pub mod kml;
pub mod parquet;
mod parquet_text;
pub mod parquet_write;
pub mod shapefile;
pub mod table;
pub mod wkb;

use std::path::Path;

use crate::data::container::Container;
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use table::{FeatureGeometry, FeatureTable, FormatError, RowNote, gather_groups};

/// A GIS format borderwatch reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GisFormat {
    /// `.gpkg`.
    GeoPackage,
    /// `.kml`.
    Kml,
    /// `.kmz`: zipped KML.
    Kmz,
    /// `.shp` with its `.dbf` (and `.prj`, `.cpg`) beside it.
    Shapefile,
    /// `.zip` holding one or more Shapefiles.
    ShapefileZip,
    /// `.parquet` / `.geoparquet`.
    Parquet,
}

/// What a layer is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerUse {
    /// Events: points (or rows with coordinate fields).
    Events,
    /// A region layer: polygons.
    Regions,
}

impl LayerUse {
    fn noun(self) -> &'static str {
        match self {
            Self::Events => "point",
            Self::Regions => "polygon",
        }
    }

    fn fits(self, geometry: &FeatureGeometry) -> bool {
        match self {
            Self::Events => matches!(geometry, FeatureGeometry::Point(_)),
            Self::Regions => matches!(geometry, FeatureGeometry::Polygons(_)),
        }
    }

    /// Whether a feature of `table` has the geometry this use needs.
    fn found_in(self, table: &FeatureTable) -> bool {
        table
            .rows
            .iter()
            .any(|r| r.geometry.as_ref().is_some_and(|g| self.fits(g)))
    }
}

/// The names of a GeoPackage's feature tables that declare what `wanted` needs.
fn gpkg_layer_names(layers: &[geopackage::GpkgLayer], wanted: LayerUse) -> Vec<String> {
    layers
        .iter()
        .filter(|layer| match wanted {
            LayerUse::Events => layer.has_points(),
            LayerUse::Regions => layer.has_polygons(),
        })
        .map(|layer| layer.table.clone())
        .collect()
}

/// The names of the `tables` (a zip's Shapefiles) that hold what `wanted` needs.
fn fitting_layers(tables: &[FeatureTable], wanted: LayerUse) -> Vec<String> {
    tables
        .iter()
        .filter(|t| wanted.found_in(t))
        .map(|t| t.name.clone())
        .collect()
}

impl GisFormat {
    /// The format of the file at `path`, by its extension; `None` for
    /// GeoJSON, JSON, CSV and anything else.
    pub fn of(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "gpkg" => Some(Self::GeoPackage),
            "kml" => Some(Self::Kml),
            "kmz" => Some(Self::Kmz),
            "shp" => Some(Self::Shapefile),
            "zip" => Some(Self::ShapefileZip),
            "parquet" | "geoparquet" => Some(Self::Parquet),
            _ => None,
        }
    }

    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::GeoPackage => "GeoPackage",
            Self::Kml => "KML",
            Self::Kmz => "KMZ",
            Self::Shapefile | Self::ShapefileZip => "Shapefile",
            Self::Parquet => "Parquet",
        }
    }

    /// What the format's records are called in messages.
    pub fn container(self) -> Container {
        match self {
            Self::GeoPackage | Self::Parquet => Container::TableRows,
            Self::Kml | Self::Kmz => Container::Placemarks,
            Self::Shapefile | Self::ShapefileZip => Container::ShapeRecords,
        }
    }
}

/// A reader's error as a load error naming the file and the record.
pub fn load_error(file: &str, format: GisFormat, error: FormatError) -> LoadError {
    let mut location = Location::file(file);
    if let Some(record) = error.record {
        location = location.record(format.container().collection(), record);
    }
    LoadError::new(location, Problem::Invalid(error.message))
}

/// A reader's notes as warnings naming the file and the record.
pub fn note_messages(file: &str, format: GisFormat, notes: Vec<RowNote>) -> Vec<Diagnostic> {
    notes
        .into_iter()
        .map(|note| {
            let mut location = Location::file(file);
            if let Some(record) = note.record {
                location = location.record(format.container().collection(), record);
            }
            Diagnostic::warning(location, note.message)
        })
        .collect()
}

/// The layers of the file at `path` that can hold what `wanted` needs, by
/// name: a GeoPackage's feature tables declaring points (or polygons), a
/// zip's Shapefiles; one unnamed layer for the other formats.
pub fn layer_names(path: &Path, format: GisFormat, wanted: LayerUse) -> Result<Vec<String>, FormatError> {
    match format {
        GisFormat::GeoPackage => Ok(gpkg_layer_names(&geopackage::gpkg_layers(path)?, wanted)),
        GisFormat::ShapefileZip => Ok(fitting_layers(
            &shapefile::read_shapefile_zip(&read_bytes(path)?)?,
            wanted,
        )),
        _ => Ok(vec![String::new()]),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|e| FormatError::file(format!("cannot read the file: {e}")))
}

/// The one of `layers` to read: `wanted` when it names one, the only one,
/// or an error listing them.
fn choose_layer(layers: &[String], layer: Option<&str>, wanted: LayerUse) -> Result<String, FormatError> {
    let listed = || {
        layers
            .iter()
            .map(|l| format!("\"{l}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (layer, layers) {
        (Some(name), _) if layers.iter().any(|l| l == name) => Ok(name.to_string()),
        (Some(name), _) => Err(FormatError::file(format!(
            "no {} layer \"{name}\"; it has: {}",
            wanted.noun(),
            if layers.is_empty() {
                "none".into()
            } else {
                listed()
            }
        ))),
        (None, [only]) => Ok(only.clone()),
        (None, []) => Err(FormatError::file(format!(
            "no {} layer in the file",
            wanted.noun()
        ))),
        (None, _) => Err(FormatError::file(format!(
            "{} {} layers ({}): choose one with --layer NAME, or in the window's dialog",
            layers.len(),
            wanted.noun(),
            listed()
        ))),
    }
}

/// The name of the layer of the file at `path` to read for `wanted`: the
/// one `layer` names, or the only one.
pub fn chosen_layer(
    path: &Path,
    format: GisFormat,
    wanted: LayerUse,
    layer: Option<&str>,
) -> Result<String, FormatError> {
    choose_layer(&layer_names(path, format, wanted)?, layer, wanted)
}

/// Reads the layer of the file at `path` that `wanted` needs; `layer`
/// names it when the file holds several. Parquet is read whole here (the
/// event reader streams it instead).
pub fn read_layer(
    path: &Path,
    format: GisFormat,
    wanted: LayerUse,
    layer: Option<&str>,
) -> Result<FeatureTable, FormatError> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let mut table = match format {
        GisFormat::GeoPackage => {
            geopackage::read_gpkg_table(path, &chosen_layer(path, format, wanted, layer)?)?
        }
        GisFormat::Kml => kml::read_kml(&read_bytes(path)?)?,
        GisFormat::Kmz => kml::read_kmz(&read_bytes(path)?)?,
        GisFormat::Shapefile => shapefile::read_shapefile_path(path)?,
        GisFormat::ShapefileZip => {
            let tables = shapefile::read_shapefile_zip(&read_bytes(path)?)?;
            let name = choose_layer(&fitting_layers(&tables, wanted), layer, wanted)?;
            tables
                .into_iter()
                .find(|t| t.name == name)
                .ok_or_else(|| FormatError::file(format!("no layer \"{name}\"")))?
        }
        GisFormat::Parquet => read_parquet_whole(path)?,
    };
    if table.name.is_empty() {
        table.name = stem.to_string();
    }
    Ok(table)
}

/// Every row group of a Parquet file in one table.
fn read_parquet_whole(path: &Path) -> Result<FeatureTable, FormatError> {
    let file =
        std::fs::File::open(path).map_err(|e| FormatError::file(format!("cannot read the file: {e}")))?;
    gather_groups(|on_group| parquet::read_parquet(file, on_group).map(|info| info.notes))
}

/// What the file at `path` is for (events when it has points, a region
/// layer when it has only polygons) and its layers of that kind: what
/// opening it in the window decides from, and what it asks about when
/// there are several.
pub fn file_use(path: &Path, format: GisFormat) -> Result<(LayerUse, Vec<String>), FormatError> {
    // Both lists from one read of the file; a file with points is read for its events.
    let (points, polygons) = match format {
        GisFormat::GeoPackage => {
            let layers = geopackage::gpkg_layers(path)?;
            let names = |wanted| gpkg_layer_names(&layers, wanted);
            (names(LayerUse::Events), names(LayerUse::Regions))
        }
        GisFormat::ShapefileZip => {
            let tables = shapefile::read_shapefile_zip(&read_bytes(path)?)?;
            let names = |wanted| fitting_layers(&tables, wanted);
            (names(LayerUse::Events), names(LayerUse::Regions))
        }
        _ => return single_layer_use(path, format),
    };
    Ok(if points.is_empty() {
        (LayerUse::Regions, polygons)
    } else {
        (LayerUse::Events, points)
    })
}

/// [`file_use`] of a format with one layer: Parquet is read for events;
/// KML and a Shapefile for events unless they hold only polygons.
fn single_layer_use(path: &Path, format: GisFormat) -> Result<(LayerUse, Vec<String>), FormatError> {
    let wanted = if format == GisFormat::Parquet {
        LayerUse::Events
    } else {
        let table = read_layer(path, format, LayerUse::Events, None)?;
        if LayerUse::Regions.found_in(&table) && !LayerUse::Events.found_in(&table) {
            LayerUse::Regions
        } else {
            LayerUse::Events
        }
    };
    Ok((wanted, vec![String::new()]))
}
