//! Things drawn over the map that are not data: the scale bar.

use egui::{Align2, FontId, Pos2, Rect, Shape, Stroke, pos2};

use super::style::MapStyle;
use super::view::Viewport;

/// The longest a scale bar may be, in points.
const MAX_SCALE_BAR: f32 = 120.0;

/// A scale bar: a round ground distance and its length on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleBar {
    /// Ground distance in metres: 1, 2 or 5 times a power of ten.
    pub metres: f64,
    /// Its length in screen points at the map's centre latitude.
    pub length: f32,
}

impl ScaleBar {
    /// The longest round distance that fits in [`MAX_SCALE_BAR`] points at the
    /// latitude of the map's centre.
    pub fn for_viewport(viewport: &Viewport) -> Option<Self> {
        let latitude = viewport.screen_to_lonlat(viewport.rect.center()).y;
        let per_point = viewport.metres_per_point(latitude);
        if !(per_point.is_finite() && per_point > 0.0) {
            return None;
        }
        let max_metres = per_point * f64::from(MAX_SCALE_BAR);
        let power = 10f64.powf(max_metres.log10().floor());
        let metres = [5.0, 2.0, 1.0]
            .into_iter()
            .map(|k| k * power)
            .find(|&m| m <= max_metres)?;
        Some(Self {
            metres,
            length: (metres / per_point) as f32,
        })
    }

    /// The distance as people write it: `500 m`, `20 km`.
    pub fn label(&self) -> String {
        if self.metres >= 1000.0 {
            format!("{} km", self.metres / 1000.0)
        } else {
            format!("{} m", self.metres)
        }
    }

    /// Paints the bar with its bottom-left corner at `at`; returns its rectangle.
    pub fn paint(&self, painter: &egui::Painter, at: Pos2, style: &MapStyle) -> Rect {
        let font = FontId::proportional(11.0);
        let galley = painter.layout_no_wrap(self.label(), font, style.overlay_text);
        let rect = Rect::from_min_max(
            pos2(at.x, at.y - 26.0),
            pos2(at.x + self.length.max(galley.size().x) + 12.0, at.y),
        );
        painter.rect_filled(rect, 3.0, style.overlay_fill);
        let y = rect.bottom() - 6.0;
        let x0 = rect.left() + 6.0;
        let stroke = Stroke::new(1.5, style.overlay_text);
        painter.add(Shape::line(
            vec![
                pos2(x0, y - 4.0),
                pos2(x0, y),
                pos2(x0 + self.length, y),
                pos2(x0 + self.length, y - 4.0),
            ],
            stroke,
        ));
        painter.galley(
            Align2::LEFT_BOTTOM
                .anchor_size(pos2(x0, y - 5.0), galley.size())
                .min,
            galley,
            style.overlay_text,
        );
        rect
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::project;
    use crate::map::view::MapView;
    use egui::vec2;

    #[test]
    fn scale_bar_is_round_and_true_to_the_ground() {
        let rect = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        for zoom in [3.0, 5.5, 7.0, 10.0, 14.0] {
            let view = MapView {
                center: project(geo::Coord { x: 39.0, y: 48.0 }),
                zoom,
            };
            let viewport = Viewport::new(view, rect);
            let bar = ScaleBar::for_viewport(&viewport).expect("a bar at every zoom");
            let leading = bar.metres / 10f64.powf(bar.metres.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|k| (leading - k).abs() < 1e-9),
                "{}",
                bar.metres
            );
            assert!(bar.length <= MAX_SCALE_BAR && bar.length >= MAX_SCALE_BAR / 2.5 - 0.01);
            // Cross-check with the haversine distance along the parallel.
            let a = viewport.screen_to_lonlat(rect.center());
            let b = viewport.screen_to_lonlat(rect.center() + vec2(bar.length, 0.0));
            let metres = 6_371_008.8 * (b.x - a.x).to_radians() * a.y.to_radians().cos();
            assert!(
                (metres / bar.metres - 1.0).abs() < 0.01,
                "zoom {zoom}: {metres} vs {}",
                bar.metres
            );
        }
    }

    #[test]
    fn labels_use_km_from_a_kilometre() {
        assert_eq!(
            ScaleBar {
                metres: 500.0,
                length: 1.0
            }
            .label(),
            "500 m"
        );
        assert_eq!(
            ScaleBar {
                metres: 20_000.0,
                length: 1.0
            }
            .label(),
            "20 km"
        );
    }
}
