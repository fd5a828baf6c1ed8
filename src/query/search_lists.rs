//! The events holding each word of the searchable texts, for a search that
//! reads no text: every word but the frequent ones (which each event's
//! mask of them answers, see [`super::search_words`]), a list for each run
//! of texts. A term made of letters and digits, one letter at least, lies
//! within one word wherever it is (anything else ends a word), so the
//! events holding it are those holding a word that holds it: the words
//! holding it are found in the list of words, and their events read from
//! the lists, as many as hold it, however many texts there are. A term
//! with other characters, or digits alone (words of digits alone, most of
//! them numbers in links, are not listed), is searched in the texts.
//!
//! When the events' texts are in the texts' file, so are the lists' events
//! (about 20 bytes an event): a search reads a run's lists of the words it
//! wants at once, and lets them go. The words of each run stay in memory.
//!
//! A word is a run of letters and digits of the texts lower-cased a
//! character at a time, as a search folds them: where the texts fold to
//! other lengths the lists may be wrong, and those events are searched
//! whole as before (see [`super::search::SearchIndex`]).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use memchr::memmem;
use rayon::prelude::*;

use super::search::push_folded;
use crate::data::events::text_file::TextFile;

type WordNumbers = HashMap<Box<[u8]>, u32, foldhash::fast::RandomState>;

/// Ends each word in the list of words: no word holds it.
const WORD_END: u8 = b' ';

/// The events holding each word of a set's searchable texts, but the
/// frequent ones, run by run.
#[derive(Debug, Default)]
pub(super) struct WordLists {
    /// The words, folded, each followed by [`WORD_END`], in the order of
    /// their numbers.
    words: Vec<u8>,
    /// Where each word starts in `words`, by its number.
    starts: Vec<u32>,
    /// How many events hold each word, by its number.
    counts: Vec<u32>,
    /// The lists of each part of each run.
    runs: Vec<RunLists>,
}

/// The events of a part of one run holding each word.
#[derive(Debug, Default)]
struct RunLists {
    /// The run (in the order the runs were given) and the place in it of
    /// the part's first event.
    run: u32,
    first: u32,
    /// The words' numbers, ascending.
    words: Box<[u32]>,
    /// Where each word's events end in `events`.
    ends: Box<[u32]>,
    /// Each word's events, their places in the part ascending, as the
    /// gaps between them (the first from -1), seven bits a byte, the last
    /// byte of each without its top bit.
    events: Gaps,
}

/// A part's lists' gaps: in memory, or in the texts' file (when the
/// events' texts are kept there), read back a search at a time.
#[derive(Default)]
enum Gaps {
    #[default]
    None,
    Kept(Box<[u8]>),
    Stored {
        file: Arc<TextFile>,
        offset: u64,
    },
}

impl std::fmt::Debug for Gaps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Kept(gaps) => write!(f, "Kept({} bytes)", gaps.len()),
            Self::Stored { offset, .. } => write!(f, "Stored(at {offset})"),
        }
    }
}

impl Gaps {
    /// `gaps`, written to `file` when there is one and it takes them (its
    /// first failure is logged), else kept.
    fn new(gaps: Vec<u8>, file: Option<&Arc<TextFile>>) -> Self {
        if gaps.is_empty() {
            return Self::None;
        }
        if let Some(file) = file {
            match file.append_bytes(&gaps) {
                Ok(offset) => {
                    return Self::Stored {
                        file: Arc::clone(file),
                        offset,
                    };
                }
                Err(error) => file.report_write(&error),
            }
        }
        Self::Kept(gaps.into())
    }

    /// Bytes `range` of the gaps: the kept ones, or read into `buffer`.
    fn bytes<'a>(&'a self, range: std::ops::Range<usize>, buffer: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        match self {
            Self::None => None,
            Self::Kept(gaps) => gaps.get(range),
            Self::Stored { file, offset } => {
                file.read_bytes(offset + range.start as u64, range.len(), buffer)
            }
        }
    }

    /// Bytes held in memory.
    fn memory_bytes(&self) -> usize {
        match self {
            Self::Kept(gaps) => gaps.len(),
            _ => 0,
        }
    }
}

impl WordLists {
    /// Lists the words of each run's events but `frequent` (folded), the
    /// lists' gaps written to `file` when there is one.
    ///
    /// `texts_of` calls its second argument with each event's index and
    /// searchable texts for the run given it, in the order of the run's
    /// events: an event's place in the run is how many came before it.
    pub(super) fn new<R: Sync>(
        runs: &[R],
        frequent: &[Box<str>],
        file: Option<&Arc<TextFile>>,
        texts_of: impl Fn(&R, &mut dyn FnMut(u32, [&str; 5])) + Sync,
    ) -> Self {
        let frequent: HashSet<&[u8], foldhash::fast::RandomState> =
            frequent.iter().map(|word| word.as_bytes()).collect();
        let numbers = Mutex::new(Numbered::default());
        // A run's lists are made a part of at most `PART_EVENTS` events at
        // a time, so that what their making holds stays small whatever the
        // run's length (a frame of the event cache is 16 384 events).
        let lists = runs
            .par_iter()
            .enumerate()
            .map_init(RunWords::default, |words, (r, run)| {
                let r = u32::try_from(r).unwrap_or(u32::MAX);
                let mut parts = Vec::new();
                let mut first = 0;
                words.clear();
                texts_of(run, &mut |_, texts| {
                    words.add_event(texts, &frequent);
                    if words.count as usize >= PART_EVENTS {
                        parts.push(words.finish(&numbers, file, (r, first)));
                        first += words.count;
                        words.clear();
                    }
                });
                if words.count > 0 {
                    parts.push(words.finish(&numbers, file, (r, first)));
                }
                parts
            })
            .flatten_iter()
            .collect();
        let Numbered {
            words,
            starts,
            counts,
            ..
        } = numbers
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut lists = Self {
            words,
            starts,
            counts,
            runs: lists,
        };
        lists.words.shrink_to_fit();
        lists.starts.shrink_to_fit();
        lists
    }

    /// Bytes of the lists' gaps in the texts' file.
    pub(super) fn file_bytes(&self) -> usize {
        self.runs
            .iter()
            .filter(|run| matches!(run.events, Gaps::Stored { .. }))
            .filter_map(|run| run.ends.last())
            .map(|&end| end as usize)
            .sum()
    }

    /// Bytes held on the heap.
    pub(super) fn heap_bytes(&self) -> usize {
        self.words.capacity()
            + std::mem::size_of_val(self.starts.as_slice())
            + std::mem::size_of_val(self.counts.as_slice())
            + self
                .runs
                .iter()
                .map(|run| {
                    std::mem::size_of::<RunLists>()
                        + std::mem::size_of_val(&*run.words)
                        + std::mem::size_of_val(&*run.ends)
                        + run.events.memory_bytes()
                })
                .sum::<usize>()
    }

    /// The events holding a word (not a frequent one) that holds `term`
    /// (folded), a bit each in `len` events; `None` when the lists cannot
    /// tell (see [`can_tell`]), or would take longer than the texts' scan:
    /// when the words holding the term are held, together, more than
    /// [`MOST_LISTED_PER_EVENT`] times an event. `event_of` gives the index of the event at
    /// a place of a run (both as the runs were given when made).
    pub(super) fn holding(
        &self,
        term: &str,
        len: usize,
        event_of: impl Fn(usize, usize) -> Option<u32> + Sync,
    ) -> Option<Vec<u64>> {
        if !can_tell(term) {
            return None;
        }
        let numbers = self.numbers_holding(term);
        let listed: u64 = numbers
            .iter()
            .filter_map(|&number| self.counts.get(number as usize))
            .map(|&count| u64::from(count))
            .sum();
        if listed > MOST_LISTED_PER_EVENT * len as u64 {
            return None;
        }
        let wanted = Wanted::new(&numbers, self.starts.len());
        let bits: Vec<AtomicU64> = (0..len.div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
        if !numbers.is_empty() {
            self.runs
                .par_iter()
                .for_each_init(Scratch::default, |scratch, part| {
                    let (run, first) = (part.run as usize, part.first as usize);
                    part.each_holding(&wanted, scratch, |place| {
                        if let Some(event) = event_of(run, first + place).map(|event| event as usize)
                            && let Some(bits) = bits.get(event / 64)
                        {
                            bits.fetch_or(1 << (event % 64), Ordering::Relaxed);
                        }
                    });
                });
        }
        Some(bits.into_iter().map(AtomicU64::into_inner).collect())
    }

    /// The numbers of the words holding `term`, ascending.
    fn numbers_holding(&self, term: &str) -> Vec<u32> {
        let mut numbers: Vec<u32> = memmem::find_iter(&self.words, term.as_bytes())
            .map(|at| self.starts.partition_point(|&start| start as usize <= at))
            .filter_map(|after| u32::try_from(after.checked_sub(1)?).ok())
            .collect();
        numbers.dedup();
        numbers
    }

    /// How many words are listed.
    #[cfg(test)]
    pub(super) fn word_count(&self) -> usize {
        self.starts.len()
    }
}

/// The most events in a part of a run whose lists are made together (in
/// tests fewer, so that the runs tested are cut into parts).
const PART_EVENTS: usize = if cfg!(test) { 64 } else { 2048 };

/// The most events a search reads from the lists, for each event of the
/// set: past that (a term of a letter or two, held by most words), reading
/// the lists would take about as long as the texts' scan, which the
/// frequent words shorten.
const MOST_LISTED_PER_EVENT: u64 = 4;

/// The words a search wants, by their numbers: looked up in a run's words
/// when they are few, else each of the run's words looked up among them.
enum Wanted<'n> {
    Few(&'n [u32]),
    Many(Vec<u64>),
}

/// Up to this many words are looked up in each run's.
const FEW_WORDS: usize = 16;

impl<'n> Wanted<'n> {
    /// `numbers` (ascending) of `count` words.
    fn new(numbers: &'n [u32], count: usize) -> Self {
        if numbers.len() <= FEW_WORDS {
            return Self::Few(numbers);
        }
        let mut bits = vec![0u64; count.div_ceil(64)];
        for &number in numbers {
            if let Some(word) = bits.get_mut(number as usize / 64) {
                *word |= 1 << (number % 64);
            }
        }
        Self::Many(bits)
    }
}

/// Whether the lists tell which events hold `term` (folded): it is letters
/// and digits, one letter at least.
pub(super) fn can_tell(term: &str) -> bool {
    term.chars().all(char::is_alphanumeric) && term.chars().any(char::is_alphabetic)
}

impl RunLists {
    /// Calls `each` with the place of every event of the run holding one of
    /// the `wanted` words, once for each such word.
    fn each_holding(&self, wanted: &Wanted, scratch: &mut Scratch, mut each: impl FnMut(usize)) {
        let ats = &mut scratch.ats;
        ats.clear();
        match wanted {
            Wanted::Few(numbers) => {
                let mut from = 0;
                for &number in *numbers {
                    let Some(rest) = self.words.get(from..) else { break };
                    let at = from + rest.partition_point(|&word| word < number);
                    from = at;
                    if self.words.get(at) == Some(&number) {
                        ats.push(at);
                    }
                }
            }
            Wanted::Many(bits) => ats.extend(
                self.words
                    .iter()
                    .enumerate()
                    .filter(|&(_, &word)| super::search_words::bit(bits, word as usize))
                    .map(|(at, _)| at),
            ),
        }
        // The gaps of the words wanted, read at once (in the texts' file,
        // one read a run).
        let (Some(&first), Some(&last)) = (ats.first(), ats.last()) else {
            return;
        };
        let span = self.gaps_of(first).start..self.gaps_of(last).end;
        let Some(bytes) = self.events.bytes(span.clone(), &mut scratch.bytes) else {
            return;
        };
        for &at in ats.iter() {
            let range = self.gaps_of(at);
            let gaps = bytes
                .get(range.start - span.start..range.end - span.start)
                .unwrap_or_default();
            let mut place = 0usize;
            let mut gap = 0usize;
            let mut shift = 0;
            for &byte in gaps {
                gap |= usize::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    place += gap;
                    each(place - 1);
                    gap = 0;
                    shift = 0;
                } else {
                    shift += 7;
                }
            }
        }
    }

    /// Where the gaps of the run's word at `at` (in its words) lie.
    fn gaps_of(&self, at: usize) -> std::ops::Range<usize> {
        let start = at
            .checked_sub(1)
            .and_then(|before| self.ends.get(before))
            .map_or(0, |&end| end as usize);
        start..self.ends.get(at).map_or(start, |&end| (end as usize).max(start))
    }
}

/// A search's buffers for each task: the run's words wanted, the gaps read.
#[derive(Default)]
struct Scratch {
    ats: Vec<usize>,
    bytes: Vec<u8>,
}

/// The words numbered so far, while the lists are made.
#[derive(Debug, Default)]
struct Numbered {
    numbers: WordNumbers,
    words: Vec<u8>,
    starts: Vec<u32>,
    counts: Vec<u32>,
}

impl Numbered {
    /// The number of `word`, given one when new, counted as held by `held`
    /// more events; `None` past `u32`.
    fn number(&mut self, word: &[u8], held: u32) -> Option<u32> {
        if let Some(&number) = self.numbers.get(word) {
            if let Some(count) = self.counts.get_mut(number as usize) {
                *count += held;
            }
            return Some(number);
        }
        let number = u32::try_from(self.starts.len()).ok()?;
        self.starts.push(u32::try_from(self.words.len()).ok()?);
        self.counts.push(held);
        self.words.extend_from_slice(word);
        self.words.push(WORD_END);
        self.numbers.insert(word.into(), number);
        Some(number)
    }
}

/// One run's words while its lists are made: reused from run to run.
#[derive(Debug, Default)]
struct RunWords {
    /// The run's words, numbered in the run.
    numbers: WordNumbers,
    /// Each (word, event) once: the word's number in the run, the event's
    /// place.
    held: Vec<(u32, u32)>,
    /// Events added.
    count: u32,
    /// The current event's words' numbers in the run.
    event_words: Vec<u32>,
    folded: Vec<u8>,
    word: Vec<u8>,
}

impl RunWords {
    fn clear(&mut self) {
        self.numbers.clear();
        self.held.clear();
        self.count = 0;
    }

    /// Adds the next event's words, but `frequent` ones and those without a
    /// letter.
    fn add_event(&mut self, texts: [&str; 5], frequent: &HashSet<&[u8], foldhash::fast::RandomState>) {
        self.event_words.clear();
        let Self {
            numbers,
            event_words,
            folded,
            word,
            ..
        } = self;
        for text in texts {
            each_word(text, folded, word, |word| {
                let number = match numbers.get(word) {
                    Some(&number) => number,
                    None => {
                        // Frequent words are numbered too, to be passed over
                        // at one look-up.
                        let number = if frequent.contains(word) {
                            FREQUENT
                        } else {
                            u32::try_from(numbers.len()).unwrap_or(FREQUENT)
                        };
                        numbers.insert(word.into(), number);
                        number
                    }
                };
                if number != FREQUENT {
                    event_words.push(number);
                }
            });
        }
        self.event_words.sort_unstable();
        self.event_words.dedup();
        let place = self.count;
        self.held
            .extend(self.event_words.iter().map(|&word| (word, place)));
        self.count += 1;
    }

    /// The run's lists, its words numbered in `numbered` (shared by every
    /// run).
    fn finish(
        &mut self,
        numbered: &Mutex<Numbered>,
        file: Option<&Arc<TextFile>>,
        (run, first): (u32, u32),
    ) -> RunLists {
        // Each word's events, counted into place: the pairs were added
        // event after event, so each word's places come out ascending
        // (sorting the pairs took most of the lists' making).
        let mut firsts = vec![0u32; self.numbers.len() + 1];
        for &(word, _) in &self.held {
            if let Some(count) = firsts.get_mut(word as usize + 1) {
                *count += 1;
            }
        }
        let mut sum = 0;
        for first in &mut firsts {
            sum += *first;
            *first = sum;
        }
        let mut next = firsts.clone();
        let mut places = vec![0u32; self.held.len()];
        for &(word, place) in &self.held {
            if let Some(at) = next.get_mut(word as usize)
                && let Some(slot) = places.get_mut(*at as usize)
            {
                *slot = place;
                *at += 1;
            }
        }
        // The run's words in the order of their numbers in the set.
        let mut order: Vec<(u32, u32)> = Vec::with_capacity(self.numbers.len());
        {
            let mut numbered = numbered.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (word, &here) in self.numbers.iter().filter(|&(_, &here)| here != FREQUENT) {
                let held = firsts
                    .get(here as usize..here as usize + 2)
                    .map_or(0, |ends| ends[1] - ends[0]);
                if let Some(number) = numbered.number(word, held) {
                    order.push((number, here));
                }
            }
        }
        order.sort_unstable();
        let mut words = Vec::with_capacity(order.len());
        let mut ends = Vec::with_capacity(order.len());
        let mut events = Vec::new();
        for (number, here) in order {
            let Some(held) = firsts
                .get(here as usize..here as usize + 2)
                .and_then(|ends| places.get(ends[0] as usize..ends[1] as usize))
            else {
                continue;
            };
            let mut after = 0;
            for &place in held {
                push_gap(&mut events, place + 1 - after);
                after = place + 1;
            }
            words.push(number);
            ends.push(u32::try_from(events.len()).unwrap_or(u32::MAX));
        }
        RunLists {
            run,
            first,
            words: words.into(),
            ends: ends.into(),
            events: Gaps::new(events, file),
        }
    }
}

/// A run's number for the frequent words, passed over.
const FREQUENT: u32 = u32::MAX;

/// Calls `each` with every run of letters and digits holding a letter in
/// `text` lower-cased a character at a time (in `folded` when not ASCII),
/// gathered in `word`.
fn each_word(text: &str, folded: &mut Vec<u8>, word: &mut Vec<u8>, mut each: impl FnMut(&[u8])) {
    let mut letter = false;
    let mut end = |word: &mut Vec<u8>, letter: &mut bool| {
        if std::mem::take(letter) {
            each(word);
        }
        word.clear();
    };
    if text.is_ascii() {
        for &byte in text.as_bytes() {
            if byte.is_ascii_alphanumeric() {
                letter |= byte.is_ascii_alphabetic();
                word.push(byte.to_ascii_lowercase());
            } else {
                end(word, &mut letter);
            }
        }
    } else {
        folded.clear();
        push_folded(folded, text);
        for c in String::from_utf8_lossy(folded).chars() {
            if c.is_alphanumeric() {
                letter |= c.is_alphabetic();
                let mut buffer = [0u8; 4];
                word.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            } else {
                end(word, &mut letter);
            }
        }
    }
    end(word, &mut letter);
}

/// Appends `gap`, seven bits a byte, low bits first.
fn push_gap(out: &mut Vec<u8>, mut gap: u32) {
    while gap >= 0x80 {
        out.push((gap & 0x7f) as u8 | 0x80);
        gap >>= 7;
    }
    out.push(gap as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each event's words as a search would find them, worked out apart:
    /// the texts lower-cased a character at a time, cut at anything but
    /// letters and digits.
    fn words_of(texts: &[String; 5]) -> Vec<String> {
        texts
            .iter()
            .flat_map(|text| {
                let lower: String = text.chars().flat_map(char::to_lowercase).collect();
                lower
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn the_lists_find_every_event_holding_a_listed_word_that_holds_the_term() {
        let titles = [
            "Pontoon bridge near Pogonovo",
            "Drills NEAR the T72 depot, T-80 too",
            "Колонна техники у Погоново",
            "Lights over Rostov-on-Don, 40 000 troops",
            "Hospital shelled near Shebekino",
            "Ε.Λ.Λ.Α.Σ. observers",
        ];
        let sources = ["https://example.org/meduza/323178", "", "t.me/rybar/1977"];
        // Runs of unequal lengths, a long one past a byte's gaps; the events
        // numbered run after run.
        let runs: Vec<Vec<[String; 5]>> = [3usize, 1, 300, 0, 40]
            .iter()
            .scan(0usize, |next, &count| {
                let run = (*next..*next + count)
                    .map(|i| {
                        [
                            format!("{} {i}", titles[i % titles.len()]),
                            if i % 97 == 0 {
                                "Rare PONTOONS".to_string()
                            } else {
                                String::new()
                            },
                            ["Pogonovo", "Rostov-on-Don", ""][i % 3].to_string(),
                            ["Guards", "Росгвардия", "Vagner"][i % 5 % 3].to_string(),
                            sources[i % 7 % 3].to_string(),
                        ]
                    })
                    .collect::<Vec<_>>();
                *next += count;
                Some(run)
            })
            .collect();
        let frequent: Vec<Box<str>> = ["near", "the", "pogonovo"].map(Box::from).to_vec();
        let make = |file: Option<&Arc<TextFile>>| {
            WordLists::new(&runs, &frequent, file, |run, each| {
                for (i, texts) in run.iter().enumerate() {
                    each(i as u32, texts.each_ref().map(String::as_str));
                }
            })
        };
        let lists = make(None);
        // The same lists with their gaps in a texts' file.
        let file = TextFile::for_tests();
        let stored = make(Some(&file));
        assert!(file.len() > 300, "{} bytes of gaps in the file", file.len());
        assert_eq!(
            lists.heap_bytes() - stored.heap_bytes(),
            file.len() as usize,
            "the gaps are in the file, not in memory"
        );
        assert_eq!(stored.file_bytes(), file.len() as usize);
        // The run of 300 events in five parts, the empty one in none, each
        // of the others in one.
        assert_eq!(lists.runs.len(), 5 + 3, "parts");
        assert_eq!(lists.file_bytes(), 0);
        let firsts: Vec<usize> = runs
            .iter()
            .scan(0, |next, run| {
                let first = *next;
                *next += run.len();
                Some(first)
            })
            .collect();
        let all: Vec<&[String; 5]> = runs.iter().flatten().collect();
        let event_of = |run: usize, place: usize| u32::try_from(firsts.get(run)? + place).ok();
        let mut told = 0;
        for term in [
            "pontoon",
            "pontoons",
            "onto",
            "p",
            "ar",
            "t",
            "t72",
            "hospital",
            "ital",
            "колонна",
            "погоново",
            "гвард",
            "rybar",
            "meduza",
            "example",
            "ε",
            "λ",
            "near",
            "the",
            "pogonovo",
            "погонов",
            "72",
            "40",
            "t-72",
            "rostov-on-don",
            "zzz",
            "323178",
        ] {
            let Some(bits) = lists.holding(term, all.len(), event_of) else {
                assert!(
                    term.contains('-') || term.chars().all(|c| c.is_ascii_digit()),
                    "{term} is letters and digits"
                );
                continue;
            };
            told += 1;
            let expected: Vec<bool> = all
                .iter()
                .map(|texts| {
                    words_of(texts)
                        .iter()
                        .any(|word| word.contains(term) && !frequent.iter().any(|f| **f == **word))
                })
                .collect();
            let listed: Vec<bool> = (0..all.len()).map(|i| bit(&bits, i)).collect();
            assert_eq!(listed, expected, "{term}");
            assert_eq!(
                stored.holding(term, all.len(), event_of),
                Some(bits),
                "{term}, from the file"
            );
            assert!(
                expected.contains(&true) || ["zzz", "near", "the", "pogonovo"].contains(&term),
                "{term} is somewhere"
            );
        }
        assert_eq!(told, 22);
        // The frequent words and those of digits alone are not listed.
        assert!(lists.numbers_holding("near").is_empty());
        assert!(lists.numbers_holding("323178").is_empty());
        assert_eq!(lists.numbers_holding("pontoon").len(), 2, "pontoon and pontoons");
        assert!(lists.word_count() > 20);
    }

    #[test]
    fn a_term_held_by_too_many_words_is_left_to_the_scan() {
        // Five words holding `e` in every event: more than four events an
        // event to read from the lists.
        let run: Vec<[String; 5]> = (0..100)
            .map(|i| {
                [
                    "eel eek emu ewe eve".to_string(),
                    format!("x{i}"),
                    String::new(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect();
        let lists = WordLists::new(&[run], &[], None, |run, each| {
            for (i, texts) in run.iter().enumerate() {
                each(i as u32, texts.each_ref().map(String::as_str));
            }
        });
        let event_of = |_: usize, place: usize| u32::try_from(place).ok();
        assert!(lists.holding("e", 100, event_of).is_none());
        let eel = lists.holding("eel", 100, event_of).expect("one word");
        assert!((0..100).all(|i| bit(&eel, i)));
        let x7 = lists.holding("x7", 100, event_of).expect("eleven words");
        let held: Vec<usize> = (0..100).filter(|&i| bit(&x7, i)).collect();
        assert_eq!(held, [7, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79]);
    }

    fn bit(bits: &[u64], index: usize) -> bool {
        super::super::search_words::bit(bits, index)
    }

    #[test]
    fn gaps_are_read_back_as_written() {
        let mut bytes = Vec::new();
        let gaps = [1u32, 127, 128, 300, 16_384, 70_000, u32::MAX / 2];
        for gap in gaps {
            push_gap(&mut bytes, gap);
        }
        let run = RunLists {
            run: 0,
            first: 0,
            words: vec![5].into(),
            ends: vec![u32::try_from(bytes.len()).expect("a few bytes")].into(),
            events: Gaps::new(bytes, None),
        };
        let mut places = Vec::new();
        let scratch = &mut Scratch::default();
        run.each_holding(&Wanted::new(&[5], 9), scratch, |place| places.push(place));
        let expected: Vec<usize> = gaps
            .iter()
            .scan(0usize, |sum, &gap| {
                *sum += gap as usize;
                Some(*sum - 1)
            })
            .collect();
        assert_eq!(places, expected);
        // Among many words wanted, looked for the other way round.
        let many: Vec<u32> = (0..40).map(|n| n * 5).collect();
        let wanted = Wanted::new(&many, 200);
        assert!(matches!(wanted, Wanted::Many(_)));
        places.clear();
        run.each_holding(&wanted, scratch, |place| places.push(place));
        assert_eq!(places, expected);
        places.clear();
        run.each_holding(&Wanted::new(&[4, 6], 9), scratch, |place| places.push(place));
        let others: Vec<u32> = (0..40).map(|n| n * 5 + 1).collect();
        run.each_holding(&Wanted::new(&others, 200), scratch, |place| places.push(place));
        assert!(places.is_empty());
    }
}
