//! Rivers, lakes and reservoirs under the regions: lakes filled in the
//! water's colour (a drained reservoir only outlined), rivers thicker the
//! more major they are and appearing rank by rank as the map zooms in, and
//! the names of the main rivers.

use egui::epaint::Mesh;
use egui::{FontId, Painter, Shape, Stroke};

use super::labels::{Label, LabelPlacer};
use super::water::river_width;
use super::widget::MapWidget;
use super::{Viewport, WorldRect};

/// From this zoom lakes are outlined as well as filled.
const LAKE_OUTLINE_ZOOM: f64 = 7.0;

/// From this zoom river names are written.
const RIVER_LABEL_ZOOM: f64 = 6.5;

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
