//! Reading GeoJSON polygon layers: a FeatureCollection, a single Feature or a
//! bare geometry, into `geo` shapes with their properties. Tolerant of what real
//! files contain (unclosed rings, either winding, `properties: null`, a byte
//! order mark, foreign members); strict about what would draw nonsense
//! (projected coordinates, TopoJSON, no polygons), with the feature index and
//! line in every message.

use std::collections::BTreeMap;

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Orient, Polygon, orient::Direction};
use geojson::{GeometryValue, JsonObject, Position};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::data::diagnostic::{Diagnostic, LoadError, Location, Problem};
use crate::data::json::SourceText;
use crate::data::json::raw::{RawRecord, first_significant_byte, number_records};

/// What GeoJSON calls the records of a FeatureCollection.
const FEATURES: &str = "features";

/// One feature of a GeoJSON file, with its geometry made usable.
#[derive(Debug, Clone)]
pub struct GeoFeature {
    /// 0-based index in the collection (0 for a lone Feature or geometry).
    pub index: usize,
    /// The Feature's `id` member, as text.
    pub id: Option<String>,
    /// `properties`, empty when absent or null.
    pub properties: JsonObject,
    /// The geometry.
    pub geometry: FeatureGeometry,
}

pub use crate::data::formats::table::FeatureGeometry;

/// The features of one GeoJSON file and what was noticed while reading them.
#[derive(Debug, Clone, Default)]
pub struct GeoFile {
    /// The features, in file order.
    pub features: Vec<GeoFeature>,
    /// Things skipped or repaired.
    pub warnings: Vec<Diagnostic>,
}

impl GeoFile {
    /// How many features have polygon geometry.
    pub fn polygon_count(&self) -> usize {
        self.features
            .iter()
            .filter(|f| matches!(f.geometry, FeatureGeometry::Polygons(_)))
            .count()
    }

    /// A summary of the geometry types found, e.g. `2 Point, 1 LineString`.
    pub fn type_summary(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for feature in &self.features {
            let name = match &feature.geometry {
                FeatureGeometry::Polygons(_) => "Polygon",
                FeatureGeometry::Point(_) => "Point",
                FeatureGeometry::Lines(_) => "LineString",
                FeatureGeometry::Other(name) => name,
            };
            *counts.entry(name).or_default() += 1;
        }
        if counts.is_empty() {
            return "no features".into();
        }
        counts
            .iter()
            .map(|(name, count)| format!("{count} {name}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The members of a top-level GeoJSON object that decide how to read it.
#[derive(Deserialize)]
struct TopLevel<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(borrow)]
    features: Option<&'a RawValue>,
    crs: Option<Crs>,
    /// Present in TopoJSON.
    objects: Option<serde::de::IgnoredAny>,
    arcs: Option<serde::de::IgnoredAny>,
}

/// The (pre-RFC 7946) `crs` member: only its name matters, for messages.
#[derive(Deserialize)]
struct Crs {
    properties: Option<CrsProperties>,
}

#[derive(Deserialize)]
struct CrsProperties {
    name: Option<String>,
}

/// Reads a GeoJSON FeatureCollection, Feature or geometry from `bytes`.
/// `file` is how the file is named in messages.
pub fn read_geojson(file: &str, bytes: &[u8]) -> Result<GeoFile, LoadError> {
    let source = SourceText::decode(file, bytes)?;
    check_is_object(&source)?;
    let top: TopLevel = serde_json::from_str(source.text).map_err(|e| source.json_error(&e, 0))?;
    let crs = top.crs.and_then(|crs| crs.properties).and_then(|p| p.name);
    let reader = FeatureReader { source: &source, crs };

    match top.kind.as_deref() {
        Some("FeatureCollection") => {
            let Some(features) = top.features else {
                return Err(LoadError::new(
                    source.location_at(0),
                    Problem::Invalid("FeatureCollection has no \"features\" array".into()),
                ));
            };
            let items: Vec<&RawValue> = serde_json::from_str(features.get())
                .map_err(|e| source.json_error(&e, source.offset_of(features.get())))?;
            if items.is_empty() {
                return Err(LoadError::new(Location::file(file), Problem::EmptyCollection));
            }
            reader.read_records(number_records(items))
        }
        Some("Feature") => {
            let whole: &RawValue = serde_json::from_str(source.text).map_err(|e| source.json_error(&e, 0))?;
            reader.read_records(vec![RawRecord {
                index: 0,
                json: whole,
            }])
        }
        Some("Topology") => Err(LoadError::new(Location::file(file), Problem::TopoJson)),
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
            | "GeometryCollection",
        ) => {
            let geometry: geojson::Geometry =
                serde_json::from_str(source.text).map_err(|e| source.json_error(&e, 0))?;
            let geometry = reader.convert(&geometry.value, &Location::file(file))?;
            Ok(GeoFile {
                features: vec![GeoFeature {
                    index: 0,
                    id: None,
                    properties: JsonObject::new(),
                    geometry,
                }],
                warnings: Vec::new(),
            })
        }
        Some(other) => Err(LoadError::new(
            Location::file(file),
            Problem::Invalid(format!(
                "unknown GeoJSON type \"{other}\" (expected FeatureCollection, Feature or a geometry)"
            )),
        )),
        None if top.objects.is_some() || top.arcs.is_some() => {
            Err(LoadError::new(Location::file(file), Problem::TopoJson))
        }
        None => Err(LoadError::new(
            Location::file(file),
            Problem::Invalid("not GeoJSON: the top-level object has no \"type\" member".into()),
        )),
    }
}

/// A GeoJSON file is one object: anything else is named with its position.
fn check_is_object(source: &SourceText<'_>) -> Result<(), LoadError> {
    match first_significant_byte(source.text) {
        Some(b'{') => Ok(()),
        Some(b'[') => Err(LoadError::new(
            source.location_at(source.text.find('[').unwrap_or(0)),
            Problem::Invalid(
                "a GeoJSON file must be an object (FeatureCollection, Feature or geometry), not an array"
                    .into(),
            ),
        )),
        // Not an object: let serde_json say exactly what is wrong and where.
        _ => Err(match serde_json::from_str::<serde::de::IgnoredAny>(source.text) {
            Err(error) => source.json_error(&error, 0),
            Ok(_) => LoadError::new(
                source.location_at(0),
                Problem::Invalid(
                    "a GeoJSON file must be an object (FeatureCollection, Feature or geometry)".into(),
                ),
            ),
        }),
    }
}

/// Reads features with the context needed for messages.
struct FeatureReader<'s, 'a> {
    source: &'s SourceText<'a>,
    crs: Option<String>,
}

impl FeatureReader<'_, '_> {
    fn read_records(&self, records: Vec<RawRecord<'_>>) -> Result<GeoFile, LoadError> {
        let mut file = GeoFile::default();
        for record in records {
            let offset = self.source.offset_of(record.json.get());
            let location = self.source.location_at(offset).record(FEATURES, record.index);
            let feature: geojson::Feature = serde_json::from_str(record.json.get()).map_err(|e| {
                let mut error = self.source.json_error(&e, offset);
                error.location.collection = FEATURES;
                error.location.record = Some(record.index);
                error
            })?;
            let geometry = match &feature.geometry {
                Some(geometry) => self.convert(&geometry.value, &location)?,
                None => FeatureGeometry::Other("null"),
            };
            let not_polygon = match &geometry {
                FeatureGeometry::Lines(lines) if lines.0.len() == 1 => Some("LineString"),
                FeatureGeometry::Lines(_) => Some("MultiLineString"),
                FeatureGeometry::Other(kind) => Some(*kind),
                FeatureGeometry::Polygons(_) | FeatureGeometry::Point(_) => None,
            };
            if let Some(kind) = not_polygon {
                file.warnings.push(Diagnostic::warning(
                    location.clone(),
                    format!("skipped: a {kind} geometry is not a polygon"),
                ));
            }
            file.features.push(GeoFeature {
                index: record.index,
                id: feature.id.as_ref().map(id_text),
                properties: feature.properties.unwrap_or_default(),
                geometry,
            });
        }
        Ok(file)
    }

    /// Turns a GeoJSON geometry into what borderwatch uses, checking every
    /// position.
    fn convert(&self, value: &GeometryValue, location: &Location) -> Result<FeatureGeometry, LoadError> {
        Ok(match value {
            GeometryValue::Polygon { coordinates } => {
                FeatureGeometry::Polygons(MultiPolygon(vec![self.polygon(coordinates, location)?]))
            }
            GeometryValue::MultiPolygon { coordinates } => FeatureGeometry::Polygons(MultiPolygon(
                coordinates
                    .iter()
                    .map(|rings| self.polygon(rings, location))
                    .collect::<Result<_, _>>()?,
            )),
            GeometryValue::Point { coordinates } => {
                FeatureGeometry::Point(self.position(coordinates, location)?)
            }
            GeometryValue::GeometryCollection { geometries } => {
                let mut polygons = Vec::new();
                for geometry in geometries {
                    if let FeatureGeometry::Polygons(mut more) = self.convert(&geometry.value, location)? {
                        polygons.append(&mut more.0);
                    }
                }
                if polygons.is_empty() {
                    FeatureGeometry::Other("GeometryCollection")
                } else {
                    FeatureGeometry::Polygons(MultiPolygon(polygons))
                }
            }
            GeometryValue::MultiPoint { .. } => FeatureGeometry::Other("MultiPoint"),
            GeometryValue::LineString { coordinates } => {
                FeatureGeometry::Lines(MultiLineString(vec![self.line(coordinates, location)?]))
            }
            GeometryValue::MultiLineString { coordinates } => FeatureGeometry::Lines(MultiLineString(
                coordinates
                    .iter()
                    .map(|line| self.line(line, location))
                    .collect::<Result<_, _>>()?,
            )),
        })
    }

    fn polygon(&self, rings: &[Vec<Position>], location: &Location) -> Result<Polygon<f64>, LoadError> {
        let mut rings = rings.iter().enumerate().map(|(ring_index, ring)| {
            let coords = ring
                .iter()
                .map(|p| self.position(p, location))
                .collect::<Result<Vec<_>, _>>()?;
            let mut line = LineString(coords);
            line.close();
            // A closed ring needs three distinct corners and the closing point.
            if line.0.len() < 4 {
                return Err(LoadError::new(
                    location.clone(),
                    Problem::Invalid(format!(
                        "ring {ring_index} of a polygon has {} positions; a ring needs at least 3 different corners",
                        ring.len()
                    )),
                ));
            }
            Ok(line)
        });
        let exterior = match rings.next() {
            Some(ring) => ring?,
            None => {
                return Err(LoadError::new(
                    location.clone(),
                    Problem::Invalid("a polygon has no rings".into()),
                ));
            }
        };
        let holes = rings.collect::<Result<Vec<_>, _>>()?;
        // Point-in-polygon by winding number and the fill both assume the
        // RFC 7946 winding; files in the wild use either.
        Ok(Polygon::new(exterior, holes).orient(Direction::Default))
    }

    fn line(&self, positions: &[Position], location: &Location) -> Result<LineString<f64>, LoadError> {
        positions
            .iter()
            .map(|p| self.position(p, location))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    }

    fn position(&self, position: &Position, location: &Location) -> Result<Coord<f64>, LoadError> {
        let values = position.as_slice();
        let (Some(&x), Some(&y)) = (values.first(), values.get(1)) else {
            return Err(LoadError::new(
                location.clone(),
                Problem::Invalid(format!(
                    "a position has {} number(s); it needs longitude and latitude",
                    values.len()
                )),
            ));
        };
        if !(x.is_finite() && y.is_finite()) {
            return Err(LoadError::new(
                location.clone(),
                Problem::Invalid("a position is not a finite number".into()),
            ));
        }
        if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
            return Err(LoadError::new(
                location.clone(),
                Problem::Projected {
                    x,
                    y,
                    crs: self.crs.clone(),
                },
            ));
        }
        Ok(Coord {
            x: without_sign_of_zero(x),
            y: without_sign_of_zero(y),
        })
    }
}

/// `-0` as `0`; every other value as it is. The sign of a zero says nothing
/// about a place, but geo's sweep line (behind `interior_point`) sorts with
/// `total_cmp`, where `-0 < 0`, and compares with `>`, where `-0 == 0`: a ring
/// with both trips its assertion.
fn without_sign_of_zero(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}

/// A Feature id as text: strings as they are, numbers as written.
fn id_text(id: &geojson::feature::Id) -> String {
    match id {
        geojson::feature::Id::String(text) => text.clone(),
        geojson::feature::Id::Number(number) => number.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Point};

    fn read(text: &str) -> Result<GeoFile, LoadError> {
        read_geojson("test.geojson", text.as_bytes())
    }

    fn polygons(file: &GeoFile) -> Vec<&MultiPolygon<f64>> {
        file.features
            .iter()
            .filter_map(|f| match &f.geometry {
                FeatureGeometry::Polygons(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    const SQUARE_WITH_HOLE: &str = r#"{"type":"Polygon","coordinates":[
        [[30,50],[32,50],[32,52],[30,52],[30,50]],
        [[30.5,50.5],[30.5,51.5],[31.5,51.5],[31.5,50.5],[30.5,50.5]]]}"#;

    #[test]
    fn bare_geometry_with_hole_is_read_and_the_hole_is_empty() {
        let file = read(SQUARE_WITH_HOLE).expect("valid polygon");
        let shapes = polygons(&file);
        assert_eq!(shapes.len(), 1);
        assert!(shapes[0].contains(&Point::new(30.2, 50.2)));
        assert!(!shapes[0].contains(&Point::new(31.0, 51.0)), "inside the hole");
        assert!((shapes[0].unsigned_area() - 3.0).abs() < 1e-9);
    }

    #[test]
    fn unclosed_clockwise_ring_is_closed_and_reoriented() {
        // Clockwise and without the closing position.
        let file = read(
            r#"{"type":"Feature","properties":null,"geometry":
            {"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0]]]}}"#,
        )
        .expect("tolerated");
        let shape = polygons(&file)[0];
        let ring = shape.0[0].exterior();
        assert!(ring.is_closed());
        assert_eq!(ring.0.len(), 5);
        assert!(shape.0[0].signed_area() > 0.0, "exterior is counter-clockwise");
        assert!(file.features[0].properties.is_empty());
    }

    #[test]
    fn feature_collection_keeps_properties_ids_and_foreign_members() {
        let file = read(
            "\u{feff}{\"type\":\"FeatureCollection\",\"name\":\"x\",\"features\":[
              {\"type\":\"Feature\",\"id\":7,\"extra\":true,\"properties\":{\"name\":\"A\"},
               \"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}}]}",
        )
        .expect("valid");
        let feature = &file.features[0];
        assert_eq!(feature.id.as_deref(), Some("7"));
        assert_eq!(feature.properties["name"], "A");
        assert_eq!(polygons(&file)[0].0.len(), 2);
    }

    #[test]
    fn non_polygon_features_are_skipped_with_a_warning() {
        let file = read(
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
              {"type":"Feature","properties":{},"geometry":null},
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#,
        )
        .expect("loads");
        assert_eq!(file.polygon_count(), 1);
        assert_eq!(file.warnings.len(), 2);
        assert_eq!(file.warnings[0].location.record, Some(0));
        assert_eq!(file.warnings[0].location.line, Some(2));
        assert!(file.warnings[0].message.contains("LineString"));
        assert!(file.warnings[1].message.contains("null"));
        assert_eq!(file.type_summary(), "1 LineString, 1 Polygon, 1 null");
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let error =
            read("{\"type\": \"FeatureCollection\",\n  \"features\": [,]}").expect_err("invalid JSON");
        assert!(matches!(error.problem, Problem::Json(_)), "{error}");
        assert_eq!(error.location.line, Some(2));
        assert!(error.to_string().starts_with("test.geojson:2:"), "{error}");

        let truncated =
            read("{\"type\": \"Feature\", \"geometry\": {\"type\": \"Poly").expect_err("truncated");
        assert!(matches!(truncated.problem, Problem::Json(_)));

        let not_json = read("hello").expect_err("not JSON");
        assert_eq!(not_json.location.line, Some(1));
    }

    #[test]
    fn topojson_is_recognised() {
        let error = read(r#"{"type":"Topology","objects":{},"arcs":[]}"#).expect_err("TopoJSON");
        assert_eq!(error.problem, Problem::TopoJson);
        assert!(
            error
                .to_string()
                .contains("TopoJSON is not supported; convert to GeoJSON")
        );
        let untyped = read(r#"{"objects":{},"arcs":[]}"#).expect_err("TopoJSON");
        assert_eq!(untyped.problem, Problem::TopoJson);
    }

    #[test]
    fn projected_coordinates_name_the_feature_and_crs() {
        let error = read(
            r#"{"type":"FeatureCollection",
            "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},
            "features":[
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4400000,5900000],[4500000,5900000],[4500000,6000000],[4400000,5900000]]]}}]}"#,
        )
        .expect_err("projected");
        assert_eq!(error.location.record, Some(1));
        assert_eq!(error.location.line, Some(5));
        let text = error.to_string();
        assert!(text.contains("features[1]"), "{text}");
        assert!(
            text.contains("looks projected (its crs is urn:ogc:def:crs:EPSG::3857)"),
            "{text}"
        );
    }

    #[test]
    fn empty_collections_arrays_and_unknown_types_are_rejected() {
        let empty = read(r#"{"type":"FeatureCollection","features":[]}"#).expect_err("empty");
        assert_eq!(empty.problem, Problem::EmptyCollection);
        let array = read("[1,2]").expect_err("array");
        assert!(array.to_string().contains("not an array"));
        let unknown = read(r#"{"type":"Banana"}"#).expect_err("unknown");
        assert!(unknown.to_string().contains("unknown GeoJSON type \"Banana\""));
        let untyped = read(r#"{"a":1}"#).expect_err("no type");
        assert!(untyped.to_string().contains("no \"type\" member"));
    }

    #[test]
    fn malformed_features_are_errors_with_their_index() {
        let error = read(
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":"nope"}}]}"#,
        )
        .expect_err("bad coordinates");
        assert_eq!(error.location.record, Some(1));
        assert_eq!(error.location.line, Some(3));

        let short_ring =
            read(r#"{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}"#).expect_err("degenerate ring");
        assert!(short_ring.to_string().contains("at least 3 different corners"));

        let one_number = read(r#"{"type":"Polygon","coordinates":[[[0],[1,1],[1,0],[0,0]]]}"#);
        assert!(one_number.is_err());
    }

    #[test]
    fn negative_zero_positions_are_read_as_zero() {
        let file = read(r#"{"type":"Polygon","coordinates":[[[-0,0],[1,-0.0],[1,1],[-0e5,0]]]}"#)
            .expect("valid polygon");
        for coord in polygons(&file)[0].0[0].exterior().coords() {
            assert!(
                coord.x.is_sign_positive() && coord.y.is_sign_positive(),
                "{coord:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"type\":\"Feature\",\"properties\":{}1{}}}",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let error = read(&deep).expect_err("too deep");
        assert!(matches!(error.problem, Problem::Json(_)), "{error}");
    }
}
