//! The Columns dialog, after QGIS's delimited-text dialog: the first rows of
//! a table, a column picked for each of latitude, longitude, date and title,
//! the date order, and a live count of the preview rows that would load.

use std::io::Read;
use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::files::file_name;
use super::intent::PanelIntent;
use crate::data::RegionSet;
use crate::data::events::DateOrder;
use crate::data::events::read::features::preview_features;
use crate::data::events::read::preview::{TablePreview, preview_table};
use crate::data::events::read::{ColumnMapping, Role};
use crate::data::formats::GisFormat;
use crate::load::count_loadable;

/// How much of the file the dialog reads.
const HEAD_BYTES: u64 = 256 * 1024;

/// Rows read for the preview and the count.
const PREVIEW_ROWS: usize = 500;

/// Rows shown in the preview grid.
const SHOWN_ROWS: usize = 8;

/// The roles the dialog picks a column for.
const ROLES: [(Role, &str); 4] = [
    (Role::Lat, "Latitude"),
    (Role::Lon, "Longitude"),
    (Role::Date, "Date"),
    (Role::Title, "Title"),
];

/// The dialog's state for one file.
pub struct ColumnsDialog {
    path: PathBuf,
    preview: TablePreview,
    mapping: ColumnMapping,
    /// Preview rows that would load under `mapping`, and the first problem
    /// of one that would not; `None` until counted.
    loadable: Option<(usize, Option<String>)>,
}

impl ColumnsDialog {
    /// Reads the head of the table at `path`, starting from `mapping` (the
    /// columns chosen before, or the command line's).
    pub fn open(path: &Path, mapping: ColumnMapping) -> Result<Self, String> {
        let name = file_name(path);
        if GisFormat::of(path).is_some() {
            let preview = preview_features(path, mapping.layer.as_deref(), PREVIEW_ROWS)?;
            return Ok(Self {
                path: path.to_path_buf(),
                preview,
                mapping,
                loadable: None,
            });
        }
        let mut head = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(HEAD_BYTES).read_to_end(&mut head))
            .map_err(|error| format!("{name}: {error}"))?;
        let preview = preview_table(&name, &head, PREVIEW_ROWS)
            .ok_or_else(|| format!("{name}: not a delimited table (CSV or TSV); JSON files take --map"))?;
        Ok(Self {
            path: path.to_path_buf(),
            preview,
            mapping,
            loadable: None,
        })
    }

    /// The column chosen for `role`, if one was.
    pub fn column(&self, role: Role) -> Option<&str> {
        self.mapping
            .fields
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, field)| field.as_str())
    }

    /// Chooses `column` for `role` (`None`: recognised by name).
    pub fn choose(&mut self, role: Role, column: Option<String>) {
        self.mapping.fields.retain(|(r, _)| *r != role);
        if let Some(column) = column {
            self.mapping.fields.push((role, column));
        }
        self.loadable = None;
    }

    /// How many of the preview's rows would load now, and the first
    /// problem of a row that would not.
    pub fn loadable(&mut self, regions: &RegionSet) -> &(usize, Option<String>) {
        self.loadable.get_or_insert_with(|| {
            count_loadable(regions, &file_name(&self.path), &self.preview, &self.mapping)
        })
    }

    /// Draws the window; `Load` and `Cancel` are asked for.
    pub fn show(&mut self, ctx: &egui::Context, regions: &RegionSet) -> Option<PanelIntent> {
        let mut intent = None;
        let mut open = true;
        egui::Window::new(format!("Columns — {}", file_name(&self.path)))
            .open(&mut open)
            .default_width(620.0)
            .show(ctx, |ui| {
                self.preview_grid(ui);
                ui.separator();
                self.pickers(ui);
                ui.separator();
                let rows = self.preview.rows.len();
                let (loadable, problem) = self.loadable(regions).clone();
                ui.label(format!("{loadable} of the first {rows} rows would load"));
                if let Some(problem) = problem {
                    ui.add(
                        egui::Label::new(RichText::new(format!("First problem: {problem}")).weak()).wrap(),
                    );
                }
                ui.horizontal(|ui| {
                    if ui.button("Load").clicked() {
                        intent = Some(PanelIntent::LoadWithColumns(
                            self.path.clone(),
                            self.mapping.clone(),
                        ));
                    }
                    if ui.button("Cancel").clicked() {
                        intent = Some(PanelIntent::CloseColumns);
                    }
                });
            });
        if !open {
            intent = Some(PanelIntent::CloseColumns);
        }
        intent
    }

    fn preview_grid(&self, ui: &mut Ui) {
        egui::ScrollArea::both().max_height(180.0).show(ui, |ui| {
            egui::Grid::new("columns-preview").striped(true).show(ui, |ui| {
                for header in &self.preview.headers {
                    ui.label(RichText::new(header).strong());
                }
                ui.end_row();
                for row in self.preview.rows.iter().take(SHOWN_ROWS) {
                    for cell in row {
                        ui.label(cell);
                    }
                    ui.end_row();
                }
            });
        });
    }

    fn pickers(&mut self, ui: &mut Ui) {
        egui::Grid::new("columns-pickers").num_columns(1).show(ui, |ui| {
            for (role, label) in ROLES {
                let current = self.column(role).map(str::to_string);
                let mut chosen = current.clone();
                egui::ComboBox::new(("column", label), label)
                    .selected_text(current.as_deref().unwrap_or("(by name)"))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, "(by name)");
                        for header in &self.preview.headers {
                            ui.selectable_value(&mut chosen, Some(header.clone()), header);
                        }
                    });
                if chosen != current {
                    self.choose(role, chosen);
                }
                ui.end_row();
            }
            ui.horizontal(|ui| {
                ui.label("Dates like 03/04/2022:");
                let mut order = self.mapping.date_order;
                ui.radio_value(&mut order, None, "decide from the values");
                ui.radio_value(&mut order, Some(DateOrder::Dmy), "day first");
                ui.radio_value(&mut order, Some(DateOrder::Mdy), "month first");
                if order != self.mapping.date_order {
                    self.mapping.date_order = order;
                    self.loadable = None;
                }
            });
            ui.end_row();
        });
    }
}
