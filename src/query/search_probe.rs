//! The probe of a free-text search: two characters of a term, looked for
//! in every case they may take, so that the texts are scanned as they are,
//! with no lower-cased copy.

use std::sync::LazyLock;

/// A character of a term, looked for by the last byte of each character
/// that lower-cases to it at the same length.
#[derive(Clone, Copy)]
pub(super) struct Anchor {
    /// Those last bytes, the last repeated to fill three.
    bytes: [u8; 3],
    /// Where the character's last byte lies in the term.
    offset: usize,
}

impl Anchor {
    /// The term's characters with at most three forms, each with how often
    /// its forms occur, roughly.
    fn all(term: &str) -> impl Iterator<Item = (u32, Self)> + '_ {
        term.char_indices().filter_map(|(at, c)| {
            let mut forms: Vec<u8> = same_length_forms(c).map(last_byte).collect();
            forms.sort_unstable();
            forms.dedup();
            let (&first, &last) = (forms.first()?, forms.last()?);
            let bytes = [first, forms.get(1).copied().unwrap_or(last), last];
            let commonness = forms.iter().map(|&b| commonness(b)).sum();
            (forms.len() <= 3).then_some((
                commonness,
                Self {
                    bytes,
                    offset: at + c.len_utf8() - 1,
                },
            ))
        })
    }

    /// Whether `byte` is the last byte of one of its first `FORMS` forms
    /// (no branches: many bytes are compared at once).
    fn accepts<const FORMS: usize>(&self, byte: u8) -> bool {
        self.bytes[..FORMS]
            .iter()
            .fold(false, |any, &form| any | (byte == form))
    }
}

/// Places compared at once by [`Probe::next`].
const LANES: usize = 32;

/// The two rarest characters of a term (roughly), looked for together:
/// where both occur at their distance apart, in any of their forms, the
/// term may start.
#[derive(Clone, Copy)]
pub(super) struct Probe {
    first: Anchor,
    second: Anchor,
    /// The term's length in bytes.
    length: usize,
}

impl Probe {
    /// `None` when every character of the term has more than three forms.
    pub(super) fn choose(term: &str) -> Option<Self> {
        let mut anchors: Vec<(u32, Anchor)> = Anchor::all(term).collect();
        anchors.sort_by_key(|&(commonness, _)| commonness);
        let mut rarest = anchors.into_iter().map(|(_, anchor)| anchor);
        let first = rarest.next()?;
        let second = rarest.next().unwrap_or(first);
        Some(Self {
            first,
            second,
            length: term.len(),
        })
    }

    /// The places at or after `from` where the term may start in
    /// `haystack`: where both characters occur at their distance apart, in
    /// any of their forms.
    pub(super) fn starts<'h>(&self, haystack: &'h [u8], from: usize) -> impl Iterator<Item = usize> + 'h {
        let probe = *self;
        let mut at = from;
        std::iter::from_fn(move || {
            let start = if probe.first.bytes[1] == probe.first.bytes[2]
                && probe.second.bytes[1] == probe.second.bytes[2]
            {
                probe.next::<2>(haystack, at)
            } else {
                probe.next::<3>(haystack, at)
            }?;
            at = start + 1;
            Some(start)
        })
    }

    /// The first place at or after `at` where the term may start, [`LANES`]
    /// places compared at a time, each character by its first `FORMS` forms.
    fn next<const FORMS: usize>(&self, haystack: &[u8], mut at: usize) -> Option<usize> {
        // Copies, so the bytes looked for stay in registers.
        let (first, second) = (self.first, self.second);
        // The term may start at most here.
        let last = haystack.len().checked_sub(self.length)?;
        while at + LANES <= last + 1 {
            let xs: &[u8; LANES] = haystack.get(at + first.offset..)?.first_chunk()?;
            let ys: &[u8; LANES] = haystack.get(at + second.offset..)?.first_chunk()?;
            let hits: [u8; LANES] = std::array::from_fn(|i| {
                u8::from(first.accepts::<FORMS>(xs[i]) & second.accepts::<FORMS>(ys[i]))
            });
            // An `|` of all lanes, not a search that stops early: vectorised.
            if hits.iter().fold(0, |any, &hit| any | hit) != 0 {
                return hits.iter().position(|&hit| hit != 0).map(|lane| at + lane);
            }
            at += LANES;
        }
        (at..=last).find(|&start| {
            haystack
                .get(start + first.offset)
                .is_some_and(|&x| first.accepts::<3>(x))
                && haystack
                    .get(start + second.offset)
                    .is_some_and(|&y| second.accepts::<3>(y))
        })
    }
}

/// Every character of `c`'s length that lower-cases to `c` alone.
fn same_length_forms(c: char) -> impl Iterator<Item = char> {
    let itself = (same_length_lower(c) == Some(c)).then_some(c);
    let first = CASE_PAIRS.partition_point(|&(lower, _)| lower < c);
    let others = CASE_PAIRS[first..]
        .iter()
        .take_while(move |&&(lower, _)| lower == c)
        .map(|&(_, other)| other);
    itself.into_iter().chain(others)
}

/// What `c` lower-cases to when that is one character of its length.
pub(super) fn same_length_lower(c: char) -> Option<char> {
    let mut folded = c.to_lowercase();
    let lower = folded.next()?;
    (folded.next().is_none() && lower.len_utf8() == c.len_utf8()).then_some(lower)
}

/// Every (lower case, other character) pair where the other character
/// lower-cases to that one alone at the same length, by lower case.
static CASE_PAIRS: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    let mut pairs: Vec<(char, char)> = (char::MIN..=char::MAX)
        .filter_map(|c| {
            same_length_lower(c)
                .filter(|&lower| lower != c)
                .map(|lower| (lower, c))
        })
        .collect();
    pairs.sort_unstable();
    pairs
});

/// The last byte of `c` in UTF-8.
fn last_byte(c: char) -> u8 {
    let mut buffer = [0u8; 4];
    let encoded = c.encode_utf8(&mut buffer);
    encoded.as_bytes()[encoded.len() - 1]
}

/// How often a byte occurs in event texts, roughly (English letter
/// frequencies; capitals, digits and other bytes less often), so that the
/// rarest of a term's characters is looked for.
fn commonness(byte: u8) -> u32 {
    const BY_FREQUENCY: &[u8] = b"etaoinsrhldcumfpgwybvkxjqz";
    match BY_FREQUENCY.iter().position(|&b| b == byte) {
        Some(rank) => 40 - rank as u32,
        None if byte.is_ascii_uppercase() => 6,
        None if byte.is_ascii_digit() => 8,
        None => 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_looked_for_by_every_form_of_a_rare_character() {
        // `v` and `g` are the rarest letters of "pogonovo".
        let probe = Probe::choose("pogonovo").expect("a probe");
        assert_eq!((probe.first.offset, probe.second.offset), (6, 2));
        assert_eq!(probe.first.bytes, *b"Vvv");
        let starts = |haystack: &[u8], from| probe.starts(haystack, from).collect::<Vec<_>>();
        assert_eq!(starts(b"POGONOVO pogonovo", 1), [9]);
        assert_eq!(starts(b"pogonov", 0), [0usize; 0], "too short");
        let probe = Probe::choose("белгород").expect("a probe");
        for anchor in [probe.first, probe.second] {
            assert_ne!(anchor.bytes[0], anchor.bytes[2], "a Cyrillic letter's two cases");
        }
        // The Kelvin sign lower-cases to a shorter `k`: not one of its forms.
        assert_eq!(same_length_forms('k').collect::<Vec<_>>(), ['k', 'K']);
        assert_eq!(same_length_forms('ж').collect::<Vec<_>>(), ['ж', 'Ж']);
        assert_eq!(same_length_forms('σ').collect::<Vec<_>>(), ['σ', 'Σ']);
    }

    #[test]
    fn the_probe_finds_a_term_at_every_place() {
        let probe = Probe::choose("pogonovo").expect("a probe");
        for place in 0..=100 {
            let mut haystack = vec![b'x'; 108];
            haystack[place..place + 8].copy_from_slice(b"PoGoNoVo");
            assert_eq!(
                probe.starts(&haystack, 0).collect::<Vec<_>>(),
                [place],
                "at {place}"
            );
            assert_eq!(probe.starts(&haystack, place + 1).count(), 0, "after {place}");
        }
    }
}
