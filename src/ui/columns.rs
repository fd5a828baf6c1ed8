//! The app's side of the Columns dialog: opening it on a table, loading the
//! table with the columns chosen, and drawing it while open.

use std::path::{Path, PathBuf};

use super::app::BorderwatchApp;
use super::columns_dialog::ColumnsDialog;
use super::files::file_name;
use crate::data::events::read::ColumnMapping;
use crate::data::{Diagnostic, Location};

impl BorderwatchApp {
    /// Opens the Columns dialog on the table at `path`, with the columns
    /// chosen for it before (or the command line's); a file that cannot be
    /// previewed is reported instead.
    pub fn open_columns(&mut self, path: &Path) {
        let sources = self.loader.sources();
        let mapping = sources.columns.get(path).unwrap_or(&sources.mapping).clone();
        match ColumnsDialog::open(path, mapping) {
            Ok(dialog) => self.columns = Some(dialog),
            Err(error) => {
                let message = Diagnostic::error(Location::file(file_name(path)), error);
                self.report_failure(vec![message], "Columns");
            }
        }
    }

    /// The Columns dialog, while open.
    pub fn columns_dialog(&mut self) -> Option<&mut ColumnsDialog> {
        self.columns.as_mut()
    }

    /// Closes the dialog and loads the table at `path` with `mapping`.
    pub(super) fn load_with_columns(&mut self, path: PathBuf, mapping: ColumnMapping) {
        self.columns = None;
        self.loader.open_with_columns(path, mapping, self.ctx.as_ref());
    }

    /// Draws the dialog while it is open.
    pub(super) fn columns_window(&mut self, ctx: &egui::Context) {
        if let Some(dialog) = &mut self.columns {
            let intent = dialog.show(ctx, &self.data.regions);
            self.apply_some(intent);
        }
    }
}
