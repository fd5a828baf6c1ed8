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
