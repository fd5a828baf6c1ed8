//! The build-up chart (the app puts it at the foot of the side panel,
//! `buildup_panel`): the focused region's
//! (or all shown) events per week, stacked by category colour, with the
//! troops they report summed per week as dots on their own scale. It is
//! linked to the timeline: the date range is shaded, hovering names the
//! week, a click picks the week and a drag picks the weeks dragged over.

use egui::{Color32, Pos2, Rect, Sense, Shape, Ui, pos2, vec2};

use super::focus::Focus;
use super::format::group_thousands;
use super::intent::PanelIntent;
use crate::data::events::date::DatePrecision;
use crate::data::{CategoryId, EventSet};
use crate::map::{DiscAtlas, MapStyle};
use crate::query::EventFilter;
use crate::query::buildup::{BuildUp, Week};

/// Height of the plot, in points.
const PLOT_HEIGHT: f32 = 84.0;
/// The chart is at least this many weeks wide.
const MIN_WEEKS: usize = 26;

/// The chart's counts, kept while the filter (without its dates) and the
/// focus stay the same.
#[derive(Default)]
pub(crate) struct BuildUpCache {
    /// The data (by address: a reload makes a new one), the filter
    /// (without dates) and the focus the weeks were counted for.
    pub(super) key: Option<(usize, EventFilter, Focus)>,
    /// The weeks.
    pub(super) buildup: BuildUp,
}

/// Draws the chart; a click or drag asks for the weeks it covers.
pub fn buildup_chart(
    ui: &mut Ui,
    buildup: &BuildUp,
    events: &EventSet,
    range: Option<(i32, i32)>,
) -> Option<PanelIntent> {
    let (Some(first), Some(last)) = (buildup.weeks.first(), buildup.weeks.last()) else {
        ui.weak("No events to chart.");
        return None;
    };
    ui.horizontal(|ui| {
        ui.small(format!("up to {} a week", buildup.max_count));
        if buildup.max_troops > 0 {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.small(format!(
                    "dots: troops reported, up to {} a week",
                    group_thousands(buildup.max_troops)
                ));
            });
        }
    });
    let width = ui.available_width().max(120.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, PLOT_HEIGHT), Sense::click_and_drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, "Build-up chart"));
    let (plot, step) = plot_area(rect, buildup.weeks.len());
    let x_of = |day: i32| plot.left() + (day - first.start) as f32 / 7.0 * step;
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    if let Some((from, to)) = range {
        let shade = Rect::from_x_y_ranges(
            x_of(from).max(plot.left())..=x_of(to + 1).min(plot.right()),
            plot.y_range(),
        );
        if shade.width() > 0.0 {
            painter.rect_filled(shade, 0.0, visuals.selection.bg_fill.gamma_multiply(0.35));
        }
    }
    paint_bars(&painter, buildup, plot, step);
    paint_troops(&painter, buildup, plot, step);
    ui.horizontal(|ui| {
        ui.small(DatePrecision::Week.describe(first.start));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.small(DatePrecision::Week.describe(last.start));
        });
    });

    let week_at = |pos: Pos2| {
        let n = ((pos.x - plot.left()) / step).floor();
        (n >= 0.0)
            .then(|| buildup.week_of(first.start + n as i32 * 7))
            .flatten()
    };
    if let Some(week) = response.hover_pos().and_then(week_at) {
        response.clone().on_hover_text_at_pointer(week_text(week, events));
    }
    let drag_id = response.id.with("from");
    if response.drag_started()
        && let Some(week) = response.interact_pointer_pos().and_then(week_at)
    {
        ui.data_mut(|d| d.insert_temp(drag_id, week.start));
    }
    let from = ui.data(|d| d.get_temp::<i32>(drag_id));
    if (response.clicked() || response.drag_stopped())
        && let Some(week) = response.interact_pointer_pos().and_then(week_at)
    {
        let start = if response.drag_stopped() {
            from.unwrap_or(week.start)
        } else {
            week.start
        };
        let (a, b) = (start.min(week.start), start.max(week.start));
        return Some(PanelIntent::SetDates(Some((a, b + 6))));
    }
    None
}

/// Where the bars of `weeks` weeks go in the chart's `rect`, and the width
/// of one week: a few weeks are drawn as narrow bars in the middle, not as
/// slabs.
pub fn plot_area(rect: Rect, weeks: usize) -> (Rect, f32) {
    let shown_weeks = weeks.max(MIN_WEEKS);
    let pad = ((shown_weeks - weeks) / 2) as f32;
    let step = rect.width() / shown_weeks as f32;
    let plot = Rect::from_x_y_ranges(
        rect.left() + pad * step..=rect.left() + (pad + weeks as f32) * step,
        rect.top() + 4.0..=rect.bottom(),
    );
    (plot, step)
}

/// Weeks narrower than this many points share a column of the chart: the
/// dots are 3 points wide, so dots closer together than that are one blot.
const DOT_SPACING: f32 = 3.0;

/// The columns the chart draws, left to right: each is `[x0, x1)` in points
/// and the weeks whose left edge falls in it. When a week is at least
/// `min_width` wide each week is a column of its own; narrower weeks (years
/// of them in a side panel, half a pixel each) share columns `min_width`
/// wide, whole pixels of `pixels_per_point`, so that no more is drawn than
/// can be seen: software OpenGL holds every drawn triangle until the frame
/// is done (at 1M events a frame's 71 000 triangles in this chart kept
/// 19 MB of it).
fn week_columns(
    plot: Rect,
    step: f32,
    weeks: usize,
    min_width: f32,
    pixels_per_point: f32,
) -> Vec<(f32, f32, std::ops::Range<usize>)> {
    if step >= min_width || step <= 0.0 {
        return (0..weeks)
            .map(|n| {
                let x0 = plot.left() + n as f32 * step;
                (x0, x0 + step, n..n + 1)
            })
            .collect();
    }
    let ppp = pixels_per_point.max(f32::EPSILON);
    // Whole pixels, at least `min_width` points.
    let width = (min_width * ppp).ceil() / ppp;
    let origin = (plot.left() * ppp).floor() / ppp;
    let mut columns: Vec<(f32, f32, std::ops::Range<usize>)> = Vec::new();
    for n in 0..weeks {
        let x = plot.left() + n as f32 * step;
        let column = ((x - origin) / width).floor();
        let x0 = origin + column * width;
        match columns.last_mut() {
            Some(last) if last.0 == x0 => last.2.end = n + 1,
            _ => columns.push((x0, x0 + width, n..n + 1)),
        }
    }
    columns
}

/// The stacked bars, a column per week, one colour per category slot. Weeks
/// narrower than a pixel share a pixel's column, which shows the busiest of
/// them (so no week's surge is averaged away), drawn as plain rectangles on
/// whole pixels.
fn paint_bars(painter: &egui::Painter, buildup: &BuildUp, plot: Rect, step: f32) {
    let max = buildup.max_count.max(1) as f32;
    let ppp = painter.pixels_per_point();
    let pixel = 1.0 / ppp;
    let shared = step < pixel;
    let mut mesh = egui::Mesh::default();
    let mut shapes = Vec::new();
    for (x0, x1, weeks) in week_columns(plot, step, buildup.weeks.len(), pixel, ppp) {
        let Some(week) = buildup.weeks[weeks].iter().max_by_key(|week| week.count()) else {
            continue;
        };
        let x1 = if shared {
            x1
        } else {
            x0 + (step - if step > 3.0 { 1.0 } else { 0.0 }).max(0.8)
        };
        let mut y = plot.bottom();
        for (slot, &count) in week.by_slot.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let height = count as f32 / max * plot.height();
            let rect = Rect::from_min_max(pos2(x0, y - height), pos2(x1, y));
            let color = MapStyle::category_color(slot);
            if shared {
                mesh.add_colored_rect(rect, color);
            } else {
                shapes.push(Shape::rect_filled(rect, 0.0, color));
            }
            y -= height;
        }
    }
    if !mesh.is_empty() {
        shapes.push(Shape::mesh(mesh));
    }
    painter.extend(shapes);
}

/// The weekly troop sums as dots on their own scale (weeks without a figure
/// have none: no line pretends to know what happened between). Weeks closer
/// together than a dot is wide share one, at the largest of their sums.
/// Each dot is two discs of the map's [`DiscAtlas`], white on black, one
/// mesh for them all: drawn as circles, a hundred dots took 14 000
/// triangles, the most of any part of the window but the map.
fn paint_troops(painter: &egui::Painter, buildup: &BuildUp, plot: Rect, step: f32) {
    if buildup.max_troops == 0 {
        return;
    }
    let max = buildup.max_troops as f32;
    let ppp = painter.pixels_per_point();
    let atlas = DiscAtlas::for_context(painter.ctx());
    let mut mesh = atlas.mesh();
    for (x0, x1, weeks) in week_columns(plot, step, buildup.weeks.len(), DOT_SPACING, ppp) {
        let Some(week) = buildup.weeks[weeks]
            .iter()
            .filter(|week| week.with_troops > 0)
            .max_by_key(|week| week.troops)
        else {
            continue;
        };
        let at = pos2(
            (x0 + x1) / 2.0,
            plot.bottom() - week.troops as f32 / max * plot.height(),
        );
        // A white dot of 3 points in a black ring 1.2 wide.
        atlas.add_disc(&mut mesh, at, 3.6, Color32::BLACK);
        atlas.add_disc(&mut mesh, at, 2.4, Color32::WHITE);
    }
    if !mesh.is_empty() {
        painter.add(Shape::mesh(mesh));
    }
}

/// What hovering a week says: its dates, its events by category, its troops.
fn week_text(week: &Week, events: &EventSet) -> String {
    let mut text = format!(
        "{}: {} event{}",
        DatePrecision::Week.describe(week.start),
        week.count(),
        if week.count() == 1 { "" } else { "s" }
    );
    for (slot, &count) in week.by_slot.iter().enumerate() {
        if count > 0 {
            text.push_str(&format!("\n  {count} {}", slot_name(events, slot)));
        }
    }
    if week.with_troops > 0 {
        text.push_str(&format!(
            "\n{} troops reported by {} event{}",
            group_thousands(week.troops),
            week.with_troops,
            if week.with_troops == 1 { "" } else { "s" }
        ));
    }
    text.push_str("\nClick to show this week; drag across weeks for a range");
    text
}

/// The name of a colour slot: its category, or "other categories" for the
/// last slot, which holds every category past the known ones.
fn slot_name(events: &EventSet, slot: usize) -> String {
    if slot + 1 == CategoryId::SLOTS {
        return "other categories".into();
    }
    events
        .categories()
        .iter()
        .find(|(id, _)| id.slot() == slot)
        .map_or_else(|| "other".into(), |(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A week starting `n` weeks after the first, with `count` events of
    /// the first slot and `troops` reported.
    fn week(n: i32, count: u32, troops: u64) -> Week {
        let mut by_slot = [0; CategoryId::SLOTS];
        by_slot[0] = count;
        Week {
            start: n * 7,
            by_slot,
            troops,
            with_troops: u32::from(troops > 0),
        }
    }

    fn buildup(weeks: Vec<Week>) -> BuildUp {
        BuildUp {
            max_count: weeks.iter().map(Week::count).max().unwrap_or(0),
            max_troops: weeks.iter().map(|w| w.troops).max().unwrap_or(0),
            weeks,
        }
    }

    /// The shapes `paint` draws in a frame at `pixels_per_point`.
    fn painted(pixels_per_point: f32, paint: impl Fn(&egui::Painter)) -> Vec<Shape> {
        let ctx = egui::Context::default();
        ctx.set_pixels_per_point(pixels_per_point);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| paint(ui.painter()));
        output.textures_delta.clear();
        output.shapes.into_iter().map(|clipped| clipped.shape).collect()
    }

    /// Every week in exactly one column, in order, its left edge inside it.
    fn assert_covers(columns: &[(f32, f32, std::ops::Range<usize>)], plot: Rect, step: f32, weeks: usize) {
        let mut next = 0;
        for (x0, x1, range) in columns {
            assert_eq!(range.start, next, "{columns:?}");
            assert!(range.end > range.start);
            for n in range.clone() {
                let x = plot.left() + n as f32 * step;
                assert!(
                    *x0 <= x + 1e-3 && x < *x1 + 1e-3,
                    "week {n} at {x} outside {x0}..{x1}"
                );
            }
            next = range.end;
        }
        assert_eq!(next, weeks);
    }

    #[test]
    fn weeks_wide_enough_have_a_column_each() {
        let plot = Rect::from_min_size(pos2(10.0, 0.0), vec2(260.0, 80.0));
        let columns = week_columns(plot, 10.0, 26, 1.0, 1.0);
        assert_eq!(columns.len(), 26);
        assert_covers(&columns, plot, 10.0, 26);
        assert_eq!(columns[3], (40.0, 50.0, 3..4));
    }

    #[test]
    fn narrow_weeks_share_columns_of_whole_pixels() {
        let plot = Rect::from_min_size(pos2(975.3, 664.0), vec2(289.0, 80.0));
        let weeks = 520;
        let step = plot.width() / weeks as f32;
        for (min_width, ppp) in [
            (1.0, 1.0),
            (1.0 / 1.5, 1.5),
            (DOT_SPACING, 1.0),
            (DOT_SPACING, 1.25),
        ] {
            let columns = week_columns(plot, step, weeks, min_width, ppp);
            assert_covers(&columns, plot, step, weeks);
            let width = (min_width * ppp).ceil() / ppp;
            for (x0, x1, _) in &columns {
                assert!(((x1 - x0) - width).abs() < 1e-3, "{x0}..{x1} is not {width} wide");
                let pixels = x0 * ppp;
                assert!(
                    (pixels - pixels.round()).abs() < 1e-3,
                    "{x0} is not on a pixel at {ppp}"
                );
            }
            let most = (plot.width() / width).ceil() as usize + 1;
            assert!(columns.len() <= most, "{} columns, at most {most}", columns.len());
            for pair in columns.windows(2) {
                assert!((pair[1].0 - pair[0].1).abs() < 1e-3, "a gap between {pair:?}");
            }
        }
    }

    #[test]
    fn a_shared_column_shows_its_busiest_week_and_its_largest_troops() {
        // 520 weeks in 260 points: two weeks a pixel. Each pixel holds a
        // week of 1 event (100 troops) and one of 10 (5 000 troops) but the
        // last, which holds a single week of 4.
        let mut weeks: Vec<Week> = (0..519)
            .map(|n| {
                if n % 2 == 0 {
                    week(n, 1, 100)
                } else {
                    week(n, 10, 5_000)
                }
            })
            .collect();
        weeks.push(week(519, 4, 0));
        let chart = buildup(weeks);
        let plot = Rect::from_min_size(pos2(0.0, 0.0), vec2(260.0, 80.0));
        let step = plot.width() / chart.weeks.len() as f32;
        let shapes = painted(1.0, |painter| paint_bars(painter, &chart, plot, step));
        let [Shape::Mesh(mesh)] = shapes.as_slice() else {
            panic!("the bars are one mesh: {shapes:?}");
        };
        assert_eq!(mesh.indices.len(), 260 * 6, "a rectangle a pixel");
        for (k, quad) in mesh.vertices.chunks(4).enumerate() {
            let top = quad.iter().map(|v| v.pos.y).fold(f32::INFINITY, f32::min);
            let expected = if k == 259 { 80.0 - 4.0 / 10.0 * 80.0 } else { 0.0 };
            assert!(
                (top - expected).abs() < 1e-3,
                "column {k} reaches {top}, not {expected}"
            );
            let width = quad.iter().map(|v| v.pos.x).fold(f32::NEG_INFINITY, f32::max)
                - quad.iter().map(|v| v.pos.x).fold(f32::INFINITY, f32::min);
            assert!((width - 1.0).abs() < 1e-3, "column {k} is {width} wide");
        }

        let shapes = painted(1.0, |painter| paint_troops(painter, &chart, plot, step));
        // Dots 3 points apart, the last pixel's week (no troops) without one.
        let dots = dot_centres(&shapes);
        assert_eq!(dots.len(), 87, "{} dots", dots.len());
        for dot in &dots {
            assert!(
                dot.y.abs() < 1e-3,
                "each dot shows its columns' largest sum: {dot:?}"
            );
        }
    }

    /// The centres of the dots in `shapes`: each two quads (black, then
    /// white) of the one textured mesh the troops are drawn as.
    fn dot_centres(shapes: &[Shape]) -> Vec<Pos2> {
        let [Shape::Mesh(mesh)] = shapes else {
            panic!("the dots are one mesh: {shapes:?}");
        };
        assert_ne!(mesh.texture_id, egui::TextureId::default(), "the discs' texture");
        assert_eq!(
            mesh.indices.len(),
            mesh.vertices.len() / 4 * 6,
            "two triangles a disc"
        );
        mesh.vertices
            .chunks(8)
            .map(|dot| {
                assert_eq!(dot[0].color, Color32::BLACK, "the ring under");
                assert_eq!(dot[4].color, Color32::WHITE, "the dot over it");
                let rect = |quad: &[egui::epaint::Vertex]| {
                    Rect::from_points(&quad.iter().map(|v| v.pos).collect::<Vec<_>>())
                };
                let (ring, dot) = (rect(&dot[..4]), rect(&dot[4..]));
                assert!(ring.contains_rect(dot), "{dot:?} in {ring:?}");
                ring.center()
            })
            .collect()
    }

    #[test]
    fn weeks_of_a_pixel_or_more_keep_their_own_bars_and_dots() {
        let chart = buildup(
            (0..30)
                .map(|n| week(n, 1 + n as u32 % 3, 100 * n as u64))
                .collect(),
        );
        let plot = Rect::from_min_size(pos2(0.0, 0.0), vec2(300.0, 80.0));
        let shapes = painted(1.0, |painter| paint_bars(painter, &chart, plot, 10.0));
        assert_eq!(shapes.len(), 30, "a bar a week");
        let shapes = painted(1.0, |painter| paint_troops(painter, &chart, plot, 10.0));
        // Week 0 reports none.
        let dots = dot_centres(&shapes);
        assert_eq!(dots.len(), 29, "a dot a week with troops");
        for (n, dot) in (1..30).zip(&dots) {
            let x = n as f32 * 10.0 + 5.0;
            assert!((dot.x - x).abs() < 1e-3, "week {n}'s dot at {dot:?}, not {x}");
        }
    }
}
