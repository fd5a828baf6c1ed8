//! Rivers, lakes and reservoirs, drawn under the regions for orientation
//! (GSHHG: the World Data Bank II rivers and GSHHS lakes; see
//! `assets/README.md`). Never selectable; nothing is placed by them.

use geo::{BoundingRect, Coord, MultiLineString, MultiPolygon, Rect};

use super::geojson::{FeatureGeometry, read_geojson};
use crate::data::bundled;
use crate::data::diagnostic::LoadError;

/// A river: its line and how major it is.
#[derive(Debug, Clone)]
pub struct River {
    /// World Data Bank II rank: 1 double-lined, 2 permanent major, 3
    /// additional major, 4 additional, 5 minor (drawn from nearer).
    pub level: u8,
    /// The line, in longitude/latitude.
    pub line: MultiLineString<f64>,
    /// Its bounds.
    pub bounds: Rect<f64>,
}

/// A lake or reservoir.
#[derive(Debug, Clone)]
pub struct Lake {
    /// Its name when known (the named reservoirs).
    pub name: Option<String>,
    /// Its outline.
    pub shape: MultiPolygon<f64>,
    /// A reservoir drained since this month (Kakhovka, "2023-06"): drawn as
    /// an outline of what was water.
    pub drained: Option<String>,
}

/// Where a river's name is written.
#[derive(Debug, Clone)]
pub struct RiverLabel {
    /// English name.
    pub name: String,
    /// Name in the language of the country the label is in.
    pub name_local: Option<String>,
    /// On the river line.
    pub point: Coord<f64>,
}

/// Every river, lake and river name.
#[derive(Debug, Clone, Default)]
pub struct WaterLayer {
    /// Rivers, major first within the file's order.
    pub rivers: Vec<River>,
    /// Lakes and reservoirs.
    pub lakes: Vec<Lake>,
    /// River names.
    pub labels: Vec<RiverLabel>,
}

impl WaterLayer {
    /// The bundled water layer (read once per process).
    pub fn bundled() -> Result<Self, LoadError> {
        static BUNDLED: std::sync::OnceLock<Result<WaterLayer, LoadError>> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| Self::read("bundled:assets/water/water.geojson", bundled::WATER.as_bytes()))
            .clone()
    }

    /// Reads features of `kind` `river` (lines with a `level`), `lake`
    /// (polygons) and `river_label` (points with a `name`); others are skipped.
    pub fn read(file: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let mut layer = Self::default();
        for feature in read_geojson(file, bytes)?.features {
            let text = |key: &str| {
                feature
                    .properties
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            match (text("kind").as_deref(), feature.geometry) {
                (Some("river"), FeatureGeometry::Lines(line)) => {
                    let level = feature
                        .properties
                        .get("level")
                        .and_then(serde_json::Value::as_u64);
                    if let Some(bounds) = line.bounding_rect() {
                        layer.rivers.push(River {
                            level: level.map_or(5, |l| l.clamp(1, 9) as u8),
                            line,
                            bounds,
                        });
                    }
                }
                (Some("lake"), FeatureGeometry::Polygons(shape)) => layer.lakes.push(Lake {
                    name: text("name"),
                    shape,
                    drained: text("drained"),
                }),
                (Some("river_label"), FeatureGeometry::Point(point)) => {
                    if let Some(name) = text("name") {
                        layer.labels.push(RiverLabel {
                            name,
                            name_local: text("name_local"),
                            point,
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(layer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_water_has_rivers_of_every_rank_lakes_and_names() {
        let water = WaterLayer::bundled().expect("bundled water");
        assert!(water.rivers.len() > 50, "{}", water.rivers.len());
        for level in 1..=5 {
            assert!(water.rivers.iter().any(|r| r.level == level), "level {level}");
        }
        let named: Vec<&str> = water.lakes.iter().filter_map(|l| l.name.as_deref()).collect();
        assert!(named.contains(&"Tsimlyansk Reservoir"), "{named:?}");
        let kakhovka = water
            .lakes
            .iter()
            .find(|l| l.name.as_deref() == Some("Kakhovka Reservoir"));
        assert_eq!(kakhovka.and_then(|l| l.drained.as_deref()), Some("2023-06"));
        assert!(water.labels.iter().any(|l| l.name == "Don"));
    }

    #[test]
    fn other_kinds_and_geometries_are_skipped_and_bad_json_is_refused() {
        let text = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"kind":"river","level":3},"geometry":{"type":"LineString","coordinates":[[36,50],[37,51]]}},
            {"type":"Feature","properties":{"kind":"river"},"geometry":{"type":"Point","coordinates":[36,50]}},
            {"type":"Feature","properties":{"kind":"road"},"geometry":{"type":"LineString","coordinates":[[36,50],[37,51]]}}]}"#;
        let water = WaterLayer::read("w.geojson", text).expect("reads");
        assert_eq!(water.rivers.len(), 1);
        assert_eq!(water.rivers[0].level, 3);
        let error = WaterLayer::read("w.geojson", b"{\"type\":").expect_err("refused");
        assert!(error.to_string().starts_with("w.geojson"), "{error}");
    }
}
