//! Runs an egui UI without a window and paints each frame with [`rasterize`].

use std::time::Duration;

use egui::{Color32, ColorImage, Context, FullOutput, Pos2, RawInput, Rect, Ui, Vec2, ViewportId};

use super::raster::{Textures, rasterize};

/// Passes per frame unless [`Renderer::with_max_passes`] says otherwise: enough
/// for the first frame's text and layout to settle, not so many that an
/// always-animating UI (a spinner) costs much.
const DEFAULT_MAX_PASSES: usize = 4;

/// One headless egui context and its textures, kept across frames so that an
/// animation of many frames lays out fonts and uploads the atlas only once.
///
/// The caller styles it through [`Self::context`] (visuals, fonts, zoom):
/// the renderer itself leaves the style alone.
pub struct Renderer {
    ctx: Context,
    textures: Textures,
    size_points: Vec2,
    pixels_per_point: f32,
    max_passes: usize,
    background: Option<Color32>,
}

impl Renderer {
    /// A renderer for images of `size_points` points at `pixels_per_point`
    /// (2.0 gives a "retina" image of twice as many pixels each way).
    pub fn new(size_points: Vec2, pixels_per_point: f32) -> Self {
        Self {
            ctx: Context::default(),
            textures: Textures::new(),
            size_points,
            pixels_per_point,
            max_passes: DEFAULT_MAX_PASSES,
            background: None,
        }
    }

    /// Paints under the UI with `color` (premultiplied) instead of the
    /// visuals' panel fill, which is what shows where no panel covers the image.
    pub fn with_background(mut self, color: Color32) -> Self {
        self.background = Some(color);
        self
    }

    /// At most `passes` (at least 1) runs of the UI per frame while egui asks
    /// for an immediate repaint.
    pub fn with_max_passes(mut self, passes: usize) -> Self {
        self.max_passes = passes.max(1);
        self
    }

    /// The egui context, to set visuals, fonts or memory before a frame.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The size of the images [`Self::frame`] returns, in pixels.
    pub fn size_px(&self) -> [usize; 2] {
        let px = (self.size_points * self.pixels_per_point).round();
        // Saturating casts: a negative or NaN size gives an empty image.
        [px.x.max(0.0) as usize, px.y.max(0.0) as usize]
    }

    /// Runs `ui` on the root [`Ui`] (as `eframe::App::ui` is) and paints the result.
    ///
    /// `ui` may run several times: again while egui asks for an immediate
    /// repaint (a fresh context needs that for text and first layout), up to
    /// the pass limit. It gets no input events, so it must be free of effects
    /// that should happen once.
    pub fn frame(&mut self, mut ui: impl FnMut(&mut Ui)) -> ColorImage {
        self.frame_pass(|ctx| ctx.root_ui(|root| ui(root)))
    }

    /// Like [`Self::frame`], for UI code that takes the [`Context`] and adds
    /// its panels through [`Context::root_ui`].
    pub fn frame_pass(&mut self, mut run: impl FnMut(&Context)) -> ColorImage {
        let mut output = self.ctx.run_pass(self.raw_input(), &mut run);
        for _ in 1..self.max_passes {
            if !wants_immediate_repaint(&output) {
                break;
            }
            // Nothing is painted between passes, so frees may be applied at once.
            self.textures.apply(&output.textures_delta);
            output.textures_delta.clear();
            output = self.ctx.run_pass(self.raw_input(), &mut run);
        }
        self.paint(output)
    }

    fn paint(&mut self, mut output: FullOutput) -> ColorImage {
        let pixels_per_point = output.pixels_per_point;
        self.textures.set(&output.textures_delta);
        let shapes = std::mem::take(&mut output.shapes);
        let primitives = self.ctx.tessellate(shapes, pixels_per_point);
        let background = self
            .background
            .unwrap_or_else(|| self.ctx.global_style().visuals.panel_fill);
        let image = rasterize(
            &primitives,
            &self.textures,
            self.size_px(),
            pixels_per_point,
            background,
        );
        // egui frees after painting; clearing keeps the delta's debug check quiet.
        self.textures.free(&output.textures_delta);
        output.textures_delta.clear();
        image
    }

    fn raw_input(&self) -> RawInput {
        let mut input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, self.size_points)),
            ..RawInput::default()
        };
        if let Some(viewport) = input.viewports.get_mut(&ViewportId::ROOT) {
            viewport.native_pixels_per_point = Some(self.pixels_per_point);
        }
        input
    }
}

/// Whether egui wants another pass right away (not at some later time).
fn wants_immediate_repaint(output: &FullOutput) -> bool {
    output
        .viewport_output
        .get(&ViewportId::ROOT)
        .is_some_and(|viewport| viewport.repaint_delay == Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{CentralPanel, RichText, Visuals, vec2};

    fn luma(c: Color32) -> u32 {
        let [r, g, b, _] = c.to_array();
        (u32::from(r) * 3 + u32::from(g) * 6 + u32::from(b)) / 10
    }

    /// The "Belgorod" label on a light panel, where it was laid out (points),
    /// the panel's fill and the text colour.
    fn render_label(pixels_per_point: f32) -> (ColorImage, Rect, [Color32; 2]) {
        let mut renderer = Renderer::new(vec2(320.0, 160.0), pixels_per_point);
        renderer.context().set_visuals(Visuals::light());
        let mut label_rect = Rect::NOTHING;
        let image = renderer.frame(|ui| {
            CentralPanel::default().show(ui, |ui| {
                label_rect = ui.label(RichText::new("Belgorod").size(40.0)).rect;
            });
        });
        let visuals = &renderer.context().global_style().visuals;
        (image, label_rect, [visuals.panel_fill, visuals.text_color()])
    }

    #[test]
    fn first_frame_already_shows_text() {
        let (image, label, [fill, text]) = render_label(1.0);
        assert_eq!(image.size, [320, 160]);
        assert!(label.width() > 100.0 && label.height() > 30.0, "{label:?}");
        let pixel = |x: usize, y: usize| image.pixels[y * 320 + x];
        let in_label: Vec<Color32> = (label.min.y as usize..label.max.y as usize)
            .flat_map(|y| (label.min.x as usize..label.max.x as usize).map(move |x| (x, y)))
            .map(|(x, y)| pixel(x, y))
            .collect();
        let dark = in_label.iter().filter(|&&c| luma(c) < 128).count();
        // The glyph strokes of eight 40-point letters cover hundreds of pixels.
        assert!(dark > 500, "only {dark} dark pixels in the label");
        // Glyphs, not boxes: most of the label's rectangle is still the panel,
        // and the strokes' edges are smoothed by the atlas's coverage.
        assert!(dark < in_label.len() / 4, "{dark} of {} dark", in_label.len());
        let (lo, hi) = (luma(text) + 10, luma(fill) - 10);
        let edges = in_label.iter().filter(|&&c| (lo..hi).contains(&luma(c))).count();
        assert!(edges > 200, "only {edges} anti-aliased pixels");
        // Inside the strokes the text colour itself: not inverted, not darkened.
        let text_rgb = text.to_array();
        let exact = |c: &&Color32| c.to_array().iter().zip(text_rgb).all(|(a, b)| a.abs_diff(b) <= 2);
        assert!(
            in_label.iter().filter(exact).count() > 100,
            "text {text:?} not found"
        );
        let darkest = in_label.iter().map(|&c| luma(c)).min().unwrap_or(255);
        assert!(
            darkest + 3 >= luma(text),
            "darker than the text colour: {darkest}"
        );
        // Far below and right of the label: nothing but the panel.
        for y in 120..160 {
            for x in 240..320 {
                assert_eq!(pixel(x, y), fill, "pixel ({x}, {y})");
            }
        }
        assert!(image.pixels.iter().any(|&c| c != fill));
    }

    #[test]
    fn image_size_follows_pixels_per_point() {
        let (image, label, _) = render_label(2.0);
        assert_eq!(image.size, [640, 320]);
        // The label is in points; at 2 px/pt its middle row has dark pixels.
        let y = (label.center().y * 2.0) as usize;
        let x_range = (label.min.x * 2.0) as usize..(label.max.x * 2.0) as usize;
        assert!(x_range.map(|x| image.pixels[y * 640 + x]).any(|c| luma(c) < 128));
    }

    #[test]
    fn frames_reuse_the_context() {
        let mut renderer = Renderer::new(vec2(64.0, 48.0), 1.0).with_background(Color32::BLACK);
        let mut runs = 0;
        for _ in 0..3 {
            let image = renderer.frame(|_| runs += 1);
            // Nothing drawn: the background shows everywhere.
            assert!(image.pixels.iter().all(|&c| c == Color32::BLACK));
        }
        assert!((3..=3 * DEFAULT_MAX_PASSES).contains(&runs), "{runs}");
    }

    /// Writes the label render where `BORDERWATCH_RENDER_CHECK` says, to look at.
    #[test]
    fn label_png_for_a_look() -> Result<(), Box<dyn std::error::Error>> {
        let Some(path) = std::env::var_os("BORDERWATCH_RENDER_CHECK") else {
            return Ok(());
        };
        let (image, _, _) = render_label(2.0);
        super::super::write_png(&image, std::fs::File::create(path)?)?;
        Ok(())
    }
}
