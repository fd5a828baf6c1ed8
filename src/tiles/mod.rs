//! Raster map tiles without any UI: tile arithmetic, where tiles come from ([`TileSource`]: an
//! XYZ URL template, an MBTiles or a PMTiles package), the disk cache, decoding to RGBA, and
//! the background [`TileFetcher`]. The egui side lives in `map::tile_layer`.

pub mod cache;
pub mod decode;
pub mod fetcher;
pub mod http;
pub mod mbtiles;
pub mod pmtiles;
#[cfg(test)]
pub(crate) mod pmtiles_writer;
pub mod source;

pub use cache::{DiskCache, default_cache_dir};
pub use decode::{DecodedTile, decode_tile};
pub use fetcher::{FetcherConfig, TileFetcher, TileOutcome, TileResult, WakeFn};
pub use http::{HttpClient, HttpConfig};
pub use mbtiles::MbTiles;
pub use pmtiles::PmTiles;
pub use source::{OSM_TEMPLATE, SourceError, SourceInfo, TileSource, XYZ_DEFAULT_MAX_ZOOM};

/// The deepest zoom any source may claim: 2^24 tiles a side is ~2 m per pixel, far below what
/// the map shows, and it keeps every tile count and Hilbert id well inside `u32`/`u64`.
pub const MAX_ZOOM: u8 = 24;

/// One map tile in the XYZ ("Google") scheme: `y` counts down from the north edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom level: the world is 2^z tiles a side.
    pub z: u8,
    /// Column, 0 at 180° W.
    pub x: u32,
    /// Row, 0 at the north edge.
    pub y: u32,
}

impl TileId {
    /// A tile id, or `None` if `x`/`y` lie outside the 2^z × 2^z grid or `z` > [`MAX_ZOOM`].
    pub fn new(z: u8, x: u32, y: u32) -> Option<Self> {
        let id = Self { z, x, y };
        id.is_valid().then_some(id)
    }

    /// Whether the tile exists in the world grid (ids can be built by hand with bad fields).
    pub fn is_valid(&self) -> bool {
        self.z <= MAX_ZOOM && self.x < tiles_per_side(self.z) && self.y < tiles_per_side(self.z)
    }

    /// The tile one zoom level up that contains this one (`None` at zoom 0).
    pub fn parent(&self) -> Option<TileId> {
        (self.z > 0).then(|| TileId {
            z: self.z - 1,
            x: self.x / 2,
            y: self.y / 2,
        })
    }

    /// The world box this tile covers, as `(min_x, min_y, max_x, max_y)` in the unit square.
    pub fn world_rect(&self) -> (f64, f64, f64, f64) {
        let n = f64::from(tiles_per_side(self.z));
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        (x / n, y / n, (x + 1.0) / n, (y + 1.0) / n)
    }

    /// The row in the TMS scheme (MBTiles rows, `{-y}` templates): counted up from the south.
    pub fn tms_y(&self) -> u32 {
        tiles_per_side(self.z) - 1 - self.y.min(tiles_per_side(self.z) - 1)
    }
}

impl std::fmt::Display for TileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Tiles a side at zoom `z` (zooms past [`MAX_ZOOM`] count as [`MAX_ZOOM`]).
pub fn tiles_per_side(z: u8) -> u32 {
    1u32 << z.min(MAX_ZOOM)
}

/// The tiles at zoom `z` that overlap the world box, row by row, clamped to the world.
/// A box outside the world or with NaN corners yields nothing.
pub fn tiles_covering(min_x: f64, min_y: f64, max_x: f64, max_y: f64, z: u8) -> impl Iterator<Item = TileId> {
    let z = z.min(MAX_ZOOM);
    let n = tiles_per_side(z);
    let range = |a: f64, b: f64| -> Option<(u32, u32)> {
        let (lo, hi) = (a.min(b), a.max(b));
        // `!(..)` rather than `<`: NaN fails every comparison and must give an empty range.
        if !(hi > 0.0 && lo < 1.0) {
            return None;
        }
        let scaled = f64::from(n);
        let first = (lo.max(0.0) * scaled).floor() as u32;
        // A box ending exactly on a tile edge does not need the next tile.
        let last = ((hi.min(1.0) * scaled).ceil() as u32).saturating_sub(1);
        Some((first.min(n - 1), last.clamp(first.min(n - 1), n - 1)))
    };
    let cols = range(min_x, max_x);
    let rows = range(min_y, max_y);
    let (cols, rows) = match (cols, rows) {
        (Some(c), Some(r)) => (c, r),
        // An empty range on both axes: (1, 0) iterates nothing.
        _ => ((1, 0), (1, 0)),
    };
    (rows.0..=rows.1).flat_map(move |y| (cols.0..=cols.1).map(move |x| TileId { z, x, y }))
}

/// The zoom whose tiles, `tile_size` pixels wide, are drawn closest to one tile pixel per screen
/// pixel at `scale_points_per_world` points per world unit, clamped to `0..=max_zoom` (beyond the
/// source's deepest level the deepest tiles are stretched).
pub fn zoom_for_scale(
    scale_points_per_world: f64,
    pixels_per_point: f32,
    tile_size: u32,
    max_zoom: u8,
) -> u8 {
    let pixels_per_world = scale_points_per_world * f64::from(pixels_per_point);
    let ratio = pixels_per_world / f64::from(tile_size.max(1));
    if !(ratio.is_finite() && ratio > 0.0) {
        return 0;
    }
    // Rounding log2 picks the level drawn between 0.71× and 1.41× its native size.
    let z = ratio.log2().round();
    z.clamp(0.0, f64::from(max_zoom.min(MAX_ZOOM))) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(z: u8, x: u32, y: u32) -> TileId {
        TileId { z, x, y }
    }

    #[test]
    fn parent_and_world_rect() {
        assert_eq!(t(0, 0, 0).parent(), None);
        assert_eq!(t(3, 5, 2).parent(), Some(t(2, 2, 1)));
        assert_eq!(t(1, 1, 0).parent(), Some(t(0, 0, 0)));
        assert_eq!(t(0, 0, 0).world_rect(), (0.0, 0.0, 1.0, 1.0));
        assert_eq!(t(2, 1, 3).world_rect(), (0.25, 0.75, 0.5, 1.0));
        assert_eq!(t(2, 1, 3).tms_y(), 0);
        assert_eq!(t(2, 1, 0).tms_y(), 3);
        assert!(TileId::new(2, 4, 0).is_none());
        assert!(TileId::new(25, 0, 0).is_none());
        assert!(TileId::new(2, 3, 3).is_some());
    }

    #[test]
    fn covering_clamps_and_respects_edges() {
        let all: Vec<_> = tiles_covering(-1.0, -1.0, 2.0, 2.0, 1).collect();
        assert_eq!(all, vec![t(1, 0, 0), t(1, 1, 0), t(1, 0, 1), t(1, 1, 1)]);
        // Ends exactly on the x = 0.5 edge: the right-hand column is not needed.
        let left: Vec<_> = tiles_covering(0.0, 0.0, 0.5, 0.25, 2).collect();
        assert_eq!(left, vec![t(2, 0, 0), t(2, 1, 0)]);
        let inner: Vec<_> = tiles_covering(0.3, 0.3, 0.31, 0.31, 3).collect();
        assert_eq!(inner, vec![t(3, 2, 2)]);
        assert_eq!(tiles_covering(1.5, 0.0, 2.0, 1.0, 3).count(), 0);
        assert_eq!(tiles_covering(f64::NAN, 0.0, 1.0, 1.0, 3).count(), 0);
        // Swapped corners are the same box.
        assert_eq!(tiles_covering(0.31, 0.31, 0.3, 0.3, 3).count(), 1);
        assert_eq!(tiles_covering(0.0, 0.0, 1.0, 1.0, 4).count(), 256);
        // A deep zoom over a small box stays small (no 2^z loops).
        assert_eq!(tiles_covering(0.5, 0.5, 0.5 + 1e-7, 0.5 + 1e-7, 24).count(), 4);
    }

    #[test]
    fn zoom_for_scale_picks_native_size() {
        // 256 points per world unit at 1 pixel per point: the z0 tile is exactly native.
        assert_eq!(zoom_for_scale(256.0, 1.0, 256, 19), 0);
        assert_eq!(zoom_for_scale(256.0 * 64.0, 1.0, 256, 19), 6);
        // HiDPI doubles the pixels: one level deeper.
        assert_eq!(zoom_for_scale(256.0 * 64.0, 2.0, 256, 19), 7);
        // 512-pixel tiles: one level shallower.
        assert_eq!(zoom_for_scale(256.0 * 64.0, 1.0, 512, 19), 5);
        // Between levels: 6.4 rounds to 6, 6.6 to 7.
        assert_eq!(zoom_for_scale(256.0 * 6.4f64.exp2(), 1.0, 256, 19), 6);
        assert_eq!(zoom_for_scale(256.0 * 6.6f64.exp2(), 1.0, 256, 19), 7);
        assert_eq!(zoom_for_scale(256.0 * 30f64.exp2(), 1.0, 256, 12), 12);
        assert_eq!(zoom_for_scale(1.0, 1.0, 256, 19), 0);
        assert_eq!(zoom_for_scale(f64::NAN, 1.0, 256, 19), 0);
        assert_eq!(zoom_for_scale(-5.0, 1.0, 0, 19), 0);
    }
}
