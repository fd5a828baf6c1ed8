//! The user's own files: the Open and Save dialogs (egui_file, drawn by egui
//! itself, so they work under any window manager and with no desktop
//! portal), the question whether an event file adds to or replaces the
//! events shown, and the map written out as a PNG.

use std::path::{Path, PathBuf};

use egui::{Align2, ColorImage, Context, RichText};
use egui_file::FileDialog;

use crate::export::ExportFormat;

/// What a file dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogPurpose {
    /// Open region layers or event files.
    Open,
    /// Open a table and choose its columns.
    Columns,
    /// Write the filtered events.
    ExportEvents(ExportFormat),
    /// Write the map as a PNG image.
    ExportMap,
    /// Save the area filter as GeoJSON.
    SaveArea,
    /// Load an area filter from GeoJSON.
    LoadArea,
    /// Write the playback as a GIF (or PNG frames in a folder).
    ExportPlayback {
        /// A GIF, not PNG frames.
        gif: bool,
    },
    /// Write the snapshot report as a PNG.
    ExportReport,
}

impl DialogPurpose {
    fn default_name(self) -> Option<String> {
        match self {
            Self::Open | Self::Columns | Self::LoadArea => None,
            Self::SaveArea => Some("borderwatch-area.geojson".into()),
            Self::ExportPlayback { gif: true } => Some("borderwatch-playback.gif".into()),
            Self::ExportPlayback { gif: false } => Some("borderwatch-frames".into()),
            Self::ExportReport => Some("borderwatch-report.png".into()),
            Self::ExportEvents(format) => Some(format!("borderwatch-events.{}", format.extension())),
            Self::ExportMap => Some("borderwatch-map.png".into()),
        }
    }
}

/// The one file dialog that can be open at a time.
#[derive(Default)]
pub struct FileDialogs {
    open: Option<(DialogPurpose, FileDialog)>,
    /// Where the last dialog ended, to start the next one there.
    folder: Option<PathBuf>,
}

impl FileDialogs {
    /// Opens a dialog for `purpose` (closing any other).
    pub fn open(&mut self, purpose: DialogPurpose) {
        let mut dialog = match purpose {
            DialogPurpose::Open => FileDialog::open_file().title("Open region layer or events"),
            DialogPurpose::Columns => FileDialog::open_file().title("Open a table and choose its columns"),
            DialogPurpose::ExportEvents(format) => {
                FileDialog::save_file().title(&format!("Export filtered events as {}", format.name()))
            }
            DialogPurpose::ExportMap => FileDialog::save_file().title("Export the map as PNG"),
            DialogPurpose::SaveArea => FileDialog::save_file().title("Save the area filter as GeoJSON"),
            DialogPurpose::LoadArea => FileDialog::open_file().title("Load an area filter (GeoJSON polygon)"),
            DialogPurpose::ExportPlayback { gif: true } => {
                FileDialog::save_file().title("Export the playback as a GIF")
            }
            DialogPurpose::ExportPlayback { gif: false } => {
                FileDialog::save_file().title("Export the playback as PNG frames (a folder)")
            }
            DialogPurpose::ExportReport => FileDialog::save_file().title("Export a snapshot report as PNG"),
        }
        .anchor(Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .default_size([640.0, 420.0])
        .show_rename(false)
        .show_new_folder(!matches!(
            purpose,
            DialogPurpose::Open | DialogPurpose::Columns | DialogPurpose::LoadArea
        ));
        if let Some(folder) = &self.folder {
            dialog = dialog.initial_path(folder.clone());
        }
        if let Some(name) = purpose.default_name() {
            dialog = dialog.default_filename(name);
        }
        dialog.open();
        self.open = Some((purpose, dialog));
    }

    /// Whether a dialog is showing.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Draws the open dialog; the chosen path once the user confirms.
    pub fn show(&mut self, ctx: &Context) -> Option<(DialogPurpose, PathBuf)> {
        let (purpose, dialog) = self.open.as_mut()?;
        let purpose = *purpose;
        dialog.show(ctx);
        if dialog.selected() {
            let path = dialog.path().map(Path::to_path_buf);
            self.folder = Some(dialog.directory().to_path_buf());
            self.open = None;
            return path.map(|path| (purpose, path));
        }
        if !dialog.visible() {
            self.folder = Some(dialog.directory().to_path_buf());
            self.open = None;
        }
        None
    }
}

/// What the user decided about event files being opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFilesAnswer {
    /// Load them alongside the events shown.
    Add,
    /// Show only their events.
    Replace,
    /// Do not load them.
    Cancel,
}

/// Asks whether `paths` add to or replace the events shown; `None` until
/// the user answers.
pub fn ask_add_or_replace(ctx: &Context, paths: &[PathBuf], loaded_files: usize) -> Option<EventFilesAnswer> {
    let mut answer = None;
    egui::Window::new("Open event files")
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            for path in paths.iter().take(6) {
                ui.monospace(file_name(path));
            }
            if paths.len() > 6 {
                ui.weak(format!("and {} more", paths.len() - 6));
            }
            ui.add_space(4.0);
            ui.label(if loaded_files == 0 {
                "The events shown now are the bundled sample.".to_string()
            } else {
                format!(
                    "{loaded_files} event file{} loaded now.",
                    if loaded_files == 1 { " is" } else { "s are" }
                )
            });
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if ui
                    .button(RichText::new("Add to the events shown").strong())
                    .on_hover_text("Keep the events shown; events with the same id are updated")
                    .clicked()
                {
                    answer = Some(EventFilesAnswer::Add);
                }
                if ui
                    .button("Replace the events shown")
                    .on_hover_text("Show only the events of these files")
                    .clicked()
                {
                    answer = Some(EventFilesAnswer::Replace);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(EventFilesAnswer::Cancel);
                }
            });
        });
    answer
}

/// A path's file name, for short labels.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The part of a screenshot inside `rect` (in pixels) as PNG bytes.
pub fn png_of(image: &ColorImage, rect: egui::Rect) -> Result<Vec<u8>, String> {
    let [width, height] = image.size;
    let clamp = |v: f32, max: usize| (v.round().max(0.0) as usize).min(max);
    let (x0, y0) = (clamp(rect.min.x, width), clamp(rect.min.y, height));
    let (x1, y1) = (clamp(rect.max.x, width), clamp(rect.max.y, height));
    if x1 <= x0 || y1 <= y0 {
        return Err("the map is not on screen".into());
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for pixel in &image.pixels[y * width + x0..y * width + x1] {
            rgba.extend_from_slice(&pixel.to_srgba_unmultiplied());
        }
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, (x1 - x0) as u32, (y1 - y0) as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgba).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Color32;

    #[test]
    fn the_map_part_of_a_screenshot_becomes_a_png() {
        let mut image = ColorImage::filled([8, 6], Color32::WHITE);
        image.pixels[2 * 8 + 3] = Color32::from_rgb(200, 10, 20);
        let rect = egui::Rect::from_min_max(egui::pos2(3.0, 2.0), egui::pos2(7.0, 5.0));
        let bytes = png_of(&image, rect).expect("encodes");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut pixels).expect("a frame");
        assert_eq!((info.width, info.height), (4, 3));
        assert_eq!(
            &pixels[..4],
            &[200, 10, 20, 255],
            "the top-left pixel of the crop"
        );
        assert_eq!(&pixels[4..8], &[255, 255, 255, 255]);
        let off_screen = egui::Rect::from_min_max(egui::pos2(20.0, 20.0), egui::pos2(30.0, 30.0));
        assert!(png_of(&image, off_screen).is_err());
    }
}
