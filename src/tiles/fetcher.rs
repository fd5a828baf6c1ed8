//! Loads tiles off the UI thread. The UI says which tiles the current view wants ([`request`],
//! replacing what it wanted before) and collects finished ones ([`poll`]) without blocking.
//!
//! [`request`]: TileFetcher::request
//! [`poll`]: TileFetcher::poll

use std::collections::{HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::cache::{DiskCache, STALE_AFTER};
use super::decode::{DecodedTile, decode_tile};
use super::http::{HttpClient, HttpConfig};
use super::mbtiles::MbTiles;
use super::pmtiles::PmTiles;
use super::{TileId, TileSource};

/// Called after each finished tile (the app passes `ctx.request_repaint`).
pub type WakeFn = Box<dyn Fn() + Send + Sync>;

/// What became of a requested tile.
#[derive(Debug)]
pub enum TileOutcome {
    /// Decoded and ready to draw.
    Ok(DecodedTile),
    /// The source has no such tile (404, absent from a package, offline and not cached).
    Missing,
    /// Something went wrong; the message names the URL or file.
    Failed(String),
}

/// A finished tile.
#[derive(Debug)]
pub struct TileResult {
    /// The tile.
    pub id: TileId,
    /// What became of it.
    pub outcome: TileOutcome,
}

/// Settings of a fetcher beyond its source.
#[derive(Debug, Clone)]
pub struct FetcherConfig {
    /// HTTP settings (timeouts; tests shorten them).
    pub http: HttpConfig,
    /// Download threads, i.e. concurrent connections: OSM's policy allows 2.
    pub http_workers: usize,
    /// Age after which a cached tile is refetched when online.
    pub stale_after: Duration,
}

impl Default for FetcherConfig {
    fn default() -> Self {
        Self {
            http: HttpConfig::default(),
            http_workers: 2,
            stale_after: STALE_AFTER,
        }
    }
}

/// Loads one tile; each worker thread owns one.
trait Backend: Send {
    fn load(&mut self, id: TileId) -> TileOutcome;
}

/// The queue the UI fills and the workers drain.
#[derive(Default)]
struct Queue {
    pending: VecDeque<TileId>,
    in_flight: HashSet<TileId>,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    wake: Mutex<Option<Arc<dyn Fn() + Send + Sync>>>,
}

impl Shared {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        // A worker cannot panic while holding the lock (no user code runs under it), but if
        // one did the queue is still consistent: keep going rather than cascade the panic.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next tile to load, or `None` once the fetcher is dropped.
    fn next(&self) -> Option<TileId> {
        let mut queue = self.queue();
        loop {
            if queue.closed {
                return None;
            }
            if let Some(id) = queue.pending.pop_front() {
                queue.in_flight.insert(id);
                return Some(id);
            }
            queue = self.ready.wait(queue).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Loads tiles of one source on background threads.
pub struct TileFetcher {
    shared: Arc<Shared>,
    results: Receiver<TileResult>,
}

impl std::fmt::Debug for TileFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileFetcher").finish_non_exhaustive()
    }
}

impl TileFetcher {
    /// A fetcher with default settings. `cache_dir` is the tile cache root (the source gets its
    /// own sub-directory); `online: false` serves only what is cached (packages are local files
    /// and are always read).
    pub fn new(source: TileSource, cache_dir: Option<PathBuf>, online: bool) -> Self {
        Self::with_config(source, cache_dir, online, FetcherConfig::default())
    }

    /// A fetcher with explicit settings.
    pub fn with_config(
        source: TileSource,
        cache_dir: Option<PathBuf>,
        online: bool,
        config: FetcherConfig,
    ) -> Self {
        let backends: Vec<Box<dyn Backend>> = match source {
            TileSource::Xyz { template } => {
                let client = HttpClient::new(&config.http);
                let cache = cache_dir.map(|dir| {
                    let key = TileSource::Xyz {
                        template: template.clone(),
                    }
                    .key();
                    DiskCache::new(&dir, &key).with_stale_after(config.stale_after)
                });
                (0..config.http_workers.max(1))
                    .map(|_| {
                        Box::new(XyzBackend {
                            template: template.clone(),
                            client: client.clone(),
                            cache: cache.clone(),
                            online,
                        }) as Box<dyn Backend>
                    })
                    .collect()
            }
            TileSource::MbTiles(path) => vec![Box::new(PackageBackend::MbTiles(path, None))],
            TileSource::PmTiles(path) => vec![Box::new(PackageBackend::PmTiles(path, None))],
        };
        Self::spawn(backends)
    }

    fn spawn(backends: Vec<Box<dyn Backend>>) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            wake: Mutex::new(None),
        });
        let (tx, results) = channel();
        for (i, backend) in backends.into_iter().enumerate() {
            let (shared, tx) = (Arc::clone(&shared), tx.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("tile-fetch-{i}"))
                .spawn(move || worker(&shared, backend, &tx));
            if let Err(e) = spawned {
                // Fewer workers only slows loading; with none, requests stay pending (no tiles).
                log::warn!("could not start tile worker thread: {e}");
            }
        }
        Self { shared, results }
    }

    /// Sets the function called after each finished tile.
    pub fn set_wake(&self, wake: WakeFn) {
        *self.shared.wake.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::from(wake));
    }

    /// The tiles the current view wants, most important first. Replaces earlier requests:
    /// pending tiles not listed again are dropped unfetched; tiles being loaded finish.
    pub fn request(&self, ids: &[TileId]) {
        let mut queue = self.shared.queue();
        let mut seen = HashSet::new();
        let wanted: VecDeque<TileId> = ids
            .iter()
            .copied()
            .filter(|id| id.is_valid() && !queue.in_flight.contains(id) && seen.insert(*id))
            .collect();
        queue.pending = wanted;
        drop(queue);
        self.shared.ready.notify_all();
    }

    /// Tiles finished since the last call; never blocks.
    pub fn poll(&self) -> Vec<TileResult> {
        self.results.try_iter().collect()
    }

    /// How many tiles are queued or being loaded.
    pub fn busy(&self) -> usize {
        let queue = self.shared.queue();
        queue.pending.len() + queue.in_flight.len()
    }
}

impl Drop for TileFetcher {
    fn drop(&mut self) {
        // Workers see `closed` when they next look for work; one in the middle of a download
        // finishes it (bounded by the HTTP timeout), finds the channel closed and exits.
        // Not joined: dropping must not stall the UI for that download.
        self.shared.queue().closed = true;
        self.shared.ready.notify_all();
    }
}

fn worker(shared: &Shared, mut backend: Box<dyn Backend>, tx: &Sender<TileResult>) {
    while let Some(id) = shared.next() {
        // Backends return errors rather than panic; this is a last line of defence so one bad
        // tile (e.g. a decoder bug) cannot silently stop a worker for the rest of the session.
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| backend.load(id)))
            .unwrap_or_else(|_| TileOutcome::Failed(format!("tile {id}: loader panicked")));
        shared.queue().in_flight.remove(&id);
        if tx.send(TileResult { id, outcome }).is_err() {
            return;
        }
        let wake = shared.wake.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(wake) = wake {
            wake();
        }
    }
}

/// Tiles from a tile server, through the disk cache.
struct XyzBackend {
    template: String,
    client: HttpClient,
    cache: Option<DiskCache>,
    online: bool,
}

impl XyzBackend {
    /// The cached tile decoded, with whether it is stale. Undecodable files are deleted so
    /// they are fetched again rather than failing forever.
    fn cached(&self, id: TileId) -> Option<(DecodedTile, bool)> {
        let cache = self.cache.as_ref()?;
        let cached = match cache.get(id) {
            Ok(c) => c?,
            Err(e) => {
                log::warn!("{e}");
                return None;
            }
        };
        match decode_tile(id, &cached.bytes) {
            Ok(tile) => Some((tile, cached.stale)),
            Err(e) => {
                log::warn!("dropping corrupt cached tile {}: {e}", cache.path(id).display());
                let _ = cache.remove(id);
                None
            }
        }
    }
}

impl Backend for XyzBackend {
    fn load(&mut self, id: TileId) -> TileOutcome {
        let stale = match self.cached(id) {
            Some((tile, false)) => return TileOutcome::Ok(tile),
            Some((tile, true)) if !self.online => return TileOutcome::Ok(tile),
            Some((tile, true)) => Some(tile),
            None if !self.online => return TileOutcome::Missing,
            None => None,
        };
        let url = super::source::expand_template(&self.template, id);
        match self.client.get(&url) {
            Ok(Some(bytes)) => match decode_tile(id, &bytes) {
                Ok(tile) => {
                    if let Some(cache) = &self.cache
                        && let Err(e) = cache.put(id, &bytes)
                    {
                        log::warn!("{e}");
                    }
                    TileOutcome::Ok(tile)
                }
                Err(e) => stale.map_or_else(|| TileOutcome::Failed(format!("{url}: {e}")), TileOutcome::Ok),
            },
            Ok(None) => {
                // The server no longer has it: forget the stale copy too.
                if let Some(cache) = &self.cache {
                    let _ = cache.remove(id);
                }
                TileOutcome::Missing
            }
            // Offline-ish (timeouts, DNS): an old tile beats a hole in the map.
            Err(e) => stale.map_or_else(|| TileOutcome::Failed(e.to_string()), TileOutcome::Ok),
        }
    }
}

/// Tiles from a package file, opened on the worker thread on first use (opening reads the
/// file, which must not happen on the UI thread) and again after a failure.
enum PackageBackend {
    MbTiles(PathBuf, Option<MbTiles>),
    PmTiles(PathBuf, Option<PmTiles>),
}

impl Backend for PackageBackend {
    fn load(&mut self, id: TileId) -> TileOutcome {
        let bytes = match self {
            Self::MbTiles(path, open) => open_then(open, || MbTiles::open(path), |pkg| pkg.tile(id)),
            Self::PmTiles(path, open) => open_then(open, || PmTiles::open(path), |pkg| pkg.tile(id)),
        };
        match bytes {
            Ok(Some(bytes)) => match decode_tile(id, &bytes) {
                Ok(tile) => TileOutcome::Ok(tile),
                Err(e) => TileOutcome::Failed(format!("{}: {e}", self.path().display())),
            },
            Ok(None) => TileOutcome::Missing,
            Err(e) => TileOutcome::Failed(e),
        }
    }
}

impl PackageBackend {
    fn path(&self) -> &std::path::Path {
        match self {
            Self::MbTiles(path, _) | Self::PmTiles(path, _) => path,
        }
    }
}

/// Runs `read` on the open package, opening it first if needed.
fn open_then<P, E: std::fmt::Display>(
    slot: &mut Option<P>,
    open: impl FnOnce() -> Result<P, E>,
    read: impl FnOnce(&mut P) -> Result<Option<Vec<u8>>, E>,
) -> Result<Option<Vec<u8>>, String> {
    if slot.is_none() {
        *slot = Some(open().map_err(|e| e.to_string())?);
    }
    match slot.as_mut() {
        Some(pkg) => read(pkg).map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests;
