//! Exporting the playback from the window (egui_kittest, headless): File ›
//! Export › Playback opens a window that says how many frames the timeline's
//! range makes; the export runs on its own thread with progress in the
//! status bar, the GIF has that many frames, and Cancel stops a long one
//! without leaving a file.

use crate::common;

use borderwatch::render::PlaybackOutput;
use common::{bundled_app, harness_for, wait_until};
use egui_kittest::kittest::Queryable;

fn day(text: &str) -> i32 {
    borderwatch::data::EventDate::parse_iso(text).expect("date").day()
}

#[test]
fn the_playback_is_exported_on_a_thread_and_can_be_cancelled() {
    let mut harness = harness_for(bundled_app());
    harness
        .state_mut()
        .set_dates(Some((day("2021-04-01"), day("2021-04-30"))));
    harness.run();
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export").click();
    harness.run();
    harness.get_by_label("Playback as GIF or PNG frames…").click();
    harness.run();
    // Steps of 7 days over 1–30 April: 5 frames, each the timeline's window.
    harness.get_by_label_contains("5 frames, 2021-04-01 to 2021-04-30");

    let dir = tempfile::tempdir().expect("temp dir");
    let gif = dir.path().join("april.gif");
    harness
        .state_mut()
        .export_playback(PlaybackOutput::Gif(gif.clone()));
    wait_until(&mut harness, 60, "the export", |app| {
        app.notice().is_some_and(|n| n.starts_with("exported 5 frames"))
    });
    let file = std::fs::File::open(&gif).expect("the GIF is written");
    let mut decoder = gif::DecodeOptions::new().read_info(file).expect("a GIF");
    let mut frames = 0;
    while decoder.read_next_frame().expect("a frame").is_some() {
        frames += 1;
    }
    assert_eq!(frames, 5);
    assert_eq!((decoder.width(), decoder.height()), (960, 600));

    // Every day of ten years: thousands of frames, cancelled at once.
    harness.state_mut().set_dates(None);
    harness.run();
    let long = dir.path().join("long.gif");
    harness
        .state_mut()
        .export_playback(PlaybackOutput::Gif(long.clone()));
    harness.run();
    harness.get_by_label("Cancel").click();
    wait_until(&mut harness, 60, "the cancel", |app| {
        app.notice().is_some_and(|n| n.contains("cancelled"))
    });
    assert!(!long.exists(), "a cancelled GIF is not written");
    assert!(std::fs::read_dir(dir.path()).expect("dir").all(|e| {
        !e.expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")
    }));
}
