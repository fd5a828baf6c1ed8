//! Image files from rendered frames: an endlessly looping animated GIF,
//! written one frame at a time, and single PNGs (a report page, or one file
//! per frame for a PNG sequence).

use std::io::Write;

use egui::ColorImage;

/// NeuQuant's sampling factor, 1 (best) to 30 (fastest). At 10 (the gif
/// crate's suggested compromise) it learns the palette from every tenth
/// pixel: a 1280×800 map frame quantizes well under half a second, and flat
/// UI colours still come out clean. Frames of at most 256 colours skip
/// NeuQuant and keep their exact colours.
const QUANTIZE_SPEED: i32 = 10;

/// Why an image or animation could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The destination refused the bytes.
    #[error("could not write the image: {0}")]
    Io(#[from] std::io::Error),
    /// The PNG encoder failed.
    #[error("could not encode the PNG: {0}")]
    Png(#[from] png::EncodingError),
    /// The GIF encoder failed.
    #[error("could not encode the GIF: {0}")]
    Gif(#[from] gif::EncodingError),
    /// A frame's size differs from the animation's.
    #[error("frame is {frame:?} pixels, the animation {animation:?}")]
    FrameSize {
        /// Width and height of the pushed frame.
        frame: [usize; 2],
        /// Width and height given to [`GifWriter::new`].
        animation: [usize; 2],
    },
    /// The size is empty or too large for the format.
    #[error("cannot encode an image of {0:?} pixels in this format")]
    ImageSize([usize; 2]),
}

/// Streams frames into an animated GIF that loops forever, each frame shown
/// for the same delay and quantized to its own 256-colour palette.
pub struct GifWriter<W: Write> {
    encoder: gif::Encoder<W>,
    size: [usize; 2],
    delay_centiseconds: u16,
    /// Reused between frames: the unpremultiplied bytes the quantizer reads.
    rgba: Vec<u8>,
}

impl<W: Write> GifWriter<W> {
    /// Starts a GIF of `width`×`height` pixels (each 1..=65535) on `w`,
    /// showing each frame for `delay_centiseconds` hundredths of a second.
    pub fn new(w: W, width: usize, height: usize, delay_centiseconds: u16) -> Result<Self, RenderError> {
        let (gif_w, gif_h) = gif_size([width, height])?;
        // No global palette: each frame brings its own.
        let mut encoder = gif::Encoder::new(w, gif_w, gif_h, &[])?;
        encoder.set_repeat(gif::Repeat::Infinite)?;
        Ok(Self {
            encoder,
            size: [width, height],
            delay_centiseconds,
            rgba: Vec::new(),
        })
    }

    /// Appends one frame; it must have the size given to [`Self::new`].
    pub fn push(&mut self, image: &ColorImage) -> Result<(), RenderError> {
        if image.size != self.size || image.pixels.len() != self.size[0] * self.size[1] {
            return Err(RenderError::FrameSize {
                frame: image.size,
                animation: self.size,
            });
        }
        let (w, h) = gif_size(self.size)?;
        fill_unmultiplied(image, &mut self.rgba);
        // Sizes were checked above, so the quantizer's length assertion holds.
        let mut frame = gif::Frame::from_rgba_speed(w, h, &mut self.rgba, QUANTIZE_SPEED);
        frame.delay = self.delay_centiseconds;
        // Transparent pixels show the background, not the previous frame.
        frame.dispose = gif::DisposalMethod::Background;
        self.encoder.write_frame(&frame)?;
        Ok(())
    }

    /// Writes the GIF's trailer and hands back the writer.
    pub fn finish(self) -> Result<W, RenderError> {
        Ok(self.encoder.into_inner()?)
    }
}

/// A size as GIF's 16-bit width and height, neither of them zero.
fn gif_size(size: [usize; 2]) -> Result<(u16, u16), RenderError> {
    match size.map(u16::try_from) {
        [Ok(w), Ok(h)] if w > 0 && h > 0 => Ok((w, h)),
        _ => Err(RenderError::ImageSize(size)),
    }
}

/// Writes `image` as an 8-bit RGBA PNG, its premultiplied colours turned back
/// into the straight alpha PNG stores.
pub fn write_png(image: &ColorImage, w: impl Write) -> Result<(), RenderError> {
    let [width, height] = image.size;
    let (Ok(png_w), Ok(png_h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(RenderError::ImageSize(image.size));
    };
    if width == 0 || height == 0 || image.pixels.len() != width * height {
        return Err(RenderError::ImageSize(image.size));
    }
    let mut rgba = Vec::new();
    fill_unmultiplied(image, &mut rgba);
    let mut encoder = png::Encoder::new(w, png_w, png_h);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgba)?;
    writer.finish()?;
    Ok(())
}

/// Replaces `out` with the image's pixels as straight (unpremultiplied) RGBA bytes.
fn fill_unmultiplied(image: &ColorImage, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(image.pixels.len() * 4);
    out.extend(image.pixels.iter().flat_map(|c| c.to_srgba_unmultiplied()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Color32;
    use std::io::Cursor;

    fn close(a: [u8; 4], b: [u8; 4]) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 8)
    }

    #[test]
    fn gif_has_every_frame_and_loops() -> Result<(), Box<dyn std::error::Error>> {
        let colors = [
            Color32::from_rgb(200, 30, 40),
            Color32::from_rgb(20, 160, 60),
            Color32::from_rgb(30, 40, 220),
        ];
        let mut writer = GifWriter::new(Vec::new(), 64, 48, 25)?;
        for color in colors {
            let mut image = ColorImage::filled([64, 48], color);
            // A second colour, so the palette is more than one entry.
            image.pixels[0] = Color32::WHITE;
            writer.push(&image)?;
        }
        let bytes = writer.finish()?;

        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(Cursor::new(bytes))?;
        assert_eq!((decoder.width(), decoder.height()), (64, 48));
        let mut centres = Vec::new();
        while let Some(frame) = decoder.read_next_frame()? {
            assert_eq!((frame.width, frame.height, frame.delay), (64, 48, 25));
            let i = (24 * 64 + 32) * 4;
            centres.push([0, 1, 2, 3].map(|k| frame.buffer[i + k]));
        }
        assert_eq!(decoder.repeat(), gif::Repeat::Infinite);
        assert_eq!(centres.len(), 3);
        for (centre, color) in centres.iter().zip(colors) {
            assert!(close(*centre, color.to_array()), "{centre:?} vs {color:?}");
        }
        Ok(())
    }

    #[test]
    fn gif_refuses_a_frame_of_another_size() -> Result<(), RenderError> {
        let mut writer = GifWriter::new(Vec::new(), 64, 48, 10)?;
        let wrong = ColorImage::filled([48, 64], Color32::RED);
        assert!(matches!(writer.push(&wrong), Err(RenderError::FrameSize { .. })));
        assert!(matches!(
            GifWriter::new(Vec::new(), 70_000, 10, 10),
            Err(RenderError::ImageSize(_))
        ));
        Ok(())
    }

    #[test]
    fn png_round_trip_unmultiplies() -> Result<(), Box<dyn std::error::Error>> {
        let mut image = ColorImage::filled([5, 3], Color32::from_rgb(10, 20, 30));
        // Half-transparent orange, stored premultiplied.
        let orange = Color32::from_rgba_unmultiplied(250, 120, 0, 128);
        image.pixels[5 + 2] = orange;
        let mut bytes = Vec::new();
        write_png(&image, &mut bytes)?;

        let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info()?;
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader.next_frame(&mut buf)?;
        assert_eq!((info.width, info.height), (5, 3));
        assert_eq!(info.color_type, png::ColorType::Rgba);
        assert_eq!(&buf[..4], &[10, 20, 30, 255]);
        let i = (5 + 2) * 4;
        assert!(close(
            [buf[i], buf[i + 1], buf[i + 2], buf[i + 3]],
            [250, 120, 0, 128]
        ));
        Ok(())
    }
}
