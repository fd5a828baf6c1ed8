//! The side panel: the selected region's details, or the list of regions
//! when none is selected. Returns what the user asked for; it changes nothing
//! itself.

use egui::{RichText, Ui};
use serde_json::Value;

use super::format::{format_area, format_lonlat};
use crate::data::{Region, RegionSet};
use crate::map::style::MapStyle;

/// What the user asked for in the side panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelIntent {
    /// Select the region at this index.
    Select(usize),
    /// Clear the selection.
    ClearSelection,
    /// Show the whole region on the map.
    ZoomTo(usize),
}

/// Properties shown in their own rows, not again under "Attributes".
const SHOWN_PROPERTIES: [&str; 6] = ["id", "name", "name_local", "source", "part", "part_local"];

/// Draws the panel for `selected` (an index into `regions`).
pub fn region_panel(ui: &mut Ui, regions: &RegionSet, selected: Option<usize>) -> Option<PanelIntent> {
    let mut intent = None;
    match selected.and_then(|i| regions.get(i).map(|r| (i, r))) {
        Some((index, region)) => region_details(ui, index, region, &mut intent),
        None => region_list(ui, regions, &mut intent),
    }
    intent
}

fn region_details(ui: &mut Ui, index: usize, region: &Region, intent: &mut Option<PanelIntent>) {
    ui.horizontal(|ui| {
        swatch(ui, index);
        ui.heading(&region.name);
    });
    if let Some(local) = &region.name_local {
        ui.label(RichText::new(local).size(15.0).weak());
    }
    ui.add_space(6.0);
    egui::Grid::new("region-facts")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label("Area");
            ui.label(format_area(region.area_km2))
                .on_hover_text("Geodesic area on the WGS84 ellipsoid");
            ui.end_row();
            if !region.parts.is_empty() {
                ui.label("Parts");
                ui.label(region.parts.join(", "));
                ui.end_row();
            }
            ui.label("Region id");
            ui.monospace(region.id.as_str());
            ui.end_row();
            ui.label("Label point");
            ui.label(format_lonlat(region.label_point));
            ui.end_row();
        });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        if ui.button("Zoom to region").clicked() {
            *intent = Some(PanelIntent::ZoomTo(index));
        }
        if ui.button("Clear selection").on_hover_text("Esc").clicked() {
            *intent = Some(PanelIntent::ClearSelection);
        }
    });
    let extra: Vec<(&String, &Value)> = region
        .properties
        .iter()
        .filter(|(key, _)| !SHOWN_PROPERTIES.contains(&key.as_str()))
        .collect();
    if !extra.is_empty() {
        egui::CollapsingHeader::new("Attributes")
            .default_open(false)
            .show(ui, |ui| {
                egui::Grid::new("region-attributes")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        for (key, value) in extra {
                            ui.label(key);
                            ui.label(value_text(value));
                            ui.end_row();
                        }
                    });
            });
    }
    if let Some(source) = &region.source {
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Boundary: {source}")).small().weak());
    }
}

fn region_list(ui: &mut Ui, regions: &RegionSet, intent: &mut Option<PanelIntent>) {
    ui.heading("Regions");
    ui.label(RichText::new("Click a region on the map, or pick one here, to see its details.").weak());
    ui.add_space(6.0);
    for (index, region) in regions.regions().iter().enumerate() {
        ui.horizontal(|ui| {
            swatch(ui, index);
            if ui.link(&region.name).clicked() {
                *intent = Some(PanelIntent::Select(index));
            }
        });
    }
}

/// A small square in the region's colour.
pub fn swatch(ui: &mut Ui, index: usize) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, MapStyle::region_color(index));
}

/// A JSON value as a user reads it: strings without quotes.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}
