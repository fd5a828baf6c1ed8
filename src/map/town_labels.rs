//! The towns' dots and names: in rank order, each named beside its dot only
//! where the name overlaps nothing placed before it; and the ring on the
//! place flown to.

use egui::{FontId, Painter, Rect, Shape, Stroke, Vec2};

use super::labels::{Label, LabelPlacer, PlacedLabel};
use super::widget::MapWidget;
use super::{MapStyle, Viewport};
use crate::data::places::Place;

impl MapWidget<'_> {
    /// Dots and names of the towns that show at this zoom, in rank order,
    /// each only where its name fits beside its dot.
    pub(super) fn place_town_labels(
        &self,
        placer: &mut LabelPlacer,
        painter: &Painter,
        viewport: &Viewport,
        shapes: &mut Vec<Shape>,
    ) {
        let (Some(towns), Some(gazetteer)) = (self.layers.towns.as_ref(), self.layers.gazetteer) else {
            return;
        };
        let zoom = viewport.view.zoom as f32;
        let clip = viewport.rect.shrink(4.0);
        let local = self.shows(|v| v.local_names);
        for town in towns.towns.iter().take_while(|t| t.min_zoom <= zoom) {
            let at = viewport.world_to_screen(town.at);
            if !clip.contains(at) {
                continue;
            }
            let Some(place) = gazetteer.get(town.place as usize) else {
                continue;
            };
            let (radius, size) = dot_and_font(town.population, place.is_district());
            let dot = Rect::from_center_size(at, Vec2::splat(2.0 * radius + 2.0));
            let text = if local { place.local_or_name() } else { &place.name };
            let label = Label {
                text,
                anchor: at,
                font: FontId::proportional(size),
                color: self.style.town_label,
                halo: self.style.label_halo,
                fits_in: None,
            };
            if placer.place_beside(painter, clip, label, dot, shapes).is_some() && !place.is_district() {
                paint_dot(at, radius, self.style, shapes);
            }
        }
    }
}

/// Names the place the map flew to above its ring, unless the map already
/// names it.
pub(super) fn paint_found_place(
    painter: &Painter,
    viewport: &Viewport,
    place: &Place,
    labels: &[PlacedLabel],
    style: &MapStyle,
) {
    let at = viewport.lonlat_to_screen(place.lonlat);
    if !viewport.rect.contains(at) {
        return;
    }
    let named = |text: &str| labels.iter().any(|l| l.text == text);
    if named(&place.name) || named(&place.name_local) {
        return;
    }
    let galley = painter.layout_no_wrap(
        place.name.to_string(),
        FontId::proportional(14.0),
        style.town_label,
    );
    let rect = egui::Align2::CENTER_BOTTOM.anchor_size(at - Vec2::new(0.0, 15.0), galley.size());
    painter.rect_filled(rect.expand(3.0), 3.0, style.overlay_fill);
    painter.galley(rect.min, galley, style.town_label);
}

/// The ring round the place flown to, under the names (theirs have halos).
pub(super) fn found_place_ring(at: egui::Pos2, style: &MapStyle, shapes: &mut Vec<Shape>) {
    shapes.push(Shape::circle_stroke(at, 11.0, Stroke::new(4.0, style.label_halo)));
    shapes.push(Shape::circle_stroke(
        at,
        11.0,
        Stroke::new(2.0, style.marker_selection),
    ));
}

/// A town's dot radius and font size, by its population.
fn dot_and_font(population: u32, district: bool) -> (f32, f32) {
    match population {
        _ if district => (0.0, 11.0),
        300_000.. => (4.0, 13.5),
        50_000.. => (3.2, 12.5),
        5_000.. => (2.6, 11.5),
        _ => (2.2, 11.0),
    }
}

fn paint_dot(at: egui::Pos2, radius: f32, style: &MapStyle, shapes: &mut Vec<Shape>) {
    shapes.push(Shape::circle_filled(at, radius + 1.0, style.label_halo));
    shapes.push(Shape::circle_filled(at, radius, style.town_dot));
    shapes.push(Shape::circle_stroke(
        at,
        radius,
        Stroke::new(0.8, style.town_label),
    ));
}
