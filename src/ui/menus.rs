//! The menu bar: File (open, recent, reload, export, quit), View (zoom,
//! layers, choropleth, theme, messages, reset) and Help (with About). It returns what the
//! user chose and changes nothing itself.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::files::{DialogPurpose, file_name};
use super::filter_bar::layer_toggles;
use super::intent::PanelIntent;
use super::session::Theme;
use crate::dataset::Dataset;
use crate::export::ExportFormat;
use crate::map::LayerVisibility;

/// The menu bar for one frame.
pub struct MenuBar<'a> {
    /// The loaded data (its layers, for View › Layers).
    pub data: &'a Dataset,
    /// How many events the filter shows (what an export writes).
    pub filtered_count: usize,
    /// Files opened lately, newest first.
    pub recent: &'a [PathBuf],
    /// Whether any file is loaded (and so can be reloaded).
    pub can_reload: bool,
    /// Layers drawn.
    pub layers: &'a LayerVisibility,
    /// Whether regions are coloured by their counts.
    pub choropleth: bool,
    /// The colour theme.
    pub theme: Theme,
}

impl MenuBar<'_> {
    /// Draws the bar in `ui`.
    pub fn show(self, ui: &mut Ui) -> Option<PanelIntent> {
        let mut intent = None;
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| self.file_menu(ui, &mut intent));
            ui.menu_button("View", |ui| self.view_menu(ui, &mut intent));
            ui.menu_button("Help", |ui| help_menu(ui, &mut intent));
        });
        intent
    }

    fn file_menu(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        if ui
            .button("Open…  (Ctrl+O)")
            .on_hover_text("A polygon GeoJSON becomes a region layer; JSON, GeoJSON points, CSV and ACLED files add events")
            .clicked()
        {
            *intent = Some(PanelIntent::OpenDialog(DialogPurpose::Open));
        }
        if ui
            .button("Open table with columns…")
            .on_hover_text("A CSV or TSV whose columns are not recognised: preview it, pick latitude, longitude, date and title, see how many rows load")
            .clicked()
        {
            *intent = Some(PanelIntent::OpenDialog(DialogPurpose::Columns));
        }
        ui.add_enabled_ui(!self.recent.is_empty(), |ui| {
            ui.menu_button("Open recent", |ui| {
                for path in self.recent {
                    if ui
                        .button(file_name(path))
                        .on_hover_text(path.display().to_string())
                        .clicked()
                    {
                        *intent = Some(PanelIntent::OpenPaths(vec![path.clone()]));
                    }
                }
            });
        });
        if ui
            .add_enabled(self.can_reload, egui::Button::new("Reload files"))
            .on_hover_text("Read every loaded file again (done by itself when one changes)")
            .clicked()
        {
            *intent = Some(PanelIntent::Reload);
        }
        ui.separator();
        ui.menu_button("Export", |ui| {
            let count = self.filtered_count;
            let export = |format| PanelIntent::OpenDialog(DialogPurpose::ExportEvents(format));
            for format in ExportFormat::ALL {
                let label = format!("Filtered events as {}…  ({count})", format.name());
                if ui.button(label).clicked() {
                    *intent = Some(export(format));
                }
            }
            if ui.button("Map as PNG…").clicked() {
                *intent = Some(PanelIntent::OpenDialog(DialogPurpose::ExportMap));
            }
            if ui.button("Playback as GIF or PNG frames…").clicked() {
                *intent = Some(PanelIntent::ShowPlaybackExport);
            }
            if ui.button("Snapshot report (PNG)…").clicked() {
                *intent = Some(PanelIntent::OpenDialog(DialogPurpose::ExportReport));
            }
        });
        ui.separator();
        if ui.button("Quit").clicked() {
            *intent = Some(PanelIntent::Quit);
        }
    }

    fn view_menu(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        if ui.button("Zoom in  (+)").clicked() {
            *intent = Some(PanelIntent::Zoom(1.0));
        }
        if ui.button("Zoom out  (-)").clicked() {
            *intent = Some(PanelIntent::Zoom(-1.0));
        }
        if ui.button("Fit regions  (Home)").clicked() {
            *intent = Some(PanelIntent::FitRegions);
        }
        ui.separator();
        ui.menu_button("Layers", |ui| {
            layer_toggles(ui, self.data, self.layers, intent);
        });
        if ui
            .button("Tile source…")
            .on_hover_text("OpenStreetMap, another XYZ server, or a local MBTiles/PMTiles package")
            .clicked()
        {
            *intent = Some(PanelIntent::EditTileSource);
        }
        let mut choropleth = self.choropleth;
        if ui
            .checkbox(&mut choropleth, "Choropleth (regions by event count)")
            .changed()
        {
            *intent = Some(PanelIntent::SetChoropleth(choropleth));
        }
        ui.menu_button("Theme", |ui| {
            for (theme, name) in [
                (Theme::System, "System"),
                (Theme::Light, "Light"),
                (Theme::Dark, "Dark"),
            ] {
                if ui.radio(self.theme == theme, name).clicked() {
                    *intent = Some(PanelIntent::SetTheme(theme));
                }
            }
        });
        ui.separator();
        if ui.button("Messages").clicked() {
            *intent = Some(PanelIntent::ShowMessages(true));
        }
        if ui
            .button("Reset view, filters and layers")
            .on_hover_text("Back to the defaults: all events, every layer, the regions fitted")
            .clicked()
        {
            *intent = Some(PanelIntent::Reset);
        }
    }
}

/// Mouse gestures, keys and file handling, in a few lines each.
fn help_menu(ui: &mut Ui, intent: &mut Option<PanelIntent>) {
    ui.label(RichText::new("Mouse").strong());
    ui.label("Drag to pan · wheel or pinch to zoom · double-click to zoom in");
    ui.label("Click a region to list its events · click a marker for its details");
    ui.label("Click a numbered bubble to zoom into it · click sea or context to clear");
    ui.label("Drag on the timeline to choose dates · click a legend entry to hide a category");
    ui.label(RichText::new("Keys").strong());
    ui.label("+ / - zoom · arrows pan · Home fits the regions · Esc clears the selection");
    ui.label("/ search · Space play or pause the timeline · Ctrl+O open a file");
    ui.label(RichText::new("Files").strong());
    ui.label("Drop GeoJSON, JSON, CSV or ACLED files on the window to open them");
    ui.label("Loaded files are reloaded when they change on disk");
    ui.separator();
    if ui
        .button("About borderwatch…")
        .on_hover_text("Version, map data sources and their licences")
        .clicked()
    {
        *intent = Some(PanelIntent::ShowAbout(true));
    }
}
