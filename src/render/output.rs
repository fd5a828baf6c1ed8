//! Where an animation goes: one GIF file, or a folder of numbered PNGs.

use std::path::PathBuf;

/// Where a playback is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaybackOutput {
    /// An animated GIF, looping.
    Gif(PathBuf),
    /// Numbered PNGs (`frame-0001.png`, …) in this folder (made if missing).
    Pngs(PathBuf),
}

impl PlaybackOutput {
    /// A GIF for a path ending in `.gif`, else PNGs in that folder.
    pub fn for_path(path: PathBuf) -> Self {
        let gif = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gif"));
        if gif { Self::Gif(path) } else { Self::Pngs(path) }
    }
}
