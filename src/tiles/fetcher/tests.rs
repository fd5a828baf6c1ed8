use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::*;
use crate::tiles::decode::solid_png;
use crate::tiles::mbtiles::tests::write_mbtiles;
use crate::tiles::pmtiles_writer::{WriteOptions, write_pmtiles};

fn t(z: u8, x: u32, y: u32) -> TileId {
    TileId { z, x, y }
}

/// Records what it loads; the first load waits until the test opens the gate.
struct Gated {
    loaded: Arc<Mutex<Vec<TileId>>>,
    gate: Arc<(Mutex<bool>, Condvar)>,
}

impl Backend for Gated {
    fn load(&mut self, id: TileId) -> TileOutcome {
        let (open, cv) = &*self.gate;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
        self.loaded.lock().unwrap().push(id);
        match id.x {
            0 => TileOutcome::Missing,
            1 => panic!("a loader bug"),
            _ => TileOutcome::Failed(format!("tile {id}: nope")),
        }
    }
}

/// Collects `n` results or gives up after `limit`.
pub(crate) fn wait_for(fetcher: &TileFetcher, n: usize, limit: Duration) -> Vec<TileResult> {
    let start = Instant::now();
    let mut out = Vec::new();
    while out.len() < n && start.elapsed() < limit {
        out.extend(fetcher.poll());
        std::thread::sleep(Duration::from_millis(5));
    }
    out
}

#[test]
fn newer_requests_replace_pending_ones_and_in_flight_ones_finish() {
    let loaded = Arc::new(Mutex::new(Vec::new()));
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let backend = Gated {
        loaded: Arc::clone(&loaded),
        gate: Arc::clone(&gate),
    };
    let fetcher = TileFetcher::spawn(vec![Box::new(backend)]);
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    fetcher.set_wake(Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let first: Vec<_> = (0..8).map(|y| t(3, 2, y)).collect();
    fetcher.request(&first);
    // Wait until the worker has taken the first tile and is blocked on the gate.
    let start = Instant::now();
    while fetcher.shared.queue().in_flight.is_empty() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(fetcher.busy(), 8);
    // The view moved: only these are wanted now (with a duplicate and an invalid id).
    fetcher.request(&[t(3, 0, 5), t(3, 1, 5), t(3, 0, 5), t(3, 9, 9)]);
    assert_eq!(fetcher.busy(), 3);
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    let results = wait_for(&fetcher, 3, Duration::from_secs(5));
    assert_eq!(*loaded.lock().unwrap(), vec![t(3, 2, 0), t(3, 0, 5), t(3, 1, 5)]);
    assert!(matches!(results[0].outcome, TileOutcome::Failed(ref m) if m.contains("nope")));
    assert!(matches!(results[1].outcome, TileOutcome::Missing));
    // The panicking load became a failure and the worker lives on.
    assert!(matches!(results[2].outcome, TileOutcome::Failed(ref m) if m.contains("panicked")));
    fetcher.request(&[t(3, 5, 5)]);
    assert_eq!(wait_for(&fetcher, 1, Duration::from_secs(5)).len(), 1);
    assert_eq!(wakes.load(Ordering::SeqCst), 4);
    assert!(fetcher.poll().is_empty());
}

#[test]
fn dropping_the_fetcher_stops_its_workers() {
    let loaded = Arc::new(Mutex::new(Vec::new()));
    let gate = Arc::new((Mutex::new(true), Condvar::new()));
    let backend = Gated { loaded, gate };
    let fetcher = TileFetcher::spawn(vec![Box::new(backend)]);
    let shared = Arc::clone(&fetcher.shared);
    drop(fetcher);
    // The worker held the only other reference: it is gone once the thread has exited.
    let start = Instant::now();
    while Arc::strong_count(&shared) > 1 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(Arc::strong_count(&shared), 1);
}

fn colour_of(id: TileId) -> [u8; 3] {
    [10 + id.z * 40, 10 + id.x as u8 * 50, 10 + id.y as u8 * 50]
}

fn package_tiles() -> Vec<(TileId, Vec<u8>)> {
    let mut tiles = vec![(t(0, 0, 0), solid_png(256, 256, colour_of(t(0, 0, 0))))];
    for (x, y) in [(0, 0), (1, 0), (0, 1)] {
        tiles.push((t(1, x, y), solid_png(256, 256, colour_of(t(1, x, y)))));
    }
    // Not an image: the fetcher must report it, not fail the others.
    tiles.push((t(1, 1, 1), b"garbage".to_vec()));
    tiles
}

fn check_package(source: TileSource) {
    let fetcher = TileFetcher::new(source, None, false);
    let ids = [t(0, 0, 0), t(1, 1, 0), t(1, 0, 1), t(1, 1, 1), t(2, 0, 0)];
    fetcher.request(&ids);
    let results = wait_for(&fetcher, ids.len(), Duration::from_secs(10));
    assert_eq!(results.len(), ids.len());
    for r in results {
        match (r.id, r.outcome) {
            (TileId { z: 1, x: 1, y: 1 }, TileOutcome::Failed(msg)) => {
                assert!(msg.contains("tiles."), "{msg}")
            }
            (TileId { z: 2, .. }, TileOutcome::Missing) => {}
            (id, TileOutcome::Ok(tile)) if id.z < 2 => {
                let [r, g, b] = colour_of(id);
                assert_eq!(tile.pixel(100, 100), Some([r, g, b, 255]), "{id}");
            }
            (id, other) => panic!("{id}: {other:?}"),
        }
    }
}

#[test]
fn loads_from_mbtiles_and_pmtiles_packages() {
    let dir = tempfile::tempdir().unwrap();
    let mb = dir.path().join("tiles.mbtiles");
    write_mbtiles(&mb, &[("format", "png")], &package_tiles());
    check_package(TileSource::MbTiles(mb));
    let pm = dir.path().join("tiles.pmtiles");
    std::fs::write(&pm, write_pmtiles(&package_tiles(), &WriteOptions::default())).unwrap();
    check_package(TileSource::PmTiles(pm));
}

#[test]
fn a_package_that_cannot_be_opened_fails_each_tile_with_its_name() {
    let fetcher = TileFetcher::new(TileSource::PmTiles("/nonexistent/x.pmtiles".into()), None, true);
    fetcher.request(&[t(0, 0, 0), t(1, 0, 0)]);
    let results = wait_for(&fetcher, 2, Duration::from_secs(5));
    assert_eq!(results.len(), 2);
    for r in results {
        assert!(
            matches!(r.outcome, TileOutcome::Failed(ref m) if m.contains("x.pmtiles")),
            "{r:?}"
        );
    }
}

#[test]
fn offline_without_cache_is_missing_at_once() {
    let source = TileSource::parse("http://127.0.0.1:9/{z}/{x}/{y}.png").unwrap();
    let fetcher = TileFetcher::new(source, None, false);
    fetcher.request(&[t(0, 0, 0)]);
    let results = wait_for(&fetcher, 1, Duration::from_secs(2));
    assert!(
        matches!(
            results[..],
            [TileResult {
                outcome: TileOutcome::Missing,
                ..
            }]
        ),
        "{results:?}"
    );
}
