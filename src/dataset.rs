//! Everything loaded, with the indexes built from it once: regions, context,
//! events, the columns filtering reads, the spatial index of events and
//! (built on first use) the free-text index. Immutable: loading new files
//! makes a new `Dataset`.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use geo::Coord;

use crate::data::events::cache::CacheWrites;
use crate::data::events::cache_spatial::SpatialOrder;
use crate::data::regions::border_distance::BorderIndex;
use crate::data::{ContextLayer, Event, EventSet, Precision, RegionSet};
use crate::geometry::area::{AreaTest, DrawnArea};
use crate::query::search::query_terms;
use crate::query::{CompiledFilter, EventColumns, EventFilter, FilteredEvents, SearchIndex};
use crate::spatial::EventIndex;

/// The loaded data and its indexes.
pub struct Dataset {
    /// Tracked regions.
    pub regions: RegionSet,
    /// The muted map underneath.
    pub context: ContextLayer,
    /// Events, newest first.
    pub events: EventSet,
    /// Per-event numbers for filtering.
    pub columns: EventColumns,
    /// Events by position.
    pub index: EventIndex,
    /// Events per category id, unfiltered.
    pub category_totals: Vec<usize>,
    search: OnceLock<SearchIndex>,
    /// The last free text searched, and the last drawn area, with the
    /// events each lets through.
    /// Keyed by the search's terms ([`search_key`]): a space typed
    /// between two words, or a capital, asks for the same hits.
    last_search: LastMask<String>,
    last_area: LastMask<DrawnArea>,
    border_km: OnceLock<Vec<f32>>,
    /// The loaded files to keep in the event cache, written after the
    /// indexes (`None` once written).
    cache_writes: Mutex<Option<CacheWrites>>,
    /// Set once the indexes are built and the cache written.
    settled: OnceLock<()>,
}

/// Where a dataset's memory goes: bytes on the heap per structure, as
/// `Dataset::memory` counts them (capacities, not what the allocator adds).
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryReport {
    /// How many events the data holds.
    pub events: usize,
    /// Each structure and its bytes.
    pub items: Vec<(&'static str, usize)>,
    /// Bytes of the events' texts in the texts' file and not in memory
    /// (not in [`Self::total`]).
    pub texts_in_file: usize,
    /// Bytes of the search index's lists in the texts' file and not in
    /// memory (not in [`Self::total`]).
    pub lists_in_file: usize,
}

impl MemoryReport {
    /// All the bytes counted.
    pub fn total(&self) -> usize {
        self.items.iter().map(|(_, bytes)| bytes).sum()
    }

    /// Bytes per event of the structure named `what` (0 when unknown).
    pub fn per_event(&self, what: &str) -> f64 {
        let bytes = self
            .items
            .iter()
            .find(|(name, _)| *name == what)
            .map_or(0, |(_, b)| *b);
        bytes as f64 / self.events.max(1) as f64
    }
}

impl std::fmt::Display for MemoryReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per_event = |bytes: usize| bytes as f64 / self.events.max(1) as f64;
        for (what, bytes) in &self.items {
            writeln!(
                f,
                "{what:<45} {:>10.1} MB {:>8.1} B/event",
                *bytes as f64 / 1e6,
                per_event(*bytes)
            )?;
        }
        let total = self.total();
        writeln!(
            f,
            "{:<45} {:>10.1} MB {:>8.1} B/event",
            "total",
            total as f64 / 1e6,
            per_event(total)
        )?;
        writeln!(
            f,
            "{:<45} {:>10.1} MB {:>8.1} B/event",
            "(events: texts in the texts' file, not memory)",
            self.texts_in_file as f64 / 1e6,
            per_event(self.texts_in_file)
        )?;
        write!(
            f,
            "{:<45} {:>10.1} MB {:>8.1} B/event",
            "(search index: lists in the texts' file)",
            self.lists_in_file as f64 / 1e6,
            per_event(self.lists_in_file)
        )
    }
}

/// Coordinates in a shape.
fn coords(shape: &geo::MultiPolygon<f64>) -> usize {
    shape
        .0
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum()
}

/// Bytes of the mask a [`LastMask`] keeps, if any.
fn mask_len<K>(mask: &LastMask<K>) -> usize {
    mask.0
        .lock()
        .map_or(0, |last| last.as_ref().map_or(0, |(_, m)| m.len()))
}

/// The last mask (one flag per event) made for a key: the map's filter and
/// the timeline's (the same filter without its dates) ask for the same one
/// in one frame, and it is made once.
struct LastMask<K>(Mutex<Option<(K, Arc<Vec<bool>>)>>);

impl<K: PartialEq + Clone> LastMask<K> {
    fn new() -> Self {
        Self(Mutex::new(None))
    }

    /// The mask for `key`: the last one when the key is the same, else
    /// `make`'s, kept for next time. `make` runs without the lock: a search
    /// made for a filter on another thread (an export's, a playback
    /// export's pictures') must not hold up the window asking whether its
    /// own search is done. Two threads asking for the same new key at once
    /// each make it, and the one kept is as good as the other.
    fn get(&self, key: &K, make: impl FnOnce() -> Vec<bool>) -> Arc<Vec<bool>> {
        if let Some(mask) = self.get_made(key) {
            return mask;
        }
        let mask = Arc::new(make());
        self.keep_shared(key.clone(), Arc::clone(&mask));
        mask
    }

    /// The last mask, if it is `key`'s.
    fn get_made(&self, key: &K) -> Option<Arc<Vec<bool>>> {
        let last = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        last.as_ref()
            .filter(|(made_for, _)| made_for == key)
            .map(|(_, mask)| Arc::clone(mask))
    }

    /// Keeps `mask` as `key`'s, in place of the last.
    fn keep_shared(&self, key: K, mask: Arc<Vec<bool>>) {
        let mut last = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *last = Some((key, mask));
    }

    /// Whether the last mask is `key`'s.
    fn holds(&self, key: &K) -> bool {
        self.get_made(key).is_some()
    }

    /// Keeps `mask`, made elsewhere, as `key`'s.
    fn keep(&self, key: K, mask: Vec<bool>) {
        self.keep_shared(key, Arc::new(mask));
    }
}

/// What a search is kept by: its terms, as they are looked for.
fn search_key(text: &str) -> String {
    query_terms(text).join(" ")
}

/// Where the map draws an event: one placed only to its region at the
/// region's label point (its own point is just a stand-in, often the
/// regional capital, where it would pass for a geolocated event), any other
/// at its point.
pub fn drawn_position(event: &Event, regions: &RegionSet) -> Coord<f64> {
    match (event.precision(), event.region()) {
        (Some(Precision::Region), Some(index)) => regions
            .get(index as usize)
            .map_or(event.position, |region| region.label_point),
        _ => event.position,
    }
}

/// The distance in km from each event of `events` to the nearest border line
/// of `regions`, in event order; infinite for a notional event, whose point
/// says nothing of where it happened (no near-border filter keeps it).
pub fn border_distances_km(events: &EventSet, regions: &RegionSet) -> Vec<f32> {
    use rayon::prelude::*;
    let index = regions.border().index();
    events
        .events()
        .par_iter()
        .map(|event| {
            if event.is_notional() {
                return f32::INFINITY;
            }
            index
                .nearest(event.position)
                .map_or(f32::INFINITY, |n| (n.metres / 1000.0) as f32)
        })
        .collect()
}

/// Whether each event of `events` is inside the drawn `area`, by its
/// point, in event order; a notional event never is (its point is only a
/// stand-in).
pub fn area_hits(events: &EventSet, area: &AreaTest) -> Vec<bool> {
    use rayon::prelude::*;
    events
        .events()
        .par_iter()
        .map(|event| !event.is_notional() && area.contains(event.position))
        .collect()
}

impl Dataset {
    /// Builds the indexes of `events` (already placed in `regions`).
    pub fn new(regions: RegionSet, context: ContextLayer, events: EventSet) -> Self {
        Self::with_stored_index(regions, context, events, None)
    }

    /// [`Self::new`], the spatial index taken from `stored` when it checks
    /// out: the one the event cache kept for a file loaded alone
    /// ([`crate::data::EventSetBuilder::finish_with_spatial`]).
    pub fn with_stored_index(
        regions: RegionSet,
        context: ContextLayer,
        events: EventSet,
        stored: Option<SpatialOrder>,
    ) -> Self {
        let position = |event: &Event| drawn_position(event, &regions);
        let spatial_index = || {
            let from_cache = stored.and_then(|stored| {
                let index = EventIndex::from_stored(&events, stored, position);
                if index.is_none() {
                    log::warn!("the event cache's spatial index does not fit its events; made anew");
                }
                index
            });
            from_cache.unwrap_or_else(|| EventIndex::with_positions(&events, position))
        };
        // Made anew, the index takes about as long as the columns: one on
        // each of two cores.
        let (columns, index) = rayon::join(|| EventColumns::new(&events), spatial_index);
        let mut category_totals = vec![0; events.categories().len()];
        for event in events.events() {
            if let Some(total) = category_totals.get_mut(usize::from(event.category.0)) {
                *total += 1;
            }
        }
        Self {
            regions,
            context,
            events,
            columns,
            index,
            category_totals,
            search: OnceLock::new(),
            last_search: LastMask::new(),
            last_area: LastMask::new(),
            border_km: OnceLock::new(),
            cache_writes: Mutex::new(None),
            settled: OnceLock::new(),
        }
    }

    /// This data keeping the files it was loaded from in the event cache,
    /// once its indexes are built ([`Self::build_indexes_in_background`]).
    pub fn with_cache_writes(mut self, writes: CacheWrites) -> Self {
        *self
            .cache_writes
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(writes);
        self
    }

    /// Whether the work after the first frame is done: the indexes built
    /// and the loaded files kept in the cache.
    pub fn settled(&self) -> bool {
        self.settled.get().is_some()
    }

    /// Where the map draws the event at `index` ([`drawn_position`]), to
    /// centre on it; `None` for a notional event (its point is only a
    /// stand-in, and the map leaves it out) or no such event.
    pub fn map_position(&self, index: usize) -> Option<Coord<f64>> {
        let event = self.events.get(index)?;
        (!event.is_notional()).then(|| drawn_position(event, &self.regions))
    }

    /// Where this data's memory goes, structure by structure.
    pub fn memory(&self) -> MemoryReport {
        let [fixed, texts, extra] = self.events.heap_bytes();
        let outlines: usize = self
            .regions
            .regions()
            .iter()
            .map(|r| coords(&r.shape))
            .sum::<usize>()
            + self
                .context
                .features
                .iter()
                .map(|f| coords(&f.shape))
                .sum::<usize>();
        MemoryReport {
            events: self.events.len(),
            texts_in_file: self.events.events().iter().map(Event::text_bytes_in_file).sum(),
            lists_in_file: self.search.get().map_or(0, SearchIndex::lists_file_bytes),
            items: vec![
                ("events: fixed fields", fixed),
                ("events: texts", texts),
                ("events: other fields", extra),
                ("filter columns", self.columns.heap_bytes()),
                ("spatial index", self.index.heap_bytes()),
                (
                    "search index (where the texts lie)",
                    self.search.get().map_or(0, SearchIndex::heap_bytes),
                ),
                (
                    "search index (frequent words)",
                    self.search.get().map_or(0, SearchIndex::words_heap_bytes),
                ),
                (
                    "search index (the events holding each other word)",
                    self.search.get().map_or(0, SearchIndex::lists_heap_bytes),
                ),
                (
                    "distances to the border",
                    self.border_km
                        .get()
                        .map_or(0, |d| std::mem::size_of_val(d.as_slice())),
                ),
                (
                    "border index",
                    self.regions
                        .border()
                        .built_index()
                        .map_or(0, BorderIndex::heap_bytes),
                ),
                (
                    "last search and area masks",
                    mask_len(&self.last_search) + mask_len(&self.last_area),
                ),
                (
                    "region and context outlines",
                    outlines * std::mem::size_of::<Coord<f64>>(),
                ),
            ],
        }
    }

    /// Whether the free-text index (its lists of the events holding each
    /// word too) and the distances to the border are built (else the first
    /// search or near-border filter waits for them; a search made before
    /// the lists scans the texts).
    pub fn indexes_ready(&self) -> bool {
        self.search.get().is_some_and(SearchIndex::has_lists) && self.border_km.get().is_some()
    }

    /// The free-text index, built the first time it is asked for.
    pub fn search_index(&self) -> &SearchIndex {
        self.search.get_or_init(|| SearchIndex::new(&self.events))
    }

    /// Each event's distance to the nearest border line, in km (infinite
    /// when there is no border to measure to), measured on all cores the
    /// first time it is asked for: a near-border filter or the side panel's
    /// distance bands.
    pub fn border_km(&self) -> &[f32] {
        self.border_km
            .get_or_init(|| border_distances_km(&self.events, &self.regions))
    }

    /// Builds the free-text index, then measures every event's distance to
    /// the border, then makes the search index's lists of the events
    /// holding each word, on a thread of its own, so that none holds up the
    /// window and the first search or near-border filter finds them done
    /// (or waits only for the rest: a search made before the lists scans
    /// the texts); then keeps the loaded files in the event cache, where
    /// nothing waits for it.
    pub fn build_indexes_in_background(data: &Arc<Self>) {
        let data = Arc::clone(data);
        let spawned = std::thread::Builder::new()
            .name("borderwatch-indexes".into())
            .spawn(move || {
                data.search_index();
                data.border_km();
                data.search_index().make_lists(&data.events);
                let writes = data
                    .cache_writes
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                if let Some(writes) = writes {
                    let events = &data.events;
                    writes.write(events.events(), events.categories(), Some(data.index.parts()));
                }
                data.settled.get_or_init(|| ());
            });
        if let Err(error) = spawned {
            log::warn!(
                "the search index and distances to the border will be built when first needed: {error}"
            );
        }
    }

    /// The filter compiled against this data.
    pub fn compile(&self, filter: &EventFilter) -> CompiledFilter {
        filter.compile(self.events.categories(), &self.regions)
    }

    /// Whether [`Self::apply`] answers a filter with this search text
    /// without searching: it has no terms, or the same terms as the last
    /// search.
    pub fn search_done(&self, text: &str) -> bool {
        let key = search_key(text);
        key.is_empty() || self.last_search.holds(&key)
    }

    /// The hits of a search for `text` (see [`SearchIndex::search_until`]),
    /// made on the calling thread (waiting for the index if it is still
    /// being built), or `None` once `stop` is set.
    ///
    /// Called on a thread of a rayon pool (the search threads), an index
    /// not built yet is built on a thread of its own, which this one waits
    /// for. Building it runs on all cores; a pool's thread waiting for that
    /// work takes up other work of its pool meanwhile, and could take up a
    /// second search that waits for the same index: on the same thread,
    /// for ever (two searches started at once did, in tests). When that
    /// thread cannot be started, or its building panics, there are no hits
    /// (`None`): building it here instead would risk the same wait.
    pub fn search_until(&self, text: &str, stop: &AtomicBool) -> Option<Vec<bool>> {
        if self.search.get().is_none() && rayon::current_thread_index().is_some() {
            let built = std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .name("borderwatch-search-index".into())
                    .spawn_scoped(scope, || {
                        self.search_index();
                    })
                    .map_err(|error| log::warn!("no thread to build the search index on ({error})"))
                    .and_then(|building| {
                        building
                            .join()
                            .map_err(|_| log::warn!("building the search index failed"))
                    })
            });
            built.ok()?;
        }
        self.search_index().search_until(&self.events, text, stop)
    }

    /// Keeps `hits`, made by [`Self::search_until`] on another thread, as
    /// the last search's, so that [`Self::apply`] takes them.
    pub fn keep_search(&self, text: &str, hits: Vec<bool>) {
        self.last_search.keep(search_key(text), hits);
    }

    /// The events that pass `filter`, with their counts.
    pub fn apply(&self, filter: &EventFilter) -> FilteredEvents {
        let compiled = self.compile(filter);
        let hits = compiled.has_text().then(|| {
            self.last_search.get(&search_key(&filter.text), || {
                self.search_index().search(&self.events, &filter.text)
            })
        });
        let border = compiled.has_near_border().then(|| self.border_km());
        let inside = filter
            .area
            .as_ref()
            .zip(compiled.area())
            .map(|(area, test)| self.last_area.get(area, || area_hits(&self.events, test)));
        let masks: Vec<&[bool]> = hits.iter().chain(&inside).map(|m| m.as_slice()).collect();
        FilteredEvents::compute(
            &self.columns,
            &compiled,
            &masks,
            border,
            self.regions.regions().len(),
            self.events.categories().len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    #[test]
    fn a_mask_being_made_holds_up_no_one_asking_for_another() {
        let last = Arc::new(LastMask::<String>::new());
        last.keep("drills".into(), vec![true, false]);
        let (asked, making) = channel();
        let (answered, done) = channel();
        let maker = {
            let last = Arc::clone(&last);
            std::thread::spawn(move || {
                last.get(&"weapons".into(), || {
                    // Made only once the other thread has had its answer.
                    let _ = asked.send(());
                    let _ = done.recv_timeout(Duration::from_secs(10));
                    vec![false, true]
                })
            })
        };
        making
            .recv_timeout(Duration::from_secs(10))
            .expect("the mask is being made");
        let (tell, told) = channel();
        let asker = {
            let last = Arc::clone(&last);
            std::thread::spawn(move || {
                let _ = tell.send((last.holds(&"drills".into()), last.holds(&"weapons".into())));
            })
        };
        let answer = told.recv_timeout(Duration::from_secs(5));
        let _ = answered.send(());
        assert_eq!(
            answer,
            Ok((true, false)),
            "answered while the other mask was made"
        );
        assert_eq!(*maker.join().expect("maker"), vec![false, true]);
        asker.join().expect("asker");
        assert!(last.holds(&"weapons".into()), "the new mask is kept");
        assert_eq!(
            *last.get(&"weapons".into(), Vec::new),
            vec![false, true],
            "and given again"
        );
    }
}
