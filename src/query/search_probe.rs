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
/// term may start. When both are common letters, a third is looked for
/// too.
#[derive(Clone, Copy)]
pub(super) struct Probe {
    first: Anchor,
    second: Anchor,
    /// The third rarest character, when the two rarest are common letters
    /// (as in "the" or "near": with two, the search stopped at every "th"
    /// of the texts, once in 40 bytes or so); else `None`, as a third
    /// slowed a rare word's scan by a tenth.
    third: Option<Anchor>,
    /// The term's length in bytes.
    length: usize,
}

impl Probe {
    /// `None` when every character of the term has more than three forms.
    pub(super) fn choose(term: &str) -> Option<Self> {
        let mut anchors: Vec<(u32, Anchor)> = Anchor::all(term).collect();
        anchors.sort_by_key(|&(commonness, _)| commonness);
        // Sorted rarest first: the first is the rarer of the two.
        let both_common = anchors
            .first()
            .is_some_and(|&(commonness, _)| commonness >= COMMON_LETTER);
        let mut rarest = anchors.into_iter().map(|(_, anchor)| anchor);
        let first = rarest.next()?;
        let second = rarest.next().unwrap_or(first);
        let third = rarest.next().filter(|_| both_common);
        Some(Self {
            first,
            second,
            third,
            length: term.len(),
        })
    }

    /// The places at or after `from` where the term may start in
    /// `haystack`: where its characters looked for occur at their
    /// distances apart, in any of their forms.
    pub(super) fn starts<'h>(&self, haystack: &'h [u8], from: usize) -> impl Iterator<Item = usize> + 'h {
        self.starts_before(haystack, from, usize::MAX)
    }

    /// [`Self::starts`] before `end`, the bytes from there on read as well
    /// to look at more places at a time (a stretch of a few hundred bytes
    /// was otherwise looked at a place at a time for its last [`LANES`]).
    pub(super) fn starts_before<'h>(
        &self,
        haystack: &'h [u8],
        from: usize,
        end: usize,
    ) -> impl Iterator<Item = usize> + 'h {
        let probe = *self;
        let mut at = from;
        let two_forms = [Some(probe.first), Some(probe.second), probe.third]
            .iter()
            .flatten()
            .all(|anchor| anchor.bytes[1] == anchor.bytes[2]);
        std::iter::from_fn(move || {
            let start = match (two_forms, probe.third) {
                (true, None) => probe.next::<2, false>(haystack, at, end),
                (false, None) => probe.next::<3, false>(haystack, at, end),
                (true, Some(_)) => probe.next::<2, true>(haystack, at, end),
                (false, Some(_)) => probe.next::<3, true>(haystack, at, end),
            }?;
            at = start + 1;
            Some(start)
        })
    }

    /// The first place at or after `at` and before `end` where the term
    /// may start, [`LANES`] places compared at a time, each character by
    /// its first `FORMS` forms, and by the third character too when
    /// `THIRD` (and there is one).
    fn next<const FORMS: usize, const THIRD: bool>(
        &self,
        haystack: &[u8],
        mut at: usize,
        end: usize,
    ) -> Option<usize> {
        // Copies, so the bytes looked for stay in registers.
        let (first, second) = (self.first, self.second);
        let third = self.third.filter(|_| THIRD).unwrap_or(second);
        // The term may start at most here.
        let last = haystack.len().checked_sub(self.length)?;
        let end = end.min(last + 1);
        // Where the places compared a chunk at a time stop: before `end`,
        // and with a whole chunk left to read.
        let chunks_end = (last + 2).saturating_sub(LANES).min(end);
        while at < chunks_end {
            let xs: &[u8; LANES] = haystack.get(at + first.offset..)?.first_chunk()?;
            let ys: &[u8; LANES] = haystack.get(at + second.offset..)?.first_chunk()?;
            // Not read at all without a third (`THIRD` is known when
            // this is compiled).
            let zs: &[u8; LANES] = if THIRD {
                haystack.get(at + third.offset..)?.first_chunk()?
            } else {
                ys
            };
            let hits: [u8; LANES] = std::array::from_fn(|i| {
                u8::from(
                    first.accepts::<FORMS>(xs[i])
                        & second.accepts::<FORMS>(ys[i])
                        & (!THIRD || third.accepts::<FORMS>(zs[i])),
                )
            });
            // An `|` of all lanes, not a search that stops early: vectorised.
            if hits.iter().fold(0, |any, &hit| any | hit) != 0 {
                return hits
                    .iter()
                    .position(|&hit| hit != 0)
                    .map(|lane| at + lane)
                    .filter(|&start| start < end);
            }
            at += LANES;
        }
        (at..end).find(|&start| {
            haystack
                .get(start + first.offset)
                .is_some_and(|&x| first.accepts::<3>(x))
                && haystack
                    .get(start + second.offset)
                    .is_some_and(|&y| second.accepts::<3>(y))
                && haystack
                    .get(start + third.offset)
                    .is_some_and(|&z| third.accepts::<3>(z))
        })
    }
}

/// How common (see [`commonness`]) the two rarest characters of a term
/// are, at least, for a third to be looked for too: `h` and the letters
/// more common than it.
const COMMON_LETTER: u32 = 32;

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
            // Bytes past the end are read, but no place there is given.
            assert_eq!(
                probe.starts_before(&haystack, 0, place).count(),
                0,
                "before {place}"
            );
            assert_eq!(
                probe.starts_before(&haystack, 0, place + 1).collect::<Vec<_>>(),
                [place],
                "up to {place}"
            );
        }
    }

    #[test]
    fn a_third_character_is_looked_for_when_the_two_rarest_are_common_letters() {
        for (term, third) in [
            ("the", true),
            ("near", true),
            ("pontoon", false),
            ("hospital", false),
            ("ab", false),
        ] {
            let probe = Probe::choose(term).expect("a probe");
            assert_eq!(probe.third.is_some(), third, "{term}");
        }
        // Two of its letters are in "with" and "that"; all three only where
        // "the" is.
        let probe = Probe::choose("the").expect("a probe");
        let haystack = b"with that THE other; with that THE other; with that THE other".as_slice();
        assert_eq!(
            probe.starts(haystack, 0).collect::<Vec<_>>(),
            [10, 15, 31, 36, 52, 57]
        );
    }
}
