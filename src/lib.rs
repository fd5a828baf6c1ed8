//! borderwatch: a desktop map of military activity in the Russian regions that
//! border Ukraine (Rostov, Belgorod, Bryansk and Voronezh oblasts, and Crimea).
//!
//! Data flows one way: files → [`data`] loaders → an immutable dataset → the
//! [`map`] widget and the [`ui`] panels, which return what the user asked for.

#![forbid(unsafe_code)]

pub mod cache_dir;
pub mod check;
pub mod data;
pub mod dataset;
pub mod export;
pub mod export_fields;
pub mod export_gis;
pub mod geometry;
pub mod load;
pub mod map;
pub mod query;
pub mod render;
pub mod render_command;
pub mod spatial;
pub mod tiles;
pub mod ui;

pub use ui::{BorderwatchApp, StartupOptions};

/// mimalloc keeps freed memory for reuse where glibc's allocator unmapped each
/// frame's tessellated meshes and faulted them back in (measured: a start-view
/// frame 4.7 ms with glibc, about 1 ms without the faults). Declared here so
/// the binary, the tests and the benchmarks all run on the same allocator
/// (its version 2: why, in Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The app's name, used for the window title and the settings folder.
pub const APP_NAME: &str = "borderwatch";
