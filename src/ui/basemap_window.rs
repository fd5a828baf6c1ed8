//! The app's map extras: the Tile source window and what choosing a source
//! does, and flying to a place found by the search box.

use super::app::BorderwatchApp;
use super::basemap::{Basemap, tile_source_ui};
use super::place_search::{FLY_TO_KM, area_around};
use crate::data::places::Gazetteer;

impl BorderwatchApp {
    /// The tile basemap: its source and textures.
    pub fn basemap(&self) -> &Basemap {
        &self.basemap
    }

    /// The Tile source window, while it is open.
    pub(super) fn tile_source_window(&mut self, ctx: &egui::Context) {
        let Some(mut text) = self.basemap.editing.take() else {
            return;
        };
        let mut open = true;
        let mut intent = None;
        egui::Window::new("Tile source")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| intent = tile_source_ui(ui, &mut text));
        match intent {
            Some(intent) => self.apply(intent),
            None if open => self.basemap.editing = Some(text),
            None => {}
        }
    }

    /// Draws tiles from `source` from now on and switches them on; a source
    /// that cannot be used is refused with the reason, the window kept open.
    pub(super) fn set_tile_source(&mut self, source: String) {
        match self.basemap.set_source(&source) {
            Ok(()) => self.layers_shown.tiles = true,
            Err(error) => {
                self.notice = Some(format!("Tile source not changed: {error}"));
                self.basemap.editing = Some(source);
            }
        }
    }

    /// Shows the land around the gazetteer's place at `index` and marks it.
    pub(super) fn fly_to_place(&mut self, index: usize) {
        if let Some(place) = Gazetteer::bundled().get(index) {
            self.map.request_fit_to(&area_around(place.lonlat, FLY_TO_KM));
            self.found_place = Some(index);
        }
    }
}
