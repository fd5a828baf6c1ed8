//! What is loaded from where: the `Loader` queues files opened, dropped or
//! changed on disk, runs one load at a time on a thread of its own, watches
//! the loaded files and remembers the files opened lately. It knows nothing
//! of the app around it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::background::{LoadJob, LoadOutcome, LoadReason, ShownLayers};
use super::layer_choice::LayerChoice;
use super::watch::FileWatcher;
use crate::data::Diagnostic;
use crate::data::events::EventCache;
use crate::data::events::read::ColumnMapping;
use crate::load::{EventSource, FileKind, OnError, Sources, sniff_path};
use crate::map::MapLayers;

/// How many files File > Open recent lists.
pub(super) const RECENT_FILES: usize = 10;

/// A change to what is loaded, waiting for the loader.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SourceChange {
    AddRegions(PathBuf),
    AddEvents(Vec<PathBuf>),
    /// An event file read with the columns chosen for it (added, or read
    /// again when already loaded).
    EventsWithColumns(PathBuf, ColumnMapping),
    /// A region layer file read again with its regions named by a property.
    NameField(PathBuf, String),
    /// A region layer read from the named layer of its file.
    RegionLayer(PathBuf, String),
    ReplaceEvents(Vec<PathBuf>),
    Reload,
}

/// What is loaded from where, the load under way and the changes waiting
/// for it, the files watched, and the files opened lately.
#[derive(Default)]
pub(super) struct Loader {
    /// Where the data shown came from.
    sources: Sources,
    pub(super) job: Option<LoadJob>,
    queued: Vec<SourceChange>,
    /// Wakes the app when a loaded file changes (made on the first frame).
    watcher: Option<FileWatcher>,
    /// Event files waiting for the user to say: add or replace?
    pub(super) pending_event_files: Vec<PathBuf>,
    /// A file waiting for the user to choose one of its layers.
    pub(super) pending_layer: Option<LayerChoice>,
    /// Files opened lately, newest first.
    recent: Vec<PathBuf>,
    /// Where loads keep the event files they read, if anywhere.
    event_cache: Option<EventCache>,
    /// The meshes the window shows, for loads that change only the events.
    shown_layers: ShownLayers,
}

/// What the file watcher saw this frame.
pub(super) struct FileChanges {
    /// Why the files could not be watched.
    pub(super) error: Option<String>,
    /// Files that changed and have been quiet since.
    pub(super) changed: Option<Vec<PathBuf>>,
    /// A change seen, not yet quiet.
    pub(super) pending: bool,
}

impl Loader {
    /// Where the data shown came from.
    pub(super) fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Records where the data shown came from.
    pub(super) fn set_sources(&mut self, sources: Sources) {
        self.sources = sources;
    }

    /// Notes the meshes the window shows: a load whose outlines are the
    /// same takes them.
    pub(super) fn show_layers(&self, layers: &Arc<MapLayers>) {
        *self
            .shown_layers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(layers));
    }

    /// The load under way.
    pub(super) fn job(&self) -> Option<&LoadJob> {
        self.job.as_ref()
    }

    /// Whether files are being loaded (or wait to be).
    pub(super) fn is_loading(&self) -> bool {
        self.job.is_some() || !self.queued.is_empty()
    }

    /// Loads the files named at start-up, keeping what loads.
    pub(super) fn start_up(&mut self, sources: Sources) {
        let cache = self.event_cache.clone();
        self.job = Some(LoadJob::start(
            sources,
            OnError::Skip,
            LoadReason::Startup,
            None,
            cache,
            Arc::clone(&self.shown_layers),
        ));
    }

    /// Keeps the event files loads read in `cache` (and takes them from
    /// there when unchanged).
    pub(super) fn set_event_cache(&mut self, cache: Option<EventCache>) {
        self.event_cache = cache;
    }

    /// Stops the load under way and drops the changes waiting.
    pub(super) fn cancel(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
        self.queued.clear();
    }

    /// Files opened lately, newest first.
    pub(super) fn recent(&self) -> &[PathBuf] {
        &self.recent
    }

    /// Replaces the files opened lately (from a saved session).
    pub(super) fn set_recent(&mut self, mut recent: Vec<PathBuf>) {
        recent.truncate(RECENT_FILES);
        self.recent = recent;
    }

    /// Event files waiting for the user to choose between adding and replacing.
    pub(super) fn pending_event_files(&self) -> &[PathBuf] {
        &self.pending_event_files
    }

    /// How many event files (not the sample) are loaded.
    pub(super) fn loaded_event_files(&self) -> usize {
        self.sources
            .events
            .iter()
            .filter(|s| matches!(s, EventSource::File(_)))
            .count()
    }

    /// Queues region files and sets event files aside for the user's
    /// answer; the files that could not be opened, with why.
    pub(super) fn open_paths(
        &mut self,
        paths: impl IntoIterator<Item = PathBuf>,
        ctx: Option<&egui::Context>,
    ) -> Vec<Diagnostic> {
        let mut failures = Vec::new();
        for path in paths {
            self.remember_recent(&path);
            match sniff_path(&path) {
                Ok((kind, layers)) if layers.len() > 1 => {
                    self.pending_layer = Some(LayerChoice {
                        path,
                        regions: kind == FileKind::Regions,
                        layers,
                    });
                }
                Ok((FileKind::Regions, _)) => self.request(SourceChange::AddRegions(path), ctx),
                Ok((FileKind::Events, _)) => {
                    if !self.pending_event_files.contains(&path) {
                        self.pending_event_files.push(path);
                    }
                }
                Err(error) => failures.push(error.into()),
            }
        }
        failures
    }

    /// Queues event files to add to the events shown, or to replace them.
    pub(super) fn open_event_files(
        &mut self,
        paths: Vec<PathBuf>,
        replace: bool,
        ctx: Option<&egui::Context>,
    ) {
        if paths.is_empty() {
            return;
        }
        for path in &paths {
            self.remember_recent(path);
        }
        self.request(
            if replace {
                SourceChange::ReplaceEvents(paths)
            } else {
                SourceChange::AddEvents(paths)
            },
            ctx,
        );
    }

    /// Loads the event file at `path` with the columns chosen for it.
    pub(super) fn open_with_columns(
        &mut self,
        path: PathBuf,
        mapping: ColumnMapping,
        ctx: Option<&egui::Context>,
    ) {
        self.remember_recent(&path);
        self.request(SourceChange::EventsWithColumns(path, mapping), ctx);
    }

    /// Opens the layer the user chose from the file waiting for that choice.
    pub(super) fn open_layer(&mut self, layer: Option<String>, ctx: Option<&egui::Context>) {
        let (Some(choice), Some(layer)) = (self.pending_layer.take(), layer) else {
            return;
        };
        if choice.regions {
            self.request(SourceChange::RegionLayer(choice.path, layer), ctx);
        } else {
            let mapping = ColumnMapping {
                layer: Some(layer),
                ..self.sources.mapping.clone()
            };
            self.open_with_columns(choice.path, mapping, ctx);
        }
    }

    /// Reads the region layer file at `path` again, naming its regions by `field`.
    pub(super) fn set_name_field(&mut self, path: PathBuf, field: String, ctx: Option<&egui::Context>) {
        self.request(SourceChange::NameField(path, field), ctx);
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_FILES);
    }

    pub(super) fn request(&mut self, change: SourceChange, ctx: Option<&egui::Context>) {
        if !self.queued.contains(&change) {
            self.queued.push(change);
        }
        self.start_queued(ctx);
    }

    /// Starts one load for every change waiting, unless one is under way.
    pub(super) fn start_queued(&mut self, ctx: Option<&egui::Context>) {
        if self.job.is_some() || self.queued.is_empty() {
            return;
        }
        let mut sources = self.sources.clone();
        let mut reason = LoadReason::Reload;
        for change in self.queued.drain(..) {
            match change {
                SourceChange::AddRegions(path) => {
                    sources.add_regions(path);
                    reason = LoadReason::Open;
                }
                SourceChange::AddEvents(paths) => {
                    for path in paths {
                        sources.add_events(path);
                    }
                    reason = LoadReason::Open;
                }
                SourceChange::ReplaceEvents(paths) => {
                    sources.replace_events(paths);
                    reason = LoadReason::Open;
                }
                SourceChange::NameField(path, field) => {
                    sources.name_fields.insert(path, field);
                    reason = LoadReason::Open;
                }
                SourceChange::RegionLayer(path, layer) => {
                    let mapping = ColumnMapping {
                        layer: Some(layer),
                        ..sources.mapping.clone()
                    };
                    sources.columns.insert(path.clone(), mapping);
                    sources.add_regions(path);
                    reason = LoadReason::Open;
                }
                SourceChange::EventsWithColumns(path, mapping) => {
                    sources.columns.insert(path.clone(), mapping);
                    if !sources.events.contains(&EventSource::File(path.clone())) {
                        sources.add_events(path);
                    }
                    reason = LoadReason::Open;
                }
                SourceChange::Reload => {}
            }
        }
        let cache = self.event_cache.clone();
        self.job = Some(LoadJob::start(
            sources,
            OnError::Abort,
            reason,
            ctx.cloned(),
            cache,
            Arc::clone(&self.shown_layers),
        ));
    }

    /// The finished load, if the one under way has ended.
    pub(super) fn finished(&mut self) -> Option<LoadOutcome> {
        let outcome = self.job.as_ref().and_then(LoadJob::poll)?;
        self.job = None;
        Some(outcome)
    }

    /// Watches the loaded files (the watcher is made on the first call) and
    /// says which changed.
    pub(super) fn watch(&mut self, ctx: &egui::Context) -> FileChanges {
        let watcher = self
            .watcher
            .get_or_insert_with(|| FileWatcher::new(Some(ctx.clone())));
        let files = self.sources.files();
        let mut error = None;
        if !watcher.files().eq(files.iter().map(PathBuf::as_path)) {
            watcher.watch(&files);
            error = watcher.error.take();
        }
        let changed = watcher.poll(Instant::now());
        let pending = changed.is_none() && watcher.is_pending();
        FileChanges {
            error,
            changed,
            pending,
        }
    }
}
