//! The ruler on the map: the measured path with its points, the leg from
//! the last point to the pointer, and a box listing each leg's length and
//! bearing and the total.

use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, vec2};
use geo::Coord;

use super::{MapStyle, Viewport};
use crate::data::grouped::thousands;
use crate::geometry::ruler::legs;

/// Paints the path of `points` and, while the pointer is over the map, the
/// leg to it; returns the box's lines (for tests and the box itself).
pub(super) fn paint_ruler(
    painter: &egui::Painter,
    viewport: &Viewport,
    points: &[Coord<f64>],
    pointer: Option<Coord<f64>>,
    style: &MapStyle,
) -> Vec<String> {
    let color = style.marker_selection;
    let screen: Vec<Pos2> = points.iter().map(|&p| viewport.lonlat_to_screen(p)).collect();
    let mut shapes = Vec::new();
    if screen.len() >= 2 {
        shapes.push(Shape::line(screen.clone(), Stroke::new(4.5, style.border_casing)));
        shapes.push(Shape::line(screen.clone(), Stroke::new(2.0, color)));
    }
    if let (Some(&last), Some(pointer)) = (screen.last(), pointer) {
        let to = viewport.lonlat_to_screen(pointer);
        Shape::dashed_line_many(&[last, to], Stroke::new(1.5, color), 6.0, 4.0, &mut shapes);
    }
    for &at in &screen {
        shapes.push(Shape::circle_filled(at, 4.0, color));
        shapes.push(Shape::circle_stroke(
            at,
            4.0,
            Stroke::new(1.5, style.marker_outline),
        ));
    }
    painter.extend(shapes);
    let lines = ruler_lines(points, pointer);
    paint_box(painter, viewport.rect, &lines, style);
    lines
}

/// What the ruler's box says: each leg, the total, and the next leg to the
/// pointer; a hint before the first point.
pub fn ruler_lines(points: &[Coord<f64>], pointer: Option<Coord<f64>>) -> Vec<String> {
    if points.is_empty() {
        return vec!["Ruler: click points on the map · Esc or M ends".to_string()];
    }
    let path = legs(points);
    let mut lines: Vec<String> = path
        .iter()
        .enumerate()
        .map(|(i, leg)| {
            format!(
                "Leg {}: {}, bearing {:.0}°",
                i + 1,
                length_text(leg.metres),
                leg.bearing
            )
        })
        .collect();
    let total: f64 = path.iter().map(|l| l.metres).sum();
    lines.push(format!("Total: {}", length_text(total)));
    if let (Some(&last), Some(pointer)) = (points.last(), pointer) {
        let next = legs(&[last, pointer]);
        if let Some(next) = next.first() {
            lines.push(format!(
                "Next: {}, bearing {:.0}°",
                length_text(next.metres),
                next.bearing
            ));
        }
    }
    lines
}

/// A length as people read it: `850 m`, `12.3 km`, `1,240 km`.
pub fn length_text(metres: f64) -> String {
    if metres < 1_000.0 {
        format!("{metres:.0} m")
    } else if metres < 100_000.0 {
        format!("{:.1} km", metres / 1000.0)
    } else {
        format!("{} km", thousands((metres / 1000.0).round() as usize))
    }
}

/// The box of `lines` at the bottom left of the map, above the scale bar.
pub(super) fn paint_box(painter: &egui::Painter, map: Rect, lines: &[String], style: &MapStyle) {
    let font = FontId::proportional(12.0);
    let galleys: Vec<_> = lines
        .iter()
        .map(|line| painter.layout_no_wrap(line.clone(), font.clone(), style.overlay_text))
        .collect();
    let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
    let height: f32 = galleys.iter().map(|g| g.size().y).sum();
    let rect = Align2::LEFT_BOTTOM.anchor_size(
        map.left_bottom() + vec2(10.0, -40.0),
        vec2(width, height) + vec2(12.0, 8.0),
    );
    painter.rect_filled(rect, 4.0, style.overlay_fill);
    let mut y = rect.top() + 4.0;
    for galley in galleys {
        let size = galley.size();
        painter.galley(Pos2::new(rect.left() + 6.0, y), galley, Color32::PLACEHOLDER);
        y += size.y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_in_metres_or_km() {
        assert_eq!(length_text(850.4), "850 m");
        assert_eq!(length_text(12_340.0), "12.3 km");
        assert_eq!(length_text(1_240_400.0), "1,240 km");
    }
}
