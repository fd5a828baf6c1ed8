//! What the user asked for in a panel. Panels return intents; the app
//! decides what they change.

/// A request from the side panel, the legend or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}
