//! What is selected: the side panel's focus (a region, the outside group, a
//! spot on the map) and the selected event, with the events of the focus
//! kept for the filter they were listed under. Each change is logged once as
//! `selected region: <id>` / `selected event: <id>` (or `none`); the
//! end-to-end script reads these lines, so their wording stays as it is.

use geo::Coord;

use super::focus::Focus;
use crate::data::Region;
use crate::dataset::Dataset;
use crate::query::FilteredEvents;

/// The selection, owned by the app and read by the map and the panels.
#[derive(Default)]
pub(super) struct Selection {
    focus: Focus,
    event: Option<usize>,
    /// An event the list should scroll to on the next frame.
    reveal: Option<usize>,
    /// The events of the focus, for the generation they were made for.
    items: Option<(u64, Focus, Vec<u32>)>,
}

impl Selection {
    /// What the side panel is about.
    pub(super) fn focus(&self) -> &Focus {
        &self.focus
    }

    /// The selected event, by index in the event set.
    pub(super) fn event(&self) -> Option<usize> {
        self.event
    }

    /// The selected region, by index.
    pub(super) fn region_index(&self) -> Option<usize> {
        match self.focus {
            Focus::Region(index) => Some(index),
            _ => None,
        }
    }

    /// The selected region of `data`.
    pub(super) fn region<'d>(&self, data: &'d Dataset) -> Option<&'d Region> {
        self.region_index().and_then(|i| data.regions.get(i))
    }

    /// The event the list should scroll to, once.
    pub(super) fn take_reveal(&mut self) -> Option<usize> {
        self.reveal.take()
    }

    /// Sets what is selected, logging each change of region and of event once.
    pub(super) fn set(&mut self, data: &Dataset, focus: Focus, event: Option<usize>) {
        let region_before = self.region_index();
        let event_before = self.event;
        self.focus = focus;
        self.event = event;
        let region_after = self.region_index();
        if region_after != region_before {
            match self.region(data) {
                Some(region) => log::info!("selected region: {}", region.id),
                None => log::info!("selected region: none"),
            }
        }
        if event != event_before {
            match event.and_then(|i| data.events.get(i)) {
                Some(event) => log::info!("selected event: {}", event.id()),
                None => log::info!("selected event: none"),
            }
        }
    }

    /// Nothing selected.
    pub(super) fn clear(&mut self, data: &Dataset) {
        self.set(data, Focus::Nothing, None);
    }

    /// Closes the event's details, keeping the focus.
    pub(super) fn close_event(&mut self, data: &Dataset) {
        self.set(data, self.focus.clone(), None);
    }

    /// Closes the event's details if the filter now hides the event.
    pub(super) fn drop_hidden_event(&mut self, data: &Dataset, filtered: &FilteredEvents) {
        if let Some(event) = self.event
            && !filtered.is_shown(event)
        {
            self.close_event(data);
        }
    }

    /// Selects a region (or none), keeping the event if it is in it.
    pub(super) fn select_region(&mut self, data: &Dataset, index: Option<usize>) {
        let index = index.filter(|&i| i < data.regions.regions().len());
        let focus = index.map_or(Focus::Nothing, Focus::Region);
        let keep_event = self
            .event
            .filter(|&e| index.is_some() && data.columns.region(e) == index.map(|i| i as u32));
        self.set(data, focus, keep_event);
    }

    /// Selects an event and lists its group (region or outside, or the spot
    /// it is listed in); the list scrolls to it. Where the map draws it, for
    /// the map to centre on; `None` for no such event or a notional one.
    pub(super) fn select_event(&mut self, data: &Dataset, index: usize) -> Option<Coord<f64>> {
        let event = data.events.get(index)?;
        let position = data.map_position(index);
        let in_spot = matches!(&self.focus, Focus::Spot(members) | Focus::Hexagon(members) if members.contains(&(index as u32)));
        // A statement about the focused region stays listed with it.
        let about_focus =
            matches!(&self.focus, Focus::Region(region) if event.about() == Some(*region as u32));
        let focus = if in_spot || about_focus {
            self.focus.clone()
        } else {
            match data.columns.region(index) {
                Some(region) => Focus::Region(region as usize),
                None if data.columns.is_notional(index) => Focus::Notional,
                None => Focus::Outside,
            }
        };
        self.set(data, focus, Some(index));
        self.reveal = Some(index);
        position
    }

    /// The events of the focus that `filtered` shows, newest first; listed
    /// again only when the focus or the `generation` of `filtered` changed.
    pub(super) fn items(&mut self, data: &Dataset, filtered: &FilteredEvents, generation: u64) -> &[u32] {
        let fresh = matches!(&self.items, Some((made_for, focus, _)) if *made_for == generation && *focus == self.focus);
        if !fresh {
            let mut items = self.focus.own_events(data, filtered).unwrap_or_default();
            // A region's events, then the notional ones about it.
            if let Focus::Region(index) = self.focus {
                items.extend(
                    filtered
                        .notional_events(&data.columns)
                        .filter(|&i| data.events.get(i).and_then(|e| e.about()) == Some(index as u32))
                        .map(|i| i as u32),
                );
            }
            self.items = Some((generation, self.focus.clone(), items));
        }
        self.items.as_ref().map_or(&[], |(_, _, items)| items)
    }

    /// Keeps the selected region and event across new data (`before` →
    /// `after`, filtered as `filtered`) where they still exist, by id.
    pub(super) fn carry_over(&mut self, before: &Dataset, after: &Dataset, filtered: &FilteredEvents) {
        let region_id = self.region(before).map(|r| r.id.clone());
        let event_id = self
            .event
            .and_then(|i| before.events.get(i))
            .map(|e| e.id().to_string());
        self.items = None;
        self.reveal = None;
        let focus = match &self.focus {
            Focus::Region(_) => region_id
                .as_ref()
                .and_then(|id| after.regions.index_of(id.as_str()))
                .map_or(Focus::Nothing, Focus::Region),
            Focus::Spot(_) | Focus::Hexagon(_) => Focus::Nothing,
            other => other.clone(),
        };
        let event = event_id
            .as_ref()
            .and_then(|id| after.events.index_of(id))
            .filter(|&i| filtered.is_shown(i));
        // The same region and event under new indexes are no change; one
        // that is gone is logged as a change.
        self.focus = focus;
        self.event = event;
        if region_id.is_some() && self.region(after).is_none() {
            log::info!("selected region: none");
        }
        if event_id.is_some() && event.is_none() {
            log::info!("selected event: none");
        }
    }
}
