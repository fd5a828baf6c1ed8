//! The app's side of sessions: what it saves, how it restores a saved
//! session, and going back to the defaults.

use super::app::BorderwatchApp;
use super::intent::PanelIntent;
use super::session::{Session, Theme};
use super::startup_options::StartupOptions;
use crate::data::places::Gazetteer;
use crate::data::{Diagnostic, Location};

/// The app's side of sessions: saving, restoring and resetting.
impl BorderwatchApp {
    /// Restores the saved session (view, filter, layers, choropleth, theme,
    /// playback); a session that cannot be read is ignored with a warning.
    pub fn restore(&mut self, storage: &dyn eframe::Storage) {
        match Session::load(storage) {
            Ok(Some(session)) => self.apply_session(session),
            Ok(None) => {}
            Err(warning) => {
                log::warn!("{warning}");
                self.messages.push(warning);
            }
        }
    }

    /// The state worth keeping across restarts.
    pub fn session(&self) -> Session {
        Session {
            view: self.map.view(),
            filter: self.wanted_filter().clone(),
            layers: self.layers_shown.clone(),
            choropleth: self.choropleth,
            theme: self.theme,
            playback: self.playback_settings,
            recent: self.loader.recent().to_vec(),
            tile_source: self.basemap.source().to_string(),
        }
    }

    /// Puts a session in place: everything it holds, at once.
    pub fn apply_session(&mut self, session: Session) {
        match session.view {
            Some(view) => self.map.set_view(view),
            None => self.map.request_fit(),
        }
        self.set_filter(session.filter);
        self.layers_shown = session.layers;
        self.choropleth = session.choropleth;
        self.set_theme(session.theme);
        self.playback_settings = session.playback;
        self.playback = None;
        self.loader.set_recent(session.recent);
        if let Err(error) = self.basemap.set_source(&session.tile_source) {
            // A package moved away since: OpenStreetMap until another is chosen.
            self.notice = Some(format!("The saved tile source is not used: {error}"));
        }
    }

    /// What the command line asks to show, over the saved session: `--tiles`
    /// (a source, switching tiles on) and `--place` (fly to the town).
    pub fn show_startup_choices(&mut self, options: &StartupOptions) {
        if let Some(source) = &options.tiles {
            match self.basemap.set_source(source) {
                Ok(()) => self.layers_shown.tiles = true,
                Err(error) => self.messages.push(Diagnostic::error(
                    Location::file(source.as_str()),
                    format!("--tiles: {error}"),
                )),
            }
        }
        if let Some(name) = &options.place {
            match Gazetteer::bundled().search(name, 1).first() {
                Some(found) => self.apply(PanelIntent::FlyToPlace(found.index)),
                None => self.messages.push(Diagnostic::error(
                    Location::file("--place"),
                    format!("no town or village named \"{name}\" in the gazetteer"),
                )),
            }
        }
        self.show_messages |= !self.messages.is_empty();
    }

    /// Back to the defaults: the regions fitted, no filter, every layer,
    /// no choropleth, the system's theme, default playback.
    pub fn reset(&mut self) {
        let recent = self.loader.recent().to_vec();
        self.apply_session(Session {
            recent,
            ..Session::default()
        });
        self.clear_selection();
    }

    /// Uses this colour theme from the next frame.
    pub(super) fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
        self.theme_pending = true;
    }
}
