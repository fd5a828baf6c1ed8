//! The on-disk tile cache: `<dir>/<source-key>/<z>/<x>/<y>.tile`, written atomically, so tiles
//! seen once are shown again without the network.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::TileId;

/// How old a cached tile may be before it is fetched again when online (offline it is served
/// anyway): OSM asks clients to keep tiles at least a week; a month suits a basemap.
pub const STALE_AFTER: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A disk cache failure, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Reading, writing or renaming a cache file failed.
    #[error("tile cache file {path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// A tile read from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTile {
    /// The encoded image, as the server sent it.
    pub bytes: Vec<u8>,
    /// Older than the cache's staleness limit: refetch when online.
    pub stale: bool,
}

/// The tile cache of one source.
#[derive(Debug, Clone)]
pub struct DiskCache {
    root: PathBuf,
    stale_after: Duration,
}

/// 64-bit FNV-1a: tiny, stable across versions and platforms (unlike `DefaultHasher`), which a
/// directory name that must survive upgrades needs.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

/// The tile cache directory: `tiles` in [`crate::cache_dir::user_cache_dir`].
pub fn default_cache_dir() -> Option<PathBuf> {
    crate::cache_dir::user_cache_dir("tiles")
}

/// Distinguishes temporary files of concurrent writers in one process (the pid covers others).
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl DiskCache {
    /// The cache of the source named `source_key` (see `TileSource::key`) under `dir`.
    pub fn new(dir: &Path, source_key: &str) -> Self {
        Self {
            root: dir.join(source_key),
            stale_after: STALE_AFTER,
        }
    }

    /// The same cache with another staleness limit.
    pub fn with_stale_after(mut self, stale_after: Duration) -> Self {
        self.stale_after = stale_after;
        self
    }

    /// Where a tile is kept.
    pub fn path(&self, id: TileId) -> PathBuf {
        self.root
            .join(id.z.to_string())
            .join(id.x.to_string())
            .join(format!("{}.tile", id.y))
    }

    /// The cached tile, `None` if there is none.
    pub fn get(&self, id: TileId) -> Result<Option<CachedTile>, CacheError> {
        let path = self.path(id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CacheError::Io { path, source }),
        };
        // An unreadable mtime (odd filesystems) counts as fresh: serving beats refetching.
        let age = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok());
        let stale = age.is_some_and(|a| a > self.stale_after);
        Ok(Some(CachedTile { bytes, stale }))
    }

    /// Stores a tile: written to a temporary file and renamed over the old one, so a reader (or
    /// a crash) never sees half a tile.
    pub fn put(&self, id: TileId, bytes: &[u8]) -> Result<(), CacheError> {
        let path = self.path(id);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CacheError::Io { path, source }
        };
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{}.{}.{n}.tmp", id.y, std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
        if let Err(source) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(CacheError::Io { path: tmp, source });
        }
        std::fs::rename(&tmp, &path).map_err(|source| {
            let _ = std::fs::remove_file(&tmp);
            CacheError::Io { path, source }
        })
    }

    /// Deletes a cached tile (e.g. one that no longer decodes); a missing file is not an error.
    pub fn remove(&self, id: TileId) -> Result<(), CacheError> {
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CacheError::Io { path, source: e }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(z: u8, x: u32, y: u32) -> TileId {
        TileId { z, x, y }
    }

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn put_get_remove_round_trip_with_layout() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path(), "abcd");
        let id = t(5, 17, 9);
        assert_eq!(cache.path(id), dir.path().join("abcd/5/17/9.tile"));
        assert_eq!(cache.get(id).unwrap(), None);
        cache.put(id, b"first").unwrap();
        cache.put(id, b"second").unwrap();
        let got = cache.get(id).unwrap().unwrap();
        assert_eq!(got.bytes, b"second");
        assert!(!got.stale);
        // Nothing but the tile is left behind: the temporary files were renamed away.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("abcd/5/17")).unwrap().collect();
        assert_eq!(names.len(), 1);
        cache.remove(id).unwrap();
        cache.remove(id).unwrap();
        assert_eq!(cache.get(id).unwrap(), None);
    }

    #[test]
    fn old_tiles_are_stale_and_write_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path(), "k").with_stale_after(Duration::ZERO);
        cache.put(t(0, 0, 0), b"x").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert!(cache.get(t(0, 0, 0)).unwrap().unwrap().stale);
        // A file where the z directory should be: creating the directory fails.
        std::fs::write(dir.path().join("k/1"), b"").unwrap();
        let err = cache.put(t(1, 0, 0), b"x").unwrap_err();
        assert!(err.to_string().contains("k/1"), "{err}");
    }
}
