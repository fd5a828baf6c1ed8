//! Data for the benchmarks, made by the same generator as
//! `cargo run --example gen_events`.
#![allow(dead_code)] // each benchmark uses a part of this

// Benchmarks are built with `cfg(test)` but without the test harness, so the
// generator's own tests are compiled out and leave their imports unused.
#[allow(unused_imports)]
#[path = "../../examples/gen_events/generator.rs"]
mod generator;

use borderwatch::BorderwatchApp;
use borderwatch::data::{ContextLayer, EventSetBuilder, RegionSet};
use borderwatch::dataset::Dataset;
use egui::{Pos2, RawInput, Rect, Vec2};

/// `count` generated events as a JSON event file (seed 7).
pub fn event_file(count: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    generator::Generator::new(7)
        .write_all(&mut bytes, count, generator::Format::Json)
        .expect("writes to memory");
    bytes
}

/// The bundled regions and context with `count` generated events loaded.
pub fn dataset(count: u64) -> Dataset {
    let regions = RegionSet::bundled().expect("bundled regions");
    let bytes = event_file(count);
    let mut builder = EventSetBuilder::new(&regions);
    builder
        .add_reader("generated.json", None, bytes.as_slice(), None)
        .expect("generated events load");
    let events = builder.finish().0;
    Dataset::new(regions, ContextLayer::bundled().expect("bundled context"), events)
}

/// Input for one 1280×800 frame, the pointer at `pointer`.
pub fn input(pointer: Option<Pos2>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
        events: pointer.map(egui::Event::PointerMoved).into_iter().collect(),
        ..Default::default()
    }
}

/// Runs and tessellates one frame of the app.
pub fn frame(ctx: &egui::Context, app: &mut BorderwatchApp, pointer: Option<Pos2>) -> usize {
    let output = ctx.run_ui(input(pointer), |ui| app.show(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

/// Runs and tessellates one frame of the app: its triangles. Software
/// OpenGL (Mesa's llvmpipe) holds each of a frame's triangles in the
/// process's memory until the frame is drawn.
pub fn frame_triangles(ctx: &egui::Context, app: &mut BorderwatchApp) -> usize {
    let output = ctx.run_ui(input(None), |ui| app.show(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point)
        .iter()
        .map(|clipped| match &clipped.primitive {
            egui::epaint::Primitive::Mesh(mesh) => mesh.indices.len() / 3,
            egui::epaint::Primitive::Callback(_) => 0,
        })
        .sum()
}

/// The app showing `count` generated events, after a few frames so that
/// layout, fonts and the markers of the start view are settled.
pub fn app(ctx: &egui::Context, count: u64) -> BorderwatchApp {
    let mut app = BorderwatchApp::with_dataset(dataset(count));
    assert_eq!(
        app.filtered().len() as u64,
        count,
        "nothing is filtered out at first"
    );
    settle(ctx, &mut app);
    app
}

/// Runs a few frames (layout, fonts, a new view fitting in) before measuring.
pub fn settle(ctx: &egui::Context, app: &mut BorderwatchApp) {
    for _ in 0..4 {
        frame(ctx, app, None);
    }
}

/// Events the filter shows, counted the slow way: every event tested by the
/// headless check's path ([`borderwatch::query::CompiledFilter::matches`]),
/// without the columns or the search index the app's fast path uses.
pub fn slow_count(app: &BorderwatchApp, filter: &borderwatch::query::EventFilter) -> usize {
    let data = app.dataset();
    let compiled = data.compile(filter);
    data.events
        .events()
        .iter()
        .filter(|e| compiled.matches(e))
        .count()
}

/// A date range (inclusive) as a filter with nothing else set.
pub fn dates(from: &str, to: &str) -> borderwatch::query::EventFilter {
    let day = |text: &str| {
        borderwatch::data::EventDate::parse_iso(text)
            .expect("valid date")
            .day()
    };
    borderwatch::query::EventFilter {
        from_day: Some(day(from)),
        to_day: Some(day(to)),
        ..Default::default()
    }
}

/// Benchmarks `<group>/step+frame`: playback moved on by one day
/// (`BorderwatchApp::step_playback`, as each frame of a running playback
/// does) and the frame that shows it. Starts playback first and stops it
/// after, checking that every step moved the date range.
pub fn playback_step_bench(
    c: &mut criterion::Criterion,
    ctx: &egui::Context,
    app: &mut BorderwatchApp,
    group: &str,
) {
    assert!(!app.is_playing());
    app.toggle_play();
    assert!(app.is_playing(), "playback starts");
    let one_day = 1.0 / app.playback_settings().days_per_second;
    let range = |app: &BorderwatchApp| (app.filter().from_day, app.filter().to_day);
    let shown_at_start = app.filtered().len();
    let mut moved = 0u64;
    let mut steps = 0u64;
    let mut group = c.benchmark_group(group);
    group.bench_function("step+frame", |b| {
        b.iter(|| {
            let before = range(app);
            app.step_playback(one_day);
            let primitives = frame(ctx, app, None);
            steps += 1;
            moved += u64::from(range(app) != before);
            primitives
        })
    });
    group.finish();
    assert_eq!(moved, steps, "every step moved the date range");
    assert!(app.is_playing(), "playback loops");
    assert!(
        shown_at_start < app.filtered().total,
        "playback shows a window of the events"
    );
    app.toggle_play();
    assert!(!app.is_playing());
    app.set_dates(None);
}

/// Waits for the search a filter change started on its own thread (from
/// 50 000 events) and applies its filter, as the frame it wakes would.
pub fn searched(app: &mut BorderwatchApp) {
    while app.poll_search() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}
