//! `borderwatch render` and `borderwatch report` as a pipeline runs them:
//! the GIF decodes (with the `gif` crate's decoder) to one frame per step
//! at the size asked for, PNG frames and the report decode with `png`, and
//! the exit status says what went wrong.

use std::path::Path;
use std::process::{Command, Output};

fn borderwatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .output()
        .expect("the binary runs")
}

const SAMPLE: &str = "assets/events/sample.json";

/// Each frame of a GIF, as RGBA.
fn gif_frames(path: &Path) -> (u16, u16, Vec<Vec<u8>>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let file = std::fs::File::open(path).expect("the GIF exists");
    let mut decoder = options.read_info(file).expect("a GIF");
    let (width, height) = (decoder.width(), decoder.height());
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        assert_eq!((frame.width, frame.height), (width, height), "whole frames");
        assert_eq!(frame.delay, 25, "250 ms a frame");
        frames.push(frame.buffer.to_vec());
    }
    (width, height, frames)
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("the PNG exists"),
    ));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn a_gif_has_a_frame_per_step_at_the_size_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("april.gif");
    let output = borderwatch(&[
        "render",
        "--from",
        "2021-04-01",
        "--to",
        "2021-04-30",
        "--step",
        "7d",
        "--size",
        "480x300",
        "--frame-ms",
        "250",
        "-o",
        out.to_str().expect("path"),
        SAMPLE,
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrote 5 frames"));
    let (width, height, frames) = gif_frames(&out);
    assert_eq!((width, height), (480, 300));
    // 1–7, 8–14, 15–21, 22–28 and 24–30 April.
    assert_eq!(frames.len(), 5);
    // The weeks differ (their dates, their markers), and a frame is a
    // picture, not a flat fill.
    assert_ne!(frames[0], frames[3]);
    let first = &frames[0];
    let distinct: std::collections::HashSet<&[u8]> = first.chunks(4).collect();
    assert!(distinct.len() > 20, "{} colours", distinct.len());
}

#[test]
fn png_frames_and_the_report_are_written_as_numbered_pngs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let frames = dir.path().join("frames");
    let output = borderwatch(&[
        "render",
        "--from",
        "2021-04-01",
        "--to",
        "2021-04-30",
        "--step",
        "2w",
        "--cumulative",
        "--size",
        "320x200",
        "-o",
        frames.to_str().expect("path"),
        SAMPLE,
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&frames)
        .expect("the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["frame-0001.png", "frame-0002.png", "frame-0003.png"]);
    assert_eq!(png_size(&frames.join("frame-0003.png")), (320, 200));

    let report = dir.path().join("report.png");
    let output = borderwatch(&[
        "report",
        "--near-border",
        "50",
        "--size",
        "900x600",
        "-o",
        report.to_str().expect("path"),
        SAMPLE,
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(png_size(&report), (900, 600));
}

#[test]
fn the_exit_status_says_what_went_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.gif");
    let out = out.to_str().expect("path");
    let status = |args: &[&str]| borderwatch(args).status.code();
    // Usage: a bad step, a bad size, dates the wrong way round.
    assert_eq!(status(&["render", "--step", "0d", "-o", out, SAMPLE]), Some(2));
    assert_eq!(status(&["render", "--size", "10x10", "-o", out, SAMPLE]), Some(2));
    assert_eq!(
        status(&[
            "render",
            "--from",
            "2021-05-01",
            "--to",
            "2021-04-01",
            "-o",
            out,
            SAMPLE
        ]),
        Some(2)
    );
    // Nothing to draw: a missing file, a file with no events.
    assert_eq!(status(&["render", "-o", out, "no-such-file.json"]), Some(1));
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "[]").expect("write");
    assert_eq!(
        status(&["render", "-o", out, empty.to_str().expect("path")]),
        Some(1)
    );
    assert!(!Path::new(out).exists(), "nothing written");
    // An output that cannot be written.
    let nowhere = dir.path().join("no-such-folder").join("out.gif");
    let output = borderwatch(&[
        "render",
        "--step",
        "30d",
        "--from",
        "2021-04-01",
        "--to",
        "2021-04-30",
        "-o",
        nowhere.to_str().expect("path"),
        SAMPLE,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot write"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
