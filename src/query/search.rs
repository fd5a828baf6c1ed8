//! Free-text search over a million events in a few tens of milliseconds,
//! with no second copy of their texts: each term is looked for in the
//! events' own texts, ignoring case. A finished set keeps each chunk of
//! events' texts in one block in its order (a frame of the event cache is
//! such a block), scanned in one pass: a probe finds where two of the term's
//! characters (rare ones) occur in any case at their distance apart, and
//! each place found is compared with the term, lower-cased a character at a
//! time, then given to the event whose texts hold it.
//!
//! That comparison finds the term at the same byte offsets in the text as
//! in its lower-cased form, which holds wherever lower-casing keeps each
//! character's length: every Latin, Cyrillic and Greek letter but a few.
//! The [`SearchIndex`] lists the events holding any other character (`İ`,
//! the Kelvin sign, the separator byte); those are lower-cased whole when
//! searched, as the headless check does for every event.

use std::sync::Arc;

use memchr::memmem;
use rayon::prelude::*;

use super::search_probe::{Probe, same_length_lower};
use crate::data::{Event, EventSet};

/// Events searched as one task.
const CHUNK_EVENTS: usize = 16_384;

/// Separates the texts of an event when they are lower-cased whole, so a
/// match never spans two fields. Search terms cannot contain it.
const FIELD_SEPARATOR: u8 = 0;

/// Where the texts of an [`EventSet`]'s events lie, for searching them in
/// place; made once per set.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// The texts of each chunk of [`CHUNK_EVENTS`] events.
    chunks: Vec<Vec<TextRun>>,
    /// Indices of the events whose searchable texts hold the separator byte
    /// or a character that lower-cases to another length: searched
    /// lower-cased whole.
    folded_whole: Vec<usize>,
    len: usize,
}

impl SearchIndex {
    /// Bytes the index holds on the heap (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        let runs: usize = self
            .chunks
            .iter()
            .flatten()
            .map(|run| std::mem::size_of::<TextRun>() + std::mem::size_of_val(run.starts.as_slice()))
            .sum();
        runs + std::mem::size_of_val(self.folded_whole.as_slice())
    }

    /// Finds where the texts of `events` lie, and which of them lower-case
    /// unevenly.
    pub fn new(events: &EventSet) -> Self {
        Self::for_events(events.events())
    }

    fn for_events(events: &[Event]) -> Self {
        let folded_whole = events
            .par_iter()
            .enumerate()
            .filter(|(_, event)| event.searchable_texts().iter().any(|t| folds_unevenly(t)))
            .map(|(i, _)| i)
            .collect();
        Self {
            chunks: events.par_chunks(CHUNK_EVENTS).map(TextRun::of).collect(),
            folded_whole,
            len: events.len(),
        }
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
        self.hits(events.events(), query)
    }

    fn hits(&self, events: &[Event], query: &str) -> Vec<bool> {
        if events.len() != self.len {
            // Other events than the index's: their own index, made now.
            return Self::for_events(events).hits(events, query);
        }
        let mut hits = vec![true; events.len()];
        for term in &query_terms(query) {
            let found = self.find_term(events, term);
            for (hit, found) in hits.iter_mut().zip(found) {
                *hit &= found;
            }
        }
        hits
    }

    /// Events containing `term` (already folded, not empty).
    fn find_term(&self, events: &[Event], term: &String) -> Vec<bool> {
        let terms = std::slice::from_ref(term);
        let mut found = vec![false; events.len()];
        let Some(probe) = Probe::choose(term) else {
            // No character of the term can be looked for by its bytes.
            found
                .par_iter_mut()
                .zip(events)
                .for_each(|(found, event)| *found = event_matches(event, terms));
            return found;
        };
        found
            .par_chunks_mut(CHUNK_EVENTS)
            .zip(events.par_chunks(CHUNK_EVENTS))
            .zip(&self.chunks)
            .for_each(|((marks, chunk), runs)| {
                for run in runs {
                    run.scan(chunk, term, &probe, marks);
                }
            });
        let whole: Vec<(usize, bool)> = self
            .folded_whole
            .par_iter()
            .filter_map(|&i| Some((i, event_matches(events.get(i)?, terms))))
            .collect();
        for (i, hit) in whole {
            found[i] = hit;
        }
        found
    }
}

/// Consecutive events of a chunk whose texts lie one after the other in
/// one block (all of a chunk's, in a finished [`EventSet`]).
#[derive(Debug)]
struct TextRun {
    /// Its first event, in the chunk.
    first: usize,
    /// Where the first event's texts start in the block.
    base: usize,
    /// Where each event's texts start, from `base`, and where the last
    /// one's end.
    starts: Vec<u32>,
}

impl TextRun {
    /// The runs of a chunk of events.
    fn of(chunk: &[Event]) -> Vec<Self> {
        let mut runs: Vec<Self> = Vec::new();
        let mut last: Option<(&Arc<str>, usize)> = None;
        for (i, event) in chunk.iter().enumerate() {
            let (block, texts) = event.text_block();
            let follows = last.is_some_and(|(b, end)| Arc::ptr_eq(b, block) && end == texts.start);
            last = Some((block, texts.end));
            if let Some(run) = runs.last_mut().filter(|_| follows)
                && let Ok(end) = u32::try_from(texts.end - run.base)
            {
                run.starts.push(end);
                continue;
            }
            let length = u32::try_from(texts.len()).unwrap_or(u32::MAX);
            runs.push(Self {
                first: i,
                base: texts.start,
                starts: vec![0, length],
            });
        }
        runs
    }

    /// Marks (in `marks`, one per event of `chunk`, the chunk the run was
    /// made from) the events of the run whose texts hold `term`.
    fn scan(&self, chunk: &[Event], term: &str, probe: &Probe, marks: &mut [bool]) {
        let (Some(&end), Some(event)) = (self.starts.last(), chunk.get(self.first)) else {
            return;
        };
        let block = event.text_block().0;
        let Some(bytes) = block.as_bytes().get(..self.base + end as usize) else {
            return;
        };
        let mut at = self.base;
        for from in probe.starts(bytes, self.base) {
            if from < at || !is_term_at(block, from, term) {
                continue;
            }
            // The event where it starts: the last one starting there or before.
            let offset = from - self.base;
            let k = self
                .starts
                .partition_point(|&s| s as usize <= offset)
                .saturating_sub(1);
            let (Some(event), Some(&start), Some(&end)) = (
                chunk.get(self.first + k),
                self.starts.get(k),
                self.starts.get(k + 1),
            ) else {
                break;
            };
            let (start, end) = (start as usize, end as usize);
            let inside = event
                .searchable_range(offset - start)
                .is_some_and(|text| offset + term.len() <= start + text.end);
            if inside && let Some(mark) = marks.get_mut(self.first + k) {
                *mark = true;
                at = at.max(self.base + end);
            }
        }
    }
}

/// Whether `block` holds `term` from `from` on, lower-cased.
fn is_term_at(block: &str, from: usize, term: &str) -> bool {
    let Some(window) = block.get(from..from + term.len()) else {
        return false;
    };
    if term.is_ascii() {
        window.as_bytes().eq_ignore_ascii_case(term.as_bytes())
    } else {
        window.chars().flat_map(char::to_lowercase).eq(term.chars())
    }
}

/// Whether `text` holds the separator byte or a character that does not
/// lower-case to one character of its own length.
fn folds_unevenly(text: &str) -> bool {
    if text.is_ascii() {
        return memchr::memchr(FIELD_SEPARATOR, text.as_bytes()).is_some();
    }
    text.chars()
        .any(|c| c == char::from(FIELD_SEPARATOR) || (!c.is_ascii() && same_length_lower(c).is_none()))
}

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
    let fields: Vec<Vec<u8>> = event
        .searchable_texts()
        .iter()
        .map(|field| {
            folded.clear();
            push_folded(&mut folded, field);
            folded.clone()
        })
        .collect();
    terms.iter().all(|term| {
        let finder = memmem::Finder::new(term.as_bytes());
        fields.iter().any(|f| finder.find(f).is_some())
    })
}

/// Appends `text` lower-cased (ASCII runs a vector at a time, other
/// characters one by one); the separator byte is dropped so it stays a
/// separator.
fn push_folded(out: &mut Vec<u8>, text: &str) {
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
    use crate::data::{EventSetBuilder, RegionSet};

    fn set(json: &str) -> EventSet {
        let regions = RegionSet::bundled().expect("regions");
        let mut builder = EventSetBuilder::new(&regions);
        builder
            .add_reader("s.json", None, json.as_bytes(), None)
            .expect("loads");
        builder.finish().0
    }

    #[test]
    fn terms_match_any_field_ignoring_case_and_all_terms_must_match() {
        let events = set(
            r#"[{"id": "a", "title": "Drills near Rostov", "date": "2020-01-03", "lat": 47, "lon": 39, "actors": ["Sergei SHOIGU"]},
                {"id": "b", "title": "Lights", "date": "2020-01-02", "lat": 47, "lon": 39, "description": "Над Ростовом огни", "sources": [{"name": "Castanet", "url": "https://x.org/pogonovo"}]},
                {"id": "c", "title": "Nothing", "date": "2020-01-01", "lat": 47, "lon": 39, "place": "Pogonovo"}]"#,
        );
        let index = SearchIndex::new(&events);
        let ids = |hits: Vec<bool>| -> Vec<&str> {
            hits.iter()
                .zip(events.events())
                .filter(|(hit, _)| **hit)
                .map(|(_, e)| e.id())
                .collect()
        };
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
            let terms = query_terms(query);
            let slow: Vec<bool> = events.events().iter().map(|e| event_matches(e, &terms)).collect();
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

    /// The same events with their texts one after the other in one block,
    /// as read from the event cache.
    fn shared_events(own: &[Event]) -> Vec<Event> {
        let block: Arc<str> = own.iter().map(|e| e.text_parts().0).collect::<String>().into();
        let mut start = 0;
        own.iter()
            .map(|e| {
                let (texts, ends) = e.text_parts();
                let event = Event::with_shared_text(&block, start, ends, e.date, e.position);
                start += texts.len();
                event.expect("ends cut the block")
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
            let shared = shared_events(&own);
            // Every other shared event, then the rest reversed: out of the
            // block's order.
            let mut scattered: Vec<Event> = shared.iter().step_by(2).cloned().collect();
            scattered.extend(shared.iter().skip(1).step_by(2).rev().cloned());
            // Every third: the others' texts are bytes no event holds.
            let sparse: Vec<Event> = shared.iter().step_by(3).cloned().collect();
            // Terms from the events' own titles too, so that some are found.
            let titles = own.iter().take(4).map(|e| e.title().chars().skip(1).take(3).collect::<String>());
            let queries: Vec<String> = queries.iter().map(|q| text(q)).chain(titles).collect();
            for events in [&own, &shared, &scattered, &sparse] {
                let index = SearchIndex::for_events(events);
                for query in &queries {
                    let terms = query_terms(query);
                    let slow: Vec<bool> = events.iter().map(|e| event_matches(e, &terms)).collect();
                    proptest::prop_assert_eq!(index.hits(events, query), slow, "{:?}", query);
                }
            }
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
