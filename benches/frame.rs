//! One headless frame of the whole app (`run_ui` + `tessellate`), as a GPU-less
//! machine would draw it: the bundled regions, context and sample events at
//! the start view, as `borderwatch` with no arguments shows them; zoomed to
//! the Kerch Strait, where the finest coast is on screen; and the start-up
//! that comes before the first frame (bundled data read, regions indexed,
//! meshes triangulated); and zoomed into the border villages with towns,
//! rivers and a screenful of raster tiles.

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

/// A 256-pixel PNG tile of one flat colour.
fn png_tile(shade: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 256, 256);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().expect("png header");
    let pixels: Vec<u8> = (0..256 * 256)
        .flat_map(|i| [shade, shade.wrapping_add((i % 256) as u8), 200])
        .collect();
    writer.write_image_data(&pixels).expect("png data");
    drop(writer);
    bytes
}

/// An MBTiles package with every tile of zooms 8–11 around Shebekino, so the
/// frame below draws a full screen of tiles at their own zoom.
fn tile_package(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("belgorod.mbtiles");
    let db = rusqlite::Connection::open(&path).expect("sqlite");
    db.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         INSERT INTO metadata VALUES ('format', 'png'), ('maxzoom', '11'), ('attribution', 'bench tiles');",
    )
    .expect("schema");
    let centre = project(geo::Coord {
        x: 36.9254,
        y: 50.4134,
    });
    for z in 8u32..=11 {
        let n = f64::from(1u32 << z);
        let (cx, cy) = ((centre.x * n) as i64, (centre.y * n) as i64);
        for x in cx - 4..=cx + 4 {
            for y in cy - 3..=cy + 3 {
                let tms = (1i64 << z) - 1 - y;
                db.execute(
                    "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![z, x, tms, png_tile((x * 7 + y * 13) as u8)],
                )
                .expect("tile");
            }
        }
    }
    path
}

/// Zoomed into the border villages by Shebekino with towns, rivers and a
/// screenful of raster tiles (from a local package, loaded before measuring).
fn tiles_frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let package = tile_package(dir.path());
    let ctx = egui::Context::default();
    let mut app = BorderwatchApp::new(&StartupOptions::default());
    app.show_startup_choices(&StartupOptions {
        tiles: Some(package.display().to_string()),
        place: Some("Shebekino".to_string()),
        ..StartupOptions::default()
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut loaded = 0;
    while std::time::Instant::now() < deadline {
        let _ = ctx.run_ui(input(None), |ui| app.show(ui));
        let now = app.basemap().texture_count();
        if now >= 12 && now == loaded {
            break;
        }
        loaded = now;
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let zoom = app.map_memory().view().map_or(0.0, |v| v.zoom);
    assert!(
        app.basemap().texture_count() >= 12,
        "{} tiles loaded at zoom {zoom}; {:?}",
        app.basemap().texture_count(),
        app.messages()
    );
    c.bench_function("frame/shebekino_tiles_towns_rivers", |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(None), |ui| app.show(ui));
            ctx.tessellate(output.shapes, output.pixels_per_point)
        })
    });
}

criterion_group!(benches, startup, start_view_frame, zoomed_frame, tiles_frame);
criterion_main!(benches);
