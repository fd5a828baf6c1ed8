//! What the side panel is about: kept by the selection, asked for by
//! intents, shown by the side panel, and the events it is about.

use crate::dataset::Dataset;
use crate::query::FilteredEvents;

/// What the side panel is about.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Focus {
    /// Nothing: the panel lists the regions.
    #[default]
    Nothing,
    /// A tracked region, by index.
    Region(usize),
    /// Events outside every tracked region.
    Outside,
    /// The notional events: statements and policies with no known place.
    Notional,
    /// Events at one spot on the map (a stack of markers), newest first.
    Spot(Vec<u32>),
    /// Events in one cell of the density layer, newest first.
    Hexagon(Vec<u32>),
}

impl Focus {
    /// The events of `filtered` this focus is about, newest first: a
    /// region's own (not the statements about it), the outside or notional
    /// group's, a spot's or hexagon's; `None` when nothing is focused.
    pub fn own_events(&self, data: &Dataset, filtered: &FilteredEvents) -> Option<Vec<u32>> {
        let columns = &data.columns;
        let events: Vec<usize> = match self {
            Self::Nothing => return None,
            Self::Region(index) => filtered.in_region(columns, Some(*index as u32)).collect(),
            Self::Outside => filtered.in_region(columns, None).collect(),
            Self::Notional => filtered.notional_events(columns).collect(),
            Self::Spot(members) | Self::Hexagon(members) => members
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| filtered.is_shown(i))
                .collect(),
        };
        Some(events.into_iter().map(|i| i as u32).collect())
    }
}
