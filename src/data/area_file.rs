//! A drawn area filter saved as GeoJSON and read back: one Feature whose
//! Polygon is the outline (any GIS reads it), with `shape`, and for a
//! circle `centre` and `radius_m`, so borderwatch reads a circle back as a
//! circle. Any polygon layer can be loaded as an area: its first polygon's
//! outer ring is used.

use std::io::{self, Write};

use geo::Coord;
use serde_json::{Value, json};

use super::diagnostic::{Diagnostic, LoadError, Location, Problem};
use super::regions::geojson::{FeatureGeometry, read_geojson};
use crate::geometry::area::DrawnArea;

/// Writes `area` as a GeoJSON FeatureCollection of one Feature.
pub fn write_area(area: &DrawnArea, out: &mut dyn Write) -> io::Result<()> {
    let mut ring: Vec<[f64; 2]> = area.outline().iter().map(|c| [c.x, c.y]).collect();
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    let mut properties = json!({
        "name": "borderwatch area filter",
        "area_km2": (area.area_km2() * 1000.0).round() / 1000.0,
    });
    match area {
        DrawnArea::Polygon(_) => properties["shape"] = json!("polygon"),
        DrawnArea::Circle { centre, radius_m } => {
            properties["shape"] = json!("circle");
            properties["centre"] = json!([centre.x, centre.y]);
            properties["radius_m"] = json!(radius_m);
        }
    }
    let collection = json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &collection)?;
    out.write_all(b"\n")
}

/// Reads an area from GeoJSON `bytes` (`file` names it in messages): a
/// circle saved by [`write_area`], or the outer ring of the first polygon
/// of any polygon layer, with a warning when polygons were left out.
pub fn read_area(file: &str, bytes: &[u8]) -> Result<(DrawnArea, Vec<Diagnostic>), LoadError> {
    let geo = read_geojson(file, bytes)?;
    let count = geo.polygon_count();
    let Some((feature, polygons)) = geo.features.iter().find_map(|f| match &f.geometry {
        FeatureGeometry::Polygons(p) => Some((f, p)),
        _ => None,
    }) else {
        return Err(LoadError::new(
            Location::file(file),
            Problem::NoPolygons {
                found: geo.type_summary(),
            },
        ));
    };
    let location = Location::file(file).record("features", feature.index);
    let mut warnings = geo.warnings.clone();
    if let Some(circle) = saved_circle(&feature.properties) {
        return Ok((circle, warnings));
    }
    let Some(polygon) = polygons.0.first() else {
        return Err(LoadError::new(
            location,
            Problem::Invalid("the polygon has no rings".into()),
        ));
    };
    let mut ring: Vec<Coord<f64>> = polygon.exterior().0.clone();
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let area = DrawnArea::Polygon(ring);
    if !area.is_valid() {
        return Err(LoadError::new(
            location,
            Problem::Invalid("the polygon's outer ring has fewer than 3 points".into()),
        ));
    }
    let left_out = count - 1 + polygons.0.len() - 1;
    if left_out > 0 || polygon.interiors().iter().any(|r| !r.0.is_empty()) {
        warnings.push(Diagnostic::warning(
            location,
            format!(
                "the area is this feature's first polygon's outer ring; {left_out} other polygon(s) and any holes are left out"
            ),
        ));
    }
    Ok((area, warnings))
}

/// A circle as [`write_area`] saves it, when the properties say so.
fn saved_circle(properties: &geojson::JsonObject) -> Option<DrawnArea> {
    if properties.get("shape").and_then(Value::as_str) != Some("circle") {
        return None;
    }
    let centre = properties.get("centre")?.as_array()?;
    let (x, y) = (centre.first()?.as_f64()?, centre.get(1)?.as_f64()?);
    let radius_m = properties.get("radius_m")?.as_f64()?;
    let circle = DrawnArea::Circle {
        centre: Coord { x, y },
        radius_m,
    };
    circle.is_valid().then_some(circle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(area: &DrawnArea) -> DrawnArea {
        let mut bytes = Vec::new();
        write_area(area, &mut bytes).expect("writes");
        let (back, warnings) = read_area("area.geojson", &bytes).expect("reads back");
        assert!(warnings.is_empty(), "{warnings:?}");
        back
    }

    #[test]
    fn polygons_and_circles_read_back_as_saved() {
        let c = |x, y| Coord { x, y };
        let polygon = DrawnArea::Polygon(vec![c(36.3, 50.3), c(37.2, 50.3), c(36.6, 50.9)]);
        assert_eq!(round_trip(&polygon), polygon);
        let circle = DrawnArea::Circle {
            centre: c(38.1, 50.21),
            radius_m: 20_000.0,
        };
        assert_eq!(round_trip(&circle), circle);
    }

    #[test]
    fn any_polygon_layer_gives_its_first_outer_ring_with_a_warning() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[36,50]}},
          {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[
            [[[36,50],[37,50],[37,51],[36,50]]], [[[38,50],[39,50],[39,51],[38,50]]]]}}]}"#;
        let (area, warnings) = read_area("layer.geojson", text.as_bytes()).expect("reads");
        let DrawnArea::Polygon(ring) = area else {
            panic!("a polygon")
        };
        assert_eq!(ring.len(), 3);
        assert_eq!(warnings.len(), 1);
        let message = warnings[0].to_string();
        assert!(
            message.contains("layer.geojson") && message.contains("features[1]"),
            "{message}"
        );
        assert!(message.contains("1 other polygon"), "{message}");
    }

    #[test]
    fn files_without_a_polygon_say_what_they_hold() {
        let text = r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[36,50]}}"#;
        let error = read_area("points.geojson", text.as_bytes()).expect_err("no polygon");
        let message = error.to_string();
        assert!(message.starts_with("points.geojson"), "{message}");
        assert!(message.contains("1 Point"), "{message}");
        let error = read_area("broken.geojson", b"{\"type\": \"Feature\",").expect_err("bad JSON");
        assert!(error.to_string().starts_with("broken.geojson:1:"), "{error}");
    }
}
