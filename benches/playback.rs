//! Issue 4: a playback step with 100k events stays interactive. One step of
//! playback (a day on, through `BorderwatchApp::step_playback`) and the
//! headless frame (`run_ui` + `tessellate`) that shows it, at the start view.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};

fn playback(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = support::app(&ctx, 100_000);
    support::playback_step_bench(c, &ctx, &mut app, "playback/100k");
}

criterion_group!(benches, playback);
criterion_main!(benches);
