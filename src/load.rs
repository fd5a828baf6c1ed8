//! Loading what the command line names, the same way for the app and for
//! `borderwatch check`: region layers (the bundled five when none are given
//! or none loads) and event files (the bundled sample when none are given).

use std::path::PathBuf;

use crate::data::{ContextLayer, Diagnostic, EventSet, EventSetBuilder, LoadProgress, Location, RegionSet};

/// The region layers named by `--regions`, or the bundled five; with every
/// message about them.
pub fn load_regions(paths: &[PathBuf]) -> (RegionSet, Vec<Diagnostic>) {
    let mut messages = Vec::new();
    if !paths.is_empty() {
        let (loaded, found) = RegionSet::load_paths(paths);
        messages.extend(found);
        match loaded {
            Some(set) => return (set, messages),
            None => messages.push(Diagnostic::warning(
                Location::file("--regions"),
                "no region layer could be loaded; showing the bundled regions",
            )),
        }
    }
    let set = RegionSet::bundled().unwrap_or_else(|error| {
        messages.push(error.into());
        RegionSet::from_layers(Vec::new()).0
    });
    (set, messages)
}

/// The bundled context layer (an empty one, with a message, if it fails).
pub fn load_context(messages: &mut Vec<Diagnostic>) -> ContextLayer {
    ContextLayer::bundled().unwrap_or_else(|error| {
        messages.push(error.into());
        ContextLayer::default()
    })
}

/// The event files named by `--events`, or the bundled sample; with every
/// message about them. Files that fail are skipped (their error is among the
/// messages); the others load.
pub fn load_events(
    regions: &RegionSet,
    paths: &[PathBuf],
    progress: Option<&LoadProgress>,
) -> (EventSet, Vec<Diagnostic>) {
    if paths.is_empty() {
        return match EventSet::bundled(regions) {
            Ok(set) => (set, Vec::new()),
            Err(error) => (EventSet::default(), vec![error.into()]),
        };
    }
    let mut builder = EventSetBuilder::new(regions);
    for path in paths {
        // A failed file's error is kept among the builder's messages.
        let _ = builder.add_path(path, progress);
    }
    builder.finish()
}
