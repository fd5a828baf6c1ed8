//! The coordinate systems the GIS readers accept: longitude/latitude in
//! degrees (WGS 84 and its near twins), and Web Mercator, converted back to
//! degrees. Any other system is refused by the reader that meets it, naming
//! it, rather than drawn in the wrong place.

use geo::{Coord, MapCoords};

use super::table::FeatureGeometry;

/// The Earth's radius of Web Mercator (EPSG:3857), metres.
const MERCATOR_RADIUS: f64 = 6_378_137.0;

/// A coordinate system a reader can turn into longitude and latitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// Longitude and latitude in degrees.
    Degrees,
    /// Web Mercator metres (EPSG:3857 and its older codes).
    WebMercator,
}

/// The system of an EPSG code, if it is one borderwatch reads.
pub fn crs_from_epsg(code: i64) -> Option<Crs> {
    match code {
        // WGS 84, and ETRS89 / NAD83 which differ from it by about a metre.
        4326 | 4258 | 4269 => Some(Crs::Degrees),
        3857 | 900_913 | 3785 | 102_100 => Some(Crs::WebMercator),
        _ => None,
    }
}

/// Longitude and latitude of a Web Mercator point.
pub fn from_web_mercator(point: Coord<f64>) -> Coord<f64> {
    let lon = (point.x / MERCATOR_RADIUS).to_degrees();
    let lat = (2.0 * (point.y / MERCATOR_RADIUS).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    Coord { x: lon, y: lat }
}

impl Crs {
    /// `geometry` in longitude and latitude; `Err` names a point outside
    /// the Earth (coordinates that were not in this system).
    pub fn convert(self, geometry: Option<FeatureGeometry>) -> Result<Option<FeatureGeometry>, String> {
        let Some(geometry) = geometry else {
            return Ok(None);
        };
        let converted = match (self, geometry) {
            (Self::Degrees, geometry) => geometry,
            (Self::WebMercator, FeatureGeometry::Point(p)) => FeatureGeometry::Point(from_web_mercator(p)),
            (Self::WebMercator, FeatureGeometry::Polygons(shape)) => {
                FeatureGeometry::Polygons(shape.map_coords(from_web_mercator))
            }
            (Self::WebMercator, FeatureGeometry::Lines(lines)) => {
                FeatureGeometry::Lines(lines.map_coords(from_web_mercator))
            }
            (Self::WebMercator, other) => other,
        };
        check_degrees(&converted)?;
        Ok(Some(converted))
    }
}

/// `Err` naming the first point that is not a longitude and latitude.
fn check_degrees(geometry: &FeatureGeometry) -> Result<(), String> {
    use geo::CoordsIter;
    let bad = |c: &Coord<f64>| !(c.x.abs() <= 180.0 && c.y.abs() <= 90.0);
    let first_bad = match geometry {
        FeatureGeometry::Point(p) => bad(p).then_some(*p),
        FeatureGeometry::Polygons(shape) => shape.coords_iter().find(bad),
        FeatureGeometry::Lines(lines) => lines.coords_iter().find(bad),
        FeatureGeometry::Other(_) => None,
    };
    match first_bad {
        Some(c) => Err(format!(
            "the point ({}, {}) is not a longitude and latitude",
            c.x, c.y
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_goes_back_to_degrees() {
        // Forward by the textbook formula, then back.
        let (lon, lat) = (36.5872_f64, 50.5977_f64);
        let x = MERCATOR_RADIUS * lon.to_radians();
        let y = MERCATOR_RADIUS * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0).tan().ln();
        let back = from_web_mercator(Coord { x, y });
        assert!(
            (back.x - lon).abs() < 1e-9 && (back.y - lat).abs() < 1e-9,
            "{back:?}"
        );
        assert_eq!(crs_from_epsg(32636), None);
        let far = Crs::Degrees.convert(Some(FeatureGeometry::Point(Coord {
            x: 500_000.0,
            y: 10.0,
        })));
        assert!(far.is_err());
    }
}
