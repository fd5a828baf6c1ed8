//! The legend over the map: region colours (a click selects the region) and
//! marker colours per category with their counts (a click hides or shows the
//! category).

use egui::{RichText, Ui};

use super::intent::PanelIntent;
use super::side_panel::swatch;
use crate::dataset::Dataset;
use crate::map::MapStyle;
use crate::query::{EventFilter, FilteredEvents};

/// Draws the legend at the top left of `map_rect`; returns its rectangle (so
/// map labels avoid it) and what was clicked.
pub fn legend(
    ui: &mut Ui,
    map_rect: egui::Rect,
    data: &Dataset,
    filtered: &FilteredEvents,
    filter: &EventFilter,
    selected_region: Option<usize>,
) -> (egui::Rect, Option<PanelIntent>) {
    let style = MapStyle::for_dark_mode(ui.visuals().dark_mode);
    let mut intent = None;
    let area = egui::Area::new(egui::Id::unique("legend"))
        .fixed_pos(map_rect.left_top() + egui::vec2(10.0, 10.0))
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style())
                .fill(style.overlay_fill)
                .show(ui, |ui| {
                    ui.set_max_width(200.0);
                    ui.label(RichText::new("Tracked regions").strong());
                    for (index, region) in data.regions.regions().iter().enumerate() {
                        ui.horizontal(|ui| {
                            swatch(ui, index);
                            let selected = Some(index) == selected_region;
                            if ui.selectable_label(selected, &region.name).clicked() {
                                intent = Some(PanelIntent::FocusRegion(index));
                            }
                        });
                    }
                    if data.events.is_empty() {
                        return;
                    }
                    ui.add_space(4.0);
                    egui::CollapsingHeader::new(RichText::new("Events").strong())
                        .id_salt("legend-events")
                        .default_open(true)
                        .show(ui, |ui| {
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
                                    let (rect, _) =
                                        ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                                    let color = MapStyle::category_id_color(id);
                                    if shown {
                                        ui.painter().circle_filled(rect.center(), 5.5, color);
                                    } else {
                                        ui.painter().circle_stroke(
                                            rect.center(),
                                            5.0,
                                            egui::Stroke::new(1.5, color),
                                        );
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
                                        intent = Some(PanelIntent::ToggleCategory(name.to_string()));
                                    }
                                });
                            }
                        });
                });
        });
    (area.response.rect, intent)
}
