//! The density layer: the shown events' hexagon bins painted on a
//! sequential scale (by the logarithm of the count, so one cell of
//! thousands does not wash out the rest), their counts written in when the
//! cells are large enough, and the cell under a click.

use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke};

use super::{MapStyle, Viewport};
use crate::spatial::hexbin::{Density, HexCell};

/// Opacity of a cell's fill.
const CELL_ALPHA: u8 = 205;

/// Where `count` sits on the density scale of cells up to `max`: 0 for one
/// event, 1 for the fullest cell, logarithmic between.
pub fn density_share(count: u32, max: u32) -> f32 {
    if max <= 1 {
        return 1.0;
    }
    ((f64::from(count).ln()) / f64::from(max).ln()).clamp(0.0, 1.0) as f32
}

/// The fill of a cell of `count` events when the fullest holds `max`.
pub fn density_fill(count: u32, max: u32) -> Color32 {
    let [r, g, b, _] = MapStyle::choropleth_color(density_share(count, max)).to_array();
    Color32::from_rgba_unmultiplied(r, g, b, CELL_ALPHA)
}

/// A count in few characters: `7`, `950`, `12k`, `1.2M`.
pub fn short_count(n: u32) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..10_000 => format!("{:.1}k", f64::from(n) / 1e3),
        10_000..1_000_000 => format!("{}k", n / 1_000),
        _ => format!("{:.1}M", f64::from(n) / 1e6),
    }
}

/// Paints the cells of `density` that are in view.
pub(super) fn paint_density(
    painter: &egui::Painter,
    viewport: &Viewport,
    density: &Density,
    style: &MapStyle,
) {
    let grid = density.grid();
    let view = viewport.visible_world().expand(grid.radius);
    let radius_points = (grid.radius * viewport.scale()) as f32;
    let font = FontId::proportional((radius_points * 0.55).clamp(9.0, 13.0));
    let mut shapes = Vec::new();
    let mut labels = Vec::new();
    for &(cell, count) in &density.cells {
        let centre = grid.centre(cell);
        if !view.contains(centre) {
            continue;
        }
        let corners: Vec<Pos2> = grid
            .corners(cell)
            .iter()
            .map(|&p| viewport.world_to_screen(p))
            .collect();
        shapes.push(Shape::convex_polygon(
            corners,
            density_fill(count, density.max),
            Stroke::new(0.6, style.marker_outline.gamma_multiply(0.6)),
        ));
        if radius_points >= 14.0 {
            labels.push((viewport.world_to_screen(centre), count));
        }
    }
    painter.extend(shapes);
    for (at, count) in labels {
        let dark = density_share(count, density.max) > 0.55;
        let color = if dark { Color32::WHITE } else { Color32::BLACK };
        painter.text(at, Align2::CENTER_CENTER, short_count(count), font.clone(), color);
    }
}

/// The non-empty cell under the screen point `at`, if any.
pub(super) fn cell_at(density: &Density, viewport: &Viewport, at: Pos2) -> Option<HexCell> {
    let cell = density.grid().cell_of(viewport.screen_to_world(at));
    (density.count(cell) > 0).then_some(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_logarithmic_from_one_to_the_fullest_cell() {
        assert_eq!(density_share(1, 1000), 0.0);
        assert_eq!(density_share(1000, 1000), 1.0);
        assert!((density_share(31, 1000) - 0.497).abs() < 0.01);
        assert_eq!(density_share(1, 1), 1.0);
        assert_eq!(short_count(950), "950");
        assert_eq!(short_count(1_234), "1.2k");
        assert_eq!(short_count(56_789), "56k");
        assert_eq!(short_count(1_250_000), "1.2M");
    }
}
