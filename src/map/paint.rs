//! Painting one frame of the map: the sea, the context underneath, the
//! tracked regions (fills, outlines, selection), the state border over them,
//! then labels, markers and the overlays (scale bar, attribution).

use egui::epaint::Mesh;
use egui::{Align2, FontId, Pos2, Shape, Stroke, Ui, vec2};

use super::density::paint_density;
use super::labels::PlacedLabel;
use super::markers::{marker_rects, paint_markers};
use super::overlay::ScaleBar;
use super::tile_layer::TileLayer;
use super::tools::{MapTool, paint_area, paint_tool};
use super::town_labels::{found_place_ring, paint_found_place};
use super::widget::MapWidget;
use super::{MapStyle, Viewport, WorldRect};
use crate::data::ContextKind;
use crate::data::bundled::MAP_CREDIT;
use crate::data::regions::BorderKind;
use crate::spatial::Cluster;

impl MapWidget<'_> {
    /// Paints the map in `viewport`, with `hovered` region highlighted and
    /// the event `clusters` on top.
    /// Returns the labels painted.
    pub(super) fn paint(
        &self,
        ui: &Ui,
        viewport: &Viewport,
        hovered: Option<usize>,
        clusters: &[Cluster],
        tiles: Option<(&mut TileLayer, &str)>,
    ) -> Vec<PlacedLabel> {
        let rect = viewport.rect;
        let painter = ui.painter_at(rect);
        let visible = viewport.visible_world();
        let style = self.style;
        let mut shapes: Vec<Shape> = Vec::new();
        shapes.push(Shape::rect_filled(rect, 0.0, style.sea));
        self.paint_context(viewport, &visible, &mut shapes);
        // Tiles cover the context's land where they have loaded; where they
        // have not (offline, nothing cached), the bundled layers are the map.
        let tile_credit = tiles.map(|(layer, credit)| {
            painter.extend(std::mem::take(&mut shapes));
            layer.paint(
                ui.ctx(),
                &painter,
                viewport,
                ui.ctx().pixels_per_point(),
                style.tile_tint,
            );
            credit
        });
        if self.shows(|v| v.water) {
            self.paint_water(viewport, &visible, &mut shapes);
        }
        self.paint_regions(viewport, &visible, hovered, &mut shapes);
        if let Some(metres) = self.border_band_m {
            self.paint_border_band(viewport, metres, &mut shapes);
        }
        if self.shows(|v| v.border) {
            self.paint_border(viewport, &visible, &mut shapes);
        }
        if let Some(density) = self.density {
            painter.extend(std::mem::take(&mut shapes));
            paint_density(&painter, viewport, density, style);
        }
        if let Some(place) = self.found_place.and_then(|i| self.layers.gazetteer?.get(i)) {
            found_place_ring(viewport.lonlat_to_screen(place.lonlat), style, &mut shapes);
        }
        let labels = if self.shows(|v| v.labels) {
            self.paint_labels(&painter, viewport, &marker_rects(clusters, viewport), &mut shapes)
        } else {
            Vec::new()
        };
        if let Some(layer) = self.events.as_ref().filter(|_| self.shows(|v| v.markers)) {
            paint_markers(&painter, clusters, layer, viewport, style, &mut shapes);
        }
        painter.extend(shapes);

        if let Some(bar) = ScaleBar::for_viewport(viewport) {
            bar.paint(&painter, rect.left_bottom() + vec2(10.0, -10.0), style);
        }
        let credit = match tile_credit {
            Some(tiles) => format!("Tiles {tiles} · {MAP_CREDIT}"),
            None => MAP_CREDIT.to_string(),
        };
        let at = rect.right_bottom() + vec2(-6.0, -4.0);
        let galley = painter.layout_no_wrap(credit, FontId::proportional(10.0), style.overlay_text);
        let credit_rect = Align2::RIGHT_BOTTOM.anchor_size(at, galley.size());
        painter.rect_filled(credit_rect.expand(2.0), 2.0, style.overlay_fill);
        painter.galley(credit_rect.min, galley, style.overlay_text);
        labels
    }

    /// Context: land fills, then admin-1 borders under country borders.
    fn paint_context(&self, viewport: &Viewport, visible: &WorldRect, shapes: &mut Vec<Shape>) {
        let style = self.style;
        let show_context = self.shows(|v| v.context);
        let mut land = Mesh::default();
        let filled = self.layers.context.iter().zip(&self.layers.context_filled);
        for (feature, (mesh, &fill)) in self.context.features.iter().zip(filled) {
            if let Some(mesh) = mesh
                && show_context
                && fill
                && mesh.bounds.intersects(visible)
            {
                mesh.fill_into(viewport, style.land(&feature.country), &mut land);
            }
        }
        shapes.push(Shape::mesh(land));
        if !show_context {
            return;
        }
        // Admin-1 borders under country borders.
        for (kind, outlines) in &self.layers.context_outlines {
            let stroke = match kind {
                ContextKind::Country => Stroke::new(1.2, style.country_border),
                _ => Stroke::new(0.6, style.admin1_border),
            };
            outlines.outline_into(viewport, stroke, shapes);
        }
    }

    /// Tracked regions: fills, outlines, then the selection on top.
    fn paint_regions(
        &self,
        viewport: &Viewport,
        visible: &WorldRect,
        hovered: Option<usize>,
        shapes: &mut Vec<Shape>,
    ) {
        let style = self.style;
        let max_count = self.choropleth.and_then(|c| c.iter().copied().max()).unwrap_or(0);
        // Zoomed in, the fills thin out so towns, rivers and tiles show through.
        let fade = MapStyle::fill_fade(viewport.view.zoom, self.shows(|v| v.tiles));
        let mut fills = Mesh::default();
        for (index, mesh) in self.layers.regions.iter().enumerate() {
            if !mesh.bounds.intersects(visible) || !self.region_shown(index) {
                continue;
            }
            let alpha = if Some(index) == self.selected {
                style.selected_fill_alpha
            } else if Some(index) == hovered {
                style.hover_fill_alpha
            } else {
                style.region_fill_alpha
            };
            let alpha = (f32::from(alpha) * fade).round() as u8;
            let color = match self.choropleth {
                Some(counts) => {
                    let count = counts.get(index).copied().unwrap_or(0);
                    // The choropleth is read from its colours: keep them strong.
                    let alpha = alpha.saturating_add(70);
                    MapStyle::choropleth_fill(count, max_count, alpha)
                }
                None => MapStyle::region_fill(index, alpha),
            };
            mesh.fill_into(viewport, color, &mut fills);
        }
        shapes.push(Shape::mesh(fills));
        for (index, mesh) in self.layers.regions.iter().enumerate() {
            if mesh.bounds.intersects(visible) && Some(index) != self.selected && self.region_shown(index) {
                let width = if Some(index) == hovered { 2.0 } else { 1.2 };
                let color = if self.choropleth.is_some() {
                    style.country_border
                } else {
                    MapStyle::region_color(index)
                };
                mesh.outline_into(viewport, Stroke::new(width, color), shapes);
            }
        }
        if let Some(mesh) = self.selected.and_then(|i| self.layers.regions.get(i)) {
            mesh.outline_into(viewport, Stroke::new(2.5, style.selection_outline), shapes);
        }
    }

    /// The state border, solid, and the de facto line, dashed, each on a
    /// casing of the background's tone so it reads over any fill at any zoom.
    fn paint_border(&self, viewport: &Viewport, visible: &WorldRect, shapes: &mut Vec<Shape>) {
        let style = self.style;
        let lines: Vec<(BorderKind, Vec<Pos2>)> = self
            .layers
            .borders
            .iter()
            .filter(|(_, mesh)| mesh.bounds.intersects(visible))
            .flat_map(|(kind, mesh)| {
                let kind = *kind;
                mesh.screen_lines(viewport, BORDER_CASING)
                    .into_iter()
                    .map(move |line| (kind, line))
            })
            .collect();
        // Every casing first, so no casing covers another line.
        for (_, line) in &lines {
            shapes.push(Shape::line(
                line.clone(),
                Stroke::new(BORDER_CASING, style.border_casing),
            ));
        }
        let stroke = Stroke::new(BORDER_WIDTH, style.border_line);
        for (kind, line) in lines {
            match kind {
                BorderKind::State => shapes.push(Shape::line(line, stroke)),
                BorderKind::DeFacto => Shape::dashed_line_many(&line, stroke, 7.0, 4.0, shapes),
            }
        }
    }
}

impl MapWidget<'_> {
    /// Over the map: the area filtered by, the tool in use (at the `cursor`)
    /// and the ring (and the name, unless among `labels`) of the place flown to.
    pub(super) fn paint_over(
        &self,
        painter: &egui::Painter,
        viewport: &Viewport,
        tool: Option<&MapTool>,
        cursor: Option<geo::Coord<f64>>,
        labels: &[PlacedLabel],
    ) {
        if let Some(area) = self.area {
            paint_area(painter, viewport, area, self.style);
        }
        if let Some(tool) = tool {
            paint_tool(painter, viewport, tool, cursor, self.style);
        }
        if let Some(place) = self.found_place.and_then(|i| self.layers.gazetteer?.get(i)) {
            paint_found_place(painter, viewport, place, labels, self.style);
        }
    }

    /// The band within `metres` of the border lines: what a near-border
    /// filter keeps, under the border line and the markers.
    fn paint_border_band(&self, viewport: &Viewport, metres: u32, shapes: &mut Vec<Shape>) {
        let band = self.layers.border_band(metres);
        let mut mesh = Mesh::default();
        band.fill_into(viewport, self.style.border_band, &mut mesh);
        shapes.push(Shape::mesh(mesh));
        band.outline_into(viewport, Stroke::new(1.0, self.style.border_band), shapes);
    }
}

/// Width of the border line, in screen points.
const BORDER_WIDTH: f32 = 1.8;

/// Width of the halo under it.
const BORDER_CASING: f32 = 4.6;
