//! Rivers, lakes and reservoirs under the regions: lakes filled in the
//! water's colour (a drained reservoir only outlined), rivers thicker the
//! more major they are and appearing rank by rank as the map zooms in, and
//! the names of the main rivers.

use egui::epaint::Mesh;
use egui::{FontId, Painter, Shape, Stroke};

use super::labels::{Label, LabelPlacer};
use super::mesh::{LineMesh, ShapeMesh};
use super::widget::MapWidget;
use super::{Viewport, WorldRect};
use crate::data::WaterLayer;

/// From this zoom lakes are outlined as well as filled.
const LAKE_OUTLINE_ZOOM: f64 = 7.0;

/// From this zoom river names are written.
const RIVER_LABEL_ZOOM: f64 = 6.5;

/// The water, projected and triangulated once.
pub struct WaterMeshes {
    rivers: Vec<(u8, LineMesh)>,
    lakes: Vec<(ShapeMesh, bool)>,
    labels: Vec<(String, Option<String>, geo::Coord<f64>)>,
}

impl WaterMeshes {
    /// Meshes of every river and lake of `water`.
    pub fn new(water: &WaterLayer) -> Self {
        Self {
            rivers: water
                .rivers
                .iter()
                .map(|r| (r.level, LineMesh::new(&r.line)))
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

impl MapWidget<'_> {
    /// Lakes, then rivers, in view.
    pub(super) fn paint_water(&self, viewport: &Viewport, visible: &WorldRect, shapes: &mut Vec<Shape>) {
        let Some(water) = self.layers.water.as_ref() else {
            return;
        };
        let style = self.style;
        let mut fills = Mesh::default();
        for (mesh, drained) in &water.lakes {
            if mesh.bounds.intersects(visible) && !drained {
                mesh.fill_into(viewport, style.lake, &mut fills);
            }
        }
        shapes.push(Shape::mesh(fills));
        // Far out a lake's fill is its outline; the stroke waits until it shows.
        let outlined = viewport.view.zoom >= LAKE_OUTLINE_ZOOM;
        for (mesh, drained) in &water.lakes {
            if mesh.bounds.intersects(visible) && (outlined || *drained) {
                let width = if *drained { 1.0 } else { 0.7 };
                mesh.outline_into(viewport, Stroke::new(width, style.river), shapes);
            }
        }
        let zoom = viewport.view.zoom;
        for (level, mesh) in &water.rivers {
            let Some(width) = river_width(*level, zoom) else {
                continue;
            };
            if mesh.bounds.intersects(visible) {
                let stroke = Stroke::new(width, style.river);
                shapes.extend(
                    mesh.screen_lines(viewport, 2.0)
                        .into_iter()
                        .map(|run| Shape::line(run, stroke)),
                );
            }
        }
    }

    /// The names of the main rivers, where they are free.
    pub(super) fn place_river_labels(
        &self,
        placer: &mut LabelPlacer,
        painter: &Painter,
        viewport: &Viewport,
        shapes: &mut Vec<Shape>,
    ) {
        let Some(water) = self.layers.water.as_ref() else {
            return;
        };
        if viewport.view.zoom < RIVER_LABEL_ZOOM {
            return;
        }
        let clip = viewport.rect.shrink(4.0);
        let local = self.shows(|v| v.local_names);
        for (name, name_local, point) in &water.labels {
            let anchor = viewport.lonlat_to_screen(*point);
            if !clip.contains(anchor) {
                continue;
            }
            let text = match name_local {
                Some(local_name) if local => local_name,
                _ => name,
            };
            placer.place(
                painter,
                clip,
                Label {
                    text,
                    anchor,
                    font: FontId::proportional(11.5),
                    color: self.style.water_label,
                    halo: self.style.label_halo,
                    fits_in: None,
                },
                shapes,
            );
        }
    }
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
