//! A software rasterizer for egui's tessellated meshes.
//!
//! It paints what egui's glow painter would: vertex colours and texels are
//! premultiplied sRGBA, multiplied and blended "over" in gamma space, so the
//! picture matches the app's window without a GPU.

use std::collections::HashMap;
use std::sync::Arc;

use egui::epaint::{ImageDelta, Primitive, Vertex};
use egui::{
    ClippedPrimitive, Color32, ColorImage, Mesh, Rect, TextureFilter, TextureId, TextureOptions,
    TextureWrapMode, TexturesDelta,
};

/// One texture as egui delivered it: its texels and how to sample them.
struct Texture {
    /// Shared with egui's delta until a partial update copies it.
    image: Arc<ColorImage>,
    options: TextureOptions,
}

/// The textures egui has handed out (the font atlas, loaded images), kept by id
/// so that [`rasterize`] can sample them.
#[derive(Default)]
pub struct Textures {
    by_id: HashMap<TextureId, Texture>,
}

impl Textures {
    /// No textures yet: the first [`egui::FullOutput::textures_delta`] brings the font atlas.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a whole delta: its new and updated textures, then its frees.
    ///
    /// egui frees textures after painting, so a caller that paints between
    /// passes calls [`Self::set`] before and [`Self::free`] after instead.
    /// The delta is left as it is: clear it before dropping it, since egui's
    /// `TexturesDelta` panics in debug builds when dropped unapplied.
    pub fn apply(&mut self, delta: &TexturesDelta) {
        self.set(delta);
        self.free(delta);
    }

    /// Stores the delta's whole textures and copies its partial updates in place.
    pub fn set(&mut self, delta: &TexturesDelta) {
        // Each id's updates are kept in order; different ids do not interact.
        for (id, updates) in &delta.set {
            for update in updates {
                self.set_one(*id, update);
            }
        }
    }

    /// Forgets the textures the delta frees.
    pub fn free(&mut self, delta: &TexturesDelta) {
        for id in &delta.free {
            self.by_id.remove(id);
        }
    }

    /// The current texels of a texture, if egui has set it and not freed it.
    pub fn get(&self, id: TextureId) -> Option<&ColorImage> {
        self.by_id.get(&id).map(|texture| texture.image.as_ref())
    }

    fn set_one(&mut self, id: TextureId, update: &ImageDelta) {
        let egui::ImageData::Color(image) = &update.image;
        match update.pos {
            None => {
                let texture = Texture {
                    image: Arc::clone(image),
                    options: update.options,
                };
                self.by_id.insert(id, texture);
            }
            Some(pos) => match self.by_id.get_mut(&id) {
                Some(texture) => {
                    copy_patch(Arc::make_mut(&mut texture.image), image, pos);
                    texture.options = update.options;
                }
                // egui never patches a texture it has not set; nothing to patch.
                None => log::warn!("partial update of unknown texture {id:?} ignored"),
            },
        }
    }
}

/// Copies `patch` into `target` with its top-left corner at `pos`, cut at the target's edges.
fn copy_patch(target: &mut ColorImage, patch: &ColorImage, [x, y]: [usize; 2]) {
    let [target_w, target_h] = target.size;
    let [patch_w, patch_h] = patch.size;
    let w = patch_w.min(target_w.saturating_sub(x));
    for row in 0..patch_h.min(target_h.saturating_sub(y)) {
        let from = row * patch_w;
        let to = (y + row) * target_w + x;
        // `get` guards against an image whose pixels do not fill its size.
        let (Some(src), Some(dst)) = (
            patch.pixels.get(from..from + w),
            target.pixels.get_mut(to..to + w),
        ) else {
            return;
        };
        dst.copy_from_slice(src);
    }
}

/// Paints egui's tessellated output into an RGBA image of `size_px` pixels.
///
/// Mesh positions are in points, scaled by `pixels_per_point`; pixel centres
/// are at +0.5. The image starts as `background` and holds premultiplied sRGBA
/// (egui's [`Color32`]), as a window's framebuffer would. Paint callbacks need
/// a GPU and are skipped. A mesh whose texture is unknown is drawn with its
/// vertex colours alone, as if the texture were white, so shapes still show.
pub fn rasterize(
    primitives: &[ClippedPrimitive],
    textures: &Textures,
    size_px: [usize; 2],
    pixels_per_point: f32,
    background: Color32,
) -> ColorImage {
    let mut target = ColorImage::filled(size_px, background);
    for clipped in primitives {
        let Primitive::Mesh(mesh) = &clipped.primitive else {
            continue;
        };
        let Some(clip) = PixelRect::from_clip(clipped.clip_rect, pixels_per_point, size_px) else {
            continue;
        };
        let sampler = Sampler::new(textures.by_id.get(&mesh.texture_id));
        draw_mesh(&mut target, mesh, &sampler, clip, pixels_per_point);
    }
    target
}

/// A rectangle of whole pixels, `x0..x1` × `y0..y1`, inside the image.
#[derive(Clone, Copy, Debug)]
struct PixelRect {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

impl PixelRect {
    /// The clip rectangle in pixels, rounded as glow's scissor rectangle is;
    /// `None` when nothing of it is on the image.
    fn from_clip(clip: Rect, pixels_per_point: f32, [w, h]: [usize; 2]) -> Option<Self> {
        // `as usize` turns NaN and negatives into 0 and saturates: no panic on odd input.
        let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
        let rect = Self {
            x0: px(clip.min.x, w),
            y0: px(clip.min.y, h),
            x1: px(clip.max.x, w),
            y1: px(clip.max.y, h),
        };
        (rect.x0 < rect.x1 && rect.y0 < rect.y1).then_some(rect)
    }
}

fn draw_mesh(
    target: &mut ColorImage,
    mesh: &Mesh,
    sampler: &Sampler<'_>,
    clip: PixelRect,
    pixels_per_point: f32,
) {
    let corner = |index: u32| {
        let vertex = mesh.vertices.get(usize::try_from(index).ok()?)?;
        Some(Corner::new(vertex, pixels_per_point))
    };
    for indices in mesh.indices.chunks_exact(3) {
        // A bad index (never made by egui) drops its triangle rather than panicking.
        let (Some(a), Some(b), Some(c)) = (corner(indices[0]), corner(indices[1]), corner(indices[2])) else {
            continue;
        };
        if let Some(triangle) = Triangle::new([a, b, c], sampler) {
            triangle.draw(target, sampler, clip);
        }
    }
}

/// A triangle corner in pixels, with its colour in 0..=1 (premultiplied).
#[derive(Clone, Copy, Debug)]
struct Corner {
    x: f64,
    y: f64,
    color: [f32; 4],
    uv: [f32; 2],
}

impl Corner {
    fn new(vertex: &Vertex, pixels_per_point: f32) -> Self {
        Self {
            x: f64::from(vertex.pos.x * pixels_per_point),
            y: f64::from(vertex.pos.y * pixels_per_point),
            color: vertex.color.to_array().map(|c| f32::from(c) / 255.0),
            uv: [vertex.uv.x, vertex.uv.y],
        }
    }
}

/// One edge's function: positive on the triangle's inner side, zero on the edge.
#[derive(Clone, Copy, Debug)]
struct Edge {
    ax: f64,
    ay: f64,
    dx: f64,
    dy: f64,
    sign: f64,
    /// Whether a pixel centre exactly on the edge belongs to this triangle.
    owns_ties: bool,
}

impl Edge {
    fn new(a: &Corner, b: &Corner) -> Self {
        // Evaluating from the lesser end makes the two triangles sharing an edge
        // get exactly opposite values, so `owns_ties` gives each centre to one.
        let (p, q, sign) = if (a.x, a.y) <= (b.x, b.y) {
            (a, b, 1.0)
        } else {
            (b, a, -1.0)
        };
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        Self {
            ax: p.x,
            ay: p.y,
            dx: q.x - p.x,
            dy: q.y - p.y,
            sign,
            // Antisymmetric in the edge's direction: exactly one of two neighbours owns a tie.
            owns_ties: dy > 0.0 || (dy == 0.0 && dx < 0.0),
        }
    }

    /// The value at (x, y) is `row + slope * x`; these give `row` for line y and `slope`.
    fn row(&self, y: f64) -> f64 {
        self.sign * (self.dx * (y - self.ay) + self.dy * self.ax)
    }

    fn slope(&self) -> f64 {
        -self.sign * self.dy
    }

    fn at(&self, x: f64, y: f64) -> f64 {
        self.sign * (self.dx * (y - self.ay) - self.dy * (x - self.ax))
    }

    fn covers(&self, value: f64) -> bool {
        value > 0.0 || (value == 0.0 && self.owns_ties)
    }
}

/// A triangle ready to fill: corners turned to one winding, its edges and texture filter.
struct Triangle {
    corners: [Corner; 3],
    /// Edge `i` is opposite corner `i`, so its value over `area` is that corner's weight.
    edges: [Edge; 3],
    inv_area: f64,
    filter: TextureFilter,
    /// Set when all corners share one uv: one texel for the whole triangle.
    flat_texel: Option<[f32; 4]>,
}

impl Triangle {
    fn new([a, b, c]: [Corner; 3], sampler: &Sampler<'_>) -> Option<Self> {
        let twice_area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        if !twice_area.is_finite() || twice_area.abs() < 1e-12 {
            return None;
        }
        // egui emits both windings; one winding keeps the inside positive.
        let corners = if twice_area > 0.0 { [a, b, c] } else { [a, c, b] };
        let [p, q, r] = &corners;
        let edges = [Edge::new(q, r), Edge::new(r, p), Edge::new(p, q)];
        let filter = sampler.filter_for(&corners, twice_area.abs());
        let flat_texel = (p.uv == q.uv && q.uv == r.uv).then(|| sampler.sample(p.uv, filter));
        Some(Self {
            corners,
            edges,
            inv_area: 1.0 / twice_area.abs(),
            filter,
            flat_texel,
        })
    }

    /// Pixel rows and columns whose centres may be inside, cut to `clip`.
    fn bounds(&self, clip: PixelRect) -> Option<PixelRect> {
        let xs = self.corners.map(|c| c.x);
        let ys = self.corners.map(|c| c.y);
        let lo = |v: [f64; 3]| (v[0].min(v[1]).min(v[2]) - 0.5).ceil();
        let hi = |v: [f64; 3]| (v[0].max(v[1]).max(v[2]) - 0.5).floor() + 1.0;
        let span = |from: f64, to: f64, min: usize, max: usize| {
            // Saturating casts keep off-screen and huge coordinates harmless.
            let from = (from.max(0.0) as usize).max(min);
            let to = (to.max(0.0) as usize).min(max);
            (from < to).then_some((from, to))
        };
        let (x0, x1) = span(lo(xs), hi(xs), clip.x0, clip.x1)?;
        let (y0, y1) = span(lo(ys), hi(ys), clip.y0, clip.y1)?;
        Some(PixelRect { x0, y0, x1, y1 })
    }

    fn draw(&self, target: &mut ColorImage, sampler: &Sampler<'_>, clip: PixelRect) {
        let Some(bounds) = self.bounds(clip) else {
            return;
        };
        let width = target.size[0];
        for py in bounds.y0..bounds.y1 {
            let y = py as f64 + 0.5;
            let Some((x0, x1)) = self.row_span(y, bounds) else {
                continue;
            };
            let row = py * width;
            for px in x0..x1 {
                let x = px as f64 + 0.5;
                let w = self.edges.map(|e| e.at(x, y));
                if !(0..3).all(|i| self.edges[i].covers(w[i])) {
                    continue;
                }
                let src = self.shade(w, sampler);
                if let Some(pixel) = target.pixels.get_mut(row + px) {
                    *pixel = blend_over(*pixel, src);
                }
            }
        }
    }

    /// The columns of line `y` that may be inside, found from each edge's
    /// crossing (one pixel of slack: the exact test is per pixel).
    fn row_span(&self, y: f64, bounds: PixelRect) -> Option<(usize, usize)> {
        let (mut lo, mut hi) = (bounds.x0 as f64, bounds.x1 as f64);
        for edge in &self.edges {
            let (row, slope) = (edge.row(y), edge.slope());
            if slope > 0.0 {
                lo = lo.max((-row / slope - 0.5).floor() - 1.0);
            } else if slope < 0.0 {
                hi = hi.min((-row / slope - 0.5).ceil() + 2.0);
            } else if row < 0.0 {
                return None;
            }
        }
        let from = (lo.max(0.0) as usize).max(bounds.x0);
        let to = (hi.max(0.0) as usize).min(bounds.x1);
        (from < to).then_some((from, to))
    }

    /// The premultiplied colour (0..=1) this triangle puts at a point with edge values `w`.
    fn shade(&self, w: [f64; 3], sampler: &Sampler<'_>) -> [f32; 4] {
        let weights = w.map(|v| (v * self.inv_area) as f32);
        let [a, b, c] = &self.corners;
        let mix = |i: usize| weights[0] * a.color[i] + weights[1] * b.color[i] + weights[2] * c.color[i];
        let color = [mix(0), mix(1), mix(2), mix(3)];
        let texel = match self.flat_texel {
            Some(texel) => texel,
            None => {
                let uv = |i: usize| weights[0] * a.uv[i] + weights[1] * b.uv[i] + weights[2] * c.uv[i];
                sampler.sample([uv(0), uv(1)], self.filter)
            }
        };
        // As glow's shader: vertex colour times texel, both in gamma space.
        [0, 1, 2, 3].map(|i| color[i] * texel[i])
    }
}

/// Premultiplied "over" in gamma space, with glow's blend function:
/// colour `src + dst·(1 − src.a)`, alpha `src.a·(1 − dst.a) + dst.a`.
fn blend_over(dst: Color32, src: [f32; 4]) -> Color32 {
    if src == [0.0; 4] {
        return dst;
    }
    let keep = 1.0 - src[3];
    let [r, g, b, a] = dst.to_array().map(f32::from);
    // Rounds to nearest, as a GPU stores a float in an 8-bit channel; `as` saturates.
    let store = |v: f32| (v + 0.5) as u8;
    Color32::from_rgba_premultiplied(
        store(src[0] * 255.0 + r * keep),
        store(src[1] * 255.0 + g * keep),
        store(src[2] * 255.0 + b * keep),
        store(src[3] * (255.0 - a) + a),
    )
}

/// Reads a texture as a GPU sampler would, with egui's filter and wrap options.
struct Sampler<'a> {
    /// `None` for an unknown or empty texture: every sample is then white.
    texture: Option<&'a Texture>,
}

impl<'a> Sampler<'a> {
    fn new(texture: Option<&'a Texture>) -> Self {
        let texture = texture.filter(|t| t.image.size[0] > 0 && t.image.size[1] > 0);
        Self { texture }
    }

    /// Minification when a pixel covers more than one texel, as a GPU decides
    /// (per triangle here; mipmaps are not modelled).
    fn filter_for(&self, corners: &[Corner; 3], twice_area_px: f64) -> TextureFilter {
        let Some(texture) = self.texture else {
            return TextureFilter::Linear;
        };
        let [a, b, c] = corners.map(|c| c.uv.map(f64::from));
        let twice_area_uv = ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])).abs();
        let [w, h] = texture.image.size.map(|s| s as f64);
        if twice_area_uv * w * h > twice_area_px {
            texture.options.minification
        } else {
            texture.options.magnification
        }
    }

    /// The premultiplied texel colour (0..=1) at normalized `uv`.
    fn sample(&self, [u, v]: [f32; 2], filter: TextureFilter) -> [f32; 4] {
        let Some(texture) = self.texture else {
            return [1.0; 4];
        };
        let [w, h] = texture.image.size.map(|s| s as f32);
        let (x, y) = (u * w, v * h);
        match filter {
            TextureFilter::Nearest => self.texel(texture, x.floor() as i64, y.floor() as i64),
            TextureFilter::Linear => {
                // Texel centres are at +0.5: weights run between the four nearest centres.
                let (x, y) = (x - 0.5, y - 0.5);
                let (fx, fy) = (x - x.floor(), y - y.floor());
                let (i, j) = (x.floor() as i64, y.floor() as i64);
                let top = lerp(self.texel(texture, i, j), self.texel(texture, i + 1, j), fx);
                let bottom = lerp(
                    self.texel(texture, i, j + 1),
                    self.texel(texture, i + 1, j + 1),
                    fx,
                );
                lerp(top, bottom, fy)
            }
        }
    }

    fn texel(&self, texture: &Texture, i: i64, j: i64) -> [f32; 4] {
        let [w, h] = texture.image.size;
        let wrap = texture.options.wrap_mode;
        let index = wrap_index(i, w, wrap) + wrap_index(j, h, wrap) * w;
        texture
            .image
            .pixels
            .get(index)
            .map_or([0.0; 4], |c| c.to_array().map(|v| f32::from(v) / 255.0))
    }
}

fn lerp(a: [f32; 4], b: [f32; 4], t: f32) -> [f32; 4] {
    [0, 1, 2, 3].map(|i| a[i] + (b[i] - a[i]) * t)
}

/// A texel index wrapped into `0..size` (size > 0) as the wrap mode says.
fn wrap_index(i: i64, size: usize, wrap: TextureWrapMode) -> usize {
    let n = i64::try_from(size).unwrap_or(i64::MAX);
    let wrapped = match wrap {
        TextureWrapMode::ClampToEdge => i.clamp(0, n - 1),
        TextureWrapMode::Repeat => i.rem_euclid(n),
        TextureWrapMode::MirroredRepeat => {
            let m = i.rem_euclid(2 * n);
            if m < n { m } else { 2 * n - 1 - m }
        }
    };
    usize::try_from(wrapped).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{ImageData, Pos2, epaint::ImageDelta, pos2, vec2};

    const BACKGROUND: Color32 = Color32::from_rgb(0, 0, 255);

    fn rect_mesh(rect: Rect, texture: TextureId, color: Color32) -> Mesh {
        let mut mesh = Mesh::with_texture(texture);
        let full_uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        mesh.add_rect_with_uv(rect, full_uv, color);
        mesh
    }

    fn clipped(clip_rect: Rect, mesh: Mesh) -> ClippedPrimitive {
        ClippedPrimitive {
            clip_rect,
            primitive: Primitive::Mesh(mesh),
        }
    }

    fn at(image: &ColorImage, x: usize, y: usize) -> Color32 {
        image.pixels[y * image.size[0] + x]
    }

    fn textures_with(id: TextureId, image: ColorImage, options: TextureOptions) -> Textures {
        let mut delta = TexturesDelta::default();
        delta
            .set
            .insert(id, [ImageDelta::full(image, options)].into_iter().collect());
        let mut textures = Textures::new();
        textures.apply(&delta);
        delta.clear();
        textures
    }

    #[test]
    fn clip_rect_cuts_a_rectangle() {
        // Unknown texture: the mesh is drawn in its vertex colour.
        let rect = Rect::from_min_max(pos2(10.0, 10.0), pos2(50.0, 30.0));
        let clip = Rect::from_min_max(pos2(10.0, 10.0), pos2(30.0, 30.0));
        let mesh = rect_mesh(rect, TextureId::User(9), Color32::RED);
        let image = rasterize(
            &[clipped(clip, mesh)],
            &Textures::new(),
            [64, 48],
            1.0,
            BACKGROUND,
        );
        for y in 0..48 {
            for x in 0..64 {
                let inside = (10..30).contains(&x) && (10..30).contains(&y);
                let want = if inside { Color32::RED } else { BACKGROUND };
                assert_eq!(at(&image, x, y), want, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn half_transparent_colour_blends_over_once() {
        // A square at 2 pixels per point: its diagonal runs through pixel
        // centres, which must be blended once, not by both triangles.
        let rect = Rect::from_min_max(pos2(5.0, 5.0), pos2(15.0, 15.0));
        let color = Color32::from_rgba_unmultiplied(255, 0, 0, 128);
        let mesh = rect_mesh(rect, TextureId::User(9), color);
        let screen = Rect::from_min_size(Pos2::ZERO, vec2(40.0, 40.0));
        let image = rasterize(
            &[clipped(screen, mesh)],
            &Textures::new(),
            [80, 80],
            2.0,
            BACKGROUND,
        );
        // r = 128 + 0, b = 255 · (1 − 128/255) = 127, alpha stays opaque.
        for y in 10..30 {
            for x in 10..30 {
                let [r, g, b, a] = at(&image, x, y).to_array();
                assert!(r.abs_diff(128) <= 1 && g == 0, "pixel ({x}, {y}): {r} {g}");
                assert!(b.abs_diff(127) <= 1 && a == 255, "pixel ({x}, {y}): {b} {a}");
            }
        }
        assert_eq!(at(&image, 9, 15), BACKGROUND);
        assert_eq!(at(&image, 30, 15), BACKGROUND);
    }

    #[test]
    fn texture_colour_reaches_the_pixels() {
        let id = TextureId::User(1);
        let texels = vec![Color32::RED, Color32::GREEN, Color32::BLUE, Color32::WHITE];
        let image = ColorImage::new([2, 2], texels);
        let textures = textures_with(id, image, TextureOptions::LINEAR);
        let rect = Rect::from_min_max(Pos2::ZERO, pos2(20.0, 20.0));
        let gray = Color32::from_gray(128);
        let primitives = [clipped(rect, rect_mesh(rect, id, gray))];
        let out = rasterize(&primitives, &textures, [20, 20], 1.0, Color32::BLACK);
        // Near the corners the clamped bilinear sample is the corner texel, times 128/255.
        assert_eq!(at(&out, 1, 1), Color32::from_rgb(128, 0, 0));
        assert_eq!(at(&out, 18, 1), Color32::from_rgb(0, 128, 0));
        assert_eq!(at(&out, 1, 18), Color32::from_rgb(0, 0, 128));
        assert_eq!(at(&out, 18, 18), Color32::from_rgb(128, 128, 128));
        // Between red and green the two mix.
        let [r, g, _, _] = at(&out, 10, 1).to_array();
        assert!(r > 30 && g > 30 && r < 100 && g < 100, "{r} {g}");
    }

    #[test]
    fn nearest_filter_and_repeat_wrap_are_honoured() {
        let id = TextureId::User(2);
        let image = ColorImage::new([2, 1], vec![Color32::RED, Color32::GREEN]);
        let options = TextureOptions::NEAREST_REPEAT;
        let textures = textures_with(id, image, options);
        let rect = Rect::from_min_max(Pos2::ZERO, pos2(8.0, 2.0));
        let mut mesh = Mesh::with_texture(id);
        // u from 0 to 2: the two texels twice over, two pixels each.
        let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(2.0, 1.0));
        mesh.add_rect_with_uv(rect, uv, Color32::WHITE);
        let out = rasterize(&[clipped(rect, mesh)], &textures, [8, 2], 1.0, BACKGROUND);
        let row: Vec<Color32> = (0..8).map(|x| at(&out, x, 1)).collect();
        let (r, g) = (Color32::RED, Color32::GREEN);
        assert_eq!(row, [r, r, g, g, r, r, g, g]);
    }

    #[test]
    fn partial_update_changes_only_its_pixels() {
        let id = TextureId::Managed(0);
        let mut textures = textures_with(
            id,
            ColorImage::filled([4, 4], Color32::WHITE),
            TextureOptions::LINEAR,
        );
        let mut delta = TexturesDelta::default();
        let patch = ColorImage::filled([2, 1], Color32::RED);
        let corner = ColorImage::filled([2, 2], Color32::GREEN);
        let updates = [
            ImageDelta::partial([1, 2], patch, TextureOptions::LINEAR),
            // Hangs over the edge: only its top-left texel lands.
            ImageDelta::partial([3, 3], corner, TextureOptions::LINEAR),
        ];
        delta.set.insert(id, updates.into_iter().collect());
        textures.apply(&delta);
        delta.clear();
        let Some(image) = textures.get(id) else {
            panic!("texture was dropped by a partial update");
        };
        for y in 0..4 {
            for x in 0..4 {
                let want = match (x, y) {
                    (1 | 2, 2) => Color32::RED,
                    (3, 3) => Color32::GREEN,
                    _ => Color32::WHITE,
                };
                assert_eq!(at(image, x, y), want, "texel ({x}, {y})");
            }
        }
        assert_eq!(image.size, [4, 4]);
    }

    #[test]
    fn free_forgets_and_unknown_partial_is_ignored() {
        let id = TextureId::User(5);
        let mut textures = textures_with(
            id,
            ColorImage::filled([1, 1], Color32::RED),
            TextureOptions::LINEAR,
        );
        let mut delta = TexturesDelta::default();
        delta.free.insert(id);
        let patch = ImageData::Color(Arc::new(ColorImage::filled([1, 1], Color32::RED)));
        let update = ImageDelta::partial([0, 0], patch, TextureOptions::LINEAR);
        delta
            .set
            .insert(TextureId::User(6), [update].into_iter().collect());
        textures.apply(&delta);
        delta.clear();
        assert!(textures.get(id).is_none());
        assert!(textures.get(TextureId::User(6)).is_none());
    }

    #[test]
    fn callbacks_bad_indices_and_offscreen_triangles_do_no_harm() {
        let mut mesh = rect_mesh(
            Rect::from_min_max(pos2(-1e9, -5.0), pos2(1e9, 5.0)),
            TextureId::User(9),
            Color32::RED,
        );
        mesh.indices.extend([0, 1, 99]);
        let screen = Rect::from_min_size(Pos2::ZERO, vec2(10.0, 10.0));
        let out = rasterize(
            &[clipped(screen, mesh)],
            &Textures::new(),
            [10, 10],
            1.0,
            BACKGROUND,
        );
        assert_eq!(at(&out, 3, 2), Color32::RED);
        assert_eq!(at(&out, 3, 7), BACKGROUND);
    }
}
