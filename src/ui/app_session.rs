//! The app's side of sessions: what it saves, how it restores a saved
//! session, and going back to the defaults.

use super::app::BorderwatchApp;
use super::session::{Session, Theme};

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
            filter: self.filter.clone(),
            layers: self.layers_shown.clone(),
            choropleth: self.choropleth,
            theme: self.theme,
            playback: self.playback_settings,
            recent: self.loader.recent().to_vec(),
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
