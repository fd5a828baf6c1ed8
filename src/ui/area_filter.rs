//! The drawn-area filter in the filter bar: draw a polygon or a circle on
//! the map, change a circle's radius, save the area as GeoJSON, load one
//! back (or any polygon layer's first polygon), remove it.

use std::path::PathBuf;

use egui::Ui;

use super::app::BorderwatchApp;
use super::files::DialogPurpose;
use super::intent::PanelIntent;
use crate::data::area_file::{read_area, write_area};
use crate::data::{Diagnostic, LoadError, Location, Problem};
use crate::export::write_atomically;
use crate::geometry::area::DrawnArea;
use crate::map::ToolKind;
use crate::query::{EventFilter, area_text};

/// The "Area" menu of the filter bar.
pub(super) fn area_menu(ui: &mut Ui, filter: &EventFilter, intent: &mut Option<PanelIntent>) {
    let title = match &filter.area {
        None => "Area filter".to_string(),
        Some(DrawnArea::Polygon(_)) => "Area: polygon".to_string(),
        Some(DrawnArea::Circle { radius_m, .. }) => {
            format!("Area: {} km circle", (radius_m / 100.0).round() / 10.0)
        }
    };
    let set = |area: Option<DrawnArea>| {
        PanelIntent::SetFilter(EventFilter {
            area,
            ..filter.clone()
        })
    };
    let menu = ui.menu_button(title, |ui| {
        if let Some(area) = &filter.area {
            ui.label(format!("Inside the {}", area_text(area)));
            if let DrawnArea::Circle { centre, radius_m } = area {
                let mut km = radius_m / 1000.0;
                let changed = ui
                    .horizontal(|ui| {
                        ui.label("Radius");
                        ui.add(
                            egui::DragValue::new(&mut km)
                                .range(0.1..=2000.0)
                                .speed(0.5)
                                .suffix(" km"),
                        )
                        .changed()
                    })
                    .inner;
                if changed {
                    *intent = Some(set(Some(DrawnArea::Circle {
                        centre: *centre,
                        radius_m: km * 1000.0,
                    })));
                }
            }
            if ui.button("Save as GeoJSON…").clicked() {
                *intent = Some(PanelIntent::OpenDialog(DialogPurpose::SaveArea));
            }
            if ui.button("Remove the area filter").clicked() {
                *intent = Some(set(None));
            }
            ui.separator();
        }
        if ui.button("Draw a polygon on the map").clicked() {
            *intent = Some(PanelIntent::StartTool(ToolKind::Polygon));
        }
        if ui.button("Draw a circle on the map").clicked() {
            *intent = Some(PanelIntent::StartTool(ToolKind::Circle));
        }
        if ui.button("Load an area (GeoJSON)…").clicked() {
            *intent = Some(PanelIntent::OpenDialog(DialogPurpose::LoadArea));
        }
    });
    menu.response.on_hover_text(
        "Only events whose point is inside an area drawn on the map (the Area and Circle buttons on the map) \
         or loaded from a GeoJSON polygon",
    );
}

impl BorderwatchApp {
    /// Writes the area filter in use to `path` as GeoJSON.
    pub(super) fn save_area(&mut self, path: PathBuf) {
        let Some(area) = self.filter.area.clone() else {
            self.notice = Some("there is no area filter to save".into());
            return;
        };
        match write_atomically(&path, |out| write_area(&area, out)) {
            Ok(()) => self.notice = Some(format!("saved the area to {}", path.display())),
            Err(error) => self.report_failure(
                vec![Diagnostic::error(
                    Location::file(path.display().to_string()),
                    format!("cannot write the area: {error}"),
                )],
                "saving the area failed",
            ),
        }
    }

    /// Reads an area from the GeoJSON file at `path` and filters by it; on
    /// failure the filter stays as it was.
    pub(super) fn load_area(&mut self, path: PathBuf) {
        let name = path.display().to_string();
        let loaded = std::fs::read(&path)
            .map_err(|e| LoadError::new(Location::file(name.clone()), Problem::Io(e.to_string())))
            .and_then(|bytes| read_area(&name, &bytes));
        match loaded {
            Ok((area, warnings)) => {
                self.messages.extend(warnings);
                self.notice = Some(format!("filtering by the {} from {name}", area_text(&area)));
                self.apply(PanelIntent::SetFilter(EventFilter {
                    area: Some(area),
                    ..self.filter.clone()
                }));
            }
            Err(error) => self.report_failure(vec![error.into()], "loading the area failed"),
        }
    }
}
