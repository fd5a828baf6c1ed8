//! What the map draws, and which of it: the meshes built once from the
//! loaded data, and the layer switches the user keeps between sessions.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use super::WorldRect;
use super::mesh::{LineLevels, ShapeMesh};
use super::outlines::{RingEdges, shared_outlines};
use super::towns::TownLayer;
use super::water::WaterMeshes;
use crate::data::places::Gazetteer;
use crate::data::regions::BorderKind;
use crate::data::regions::border_distance::BorderMeasure;
use crate::data::{ContextKind, ContextLayer, RegionSet, WaterLayer};

/// Which layers the map shows (persisted with the session).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LayerVisibility {
    /// Region layers hidden, by layer id (e.g. `rostov`).
    pub hidden_layers: BTreeSet<String>,
    /// The muted map of neighbours underneath.
    pub context: bool,
    /// The state border and the de facto line, over the fills.
    pub border: bool,
    /// Event markers.
    pub markers: bool,
    /// Markers of notional events, whose points are only stand-ins (off
    /// unless asked for: they are listed either way).
    pub notional: bool,
    /// Region and context names.
    pub labels: bool,
    /// Hexagon bins of the shown events instead of their markers.
    pub density: bool,
    /// Towns and villages (GeoNames), named from the zoom where they matter.
    pub towns: bool,
    /// Rivers, lakes and reservoirs.
    pub water: bool,
    /// Towns named in the local language (Russian, Ukrainian, Belarusian)
    /// instead of English.
    pub local_names: bool,
    /// Raster tiles (OpenStreetMap or the source chosen) under the regions.
    /// Off until asked for: with it on, the tile server sees the area viewed.
    pub tiles: bool,
}

impl Default for LayerVisibility {
    fn default() -> Self {
        Self {
            hidden_layers: BTreeSet::new(),
            context: true,
            border: true,
            markers: true,
            notional: false,
            labels: true,
            density: false,
            towns: true,
            water: true,
            local_names: false,
            tiles: false,
        }
    }
}

impl LayerVisibility {
    /// Whether the region layer with this id is shown.
    pub fn layer_shown(&self, id: &str) -> bool {
        !self.hidden_layers.contains(id)
    }

    /// Shows or hides a region layer.
    pub fn toggle_layer(&mut self, id: &str) {
        if !self.hidden_layers.remove(id) {
            self.hidden_layers.insert(id.to_string());
        }
    }
}

/// What the map draws, derived once from the loaded data: triangulated
/// meshes in world coordinates.
pub struct MapLayers {
    /// One mesh per region, by region index.
    pub(super) regions: Vec<ShapeMesh>,
    /// One mesh per context feature; `None` for a feature with no area.
    pub(super) context: Vec<Option<ShapeMesh>>,
    /// The borders of the context's admin-1 regions (less those along a
    /// country's border, drawn with it), then of its countries, each once.
    pub(super) context_outlines: Vec<(ContextKind, LineLevels)>,
    /// Whether a context feature's land is filled: not an admin-1 region of
    /// a country whose own feature (the union of its regions) fills it.
    pub(super) context_filled: Vec<bool>,
    /// The border lines, in drawing order.
    pub(super) borders: Vec<(BorderKind, LineLevels)>,
    /// Towns, ranked for labelling; `None` without a gazetteer.
    pub(super) towns: Option<TownLayer>,
    /// The places the towns are.
    pub(super) gazetteer: Option<&'static Gazetteer>,
    /// Rivers and lakes; `None` when the bundled layer could not be read.
    pub(super) water: Option<WaterMeshes>,
    region_bounds: Option<WorldRect>,
    /// What the band along the border is made from.
    border: Arc<BorderMeasure>,
    /// The bands last drawn, by half-width in metres, the latest last.
    bands: Mutex<Vec<(u32, Arc<ShapeMesh>)>>,
    /// What they were made from ([`Self::is_made_from`]).
    made_from: MadeFrom,
}

/// What a map's meshes are made from: the regions' fingerprint (their ids,
/// layers and outlines), and the context layer's size (the bundled layer,
/// read once a process, or nothing when it could not be read).
type MadeFrom = (u64, usize, usize);

fn made_from(regions: &RegionSet, context: &ContextLayer) -> MadeFrom {
    (
        regions.fingerprint(),
        context.features.len(),
        context.border.lines.len(),
    )
}

impl MapLayers {
    /// Projects and triangulates every region and context feature.
    pub fn new(regions: &RegionSet, context: &ContextLayer) -> Self {
        Self {
            regions: regions
                .regions()
                .iter()
                .map(|r| ShapeMesh::new(&r.shape))
                .collect(),
            context: context
                .features
                .iter()
                .map(|f| (!f.shape.0.is_empty()).then(|| ShapeMesh::new(&f.shape)))
                .collect(),
            context_outlines: context_outlines(context),
            context_filled: context
                .features
                .iter()
                .map(|f| {
                    f.kind != ContextKind::Admin1
                        || !context
                            .features
                            .iter()
                            .any(|c| c.kind == ContextKind::Country && c.country == f.country)
                })
                .collect(),
            borders: context
                .border
                .lines
                .iter()
                .map(|b| (b.kind, LineLevels::new(&b.line)))
                .collect(),
            towns: Some(TownLayer::new(Gazetteer::bundled(), regions.border())),
            gazetteer: Some(Gazetteer::bundled()),
            water: WaterLayer::bundled().ok().map(|w| WaterMeshes::new(&w)),
            region_bounds: regions.bounds().map(|b| WorldRect::from_lonlat(&b)),
            border: regions.border().clone(),
            bands: Mutex::new(Vec::new()),
            made_from: made_from(regions, context),
        }
    }

    /// Whether these are the meshes of `regions` and `context`: a load that
    /// changed only the events keeps them rather than make them again.
    pub fn is_made_from(&self, regions: &RegionSet, context: &ContextLayer) -> bool {
        self.made_from == made_from(regions, context)
    }

    /// The area within `metres` of the border lines, triangulated; made the
    /// first time a distance is drawn (10–50 ms) and kept with the last few.
    pub(super) fn border_band(&self, metres: u32) -> Arc<ShapeMesh> {
        const KEPT: usize = 4;
        let mut bands = self
            .bands
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = bands.iter().position(|(made_for, _)| *made_for == metres) {
            let band = bands.remove(at);
            bands.push(band.clone());
            return band.1;
        }
        let mesh = Arc::new(ShapeMesh::new(&self.border.band(f64::from(metres))));
        if bands.len() >= KEPT {
            bands.remove(0);
        }
        bands.push((metres, mesh.clone()));
        mesh
    }

    /// World bounds of all regions: what "Fit" shows.
    pub fn region_bounds(&self) -> Option<WorldRect> {
        self.region_bounds
    }
}

/// The borders of `context`'s admin-1 regions and countries, each once:
/// an admin-1 region's edge along its country's border is left to the
/// country's line, drawn over it.
fn context_outlines(context: &ContextLayer) -> Vec<(ContextKind, LineLevels)> {
    let of_kind = |kind: ContextKind| {
        RingEdges::of(
            context
                .features
                .iter()
                .filter(move |f| f.kind == kind)
                .map(|f| &f.shape),
        )
    };
    let countries = of_kind(ContextKind::Country);
    let admin1 = of_kind(ContextKind::Admin1).without(&countries);
    vec![
        (ContextKind::Admin1, shared_outlines(&admin1)),
        (ContextKind::Country, shared_outlines(&countries)),
    ]
}

/// Whether the region at `index` is drawn and selectable under `visibility`
/// (every region is when there is none).
pub(super) fn region_shown(regions: &RegionSet, visibility: Option<&LayerVisibility>, index: usize) -> bool {
    let Some(visibility) = visibility else {
        return true;
    };
    regions
        .get(index)
        .and_then(|r| regions.layers().get(r.layer))
        .is_none_or(|layer| visibility.layer_shown(&layer.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn border_bands_are_made_once_per_distance_and_the_last_few_kept() {
        let regions = RegionSet::bundled().expect("bundled regions");
        let context = ContextLayer::bundled().expect("bundled context");
        let layers = MapLayers::new(&regions, &context);
        let ten = layers.border_band(10_000);
        assert!(ten.triangle_count() > 0);
        assert!(Arc::ptr_eq(&ten, &layers.border_band(10_000)), "kept");
        let fifty = layers.border_band(50_000);
        assert!(!Arc::ptr_eq(&ten, &fifty));
        assert!(Arc::ptr_eq(&ten, &layers.border_band(10_000)), "still kept");
        for km in [1, 2, 3, 4] {
            layers.border_band(km * 1000);
        }
        assert!(
            !Arc::ptr_eq(&ten, &layers.border_band(10_000)),
            "made again once dropped"
        );
    }

    #[test]
    fn the_bundled_border_becomes_lines_and_land_is_filled_once() {
        let regions = RegionSet::bundled().expect("bundled regions");
        let context = ContextLayer::bundled().expect("bundled context");
        let layers = MapLayers::new(&regions, &context);
        let kinds: Vec<BorderKind> = layers.borders.iter().map(|(kind, _)| *kind).collect();
        assert!(kinds.contains(&BorderKind::State) && kinds.contains(&BorderKind::DeFacto));
        // Every line lies within the regions' frame: the border runs along them.
        let frame = layers.region_bounds().expect("regions");
        // Ukraine's land is filled once, by the country, not again by its oblasts.
        for (feature, filled) in context.features.iter().zip(&layers.context_filled) {
            let by_country = feature.kind == ContextKind::Country;
            if feature.country == "Ukraine" && feature.kind != ContextKind::Sea {
                assert_eq!(*filled, by_country, "{}", feature.name);
            }
        }
        for (_, line) in &layers.borders {
            assert!(frame.intersects(&line.bounds));
        }
    }
}
