//! The build-up chart's place in the app: the events it counts for what
//! the side panel is about, counted again only when the filter (without
//! its dates) or the focus changes.

use egui::Ui;

use super::app::BorderwatchApp;
use super::buildup_chart::buildup_chart;
use super::focus::Focus;
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
            // The focus's own events, or all of them with nothing focused.
            let own = focus.own_events(&self.data, undated);
            let indices = own.as_deref().unwrap_or(&undated.indices);
            self.buildup.buildup = BuildUp::new(&self.data.columns, indices);
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
