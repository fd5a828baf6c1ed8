//! A minimal PMTiles v3 writer for tests: run-length deduplication, optional gzip, optional
//! leaf directories, so the reader's paths can all be exercised on small files.

use std::io::Write;

use super::TileId;
use super::pmtiles::{Entry, HEADER_LEN, zxy_to_tile_id};

/// How to lay out the archive.
pub(crate) struct WriteOptions {
    /// gzip the directories and metadata.
    pub gzip_internal: bool,
    /// gzip each tile.
    pub gzip_tiles: bool,
    /// Put at most this many entries in each leaf directory (`None`: root only).
    pub leaf_size: Option<usize>,
    /// Header tile type byte (2 = PNG).
    pub tile_type: u8,
    /// The JSON metadata.
    pub metadata: serde_json::Value,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            gzip_internal: true,
            gzip_tiles: false,
            leaf_size: None,
            tile_type: 2,
            metadata: serde_json::json!({}),
        }
    }
}

pub(crate) fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Encodes a directory as in the spec's appendix A.1 (uncompressed).
pub(crate) fn encode_directory(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    write_varint(&mut out, entries.len() as u64);
    let mut last = 0;
    for e in entries {
        write_varint(&mut out, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        write_varint(&mut out, e.run_length);
    }
    for e in entries {
        write_varint(&mut out, e.length);
    }
    let mut next = 0;
    for (i, e) in entries.iter().enumerate() {
        write_varint(
            &mut out,
            if i > 0 && e.offset == next {
                0
            } else {
                e.offset + 1
            },
        );
        next = e.offset + e.length;
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The tile entries and data blob, consecutive identical tiles merged into runs.
fn tile_entries(tiles: &[(TileId, Vec<u8>)], opts: &WriteOptions) -> (Vec<Entry>, Vec<u8>) {
    let mut sorted: Vec<(u64, &Vec<u8>)> = tiles.iter().map(|(id, d)| (zxy_to_tile_id(*id), d)).collect();
    sorted.sort_by_key(|(id, _)| *id);
    let mut entries: Vec<Entry> = Vec::new();
    let mut data = Vec::new();
    let mut last_bytes: Option<&Vec<u8>> = None;
    for (tile_id, bytes) in sorted {
        if let (Some(prev), Some(last)) = (entries.last_mut(), last_bytes)
            && last == bytes
            && prev.tile_id + prev.run_length == tile_id
        {
            prev.run_length += 1;
            continue;
        }
        let stored = if opts.gzip_tiles {
            gzip(bytes)
        } else {
            bytes.clone()
        };
        entries.push(Entry {
            tile_id,
            offset: data.len() as u64,
            length: stored.len() as u64,
            run_length: 1,
        });
        data.extend_from_slice(&stored);
        last_bytes = Some(bytes);
    }
    (entries, data)
}

/// An archive holding `tiles`.
pub(crate) fn write_pmtiles(tiles: &[(TileId, Vec<u8>)], opts: &WriteOptions) -> Vec<u8> {
    let compress = |b: Vec<u8>| if opts.gzip_internal { gzip(&b) } else { b };
    let (entries, data) = tile_entries(tiles, opts);
    let (root, leaves) = match opts.leaf_size {
        None => (compress(encode_directory(&entries)), Vec::new()),
        Some(size) => {
            let mut leaves = Vec::new();
            let mut root_entries = Vec::new();
            for chunk in entries.chunks(size) {
                let leaf = compress(encode_directory(chunk));
                root_entries.push(Entry {
                    tile_id: chunk[0].tile_id,
                    offset: leaves.len() as u64,
                    length: leaf.len() as u64,
                    run_length: 0,
                });
                leaves.extend_from_slice(&leaf);
            }
            (compress(encode_directory(&root_entries)), leaves)
        }
    };
    let metadata = compress(opts.metadata.to_string().into_bytes());
    let root_offset = HEADER_LEN as u64;
    let meta_offset = root_offset + root.len() as u64;
    let leaf_offset = meta_offset + metadata.len() as u64;
    let data_offset = leaf_offset + leaves.len() as u64;
    let mut out = Vec::new();
    out.extend_from_slice(b"PMTiles\x03");
    for v in [
        root_offset,
        root.len() as u64,
        meta_offset,
        metadata.len() as u64,
        leaf_offset,
        leaves.len() as u64,
        data_offset,
        data.len() as u64,
        tiles.len() as u64,
        entries.len() as u64,
        entries.len() as u64,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let internal = if opts.gzip_internal { 2 } else { 1 };
    let tile = if opts.gzip_tiles { 2 } else { 1 };
    let max_zoom = tiles.iter().map(|(id, _)| id.z).max().unwrap_or(0);
    let min_zoom = tiles.iter().map(|(id, _)| id.z).min().unwrap_or(0);
    out.extend_from_slice(&[1, internal, tile, opts.tile_type, min_zoom, max_zoom]);
    // Bounds and centre (whole world, centre at 0,0): the reader ignores them.
    for v in [-1_800_000_000i32, -850_000_000, 1_800_000_000, 850_000_000] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.push(min_zoom);
    out.extend_from_slice(&[0; 8]);
    assert_eq!(out.len(), HEADER_LEN);
    out.extend_from_slice(&root);
    out.extend_from_slice(&metadata);
    out.extend_from_slice(&leaves);
    out.extend_from_slice(&data);
    out
}
