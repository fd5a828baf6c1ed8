//! Headless rendering of egui UIs to images, for exporting the map's playback
//! as an animated GIF or a PNG sequence, and a one-page PNG report, on machines
//! without a display or GPU (CI).
//!
//! [`Renderer`] runs an egui context without a window; [`rasterize`] paints its
//! tessellated meshes in software as egui's glow painter would (premultiplied
//! sRGBA, blended in gamma space); [`GifWriter`] and [`write_png`] encode the
//! resulting [`egui::ColorImage`]s.

mod animation;
mod headless;
mod output;
mod raster;

pub use animation::{GifWriter, RenderError, write_png};
pub use headless::Renderer;
pub use output::PlaybackOutput;
pub use raster::{Textures, rasterize};
