//! The build-up chart's place in the app: the events it counts for what
//! the side panel is about, counted again only when the filter (without
//! its dates) or the focus changes.

use egui::Ui;

use super::app::BorderwatchApp;
use super::buildup_chart::buildup_chart;
use super::focus::Focus;
use crate::query::FilteredEvents;
use crate::query::buildup::BuildUp;

impl BorderwatchApp {
    /// The weeks the build-up chart shows.
    pub fn buildup(&self) -> &BuildUp {
        &self.buildup.buildup
    }

    /// The build-up chart as a bottom panel of the side panel's `ui`.
    pub(super) fn buildup_panel(&mut self, ui: &mut Ui) {
        if self.data.events.is_empty() || self.histogram().is_none() {
            return;
        }
        let focus = self.selection.focus().clone();
        let Some((key, undated, _)) = &self.undated else {
            return;
        };
        let data = std::sync::Arc::as_ptr(&self.data) as usize;
        if self.buildup.key.as_ref() != Some(&(data, key.clone(), focus.clone())) {
            let indices = focus_indices(&self.data, undated, &focus);
            self.buildup.buildup = BuildUp::new(&self.data.columns, &indices);
            self.buildup.key = Some((data, key.clone(), focus.clone()));
        }
        let title = match &focus {
            Focus::Region(index) => self
                .data
                .regions
                .get(*index)
                .map_or("the region".into(), |r| r.name.clone()),
            Focus::Outside => "outside the tracked regions".into(),
            Focus::Notional => "notional events".into(),
            Focus::Spot(_) | Focus::Hexagon(_) => "the events listed".into(),
            Focus::Nothing => "all shown events".into(),
        };
        let range = self.filter.from_day.zip(self.filter.to_day);
        let mut intent = None;
        egui::Panel::bottom("buildup").resizable(false).show(ui, |ui| {
            egui::CollapsingHeader::new(format!("Build-up per week: {title}"))
                .id_salt("buildup")
                .default_open(true)
                .show(ui, |ui| {
                    intent = buildup_chart(ui, &self.buildup.buildup, &self.data.events, range);
                });
        });
        self.apply_some(intent);
    }
}

/// The events the chart counts for `focus`: of those passing every filter
/// but the dates (`undated`), the focus's own.
fn focus_indices(data: &crate::dataset::Dataset, undated: &FilteredEvents, focus: &Focus) -> Vec<u32> {
    let columns = &data.columns;
    let indices: Vec<usize> = match focus {
        Focus::Region(index) => undated.in_region(columns, Some(*index as u32)).collect(),
        Focus::Outside => undated.in_region(columns, None).collect(),
        Focus::Notional => undated.notional_events(columns).collect(),
        Focus::Spot(members) | Focus::Hexagon(members) => members
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| undated.is_shown(i))
            .collect(),
        Focus::Nothing => return undated.indices.clone(),
    };
    indices.into_iter().map(|i| i as u32).collect()
}
