//! The messages window: every warning and error from loading, exporting
//! and watching files, one line each (the whole message on hover).

use std::sync::Arc;

use egui::RichText;

use super::intent::PanelIntent;
use crate::data::grouped::{GroupSpan, MessageGroup, group_spans};
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
                let grouped_id = egui::Id::unique("messages-grouped");
                let mut grouped = ui.data_mut(|d| *d.get_temp_mut_or(grouped_id, true));
                ui.checkbox(&mut grouped, "Group the same problem").on_hover_text(
                    "One line for a problem met in many records of a file; untick to see each",
                );
                ui.data_mut(|d| d.insert_temp(grouped_id, grouped));
                if grouped {
                    show_groups(ui, self.messages);
                } else {
                    show_each(ui, self.messages);
                }
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

fn severity_color(ui: &egui::Ui, severity: Severity) -> egui::Color32 {
    match severity {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Info => ui.visuals().text_color(),
    }
}

/// Every message on its own line.
fn show_each(ui: &mut egui::Ui, messages: &[Diagnostic]) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .show_rows(ui, row_height, messages.len(), |ui, rows| {
            for message in &messages[rows] {
                let text = RichText::new(message.to_string()).color(severity_color(ui, message.severity));
                ui.add(egui::Label::new(text).truncate())
                    .on_hover_text(message.to_string());
            }
        });
}

/// One line per group of messages saying the same problem. The groups are
/// worked out once per list of messages (kept in egui's memory), not per frame.
fn show_groups(ui: &mut egui::Ui, messages: &[Diagnostic]) {
    type Cached = Arc<(usize, usize, Vec<GroupSpan>)>;
    let id = egui::Id::unique("messages-groups");
    let stamp = (messages.len(), messages.as_ptr() as usize);
    let cached: Option<Cached> = ui.data(|d| d.get_temp::<Cached>(id));
    let spans = match cached {
        Some(cached) if (cached.0, cached.1) == stamp => cached,
        _ => {
            let fresh: Cached = Arc::new((stamp.0, stamp.1, group_spans(messages)));
            ui.data_mut(|d| d.insert_temp(id, Arc::clone(&fresh)));
            fresh
        }
    };
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .show_rows(ui, row_height, spans.2.len(), |ui, rows| {
            for span in &spans.2[rows] {
                let group = MessageGroup::of(messages, *span);
                let text = RichText::new(group.to_string()).color(severity_color(ui, group.first.severity));
                let hover = if group.count == 1 {
                    group.first.to_string()
                } else {
                    format!("{group}\n\nfirst: {}\nlast: {}", group.first, group.last)
                };
                ui.add(egui::Label::new(text).truncate()).on_hover_text(hover);
            }
        });
}
