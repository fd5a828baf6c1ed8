//! The timeline under the map: a histogram of the events (those passing
//! every filter but the dates), the chosen date range drawn over it with two
//! handles to drag, and playback controls. The range is always written out.

use egui::{Align2, Color32, CursorIcon, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};

use super::intent::PanelIntent;
use crate::query::day_text;
use crate::query::{BinSize, Histogram, PlayMode, PlaybackSettings};

/// Height of the histogram, in points.
const CHART_HEIGHT: f32 = 64.0;
/// How near a handle the pointer must be to grab it, in points.
const HANDLE_REACH: f32 = 7.0;

/// Window lengths offered, in days, with their names.
const WINDOWS: [(i32, &str); 6] = [
    (1, "1 day"),
    (7, "1 week"),
    (30, "30 days"),
    (91, "3 months"),
    (182, "6 months"),
    (365, "1 year"),
];

/// Playback speeds offered, in days per second, with their names.
const SPEEDS: [(f64, &str); 5] = [
    (1.0, "1 day / s"),
    (7.0, "1 week / s"),
    (30.0, "1 month / s"),
    (91.0, "3 months / s"),
    (365.0, "1 year / s"),
];

/// What a drag on the chart is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Drag {
    /// Moving the first day.
    From,
    /// Moving the last day.
    To,
    /// Moving the whole range, grabbed this many days after its start.
    Move(i32),
    /// Drawing a new range from this day.
    New(i32),
}

/// The timeline for one frame.
pub struct Timeline<'a> {
    /// Events over time.
    pub histogram: &'a Histogram,
    /// The filter's date range (inclusive days), if any.
    pub range: Option<(i32, i32)>,
    /// Whether playback is running.
    pub playing: bool,
    /// The playback choices.
    pub settings: &'a PlaybackSettings,
}

impl Timeline<'_> {
    /// Draws the controls and the chart; returns what the user changed.
    pub fn show(self, ui: &mut Ui) -> Option<PanelIntent> {
        let mut intent = None;
        ui.horizontal(|ui| {
            let play = if self.playing { "Pause" } else { "Play" };
            if ui
                .button(RichText::new(play).strong())
                .on_hover_text("Play the events through time (Space)")
                .clicked()
            {
                intent = Some(PanelIntent::TogglePlay);
            }
            let mut settings = *self.settings;
            playback_choices(ui, &mut settings);
            if settings != *self.settings {
                intent = Some(PanelIntent::SetPlayback(settings));
            }

            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .add_enabled(self.range.is_some(), egui::Button::new("Clear dates"))
                    .on_hover_text("Clear the date range (or double-click the chart)")
                    .clicked()
                {
                    intent = Some(PanelIntent::SetDates(None));
                }
                ui.label(RichText::new(range_text(self.range)).strong());
            });
        });
        if let Some(chart) = self.chart(ui) {
            intent = Some(chart);
        }
        intent
    }

    fn chart(&self, ui: &mut Ui) -> Option<PanelIntent> {
        let histogram = self.histogram;
        let width = ui.available_width();
        let (rect, response) =
            ui.allocate_exact_size(vec2(width, CHART_HEIGHT + 16.0), Sense::click_and_drag());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Slider,
                true,
                format!("Timeline: {}", range_text(self.range)),
            )
        });
        let chart = Rect::from_min_size(rect.min, vec2(rect.width(), CHART_HEIGHT));
        let span = (histogram.last - histogram.first + 1).max(1) as f32;
        let x_of = |day: i32| chart.left() + (day - histogram.first) as f32 / span * chart.width();
        let day_at = |x: f32| {
            let day = histogram.first + ((x - chart.left()) / chart.width() * span).floor() as i32;
            day.clamp(histogram.first, histogram.last)
        };
        let visuals = ui.visuals().clone();
        let painter = ui.painter_at(rect);
        painter.rect_filled(chart, 2.0, visuals.extreme_bg_color);

        let range = self.range.unwrap_or((histogram.first, histogram.last));
        paint_bars(&painter, histogram, chart, x_of, range, &visuals);
        let accent = visuals.selection.bg_fill;

        // The chosen range, with its handles.
        if let Some((from, to)) = self.range {
            let band = Rect::from_min_max(pos2(x_of(from), chart.top()), pos2(x_of(to + 1), chart.bottom()));
            painter.rect_filled(band, 0.0, accent.gamma_multiply(0.18));
            for x in [band.left(), band.right()] {
                painter.line_segment(
                    [pos2(x, chart.top()), pos2(x, chart.bottom())],
                    Stroke::new(2.0, visuals.strong_text_color()),
                );
                painter.rect_filled(
                    Rect::from_center_size(pos2(x, chart.center().y), vec2(6.0, 16.0)),
                    2.0,
                    visuals.strong_text_color(),
                );
            }
        }
        axis_labels(&painter, histogram, chart, x_of, visuals.weak_text_color());

        let response = response.on_hover_ui_at_pointer(|ui| {
            if let Some(pointer) = ui.ctx().pointer_hover_pos()
                && let Some(bin) = histogram.bin_at(day_at(pointer.x))
            {
                ui.label(format!(
                    "{} – {}: {} event{}",
                    day_text(bin.start),
                    day_text(bin.end),
                    bin.count,
                    if bin.count == 1 { "" } else { "s" }
                ));
                if bin.coarse > 0 {
                    ui.label(format!(
                        "and {} dated only to a week, month or year that may fall here (lighter bar: their share, {:.1})",
                        bin.coarse, bin.spread
                    ));
                }
                ui.weak("Drag to choose dates · click a bar to pick it · double-click for all dates");
            }
        });
        self.interact(ui, &response, x_of, day_at)
    }

    fn interact(
        &self,
        ui: &Ui,
        response: &egui::Response,
        x_of: impl Fn(i32) -> f32,
        day_at: impl Fn(f32) -> i32,
    ) -> Option<PanelIntent> {
        let drag_id = response.id.with("drag");
        let pointer = response.interact_pointer_pos().or(response.hover_pos());
        if let (Some((from, to)), Some(p)) = (self.range, response.hover_pos())
            && ((p.x - x_of(from)).abs() < HANDLE_REACH || (p.x - x_of(to + 1)).abs() < HANDLE_REACH)
        {
            ui.ctx().set_cursor_icon(CursorIcon::ResizeHorizontal);
        }
        if response.double_clicked() {
            return Some(PanelIntent::SetDates(None));
        }
        if response.clicked()
            && let Some(p) = pointer
            && let Some(bin) = self.histogram.bin_at(day_at(p.x))
        {
            return Some(PanelIntent::SetDates(Some((bin.start, bin.end))));
        }
        if response.drag_started()
            && let Some(p) = response.interact_pointer_pos()
        {
            let day = day_at(p.x);
            let drag = match self.range {
                Some((from, _)) if (p.x - x_of(from)).abs() < HANDLE_REACH => Drag::From,
                Some((_, to)) if (p.x - x_of(to + 1)).abs() < HANDLE_REACH => Drag::To,
                Some((from, to)) if (from..=to).contains(&day) => Drag::Move(day - from),
                _ => Drag::New(day),
            };
            ui.data_mut(|d| d.insert_temp(drag_id, drag));
        }
        if response.drag_stopped() {
            ui.data_mut(|d| d.remove::<Drag>(drag_id));
        }
        let drag = ui.data(|d| d.get_temp::<Drag>(drag_id))?;
        let p = response.interact_pointer_pos()?;
        if !response.dragged() {
            return None;
        }
        let day = day_at(p.x);
        let (first, last) = (self.histogram.first, self.histogram.last);
        let (from, to) = self.range.unwrap_or((first, last));
        let range = match drag {
            Drag::From => (day.min(to), to),
            Drag::To => (from, day.max(from)),
            Drag::Move(offset) => {
                let length = to - from;
                let start = (day - offset).clamp(first, last - length);
                (start, start + length)
            }
            Drag::New(anchor) => (anchor.min(day), anchor.max(day)),
        };
        (Some(range) != self.range).then_some(PanelIntent::SetDates(Some(range)))
    }
}

/// The histogram's bars: inside the chosen `range` in the accent colour,
/// outside dimmed. Events dated to a week, month or year are spread over
/// their span and stacked lighter on top of those dated to a day.
fn paint_bars(
    painter: &egui::Painter,
    histogram: &Histogram,
    chart: Rect,
    x_of: impl Fn(i32) -> f32,
    range: (i32, i32),
    visuals: &egui::Visuals,
) {
    let max = histogram.max_weight().max(1.0);
    let (from, to) = range;
    let accent = visuals.selection.bg_fill;
    let dim = visuals.weak_text_color().gamma_multiply(0.6);
    let scale = |weight: f32| (weight / max).sqrt() * (CHART_HEIGHT - 6.0);
    for bin in &histogram.bins {
        if bin.weight() <= 0.0 {
            continue;
        }
        let x0 = x_of(bin.start) + 0.5;
        let x1 = (x_of(bin.end + 1) - 0.5).max(x0 + 1.0);
        let inside = bin.end >= from && bin.start <= to;
        let color = if inside { accent } else { dim };
        let dated = if bin.count > 0 {
            scale(bin.count as f32).max(1.5)
        } else {
            0.0
        };
        let total = scale(bin.weight()).max(dated + 1.0);
        if dated > 0.0 {
            let bar = Rect::from_min_max(pos2(x0, chart.bottom() - dated), pos2(x1, chart.bottom()));
            painter.rect_filled(bar, 0.0, color);
        }
        if bin.spread > 0.0 {
            let top = Rect::from_min_max(pos2(x0, chart.bottom() - total), pos2(x1, chart.bottom() - dated));
            painter.rect_filled(top, 0.0, color.gamma_multiply(0.45));
        }
    }
}

/// The range as the timeline writes it.
pub fn range_text(range: Option<(i32, i32)>) -> String {
    match range {
        None => "All dates".to_string(),
        Some((from, to)) if from == to => format!("{} (1 day)", day_text(from)),
        Some((from, to)) => format!("{} – {} ({} days)", day_text(from), day_text(to), to - from + 1),
    }
}

/// Labels under the chart at bin starts: year starts first (in the strong
/// colour), then other bins where they fit without overlapping.
fn axis_labels(
    painter: &egui::Painter,
    histogram: &Histogram,
    chart: Rect,
    x_of: impl Fn(i32) -> f32,
    color: Color32,
) {
    let font = FontId::proportional(10.0);
    let mut taken: Vec<Rect> = Vec::new();
    for years_first in [true, false] {
        for bin in &histogram.bins {
            let (_, month, date) = crate::data::events::date::civil_from_days(bin.start);
            let year_start = month == 1 && date == 1;
            if year_start != years_first {
                continue;
            }
            let x = x_of(bin.start);
            let text = bin_label(histogram.size, bin.start);
            let galley = painter.layout_no_wrap(text, font.clone(), color);
            let at = Align2::LEFT_TOP.anchor_size(Pos2::new(x + 2.0, chart.bottom() + 2.0), galley.size());
            if at.right() > chart.right() || taken.iter().any(|r| r.expand2(vec2(8.0, 0.0)).intersects(at)) {
                continue;
            }
            taken.push(at);
            let tick = if year_start {
                color.gamma_multiply(1.6)
            } else {
                color
            };
            painter.line_segment(
                [
                    pos2(x, chart.bottom()),
                    pos2(x, chart.bottom() + if year_start { 6.0 } else { 3.0 }),
                ],
                Stroke::new(1.0, tick),
            );
            painter.galley(at.min, galley, tick);
        }
    }
}

/// How an axis names the bin starting on `day`.
fn bin_label(size: BinSize, day: i32) -> String {
    let (year, month, date) = crate::data::events::date::civil_from_days(day);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = MONTHS.get(month as usize - 1).copied().unwrap_or("");
    match size {
        BinSize::Day | BinSize::Week => format!("{date} {month_name}"),
        BinSize::Month if month == 1 => format!("{year}"),
        BinSize::Month => month_name.to_string(),
        BinSize::Quarter if month == 1 => format!("{year}"),
        BinSize::Quarter => format!("Q{}", (month - 1) / 3 + 1),
        BinSize::Year => format!("{year}"),
    }
}

/// The playback choices: mode, window length (in window mode), speed, loop.
fn playback_choices(ui: &mut Ui, settings: &mut PlaybackSettings) {
    let label = ui.label("Mode");
    egui::ComboBox::from_id_salt("play-mode")
        .selected_text(match settings.mode {
            PlayMode::Window => "Window",
            PlayMode::Cumulative => "Cumulative",
        })
        .width(100.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut settings.mode, PlayMode::Window, "Window")
                .on_hover_text("A window of fixed length moves through time");
            ui.selectable_value(&mut settings.mode, PlayMode::Cumulative, "Cumulative")
                .on_hover_text("Everything from the first event up to a moving day");
        })
        .response
        .labelled_by(label.id);
    if settings.mode == PlayMode::Window {
        let name = WINDOWS
            .iter()
            .find(|(days, _)| *days == settings.window_days)
            .map_or_else(
                || format!("{} days", settings.window_days),
                |(_, n)| n.to_string(),
            );
        let label = ui.label("Length");
        egui::ComboBox::from_id_salt("play-window")
            .selected_text(name)
            .width(90.0)
            .show_ui(ui, |ui| {
                for (days, name) in WINDOWS {
                    ui.selectable_value(&mut settings.window_days, days, name);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Length of the window");
    }
    let speed = SPEEDS
        .iter()
        .find(|(s, _)| (*s - settings.days_per_second).abs() < 1e-9)
        .map_or_else(
            || format!("{} days / s", settings.days_per_second),
            |(_, n)| n.to_string(),
        );
    let label = ui.label("Speed");
    egui::ComboBox::from_id_salt("play-speed")
        .selected_text(speed)
        .width(100.0)
        .show_ui(ui, |ui| {
            for (speed, name) in SPEEDS {
                ui.selectable_value(&mut settings.days_per_second, speed, name);
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("How fast time passes");
    ui.checkbox(&mut settings.looping, "Loop");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_bins_read_as_dates() {
        assert_eq!(range_text(None), "All dates");
        let day = |t: &str| crate::data::EventDate::parse_iso(t).expect("date").day();
        assert_eq!(
            range_text(Some((day("2021-04-22"), day("2021-04-22")))),
            "2021-04-22 (1 day)"
        );
        assert_eq!(
            range_text(Some((day("2021-04-01"), day("2021-04-30")))),
            "2021-04-01 – 2021-04-30 (30 days)"
        );
        assert_eq!(bin_label(BinSize::Month, day("2021-01-01")), "2021");
        assert_eq!(bin_label(BinSize::Month, day("2021-04-01")), "Apr");
        assert_eq!(bin_label(BinSize::Quarter, day("2021-07-01")), "Q3");
        assert_eq!(bin_label(BinSize::Week, day("2021-04-19")), "19 Apr");
    }
}
