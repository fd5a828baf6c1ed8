//! Sharing the playback from the window: a small window with the size,
//! the step between frames and each frame's duration, then a file dialog;
//! the frames are drawn and written on a thread of their own, with
//! progress and Cancel in the status bar, the window staying responsive.
//! And the one-page snapshot report of the current filter and view.

use std::path::PathBuf;
use std::sync::Arc;

use egui::RichText;

use super::app::BorderwatchApp;
use super::background::{Task, TaskProgress};
use super::files::DialogPurpose;
use super::intent::PanelIntent;
use super::pictures::{FramePlan, SIZES, Scene, write_playback, write_report};
use crate::data::{Diagnostic, Location};
use crate::dataset::Dataset;
use crate::map::{MapLayers, MapView};
use crate::query::{EventFilter, PlayMode, day_text};
use crate::render::PlaybackOutput;
use crate::render::RenderError;

/// Size of the snapshot report, in pixels.
const REPORT_SIZE: egui::Vec2 = egui::vec2(1600.0, 1000.0);

impl BorderwatchApp {
    /// The Export playback window, while open.
    pub(super) fn playback_export_window(&mut self, ctx: &egui::Context) {
        let Some(mut settings) = self.playback_export else {
            return;
        };
        let Some(plan) = self.frame_plan(settings.step_days) else {
            self.playback_export = None;
            return;
        };
        let mut open = true;
        let mut intent = None;
        egui::Window::new("Export playback")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} frames, {} to {}, {}",
                    plan.ranges().len(),
                    day_text(plan.from),
                    day_text(plan.to),
                    if plan.cumulative {
                        "each showing everything up to its day".to_string()
                    } else {
                        format!("each showing {} days", plan.window_days)
                    }
                ));
                ui.label(RichText::new("The dates and window follow the timeline's range and playback settings; the map keeps the current view and filter.").weak());
                egui::Grid::new("playback-export").num_columns(2).show(ui, |ui| {
                    let label = ui.label("Size");
                    egui::ComboBox::from_id_salt("export-size")
                        .selected_text(format!("{} × {}", settings.size.0, settings.size.1))
                        .show_ui(ui, |ui| {
                            for size in SIZES {
                                ui.selectable_value(&mut settings.size, size, format!("{} × {}", size.0, size.1));
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    ui.label("Step");
                    ui.add(egui::DragValue::new(&mut settings.step_days).range(1..=366).suffix(" days"));
                    ui.end_row();
                    ui.label("Each frame shows for");
                    ui.add(egui::DragValue::new(&mut settings.frame_ms).range(50..=10_000).speed(10).suffix(" ms"));
                    ui.end_row();
                });
                ui.horizontal(|ui| {
                    if ui.button("Save as GIF…").clicked() {
                        intent = Some(PanelIntent::OpenDialog(DialogPurpose::ExportPlayback { gif: true }));
                    }
                    if ui.button("Save as PNG frames…").clicked() {
                        intent = Some(PanelIntent::OpenDialog(DialogPurpose::ExportPlayback { gif: false }));
                    }
                });
            });
        self.playback_export = open.then_some(settings);
        self.apply_some(intent);
    }

    /// The frames a playback export makes now: the date range (or every
    /// date) in steps, each frame's window as the timeline plays it.
    fn frame_plan(&self, step_days: i32) -> Option<FramePlan> {
        let (first, last) = self.data.columns.day_range()?;
        let settings = self.playback_settings;
        Some(FramePlan {
            from: self.filter.from_day.unwrap_or(first),
            to: self.filter.to_day.unwrap_or(last),
            step_days,
            window_days: settings.window_days,
            cumulative: settings.mode == PlayMode::Cumulative,
        })
    }

    /// What a picture drawn on another thread needs of the app now: the
    /// data, `filter`, the view and the theme.
    fn picture_job(&self, filter: EventFilter) -> PictureJob {
        PictureJob {
            data: Arc::clone(&self.data),
            filter,
            view: self.map.view(),
            dark: self.ctx.as_ref().is_some_and(|c| c.theme() == egui::Theme::Dark),
        }
    }

    /// Draws and writes the playback to `output` on a thread of its own.
    pub fn export_playback(&mut self, output: PlaybackOutput) {
        let settings = self.playback_export.unwrap_or_default();
        let Some(plan) = self.frame_plan(settings.step_days) else {
            self.notice = Some("no events: nothing to play".into());
            return;
        };
        let job = self.picture_job(self.filter.without_dates());
        let progress = Arc::new(TaskProgress::default());
        progress.set(0, plan.ranges().len());
        let task_progress = Arc::clone(&progress);
        let (path, label) = match &output {
            PlaybackOutput::Gif(path) | PlaybackOutput::Pngs(path) => (
                path.clone(),
                format!("exporting the playback to {}", path.display()),
            ),
        };
        let size = egui::vec2(settings.size.0 as f32, settings.size.1 as f32);
        let work = move || {
            let written = job.draw(|scene| {
                write_playback(scene, &plan, size, settings.frame_ms, &output, |done, total| {
                    task_progress.set(done, total);
                    !task_progress.is_cancelled()
                })
            });
            playback_result(written, &path, task_progress.is_cancelled())
        };
        self.tasks.push(match &self.ctx {
            Some(ctx) => Task::spawn(label, ctx.clone(), work).with_progress(progress),
            None => Task::done(label, work()),
        });
    }

    /// Writes the snapshot report of the current filter and view to `path`.
    pub fn export_report(&mut self, path: PathBuf) {
        let job = self.picture_job(self.filter.clone());
        let label = format!("writing the snapshot report to {}", path.display());
        let work = move || {
            job.draw(|scene| write_report(scene, REPORT_SIZE, &path))
                .map(|()| format!("wrote the snapshot report to {}", path.display()))
                .map_err(|e| failure(&path, &e))
        };
        self.tasks.push(match &self.ctx {
            Some(ctx) => Task::spawn(label, ctx.clone(), work),
            None => Task::done(label, work()),
        });
    }
}

/// A picture to draw on another thread: what its [`Scene`] is made of.
struct PictureJob {
    data: Arc<Dataset>,
    filter: EventFilter,
    view: Option<MapView>,
    dark: bool,
}

impl PictureJob {
    /// Builds the meshes and draws with the scene.
    fn draw<R>(&self, draw: impl FnOnce(&Scene<'_>) -> R) -> R {
        let layers = MapLayers::new(&self.data.regions, &self.data.context);
        draw(&Scene {
            data: &self.data,
            layers: &layers,
            filter: &self.filter,
            view: self.view,
            dark: self.dark,
        })
    }
}

/// What a playback export says when it ends.
fn playback_result(
    written: Result<usize, RenderError>,
    path: &std::path::Path,
    cancelled: bool,
) -> Result<String, Diagnostic> {
    match written {
        Ok(frames) if cancelled => Ok(format!(
            "playback export cancelled after {frames} frames ({})",
            path.display()
        )),
        Ok(frames) => Ok(format!(
            "exported {frames} frames of the playback to {}",
            path.display()
        )),
        Err(_) if cancelled => Ok(format!(
            "playback export cancelled: {} not written",
            path.display()
        )),
        Err(error) => Err(failure(path, &error)),
    }
}

fn failure(path: &std::path::Path, error: &RenderError) -> Diagnostic {
    Diagnostic::error(
        Location::file(path.display().to_string()),
        format!("cannot write the image: {error}"),
    )
}
