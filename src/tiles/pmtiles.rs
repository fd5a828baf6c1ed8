//! PMTiles v3 archives (one file: header, directories of Hilbert-ordered tile ids, tile data),
//! read with seeks so a multi-gigabyte archive is never loaded whole. Every offset and length
//! read from the file is checked against the file before anything is allocated.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{MAX_ZOOM, TileId};

/// Size of the fixed header at the start of every archive.
pub const HEADER_LEN: usize = 127;
/// Largest directory accepted, compressed or not (a leaf of 4096+ entries is ~20 KB).
const MAX_DIRECTORY_BYTES: u64 = 32 * 1024 * 1024;
/// Largest JSON metadata accepted.
const MAX_METADATA_BYTES: u64 = 8 * 1024 * 1024;
/// Largest tile accepted, compressed or not.
const MAX_TILE_BYTES: u64 = 8 * 1024 * 1024;
/// Root plus leaves: the spec discourages more than one leaf level; 4 allows some slack.
const MAX_DEPTH: usize = 4;
/// Leaf directories kept decoded; a view touches a handful.
const LEAF_CACHE_SIZE: usize = 64;

/// A PMTiles failure, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum PmTilesError {
    /// Opening, seeking or reading the file failed.
    #[error("PMTiles {path}: {source}")]
    Io {
        /// The archive.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a well-formed PMTiles v3 archive.
    #[error("PMTiles {path}: {reason}")]
    Invalid {
        /// The archive.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A valid archive this reader cannot use.
    #[error("PMTiles {path}: {what} is not supported")]
    Unsupported {
        /// The archive.
        path: PathBuf,
        /// The feature, e.g. "brotli compression".
        what: String,
    },
    /// The archive holds vector tiles.
    #[error("PMTiles {path}: vector tiles are not supported: use a raster package")]
    Vector {
        /// The archive.
        path: PathBuf,
    },
}

/// Compression of directories, metadata or tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Stored as is.
    None,
    /// gzip.
    Gzip,
}

/// A byte range of the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// First byte, from the start of the file.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
}

/// The parts of the header this reader uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The root directory.
    pub root: Section,
    /// The JSON metadata.
    pub metadata: Section,
    /// All leaf directories.
    pub leaves: Section,
    /// All tile data.
    pub data: Section,
    /// Compression of directories and metadata.
    pub internal_compression: Compression,
    /// Compression of each tile.
    pub tile_compression: Compression,
    /// Tile type byte: 2 PNG, 3 JPEG, 4 WebP (0 unknown is accepted and sniffed when decoding).
    pub tile_type: u8,
    /// Shallowest zoom with tiles.
    pub min_zoom: u8,
    /// Deepest zoom with tiles.
    pub max_zoom: u8,
}

/// One directory entry: a run of tiles sharing one blob, or (run length 0) a leaf directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// First tile id covered.
    pub tile_id: u64,
    /// Offset in the tile data (tiles) or leaf directory (leaves) section.
    pub offset: u64,
    /// Length in bytes, > 0.
    pub length: u64,
    /// Number of consecutive tile ids sharing the blob; 0 for a leaf directory.
    pub run_length: u64,
}

/// The PMTiles tile id: tiles of all shallower zooms come first, then the Hilbert curve index
/// of (x, y) at this zoom. Ids of invalid tiles are meaningless but computed without panicking.
pub fn zxy_to_tile_id(id: TileId) -> u64 {
    let z = u32::from(id.z.min(MAX_ZOOM));
    // 1 + 4 + ... + 4^(z-1) = (4^z - 1) / 3.
    let base = ((1u64 << (2 * z)) - 1) / 3;
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(id.x) % n, u64::from(id.y) % n);
    let mut d = 0;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant so the sub-curve has the standard orientation.
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    base + d
}

/// The tile of a PMTiles tile id (`None` past [`MAX_ZOOM`]).
pub fn tile_id_to_zxy(tile_id: u64) -> Option<TileId> {
    let mut z = 0u8;
    let mut base = 0u64;
    loop {
        let count = 1u64 << (2 * u32::from(z));
        if tile_id < base + count {
            break;
        }
        base += count;
        z += 1;
        if z > MAX_ZOOM {
            return None;
        }
    }
    let n = 1u64 << z;
    let mut t = tile_id - base;
    let (mut x, mut y) = (0u64, 0u64);
    let mut s = 1u64;
    while s < n {
        let rx = 1 & (t / 2);
        let ry = 1 & (t ^ rx);
        if ry == 0 {
            if rx == 1 {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        x += s * rx;
        y += s * ry;
        t /= 4;
        s *= 2;
    }
    TileId::new(z, u32::try_from(x).ok()?, u32::try_from(y).ok()?)
}

/// Reads one little-endian base-128 varint from the front of `buf`, advancing it.
pub fn read_varint(buf: &mut &[u8]) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some((&byte, rest)) = buf.split_first() else {
            return Err("directory ends inside a number".into());
        };
        *buf = rest;
        let bits = u64::from(byte & 0x7f);
        if shift == 63 && bits > 1 {
            return Err("number in directory overflows 64 bits".into());
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("number in directory is longer than 10 bytes".into())
}

/// Decodes an (already decompressed) directory.
pub fn decode_directory(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let mut buf = bytes;
    let count = read_varint(&mut buf)?;
    // Each entry takes at least four bytes (one per field): a larger count is corrupt, and
    // checking it first keeps a flipped bit from allocating an enormous vector.
    if count > (buf.len() / 4) as u64 {
        return Err(format!(
            "directory claims {count} entries in {} bytes",
            bytes.len()
        ));
    }
    let count = count as usize;
    let mut entries = Vec::with_capacity(count);
    let mut tile_id = 0u64;
    for _ in 0..count {
        tile_id = tile_id
            .checked_add(read_varint(&mut buf)?)
            .ok_or("tile id in directory overflows")?;
        entries.push(Entry {
            tile_id,
            offset: 0,
            length: 0,
            run_length: 0,
        });
    }
    for e in &mut entries {
        e.run_length = read_varint(&mut buf)?;
    }
    for e in &mut entries {
        e.length = read_varint(&mut buf)?;
        if e.length == 0 {
            return Err(format!("directory entry for tile id {} has length 0", e.tile_id));
        }
    }
    let mut next = 0u64;
    for (i, e) in entries.iter_mut().enumerate() {
        let value = read_varint(&mut buf)?;
        // 0 means "right after the previous entry"; anything else is offset + 1.
        e.offset = if value == 0 && i > 0 {
            next
        } else {
            value.saturating_sub(1)
        };
        next = e
            .offset
            .checked_add(e.length)
            .ok_or("offset in directory overflows")?;
    }
    Ok(entries)
}

/// The entry covering `tile_id`: the last one starting at or before it (the caller checks the
/// run length; a leaf entry covers everything up to the next entry).
fn find_entry(entries: &[Entry], tile_id: u64) -> Option<&Entry> {
    let after = entries.partition_point(|e| e.tile_id <= tile_id);
    entries.get(after.checked_sub(1)?)
}

fn compression(byte: u8, what: &str) -> Result<Compression, String> {
    match byte {
        1 => Ok(Compression::None),
        2 => Ok(Compression::Gzip),
        3 => Err(format!("brotli {what} compression")),
        4 => Err(format!("zstd {what} compression")),
        other => Err(format!("{what} compression {other}")),
    }
}

/// Why a header is unusable; split so that "not supported" and "corrupt" read differently.
enum HeaderProblem {
    Invalid(String),
    Unsupported(String),
    Vector,
}

/// Parses and checks the header against the file's length.
fn parse_header(h: &[u8; HEADER_LEN], file_len: u64) -> Result<Header, HeaderProblem> {
    use HeaderProblem::{Invalid, Unsupported};
    if &h[..7] != b"PMTiles" {
        return Err(Invalid("not a PMTiles archive (no PMTiles magic number)".into()));
    }
    if h[7] != 3 {
        return Err(Unsupported(format!("PMTiles version {}", h[7])));
    }
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&h[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let section = |at: usize, name: &str| {
        let s = Section {
            offset: u64_at(at),
            length: u64_at(at + 8),
        };
        match s.offset.checked_add(s.length) {
            Some(end) if end <= file_len => Ok(s),
            _ => Err(Invalid(format!(
                "{name} section runs past the end of the file (truncated?)"
            ))),
        }
    };
    let (root, metadata) = (section(8, "root directory")?, section(24, "metadata")?);
    let (leaves, data) = (section(40, "leaf directory")?, section(56, "tile data")?);
    // An unknown (0) tile compression is read as none: the decoder sniffs images anyway.
    let tile_compression = if h[98] == 0 {
        Ok(Compression::None)
    } else {
        compression(h[98], "tile")
    };
    let header = Header {
        root,
        metadata,
        leaves,
        data,
        internal_compression: compression(h[97], "internal").map_err(Unsupported)?,
        tile_compression: tile_compression.map_err(Unsupported)?,
        tile_type: h[99],
        min_zoom: h[100],
        max_zoom: h[101],
    };
    match header.tile_type {
        0 | 2 | 3 | 4 => Ok(header),
        1 | 6 => Err(HeaderProblem::Vector),
        5 => Err(Unsupported("AVIF tile type".into())),
        other => Err(Invalid(format!("unknown tile type {other}"))),
    }
}

/// Decompresses at most `limit` bytes of output (a small gzip can expand enormously).
fn decompress(bytes: Vec<u8>, compression: Compression, limit: u64) -> Result<Vec<u8>, String> {
    match compression {
        Compression::None => Ok(bytes),
        Compression::Gzip => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .take(limit + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("gzip data is corrupt: {e}"))?;
            if out.len() as u64 > limit {
                return Err(format!("gzip data expands past {limit} bytes"));
            }
            Ok(out)
        }
    }
}

/// An open PMTiles archive. Reads need `&mut self` (one file cursor): use it from one thread.
#[derive(Debug)]
pub struct PmTiles {
    path: PathBuf,
    file: File,
    file_len: u64,
    header: Header,
    root: Arc<Vec<Entry>>,
    /// Decoded leaf directories by offset in the leaf section.
    leaves: HashMap<u64, Arc<Vec<Entry>>>,
    attribution: Option<String>,
}

impl PmTiles {
    /// Opens an archive: reads and checks the header, the root directory and the metadata.
    pub fn open(path: &Path) -> Result<Self, PmTilesError> {
        let io = |source| PmTilesError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        if file_len < HEADER_LEN as u64 {
            return Err(PmTilesError::Invalid {
                path: path.to_path_buf(),
                reason: format!("{file_len} bytes is shorter than the {HEADER_LEN}-byte header"),
            });
        }
        let mut raw = [0u8; HEADER_LEN];
        file.read_exact(&mut raw).map_err(io)?;
        let header = parse_header(&raw, file_len).map_err(|p| match p {
            HeaderProblem::Invalid(reason) => PmTilesError::Invalid {
                path: path.to_path_buf(),
                reason,
            },
            HeaderProblem::Unsupported(what) => PmTilesError::Unsupported {
                path: path.to_path_buf(),
                what,
            },
            HeaderProblem::Vector => PmTilesError::Vector {
                path: path.to_path_buf(),
            },
        })?;
        let mut archive = Self {
            path: path.to_path_buf(),
            file,
            file_len,
            header,
            root: Arc::new(Vec::new()),
            leaves: HashMap::new(),
            attribution: None,
        };
        let root = archive.header.root;
        archive.root = Arc::new(archive.read_directory(root, "root directory")?);
        archive.attribution = archive.read_attribution()?;
        Ok(archive)
    }

    /// The archive file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parsed header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The deepest zoom level, from the header.
    pub fn max_zoom(&self) -> u8 {
        self.header.max_zoom.min(MAX_ZOOM)
    }

    /// The `attribution` of the JSON metadata, if any.
    pub fn attribution(&self) -> Option<&str> {
        self.attribution.as_deref()
    }

    /// The encoded tile (decompressed if the archive gzips tiles), `None` if absent.
    pub fn tile(&mut self, id: TileId) -> Result<Option<Vec<u8>>, PmTilesError> {
        if !id.is_valid() {
            return Ok(None);
        }
        let tile_id = zxy_to_tile_id(id);
        let mut directory = Arc::clone(&self.root);
        for _ in 0..MAX_DEPTH {
            let Some(entry) = find_entry(&directory, tile_id).copied() else {
                return Ok(None);
            };
            if entry.run_length == 0 {
                directory = self.leaf(entry)?;
                continue;
            }
            if tile_id - entry.tile_id >= entry.run_length {
                return Ok(None);
            }
            let data = self.header.data;
            let range = self.sub_section(data, entry, "tile")?;
            let bytes = self.read_section(range, MAX_TILE_BYTES, "tile")?;
            let tile = decompress(bytes, self.header.tile_compression, MAX_TILE_BYTES)
                .map_err(|e| self.invalid(format!("tile {id}: {e}")))?;
            return Ok(Some(tile));
        }
        Err(self.invalid(format!("leaf directories nested deeper than {MAX_DEPTH} levels")))
    }

    fn leaf(&mut self, entry: Entry) -> Result<Arc<Vec<Entry>>, PmTilesError> {
        if let Some(leaf) = self.leaves.get(&entry.offset) {
            return Ok(Arc::clone(leaf));
        }
        let range = self.sub_section(self.header.leaves, entry, "leaf directory")?;
        let leaf = Arc::new(self.read_directory(range, "leaf directory")?);
        if self.leaves.len() >= LEAF_CACHE_SIZE {
            // Any victim will do: views move slowly and a miss costs one small read.
            if let Some(&victim) = self.leaves.keys().next() {
                self.leaves.remove(&victim);
            }
        }
        self.leaves.insert(entry.offset, Arc::clone(&leaf));
        Ok(leaf)
    }

    /// The file range of an entry inside its section, checked to lie within the section.
    fn sub_section(&self, section: Section, entry: Entry, what: &str) -> Result<Section, PmTilesError> {
        match entry.offset.checked_add(entry.length) {
            Some(end) if end <= section.length => Ok(Section {
                offset: section.offset + entry.offset,
                length: entry.length,
            }),
            _ => Err(self.invalid(format!(
                "{what} at offset {} (length {}) lies outside its section",
                entry.offset, entry.length
            ))),
        }
    }

    fn read_directory(&mut self, section: Section, what: &str) -> Result<Vec<Entry>, PmTilesError> {
        if section.length == 0 {
            return Ok(Vec::new());
        }
        let bytes = self.read_section(section, MAX_DIRECTORY_BYTES, what)?;
        let bytes = decompress(bytes, self.header.internal_compression, MAX_DIRECTORY_BYTES)
            .map_err(|e| self.invalid(format!("{what}: {e}")))?;
        decode_directory(&bytes).map_err(|e| self.invalid(format!("{what}: {e}")))
    }

    /// The metadata's `attribution`. Metadata that is not a JSON object only loses the
    /// attribution: the tiles are still usable.
    fn read_attribution(&mut self) -> Result<Option<String>, PmTilesError> {
        let section = self.header.metadata;
        if section.length == 0 {
            return Ok(None);
        }
        let bytes = self.read_section(section, MAX_METADATA_BYTES, "metadata")?;
        let Ok(json) = decompress(bytes, self.header.internal_compression, MAX_METADATA_BYTES) else {
            return Ok(None);
        };
        let value: Option<serde_json::Value> = serde_json::from_slice(&json).ok();
        let text = value.as_ref().and_then(|v| v.get("attribution")?.as_str());
        Ok(text.map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned))
    }

    /// Reads a byte range after checking it against the file and `limit`.
    fn read_section(&mut self, section: Section, limit: u64, what: &str) -> Result<Vec<u8>, PmTilesError> {
        let in_file = section
            .offset
            .checked_add(section.length)
            .is_some_and(|end| end <= self.file_len);
        if !in_file {
            return Err(self.invalid(format!("{what} runs past the end of the file")));
        }
        if section.length > limit {
            return Err(self.invalid(format!("{what} of {} bytes is over {limit}", section.length)));
        }
        let mut buf = vec![0u8; section.length as usize];
        let read = self
            .file
            .seek(SeekFrom::Start(section.offset))
            .and_then(|_| self.file.read_exact(&mut buf));
        read.map_err(|source| PmTilesError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(buf)
    }

    fn invalid(&self, reason: String) -> PmTilesError {
        PmTilesError::Invalid {
            path: self.path.clone(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests;
