//! Regions: the tracked areas a user clicks, read from GeoJSON polygon layers.
//!
//! A layer is one file. Features of a layer that share an `id` property form one
//! region (Crimea is the Republic of Crimea feature plus the Sevastopol one);
//! a file with a single unnamed feature is a region named after the file.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, Coord, GeodesicArea, InteriorPoint, MultiPolygon, Rect};
use geojson::JsonObject;
use serde_json::Value;

use super::bundled;
use super::diagnostic::{Diagnostic, LoadError, Location, Problem};
use super::geojson::{FeatureGeometry, GeoFeature, read_geojson};
use crate::spatial::RegionIndex;

/// The identifier of a region, e.g. `rostov`: stable, lower case, used in
/// event files (`"region": "rostov"`), logs and the command line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RegionId(String);

impl RegionId {
    /// A region id from text, as given.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One selectable region.
#[derive(Debug, Clone)]
pub struct Region {
    /// Unique within the [`RegionSet`].
    pub id: RegionId,
    /// English name, e.g. "Rostov Oblast".
    pub name: String,
    /// Name in the local language, e.g. "Ростовская область".
    pub name_local: Option<String>,
    /// Index of the layer (file) it came from in [`RegionSet::layers`].
    pub layer: usize,
    /// Names of the features merged into this region, when there are several
    /// (Crimea: "Republic of Crimea", "Sevastopol").
    pub parts: Vec<String>,
    /// Where the geometry comes from (the `source` property).
    pub source: Option<String>,
    /// All properties of the region's first feature, for the details panel.
    pub properties: JsonObject,
    /// The outline in longitude/latitude, exteriors counter-clockwise.
    pub shape: MultiPolygon<f64>,
    /// Longitude/latitude bounds of [`Self::shape`].
    pub bounds: Rect<f64>,
    /// A point inside the shape where its label goes.
    pub label_point: Coord<f64>,
    /// Geodesic area on the WGS84 ellipsoid, in km².
    pub area_km2: f64,
}

/// One loaded layer file.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionLayer {
    /// From the file name, e.g. `rostov` for `rostov.geojson`.
    pub id: String,
    /// The file as the user named it, or `bundled:<name>`.
    pub source: String,
}

/// All regions the app knows, with the index that finds the region at a point.
#[derive(Debug)]
pub struct RegionSet {
    layers: Vec<RegionLayer>,
    regions: Vec<Region>,
    index: RegionIndex,
}

impl RegionSet {
    /// The five bundled layers: Bryansk, Belgorod, Voronezh, Rostov, Crimea.
    pub fn bundled() -> Result<Self, LoadError> {
        let (set, warnings) = Self::from_layers(bundled_layers()?);
        match warnings.into_iter().next() {
            // The bundled data is ours: a warning about it is a bug worth failing on.
            Some(warning) => Err(LoadError::new(
                warning.location,
                Problem::Invalid(warning.message),
            )),
            None => Ok(set),
        }
    }

    /// Loads region layers from files and folders (every `.geojson` and
    /// `.json` in a folder, by name). Files that fail are reported and skipped;
    /// `None` when no layer loaded at all.
    pub fn load_paths(paths: &[PathBuf]) -> (Option<Self>, Vec<Diagnostic>) {
        let (layers, mut messages) = read_layer_paths(paths);
        if layers.is_empty() {
            return (None, messages);
        }
        let (set, warnings) = Self::from_layers(layers);
        messages.extend(warnings);
        (Some(set), messages)
    }

    /// Builds the set from read layers, making region ids unique.
    pub fn from_layers(layers: Vec<LayerRegions>) -> (Self, Vec<Diagnostic>) {
        let mut warnings = Vec::new();
        let mut seen = HashSet::new();
        let mut set_layers = Vec::new();
        let mut regions = Vec::new();
        for (layer_index, layer) in layers.into_iter().enumerate() {
            for mut region in layer.regions {
                if !seen.insert(region.id.clone()) {
                    let base = region.id.clone();
                    let mut n = 2;
                    while seen.contains(&RegionId::new(format!("{base}-{n}"))) {
                        n += 1;
                    }
                    region.id = RegionId::new(format!("{base}-{n}"));
                    warnings.push(Diagnostic::warning(
                        Location::file(&layer.layer.source),
                        format!(
                            "region id \"{base}\" is already used by another layer; this one is \"{}\"",
                            region.id
                        ),
                    ));
                    seen.insert(region.id.clone());
                }
                region.layer = layer_index;
                regions.push(region);
            }
            set_layers.push(layer.layer);
        }
        let index = RegionIndex::new(regions.iter().map(|r| (&r.shape, r.bounds)));
        (
            Self {
                layers: set_layers,
                regions,
                index,
            },
            warnings,
        )
    }

    /// The loaded layers, in drawing order.
    pub fn layers(&self) -> &[RegionLayer] {
        &self.layers
    }

    /// Every region; its position here is its index everywhere else.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The region at `index`.
    pub fn get(&self, index: usize) -> Option<&Region> {
        self.regions.get(index)
    }

    /// The index of the region with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.id.as_str() == id)
    }

    /// The region containing a longitude/latitude point (the topmost where
    /// regions overlap).
    pub fn locate(&self, point: Coord<f64>) -> Option<usize> {
        self.index.locate(point, |_| true)
    }

    /// Like [`Self::locate`], among the regions `include` accepts.
    pub fn locate_where(&self, point: Coord<f64>, include: impl Fn(usize) -> bool) -> Option<usize> {
        self.index.locate(point, include)
    }

    /// Longitude/latitude bounds of all regions.
    pub fn bounds(&self) -> Option<Rect<f64>> {
        self.regions.iter().map(|r| r.bounds).reduce(|a, b| union(&a, &b))
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

/// Reads the region layers at `paths` (folders expanded to their
/// `.geojson`/`.json` files). A file that fails is left out with an error
/// among the messages, which also carry each layer's warnings.
pub fn read_layer_paths(paths: &[PathBuf]) -> (Vec<LayerRegions>, Vec<Diagnostic>) {
    let mut messages = Vec::new();
    let mut layers = Vec::new();
    for path in expand_layer_paths(paths, &mut messages) {
        let file = path.display().to_string();
        let result = std::fs::read(&path)
            .map_err(|e| LoadError::new(Location::file(&file), Problem::Io(e.to_string())))
            .and_then(|bytes| read_region_layer(&file, &layer_id_from_path(&path), &bytes));
        match result {
            Ok(layer) => {
                messages.extend(layer.warnings.iter().cloned());
                layers.push(layer);
            }
            Err(error) => messages.push(error.into()),
        }
    }
    (layers, messages)
}

/// Bounding box of two boxes.
pub fn union(a: &Rect<f64>, b: &Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

/// A layer read from one file, before it joins a [`RegionSet`].
#[derive(Debug, Clone)]
pub struct LayerRegions {
    /// The layer.
    pub layer: RegionLayer,
    /// Its regions (their `layer` index is set when the set is built).
    pub regions: Vec<Region>,
    /// What was skipped while reading it.
    pub warnings: Vec<Diagnostic>,
}

/// Reads one region layer. `file` names it in messages; `layer_id` comes from
/// its file name.
pub fn read_region_layer(file: &str, layer_id: &str, bytes: &[u8]) -> Result<LayerRegions, LoadError> {
    let geo = read_geojson(file, bytes)?;
    if geo.polygon_count() == 0 {
        return Err(LoadError::new(
            Location::file(file),
            Problem::NoPolygons {
                found: geo.type_summary(),
            },
        ));
    }
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
        let id = feature_region_id(feature, layer_id, single);
        if !groups.contains_key(&id) {
            order.push(id.clone());
        }
        groups.entry(id).or_default().push((feature, shape));
    }

    let mut regions = Vec::new();
    for id in order {
        let members = groups.remove(&id).unwrap_or_default();
        if let Some(region) = build_region(file, &id, &members)? {
            regions.push(region);
        }
    }
    Ok(LayerRegions {
        layer: RegionLayer {
            id: layer_id.to_string(),
            source: file.to_string(),
        },
        regions,
        warnings: geo.warnings,
    })
}

fn build_region(
    file: &str,
    id: &str,
    members: &[(&GeoFeature, &MultiPolygon<f64>)],
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
    let name = text_property(&first.properties, &["name", "NAME", "name_en", "Name"])
        .unwrap_or_else(|| id.to_string());
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
        name_local: text_property(&first.properties, &["name_local"]),
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
fn feature_region_id(feature: &GeoFeature, layer_id: &str, single: bool) -> String {
    if let Some(id) = text_property(&feature.properties, &["id"]).or_else(|| feature.id.clone()) {
        return id;
    }
    if single {
        return layer_id.to_string();
    }
    match text_property(&feature.properties, &["name", "NAME", "name_en", "Name"]) {
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
fn expand_layer_paths(paths: &[PathBuf], messages: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(error) => {
                messages.push(Diagnostic::error(
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
                        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
            })
            .collect();
        found.sort();
        if found.is_empty() {
            messages.push(Diagnostic::error(
                Location::file(path.display().to_string()),
                "the folder has no .geojson or .json files",
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
    fn slugs_and_layer_ids() {
        assert_eq!(slug("  Rostov  Oblast! "), "rostov-oblast");
        assert_eq!(
            layer_id_from_path(Path::new("dir/Kharkiv Oblast.geojson")),
            "kharkiv-oblast"
        );
        assert_eq!(layer_id_from_path(Path::new("dir/!!!.json")), "layer");
    }

    #[test]
    fn bundled_regions_have_names_areas_and_sources() {
        let set = match RegionSet::bundled() {
            Ok(set) => set,
            Err(error) => panic!("bundled data must load: {error}"),
        };
        let ids: Vec<&str> = set.regions().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["bryansk", "belgorod", "voronezh", "rostov", "crimea"]);
        // Official areas in km²; the generalised outlines stay within 6 %.
        for (id, official) in [
            ("rostov", 100_967.0),
            ("belgorod", 27_134.0),
            ("bryansk", 34_857.0),
            ("voronezh", 52_216.0),
            ("crimea", 27_000.0),
        ] {
            let region = set.get(set.index_of(id).expect("bundled id")).expect("region");
            let ratio = region.area_km2 / official;
            assert!((0.94..1.06).contains(&ratio), "{id}: {} km²", region.area_km2);
            assert!(region.name_local.is_some());
            assert!(
                region
                    .source
                    .as_deref()
                    .is_some_and(|s| s.contains("Natural Earth"))
            );
        }
        let crimea = set.get(set.index_of("crimea").expect("crimea")).expect("region");
        assert_eq!(crimea.parts, vec!["Republic of Crimea", "Sevastopol"]);
    }

    #[test]
    fn label_points_are_inside_their_regions() {
        use geo::{Contains, Point};
        let set = RegionSet::bundled().expect("bundled");
        for region in set.regions() {
            assert!(region.shape.contains(&Point(region.label_point)), "{}", region.id);
        }
    }

    #[test]
    fn load_paths_reads_folders_and_reports_bad_files() {
        let dir = std::env::temp_dir().join(format!("bw-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("good.geojson"),
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
        )
        .expect("write");
        std::fs::write(dir.join("bad.json"), "{ nope").expect("write");
        std::fs::write(dir.join("notes.txt"), "ignored").expect("write");
        let (set, messages) = RegionSet::load_paths(std::slice::from_ref(&dir));
        let set = set.expect("the good layer loads");
        assert_eq!(set.regions().len(), 1);
        assert_eq!(set.regions()[0].id.as_str(), "good");
        assert_eq!(messages.len(), 1);
        assert!(messages[0].location.file.ends_with("bad.json"));
        assert_eq!(messages[0].location.line, Some(1));

        let (none, messages) = RegionSet::load_paths(&[dir.join("missing.geojson")]);
        assert!(none.is_none());
        assert!(messages[0].message.starts_with("cannot read the file"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
