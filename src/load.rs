//! Loading what the command line names, the same way for the app and for
//! `borderwatch check`: region layers (the bundled five when none are given
//! or none loads) and event files (the bundled sample when none are given);
//! and the [`Sources`] the app shows, loaded together into a [`Dataset`].

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::data::bundled::{SAMPLE_EVENTS, SAMPLE_EVENTS_NAME};
use crate::data::region::{bundled_layers, read_layer_paths};
use crate::data::{
    ContextLayer, Diagnostic, EventSet, EventSetBuilder, LoadError, LoadProgress, Location, Problem,
    RegionSet, Severity,
};
use crate::dataset::Dataset;

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

/// Where a region layer comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSource {
    /// The five layers compiled into the program.
    Bundled,
    /// A GeoJSON file, or a folder of them.
    File(PathBuf),
}

/// Where events come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSource {
    /// The sample compiled into the program.
    Sample,
    /// An event file (JSON, GeoJSON, CSV, ACLED).
    File(PathBuf),
}

/// Everything the app shows comes from these, in order. Loading them all
/// again gives the same data, which is how a changed file is reloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// Region layers, in drawing order.
    pub regions: Vec<RegionSource>,
    /// Event files; a later file's event replaces an earlier one with its id.
    pub events: Vec<EventSource>,
}

impl Default for Sources {
    /// The bundled regions and the sample events.
    fn default() -> Self {
        Self {
            regions: vec![RegionSource::Bundled],
            events: vec![EventSource::Sample],
        }
    }
}

impl Sources {
    /// What the command line names, with the bundled data for what it leaves out.
    pub fn new(regions: &[PathBuf], events: &[PathBuf]) -> Self {
        let mut sources = Self::default();
        if !regions.is_empty() {
            sources.regions = regions.iter().cloned().map(RegionSource::File).collect();
        }
        if !events.is_empty() {
            sources.events = events.iter().cloned().map(EventSource::File).collect();
        }
        sources
    }

    /// The files on disk, regions first (what to watch for changes).
    pub fn files(&self) -> Vec<PathBuf> {
        let regions = self.regions.iter().filter_map(|s| match s {
            RegionSource::File(path) => Some(path.clone()),
            RegionSource::Bundled => None,
        });
        let events = self.events.iter().filter_map(|s| match s {
            EventSource::File(path) => Some(path.clone()),
            EventSource::Sample => None,
        });
        regions.chain(events).collect()
    }

    /// Whether `path` is one of the sources.
    pub fn contains(&self, path: &Path) -> bool {
        self.files().iter().any(|p| p == path)
    }

    /// Adds a region layer (once).
    pub fn add_regions(&mut self, path: PathBuf) {
        let source = RegionSource::File(path);
        if !self.regions.contains(&source) {
            self.regions.push(source);
        }
    }

    /// Adds an event file after the others (once), so its events win ties of id.
    pub fn add_events(&mut self, path: PathBuf) {
        let source = EventSource::File(path);
        self.events.retain(|s| *s != source);
        self.events.push(source);
    }

    /// Shows only these event files' events.
    pub fn replace_events(&mut self, paths: Vec<PathBuf>) {
        self.events = paths.into_iter().map(EventSource::File).collect();
    }
}

/// What to do when a source cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Leave it out and load the rest (at start-up: show what can be shown).
    Skip,
    /// Give up, so that the data already shown stays (opening and reloading).
    Abort,
}

/// Sources loaded into a dataset.
pub struct Loaded {
    /// The data and its indexes.
    pub dataset: Dataset,
    /// The sources that loaded (with [`OnError::Skip`], those that failed are left out).
    pub sources: Sources,
    /// Every warning and error.
    pub messages: Vec<Diagnostic>,
}

/// Loads every source: regions first, then events placed in them, then the
/// indexes. With [`OnError::Abort`] the first source that cannot be read
/// (or a cancel through `progress`) ends it with the messages so far.
pub fn load_sources(
    sources: &Sources,
    on_error: OnError,
    progress: Option<&LoadProgress>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let mut messages = Vec::new();
    let mut loaded_sources = Sources {
        regions: Vec::new(),
        events: Vec::new(),
    };
    let failed = |messages: &[Diagnostic], from: usize| {
        messages[from..]
            .iter()
            .any(|m| m.severity == Severity::Error && m.location.record.is_none())
    };
    let mut layers = Vec::new();
    for source in &sources.regions {
        let from = messages.len();
        let read = match source {
            RegionSource::Bundled => match bundled_layers() {
                Ok(read) => read,
                Err(error) => {
                    messages.push(error.into());
                    Vec::new()
                }
            },
            RegionSource::File(path) => {
                let (read, found) = read_layer_paths(std::slice::from_ref(path));
                messages.extend(found);
                read
            }
        };
        if failed(&messages, from) {
            if on_error == OnError::Abort {
                return Err(messages);
            }
            continue;
        }
        layers.extend(read);
        loaded_sources.regions.push(source.clone());
    }
    let regions = if layers.is_empty() {
        if sources.regions.iter().any(|s| matches!(s, RegionSource::File(_))) {
            messages.push(Diagnostic::warning(
                Location::file("--regions"),
                "no region layer could be loaded; showing the bundled regions",
            ));
        }
        loaded_sources.regions = vec![RegionSource::Bundled];
        let (regions, bundled_messages) = load_regions(&[]);
        messages.extend(bundled_messages);
        regions
    } else {
        let (regions, warnings) = RegionSet::from_layers(layers);
        messages.extend(warnings);
        regions
    };
    let mut builder = EventSetBuilder::new(&regions);
    for source in &sources.events {
        let result = match source {
            EventSource::Sample => {
                builder.add_reader(SAMPLE_EVENTS_NAME, None, SAMPLE_EVENTS.as_bytes(), progress)
            }
            EventSource::File(path) => builder.add_path(path, progress),
        };
        match result {
            Ok(_) => loaded_sources.events.push(source.clone()),
            Err(error) => {
                let cancelled = matches!(error.problem, Problem::Cancelled);
                if on_error == OnError::Abort || cancelled {
                    messages.extend(builder.finish().1);
                    return Err(messages);
                }
            }
        }
    }
    let (events, event_messages) = builder.finish();
    messages.extend(event_messages);
    let context = load_context(&mut messages);
    Ok(Loaded {
        dataset: Dataset::new(regions, context, events),
        sources: loaded_sources,
        messages,
    })
}

/// What a file holds, judged from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Polygons: a region layer.
    Regions,
    /// Records or points: events.
    Events,
}

/// How much of a file [`sniff`] reads.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Whether the start of a file is a region layer (its first geometry is a
/// Polygon or MultiPolygon) or events (anything else: records, points, CSV).
pub fn sniff(head: &[u8]) -> FileKind {
    let first_non_space = head
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    if first_non_space != Some(&b'{') {
        return FileKind::Events;
    }
    // The first `"type": "<geometry>"` member decides; other members naming
    // a geometry type (a property called "Polygon") do not.
    let mut rest = head;
    while let Some(at) = memchr::memmem::find(rest, b"\"type\"") {
        rest = &rest[at + 6..];
        let value = rest.trim_ascii_start();
        let Some(value) = value.strip_prefix(b":") else {
            continue;
        };
        let value = value.trim_ascii_start();
        if value.starts_with(b"\"Polygon\"") || value.starts_with(b"\"MultiPolygon\"") {
            return FileKind::Regions;
        }
        if value.starts_with(b"\"Point\"") || value.starts_with(b"\"MultiPoint\"") {
            return FileKind::Events;
        }
    }
    FileKind::Events
}

/// [`sniff`] on the file at `path`.
pub fn sniff_path(path: &Path) -> Result<FileKind, LoadError> {
    let name = path.display().to_string();
    let io = |error: std::io::Error| LoadError::new(Location::file(&name), Problem::Io(error.to_string()));
    let file = std::fs::File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64).read_to_end(&mut head).map_err(io)?;
    Ok(sniff(&head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("temp file");
        path
    }

    const POLYGON: &str = r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"name": "Square"}, "geometry": {"type": "Polygon",
        "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}}]}"#;
    const EVENTS: &str = r#"[{"id": "e1", "title": "t", "date": "2020-01-01", "lat": 50.5, "lon": 30.5}]"#;

    #[test]
    fn sniffing_tells_layers_from_events() {
        assert_eq!(sniff(POLYGON.as_bytes()), FileKind::Regions);
        assert_eq!(sniff(EVENTS.as_bytes()), FileKind::Events);
        assert_eq!(sniff(b"id,title,date,lat,lon\n"), FileKind::Events);
        let points = r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"kind": "Polygon"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}"#;
        assert_eq!(sniff(points.as_bytes()), FileKind::Events);
        let multi = "\u{feff}{\"type\": \"Feature\", \"geometry\": {\"type\": \"MultiPolygon\"}}";
        assert_eq!(sniff(multi.as_bytes()), FileKind::Regions);
        assert_eq!(sniff(b""), FileKind::Events);
    }

    #[test]
    fn sources_load_in_order_and_a_broken_one_aborts_or_is_skipped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let layer = write(dir.path(), "My Squares.geojson", POLYGON);
        let events = write(dir.path(), "events.json", EVENTS);
        let broken = write(dir.path(), "broken.json", "[{\"id\": ");
        let mut sources = Sources::default();
        sources.add_regions(layer.clone());
        sources.replace_events(vec![events.clone()]);
        let loaded = load_sources(&sources, OnError::Abort, None).expect("loads");
        assert_eq!(loaded.sources, sources);
        let regions = &loaded.dataset.regions;
        assert_eq!(regions.layers().len(), 6, "five bundled layers and the new one");
        assert_eq!(regions.layers()[5].id, "my-squares");
        let square = regions.index_of("my-squares").expect("the square is a region");
        assert_eq!(loaded.dataset.events.len(), 1);
        assert_eq!(loaded.dataset.columns.region(0), Some(square as u32));

        sources.add_events(broken.clone());
        let messages = match load_sources(&sources, OnError::Abort, None) {
            Ok(_) => panic!("a broken file aborts"),
            Err(messages) => messages,
        };
        assert!(
            messages
                .iter()
                .any(|m| m.to_string().starts_with(&format!("{}:1:", broken.display()))),
            "{messages:?}"
        );
        let loaded = load_sources(&sources, OnError::Skip, None).expect("skips the broken file");
        assert_eq!(loaded.sources.events, vec![EventSource::File(events)]);
        assert_eq!(loaded.dataset.events.len(), 1);
        assert!(loaded.messages.iter().any(|m| m.severity == Severity::Error));
    }

    #[test]
    fn a_cancelled_load_gives_up() {
        let progress = LoadProgress::default();
        progress.cancel();
        let result = load_sources(&Sources::default(), OnError::Skip, Some(&progress));
        let messages = result.err().expect("cancelled");
        assert!(
            messages.iter().any(|m| m.message.contains("cancelled")),
            "{messages:?}"
        );
    }
}
