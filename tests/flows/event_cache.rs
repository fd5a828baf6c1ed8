//! The event cache (issue 17): a file opened again unchanged loads from the
//! cache exactly as it loads from the file, and a cache entry that is
//! truncated, corrupt, of another format, another file's or older than its
//! file is thrown away and made again, never used and never a panic.

#[path = "../../benches/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use borderwatch::data::events::EventCache;
use borderwatch::data::events::cache_spatial::SpatialOrder;
use borderwatch::data::events::read::ColumnMapping;
use borderwatch::data::{Diagnostic, EventSet, EventSetBuilder, RegionSet};
use borderwatch::dataset::drawn_position;
use borderwatch::spatial::EventIndex;

/// What a load gives: the events, their categories, the files and messages,
/// and the spatial index the cache kept for them, if any.
struct Load {
    set: EventSet,
    messages: Vec<Diagnostic>,
    spatial: Option<SpatialOrder>,
}

impl Load {
    fn cached(&self) -> bool {
        self.set.files().iter().all(|f| f.from_cache)
    }
}

/// The bundled regions, read once for every test.
static REGIONS: std::sync::LazyLock<RegionSet> =
    std::sync::LazyLock::new(|| RegionSet::bundled().expect("bundled regions"));

fn load(paths: &[&Path], mapping: &ColumnMapping, cache: Option<&EventCache>) -> Load {
    let mut builder = EventSetBuilder::new(&REGIONS).with_cache(cache.cloned());
    builder.set_mapping(mapping.clone());
    for path in paths {
        builder.add_path(path, None).expect("loads");
    }
    // As the window does: the entries written from the set once it and its
    // spatial index are made.
    let writes = builder.take_cache_writes();
    let (set, messages, spatial) = builder.finish_with_spatial();
    let index = EventIndex::with_positions(&set, |e| drawn_position(e, &REGIONS));
    writes.write(set.events(), set.categories(), Some(index.parts()));
    Load {
        set,
        messages,
        spatial,
    }
}

/// Asserts two loads hold the same events, categories, files and messages.
fn assert_same(a: &Load, b: &Load, what: &str) {
    assert_eq!(a.set.len(), b.set.len(), "{what}: event count");
    for (x, y) in a.set.events().iter().zip(b.set.events()) {
        assert_eq!(x, y, "{what}: event {}", x.id());
    }
    assert_eq!(a.set.categories(), b.set.categories(), "{what}: categories");
    assert_eq!(a.messages, b.messages, "{what}: messages");
    let files = |l: &Load| -> Vec<(String, usize, usize)> {
        l.set
            .files()
            .iter()
            .map(|f| (f.name.clone(), f.records, f.rejected))
            .collect()
    };
    assert_eq!(files(a), files(b), "{what}: files");
}

fn cache(dir: &Path) -> EventCache {
    EventCache::new(dir.join("cache")).with_min_bytes(0)
}

/// The one entry in the cache.
fn entry(cache: &EventCache) -> PathBuf {
    let entries: Vec<PathBuf> = std::fs::read_dir(cache.dir())
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries[0].clone()
}

/// 400 generated events (coastal notes among their messages) in `dir`.
fn generated(dir: &Path) -> PathBuf {
    let path = dir.join("generated.json");
    std::fs::write(&path, support::event_file(400)).expect("written");
    path
}

/// The ACLED fixture, and 400 generated events in `dir`.
fn acled_and_generated(dir: &Path) -> (PathBuf, PathBuf) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    (fixtures.join("acled-api.json"), generated(dir))
}

/// Loads `path` fresh, then through the cache twice: the second must come
/// from the cache and equal the fresh load.
fn round_trip(path: &Path, mapping: &ColumnMapping, dir: &Path) {
    let cache = cache(dir);
    let fresh = load(&[path], mapping, None);
    let first = load(&[path], mapping, Some(&cache));
    assert!(!first.cached(), "{}: nothing cached yet", path.display());
    let again = load(&[path], mapping, Some(&cache));
    assert!(again.cached(), "{}: read from the cache", path.display());
    assert_same(&fresh, &first, &path.display().to_string());
    assert_same(&fresh, &again, &path.display().to_string());
}

#[test]
fn files_from_the_field_load_from_the_cache_exactly_as_from_the_file() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let sources = ColumnMapping {
        timemap_sources: Some(fixtures.join("field/timemap-sources.json")),
        ..ColumnMapping::default()
    };
    let cases = [
        ("field/timemap-events.json", sources),
        ("field/acled-spreadsheet.csv", ColumnMapping::default()),
        ("field/excel-unicode.tsv", ColumnMapping::default()),
        ("field/python-nan.json", ColumnMapping::default()),
        ("field/semicolon-cp1251.csv", ColumnMapping::default()),
        ("acled-api.json", ColumnMapping::default()),
        ("formats/events.parquet", ColumnMapping::default()),
        ("formats/events.gpkg", ColumnMapping::default()),
        ("formats/events-shp.zip", ColumnMapping::default()),
    ];
    for (file, mapping) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        round_trip(&fixtures.join(file), &mapping, dir.path());
    }
    // The sample: troops, end dates, precisions, declared regions, sources.
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = dir.path().join("sample.json");
    std::fs::write(&sample, borderwatch::data::bundled::SAMPLE_EVENTS).expect("written");
    round_trip(&sample, &ColumnMapping::default(), dir.path());
    let generated = generated(dir.path());
    round_trip(&generated, &ColumnMapping::default(), dir.path());
}

#[test]
fn other_fields_odd_categories_and_rejected_records_survive_the_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("odd.json");
    std::fs::write(
        &path,
        r#"{"events": [
 {"id": "a", "title": "with other fields", "date": "2022-02-01", "lat": 50.6, "lon": 36.6, "category": "Shelling",
  "unit": {"name": "1st Tank Army", "strength": [1, 2.5, null]}, "troops": 1200},
 {"id": "b", "title": "no place", "date": "2022-02", "lat": 55.75, "lon": 37.62, "precision": "notional",
  "region": "belgorod", "category": "statement"},
 {"id": "e", "title": "lasts", "date": "2022-02-03T10:30:00+03:00", "end_date": "2022-02-05",
  "lat": 47.2, "lon": 39.7, "category": "SHELLING", "actors": ["x\ty", "z"], "unit": "2nd Guards"},
 {"id": "c", "title": "broken", "date": "not a date", "lat": 50, "lon": 36},
 {"id": "d", "title": "in the sea off Crimea", "date": "2021-04-22", "lat": 44.43, "lon": 33.6}
]}"#,
    )
    .expect("written");
    round_trip(&path, &ColumnMapping::default(), dir.path());
    let fresh = load(&[&path], &ColumnMapping::default(), None);
    assert!(fresh.set.categories().find("Shelling").is_some());
    assert!(
        fresh.set.events().iter().any(|e| e.extra.is_some()),
        "other fields kept"
    );
    assert!(!fresh.messages.is_empty(), "the rejected record");
}

#[test]
fn texts_too_long_for_an_events_lengths_survive_the_cache() {
    // Each is kept in a block of its own in memory, and among the other
    // events' texts in the cache.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.json");
    let description = format!("{}pontoon", "Понтон через реку. ".repeat(2_000));
    let (id, place) = ("i".repeat(300), "p".repeat(256));
    let record = |id: &str, extra: &str| {
        format!(
            r#"{{"id": "{id}", "title": "t {id}", "date": "2022-02-01", "lat": 50.6, "lon": 36.6{extra}}}"#
        )
    };
    let records = [
        record("a", ""),
        record("b", &format!(r#", "description": "{description}""#)),
        record(&id, ""),
        record("c", &format!(r#", "place": "{place}", "actors": ["x", "y"]"#)),
        record("d", ""),
    ];
    std::fs::write(&path, format!(r#"{{"events": [{}]}}"#, records.join(",\n"))).expect("written");
    round_trip(&path, &ColumnMapping::default(), dir.path());
    let cached = load(&[&path], &ColumnMapping::default(), Some(&cache(dir.path())));
    assert!(cached.cached());
    let event = |id: &str| cached.set.events().iter().find(|e| e.id() == id).expect("loaded");
    assert_eq!(event("b").description(), Some(description.as_str()));
    assert_eq!(event(&id).title(), format!("t {id}"));
    assert_eq!(event("c").place(), Some(place.as_str()));
    assert_eq!(event("c").actors().collect::<Vec<_>>(), ["x", "y"]);
    assert_eq!(event("d").title(), "t d");
}

#[test]
fn a_file_whose_events_are_not_all_in_the_set_is_not_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = cache(dir.path());
    let mapping = ColumnMapping::default();
    let record = |id: &str, title: &str| {
        format!(r#"{{"id": "{id}", "title": "{title}", "date": "2022-02-01", "lat": 50.6, "lon": 36.6}}"#)
    };
    // The same id twice in one file: the later record is the event.
    let twice = dir.path().join("twice.json");
    let text = format!(
        "[{}, {}, {}]",
        record("a", "first"),
        record("b", "other"),
        record("a", "second")
    );
    std::fs::write(&twice, text).expect("written");
    let fresh = load(&[&twice], &mapping, None);
    assert_eq!(fresh.set.len(), 2);
    for _ in 0..2 {
        let again = load(&[&twice], &mapping, Some(&cache));
        assert!(
            !again.cached(),
            "an entry would lose the first record's replacement"
        );
        assert_same(&fresh, &again, "an id twice");
    }
    // A later file replaces an event of the first: only the later is kept.
    let first = dir.path().join("first.json");
    let later = dir.path().join("later.json");
    std::fs::write(
        &first,
        format!("[{}, {}]", record("x", "old"), record("y", "kept")),
    )
    .expect("written");
    std::fs::write(&later, format!("[{}]", record("x", "new"))).expect("written");
    let fresh = load(&[&first, &later], &mapping, None);
    load(&[&first, &later], &mapping, Some(&cache));
    let again = load(&[&first, &later], &mapping, Some(&cache));
    let cached: Vec<bool> = again.set.files().iter().map(|f| f.from_cache).collect();
    assert_eq!(
        cached,
        [false, true],
        "the first file lost an event to the later one"
    );
    assert_same(&fresh, &again, "a replaced event");
}

#[test]
fn a_file_loaded_alone_brings_back_its_spatial_index_and_only_then() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (acled, generated) = acled_and_generated(dir.path());
    let cache = cache(dir.path());
    let mapping = ColumnMapping::default();
    let position = |e: &_| drawn_position(e, &REGIONS);
    let first = load(&[&generated], &mapping, Some(&cache));
    assert!(first.spatial.is_none(), "read from the file: no index kept yet");
    let again = load(&[&generated], &mapping, Some(&cache));
    assert!(again.cached());
    let kept = again.spatial.expect("the index kept with the entry");
    let made = EventIndex::with_positions(&again.set, position);
    assert_eq!(
        EventIndex::from_stored(&again.set, kept, position).as_ref(),
        Some(&made),
        "the kept index is the one made anew"
    );
    // Two files: each entry is kept without an index (the set's index
    // spans both), and the two loaded from the cache bring none back.
    let other = dir.path().join("other");
    let cache = self::cache(&other);
    load(&[&generated, &acled], &mapping, Some(&cache));
    let both = load(&[&generated, &acled], &mapping, Some(&cache));
    assert!(both.cached());
    assert!(both.spatial.is_none(), "two files");
    let alone = load(&[&generated], &mapping, Some(&cache));
    assert!(
        alone.cached() && alone.spatial.is_none(),
        "its entry has no index"
    );
}

#[test]
fn a_second_file_keeps_its_own_categories_and_file_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (acled, generated) = acled_and_generated(dir.path());
    let cache = cache(dir.path());
    let mapping = ColumnMapping::default();
    // Each file cached on its own, then both loaded in the other order.
    load(&[&acled], &mapping, Some(&cache));
    load(&[&generated], &mapping, Some(&cache));
    let fresh = load(&[&generated, &acled], &mapping, None);
    let cached = load(&[&generated, &acled], &mapping, Some(&cache));
    assert!(cached.cached());
    assert_same(&fresh, &cached, "two files");
}

/// Fills the cache with `path`, spoils the entry with `spoil`, and checks the
/// next load reads the file (same result as without a cache) and writes a
/// good entry again.
fn spoiled(what: &str, spoil: impl Fn(&Path)) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = generated(dir.path());
    let mapping = ColumnMapping::default();
    let cache = cache(dir.path());
    let fresh = load(&[&path], &mapping, None);
    load(&[&path], &mapping, Some(&cache));
    spoil(&entry(&cache));
    let after = load(&[&path], &mapping, Some(&cache));
    assert!(!after.cached(), "{what}: the spoiled entry was used");
    assert_same(&fresh, &after, what);
    let again = load(&[&path], &mapping, Some(&cache));
    assert!(again.cached(), "{what}: the entry was made again");
    assert_same(&fresh, &again, what);
}

/// Cuts the file at `path` to `len` bytes.
fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(len))
        .expect("truncated")
}

#[test]
fn a_truncated_entry_is_thrown_away_and_made_again() {
    let len = |p: &Path| std::fs::metadata(p).expect("entry").len();
    for keep in [0, 5, 12, 30] {
        spoiled(&format!("truncated to {keep} bytes"), |p| truncate(p, keep));
    }
    spoiled("truncated by half", |p| truncate(p, len(p) / 2));
    spoiled("one byte short", |p| truncate(p, len(p) - 1));
    spoiled("a byte too many", |p| {
        let mut bytes = std::fs::read(p).expect("entry");
        bytes.push(0);
        std::fs::write(p, bytes).expect("written")
    });
}

#[test]
fn an_entry_of_another_format_version_is_not_used() {
    spoiled("format version + 1", |p| {
        let mut bytes = std::fs::read(p).expect("entry");
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        bytes[8..12].copy_from_slice(&(version + 1).to_le_bytes());
        std::fs::write(p, bytes).expect("written")
    });
    spoiled("not a cache file", |p| {
        std::fs::write(p, b"{\"events\": []}").expect("written")
    });
}

#[test]
fn any_byte_changed_in_an_entry_is_found_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = generated(dir.path());
    let mapping = ColumnMapping::default();
    let cache = cache(dir.path());
    let fresh = load(&[&path], &mapping, None);
    load(&[&path], &mapping, Some(&cache));
    let entry = entry(&cache);
    let good = std::fs::read(&entry).expect("entry");
    // The header, the first frame, and bytes spread over the rest.
    let positions = (0..64).chain((64..good.len()).step_by(good.len() / 97));
    for at in positions {
        let mut bytes = good.clone();
        bytes[at] ^= 0x5a;
        std::fs::write(&entry, &bytes).expect("written");
        let after = load(&[&path], &mapping, Some(&cache));
        assert!(!after.cached(), "byte {at} changed, yet the entry was used");
        assert_same(&fresh, &after, &format!("byte {at} changed"));
    }
}

#[test]
fn another_files_entry_is_not_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mapping = ColumnMapping::default();
    let cache = cache(dir.path());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let other = fixtures.join("acled-api.json");
    load(&[&other], &mapping, Some(&cache));
    let other_entry = entry(&cache);
    let path = generated(dir.path());
    let fresh = load(&[&path], &mapping, None);
    load(&[&path], &mapping, Some(&cache));
    let own_entry = std::fs::read_dir(cache.dir())
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .find(|p| *p != other_entry)
        .expect("the generated file's entry");
    std::fs::copy(&other_entry, &own_entry).expect("copied");
    let after = load(&[&path], &mapping, Some(&cache));
    assert!(!after.cached(), "another file's entry was used");
    assert_same(&fresh, &after, "another file's entry");
}

#[test]
fn an_edited_file_is_read_again_even_with_its_size_and_time_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = generated(dir.path());
    let mapping = ColumnMapping::default();
    let cache = cache(dir.path());
    load(&[&path], &mapping, Some(&cache));
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    // One digit of a coordinate changed: same size; the time put back.
    let text = std::fs::read_to_string(&path).expect("text");
    let at = text.find("\"lat\":").expect("a latitude") + "\"lat\": ".len() + 1;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    std::fs::write(&path, &bytes).expect("edited");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(modified))
        .expect("time put back");
    let fresh = load(&[&path], &mapping, None);
    let after = load(&[&path], &mapping, Some(&cache));
    assert!(!after.cached(), "the edited file's old entry was used");
    assert_same(&fresh, &after, "edited file");
    // Touched only: read again too (the time is part of the key).
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(modified + std::time::Duration::from_secs(60)))
        .expect("touched");
    assert!(!load(&[&path], &mapping, Some(&cache)).cached());
    assert!(load(&[&path], &mapping, Some(&cache)).cached());
}

#[test]
fn other_fields_or_other_regions_are_another_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = generated(dir.path());
    let cache = cache(dir.path());
    load(&[&path], &ColumnMapping::default(), Some(&cache));
    let mapping = ColumnMapping {
        date_order: borderwatch::data::events::DateOrder::parse("dmy"),
        ..ColumnMapping::default()
    };
    assert!(
        !load(&[&path], &mapping, Some(&cache)).cached(),
        "another mapping"
    );
    assert!(load(&[&path], &mapping, Some(&cache)).cached());
    // Other regions: the same file placed in Belgorod alone.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let belgorod = borderwatch::load::load_regions(&[fixtures.join("formats/belgorod.geojson")]).regions;
    let mut builder = EventSetBuilder::new(&belgorod).with_cache(Some(cache.clone()));
    builder.add_path(&path, None).expect("loads");
    assert!(!builder.finish().0.files()[0].from_cache, "other regions");
}

#[test]
fn small_files_are_not_cached_and_an_unwritable_cache_only_costs_the_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = generated(dir.path());
    let mapping = ColumnMapping::default();
    let big = EventCache::new(dir.path().join("big-only")).with_min_bytes(1 << 30);
    load(&[&path], &mapping, Some(&big));
    assert!(!big.dir().exists(), "a small file was cached");
    // The cache directory is a file: nothing can be written, the load goes on.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"").expect("written");
    let unwritable = EventCache::new(&blocked).with_min_bytes(0);
    let fresh = load(&[&path], &mapping, None);
    let after = load(&[&path], &mapping, Some(&unwritable));
    assert_same(&fresh, &after, "unwritable cache");
}

#[test]
fn the_oldest_entries_go_beyond_the_budget_and_abandoned_writes_are_cleared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mapping = ColumnMapping::default();
    let cache = cache(dir.path()).with_budget(1);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    load(&[&fixtures.join("acled-api.json")], &mapping, Some(&cache));
    let first = entry(&cache);
    // What a writer stopped two hours ago left, and one writing now.
    let abandoned = cache.dir().join("0123456789abcdef.tmp.1.0");
    let writing = cache.dir().join("0123456789abcdef.tmp.2.0");
    for path in [&abandoned, &writing] {
        std::fs::write(path, b"half").expect("written");
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&abandoned)
        .and_then(|f| f.set_modified(two_hours_ago))
        .expect("aged");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let path = generated(dir.path());
    load(&[&path], &mapping, Some(&cache));
    assert!(!abandoned.exists(), "an abandoned half-written entry stays");
    std::fs::remove_file(&writing).expect("a fresh one is left alone");
    let last = entry(&cache);
    assert_ne!(first, last, "the newest stays, the older goes");
}

#[test]
fn the_window_keeps_its_files_in_the_cache_after_building_the_indexes() {
    use borderwatch::load::{OnError, Sources, load_sources_cached};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = generated(dir.path());
    let cache = cache(dir.path());
    let sources = Sources::new(&[], std::slice::from_ref(&path));
    // The window's path: the load, the data shown, then the work after it.
    let loaded = load_sources_cached(&sources, OnError::Abort, None, Some(cache.clone())).expect("loads");
    assert!(
        !loaded.cache_writes.is_empty(),
        "a file read from disk is to be kept"
    );
    let data = std::sync::Arc::new(loaded.dataset.with_cache_writes(loaded.cache_writes));
    assert!(!data.settled());
    borderwatch::dataset::Dataset::build_indexes_in_background(&data);
    let started = std::time::Instant::now();
    while !data.settled() {
        assert!(
            started.elapsed().as_secs() < 60,
            "the background work never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(data.indexes_ready());
    let again = load_sources_cached(&sources, OnError::Abort, None, Some(cache)).expect("loads");
    assert!(again.dataset.events.files().iter().all(|f| f.from_cache));
    assert_eq!(again.dataset.events.len(), data.events.len());
    // The spatial index, kept with the entry, is the one built at first.
    assert_eq!(again.dataset.index, data.index);
}
