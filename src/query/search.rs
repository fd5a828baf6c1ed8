//! Free-text search over a million events in a few milliseconds: the
//! searchable texts of every event, lower-cased once, are scanned with a
//! vectorised substring search; hits map back to events by their offsets.
//! The texts are held in blocks of [`BLOCK_EVENTS`] events, each built and
//! searched on its own: no block is ever copied into a larger one, so
//! building the index never needs twice its size.

use memchr::memmem;
use rayon::prelude::*;

use crate::data::{Event, EventSet};

/// Separates the texts of an event in the buffer, so a match never spans
/// two fields. Search terms cannot contain it.
const FIELD_SEPARATOR: u8 = 0;

/// Events per block (about 4 MB of text each from the generator's events).
const BLOCK_EVENTS: usize = 16_384;

/// The lower-cased searchable texts of every event of an [`EventSet`].
#[derive(Debug, Default)]
pub struct SearchIndex {
    blocks: Vec<Block>,
    len: usize,
}

/// The texts of up to [`BLOCK_EVENTS`] consecutive events.
#[derive(Debug)]
struct Block {
    text: Vec<u8>,
    /// Where each event's texts start in `text`, plus the end.
    starts: Vec<usize>,
}

impl Block {
    fn new(events: &[Event]) -> Self {
        let mut text = Vec::new();
        let mut starts = Vec::with_capacity(events.len() + 1);
        for event in events {
            starts.push(text.len());
            for field in event.searchable_texts() {
                push_folded(&mut text, field);
                text.push(FIELD_SEPARATOR);
            }
        }
        starts.push(text.len());
        text.shrink_to_fit();
        Self { text, starts }
    }

    fn events(&self) -> usize {
        self.starts.len() - 1
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + std::mem::size_of_val(self.starts.as_slice())
    }

    /// Marks in `marks` (one per event of the block) the events holding `finder`'s term.
    fn find(&self, finder: &memmem::Finder<'_>, marks: &mut [bool]) {
        let end = self.starts[self.events()];
        let mut at = self.starts[0];
        while at < end {
            let Some(found) = finder.find(&self.text[at..end]) else {
                break;
            };
            let position = at + found;
            // The event holding the hit: the last start at or before it.
            let event = self.starts.partition_point(|&s| s <= position) - 1;
            if let Some(mark) = marks.get_mut(event) {
                *mark = true;
            }
            at = self.starts[event + 1];
        }
    }
}

impl SearchIndex {
    /// Bytes the index holds on the heap (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        self.blocks.iter().map(Block::heap_bytes).sum::<usize>()
            + std::mem::size_of_val(self.blocks.as_slice())
    }

    /// Indexes the events' title, description, place, actors and sources.
    pub fn new(events: &EventSet) -> Self {
        let blocks: Vec<Block> = events.events().par_chunks(BLOCK_EVENTS).map(Block::new).collect();
        Self {
            blocks,
            len: events.len(),
        }
    }

    /// How many events are indexed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is indexed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Marks in `hits` (one flag per event) the events whose texts contain
    /// every whitespace-separated term of `query`, ignoring case.
    pub fn search(&self, query: &str) -> Vec<bool> {
        let terms = query_terms(query);
        let mut hits = vec![true; self.len()];
        for term in &terms {
            let found = self.find_term(term.as_bytes());
            for (hit, found) in hits.iter_mut().zip(found) {
                *hit &= found;
            }
        }
        hits
    }

    /// Events containing `term` (already folded).
    fn find_term(&self, term: &[u8]) -> Vec<bool> {
        let mut found = vec![false; self.len()];
        if term.is_empty() {
            found.fill(true);
            return found;
        }
        let finder = memmem::Finder::new(term);
        found
            .par_chunks_mut(BLOCK_EVENTS)
            .zip(&self.blocks)
            .for_each(|(marks, block)| block.find(&finder, marks));
        found
    }
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
        assert_eq!(ids(index.search("shoigu")), ["a"]);
        assert_eq!(ids(index.search("РОСТОВОМ")), ["b"], "Cyrillic folds too");
        assert_eq!(
            ids(index.search("pogonovo")),
            ["b", "c"],
            "source links and places"
        );
        assert_eq!(ids(index.search("drills rostov")), ["a"]);
        assert_eq!(ids(index.search("drills lights")), Vec::<&str>::new());
        assert_eq!(ids(index.search("  ")).len(), 3);
        // A term never spans two fields.
        assert_eq!(ids(index.search("rostovsergei")), Vec::<&str>::new());
        // The separator byte inside a text is dropped, not kept as a separator.
        let nul =
            set(r#"[{"id": "n", "title": "Mixed\u0000CASE", "date": "2020-01-01", "lat": 47, "lon": 39}]"#);
        assert_eq!(SearchIndex::new(&nul).search("mixedcase"), [true]);
        assert!(event_matches(&nul.events()[0], &query_terms("MIXEDcase")));
        // The slow path agrees.
        for query in ["shoigu", "РОСТОВОМ", "pogonovo", "drills rostov", "x"] {
            let terms = query_terms(query);
            let slow: Vec<bool> = events.events().iter().map(|e| event_matches(e, &terms)).collect();
            assert_eq!(slow, index.search(query), "{query}");
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
        let hits = index.search("NEEDLE");
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
}
