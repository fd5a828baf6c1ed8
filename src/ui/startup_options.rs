//! What the command line asks the app to start with.

use std::path::PathBuf;

use crate::data::events::EventCache;
use crate::data::events::read::ColumnMapping;

/// What the command line asked the app to load.
#[derive(Debug, Clone, Default)]
pub struct StartupOptions {
    /// `--regions` files or folders; empty for the bundled layers.
    pub regions: Vec<PathBuf>,
    /// `--events` files; empty for the bundled sample.
    pub events: Vec<PathBuf>,
    /// What the event files' fields are (`--map`, `--date-order`, `--sources`).
    pub mapping: ColumnMapping,
    /// `--tiles`: raster tiles from this template URL or package, switched on.
    pub tiles: Option<String>,
    /// `--place`: the town to show at start.
    pub place: Option<String>,
    /// Where the window keeps the event files it reads, to open them faster
    /// when they are unchanged ([`EventCache::user`] for the program; `None`,
    /// the default, keeps none).
    pub event_cache: Option<EventCache>,
}
