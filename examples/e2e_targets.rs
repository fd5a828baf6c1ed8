//! Where `scripts/e2e.sh` should click, computed from the app's own layout.
//!
//! Builds the app exactly as `borderwatch` does with no arguments, runs it
//! headless (egui_kittest) in a window of the binary's size, and walks the
//! same path the end-to-end script then walks in the real window: for each
//! region, a click inside it, then a click on the top row of its event list.
//! Every point comes from the running layout (the map's projection, the event
//! markers, the side panel's rows) and is checked by clicking it here first;
//! a point that does not select what it should is replaced by the next best.
//!
//! Output, one target per line, in click order (points in window pixels):
//!
//! ```text
//! window 1280 800
//! region rostov 512 498
//! event 2021-04-23-rostov-spooky-lights 1108 301
//! ...
//! ```
//!
//! Run: `cargo run --example e2e_targets`. Exit status 1 when no usable
//! point is found for some step (the message says which).

use std::process::ExitCode;

// The UI tests' helpers: clicks go through the same code in both.
#[path = "../tests/common/mod.rs"]
mod common;

use borderwatch::map::WorldRect;
use borderwatch::map::markers::{hit_test, marker_rects};
use borderwatch::{BorderwatchApp, StartupOptions};
use egui::{LayerId, Pos2, Vec2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The binary's window size (`with_inner_size` in `src/main.rs`), in points;
/// at one pixel per point, also in pixels.
const WINDOW: Vec2 = Vec2::new(1280.0, 800.0);
/// Grid step, in points, of the candidate points searched inside a region.
const GRID_STEP: f32 = 6.0;
/// Candidates keep this far from the edges of the map.
const EDGE_MARGIN: f32 = 24.0;
/// Required clearance (points) from the region's border and from markers.
const MIN_CLEARANCE: f32 = 12.0;
/// Clearance beyond this does not rank a point higher.
const ENOUGH_CLEARANCE: f32 = 40.0;
/// How many candidates to try per step before giving up.
const MAX_ATTEMPTS: usize = 8;

/// What a click selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Region,
    Event,
}

/// One click of the path and what it must select.
#[derive(Debug, Clone)]
struct Target {
    kind: Kind,
    /// Region id or event id, as the app logs it.
    id: String,
    /// Where to click, in whole window pixels.
    pos: Pos2,
}

/// The app the binary starts with no arguments, after its first frames.
///
/// It runs as an `eframe::App`, drawn into the whole window as eframe does:
/// `build_ui_state` would put it inside an 8-point margin, and every panel
/// would be 8 points off.
fn fresh_harness() -> Harness<'static, BorderwatchApp> {
    let mut harness = Harness::builder()
        .with_size(WINDOW)
        .with_pixels_per_point(1.0)
        // Tooltips and scroll areas take a few frames to settle.
        .with_max_steps(60)
        .build_eframe(|_creation| BorderwatchApp::new(&StartupOptions::default()));
    harness.run();
    harness
}

/// A left click at `pos` as xdotool does it; the pointer stays there.
fn click(harness: &mut Harness<'_, BorderwatchApp>, pos: Pos2) {
    common::click_staying(harness, pos);
}

/// A fresh app with the clicks of `path` replayed: the state the next
/// click starts from, without the tries that missed.
fn replay(path: &[Target]) -> Harness<'static, BorderwatchApp> {
    let mut harness = fresh_harness();
    for target in path {
        click(&mut harness, target.pos);
    }
    harness
}

fn selected_region_id(harness: &Harness<'_, BorderwatchApp>) -> Option<String> {
    harness.state().selected_region().map(|r| r.id.to_string())
}

/// Points inside region `index`, best first: on screen in the map, on the
/// map's own layer (not under the legend or another overlay), clear of the
/// region's border and of every event marker; the clearest first, then the
/// nearest to the region's label point.
fn region_candidates(harness: &Harness<'_, BorderwatchApp>, index: usize) -> Vec<Pos2> {
    let app = harness.state();
    let Some(viewport) = app.map_memory().last_viewport() else {
        return Vec::new();
    };
    let Some(region) = app.regions().get(index) else {
        return Vec::new();
    };
    let clusters = app.map_memory().clusters();
    let markers = marker_rects(clusters, &viewport);
    let area = viewport
        .world_rect_to_screen(&WorldRect::from_lonlat(&region.bounds))
        .intersect(viewport.rect.shrink(EDGE_MARGIN));
    if !area.is_positive() {
        return Vec::new();
    }
    let label = viewport.lonlat_to_screen(region.label_point);
    let inside = |p: Pos2| app.regions().locate(viewport.screen_to_lonlat(p)) == Some(index);
    // How far from `p` the region goes on in every direction (16 of them).
    let border_clearance = |p: Pos2| {
        let mut clear = 0.0;
        for radius in [6.0_f32, 12.0, 18.0, 24.0, 32.0, ENOUGH_CLEARANCE] {
            let ring_inside = (0..16).all(|k| {
                let angle = k as f32 * std::f32::consts::TAU / 16.0;
                inside(p + radius * Vec2::angled(angle))
            });
            if !ring_inside {
                break;
            }
            clear = radius;
        }
        clear
    };

    let mut scored: Vec<(f32, f32, Pos2)> = Vec::new();
    let mut y = area.top().ceil();
    while y <= area.bottom() {
        let mut x = area.left().ceil();
        while x <= area.right() {
            let p = pos2(x, y);
            x += GRID_STEP;
            if !inside(p)
                || hit_test(clusters, &viewport, p).is_some()
                || harness.ctx.layer_id_at(p) != Some(LayerId::background())
            {
                continue;
            }
            let marker_clearance = markers
                .iter()
                .map(|r| r.distance_to_pos(p))
                .fold(ENOUGH_CLEARANCE, f32::min);
            let clearance = border_clearance(p).min(marker_clearance);
            if clearance >= MIN_CLEARANCE {
                scored.push((clearance, p.distance(label), p));
            }
        }
        y += GRID_STEP;
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
    scored.into_iter().map(|(_, _, p)| p).collect()
}

/// Finds and checks the click that selects region `index`, appending it to
/// `path`; `harness` is left in the state after that click.
fn region_step(
    harness: &mut Harness<'static, BorderwatchApp>,
    path: &mut Vec<Target>,
    index: usize,
) -> Result<(), String> {
    let id = harness
        .state()
        .regions()
        .get(index)
        .map(|r| r.id.to_string())
        .ok_or_else(|| format!("no region at index {index}"))?;
    let before = selected_region_id(harness);
    if before.as_deref() == Some(id.as_str()) {
        return Err(format!(
            "region {id} is already selected: a click would log nothing"
        ));
    }
    let candidates = region_candidates(harness, index);
    if candidates.is_empty() {
        return Err(format!("no point of region {id} is clear on screen"));
    }
    for (attempt, pos) in candidates.into_iter().take(MAX_ATTEMPTS).enumerate() {
        if attempt > 0 {
            *harness = replay(path);
        }
        click(harness, pos);
        let got = selected_region_id(harness);
        if got.as_deref() == Some(id.as_str()) {
            path.push(Target {
                kind: Kind::Region,
                id,
                pos,
            });
            return Ok(());
        }
        eprintln!(
            "e2e_targets: a click at ({}, {}) selected region {got:?}, not {id}; trying another point",
            pos.x, pos.y
        );
    }
    Err(format!("no click selected region {id}"))
}

/// Finds and checks the click on a row of the selected region's event list
/// (the top row first), appending it to `path`. A region without events
/// adds nothing.
fn event_step(harness: &mut Harness<'static, BorderwatchApp>, path: &mut Vec<Target>) -> Result<(), String> {
    let region = selected_region_id(harness).ok_or("no region is selected")?;
    let items = harness.state_mut().focus_items().to_vec();
    if items.is_empty() {
        eprintln!("e2e_targets: region {region} lists no events; no event target");
        return Ok(());
    }
    let screen = egui::Rect::from_min_size(Pos2::ZERO, WINDOW);
    for (attempt, &item) in items.iter().take(MAX_ATTEMPTS).enumerate() {
        let item = item as usize;
        if attempt > 0 {
            *harness = replay(path);
        }
        if harness.state().selected_event() == Some(item) {
            return Err(format!(
                "event {item} is already selected: a click would log nothing"
            ));
        }
        let (id, title) = {
            let event = harness
                .state()
                .dataset()
                .events
                .events()
                .get(item)
                .ok_or_else(|| format!("listed event {item} does not exist"))?;
            (event.id().to_string(), event.title().to_string())
        };
        let rows: Vec<egui::Rect> = harness.query_all_by_label(&title).map(|n| n.rect()).collect();
        let [row] = rows[..] else {
            eprintln!(
                "e2e_targets: {} rows are labelled {title:?}; trying another event",
                rows.len()
            );
            continue;
        };
        let pos = row.center().round();
        if !screen.contains(pos) || harness.ctx.layer_id_at(pos) != Some(LayerId::background()) {
            eprintln!("e2e_targets: the row of {id} is not visible; trying another event");
            continue;
        }
        click(harness, pos);
        let state = harness.state();
        let selected = state.selected_event();
        let still = selected_region_id(harness);
        if selected == Some(item) && still.as_deref() == Some(region.as_str()) {
            path.push(Target {
                kind: Kind::Event,
                id,
                pos,
            });
            return Ok(());
        }
        eprintln!(
            "e2e_targets: a click on the row of {id} selected event {selected:?} in region {still:?}; \
             trying another event"
        );
    }
    Err(format!(
        "no click on the event list of {region} selected its event"
    ))
}

fn main() -> ExitCode {
    let mut harness = fresh_harness();
    let mut path = Vec::new();
    let regions = harness.state().regions().regions().len();
    for index in 0..regions {
        let step =
            region_step(&mut harness, &mut path, index).and_then(|()| event_step(&mut harness, &mut path));
        if let Err(message) = step {
            eprintln!("e2e_targets: {message}");
            return ExitCode::FAILURE;
        }
    }
    println!("window {} {}", WINDOW.x, WINDOW.y);
    for target in &path {
        let kind = match target.kind {
            Kind::Region => "region",
            Kind::Event => "event",
        };
        println!("{kind} {} {} {}", target.id, target.pos.x, target.pos.y);
    }
    ExitCode::SUCCESS
}
