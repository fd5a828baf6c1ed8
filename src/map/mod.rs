//! The map: Web Mercator projection and view state, cached meshes, painting of
//! layers, and pan/zoom/click handling. It returns what was clicked or hovered;
//! it does not know about side panels.

pub mod density;
mod discs;
mod input;
mod labels;
mod layers;
pub mod markers;
mod memory;
pub mod mesh;
mod outlines;
pub mod overlay;
mod paint;
mod region_labels;
pub mod ruler;
pub mod style;
pub mod tile_layer;
pub mod tools;
mod town_labels;
mod towns;
pub mod view;
mod water;
mod water_paint;
mod widget;

pub use crate::geometry::{WorldPoint, WorldRect, project, unproject};
pub use discs::DiscAtlas;
pub use labels::PlacedLabel;
pub use layers::{LayerVisibility, MapLayers};
pub use markers::{EventLayer, paint_single, precision_note};
pub use memory::MapMemory;
pub use style::MapStyle;
pub use tools::{MapTool, ToolKind};
pub use view::{MAX_ZOOM, MIN_ZOOM, MapView, Viewport};
pub use widget::{MapClick, MapResponse, MapWidget, click_at};
