//! The bar above the map: free-text search (`/` focuses it), the region
//! filter, located only, near border, the area filter, the layers menu
//! (with the choropleth switch), and the filter's state
//! ("showing 42 of 310 events") with a one-click Clear.

use egui::{RichText, Ui};

use super::files::DialogPurpose;
use super::format::group_thousands;
use super::intent::PanelIntent;
use super::place_search::{FoundPlace, places_menu};
use crate::data::RegionLayer;
use crate::dataset::Dataset;
use crate::geometry::area::DrawnArea;
use crate::map::{LayerVisibility, ToolKind};
use crate::query::{EventFilter, FilteredEvents, NOTIONAL, OUTSIDE, area_text, radius_km};

/// The distance the near-border filter starts at, in km.
const DEFAULT_NEAR_BORDER_KM: f32 = 10.0;

/// The id of the search field, so `/` can focus it.
pub fn search_id() -> egui::Id {
    egui::Id::unique("borderwatch-search")
}

/// The bar for one frame.
pub struct FilterBar<'a> {
    /// The loaded data.
    pub data: &'a Dataset,
    /// The filter asked for (waiting for its search when `searching`).
    pub filter: &'a EventFilter,
    /// What the map shows: `filter`'s events, or the last filter's while
    /// `filter` waits for its search.
    pub filtered: &'a FilteredEvents,
    /// Whether a search runs for `filter`.
    pub searching: bool,
    /// Layers drawn.
    pub layers: &'a LayerVisibility,
    /// Whether regions are coloured by count.
    pub choropleth: bool,
    /// The places matching the search text.
    pub places: &'a [FoundPlace],
}

impl FilterBar<'_> {
    /// Draws the bar; returns what the user changed.
    pub fn show(self, ui: &mut Ui) -> Option<PanelIntent> {
        let mut intent = None;
        ui.horizontal(|ui| {
            let mut text = self.filter.text.clone();
            let search = ui.add(
                egui::TextEdit::singleline(&mut text)
                    .id(search_id())
                    .hint_text("Search events and places  ( / )")
                    .desired_width(170.0),
            );
            let search = search.on_hover_text(
                "Events: title, description, place, actors and sources; every word must occur (any case). \
                 Places: towns and villages by any spelling (Kharkiv, Kharkov, Харків), listed beside the box",
            );
            if search.changed() {
                intent = Some(PanelIntent::SetFilter(EventFilter {
                    text,
                    ..self.filter.clone()
                }));
            }
            if search.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                search.surrender_focus();
            }
            if search.lost_focus()
                && ui.input(|i| i.key_pressed(egui::Key::Enter))
                && let Some(first) = self.places.first()
            {
                intent = Some(PanelIntent::FlyToPlace(first.index));
            }
            if self.searching {
                // Beside the box, not the count: the bar is full at a million events.
                ui.spinner().on_hover_text(
                    "Searching… the map shows the last search's events until this one's are found",
                );
            }
            places_menu(ui, self.places, &mut intent);
            self.region_menu(ui, &mut intent);
            let mut located = self.filter.located_only;
            if ui
                .checkbox(&mut located, "Located only")
                .on_hover_text(
                    "Only events located to a town or better (precision exact, approximate or not given): \
                     not those placed only to a region, nor statements at stand-in points",
                )
                .changed()
            {
                intent = Some(PanelIntent::SetFilter(EventFilter {
                    located_only: located,
                    ..self.filter.clone()
                }));
            }
            self.near_border(ui, &mut intent);
            area_menu(ui, self.filter, &mut intent);
            self.layers_menu(ui, &mut intent);

            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let active = !self.filter.is_empty();
                if ui
                    .add_enabled(active, egui::Button::new("Clear filters"))
                    .on_hover_text("Show every event: all dates, categories, regions, no search")
                    .clicked()
                {
                    intent = Some(PanelIntent::SetFilter(EventFilter::default()));
                }
                let counts = format!(
                    "{} of {}",
                    group_thousands(self.filtered.len() as u64),
                    group_thousands(self.filtered.total as u64)
                );
                let status = format!("showing {counts} events");
                // Only the counts when the whole does not fit (a million
                // events, the Places button shown): it would cover the
                // buttons to its left.
                let wide = egui::WidgetText::from(RichText::new(&status).strong())
                    .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, egui::TextStyle::Body)
                    .size()
                    .x;
                let status = if wide <= ui.available_width() { status } else { counts };
                let label = if active {
                    ui.label(RichText::new(status).strong())
                } else {
                    ui.label(status)
                };
                if active {
                    label.on_hover_text(self.filter.describe());
                }
            });
        });
        intent
    }

    fn region_menu(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        let groups = self.data.regions.regions().len() + 2;
        let hidden = self.filter.hidden_regions.len();
        let title = if hidden == 0 {
            "All regions".to_string()
        } else {
            format!("Regions: {} of {groups}", groups.saturating_sub(hidden))
        };
        ui.menu_button(title, |ui| {
            let mut toggle = |ui: &mut Ui, id: &str, name: &str, count: usize| {
                let mut shown = !self.filter.hidden_regions.contains(id);
                if ui.checkbox(&mut shown, format!("{name} ({count})")).changed() {
                    let mut filter = self.filter.clone();
                    filter.toggle_region(id);
                    *intent = Some(PanelIntent::SetFilter(filter));
                }
            };
            for (index, region) in self.data.regions.regions().iter().enumerate() {
                let count = self.filtered.region_counts.get(index).copied().unwrap_or(0);
                toggle(ui, region.id.as_str(), &region.name, count);
            }
            toggle(ui, OUTSIDE, "Outside tracked regions", self.filtered.outside);
            toggle(ui, NOTIONAL, "Not placed (notional)", self.filtered.notional);
            ui.separator();
            if ui.button("Show all regions").clicked() {
                let mut filter = self.filter.clone();
                filter.hidden_regions.clear();
                *intent = Some(PanelIntent::SetFilter(filter));
            }
        });
    }

    /// "Within N km of the border": a box to switch it on and the distance,
    /// kept while it is off so switching back restores it.
    fn near_border(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        let id = egui::Id::unique("near-border-km");
        let remembered = ui
            .data(|d| d.get_temp::<f32>(id))
            .unwrap_or(DEFAULT_NEAR_BORDER_KM);
        let mut km = self
            .filter
            .near_border_m
            .map_or(remembered, |m| m as f32 / 1000.0);
        let mut on = self.filter.near_border_m.is_some();
        let toggled = ui
            .checkbox(&mut on, "Near border")
            .on_hover_text(
                "Only events within a distance of the Russia–Ukraine state border or the Crimea line \
                 (geodesic, either side); the band is drawn on the map",
            )
            .changed();
        let mut dragged = false;
        if on {
            dragged = ui
                .add(
                    egui::DragValue::new(&mut km)
                        .range(0.5..=500.0)
                        .speed(0.5)
                        .custom_formatter(|v, _| {
                            if v.fract() == 0.0 {
                                format!("{v:.0} km")
                            } else {
                                format!("{v:.1} km")
                            }
                        })
                        .custom_parser(|t| t.trim().trim_end_matches("km").trim().parse().ok()),
                )
                .on_hover_text("Drag or type the distance from the border")
                .changed();
        }
        ui.data_mut(|d| d.insert_temp(id, km));
        if toggled || (dragged && on) {
            *intent = Some(PanelIntent::SetFilter(EventFilter {
                near_border_m: on.then(|| (km * 1000.0).round() as u32),
                ..self.filter.clone()
            }));
        }
    }

    fn layers_menu(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        ui.menu_button("Layers", |ui| {
            let mut choropleth = self.choropleth;
            if ui
                .checkbox(&mut choropleth, "Choropleth")
                .on_hover_text("Colour the regions by their number of shown events")
                .changed()
            {
                *intent = Some(PanelIntent::SetChoropleth(choropleth));
            }
            ui.separator();
            layer_toggles(ui, self.data, self.layers, intent);
        });
    }
}

/// The "Area" menu of the filter bar.
pub(super) fn area_menu(ui: &mut Ui, filter: &EventFilter, intent: &mut Option<PanelIntent>) {
    let title = match &filter.area {
        None => "Area filter".to_string(),
        Some(DrawnArea::Polygon(_)) => "Area: polygon".to_string(),
        Some(DrawnArea::Circle { radius_m, .. }) => {
            format!("Area: {} km circle", radius_km(*radius_m))
        }
    };
    let set = |area: Option<DrawnArea>| {
        PanelIntent::SetFilter(EventFilter {
            area,
            ..filter.clone()
        })
    };
    let menu = ui.menu_button(title, |ui| {
        if let Some(area) = &filter.area {
            ui.label(format!("Inside the {}", area_text(area)));
            if let DrawnArea::Circle { centre, radius_m } = area {
                let mut km = radius_m / 1000.0;
                let changed = ui
                    .horizontal(|ui| {
                        ui.label("Radius");
                        ui.add(
                            egui::DragValue::new(&mut km)
                                .range(0.1..=2000.0)
                                .speed(0.5)
                                .suffix(" km"),
                        )
                        .changed()
                    })
                    .inner;
                if changed {
                    *intent = Some(set(Some(DrawnArea::Circle {
                        centre: *centre,
                        radius_m: km * 1000.0,
                    })));
                }
            }
            if ui.button("Save as GeoJSON…").clicked() {
                *intent = Some(PanelIntent::OpenDialog(DialogPurpose::SaveArea));
            }
            if ui.button("Remove the area filter").clicked() {
                *intent = Some(set(None));
            }
            ui.separator();
        }
        if ui.button("Draw a polygon on the map").clicked() {
            *intent = Some(PanelIntent::StartTool(ToolKind::Polygon));
        }
        if ui.button("Draw a circle on the map").clicked() {
            *intent = Some(PanelIntent::StartTool(ToolKind::Circle));
        }
        if ui.button("Load an area (GeoJSON)…").clicked() {
            *intent = Some(PanelIntent::OpenDialog(DialogPurpose::LoadArea));
        }
    });
    menu.response.on_hover_text(
        "Only events whose point is inside an area drawn on the map (the Area and Circle buttons on the map) \
         or loaded from a GeoJSON polygon",
    );
}

/// For a layer read from a file: which of its properties names its regions
/// (the file is read again when another is chosen).
fn name_chooser(ui: &mut Ui, layer: &RegionLayer, intent: &mut Option<PanelIntent>) {
    if layer.source.starts_with("bundled:") || layer.text_properties.is_empty() {
        return;
    }
    let current = layer.name_property.as_deref().unwrap_or("(none)");
    ui.indent(("names", &layer.id), |ui| {
        ui.menu_button(format!("names from: {current}"), |ui| {
            for key in &layer.text_properties {
                if ui.radio(Some(key) == layer.name_property.as_ref(), key).clicked() {
                    *intent = Some(PanelIntent::SetNameField(
                        std::path::PathBuf::from(&layer.source),
                        key.clone(),
                    ));
                }
            }
        });
    });
}

/// Checkboxes for every layer: the region layers, the context, markers, labels.
pub fn layer_toggles(
    ui: &mut Ui,
    data: &Dataset,
    layers: &LayerVisibility,
    intent: &mut Option<PanelIntent>,
) {
    ui.label(RichText::new("Region layers").strong());
    for layer in data.regions.layers() {
        let name = data
            .regions
            .regions()
            .iter()
            .find(|r| {
                data.regions
                    .layers()
                    .get(r.layer)
                    .is_some_and(|l| l.id == layer.id)
            })
            .map_or(layer.id.as_str(), |r| r.name.as_str());
        let mut shown = layers.layer_shown(&layer.id);
        if ui.checkbox(&mut shown, name).changed() {
            let mut changed = layers.clone();
            changed.toggle_layer(&layer.id);
            *intent = Some(PanelIntent::SetLayers(changed));
        }
        name_chooser(ui, layer, intent);
    }
    ui.separator();
    let mut changed = layers.clone();
    let mut any = false;
    any |= ui
        .checkbox(&mut changed.context, "Context (neighbours, seas)")
        .changed();
    any |= ui
        .checkbox(&mut changed.border, "State border and de facto line")
        .changed();
    any |= ui.checkbox(&mut changed.markers, "Event markers").changed();
    any |= ui
        .checkbox(&mut changed.notional, "Notional events (stand-in points)")
        .on_hover_text(
            "Statements and policies with no known place sit at a stand-in point (a capital, a headquarters); \
             they are listed either way",
        )
        .changed();
    any |= ui
        .checkbox(&mut changed.density, "Density (hexagons instead of markers)")
        .on_hover_text(
            "The shown events counted per hexagon, finer as you zoom in; click a hexagon to list its events",
        )
        .changed();
    any |= ui.checkbox(&mut changed.labels, "Labels").changed();
    any |= ui
        .checkbox(&mut changed.towns, "Towns and villages (GeoNames)")
        .on_hover_text("Named from the zoom where they matter: the larger the town, or the nearer the border, the sooner")
        .changed();
    any |= ui
        .checkbox(&mut changed.local_names, "Town names in the local language")
        .on_hover_text("Russian, Ukrainian or Belarusian, as the town's country writes it (Харків, Белгород)")
        .changed();
    any |= ui
        .checkbox(&mut changed.water, "Rivers, lakes and reservoirs")
        .changed();
    any |= ui
        .checkbox(&mut changed.tiles, "Tile basemap")
        .on_hover_text(
            "Raster tiles under the regions (OpenStreetMap unless another source is set in View › Tile source). \
             The tile server sees which area you view; tiles seen once are kept on disk for offline use.",
        )
        .changed();
    if any {
        *intent = Some(PanelIntent::SetLayers(changed));
    }
}
