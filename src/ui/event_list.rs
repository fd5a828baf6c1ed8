//! A list of events (date, category, title), newest first. Only the rows in
//! view are laid out, so a region with two hundred thousand events scrolls as
//! smoothly as one with two.

use egui::{Align2, FontId, Role, Sense, TextStyle, Ui, WidgetInfo};

use super::intent::PanelIntent;
use crate::data::EventSet;
use crate::map::MapStyle;

/// Height of one row, in points.
const ROW_HEIGHT: f32 = 22.0;

/// Draws the rows of `items` (event indices). When `reveal` names one of
/// them, the list scrolls to it.
pub fn event_list(
    ui: &mut Ui,
    events: &EventSet,
    items: &[u32],
    selected: Option<usize>,
    reveal: Option<usize>,
    intent: &mut Option<PanelIntent>,
) {
    if items.is_empty() {
        ui.weak("No events here with the current filter.");
        return;
    }
    let mut area = egui::ScrollArea::vertical()
        .id_salt("event-list")
        .auto_shrink([false, false]);
    if let Some(row) = reveal.and_then(|event| items.iter().position(|&i| i as usize == event)) {
        let spacing = ui.spacing().item_spacing.y;
        let offset = (row as f32 * (ROW_HEIGHT + spacing) - 3.0 * ROW_HEIGHT).max(0.0);
        area = area.vertical_scroll_offset(offset);
    }
    area.show_rows(ui, ROW_HEIGHT, items.len(), |ui, rows| {
        for &index in &items[rows] {
            let index = index as usize;
            if event_row(ui, events, index, selected == Some(index)) {
                *intent = Some(PanelIntent::SelectEvent(index));
            }
        }
    });
}

/// A short list of rows without its own scrolling (the notional events
/// about a region, above its events); the first 50, then how many more.
pub fn about_list(
    ui: &mut Ui,
    events: &EventSet,
    items: &[u32],
    selected: Option<usize>,
    intent: &mut Option<PanelIntent>,
) {
    const SHOWN: usize = 50;
    for &index in items.iter().take(SHOWN) {
        let index = index as usize;
        if event_row(ui, events, index, selected == Some(index)) {
            *intent = Some(PanelIntent::SelectEvent(index));
        }
    }
    if items.len() > SHOWN {
        ui.weak(format!(
            "… and {} more: Regions › Not placed (notional) lists them all",
            items.len() - SHOWN
        ));
    }
}

/// One row; returns whether it was clicked.
fn event_row(ui: &mut Ui, events: &EventSet, index: usize, selected: bool) -> bool {
    let Some(event) = events.get(index) else {
        return false;
    };
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, ROW_HEIGHT), Sense::click());
    let title = event.title();
    response.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, title));
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        if selected {
            ui.painter().rect_filled(rect, 3.0, visuals.selection.bg_fill);
        } else if response.hovered() {
            ui.painter()
                .rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
        }
        let text_color = if selected {
            visuals.selection.stroke.color
        } else {
            visuals.text_color()
        };
        let painter = ui.painter_at(rect);
        let mono = TextStyle::Monospace.resolve(ui.style());
        let date = event.date.date_text();
        painter.text(
            rect.left_center() + egui::vec2(4.0, 0.0),
            Align2::LEFT_CENTER,
            date,
            FontId::new(mono.size * 0.95, mono.family),
            visuals.weak_text_color(),
        );
        let dot = rect.left_center() + egui::vec2(92.0, 0.0);
        painter.circle_filled(dot, 5.0, MapStyle::category_id_color(event.category));
        let body = TextStyle::Body.resolve(ui.style());
        let room = (rect.right() - dot.x - 14.0).max(20.0);
        let galley = truncated(ui, title, body, text_color, room);
        painter.galley(
            egui::pos2(dot.x + 10.0, rect.center().y - galley.size().y / 2.0),
            galley,
            text_color,
        );
    }
    let response = response.on_hover_ui(|ui| {
        ui.set_max_width(360.0);
        ui.strong(title);
        ui.label(format!(
            "{} · {}",
            events.categories().name(event.category),
            super::event_details::date_range(event)
        ));
        if let Some(place) = event.place() {
            ui.weak(place);
        }
    });
    response.clicked()
}

/// `text` on one line, cut with an ellipsis to fit `width`.
fn truncated(
    ui: &Ui,
    text: &str,
    font: FontId,
    color: egui::Color32,
    width: f32,
) -> std::sync::Arc<egui::Galley> {
    let mut job =
        egui::text::LayoutJob::single_section(text.to_string(), egui::TextFormat::simple(font, color));
    job.wrap = egui::text::TextWrapping::truncate_at_width(width);
    ui.fonts_mut(|fonts| fonts.layout_job(job))
}
