//! Regions: the tracked areas a user clicks, and the set of them with the
//! index that finds the region at a point. Reading them from GeoJSON is in
//! [`super::layer`].

use std::collections::HashSet;
use std::fmt;

use geo::{Coord, MultiPolygon, Rect};
use geojson::JsonObject;

use super::border_distance::BorderMeasure;
use super::coast::CoastIndex;
use super::context::{ContextKind, ContextLayer};
use super::index::RegionIndex;
use crate::data::diagnostic::{Diagnostic, Location};
use crate::geometry::bounds_union;

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
    /// The property its regions are named by, if any.
    pub name_property: Option<String>,
    /// Every property with text in its polygon features, in file order:
    /// what the user may name the regions by instead.
    pub text_properties: Vec<String>,
}

/// All regions the app knows, with the index that finds the region at a point.
#[derive(Debug)]
pub struct RegionSet {
    layers: Vec<RegionLayer>,
    regions: Vec<Region>,
    index: RegionIndex,
    /// The land around, for the coastal rule (none until [`Self::with_land`]).
    land: Vec<(MultiPolygon<f64>, Rect<f64>)>,
    /// The coastal rule's index, built from `land` when first needed (most
    /// points are inside a region and never ask).
    coast: std::sync::OnceLock<CoastIndex>,
    /// The border lines around, to measure how far events are from them
    /// (none until [`Self::with_land`]).
    border: std::sync::Arc<BorderMeasure>,
}

/// Where a point falls among the regions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Assigned {
    /// Inside the region at this index.
    Inside(usize),
    /// In the sea off the region's coast (see [`super::coast`]).
    Offshore {
        /// The region's index.
        region: usize,
        /// Distance to its coast, in metres.
        metres: f64,
    },
}

impl Assigned {
    /// The region's index.
    pub fn region(self) -> usize {
        match self {
            Self::Inside(region) | Self::Offshore { region, .. } => region,
        }
    }
}
impl RegionSet {
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
                land: Vec::new(),
                coast: std::sync::OnceLock::new(),
                border: std::sync::Arc::default(),
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

    /// A hash of what placing an event depends on: each region's id, layer
    /// and outline, and the land of the coastal rule. Two sets with the
    /// same fingerprint place every point alike (the event cache's key).
    pub fn fingerprint(&self) -> u64 {
        use std::hash::Hasher;
        let mut hasher = twox_hash::XxHash3_64::new();
        let shape = |hasher: &mut twox_hash::XxHash3_64, shape: &MultiPolygon<f64>| {
            for polygon in shape {
                let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
                for ring in rings {
                    hasher.write_usize(ring.0.len());
                    for c in &ring.0 {
                        hasher.write_u64(c.x.to_bits());
                        hasher.write_u64(c.y.to_bits());
                    }
                }
                hasher.write_u8(0xff);
            }
        };
        for region in &self.regions {
            hasher.write(region.id.as_str().as_bytes());
            hasher.write_usize(region.layer);
            shape(&mut hasher, &region.shape);
        }
        hasher.write_usize(self.land.len());
        for (land, _) in &self.land {
            shape(&mut hasher, land);
        }
        hasher.finish()
    }

    /// The region containing a longitude/latitude point (the topmost where
    /// regions overlap).
    pub fn locate(&self, point: Coord<f64>) -> Option<usize> {
        self.index.locate(point, |_| true)
    }

    /// Knows the land around the regions (the context's countries and
    /// first-level regions), so that points in the sea just off a region's
    /// coast are assigned to it ([`Self::assign`]).
    pub fn with_land(mut self, context: &ContextLayer) -> Self {
        // A country drawn as well as its first-level regions is the same land twice.
        let divided: HashSet<&str> = context
            .features
            .iter()
            .filter(|f| f.kind == ContextKind::Admin1)
            .map(|f| f.country.as_str())
            .collect();
        self.land = context
            .features
            .iter()
            .filter(|f| match f.kind {
                ContextKind::Admin1 => true,
                ContextKind::Country => !divided.contains(f.name.as_str()),
                ContextKind::Sea => false,
            })
            .map(|f| (f.shape.clone(), f.bounds))
            .collect();
        self.coast = std::sync::OnceLock::new();
        self.border = std::sync::Arc::new(BorderMeasure::new(context));
        self
    }

    /// The border lines to measure distances to (empty before
    /// [`Self::with_land`]).
    pub fn border(&self) -> &std::sync::Arc<BorderMeasure> {
        &self.border
    }

    /// Which side of the border a point is on: the country containing it,
    /// else the tracked region containing it (Crimea is in neither of the
    /// context's countries), else `None` (at sea, or beyond the map).
    pub fn side_of(&self, point: Coord<f64>) -> Option<&str> {
        self.border.country_at(point).or_else(|| {
            self.locate(point)
                .and_then(|i| self.regions.get(i))
                .map(|r| r.name.as_str())
        })
    }

    /// The region a point belongs to: the one containing it, else (with the
    /// land known) the one whose coast it lies just off.
    pub fn assign(&self, point: Coord<f64>) -> Option<Assigned> {
        if let Some(index) = self.locate(point) {
            return Some(Assigned::Inside(index));
        }
        if self.land.is_empty() {
            return None;
        }
        let coast = self.coast.get_or_init(|| {
            CoastIndex::new(
                self.regions.iter().map(|r| &r.shape),
                self.land.iter().map(|(shape, bounds)| (shape, *bounds)),
            )
        });
        let (region, metres) = coast.offshore(point)?;
        Some(Assigned::Offshore { region, metres })
    }

    /// Like [`Self::locate`], among the regions `include` accepts.
    pub fn locate_where(&self, point: Coord<f64>, include: impl Fn(usize) -> bool) -> Option<usize> {
        self.index.locate(point, include)
    }

    /// Longitude/latitude bounds of all regions.
    pub fn bounds(&self) -> Option<Rect<f64>> {
        self.regions
            .iter()
            .map(|r| r.bounds)
            .reduce(|a, b| bounds_union(&a, &b))
    }
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
#[cfg(test)]
mod tests {
    use super::*;

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
}
