//! The messages window: every warning and error from loading, exporting
//! and watching files, one line each (the whole message on hover).

use egui::RichText;

use super::intent::PanelIntent;
use crate::data::{Diagnostic, Severity};

/// The messages window for one frame.
pub struct MessagesWindow<'a> {
    /// Warnings and errors, oldest first.
    pub messages: &'a [Diagnostic],
    /// Whether it is open.
    pub open: bool,
}

impl MessagesWindow<'_> {
    /// Draws the window (when open); closing or clearing it is asked for.
    pub fn show(self, ctx: &egui::Context) -> Option<PanelIntent> {
        let mut intent = None;
        let mut open = self.open;
        let screen = ctx.content_rect();
        egui::Window::new("Messages")
            .open(&mut open)
            .default_width(640.0)
            .default_pos(screen.center_bottom() + egui::vec2(-320.0, -440.0))
            .show(ctx, |ui| {
                if self.messages.is_empty() {
                    ui.weak("No messages.");
                }
                let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
                egui::ScrollArea::vertical().max_height(320.0).show_rows(
                    ui,
                    row_height,
                    self.messages.len(),
                    |ui, rows| {
                        for message in &self.messages[rows] {
                            let color = match message.severity {
                                Severity::Error => ui.visuals().error_fg_color,
                                Severity::Warning => ui.visuals().warn_fg_color,
                                Severity::Info => ui.visuals().text_color(),
                            };
                            ui.add(
                                egui::Label::new(RichText::new(message.to_string()).color(color)).truncate(),
                            )
                            .on_hover_text(message.to_string());
                        }
                    },
                );
                if !self.messages.is_empty() && ui.button("Clear").clicked() {
                    intent = Some(PanelIntent::ClearMessages);
                }
            });
        if open != self.open {
            intent = Some(PanelIntent::ShowMessages(open));
        }
        intent
    }
}
