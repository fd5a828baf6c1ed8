//! What the side panel is about: kept by the selection, asked for by
//! intents, shown by the side panel.

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
