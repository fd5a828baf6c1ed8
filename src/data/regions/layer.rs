//! Reading region layers from GeoJSON and the GIS formats: a layer is one file. Features of a
//! layer that share an `id` property form one region (Crimea is the Republic
//! of Crimea feature plus the Sevastopol one); a file with a single unnamed
//! feature is a region named after the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, GeodesicArea, InteriorPoint, MultiPolygon};
use geojson::JsonObject;
use serde_json::Value;

use super::antimeridian::{split_at_antimeridian, unsplit_crossing};
use super::context::ContextLayer;
use super::geojson::{FeatureGeometry, GeoFeature, GeoFile, read_geojson};
use super::names;
use super::region::{LayerRegions, Region, RegionId, RegionLayer, RegionSet};
use crate::data::bundled;
use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::formats::table::FeatureTable;
use crate::data::formats::{GisFormat, LayerUse, load_error, note_messages, read_layer};

impl RegionSet {
    /// The five bundled layers: Bryansk, Belgorod, Voronezh, Rostov, Crimea,
    /// with the bundled context as the land around them.
    pub fn bundled() -> Result<Self, LoadError> {
        let (set, warnings) = Self::from_layers(bundled_layers()?);
        let set = set.with_land(&ContextLayer::bundled()?);
        match warnings.into_iter().next() {
            // The bundled data is ours: a warning about it is a bug worth failing on.
            Some(warning) => Err(LoadError::new(
                warning.location,
                Problem::Invalid(warning.message),
            )),
            None => Ok(set),
        }
    }
}

/// The five bundled layers, read, in drawing order.
pub fn bundled_layers() -> Result<Vec<LayerRegions>, LoadError> {
    bundled::REGION_LAYERS
        .iter()
        .map(|(id, text)| {
            let file = format!("bundled:assets/regions/{id}.geojson");
            read_region_layer(&file, id, text.as_bytes())
        })
        .collect()
}

/// Region layers read from files, with what went wrong.
#[derive(Debug, Default)]
pub struct LayersRead {
    /// The layers that loaded, in order.
    pub layers: Vec<LayerRegions>,
    /// Each layer's warnings and each failed file's error.
    pub messages: Vec<Diagnostic>,
    /// Files (or folders) that could not be used at all.
    pub failed: usize,
}

/// Reads the region layers at `paths` (folders expanded to their GeoJSON,
/// GeoPackage, KML/KMZ, Shapefile and zip files); `layer` chooses among a
/// file's layers (`--layer`). A file that fails is left out, counted, with
/// its error among the messages.
pub fn read_layer_paths(paths: &[PathBuf], name_field: Option<&str>, layer: Option<&str>) -> LayersRead {
    let mut read = LayersRead::default();
    for path in expand_layer_paths(paths, &mut read) {
        let file = path.display().to_string();
        let id = layer_id_from_path(&path);
        let result = match GisFormat::of(&path) {
            Some(format) => read_layer(&path, format, LayerUse::Regions, layer)
                .map_err(|e| load_error(&file, format, e))
                .and_then(|table| {
                    let geo = table_features(&file, format, table);
                    region_layer_from(&file, &id, geo, name_field)
                }),
            None => std::fs::read(&path)
                .map_err(|e| LoadError::new(Location::file(&file), Problem::Io(e.to_string())))
                .and_then(|bytes| read_named_region_layer(&file, &id, &bytes, name_field)),
        };
        match result {
            Ok(layer) => {
                read.messages.extend(layer.warnings.iter().cloned());
                read.layers.push(layer);
            }
            Err(error) => {
                read.failed += 1;
                read.messages.push(error.into());
            }
        }
    }
    read
}

/// Reads one region layer. `file` names it in messages; `layer_id` comes from
/// its file name.
pub fn read_region_layer(file: &str, layer_id: &str, bytes: &[u8]) -> Result<LayerRegions, LoadError> {
    read_named_region_layer(file, layer_id, bytes, None)
}

/// Reads one region layer whose regions are named by the property
/// `name_field` (`--name-field`), or by the usual one it has.
pub fn read_named_region_layer(
    file: &str,
    layer_id: &str,
    bytes: &[u8],
    name_field: Option<&str>,
) -> Result<LayerRegions, LoadError> {
    region_layer_from(file, layer_id, read_geojson(file, bytes)?, name_field)
}

/// A GIS table's features as GeoJSON features: its fields as text
/// properties, its notes as warnings.
fn table_features(file: &str, format: GisFormat, table: FeatureTable) -> GeoFile {
    let mut fields = table.fields;
    // A KML placemark's <name> is read as an event's title; a region's is its name.
    let kml = matches!(format, GisFormat::Kml | GisFormat::Kmz);
    if kml
        && !fields.iter().any(|f| f == "name")
        && let Some(title) = fields.iter_mut().find(|f| *f == "title")
    {
        *title = "name".into();
    }
    let features = table
        .rows
        .into_iter()
        .map(|row| GeoFeature {
            index: row.index,
            id: None,
            properties: fields
                .iter()
                .zip(row.values)
                .filter_map(|(name, value)| Some((name.clone(), serde_json::Value::String(value?))))
                .collect(),
            geometry: row.geometry.unwrap_or(FeatureGeometry::Other("null")),
        })
        .collect();
    GeoFile {
        features,
        warnings: note_messages(file, format, table.notes),
    }
}

/// The region layer of a file's features.
fn region_layer_from(
    file: &str,
    layer_id: &str,
    mut geo: GeoFile,
    name_field: Option<&str>,
) -> Result<LayerRegions, LoadError> {
    if geo.polygon_count() == 0 {
        return Err(LoadError::new(
            Location::file(file),
            Problem::NoPolygons {
                found: geo.type_summary(),
            },
        ));
    }
    let split = split_unsplit_rings(file, &mut geo.features);
    geo.warnings.extend(split);
    let name_key = names::name_property(
        geo.features
            .iter()
            .filter(|f| matches!(f.geometry, FeatureGeometry::Polygons(_))),
        name_field,
    )
    .map_err(|message| LoadError::new(Location::file(file), Problem::Invalid(message)))?;
    if let Some(key) = name_key.as_deref().filter(|key| *key != "name") {
        geo.warnings.push(Diagnostic::info(
            Location::file(file),
            format!("region names from the property \"{key}\"; set --name-field to choose another"),
        ));
    }
    let text_properties = names::text_properties(
        geo.features
            .iter()
            .filter(|f| matches!(f.geometry, FeatureGeometry::Polygons(_))),
    );
    let name_property = name_key.clone();
    let name_key = name_key.as_deref();
    let polygon_features: Vec<(&GeoFeature, &MultiPolygon<f64>)> = geo
        .features
        .iter()
        .filter_map(|f| match &f.geometry {
            FeatureGeometry::Polygons(shape) => Some((f, shape)),
            _ => None,
        })
        .collect();
    let single = polygon_features.len() == 1;

    // Group features by region id, keeping file order.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<(&GeoFeature, &MultiPolygon<f64>)>> = HashMap::new();
    for (feature, shape) in polygon_features {
        let id = feature_region_id(feature, layer_id, single, name_key);
        if !groups.contains_key(&id) {
            order.push(id.clone());
        }
        groups.entry(id).or_default().push((feature, shape));
    }

    let mut regions = Vec::new();
    for id in order {
        let members = groups.remove(&id).unwrap_or_default();
        if let Some(region) = build_region(file, &id, &members, name_key)? {
            regions.push(region);
        }
    }
    Ok(LayerRegions {
        layer: RegionLayer {
            id: layer_id.to_string(),
            source: file.to_string(),
            name_property,
            text_properties,
        },
        regions,
        warnings: geo.warnings,
    })
}

/// Cuts at ±180° the polygons whose rings cross it unsplit, with a warning
/// for each feature cut.
fn split_unsplit_rings(file: &str, features: &mut [GeoFeature]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for feature in features {
        let FeatureGeometry::Polygons(shape) = &mut feature.geometry else {
            continue;
        };
        if let Some((before, after)) = unsplit_crossing(shape) {
            *shape = split_at_antimeridian(shape);
            warnings.push(Diagnostic::warning(
                Location::file(file).record("features", feature.index),
                format!(
                    "a ring crosses ±180° without being split (longitude {before} is followed by {after}); cut at the antimeridian into parts on either side"
                ),
            ));
        }
    }
    warnings
}

fn build_region(
    file: &str,
    id: &str,
    members: &[(&GeoFeature, &MultiPolygon<f64>)],
    name_key: Option<&str>,
) -> Result<Option<Region>, LoadError> {
    let Some((first, _)) = members.first() else {
        return Ok(None);
    };
    let shape = MultiPolygon(members.iter().flat_map(|(_, s)| s.0.iter().cloned()).collect());
    let location = Location::file(file).record("features", first.index);
    let bounds = shape.bounding_rect().ok_or_else(|| {
        LoadError::new(
            location.clone(),
            Problem::Invalid("the region has no extent".into()),
        )
    })?;
    let label_point = shape
        .interior_point()
        .map(|p| p.0)
        .unwrap_or_else(|| bounds.center());
    let name = name_key
        .and_then(|key| names::text(first, key))
        .unwrap_or_else(|| id.to_string());
    // A local name beside a Latin one chosen over it (`name` in Cyrillic).
    let name_local = text_property(&first.properties, &["name_local"])
        .or_else(|| names::text(first, "name").filter(|local| *local != name && name_key != Some("name")));
    let parts = if members.len() > 1 {
        members
            .iter()
            .filter_map(|(f, _)| text_property(&f.properties, &["part", "name"]))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(Region {
        id: RegionId::new(id),
        name,
        name_local,
        layer: 0,
        parts,
        source: text_property(&first.properties, &["source"]),
        properties: first.properties.clone(),
        area_km2: shape.geodesic_area_unsigned() / 1.0e6,
        shape,
        bounds,
        label_point,
    }))
}

/// The region a feature belongs to: its `id` property, else its Feature id,
/// else the layer's id when it is the only feature, else its name or index.
fn feature_region_id(feature: &GeoFeature, layer_id: &str, single: bool, name_key: Option<&str>) -> String {
    if let Some(id) = text_property(&feature.properties, &["id"]).or_else(|| feature.id.clone()) {
        return id;
    }
    if single {
        return layer_id.to_string();
    }
    match name_key.and_then(|key| names::text(feature, key)) {
        Some(name) if !slug(&name).is_empty() => slug(&name),
        _ => format!("{layer_id}-{}", feature.index),
    }
}

/// The first of `keys` present as a non-empty string or a number.
fn text_property(properties: &JsonObject, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match properties.get(*key)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    })
}

/// Lower-case letters and digits joined by single dashes.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A layer id from a file name: `Rostov Oblast.geojson` → `rostov-oblast`.
pub fn layer_id_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = slug(&stem);
    if id.is_empty() { "layer".into() } else { id }
}

/// Files to read for `--regions` arguments: files as given, folders expanded
/// to their `.geojson`/`.json` files sorted by name.
/// The extensions of the files a folder of region layers is read for.
const LAYER_EXTENSIONS: [&str; 7] = ["geojson", "json", "gpkg", "kml", "kmz", "shp", "zip"];

fn expand_layer_paths(paths: &[PathBuf], read: &mut LayersRead) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(error) => {
                read.failed += 1;
                read.messages.push(Diagnostic::error(
                    Location::file(path.display().to_string()),
                    format!("cannot read the folder: {error}"),
                ));
                continue;
            }
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| LAYER_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
            })
            .collect();
        found.sort();
        if found.is_empty() {
            read.failed += 1;
            read.messages.push(Diagnostic::error(
                Location::file(path.display().to_string()),
                "the folder has no region layer files (.geojson, .json, .gpkg, .kml, .kmz, .shp, .zip)",
            ));
        }
        files.extend(found);
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str) -> LayerRegions {
        match read_region_layer("t.geojson", "t", text.as_bytes()) {
            Ok(layer) => layer,
            Err(error) => panic!("should load: {error}"),
        }
    }

    #[test]
    fn features_sharing_an_id_form_one_region() {
        let layer = layer(
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"id":"x","name":"X","part":"West"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","properties":{"id":"x","name":"X","part":"East"},"geometry":{"type":"Polygon","coordinates":[[[2,0],[3,0],[3,1],[2,0]]]}},
              {"type":"Feature","properties":{"name":"Other Place"},"geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,5]]]}}]}"#,
        );
        assert_eq!(layer.regions.len(), 2);
        let x = &layer.regions[0];
        assert_eq!(x.id.as_str(), "x");
        assert_eq!(x.shape.0.len(), 2);
        assert_eq!(x.parts, vec!["West", "East"]);
        assert_eq!(layer.regions[1].id.as_str(), "other-place");
    }

    #[test]
    fn a_lone_unnamed_feature_takes_the_layer_id() {
        let layer = layer(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#);
        assert_eq!(layer.regions[0].id.as_str(), "t");
        assert_eq!(layer.regions[0].name, "t");
    }

    /// Found by fuzzing (fuzz/regressions/region_layer/): `-0` next to `0`
    /// made geo's interior point trip its sweep-line assertion.
    #[test]
    fn a_region_written_with_negative_zero_gets_a_label_point_inside_it() {
        use geo::{Intersects, Point};
        let square = layer(r#"{"type":"Polygon","coordinates":[[[-0,0],[1,0],[1,1],[0,1],[0,0]]]}"#);
        let region = &square.regions[0];
        assert!(
            region.shape.intersects(&Point(region.label_point)),
            "{:?}",
            region.label_point
        );
        let sliver = layer(r#"{"type":"Polygon","coordinates":[[[-0,0],[0,1],[0,0],[0,0]]]}"#);
        assert_eq!(sliver.regions.len(), 1);
    }

    #[test]
    fn layers_without_polygons_are_rejected_with_what_was_found() {
        let error = read_region_layer(
            "p.geojson",
            "p",
            br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        )
        .expect_err("no polygons");
        assert_eq!(
            error.to_string(),
            "p.geojson: no Polygon or MultiPolygon features (found 1 Point)"
        );
    }

    #[test]
    fn slugs_and_layer_ids() {
        assert_eq!(slug("  Rostov  Oblast! "), "rostov-oblast");
        assert_eq!(
            layer_id_from_path(Path::new("dir/Kharkiv Oblast.geojson")),
            "kharkiv-oblast"
        );
        assert_eq!(layer_id_from_path(Path::new("dir/!!!.json")), "layer");
    }

    #[test]
    fn duplicate_ids_across_layers_are_renamed_with_a_warning() {
        let text = r#"{"type":"Feature","properties":{"id":"same"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#;
        let a = read_region_layer("a.geojson", "a", text.as_bytes()).expect("a");
        let b = read_region_layer("b.geojson", "b", text.as_bytes()).expect("b");
        let (set, warnings) = RegionSet::from_layers(vec![a, b]);
        assert_eq!(set.regions()[1].id.as_str(), "same-2");
        assert_eq!(set.regions()[1].layer, 1);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].location.file, "b.geojson");
    }

    #[test]
    fn layer_paths_read_folders_and_report_bad_files() {
        let dir = std::env::temp_dir().join(format!("bw-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("good.geojson"),
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
        )
        .expect("write");
        std::fs::write(dir.join("bad.json"), "{ nope").expect("write");
        std::fs::write(dir.join("notes.txt"), "ignored").expect("write");
        let read = read_layer_paths(std::slice::from_ref(&dir), None, None);
        assert_eq!(read.failed, 1);
        let messages = read.messages;
        let (set, _) = RegionSet::from_layers(read.layers);
        assert_eq!(set.regions().len(), 1);
        assert_eq!(set.regions()[0].id.as_str(), "good");
        assert_eq!(messages.len(), 1);
        assert!(messages[0].location.file.ends_with("bad.json"));
        assert_eq!(messages[0].location.line, Some(1));

        let read = read_layer_paths(&[dir.join("missing.geojson")], None, None);
        assert!(read.layers.is_empty());
        let messages = read.messages;
        assert!(messages[0].message.starts_with("cannot read the file"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
