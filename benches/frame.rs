//! One headless frame of the whole app (`run_ui` + `tessellate`), as a GPU-less
//! machine would draw it: the bundled regions, context and sample events at
//! the start view, as `borderwatch` with no arguments shows them; zoomed to
//! the Kerch Strait, where the finest coast is on screen; and the start-up
//! that comes before the first frame (bundled data read, regions indexed,
//! meshes triangulated).

use borderwatch::map::{MapView, project};
use borderwatch::ui::session::Session;
use borderwatch::{BorderwatchApp, StartupOptions};
use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Pos2, RawInput, Rect, Vec2};

fn input(pointer: Option<Pos2>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
        events: pointer.map(egui::Event::PointerMoved).into_iter().collect(),
        ..Default::default()
    }
}

/// From nothing to the first frame drawn: the bundled data read, regions
/// indexed, the levels of detail the start view needs made (the rest wait
/// until they are drawn).
fn startup(c: &mut Criterion) {
    c.bench_function("startup/first_frame", |b| {
        b.iter(|| {
            let ctx = egui::Context::default();
            let mut app = BorderwatchApp::new(&StartupOptions::default());
            let output = ctx.run_ui(input(None), |ui| app.show(ui));
            ctx.tessellate(output.shapes, output.pixels_per_point)
        })
    });
}

fn start_view_frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = BorderwatchApp::new(&StartupOptions::default());
    assert!(app.messages().is_empty(), "the bundled data loads cleanly");
    // Settle layout (panel sizes, fonts) before measuring.
    for _ in 0..3 {
        let _ = ctx.run_ui(input(None), |ui| app.show(ui));
    }
    c.bench_function("frame/start_view", |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(None), |ui| app.show(ui));
            ctx.tessellate(output.shapes, output.pixels_per_point)
        })
    });
    // With the pointer over a region: hover highlight, tooltip, status bar.
    c.bench_function("frame/start_view_hover", |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(Some(Pos2::new(600.0, 500.0))), |ui| app.show(ui));
            ctx.tessellate(output.shapes, output.pixels_per_point)
        })
    });
}

fn zoomed_frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = BorderwatchApp::new(&StartupOptions::default());
    for _ in 0..3 {
        let _ = ctx.run_ui(input(None), |ui| app.show(ui));
    }
    // The Kerch Strait at about 1:200 000: coasts, spits and the border of
    // Crimea and Krasnodar Krai fill the screen.
    app.apply_session(Session {
        view: Some(MapView {
            center: project(geo::Coord { x: 36.55, y: 45.3 }),
            zoom: 11.0,
        }),
        ..Session::default()
    });
    for _ in 0..3 {
        let _ = ctx.run_ui(input(None), |ui| app.show(ui));
    }
    let zoom = app.map_memory().view().map_or(0.0, |v| v.zoom);
    assert!((zoom - 11.0).abs() < 1e-9, "zoomed in: {zoom}");
    c.bench_function("frame/kerch_zoomed", |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(None), |ui| app.show(ui));
            ctx.tessellate(output.shapes, output.pixels_per_point)
        })
    });
}

criterion_group!(benches, startup, start_view_frame, zoomed_frame);
criterion_main!(benches);
