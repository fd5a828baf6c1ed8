//! The Russia–Ukraine state border and the de facto line between Crimea and
//! Kherson Oblast, drawn over the region fills so the border reads at every
//! zoom. They are the shared edges of the bundled outlines, so line and fills
//! meet exactly.

use geo::{BoundingRect, MultiLineString, Rect};

use super::geojson::{FeatureGeometry, read_geojson};
use crate::data::bundled;
use crate::data::diagnostic::LoadError;

/// What a border line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BorderKind {
    /// An internationally recognised state border.
    State,
    /// A line of control that is not a recognised border (Perekop, Chonhar).
    DeFacto,
}

/// One border line.
#[derive(Debug, Clone)]
pub struct BorderLine {
    /// State border or de facto line.
    pub kind: BorderKind,
    /// What it is called, e.g. "Russia–Ukraine state border".
    pub name: String,
    /// The line, in longitude/latitude.
    pub line: MultiLineString<f64>,
    /// Its longitude/latitude bounds.
    pub bounds: Rect<f64>,
}

/// Every border line, in drawing order.
#[derive(Debug, Clone, Default)]
pub struct BorderLayer {
    /// The lines.
    pub lines: Vec<BorderLine>,
}

impl BorderLayer {
    /// The bundled border lines.
    pub fn bundled() -> Result<Self, LoadError> {
        Self::read(
            "bundled:assets/borders/border.geojson",
            bundled::BORDER.as_bytes(),
        )
    }

    /// Reads LineString/MultiLineString features with `kind` `state` (the
    /// default) or `de_facto`, and a `name`; other geometries are skipped.
    pub fn read(file: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let geo = read_geojson(file, bytes)?;
        let lines = geo
            .features
            .into_iter()
            .filter_map(|feature| {
                let FeatureGeometry::Lines(line) = feature.geometry else {
                    return None;
                };
                let text = |key: &str| feature.properties.get(key).and_then(|v| v.as_str());
                let kind = match text("kind") {
                    Some("de_facto") => BorderKind::DeFacto,
                    _ => BorderKind::State,
                };
                Some(BorderLine {
                    kind,
                    name: text("name").unwrap_or_default().to_string(),
                    bounds: line.bounding_rect()?,
                    line,
                })
            })
            .collect();
        Ok(Self { lines })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regions::RegionSet;
    use geo::{Coord, Distance, Haversine, Point};

    #[test]
    fn the_bundled_border_runs_from_belarus_to_the_sea_of_azov_and_follows_the_regions() {
        let layer = BorderLayer::bundled().expect("bundled border");
        let state: Vec<&BorderLine> = layer
            .lines
            .iter()
            .filter(|l| l.kind == BorderKind::State)
            .collect();
        assert_eq!(state.len(), 1);
        let de_facto = layer
            .lines
            .iter()
            .filter(|l| l.kind == BorderKind::DeFacto)
            .count();
        assert!(de_facto >= 1, "the Perekop line");
        let bounds = state[0].bounds;
        // From the Belarus tripoint (52.1° N) to Taganrog Bay (47.1° N).
        assert!(bounds.max().y > 52.0 && bounds.min().y < 47.2, "{bounds:?}");
        // The line is the regions' own edge: a point on it is within metres
        // of a tracked region's outline on one side.
        let regions = RegionSet::bundled().expect("regions");
        let belgorod = regions
            .get(regions.index_of("belgorod").expect("belgorod"))
            .expect("region");
        let near_belgorod = state[0]
            .line
            .0
            .iter()
            .flat_map(|l| l.0.iter())
            .filter(|c| {
                belgorod.bounds.min().y < c.y && c.y < belgorod.bounds.max().y && (36.0..37.5).contains(&c.x)
            })
            .take(20)
            .collect::<Vec<&Coord<f64>>>();
        assert!(!near_belgorod.is_empty());
        for c in near_belgorod {
            let on_edge = belgorod
                .shape
                .0
                .iter()
                .flat_map(|p| p.exterior().0.iter())
                .any(|v| Haversine.distance(Point(*v), Point(*c)) < 1.0);
            assert!(on_edge, "{c:?} is a vertex of Belgorod's outline");
        }
    }
}
