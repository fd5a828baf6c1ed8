//! Exports, each on a thread of its own: the filtered events as GeoJSON or
//! CSV, and the map as a PNG from the next frame's screenshot (the playback
//! and the report are in `playback_export`, the area in `area_filter`). The status
//! bar shows them while they run; their results become the notice.

use std::path::PathBuf;
use std::sync::Arc;

use super::app::BorderwatchApp;
use super::background::Task;
use super::files::{file_name, png_of};
use super::intent::PanelIntent;
use crate::data::{Diagnostic, Location};
use crate::export::{ExportFormat, write_atomically, write_events_to_path};

impl BorderwatchApp {
    /// Applies an intent that writes or reads a file the user chose, or
    /// stops such work.
    pub(super) fn apply_file_intent(&mut self, intent: PanelIntent) {
        match intent {
            PanelIntent::CancelTask(index) => {
                if let Some(progress) = self.tasks.get(index).and_then(|t| t.progress.as_ref()) {
                    progress.cancel();
                }
            }
            PanelIntent::ExportEvents(format, path) => self.export_events(format, path),
            PanelIntent::ExportMap(path) => {
                if let Some(ctx) = self.ctx.clone() {
                    self.export_map(path, &ctx);
                }
            }
            PanelIntent::SaveArea(path) => self.save_area(path),
            PanelIntent::LoadArea(path) => self.load_area(path),
            PanelIntent::ShowPlaybackExport => {
                self.playback_export = Some(self.playback_export.unwrap_or_default());
            }
            PanelIntent::ExportPlayback(output) => self.export_playback(output),
            PanelIntent::ExportReport(path) => self.export_report(path),
            // The app applies every other intent itself.
            _ => {}
        }
    }

    /// Writes the filtered events to `path` on a thread of its own.
    pub fn export_events(&mut self, format: ExportFormat, path: PathBuf) {
        let data = Arc::clone(&self.data);
        let indices = self.filtered.indices.clone();
        let label = format!("exporting {} events", indices.len());
        let work = move || {
            let failed = |error: std::io::Error| {
                Diagnostic::error(
                    Location::file(path.display().to_string()),
                    format!("cannot write the export: {error}"),
                )
            };
            let indices: Vec<usize> = indices.iter().map(|&i| i as usize).collect();
            let written =
                write_events_to_path(&data.events, &data.regions, &indices, format, &path).map_err(failed)?;
            Ok(format!("exported {written} events to {}", path.display()))
        };
        self.tasks.push(match &self.ctx {
            Some(ctx) => Task::spawn(label, ctx.clone(), work),
            None => Task::done(label, work()),
        });
    }

    /// Writes the map as drawn in the next frame to `path` as a PNG.
    pub fn export_map(&mut self, path: PathBuf, ctx: &egui::Context) {
        let Some(viewport) = self.map.last_viewport() else {
            self.notice = Some("the map is not shown yet".into());
            return;
        };
        let rect = viewport.rect * ctx.pixels_per_point();
        let (task, sender) = Task::waiting(format!("exporting the map to {}", file_name(&path)));
        let waker = ctx.clone();
        ctx.request_screenshot(move |image| {
            let result = png_of(&image, rect)
                .and_then(|bytes| {
                    write_atomically(&path, |out| out.write_all(&bytes)).map_err(|e| e.to_string())
                })
                .map(|()| format!("exported the map to {}", path.display()))
                .map_err(|error| {
                    Diagnostic::error(
                        Location::file(path.display().to_string()),
                        format!("cannot write the map image: {error}"),
                    )
                });
            let _ = sender.send(result);
            waker.request_repaint();
        });
        self.tasks.push(task);
    }

    /// Takes in the exports that finished: a notice for each success, the
    /// messages for each failure.
    pub(super) fn poll_exports(&mut self) {
        // Work that reports progress is shown moving, not only when it ends.
        if let Some(ctx) = &self.ctx
            && self.tasks.iter().any(|t| t.progress.is_some())
        {
            ctx.request_repaint_after(std::time::Duration::from_millis(150));
        }
        let mut finished = Vec::new();
        self.tasks.retain(|task| match task.poll() {
            Some(result) => {
                finished.push(result);
                false
            }
            None => true,
        });
        for result in finished {
            match result {
                Ok(text) => {
                    log::info!("{text}");
                    self.notice = Some(text);
                }
                Err(error) => self.report_failure(vec![error], "export failed"),
            }
        }
    }
}
