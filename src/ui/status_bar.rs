//! The status bar: coordinates and region under the pointer, the filter in
//! words, a load's progress (with Cancel), exports running, the zoom, and
//! the count of messages (a button that shows them).

use egui::{RichText, Ui};
use geo::Coord;

use super::background::{LoadJob, Task};
use super::format::{format_lonlat, group_thousands};
use super::intent::PanelIntent;
use crate::data::{Diagnostic, Region, Severity};
use crate::map::MapView;
use crate::query::EventFilter;

/// The status bar for one frame.
pub struct StatusBar<'a> {
    /// Longitude/latitude under the pointer.
    pub cursor: Option<Coord<f64>>,
    /// The region under the pointer.
    pub hovered: Option<&'a Region>,
    /// The current filter.
    pub filter: &'a EventFilter,
    /// The load under way.
    pub job: Option<&'a LoadJob>,
    /// What last happened.
    pub notice: Option<&'a str>,
    /// Exports under way.
    pub tasks: &'a [Task],
    /// The map's view.
    pub view: Option<MapView>,
    /// Warnings and errors so far.
    pub messages: &'a [Diagnostic],
    /// Whether the messages window is open.
    pub messages_shown: bool,
}

impl StatusBar<'_> {
    /// Draws the bar in `ui`.
    pub fn show(self, ui: &mut Ui) -> Option<PanelIntent> {
        let mut intent = None;
        ui.horizontal(|ui| {
            match self.cursor {
                Some(lonlat) => ui.monospace(format_lonlat(lonlat)),
                None => ui.weak("Move the pointer over the map for coordinates"),
            };
            if let Some(region) = self.hovered {
                ui.separator();
                ui.label(&region.name);
            }
            if !self.filter.is_empty() {
                ui.separator();
                ui.weak(format!("filter: {}", self.filter.describe()));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(job) = self.job {
                    load_progress(ui, job, &mut intent);
                }
                if self.job.is_none()
                    && let Some(notice) = self.notice
                {
                    ui.weak(notice);
                }
                for (index, task) in self.tasks.iter().enumerate() {
                    match &task.progress {
                        Some(progress) => {
                            if ui.small_button("Cancel").clicked() {
                                intent = Some(PanelIntent::CancelTask(index));
                            }
                            let (done, total) = progress.steps();
                            let share = if total == 0 {
                                0.0
                            } else {
                                done as f32 / total as f32
                            };
                            ui.add(
                                egui::ProgressBar::new(share)
                                    .desired_width(120.0)
                                    .text(format!("{done} of {total}")),
                            );
                        }
                        None => {
                            ui.spinner();
                        }
                    }
                    ui.weak(&task.label);
                }
                if let Some(view) = self.view {
                    ui.weak(format!("zoom {:.1}", view.zoom));
                }
                self.messages_button(ui, &mut intent);
            });
        });
        intent
    }

    /// "N messages", strong and red when there are errors; it shows or
    /// hides them.
    fn messages_button(&self, ui: &mut Ui, intent: &mut Option<PanelIntent>) {
        let count = self.messages.len();
        if count == 0 {
            return;
        }
        let errors = self
            .messages
            .iter()
            .filter(|m| m.severity == Severity::Error)
            .count();
        let text = format!("{count} message{}", if count == 1 { "" } else { "s" });
        let text = if errors > 0 {
            RichText::new(text).strong().color(ui.visuals().error_fg_color)
        } else {
            RichText::new(text)
        };
        if ui.button(text).clicked() {
            *intent = Some(PanelIntent::ShowMessages(!self.messages_shown));
        }
    }
}

/// The progress of a load, with its Cancel button.
fn load_progress(ui: &mut Ui, job: &LoadJob, intent: &mut Option<PanelIntent>) {
    let progress = job.progress();
    let (bytes, total, records) = (progress.bytes(), progress.total_bytes(), progress.records());
    let megabytes = |b: u64| b as f64 / 1_048_576.0;
    let text = if total > 0 && bytes >= total {
        // No animation here: an animated bar repaints at full speed, which
        // on a software renderer took a core from the indexing itself; the
        // seconds move with the loader's own repaint (ten a second).
        format!(
            "{} records read; building indexes… {:.1} s",
            group_thousands(records),
            job.elapsed()
        )
    } else if total > 0 {
        format!(
            "loading: {:.0} of {:.0} MB, {} records",
            megabytes(bytes),
            megabytes(total),
            group_thousands(records)
        )
    } else {
        format!("loading: {} records", group_thousands(records))
    };
    let fraction = if total > 0 {
        (bytes as f32 / total as f32).min(1.0)
    } else {
        0.0
    };
    if ui
        .button("Cancel")
        .on_hover_text("Stop loading; the data shown stays")
        .clicked()
    {
        *intent = Some(PanelIntent::CancelLoad);
    }
    ui.add(egui::ProgressBar::new(fraction).desired_width(320.0).text(text));
}
