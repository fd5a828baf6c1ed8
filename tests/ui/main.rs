//! The app as a user drives it, headless (egui_kittest), one module for each
//! part of the window.
//!
//! They are one test binary rather than one each: every binary links the
//! whole app, about 90 MB in a debug build, and fourteen of them took over a
//! gigabyte of a CI machine's disk and a link each.

#[path = "../common/mod.rs"]
mod common;

mod analyst;
mod area;
mod basemap;
mod border;
mod buildup;
mod density;
mod events;
mod field;
mod files;
mod gis_formats;
mod map;
mod playback_export;
mod precision;
mod ruler;
