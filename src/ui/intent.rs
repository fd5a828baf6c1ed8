//! What the user asked for in a panel, a menu, a dialog or on the map.
//! Panels return intents; the app decides what they change, in one place
//! (`BorderwatchApp::apply`).

use std::path::PathBuf;

use super::files::{DialogPurpose, EventFilesAnswer};
use super::focus::Focus;
use super::session::Theme;
use crate::data::events::read::ColumnMapping;
use crate::export::ExportFormat;
use crate::map::{LayerVisibility, ToolKind};
use crate::query::{EventFilter, PlaybackSettings};
use crate::render::PlaybackOutput;
use crate::spatial::Cluster;

/// A request from the side panel, the legend, the filter bar, the timeline,
/// the menus, the status bar, a dialog or the map.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelIntent {
    /// Show the region at this index and its events.
    FocusRegion(usize),
    /// Show a group of events: those outside every tracked region, or the
    /// notional ones.
    FocusGroup(Focus),
    /// Clear the selection (region, event, list).
    ClearSelection,
    /// Show the whole region on the map.
    ZoomTo(usize),
    /// Select the event at this index: details, centred on the map.
    SelectEvent(usize),
    /// Centre the map on the event at this index.
    CentreOn(usize),
    /// Close the event details, keeping the list.
    CloseEvent,
    /// A marker or cluster clicked on the map: select its event, list a
    /// spot, or zoom in until its events separate.
    OpenCluster(Cluster),
    /// Hide the category with this name if shown, show it if hidden.
    ToggleCategory(String),
    /// Use this filter.
    SetFilter(EventFilter),
    /// Show only these days (inclusive), or all dates.
    SetDates(Option<(i32, i32)>),
    /// Colour the regions by their counts, or by their own colours.
    SetChoropleth(bool),
    /// Draw these layers.
    SetLayers(LayerVisibility),
    /// Start or stop playback.
    TogglePlay,
    /// Change how playback moves.
    SetPlayback(PlaybackSettings),
    /// Zoom the map by this many levels (+ in, - out), eased.
    Zoom(f64),
    /// Fit the tracked regions on the map.
    FitRegions,
    /// Fly to the gazetteer's place at this index and mark it.
    FlyToPlace(usize),
    /// Draw raster tiles from this source (a template URL or a package's
    /// path; empty for OpenStreetMap), switching the tiles on.
    SetTileSource(String),
    /// Open the Tile source window.
    EditTileSource,
    /// Use this colour theme.
    SetTheme(Theme),
    /// Show or hide the messages window.
    ShowMessages(bool),
    /// Show the Columns dialog for the table at this path.
    OpenColumns(PathBuf),
    /// Load the table at this path with these columns.
    LoadWithColumns(PathBuf, ColumnMapping),
    /// Close the Columns dialog.
    CloseColumns,
    /// Name the regions of the layer file at this path by this property.
    SetNameField(PathBuf, String),
    /// Show or hide the About box.
    ShowAbout(bool),
    /// Forget every message.
    ClearMessages,
    /// Back to the default view, filters, layers, theme and playback.
    Reset,
    /// Open a file dialog for this purpose.
    OpenDialog(DialogPurpose),
    /// Open these files as File › Open does.
    OpenPaths(Vec<PathBuf>),
    /// What to do with the event files waiting for an answer.
    AnswerEventFiles(EventFilesAnswer),
    /// The layer chosen from a file with several (`None`: do not open it).
    ChooseLayer(Option<String>),
    /// Read every loaded file again.
    Reload,
    /// Stop the load under way; the data shown stays.
    CancelLoad,
    /// Stop the task (an export) at this index of the tasks under way.
    CancelTask(usize),
    /// Write the filtered events to this file.
    ExportEvents(ExportFormat, PathBuf),
    /// Write the map, as drawn next, to this PNG file.
    ExportMap(PathBuf),
    /// Open the Export playback window.
    ShowPlaybackExport,
    /// Draw the playback and write it here.
    ExportPlayback(PlaybackOutput),
    /// Write the snapshot report to this PNG file.
    ExportReport(PathBuf),
    /// Start drawing an area (or measuring) on the map.
    StartTool(ToolKind),
    /// Save the area filter as GeoJSON to this file.
    SaveArea(PathBuf),
    /// Filter by the area read from this GeoJSON file.
    LoadArea(PathBuf),
    /// Close the window.
    Quit,
}
