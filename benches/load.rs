//! Loading events: parse + validate + place in regions (`EventSetBuilder`,
//! the app's and `check`'s path) for 10k, 100k and 1M generated events, next
//! to parsing the same bytes into a bare `serde_json::Value` and to cutting
//! them into records alone; 1M events read
//! from a file as JSON, GeoParquet and GeoPackage, and opened again from
//! the event cache; and building the dataset's indexes for 1M, placing
//! 1M points in their regions, and putting 1M events read in file order
//! into the set's order.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use borderwatch::data::events::{EventCache, sort_newest_first};
use borderwatch::data::json::RecordScanner;
use borderwatch::data::{ContextLayer, EventSet, EventSetBuilder, RegionSet, Severity};
use borderwatch::dataset::Dataset;
use borderwatch::export::{ExportFormat, write_events_to_path};
use borderwatch::load::{OnError, Sources, load_sources_cached};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let regions = RegionSet::bundled().expect("bundled regions");
    let mut group = c.benchmark_group("load");
    group.sampling_mode(SamplingMode::Flat);
    for count in [10_000u64, 100_000, 1_000_000] {
        let bytes = support::event_file(count);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.sample_size(if count >= 1_000_000 { 10 } else { 20 });
        // Every timed run of both is also recorded here, for the ratio.
        let mut load_runs = Vec::new();
        let mut parse_runs = Vec::new();
        group.bench_with_input(BenchmarkId::new("events", count), &bytes, |b, bytes| {
            // The result is dropped outside the timing: freeing a million
            // events is not part of loading them.
            b.iter_with_large_drop(|| {
                let started = Instant::now();
                let mut builder = EventSetBuilder::new(&regions);
                builder
                    .add_reader("generated.json", None, bytes.as_slice(), None)
                    .expect("loads");
                let (set, messages) = builder.finish();
                assert_eq!(set.len() as u64, count);
                // Notes only: events just off a coast are counted in its region.
                assert!(
                    messages.iter().all(|m| m.severity == Severity::Info),
                    "generated events load cleanly"
                );
                load_runs.push(started.elapsed());
                (set, messages)
            })
        });
        group.bench_with_input(BenchmarkId::new("serde_json_value", count), &bytes, |b, bytes| {
            b.iter_with_large_drop(|| {
                let started = Instant::now();
                let value = serde_json::from_slice::<serde_json::Value>(bytes).expect("valid JSON");
                parse_runs.push(started.elapsed());
                value
            })
        });
        // The scanner alone, which cuts the file into records before they are
        // parsed: part of "events" above, on the thread that reads the file.
        group.bench_with_input(BenchmarkId::new("scan", count), &bytes, |b, bytes| {
            b.iter(|| {
                let mut scanner = RecordScanner::new("generated.json", bytes.as_slice());
                let mut records = 0;
                while let Some(block) = scanner.next_block().expect("valid JSON") {
                    records += block.records.len();
                }
                assert_eq!(records as u64, count);
                records
            })
        });
        if load_runs.is_empty() || parse_runs.is_empty() {
            continue; // One of the two was filtered out.
        }
        let (load, parse) = (median(&mut load_runs), median(&mut parse_runs));
        eprintln!(
            "load/{count}: median {load:.2?} to load, {parse:.2?} to parse into serde_json::Value: ratio {:.2}",
            load.as_secs_f64() / parse.as_secs_f64()
        );
    }
    group.finish();

    let bytes = support::event_file(1_000_000);
    let mut builder = EventSetBuilder::new(&regions);
    builder
        .add_reader("generated.json", None, bytes.as_slice(), None)
        .expect("loads");
    let events = builder.finish().0;
    load_files(c, &regions, &events, &bytes);
    drop(bytes);
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    let bundled = RegionSet::bundled().expect("bundled regions");
    // The distance of every event to the border, on all cores.
    group.bench_function("border_km/1000000", |b| {
        b.iter(|| black_box(borderwatch::dataset::border_distances_km(&events, &bundled)))
    });
    // Placing each event in its region by its position, one after another:
    // what the readers do for every record, on one core.
    let positions: Vec<_> = events.events().iter().map(|e| e.position).collect();
    group.bench_function("regions_assign/1000000", |b| {
        b.iter(|| black_box(positions.iter().filter(|p| bundled.assign(**p).is_some()).count()))
    });
    // The set's order (newest first) for events as a file's readers leave
    // them, in file order: the generated file's dates are in no order.
    let mut in_file_order = events.events().to_vec();
    in_file_order.sort_unstable_by_key(|e| e.origin.record);
    group.bench_function("sort_newest_first/1000000", |b| {
        b.iter_batched_ref(
            || in_file_order.clone(),
            |events| black_box(sort_newest_first(events)),
            criterion::BatchSize::LargeInput,
        )
    });
    drop(in_file_order);
    // The free-text search's index (built on a background thread once a
    // load is drawn): where the texts lie, and the frequent words.
    group.bench_function("search/1000000", |b| {
        b.iter(|| black_box(borderwatch::query::SearchIndex::new(&events)))
    });
    // Its lists of the events holding each word, made next on that thread.
    group.bench_function("search_lists/1000000", |b| {
        b.iter_batched(
            || borderwatch::query::SearchIndex::new(&events),
            |index| {
                index.make_lists(&events);
                black_box(index)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("dataset/1000000", |b| {
        b.iter_batched(
            || (RegionSet::bundled().expect("bundled regions"), events.clone()),
            |(regions, events)| black_box(Dataset::new(regions, ContextLayer::default(), events)),
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// The same million events read from a file on disk as JSON, GeoParquet and
/// GeoPackage (written by borderwatch's own export): `add_path`, the app's
/// and `check`'s path, format by format.
fn load_files(c: &mut Criterion, regions: &RegionSet, events: &EventSet, json: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let indices: Vec<usize> = (0..events.len()).collect();
    let mut files = vec![dir.path().join("events.json")];
    std::fs::write(&files[0], json).expect("JSON written");
    for format in [ExportFormat::Parquet, ExportFormat::GeoPackage] {
        let path = dir.path().join(format!("events.{}", format.extension()));
        write_events_to_path(events, regions, &indices, format, &path).expect("written");
        files.push(path);
    }
    let mut group = c.benchmark_group("load_file");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    for path in &files {
        let format = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        group.throughput(Throughput::Bytes(size));
        group.bench_function(BenchmarkId::new(format, events.len()), |b| {
            b.iter_with_large_drop(|| {
                let mut builder = EventSetBuilder::new(regions);
                builder.add_path(path, None).expect("loads");
                let (set, messages) = builder.finish();
                assert_eq!(set.len(), events.len(), "{format}");
                (set, messages)
            })
        });
    }
    group.finish();
    reopen_cached(c, &files[0], events.len());
}

/// Opening the JSON file again, unchanged, as the window does: every source
/// loaded (`load_sources_cached`: regions, the events from the cache, the
/// indexes) with the cache filled by a first load (whose entry the window
/// writes after showing it, with the map's spatial index: `CacheWrites::write`).
fn reopen_cached(c: &mut Criterion, path: &std::path::Path, count: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = EventCache::new(dir.path());
    let sources = Sources::new(&[], &[path.to_path_buf()]);
    let load = || load_sources_cached(&sources, OnError::Abort, None, Some(cache.clone())).expect("loads");
    let first = load();
    let set = &first.dataset.events;
    let spatial = Some(first.dataset.index.parts());
    first.cache_writes.write(set.events(), set.categories(), spatial);
    drop(first);
    let mut group = c.benchmark_group("reopen");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("json_cached", count), |b| {
        b.iter_with_large_drop(|| {
            let loaded = load();
            assert_eq!(loaded.dataset.events.len(), count);
            assert!(loaded.dataset.events.files().iter().all(|f| f.from_cache));
            loaded
        })
    });
    group.finish();
}

/// The middle one of `runs` (zero when there are none).
fn median(runs: &mut [Duration]) -> Duration {
    runs.sort_unstable();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

criterion_group!(benches, load);
criterion_main!(benches);
