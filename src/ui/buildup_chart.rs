//! The build-up chart (the app puts it at the foot of the side panel,
//! `buildup_panel`): the focused region's
//! (or all shown) events per week, stacked by category colour, with the
//! troops they report summed per week as dots on their own scale. It is
//! linked to the timeline: the date range is shaded, hovering names the
//! week, a click picks the week and a drag picks the weeks dragged over.

use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};

use super::focus::Focus;
use super::format::group_thousands;
use super::intent::PanelIntent;
use crate::data::events::date::DatePrecision;
use crate::data::{CategoryId, EventSet};
use crate::map::MapStyle;
use crate::query::EventFilter;
use crate::query::buildup::{BuildUp, Week};

/// Height of the plot, in points.
const PLOT_HEIGHT: f32 = 84.0;
/// The chart is at least this many weeks wide.
const MIN_WEEKS: usize = 26;

/// The chart's counts, kept while the filter (without its dates) and the
/// focus stay the same.
#[derive(Default)]
pub(crate) struct BuildUpCache {
    /// The data (by address: a reload makes a new one), the filter
    /// (without dates) and the focus the weeks were counted for.
    pub(super) key: Option<(usize, EventFilter, Focus)>,
    /// The weeks.
    pub(super) buildup: BuildUp,
}

/// Draws the chart; a click or drag asks for the weeks it covers.
pub fn buildup_chart(
    ui: &mut Ui,
    buildup: &BuildUp,
    events: &EventSet,
    range: Option<(i32, i32)>,
) -> Option<PanelIntent> {
    let (Some(first), Some(last)) = (buildup.weeks.first(), buildup.weeks.last()) else {
        ui.weak("No events to chart.");
        return None;
    };
    ui.horizontal(|ui| {
        ui.small(format!("up to {} a week", buildup.max_count));
        if buildup.max_troops > 0 {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.small(format!(
                    "dots: troops reported, up to {} a week",
                    group_thousands(buildup.max_troops)
                ));
            });
        }
    });
    let width = ui.available_width().max(120.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, PLOT_HEIGHT), Sense::click_and_drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, "Build-up chart"));
    let (plot, step) = plot_area(rect, buildup.weeks.len());
    let x_of = |day: i32| plot.left() + (day - first.start) as f32 / 7.0 * step;
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    if let Some((from, to)) = range {
        let shade = Rect::from_x_y_ranges(
            x_of(from).max(plot.left())..=x_of(to + 1).min(plot.right()),
            plot.y_range(),
        );
        if shade.width() > 0.0 {
            painter.rect_filled(shade, 0.0, visuals.selection.bg_fill.gamma_multiply(0.35));
        }
    }
    paint_bars(&painter, buildup, plot, step);
    paint_troops(&painter, buildup, plot, step);
    ui.horizontal(|ui| {
        ui.small(DatePrecision::Week.describe(first.start));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.small(DatePrecision::Week.describe(last.start));
        });
    });

    let week_at = |pos: Pos2| {
        let n = ((pos.x - plot.left()) / step).floor();
        (n >= 0.0)
            .then(|| buildup.week_of(first.start + n as i32 * 7))
            .flatten()
    };
    if let Some(week) = response.hover_pos().and_then(week_at) {
        response.clone().on_hover_text_at_pointer(week_text(week, events));
    }
    let drag_id = response.id.with("from");
    if response.drag_started()
        && let Some(week) = response.interact_pointer_pos().and_then(week_at)
    {
        ui.data_mut(|d| d.insert_temp(drag_id, week.start));
    }
    let from = ui.data(|d| d.get_temp::<i32>(drag_id));
    if (response.clicked() || response.drag_stopped())
        && let Some(week) = response.interact_pointer_pos().and_then(week_at)
    {
        let start = if response.drag_stopped() {
            from.unwrap_or(week.start)
        } else {
            week.start
        };
        let (a, b) = (start.min(week.start), start.max(week.start));
        return Some(PanelIntent::SetDates(Some((a, b + 6))));
    }
    None
}

/// Where the bars of `weeks` weeks go in the chart's `rect`, and the width
/// of one week: a few weeks are drawn as narrow bars in the middle, not as
/// slabs.
pub fn plot_area(rect: Rect, weeks: usize) -> (Rect, f32) {
    let shown_weeks = weeks.max(MIN_WEEKS);
    let pad = ((shown_weeks - weeks) / 2) as f32;
    let step = rect.width() / shown_weeks as f32;
    let plot = Rect::from_x_y_ranges(
        rect.left() + pad * step..=rect.left() + (pad + weeks as f32) * step,
        rect.top() + 4.0..=rect.bottom(),
    );
    (plot, step)
}

/// The stacked bars, a column per week, one colour per category slot.
fn paint_bars(painter: &egui::Painter, buildup: &BuildUp, plot: Rect, step: f32) {
    let max = buildup.max_count.max(1) as f32;
    let mut shapes = Vec::new();
    for (n, week) in buildup.weeks.iter().enumerate() {
        let x0 = plot.left() + n as f32 * step;
        let x1 = x0 + (step - if step > 3.0 { 1.0 } else { 0.0 }).max(0.8);
        let mut y = plot.bottom();
        for (slot, &count) in week.by_slot.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let height = count as f32 / max * plot.height();
            shapes.push(Shape::rect_filled(
                Rect::from_min_max(pos2(x0, y - height), pos2(x1, y)),
                0.0,
                MapStyle::category_color(slot),
            ));
            y -= height;
        }
    }
    painter.extend(shapes);
}

/// The weekly troop sums as dots on their own scale (weeks without a figure
/// have none: no line pretends to know what happened between).
fn paint_troops(painter: &egui::Painter, buildup: &BuildUp, plot: Rect, step: f32) {
    if buildup.max_troops == 0 {
        return;
    }
    let max = buildup.max_troops as f32;
    for (n, week) in buildup.weeks.iter().enumerate() {
        if week.with_troops == 0 {
            continue;
        }
        let at = pos2(
            plot.left() + (n as f32 + 0.5) * step,
            plot.bottom() - week.troops as f32 / max * plot.height(),
        );
        painter.circle(at, 3.0, Color32::WHITE, Stroke::new(1.2, Color32::BLACK));
    }
}

/// What hovering a week says: its dates, its events by category, its troops.
fn week_text(week: &Week, events: &EventSet) -> String {
    let mut text = format!(
        "{}: {} event{}",
        DatePrecision::Week.describe(week.start),
        week.count(),
        if week.count() == 1 { "" } else { "s" }
    );
    for (slot, &count) in week.by_slot.iter().enumerate() {
        if count > 0 {
            text.push_str(&format!("\n  {count} {}", slot_name(events, slot)));
        }
    }
    if week.with_troops > 0 {
        text.push_str(&format!(
            "\n{} troops reported by {} event{}",
            group_thousands(week.troops),
            week.with_troops,
            if week.with_troops == 1 { "" } else { "s" }
        ));
    }
    text.push_str("\nClick to show this week; drag across weeks for a range");
    text
}

/// The name of a colour slot: its category, or "other categories" for the
/// last slot, which holds every category past the known ones.
fn slot_name(events: &EventSet, slot: usize) -> String {
    if slot + 1 == CategoryId::SLOTS {
        return "other categories".into();
    }
    events
        .categories()
        .iter()
        .find(|(id, _)| id.slot() == slot)
        .map_or_else(|| "other".into(), |(_, name)| name.to_string())
}
