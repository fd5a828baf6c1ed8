//! The context layer: neighbouring regions, countries and seas, drawn muted
//! under the tracked regions so a user can orient. Never selectable.

use geo::{BoundingRect, Contains, Coord, InteriorPoint, Intersects, MultiPolygon, Rect};

use super::border::BorderLayer;
use super::geojson::{FeatureGeometry, read_geojson};
use crate::data::bundled;
use crate::data::diagnostic::LoadError;

/// What a context feature is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextKind {
    /// A country outline.
    Country,
    /// A first-level division (oblast, province).
    Admin1,
    /// A sea name at a point.
    Sea,
}

/// One feature of the context layer.
#[derive(Debug, Clone)]
pub struct ContextFeature {
    /// Country, admin-1 region or sea.
    pub kind: ContextKind,
    /// Its name, e.g. "Kharkiv", "Ukraine", "Sea of Azov".
    pub name: String,
    /// The country it belongs to (empty for seas).
    pub country: String,
    /// The outline in longitude/latitude (empty for seas).
    pub shape: MultiPolygon<f64>,
    /// Where its label goes.
    pub label_point: Coord<f64>,
    /// Longitude/latitude bounds (a point for seas).
    pub bounds: Rect<f64>,
}

/// The whole context layer.
#[derive(Debug, Clone, Default)]
pub struct ContextLayer {
    /// Countries first, then admin-1 regions, then seas: the drawing order.
    pub features: Vec<ContextFeature>,
    /// The state border and de facto lines, drawn over the regions.
    pub border: BorderLayer,
}

impl ContextLayer {
    /// The bundled context layer (read once per process: it is a megabyte
    /// of outlines, and the regions' coastal rule needs it too).
    pub fn bundled() -> Result<Self, LoadError> {
        static BUNDLED: std::sync::OnceLock<Result<ContextLayer, LoadError>> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| {
                let mut layer = Self::read(
                    "bundled:assets/context/context.geojson",
                    bundled::CONTEXT.as_bytes(),
                )?;
                layer.border = BorderLayer::bundled()?;
                Ok(layer)
            })
            .clone()
    }

    /// Reads a context layer: polygons with `kind` `country` or `admin1`
    /// (the default), points with `kind` `sea`.
    pub fn read(file: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let geo = read_geojson(file, bytes)?;
        let mut features: Vec<ContextFeature> = geo
            .features
            .into_iter()
            .filter_map(|feature| {
                let text = |key: &str| {
                    feature
                        .properties
                        .get(key)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                let name = text("name");
                let country = text("country");
                let declared = text("kind");
                match feature.geometry {
                    FeatureGeometry::Polygons(shape) => {
                        let bounds = shape.bounding_rect()?;
                        let label_point = shape.interior_point().map_or(bounds.center(), |p| p.0);
                        let kind = if declared == "country" {
                            ContextKind::Country
                        } else {
                            ContextKind::Admin1
                        };
                        Some(ContextFeature {
                            kind,
                            name,
                            country,
                            shape,
                            label_point,
                            bounds,
                        })
                    }
                    FeatureGeometry::Point(point) => Some(ContextFeature {
                        kind: ContextKind::Sea,
                        name,
                        country,
                        shape: MultiPolygon(Vec::new()),
                        label_point: point,
                        bounds: Rect::new(point, point),
                    }),
                    FeatureGeometry::Lines(_) | FeatureGeometry::Other(_) => None,
                }
            })
            .collect();
        features.sort_by_key(|f| match f.kind {
            ContextKind::Country => 0,
            ContextKind::Admin1 => 1,
            ContextKind::Sea => 2,
        });
        Ok(Self {
            features,
            border: BorderLayer::default(),
        })
    }

    /// The admin-1 region of the context under `point`, else its country
    /// (for saying where a place is: "Kharkiv, Ukraine").
    pub fn area_at(&self, point: Coord<f64>) -> Option<&ContextFeature> {
        let under = |kind: ContextKind| {
            self.features.iter().find(|f| {
                f.kind == kind && f.bounds.intersects(&point) && f.shape.contains(&geo::Point(point))
            })
        };
        under(ContextKind::Admin1).or_else(|| under(ContextKind::Country))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_in_its_admin1_region_else_its_country_else_nowhere() {
        let context = ContextLayer::bundled().expect("context");
        let kharkiv = context
            .area_at(Coord {
                x: 36.2548,
                y: 49.9818,
            })
            .expect("Kharkiv city");
        assert_eq!(
            (kharkiv.kind, kharkiv.country.as_str()),
            (ContextKind::Admin1, "Ukraine")
        );
        assert!(kharkiv.name.starts_with("Kharkiv"), "{}", kharkiv.name);
        let kursk = context.area_at(Coord { x: 36.19, y: 51.73 }).expect("Kursk city");
        assert_eq!(kursk.country, "Russia");
        assert!(
            context.area_at(Coord { x: 34.0, y: 43.6 }).is_none(),
            "the Black Sea"
        );
    }

    #[test]
    fn bundled_context_has_ukraine_kharkiv_and_the_sea_of_azov() {
        let layer = ContextLayer::bundled().expect("bundled context loads");
        let has = |kind, name: &str| layer.features.iter().any(|f| f.kind == kind && f.name == name);
        assert!(has(ContextKind::Country, "Ukraine"));
        assert!(has(ContextKind::Admin1, "Kharkiv"));
        assert!(has(ContextKind::Sea, "Sea of Azov"));
        // The tracked regions are not repeated in the context.
        assert!(!has(ContextKind::Admin1, "Rostov"));
        assert_eq!(layer.features[0].kind, ContextKind::Country);
    }

    /// Found by fuzzing (fuzz/regressions/context_layer/): `-0` next to `0`
    /// made geo's interior point trip its sweep-line assertion.
    #[test]
    fn a_polygon_written_with_negative_zero_gets_a_label_point() {
        let layer = ContextLayer::read(
            "fuzz.geojson",
            br#"{"type":"Feature","id":6,"properties":null,"geometry":{"type":"Polygon","coordinates":[[[-0,0],[0,1],[0,1],[0,0]]]}}"#,
        )
        .expect("a zero-area ring still loads");
        assert_eq!(layer.features.len(), 1);
        assert_eq!(layer.features[0].label_point.x, 0.0);

        let triangle = ContextLayer::read(
            "fuzz.geojson",
            br#"{"type":"Polygon","coordinates":[[[-0,0],[0,1],[1,1],[0,0]]]}"#,
        )
        .expect("a triangle loads");
        let feature = &triangle.features[0];
        assert!(feature.bounds.min().x <= feature.label_point.x && feature.label_point.x <= 1.0);
    }
}
