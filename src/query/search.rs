//! Free-text search over a million events in a few milliseconds: the
//! searchable texts of every event, lower-cased once into one buffer, are
//! scanned with a vectorised substring search; hits map back to events by
//! their offsets.

use memchr::memmem;
use rayon::prelude::*;

use crate::data::{Event, EventSet};

/// Separates the texts of an event in the buffer, so a match never spans
/// two fields. Search terms cannot contain it.
const FIELD_SEPARATOR: u8 = 0;

/// The lower-cased searchable texts of every event of an [`EventSet`].
#[derive(Debug, Default)]
pub struct SearchIndex {
    text: Vec<u8>,
    /// Where each event's texts start in `text`, plus the end.
    starts: Vec<usize>,
}

impl SearchIndex {
    /// Bytes the index holds on the heap (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        self.text.len() + std::mem::size_of_val(self.starts.as_slice())
    }

    /// Indexes the events' title, description, place, actors and sources.
    pub fn new(events: &EventSet) -> Self {
        // Lower-case in parallel chunks, then join.
        let parts: Vec<(Vec<u8>, Vec<usize>)> = events
            .events()
            .par_chunks(16_384)
            .map(|chunk| {
                let mut text = Vec::with_capacity(chunk.len() * 160);
                let mut starts = Vec::with_capacity(chunk.len());
                for event in chunk {
                    starts.push(text.len());
                    for field in event.searchable_texts() {
                        push_folded(&mut text, field);
                        text.push(FIELD_SEPARATOR);
                    }
                }
                (text, starts)
            })
            .collect();
        let total: usize = parts.iter().map(|(t, _)| t.len()).sum();
        let mut text = Vec::with_capacity(total);
        let mut starts = Vec::with_capacity(events.len() + 1);
        for (part, part_starts) in parts {
            let base = text.len();
            starts.extend(part_starts.into_iter().map(|s| s + base));
            text.extend_from_slice(&part);
        }
        starts.push(text.len());
        Self { text, starts }
    }

    /// How many events are indexed.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether no event is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        // Each task searches a run of events and marks them.
        let chunk = 65_536;
        found.par_chunks_mut(chunk).enumerate().for_each(|(n, marks)| {
            let first = n * chunk;
            let end = self.starts[first + marks.len()];
            let mut at = self.starts[first];
            while at < end {
                let Some(offset) = finder.find(&self.text[at..end]) else {
                    break;
                };
                let position = at + offset;
                // The event holding the hit: the last start at or before it.
                let event = self.starts[first..=first + marks.len()].partition_point(|&s| s <= position) - 1;
                marks[event] = true;
                at = self.starts[first + event + 1];
            }
        });
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

/// Appends `text` lower-cased (ASCII fast path); the separator byte is
/// dropped so it stays a separator.
fn push_folded(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if text.is_ascii() {
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
    } else {
        for c in text.chars().flat_map(char::to_lowercase) {
            if c != '\0' {
                let mut buffer = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
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
