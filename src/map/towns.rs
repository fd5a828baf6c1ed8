//! Towns and villages on the map (the bundled GeoNames places): a dot and a
//! name each, shown from the zoom where they matter — the bigger the town,
//! the further out; nearer the border, sooner — and named beside the dot
//! only where the name overlaps nothing placed before it.

use egui::{FontId, Painter, Rect, Shape, Stroke, Vec2};

use super::labels::{Label, LabelPlacer, PlacedLabel};
use super::widget::MapWidget;
use super::{MapStyle, Viewport};
use crate::data::places::{Gazetteer, Place};
use crate::data::regions::border_distance::BorderMeasure;
use crate::geometry::{WorldPoint, project};

/// Zoom from which districts of a city (Saltivka in Kharkiv) are named.
const DISTRICT_ZOOM: f32 = 11.5;

/// Within this distance of the state border a town shows one zoom level
/// sooner: that is where the events are.
const BORDER_BOOST_KM: f64 = 30.0;

/// One town as the map draws it.
#[derive(Debug, Clone, Copy)]
struct Town {
    at: WorldPoint,
    /// The zoom level from which it is drawn.
    min_zoom: f32,
    /// Its index in the gazetteer.
    place: u32,
    population: u32,
}

/// The towns of a gazetteer in the order their names are placed: by the
/// zoom they appear at, then the most populous first, so a capital always
/// wins its place over a village beside it.
pub struct TownLayer {
    towns: Vec<Town>,
}

impl TownLayer {
    /// Every place of `gazetteer`, ranked; `border` makes border towns appear sooner.
    pub fn new(gazetteer: &Gazetteer, border: &BorderMeasure) -> Self {
        let mut towns: Vec<Town> = gazetteer
            .iter()
            .enumerate()
            .map(|(index, place)| {
                let border_km = border
                    .nearest(place.lonlat)
                    .map_or(f64::INFINITY, |n| n.metres / 1000.0);
                Town {
                    at: project(place.lonlat),
                    min_zoom: min_zoom(place, border_km),
                    place: index as u32,
                    population: place.population,
                }
            })
            .collect();
        towns.sort_by(|a, b| {
            a.min_zoom
                .total_cmp(&b.min_zoom)
                .then(b.population.cmp(&a.population))
                .then(a.place.cmp(&b.place))
        });
        Self { towns }
    }

    /// The zoom from which the place with this gazetteer index is drawn.
    #[cfg(test)]
    pub fn min_zoom_of(&self, place: usize) -> Option<f32> {
        self.towns
            .iter()
            .find(|t| t.place as usize == place)
            .map(|t| t.min_zoom)
    }
}

/// The zoom level from which `place` is drawn, `border_km` from the border.
pub fn min_zoom(place: &Place, border_km: f64) -> f32 {
    if place.is_district() {
        return DISTRICT_ZOOM;
    }
    let by_size = match place.population {
        1_000_000.. => 3.0,
        300_000.. => 4.5,
        100_000.. => 5.5,
        30_000.. => 6.5,
        10_000.. => 7.5,
        3_000.. => 8.5,
        _ => 9.5,
    };
    if border_km <= BORDER_BOOST_KM {
        by_size - 1.0
    } else {
        by_size
    }
}

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

/// Marks the place the map flew to: a ring round it, over everything else,
/// and its name above unless the map already names it.
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
    painter.circle_stroke(at, 11.0, Stroke::new(4.0, style.label_halo));
    painter.circle_stroke(at, 11.0, Stroke::new(2.0, style.marker_selection));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RegionSet;

    #[test]
    fn big_towns_and_border_towns_show_sooner_and_districts_last() {
        let regions = RegionSet::bundled().expect("regions");
        let gazetteer = Gazetteer::bundled();
        let layer = TownLayer::new(gazetteer, regions.border());
        let zoom_of = |name: &str| {
            let index = gazetteer
                .iter()
                .position(|p| &*p.name == name)
                .unwrap_or_else(|| panic!("{name} in the gazetteer"));
            layer.min_zoom_of(index).expect("ranked")
        };
        assert!(zoom_of("Voronezh") < zoom_of("Valuyki"));
        // Shebekino (45 000, by the border) shows before Liski (55 000,
        // 150 km from it), though Liski is bigger.
        assert!(zoom_of("Shebekino") < zoom_of("Liski"));
        assert_eq!(zoom_of("Saltivka"), DISTRICT_ZOOM);
        let ordered: Vec<f32> = layer.towns.iter().map(|t| t.min_zoom).collect();
        assert!(ordered.windows(2).all(|w| w[0] <= w[1]), "placed in rank order");
        assert_eq!(layer.towns.len(), gazetteer.len());
    }
}
