//! Rivers, lakes and reservoirs, projected and triangulated once, and how
//! wide each rank of river is drawn at a zoom (painted by `water_paint.rs`).

use super::mesh::{LineLevels, ShapeMesh};
use crate::data::WaterLayer;

/// The water, projected and triangulated once.
pub struct WaterMeshes {
    /// Each river's WDBII level and line.
    pub(super) rivers: Vec<(u8, LineLevels)>,
    /// Each lake, and whether it is drained.
    pub(super) lakes: Vec<(ShapeMesh, bool)>,
    /// River names: English, local, where.
    pub(super) labels: Vec<(String, Option<String>, geo::Coord<f64>)>,
}

impl WaterMeshes {
    /// Meshes of every river and lake of `water`.
    pub fn new(water: &WaterLayer) -> Self {
        Self {
            rivers: water
                .rivers
                .iter()
                .map(|r| (r.level, LineLevels::new(&r.line)))
                .collect(),
            lakes: water
                .lakes
                .iter()
                .map(|l| (ShapeMesh::new(&l.shape), l.drained.is_some()))
                .collect(),
            labels: water
                .labels
                .iter()
                .map(|l| (l.name.clone(), l.name_local.clone(), l.point))
                .collect(),
        }
    }
}

/// How wide a river of WDBII `level` is drawn at `zoom`, in points; `None`
/// while it is too minor for the zoom.
pub fn river_width(level: u8, zoom: f64) -> Option<f32> {
    let (from_zoom, width) = match level {
        1 | 2 => (0.0, 1.6),
        3 => (6.0, 1.3),
        4 => (7.0, 1.1),
        _ => (8.0, 0.9),
    };
    // Zoomed in, every river thickens a little (a river seen close is wider).
    let grow = ((zoom - 8.0) / 4.0).clamp(0.0, 1.0) as f32;
    (zoom >= from_zoom).then_some(width * (1.0 + grow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_rivers_show_first_and_every_river_thickens_zoomed_in() {
        assert!(river_width(2, 4.0).is_some());
        assert!(river_width(3, 5.5).is_none() && river_width(3, 6.0).is_some());
        assert!(river_width(5, 7.5).is_none() && river_width(5, 8.0).is_some());
        let (near, far) = (river_width(2, 12.0), river_width(2, 6.0));
        assert!(near > far, "{near:?} {far:?}");
        assert!(river_width(2, 6.0) > river_width(5, 8.0));
    }

    #[test]
    fn the_bundled_water_becomes_meshes_for_every_river_and_lake() {
        let water = WaterLayer::bundled().expect("water");
        let meshes = WaterMeshes::new(&water);
        assert_eq!(meshes.rivers.len(), water.rivers.len());
        assert_eq!(meshes.lakes.len(), water.lakes.len());
        assert!(meshes.lakes.iter().all(|(mesh, _)| mesh.triangle_count() > 0));
        assert_eq!(
            meshes.lakes.iter().filter(|(_, drained)| *drained).count(),
            1,
            "Kakhovka"
        );
    }
}
