//! The loaded events: an immutable [`EventSet`], built file by file by an
//! [`EventSetBuilder`] that keeps a file's events only when the whole file
//! could be read, and gives every event id one meaning (a later record with
//! the same id replaces the earlier one).

use std::cmp::Reverse;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::{CacheWrites, EventCache, PendingEntry};
use super::cache_spatial::SpatialOrder;
use super::category::Categories;
use super::date::EventDate;
use super::event::Event;
use super::id::IdRegistry;
use super::merge::merge_file;
use super::read::{ColumnMapping, FileRead, SourceCatalog};
use super::read::{
    EventBatch, FileSummary, LoadProgress, ReadContext, read_any_event_stream, read_event_path,
};
use crate::data::bundled;
use crate::data::diagnostic::{Diagnostic, LoadError, Problem};
use crate::data::regions::RegionSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// A file events were loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFile {
    /// The file as the user named it, or `bundled:<path>`.
    pub name: String,
    /// Where it is on disk, when it is a file.
    pub path: Option<PathBuf>,
    /// Records in the file.
    pub records: usize,
    /// Records rejected.
    pub rejected: usize,
    /// Whether its events came from the [`EventCache`] (the file unchanged
    /// since it was last read).
    pub from_cache: bool,
}

/// All loaded events, newest first, with the files and categories they came
/// with. Indexes into [`EventSet::events`] are how the rest of the app refers
/// to events.
#[derive(Debug, Clone, Default)]
pub struct EventSet {
    events: Vec<Event>,
    files: Vec<EventFile>,
    categories: Categories,
}

/// Events whose texts are put in one block when a reader left them one
/// allocation an event (as many as in a frame of the event cache).
const TEXT_BLOCK_EVENTS: usize = 16_384;

impl EventSet {
    /// The events, newest first (by start; ties in file order).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The event at `index`.
    pub fn get(&self, index: usize) -> Option<&Event> {
        self.events.get(index)
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Heap bytes of the events: their fixed fields (the array), their
    /// texts, and their other fields.
    pub fn heap_bytes(&self) -> [usize; 3] {
        let fixed = self.events.capacity() * std::mem::size_of::<Event>();
        let texts = self.events.iter().map(Event::text_bytes).sum();
        let extra = self.events.iter().map(Event::extra_bytes).sum();
        [fixed, texts, extra]
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The files, by the index in each event's origin.
    pub fn files(&self) -> &[EventFile] {
        &self.files
    }

    /// Category names in use.
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// Its events' texts moved to `file` (see [`Event::move_texts_to`]),
    /// whatever the process keeps them in: for tests of the paths that
    /// must not bring them back.
    #[cfg(test)]
    pub(crate) fn move_texts_to(&mut self, file: &Arc<crate::data::events::text_file::TextFile>) {
        Event::move_texts_to(&mut self.events, file);
    }

    /// The index of the event with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        // Ids are unique: any event holding it is the one. Compared without
        // bringing texts kept in the texts' file back into memory.
        self.events.par_iter().position_any(|e| e.has_id(id))
    }

    /// The file an event came from, as named to the user.
    pub fn file_name(&self, event: &Event) -> &str {
        self.files
            .get(event.origin.file as usize)
            .map_or("", |f| f.name.as_str())
    }

    /// The bundled sample events placed in `regions`.
    pub fn bundled(regions: &RegionSet) -> Result<Self, LoadError> {
        let mut builder = EventSetBuilder::new(regions);
        builder.add_reader(
            bundled::SAMPLE_EVENTS_NAME,
            None,
            bundled::SAMPLE_EVENTS.as_bytes(),
            None,
        )?;
        let (set, messages) = builder.finish();
        match messages.into_iter().next() {
            // The bundled data is ours: any message about it is a bug worth failing on.
            Some(message) => Err(LoadError::new(
                message.location,
                Problem::Invalid(message.message),
            )),
            None => Ok(set),
        }
    }
}

/// Builds an [`EventSet`] file by file. Every message (the errors of files
/// that failed, rejected records and warnings of those that loaded) is kept
/// for [`EventSetBuilder::finish`].
pub struct EventSetBuilder<'r> {
    regions: &'r RegionSet,
    events: Vec<Event>,
    files: Vec<EventFile>,
    categories: Categories,
    ids: IdRegistry,
    messages: Vec<Diagnostic>,
    /// What the user said the files' fields are.
    mapping: ColumnMapping,
    /// TimeMap sources the files' source ids stand for.
    catalog: Option<Arc<SourceCatalog>>,
    /// Where files read before are kept, if anywhere.
    cache: Option<EventCache>,
    /// Files read from disk, to keep in the cache once the load is done.
    pending: Vec<PendingEntry>,
    /// The map's spatial index of the events, as the event cache kept it,
    /// while they are one cached file's alone.
    spatial: Option<SpatialOrder>,
}

impl<'r> EventSetBuilder<'r> {
    /// This builder reading files' fields as `mapping` says, source ids
    /// through `catalog`.
    pub fn with_mapping(mut self, mapping: ColumnMapping, catalog: Option<Arc<SourceCatalog>>) -> Self {
        self.mapping = mapping;
        self.catalog = catalog;
        self
    }

    /// Reads the next files' fields as `mapping` says (the TimeMap sources
    /// stay as they are).
    pub fn set_mapping(&mut self, mapping: ColumnMapping) {
        self.mapping = mapping;
    }

    /// Reads the sample compiled into the program (always in its own names).
    pub fn add_sample(&mut self, progress: Option<&LoadProgress>) -> Result<FileSummary, LoadError> {
        let mapping = std::mem::take(&mut self.mapping);
        let catalog = self.catalog.take();
        let result = self.add_reader(
            crate::data::bundled::SAMPLE_EVENTS_NAME,
            None,
            crate::data::bundled::SAMPLE_EVENTS.as_bytes(),
            progress,
        );
        self.mapping = mapping;
        self.catalog = catalog;
        result
    }

    /// A builder placing events in `regions`.
    pub fn new(regions: &'r RegionSet) -> Self {
        Self {
            regions,
            events: Vec::new(),
            files: Vec::new(),
            categories: Categories::default(),
            ids: IdRegistry::default(),
            messages: Vec::new(),
            mapping: ColumnMapping::default(),
            catalog: None,
            cache: None,
            pending: Vec::new(),
            spatial: None,
        }
    }

    /// This builder taking a file's events from `cache` when the file is
    /// unchanged, and noting the files it reads from disk for it
    /// ([`Self::take_cache_writes`]).
    pub fn with_cache(mut self, cache: Option<EventCache>) -> Self {
        self.cache = cache;
        self
    }

    /// Reads the file at `path` (any format borderwatch reads), or, with a
    /// cache ([`Self::with_cache`]) that holds it unchanged, its events as
    /// they were read before.
    pub fn add_path(
        &mut self,
        path: &Path,
        progress: Option<&LoadProgress>,
    ) -> Result<FileSummary, LoadError> {
        let name = path.display().to_string();
        let key = self
            .cache
            .as_ref()
            .and_then(|cache| cache.key(path, &self.mapping, self.regions));
        if let (Some(cache), Some(key)) = (&self.cache, &key)
            && let Some(file) = cache.load(key, self.files.len() as u32, &self.categories)
        {
            if let Some(progress) = progress {
                progress
                    .records
                    .fetch_add(file.summary.records as u64, Ordering::Relaxed);
            }
            return Ok(self.merge_read(&name, Some(path.to_path_buf()), file, true));
        }
        let file = self.read_with(progress, |context, on_batch| {
            read_event_path(path, context, on_batch).map(|(_, summary)| summary)
        })?;
        if let Some(key) = key {
            self.pending.push(PendingEntry {
                key,
                file_index: self.files.len() as u32,
                messages: file.messages.clone(),
                summary: file.summary,
                count: file.events.len(),
            });
        }
        Ok(self.merge_read(&name, Some(path.to_path_buf()), file, false))
    }

    /// Reads a file from `reader`; `name` names it in messages. On error
    /// nothing of the file is kept and the error is also among the messages.
    pub fn add_reader(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        reader: impl Read + Send,
        progress: Option<&LoadProgress>,
    ) -> Result<FileSummary, LoadError> {
        let file = self.read_with(progress, |context, on_batch| {
            read_any_event_stream(name, reader, context, on_batch)
        })?;
        Ok(self.merge_read(name, path, file, false))
    }

    /// The events `read` reads (given the context and where to hand each
    /// batch), not yet merged; on error, the error (also kept among the
    /// messages).
    fn read_with(
        &mut self,
        progress: Option<&LoadProgress>,
        read: impl FnOnce(ReadContext<'_>, &mut (dyn FnMut(EventBatch) + Send)) -> Result<FileSummary, LoadError>,
    ) -> Result<FileRead, LoadError> {
        // Categories met in a file that fails must not reach the legend.
        let mut categories = self.categories.clone();
        // Each batch's events and id hashes are moved in as it comes, the
        // buffers doubling as they must. Joining the batches at the end into
        // buffers of the exact size copies as much, but held everything
        // twice for a moment (152 MB more of events at the end of a 1M
        // file's read, 16 MB of hashes).
        let mut events: Vec<Event> = Vec::new();
        let mut hashes: Vec<u128> = Vec::new();
        let mut messages = Vec::new();
        // The file's size, once it is opened: the bytes expected in all
        // grow by it.
        let expected_before = progress.map(LoadProgress::total_bytes);
        let mut estimate = FileEstimate::default();
        let result = read(
            ReadContext {
                regions: self.regions,
                file_index: self.files.len() as u32,
                categories: &mut categories,
                progress,
                mapping: &self.mapping,
                catalog: self.catalog.clone(),
            },
            &mut |batch: EventBatch| {
                let file_bytes = progress
                    .zip(expected_before)
                    .map(|(progress, before)| progress.total_bytes().saturating_sub(before));
                let coming = batch.parts.iter().map(Vec::len).sum::<usize>();
                if let Some(expected) = estimate.events(file_bytes, batch.bytes, coming) {
                    // At 10M events each doubling of the list copied
                    // gigabytes into fresh pages on one thread, while the
                    // read waited. What is reserved and never written is
                    // never resident. Room the system will not give is
                    // not needed: the list grows as before.
                    let _ = events.try_reserve(expected.saturating_sub(events.len()));
                    let _ = hashes.try_reserve(expected.saturating_sub(hashes.len()));
                }
                for part in batch.parts {
                    events.extend(part);
                }
                for part in batch.id_hashes {
                    hashes.extend(part);
                }
                messages.extend(batch.messages);
            },
        );
        let summary = match result {
            Ok(summary) => summary,
            Err(error) => return Err(self.fail(error)),
        };
        // What the doubling left unused was never written, so never held:
        // the allocator keeps the block where it is.
        events.shrink_to_fit();
        hashes.shrink_to_fit();
        Ok(FileRead {
            events,
            id_hashes: hashes,
            ids_distinct: false,
            messages,
            summary,
            categories,
            spatial: None,
        })
    }

    /// Adds a file's events, merged by id, and its messages.
    fn merge_read(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        file: FileRead,
        from_cache: bool,
    ) -> FileSummary {
        let FileRead {
            events,
            id_hashes,
            ids_distinct,
            mut messages,
            summary,
            categories,
            spatial,
        } = file;
        self.categories = categories;
        // Its index is the set's only while it is the set's only file.
        self.spatial = spatial.filter(|_| self.files.is_empty());
        self.files.push(EventFile {
            name: name.to_string(),
            path,
            records: summary.records,
            rejected: summary.rejected,
            from_cache,
        });
        messages.extend(merge_file(
            &mut self.ids,
            &mut self.events,
            events,
            (id_hashes, ids_distinct),
            name,
            &summary,
        ));
        messages.sort_by_key(|m| (m.location.record, m.location.line));
        self.messages.extend(messages);
        summary
    }

    fn fail(&mut self, error: LoadError) -> LoadError {
        self.messages.push(error.clone().into());
        error
    }

    /// What to keep in the cache of the files read from disk so far: it is
    /// written from the finished set ([`CacheWrites::write`]), after the
    /// load, so that the load does not wait for it.
    pub fn take_cache_writes(&mut self) -> CacheWrites {
        CacheWrites {
            cache: self.cache.clone(),
            entries: std::mem::take(&mut self.pending),
        }
    }

    /// Every message so far.
    pub fn messages(&self) -> &[Diagnostic] {
        &self.messages
    }

    /// How many events are loaded so far.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no event is loaded yet.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The set, newest first, and every message.
    pub fn finish(self) -> (EventSet, Vec<Diagnostic>) {
        let (set, messages, _) = self.finish_with_spatial();
        (set, messages)
    }

    /// [`Self::finish`], with the map's spatial index of the set as the
    /// event cache kept it: only when the set is one file's events from the
    /// cache, in the order they were kept (else `None`, and the index is
    /// made anew).
    pub fn finish_with_spatial(self) -> (EventSet, Vec<Diagnostic>, Option<SpatialOrder>) {
        // The ids were for telling repeated records while reading (16 MB at
        // 1M): let go before the sort, the load's last and largest moment.
        drop(self.ids);
        let mut spatial = self.spatial;
        let mut events = self.events;
        // Texts in blocks before the sort scatters the events: a search
        // scans a block in one pass whatever the events' order. The readers
        // of JSON and tables leave a block per task's records, and the
        // event cache one per frame: those are kept (copying them after the
        // sort took 180-240 ms at 1M and held the texts twice for a moment).
        // Others' (one allocation an event) are copied now, in file order.
        events
            .par_chunks_mut(TEXT_BLOCK_EVENTS)
            .for_each(Event::share_scattered_texts);
        if sort_newest_first(&mut events) {
            spatial = None;
        }
        (
            EventSet {
                events,
                files: self.files,
                categories: self.categories,
            },
            self.messages,
            spatial,
        )
    }
}

/// Where an event goes in the set's order: newest first by the first day
/// it may have happened on (a coarse date's span starts before its date),
/// then by date, then by file and record. The filter finds a date range's
/// events as one run of this order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct OrderKey {
    first_day: Reverse<i32>,
    date: Reverse<EventDate>,
    file: u32,
    record: u32,
    /// Where the event is before the sort.
    index: u32,
}

impl OrderKey {
    fn of(event: &Event, index: u32) -> Self {
        Self {
            first_day: Reverse(event.day_span().0),
            date: Reverse(event.date),
            file: event.origin.file,
            record: event.origin.record,
            index,
        }
    }
}

/// Puts `events` in the set's order ([`OrderKey`]); whether any moved.
///
/// Each event's first day is reckoned once, the keys are sorted, and then
/// each event is moved straight to its place. Sorting the events
/// themselves reckoned two events' day spans at every comparison (a coarse
/// date's span takes calendar arithmetic) and moved each event many times.
/// Events from the event cache come in this order already: checking the
/// keys is cheaper than a sort that finds nothing to do.
pub fn sort_newest_first(events: &mut [Event]) -> bool {
    if u32::try_from(events.len()).is_err() {
        // Past 4 billion events (480 GB of them): compared as they are.
        let order = |a: &Event, b: &Event| OrderKey::of(a, 0).cmp(&OrderKey::of(b, 0));
        let sorted = events.par_windows(2).all(|w| order(&w[0], &w[1]).is_le());
        if !sorted {
            events.par_sort_unstable_by(order);
        }
        return !sorted;
    }
    // First by the first day alone, in eight bytes an event (24 with the
    // whole key: 16 MB more at 1M, at the load's largest moment), then each
    // run of one first day by the rest of the key, read from its events.
    let mut keys: Vec<u64> = events
        .par_iter()
        .enumerate()
        .map(|(index, event)| day_key(event.day_span().0, index as u32))
        .collect();
    let rest = |key: u64| {
        let index = key as u32;
        let event = &events[index as usize];
        (Reverse(event.date), event.origin.file, event.origin.record, index)
    };
    let same_day = |a: &u64, b: &u64| a >> 32 == b >> 32;
    // The keys' indexes rise, so keys in order are events in order.
    if keys
        .par_windows(2)
        .all(|w| w[0] >> 32 < w[1] >> 32 || (same_day(&w[0], &w[1]) && rest(w[0]) <= rest(w[1])))
    {
        return false;
    }
    keys.par_sort_unstable();
    keys.par_chunk_by_mut(same_day)
        .for_each(|run| run.sort_unstable_by_key(|&key| rest(key)));
    let mut destination = vec![0u32; keys.len()];
    for (place, &key) in keys.iter().enumerate() {
        destination[key as u32 as usize] = place as u32;
    }
    drop(keys);
    move_to_destinations(events, &mut destination, MOVE_BUCKET_EVENTS);
    true
}

/// An event's sort key by its first day (latest first) and then its place.
fn day_key(first_day: i32, index: u32) -> u64 {
    // Flipping the sign bit orders the days as unsigned; inverting them
    // puts the latest first.
    let latest_first = !((first_day as u32) ^ 0x8000_0000);
    (u64::from(latest_first) << 32) | u64::from(index)
}

/// Events in a bucket of [`move_to_destinations`]: 5.8 MB of them. At 1M
/// events, buckets of 4 096, 16 384, 65 536 and 262 144 events moved them
/// in 72-79, 65-86, 45-55 and 42-68 ms (three loads each).
const MOVE_BUCKET_EVENTS: usize = 65_536;

/// Moves each event to `destination[its place]` (a permutation), in place.
///
/// Moved one by one at random across the whole list, the events of 1M
/// took 115-150 ms on one core, most of it waiting for memory. First every
/// event goes to its bucket (`bucket` events of neighbouring destinations),
/// each bucket's place filled in one pass from its start; then the buckets,
/// disjoint, are put in order on every core, each within its own few MB.
fn move_to_destinations(events: &mut [Event], destination: &mut [u32], bucket: usize) {
    let bucket = bucket.max(1);
    let buckets = events.len().div_ceil(bucket);
    if buckets > 1 {
        // The next place to fill in each bucket.
        let mut next: Vec<usize> = (0..buckets).map(|b| b * bucket).collect();
        for b in 0..buckets {
            let end = ((b + 1) * bucket).min(events.len());
            while next[b] < end {
                let at = next[b];
                let home = destination[at] as usize / bucket;
                if home == b {
                    next[b] += 1;
                } else {
                    // Settles the event in its bucket for good, and brings
                    // here one to look at next.
                    let to = next[home];
                    events.swap(at, to);
                    destination.swap(at, to);
                    next[home] += 1;
                }
            }
        }
    }
    events
        .par_chunks_mut(bucket)
        .zip(destination.par_chunks_mut(bucket))
        .enumerate()
        .for_each(|(b, (events, destination))| {
            let start = b * bucket;
            // Each swap puts the event at `place` where it goes, and brings
            // to `place` the one from there; it stays when it belongs there.
            for place in 0..events.len() {
                loop {
                    let to = destination[place] as usize - start;
                    if to == place {
                        break;
                    }
                    events.swap(place, to);
                    destination.swap(place, to);
                }
            }
        });
}

/// How many events a file being read will hold, judged once from its
/// first batch that says how many of the file's bytes its records took.
#[derive(Default)]
struct FileEstimate {
    judged: bool,
}

impl FileEstimate {
    /// The events to make room for, the first time a batch of `events`
    /// events from `bytes` of a file of `file_bytes` tells: a twentieth
    /// more than the batch's rate gives, as records vary in length. `None`
    /// after that, or when the reader or the progress does not know.
    fn events(&mut self, file_bytes: Option<u64>, bytes: u64, events: usize) -> Option<usize> {
        let file_bytes = file_bytes.filter(|&size| size >= bytes)?;
        if self.judged || bytes == 0 || events == 0 {
            return None;
        }
        self.judged = true;
        let rate = events as f64 / bytes as f64;
        // No record takes fewer than two bytes (`{}` and a comma).
        let most = file_bytes / 2;
        Some((file_bytes as f64 * rate * 1.05).min(most as f64) as usize)
    }
}

/// The events of `json`, read as the file `name` with `regions` loaded:
/// what tests across the crate load their few records with.
#[cfg(test)]
pub(crate) fn set_from_json(regions: &RegionSet, name: &str, json: &str) -> EventSet {
    let mut builder = EventSetBuilder::new(regions);
    builder
        .add_reader(name, None, json.as_bytes(), None)
        .expect("loads");
    builder.finish().0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatePrecision, EventOrigin};

    #[test]
    fn a_files_events_are_judged_once_from_its_first_batch_that_tells() {
        let mut estimate = FileEstimate::default();
        // Not told: no bytes, no events, no file size, or a batch larger
        // than the file (another file's size).
        assert_eq!(estimate.events(Some(1000), 0, 10), None);
        assert_eq!(estimate.events(Some(1000), 100, 0), None);
        assert_eq!(estimate.events(None, 100, 10), None);
        assert_eq!(estimate.events(Some(50), 100, 10), None);
        // 10 events in 100 bytes of a 10 000-byte file: 1 000, and a
        // twentieth more.
        assert_eq!(estimate.events(Some(10_000), 100, 10), Some(1050));
        assert_eq!(estimate.events(Some(10_000), 100, 10), None, "once");
        // Never more than a record every two bytes.
        let mut tiny = FileEstimate::default();
        assert_eq!(tiny.events(Some(10_000), 10, 10), Some(5000));
    }

    fn regions() -> RegionSet {
        RegionSet::bundled().expect("bundled regions")
    }

    #[test]
    fn the_bundled_sample_loads_without_messages_and_covers_every_region() {
        let regions = regions();
        let set = EventSet::bundled(&regions).expect("sample loads cleanly");
        assert!(set.len() >= 20, "{}", set.len());
        for (index, region) in regions.regions().iter().enumerate() {
            let count = set
                .events()
                .iter()
                .filter(|e| e.region() == Some(index as u32))
                .count();
            assert!(count >= 1, "{} has {count} events", region.id);
        }
        assert!(
            set.events().iter().any(|e| e.region().is_none()),
            "some events are outside"
        );
        assert!(
            set.events()
                .windows(2)
                .all(|w| w[0].day_span().0 >= w[1].day_span().0),
            "newest first"
        );
        assert!(
            set.events().iter().all(|e| e.sources().count() >= 1),
            "every event cites its article"
        );
    }

    /// An event for the order's tests: `(seconds, offset, precision, end
    /// days after, file, record)`.
    type Shape = (i64, Option<i16>, usize, Option<i64>, u32, u32);

    fn shaped(&(seconds, offset, precision, end, file, record): &Shape) -> Event {
        let date = EventDate::from_parts(seconds, offset).expect("in range");
        let texts = crate::data::EventTexts::default();
        let mut event = Event::new(&texts, date, geo::Coord { x: 39.7, y: 47.2 });
        event.set_date_precision(DatePrecision::ALL[precision]);
        event.end_date = end.and_then(|days| EventDate::from_utc_seconds(seconds + days * 86_400));
        event.origin = EventOrigin {
            file,
            record,
            line: 0,
        };
        event
    }

    fn order_of(events: &[Event]) -> Vec<(EventDate, DatePrecision, Option<EventDate>, u32, u32)> {
        events
            .iter()
            .map(|e| {
                (
                    e.date,
                    e.date_precision(),
                    e.end_date,
                    e.origin.file,
                    e.origin.record,
                )
            })
            .collect()
    }

    proptest::proptest! {
        /// The keyed sort puts events as a stable sort comparing them would,
        /// field by field as the set's order reads, and says whether any
        /// moved. Dates within a few months, so that coarse spans, end dates,
        /// offsets and equal days meet.
        #[test]
        fn the_keyed_sort_orders_as_comparing_the_events_does(
            shapes in proptest::collection::vec(
                (
                    1_600_000_000i64..1_610_000_000,
                    proptest::option::of(-720i16..=840),
                    0usize..4,
                    proptest::option::of(0i64..40),
                    0u32..3,
                    0u32..20,
                ),
                0..300,
            ),
            presorted in 0u8..3,
        ) {
            let mut shapes: Vec<Shape> = shapes;
            let compare = |a: &Event, b: &Event| {
                b.day_span()
                    .0
                    .cmp(&a.day_span().0)
                    .then(b.date.cmp(&a.date))
                    .then(a.origin.file.cmp(&b.origin.file))
                    .then(a.origin.record.cmp(&b.origin.record))
            };
            match presorted {
                // Already in order (the event cache's case): nothing moves.
                1 => shapes.sort_by(|a, b| compare(&shaped(a), &shaped(b))),
                // In order by the first day alone: the rest still sorts.
                2 => shapes.sort_by_key(|shape| Reverse(shaped(shape).day_span().0)),
                _ => {}
            }
            let mut expected: Vec<Event> = shapes.iter().map(shaped).collect();
            let before = order_of(&expected);
            expected.sort_by(compare);
            let mut events: Vec<Event> = shapes.iter().map(shaped).collect();
            let moved = sort_newest_first(&mut events);
            proptest::prop_assert_eq!(order_of(&events), order_of(&expected));
            proptest::prop_assert_eq!(moved, before != order_of(&expected));
        }
    }

    proptest::proptest! {
        /// Events reach their destinations whatever the buckets' size: one
        /// bucket, a few, one an event, and a last bucket cut short.
        #[test]
        fn events_are_moved_to_their_destinations_bucket_by_bucket(
            order in proptest::strategy::Strategy::prop_map(proptest::collection::vec(0u32..1_000_000, 0..200), |keys| {
                let mut places: Vec<u32> = (0..keys.len() as u32).collect();
                places.sort_by_key(|&i| keys[i as usize]);
                places
            }),
            bucket in 1usize..40,
        ) {
            let mut events: Vec<Event> = (0..order.len() as u32)
                .map(|record| shaped(&(1_600_000_000, None, 0, None, 0, record)))
                .collect();
            let mut destination = order.clone();
            move_to_destinations(&mut events, &mut destination, bucket);
            for (record, &to) in order.iter().enumerate() {
                proptest::prop_assert_eq!(events[to as usize].origin.record, record as u32);
            }
        }
    }

    #[test]
    fn a_files_texts_stay_in_the_blocks_its_reader_made_whatever_the_sort() {
        let regions = regions();
        // Dates back and forth, so that the sort moves nearly every event.
        let records: Vec<String> = (0..5_000)
            .map(|i| {
                let (year, month, day) = (2010 + i * 37 % 10, 1 + i * 7 % 12, 1 + i * 13 % 28);
                format!(
                    r#"{{"id": "e{i}", "title": "record {i}", "date": "{year}-{month:02}-{day:02}", "lat": 47.2, "lon": 39.7}}"#
                )
            })
            .collect();
        let set = set_from_json(&regions, "many.json", &format!("[{}]", records.join(",")));
        assert_eq!(set.len(), 5_000);
        for event in set.events() {
            assert_eq!(
                event.title(),
                format!("record {}", &event.id()[1..]),
                "texts intact"
            );
        }
        let blocks: std::collections::HashSet<*const crate::data::events::text_file::Texts> = set
            .events()
            .iter()
            .map(|e| Arc::as_ptr(e.text_block().0))
            .collect();
        assert!(
            blocks.len() * 64 <= set.len(),
            "{} blocks: the reader's tasks' blocks, not one an event",
            blocks.len()
        );
        // Not copied again in the set's order: neighbours in the set are
        // rarely neighbours in a block.
        let following = set
            .events()
            .windows(2)
            .filter(|pair| pair[0].texts_followed_by(&pair[1]))
            .count();
        assert!(
            following * 4 < set.len(),
            "{following} events' texts follow the one before"
        );
    }

    #[test]
    fn a_broken_file_keeps_nothing_and_earlier_files_stay() {
        let regions = regions();
        let mut builder = EventSetBuilder::new(&regions);
        let good = r#"[{"id": "a", "title": "t", "date": "2020-01-01", "lat": 47.2, "lon": 39.7, "category": "alpha"}]"#;
        builder
            .add_reader("good.json", None, good.as_bytes(), None)
            .expect("good");
        let broken = r#"[{"id": "b", "title": "t", "date": "2020-01-01", "lat": 47.2, "lon": 39.7, "category": "beta"},"#;
        let error = builder
            .add_reader("broken.json", None, broken.as_bytes(), None)
            .expect_err("truncated");
        assert!(error.to_string().starts_with("broken.json:1:"), "{error}");
        let (set, messages) = builder.finish();
        assert_eq!(set.events().iter().map(Event::id).collect::<Vec<_>>(), ["a"]);
        assert_eq!(set.files().len(), 1);
        assert!(set.categories().find("alpha").is_some());
        assert!(
            set.categories().find("beta").is_none(),
            "a failed file adds no category"
        );
        assert_eq!(messages.len(), 1);
        assert!(messages[0].to_string().contains("broken.json"));
    }

    #[test]
    fn duplicate_ids_are_warned_and_the_later_record_wins() {
        let regions = regions();
        let mut builder = EventSetBuilder::new(&regions);
        let first = "[\n{\"id\": \"a\", \"title\": \"first\", \"date\": \"2020-01-01\", \"lat\": 47.2, \"lon\": 39.7},\n{\"id\": \"a\", \"title\": \"second\", \"date\": \"2020-01-02\", \"lat\": 47.2, \"lon\": 39.7},\n{\"id\": \"b\", \"title\": \"b\", \"date\": \"2020-01-03\", \"lat\": 47.2, \"lon\": 39.7}\n]";
        builder
            .add_reader("one.json", None, first.as_bytes(), None)
            .expect("loads");
        let update =
            r#"[{"id": "b", "title": "b, updated", "date": "2020-01-03", "lat": 50.6, "lon": 36.59}]"#;
        builder
            .add_reader("two.json", None, update.as_bytes(), None)
            .expect("loads");
        let (set, messages) = builder.finish();
        let titles: Vec<&str> = set.events().iter().map(Event::title).collect();
        assert_eq!(titles, ["b, updated", "second"]);
        let texts: Vec<String> = messages.iter().map(ToString::to_string).collect();
        assert!(
            texts
                .iter()
                .any(|t| t
                    .starts_with("one.json:3:1: records[1]: warning: duplicate id \"a\" (first at line 2)")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("two.json: warning: 1 event replaces events with the same id")),
            "{texts:?}"
        );
    }
}
