//! The app's filter: the one applied, and the one waiting for its search
//! (`searching.rs`) when the events are many.

use std::sync::Arc;

use super::app::BorderwatchApp;
use super::searching::BackgroundSearch;
use crate::query::{EventFilter, FilteredEvents};

impl BorderwatchApp {
    /// The events the filter shows.
    pub fn filtered(&self) -> &FilteredEvents {
        &self.filtered
    }

    /// The filter applied (see [`Self::wanted_filter`]).
    pub fn filter(&self) -> &EventFilter {
        &self.filter
    }

    /// The filter the user last asked for: the one applied, or the one
    /// waiting for its search. Controls change this one.
    pub fn wanted_filter(&self) -> &EventFilter {
        self.search.pending().unwrap_or(&self.filter)
    }

    /// Whether a filter waits for its search.
    pub fn searching(&self) -> bool {
        self.search.pending().is_some()
    }

    /// Searches events on a thread of their own from this many events on
    /// (50 000 unless changed; tests set 0 to take that path with a few).
    pub fn search_in_background_from(&mut self, events: usize) {
        self.search.cancel();
        self.search = BackgroundSearch::from_events(events);
    }

    /// Changes the filter; the map, lists and counts follow, at once or,
    /// when it needs a search of many events, once the search (on a thread
    /// of its own) is done.
    pub fn set_filter(&mut self, filter: EventFilter) {
        if self.search.needed(&self.data, &filter) {
            self.search.start(&self.data, filter, self.ctx.clone());
        } else {
            self.search.cancel();
            self.apply_filter(filter);
        }
    }

    /// Applies the filter that waited for its search once the hits are
    /// in (each frame does; the search wakes the window when it is done).
    /// Whether a filter still waits.
    pub fn poll_search(&mut self) -> bool {
        if let Some(filter) = self.search.finished(&self.data) {
            self.apply_filter(filter);
        }
        self.searching()
    }

    /// Applies `filter` now (its search, if any, done or made here).
    fn apply_filter(&mut self, filter: EventFilter) {
        if filter == self.filter {
            return;
        }
        self.filter = filter;
        self.filtered = Arc::new(self.data.apply(&self.filter));
        self.generation += 1;
        self.selection.drop_hidden_event(&self.data, &self.filtered);
    }
}
