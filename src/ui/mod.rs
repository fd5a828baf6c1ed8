//! The app around the map: side panel, legend, menus, status bar. It owns
//! the filter and the selection and feeds the map.

mod about_window;
mod app;
mod app_filter;
mod app_session;
mod area_filter;
pub mod background;
pub mod basemap;
mod basemap_window;
pub mod buildup_chart;
mod buildup_panel;
mod columns;
pub mod columns_dialog;
mod event_details;
mod event_list;
mod exporting;
pub mod files;
mod filter_bar;
mod focus;
pub mod format;
mod intent;
pub mod layer_choice;
mod legend;
mod loader;
mod loading;
mod map_area;
mod menus;
mod messages_window;
pub mod pictures;
mod place_search;
mod playback;
mod playback_export;
mod searching;
mod selection;
pub mod session;
mod side_panel;
mod startup_options;
mod startup_probe;
mod status_bar;
mod timeline;
pub mod watch;

pub use app::BorderwatchApp;
pub use focus::Focus;
pub use intent::PanelIntent;
pub use startup_options::StartupOptions;
pub use startup_probe::StartupProbe;
