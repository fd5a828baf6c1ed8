//! What survives a restart: the view, the filter, the layers shown, the
//! choropleth, the theme, the playback choices and the files opened lately. Saved as JSON through
//! eframe's storage; a saved session that cannot be read is ignored with a
//! warning.

use crate::data::{Diagnostic, Location};
use crate::map::{LayerVisibility, MapView};
use crate::query::{EventFilter, PlaybackSettings};

/// The storage key of the session.
pub const SESSION_KEY: &str = "borderwatch.session";

/// The colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// As egui names it.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// The persisted state.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Session {
    /// Where the map looks (none: fit the regions).
    pub view: Option<MapView>,
    /// What is shown.
    pub filter: EventFilter,
    /// Which layers are drawn.
    pub layers: LayerVisibility,
    /// Regions coloured by their number of events.
    pub choropleth: bool,
    /// Light, dark or the system's.
    pub theme: Theme,
    /// How playback moves.
    pub playback: PlaybackSettings,
    /// Files opened lately, newest first (File > Open recent).
    pub recent: Vec<std::path::PathBuf>,
    /// Where raster tiles come from: a template URL or a package's path;
    /// empty for OpenStreetMap.
    pub tile_source: String,
}

impl Session {
    /// Reads the saved session: `Ok(None)` when there is none, `Err` with a
    /// warning when it cannot be read.
    pub fn load(storage: &dyn eframe::Storage) -> Result<Option<Self>, Diagnostic> {
        let Some(text) = storage.get_string(SESSION_KEY) else {
            return Ok(None);
        };
        Self::from_json(&text).map(Some)
    }

    /// Reads a session from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, Diagnostic> {
        serde_json::from_str(text).map_err(|error| {
            Diagnostic::warning(
                Location::file("saved session").at(error.line().max(1), error.column().max(1)),
                format!(
                    "the saved session could not be read ({}); starting with the defaults",
                    crate::data::json::json_message(&error)
                ),
            )
        })
    }

    /// Writes the session.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(self) {
            storage.set_string(SESSION_KEY, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::Storage;
    use std::collections::HashMap;

    #[derive(Default)]
    struct MemoryStorage(HashMap<String, String>);

    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_string(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn a_session_round_trips_through_storage() {
        let mut storage = MemoryStorage::default();
        assert_eq!(Session::load(&storage), Ok(None));
        let mut session = Session {
            view: Some(MapView {
                center: crate::map::WorldPoint::new(0.6, 0.34),
                zoom: 7.5,
            }),
            choropleth: true,
            theme: Theme::Light,
            ..Session::default()
        };
        session.filter.text = "shoigu".into();
        session.filter.from_day = Some(18_000);
        session.layers.toggle_layer("crimea");
        session.playback.looping = false;
        session.tile_source = "/maps/kharkiv.pmtiles".into();
        session.layers.towns = false;
        session.save(&mut storage);
        assert_eq!(Session::load(&storage), Ok(Some(session)));
    }

    #[test]
    fn a_corrupt_session_is_a_warning_and_missing_fields_take_defaults() {
        let mut storage = MemoryStorage::default();
        storage.set_string(SESSION_KEY, "{\"view\": {\"center\": tru".into());
        let warning = Session::load(&storage).expect_err("corrupt");
        assert_eq!(warning.severity, crate::data::Severity::Warning);
        assert!(warning.to_string().contains("saved session"), "{warning}");
        let partial = Session::from_json("{\"choropleth\": true, \"future_field\": 1}").expect("tolerant");
        assert!(partial.choropleth);
        assert_eq!(partial.filter, EventFilter::default());
        assert!(Session::from_json("[1, 2]").is_err());
    }
}
