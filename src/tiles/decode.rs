//! Encoded tile images (PNG, JPEG, WebP) to RGBA8 pixels, with a size cap so a hostile or broken
//! tile cannot make the viewer allocate gigabytes.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use super::TileId;

/// Largest tile width or height accepted (tiles are 256 or 512 pixels; "retina" 1024 at most).
pub const MAX_TILE_SIDE: u32 = 1024;

/// A decoded tile, ready to become a texture.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedTile {
    /// Which tile this is.
    pub id: TileId,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` RGBA pixels, not premultiplied, row by row from the top.
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for DecodedTile {
    // The pixels would flood test failure messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DecodedTile({} {}x{})", self.id, self.width, self.height)
    }
}

impl DecodedTile {
    /// The RGBA value of one pixel (`None` outside the image).
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        let p = self.rgba.get(i..i + 4)?;
        Some([p[0], p[1], p[2], p[3]])
    }
}

/// Why tile bytes are not a usable image.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not PNG, JPEG or WebP (an HTML error page, a vector tile, truncated data...).
    #[error("tile {id}: not a PNG, JPEG or WebP image")]
    UnknownFormat {
        /// The tile.
        id: TileId,
    },
    /// Larger than [`MAX_TILE_SIDE`] on a side.
    #[error("tile {id}: {width}x{height} image is larger than {MAX_TILE_SIDE}x{MAX_TILE_SIDE}")]
    TooLarge {
        /// The tile.
        id: TileId,
        /// Claimed width.
        width: u32,
        /// Claimed height.
        height: u32,
    },
    /// The image is corrupt.
    #[error("tile {id}: {source}")]
    Image {
        /// The tile.
        id: TileId,
        /// The decoder's error.
        source: image::ImageError,
    },
}

/// Decodes PNG, JPEG or WebP bytes (format sniffed from the content, not trusted from a name).
pub fn decode_tile(id: TileId, bytes: &[u8]) -> Result<DecodedTile, DecodeError> {
    let format = image::guess_format(bytes).map_err(|_| DecodeError::UnknownFormat { id })?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP) {
        return Err(DecodeError::UnknownFormat { id });
    }
    let image_err = |source| DecodeError::Image { id, source };
    // Check the header's size before decoding: the limits below would also refuse, but this
    // gives an error that says what was wrong.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(image_err)?;
    if width > MAX_TILE_SIDE || height > MAX_TILE_SIDE {
        return Err(DecodeError::TooLarge { id, width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_TILE_SIDE);
    limits.max_image_height = Some(MAX_TILE_SIDE);
    // RGBA of the largest tile, twice over for the decoder's own buffers.
    limits.max_alloc = Some(2 * 4 * u64::from(MAX_TILE_SIDE) * u64::from(MAX_TILE_SIDE));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let rgba = reader.decode().map_err(image_err)?.into_rgba8();
    Ok(DecodedTile {
        id,
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// Encodes a solid-colour PNG: test tiles whose colour says which tile they are.
#[cfg(test)]
pub(crate) fn solid_png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb(rgb));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: TileId = TileId { z: 1, x: 0, y: 1 };

    #[test]
    fn decodes_png_to_rgba() {
        let tile = decode_tile(ID, &solid_png(256, 256, [10, 200, 30])).unwrap();
        assert_eq!(
            (tile.width, tile.height, tile.rgba.len()),
            (256, 256, 256 * 256 * 4)
        );
        assert_eq!(tile.pixel(128, 255), Some([10, 200, 30, 255]));
        assert_eq!(tile.pixel(256, 0), None);
    }

    #[test]
    fn rejects_garbage_truncated_and_huge_images() {
        let err = decode_tile(ID, b"<html>Service unavailable</html>").unwrap_err();
        assert!(err.to_string().contains("tile 1/0/1"), "{err}");
        let png = solid_png(64, 64, [1, 2, 3]);
        assert!(decode_tile(ID, &png[..png.len() / 2]).is_err());
        assert!(decode_tile(ID, &[]).is_err());
        let err = decode_tile(ID, &solid_png(2048, 8, [0, 0, 0])).unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { width: 2048, .. }), "{err}");
        // A GIF is an image, but not a tile format we accept.
        assert!(decode_tile(ID, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").is_err());
    }
}
