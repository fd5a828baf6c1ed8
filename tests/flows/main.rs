//! The app's work without the window, as a user's files meet it: loading
//! files from the field, `check`, `export` and `render` on the command line,
//! the event cache, tiles, and the bundled data checked against other
//! sources. One module for each.
//!
//! They are one test binary rather than one each, as the window's tests
//! are (`tests/ui/`): every test binary links the whole app.

#[path = "../common/mod.rs"]
mod common;

mod assignment;
mod border_distance;
mod check_cli;
mod event_cache;
mod field_formats;
mod geography;
mod gis_formats;
mod gis_robustness;
mod import;
mod known_places;
mod places;
mod render_cli;
mod sample;
mod tile_fixtures;
mod tile_http;
mod water;
