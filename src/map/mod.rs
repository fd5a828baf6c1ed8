//! The map: Web Mercator projection and view state, cached meshes, painting of
//! layers, and pan/zoom/click handling. It returns what was clicked or hovered;
//! it does not know about side panels.

mod labels;
pub mod markers;
pub mod mesh;
pub mod overlay;
pub mod style;
pub mod view;
mod widget;

pub use crate::geometry::{WorldPoint, WorldRect, project, unproject};
pub use markers::EventLayer;
pub use style::MapStyle;
pub use view::{MAX_ZOOM, MIN_ZOOM, MapView, Viewport};
pub use widget::{LayerVisibility, MapClick, MapLayers, MapMemory, MapResponse, MapWidget, click_at};
