//! The places with their folded names, sorted once so that a search is two
//! binary searches and a walk over the matching keys.
//!
//! Two sorted lists: every name of every place, folded (exact and prefix
//! matches), and every later word of those names to the end of the name
//! ("on don" of "rostov on don"), so that typing a word other than the first
//! also finds the place.

use std::cmp::Reverse;
use std::sync::OnceLock;

use super::fold::fold;
use super::parse::places_from_json;
use super::{BUNDLED_FILE, BUNDLED_JSON, Place, PlacesError};

/// How a query matched a place's name; the better kinds sort first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The folded query is a whole folded name.
    Exact,
    /// The folded query begins a folded name.
    Prefix,
    /// The folded query begins a later word of a folded name.
    WordPrefix,
}

/// One search result: which place, and the name it was found by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMatch {
    /// Index of the place in the gazetteer ([`Gazetteer::place`]).
    pub index: usize,
    /// The name that matched, as written in the data (so "Харьков" shows
    /// when the user typed "харьк").
    pub matched: String,
    /// How it matched.
    pub kind: MatchKind,
}

/// One folded name of one place.
#[derive(Debug, Clone)]
struct Key {
    folded: Box<str>,
    /// Index into `Gazetteer::places`.
    place: u32,
    /// Position in [`Place::names`], to give back the name as written.
    slot: u32,
    /// Whether the name is written in Cyrillic: "Шеб" should show "Шебекино"
    /// and "Sheb" "Shebekino", though both fold to the same key.
    cyrillic: bool,
}

/// A later word of a key: the key's folded text from byte `start` on.
#[derive(Debug, Clone, Copy)]
struct WordKey {
    key: u32,
    start: u32,
}

/// Queries shorter than this (in folded characters) match only whole names:
/// one letter would otherwise list half the map.
const MIN_PREFIX_CHARS: usize = 2;

/// The places of the gazetteer and their search keys.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    /// Sorted by `folded`; one entry per distinct (folded name, place, script).
    keys: Vec<Key>,
    /// Sorted by the key text from `start` on.
    words: Vec<WordKey>,
    /// Per place, its position in result order within a kind ([`build_rank`]).
    rank: Vec<u32>,
}

impl Gazetteer {
    /// Reads a places file (see `assets/places/places.json` for the format).
    /// `file` names the source in errors, which give its line and column for
    /// bad JSON or `places[N]` and the field for a bad record.
    pub fn from_json(text: &str, file: &str) -> Result<Self, PlacesError> {
        places_from_json(text, file).map(Self::from_places)
    }

    /// Builds the keys for `places` (kept in the given order, so indices are
    /// the caller's).
    pub fn from_places(places: Vec<Place>) -> Self {
        let keys = build_keys(&places);
        let words = build_words(&keys);
        let rank = build_rank(&places);
        Self {
            places,
            keys,
            words,
            rank,
        }
    }

    /// The bundled gazetteer, parsed on first use. The bundled file is tested
    /// to parse, so the empty gazetteer returned on failure cannot occur in a
    /// tested build; it keeps a damaged build usable without places.
    pub fn bundled() -> &'static Gazetteer {
        static BUNDLED: OnceLock<Gazetteer> = OnceLock::new();
        BUNDLED.get_or_init(|| Self::from_json(BUNDLED_JSON, BUNDLED_FILE).unwrap_or_default())
    }

    /// The place at `index` (an index from [`Gazetteer::search`],
    /// [`Gazetteer::named`] or below [`Gazetteer::len`]). Panics past the end,
    /// like slice indexing.
    pub fn place(&self, index: usize) -> &Place {
        &self.places[index]
    }

    /// The place at `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<&Place> {
        self.places.get(index)
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether there are no places (only if the bundled file failed to parse).
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// All places in file order (population descending for the bundled file).
    pub fn iter(&self) -> std::slice::Iter<'_, Place> {
        self.places.iter()
    }

    /// Places whose names match `query` as typed, best first, at most
    /// `limit`, one result per place. Exact matches, then prefixes of a name,
    /// then prefixes of a later word (prefixes need two folded characters);
    /// within a kind towns come before districts, then larger places first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceMatch> {
        let typed = query;
        let query = fold(typed);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let prefixes = query.chars().count() >= MIN_PREFIX_CHARS;
        let mut hits: Vec<(MatchKind, &Key)> = Vec::new();
        for key in self.keys_from(&query) {
            let kind = if *key.folded == *query {
                MatchKind::Exact
            } else {
                MatchKind::Prefix
            };
            if kind == MatchKind::Prefix && !prefixes {
                break;
            }
            hits.push((kind, key));
        }
        if prefixes {
            for word in self.words_from(&query) {
                hits.push((MatchKind::WordPrefix, &self.keys[word.key as usize]));
            }
        }
        self.rank(hits, is_cyrillic(typed), limit)
    }

    /// Indices of every place with a name that folds to the same key as
    /// `name`, each once, in file order. Used to geocode events that give
    /// only a place name; more than one index means the name is ambiguous.
    pub fn named(&self, name: &str) -> Vec<usize> {
        let folded = fold(name);
        if folded.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<usize> = self
            .keys_from(&folded)
            .take_while(|key| *key.folded == *folded)
            .map(|key| key.place as usize)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The keys that start with `prefix`, in key order (an exact match, when
    /// there is one, comes first, as a string sorts before its extensions).
    fn keys_from<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a Key> + 'a {
        let start = self.keys.partition_point(|key| *key.folded < *prefix);
        self.keys[start..]
            .iter()
            .take_while(move |key| key.folded.starts_with(prefix))
    }

    /// The later-word keys that start with `prefix`.
    fn words_from<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a WordKey> + 'a {
        let start = self.words.partition_point(|word| self.word_text(word) < prefix);
        self.words[start..]
            .iter()
            .take_while(move |word| self.word_text(word).starts_with(prefix))
    }

    /// The folded text of a later-word key.
    fn word_text(&self, word: &WordKey) -> &str {
        let folded = &self.keys[word.key as usize].folded;
        folded.get(word.start as usize..).unwrap_or_default()
    }

    /// Keeps each place's best hit (best kind, then a name in the query's
    /// script, then the earliest name) and returns the first `limit` places by
    /// kind, towns before districts and population. Linear in the hits: with a
    /// two-letter query there can be thousands, of which a few are shown.
    fn rank(&self, hits: Vec<(MatchKind, &Key)>, cyrillic: bool, limit: usize) -> Vec<PlaceMatch> {
        // Per place, the best (kind, script mismatch, slot) packed in one u64.
        let mut best = vec![u64::MAX; self.places.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (kind, key) in hits {
            let code = (kind as u64) << 33 | u64::from(key.cyrillic != cyrillic) << 32 | u64::from(key.slot);
            let slot = &mut best[key.place as usize];
            if *slot == u64::MAX {
                touched.push(key.place);
            }
            *slot = (*slot).min(code);
        }
        let order = |place: &u32| (best[*place as usize] >> 33, self.rank[*place as usize]);
        if touched.len() > limit {
            touched.select_nth_unstable_by_key(limit, order);
            touched.truncate(limit);
        }
        touched.sort_unstable_by_key(order);
        let found = |place: u32| {
            let (index, code) = (place as usize, best[place as usize]);
            let kind = match code >> 33 {
                0 => MatchKind::Exact,
                1 => MatchKind::Prefix,
                _ => MatchKind::WordPrefix,
            };
            let matched = self.places[index]
                .name_at((code & u64::from(u32::MAX)) as usize)
                .to_owned();
            PlaceMatch { index, matched, kind }
        };
        touched.into_iter().map(found).collect()
    }
}

/// Each place's position in the order results are shown in within a match
/// kind: towns before districts, then population descending, then file order.
fn build_rank(places: &[Place]) -> Vec<u32> {
    let mut order: Vec<u32> = (0u32..).take(places.len()).collect();
    order.sort_by_key(|&i| {
        let p = &places[i as usize];
        (p.is_district(), Reverse(p.population), i)
    });
    let mut rank = vec![0; places.len()];
    for (position, &place) in (0u32..).zip(&order) {
        rank[place as usize] = position;
    }
    rank
}

/// Whether `text` has a Cyrillic letter (U+0400–U+052F and the rarer
/// extension blocks), to match the script of a query with that of a name.
fn is_cyrillic(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{0400}'..='\u{052F}' | '\u{2DE0}'..='\u{2DFF}' | '\u{A640}'..='\u{A69F}'))
}

/// Every distinct folded name of every place, sorted; when two names of one
/// place in the same script fold alike, the earlier name (main name first)
/// is kept.
fn build_keys(places: &[Place]) -> Vec<Key> {
    let mut keys: Vec<Key> = Vec::new();
    for (place, p) in (0u32..).zip(places) {
        for (slot, name) in (0u32..).zip(p.names()) {
            let folded = fold(name);
            if !folded.is_empty() {
                keys.push(Key {
                    folded: folded.into(),
                    place,
                    slot,
                    cyrillic: is_cyrillic(name),
                });
            }
        }
    }
    let order = |k: &Key| (k.place, k.cyrillic, k.slot);
    keys.sort_unstable_by(|a, b| a.folded.cmp(&b.folded).then_with(|| order(a).cmp(&order(b))));
    keys.dedup_by(|later, first| {
        later.folded == first.folded && later.place == first.place && later.cyrillic == first.cyrillic
    });
    keys
}

/// A word key for the start of every word after the first of every key,
/// sorted by the text from there on.
fn build_words(keys: &[Key]) -> Vec<WordKey> {
    let mut words: Vec<WordKey> = Vec::new();
    for (key, k) in (0u32..).zip(keys) {
        let starts = k.folded.match_indices(' ').map(|(at, _)| at + 1);
        words.extend(starts.filter_map(|start| {
            Some(WordKey {
                key,
                start: u32::try_from(start).ok()?,
            })
        }));
    }
    let text = |w: &WordKey| {
        keys[w.key as usize]
            .folded
            .get(w.start as usize..)
            .unwrap_or_default()
    };
    words.sort_unstable_by(|a, b| text(a).cmp(text(b)));
    words
}
