//! The event cache's file format: a file's events, messages and summary as
//! they were read ([`FileRead`]), in a versioned binary form that is checked
//! as it is read back.
//!
//! The file is `MAGIC`, the format version (u32), then frames: a frame is its
//! length (u64), its bytes and their xxHash3 (u64), so that a truncated,
//! edited or half-written file is found out frame by frame. The first frame
//! holds the key (what the entry was made from), the summary, the names of
//! the categories used and the counts; then come the messages and the events,
//! up to [`PER_FRAME`] to a frame. An events frame holds the texts of all
//! its events together (read back as one block the frame's events share),
//! then each event's fields and the ends of its texts, then the hash of each
//! event's id (the merge's; the key names the program, so the hash function
//! is the one that made them). Last, when the first frame says so, come the
//! frames of the map's spatial index of the events ([`super::cache_spatial`]).
//! Numbers are little-endian.

use std::hash::Hasher;
use std::io::{self, Read, Write};
use std::sync::Arc;

use rayon::prelude::*;

use geo::Coord;

use super::cache_spatial::{self, SpatialOrder, SpatialParts};
use super::category::{Categories, CategoryId};
use super::date::{DatePrecision, EventDate};
use super::event::{
    Event, EventOrigin, OtherFields, Placement, Precision, TextBlock, TextFile, Texts, troops_within_limit,
};
use super::id::id_hash;
use crate::data::container::Container;
use crate::data::diagnostic::{Diagnostic, Location, Severity};
use crate::data::events::read::{FileRead, FileSummary};

/// The first bytes of every cache file.
pub const MAGIC: &[u8; 8] = b"BWEVENTS";
/// The format version: any change to the layout below changes it.
pub const FORMAT: u32 = 7;
/// Events or messages in a frame.
const PER_FRAME: usize = 16_384;
/// No frame is larger: a length past it is corruption, not a reason to
/// allocate.
const MAX_FRAME: u64 = 1 << 30;

/// Frames up to this size are read into a buffer made for them at once.
const USUAL_FRAME: u64 = 64 << 20;

/// Why a cache file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    /// It could not be read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// It is not a cache file of this format.
    #[error("not a cache file of format {FORMAT}")]
    Format,
    /// It was made from something else (another file, another version).
    #[error("made from another file or version")]
    Stale,
    /// Its bytes do not hold what they should.
    #[error("corrupt: {0}")]
    Corrupt(&'static str),
}

/// What a cache file holds of a file read: its events, its messages and
/// summary, and the categories its events' ids refer to.
pub struct Entry<'a> {
    /// The load's events, of which the entry holds those read from `file`
    /// (taken in their order as they are written, not gathered first: at a
    /// million events a list of them took 8 MB more while the cache was
    /// written, on top of the window's other memory).
    pub events: &'a [Event],
    /// Index of the file among the load's files.
    pub file: u32,
    pub messages: &'a [Diagnostic],
    pub summary: FileSummary,
    pub categories: &'a Categories,
    /// The map's spatial index of `events`, when they were loaded alone.
    pub spatial: Option<SpatialParts<'a>>,
}

impl<'a> Entry<'a> {
    /// The events of [`Self::file`], in the load's order.
    fn file_events(&self) -> impl Iterator<Item = &'a Event> + use<'a> {
        let file = self.file;
        self.events.iter().filter(move |event| event.origin.file == file)
    }
}

/// About the bytes an event takes in a frame besides its texts and its id's
/// hash (its fields, their ends and its other fields): a guess, to make
/// room for a frame at once.
const EVENT_BYTES_GUESS: usize = 96;

/// Writes `file` as a cache file made from `key`.
pub fn write_file(out: &mut impl Write, key: &str, file: &Entry<'_>) -> io::Result<()> {
    out.write_all(MAGIC)?;
    out.write_all(&FORMAT.to_le_bytes())?;
    let used = used_categories(file);
    let mut frame = Vec::new();
    put_str(&mut frame, key);
    frame.push(container_code(file.summary.container));
    put_u64(&mut frame, file.summary.records as u64);
    put_u64(&mut frame, file.summary.rejected as u64);
    put_u64(&mut frame, used.names.len() as u64);
    for name in &used.names {
        put_str(&mut frame, name);
    }
    put_u64(&mut frame, file.messages.len() as u64);
    let count = file.file_events().count();
    put_u64(&mut frame, count as u64);
    let spatial = file.spatial.filter(|parts| parts.covers(count));
    frame.push(u8::from(spatial.is_some()));
    write_frame(out, &mut frame)?;
    for messages in file.messages.chunks(PER_FRAME) {
        for message in messages {
            put_message(&mut frame, message);
        }
        write_frame(out, &mut frame)?;
    }
    let mut events = file.file_events();
    let mut chunk: Vec<&Event> = Vec::with_capacity(PER_FRAME.min(count));
    let mut id_hashes: Vec<u128> = Vec::with_capacity(PER_FRAME.min(count));
    loop {
        chunk.clear();
        chunk.extend(events.by_ref().take(PER_FRAME));
        if chunk.is_empty() {
            break;
        }
        // Room for the whole frame at once: grown by doubling, a frame of
        // 5 MB (16 384 events of the generated file) took 8 MB, and 4 MB
        // more while it was copied.
        let texts: usize = chunk.iter().map(|event| event.text_ends()[6] as usize).sum();
        frame.reserve(8 + texts + chunk.len() * (EVENT_BYTES_GUESS + 16));
        // Each event's texts are read once, straight into the frame, and
        // let go: writing the cache does not bring the texts back into
        // memory when they are in the texts' file.
        let length_at = frame.len();
        put_u64(&mut frame, 0);
        id_hashes.clear();
        for event in &chunk {
            let (all, ends) = event.read_text_parts();
            let id = all.get(..ends[0] as usize).unwrap_or_default();
            id_hashes.push(id_hash(id));
            frame.extend_from_slice(all.as_bytes());
        }
        let length = (frame.len() - length_at - 8) as u64;
        if let Some(slot) = frame.get_mut(length_at..length_at + 8) {
            slot.copy_from_slice(&length.to_le_bytes());
        }
        for event in &chunk {
            put_event(&mut frame, event, &used.local);
        }
        for hash in &id_hashes {
            frame.extend_from_slice(&hash.to_le_bytes());
        }
        write_frame(out, &mut frame)?;
    }
    if let Some(parts) = spatial {
        write_spatial(out, parts)?;
    }
    Ok(())
}

/// Reads a cache file made from `key`, its events given `file_index` in
/// their origin and categories interned in `categories` (the load's so far).
/// With `texts`, the same file opened to be read from: the events' texts
/// are left there and read back when used (see [`TextFile`]), not kept in
/// memory.
pub fn read_file(
    input: &mut (impl Read + Send),
    file_len: u64,
    key: &str,
    file_index: u32,
    categories: &Categories,
    texts: Option<&Arc<TextFile>>,
) -> Result<FileRead, Unusable> {
    let input = &mut Counted { input, read: 0 };
    let mut head = [0u8; 12];
    input.read_exact(&mut head).map_err(|_| Unusable::Format)?;
    if &head[..8] != MAGIC || head[8..] != FORMAT.to_le_bytes() {
        return Err(Unusable::Format);
    }
    let mut buffer = Vec::new();
    read_frame(input, &mut buffer)?;
    let mut frame = Frame::new(&buffer);
    if frame.str()? != key {
        return Err(Unusable::Stale);
    }
    let container = *Container::ALL
        .get(usize::from(frame.u8()?))
        .ok_or(Unusable::Corrupt("container"))?;
    let summary = FileSummary {
        container,
        records: frame.usize()?,
        rejected: frame.usize()?,
    };
    let mut categories = categories.clone();
    let local: Vec<CategoryId> = (0..frame.u64()?)
        .map(|_| Ok(categories.intern(frame.str()?)))
        .collect::<Result<_, Unusable>>()?;
    let message_count = frame.usize()?;
    let event_count = frame.usize()?;
    let has_spatial = match frame.u8()? {
        0 => false,
        1 => true,
        _ => return Err(Unusable::Corrupt("spatial index flag")),
    };
    frame.end()?;
    let messages = read_items(input, message_count, |frame| frame.message())?;
    // Every event takes more than this many bytes: the count a file of this
    // size can hold, which a corrupt count cannot make larger.
    const EVENT_BYTES: u64 = 64;
    let fits = usize::try_from(file_len / EVENT_BYTES).unwrap_or(usize::MAX);
    let mut events = Vec::new();
    let mut id_hashes = Vec::new();
    events.reserve_exact(event_count.min(fits));
    id_hashes.reserve_exact(event_count.min(fits));
    read_events(
        input,
        event_count,
        (file_index, &local, texts),
        (&mut events, &mut id_hashes),
    )?;
    let spatial = if has_spatial {
        Some(read_spatial(input, event_count)?)
    } else {
        None
    };
    if input.read(&mut [0u8; 1])? != 0 {
        return Err(Unusable::Corrupt("bytes after the last frame"));
    }
    Ok(FileRead {
        events,
        id_hashes,
        ids_distinct: true,
        messages,
        summary,
        categories,
        spatial,
    })
}

/// Reads `count` items (messages or events) frame by frame, each decoded
/// by `decode`.
fn read_items<T>(
    input: &mut impl Read,
    count: usize,
    mut decode: impl FnMut(&mut Frame<'_>) -> Result<T, Unusable>,
) -> Result<Vec<T>, Unusable> {
    // Not reserved from the count: a corrupt count must not allocate.
    let mut items = Vec::new();
    let mut buffer = Vec::new();
    while items.len() < count {
        read_frame(input, &mut buffer)?;
        let mut frame = Frame::new(&buffer);
        let n = PER_FRAME.min(count - items.len());
        items.reserve(n);
        for _ in 0..n {
            items.push(decode(&mut frame)?);
        }
        frame.end()?;
    }
    Ok(items)
}

/// Frames read ahead while the ones before them are decoded.
const FRAMES_AT_ONCE: usize = 4;

/// A frame's bytes as read, its checksum not yet verified, and how many
/// items it should hold.
struct RawFrame {
    bytes: Vec<u8>,
    /// Where its bytes start in the file.
    at: u64,
    checksum: u64,
    items: usize,
}

/// Reads `count` events: frames are read a few at a time while the ones
/// read before are checked and decoded on every core; the texts of a
/// frame's events go into one block they share (one allocation a frame,
/// not one an event).
fn read_events<R: Read + Send>(
    input: &mut Counted<'_, R>,
    count: usize,
    (file_index, local, texts): (u32, &[CategoryId], Option<&Arc<TextFile>>),
    (events, id_hashes): (&mut Vec<Event>, &mut Vec<u128>),
) -> Result<(), Unusable> {
    let mut remaining = count;
    // The buffers of frames decoded are read into again: a fresh one for
    // each frame (6 MB at 16 384 events, 60 of them at 1M) was freed on
    // another thread than made it, and mimalloc v2 held them all for a
    // moment (the window opening 1M events again peaked at 520-600 MB).
    let mut spare = Vec::new();
    let mut group = read_frames(input, &mut remaining, &mut spare)?;
    let mut decoded = Vec::new();
    while !group.is_empty() {
        // The events decoded before are moved into place, and the next
        // frames read, while these are decoded.
        let (next, now) = rayon::join(
            || {
                append(&mut decoded, (events, id_hashes));
                read_frames(input, &mut remaining, &mut spare)
            },
            || {
                group
                    .par_iter()
                    .map(|raw| decode_events(raw, file_index, local, texts))
                    .collect::<Result<Vec<_>, Unusable>>()
            },
        );
        decoded = now?;
        let done = std::mem::replace(&mut group, next?);
        spare.extend(done.into_iter().map(|raw| raw.bytes));
    }
    append(&mut decoded, (events, id_hashes));
    Ok(())
}

/// Moves the events and id hashes of decoded frames to the end of
/// `events` and `id_hashes`.
fn append(
    decoded: &mut Vec<(Vec<Event>, Vec<u128>)>,
    (events, id_hashes): (&mut Vec<Event>, &mut Vec<u128>),
) {
    for (part, hashes) in decoded.drain(..) {
        events.extend(part);
        id_hashes.extend(hashes);
    }
}

/// Up to [`FRAMES_AT_ONCE`] frames of the `remaining` items, which it counts
/// down, each read into a buffer of `spare` while there are any.
fn read_frames<R: Read>(
    input: &mut Counted<'_, R>,
    remaining: &mut usize,
    spare: &mut Vec<Vec<u8>>,
) -> Result<Vec<RawFrame>, Unusable> {
    let mut frames = Vec::new();
    while *remaining > 0 && frames.len() < FRAMES_AT_ONCE {
        let items = PER_FRAME.min(*remaining);
        *remaining -= items;
        let mut bytes = spare.pop().unwrap_or_default();
        // After the frame's length.
        let at = input.read + 8;
        let checksum = read_unchecked_frame(input, &mut bytes)?;
        frames.push(RawFrame {
            bytes,
            at,
            checksum,
            items,
        });
    }
    Ok(frames)
}

/// The events of one frame, its checksum verified first, and the hash of
/// each one's id (for the merge: read, not made again).
fn decode_events(
    raw: &RawFrame,
    file_index: u32,
    local: &[CategoryId],
    texts: Option<&Arc<TextFile>>,
) -> Result<(Vec<Event>, Vec<u128>), Unusable> {
    verify(&raw.bytes, raw.checksum)?;
    let mut frame = Frame::new(&raw.bytes);
    let block: TextBlock = Arc::new(Texts::kept(Box::from(frame.str()?)));
    let mut events = Vec::with_capacity(raw.items);
    let mut start = 0usize;
    // The other fields are left in the entry, where the texts are.
    let fields_in = texts.map(|file| (file, raw.at));
    for _ in 0..raw.items {
        let event = frame.event(&block, start, (file_index, local), fields_in)?;
        start = start.saturating_add(event.text_parts().0.len());
        events.push(event);
    }
    if start != block.len() {
        return Err(Unusable::Corrupt("texts no event has"));
    }
    let hashes = (0..raw.items)
        .map(|_| Ok(u128::from_le_bytes(frame.array()?)))
        .collect::<Result<Vec<u128>, Unusable>>()?;
    frame.end()?;
    // The texts, checked above, are left in the cache file where they are
    // (after the frame's first number, their length), else written to the
    // current load's texts' file if there is one, else kept in memory.
    // (The load's file is asked for only when needed: asking makes it.)
    match texts.and_then(|file| Texts::in_file(file, raw.at + 8, block.len())) {
        Some(in_place) => Event::replace_texts_block(&mut events, &block, &Arc::new(in_place)),
        None => {
            if let Some(file) = TextFile::for_load() {
                Event::move_texts_to(&mut events, &file);
            }
        }
    }
    Ok((events, hashes))
}

/// Writes the spatial index `parts` as frames.
fn write_spatial(out: &mut impl Write, parts: SpatialParts<'_>) -> io::Result<()> {
    let mut frame = Vec::new();
    let count = parts.order.len();
    for start in (0..count).step_by(cache_spatial::PER_FRAME) {
        parts.encode(start..(start + cache_spatial::PER_FRAME).min(count), &mut frame);
        write_frame(out, &mut frame)?;
    }
    Ok(())
}

/// Reads the spatial index of `count` events (already read, so a corrupt
/// count cannot make it allocate more than the events took).
fn read_spatial(input: &mut impl Read, count: usize) -> Result<SpatialOrder, Unusable> {
    let mut stored = SpatialOrder::with_capacity(count);
    let mut buffer = Vec::new();
    while stored.len() < count {
        read_frame(input, &mut buffer)?;
        let n = cache_spatial::PER_FRAME.min(count - stored.len());
        if !stored.decode(&buffer, n) {
            return Err(Unusable::Corrupt("spatial index frame length"));
        }
    }
    Ok(stored)
}

/// The categories a file's events use: their names, and each id's index
/// among them.
struct Used {
    names: Vec<String>,
    local: Vec<u16>,
}

fn used_categories(file: &Entry<'_>) -> Used {
    let mut local = vec![u16::MAX; file.categories.len()];
    for event in file.file_events() {
        if let Some(slot) = local.get_mut(usize::from(event.category.0)) {
            *slot = 0;
        }
    }
    let mut names = Vec::new();
    for (id, name) in file.categories.iter() {
        if let Some(slot) = local.get_mut(usize::from(id.0))
            && *slot == 0
        {
            *slot = names.len() as u16;
            names.push(name.to_string());
        }
    }
    Used { names, local }
}

fn write_frame(out: &mut impl Write, frame: &mut Vec<u8>) -> io::Result<()> {
    let mut hasher = twox_hash::XxHash3_64::new();
    hasher.write(frame);
    out.write_all(&(frame.len() as u64).to_le_bytes())?;
    out.write_all(frame)?;
    out.write_all(&hasher.finish().to_le_bytes())?;
    frame.clear();
    Ok(())
}

/// Reads a frame's bytes into `buffer`, checked against their hash.
fn read_frame(input: &mut impl Read, buffer: &mut Vec<u8>) -> Result<(), Unusable> {
    let checksum = read_unchecked_frame(input, buffer)?;
    verify(buffer, checksum)
}

/// Reads a frame's bytes into `buffer` and returns the checksum written
/// after them, for [`verify`].
fn read_unchecked_frame(input: &mut impl Read, buffer: &mut Vec<u8>) -> Result<u64, Unusable> {
    let mut word = [0u8; 8];
    input.read_exact(&mut word)?;
    let len = u64::from_le_bytes(word);
    if len > MAX_FRAME {
        return Err(Unusable::Corrupt("frame length"));
    }
    buffer.clear();
    // Room for a frame of the usual size at once, so its bytes are read
    // straight into it; past that, `take` stops at the file's end: a wrong
    // length is a short read, not a huge allocation.
    buffer.reserve_exact(usize::try_from(len.min(USUAL_FRAME)).unwrap_or(0));
    input.take(len).read_to_end(buffer)?;
    if buffer.len() as u64 != len {
        return Err(Unusable::Corrupt("truncated"));
    }
    input.read_exact(&mut word)?;
    Ok(u64::from_le_bytes(word))
}

/// A reader that counts the bytes read from it: where the next byte is in
/// the file.
struct Counted<'a, R> {
    input: &'a mut R,
    read: u64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Whether a frame's bytes hash to its checksum.
fn verify(bytes: &[u8], checksum: u64) -> Result<(), Unusable> {
    let mut hasher = twox_hash::XxHash3_64::new();
    hasher.write(bytes);
    if hasher.finish() == checksum {
        Ok(())
    } else {
        Err(Unusable::Corrupt("checksum"))
    }
}

fn put_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_u64(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// An optional count, `u64::MAX` for none.
fn put_opt(out: &mut Vec<u8>, value: Option<usize>) {
    put_u64(out, value.map_or(u64::MAX, |v| v as u64));
}

fn put_date(out: &mut Vec<u8>, date: EventDate) {
    let (seconds, offset) = date.parts();
    put_u64(out, seconds as u64);
    // No zone is 14 hours from UTC, let alone i16::MIN minutes.
    out.extend_from_slice(&offset.unwrap_or(i16::MIN).to_le_bytes());
}

fn container_code(container: Container) -> u8 {
    Container::ALL.iter().position(|c| *c == container).unwrap_or(0) as u8
}

fn put_message(out: &mut Vec<u8>, message: &Diagnostic) {
    out.push(match message.severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    });
    let at = &message.location;
    put_str(out, &at.file);
    put_opt(out, at.line);
    put_opt(out, at.column);
    put_opt(out, at.record);
    put_str(out, at.collection);
    put_str(out, &message.message);
}

fn put_event(out: &mut Vec<u8>, event: &Event, local: &[u16]) {
    put_date(out, event.date);
    out.push(event.date_precision() as u8);
    match event.end_date {
        Some(end) => {
            out.push(1);
            put_date(out, end);
        }
        None => out.push(0),
    }
    put_u64(out, event.position.x.to_bits());
    put_u64(out, event.position.y.to_bits());
    put_u32(out, event.region().unwrap_or(u32::MAX));
    let (tag, value) = match event.placement() {
        Placement::Position => (0, 0),
        Placement::Declared => (1, 0),
        Placement::Coastal { offshore_m } => (2, u32::from(offshore_m)),
        Placement::Notional { about } => (3, about.unwrap_or(u32::MAX)),
    };
    out.push(tag);
    put_u32(out, value);
    let category = local.get(usize::from(event.category.0)).copied().unwrap_or(0);
    out.extend_from_slice(&category.to_le_bytes());
    out.push(Precision::code(event.precision()));
    match event.troops() {
        Some(troops) => {
            out.push(1);
            put_u64(out, u64::from(troops));
        }
        None => out.push(0),
    }
    put_u32(out, event.origin.record);
    put_u32(out, event.origin.line);
    match &event.extra {
        Some(extra) => {
            out.push(1);
            put_str(out, &extra.json());
        }
        None => out.push(0),
    }
    // The texts themselves follow the frame's last event.
    for end in event.text_ends() {
        put_u32(out, end);
    }
}

/// Reads a frame's bytes in order.
struct Frame<'a> {
    bytes: &'a [u8],
    /// The frame's length, whole.
    len: usize,
}

impl<'a> Frame<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            len: bytes.len(),
        }
    }

    /// Bytes read so far.
    fn read(&self) -> usize {
        self.len - self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Unusable> {
        if n > self.bytes.len() {
            return Err(Unusable::Corrupt("a frame ends early"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Unusable> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn u8(&mut self) -> Result<u8, Unusable> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, Unusable> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, Unusable> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Unusable> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn usize(&mut self) -> Result<usize, Unusable> {
        usize::try_from(self.u64()?).map_err(|_| Unusable::Corrupt("a count"))
    }

    fn opt(&mut self) -> Result<Option<usize>, Unusable> {
        match self.u64()? {
            u64::MAX => Ok(None),
            value => usize::try_from(value)
                .map(Some)
                .map_err(|_| Unusable::Corrupt("a count")),
        }
    }

    fn str(&mut self) -> Result<&'a str, Unusable> {
        let len = self.usize()?;
        std::str::from_utf8(self.take(len)?).map_err(|_| Unusable::Corrupt("text"))
    }

    fn end(&self) -> Result<(), Unusable> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Unusable::Corrupt("a frame is longer than its contents"))
        }
    }

    fn date(&mut self) -> Result<EventDate, Unusable> {
        let seconds = self.u64()? as i64;
        let offset = i16::from_le_bytes(self.array()?);
        EventDate::from_parts(seconds, (offset != i16::MIN).then_some(offset))
            .ok_or(Unusable::Corrupt("a date"))
    }

    fn message(&mut self) -> Result<Diagnostic, Unusable> {
        let severity = match self.u8()? {
            0 => Severity::Info,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return Err(Unusable::Corrupt("a message's severity")),
        };
        let file = self.str()?.to_string();
        let (line, column, record) = (self.opt()?, self.opt()?, self.opt()?);
        let collection = self.str()?;
        let collection = Container::ALL
            .iter()
            .map(|c| c.collection())
            .chain([""])
            .find(|known| *known == collection)
            .ok_or(Unusable::Corrupt("a message's collection"))?;
        let location = Location {
            file,
            line,
            column,
            record,
            collection,
        };
        Ok(Diagnostic {
            severity,
            location,
            message: self.str()?.to_string(),
        })
    }

    /// The next event, its texts at `start` in `block`. With `fields_in`
    /// (the entry as a texts' file, and where the frame's bytes start in
    /// it), its other fields are left there rather than kept.
    fn event(
        &mut self,
        block: &TextBlock,
        start: usize,
        (file_index, local): (u32, &[CategoryId]),
        fields_in: Option<(&Arc<TextFile>, u64)>,
    ) -> Result<Event, Unusable> {
        let corrupt = Unusable::Corrupt;
        let date = self.date()?;
        let date_precision = *DatePrecision::ALL
            .get(usize::from(self.u8()?))
            .ok_or(corrupt("a date precision"))?;
        let end_date = match self.u8()? {
            0 => None,
            _ => Some(self.date()?),
        };
        let position = Coord {
            x: f64::from_bits(self.u64()?),
            y: f64::from_bits(self.u64()?),
        };
        let region = Some(self.u32()?).filter(|r| *r != u32::MAX);
        let (tag, value) = (self.u8()?, self.u32()?);
        let placement = match tag {
            0 => Placement::Position,
            1 => Placement::Declared,
            2 => Placement::Coastal {
                offshore_m: u16::try_from(value).map_err(|_| corrupt("a distance offshore"))?,
            },
            3 => Placement::Notional {
                about: Some(value).filter(|r| *r != u32::MAX),
            },
            _ => return Err(corrupt("a placement")),
        };
        let category = *local.get(usize::from(self.u16()?)).ok_or(corrupt("a category"))?;
        let precision = Precision::from_code(self.u8()?).ok_or(corrupt("a precision"))?;
        let troops = match self.u8()? {
            0 => None,
            _ => Some(troops_within_limit(self.u64()?).ok_or(corrupt("a number of troops"))?),
        };
        let origin = EventOrigin {
            file: file_index,
            record: self.u32()?,
            line: self.u32()?,
        };
        let extra = match self.u8()? {
            0 => None,
            _ => {
                let json = self.str()?;
                // `json` is the last bytes read of the frame.
                let within = (self.read() - json.len()) as u64;
                let in_file = fields_in.and_then(|(file, at)| Some((file, at.checked_add(within)?)));
                let fields = match in_file {
                    Some((file, offset)) => OtherFields::in_file(json, file, offset),
                    None => OtherFields::from_json(json),
                };
                Some(Box::new(fields.ok_or(corrupt("an event's other fields"))?))
            }
        };
        let mut ends = [0u32; 7];
        for end in &mut ends {
            *end = self.u32()?;
        }
        let mut event =
            Event::with_shared_text(block, start, ends, date, position).ok_or(corrupt("an event's texts"))?;
        event.set_date_precision(date_precision);
        event.end_date = end_date;
        event.set_place(region, placement);
        event.category = category;
        event.set_precision(precision);
        event.set_troops(troops);
        event.origin = origin;
        event.extra = extra;
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RegionSet;
    use crate::data::container::Container;
    use crate::data::events::set::set_from_json;

    #[test]
    fn frames_are_read_into_the_buffers_of_frames_decoded_before() {
        let mut file = Vec::new();
        for (i, n) in [(1u8, 3usize), (2, 5), (3, 4)] {
            write_frame(&mut file, &mut vec![i; n]).expect("written");
        }
        let mut bytes = file.as_slice();
        let input = &mut Counted {
            input: &mut bytes,
            read: 0,
        };
        let mut remaining = 3 * PER_FRAME;
        let mut spare = vec![Vec::with_capacity(64), Vec::with_capacity(64)];
        let pointers: Vec<*const u8> = spare.iter().map(|b| b.as_ptr()).collect();
        let frames = read_frames(input, &mut remaining, &mut spare).expect("frames");
        assert_eq!(remaining, 0);
        assert!(spare.is_empty(), "both spare buffers taken");
        let contents: Vec<&[u8]> = frames.iter().map(|f| f.bytes.as_slice()).collect();
        assert_eq!(contents, [&[1u8; 3][..], &[2; 5], &[3; 4]]);
        // The last spare one first, then the other; the third is new.
        assert_eq!(frames[0].bytes.as_ptr(), pointers[1]);
        assert_eq!(frames[1].bytes.as_ptr(), pointers[0]);
        for frame in &frames {
            verify(&frame.bytes, frame.checksum).expect("checksum");
        }
        assert_eq!(frames[1].at, 8 + 3 + 8 + 8);
    }

    #[test]
    fn texts_in_the_texts_file_are_written_as_from_memory_and_let_go() {
        let regions = RegionSet::bundled().expect("regions");
        // Every third with other fields of its own.
        let records: Vec<String> = (0..3_000)
            .map(|i| {
                let other = if i % 3 == 0 { format!(r#", "admin2": "Район {i}", "fatalities": {i}"#) } else { String::new() };
                format!(
                    r#"{{"id": "e{i}", "title": "Колонна {i}", "date": "2020-01-{:02}", "lat": 47, "lon": 39, "actors": ["A", "B{i}"]{other}}}"#,
                    1 + (i * 7) % 28
                )
            })
            .collect();
        let set = set_from_json(&regions, "c.json", &format!("[{}]", records.join(",")));
        let mut stored = set.events().to_vec();
        Event::move_texts_to(&mut stored, &TextFile::for_tests());
        let write = |events: &[Event]| {
            let entry = Entry {
                events,
                file: 0,
                messages: &[],
                summary: FileSummary {
                    records: events.len(),
                    rejected: 0,
                    container: Container::BareArray,
                },
                categories: set.categories(),
                spatial: None,
            };
            let mut out = Vec::new();
            write_file(&mut out, "key", &entry).expect("written to memory");
            out
        };
        let written = write(&stored);
        assert_eq!(written, write(set.events()));
        assert!(
            stored.iter().all(|e| !e.text_block().0.is_kept()),
            "writing the cache brings no texts back"
        );
        assert!(
            stored
                .iter()
                .filter_map(|e| e.extra.as_ref())
                .all(|x| !x.is_kept()),
            "other fields moved with the texts, and left there"
        );
        let back = read_file(
            &mut written.as_slice(),
            written.len() as u64,
            "key",
            0,
            set.categories(),
            None,
        )
        .expect("read back");
        let texts = |events: &[Event]| {
            events
                .iter()
                .map(|e| {
                    let other = e.extra.as_ref().map(|x| x.map());
                    (
                        e.title().to_string(),
                        e.actors().collect::<Vec<_>>().join(","),
                        other,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(set.events().iter().filter(|e| e.extra.is_some()).count(), 1_000);
        assert_eq!(texts(&back.events), texts(set.events()));
        // Read again with the texts left in the entry, where they are.
        let path = std::env::temp_dir().join(format!("borderwatch-test-entry-{}", std::process::id()));
        std::fs::write(&path, &written).expect("entry written");
        let entry = std::fs::File::open(&path).expect("entry opened");
        let _ = std::fs::remove_file(&path);
        let file = Arc::new(TextFile::existing(entry, written.len() as u64));
        let in_place = read_file(
            &mut written.as_slice(),
            written.len() as u64,
            "key",
            0,
            set.categories(),
            Some(&file),
        )
        .expect("read back, texts in place");
        assert!(in_place.events.iter().all(|e| !e.text_block().0.is_kept()));
        assert!(
            in_place
                .events
                .iter()
                .filter_map(|e| e.extra.as_ref())
                .all(|x| !x.is_kept()),
            "other fields left in the entry"
        );
        assert_eq!(texts(&in_place.events), texts(set.events()));
    }
}
