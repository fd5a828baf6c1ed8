//! Filled discs drawn as two textured triangles each, from one texture of
//! discs drawn beforehand at a range of radii.
//!
//! egui tessellates a disc with a ring of feathering, and a ring (a
//! bubble's outline) with four vertices a corner: about 300 triangles for a
//! count bubble. Software OpenGL (Mesa's llvmpipe, what the window gets
//! without a GPU) holds every triangle of a frame until the frame is done,
//! about 0.3 KB each; at a million events the start view's bubbles were
//! 29 000 triangles. From this texture a bubble is two discs, its outline's
//! colour under its fill's, four triangles.

use std::sync::Arc;

use egui::{Color32, ColorImage, Context, Id, Mesh, Pos2, Rect, TextureHandle, pos2, vec2};

/// The largest radius drawn beforehand, in points: a bubble of
/// `u32::MAX` events with its outline. Larger discs are these, magnified.
const LARGEST: f32 = 52.0;

/// The texture's width, in pixels, at one pixel a point.
const WIDTH: usize = 512;

/// The discs, for one scale (`pixels_per_point`).
pub struct DiscAtlas {
    texture: TextureHandle,
    pixels_per_point: f32,
    /// Each disc's radius in pixels and its square in the texture (in
    /// pixels, the disc at its centre), by growing radius.
    discs: Vec<(f32, Rect)>,
    /// The texture's size in pixels.
    size: [usize; 2],
}

impl DiscAtlas {
    /// The discs for `ctx`'s current scale: made the first time and again
    /// when the scale changes, kept in egui's memory meanwhile.
    pub fn for_context(ctx: &Context) -> Arc<Self> {
        let id = Id::unique("borderwatch-disc-atlas");
        let ppp = ctx.pixels_per_point();
        if let Some(atlas) = ctx.data(|d| d.get_temp::<Arc<Self>>(id))
            && atlas.pixels_per_point == ppp
        {
            return atlas;
        }
        let (image, discs) = draw_discs(ppp);
        let size = image.size;
        let texture = ctx.load_texture("map-discs", image, egui::TextureOptions::LINEAR);
        let atlas = Arc::new(Self {
            texture,
            pixels_per_point: ppp,
            discs,
            size,
        });
        ctx.data_mut(|d| d.insert_temp(id, Arc::clone(&atlas)));
        atlas
    }

    /// A mesh to add discs to, drawn with their texture.
    pub fn mesh(&self) -> Mesh {
        Mesh::with_texture(self.texture.id())
    }

    /// Adds a disc of `radius` points about `at`, in `color`, to `mesh`
    /// (made by [`Self::mesh`]): the drawn disc of the nearest radius not
    /// smaller, shrunk to fit (by at most a sixteenth), its edge smoothed
    /// over a pixel as egui's feathering does.
    pub fn add_disc(&self, mesh: &mut Mesh, at: Pos2, radius: f32, color: Color32) {
        let wanted = (radius * self.pixels_per_point).max(0.0);
        let Some(&(drawn, square)) = self
            .discs
            .iter()
            .find(|(r, _)| *r >= wanted)
            .or_else(|| self.discs.last())
        else {
            return;
        };
        let scale = wanted / drawn;
        let half = square.width() / 2.0 * scale / self.pixels_per_point;
        let [w, h] = self.size.map(|n| n as f32);
        let uv = Rect::from_min_max(
            pos2(square.min.x / w, square.min.y / h),
            pos2(square.max.x / w, square.max.y / h),
        );
        mesh.add_rect_with_uv(
            Rect::from_center_size(at, vec2(2.0 * half, 2.0 * half)),
            uv,
            color,
        );
    }
}

/// The radii drawn at `pixels_per_point`, in pixels: every pixel up to 16,
/// then a sixteenth apart, up to [`LARGEST`] points.
fn radii(pixels_per_point: f32) -> Vec<f32> {
    let largest = (LARGEST * pixels_per_point.max(0.25)).ceil();
    let mut radii = Vec::new();
    let mut r: f32 = 1.0;
    while r < largest {
        radii.push(r);
        r += (r / 16.0).floor().max(1.0);
    }
    radii.push(largest);
    radii
}

/// How much of a pixel whose centre is `distance` from a disc's centre the
/// disc of `radius` covers (both in pixels): all of it a half pixel inside
/// the edge, none a half pixel outside, linear between.
fn coverage(radius: f32, distance: f32) -> f32 {
    (radius - distance + 0.5).clamp(0.0, 1.0)
}

/// The white discs, each in a square of whole pixels with a pixel to spare
/// round it, packed in rows [`WIDTH`] pixels wide (times the scale); and
/// where each one is.
fn draw_discs(pixels_per_point: f32) -> (ColorImage, Vec<(f32, Rect)>) {
    let radii = radii(pixels_per_point);
    let side_of = |r: f32| 2 * (r.ceil() as usize + 1);
    let width = radii
        .last()
        .map_or(WIDTH, |&r| side_of(r))
        .max((WIDTH as f32 * pixels_per_point.max(1.0)) as usize);
    let mut placed = Vec::with_capacity(radii.len());
    let (mut x, mut y, mut row) = (0, 0, 0);
    for &r in &radii {
        let side = side_of(r);
        if x + side > width {
            (x, y, row) = (0, y + row, 0);
        }
        placed.push((r, [x, y], side));
        x += side;
        row = row.max(side);
    }
    let height = y + row;
    let mut image = ColorImage::filled([width, height], Color32::TRANSPARENT);
    let mut discs = Vec::with_capacity(placed.len());
    for (r, [x0, y0], side) in placed {
        let centre = side as f32 / 2.0;
        for dy in 0..side {
            for dx in 0..side {
                let distance = (dx as f32 + 0.5 - centre).hypot(dy as f32 + 0.5 - centre);
                let alpha = (coverage(r, distance) * 255.0).round() as u8;
                if let Some(pixel) = image.pixels.get_mut((y0 + dy) * width + x0 + dx) {
                    *pixel = Color32::from_rgba_premultiplied(alpha, alpha, alpha, alpha);
                }
            }
        }
        let min = pos2(x0 as f32, y0 as f32);
        discs.push((r, Rect::from_min_size(min, vec2(side as f32, side as f32))));
    }
    (image, discs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Renderer;

    /// A picture of `size` points at `ppp` with the discs `paint` adds on white.
    fn picture(ppp: f32, paint: impl Fn(&DiscAtlas, &mut Mesh)) -> (ColorImage, f32) {
        let mut renderer = Renderer::new(vec2(120.0, 120.0), ppp).with_background(Color32::WHITE);
        let image = renderer.frame(|ui| {
            let atlas = DiscAtlas::for_context(ui.ctx());
            let mut mesh = atlas.mesh();
            paint(&atlas, &mut mesh);
            ui.painter().add(egui::Shape::mesh(mesh));
        });
        (image, ppp)
    }

    /// Whether `a` and `b` differ by at most 16 in each channel: texels are
    /// sampled between their centres, a disc shrunk a little to its radius.
    fn near(a: Color32, b: Color32) -> bool {
        a.to_array()
            .iter()
            .zip(b.to_array())
            .all(|(x, y)| x.abs_diff(y) <= 16)
    }

    /// The pixel `distance` points right of (60, 60).
    fn right_of_centre((image, ppp): &(ColorImage, f32), distance: f32) -> Color32 {
        let x = ((60.0 + distance) * ppp) as usize;
        let y = (60.0 * ppp) as usize;
        image.pixels[y * image.size[0] + x]
    }

    #[test]
    fn a_disc_is_drawn_at_its_radius_in_its_colour() {
        for ppp in [1.0, 1.5, 2.0] {
            for radius in [2.4, 3.6, 11.2, 20.3, 34.0, 50.0] {
                let shot = picture(ppp, |atlas, mesh| {
                    atlas.add_disc(mesh, pos2(60.0, 60.0), radius, Color32::RED);
                });
                let inside = right_of_centre(&shot, radius - 1.2);
                let outside = right_of_centre(&shot, radius + 1.2);
                assert!(
                    near(inside, Color32::RED),
                    "r {radius} at {ppp}: inside {inside:?}"
                );
                assert_eq!(outside, Color32::WHITE, "r {radius} at {ppp}: outside");
                let centre = right_of_centre(&shot, 0.0);
                assert!(near(centre, Color32::RED), "r {radius} at {ppp}: {centre:?}");
            }
        }
    }

    #[test]
    fn a_disc_over_a_larger_one_makes_a_ring() {
        // As a bubble is drawn: its outline's colour 1.5 points wider.
        let shot = picture(1.0, |atlas, mesh| {
            atlas.add_disc(mesh, pos2(60.0, 60.0), 21.5, Color32::BLACK);
            atlas.add_disc(mesh, pos2(60.0, 60.0), 20.0, Color32::BLUE);
        });
        for (distance, color) in [
            (10.0, Color32::BLUE),
            (19.0, Color32::BLUE),
            (20.9, Color32::BLACK),
            (23.0, Color32::WHITE),
        ] {
            let got = right_of_centre(&shot, distance);
            assert!(near(got, color), "{got:?} at {distance}, not {color:?}");
        }
    }

    #[test]
    fn each_disc_is_two_triangles_and_every_radius_has_one_close_above() {
        let ctx = Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let atlas = DiscAtlas::for_context(ui.ctx());
            let mut mesh = atlas.mesh();
            for k in 0..100 {
                atlas.add_disc(&mut mesh, pos2(60.0, 60.0), 1.0 + k as f32 * 0.5, Color32::RED);
            }
            assert_eq!(mesh.indices.len(), 100 * 6);
            assert!(Arc::ptr_eq(&atlas, &DiscAtlas::for_context(ui.ctx())), "kept");
        });
        output.textures_delta.clear();
        for ppp in [1.0, 1.25, 2.0, 3.0] {
            let radii = radii(ppp);
            assert!(radii.windows(2).all(|pair| pair[0] < pair[1]));
            for pair in radii.windows(2) {
                assert!(
                    pair[1] - pair[0] <= (pair[0] / 16.0).max(1.0),
                    "{pair:?} at {ppp}"
                );
            }
            assert!(*radii.last().unwrap_or(&0.0) >= LARGEST * ppp);
        }
    }
}
