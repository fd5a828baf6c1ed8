//! Everything loaded, with the indexes built from it once: regions, context,
//! events, the columns filtering reads, the spatial index of events and
//! (built on first use) the free-text index. Immutable: loading new files
//! makes a new `Dataset`.

use std::sync::OnceLock;

use crate::data::{ContextLayer, EventSet, RegionSet};
use crate::query::{CompiledFilter, EventColumns, EventFilter, FilteredEvents, SearchIndex};
use crate::spatial::EventIndex;

/// The loaded data and its indexes.
pub struct Dataset {
    /// Tracked regions.
    pub regions: RegionSet,
    /// The muted map underneath.
    pub context: ContextLayer,
    /// Events, newest first.
    pub events: EventSet,
    /// Per-event numbers for filtering.
    pub columns: EventColumns,
    /// Events by position.
    pub index: EventIndex,
    /// Events per category id, unfiltered.
    pub category_totals: Vec<usize>,
    search: OnceLock<SearchIndex>,
}

impl Dataset {
    /// Builds the indexes of `events` (already placed in `regions`).
    pub fn new(regions: RegionSet, context: ContextLayer, events: EventSet) -> Self {
        let columns = EventColumns::new(&events);
        let index = EventIndex::new(&events);
        let mut category_totals = vec![0; events.categories().len()];
        for event in events.events() {
            if let Some(total) = category_totals.get_mut(usize::from(event.category.0)) {
                *total += 1;
            }
        }
        Self {
            regions,
            context,
            events,
            columns,
            index,
            category_totals,
            search: OnceLock::new(),
        }
    }

    /// The free-text index, built the first time it is asked for.
    pub fn search_index(&self) -> &SearchIndex {
        self.search.get_or_init(|| SearchIndex::new(&self.events))
    }

    /// The filter compiled against this data.
    pub fn compile(&self, filter: &EventFilter) -> CompiledFilter {
        filter.compile(self.events.categories(), &self.regions)
    }

    /// The events that pass `filter`, with their counts.
    pub fn apply(&self, filter: &EventFilter) -> FilteredEvents {
        let compiled = self.compile(filter);
        let hits = compiled
            .has_text()
            .then(|| self.search_index().search(&filter.text));
        FilteredEvents::compute(
            &self.columns,
            &compiled,
            hits.as_deref(),
            self.regions.regions().len(),
            self.events.categories().len(),
        )
    }
}
