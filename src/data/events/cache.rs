//! The event cache: each event file the window reads is kept, as read, in
//! the user's cache directory (never beside the file), so that opening it
//! again unchanged skips parsing it.
//!
//! An entry is used only when everything it was made from is the same: the
//! program (its version and the executable's size and time), the file (its
//! path, size, modification time and an xxHash3 of its bytes), what the user
//! said its fields are, the regions events are placed in, and the TimeMap
//! sources file. Anything else, or an entry that is truncated, corrupt or of
//! another format, is thrown away and the file read again, which writes a
//! fresh entry: the cache can make a load faster, never different.

use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use rayon::iter::{IntoParallelIterator, ParallelIterator};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::cache_codec::{Entry, Unusable, read_file, write_file};
use super::cache_spatial::SpatialParts;
use super::category::Categories;
use super::event::{Event, TextFile};
use super::read::{ColumnMapping, FileRead, FileSummary};
use crate::data::diagnostic::Diagnostic;
use crate::data::regions::RegionSet;

/// Files smaller than this are read as fast as an entry would be.
const MIN_BYTES: u64 = 8 << 20;
/// Entries beyond this many bytes in all are removed, oldest first (the
/// newest always stays).
const BUDGET_BYTES: u64 = 4 << 30;
/// The file name ending of an entry.
const ENTRY_EXTENSION: &str = "events";

/// Where the files read before are kept, and which are worth keeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCache {
    dir: PathBuf,
    min_bytes: u64,
    budget_bytes: u64,
}

/// What an entry must have been made from to be used, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    /// The entry's file.
    pub entry: PathBuf,
    /// Everything it was made from, as text (stored in the entry).
    pub text: String,
}

impl EventCache {
    /// The cache in `events` under the user's cache directory
    /// ([`crate::cache_dir::user_cache_dir`]), if there is one and
    /// `BORDERWATCH_EVENT_CACHE` is not `off`.
    pub fn user() -> Option<Self> {
        if std::env::var_os("BORDERWATCH_EVENT_CACHE").is_some_and(|v| v == "off") {
            return None;
        }
        crate::cache_dir::user_cache_dir("events").map(Self::new)
    }

    /// A cache in `dir`, for files of 8 MB or more, of 4 GB at most.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            min_bytes: MIN_BYTES,
            budget_bytes: BUDGET_BYTES,
        }
    }

    /// This cache keeping files of `bytes` or more.
    pub fn with_min_bytes(mut self, bytes: u64) -> Self {
        self.min_bytes = bytes;
        self
    }

    /// This cache removing its oldest entries beyond `bytes` in all.
    pub fn with_budget(mut self, bytes: u64) -> Self {
        self.budget_bytes = bytes;
        self
    }

    /// Where it keeps its entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of the file at `path` read with `mapping` into `regions`;
    /// `None` when it is too small to be worth keeping or cannot be read
    /// (the reader then says why).
    pub fn key(&self, path: &Path, mapping: &ColumnMapping, regions: &RegionSet) -> Option<CacheKey> {
        let path = std::fs::canonicalize(path).ok()?;
        if std::fs::metadata(&path).ok()?.len() < self.min_bytes {
            return None;
        }
        let source = stamp(&path)?;
        let catalog = match &mapping.timemap_sources {
            Some(catalog) => stamp(catalog)?.to_string(),
            None => "none".into(),
        };
        let mut name = twox_hash::XxHash3_64::new();
        name.write(format!("{}\n{mapping:?}", path.display()).as_bytes());
        let text = format!(
            "program {} {}\nfile {}\nsource {source}\nmapping {mapping:?}\nregions {:016x}\ncatalog {catalog}",
            env!("CARGO_PKG_VERSION"),
            program_stamp(),
            path.display(),
            regions.fingerprint(),
        );
        Some(CacheKey {
            entry: self.dir.join(format!("{:016x}.{ENTRY_EXTENSION}", name.finish())),
            text,
        })
    }

    /// The file read before under `key`, its events the load's `file_index`th
    /// file, its categories added to `categories`; `None` when there is no
    /// usable entry (a bad one is removed).
    pub fn load(&self, key: &CacheKey, file_index: u32, categories: &Categories) -> Option<FileRead> {
        let file = std::fs::File::open(&key.entry).ok()?;
        let len = file.metadata().ok()?.len();
        // When texts are kept out of memory, they are read from the entry
        // itself, not copied to the load's texts' file.
        let texts = TextFile::wanted()
            .then(|| file.try_clone().ok())
            .flatten()
            .map(|file| Arc::new(TextFile::existing(file, len)));
        let mut input = BufReader::with_capacity(1 << 20, file);
        match read_file(&mut input, len, &key.text, file_index, categories, texts.as_ref()) {
            Ok(read) => {
                log::info!("events read from the cache: {}", key.entry.display());
                Some(read)
            }
            Err(Unusable::Stale) => {
                log::info!("cache entry {} is stale; reading the file", key.entry.display());
                None
            }
            Err(why) => {
                log::warn!("cache entry {} is unusable ({why}); removed", key.entry.display());
                let _ = std::fs::remove_file(&key.entry);
                None
            }
        }
    }

    /// Keeps `entry` under `key`, then removes the oldest entries beyond the
    /// budget. A cache that cannot be written is only logged.
    fn store(&self, key: &CacheKey, entry: &Entry<'_>) {
        if let Err(error) = self.write_entry(key, entry) {
            log::warn!("could not write the cache entry {}: {error}", key.entry.display());
            return;
        }
        self.trim(&key.entry);
    }

    fn write_entry(&self, key: &CacheKey, entry: &Entry<'_>) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        // Written aside and renamed: a reader never sees half an entry.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let temporary = key.entry.with_extension(format!(
            "tmp.{}.{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = std::fs::File::create(&temporary).and_then(|out| {
            let mut out = BufWriter::with_capacity(1 << 20, out);
            write_file(&mut out, &key.text, entry)?;
            out.flush()
        });
        match written.and_then(|()| std::fs::rename(&temporary, &key.entry)) {
            Ok(()) => Ok(()),
            Err(error) => {
                let _ = std::fs::remove_file(&temporary);
                Err(error)
            }
        }
    }

    /// Removes the oldest entries while they add up to more than the budget,
    /// never `keep`, and what writers stopped half-way left.
    fn trim(&self, keep: &Path) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
        for found in dir.filter_map(Result::ok) {
            let (path, Ok(meta)) = (found.path(), found.metadata()) else {
                continue;
            };
            let Ok(modified) = meta.modified() else {
                continue;
            };
            if path.extension().is_some_and(|x| x == ENTRY_EXTENSION) {
                entries.push((modified, meta.len(), path));
            } else if path.to_string_lossy().contains(".tmp.")
                && modified.elapsed().is_ok_and(|age| age.as_secs() > 3600)
            {
                // Left by a program stopped while writing, an hour or more ago.
                let _ = std::fs::remove_file(&path);
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        let mut total = 0;
        for (_, size, path) in entries {
            total += size;
            if total > self.budget_bytes && path != keep {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// A file read from disk in a load, to keep in the cache once the load is done.
#[derive(Debug, Clone)]
pub struct PendingEntry {
    /// Its key, made before it was read.
    pub key: CacheKey,
    /// Its index among the load's files.
    pub file_index: u32,
    /// Its rejected records and warnings, as read.
    pub messages: Vec<Diagnostic>,
    /// What reading it found.
    pub summary: FileSummary,
    /// How many events it gave.
    pub count: usize,
}

/// The files of a load to keep in the cache, written from the finished set.
#[derive(Debug, Clone, Default)]
pub struct CacheWrites {
    /// The cache, if the load had one.
    pub cache: Option<EventCache>,
    /// The files read from disk.
    pub entries: Vec<PendingEntry>,
}

impl CacheWrites {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.cache.is_none() || self.entries.is_empty()
    }

    /// Writes each file's entry from the load's finished set (its `events`
    /// and `categories`): its events in the set's order (newest first), which the sort of a load
    /// from the entry then finds in place. A file with events missing from
    /// the set (an id given twice in it, or replaced by a later file) is not
    /// kept: its entry could not give the same load again. With every id
    /// once in the file, the order its events are merged in changes nothing.
    /// `spatial`, the map's spatial index of the set, is kept with a file
    /// that is the whole set: opened alone again, it needs no new index.
    pub fn write(&self, events: &[Event], categories: &Categories, spatial: Option<SpatialParts<'_>>) {
        let Some(cache) = &self.cache else {
            return;
        };
        let all = events.len();
        for pending in &self.entries {
            let count = events
                .iter()
                .filter(|e| e.origin.file == pending.file_index)
                .count();
            if count != pending.count {
                log::info!(
                    "not cached: {} (ids given twice or replaced by a later file)",
                    pending.key.entry.display()
                );
                continue;
            }
            let whole_set = self.entries.len() == 1 && count == all;
            let entry = Entry {
                events,
                file: pending.file_index,
                messages: &pending.messages,
                summary: pending.summary,
                categories,
                spatial: spatial.filter(|_| whole_set),
            };
            cache.store(&pending.key, &entry);
        }
    }
}

/// A file's size, modification time and content hash.
struct Stamp {
    size: u64,
    modified_ns: u128,
    hash: u64,
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} bytes, modified {} ns, xxh3 {:016x}",
            self.size, self.modified_ns, self.hash
        )
    }
}

/// Bytes of a file hashed as one piece of its stamp: the pieces are read
/// and hashed on every core.
const STAMP_PIECE: u64 = 32 << 20;

/// The stamp of the file at `path`: its bytes are read once, fast, in
/// pieces on every core; the hash is that of the pieces' hashes in order.
fn stamp(path: &Path) -> Option<Stamp> {
    stamp_in_pieces(path, STAMP_PIECE)
}

/// [`stamp`], hashing pieces of `piece` bytes.
fn stamp_in_pieces(path: &Path, piece: u64) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified_ns = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let size = meta.len();
    let pieces = (0..size.div_ceil(piece))
        .into_par_iter()
        .map(|at| {
            let start = at * piece;
            hash_piece(path, start, piece.min(size - start))
        })
        .collect::<Option<Vec<u64>>>()?;
    let mut hasher = twox_hash::XxHash3_64::new();
    for piece in pieces {
        hasher.write(&piece.to_le_bytes());
    }
    Some(Stamp {
        size,
        modified_ns,
        hash: hasher.finish(),
    })
}

/// The hash of `len` bytes of the file at `path` from `start`; `None` when
/// they cannot all be read (the file was cut short meanwhile).
fn hash_piece(path: &Path, start: u64, len: u64) -> Option<u64> {
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut hasher = twox_hash::XxHash3_64::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = buffer.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let bytes = buffer.get_mut(..n)?;
        file.read_exact(bytes).ok()?;
        hasher.write(bytes);
        left -= n as u64;
    }
    Some(hasher.finish())
}

/// The running program's size and modification time: a rebuilt program may
/// read files differently, so its entries are not used.
fn program_stamp() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|meta| {
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} bytes {modified} ns", meta.len())
        })
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_changes_with_any_piece_and_with_their_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("events.json");
        // Six pieces of 16 bytes and a short seventh.
        let text: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
        std::fs::write(&path, &text).expect("written");
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        let stamp_of = |bytes: &[u8]| {
            std::fs::write(&path, bytes).expect("written");
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(modified))
                .expect("time put back");
            stamp_in_pieces(&path, 16).expect("stamped").to_string()
        };
        let first = stamp_of(&text);
        assert!(first.starts_with("100 bytes"), "{first}");
        assert_eq!(stamp_of(&text), first, "the same bytes, the same stamp");
        for at in [0, 17, 63, 95, 96, 99] {
            let mut edited = text.clone();
            edited[at] ^= 1;
            assert_ne!(stamp_of(&edited), first, "byte {at} changed");
        }
        // Two pieces swapped: each piece's hash is the same, their order not.
        let mut swapped = text.clone();
        swapped[..32].rotate_left(16);
        assert_ne!(stamp_of(&swapped), first, "pieces swapped");
    }
}
