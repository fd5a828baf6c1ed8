//! A search typed into the search box, made on a thread of its own when the
//! events are many: the window goes on drawing and the box goes on taking
//! keys while it runs (a common word in a million events takes 60-230 ms),
//! a newer text stops it, and the filter it was for is applied when its
//! hits are in. Until then the map and lists show the filter before it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, OnceLock};

use crate::dataset::Dataset;
use crate::query::EventFilter;
use crate::query::search::query_terms;

/// Events from which a search is made off the window's thread: below, the
/// longest (one letter, found in nearly every event) takes under a frame.
pub const BACKGROUND_SEARCH_EVENTS: usize = 50_000;

/// The threads searches run on: a pool of their own, a thread a core, so
/// that the window's own parallel work (a filter applied) is never queued
/// behind a search; the system shares the cores between the two. (One
/// thread fewer on this 2-core machine kept frames at 3-4 ms rather than
/// 5-18 during a search, but took twice as long to find its events.)
/// `None` (searches made on the window's thread) if it cannot be started.
fn search_threads() -> Option<&'static rayon::ThreadPool> {
    static THREADS: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    THREADS
        .get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("borderwatch-search-{i}"))
                // A search that panics ends without its hits (its sender
                // dropped, `finished` says so) rather than ending the app.
                .panic_handler(|_| log::error!("a search failed: its filter is not applied"))
                .build()
                .map_err(|error| log::warn!("no threads to search on ({error}): searching on the window's"))
                .ok()
        })
        .as_ref()
}

/// The searches of the filters the user asks for.
pub struct BackgroundSearch {
    /// Events from which a search runs on its own thread.
    from_events: usize,
    pending: Option<Pending>,
}

/// A filter waiting for its search.
struct Pending {
    /// The filter to apply once the hits are in (the latest asked for:
    /// other controls changed during the search change it, same terms).
    filter: EventFilter,
    /// The data searched.
    data: Arc<Dataset>,
    stop: Arc<AtomicBool>,
    receiver: Receiver<Option<Vec<bool>>>,
}

impl Default for BackgroundSearch {
    fn default() -> Self {
        Self::from_events(BACKGROUND_SEARCH_EVENTS)
    }
}

impl BackgroundSearch {
    /// Searches made on their own thread from `events` events on.
    pub fn from_events(events: usize) -> Self {
        Self {
            from_events: events,
            pending: None,
        }
    }

    /// The filter waiting for its search, if one is.
    pub fn pending(&self) -> Option<&EventFilter> {
        self.pending.as_ref().map(|pending| &pending.filter)
    }

    /// Whether `filter` on `data` should wait for a search made on its own
    /// thread (rather than be applied at once).
    pub fn needed(&self, data: &Dataset, filter: &EventFilter) -> bool {
        data.events.len() >= self.from_events && !data.search_done(&filter.text)
    }

    /// Starts the search `filter` needs, stopping one for other terms or
    /// data; one for the same terms is left to run, for `filter` instead.
    /// `waker` is woken when the hits are in.
    pub fn start(&mut self, data: &Arc<Dataset>, filter: EventFilter, waker: Option<egui::Context>) {
        if let Some(pending) = &mut self.pending
            && Arc::ptr_eq(&pending.data, data)
            && query_terms(&pending.filter.text) == query_terms(&filter.text)
        {
            pending.filter = filter;
            return;
        }
        self.cancel();
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = channel();
        let text = filter.text.clone();
        let searched = Arc::clone(data);
        let stopped = Arc::clone(&stop);
        let search = move || {
            let hits = searched.search_until(&text, &stopped);
            // The receiver is gone when the search was typed past.
            let _ = sender.send(hits);
            if let Some(waker) = waker {
                waker.request_repaint();
            }
        };
        let receiver = match search_threads() {
            Some(threads) => {
                threads.spawn(search);
                receiver
            }
            None => {
                let (sender, receiver) = channel();
                let _ = sender.send(data.search_until(&filter.text, &stop));
                receiver
            }
        };
        self.pending = Some(Pending {
            filter,
            data: Arc::clone(data),
            stop,
            receiver,
        });
    }

    /// Stops the search under way, if one is: the filter it was for.
    pub fn cancel(&mut self) -> Option<EventFilter> {
        let pending = self.pending.take()?;
        pending.stop.store(true, Ordering::Relaxed);
        Some(pending.filter)
    }

    /// The filter whose hits came in since the last call, kept in `data`
    /// for [`Dataset::apply`] to take. A search of other data than `data`
    /// (replaced meanwhile) is dropped.
    pub fn finished(&mut self, data: &Arc<Dataset>) -> Option<EventFilter> {
        let pending = self.pending.as_ref()?;
        let hits = match pending.receiver.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Ok(Some(hits)) => Some(hits),
            Ok(None) | Err(TryRecvError::Disconnected) => None,
        };
        let pending = self.pending.take()?;
        let Some(hits) = hits.filter(|_| Arc::ptr_eq(&pending.data, data)) else {
            log::warn!("a search for {:?} ended without its hits", pending.filter.text);
            return None;
        };
        data.keep_search(&pending.filter.text, hits);
        Some(pending.filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ContextLayer, EventSet, RegionSet};

    fn bundled() -> Arc<Dataset> {
        let regions = RegionSet::bundled().expect("bundled regions");
        let events = EventSet::bundled(&regions).expect("bundled events");
        let context = ContextLayer::bundled().expect("bundled context");
        Arc::new(Dataset::new(regions, context, events))
    }

    fn searching(text: &str) -> EventFilter {
        EventFilter {
            text: text.into(),
            ..EventFilter::default()
        }
    }

    /// Polls until the search is in (the test fails after ten seconds).
    fn wait(search: &mut BackgroundSearch, data: &Arc<Dataset>) -> EventFilter {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(filter) = search.finished(data) {
                return filter;
            }
            assert!(search.pending().is_some(), "the search was dropped");
            assert!(std::time::Instant::now() < deadline, "no hits within 10 s");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_search_waits_only_from_its_size_and_only_for_new_terms() {
        let data = bundled();
        let many = BackgroundSearch::from_events(0);
        assert!(many.needed(&data, &searching("drills")));
        assert!(
            !many.needed(&data, &searching("  ")),
            "no terms, nothing to search"
        );
        assert!(
            !BackgroundSearch::default().needed(&data, &searching("drills")),
            "22 events"
        );
        data.apply(&searching("Drills near"));
        assert!(!many.needed(&data, &searching("drills   NEAR")), "the same terms");
        assert!(many.needed(&data, &searching("drills")));
    }

    #[test]
    fn the_hits_made_on_their_thread_are_those_made_at_once() {
        let data = bundled();
        let mut search = BackgroundSearch::from_events(0);
        let filter = searching("weapons");
        search.start(&data, filter.clone(), None);
        assert_eq!(search.pending(), Some(&filter));
        assert_eq!(wait(&mut search, &data), filter);
        assert!(search.pending().is_none());
        assert!(data.search_done("weapons"));
        let kept = data.apply(&filter);
        let made_here = bundled().apply(&filter);
        assert!(!made_here.indices.is_empty());
        assert_eq!(kept.indices, made_here.indices);
    }

    #[test]
    fn a_newer_text_stops_the_search_and_the_same_terms_keep_it() {
        let data = bundled();
        let mut search = BackgroundSearch::from_events(0);
        search.start(&data, searching("weapons"), None);
        let first_stop = search.pending.as_ref().map(|p| Arc::clone(&p.stop));
        search.start(&data, searching("shoigu"), None);
        assert!(
            first_stop.is_some_and(|stop| stop.load(Ordering::Relaxed)),
            "typed past: stopped"
        );
        let second_stop = search.pending.as_ref().map(|p| Arc::clone(&p.stop));
        // Another control changed during the search: same terms, the same search.
        let narrowed = EventFilter {
            located_only: true,
            ..searching("Shoigu ")
        };
        search.start(&data, narrowed.clone(), None);
        assert!(second_stop.is_some_and(|stop| !stop.load(Ordering::Relaxed)));
        assert_eq!(wait(&mut search, &data), narrowed);
        assert!(data.search_done("shoigu"));
        assert!(!data.search_done("weapons"));
    }

    #[test]
    fn searches_started_at_once_on_data_without_its_index_all_end() {
        // The first search builds the index on all cores; the second,
        // started at once, waits for it. A search thread waiting for the
        // building took up the second search and waited for itself, for
        // ever: before `Dataset::search_until` built the index on a thread
        // of its own, this test hung in 10 runs of 10, and the test above
        // in 6 of 150.
        let regions = RegionSet::from_layers(Vec::new()).0;
        let records: Vec<String> = (0..2_000)
            .map(|i| {
                format!(
                    r#"{{"id": "e{i}", "title": "weapons kept at range {i}", "description": "Shoigu said drills {}", "date": "2021-04-{:02}", "category": "drill", "lat": 50.6, "lon": 36.6}}"#,
                    i % 7,
                    1 + i % 28,
                )
            })
            .collect();
        let events = crate::data::events::set::set_from_json(
            &regions,
            "many.json",
            &format!("[{}]", records.join(",")),
        );
        for round in 0..100 {
            let regions = RegionSet::from_layers(Vec::new()).0;
            let data = Arc::new(Dataset::new(regions, ContextLayer::default(), events.clone()));
            let mut search = BackgroundSearch::from_events(0);
            search.start(&data, searching("weapons"), None);
            search.start(&data, searching("shoigu"), None);
            assert_eq!(wait(&mut search, &data), searching("shoigu"), "round {round}");
            assert_eq!(data.apply(&searching("shoigu")).indices.len(), 2_000);
        }
    }

    #[test]
    fn a_search_that_panics_ends_without_its_hits_and_the_threads_search_on() {
        // Without the pool's panic handler, rayon ends the process.
        let threads = search_threads().expect("search threads");
        let (sender, receiver) = channel::<Option<Vec<bool>>>();
        threads.spawn(move || {
            let _sender = sender;
            panic!("a search failing on purpose");
        });
        assert!(
            receiver.recv_timeout(std::time::Duration::from_secs(10)).is_err(),
            "its sender dropped, no hits"
        );
        let data = bundled();
        let mut search = BackgroundSearch::from_events(0);
        search.start(&data, searching("weapons"), None);
        assert_eq!(wait(&mut search, &data), searching("weapons"));
    }

    #[test]
    fn a_search_of_replaced_data_is_dropped_and_a_cancelled_one_gives_its_filter() {
        let old = bundled();
        let new = bundled();
        let mut search = BackgroundSearch::from_events(0);
        search.start(&old, searching("weapons"), None);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while search.finished(&new).is_none() && search.pending().is_some() {
            assert!(std::time::Instant::now() < deadline, "no end within 10 s");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(search.pending().is_none());
        assert!(
            !new.search_done("weapons"),
            "the old data's hits are not the new's"
        );
        search.start(&new, searching("drills"), None);
        assert_eq!(search.cancel(), Some(searching("drills")));
        assert_eq!(search.cancel(), None);
    }
}
