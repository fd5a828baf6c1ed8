//! The side panel, QGIS-identify style: what is selected (a region, the
//! outside group or a spot on the map), its events newest first, and the
//! selected event's details. It returns what the user asked for and changes
//! nothing itself.

use egui::{RichText, Ui};

use super::event_details::{event_details, fields_grid};
use super::event_list::{about_list, event_list};
use super::focus::Focus;
use super::format::{format_area, format_lonlat, group_thousands};
use super::intent::PanelIntent;
use crate::data::Region;
use crate::dataset::Dataset;
use crate::map::MapStyle;
use crate::query::FilteredEvents;

/// Properties shown in their own rows, not again under "Attributes".
const SHOWN_PROPERTIES: [&str; 6] = ["id", "name", "name_local", "source", "part", "part_local"];

/// The side panel for one frame.
pub struct SidePanel<'a> {
    /// The loaded data.
    pub data: &'a Dataset,
    /// The events the filter shows.
    pub filtered: &'a FilteredEvents,
    /// What is selected.
    pub focus: &'a Focus,
    /// The events of the focus, newest first.
    pub items: &'a [u32],
    /// The selected event.
    pub selected_event: Option<usize>,
    /// An event the list should scroll to.
    pub reveal: Option<usize>,
}

impl SidePanel<'_> {
    /// Draws the panel in `ui`.
    pub fn show(self, ui: &mut Ui) -> Option<PanelIntent> {
        let mut intent = None;
        if self.focus == &Focus::Nothing && self.selected_event.is_none() {
            self.overview(ui, &mut intent);
            return intent;
        }
        egui::Panel::top("side-header")
            .show_separator_line(false)
            .show(ui, |ui| self.header(ui, &mut intent));
        if let Some(index) = self.selected_event {
            let height = ui.available_height();
            egui::Panel::bottom("side-details")
                .resizable(true)
                .default_size(height * 0.55)
                .size_range(120.0..=(height - 80.0).max(121.0))
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("event-details")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            ui.add_space(6.0);
                            event_details(ui, &self.data.events, &self.data.regions, index, &mut intent);
                        });
                });
        }
        // A region's list ends with the notional events about it, which
        // are not its events: they are listed apart.
        let split = match self.focus {
            Focus::Region(_) => self
                .items
                .partition_point(|&i| !self.data.columns.is_notional(i as usize)),
            _ => self.items.len(),
        };
        let (items, about) = self.items.split_at(split);
        egui::CentralPanel::no_frame().show(ui, |ui| {
            if matches!(self.focus, Focus::Region(_)) && !items.is_empty() {
                ui.add_space(4.0);
                egui::CollapsingHeader::new("By distance from the border")
                    .id_salt("distance-bands")
                    .default_open(false)
                    .show(ui, |ui| distance_bands(ui, self.data, items));
            }
            if !about.is_empty() {
                ui.add_space(4.0);
                let title = format!("Statements about it ({})", group_thousands(about.len() as u64));
                egui::CollapsingHeader::new(RichText::new(title).strong())
                    .id_salt("statements-about")
                    .default_open(true)
                    .show(ui, |ui| {
                        ui.weak(
                            "Notional: their points are stand-ins, so they are not counted in the region.",
                        );
                        about_list(ui, &self.data.events, about, self.selected_event, &mut intent);
                    });
            }
            ui.add_space(4.0);
            ui.label(RichText::new(format!("Events ({})", group_thousands(items.len() as u64))).strong());
            event_list(
                ui,
                &self.data.events,
                items,
                self.selected_event,
                self.reveal,
                &mut intent,
            );
        });
        intent
    }

    fn overview(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        ui.heading("Regions");
        ui.label(RichText::new("Click a region on the map, or pick one here, to see its events.").weak());
        ui.add_space(6.0);
        egui::Grid::new("region-overview")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for (index, region) in self.data.regions.regions().iter().enumerate() {
                    ui.horizontal(|ui| {
                        swatch(ui, index);
                        if ui.link(&region.name).clicked() {
                            *intent = Some(PanelIntent::FocusRegion(index));
                        }
                    });
                    let count = self.filtered.region_counts.get(index).copied().unwrap_or(0);
                    ui.label(events_count(count));
                    ui.end_row();
                }
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    ui.painter().rect_stroke(
                        rect,
                        2.0,
                        ui.visuals().widgets.noninteractive.fg_stroke,
                        egui::StrokeKind::Inside,
                    );
                    if ui.link("Outside tracked regions").clicked() {
                        *intent = Some(PanelIntent::FocusGroup(Focus::Outside));
                    }
                });
                ui.label(events_count(self.filtered.outside));
                ui.end_row();
                ui.horizontal(|ui| {
                    ui.add_space(16.0);
                    let link = ui.link("Not placed (notional)").on_hover_text(
                        "Statements and policies with no known place: their points are stand-ins, so they count in no region",
                    );
                    if link.clicked() {
                        *intent = Some(PanelIntent::FocusGroup(Focus::Notional));
                    }
                });
                ui.label(events_count(self.filtered.notional));
                ui.end_row();
            });
    }

    fn header(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        ui.add_space(4.0);
        match self.focus {
            Focus::Region(index) => match self.data.regions.get(*index) {
                Some(region) => region_header(ui, *index, region, intent),
                None => {
                    ui.heading("Region");
                }
            },
            Focus::Outside => {
                ui.heading("Outside tracked regions");
                ui.label(
                    RichText::new("Events whose coordinates fall in none of the tracked regions.").weak(),
                );
                clear_button(ui, intent);
            }
            Focus::Notional => {
                ui.heading("Not placed (notional)");
                ui.label(
                    RichText::new(
                        "Statements and policies with no known place. Their points only stand in for where they were said; they count in no region.",
                    )
                    .weak(),
                );
                clear_button(ui, intent);
            }
            Focus::Spot(members) => {
                ui.heading(format!("{} events at one spot", members.len()));
                if let Some(position) = members.first().and_then(|&i| self.data.events.get(i as usize)) {
                    ui.label(format_lonlat(position.position));
                }
                clear_button(ui, intent);
            }
            Focus::Hexagon(members) => {
                ui.heading(format!("{} events in this hexagon", members.len()));
                ui.label(RichText::new("A cell of the density layer; its events are listed below.").weak());
                clear_button(ui, intent);
            }
            Focus::Nothing => {
                ui.heading("Selected event");
                clear_button(ui, intent);
            }
        }
        ui.add_space(4.0);
    }
}

/// Upper ends of the distance bands, in km (the last band is beyond).
const BANDS_KM: [f32; 3] = [5.0, 25.0, 100.0];

/// How many of `items` lie in each band of distance from the border.
pub fn band_counts(border_km: &[f32], items: &[u32]) -> [usize; 4] {
    let mut counts = [0; 4];
    for &index in items {
        let km = border_km.get(index as usize).copied().unwrap_or(f32::INFINITY);
        let band = BANDS_KM
            .iter()
            .position(|&upper| km <= upper)
            .unwrap_or(BANDS_KM.len());
        counts[band] += 1;
    }
    counts
}

/// The listed events counted by distance from the border.
fn distance_bands(ui: &mut Ui, data: &Dataset, items: &[u32]) {
    let counts = band_counts(data.border_km(), items);
    let labels = ["0–5 km", "5–25 km", "25–100 km", "over 100 km"];
    egui::Grid::new("distance-band-grid")
        .num_columns(2)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for (label, count) in labels.iter().zip(counts) {
                ui.label(RichText::new(*label).weak());
                ui.label(events_count(count));
                ui.end_row();
            }
        });
}

fn clear_button(ui: &mut Ui, intent: &mut Option<PanelIntent>) {
    if ui.button("Clear selection").on_hover_text("Esc").clicked() {
        *intent = Some(PanelIntent::ClearSelection);
    }
}

/// `1 event`, `1 234 events`.
fn events_count(count: usize) -> String {
    format!(
        "{} event{}",
        group_thousands(count as u64),
        if count == 1 { "" } else { "s" }
    )
}

fn region_header(ui: &mut Ui, index: usize, region: &Region, intent: &mut Option<PanelIntent>) {
    ui.horizontal(|ui| {
        swatch(ui, index);
        ui.heading(&region.name);
    });
    if let Some(local) = &region.name_local {
        ui.label(RichText::new(local).size(15.0).weak());
    }
    ui.add_space(4.0);
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
        });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        if ui.button("Zoom to region").clicked() {
            *intent = Some(PanelIntent::ZoomTo(index));
        }
        clear_button(ui, intent);
    });
    let mut extra = region
        .properties
        .iter()
        .filter(|(key, _)| !SHOWN_PROPERTIES.contains(&key.as_str()))
        .peekable();
    if extra.peek().is_some() {
        egui::CollapsingHeader::new("Attributes")
            .default_open(false)
            .show(ui, |ui| fields_grid(ui, "region-attributes", extra));
    }
    if let Some(source) = &region.source {
        ui.label(RichText::new(format!("Boundary: {source}")).small().weak());
    }
}

/// A small square in the region's colour.
pub fn swatch(ui: &mut Ui, index: usize) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, MapStyle::region_color(index));
}
