//! Pictures of the map made without a window: the frames of a playback
//! (for an animated GIF or numbered PNGs) and a one-page snapshot report.
//! Each is an egui frame laid out as the app lays out the map — the still
//! map, the legend, the scale bar, the credits — rasterized in software by
//! [`crate::render`], so the window, the command line and CI (no display,
//! no GPU) make the same images.

use std::io;
use std::path::Path;

use egui::{Align2, Color32, FontId, RichText, Ui, Vec2, vec2};

use super::legend::{Legend, legend};
use crate::dataset::Dataset;
use crate::export::write_atomically;
use crate::map::{EventLayer, LayerVisibility, MapLayers, MapMemory, MapStyle, MapView, MapWidget};
use crate::query::{EventFilter, FilteredEvents, day_text};
use crate::render::{GifWriter, PlaybackOutput, RenderError, Renderer, write_png};

/// Which days each frame of a playback shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramePlan {
    /// The first frame's first day (days since 1970-01-01).
    pub from: i32,
    /// The last day shown.
    pub to: i32,
    /// Days the playback moves on between frames (at least 1).
    pub step_days: i32,
    /// Days each frame shows, ending at its last day (ignored when
    /// `cumulative`).
    pub window_days: i32,
    /// Each frame shows everything from `from` to its last day.
    pub cumulative: bool,
}

impl FramePlan {
    /// Each frame's days (first, last; inclusive), in order: the frames end
    /// `step_days` apart, the first after its first step, the last on `to`.
    pub fn ranges(&self) -> Vec<(i32, i32)> {
        let step = self.step_days.max(1);
        let window = self.window_days.max(1);
        let mut ranges = Vec::new();
        let mut end = self.from + step - 1;
        loop {
            let last = end.min(self.to);
            let first = if self.cumulative {
                self.from
            } else {
                (last - window + 1).max(self.from)
            };
            ranges.push((first, last));
            if last >= self.to {
                return ranges;
            }
            end += step;
        }
    }
}

/// What a picture shows: the data, its meshes, the filter the user chose
/// (a frame's days replace its dates), the view (`None`: the tracked
/// regions fitted), and the theme.
pub struct Scene<'a> {
    /// The loaded data.
    pub data: &'a Dataset,
    /// Its meshes.
    pub layers: &'a MapLayers,
    /// The filter.
    pub filter: &'a EventFilter,
    /// The view, or `None` to fit the tracked regions.
    pub view: Option<MapView>,
    /// Dark theme.
    pub dark: bool,
}

/// Renders each frame of `plan` at `size` (points; one pixel each) and
/// hands it to `each` with its number and the count of frames; `each`
/// returns `false` to stop (a Cancel). Returns the frames made.
pub fn render_playback(
    scene: &Scene<'_>,
    plan: &FramePlan,
    size: Vec2,
    mut each: impl FnMut(usize, usize, egui::ColorImage) -> Result<bool, RenderError>,
) -> Result<usize, RenderError> {
    let ranges = plan.ranges();
    let mut renderer = Renderer::new(size, 1.0);
    let mut memory = start_memory(scene.view);
    for (n, &(first, last)) in ranges.iter().enumerate() {
        let filter = EventFilter {
            from_day: Some(first),
            to_day: Some(last),
            ..scene.filter.clone()
        };
        let filtered = scene.data.apply(&filter);
        let caption = frame_caption(first, last, filtered.len(), filtered.notional);
        let image = renderer.frame(|ui| {
            prepare(ui.ctx(), scene.dark);
            egui::CentralPanel::no_frame().show(ui, |ui| {
                map_with_legend(
                    ui,
                    scene,
                    &filter,
                    &filtered,
                    &mut memory,
                    n as u64 + 1,
                    Some(&caption),
                )
            });
        });
        if !each(n, ranges.len(), image)? {
            return Ok(n + 1);
        }
    }
    Ok(ranges.len())
}

/// Sizes offered for exported frames, in pixels.
pub const SIZES: [(u32, u32); 4] = [(640, 400), (960, 600), (1280, 800), (1920, 1080)];

/// The choices of the Export playback window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaybackExport {
    /// Frame size in pixels.
    pub size: (u32, u32),
    /// Days between frames.
    pub step_days: i32,
    /// How long each frame shows in the GIF, in milliseconds.
    pub frame_ms: u32,
}

impl Default for PlaybackExport {
    fn default() -> Self {
        Self {
            size: (960, 600),
            step_days: 7,
            frame_ms: 500,
        }
    }
}

/// Renders the playback and writes it; `frame_ms` is how long each frame
/// shows in a GIF. `progress` hears of each frame written (done, total)
/// and returns `false` to stop: a stopped GIF is not written at all, a PNG
/// sequence keeps the frames written. Returns the frames written.
pub fn write_playback(
    scene: &Scene<'_>,
    plan: &FramePlan,
    size: Vec2,
    frame_ms: u32,
    output: &PlaybackOutput,
    mut progress: impl FnMut(usize, usize) -> bool,
) -> Result<usize, RenderError> {
    let [width, height] = [size.x.round() as usize, size.y.round() as usize];
    match output {
        PlaybackOutput::Gif(path) => {
            let delay = u16::try_from(frame_ms.div_ceil(10)).unwrap_or(u16::MAX);
            let written = write_atomically(path, |out| {
                let mut gif = GifWriter::new(out, width, height, delay).map_err(io::Error::other)?;
                let frames = render_playback(scene, plan, size, |n, total, image| {
                    gif.push(&image)?;
                    Ok(progress(n + 1, total))
                })
                .map_err(io::Error::other)?;
                if frames < plan.ranges().len() {
                    return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
                }
                gif.finish().map_err(io::Error::other)?;
                Ok(frames)
            })?;
            Ok(written)
        }
        PlaybackOutput::Pngs(folder) => {
            std::fs::create_dir_all(folder)?;
            render_playback(scene, plan, size, |n, total, image| {
                let path = folder.join(format!("frame-{:04}.png", n + 1));
                write_atomically(&path, |out| write_png(&image, out).map_err(io::Error::other))?;
                Ok(progress(n + 1, total))
            })
        }
    }
}

/// Renders the snapshot report and writes it to `path` as a PNG.
pub fn write_report(scene: &Scene<'_>, size: Vec2, path: &Path) -> Result<(), RenderError> {
    let image = render_report(scene, size);
    write_atomically(path, |out| write_png(&image, out).map_err(io::Error::other))?;
    Ok(())
}

/// A one-page snapshot report at `size`: the map with its legend on the
/// left; on the right the filter in words, how many events it shows, the
/// counts per region and per category, and the data's credits.
pub fn render_report(scene: &Scene<'_>, size: Vec2) -> egui::ColorImage {
    let filtered = scene.data.apply(scene.filter);
    let mut renderer = Renderer::new(size, 1.0);
    let mut memory = start_memory(scene.view);
    renderer.frame(|ui| {
        prepare(ui.ctx(), scene.dark);
        egui::Panel::right("report-text")
            .exact_size(320.0)
            .show(ui, |ui| report_text(ui, scene, &filtered));
        egui::CentralPanel::no_frame().show(ui, |ui| {
            map_with_legend(ui, scene, scene.filter, &filtered, &mut memory, 1, None)
        });
    })
}

/// The view to start from: the one given, or the tracked regions fitted.
fn start_memory(view: Option<MapView>) -> MapMemory {
    let mut memory = MapMemory::default();
    match view {
        Some(view) => memory.set_view(view),
        None => memory.request_fit(),
    }
    memory
}

/// The theme, and no animations: a picture is one frame, and a legend
/// still fading in would be caught half drawn.
fn prepare(ctx: &egui::Context, dark: bool) {
    ctx.set_visuals(if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    });
    ctx.all_styles_mut(|style| style.animation_time = 0.0);
}

/// A frame's days and count in words: `2021-04-12 – 2021-04-18 · 35
/// events`, with how many of them are notional (listed, not drawn):
/// `· 7 events (2 not placed)`.
pub fn frame_caption(first: i32, last: i32, count: usize, notional: usize) -> String {
    let days = if first == last {
        day_text(first)
    } else {
        format!("{} – {}", day_text(first), day_text(last))
    };
    let unplaced = if notional > 0 {
        format!(" ({notional} not placed)")
    } else {
        String::new()
    };
    format!(
        "{days} · {count} event{}{unplaced}",
        if count == 1 { "" } else { "s" }
    )
}

/// The still map filling `ui`, its legend, and a caption at the top.
fn map_with_legend(
    ui: &mut Ui,
    scene: &Scene<'_>,
    filter: &EventFilter,
    filtered: &FilteredEvents,
    memory: &mut MapMemory,
    generation: u64,
    caption: Option<&str>,
) {
    let style = MapStyle::for_dark_mode(scene.dark);
    let visibility = LayerVisibility::default();
    let layer = EventLayer {
        events: &scene.data.events,
        index: &scene.data.index,
        shown: filtered.on_map(false),
        generation,
        selected: None,
        spot: None,
    };
    let map = MapWidget::new(&scene.data.regions, &scene.data.context, scene.layers, &style)
        .still()
        .visibility(&visibility)
        .events(layer)
        .border_band(filter.near_border_m)
        .area(filter.area.as_ref())
        .show(ui, memory);
    let rect = map.viewport.rect;
    legend(
        ui,
        rect,
        &Legend {
            data: scene.data,
            filtered,
            filter,
            selected_region: None,
            choropleth: false,
            notional_shown: false,
            density_max: None,
        },
    );
    if let Some(caption) = caption {
        let painter = ui.painter_at(rect);
        let font = FontId::proportional(18.0);
        let galley = painter.layout_no_wrap(caption.to_string(), font, style.overlay_text);
        let at = Align2::CENTER_TOP.anchor_size(
            rect.center_top() + vec2(0.0, 10.0),
            galley.size() + vec2(20.0, 10.0),
        );
        painter.rect_filled(at, 6.0, style.overlay_fill);
        painter.galley(at.min + vec2(10.0, 5.0), galley, Color32::PLACEHOLDER);
    }
}

/// The report's column of text.
fn report_text(ui: &mut Ui, scene: &Scene<'_>, filtered: &FilteredEvents) {
    ui.add_space(8.0);
    ui.heading("borderwatch snapshot");
    ui.add_space(6.0);
    let words = scene.filter.describe();
    ui.label(RichText::new("Filter").strong());
    ui.label(if words.is_empty() {
        "none: every event".to_string()
    } else {
        words
    });
    ui.add_space(6.0);
    ui.label(format!("{} of {} events shown", filtered.len(), filtered.total));
    ui.add_space(6.0);
    ui.label(RichText::new("Per region").strong());
    egui::Grid::new("report-regions")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (index, region) in scene.data.regions.regions().iter().enumerate() {
                ui.label(&region.name);
                ui.label(
                    filtered
                        .region_counts
                        .get(index)
                        .copied()
                        .unwrap_or(0)
                        .to_string(),
                );
                ui.end_row();
            }
            ui.label("Outside tracked regions");
            ui.label(filtered.outside.to_string());
            ui.end_row();
            ui.label("Not placed (notional)");
            ui.label(filtered.notional.to_string());
            ui.end_row();
        });
    ui.add_space(6.0);
    ui.label(RichText::new("Per category").strong());
    egui::Grid::new("report-categories")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (id, name) in scene.data.events.categories().iter() {
                let total = scene
                    .data
                    .category_totals
                    .get(usize::from(id.0))
                    .copied()
                    .unwrap_or(0);
                if total == 0 {
                    continue;
                }
                // What passes all but the category filter is shown when the
                // category passes too (as the legend counts).
                let shown = if scene.filter.categories.passes(name) {
                    filtered
                        .category_counts
                        .get(usize::from(id.0))
                        .copied()
                        .unwrap_or(0)
                } else {
                    0
                };
                ui.label(name.to_string());
                ui.label(shown.to_string());
                ui.end_row();
            }
        });
    ui.add_space(10.0);
    for attribution in crate::data::bundled::ATTRIBUTIONS {
        ui.small(format!(
            "{}: {} ({})",
            attribution.covers, attribution.source, attribution.licence
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i32 {
        crate::data::EventDate::parse_iso(text).expect("date").day()
    }

    #[test]
    fn frames_step_through_the_days_and_end_on_the_last() {
        let plan = FramePlan {
            from: day("2021-04-01"),
            to: day("2021-04-30"),
            step_days: 7,
            window_days: 7,
            cumulative: false,
        };
        let ranges = plan.ranges();
        assert_eq!(ranges.len(), 5);
        assert_eq!(ranges[0], (day("2021-04-01"), day("2021-04-07")));
        assert_eq!(ranges[3], (day("2021-04-22"), day("2021-04-28")));
        assert_eq!(
            ranges[4],
            (day("2021-04-24"), day("2021-04-30")),
            "the last ends on the last day"
        );
        let cumulative = FramePlan {
            cumulative: true,
            ..plan
        }
        .ranges();
        assert!(cumulative.iter().all(|&(first, _)| first == plan.from));
        let one = FramePlan {
            to: plan.from,
            ..plan
        }
        .ranges();
        assert_eq!(one, [(plan.from, plan.from)]);
        assert_eq!(
            frame_caption(day("2021-04-01"), day("2021-04-07"), 1, 0),
            "2021-04-01 – 2021-04-07 · 1 event"
        );
        assert_eq!(
            frame_caption(day("2021-04-22"), day("2021-04-22"), 7, 2),
            "2021-04-22 · 7 events (2 not placed)"
        );
    }
}
