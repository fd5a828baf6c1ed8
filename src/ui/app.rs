//! The borderwatch app: panels around the map. It owns the filter and the
//! selection and feeds the map; the map and the panels return what the user
//! asked for.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Key, RichText, Ui};
use geo::Coord;

use super::background::{LoadJob, LoadOutcome, LoadReason, Ready, Task};
use super::files::{DialogPurpose, EventFilesAnswer, FileDialogs, ask_add_or_replace, file_name, png_of};
use super::watch::FileWatcher;

use super::filter_bar::{FilterBar, layer_toggles, search_id};
use super::format::{format_lonlat, group_thousands};
use super::intent::PanelIntent;
use super::legend::legend;
use super::session::{Session, Theme};
use super::side_panel::{Focus, SidePanel};
use super::timeline::Timeline;
use crate::data::{ContextLayer, Diagnostic, EventSet, Location, Problem, Region, RegionSet, Severity};
use crate::dataset::Dataset;
use crate::export::{ExportFormat, write_atomically, write_events};
use crate::load::{
    FileKind, LoadedRegions, OnError, Sources, load_context, load_regions, load_sources, sniff_path,
};
use crate::map::{
    EventLayer, LayerVisibility, MAX_ZOOM, MapClick, MapLayers, MapMemory, MapStyle, MapWidget,
};
use crate::query::{EventFilter, FilteredEvents, Histogram, Playback, PlaybackSettings};
use crate::spatial::Cluster;

/// What the command line asked the app to load.
#[derive(Debug, Clone, Default)]
pub struct StartupOptions {
    /// `--regions` files or folders; empty for the bundled layers.
    pub regions: Vec<PathBuf>,
    /// `--events` files; empty for the bundled sample.
    pub events: Vec<PathBuf>,
}

/// How many files File > Open recent lists.
const RECENT_FILES: usize = 10;

/// A change to what is loaded, waiting for the loader.
#[derive(Debug, Clone, PartialEq)]
enum SourceChange {
    AddRegions(PathBuf),
    AddEvents(Vec<PathBuf>),
    ReplaceEvents(Vec<PathBuf>),
    Reload,
}

/// The whole app's state.
pub struct BorderwatchApp {
    data: Arc<Dataset>,
    /// Where `data` came from.
    sources: Sources,
    /// A load under way, and changes waiting for it to end.
    job: Option<LoadJob>,
    queued: Vec<SourceChange>,
    /// Wakes the app when a loaded file changes (made on the first frame).
    watcher: Option<FileWatcher>,
    dialogs: FileDialogs,
    /// Event files waiting for the user to say: add or replace?
    pending_event_files: Vec<PathBuf>,
    /// Files opened lately, newest first.
    recent: Vec<PathBuf>,
    /// Exports under way.
    tasks: Vec<Task>,
    /// What last happened, for the status bar.
    notice: Option<String>,
    /// To wake the window from other threads (known from the first frame).
    ctx: Option<egui::Context>,
    layers: MapLayers,
    map: MapMemory,
    filter: EventFilter,
    filtered: FilteredEvents,
    /// Changes whenever `filtered` does, so caches built from it are rebuilt.
    generation: u64,
    focus: Focus,
    selected_event: Option<usize>,
    /// An event the list should scroll to on the next frame.
    reveal: Option<usize>,
    /// The events of the focus, for the generation they were made for.
    focus_items: Option<(u64, Focus, Vec<u32>)>,
    hovered: Option<usize>,
    cursor: Option<Coord<f64>>,
    messages: Vec<Diagnostic>,
    show_messages: bool,
    /// Where the legend was drawn last frame, so map labels avoid it.
    legend_rect: Option<egui::Rect>,
    /// Layers drawn.
    layers_shown: LayerVisibility,
    /// Regions coloured by their counts.
    choropleth: bool,
    /// The colour theme, applied on the next frame when `theme_pending`.
    theme: Theme,
    theme_pending: bool,
    /// How playback moves, and where it is when it runs.
    playback_settings: PlaybackSettings,
    playback: Option<Playback>,
    /// The events passing every filter but the dates (what the timeline
    /// shows), for the filter they were made for.
    undated: Option<(EventFilter, FilteredEvents, Histogram)>,
    /// Whether a text field had the keyboard at the end of the last frame
    /// (egui drops the focus on Esc before the app sees the key).
    typing: bool,
}

impl BorderwatchApp {
    /// Loads what `options` name, before returning: the bundled regions and
    /// sample events when none are given, and for region layers when none
    /// loads. Files that cannot be read are left out, with their errors
    /// among the messages.
    pub fn new(options: &StartupOptions) -> Self {
        let sources = Sources::new(&options.regions, &options.events);
        let (mut app, messages) = match load_sources(&sources, OnError::Skip, None) {
            Ok(loaded) => {
                let mut app = Self::with_dataset(loaded.dataset);
                app.sources = loaded.sources;
                (app, loaded.messages)
            }
            Err(aborted) => {
                let LoadedRegions {
                    regions,
                    messages: mut more,
                    ..
                } = load_regions(&[]);
                let context = load_context(&mut more);
                let mut app = Self::with_data(regions, context);
                app.sources.events.clear();
                (app, aborted.messages.into_iter().chain(more).collect())
            }
        };
        for message in &messages {
            log::warn!("{message}");
        }
        app.show_messages = messages.iter().any(|m| m.severity == Severity::Error);
        app.messages = messages;
        app
    }

    /// Like [`Self::new`], but files are read on a thread of their own while
    /// the window shows the bundled regions with a progress bar; the data
    /// appears at once when it is loaded. With no files named it loads the
    /// bundled data at once.
    pub fn loading(options: &StartupOptions) -> Self {
        let sources = Sources::new(&options.regions, &options.events);
        if sources == Sources::default() {
            return Self::new(options);
        }
        let LoadedRegions {
            regions,
            mut messages,
            ..
        } = load_regions(&[]);
        let context = load_context(&mut messages);
        let mut app = Self::with_data(regions, context);
        app.sources.events.clear();
        app.messages = messages;
        app.job = Some(LoadJob::start(sources, OnError::Skip, LoadReason::Startup, None));
        app
    }

    /// An app showing these regions and context, with no events.
    pub fn with_data(regions: RegionSet, context: ContextLayer) -> Self {
        Self::with_dataset(Dataset::new(regions, context, EventSet::default()))
    }

    /// An app showing exactly this data.
    pub fn with_dataset(data: Dataset) -> Self {
        let layers = MapLayers::new(&data.regions, &data.context);
        let filter = EventFilter::default();
        let filtered = data.apply(&filter);
        Self {
            data: Arc::new(data),
            sources: Sources::default(),
            job: None,
            queued: Vec::new(),
            watcher: None,
            dialogs: FileDialogs::default(),
            pending_event_files: Vec::new(),
            recent: Vec::new(),
            tasks: Vec::new(),
            notice: None,
            ctx: None,
            layers,
            map: MapMemory::default(),
            filter,
            filtered,
            generation: 1,
            focus: Focus::Nothing,
            selected_event: None,
            reveal: None,
            focus_items: None,
            hovered: None,
            cursor: None,
            messages: Vec::new(),
            show_messages: false,
            legend_rect: None,
            layers_shown: LayerVisibility::default(),
            choropleth: false,
            theme: Theme::default(),
            theme_pending: false,
            playback_settings: PlaybackSettings::default(),
            playback: None,
            undated: None,
            typing: false,
        }
    }

    /// Restores the saved session (view, filter, layers, choropleth, theme,
    /// playback); a session that cannot be read is ignored with a warning.
    pub fn restore(&mut self, storage: &dyn eframe::Storage) {
        match Session::load(storage) {
            Ok(Some(session)) => self.apply_session(session),
            Ok(None) => {}
            Err(warning) => {
                log::warn!("{warning}");
                self.messages.push(warning);
            }
        }
    }

    /// The state worth keeping across restarts.
    pub fn session(&self) -> Session {
        Session {
            view: self.map.view(),
            filter: self.filter.clone(),
            layers: self.layers_shown.clone(),
            choropleth: self.choropleth,
            theme: self.theme,
            playback: self.playback_settings,
            recent: self.recent.clone(),
        }
    }

    /// Puts a session in place: everything it holds, at once.
    pub fn apply_session(&mut self, session: Session) {
        match session.view {
            Some(view) => self.map.set_view(view),
            None => self.map.request_fit(),
        }
        self.set_filter(session.filter);
        self.layers_shown = session.layers;
        self.choropleth = session.choropleth;
        self.theme = session.theme;
        self.theme_pending = true;
        self.playback_settings = session.playback;
        self.playback = None;
        self.recent = session.recent;
        self.recent.truncate(RECENT_FILES);
    }

    /// Back to the defaults: the regions fitted, no filter, every layer,
    /// no choropleth, the system's theme, default playback.
    pub fn reset(&mut self) {
        let recent = std::mem::take(&mut self.recent);
        self.apply_session(Session {
            recent,
            ..Session::default()
        });
        self.clear_selection();
    }

    /// Layers drawn.
    pub fn layers_shown(&self) -> &LayerVisibility {
        &self.layers_shown
    }

    /// Whether regions are coloured by their counts.
    pub fn choropleth(&self) -> bool {
        self.choropleth
    }

    /// Whether playback is running.
    pub fn is_playing(&self) -> bool {
        self.playback.is_some()
    }

    /// The playback choices.
    pub fn playback_settings(&self) -> &PlaybackSettings {
        &self.playback_settings
    }

    /// The first and last day of all events.
    fn extent(&self) -> Option<(i32, i32)> {
        self.data.columns.day_range()
    }

    /// Starts or stops playback.
    pub fn toggle_play(&mut self) {
        if self.playback.take().is_some() {
            return;
        }
        if let Some(extent) = self.extent() {
            let current = self.filter.from_day.zip(self.filter.to_day);
            let playback = Playback::start(&self.playback_settings, extent, current);
            self.set_dates(Some(playback.range(&self.playback_settings, extent)));
            self.playback = Some(playback);
        }
    }

    /// Moves playback on by `seconds`; the date range follows.
    pub fn step_playback(&mut self, seconds: f64) {
        let (Some(mut playback), Some(extent)) = (self.playback, self.extent()) else {
            return;
        };
        let running = playback.advance(&self.playback_settings, extent, seconds);
        self.playback = running.then_some(playback);
        self.set_dates(Some(playback.range(&self.playback_settings, extent)));
    }

    /// Shows only these days (inclusive), or all dates.
    pub fn set_dates(&mut self, range: Option<(i32, i32)>) {
        let (from_day, to_day) = match range {
            Some((from, to)) => (Some(from.min(to)), Some(from.max(to))),
            None => (None, None),
        };
        self.set_filter(EventFilter {
            from_day,
            to_day,
            ..self.filter.clone()
        });
    }

    /// The histogram of the events passing every filter but the dates.
    pub fn histogram(&mut self) -> Option<&Histogram> {
        let extent = self.extent()?;
        let key = self.filter.without_dates();
        if self.undated.as_ref().is_none_or(|(k, _, _)| *k != key) {
            let undated = self.data.apply(&key);
            let histogram = Histogram::new(&self.data.columns, &undated.indices, extent);
            self.undated = Some((key, undated, histogram));
        }
        self.undated.as_ref().map(|(_, _, h)| h)
    }

    /// The loaded data.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// The loaded regions.
    pub fn regions(&self) -> &RegionSet {
        &self.data.regions
    }

    /// The events the filter shows.
    pub fn filtered(&self) -> &FilteredEvents {
        &self.filtered
    }

    /// The current filter.
    pub fn filter(&self) -> &EventFilter {
        &self.filter
    }

    /// What the side panel is about.
    pub fn focus(&self) -> &Focus {
        &self.focus
    }

    /// The selected region.
    pub fn selected_region(&self) -> Option<&Region> {
        self.selected_region_index()
            .and_then(|i| self.data.regions.get(i))
    }

    fn selected_region_index(&self) -> Option<usize> {
        match self.focus {
            Focus::Region(index) => Some(index),
            _ => None,
        }
    }

    /// The selected event, by index in the event set.
    pub fn selected_event(&self) -> Option<usize> {
        self.selected_event
    }

    /// The map's state: view and last viewport (where things are on screen).
    pub fn map_memory(&self) -> &MapMemory {
        &self.map
    }

    /// Warnings and errors from loading.
    pub fn messages(&self) -> &[Diagnostic] {
        &self.messages
    }

    /// Changes the filter; the map, lists and counts follow.
    pub fn set_filter(&mut self, filter: EventFilter) {
        if filter == self.filter {
            return;
        }
        self.filter = filter;
        self.refilter();
    }

    fn refilter(&mut self) {
        self.filtered = self.data.apply(&self.filter);
        self.generation += 1;
        if let Some(event) = self.selected_event
            && !self.filtered.is_shown(event)
        {
            self.set_selection(self.focus.clone(), None);
        }
    }

    /// Selects a region (or none), logging the change once as
    /// `selected region: <id>` / `selected region: none`.
    pub fn select_region(&mut self, index: Option<usize>) {
        let index = index.filter(|&i| i < self.data.regions.regions().len());
        let focus = index.map_or(Focus::Nothing, Focus::Region);
        let keep_event = self
            .selected_event
            .filter(|&e| index.is_some() && self.data.columns.region(e) == index.map(|i| i as u32));
        self.set_selection(focus, keep_event);
    }

    /// Selects an event: its details show, the map centres on it, its group
    /// (region or outside) is listed. Logs `selected event: <id>`.
    pub fn select_event(&mut self, index: usize) {
        let Some(event) = self.data.events.get(index) else {
            return;
        };
        let position = event.position;
        let in_spot = matches!(&self.focus, Focus::Spot(members) if members.contains(&(index as u32)));
        let focus = if in_spot {
            self.focus.clone()
        } else {
            match self.data.columns.region(index) {
                Some(region) => Focus::Region(region as usize),
                None => Focus::Outside,
            }
        };
        self.set_selection(focus, Some(index));
        self.map.center_on(position);
        self.reveal = Some(index);
    }

    /// Sets what is selected, logging each change of region and of event once.
    fn set_selection(&mut self, focus: Focus, event: Option<usize>) {
        let region_before = self.selected_region_index();
        let event_before = self.selected_event;
        self.focus = focus;
        self.selected_event = event;
        let region_after = self.selected_region_index();
        if region_after != region_before {
            match self.selected_region() {
                Some(region) => log::info!("selected region: {}", region.id),
                None => log::info!("selected region: none"),
            }
        }
        if event != event_before {
            match event.and_then(|i| self.data.events.get(i)) {
                Some(event) => log::info!("selected event: {}", event.id()),
                None => log::info!("selected event: none"),
            }
        }
    }

    fn clear_selection(&mut self) {
        self.set_selection(Focus::Nothing, None);
    }

    /// The events of the focus that the filter shows, newest first.
    pub fn focus_items(&mut self) -> &[u32] {
        let fresh = matches!(&self.focus_items, Some((generation, focus, _)) if *generation == self.generation && *focus == self.focus);
        if !fresh {
            let items: Vec<u32> = match &self.focus {
                Focus::Nothing => Vec::new(),
                Focus::Region(index) => self
                    .filtered
                    .in_region(&self.data.columns, Some(*index as u32))
                    .map(|i| i as u32)
                    .collect(),
                Focus::Outside => self
                    .filtered
                    .in_region(&self.data.columns, None)
                    .map(|i| i as u32)
                    .collect(),
                Focus::Spot(members) => members
                    .iter()
                    .copied()
                    .filter(|&i| self.filtered.is_shown(i as usize))
                    .collect(),
            };
            self.focus_items = Some((self.generation, self.focus.clone(), items));
        }
        self.focus_items.as_ref().map_or(&[], |(_, _, items)| items)
    }

    /// Where the data shown came from.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Whether files are being loaded (or wait to be).
    pub fn is_loading(&self) -> bool {
        self.job.is_some() || !self.queued.is_empty()
    }

    /// Stops the load under way; the data shown stays.
    pub fn cancel_loading(&mut self) {
        if let Some(job) = &self.job {
            job.cancel();
        }
        self.queued.clear();
    }

    /// What last happened (loaded, exported, failed), as the status bar says it.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Files opened lately, newest first.
    pub fn recent_files(&self) -> &[PathBuf] {
        &self.recent
    }

    /// Event files waiting for the user to choose between adding and replacing.
    pub fn pending_event_files(&self) -> &[PathBuf] {
        &self.pending_event_files
    }

    /// Opens files as File > Open and a drop do: a polygon GeoJSON becomes a
    /// new region layer at once; event files wait for the user to choose
    /// whether they add to or replace the events shown.
    pub fn open_paths(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        for path in paths {
            self.remember_recent(&path);
            match sniff_path(&path) {
                Ok(FileKind::Regions) => self.request(SourceChange::AddRegions(path)),
                Ok(FileKind::Events) => {
                    if !self.pending_event_files.contains(&path) {
                        self.pending_event_files.push(path);
                    }
                }
                Err(error) => self.report_failure(vec![error.into()], "could not open the file"),
            }
        }
    }

    /// Loads event files alongside the events shown, or instead of them.
    pub fn open_event_files(&mut self, paths: Vec<PathBuf>, replace: bool) {
        if paths.is_empty() {
            return;
        }
        for path in &paths {
            self.remember_recent(path);
        }
        self.request(if replace {
            SourceChange::ReplaceEvents(paths)
        } else {
            SourceChange::AddEvents(paths)
        });
    }

    /// Loads every source again (as when a file changes on disk).
    pub fn reload(&mut self) {
        self.request(SourceChange::Reload);
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_FILES);
    }

    fn request(&mut self, change: SourceChange) {
        if !self.queued.contains(&change) {
            self.queued.push(change);
        }
        self.start_queued();
    }

    /// Starts one load for every change waiting, unless one is under way.
    fn start_queued(&mut self) {
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
                SourceChange::Reload => {}
            }
        }
        self.job = Some(LoadJob::start(sources, OnError::Abort, reason, self.ctx.clone()));
    }

    /// Takes in what the background work finished, and notices changed files.
    fn poll_background(&mut self, ctx: &egui::Context) {
        if let Some(outcome) = self.job.as_ref().and_then(LoadJob::poll) {
            self.job = None;
            self.finish_load(outcome);
            self.start_queued();
        }
        if self.job.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
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
        let watcher = self
            .watcher
            .get_or_insert_with(|| FileWatcher::new(Some(ctx.clone())));
        let files = self.sources.files();
        if !watcher.files().eq(files.iter().map(PathBuf::as_path)) {
            watcher.watch(&files);
            if let Some(error) = watcher.error.take() {
                self.messages
                    .push(Diagnostic::warning(Location::file("borderwatch"), error));
            }
        }
        if let Some(changed) = watcher.poll(Instant::now()) {
            let names: Vec<String> = changed.iter().map(|p| file_name(p)).collect();
            log::info!("changed on disk: {}; reloading", names.join(", "));
            self.notice = Some(format!("{} changed on disk; reloading", names.join(", ")));
            self.request(SourceChange::Reload);
        } else if watcher.is_pending() {
            ctx.request_repaint_after(super::watch::QUIET);
        }
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
                for message in &messages {
                    log::warn!("{message}");
                }
                if messages.iter().any(|m| m.severity == Severity::Error) {
                    self.show_messages = true;
                }
                self.messages.extend(messages);
                self.replace_data(data, layers);
                self.sources = sources;
                if new_layers {
                    self.map.request_fit();
                }
                let layers = self.data.regions.layers().len();
                let text = format!(
                    "{} {} events and {layers} region layer{} in {:.1} s",
                    if outcome.reason == LoadReason::Reload {
                        "reloaded"
                    } else {
                        "loaded"
                    },
                    group_thousands(self.data.events.len() as u64),
                    if layers == 1 { "" } else { "s" },
                    outcome.seconds
                );
                log::info!("{text}");
                self.notice = Some(text);
            }
            Err(messages) => {
                let cancelled = messages
                    .iter()
                    .any(|m| m.message == Problem::Cancelled.to_string());
                if cancelled {
                    self.notice = Some("loading cancelled; the data shown is unchanged".into());
                    log::info!("loading cancelled");
                } else {
                    self.report_failure(messages, "could not load; the data shown is unchanged");
                }
            }
        }
    }

    /// Errors go to the messages panel, which opens; the status bar says what failed.
    fn report_failure(&mut self, messages: Vec<Diagnostic>, what: &str) {
        let first = messages
            .iter()
            .find(|m| m.severity == Severity::Error)
            .map(ToString::to_string);
        for message in &messages {
            log::warn!("{message}");
        }
        self.messages.extend(messages);
        self.show_messages = true;
        self.notice = Some(match first {
            Some(first) => format!("{what}: {first}"),
            None => what.to_string(),
        });
    }

    /// Shows new data, keeping the filter, the view, and the selected region
    /// and event where they still exist.
    fn replace_data(&mut self, data: Arc<Dataset>, layers: MapLayers) {
        let region_id = self.selected_region().map(|r| r.id.clone());
        let event_id = self
            .selected_event
            .and_then(|i| self.data.events.get(i))
            .map(|e| e.id().to_string());
        self.data = data;
        self.layers = layers;
        self.undated = None;
        self.focus_items = None;
        self.hovered = None;
        self.reveal = None;
        self.filtered = self.data.apply(&self.filter);
        self.generation += 1;
        let focus = match &self.focus {
            Focus::Region(_) => region_id
                .as_ref()
                .and_then(|id| self.data.regions.index_of(id.as_str()))
                .map_or(Focus::Nothing, Focus::Region),
            Focus::Spot(_) => Focus::Nothing,
            other => other.clone(),
        };
        let event = event_id
            .as_ref()
            .and_then(|id| self.data.events.index_of(id))
            .filter(|&i| self.filtered.is_shown(i));
        // The same region and event under new indexes are no change; one
        // that is gone is logged as a change.
        self.focus = focus;
        self.selected_event = event;
        if region_id.is_some() && self.selected_region().is_none() {
            log::info!("selected region: none");
        }
        if event_id.is_some() && event.is_none() {
            log::info!("selected event: none");
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
            let written = write_atomically(&path, |mut out| {
                write_events(
                    &data.events,
                    indices.iter().map(|&i| i as usize),
                    format,
                    &mut out,
                )
            })
            .map_err(failed)?;
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
                .and_then(|bytes| std::fs::write(&path, bytes).map_err(|e| e.to_string()))
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

    /// Files dropped on the window open as File > Open would.
    fn dropped_files(&mut self, ui: &mut Ui) {
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.open_paths(dropped);
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

    /// The open dialog, the add-or-replace question.
    fn dialogs(&mut self, ctx: &egui::Context) {
        if let Some((purpose, path)) = self.dialogs.show(ctx) {
            match purpose {
                DialogPurpose::Open => self.open_paths([path]),
                DialogPurpose::ExportEvents(format) => self.export_events(format, path),
                DialogPurpose::ExportMap => self.export_map(path, ctx),
            }
        }
        if !self.pending_event_files.is_empty() {
            let loaded = self
                .sources
                .events
                .iter()
                .filter(|s| matches!(s, crate::load::EventSource::File(_)))
                .count();
            match ask_add_or_replace(ctx, &self.pending_event_files, loaded) {
                Some(EventFilesAnswer::Add) => {
                    let paths = std::mem::take(&mut self.pending_event_files);
                    self.open_event_files(paths, false);
                }
                Some(EventFilesAnswer::Replace) => {
                    let paths = std::mem::take(&mut self.pending_event_files);
                    self.open_event_files(paths, true);
                }
                Some(EventFilesAnswer::Cancel) => self.pending_event_files.clear(),
                None => {}
            }
        }
    }

    /// The progress of a load, with its Cancel button.
    fn load_progress(&mut self, ui: &mut Ui) {
        let Some(job) = &self.job else { return };
        let progress = job.progress();
        let (bytes, total, records) = (progress.bytes(), progress.total_bytes(), progress.records());
        let megabytes = |b: u64| b as f64 / 1_048_576.0;
        let text = if total > 0 && bytes >= total {
            format!("{} records read; building indexes…", group_thousands(records))
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
            job.cancel();
            self.queued.clear();
        }
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(320.0)
                .text(text)
                .animate(total == 0 || bytes >= total),
        );
    }

    /// Draws the whole app for one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        if self.ctx.is_none() {
            self.ctx = Some(ui.ctx().clone());
        }
        self.poll_background(&ui.ctx().clone());
        self.dropped_files(ui);
        if self.theme_pending {
            ui.ctx().set_theme(self.theme.preference());
            self.theme_pending = false;
        }
        self.keyboard(ui);
        if self.playback.is_some() {
            let seconds = f64::from(ui.input(|i| i.stable_dt)).clamp(0.0, 0.1);
            self.step_playback(seconds);
            ui.ctx().request_repaint();
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::right("details")
            .default_size(340.0)
            .size_range(260.0..=640.0)
            .show(ui, |ui| {
                let items = self.focus_items().to_vec();
                let intent = SidePanel {
                    data: &self.data,
                    filtered: &self.filtered,
                    focus: &self.focus,
                    items: &items,
                    selected_event: self.selected_event,
                    reveal: self.reveal.take(),
                }
                .show(ui);
                if let Some(intent) = intent {
                    self.apply(intent);
                }
            });
        egui::CentralPanel::no_frame().show(ui, |ui| {
            egui::Panel::top("filter-bar").show(ui, |ui| {
                let intent = FilterBar {
                    data: &self.data,
                    filter: &self.filter,
                    filtered: &self.filtered,
                    layers: &self.layers_shown,
                    choropleth: self.choropleth,
                }
                .show(ui);
                if let Some(intent) = intent {
                    self.apply(intent);
                }
            });
            if !self.data.events.is_empty() {
                egui::Panel::bottom("timeline").show(ui, |ui| self.timeline(ui));
            }
            egui::CentralPanel::no_frame().show(ui, |ui| self.map_area(ui));
        });
        self.messages_window(ui);
        self.dialogs(&ui.ctx().clone());
        self.typing = ui.ctx().egui_wants_keyboard_input();
    }

    /// `/` focuses the search, Space plays or pauses, Esc clears the
    /// selection (keys a text field is typing are left alone).
    fn keyboard(&mut self, ui: &mut Ui) {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::O)) {
            self.dialogs.open(DialogPurpose::Open);
        }
        if ui.ctx().egui_wants_keyboard_input()
            || self.dialogs.is_open()
            || !self.pending_event_files.is_empty()
        {
            return;
        }
        let escape_leaves_field = self.typing;
        self.typing = false;
        let (slash, space, escape) = ui.input_mut(|i| {
            let slash = i.consume_key(egui::Modifiers::NONE, Key::Slash);
            if slash {
                // The same press also arrives as text: keep it out of the field.
                i.events
                    .retain(|e| !matches!(e, egui::Event::Text(t) if t == "/"));
            }
            (
                slash,
                i.consume_key(egui::Modifiers::NONE, Key::Space),
                i.key_pressed(Key::Escape),
            )
        });
        if slash {
            ui.memory_mut(|m| m.request_focus(search_id()));
        }
        if space {
            self.toggle_play();
        }
        // Esc that only leaves a text field keeps the selection.
        if escape && !escape_leaves_field {
            self.clear_selection();
        }
    }

    fn timeline(&mut self, ui: &mut Ui) {
        let range = self.filter.from_day.zip(self.filter.to_day);
        let playing = self.is_playing();
        let settings = self.playback_settings;
        let Some(histogram) = self.histogram() else {
            return;
        };
        let intent = Timeline {
            histogram,
            range,
            playing,
            settings: &settings,
        }
        .show(ui);
        if let Some(intent) = intent {
            self.apply(intent);
        }
    }

    /// Carries out what a panel asked for.
    fn apply(&mut self, intent: PanelIntent) {
        match intent {
            PanelIntent::FocusRegion(index) => self.select_region(Some(index)),
            PanelIntent::FocusOutside => self.set_selection(Focus::Outside, None),
            PanelIntent::ClearSelection => self.clear_selection(),
            PanelIntent::ZoomTo(index) => {
                if let Some(region) = self.data.regions.get(index) {
                    self.map.request_fit_to(&region.bounds);
                }
            }
            PanelIntent::SelectEvent(index) => self.select_event(index),
            PanelIntent::CentreOn(index) => {
                if let Some(event) = self.data.events.get(index) {
                    self.map.center_on(event.position);
                }
            }
            PanelIntent::CloseEvent => self.set_selection(self.focus.clone(), None),
            PanelIntent::ToggleCategory(name) => {
                let mut filter = self.filter.clone();
                filter.toggle_category(&name, self.data.events.categories());
                self.set_filter(filter);
            }
            PanelIntent::SetFilter(filter) => self.set_filter(filter),
            PanelIntent::SetDates(range) => {
                // A range chosen by hand stops playback.
                self.playback = None;
                self.set_dates(range);
            }
            PanelIntent::SetChoropleth(on) => self.choropleth = on,
            PanelIntent::SetLayers(layers) => self.layers_shown = layers,
            PanelIntent::TogglePlay => self.toggle_play(),
            PanelIntent::SetPlayback(settings) => self.playback_settings = settings,
        }
    }

    fn map_area(&mut self, ui: &mut Ui) {
        let style = MapStyle::for_dark_mode(ui.visuals().dark_mode);
        let layer = EventLayer {
            events: &self.data.events,
            index: &self.data.index,
            shown: &self.filtered.shown,
            generation: self.generation,
            selected: self.selected_event,
            spot: match &self.focus {
                Focus::Spot(members) => members
                    .first()
                    .and_then(|&e| self.data.index.position(e as usize)),
                _ => None,
            },
        };
        let mut map = MapWidget::new(&self.data.regions, &self.data.context, &self.layers, &style)
            .selected(self.selected_region_index())
            .obstacles(self.legend_rect)
            .events(layer)
            .visibility(&self.layers_shown);
        if self.choropleth {
            map = map.choropleth(&self.filtered.region_counts);
        }
        let map = map.show(ui, &mut self.map);
        self.hovered = map.hovered_region;
        self.cursor = map.cursor;
        match map.clicked {
            Some(MapClick::Events(cluster)) => self.clicked_cluster(&cluster),
            Some(MapClick::Region(index)) => self.select_region(Some(index)),
            Some(MapClick::Nothing) => self.clear_selection(),
            None => {}
        }
        let (rect, intent) = legend(
            ui,
            map.viewport.rect,
            &self.data,
            &self.filtered,
            &self.filter,
            self.selected_region_index(),
            self.choropleth,
        );
        self.legend_rect = Some(rect);
        if let Some(intent) = intent {
            self.apply(intent);
        }
    }

    /// One event: select it. Several at one spot (or at the deepest zoom):
    /// list them. Otherwise zoom in until they separate.
    fn clicked_cluster(&mut self, cluster: &Cluster) {
        if cluster.count == 1 {
            self.select_event(cluster.first as usize);
            return;
        }
        let deepest = self.map.view().is_some_and(|v| v.zoom >= MAX_ZOOM - 0.01);
        if cluster.is_one_spot() || deepest {
            let members = self.data.index.members(cluster, &self.filtered.shown);
            self.set_selection(Focus::Spot(members), None);
        } else {
            self.map.request_fit_world(cluster.bounds);
        }
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .button("Open…  (Ctrl+O)")
                    .on_hover_text("A polygon GeoJSON becomes a region layer; JSON, GeoJSON points, CSV and ACLED files add events")
                    .clicked()
                {
                    self.dialogs.open(DialogPurpose::Open);
                }
                ui.add_enabled_ui(!self.recent.is_empty(), |ui| {
                    ui.menu_button("Open recent", |ui| {
                        let mut chosen = None;
                        for path in &self.recent {
                            if ui
                                .button(file_name(path))
                                .on_hover_text(path.display().to_string())
                                .clicked()
                            {
                                chosen = Some(path.clone());
                            }
                        }
                        if let Some(path) = chosen {
                            self.open_paths([path]);
                        }
                    });
                });
                if ui
                    .add_enabled(!self.sources.files().is_empty(), egui::Button::new("Reload files"))
                    .on_hover_text("Read every loaded file again (done by itself when one changes)")
                    .clicked()
                {
                    self.reload();
                }
                ui.separator();
                ui.menu_button("Export", |ui| {
                    let count = self.filtered.indices.len();
                    if ui
                        .button(format!("Filtered events as GeoJSON…  ({count})"))
                        .clicked()
                    {
                        self.dialogs.open(DialogPurpose::ExportEvents(ExportFormat::GeoJson));
                    }
                    if ui.button(format!("Filtered events as CSV…  ({count})")).clicked() {
                        self.dialogs.open(DialogPurpose::ExportEvents(ExportFormat::Csv));
                    }
                    if ui.button("Map as PNG…").clicked() {
                        self.dialogs.open(DialogPurpose::ExportMap);
                    }
                });
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Zoom in  (+)").clicked() {
                    self.map.request_zoom(1.0);
                }
                if ui.button("Zoom out  (-)").clicked() {
                    self.map.request_zoom(-1.0);
                }
                if ui.button("Fit regions  (Home)").clicked() {
                    self.map.request_fit();
                }
                ui.separator();
                ui.menu_button("Layers", |ui| {
                    let mut intent = None;
                    layer_toggles(ui, &self.data, &self.layers_shown, &mut intent);
                    if let Some(intent) = intent {
                        self.apply(intent);
                    }
                });
                ui.checkbox(&mut self.choropleth, "Choropleth (regions by event count)");
                ui.menu_button("Theme", |ui| {
                    for (theme, name) in [
                        (Theme::System, "System"),
                        (Theme::Light, "Light"),
                        (Theme::Dark, "Dark"),
                    ] {
                        if ui.radio(self.theme == theme, name).clicked() {
                            self.theme = theme;
                            self.theme_pending = true;
                        }
                    }
                });
                ui.separator();
                if ui.button("Messages").clicked() {
                    self.show_messages = true;
                }
                if ui
                    .button("Reset view, filters and layers")
                    .on_hover_text("Back to the defaults: all events, every layer, the regions fitted")
                    .clicked()
                {
                    self.reset();
                }
            });
            ui.menu_button("Help", |ui| {
                ui.label(RichText::new("Mouse").strong());
                ui.label("Drag to pan · wheel or pinch to zoom · double-click to zoom in");
                ui.label("Click a region to list its events · click a marker for its details");
                ui.label("Click a numbered bubble to zoom into it · click sea or context to clear");
                ui.label("Drag on the timeline to choose dates · click a legend entry to hide a category");
                ui.label(RichText::new("Keys").strong());
                ui.label("+ / - zoom · arrows pan · Home fits the regions · Esc clears the selection");
                ui.label("/ search · Space play or pause the timeline · Ctrl+O open a file");
                ui.label(RichText::new("Files").strong());
                ui.label("Drop GeoJSON, JSON, CSV or ACLED files on the window to open them");
                ui.label("Loaded files are reloaded when they change on disk");
            });
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            match self.cursor {
                Some(lonlat) => ui.monospace(format_lonlat(lonlat)),
                None => ui.weak("Move the pointer over the map for coordinates"),
            };
            if let Some(region) = self.hovered.and_then(|i| self.data.regions.get(i)) {
                ui.separator();
                ui.label(&region.name);
            }
            if !self.filter.is_empty() {
                ui.separator();
                ui.weak(format!("filter: {}", self.filter.describe()));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                self.load_progress(ui);
                if self.job.is_none()
                    && let Some(notice) = &self.notice
                {
                    ui.weak(notice);
                }
                for task in &self.tasks {
                    ui.spinner();
                    ui.weak(&task.label);
                }
                if let Some(view) = self.map.view() {
                    ui.weak(format!("zoom {:.1}", view.zoom));
                }
                let count = self.messages.len();
                if count > 0 {
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
                        self.show_messages = !self.show_messages;
                    }
                }
            });
        });
    }

    fn messages_window(&mut self, ui: &mut Ui) {
        let mut open = self.show_messages;
        let screen = ui.ctx().content_rect();
        egui::Window::new("Messages")
            .open(&mut open)
            .default_width(640.0)
            .default_pos(screen.center_bottom() + egui::vec2(-320.0, -440.0))
            .show(ui.ctx(), |ui| {
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
                    self.messages.clear();
                }
            });
        self.show_messages = open;
    }
}

impl eframe::App for BorderwatchApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.session().save(storage);
    }
}
