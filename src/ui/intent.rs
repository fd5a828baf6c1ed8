//! What the user asked for in a panel. Panels return intents; the app
//! decides what they change.

use crate::map::LayerVisibility;
use crate::query::{EventFilter, PlaybackSettings};

/// A request from the side panel, the legend, the filter bar or the timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelIntent {
    /// Show the region at this index and its events.
    FocusRegion(usize),
    /// Show the events outside every tracked region.
    FocusOutside,
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
}
