//! Loading after start-up, as the app sees it: files opened, dropped or
//! changed on disk go to the [`super::loader::Loader`], and the new data replaces the old in
//! one step when its load is done.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::Ui;

use super::app::BorderwatchApp;
use super::background::{LoadOutcome, LoadReason, Ready};
use super::files::{EventFilesAnswer, file_name};
use super::format::group_thousands;
use super::intent::PanelIntent;
use super::loader::SourceChange;
use super::watch::QUIET;
use crate::data::{Diagnostic, Location, Severity};
use crate::dataset::Dataset;
use crate::load::Sources;
use crate::map::MapLayers;
use crate::query::EventFilter;

/// Logs a load's message at its severity: notes on how records were read
/// or placed (thousands in a large file) only with `RUST_LOG=info`.
fn log_message(message: &Diagnostic) {
    match message.severity {
        Severity::Error => log::error!("{message}"),
        Severity::Warning => log::warn!("{message}"),
        Severity::Info => log::info!("{message}"),
    }
}

impl BorderwatchApp {
    /// Errors go to the messages panel, which opens; the status bar says what failed.
    pub(super) fn report_failure(&mut self, messages: Vec<Diagnostic>, what: &str) {
        let first = messages
            .iter()
            .find(|m| m.severity == Severity::Error)
            .map(ToString::to_string);
        messages.iter().for_each(log_message);
        self.messages.extend(messages);
        self.show_messages = true;
        self.notice = Some(match first {
            Some(first) => format!("{what}: {first}"),
            None => what.to_string(),
        });
    }

    /// Where the data shown came from.
    pub fn sources(&self) -> &Sources {
        self.loader.sources()
    }

    /// Whether files are being loaded (or wait to be).
    pub fn is_loading(&self) -> bool {
        self.loader.is_loading()
    }

    /// Files opened lately, newest first.
    pub fn recent_files(&self) -> &[PathBuf] {
        self.loader.recent()
    }

    /// Event files waiting for the user to choose between adding and replacing.
    pub fn pending_event_files(&self) -> &[PathBuf] {
        self.loader.pending_event_files()
    }

    /// Opens files as File > Open and a drop do: a polygon GeoJSON becomes a
    /// new region layer at once; event files wait for the user to choose
    /// whether they add to or replace the events shown.
    pub fn open_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for failure in self.loader.open_paths(paths, self.ctx.as_ref()) {
            self.report_failure(vec![failure], "could not open the file");
        }
    }

    /// Loads event files alongside the events shown, or instead of them.
    pub fn open_event_files(&mut self, paths: Vec<PathBuf>, replace: bool) {
        self.loader.open_event_files(paths, replace, self.ctx.as_ref());
    }

    /// Loads every source again (as when a file changes on disk).
    pub fn reload(&mut self) {
        self.loader.request(SourceChange::Reload, self.ctx.as_ref());
    }

    /// Does what the user answered about the event files waiting.
    pub(super) fn answer_event_files(&mut self, answer: EventFilesAnswer) {
        let paths = std::mem::take(&mut self.loader.pending_event_files);
        match answer {
            EventFilesAnswer::Add => self.open_event_files(paths, false),
            EventFilesAnswer::Replace => self.open_event_files(paths, true),
            EventFilesAnswer::Cancel => {}
        }
    }

    /// Takes in what the background work finished, and notices changed files.
    pub(super) fn poll_background(&mut self, ctx: &egui::Context) {
        if let Some(outcome) = self.loader.finished() {
            self.finish_load(outcome);
            self.loader.start_queued(self.ctx.as_ref());
        }
        if let Some(job) = &self.loader.job {
            // The job wakes the window when it is done; until then the
            // progress bar moves twice a second (input still repaints at
            // once). Each frame is drawn with the map, and with a software
            // renderer (Mesa's llvmpipe) ten a second took a third of both
            // cores from the load; against four a second, the 1M file was
            // drawn at 1.79-1.94 s rather than 1.84-2.16 s (eight first
            // opens each, alternated).
            job.wake(ctx);
            ctx.request_repaint_after(Duration::from_millis(500));
        }
        self.poll_exports();
        let changes = self.loader.watch(ctx);
        if let Some(error) = changes.error {
            self.messages
                .push(Diagnostic::warning(Location::file("borderwatch"), error));
        }
        if let Some(changed) = changes.changed {
            let names: Vec<String> = changed.iter().map(|p| file_name(p)).collect();
            log::info!("changed on disk: {}; reloading", names.join(", "));
            self.notice = Some(format!("{} changed on disk; reloading", names.join(", ")));
            self.reload();
        } else if changes.pending {
            ctx.request_repaint_after(QUIET);
        }
    }

    /// Once the data has been drawn (the window is interactive), builds the
    /// search index and the distances to the border behind it: built at
    /// once, they took the cores the first frame needed.
    pub(super) fn build_indexes_once_drawn(&mut self, ctx: &egui::Context) {
        match self.frames_with_data {
            // This frame draws the data; come back when it is on screen.
            0 => ctx.request_repaint(),
            1 => Dataset::build_indexes_in_background(&self.data),
            _ => {}
        }
        self.frames_with_data = self.frames_with_data.saturating_add(1);
    }

    /// Shows what a load made: the new data in one step, or why the data
    /// shown stays as it was.
    fn finish_load(&mut self, outcome: LoadOutcome) {
        match outcome.result {
            Ok(Ready {
                dataset: data,
                layers,
                sources,
                messages,
            }) => {
                let layers_before: Vec<&str> =
                    self.data.regions.layers().iter().map(|l| l.id.as_str()).collect();
                let new_layers = data
                    .regions
                    .layers()
                    .iter()
                    .map(|l| l.id.as_str())
                    .ne(layers_before);
                messages.iter().for_each(log_message);
                if messages.iter().any(|m| m.severity == Severity::Error) {
                    self.show_messages = true;
                }
                self.messages.extend(messages);
                self.replace_data(data, layers);
                self.loader.set_sources(sources);
                if new_layers {
                    self.map.request_fit();
                }
                let layers = self.data.regions.layers().len();
                let cached = self.data.events.files().iter().filter(|f| f.from_cache).count();
                let text = format!(
                    "{} {} events and {layers} region layer{} in {:.1} s{}",
                    if outcome.reason == LoadReason::Reload {
                        "reloaded"
                    } else {
                        "loaded"
                    },
                    group_thousands(self.data.events.len() as u64),
                    if layers == 1 { "" } else { "s" },
                    outcome.seconds,
                    match cached {
                        0 => String::new(),
                        1 => " (1 file unchanged, from the cache)".into(),
                        n => format!(" ({n} files unchanged, from the cache)"),
                    }
                );
                log::info!("{text}");
                self.notice = Some(text);
            }
            Err(aborted) if aborted.cancelled => {
                self.notice = Some("loading cancelled; the data shown is unchanged".into());
                log::info!("loading cancelled");
            }
            Err(aborted) => {
                self.report_failure(aborted.messages, "could not load; the data shown is unchanged");
            }
        }
    }

    /// Shows new data, keeping the filter, the view, and the selected region
    /// and event where they still exist.
    fn replace_data(&mut self, data: Arc<Dataset>, layers: Arc<MapLayers>) {
        self.frames_with_data = 0;
        let before = std::mem::replace(&mut self.data, data);
        self.loader.show_layers(&layers);
        self.layers = layers;
        self.undated = None;
        self.hovered = None;
        // The filter asked for, but its search (if any) waits for its own
        // thread, as a typed one does: a reload of many events with a
        // search on does not hold the window for the search's index.
        let wanted = self.search.cancel().unwrap_or_else(|| self.filter.clone());
        self.filter = EventFilter {
            text: String::new(),
            ..wanted.clone()
        };
        self.filtered = Arc::new(self.data.apply(&self.filter));
        self.generation += 1;
        self.selection.carry_over(&before, &self.data, &self.filtered);
        self.set_filter(wanted);
    }

    /// Files dropped on the window open as File > Open would; files held
    /// over it get a hint.
    pub(super) fn dropped_files(&mut self, ui: &mut Ui) {
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.apply(PanelIntent::OpenPaths(dropped));
        }
        let hovering = ui.input(|i| i.raw.hovered_files.len());
        if hovering > 0 {
            let rect = ui.ctx().content_rect();
            let painter = ui.ctx().layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop-overlay"),
            ));
            painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(150));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                format!(
                    "Drop {} to open: polygons become a region layer, events are added",
                    if hovering == 1 {
                        "the file".to_string()
                    } else {
                        format!("{hovering} files")
                    }
                ),
                egui::FontId::proportional(20.0),
                egui::Color32::WHITE,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BorderwatchApp, StartupOptions};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// Every log record's level and text, kept (the first call installs it).
    fn logged() -> &'static std::sync::Mutex<Vec<(log::Level, String)>> {
        struct Keep(std::sync::Mutex<Vec<(log::Level, String)>>);
        impl log::Log for Keep {
            fn enabled(&self, _: &log::Metadata) -> bool {
                true
            }
            fn log(&self, record: &log::Record) {
                if let Ok(mut kept) = self.0.lock() {
                    kept.push((record.level(), record.args().to_string()));
                }
            }
            fn flush(&self) {}
        }
        static KEEP: std::sync::OnceLock<&'static Keep> = std::sync::OnceLock::new();
        let keep = KEEP.get_or_init(|| {
            let keep: &'static Keep = Box::leak(Box::new(Keep(std::sync::Mutex::new(Vec::new()))));
            let _ = log::set_logger(keep);
            log::set_max_level(log::LevelFilter::Info);
            keep
        });
        &keep.0
    }

    #[test]
    fn a_loads_messages_are_logged_at_their_severity() {
        use crate::data::{Diagnostic, Location};
        let kept = logged();
        let location = || Location::file("severity-test.json");
        super::log_message(&Diagnostic::info(location(), "placed by its coast"));
        super::log_message(&Diagnostic::warning(location(), "a date guessed"));
        super::log_message(&Diagnostic::error(location(), "not JSON"));
        let levels: Vec<log::Level> = kept
            .lock()
            .expect("log")
            .iter()
            .filter(|(_, text)| text.contains("severity-test.json"))
            .map(|(level, _)| *level)
            .collect();
        assert_eq!(levels, [log::Level::Info, log::Level::Warn, log::Level::Error]);
    }

    /// Lets the app take in its loads until none is under way.
    fn settle(app: &mut BorderwatchApp) {
        let ctx = egui::Context::default();
        let started = Instant::now();
        while app.loader.is_loading() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the load never ended"
            );
            app.poll_background(&ctx);
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_window_keeps_its_meshes_through_loads_of_events_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A pipe: the start-up load waits for its bytes until the empty map
        // is made, as a large file's load would.
        let piped = super::super::background::named_pipe(dir.path(), "piped.json");
        let options = StartupOptions {
            events: vec![piped.clone()],
            ..StartupOptions::default()
        };
        let mut app = BorderwatchApp::loading(&options);
        let empty_map = Arc::clone(&app.layers);
        let event = r#"[{"id": "a", "title": "Drill", "date": "2022-02-01", "lat": 50.6, "lon": 36.6}]"#;
        std::fs::write(&piped, event).expect("written to the pipe");
        settle(&mut app);
        assert_eq!(app.data.events.len(), 1, "{:?}", app.messages);
        assert!(
            Arc::ptr_eq(&app.layers, &empty_map),
            "the start-up load made them again"
        );
        let events = dir.path().join("events.json");
        std::fs::write(&events, event.replace("Drill", "Drills")).expect("written");
        app.open_event_files(vec![events], true);
        settle(&mut app);
        assert_eq!(
            app.data.events.events()[0].title(),
            "Drills",
            "{:?}",
            app.messages
        );
        assert!(
            Arc::ptr_eq(&app.layers, &empty_map),
            "opening events made them again"
        );
    }
}
