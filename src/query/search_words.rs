//! The words most events' texts hold, and which of them each event holds
//! anywhere in its searchable texts: what a search for a term is told
//! without reading the texts. An event holding a word that holds the term
//! (a common word, or the first letters of one as it is typed) holds the
//! term; an event lacking a word the term holds lacks the term; when the
//! term is one of the words, every event is told so. Only the events told
//! neither are scanned.
//!
//! A word is a run of letters and digits, lower-cased a character at a
//! time (as a search folds the texts). The words are chosen from the
//! titles, descriptions and places of a sample of events (see [`prose`]),
//! where the words typed into a search are; each event's bits say where
//! the word is found in any of its searchable texts (title, description,
//! place, actors, sources), folded as a search folds them, inside other
//! words too: exactly where a search finds it, so a bit is never wrong
//! either way.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;

use super::search::{FIELD_SEPARATOR, push_folded};
use crate::data::Event;

/// The most words kept: one bit each in an event's mask.
const MOST_WORDS: usize = u32::BITS as usize;

/// Events whose words are counted to choose the frequent ones, at most,
/// spread over the set.
const SAMPLE_EVENTS: usize = 16_384;

/// A word is kept only when at least one in this many sampled events holds
/// it: one held by fewer saves a search too little of its scan.
const LEAST_SHARE: usize = 32;

type WordCounts = HashMap<Box<str>, u32, foldhash::fast::RandomState>;

/// The frequent words of a set's texts, and each event's mask of them.
#[derive(Debug, Default)]
pub(super) struct FrequentWords {
    /// The words, lower-cased: bit `i` of a mask stands for `words[i]`.
    words: Vec<Box<str>>,
    /// The words each event's searchable texts hold, anywhere (a bit each,
    /// as in `words`), by event index.
    masks: Vec<u32>,
}

impl FrequentWords {
    /// The most frequent words of `events`' titles, descriptions and
    /// places (counted in a sample of them), and which of them each event's
    /// searchable texts hold.
    ///
    /// The events' texts are read a group at a time by `texts_of`, which
    /// calls its second argument with each event's index and searchable
    /// texts for the group given it (a run of texts, read once from the
    /// texts' file when they are there, and let go).
    pub(super) fn new<G: Sync>(
        events: &[Event],
        groups: &[G],
        texts_of: impl Fn(&G, &mut dyn FnMut(u32, [&str; 5])) + Sync,
    ) -> Self {
        let words = frequent_words(events);
        // A word of one letter is found by its byte in either case (vectors
        // at a time); the others all at once, every place where one is,
        // overlapping ones too, in one pass over a text, ASCII letters in
        // either case. Among the others a word of one letter would be
        // found at every place where it is (every `a` of the texts): the
        // index of a million events took a fifth longer to make.
        let mut letters: Vec<(u8, u8, u32)> = Vec::new();
        let mut longer: Vec<(&[u8], u32)> = Vec::new();
        for (word, bit) in words.iter().zip(0u32..) {
            match *word.as_bytes() {
                [letter] => letters.push((letter, letter.to_ascii_uppercase(), bit)),
                _ => longer.push((word.as_bytes(), bit)),
            }
        }
        let finder = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(longer.iter().map(|(word, _)| word));
        let Some(finder) = finder.ok().filter(|_| !words.is_empty()) else {
            return Self::default();
        };
        let all = u32::MAX >> (MOST_WORDS - words.len().min(MOST_WORDS));
        let mask_of = |folded: &mut Vec<u8>, texts: [&str; 5]| {
            let mut mask = 0u32;
            for text in texts {
                let bytes = if folds_as_ascii(text) {
                    text.as_bytes()
                } else {
                    folded.clear();
                    push_folded(folded, text);
                    folded.as_slice()
                };
                for &(lower, upper, bit) in &letters {
                    if mask & 1 << bit == 0 && memchr::memchr2(lower, upper, bytes).is_some() {
                        mask |= 1 << bit;
                    }
                }
                for found in finder.find_overlapping_iter(bytes) {
                    if let Some((_, bit)) = longer.get(found.pattern().as_usize()) {
                        mask |= 1 << bit;
                    }
                }
                if mask == all {
                    break;
                }
            }
            mask
        };
        // Filled a group at a time, each event's mask where it is in the set.
        let masks: Vec<AtomicU32> = (0..events.len()).map(|_| AtomicU32::new(0)).collect();
        groups.par_iter().for_each_init(Vec::new, |folded, group| {
            texts_of(group, &mut |event, texts| {
                if let Some(slot) = masks.get(event as usize) {
                    slot.store(mask_of(folded, texts), Ordering::Relaxed);
                }
            });
        });
        let masks = masks.into_iter().map(AtomicU32::into_inner).collect();
        Self { words, masks }
    }

    /// What the words tell of which events hold `term` (folded); `None`
    /// when no word holds the term and the term holds none.
    pub(super) fn known(&self, term: &str) -> Option<Known> {
        let (mut holding, mut held) = (0u32, 0u32);
        for (word, bit) in self.words.iter().zip(0..) {
            if word.contains(term) {
                holding |= 1 << bit;
            }
            if term.contains(&**word) {
                held |= 1 << bit;
            }
        }
        if holding == 0 && held == 0 {
            return None;
        }
        // A bit an event, looked up in the events' texts' order (anywhere
        // in the set): 1.2 MB each at ten million events, where their
        // masks take 40 MB.
        let (told, holds) = self
            .masks
            .par_chunks(64)
            .map(|masks| {
                masks
                    .iter()
                    .zip(0..)
                    .fold((0u64, 0u64), |(told, holds), (&mask, bit)| {
                        let has = mask & holding != 0;
                        let lacks = mask & held != held;
                        (
                            told | u64::from(has || lacks) << bit,
                            holds | u64::from(has) << bit,
                        )
                    })
            })
            .unzip();
        Some(Known { told, holds })
    }

    /// The words kept, most frequent first.
    pub(super) fn words(&self) -> &[Box<str>] {
        &self.words
    }

    /// Bytes held on the heap: the masks and the words.
    pub(super) fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(self.masks.as_slice())
            + self
                .words
                .iter()
                .map(|word| word.len() + std::mem::size_of::<Box<str>>())
                .sum::<usize>()
    }
}

/// Whether `text` folds as its ASCII letters lower-cased: it is all ASCII,
/// without the separator byte (which folding drops).
fn folds_as_ascii(text: &str) -> bool {
    text.is_ascii() && memchr::memchr(FIELD_SEPARATOR, text.as_bytes()).is_none()
}

/// The events whose search for a term the frequent words answer, and the
/// answer, a bit an event each.
pub(super) struct Known {
    /// The events told: they hold a word holding the term, or lack one
    /// the term holds.
    told: Vec<u64>,
    /// Of those, the ones holding the term.
    holds: Vec<u64>,
}

impl Known {
    /// What `known` tells, and besides that every event not among
    /// `candidates` (a bit an event) told it lacks the term.
    pub(super) fn narrowed(known: Option<Known>, candidates: &[u64]) -> Self {
        let (told, holds) = candidates
            .iter()
            .enumerate()
            .map(|(k, &candidate)| {
                let told = known
                    .as_ref()
                    .and_then(|known| known.told.get(k))
                    .copied()
                    .unwrap_or(0);
                let holds = known
                    .as_ref()
                    .and_then(|known| known.holds.get(k))
                    .copied()
                    .unwrap_or(0);
                (told | !candidate, holds & candidate)
            })
            .unzip();
        Self { told, holds }
    }

    /// The events told that they hold the term, a bit each.
    pub(super) fn holding(&self) -> &[u64] {
        &self.holds
    }

    /// Whether the words tell whether the event at `index` holds the term.
    pub(super) fn told(&self, index: usize) -> bool {
        bit(&self.told, index)
    }

    /// Whether the words tell that the event at `index` holds the term.
    pub(super) fn holds(&self, index: usize) -> bool {
        bit(&self.holds, index)
    }
}

/// Whether bit `index` of `bits` is set.
pub(super) fn bit(bits: &[u64], index: usize) -> bool {
    bits.get(index / 64)
        .is_some_and(|&bits| bits & 1 << (index % 64) != 0)
}

/// The words held by at least one in [`LEAST_SHARE`] of a sample of
/// `events` (and by two of them at least), most frequent first, at most
/// [`MOST_WORDS`].
fn frequent_words(events: &[Event]) -> Vec<Box<str>> {
    let step = events.len().div_ceil(SAMPLE_EVENTS).max(1);
    let mut counts: WordCounts = WordCounts::default();
    let mut sampled = 0usize;
    let mut held: Vec<String> = Vec::new();
    for event in events.iter().step_by(step) {
        sampled += 1;
        // Read and let go, when in the texts' file.
        event.with_searchable_texts(|texts| {
            for text in prose(texts) {
                each_word(text, |word| {
                    let mut folded = Vec::new();
                    push_folded(&mut folded, word);
                    held.extend(String::from_utf8(folded).ok());
                });
            }
        });
        held.sort_unstable();
        held.dedup();
        for word in held.drain(..) {
            *counts.entry(word.into_boxed_str()).or_default() += 1;
        }
    }
    let least = (sampled / LEAST_SHARE).max(2);
    let mut frequent: Vec<(u32, Box<str>)> = counts
        .into_iter()
        .filter(|&(_, count)| count as usize >= least)
        .map(|(word, count)| (count, word))
        .collect();
    frequent.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    frequent
        .into_iter()
        .take(MOST_WORDS)
        .map(|(_, word)| word)
        .collect()
}

/// The texts whose words are counted to choose the frequent ones: the
/// title, description and place, where the words typed into a search are.
/// (Where a word is found, it is looked for in every searchable text.)
fn prose(searchable: [&str; 5]) -> impl Iterator<Item = &str> {
    searchable.into_iter().take(3)
}

/// Calls `each` with every run of letters and digits in `text`. ASCII is
/// read a byte at a time.
fn each_word(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (letter, length) = if byte.is_ascii() {
            (byte.is_ascii_alphanumeric(), 1)
        } else {
            let c = text.get(at..).and_then(|rest| rest.chars().next());
            (c.is_some_and(char::is_alphanumeric), c.map_or(1, char::len_utf8))
        };
        if letter {
            start.get_or_insert(at);
        } else if let Some(word) = start.take().and_then(|from| text.get(from..at)) {
            each(word);
        }
        at += length;
    }
    if let Some(word) = start.and_then(|from| text.get(from..)) {
        each(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits_in_any_script() {
        let mut words = Vec::new();
        each_word(
            "Drills near Rostov-on-Don, 40 000 troops; Над Ростовом\u{0}ОГНИ!",
            |w| words.push(w.to_string()),
        );
        assert_eq!(
            words,
            [
                "Drills",
                "near",
                "Rostov",
                "on",
                "Don",
                "40",
                "000",
                "troops",
                "Над",
                "Ростовом",
                "ОГНИ"
            ]
        );
    }
}
