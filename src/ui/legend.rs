//! The legend over the map: region colours (a click selects the region) and
//! marker colours per category with their counts (a click hides or shows the
//! category).

use egui::{RichText, Ui};

use super::intent::PanelIntent;
use super::side_panel::swatch;
use crate::data::Precision;
use crate::dataset::Dataset;
use crate::map::density::short_count;
use crate::map::{MapStyle, paint_single, precision_note};
use crate::query::{EventFilter, FilteredEvents};

/// What the legend shows, for one frame.
pub struct Legend<'a> {
    /// The loaded data.
    pub data: &'a Dataset,
    /// What the filter shows.
    pub filtered: &'a FilteredEvents,
    /// The filter.
    pub filter: &'a EventFilter,
    /// The selected region, highlighted.
    pub selected_region: Option<usize>,
    /// Whether regions are coloured by count (the legend shows the scale).
    pub choropleth: bool,
    /// Whether notional events are drawn.
    pub notional_shown: bool,
    /// The fullest hexagon's count, while the density layer is drawn.
    pub density_max: Option<u32>,
}

/// Draws the legend at the top left of `map_rect`; returns its rectangle (so
/// map labels avoid it) and what was clicked.
pub fn legend(ui: &mut Ui, map_rect: egui::Rect, legend: &Legend<'_>) -> (egui::Rect, Option<PanelIntent>) {
    let Legend {
        data,
        filtered,
        filter,
        selected_region,
        choropleth,
        notional_shown,
        density_max,
    } = *legend;
    let style = MapStyle::for_dark_mode(ui.visuals().dark_mode);
    let mut intent = None;
    let area = egui::Area::new(egui::Id::unique("legend"))
        .fixed_pos(map_rect.left_top() + egui::vec2(10.0, 10.0))
        // Above the map, below windows (messages, dialogs) the user opens over it.
        .order(egui::Order::Middle)
        // Shown from the first frame, as the map is: a fade asks for frames
        // while the first file loads.
        .fade_in(false)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style())
                .fill(style.overlay_fill)
                .show(ui, |ui| {
                    ui.set_max_width(200.0);
                    region_entries(ui, data, filtered, selected_region, choropleth, &mut intent);
                    if data.events.is_empty() {
                        return;
                    }
                    if let Some(max) = density_max {
                        ui.add_space(4.0);
                        ui.label(RichText::new("Events per hexagon").strong())
                            .on_hover_text("Shown events counted per hexagon; the colour follows the logarithm of the count. Click a hexagon to list its events.");
                        scale_bar(ui, "1", &short_count(max));
                        ui.small("log scale; click a hexagon to list it");
                    }
                    ui.add_space(4.0);
                    egui::CollapsingHeader::new(RichText::new("Events").strong())
                        .id_salt("legend-events")
                        .default_open(true)
                        .show(ui, |ui| category_entries(ui, data, filtered, filter, &mut intent));
                    egui::CollapsingHeader::new(RichText::new("How well placed").strong())
                        .id_salt("legend-placement")
                        .default_open(false)
                        .show(ui, |ui| placement_entries(ui, &style, filtered, notional_shown));
                });
        });
    (area.response.rect, intent)
}

/// A line per region, with its colour (or its count's on a choropleth);
/// clicking one selects it.
fn region_entries(
    ui: &mut Ui,
    data: &Dataset,
    filtered: &FilteredEvents,
    selected_region: Option<usize>,
    choropleth: bool,
    intent: &mut Option<PanelIntent>,
) {
    let max = filtered.region_counts.iter().copied().max().unwrap_or(0);
    if choropleth {
        ui.label(RichText::new("Events per region").strong());
        scale_bar(ui, "0", &max.to_string());
    } else {
        ui.label(RichText::new("Tracked regions").strong());
    }
    for (index, region) in data.regions.regions().iter().enumerate() {
        ui.horizontal(|ui| {
            let text = if choropleth {
                let count = filtered.region_counts.get(index).copied().unwrap_or(0);
                let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter()
                    .rect_filled(rect, 2.0, MapStyle::choropleth_fill(count, max, 255));
                format!("{} ({count})", region.name)
            } else {
                swatch(ui, index);
                region.name.clone()
            };
            let selected = Some(index) == selected_region;
            if ui.selectable_label(selected, text).clicked() {
                *intent = Some(PanelIntent::FocusRegion(index));
            }
        });
    }
}

/// A line per category with events, with its count under the filter;
/// clicking one hides or shows it.
fn category_entries(
    ui: &mut Ui,
    data: &Dataset,
    filtered: &FilteredEvents,
    filter: &EventFilter,
    intent: &mut Option<PanelIntent>,
) {
    for (id, name) in data.events.categories().iter() {
        let total = data.category_totals.get(usize::from(id.0)).copied().unwrap_or(0);
        if total == 0 {
            continue;
        }
        let count = filtered
            .category_counts
            .get(usize::from(id.0))
            .copied()
            .unwrap_or(0);
        let shown = filter.categories.passes(name);
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            let color = MapStyle::category_id_color(id);
            if shown {
                ui.painter().circle_filled(rect.center(), 5.5, color);
            } else {
                ui.painter()
                    .circle_stroke(rect.center(), 5.0, egui::Stroke::new(1.5, color));
            }
            let text = format!("{name} ({count})");
            let text = if shown {
                RichText::new(text)
            } else {
                RichText::new(text).weak().strikethrough()
            };
            let response = ui.selectable_label(false, text).on_hover_text(if shown {
                "Click to hide this category"
            } else {
                "Click to show this category"
            });
            if response.clicked() {
                *intent = Some(PanelIntent::ToggleCategory(name.to_string()));
            }
        });
    }
}

/// What each marker shape says about where an event is.
fn placement_entries(ui: &mut Ui, style: &MapStyle, filtered: &FilteredEvents, notional_shown: bool) {
    let color = ui.visuals().text_color();
    let notional = if notional_shown {
        format!("Notional, no place known ({})", filtered.notional)
    } else {
        format!("Notional: hidden ({}), see Layers", filtered.notional)
    };
    let rows = [
        (Precision::Exact, "Located (exact, or not said)".to_string()),
        (
            Precision::Approximate,
            "Approximate: ring of about 5 km".to_string(),
        ),
        (Precision::Region, "Region only, at its label point".to_string()),
        (Precision::Notional, notional),
    ];
    for (precision, text) in rows {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(24.0, 24.0), egui::Sense::hover());
            let mut shapes = Vec::new();
            // A ground scale at which the approximate ring is drawn small.
            paint_single(
                rect.center(),
                color,
                Some(precision),
                f64::MAX,
                style,
                &mut shapes,
            );
            ui.painter().extend(shapes);
            ui.label(text)
                .on_hover_text(precision_note(precision).unwrap_or("The point is where it happened"));
        });
    }
}

/// The choropleth's colour scale from 0 to `max` events.
fn scale_bar(ui: &mut Ui, low: &str, high: &str) {
    let width = 160.0;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 12.0), egui::Sense::hover());
    let steps = 32;
    for step in 0..steps {
        let t0 = step as f32 / steps as f32;
        let x0 = rect.left() + t0 * width;
        let x1 = rect.left() + (step + 1) as f32 / steps as f32 * width;
        ui.painter().rect_filled(
            egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1 + 0.5, rect.bottom())),
            0.0,
            MapStyle::choropleth_color(t0 + 0.5 / steps as f32),
        );
    }
    ui.horizontal(|ui| {
        ui.set_width(width);
        ui.small(low);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.small(high);
        });
    });
}
