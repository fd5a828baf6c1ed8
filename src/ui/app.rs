//! The borderwatch app: panels around the map. It owns the selection and
//! feeds the map; the map and panels return what the user asked for.

use std::path::PathBuf;

use egui::{Key, RichText, Ui};
use geo::Coord;

use super::format::format_lonlat;
use super::region_panel::{PanelIntent, region_panel, swatch};
use crate::data::{ContextLayer, Diagnostic, Region, RegionSet, Severity};
use crate::map::{MapClick, MapLayers, MapMemory, MapStyle, MapWidget};

/// What the command line asked the app to load.
#[derive(Debug, Clone, Default)]
pub struct StartupOptions {
    /// `--regions` files or folders; empty for the bundled layers.
    pub regions: Vec<PathBuf>,
}

/// The whole app's state.
pub struct BorderwatchApp {
    regions: RegionSet,
    context: ContextLayer,
    layers: MapLayers,
    map: MapMemory,
    selected: Option<usize>,
    hovered: Option<usize>,
    cursor: Option<Coord<f64>>,
    messages: Vec<Diagnostic>,
    show_messages: bool,
    /// Where the legend was drawn last frame, so map labels avoid it.
    legend_rect: Option<egui::Rect>,
}

impl BorderwatchApp {
    /// Loads what `options` name, falling back to the bundled data (with a
    /// message) for anything that fails.
    pub fn new(options: &StartupOptions) -> Self {
        let mut messages = Vec::new();
        let mut regions = None;
        if !options.regions.is_empty() {
            let (loaded, found) = RegionSet::load_paths(&options.regions);
            messages.extend(found);
            if loaded.is_none() {
                messages.push(Diagnostic::warning(
                    crate::data::Location::file("--regions"),
                    "no region layer could be loaded; showing the bundled regions",
                ));
            }
            regions = loaded;
        }
        let regions = regions.unwrap_or_else(|| bundled_regions(&mut messages));
        let context = ContextLayer::bundled().unwrap_or_else(|error| {
            messages.push(error.into());
            ContextLayer::default()
        });
        for message in &messages {
            log::warn!("{message}");
        }
        let mut app = Self::with_data(regions, context);
        app.show_messages = messages.iter().any(|m| m.severity == Severity::Error);
        app.messages = messages;
        app
    }

    /// An app showing exactly this data.
    pub fn with_data(regions: RegionSet, context: ContextLayer) -> Self {
        let layers = MapLayers::new(&regions, &context);
        Self {
            regions,
            context,
            layers,
            map: MapMemory::default(),
            selected: None,
            hovered: None,
            cursor: None,
            messages: Vec::new(),
            show_messages: false,
            legend_rect: None,
        }
    }

    /// The loaded regions.
    pub fn regions(&self) -> &RegionSet {
        &self.regions
    }

    /// The selected region.
    pub fn selected_region(&self) -> Option<&Region> {
        self.selected.and_then(|i| self.regions.get(i))
    }

    /// The map's state: view and last viewport (where things are on screen).
    pub fn map_memory(&self) -> &MapMemory {
        &self.map
    }

    /// Warnings and errors from loading.
    pub fn messages(&self) -> &[Diagnostic] {
        &self.messages
    }

    /// Selects a region (or none), logging the change once as
    /// `selected region: <id>` / `selected region: none`.
    pub fn select_region(&mut self, index: Option<usize>) {
        let index = index.filter(|&i| i < self.regions.regions().len());
        if index == self.selected {
            return;
        }
        self.selected = index;
        match self.selected_region() {
            Some(region) => log::info!("selected region: {}", region.id),
            None => log::info!("selected region: none"),
        }
    }

    /// Draws the whole app for one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        if ui.input(|i| i.key_pressed(Key::Escape)) {
            self.select_region(None);
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::right("details")
            .default_size(320.0)
            .size_range(240.0..=600.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| match region_panel(ui, &self.regions, self.selected) {
                        Some(PanelIntent::Select(index)) => self.select_region(Some(index)),
                        Some(PanelIntent::ClearSelection) => self.select_region(None),
                        Some(PanelIntent::ZoomTo(index)) => {
                            if let Some(region) = self.regions.get(index) {
                                self.map.request_fit_to(&region.bounds);
                            }
                        }
                        None => {}
                    });
            });
        egui::CentralPanel::no_frame().show(ui, |ui| self.map_area(ui));
        self.messages_window(ui);
    }

    fn map_area(&mut self, ui: &mut Ui) {
        let style = MapStyle::for_dark_mode(ui.visuals().dark_mode);
        let map = MapWidget::new(&self.regions, &self.context, &self.layers, &style)
            .selected(self.selected)
            .obstacles(self.legend_rect)
            .show(ui, &mut self.map);
        self.hovered = map.hovered_region;
        self.cursor = map.cursor;
        match map.clicked {
            Some(MapClick::Region(index)) => self.select_region(Some(index)),
            Some(MapClick::Nothing) => self.select_region(None),
            None => {}
        }
        self.legend(ui, map.viewport.rect);
    }

    /// The regions and their colours, top left of the map; a click selects.
    fn legend(&mut self, ui: &mut Ui, map_rect: egui::Rect) {
        let style = MapStyle::for_dark_mode(ui.visuals().dark_mode);
        let mut clicked = None;
        let legend = egui::Area::new(egui::Id::unique("legend"))
            .fixed_pos(map_rect.left_top() + egui::vec2(10.0, 10.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style())
                    .fill(style.overlay_fill)
                    .show(ui, |ui| {
                        ui.label(RichText::new("Tracked regions").strong());
                        for (index, region) in self.regions.regions().iter().enumerate() {
                            ui.horizontal(|ui| {
                                swatch(ui, index);
                                let text = if Some(index) == self.selected {
                                    RichText::new(&region.name).strong()
                                } else {
                                    RichText::new(&region.name)
                                };
                                if ui.selectable_label(Some(index) == self.selected, text).clicked() {
                                    clicked = Some(index);
                                }
                            });
                        }
                    });
            });
        self.legend_rect = Some(legend.response.rect);
        if let Some(index) = clicked {
            self.select_region(Some(index));
        }
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Zoom in  (+)").clicked() {
                    self.map.request_zoom(1.0);
                }
                if ui.button("Zoom out  (-)").clicked() {
                    self.map.request_zoom(-1.0);
                }
                if ui.button("Fit regions  (Home)").clicked() {
                    self.map.request_fit();
                }
                ui.separator();
                let dark = ui.visuals().dark_mode;
                if ui
                    .button(if dark { "Light theme" } else { "Dark theme" })
                    .clicked()
                {
                    ui.ctx().set_theme(if dark {
                        egui::Theme::Light
                    } else {
                        egui::Theme::Dark
                    });
                }
                if ui.button("Messages").clicked() {
                    self.show_messages = true;
                }
            });
            ui.menu_button("Help", |ui| {
                ui.label(RichText::new("Mouse").strong());
                ui.label("Drag to pan · wheel or pinch to zoom · double-click to zoom in");
                ui.label("Click a region to select it · click sea or context to clear");
                ui.label(RichText::new("Keys").strong());
                ui.label("+ / - zoom · arrows pan · Home fits the regions · Esc clears the selection");
            });
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            match self.cursor {
                Some(lonlat) => ui.monospace(format_lonlat(lonlat)),
                None => ui.weak("Move the pointer over the map for coordinates"),
            };
            if let Some(region) = self.hovered.and_then(|i| self.regions.get(i)) {
                ui.separator();
                ui.label(&region.name);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(view) = self.map.view() {
                    ui.weak(format!("zoom {:.1}", view.zoom));
                }
                let count = self.messages.len();
                if count > 0 {
                    let errors = self
                        .messages
                        .iter()
                        .filter(|m| m.severity == Severity::Error)
                        .count();
                    let text = format!("{count} message{}", if count == 1 { "" } else { "s" });
                    let text = if errors > 0 {
                        RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color)
                    } else {
                        RichText::new(text)
                    };
                    if ui.button(text).clicked() {
                        self.show_messages = !self.show_messages;
                    }
                }
            });
        });
    }

    fn messages_window(&mut self, ui: &mut Ui) {
        let mut open = self.show_messages;
        egui::Window::new("Messages")
            .open(&mut open)
            .default_width(560.0)
            .show(ui.ctx(), |ui| {
                if self.messages.is_empty() {
                    ui.weak("No messages.");
                }
                egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                    for message in &self.messages {
                        let color = match message.severity {
                            Severity::Error => ui.visuals().error_fg_color,
                            Severity::Warning => ui.visuals().warn_fg_color,
                        };
                        ui.label(RichText::new(message.to_string()).color(color));
                    }
                });
                if !self.messages.is_empty() && ui.button("Clear").clicked() {
                    self.messages.clear();
                }
            });
        self.show_messages = open;
    }
}

fn bundled_regions(messages: &mut Vec<Diagnostic>) -> RegionSet {
    match RegionSet::bundled() {
        Ok(set) => set,
        Err(error) => {
            messages.push(error.into());
            RegionSet::from_layers(Vec::new()).0
        }
    }
}

impl eframe::App for BorderwatchApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
