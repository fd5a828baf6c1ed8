//! The words most events' texts hold, and which of them each event holds:
//! a search for a term that is part of one of those words (a common word,
//! or the first letters of one as it is typed) marks the events holding
//! that word without reading their texts, and scans only the others'.
//!
//! A word is a run of letters and digits, lower-cased a character at a
//! time (as a search folds the texts), found in an event's title,
//! description and place only (see [`prose`]), which a search looks in.
//! An event's bit for a word is set only when one of those texts holds the
//! word, so the term is in that text: the bits can miss a word (a search
//! then scans that event, as it does every event of a term no word
//! holds), never claim one.

use std::collections::HashMap;

use rayon::prelude::*;

use super::search::push_folded;
use crate::data::Event;

/// The most words kept: one bit each in an event's mask.
const MOST_WORDS: usize = u32::BITS as usize;

/// Events whose words are counted to choose the frequent ones, at most,
/// spread over the set.
const SAMPLE_EVENTS: usize = 16_384;

/// A word is kept only when at least one in this many sampled events holds
/// it: one held by fewer saves a search too little of its scan.
const LEAST_SHARE: usize = 32;

type WordBits = HashMap<Box<str>, u32, foldhash::fast::RandomState>;

/// The frequent words of a set's texts, and each event's mask of them.
#[derive(Debug, Default)]
pub(super) struct FrequentWords {
    /// The words, lower-cased: bit `i` of a mask stands for `words[i]`.
    words: Vec<Box<str>>,
    /// Each event's words (a bit each, as in `words`), by event index.
    masks: Vec<u32>,
}

impl FrequentWords {
    /// The most frequent words of `events`' titles, descriptions and
    /// places (counted in a sample of them), and which of them each event
    /// holds.
    pub(super) fn new(events: &[Event]) -> Self {
        let words = frequent_words(events);
        if words.is_empty() {
            return Self::default();
        }
        let table = AsciiWords::new(&words);
        let bits: WordBits = words.iter().cloned().zip(0..).collect();
        let longest = words.iter().map(|word| word.len()).max().unwrap_or(0);
        let masks = events
            .par_iter()
            .map_init(Vec::new, |folded, event| {
                let mut mask = 0u32;
                for text in prose(event) {
                    each_word(text, |word, ascii| {
                        // A word longer than the longest kept is not one of
                        // them (or folds to one only through a character
                        // that shortens: passed over, which is allowed).
                        if word.len() > longest {
                            return;
                        }
                        let bit = if ascii {
                            table.get(word.as_bytes())
                        } else {
                            folded.clear();
                            push_folded(folded, word);
                            let folded = std::str::from_utf8(folded).ok();
                            folded.and_then(|word| bits.get(word)).copied()
                        };
                        if let Some(bit) = bit {
                            mask |= 1 << bit;
                        }
                    });
                }
                mask
            })
            .collect();
        Self { words, masks }
    }

    /// The events holding a word that holds `term` (folded), so the term
    /// too; `None` when no word holds it.
    pub(super) fn covering(&self, term: &str) -> Option<Covered> {
        let words = self
            .words
            .iter()
            .zip(0..)
            .filter(|(word, _)| word.contains(term))
            .fold(0u32, |mask, (_, bit)| mask | 1 << bit);
        // A bit an event, looked up in the events' texts' order (anywhere
        // in the set): 1.2 MB at ten million events, where their masks
        // take 40 MB.
        let bits = (words != 0).then(|| {
            self.masks
                .par_chunks(64)
                .map(|masks| {
                    masks
                        .iter()
                        .zip(0..)
                        .filter(|(mask, _)| *mask & words != 0)
                        .fold(0u64, |bits, (_, bit)| bits | 1 << bit)
                })
                .collect()
        });
        bits.map(|bits| Covered { bits })
    }

    /// The words kept, most frequent first.
    #[cfg(test)]
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

/// The events found to hold a term by the frequent words alone, a bit an
/// event.
pub(super) struct Covered {
    bits: Vec<u64>,
}

impl Covered {
    /// Whether the event at `index` holds the term.
    pub(super) fn holds(&self, index: usize) -> bool {
        self.bits
            .get(index / 64)
            .is_some_and(|&bits| bits & 1 << (index % 64) != 0)
    }
}

/// The words held by at least one in [`LEAST_SHARE`] of a sample of
/// `events` (and by two of them at least), most frequent first, at most
/// [`MOST_WORDS`].
fn frequent_words(events: &[Event]) -> Vec<Box<str>> {
    let step = events.len().div_ceil(SAMPLE_EVENTS).max(1);
    let mut counts: WordBits = WordBits::default();
    let mut sampled = 0usize;
    let mut held: Vec<String> = Vec::new();
    for event in events.iter().step_by(step) {
        sampled += 1;
        for text in prose(event) {
            each_word(text, |word, _| {
                let mut folded = Vec::new();
                push_folded(&mut folded, word);
                held.extend(String::from_utf8(folded).ok());
            });
        }
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

/// The texts whose words are counted and marked: the title, description
/// and place, where the words typed into a search are. Actors and sources
/// (names and links) are left out: marking their words too, the search
/// index of a million events took 0.88–1.10 s to make, 0.55 s without.
fn prose(event: &Event) -> impl Iterator<Item = &str> {
    event.searchable_texts().into_iter().take(3)
}

/// Calls `each` with every run of letters and digits in `text`, and
/// whether it is all ASCII. ASCII is read a byte at a time.
fn each_word(text: &str, mut each: impl FnMut(&str, bool)) {
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut ascii = true;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (letter, length) = if byte.is_ascii() {
            (byte.is_ascii_alphanumeric(), 1)
        } else {
            let c = text.get(at..).and_then(|rest| rest.chars().next());
            (c.is_some_and(char::is_alphanumeric), c.map_or(1, char::len_utf8))
        };
        if letter {
            if start.is_none() {
                start = Some(at);
                ascii = true;
            }
            ascii &= byte.is_ascii();
        } else if let Some(word) = start.take().and_then(|from| text.get(from..at)) {
            each(word, ascii);
        }
        at += length;
    }
    if let Some(word) = start.and_then(|from| text.get(from..)) {
        each(word, ascii);
    }
}

/// Slots of [`AsciiWords`]' table: four for each word at most.
const SLOTS: usize = 4 * MOST_WORDS;

/// The ASCII words among the frequent ones, found by their first eight
/// bytes lower-cased, without lower-casing a word into a string or hashing
/// it whole. With this and [`each_word`]'s bytes, the search index of a
/// million events took 0.76–0.77 s to make, against 0.99–1.22 s with the
/// texts read a character at a time and every word folded and looked up
/// in a map (the two builds alternated, two runs each, in a slow hour).
struct AsciiWords<'w> {
    words: &'w [Box<str>],
    /// A word's first eight bytes, 0 for an empty slot.
    keys: [u64; SLOTS],
    /// The word (its bit) of each slot.
    bits: [u32; SLOTS],
}

impl<'w> AsciiWords<'w> {
    fn new(words: &'w [Box<str>]) -> Self {
        let mut table = Self {
            words,
            keys: [0; SLOTS],
            bits: [0; SLOTS],
        };
        for (word, bit) in words.iter().zip(0..) {
            if !word.is_ascii() {
                continue;
            }
            let key = ascii_key(word.as_bytes());
            let mut slot = slot_of(key);
            while table.keys[slot] != 0 {
                slot = (slot + 1) % SLOTS;
            }
            table.keys[slot] = key;
            table.bits[slot] = bit;
        }
        table
    }

    /// The bit of `word` (ASCII letters and digits, in any case), if it is
    /// one of the words.
    fn get(&self, word: &[u8]) -> Option<u32> {
        let key = ascii_key(word);
        let mut slot = slot_of(key);
        // At most a quarter of the slots are taken: an empty one ends it.
        loop {
            let found = self.keys[slot];
            if found == 0 {
                return None;
            }
            let bit = self.bits[slot];
            if found == key
                && self
                    .words
                    .get(bit as usize)
                    .is_some_and(|kept| kept.as_bytes().eq_ignore_ascii_case(word))
            {
                return Some(bit);
            }
            slot = (slot + 1) % SLOTS;
        }
    }
}

/// The first eight bytes of an ASCII word of letters and digits,
/// lower-cased (`| 0x20` lower-cases a letter and keeps a digit): never 0.
fn ascii_key(word: &[u8]) -> u64 {
    word.iter()
        .take(8)
        .enumerate()
        .fold(0, |key, (i, &byte)| key | u64::from(byte | 0x20) << (8 * i))
}

/// The slot where looking for `key` begins.
fn slot_of(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_words_are_found_in_any_case_by_their_whole_text() {
        let kept: Vec<Box<str>> = ["military", "militarys", "near", "the", "40", "ростов", "a"]
            .into_iter()
            .map(Box::from)
            .collect();
        let table = AsciiWords::new(&kept);
        for (word, bit) in [
            ("MILITARY", Some(0)),
            ("Militarys", Some(1)),
            ("NeAr", Some(2)),
            ("the", Some(3)),
            ("40", Some(4)),
            ("A", Some(6)),
        ] {
            assert_eq!(table.get(word.as_bytes()), bit, "{word}");
        }
        for word in ["militar", "militaryx", "nea", "th", "400", "b", "ab"] {
            assert_eq!(table.get(word.as_bytes()), None, "{word}");
        }
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_in_any_script() {
        let mut words = Vec::new();
        each_word(
            "Drills near Rostov-on-Don, 40 000 troops; Над Ростовом\u{0}ОГНИ!",
            |w, ascii| words.push((w.to_string(), ascii)),
        );
        let (words, ascii): (Vec<String>, Vec<bool>) = words.into_iter().unzip();
        assert_eq!(ascii.iter().filter(|&&a| a).count(), 8);
        assert!(!ascii[8] && !ascii[10]);
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
