//! Loaders against broken input: valid files mutated in the ways real files
//! and fuzzers break them (truncation, byte flips, insertions and deletions,
//! values of the wrong type, huge numbers, long strings, deep nesting, bytes
//! that are not UTF-8). Every loader (region layers, the context layer, JSON
//! event files, and CSV and ACLED files through the reader the app uses, which
//! tells CSV from JSON) must answer `Ok` or `Err` without panicking, and every
//! message must name the file and a line and column the file has.
//!
//! The coverage-guided counterpart is in `fuzz/` (docs/fuzzing.md); the inputs
//! it once failed on, under `fuzz/regressions/<target>/`, are replayed here.

mod common;

use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

use borderwatch::data::events::read::{read_any_event_stream, read_event_stream};
use borderwatch::data::regions::read_region_layer;
use borderwatch::data::{ContextLayer, LoadError, Location, RegionSet};
use proptest::prelude::*;
use proptest::sample::Index;

/// The fuzz targets' oracle: a location must name the file and a line and
/// column inside it. One copy, so the two kinds of test cannot drift apart.
#[path = "../fuzz/fuzz_targets/check.rs"]
mod check;

use check::{Lines, check_message};

static REGIONS: LazyLock<RegionSet> =
    LazyLock::new(|| RegionSet::bundled().expect("the bundled regions load"));

/// Valid GeoJSON: the bundled region layers and small hand-written files.
const GEOJSON: [(&str, &str); 8] = [
    ("rostov.geojson", include_str!("../assets/regions/rostov.geojson")),
    ("crimea.geojson", include_str!("../assets/regions/crimea.geojson")),
    (
        "belgorod.geojson",
        include_str!("../assets/regions/belgorod.geojson"),
    ),
    (
        "bryansk.geojson",
        include_str!("../assets/regions/bryansk.geojson"),
    ),
    (
        "voronezh.geojson",
        include_str!("../assets/regions/voronezh.geojson"),
    ),
    (
        "context.geojson",
        r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"kind": "country", "name": "A", "country": "A"},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[30, 50], [32, 50], [32, 52], [30, 50]]]]}},
  {"type": "Feature", "properties": {"kind": "admin1", "name": "B", "country": "A"},
   "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 50]],
     [[30.2, 50.1], [30.8, 50.1], [30.8, 50.5], [30.2, 50.1]]]}},
  {"type": "Feature", "properties": {"kind": "sea", "name": "Black Sea", "country": null},
   "geometry": {"type": "Point", "coordinates": [34.0, 43.4]}}
]}"#,
    ),
    (
        "points.geojson",
        r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "id": "f1", "geometry": {"type": "Point", "coordinates": [39.2, 51.67, 120]},
   "properties": {"title": "Heavy weapons kept", "date": "2021-04-22", "category": "deployment"}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [34.37, 53.25]},
   "properties": {"id": "f2", "title": "Drills", "date": "2014-05-19", "region": "bryansk"}},
  {"type": "Feature", "geometry": null, "properties": {"title": "Nowhere", "date": "2014-05-19"}}
]}"#,
    ),
    (
        "bare-array.json",
        r#"[
  {"id": 7, "title": "t", "date": "2021-04-22", "lat": 44.95, "lon": 34.1, "actors": ["a", "b"]},
  {"title": "Drills", "date": "2014-05-19", "end_date": "2014-05-20", "lat": 50.6, "lon": 36.59,
   "troops": 1200, "precision": "exact", "sources": [{"name": "x", "url": "https://example.org"}]}
]"#,
    ),
];

/// Valid JSON event files, ACLED's API response among them.
const EVENTS: [(&str, &str); 5] = [
    ("sample.json", include_str!("../assets/events/sample.json")),
    (
        "events.json",
        r#"{"events": [
  {"id": "a", "title": "Order to return to bases", "date": "2014-05-19", "category": "withdrawal",
   "lat": 47.23, "lon": 39.72, "place": "Rostov-on-Don", "actors": ["Vladimir Putin"],
   "troops": 40000, "precision": "region", "region": "rostov",
   "sources": [{"name": "Castanet", "url": "https://example.org/x"}], "note": {"k": 1}},
  {"title": "Lights over the city", "date": "2021-04-23T01:00:00+03:00", "category": "Sightings",
   "latitude": 50.60, "longitude": 36.59}
]}"#,
    ),
    GEOJSON[6],
    GEOJSON[7],
    ("acled-api.json", include_str!("fixtures/acled-api.json")),
];

/// Valid CSV event files: ACLED exports and borderwatch's own columns (as
/// `borderwatch export --format csv` writes them).
const CSV: [(&str, &str); 3] = [
    ("acled-export.csv", include_str!("fixtures/acled-export.csv")),
    ("acled-update.csv", include_str!("fixtures/acled-update.csv")),
    (
        "native.csv",
        r#"id,title,date,end_date,category,lat,lon,place,region,description,actors,troops,precision,sources,source_urls,other_fields
a,Order to return to bases,2014-05-19,,withdrawal,47.23,39.72,Rostov-on-Don,rostov,"Troops ""go home"",
says the order",Vladimir Putin; Sergei Shoigu,40000,region,Castanet,https://example.org/x,"{""note"": {""k"": 1}}"
b,Lights over the city,2021-04-23T01:00:00+03:00,2021-04-24,Sightings,50.60,36.59,Belgorod,,,,,approximate,,,
"#,
    ),
];

/// What replaces a value or a CSV field in a type swap, or is inserted whole.
fn replacement(choice: usize) -> Vec<u8> {
    match choice % 26 {
        0 => b"123".to_vec(),
        1 => b"\"47.2\"".to_vec(),
        2 => b"[]".to_vec(),
        3 => b"{}".to_vec(),
        4 => b"null".to_vec(),
        5 => b"true".to_vec(),
        6 => b"1e308".to_vec(),
        7 => b"1e400".to_vec(),
        8 => b"-0".to_vec(),
        9 => b"18446744073709551616".to_vec(),
        10 => b"-1e-400".to_vec(),
        11 => format!("\"{}\"", "x".repeat(100_000)).into_bytes(),
        12 => format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes(),
        13 => b"\"\\ud800\\u0000\\ud83d\\ude00\"".to_vec(),
        14 => b"[[[0,0],[1,0],[1,1],[0,0]]]".to_vec(),
        15 => b"{\"type\": \"Point\", \"coordinates\": [39.7, 47.2]}".to_vec(),
        16 => b"\"NaN\"".to_vec(),
        17 => b"\"-inf\"".to_vec(),
        18 => b"-90.0000000000001".to_vec(),
        19 => b"\"2025-02-30\"".to_vec(),
        20 => b"\"31 February 2025\"".to_vec(),
        21 => b"\"99999-12-31T25:61:61+99:99\"".to_vec(),
        // For CSV: a quoted field across lines, an unclosed quote, more fields.
        22 => b"\"a\n\"\"b\"\"\n\"".to_vec(),
        23 => b"\"unclosed".to_vec(),
        24 => b",,,,".to_vec(),
        _ => Vec::new(),
    }
}

/// Byte sequences that are not UTF-8 (or are, but should not be in JSON).
const BAD_BYTES: [&[u8]; 8] = [
    b"\xff",
    b"\xc3",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\r",
];

/// One change to a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Cut the file at a byte.
    Truncate(Index),
    /// XOR one byte with a mask.
    Flip(Index, u8),
    /// Insert bytes.
    Insert(Index, Vec<u8>),
    /// Delete up to `len` bytes.
    Delete(Index, usize),
    /// Replace the value of a member (after a `:`) with another kind of value.
    SwapValue(Index, usize),
    /// Replace a number with a string or another value.
    SwapNumber(Index, usize),
    /// Replace a CSV field (between commas or line ends) with another value.
    SwapField(Index, usize),
    /// Insert a long run of opening (and maybe closing) brackets.
    Nest(Index, usize, bool, bool),
    /// Insert a byte sequence that is not valid UTF-8.
    BadBytes(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<Index>(), 1..64usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<Index>(), any::<usize>()).prop_map(|(at, with)| Mutation::SwapValue(at, with)),
        (any::<Index>(), any::<usize>()).prop_map(|(at, with)| Mutation::SwapNumber(at, with)),
        (any::<Index>(), any::<usize>()).prop_map(|(at, with)| Mutation::SwapField(at, with)),
        (any::<Index>(), 100..5_000usize, any::<bool>(), any::<bool>())
            .prop_map(|(at, depth, braces, closed)| Mutation::Nest(at, depth, braces, closed)),
        (any::<Index>(), any::<usize>()).prop_map(|(at, which)| Mutation::BadBytes(at, which)),
    ]
}

/// A position in a file of `len` bytes, `0..=len`.
fn position(at: &Index, len: usize) -> usize {
    at.index(len + 1)
}

/// The end (exclusive) of the string whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The end (exclusive) of the JSON value starting at `start`, roughly.
fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        Some(b'"') => string_end(bytes, start),
        Some(b'[' | b'{') => {
            let mut depth = 0usize;
            let mut at = start;
            while at < bytes.len() {
                match bytes[at] {
                    b'"' => {
                        at = string_end(bytes, at);
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return at + 1;
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            bytes.len()
        }
        _ => bytes[start..]
            .iter()
            .position(|b| matches!(b, b',' | b']' | b'}') || b.is_ascii_whitespace())
            .map_or(bytes.len(), |n| start + n),
    }
}

/// A byte range `start..end` in a file.
type Span = (usize, usize);

/// Byte ranges of member values (after `:`) and of numbers, outside strings.
fn value_spans(bytes: &[u8]) -> (Vec<Span>, Vec<Span>) {
    let (mut members, mut numbers) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at = string_end(bytes, at);
                continue;
            }
            b':' => {
                let mut start = at + 1;
                while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                    start += 1;
                }
                if start < bytes.len() {
                    members.push((start, value_end(bytes, start)));
                }
            }
            b'-' | b'0'..=b'9' if at == 0 || !bytes[at - 1].is_ascii_alphanumeric() => {
                let end = value_end(bytes, at);
                numbers.push((at, end));
                at = end.max(at + 1);
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    (members, numbers)
}

/// Byte ranges of CSV fields: between commas and line ends outside quotes,
/// quotes included.
fn field_spans(bytes: &[u8]) -> Vec<Span> {
    let mut spans = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (at, byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b',' | b'\n' if !quoted => {
                spans.push((start, at));
                start = at + 1;
            }
            _ => {}
        }
    }
    spans.push((start, bytes.len()));
    spans
}

fn splice(bytes: &mut Vec<u8>, (start, end): Span, with: &[u8]) {
    bytes.splice(start..end, with.iter().copied());
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len();
    match mutation {
        Mutation::Truncate(at) => bytes.truncate(position(at, len)),
        Mutation::Flip(at, mask) => {
            if len > 0 {
                bytes[at.index(len)] ^= mask;
            }
        }
        Mutation::Insert(at, new) => splice(bytes, (position(at, len), position(at, len)), new),
        Mutation::Delete(at, n) => {
            let start = position(at, len);
            bytes.drain(start..(start + n).min(len));
        }
        Mutation::SwapValue(at, with) => {
            let (members, _) = value_spans(bytes);
            if !members.is_empty() {
                splice(bytes, members[at.index(members.len())], &replacement(*with));
            }
        }
        Mutation::SwapNumber(at, with) => {
            let (_, numbers) = value_spans(bytes);
            if !numbers.is_empty() {
                splice(bytes, numbers[at.index(numbers.len())], &replacement(*with));
            }
        }
        Mutation::SwapField(at, with) => {
            let fields = field_spans(bytes);
            splice(bytes, fields[at.index(fields.len())], &replacement(*with));
        }
        Mutation::Nest(at, depth, braces, closed) => {
            let (open, close): (&[u8], &[u8]) = if *braces { (b"{\"a\":", b"}") } else { (b"[", b"]") };
            let mut nest = open.repeat(*depth);
            nest.push(b'1');
            if *closed {
                nest.extend(close.repeat(*depth));
            }
            let at = position(at, len);
            splice(bytes, (at, at), &nest);
        }
        Mutation::BadBytes(at, which) => {
            let at = position(at, len);
            splice(bytes, (at, at), BAD_BYTES[which % BAD_BYTES.len()]);
        }
    }
}

/// A base file and up to four mutations applied to it, in order.
fn mutated(bases: &'static [(&'static str, &'static str)]) -> impl Strategy<Value = (&'static str, Vec<u8>)> {
    (0..bases.len(), prop::collection::vec(mutation(), 1..=4)).prop_map(move |(base, mutations)| {
        let (name, text) = bases[base];
        let mut bytes = text.as_bytes().to_vec();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        (name, bytes)
    })
}

/// Checks that a message starts with the file's name and points inside it.
fn check_error(file: &str, lines: &Lines, error: &LoadError) {
    check_message(file, lines, &error.location, error);
}

fn check_region_layer(name: &str, bytes: &[u8]) {
    let lines = Lines::new(0, bytes);
    match read_region_layer(name, "layer", bytes) {
        Ok(layer) => {
            for warning in &layer.warnings {
                check_message(name, &lines, &warning.location, warning);
            }
            // What the app does next with a layer: index it and hit-test it.
            let (set, _) = RegionSet::from_layers(vec![layer]);
            for region in set.regions() {
                set.locate(region.label_point);
                set.locate(region.bounds.min());
            }
        }
        Err(error) => check_error(name, &lines, &error),
    }
}

fn check_context_layer(name: &str, bytes: &[u8]) {
    if let Err(error) = ContextLayer::read(name, bytes) {
        check_error(name, &Lines::new(0, bytes), &error);
    }
}

/// Reads an event file through the JSON scanner, `pad` spaces first; the
/// number of records and rejections, or `None` when the file failed.
fn check_event_stream(name: &str, bytes: &[u8], pad: usize) -> Option<(usize, usize)> {
    let lines = Lines::new(pad, bytes);
    let padded = std::io::repeat(b' ').take(pad as u64).chain(bytes);
    let summary = check::check_stream(name, &lines, &REGIONS, |context, on_batch| {
        read_event_stream(name, padded, context, on_batch)
    });
    summary.ok().map(|summary| (summary.records, summary.rejected))
}

/// Reads an event file of any kind as the app does: through the reader that
/// tells CSV from JSON, and through [`EventSetBuilder`]; the two must agree.
/// The number of records and rejections, or `None` when the file failed.
fn check_event_file(name: &str, bytes: &[u8]) -> Option<(usize, usize)> {
    let lines = Lines::new(0, bytes);
    let summary = check::check_stream(name, &lines, &REGIONS, |context, on_batch| {
        read_any_event_stream(name, bytes, context, on_batch)
    });
    check::check_builder(name, &lines, &REGIONS, bytes, summary.is_ok());
    summary.ok().map(|summary| (summary.records, summary.rejected))
}

/// `name` without its extension, so that the reader looks at the first byte
/// to tell CSV from JSON, as it does for a download saved without one.
fn without_extension(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The scanner reads 4 MiB at a time (`READ_SIZE` in src/data/json_records.rs).
const READ_SIZE: usize = 4 << 20;

/// `cases` cases from this file's fixed seed (see [`common::property::fixed_seed`]).
fn config(cases: u32) -> ProptestConfig {
    common::property::fixed_seed(cases, 0x5eed_b0de)
}

/// The file names the `event_any` fuzz target gives its input, by its
/// first byte: the extension decides CSV or JSON, or else the first byte does.
const EVENT_ANY_NAMES: [&str; 3] = ["fuzz.csv", "fuzz.json", "fuzz-download"];

/// Runs a file through the loaders its fuzz target feeds (see fuzz/).
fn check_fuzz_input(target: &str, data: &[u8]) {
    match target {
        "region_layer" => check_region_layer("fuzz.geojson", data),
        "context_layer" => check_context_layer("fuzz-context.geojson", data),
        "event_file" => {
            // Two header bytes choose how the fuzz target's reader behaves;
            // mode 0xff puts the 4 MiB read boundary `data[1]` bytes in.
            let (mode, arg, body) = match data {
                [mode, arg, body @ ..] => (*mode, usize::from(*arg), body),
                _ => (0, 0, data),
            };
            let pad = if mode == 0xff {
                READ_SIZE - arg.min(body.len())
            } else {
                0
            };
            check_event_stream("fuzz.json", body, pad);
            check_event_file("fuzz.json", body);
        }
        "event_any" => {
            let (name, body) = match data {
                [first, body @ ..] => (EVENT_ANY_NAMES[usize::from(*first) % EVENT_ANY_NAMES.len()], body),
                [] => (EVENT_ANY_NAMES[2], data),
            };
            check_event_file(name, body);
        }
        other => panic!("fuzz/regressions/{other} matches no fuzz target"),
    }
}

/// Every input a fuzzer failed on (fuzz/regressions/<target>/), through the
/// loaders of its target.
#[test]
fn fuzz_regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    for target in std::fs::read_dir(&root).expect("fuzz/regressions exists") {
        let target = target.expect("a directory entry").path();
        let target_name = target.file_name().map(|n| n.to_string_lossy().into_owned());
        for input in std::fs::read_dir(&target).expect("a target directory") {
            let input = input.expect("a directory entry").path();
            let data = std::fs::read(&input).expect("a regression input");
            let outcome = std::panic::catch_unwind(|| {
                check_fuzz_input(target_name.as_deref().unwrap_or_default(), &data);
            });
            assert!(outcome.is_ok(), "{} fails again", input.display());
            count += 1;
        }
    }
    assert!(count > 0, "no inputs under {}", root.display());
}

/// The oracle is not vacuous: positions outside the file, or another file's
/// name, are caught.
#[test]
fn the_oracle_rejects_positions_outside_the_file() {
    let lines = Lines::new(0, b"{\n  \"a\": 1\n}");
    let inside = Location::file("f.json").at(2, 9);
    lines.check("f.json", &inside, &"inside");
    for (file, line, column) in [
        ("f.json", 4, 1),
        ("f.json", 2, 10),
        ("f.json", 1, 0),
        ("g.json", 1, 1),
    ] {
        let outside = Location::file(file).at(line, column);
        let caught = std::panic::catch_unwind(|| lines.check("f.json", &outside, &"outside"));
        assert!(caught.is_err(), "{outside} passed");
    }
}

#[test]
fn the_unmutated_files_load() {
    for (name, text) in &GEOJSON[..5] {
        read_region_layer(name, "layer", text.as_bytes()).expect("a bundled layer loads");
    }
    ContextLayer::read(GEOJSON[5].0, GEOJSON[5].1.as_bytes()).expect("the context loads");
    for (name, text) in EVENTS.iter().chain(&CSV) {
        for name in [name, without_extension(name)] {
            let (records, rejected) = check_event_file(name, text.as_bytes()).expect("events load");
            assert!(records > 0 && rejected < records, "{name}");
        }
    }
}

proptest! {
    #![proptest_config(config(160))]

    #[test]
    fn region_layers_never_panic((name, bytes) in mutated(&GEOJSON)) {
        check_region_layer(name, &bytes);
    }

    #[test]
    fn context_layers_never_panic((name, bytes) in mutated(&GEOJSON)) {
        check_context_layer(name, &bytes);
    }

    #[test]
    fn event_files_never_panic((name, bytes) in mutated(&EVENTS)) {
        check_event_stream(name, &bytes, 0);
        check_event_file(name, &bytes);
    }

    #[test]
    fn csv_and_acled_files_never_panic(
        (name, bytes) in mutated(&CSV),
        sniff in any::<bool>(),
    ) {
        check_event_file(if sniff { without_extension(name) } else { name }, &bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_region_layer("noise.json", &bytes);
        check_context_layer("noise.json", &bytes);
        check_event_stream("noise.json", &bytes, 0);
        check_event_file("noise", &bytes);
        check_event_file("noise.csv", &bytes);
    }
}

proptest! {
    // Each case scans 4 MiB of padding.
    #![proptest_config(config(24))]

    /// Leading spaces that put the scanner's read boundary anywhere inside
    /// the file change nothing but columns on the first line.
    #[test]
    fn the_read_boundary_changes_nothing(
        (name, bytes) in (0..EVENTS.len(), prop::collection::vec(mutation(), 0..=1)).prop_map(
            |(base, mutations)| {
                let (name, text) = EVENTS[base];
                let mut bytes = text.as_bytes().to_vec();
                for mutation in &mutations {
                    apply(&mut bytes, mutation);
                }
                (name, bytes)
            }
        ),
        boundary in any::<Index>(),
    ) {
        // A byte order mark is one only at the very start.
        prop_assume!(!bytes.starts_with(b"\xef\xbb\xbf"));
        let boundary = boundary.index(bytes.len().min(READ_SIZE) + 1);
        let whole = check_event_stream(name, &bytes, 0);
        let cut = check_event_stream(name, &bytes, READ_SIZE - boundary);
        prop_assert_eq!(whole, cut, "read boundary {} bytes into the file", boundary);
    }
}
