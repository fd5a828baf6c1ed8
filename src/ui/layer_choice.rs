//! Asking which layer to open from a file that holds several: a
//! GeoPackage's tables, a zip's Shapefiles (the window's `--layer`).

use std::path::PathBuf;

use egui::{Align2, Context, RichText};

use super::files::file_name;

/// A file waiting for the user to choose one of its layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerChoice {
    /// The file.
    pub path: PathBuf,
    /// Whether its layers are region layers (polygons), else events.
    pub regions: bool,
    /// The layers to choose from, by name.
    pub layers: Vec<String>,
}

/// Shows the choice; `Some(Some(name))` when a layer is chosen,
/// `Some(None)` when the user cancels, `None` until either.
pub fn ask_layer(ctx: &Context, choice: &LayerChoice) -> Option<Option<String>> {
    let mut answer = None;
    egui::Window::new("Choose a layer")
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.monospace(file_name(&choice.path));
            ui.label(format!(
                "holds {} {} layers. Open which?",
                choice.layers.len(),
                if choice.regions { "polygon" } else { "point" }
            ));
            ui.add_space(4.0);
            egui::ScrollArea::vertical().max_height(280.0).show(ui, |ui| {
                for layer in &choice.layers {
                    if ui.button(RichText::new(layer).monospace()).clicked() {
                        answer = Some(Some(layer.clone()));
                    }
                }
            });
            ui.add_space(4.0);
            if ui.button("Cancel").clicked() {
                answer = Some(None);
            }
        });
    answer
}
