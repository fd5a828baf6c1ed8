//! The borderwatch app: panels around the map. It owns the filter and the
//! selection and feeds the map; the map and the panels return what the user
//! asked for.

use std::path::PathBuf;

use egui::{Key, RichText, Ui};
use geo::Coord;

use super::filter_bar::{FilterBar, layer_toggles, search_id};
use super::format::format_lonlat;
use super::intent::PanelIntent;
use super::legend::legend;
use super::session::{Session, Theme};
use super::side_panel::{Focus, SidePanel};
use super::timeline::Timeline;
use crate::data::{ContextLayer, Diagnostic, EventSet, Region, RegionSet, Severity};
use crate::dataset::Dataset;
use crate::load::{load_context, load_events, load_regions};
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

/// The whole app's state.
pub struct BorderwatchApp {
    data: Dataset,
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
    /// Loads what `options` name: the bundled regions and sample events
    /// when none are given, and for region layers when none loads.
    pub fn new(options: &StartupOptions) -> Self {
        let (regions, mut messages) = load_regions(&options.regions);
        let context = load_context(&mut messages);
        let (events, event_messages) = load_events(&regions, &options.events, None);
        messages.extend(event_messages);
        for message in &messages {
            log::warn!("{message}");
        }
        let mut app = Self::with_dataset(Dataset::new(regions, context, events));
        app.show_messages = messages.iter().any(|m| m.severity == Severity::Error);
        app.messages = messages;
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
            data,
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
    }

    /// Back to the defaults: the regions fitted, no filter, every layer,
    /// no choropleth, the system's theme, default playback.
    pub fn reset(&mut self) {
        self.apply_session(Session::default());
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

    /// Draws the whole app for one frame.
    pub fn show(&mut self, ui: &mut Ui) {
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
        self.typing = ui.ctx().egui_wants_keyboard_input();
    }

    /// `/` focuses the search, Space plays or pauses, Esc clears the
    /// selection (keys a text field is typing are left alone).
    fn keyboard(&mut self, ui: &mut Ui) {
        if ui.ctx().egui_wants_keyboard_input() {
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
                ui.label("/ search · Space play or pause the timeline");
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
        egui::Window::new("Messages")
            .open(&mut open)
            .default_width(640.0)
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
