//! The raster basemap: asks the [`TileFetcher`] for the tiles a view needs, turns finished ones
//! into textures (a bounded LRU), and paints them under the map's other layers. A tile not
//! loaded yet is drawn from the nearest loaded ancestor, so zooming in is never blank.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Color32, ColorImage, Painter, Rect, TextureHandle, TextureOptions, pos2};

use crate::geometry::{WorldPoint, WorldRect};
use crate::map::view::Viewport;
use crate::tiles::{TileFetcher, TileId, TileOutcome, TileSource, tiles_covering, zoom_for_scale};

/// Textures kept by default: 512 tiles of 256² RGBA is 128 MiB of GPU memory at most.
pub const DEFAULT_CAPACITY: usize = 512;
/// How long a failed tile is left alone before it is asked for again.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Ancestor levels searched for a stand-in (2^6 = 64× magnification is already a blur).
const MAX_FALLBACK_LEVELS: u8 = 6;
/// More tiles than any screen shows at native size; a cap against odd viewports.
const MAX_VISIBLE_TILES: usize = 1024;

enum TileState {
    /// Requested; no answer yet.
    Loading,
    /// Drawn from this texture.
    Loaded(TextureHandle),
    /// The source has no such tile: not asked again.
    Missing,
    /// Loading failed at this time: asked again after the retry delay.
    Failed(Instant),
}

impl std::fmt::Debug for TileState {
    // `TextureHandle` has no `Debug`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Loading => write!(f, "Loading"),
            Self::Loaded(texture) => write!(f, "Loaded({:?})", texture.id()),
            Self::Missing => write!(f, "Missing"),
            Self::Failed(at) => write!(f, "Failed({at:?})"),
        }
    }
}

#[derive(Debug)]
struct Slot {
    state: TileState,
    /// The frame that last drew or wanted this tile, for LRU eviction.
    last_used: u64,
}

/// Raster tiles under the map: owns the fetcher and the tile textures.
#[derive(Debug)]
pub struct TileLayer {
    fetcher: TileFetcher,
    max_zoom: u8,
    tile_size: u32,
    capacity: usize,
    retry_after: Duration,
    tiles: HashMap<TileId, Slot>,
    frame: u64,
    /// What the fetcher was last asked for, to ask again only when it changes.
    requested: Vec<TileId>,
    last_error: Option<String>,
}

impl TileLayer {
    /// A layer drawing tiles from `fetcher`, whose source has tiles down to `max_zoom`.
    pub fn new(fetcher: TileFetcher, max_zoom: u8) -> Self {
        Self {
            fetcher,
            max_zoom,
            tile_size: 256,
            capacity: DEFAULT_CAPACITY,
            retry_after: DEFAULT_RETRY_AFTER,
            tiles: HashMap::new(),
            frame: 0,
            requested: Vec::new(),
            last_error: None,
        }
    }

    /// A layer for `source`, which has tiles down to `max_zoom` (from its [`TileSource::info`],
    /// read once by the caller), whose finished tiles trigger a repaint of `ctx`.
    pub fn from_source(
        ctx: &egui::Context,
        source: TileSource,
        max_zoom: u8,
        cache_dir: Option<PathBuf>,
        online: bool,
    ) -> Self {
        let fetcher = TileFetcher::new(source, cache_dir, online);
        let ctx = ctx.clone();
        fetcher.set_wake(Box::new(move || ctx.request_repaint()));
        Self::new(fetcher, max_zoom)
    }

    /// Tile width in pixels (256 by default; 512 for "retina" servers).
    pub fn with_tile_size(mut self, pixels: u32) -> Self {
        self.tile_size = pixels.max(1);
        self
    }

    /// The most textures kept (at least those of one view are always kept).
    pub fn with_capacity(mut self, textures: usize) -> Self {
        self.capacity = textures;
        self
    }

    /// How long a failed tile waits before it is asked for again.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = delay;
        self
    }

    /// Textures currently held.
    pub fn texture_count(&self) -> usize {
        self.tiles
            .values()
            .filter(|s| matches!(s.state, TileState::Loaded(_)))
            .count()
    }

    /// The latest tile failure (names the URL or file), for a status line.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// Forgets every tile (e.g. after the cache was cleared); they load again as needed.
    pub fn clear(&mut self) {
        self.tiles.clear();
        self.requested.clear();
        self.fetcher.request(&[]);
    }

    /// Paints the tiles visible in `viewport` with `tint` (`Color32::WHITE` as is; a grey dims,
    /// e.g. for the dark theme; `gamma_multiply` makes them translucent). Requests the tiles it
    /// lacks and returns whether any are still loading.
    pub fn paint(
        &mut self,
        ctx: &egui::Context,
        painter: &Painter,
        viewport: &Viewport,
        pixels_per_point: f32,
        tint: Color32,
    ) -> bool {
        self.frame += 1;
        self.receive(ctx);
        let z = zoom_for_scale(viewport.scale(), pixels_per_point, self.tile_size, self.max_zoom);
        let wanted = visible_tiles(&viewport.visible_world(), z);
        let mut to_request = Vec::new();
        for &id in &wanted {
            if self.wants_request(id) {
                to_request.push(id);
            }
            self.draw(painter, viewport, id, tint);
        }
        if to_request != self.requested {
            // Tiles the fetcher will now drop unloaded must be asked for again if seen again.
            let asked: HashSet<TileId> = to_request.iter().copied().collect();
            self.tiles
                .retain(|id, slot| !matches!(slot.state, TileState::Loading) || asked.contains(id));
            self.fetcher.request(&to_request);
            self.requested = to_request;
        }
        self.evict();
        !self.requested.is_empty()
    }

    /// Turns finished tiles into textures or remembered failures.
    fn receive(&mut self, ctx: &egui::Context) {
        for result in self.fetcher.poll() {
            let id = result.id;
            let state = match result.outcome {
                TileOutcome::Ok(tile) => {
                    let (w, h) = (tile.width as usize, tile.height as usize);
                    if w.checked_mul(h).and_then(|n| n.checked_mul(4)) == Some(tile.rgba.len()) {
                        let image = ColorImage::from_rgba_unmultiplied([w, h], &tile.rgba);
                        TileState::Loaded(ctx.load_texture(
                            format!("tile {id}"),
                            image,
                            TextureOptions::LINEAR,
                        ))
                    } else {
                        self.last_error = Some(format!("tile {id}: pixel buffer does not match {w}x{h}"));
                        TileState::Failed(Instant::now())
                    }
                }
                TileOutcome::Missing => TileState::Missing,
                TileOutcome::Failed(message) => {
                    log::debug!("{message}");
                    self.last_error = Some(message);
                    TileState::Failed(Instant::now())
                }
            };
            let last_used = self.frame;
            self.tiles.insert(id, Slot { state, last_used });
        }
        // Requested tiles that just finished no longer count as pending.
        let tiles = &self.tiles;
        self.requested.retain(|id| {
            tiles
                .get(id)
                .is_some_and(|s| matches!(s.state, TileState::Loading))
        });
    }

    /// Marks a visible tile used; whether it must be (or still is being) fetched.
    fn wants_request(&mut self, id: TileId) -> bool {
        let frame = self.frame;
        let slot = self.tiles.entry(id).or_insert(Slot {
            state: TileState::Loading,
            last_used: frame,
        });
        slot.last_used = frame;
        match slot.state {
            TileState::Loading => true,
            TileState::Loaded(_) | TileState::Missing => false,
            TileState::Failed(at) if at.elapsed() >= self.retry_after => {
                slot.state = TileState::Loading;
                true
            }
            TileState::Failed(_) => false,
        }
    }

    /// Draws the tile, or the part of its nearest loaded ancestor that covers it.
    fn draw(&mut self, painter: &Painter, viewport: &Viewport, id: TileId, tint: Color32) {
        let (min_x, min_y, max_x, max_y) = id.world_rect();
        let rect = viewport.world_rect_to_screen(&WorldRect {
            min: WorldPoint::new(min_x, min_y),
            max: WorldPoint::new(max_x, max_y),
        });
        let mut source = id;
        for level in 0..=MAX_FALLBACK_LEVELS {
            if let Some(slot) = self.tiles.get_mut(&source)
                && let TileState::Loaded(texture) = &slot.state
            {
                slot.last_used = self.frame;
                painter.image(texture.id(), rect, sub_uv(id, level), tint);
                return;
            }
            match source.parent() {
                Some(parent) => source = parent,
                None => return,
            }
        }
    }

    /// Drops the least recently used textures over the capacity (never those drawn this frame),
    /// and old missing/failed records over four times the capacity.
    fn evict(&mut self) {
        let frame = self.frame;
        let loaded = self.texture_count();
        if loaded > self.capacity {
            let victims = oldest(&self.tiles, loaded - self.capacity, |s| {
                matches!(s.state, TileState::Loaded(_)) && s.last_used < frame
            });
            for id in victims {
                self.tiles.remove(&id);
            }
        }
        let records = self.tiles.len() - self.texture_count();
        let limit = self.capacity.saturating_mul(4).max(64);
        if records > limit {
            let victims = oldest(&self.tiles, records - limit, |s| {
                matches!(s.state, TileState::Missing | TileState::Failed(_)) && s.last_used < frame
            });
            for id in victims {
                self.tiles.remove(&id);
            }
        }
    }
}

/// Up to `count` ids of slots matching `eligible`, least recently used first.
fn oldest(tiles: &HashMap<TileId, Slot>, count: usize, eligible: impl Fn(&Slot) -> bool) -> Vec<TileId> {
    let mut candidates: Vec<(u64, TileId)> = tiles
        .iter()
        .filter(|(_, s)| eligible(s))
        .map(|(id, s)| (s.last_used, *id))
        .collect();
    candidates.sort_unstable();
    candidates.into_iter().take(count).map(|(_, id)| id).collect()
}

/// The texture coordinates of tile `id` inside its ancestor `levels` zooms up.
fn sub_uv(id: TileId, levels: u8) -> Rect {
    let n = f64::from(1u32 << levels);
    let fx = f64::from(id.x % (1 << levels));
    let fy = f64::from(id.y % (1 << levels));
    Rect::from_min_max(
        pos2((fx / n) as f32, (fy / n) as f32),
        pos2(((fx + 1.0) / n) as f32, ((fy + 1.0) / n) as f32),
    )
}

/// The tiles at zoom `z` covering `visible`, nearest the centre first so they load first.
fn visible_tiles(visible: &WorldRect, z: u8) -> Vec<TileId> {
    let (min, max) = (visible.min, visible.max);
    let mut tiles: Vec<TileId> = tiles_covering(min.x, min.y, max.x, max.y, z).collect();
    let (cx, cy) = ((min.x + max.x) / 2.0, (min.y + max.y) / 2.0);
    let distance = |id: &TileId| {
        let (x0, y0, x1, y1) = id.world_rect();
        let (dx, dy) = ((x0 + x1) / 2.0 - cx, (y0 + y1) / 2.0 - cy);
        dx * dx + dy * dy
    };
    tiles.sort_by(|a, b| distance(a).total_cmp(&distance(b)));
    tiles.truncate(MAX_VISIBLE_TILES);
    tiles
}

#[cfg(test)]
mod tests;
