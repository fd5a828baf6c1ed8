//! The borderwatch app: panels around the map. It owns the filter and the
//! selection and feeds the map; the map, the panels and the menus return
//! what the user asked for, and [`BorderwatchApp::apply`] carries it out.
//! Its other jobs have rooms of their own: `loading`, `selection`,
//! `exporting`, `playback`, `map_area`, `menus`, `status_bar`,
//! `messages_window`.

use std::sync::Arc;

use egui::{Key, Ui};
use geo::Coord;

use super::about_window::AboutWindow;
use super::background::Task;
use super::basemap::Basemap;
use super::buildup_chart::BuildUpCache;
use super::columns_dialog::ColumnsDialog;
use super::files::{DialogPurpose, FileDialogs, ask_add_or_replace};
use super::filter_bar::{FilterBar, search_id};
use super::focus::Focus;
use super::intent::PanelIntent;
use super::layer_choice::ask_layer;
use super::loader::Loader;
use super::menus::MenuBar;
use super::messages_window::MessagesWindow;
use super::pictures::PlaybackExport;
use super::place_search::PlaceSearch;
use super::searching::BackgroundSearch;
use super::selection::Selection;
use super::session::Theme;
use super::side_panel::SidePanel;
use super::startup_options::StartupOptions;
use super::status_bar::StatusBar;
use crate::data::places::Gazetteer;
use crate::data::{ContextLayer, Diagnostic, EventSet, Region, RegionSet, Severity};
use crate::dataset::Dataset;
use crate::load::{LoadedRegions, OnError, Sources, load_regions, load_sources};
use crate::map::{LayerVisibility, MapLayers, MapMemory};
use crate::query::{EventFilter, FilteredEvents, Histogram, Playback, PlaybackSettings};
use crate::render::PlaybackOutput;
use crate::spatial::hexbin::DensityCache;

/// The whole app's state.
pub struct BorderwatchApp {
    pub(super) data: Arc<Dataset>,
    /// Frames drawn since `data` came: its indexes are built after the first.
    pub(super) frames_with_data: u32,
    /// What is loaded from where, and what is being loaded.
    pub(super) loader: Loader,
    pub(super) dialogs: FileDialogs,
    /// Exports under way.
    pub(super) tasks: Vec<Task>,
    /// What last happened, for the status bar.
    pub(super) notice: Option<String>,
    /// To wake the window from other threads (known from the first frame).
    pub(super) ctx: Option<egui::Context>,
    pub(super) layers: Arc<MapLayers>,
    pub(super) map: MapMemory,
    /// The filter applied: what `filtered` holds.
    pub(super) filter: EventFilter,
    pub(super) filtered: Arc<FilteredEvents>,
    /// The search a filter asked for waits on, on its own thread.
    pub(super) search: BackgroundSearch,
    /// Changes whenever `filtered` does, so caches built from it are rebuilt.
    pub(super) generation: u64,
    pub(super) selection: Selection,
    pub(super) hovered: Option<usize>,
    pub(super) cursor: Option<Coord<f64>>,
    pub(super) messages: Vec<Diagnostic>,
    pub(super) show_messages: bool,
    /// Whether the About box is open.
    show_about: bool,
    /// The Columns dialog, while open.
    pub(super) columns: Option<ColumnsDialog>,
    /// Where the legend was drawn last frame, so map labels avoid it.
    pub(super) legend_rect: Option<egui::Rect>,
    /// The density layer's bins, counted when first drawn.
    pub(super) density: DensityCache,
    /// The build-up chart's weeks.
    pub(super) buildup: BuildUpCache,
    /// The Export playback window's choices, while it is open.
    pub(super) playback_export: Option<PlaybackExport>,
    /// Layers drawn.
    pub(super) layers_shown: LayerVisibility,
    /// Regions coloured by their counts.
    pub(super) choropleth: bool,
    /// The colour theme, applied on the next frame when `theme_pending`.
    pub(super) theme: Theme,
    pub(super) theme_pending: bool,
    /// How playback moves, and where it is when it runs.
    pub(super) playback_settings: PlaybackSettings,
    pub(super) playback: Option<Playback>,
    /// The events passing every filter but the dates (what the timeline
    /// shows), for the filter they were made for.
    pub(super) undated: Option<(EventFilter, Arc<FilteredEvents>, Histogram)>,
    /// Whether a text field had the keyboard at the end of the last frame
    /// (egui drops the focus on Esc before the app sees the key).
    typing: bool,
    /// The places matching the search text.
    pub(super) place_search: PlaceSearch,
    /// The place flown to last, marked on the map.
    pub(super) found_place: Option<usize>,
    /// Where raster tiles come from, and the layer drawing them.
    pub(super) basemap: Basemap,
}

impl BorderwatchApp {
    /// Loads what `options` name, before returning: the bundled regions and
    /// sample events when none are given, and for region layers when none
    /// loads. Files that cannot be read are left out, with their errors
    /// among the messages.
    pub fn new(options: &StartupOptions) -> Self {
        let sources = Sources::new(&options.regions, &options.events).with_mapping(options.mapping.clone());
        let (mut app, messages) = match load_sources(&sources, OnError::Skip, None) {
            Ok(loaded) => {
                let mut app = Self::with_dataset(loaded.dataset);
                app.loader.set_sources(loaded.sources);
                (app, loaded.messages)
            }
            Err(aborted) => {
                let LoadedRegions {
                    regions,
                    context,
                    messages: more,
                    ..
                } = load_regions(&[]);
                let app = Self::without_events(regions, context);
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
        let sources = Sources::new(&options.regions, &options.events).with_mapping(options.mapping.clone());
        if sources == Sources::default() {
            return Self::new(options);
        }
        // The load first: the map shown meanwhile (the bundled regions and
        // context, read and triangulated) is made while it runs.
        let mut loader = Loader::default();
        loader.set_event_cache(options.event_cache.clone());
        loader.start_up(sources);
        let LoadedRegions {
            regions,
            context,
            messages,
            ..
        } = load_regions(&[]);
        let mut app = Self::without_events(regions, context);
        app.messages = messages;
        loader.set_sources(app.loader.sources().clone());
        // The load takes these meshes if it ends with the same outlines.
        loader.show_layers(&app.layers);
        app.loader = loader;
        app
    }

    /// The bundled regions and context with no events, their sources saying so.
    fn without_events(regions: RegionSet, context: ContextLayer) -> Self {
        let mut app = Self::with_data(regions, context);
        let mut sources = app.loader.sources().clone();
        sources.events.clear();
        app.loader.set_sources(sources);
        app
    }

    /// An app showing these regions and context, with no events.
    pub fn with_data(regions: RegionSet, context: ContextLayer) -> Self {
        Self::with_dataset(Dataset::new(regions, context, EventSet::default()))
    }

    /// An app showing exactly this data.
    pub fn with_dataset(data: Dataset) -> Self {
        let layers = Arc::new(MapLayers::new(&data.regions, &data.context));
        let loader = Loader::default();
        loader.show_layers(&layers);
        let filter = EventFilter::default();
        let filtered = Arc::new(data.apply(&filter));
        Self {
            data: Arc::new(data),
            frames_with_data: 0,
            loader,
            dialogs: FileDialogs::default(),
            tasks: Vec::new(),
            notice: None,
            ctx: None,
            layers,
            map: MapMemory::default(),
            filter,
            filtered,
            search: BackgroundSearch::default(),
            generation: 1,
            selection: Selection::default(),
            hovered: None,
            cursor: None,
            messages: Vec::new(),
            show_messages: false,
            show_about: false,
            columns: None,
            legend_rect: None,
            density: DensityCache::default(),
            buildup: BuildUpCache::default(),
            playback_export: None,
            layers_shown: LayerVisibility::default(),
            choropleth: false,
            theme: Theme::default(),
            theme_pending: false,
            playback_settings: PlaybackSettings::default(),
            playback: None,
            undated: None,
            typing: false,
            place_search: PlaceSearch::default(),
            found_place: None,
            basemap: Basemap::default(),
        }
    }

    /// Layers drawn.
    pub fn layers_shown(&self) -> &LayerVisibility {
        &self.layers_shown
    }

    /// Whether regions are coloured by their counts.
    pub fn choropleth(&self) -> bool {
        self.choropleth
    }

    /// The loaded data.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// The loaded regions.
    pub fn regions(&self) -> &RegionSet {
        &self.data.regions
    }

    /// What the side panel is about.
    pub fn focus(&self) -> &Focus {
        self.selection.focus()
    }

    /// The selected region.
    pub fn selected_region(&self) -> Option<&Region> {
        self.selection.region(&self.data)
    }

    /// The selected event, by index in the event set.
    pub fn selected_event(&self) -> Option<usize> {
        self.selection.event()
    }

    /// The map's state: view and last viewport (where things are on screen).
    pub fn map_memory(&self) -> &MapMemory {
        &self.map
    }

    /// Warnings and errors from loading.
    pub fn messages(&self) -> &[Diagnostic] {
        &self.messages
    }

    /// What last happened (loaded, exported, failed), as the status bar says it.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Selects a region (or none), logging the change once as
    /// `selected region: <id>` / `selected region: none`.
    pub fn select_region(&mut self, index: Option<usize>) {
        self.selection.select_region(&self.data, index);
    }

    /// Selects an event: its details show, the map centres on it, its group
    /// (region or outside) is listed. Logs `selected event: <id>`.
    pub fn select_event(&mut self, index: usize) {
        if let Some(position) = self.selection.select_event(&self.data, index) {
            self.map.center_on(position);
        }
    }

    pub(super) fn clear_selection(&mut self) {
        self.selection.clear(&self.data);
    }

    /// The events of the focus that the filter shows, newest first.
    pub fn focus_items(&mut self) -> &[u32] {
        self.selection.items(&self.data, &self.filtered, self.generation)
    }

    /// Carries out what a panel, a menu, a dialog or the map asked for: the
    /// one place their intents change the app.
    pub(super) fn apply(&mut self, intent: PanelIntent) {
        match intent {
            PanelIntent::FocusRegion(index) => self.select_region(Some(index)),
            PanelIntent::FocusGroup(focus) => self.selection.set(&self.data, focus, None),
            PanelIntent::ClearSelection => self.clear_selection(),
            PanelIntent::ZoomTo(index) => {
                if let Some(region) = self.data.regions.get(index) {
                    self.map.request_fit_to(&region.bounds);
                }
            }
            PanelIntent::SelectEvent(index) => self.select_event(index),
            PanelIntent::CentreOn(index) => {
                if let Some(position) = self.data.map_position(index) {
                    self.map.center_on(position);
                }
            }
            PanelIntent::CloseEvent => self.selection.close_event(&self.data),
            PanelIntent::OpenCluster(cluster) => self.open_cluster(&cluster),
            PanelIntent::ToggleCategory(name) => {
                let mut filter = self.wanted_filter().clone();
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
            PanelIntent::Zoom(levels) => self.map.request_zoom(levels),
            PanelIntent::FitRegions => self.map.request_fit(),
            PanelIntent::SetTileSource(source) => self.set_tile_source(source),
            PanelIntent::EditTileSource => self.basemap.editing = Some(self.basemap.source().to_string()),
            PanelIntent::FlyToPlace(index) => self.fly_to_place(index),
            PanelIntent::SetTheme(theme) => self.set_theme(theme),
            PanelIntent::ShowMessages(shown) => self.show_messages = shown,
            PanelIntent::ShowAbout(shown) => self.show_about = shown,
            PanelIntent::OpenColumns(path) => self.open_columns(&path),
            PanelIntent::LoadWithColumns(path, mapping) => self.load_with_columns(path, mapping),
            PanelIntent::CloseColumns => self.columns = None,
            PanelIntent::SetNameField(path, field) => {
                self.loader.set_name_field(path, field, self.ctx.as_ref())
            }
            PanelIntent::ClearMessages => self.messages.clear(),
            PanelIntent::Reset => self.reset(),
            PanelIntent::OpenDialog(purpose) => self.dialogs.open(purpose),
            PanelIntent::OpenPaths(paths) => self.open_paths(paths),
            PanelIntent::AnswerEventFiles(answer) => self.answer_event_files(answer),
            PanelIntent::ChooseLayer(layer) => self.loader.open_layer(layer, self.ctx.as_ref()),
            PanelIntent::Reload => self.reload(),
            PanelIntent::CancelLoad => self.loader.cancel(),
            PanelIntent::StartTool(kind) => {
                if self.map.tool().map(|t| t.kind()) != Some(kind) {
                    self.map.toggle_tool(kind);
                }
            }
            intent @ (PanelIntent::CancelTask(_)
            | PanelIntent::ExportEvents(..)
            | PanelIntent::ExportMap(_)
            | PanelIntent::SaveArea(_)
            | PanelIntent::LoadArea(_)
            | PanelIntent::ShowPlaybackExport
            | PanelIntent::ExportPlayback(_)
            | PanelIntent::ExportReport(_)) => self.apply_file_intent(intent),
            PanelIntent::Quit => {
                if let Some(ctx) = &self.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
    }

    /// Applies a panel's intent, if it asked for anything.
    pub(super) fn apply_some(&mut self, intent: Option<PanelIntent>) {
        if let Some(intent) = intent {
            self.apply(intent);
        }
    }

    /// Draws the whole app for one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        if self.ctx.is_none() {
            self.ctx = Some(ui.ctx().clone());
        }
        self.poll_background(&ui.ctx().clone());
        self.poll_search();
        self.build_indexes_once_drawn(ui.ctx());
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
            .show(ui, |ui| self.side_panel(ui));
        egui::CentralPanel::no_frame().show(ui, |ui| {
            egui::Panel::top("filter-bar").show(ui, |ui| {
                let filter = self.search.pending().unwrap_or(&self.filter);
                let places = self.place_search.found(
                    &filter.text,
                    Gazetteer::bundled(),
                    &self.data.regions,
                    &self.data.context,
                );
                let intent = FilterBar {
                    data: &self.data,
                    filter,
                    filtered: &self.filtered,
                    searching: self.search.pending().is_some(),
                    layers: &self.layers_shown,
                    choropleth: self.choropleth,
                    places,
                }
                .show(ui);
                self.apply_some(intent);
            });
            if !self.data.events.is_empty() {
                egui::Panel::bottom("timeline").show(ui, |ui| self.timeline(ui));
            }
            egui::CentralPanel::no_frame().show(ui, |ui| self.map_area(ui));
        });
        let intent = MessagesWindow {
            messages: &self.messages,
            open: self.show_messages,
        }
        .show(ui.ctx());
        self.apply_some(intent);
        let intent = AboutWindow {
            open: self.show_about,
        }
        .show(ui.ctx());
        self.apply_some(intent);
        self.tile_source_window(ui.ctx());
        self.columns_window(ui.ctx());
        self.playback_export_window(ui.ctx());
        self.dialogs(&ui.ctx().clone());
        self.typing = ui.ctx().egui_wants_keyboard_input();
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        let intent = MenuBar {
            data: &self.data,
            filtered_count: self.filtered.indices.len(),
            recent: self.loader.recent(),
            can_reload: !self.loader.sources().files().is_empty(),
            layers: &self.layers_shown,
            choropleth: self.choropleth,
            theme: self.theme,
        }
        .show(ui);
        self.apply_some(intent);
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        let intent = StatusBar {
            cursor: self.cursor,
            hovered: self.hovered.and_then(|i| self.data.regions.get(i)),
            filter: &self.filter,
            job: self.loader.job(),
            notice: self.notice.as_deref(),
            tasks: &self.tasks,
            view: self.map.view(),
            messages: &self.messages,
            messages_shown: self.show_messages,
        }
        .show(ui);
        self.apply_some(intent);
    }

    fn side_panel(&mut self, ui: &mut Ui) {
        self.buildup_panel(ui);
        let items = self.focus_items().to_vec();
        let reveal = self.selection.take_reveal();
        let intent = SidePanel {
            data: &self.data,
            filtered: &self.filtered,
            focus: self.selection.focus(),
            items: &items,
            selected_event: self.selection.event(),
            reveal,
        }
        .show(ui);
        self.apply_some(intent);
    }

    /// The file dialog, and the question whether event files add or replace.
    fn dialogs(&mut self, ctx: &egui::Context) {
        if let Some((purpose, path)) = self.dialogs.show(ctx) {
            self.apply(match purpose {
                DialogPurpose::Open => PanelIntent::OpenPaths(vec![path]),
                DialogPurpose::Columns => PanelIntent::OpenColumns(path),
                DialogPurpose::ExportEvents(format) => PanelIntent::ExportEvents(format, path),
                DialogPurpose::ExportMap => PanelIntent::ExportMap(path),
                DialogPurpose::SaveArea => PanelIntent::SaveArea(path),
                DialogPurpose::LoadArea => PanelIntent::LoadArea(path),
                DialogPurpose::ExportPlayback { gif: true } => {
                    PanelIntent::ExportPlayback(PlaybackOutput::Gif(path))
                }
                DialogPurpose::ExportPlayback { gif: false } => {
                    PanelIntent::ExportPlayback(PlaybackOutput::Pngs(path))
                }
                DialogPurpose::ExportReport => PanelIntent::ExportReport(path),
            });
        }
        let pending = self.loader.pending_event_files();
        if !pending.is_empty() {
            let answer = ask_add_or_replace(ctx, pending, self.loader.loaded_event_files());
            self.apply_some(answer.map(PanelIntent::AnswerEventFiles));
        }
        if let Some(choice) = &self.loader.pending_layer {
            let answer = ask_layer(ctx, choice);
            self.apply_some(answer.map(PanelIntent::ChooseLayer));
        }
    }

    /// `/` focuses the search, Space plays or pauses, Esc clears the
    /// selection (keys a text field is typing are left alone).
    fn keyboard(&mut self, ui: &mut Ui) {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::O)) {
            self.apply(PanelIntent::OpenDialog(DialogPurpose::Open));
        }
        if ui.ctx().egui_wants_keyboard_input()
            || self.dialogs.is_open()
            || !self.loader.pending_event_files().is_empty()
            || self.loader.pending_layer.is_some()
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
            self.apply(PanelIntent::TogglePlay);
        }
        // Esc that only leaves a text field keeps the selection.
        if escape && !escape_leaves_field {
            self.apply(PanelIntent::ClearSelection);
        }
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
