//! Free-text search over a million events in a few tens of milliseconds,
//! with no second copy of their texts: each term is looked for in the
//! events' own texts, ignoring case. A finished set keeps its events' texts
//! in blocks of many events each (put together in file order as a file is
//! read; a frame of the event cache is such a block, in the set's order),
//! each scanned in one pass whatever order the events are in: a probe finds where two of the term's
//! characters (rare ones) occur in any case at their distance apart, and
//! each place found is compared with the term, lower-cased a character at a
//! time, then given to the event whose texts hold it. Which of the words
//! most events hold each event holds (see [`super::search_words`]) tells
//! of many events without a scan: those holding a word that holds the
//! term hold it, those lacking a word the term holds lack it. A common
//! word is answered without a scan; the first letters of one as it is
//! typed, or a longer term holding one, scan only the events the words
//! tell nothing of.
//!
//! That comparison finds the term at the same byte offsets in the text as
//! in its lower-cased form, which holds wherever lower-casing keeps each
//! character's length: every Latin, Cyrillic and Greek letter but a few.
//! The [`SearchIndex`] lists the events holding any other character (`İ`,
//! the Kelvin sign, the separator byte); those are lower-cased whole when
//! searched, as the headless check does for every event.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use memchr::memmem;
use rayon::prelude::*;

use super::search_lists::{self, WordLists};
use super::search_probe::{Probe, same_length_lower};
use super::search_words::{FrequentWords, Known, bit};
use crate::data::events::event::searchable_parts;
use crate::data::events::text_file::TextFile;
use crate::data::{Event, EventSet, TextBlock};

/// Separates the texts of an event when they are lower-cased whole, so a
/// match never spans two fields. Search terms cannot contain it.
pub(super) const FIELD_SEPARATOR: u8 = 0;

/// Where the texts of an [`EventSet`]'s events lie, for searching them in
/// place; made once per set.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// The runs of events whose texts lie one after another in one block,
    /// block by block: every event's texts are in one run.
    runs: Vec<TextRun>,
    /// Indices of the events whose searchable texts hold the separator byte
    /// or a character that lower-cases to another length: searched
    /// lower-cased whole.
    folded_whole: Vec<usize>,
    /// The words most events hold, and which each event holds.
    words: FrequentWords,
    /// The events holding each other word, run by run: made after the
    /// rest (see [`Self::make_lists`]); a search scans until they are.
    lists: OnceLock<WordLists>,
    len: usize,
}

impl SearchIndex {
    /// Bytes the index holds on the heap (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        let runs: usize = self
            .runs
            .iter()
            .map(|run| {
                std::mem::size_of::<TextRun>()
                    + std::mem::size_of_val(run.events.as_slice())
                    + std::mem::size_of_val(run.starts.as_slice())
            })
            .sum();
        runs + std::mem::size_of_val(self.folded_whole.as_slice())
    }

    /// Bytes its lists of the events holding each word hold on the heap
    /// (for the memory report).
    pub fn lists_heap_bytes(&self) -> usize {
        self.lists.get().map_or(0, WordLists::heap_bytes)
    }

    /// Bytes of its lists in the texts' file (for the memory report).
    pub fn lists_file_bytes(&self) -> usize {
        self.lists.get().map_or(0, WordLists::file_bytes)
    }

    /// Bytes its frequent words and each event's mask of them hold on the
    /// heap (for the memory report).
    pub fn words_heap_bytes(&self) -> usize {
        self.words.heap_bytes()
    }

    /// Finds where the texts of `events` lie, and which of them lower-case
    /// unevenly.
    pub fn new(events: &EventSet) -> Self {
        Self::for_events(events.events())
    }

    fn for_events(events: &[Event]) -> Self {
        let runs = TextRun::of(events);
        // Looked for in the blocks, in the order the texts lie: all of an
        // event's texts, its id and declared region too, so an event may be
        // searched whole when it need not be, never the other way.
        let mut folded_whole: Vec<usize> = runs
            .par_iter()
            .flat_map_iter(|run| run.folded_unevenly(events))
            .collect();
        folded_whole.par_sort_unstable();
        let words = FrequentWords::new(events, &runs, |run, each| run.each_texts(events, each));
        Self {
            runs,
            folded_whole,
            words,
            lists: OnceLock::new(),
            len: events.len(),
        }
    }

    /// Makes the lists of the events holding each word of `events`' texts
    /// (the set the index was made for), unless made already: a search
    /// for a term of letters and digits then reads no text. Made apart
    /// from the rest, after it, so that a search can be made (by scanning)
    /// while they are; a one-off search (a command's) need not make them.
    pub fn make_lists(&self, events: &EventSet) {
        self.make_lists_for(events.events());
    }

    fn make_lists_for(&self, events: &[Event]) {
        if events.len() != self.len {
            return;
        }
        self.lists.get_or_init(|| {
            // The lists' gaps go where the texts are: to the load's texts'
            // file when they are in a file.
            let file = events
                .iter()
                .any(|event| event.text_bytes_in_file() > 0)
                .then(TextFile::for_load)
                .flatten();
            WordLists::new(&self.runs, self.words.words(), file.as_ref(), |run, each| {
                run.each_texts(events, each)
            })
        });
    }

    /// Whether the lists of the events holding each word are made.
    pub fn has_lists(&self) -> bool {
        self.lists.get().is_some()
    }

    /// How many events the index was made for.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it was made for no event.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Marks (one flag per event of `events`, the set the index was made
    /// for) the events whose texts contain every whitespace-separated term
    /// of `query`, ignoring case.
    pub fn search(&self, events: &EventSet, query: &str) -> Vec<bool> {
        let never = AtomicBool::new(false);
        self.search_until(events, query, &never)
            .unwrap_or_else(|| vec![false; events.len()])
    }

    /// As [`Self::search`], unless `stop` is set before it is done: then
    /// `None`, soon after (a search the user has typed past is dropped
    /// between one run of texts and the next, not finished).
    pub fn search_until(&self, events: &EventSet, query: &str, stop: &AtomicBool) -> Option<Vec<bool>> {
        self.hits(events.events(), query, stop)
    }

    fn hits(&self, events: &[Event], query: &str, stop: &AtomicBool) -> Option<Vec<bool>> {
        if events.len() != self.len {
            // Other events than the index's: their own index, made now.
            return Self::for_events(events).hits(events, query, stop);
        }
        let mut hits = vec![true; events.len()];
        for term in &query_terms(query) {
            let found = self.find_term(events, term, stop)?;
            for (hit, found) in hits.iter_mut().zip(found) {
                *hit &= found;
            }
        }
        Some(hits)
    }

    /// Events containing `term` (already folded, not empty); `None` when
    /// `stop` is set first.
    fn find_term(&self, events: &[Event], term: &String, stop: &AtomicBool) -> Option<Vec<bool>> {
        self.find_term_in_groups(events, term, stop, check_group_events(events.len()))
    }

    /// [`Self::find_term`], the places checked `group_events` events at a
    /// time.
    fn find_term_in_groups(
        &self,
        events: &[Event],
        term: &String,
        stop: &AtomicBool,
        group_events: usize,
    ) -> Option<Vec<bool>> {
        let group_events = group_events.max(1);
        let terms = std::slice::from_ref(term);
        let mut found = vec![false; events.len()];
        // The events the frequent words tell hold the term, or lack it:
        // marked so, and their texts passed over.
        let known = self.words.known(term);
        // A frequent word itself is told of in every event by the masks.
        let frequent = self.words.words().iter().any(|word| **word == **term);
        let listed = self.listed(events.len(), term).filter(|_| !frequent);
        if let Some(listed) = listed {
            // Every event holding the term holds a word holding it: a
            // frequent one (its mask tells) or a listed one.
            found.par_iter_mut().enumerate().for_each(|(i, found)| {
                *found = bit(&listed, i) || known.as_ref().is_some_and(|known| known.holds(i));
            });
            self.search_whole(events, terms, &mut found);
            return Some(found).filter(|_| !stop.load(Ordering::Relaxed));
        }
        // A term with other characters is held only by events holding each
        // piece of letters and digits of it in a word: the others are told
        // they lack it, and their texts passed over.
        let known = match self.holding_every_piece(events.len(), term) {
            Some(candidates) => Some(Known::narrowed(known, &candidates)),
            None => known,
        };
        let Some(probe) = Probe::choose(term) else {
            // No character of the term can be looked for by its bytes.
            found
                .par_iter_mut()
                .zip(events)
                .enumerate()
                .for_each(|(i, (found, event))| {
                    *found = match &known {
                        Some(known) if known.told(i) => known.holds(i),
                        _ => event_matches(event, terms),
                    };
                });
            return Some(found).filter(|_| !stop.load(Ordering::Relaxed));
        };
        let told = known.as_ref();
        // Each run's events are anywhere in the set: the places where the
        // term is, found run by run, are sorted out by the events they are
        // in, `group_events` events at a time (see [`check_group_events`]),
        // and checked against those events' fields group by group, so that
        // the events a group's places are checked against stay in a core's
        // cache, in whatever order the places come. (Sorting the places, as
        // before, took most of a common term's time.) Each task's lists are
        // kept as they are and a group's read from all of them: joined
        // first, a common word's places at ten million events took a tenth
        // of its search again.
        let groups = events.len().div_ceil(group_events);
        let places = self
            .runs
            .par_iter()
            .fold(
                || vec![Vec::new(); groups],
                |mut by_group: Vec<Vec<(u32, u32)>>, run| {
                    if stop.load(Ordering::Relaxed) {
                        return by_group;
                    }
                    for place in run.places(events, term, &probe, told) {
                        if let Some(group) = by_group.get_mut(place.0 as usize / group_events) {
                            group.push(place);
                        }
                    }
                    by_group
                },
            )
            .collect::<Vec<_>>();
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        found
            .par_chunks_mut(group_events)
            .enumerate()
            .for_each(|(group, found)| {
                let group_start = group * group_events;
                if let Some(known) = &known {
                    for (i, hit) in found.iter_mut().enumerate() {
                        *hit = known.holds(group_start + i);
                    }
                }
                let places = places.iter().filter_map(|by_group| by_group.get(group)).flatten();
                for &(event, offset) in places {
                    let index = event as usize;
                    let Some(hit) = found.get_mut(index.wrapping_sub(group_start)) else {
                        continue;
                    };
                    *hit = *hit
                        || events
                            .get(index)
                            .is_some_and(|event| holds_term(event, offset as usize, term, &probe));
                }
            });
        self.search_whole(events, terms, &mut found);
        Some(found)
    }

    /// The events holding a listed word that holds `term` (folded), a bit
    /// each, when the lists are made and tell (see [`WordLists::holding`]).
    fn listed(&self, len: usize, term: &str) -> Option<Vec<u64>> {
        self.lists.get()?.holding(term, len, |run, place| {
            self.runs.get(run)?.events.get(place).copied()
        })
    }

    /// For a term with characters other than letters and digits: the events
    /// holding, for each of its pieces of letters and digits the lists tell
    /// of, a word that holds the piece (a listed or a frequent one), a bit
    /// each; `None` when no piece can be told of. Every event holding the
    /// term is among them (each piece lies in a word of its texts).
    fn holding_every_piece(&self, len: usize, term: &str) -> Option<Vec<u64>> {
        if search_lists::can_tell(term) {
            return None;
        }
        term.split(|c: char| !c.is_alphanumeric())
            .filter(|piece| search_lists::can_tell(piece))
            .filter_map(|piece| {
                let mut holding = self.listed(len, piece)?;
                if let Some(known) = self.words.known(piece) {
                    for (bits, &frequent) in holding.iter_mut().zip(known.holding()) {
                        *bits |= frequent;
                    }
                }
                Some(holding)
            })
            .reduce(|mut all, piece| {
                for (bits, piece) in all.iter_mut().zip(piece) {
                    *bits &= piece;
                }
                all
            })
    }

    /// Marks in `found` which of the events searched lower-cased whole
    /// hold `terms`.
    fn search_whole(&self, events: &[Event], terms: &[String], found: &mut [bool]) {
        let whole: Vec<(usize, bool)> = self
            .folded_whole
            .par_iter()
            .filter_map(|&i| Some((i, event_matches(events.get(i)?, terms))))
            .collect();
        for (i, hit) in whole {
            if let Some(found) = found.get_mut(i) {
                *found = hit;
            }
        }
    }
}

/// Events whose places holding a term are checked together (their fixed
/// fields, 460 KB, stay in a core's cache while they are).
const CHECK_EVENTS: usize = 4096;

/// The most groups a term's places are sorted out into: each place found
/// goes to its group's list, and every task fills a list for each group.
/// At ten million events (2 442 groups of [`CHECK_EVENTS`]) a common
/// word's places took 378-385 ms to find and sort out, 312-335 ms in 256
/// to 1 024 groups, most likely as fewer lists stay in the cache. The
/// larger groups' events (2.2 MB at ten million) do not, which slows the
/// check less than the lists gain.
const MAX_CHECK_GROUPS: usize = 512;

/// How many events' places are checked together in a set of `len` events:
/// [`CHECK_EVENTS`], or more when that would make more than
/// [`MAX_CHECK_GROUPS`] groups.
fn check_group_events(len: usize) -> usize {
    CHECK_EVENTS.max(len.div_ceil(MAX_CHECK_GROUPS))
}

/// Events a run holds on average, at least, for the runs to be taken in
/// the events' order rather than gathered block by block.
const IN_ORDER_RUN_EVENTS: usize = 1024;

/// Where an event's texts lie in their block, and the event's index.
type Place = (usize, usize, u32);

/// Events whose texts lie one after another in one block: all of a block's
/// when the set's texts were put in blocks (as a load does, in file order,
/// and as the event cache keeps them, in the set's order), whatever order
/// the events themselves are in.
#[derive(Debug)]
struct TextRun {
    /// Its events (indices in the set), in the order their texts lie.
    events: Vec<u32>,
    /// Where the first event's texts start in the block.
    base: usize,
    /// Where each event's texts start, from `base`, and where the last
    /// one's end.
    starts: Vec<u32>,
}

impl TextRun {
    /// The runs of `events`' texts: as they come when they are in the
    /// set's order (the event cache keeps them so), else their places
    /// gathered block by block, sorted by where they start (an event
    /// without texts first, so that the event found at an offset is the
    /// one whose texts hold it), and cut where texts do not follow each
    /// other.
    fn of(events: &[Event]) -> Vec<Self> {
        let mut runs = Self::in_order(events).unwrap_or_else(|| Self::gathered(events));
        // Grown by doubling, a run's lists would keep up to twice their
        // length (a block of 512 events has room for 1 024 starts).
        for run in &mut runs {
            run.events.shrink_to_fit();
            run.starts.shrink_to_fit();
        }
        runs
    }

    /// The runs of consecutive events whose texts follow each other, when
    /// they are long ones ([`IN_ORDER_RUN_EVENTS`] events each, on
    /// average, at least): `None` as soon as there are more.
    fn in_order(events: &[Event]) -> Option<Vec<Self>> {
        let most = events.len() / IN_ORDER_RUN_EVENTS + 1;
        let mut runs: Vec<Self> = Vec::new();
        for (i, event) in events.iter().enumerate() {
            let follows = i
                .checked_sub(1)
                .and_then(|before| events.get(before))
                .is_some_and(|before| before.texts_followed_by(event));
            let texts = event.text_block().1;
            Self::add(
                &mut runs,
                follows,
                (texts.start, texts.end, u32::try_from(i).ok()?),
            );
            if runs.len() > most {
                return None;
            }
        }
        Some(runs)
    }

    /// [`Self::of`] for events whose texts are not in their order.
    fn gathered(events: &[Event]) -> Vec<Self> {
        // The events' indices, a block's together (counted into place by
        // the block's number), then a block's places at a time sorted by
        // where their texts start: 4 bytes an event, 4 more for each one's
        // block number while they are counted, and 12 for each event of the
        // blocks being sorted (a block of a reader's task holds 512 events,
        // one of the event cache's 16 384). Sorted all at once as
        // each event's block address, start and index (16 bytes an event),
        // they took 160 MB at ten million events, the window's peak. A
        // set's events are counted in `u32` (see `TextLayout`): any past
        // that are passed over.
        let address = |event: &Event| Arc::as_ptr(event.text_block().0).cast::<u8>() as usize;
        let numbers: HashMap<usize, u32> = {
            let mut addresses: Vec<usize> = events
                .par_iter()
                .fold(HashSet::new, |mut seen, event| {
                    seen.insert(address(event));
                    seen
                })
                .reduce(HashSet::new, |mut a, b| {
                    a.extend(b);
                    a
                })
                .into_iter()
                .collect();
            addresses.sort_unstable();
            (0u32..).zip(addresses).map(|(n, address)| (address, n)).collect()
        };
        let counted = events.len().min(u32::MAX as usize);
        let block_of: Vec<u32> = events[..counted]
            .par_iter()
            .map(|event| numbers.get(&address(event)).copied().unwrap_or(0))
            .collect();
        let mut next = vec![0usize; numbers.len()];
        for &block in &block_of {
            next[block as usize] += 1;
        }
        let sizes = next.clone();
        let mut start = 0;
        for slot in &mut next {
            (*slot, start) = (start, start + *slot);
        }
        let mut order = vec![0u32; counted];
        for (i, &block) in (0u32..).zip(&block_of) {
            let slot = &mut next[block as usize];
            order[*slot] = i;
            *slot += 1;
        }
        drop(block_of);
        let mut groups: Vec<&[u32]> = Vec::with_capacity(sizes.len());
        let mut rest = order.as_slice();
        for size in sizes {
            let (group, after) = rest.split_at(size);
            groups.push(group);
            rest = after;
        }
        groups
            .par_iter()
            .flat_map_iter(|group| {
                // Sorted by start, an event without texts before one whose
                // texts start where it is. 12 bytes an event: as many as
                // the set's in a block that holds all their texts. A
                // block's texts lie within `u32` (see `TextLayout`).
                let mut places: Vec<(u32, u32, u32)> = group
                    .iter()
                    .filter_map(|&i| {
                        let texts = events.get(i as usize)?.text_block().1;
                        Some((
                            u32::try_from(texts.start).ok()?,
                            u32::try_from(texts.end).ok()?,
                            i,
                        ))
                    })
                    .collect();
                places.sort_unstable();
                Self::cut(
                    places
                        .into_iter()
                        .map(|(start, end, i)| (start as usize, end as usize, i)),
                )
            })
            .collect()
    }

    /// The events of the run whose texts hold the separator byte or a
    /// character that lower-cases to another length.
    fn folded_unevenly(&self, events: &[Event]) -> Vec<usize> {
        let end = self.starts.last().copied().unwrap_or(0);
        self.with_texts(events, |run| {
            let texts = |from: u32, to: u32| run.get(from as usize..to as usize);
            // One look at the whole run first: most runs hold neither.
            if !texts(0, end).is_some_and(folds_unevenly) {
                return Vec::new();
            }
            self.starts
                .windows(2)
                .zip(&self.events)
                .filter(|(ends, _)| texts(ends[0], ends[1]).is_some_and(folds_unevenly))
                .map(|(_, &i)| i as usize)
                .collect()
        })
        .unwrap_or_default()
    }

    /// The run's texts given to `f`, read once (not kept, when in the
    /// texts' file), in place when in memory; `None` when they cannot be
    /// read.
    fn with_texts<R>(&self, events: &[Event], f: impl FnOnce(&str) -> R) -> Option<R> {
        let (Some(&end), Some(block)) = (self.starts.last(), self.block(events)) else {
            return None;
        };
        block.with_read(self.base..self.base + end as usize, f)
    }

    /// The runs of one block's texts, `places` sorted by start. Each run's
    /// lists are made at their length, counted first: grown by doubling,
    /// they held up to twice it while the index was made (a first open of
    /// ten million events peaked 20-27 MB higher).
    fn cut(places: impl Iterator<Item = Place> + Clone) -> Vec<Self> {
        let mut lengths = Vec::new();
        let mut last_end = None;
        for (start, end, _) in places.clone() {
            match lengths.last_mut() {
                Some(length) if last_end == Some(start) => *length += 1,
                _ => lengths.push(1usize),
            }
            last_end = Some(end);
        }
        let mut lengths = lengths.into_iter();
        let mut runs: Vec<Self> = Vec::with_capacity(lengths.len());
        let mut last_end = None;
        for place in places {
            let follows = last_end == Some(place.0);
            last_end = Some(place.1);
            let before = runs.len();
            Self::add(&mut runs, follows, place);
            if runs.len() > before
                && let Some(run) = runs.last_mut()
            {
                let more = lengths.next().unwrap_or(1).saturating_sub(1);
                run.events.reserve_exact(more);
                run.starts.reserve_exact(more);
            }
        }
        runs
    }

    /// Calls `each` with the index and searchable texts of every event of
    /// the run, its texts read once (in place when they are in memory).
    fn each_texts(&self, events: &[Event], each: &mut dyn FnMut(u32, [&str; 5])) {
        self.with_texts(events, |run| {
            for (ends, &i) in self.starts.windows(2).zip(&self.events) {
                let (Some(texts), Some(event)) = (
                    run.get(ends[0] as usize..ends[1] as usize),
                    events.get(i as usize),
                ) else {
                    continue;
                };
                each(i, searchable_parts(texts, event.text_ends()));
            }
        });
    }

    /// Adds the event whose texts lie at `start..end` of their block to
    /// the last run when they follow its texts (`follows`, in the same
    /// block), else begins a run with it.
    fn add(runs: &mut Vec<Self>, follows: bool, (start, end, event): Place) {
        if let Some(run) = runs.last_mut().filter(|_| follows)
            && let Ok(end) = u32::try_from(end - run.base)
        {
            run.events.push(event);
            run.starts.push(end);
            return;
        }
        runs.push(Self {
            events: vec![event],
            base: start,
            starts: vec![0, u32::try_from(end - start).unwrap_or(u32::MAX)],
        });
    }

    /// The block the run's texts lie in (its first event's, in `events`,
    /// the set the run was made from).
    fn block<'e>(&self, events: &'e [Event]) -> Option<&'e TextBlock> {
        let first = events.get(*self.events.first()? as usize)?;
        Some(first.text_block().0)
    }

    /// Where the run's texts hold `term` (ignoring case) first in each
    /// event, as the event (its index in `events`, the set the run was
    /// made from) and the offset in its texts: not yet checked against the
    /// event's fields. The rest of an event's texts are passed over here:
    /// they are looked at only when that place is not in its searchable
    /// texts (see [`holds_term`]), so a common term costs a place an event,
    /// not one for every time it occurs. So are the texts of the events
    /// `known` tells of (see [`FrequentWords::known`]): the others are
    /// scanned a stretch of consecutive ones at a time.
    fn places(&self, events: &[Event], term: &str, probe: &Probe, known: Option<&Known>) -> Vec<(u32, u32)> {
        self.places_reading(events, (term, probe), known, READ_COST_BYTES)
    }

    /// [`Self::places`], texts in the texts' file read together when they
    /// are fewer than `read_cost` bytes a stretch apart.
    fn places_reading(
        &self,
        events: &[Event],
        (term, probe): (&str, &Probe),
        known: Option<&Known>,
        read_cost: usize,
    ) -> Vec<(u32, u32)> {
        let mut places = Vec::new();
        let (Some(&run_end), Some(block)) = (self.starts.last(), self.block(events)) else {
            return places;
        };
        let count = self.events.len();
        // With no events told of, the run is one stretch.
        let is_told = |k: usize| {
            known.is_some_and(|known| {
                self.events
                    .get(k)
                    .is_some_and(|&event| known.told(event as usize))
            })
        };
        // The stretches of events not told of, `k..last`, as their texts'
        // places in the run.
        let mut stretches: Vec<(usize, usize, usize)> = Vec::new();
        let mut k = 0;
        while k < count {
            if is_told(k) {
                k += 1;
                continue;
            }
            let mut last = if known.is_some() { k + 1 } else { count };
            while last < count && !is_told(last) {
                last += 1;
            }
            if let (Some(&first), Some(&end)) = (self.starts.get(k), self.starts.get(last)) {
                stretches.push((k, first as usize, end as usize));
            }
            k = last;
        }
        let (Some(&(_, span_start, _)), Some(&(_, _, span_end))) = (stretches.first(), stretches.last())
        else {
            return places;
        };
        // In memory, the run's bytes from the first stretch to its end (the
        // probe reads on past a stretch to look at more places at a time).
        // In the texts' file, read into a buffer and let go: all the
        // stretches at once, or one at a time when the bytes between them
        // would cost more to read than a read each.
        let kept = block.is_kept();
        let between = span_end
            - span_start
            - stretches
                .iter()
                .map(|&(_, first, end)| end - first)
                .sum::<usize>();
        let one_read = kept || stretches.len().saturating_mul(read_cost) >= between;
        let mut buffer = Vec::new();
        let mut read: Option<(usize, &[u8])> = None;
        if one_read {
            let upto = if kept { run_end as usize } else { span_end };
            match block.bytes(self.base + span_start..self.base + upto, &mut buffer) {
                Some(bytes) => read = Some((span_start, bytes)),
                None => return places,
            }
        }
        let mut own = Vec::new();
        for (mut k, first, end) in stretches {
            // The bytes from `shift` on in the run, the stretch among them.
            let (shift, bytes) = match read {
                Some(read) => read,
                None => match block.bytes(self.base + first..self.base + end, &mut own) {
                    Some(bytes) => (first, bytes),
                    None => break,
                },
            };
            // The event where a place is: the last one starting there or
            // before, found by walking on from the last place's event.
            let mut from = first - shift;
            while let Some(at) = probe
                .starts_before(bytes, from, end - shift)
                .find(|&at| is_term_at(bytes, at, term))
            {
                let offset = shift + at;
                while self.starts.get(k + 1).is_some_and(|&s| s as usize <= offset) {
                    k += 1;
                }
                let (Some(&event), Some(&start), Some(&next)) =
                    (self.events.get(k), self.starts.get(k), self.starts.get(k + 1))
                else {
                    break;
                };
                if let Ok(within) = u32::try_from(offset - start as usize) {
                    places.push((event, within));
                }
                from = (next as usize).saturating_sub(shift);
            }
        }
        places
    }
}

/// Bytes a read from the texts' file costs as much as, besides its own:
/// stretches of texts to search further apart than this are read one at a
/// time, nearer ones together with the bytes between them.
const READ_COST_BYTES: usize = 16 * 1024;

/// Whether `event`'s searchable texts hold `term`, which its texts hold
/// first at `offset` (as found by `probe`): there, or at a later place
/// (the first is in its id, say, or runs from one text into the next).
fn holds_term(event: &Event, offset: usize, term: &str, probe: &Probe) -> bool {
    let in_searchable = |offset: usize| {
        event
            .searchable_range(offset)
            .is_some_and(|text| offset + term.len() <= text.end)
    };
    if in_searchable(offset) {
        return true;
    }
    let (block, texts) = event.text_block();
    let mut buffer = Vec::new();
    let Some(bytes) = block.bytes(texts, &mut buffer) else {
        return false;
    };
    probe
        .starts(bytes, offset + 1)
        .any(|at| is_term_at(bytes, at, term) && in_searchable(at))
}

/// Whether `texts` (bytes of whole characters, from an event's texts on)
/// hold `term` from `from` on, lower-cased.
fn is_term_at(texts: &[u8], from: usize, term: &str) -> bool {
    let Some(window) = texts.get(from..from + term.len()) else {
        return false;
    };
    if term.is_ascii() {
        // All ASCII when it matches, so whole characters.
        window.eq_ignore_ascii_case(term.as_bytes())
    } else {
        std::str::from_utf8(window)
            .is_ok_and(|window| window.chars().flat_map(char::to_lowercase).eq(term.chars()))
    }
}

/// Whether `text` holds the separator byte or a character that does not
/// lower-case to one character of its own length.
fn folds_unevenly(text: &str) -> bool {
    if memchr::memchr(FIELD_SEPARATOR, text.as_bytes()).is_some() {
        return true;
    }
    // Only a character beyond ASCII can: the ASCII is passed over a chunk
    // at a time, and only a chunk holding another character is read by
    // character (a run of English texts with a few names in Cyrillic was
    // read whole, character by character).
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .as_bytes()
            .chunks(ASCII_CHUNK)
            .take_while(|chunk| chunk.is_ascii())
            .count()
            * ASCII_CHUNK;
        let Some(other) = rest.get(ascii..) else {
            return false;
        };
        let mut read = 0;
        for c in other.chars() {
            if !c.is_ascii() && same_length_lower(c).is_none() {
                return true;
            }
            read += c.len_utf8();
            if read >= ASCII_CHUNK {
                break;
            }
        }
        rest = other.get(read..).unwrap_or_default();
    }
    false
}

/// Bytes [`folds_unevenly`] passes over at a time when they are all ASCII.
const ASCII_CHUNK: usize = 32;

/// The terms of a query, folded as the index is: lower case, split on
/// whitespace.
pub fn query_terms(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(|term| {
            let mut folded = Vec::new();
            push_folded(&mut folded, term);
            String::from_utf8_lossy(&folded).into_owned()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether one event's texts contain every term (already folded): the slow,
/// index-free path, for the headless check. Agrees with [`SearchIndex`].
pub fn event_matches(event: &Event, terms: &[String]) -> bool {
    if terms.is_empty() {
        return true;
    }
    let mut folded = Vec::new();
    // Read and let go, when in the texts' file: a search does not bring
    // the texts it looks at back into memory.
    let fields: Vec<Vec<u8>> = event.with_searchable_texts(|texts| {
        texts
            .iter()
            .map(|field| {
                folded.clear();
                push_folded(&mut folded, field);
                folded.clone()
            })
            .collect()
    });
    terms.iter().all(|term| {
        let finder = memmem::Finder::new(term.as_bytes());
        fields.iter().any(|f| finder.find(f).is_some())
    })
}

/// Appends `text` lower-cased (ASCII runs a vector at a time, other
/// characters one by one); the separator byte is dropped so it stays a
/// separator.
pub(super) fn push_folded(out: &mut Vec<u8>, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        push_folded_ascii(out, &rest.as_bytes()[..ascii]);
        rest = &rest[ascii..];
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        for lower in c.to_lowercase() {
            let mut buffer = [0u8; 4];
            out.extend_from_slice(lower.encode_utf8(&mut buffer).as_bytes());
        }
        rest = chars.as_str();
    }
}

/// Appends ASCII bytes lower-cased, without the separator byte.
fn push_folded_ascii(out: &mut Vec<u8>, bytes: &[u8]) {
    if memchr::memchr(FIELD_SEPARATOR, bytes).is_none() {
        // The common case, copied and lower-cased a vector at a time.
        let start = out.len();
        out.extend_from_slice(bytes);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(
            bytes
                .iter()
                .filter(|&&b| b != FIELD_SEPARATOR)
                .map(u8::to_ascii_lowercase),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RegionSet;
    use crate::data::events::text_file::{TextFile, Texts};

    fn set(json: &str) -> EventSet {
        let regions = RegionSet::bundled().expect("regions");
        crate::data::events::set::set_from_json(&regions, "s.json", json)
    }

    /// Which of `events` hold `query`, by the slow path, one event at a time.
    fn slow_hits(events: &[Event], query: &str) -> Vec<bool> {
        let terms = query_terms(query);
        events.iter().map(|e| event_matches(e, &terms)).collect()
    }

    /// The ids of the events of `events` that `hits` marks.
    fn hit_ids(events: &EventSet, hits: Vec<bool>) -> Vec<&str> {
        hits.iter()
            .zip(events.events())
            .filter(|(hit, _)| **hit)
            .map(|(_, e)| e.id())
            .collect()
    }

    #[test]
    fn texts_too_long_for_an_events_lengths_are_searched_and_nothing_past_them() {
        // A description of 70 000 bytes and an id of 300: each event's
        // texts are given a block of their own, with their ends written
        // after them in digits, which no search may find.
        let description = format!("{}pontoon", "Понтон через реку. ".repeat(2_000));
        let json = format!(
            r#"[{{"id": "a", "title": "Drills", "date": "2020-01-03", "lat": 47, "lon": 39}},
                {{"id": "b", "title": "Bridge", "date": "2020-01-02", "lat": 47, "lon": 39, "description": "{description}"}},
                {{"id": "{}", "title": "Lights", "date": "2020-01-01", "lat": 47, "lon": 39, "place": "Pogonovo"}}]"#,
            "c".repeat(300)
        );
        let events = set(&json);
        assert_eq!(events.len(), 3);
        assert_eq!(events.events()[1].description(), Some(description.as_str()));
        let index = SearchIndex::new(&events);
        let ids = |hits: Vec<bool>| hit_ids(&events, hits);
        assert_eq!(ids(index.search(&events, "PONTOON")), ["b"]);
        assert_eq!(ids(index.search(&events, "через реку. понтон")), ["b"]);
        assert_eq!(ids(index.search(&events, "pogonovo")), ["c".repeat(300)]);
        for digits in ["0", "00000", "70", "0000000004"] {
            assert_eq!(ids(index.search(&events, digits)), Vec::<&str>::new(), "{digits}");
        }
    }

    #[test]
    fn terms_match_any_field_ignoring_case_and_all_terms_must_match() {
        let events = set(
            r#"[{"id": "a", "title": "Drills near Rostov", "date": "2020-01-03", "lat": 47, "lon": 39, "actors": ["Sergei SHOIGU"]},
                {"id": "b", "title": "Lights", "date": "2020-01-02", "lat": 47, "lon": 39, "description": "Над Ростовом огни", "sources": [{"name": "Castanet", "url": "https://x.org/pogonovo"}]},
                {"id": "c", "title": "Nothing", "date": "2020-01-01", "lat": 47, "lon": 39, "place": "Pogonovo"}]"#,
        );
        let index = SearchIndex::new(&events);
        let ids = |hits: Vec<bool>| hit_ids(&events, hits);
        assert_eq!(ids(index.search(&events, "shoigu")), ["a"]);
        assert_eq!(
            ids(index.search(&events, "РОСТОВОМ")),
            ["b"],
            "Cyrillic folds too"
        );
        assert_eq!(
            ids(index.search(&events, "pogonovo")),
            ["b", "c"],
            "source links and places"
        );
        assert_eq!(ids(index.search(&events, "drills rostov")), ["a"]);
        assert_eq!(ids(index.search(&events, "drills lights")), Vec::<&str>::new());
        assert_eq!(ids(index.search(&events, "  ")).len(), 3);
        // A term never spans two fields.
        assert_eq!(ids(index.search(&events, "rostovsergei")), Vec::<&str>::new());
        // The separator byte inside a text is dropped, not kept as a separator.
        let nul =
            set(r#"[{"id": "n", "title": "Mixed\u0000CASE", "date": "2020-01-01", "lat": 47, "lon": 39}]"#);
        assert_eq!(SearchIndex::new(&nul).search(&nul, "mixedcase"), [true]);
        assert!(event_matches(&nul.events()[0], &query_terms("MIXEDcase")));
        // The slow path agrees.
        for query in ["shoigu", "РОСТОВОМ", "pogonovo", "drills rostov", "x"] {
            let slow = slow_hits(events.events(), query);
            assert_eq!(slow, index.search(&events, query), "{query}");
        }
    }

    #[test]
    fn folding_mixed_text_agrees_with_lowercasing_each_character() {
        for text in [
            "",
            "plain ascii",
            "Над Ростовом ОГНИ",
            "Belgorod (Белгород) — ШЕБЕКИНО, 12 km",
            "İstanbul ǅ ΣΑΣ ẞ",
            "a\0b Ж\0Ж",
            "ЁЛКИ-палки",
        ] {
            let mut folded = Vec::new();
            push_folded(&mut folded, text);
            let expected: String = text
                .chars()
                .flat_map(char::to_lowercase)
                .filter(|&c| c != '\0')
                .collect();
            assert_eq!(
                String::from_utf8(folded).as_deref(),
                Ok(expected.as_str()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn hits_map_to_the_right_events_across_parallel_chunks() {
        let records: Vec<String> = (0..150_000)
            .map(|i| {
                let marker = if i % 9_973 == 0 { "needle" } else { "hay" };
                format!(
                    r#"{{"id": "e{i}", "title": "{marker} {i}", "date": "2020-01-01", "lat": 47, "lon": 39}}"#
                )
            })
            .collect();
        let events = set(&format!("[{}]", records.join(",")));
        let index = SearchIndex::new(&events);
        let hits = index.search(&events, "NEEDLE");
        let found: Vec<&str> = hits
            .iter()
            .zip(events.events())
            .filter(|(h, _)| **h)
            .map(|(_, e)| e.title())
            .collect();
        let expected = (0..150_000).filter(|i| i % 9_973 == 0).count();
        assert_eq!(found.len(), expected);
        assert!(found.iter().all(|t| t.starts_with("needle")));
    }

    #[test]
    fn places_checked_in_groups_of_any_size_find_the_same_events() {
        // Dates out of file order: the set's order scatters each block's
        // events, so a run's places fall in many groups.
        let records: Vec<String> = (0..20_000)
            .map(|i| {
                let words = ["pontoon bridge", "near the hospital", "PONTOON", "hay"][i % 4];
                let (month, day) = (i * 7 % 12 + 1, i * 13 % 28 + 1);
                format!(
                    r#"{{"id": "e{i}", "title": "{words} {i}", "date": "2020-{month:02}-{day:02}", "lat": 47, "lon": 39}}"#
                )
            })
            .collect();
        let events = set(&format!("[{}]", records.join(",")));
        let index = SearchIndex::new(&events);
        let never = AtomicBool::new(false);
        for term in ["pontoon", "the", "hospital", "1999"] {
            let term = term.to_string();
            let expected: Vec<bool> = events
                .events()
                .iter()
                .map(|event| event_matches(event, std::slice::from_ref(&term)))
                .collect();
            assert!(expected.contains(&true), "{term} is found somewhere");
            for group_events in [1, 3, 1000, CHECK_EVENTS, 7 * CHECK_EVENTS, usize::MAX] {
                let found = index.find_term_in_groups(events.events(), &term, &never, group_events);
                assert_eq!(
                    found.as_ref(),
                    Some(&expected),
                    "{term} in groups of {group_events}"
                );
            }
        }
        // A set too large for groups of CHECK_EVENTS gets larger ones.
        assert_eq!(check_group_events(1_000_000), CHECK_EVENTS);
        let large = check_group_events(10_000_000);
        assert!(large > CHECK_EVENTS && 10_000_000usize.div_ceil(large) <= MAX_CHECK_GROUPS);
    }

    #[test]
    fn a_stopped_search_gives_nothing_and_an_unstopped_one_the_hits() {
        let events = set(
            r#"[{"id": "a", "title": "Drills near Pogonovo", "date": "2021-04-22", "lat": 51.5, "lon": 39.1},
                {"id": "b", "title": "Shelling reported", "date": "2021-04-23", "lat": 50.6, "lon": 36.6}]"#,
        );
        let index = SearchIndex::new(&events);
        let stopped = AtomicBool::new(true);
        // A term the probe finds, one it cannot (no letter in it), and two terms.
        for query in ["pogonovo", "...", "drills near"] {
            assert_eq!(index.search_until(&events, query, &stopped), None, "{query}");
        }
        let ids = |hits: Vec<bool>| hit_ids(&events, hits);
        let running = AtomicBool::new(false);
        let hits = index.search_until(&events, "POGONOVO drills", &running);
        assert_eq!(hits.map(ids), Some(vec!["a"]));
        assert_eq!(ids(index.search(&events, "reported")), ["b"]);
    }

    #[test]
    fn events_holding_a_frequent_word_are_found_as_the_slow_path_finds_them() {
        // "near" in most titles; in some events only in the id or the
        // declared region (not searched), only as part of "Nearly" in the
        // description, or only in an actor's name or a source's link
        // (searched, though the words are chosen from titles,
        // descriptions and places); dates out of the file's order, so that
        // the set's order is not the texts'.
        let records: Vec<String> = (0..3_000)
            .map(|i| {
                let title = if i % 3 == 0 { "Lights seen" } else { "Drills NEAR the town" };
                let description = if i % 7 == 0 { "Nearly all of them" } else { "Шум у границы" };
                let id = if i % 5 == 0 { format!("near-{i}") } else { format!("e{i}") };
                let actor = if i % 11 == 0 { "Guards of the NEAR-shore" } else { "Guards" };
                let url = if i % 13 == 0 { "https://x.org/Границы" } else { "https://x.org/" };
                format!(
                    r#"{{"id": "{id}", "title": "{title} {i}", "date": "2020-01-{:02}", "lat": 47, "lon": 39, "region": "nearby", "description": "{description}", "actors": ["{actor}"], "sources": [{{"name": "S", "url": "{url}"}}]}}"#,
                    1 + (i * 7) % 28
                )
            })
            .collect();
        let events = set(&format!("[{}]", records.join(",")));
        let index = SearchIndex::new(&events);
        let words = index.words.words();
        for word in ["near", "drills", "the", "шум", "границы"] {
            assert!(words.iter().any(|w| &**w == word), "{word} in {words:?}");
        }
        assert!(
            !words.iter().any(|w| &**w == "nearby"),
            "declared regions are not searched"
        );
        assert!(index.words.known("ear").is_some());
        assert!(index.words.known("nearly").is_some());
        assert!(index.words.known("xyz").is_none());
        for query in [
            "near",
            "ear",
            "NEARLY",
            "ne",
            "r",
            "drills near",
            "near 12",
            "ГРАН",
            "e1",
            "nearby",
            "the",
            "THE",
            "town",
            "drills",
            "шум",
            "границы",
            "nearl",
            "them",
            "lights",
        ] {
            let slow = slow_hits(events.events(), query);
            assert!(
                slow.contains(&true) || query.starts_with('e') || query == "nearby",
                "{query}"
            );
            assert_eq!(index.search(&events, query), slow, "{query}");
        }
    }

    #[test]
    fn a_term_of_letters_and_digits_is_answered_from_the_lists_without_the_texts() {
        // Rare and common words, words inside words, Cyrillic, a word of
        // letters and digits, in blocks of 64 events interleaved (as a
        // file's readers and the set's sort leave them).
        let records = |blank: bool| -> EventSet {
            let records: Vec<String> = (0..2_000)
                .map(|i| {
                    let title = match (blank, i % 5) {
                        (true, _) => "x",
                        (_, 0) => "Bridge near Pogonovo",
                        (_, 1) => "T72 tanks near Rostov-on-Don",
                        (_, 2) => "Колонна техники у Погоново",
                        _ => "Drills near the border",
                    };
                    let description = match i {
                        _ if blank => "",
                        _ if i % 89 == 0 => "Hospital hit",
                        _ if i % 97 == 0 => "Pontoons seen",
                        _ if i % 101 == 0 => "Shelling of Kamensk-Shakhtinsky",
                        _ => "",
                    };
                    format!(
                        r#"{{"id": "e{i}", "title": "{title} {i}", "date": "2020-{:02}-{:02}", "lat": 47, "lon": 39, "description": "{description}", "sources": [{{"name": "S", "url": "https://t.me/rybar/{i}"}}]}}"#,
                        1 + i % 12,
                        1 + (i * 7) % 28,
                    )
                })
                .collect();
            set(&format!("[{}]", records.join(",")))
        };
        let events = records(false);
        let mut blocked = events.events().to_vec();
        blocked.chunks_mut(64).for_each(Event::share_texts);
        let interleaved: Vec<Event> = (0..64)
            .flat_map(|k| blocked.iter().skip(k).step_by(64).cloned())
            .collect();
        let index = SearchIndex::for_events(&interleaved);
        assert!(index.runs.len() > 1, "{} runs", index.runs.len());
        // Other texts for as many events: what the lists answer was found
        // without reading them.
        let blank = records(true);
        let running = AtomicBool::new(false);
        // Before the lists are made, a search scans the texts.
        assert!(!index.has_lists());
        let slow = slow_hits(&interleaved, "pontoon");
        assert_eq!(index.hits(&interleaved, "pontoon", &running), Some(slow.clone()));
        assert_ne!(index.hits(blank.events(), "pontoon", &running), Some(slow));
        index.make_lists_for(&interleaved);
        assert!(index.has_lists());
        let mut listed = 0;
        for query in [
            "pontoon",
            "ontoo",
            "hospital",
            "t72",
            "погоново",
            "колон",
            "rybar",
            "pogonovo",
            "pontoon near",
            "near",
            "t72 hospital",
            "rostov-on-don",
            "72",
            "zz",
        ] {
            let terms = query_terms(query);
            let slow = slow_hits(&interleaved, query);
            let count = slow.iter().filter(|&&hit| hit).count();
            assert!(count > 0 || query == "zz", "{query}");
            let hits = |events: &[Event]| index.hits(events, query, &running).map(|hits| hits == slow);
            assert_eq!(hits(&interleaved), Some(true), "{query}: {count} events");
            let from_lists = terms.iter().all(|term| {
                !index.words.words().iter().any(|w| **w == **term)
                    && index
                        .lists
                        .get()
                        .expect("made")
                        .holding(term, interleaved.len(), |_, _| None)
                        .is_some()
            });
            if from_lists {
                listed += 1;
                assert_eq!(hits(blank.events()), Some(true), "{query}: {count} events");
            } else if query.contains('-') || query == "72" {
                assert_eq!(hits(blank.events()), Some(false), "{query}: read from the texts");
            }
        }
        // Not the frequent words (those in a fifth of the titles, `near`),
        // nor digits alone or terms with a dash.
        assert_eq!(listed, 6, "pontoon, ontoo, hospital, колон, rybar, zz");
        // A term with a dash: scanned only in the events holding each of its
        // pieces in a word, as the slow path finds it.
        for query in [
            "kamensk-shakhtinsky",
            "sk-sh",
            "rostov-on-don",
            "t72-tanks",
            "e-s",
            "xyz-shakhtinsky",
        ] {
            let slow = slow_hits(&interleaved, query);
            assert_eq!(
                index.hits(&interleaved, query, &running),
                Some(slow.clone()),
                "{query}"
            );
            let Some(candidates) = index.holding_every_piece(interleaved.len(), query) else {
                assert_eq!(query, "e-s", "every piece of one letter held by too many words");
                continue;
            };
            let candidates: Vec<bool> = (0..interleaved.len()).map(|i| bit(&candidates, i)).collect();
            assert!(
                slow.iter()
                    .zip(&candidates)
                    .all(|(&hit, &candidate)| candidate || !hit),
                "{query}: a hit is a candidate"
            );
            let count = candidates.iter().filter(|&&c| c).count();
            // The events whose description names Kamensk-Shakhtinsky.
            let kamensk = (0..2_000)
                .filter(|i| i % 101 == 0 && i % 89 != 0 && i % 97 != 0)
                .count();
            match query {
                "kamensk-shakhtinsky" | "sk-sh" => assert_eq!(count, kamensk, "{query}"),
                "xyz-shakhtinsky" => assert_eq!(count, 0, "{query}"),
                _ => assert!(count > kamensk, "{query}: {count} candidates"),
            }
        }
    }

    #[test]
    fn texts_kept_in_a_file_are_searched_alike_and_not_brought_back() {
        // Frequent words, texts that lower-case unevenly (searched whole),
        // one too long for an event's lengths, and dates out of the file's
        // order: every path of the index and the search.
        let records: Vec<String> = (0..4_000)
            .map(|i| {
                let title = match i % 4 {
                    0 => "Lights seen over İzmail",
                    1 => "Drills NEAR the town",
                    _ => "Convoy near Pogonovo",
                };
                let description = if i == 77 {
                    format!("{}pontoon", "Понтон через реку. ".repeat(4_000))
                } else if i % 9 == 0 {
                    "Pontoon bridge, \u{212A}elvin".to_string()
                } else {
                    "Шум у границы".to_string()
                };
                format!(
                    r#"{{"id": "e{i}", "title": "{title} {i}", "date": "2020-{:02}-{:02}", "lat": 47, "lon": 39, "description": "{description}", "actors": ["Guards {}"]}}"#,
                    1 + i % 12,
                    1 + (i * 7) % 28,
                    i % 17
                )
            })
            .collect();
        let events = set(&format!("[{}]", records.join(",")));
        // The set's texts, in memory whatever the process keeps them in.
        let kept_events = Event::in_one_block(events.events());
        let kept = SearchIndex::for_events(&kept_events);
        let mut stored: Vec<Event> = events.events().to_vec();
        Event::move_texts_to(&mut stored, &TextFile::for_tests());
        let in_memory = |events: &[Event]| {
            let mut blocks: Vec<*const Texts> = events
                .iter()
                .map(|e| e.text_block().0)
                .filter(|block| block.is_kept() && !block.is_empty())
                .map(Arc::as_ptr)
                .collect();
            blocks.sort_unstable();
            blocks.dedup();
            blocks.len()
        };
        assert_eq!(in_memory(&stored), 1, "only the long texts' own block");
        let index = SearchIndex::for_events(&stored);
        // With the lists, their gaps in the load's texts' file.
        index.make_lists_for(&stored);
        kept.make_lists_for(&kept_events);
        assert_eq!(index.folded_whole, kept.folded_whole);
        assert!(!index.folded_whole.is_empty());
        assert_eq!(index.words.words(), kept.words.words());
        let running = AtomicBool::new(false);
        for query in [
            "near",
            "NEAR the",
            "pontoon",
            "kelvin",
            "\u{212A}",
            "izmail",
            "i\u{307}zmail",
            "шум",
            "гран",
            "guards 3",
            "e12",
            "pogonovo 1",
            "xyz",
            "рек",
        ] {
            let expected = kept.hits(&kept_events, query, &running);
            let found = expected.as_ref().is_some_and(|hits| hits.contains(&true));
            assert!(found || ["xyz", "e12", "izmail"].contains(&query), "{query}");
            assert_eq!(index.hits(&stored, query, &running), expected, "{query}");
        }
        // Read a stretch at a time or all at once, the same places: terms
        // in a frequent word ("ar", in "near"), whose other events are
        // scanned in stretches, and a rare one.
        for term in ["ar", "ua", "понтон", "near"] {
            let probe = Probe::choose(term).expect("a probe");
            let known = index.words.known(term);
            let mut found = 0;
            for run in &index.runs {
                let together = run.places_reading(&stored, (term, &probe), known.as_ref(), usize::MAX);
                let apart = run.places_reading(&stored, (term, &probe), known.as_ref(), 0);
                found += apart.len();
                assert_eq!(together, apart, "{term}");
            }
            assert!(found > 0 || term == "near", "{term}: {found} places");
        }
        assert_eq!(
            in_memory(&stored),
            1,
            "indexed and searched, nothing brought back"
        );
        assert_eq!(stored[5].title(), events.events()[5].title());
        assert_eq!(in_memory(&stored), 2, "a title shown brings back its block");
    }

    /// Pieces of awkward texts: both cases of Latin, Cyrillic and Greek
    /// letters, characters that lower-case to another length or to two
    /// (`İ`, the Kelvin sign, `Ⱥ`, `ẞ`), a combining dot, the separator byte.
    const PIECES: &[&str] = &[
        "a", "B", "k", "K", "\u{212A}", "i", "I", "İ", "ı", "s", "S", "ſ", "ß", "ẞ", "σ", "Σ", "ς", "Ж", "ж",
        "Ё", "ё", "ⱥ", "Ⱥ", "\u{307}", "\0", " ", "-", "7", "ǅ", "Ǆ", "é", "É",
    ];

    fn text(pieces: &[usize]) -> String {
        pieces.iter().map(|&p| PIECES[p % PIECES.len()]).collect()
    }

    /// Events with these texts (title, place, description, declared
    /// region, actor, source per six), each in its own block.
    fn own_events(fields: &[Vec<usize>]) -> Vec<Event> {
        let date = crate::data::EventDate::from_ymd(2021, 4, 22).expect("a date");
        fields
            .chunks_exact(6)
            .enumerate()
            .map(|(n, f)| {
                let [title, place, description, region, actor, source] =
                    [0, 1, 2, 3, 4, 5].map(|i| text(&f[i]));
                let id = format!("e{n}");
                let texts = crate::data::EventTexts {
                    id: &id,
                    title: &title,
                    place: Some(&place),
                    description: Some(&description),
                    declared_region: Some(&region),
                    actors: vec![&actor, &title],
                    sources: vec![crate::data::SourceRef {
                        name: &source,
                        url: Some(&place),
                    }],
                };
                Event::new(&texts, date, geo::Coord::zero())
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        #[test]
        fn the_byte_scan_agrees_with_lower_casing_whole(
            fields in proptest::collection::vec(proptest::collection::vec(0..64usize, 0..7), 6 * 12),
            queries in proptest::collection::vec(proptest::collection::vec(0..64usize, 1..4), 1..6),
        ) {
            let own = own_events(&fields);
            let shared = Event::in_one_block(&own);
            // Every other shared event, then the rest reversed: out of the
            // block's order.
            let mut scattered: Vec<Event> = shared.iter().step_by(2).cloned().collect();
            scattered.extend(shared.iter().skip(1).step_by(2).rev().cloned());
            // Every third: the others' texts are bytes no event holds.
            let sparse: Vec<Event> = shared.iter().step_by(3).cloned().collect();
            // In blocks of five, as a file's reader leaves them, with the
            // blocks' events interleaved, as the set's sort leaves them.
            let mut blocked = own.clone();
            blocked.chunks_mut(5).for_each(Event::share_texts);
            let interleaved: Vec<Event> = (0..5)
                .flat_map(|k| blocked.iter().skip(k).step_by(5).cloned())
                .collect();
            // Terms from the events' own titles too, so that some are found.
            let titles = own.iter().take(4).map(|e| e.title().chars().skip(1).take(3).collect::<String>());
            // And terms in the ids, which are not searched but come first in
            // an event's texts: the place found first is often not a hit.
            let ids = ["e", "e1"].map(String::from);
            let queries: Vec<String> = queries.iter().map(|q| text(q)).chain(titles).chain(ids).collect();
            for events in [&own, &shared, &scattered, &sparse, &interleaved] {
                let index = SearchIndex::for_events(events);
                // The frequent words themselves, and terms holding them,
                // which the words' bits answer for every event, or for
                // every event lacking the word.
                let words: Vec<String> = index.words.words().iter().flat_map(|word| {
                    [word.to_string(), format!("{word}a"), format!("ж{word}")]
                }).collect();
                // Scanned, then with the lists.
                for lists in [false, true] {
                    if lists {
                        index.make_lists_for(events);
                    }
                    for query in queries.iter().chain(&words) {
                        let slow = slow_hits(events, query);
                        proptest::prop_assert_eq!(index.hits(events, query, &AtomicBool::new(false)), Some(slow), "{:?} (lists: {})", query, lists);
                    }
                }
            }
        }
    }

    #[test]
    fn a_blocks_texts_make_one_run_whatever_order_its_events_are_in() {
        let fields: Vec<Vec<usize>> = (0..6 * 40).map(|i| vec![i % 7, i % 11]).collect();
        let shared = Event::in_one_block(&own_events(&fields));
        // Every other event, then the rest reversed: one block out of order.
        let mut scattered: Vec<Event> = shared.iter().step_by(2).cloned().collect();
        scattered.extend(shared.iter().skip(1).step_by(2).rev().cloned());
        // Blocks of eight, their events interleaved as the set's sort leaves them.
        let mut blocked = own_events(&fields);
        blocked.chunks_mut(8).for_each(Event::share_texts);
        let interleaved: Vec<Event> = (0..8)
            .flat_map(|k| blocked.iter().skip(k).step_by(8).cloned())
            .collect();
        for (events, blocks) in [(&scattered, 1), (&interleaved, 5)] {
            let index = SearchIndex::for_events(events);
            assert_eq!(index.runs.len(), blocks);
            let mut indexed: Vec<u32> = index.runs.iter().flat_map(|run| run.events.clone()).collect();
            indexed.sort_unstable();
            assert!(indexed.iter().copied().eq(0..40), "every event once");
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_unevenly_is_seen_wherever_it_lies_among_ascii(
            pieces in proptest::collection::vec((0..64usize, 0..80usize), 0..12),
        ) {
            // Awkward pieces between stretches of ASCII of any length, so
            // that they fall anywhere in and across the chunks passed over.
            let text: String = pieces
                .iter()
                .map(|&(piece, ascii)| format!("{}{}", "x".repeat(ascii), PIECES[piece % PIECES.len()]))
                .collect();
            let each_character = text.chars().any(|c| {
                c == char::from(FIELD_SEPARATOR) || (!c.is_ascii() && same_length_lower(c).is_none())
            });
            proptest::prop_assert_eq!(folds_unevenly(&text), each_character, "{:?}", text);
        }
    }

    #[test]
    fn texts_that_lower_case_to_other_lengths_are_searched_whole() {
        assert!(folds_unevenly("\u{212A}elvin") && folds_unevenly("İzmir") && folds_unevenly("a\0b"));
        // Capital sharp s lower-cases to a shorter `ß`.
        assert!(folds_unevenly("STRAẞE"));
        assert!(!folds_unevenly("Над Ростовом ОГНИ, Shoigu"));
    }
}
