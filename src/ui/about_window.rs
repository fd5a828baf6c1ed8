//! The About box: what borderwatch is, its version, and where every bundled
//! data set comes from with its licence (the ODbL asks for this credit).

use egui::RichText;

use super::intent::PanelIntent;
use crate::data::bundled::ATTRIBUTIONS;

/// The About window for one frame.
pub struct AboutWindow {
    /// Whether it is open.
    pub open: bool,
}

impl AboutWindow {
    /// Draws the window (when open); closing it is asked for.
    pub fn show(self, ctx: &egui::Context) -> Option<PanelIntent> {
        let mut open = self.open;
        egui::Window::new("About borderwatch")
            .open(&mut open)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.label(RichText::new(format!("borderwatch {}", env!("CARGO_PKG_VERSION"))).strong());
                ui.label(
                    "A map of military activity reported in the Russian regions that border \
                     Ukraine: Bryansk, Belgorod, Voronezh and Rostov oblasts, and Crimea.",
                );
                ui.label(
                    "The map shows the Russia–Ukraine state border and, across the Perekop \
                     isthmus and at Chonhar, the de facto line; it takes no position on the \
                     status of Crimea.",
                );
                ui.add_space(6.0);
                ui.label(RichText::new("Map data").strong());
                for attribution in ATTRIBUTIONS {
                    ui.add_space(2.0);
                    ui.label(RichText::new(attribution.covers).italics());
                    ui.label(attribution.source);
                    ui.label(attribution.licence);
                    ui.hyperlink(attribution.url);
                }
            });
        (open != self.open).then_some(PanelIntent::ShowAbout(open))
    }
}
