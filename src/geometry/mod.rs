//! Pure geometry shared by the spatial index and the map: the Web Mercator
//! projection. No egui, no loaded data.

pub mod projection;

pub use projection::{WorldPoint, WorldRect, project, unproject};
