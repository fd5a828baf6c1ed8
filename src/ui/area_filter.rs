//! Saving the drawn-area filter as GeoJSON and loading one back (or any
//! polygon layer's first polygon); the filter bar's Area menu asks for it.

use std::path::PathBuf;

use super::app::BorderwatchApp;
use super::intent::PanelIntent;
use crate::data::area_file::{read_area, write_area};
use crate::data::{Diagnostic, LoadError, Location, Problem};
use crate::export::write_atomically;
use crate::query::{EventFilter, area_text};

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
                    ..self.wanted_filter().clone()
                }));
            }
            Err(error) => self.report_failure(vec![error.into()], "loading the area failed"),
        }
    }
}
