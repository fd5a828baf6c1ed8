//! Questions asked of the loaded events: which pass the filter (dates,
//! categories, regions, free text), how they spread over time. No drawing
//! here; the map and the panels read the answers.

pub mod buildup;
pub mod filter;
pub mod search;
pub mod timeline;

pub use filter::{CompiledFilter, EventColumns, EventFilter, FilteredEvents, NOTIONAL, OUTSIDE, area_text};
pub use search::SearchIndex;
pub use timeline::{BinSize, Histogram, PlayMode, Playback, PlaybackSettings};
