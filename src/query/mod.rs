//! Questions asked of the loaded events: which pass the filter (dates,
//! categories, regions, free text), how they spread over time. No drawing
//! here; the map and the panels read the answers.

pub mod buildup;
pub mod filter;
mod filter_text;
pub mod search;
mod search_lists;
mod search_probe;
mod search_words;
pub mod timeline;

pub use filter::{CompiledFilter, EventColumns, EventFilter, FilteredEvents, NOTIONAL, OUTSIDE};
pub use filter_text::{area_text, day_text, km_text, km2_text, radius_km};
pub use search::SearchIndex;
pub use timeline::{BinSize, Histogram, PlayMode, Playback, PlaybackSettings};
