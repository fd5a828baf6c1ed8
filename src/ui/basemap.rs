//! The tile basemap's side of the app: which source the tiles come from (an
//! XYZ template, OpenStreetMap by default, or a local MBTiles/PMTiles
//! package), the layer that fetches and draws them, made when tiles are
//! first switched on, and what the Tile source window shows.

use egui::Ui;

use super::intent::PanelIntent;
use crate::map::tile_layer::TileLayer;
use crate::tiles::{OSM_TEMPLATE, TileSource, XYZ_DEFAULT_MAX_ZOOM, default_cache_dir};

/// The tile source and, once tiles are on, the layer drawing it.
#[derive(Debug, Default)]
pub struct Basemap {
    /// What the user chose: a template URL or a package's path; empty for OpenStreetMap.
    source: String,
    /// The layer and its credit, made for `source`.
    layer: Option<(TileLayer, String)>,
    /// The source text being edited in the Tile source window, while it is open.
    pub(super) editing: Option<String>,
}

impl Basemap {
    /// The source the tiles come from (as the user wrote it; empty: OpenStreetMap).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Uses `text` as the source from now on: checked first, so a bad
    /// template or a missing package is refused with the reason and the
    /// tiles already shown stay.
    pub fn set_source(&mut self, text: &str) -> Result<(), String> {
        let text = text.trim();
        if !text.is_empty() {
            let source = TileSource::parse(text).map_err(|e| e.to_string())?;
            if !matches!(source, TileSource::Xyz { .. }) {
                source.info().map_err(|e| e.to_string())?;
            }
        }
        if text != self.source {
            self.source = text.to_string();
            self.layer = None;
        }
        Ok(())
    }

    /// Tiles held as textures (0 before tiles are first drawn).
    pub fn texture_count(&self) -> usize {
        self.layer.as_ref().map_or(0, |(layer, _)| layer.texture_count())
    }

    /// The layer for the current source, made on first use, with its credit.
    pub fn layer(&mut self, ctx: &egui::Context) -> Option<(&mut TileLayer, &str)> {
        if self.layer.is_none() {
            let source = match self.source.as_str() {
                "" => TileSource::osm(),
                text => TileSource::parse(text).ok()?,
            };
            // One read of a package's header gives both its zoom range and its credit.
            let info = source.info().ok();
            let max_zoom = info.as_ref().map_or(XYZ_DEFAULT_MAX_ZOOM, |i| i.max_zoom);
            let credit = info
                .and_then(|i| i.attribution)
                .unwrap_or_else(|| credit_for(&source));
            let cache = default_cache_dir();
            let layer = TileLayer::from_source(ctx, source, max_zoom, cache, true);
            self.layer = Some((layer, credit));
        }
        self.layer
            .as_mut()
            .map(|(layer, credit)| (layer, credit.as_str()))
    }
}

/// A credit for a source that names none: its host or file name.
fn credit_for(source: &TileSource) -> String {
    match source {
        TileSource::Xyz { template } => template
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .map_or_else(|| template.clone(), |host| format!("from {host}")),
        TileSource::MbTiles(path) | TileSource::PmTiles(path) => path
            .file_name()
            .map_or_else(String::new, |name| format!("from {}", name.to_string_lossy())),
    }
}

/// The window's contents: the source field and its buttons.
pub fn tile_source_ui(ui: &mut Ui, text: &mut String) -> Option<PanelIntent> {
    ui.label("Raster tiles drawn under the regions. An XYZ address with {z}, {x} and {y}, or the path of a");
    ui.label("local .mbtiles or .pmtiles package (raster) for work with no network.");
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(OSM_TEMPLATE)
            .desired_width(440.0),
    );
    ui.small(
        "Tiles seen once are kept on disk, so a place viewed online is there offline. \
         The tile server sees which area you view.",
    );
    let mut intent = None;
    ui.horizontal(|ui| {
        if ui.button("Use OpenStreetMap").clicked() {
            text.clear();
        }
        if ui.button("Apply").clicked() {
            intent = Some(PanelIntent::SetTileSource(text.trim().to_string()));
        }
    });
    intent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_source_is_refused_and_the_one_in_use_kept() {
        let mut basemap = Basemap::default();
        assert_eq!(basemap.source(), "");
        basemap
            .set_source("https://tiles.example.org/{z}/{x}/{y}.png")
            .expect("a template");
        let error = basemap
            .set_source("https://tiles.example.org/{x}/{y}.png")
            .expect_err("no {z}");
        assert!(error.contains("{z}"), "{error}");
        let missing = basemap
            .set_source("/nowhere/kharkiv.mbtiles")
            .expect_err("no such file");
        assert!(missing.contains("kharkiv.mbtiles"), "{missing}");
        assert_eq!(basemap.source(), "https://tiles.example.org/{z}/{x}/{y}.png");
        basemap.set_source("  ").expect("empty: OpenStreetMap");
        assert_eq!(basemap.source(), "");
    }

    #[test]
    fn a_source_without_its_own_credit_is_credited_to_its_host_or_file() {
        let xyz = TileSource::parse("https://tiles.example.org/{z}/{x}/{y}.png").expect("template");
        assert_eq!(credit_for(&xyz), "from tiles.example.org");
        let file = TileSource::parse("/data/kharkiv.mbtiles").expect("package");
        assert_eq!(credit_for(&file), "from kharkiv.mbtiles");
    }
}
