//! Colours and line widths of the map, for the light and the dark theme.

use egui::Color32;

/// Distinct region colours (the Tableau 10 palette), assigned in region
/// order; colour-blind safe enough to tell the five tracked regions apart.
const REGION_PALETTE: [Color32; 10] = [
    Color32::from_rgb(0x4E, 0x79, 0xA7),
    Color32::from_rgb(0xF2, 0x8E, 0x2B),
    Color32::from_rgb(0x59, 0xA1, 0x4F),
    Color32::from_rgb(0xE1, 0x57, 0x59),
    Color32::from_rgb(0xB0, 0x7A, 0xA1),
    Color32::from_rgb(0x76, 0xB7, 0xB2),
    Color32::from_rgb(0xED, 0xC9, 0x48),
    Color32::from_rgb(0xFF, 0x9D, 0xA7),
    Color32::from_rgb(0x9C, 0x75, 0x5F),
    Color32::from_rgb(0xBA, 0xB0, 0xAC),
];

/// Marker colours of the known event categories, in
/// [`crate::data::EventCategory::ALL`] order: deployment, drill, withdrawal,
/// incident, strike, statement, other.
const CATEGORY_PALETTE: [Color32; 7] = [
    Color32::from_rgb(0xD6, 0x27, 0x28),
    Color32::from_rgb(0xFF, 0x7F, 0x0E),
    Color32::from_rgb(0x2C, 0xA0, 0x2C),
    Color32::from_rgb(0x94, 0x67, 0xBD),
    Color32::from_rgb(0x8C, 0x1C, 0x13),
    Color32::from_rgb(0x1F, 0x77, 0xB4),
    Color32::from_rgb(0x8C, 0x56, 0x4B),
];

/// The choropleth's sequential scale, from few events to many (yellow to
/// dark red, after ColorBrewer's YlOrRd).
const CHOROPLETH_SCALE: [Color32; 5] = [
    Color32::from_rgb(0xFF, 0xFF, 0xB2),
    Color32::from_rgb(0xFE, 0xCC, 0x5C),
    Color32::from_rgb(0xFD, 0x8D, 0x3C),
    Color32::from_rgb(0xF0, 0x3B, 0x20),
    Color32::from_rgb(0xBD, 0x00, 0x26),
];

/// Markers of categories borderwatch does not know.
const UNKNOWN_CATEGORY: Color32 = Color32::from_rgb(0x9A, 0x9A, 0x9A);

/// Everything the map needs to know about colours.
#[derive(Debug, Clone, PartialEq)]
pub struct MapStyle {
    /// Water, and everything outside the context layer.
    pub sea: Color32,
    /// Land of the context layer: Russia, Ukraine, other countries.
    pub land_russia: Color32,
    /// Ukraine's land, a shade apart so the border reads at a glance.
    pub land_ukraine: Color32,
    /// Other countries' land.
    pub land_other: Color32,
    /// Admin-1 boundaries in the context.
    pub admin1_border: Color32,
    /// Country borders in the context.
    pub country_border: Color32,
    /// The state border and the de facto line drawn over the fills.
    pub border_line: Color32,
    /// The halo under the border line, so it reads on any fill.
    pub border_casing: Color32,
    /// The band a near-border filter keeps, either side of the border.
    pub border_band: Color32,
    /// Names in the context layer.
    pub context_label: Color32,
    /// Sea names.
    pub sea_label: Color32,
    /// Region names.
    pub region_label: Color32,
    /// The halo behind labels, so they read on any fill.
    pub label_halo: Color32,
    /// Opacity of a region's fill (0-255).
    pub region_fill_alpha: u8,
    /// Opacity of the hovered region's fill.
    pub hover_fill_alpha: u8,
    /// Opacity of the selected region's fill.
    pub selected_fill_alpha: u8,
    /// Outline of the selected region.
    pub selection_outline: Color32,
    /// Text and lines drawn over the map (scale bar, attribution).
    pub overlay_text: Color32,
    /// Background of overlays.
    pub overlay_fill: Color32,
    /// Outline of event markers.
    pub marker_outline: Color32,
    /// Inside of a cluster of several categories.
    pub cluster_fill: Color32,
    /// Ring around the selected event.
    pub marker_selection: Color32,
    /// Inside of a town's dot.
    pub town_dot: Color32,
    /// Town names, and the ring of their dots.
    pub town_label: Color32,
    /// Rivers.
    pub river: Color32,
    /// Lakes and reservoirs.
    pub lake: Color32,
    /// River names.
    pub water_label: Color32,
    /// Multiplies the raster tiles' colours (white: as they are; grey dims them for the dark theme).
    pub tile_tint: Color32,
}

impl MapStyle {
    /// The style for egui's light or dark theme.
    pub fn for_dark_mode(dark: bool) -> Self {
        if dark { Self::dark() } else { Self::light() }
    }

    /// Light theme: pale sea, paper land.
    pub fn light() -> Self {
        Self {
            sea: Color32::from_rgb(0xBF, 0xD6, 0xE6),
            land_russia: Color32::from_rgb(0xEE, 0xEA, 0xE2),
            land_ukraine: Color32::from_rgb(0xF6, 0xF3, 0xE4),
            land_other: Color32::from_rgb(0xE8, 0xE6, 0xE1),
            admin1_border: Color32::from_rgb(0xC4, 0xBD, 0xB1),
            country_border: Color32::from_rgb(0x8E, 0x86, 0x7A),
            border_line: Color32::from_rgb(0x2B, 0x22, 0x2E),
            border_casing: Color32::from_rgba_unmultiplied(0xFF, 0xFF, 0xFF, 0xB0),
            border_band: Color32::from_rgba_unmultiplied(0x1F, 0x6F, 0xD0, 0x48),
            context_label: Color32::from_rgb(0x7A, 0x74, 0x6B),
            sea_label: Color32::from_rgb(0x4F, 0x74, 0x90),
            region_label: Color32::from_rgb(0x20, 0x20, 0x20),
            label_halo: Color32::from_rgba_unmultiplied(0xFF, 0xFF, 0xFF, 0xC8),
            region_fill_alpha: 110,
            hover_fill_alpha: 160,
            selected_fill_alpha: 200,
            selection_outline: Color32::from_rgb(0x11, 0x11, 0x11),
            overlay_text: Color32::from_rgb(0x22, 0x22, 0x22),
            overlay_fill: Color32::from_rgba_unmultiplied(0xFF, 0xFF, 0xFF, 0xD0),
            marker_outline: Color32::WHITE,
            cluster_fill: Color32::from_rgb(0xF4, 0xF4, 0xF4),
            marker_selection: Color32::from_rgb(0x11, 0x11, 0x11),
            town_dot: Color32::from_rgb(0xFF, 0xFF, 0xFF),
            town_label: Color32::from_rgb(0x33, 0x30, 0x2C),
            river: Color32::from_rgb(0x6F, 0x9F, 0xC8),
            lake: Color32::from_rgb(0xB0, 0xCB, 0xE0),
            water_label: Color32::from_rgb(0x3D, 0x6E, 0x99),
            tile_tint: Color32::WHITE,
        }
    }

    /// Dark theme: deep sea, charcoal land.
    pub fn dark() -> Self {
        Self {
            sea: Color32::from_rgb(0x17, 0x22, 0x2D),
            land_russia: Color32::from_rgb(0x2E, 0x30, 0x33),
            land_ukraine: Color32::from_rgb(0x35, 0x36, 0x33),
            land_other: Color32::from_rgb(0x29, 0x2B, 0x2E),
            admin1_border: Color32::from_rgb(0x48, 0x4B, 0x50),
            country_border: Color32::from_rgb(0x78, 0x7C, 0x82),
            border_line: Color32::from_rgb(0xF0, 0xE8, 0xDC),
            border_casing: Color32::from_rgba_unmultiplied(0x10, 0x10, 0x10, 0xB0),
            border_band: Color32::from_rgba_unmultiplied(0xFF, 0xE0, 0x4D, 0x3C),
            context_label: Color32::from_rgb(0x96, 0x99, 0x9E),
            sea_label: Color32::from_rgb(0x6F, 0x93, 0xB0),
            region_label: Color32::from_rgb(0xF2, 0xF2, 0xF2),
            label_halo: Color32::from_rgba_unmultiplied(0x10, 0x10, 0x10, 0xC8),
            region_fill_alpha: 120,
            hover_fill_alpha: 170,
            selected_fill_alpha: 210,
            selection_outline: Color32::from_rgb(0xFA, 0xFA, 0xFA),
            overlay_text: Color32::from_rgb(0xE6, 0xE6, 0xE6),
            overlay_fill: Color32::from_rgba_unmultiplied(0x20, 0x20, 0x20, 0xD0),
            marker_outline: Color32::from_rgb(0x10, 0x10, 0x10),
            cluster_fill: Color32::from_rgb(0x30, 0x30, 0x30),
            marker_selection: Color32::from_rgb(0xFF, 0xE0, 0x4D),
            town_dot: Color32::from_rgb(0x20, 0x20, 0x20),
            town_label: Color32::from_rgb(0xE2, 0xE0, 0xDA),
            river: Color32::from_rgb(0x3B, 0x5E, 0x80),
            lake: Color32::from_rgb(0x1C, 0x2B, 0x3A),
            water_label: Color32::from_rgb(0x7F, 0xA6, 0xC8),
            tile_tint: Color32::from_gray(120),
        }
    }

    /// The solid colour of the region at `index` (legend swatches, outlines).
    pub fn region_color(index: usize) -> Color32 {
        REGION_PALETTE[index % REGION_PALETTE.len()]
    }

    /// The region's colour at the given opacity, for fills.
    pub fn region_fill(index: usize, alpha: u8) -> Color32 {
        let [r, g, b, _] = Self::region_color(index).to_array();
        Color32::from_rgba_unmultiplied(r, g, b, alpha)
    }

    /// The choropleth colour at `t` in 0..=1 (0: fewest events, 1: most).
    pub fn choropleth_color(t: f32) -> Color32 {
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        let scaled = t * (CHOROPLETH_SCALE.len() - 1) as f32;
        let low = (scaled.floor() as usize).min(CHOROPLETH_SCALE.len() - 2);
        let share = scaled - low as f32;
        let [a, b] = [CHOROPLETH_SCALE[low], CHOROPLETH_SCALE[low + 1]];
        let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * share).round() as u8;
        Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
    }

    /// The fill of a region with `count` events when the most any region has
    /// is `max`, at the given opacity.
    pub fn choropleth_fill(count: usize, max: usize, alpha: u8) -> Color32 {
        let t = if max == 0 { 0.0 } else { count as f32 / max as f32 };
        let [r, g, b, _] = Self::choropleth_color(t).to_array();
        Color32::from_rgba_unmultiplied(r, g, b, alpha)
    }

    /// The marker colour of a category slot (see
    /// [`crate::data::CategoryId::SLOTS`]): the known categories,
    /// then a neutral grey for all others.
    pub fn category_color(slot: usize) -> Color32 {
        CATEGORY_PALETTE.get(slot).copied().unwrap_or(UNKNOWN_CATEGORY)
    }

    /// The marker colour of a category.
    pub fn category_id_color(category: crate::data::CategoryId) -> Color32 {
        Self::category_color(category.slot())
    }

    /// How much of a region fill's opacity is kept at `zoom`: all of it out
    /// to zoom 7 (an oblast fills the window), a quarter from zoom 10 (a town
    /// and its villages), less over tiles, so what is under the fill shows.
    pub fn fill_fade(zoom: f64, over_tiles: bool) -> f32 {
        let t = ((zoom - 7.0) / 3.0).clamp(0.0, 1.0) as f32;
        let fade = 1.0 - 0.75 * t;
        if over_tiles { fade * 0.6 } else { fade }
    }

    /// Land colour of a context feature by its country.
    pub fn land(&self, country: &str) -> Color32 {
        match country {
            "Russia" => self.land_russia,
            "Ukraine" => self.land_ukraine,
            _ => self.land_other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_regions_get_five_different_colours() {
        let colours: std::collections::HashSet<_> = (0..5).map(MapStyle::region_color).collect();
        assert_eq!(colours.len(), 5);
        assert_eq!(MapStyle::region_fill(0, 100).a(), 100);
        let categories: std::collections::HashSet<_> = (0..8).map(MapStyle::category_color).collect();
        assert_eq!(categories.len(), 8, "seven known categories and a neutral one");
        assert_eq!(MapStyle::category_color(8), MapStyle::category_color(7));
    }

    #[test]
    fn region_fills_thin_out_as_the_map_zooms_in_and_over_tiles() {
        assert_eq!(MapStyle::fill_fade(5.0, false), 1.0);
        assert_eq!(MapStyle::fill_fade(7.0, false), 1.0);
        assert!((MapStyle::fill_fade(10.0, false) - 0.25).abs() < 1e-6);
        assert!(MapStyle::fill_fade(8.5, false) < 1.0 && MapStyle::fill_fade(8.5, false) > 0.25);
        assert!(MapStyle::fill_fade(5.0, true) < MapStyle::fill_fade(5.0, false));
        assert_eq!(MapStyle::fill_fade(14.0, false), MapStyle::fill_fade(10.0, false));
    }

    #[test]
    fn the_choropleth_scale_darkens_with_the_count() {
        assert_eq!(MapStyle::choropleth_color(0.0), CHOROPLETH_SCALE[0]);
        assert_eq!(MapStyle::choropleth_color(1.0), CHOROPLETH_SCALE[4]);
        assert_eq!(MapStyle::choropleth_color(0.5), CHOROPLETH_SCALE[2]);
        assert_eq!(MapStyle::choropleth_color(f32::NAN), CHOROPLETH_SCALE[0]);
        let lightness = |c: Color32| u32::from(c.r()) + u32::from(c.g()) + u32::from(c.b());
        let steps: Vec<u32> = (0..=10)
            .map(|i| lightness(MapStyle::choropleth_color(i as f32 / 10.0)))
            .collect();
        assert!(steps.windows(2).all(|w| w[0] >= w[1]), "{steps:?}");
        assert_eq!(
            MapStyle::choropleth_fill(0, 0, 200),
            MapStyle::choropleth_fill(0, 10, 200)
        );
        assert_eq!(MapStyle::choropleth_fill(10, 10, 200).a(), 200);
    }
}
