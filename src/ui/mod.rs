//! The app around the map: panels, legend, menus, status bar. It owns the
//! selection and feeds the map.

mod app;
pub mod format;
mod region_panel;

pub use app::{BorderwatchApp, StartupOptions};
pub use region_panel::PanelIntent;
