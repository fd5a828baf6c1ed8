//! The names on the map: tracked regions first (they matter most), then
//! seas, countries, towns and, zoomed in, admin-1 areas of the context, each kept
//! clear of the map's controls, the app's overlays and the markers.

use egui::{Color32, FontId, Painter, Pos2, Rect, Shape, Vec2, vec2};
use geo::{Contains, Coord};

use super::labels::{Label, LabelPlacer, PlacedLabel};
use super::mesh::ShapeMesh;
use super::widget::MapWidget;
use super::{MapStyle, Viewport, WorldRect};
use crate::data::{ContextFeature, ContextKind};

/// Zoom below which admin-1 names of the context are hidden.
const ADMIN1_LABEL_ZOOM: f64 = 5.5;

impl MapWidget<'_> {
    /// Places and paints every label, avoiding the `markers` drawn, and
    /// returns those painted.
    pub(super) fn paint_labels(
        &self,
        painter: &Painter,
        viewport: &Viewport,
        markers: &[Rect],
        shapes: &mut Vec<Shape>,
    ) -> Vec<PlacedLabel> {
        let mut placer = LabelPlacer::default();
        // Keep labels clear of the controls and the scale bar.
        placer.reserve(Rect::from_min_size(
            viewport.rect.right_top() + vec2(-56.0, 0.0),
            vec2(56.0, 120.0),
        ));
        placer.reserve(Rect::from_min_size(
            viewport.rect.left_bottom() + vec2(0.0, -40.0),
            vec2(160.0, 40.0),
        ));
        for obstacle in self.obstacles.iter().chain(markers) {
            placer.reserve(*obstacle);
        }
        // A region name may move off a marker at its label point.
        placer.allow_shifts(&[
            vec2(0.0, 24.0),
            vec2(0.0, -24.0),
            vec2(0.0, 36.0),
            vec2(0.0, -36.0),
        ]);
        // Each name and its place are worked out once; they are placed in two rounds.
        let regions = self.region_labels(viewport);
        let context = self.context_labels(viewport, &[ContextKind::Sea, ContextKind::Country]);
        let clip = viewport.rect.shrink(4.0);
        let halo = self.style.label_halo;
        place_area_labels(
            &mut placer,
            painter,
            clip,
            &regions,
            Anchor::LabelPoint,
            halo,
            shapes,
        );
        placer.no_shifts();
        place_area_labels(
            &mut placer,
            painter,
            clip,
            &context,
            Anchor::LabelPoint,
            halo,
            shapes,
        );
        if self.shows(|v| v.towns) {
            self.place_town_labels(&mut placer, painter, viewport, shapes);
        }
        if self.shows(|v| v.water) {
            self.place_river_labels(&mut placer, painter, viewport, shapes);
        }
        // Zoomed into a region or country, its name goes where the towns leave room.
        placer.allow_shifts(&MIDDLE_SHIFTS);
        place_area_labels(&mut placer, painter, clip, &regions, Anchor::Middle, halo, shapes);
        place_area_labels(&mut placer, painter, clip, &context, Anchor::Middle, halo, shapes);
        placer.no_shifts();
        if viewport.view.zoom >= ADMIN1_LABEL_ZOOM {
            let admin1 = self.context_labels(viewport, &[ContextKind::Admin1]);
            place_area_labels(
                &mut placer,
                painter,
                clip,
                &admin1,
                Anchor::LabelPoint,
                halo,
                shapes,
            );
        }
        placer.into_drawn()
    }

    /// The names of the regions shown, with their counts on a choropleth.
    fn region_labels(&self, viewport: &Viewport) -> Vec<AreaLabel> {
        let mut labels = Vec::new();
        for (index, region) in self.regions.regions().iter().enumerate() {
            let Some(mesh) = self
                .layers
                .regions
                .get(index)
                .filter(|_| self.region_shown(index))
            else {
                continue;
            };
            let Some((anchor, anchor_kind)) =
                label_anchor(viewport, region.label_point, &mesh.bounds, &region.shape)
            else {
                continue;
            };
            let text = match self.choropleth {
                Some(counts) => format!("{}: {}", region.name, counts.get(index).copied().unwrap_or(0)),
                None => region.name.clone(),
            };
            labels.push(AreaLabel {
                text,
                font: FontId::proportional(14.0),
                color: self.style.region_label,
                fits_in: Some(viewport.world_rect_to_screen(&mesh.bounds).size()),
                anchor,
                anchor_kind,
            });
        }
        labels
    }

    /// The names of the context's features of these `kinds`, kind by kind.
    fn context_labels(&self, viewport: &Viewport, kinds: &[ContextKind]) -> Vec<AreaLabel> {
        if !self.shows(|v| v.context) {
            return Vec::new();
        }
        kinds
            .iter()
            .flat_map(|&kind| {
                self.context
                    .features
                    .iter()
                    .zip(&self.layers.context)
                    .filter(move |(feature, _)| feature.kind == kind)
            })
            .filter_map(|(feature, mesh)| AreaLabel::of(feature, mesh.as_ref(), viewport, self.style))
            .collect()
    }
}

/// Places those of `labels` anchored at `anchor`, in order.
fn place_area_labels(
    placer: &mut LabelPlacer,
    painter: &Painter,
    clip: Rect,
    labels: &[AreaLabel],
    anchor: Anchor,
    halo: Color32,
    shapes: &mut Vec<Shape>,
) {
    for look in labels.iter().filter(|look| look.anchor_kind == anchor) {
        placer.place(
            painter,
            clip,
            Label {
                text: &look.text,
                anchor: look.anchor,
                font: look.font.clone(),
                color: look.color,
                halo,
                fits_in: look.fits_in,
            },
            shapes,
        );
    }
}

/// How the name of a region or a context feature is written, and where.
struct AreaLabel {
    text: String,
    font: FontId,
    color: Color32,
    fits_in: Option<Vec2>,
    anchor: Pos2,
    anchor_kind: Anchor,
}

impl AreaLabel {
    /// The label of `feature` (drawn from `mesh`); `None` for a country
    /// whose label point and visible middle are both off its shape.
    fn of(
        feature: &ContextFeature,
        mesh: Option<&ShapeMesh>,
        viewport: &Viewport,
        style: &MapStyle,
    ) -> Option<Self> {
        let extent = mesh.map(|m| viewport.world_rect_to_screen(&m.bounds).size());
        let (text, font, color, fits_in) = match feature.kind {
            ContextKind::Sea => (
                feature.name.clone(),
                FontId::proportional(13.0),
                style.sea_label,
                None,
            ),
            ContextKind::Country => (
                feature.name.to_uppercase(),
                FontId::proportional(13.0),
                style.context_label,
                extent,
            ),
            ContextKind::Admin1 => (
                feature.name.clone(),
                FontId::proportional(11.0),
                style.context_label,
                extent,
            ),
        };
        let (anchor, anchor_kind) = match (feature.kind, mesh) {
            (ContextKind::Country, Some(mesh)) => {
                label_anchor(viewport, feature.label_point, &mesh.bounds, &feature.shape)?
            }
            _ => (viewport.lonlat_to_screen(feature.label_point), Anchor::LabelPoint),
        };
        Some(Self {
            text,
            font,
            color,
            fits_in,
            anchor,
            anchor_kind,
        })
    }
}

/// Where a label is anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// At the shape's label point.
    LabelPoint,
    /// In the middle of the part of the shape in view (zoomed into it).
    Middle,
}

/// Shifts a region's name may take off the middle of the view, where towns
/// placed before it may be.
const MIDDLE_SHIFTS: [Vec2; 6] = [
    vec2(0.0, 40.0),
    vec2(0.0, -40.0),
    vec2(0.0, 80.0),
    vec2(0.0, -80.0),
    vec2(0.0, 120.0),
    vec2(0.0, -120.0),
];

/// Where a shape's label goes: its label point when on screen; otherwise,
/// when zoomed in past it, the middle of the visible part of its box if that
/// is inside the shape (so a region filling the screen stays named).
fn label_anchor(
    viewport: &Viewport,
    label_point: Coord<f64>,
    bounds: &WorldRect,
    shape: &geo::MultiPolygon<f64>,
) -> Option<(Pos2, Anchor)> {
    let at = viewport.lonlat_to_screen(label_point);
    if viewport.rect.shrink(8.0).contains(at) {
        return Some((at, Anchor::LabelPoint));
    }
    let visible = viewport.world_rect_to_screen(bounds).intersect(viewport.rect);
    if !visible.is_positive() {
        return None;
    }
    let middle = visible.center();
    shape
        .contains(&geo::Point(viewport.screen_to_lonlat(middle)))
        .then_some((middle, Anchor::Middle))
}
