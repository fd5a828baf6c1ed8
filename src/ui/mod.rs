//! The app around the map: side panel, legend, menus, status bar. It owns
//! the filter and the selection and feeds the map.

mod app;
pub mod background;
mod event_details;
mod event_list;
pub mod files;
mod filter_bar;
pub mod format;
mod intent;
mod legend;
pub mod session;
mod side_panel;
mod timeline;
pub mod watch;

pub use app::{BorderwatchApp, StartupOptions};
pub use intent::PanelIntent;
pub use side_panel::Focus;
