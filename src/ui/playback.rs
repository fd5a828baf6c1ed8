//! Dates and playback: the date range of the filter, the timeline that
//! shows and sets it, and playback moving it on frame by frame.

use std::sync::Arc;

use egui::Ui;

use super::app::BorderwatchApp;
use super::timeline::Timeline;
use crate::query::{EventFilter, Histogram, Playback, PlaybackSettings};

impl BorderwatchApp {
    /// Whether playback is running.
    pub fn is_playing(&self) -> bool {
        self.playback.is_some()
    }

    /// The playback choices.
    pub fn playback_settings(&self) -> &PlaybackSettings {
        &self.playback_settings
    }

    /// The first and last day of all events.
    fn extent(&self) -> Option<(i32, i32)> {
        self.data.columns.day_range()
    }

    /// Starts or stops playback.
    pub fn toggle_play(&mut self) {
        if self.playback.take().is_some() {
            return;
        }
        if let Some(extent) = self.extent() {
            let current = self.filter.from_day.zip(self.filter.to_day);
            let playback = Playback::start(&self.playback_settings, extent, current);
            self.set_dates(Some(playback.range(&self.playback_settings, extent)));
            self.playback = Some(playback);
        }
    }

    /// Moves playback on by `seconds`; the date range follows.
    pub fn step_playback(&mut self, seconds: f64) {
        let (Some(mut playback), Some(extent)) = (self.playback, self.extent()) else {
            return;
        };
        let running = playback.advance(&self.playback_settings, extent, seconds);
        self.playback = running.then_some(playback);
        self.set_dates(Some(playback.range(&self.playback_settings, extent)));
    }

    /// Shows only these days (inclusive), or all dates.
    pub fn set_dates(&mut self, range: Option<(i32, i32)>) {
        let (from_day, to_day) = match range {
            Some((from, to)) => (Some(from.min(to)), Some(from.max(to))),
            None => (None, None),
        };
        self.set_filter(EventFilter {
            from_day,
            to_day,
            ..self.wanted_filter().clone()
        });
    }

    /// The histogram of the events passing every filter but the dates.
    pub fn histogram(&mut self) -> Option<&Histogram> {
        let extent = self.extent()?;
        let key = self.filter.without_dates();
        if self.undated.as_ref().is_none_or(|(k, _, _)| *k != key) {
            // With no dates chosen, they are the events shown: not filtered
            // a second time.
            let undated = if key == self.filter {
                Arc::clone(&self.filtered)
            } else {
                Arc::new(self.data.apply(&key))
            };
            let histogram = Histogram::new(&self.data.columns, &undated.indices, extent);
            self.undated = Some((key, undated, histogram));
        }
        self.undated.as_ref().map(|(_, _, h)| h)
    }

    /// The timeline under the map, and what it asked for.
    pub(super) fn timeline(&mut self, ui: &mut Ui) {
        let range = self.filter.from_day.zip(self.filter.to_day);
        let playing = self.is_playing();
        let settings = self.playback_settings;
        let Some(histogram) = self.histogram() else {
            return;
        };
        let intent = Timeline {
            histogram,
            range,
            playing,
            settings: &settings,
        }
        .show(ui);
        if let Some(intent) = intent {
            self.apply(intent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ContextLayer, EventSet, RegionSet};
    use crate::dataset::Dataset;
    use crate::query::timeline::Bin;

    #[test]
    fn the_timeline_counts_the_events_passing_every_filter_but_the_dates() {
        let regions = RegionSet::bundled().expect("regions");
        let events = EventSet::bundled(&regions).expect("sample");
        let context = ContextLayer::bundled().expect("context");
        let mut app = BorderwatchApp::with_dataset(Dataset::new(regions, context, events));
        let counted = |app: &mut BorderwatchApp| {
            let histogram = app.histogram().expect("a timeline");
            histogram.bins.iter().map(Bin::weight).sum::<f32>().round() as usize
        };
        let all = app.filtered().len();
        assert_eq!(counted(&mut app), all);
        // With no dates chosen they are the events shown, not filtered again.
        app.set_filter(EventFilter {
            located_only: true,
            ..EventFilter::default()
        });
        let located = app.filtered().len();
        assert!(located < all, "the sample has events not located to a town");
        assert_eq!(counted(&mut app), located);
        let shared = app
            .undated
            .as_ref()
            .is_some_and(|(_, undated, _)| Arc::ptr_eq(undated, &app.filtered));
        assert!(shared, "the shown events are counted as they are");
        // With dates, the timeline still counts the events outside them.
        let (first, _) = app.data.columns.day_range().expect("dated events");
        app.set_dates(Some((first, first)));
        assert!(app.filtered().len() < located);
        assert_eq!(counted(&mut app), located);
    }
}
