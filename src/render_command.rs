//! `borderwatch render` and `borderwatch report`: the playback as an
//! animated GIF or numbered PNGs, and the one-page snapshot report, made
//! without a window from files loaded as the app loads them.

use std::path::PathBuf;

use egui::Vec2;

use crate::data::Diagnostic;
use crate::load::{OnError, Sources, load_sources};
use crate::map::MapLayers;
use crate::query::EventFilter;
use crate::render::PlaybackOutput;
use crate::render::RenderError;
use crate::ui::pictures::{FramePlan, Scene, write_playback, write_report};

/// What to load and how to draw it.
#[derive(Debug, Clone)]
pub struct PictureOptions {
    /// `--regions` files or folders; empty for the bundled five.
    pub regions: Vec<PathBuf>,
    /// Event files to read.
    pub events: Vec<PathBuf>,
    /// What the event files' fields are.
    pub mapping: crate::data::events::read::ColumnMapping,
    /// Which events to show (a playback's frames replace its dates).
    pub filter: EventFilter,
    /// Image size, in pixels.
    pub size: Vec2,
    /// Dark theme.
    pub dark: bool,
}

/// How a playback moves: days between frames and shown per frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaybackSpec {
    /// Days between frames.
    pub step_days: i32,
    /// Days each frame shows (`None`: the step).
    pub window_days: Option<i32>,
    /// Every frame shows everything from the first day on.
    pub cumulative: bool,
    /// How long each frame shows in a GIF, in milliseconds.
    pub frame_ms: u32,
}

/// What a render or report did.
#[derive(Debug)]
pub struct PictureReport {
    /// Frames (or pages) written.
    pub written: usize,
    /// Events loaded.
    pub loaded: usize,
    /// Every warning and error from loading.
    pub messages: Vec<Diagnostic>,
    /// Files that could not be loaded.
    pub failed_files: usize,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// No events loaded, so no dates to play through.
    #[error("no events loaded: nothing to draw")]
    NoEvents(Vec<Diagnostic>),
    /// The images could not be made or written.
    #[error("{0}")]
    Render(#[from] RenderError),
}

/// Loads the files and writes the playback from the filter's first day (or
/// the first event's) to its last day (or the last event's).
pub fn run_render(
    options: &PictureOptions,
    spec: &PlaybackSpec,
    output: &PlaybackOutput,
) -> Result<PictureReport, PictureError> {
    with_scene(options, |scene| {
        let Some((first, last)) = scene.data.columns.day_range() else {
            return Ok(0);
        };
        let plan = FramePlan {
            from: options.filter.from_day.unwrap_or(first),
            to: options.filter.to_day.unwrap_or(last),
            step_days: spec.step_days,
            window_days: spec.window_days.unwrap_or(spec.step_days),
            cumulative: spec.cumulative,
        };
        write_playback(scene, &plan, options.size, spec.frame_ms, output, |_, _| true)
    })
}

/// Loads the files and writes the snapshot report to `path`.
pub fn run_report(options: &PictureOptions, path: &std::path::Path) -> Result<PictureReport, PictureError> {
    with_scene(options, |scene| {
        write_report(scene, options.size, path).map(|()| 1)
    })
}

/// Loads what `options` name and draws with it.
fn with_scene(
    options: &PictureOptions,
    draw: impl FnOnce(&Scene<'_>) -> Result<usize, RenderError>,
) -> Result<PictureReport, PictureError> {
    let sources = Sources::new(&options.regions, &options.events).with_mapping(options.mapping.clone());
    let loaded = load_sources(&sources, OnError::Skip, None)
        .map_err(|aborted| PictureError::NoEvents(aborted.messages))?;
    if loaded.dataset.events.is_empty() {
        return Err(PictureError::NoEvents(loaded.messages));
    }
    let layers = MapLayers::new(&loaded.dataset.regions, &loaded.dataset.context);
    let scene = Scene {
        data: &loaded.dataset,
        layers: &layers,
        filter: &options.filter,
        view: None,
        dark: options.dark,
    };
    let written = draw(&scene)?;
    Ok(PictureReport {
        written,
        loaded: loaded.dataset.events.len(),
        messages: loaded.messages,
        failed_files: loaded.failed,
    })
}
