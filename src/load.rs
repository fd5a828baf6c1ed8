//! The one way files are loaded, for the app, `borderwatch check` and
//! `borderwatch export`: region layers first (the bundled five when none are
//! given or none loads), then event files placed in them (the bundled sample
//! when none are given), then the indexes. What to load is a [`Sources`];
//! which files failed is told by the readers' errors, never guessed from
//! messages. `check` keeps only counts of events, so it reads the regions
//! here and streams its events itself, opening them as the app does.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::data::events::EventCache;
use crate::data::events::cache::CacheWrites;
use crate::data::events::read::preview::TablePreview;
use crate::data::events::read::{ColumnMapping, SourceCatalog};
use crate::data::formats::{GisFormat, LayerUse, file_use, load_error};
use crate::data::json::strip_bom;
use crate::data::regions::{LayerRegions, bundled_layers, read_layer_paths};
use crate::data::{
    ContextLayer, Diagnostic, EventSetBuilder, LoadError, LoadProgress, Location, Problem, RegionSet,
};
use crate::dataset::Dataset;

/// The region layers at `paths` (`--regions`), or the bundled five when none
/// are given or none loads; layers that fail are left out and counted.
pub fn load_regions(paths: &[PathBuf]) -> LoadedRegions {
    load_region_sources(
        &Sources::new(paths, &[]).regions,
        None,
        &BTreeMap::new(),
        None,
        &BTreeMap::new(),
    )
}

/// The bundled context layer (an empty one, with a message, if it fails).
pub fn load_context(messages: &mut Vec<Diagnostic>) -> ContextLayer {
    ContextLayer::bundled().unwrap_or_else(|error| {
        messages.push(error.into());
        ContextLayer::default()
    })
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
    /// What the user said the event files' fields are (`--map`,
    /// `--date-order`, `--sources`).
    pub mapping: ColumnMapping,
    /// Columns chosen for one file in the window's Columns dialog, which
    /// take the place of `mapping` for that file.
    pub columns: BTreeMap<PathBuf, ColumnMapping>,
    /// The property naming a region layer file's regions, chosen in the
    /// window; in place of `mapping.name_field` for that file.
    pub name_fields: BTreeMap<PathBuf, String>,
}

impl Default for Sources {
    /// The bundled regions and the sample events.
    fn default() -> Self {
        Self {
            regions: vec![RegionSource::Bundled],
            events: vec![EventSource::Sample],
            mapping: ColumnMapping::default(),
            columns: BTreeMap::new(),
            name_fields: BTreeMap::new(),
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

    /// These sources reading the event files' fields as `mapping` says.
    pub fn with_mapping(mut self, mapping: ColumnMapping) -> Self {
        self.mapping = mapping;
        self
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
    /// How many files could not be loaded at all (with [`OnError::Skip`]).
    pub failed: usize,
    /// The event files read from disk, to keep in the cache (with
    /// [`load_sources_cached`]): written once the data is shown.
    pub cache_writes: CacheWrites,
}

/// A load that stopped before the end: the data shown before stays.
#[derive(Debug, Clone)]
pub struct LoadAborted {
    /// Every warning and error so far.
    pub messages: Vec<Diagnostic>,
    /// Whether the user cancelled it (rather than a file failing).
    pub cancelled: bool,
}

impl LoadAborted {
    /// A load that failed (not cancelled), with these messages.
    pub fn failed(messages: Vec<Diagnostic>) -> Self {
        Self {
            messages,
            cancelled: false,
        }
    }
}

/// The region layers of some sources, loaded into a set.
pub struct LoadedRegions {
    /// The regions, or the bundled ones when no layer loaded, knowing the
    /// land around them (for the coastal rule).
    pub regions: RegionSet,
    /// The muted map around them (the bundled context).
    pub context: ContextLayer,
    /// The sources that loaded.
    pub sources: Vec<RegionSource>,
    /// Every warning and error.
    pub messages: Vec<Diagnostic>,
    /// How many files could not be loaded at all.
    pub failed: usize,
}

/// Loads region layers in order. A source that fails is left out and
/// counted; when none loads, the bundled regions are used, with a warning if
/// files were named.
/// `name_field` is the property that names the regions (`--name-field`);
/// `name_fields` the one chosen for a file in the window, in its place;
/// `layer` the layer to read from files with several (`--layer`),
/// `chosen_layers` the one chosen for a file in the window.
pub fn load_region_sources(
    sources: &[RegionSource],
    name_field: Option<&str>,
    name_fields: &BTreeMap<PathBuf, String>,
    layer: Option<&str>,
    chosen_layers: &BTreeMap<PathBuf, ColumnMapping>,
) -> LoadedRegions {
    let mut messages = Vec::new();
    let mut failed = 0;
    let mut loaded = Vec::new();
    let mut layers: Vec<LayerRegions> = Vec::new();
    for source in sources {
        let read = match source {
            RegionSource::Bundled => bundled_layers().map_err(|error| messages.push(error.into())),
            RegionSource::File(path) => {
                let field = name_fields.get(path).map(String::as_str).or(name_field);
                let chosen = chosen_layers.get(path).and_then(|m| m.layer.as_deref()).or(layer);
                let read = read_layer_paths(std::slice::from_ref(path), field, chosen);
                messages.extend(read.messages);
                // A file that gives no layer (no polygons) has failed too.
                if read.failed == 0 && read.layers.is_empty() {
                    messages.push(Diagnostic::error(
                        Location::file(path.display().to_string()),
                        "no region layer could be read from it (no Polygon or MultiPolygon features)",
                    ));
                }
                if read.failed == 0 && !read.layers.is_empty() {
                    Ok(read.layers)
                } else {
                    Err(())
                }
            }
        };
        match read {
            Ok(read) => {
                layers.extend(read);
                loaded.push(source.clone());
            }
            Err(()) => failed += 1,
        }
    }
    if layers.is_empty() {
        if sources.iter().any(|s| matches!(s, RegionSource::File(_))) {
            messages.push(Diagnostic::warning(
                Location::file("--regions"),
                "no region layer could be loaded; showing the bundled regions",
            ));
        }
        loaded = vec![RegionSource::Bundled];
        layers = bundled_layers().unwrap_or_else(|error| {
            messages.push(error.into());
            Vec::new()
        });
    }
    let (regions, warnings) = RegionSet::from_layers(layers);
    messages.extend(warnings);
    let context = load_context(&mut messages);
    LoadedRegions {
        regions: regions.with_land(&context),
        context,
        sources: loaded,
        messages,
        failed,
    }
}

/// Loads every source: regions first, then events placed in them, then the
/// indexes. With [`OnError::Abort`] the first source that cannot be read
/// ends it with the messages so far; a cancel through `progress` always does.
pub fn load_sources(
    sources: &Sources,
    on_error: OnError,
    progress: Option<&LoadProgress>,
) -> Result<Loaded, LoadAborted> {
    load_sources_cached(sources, on_error, progress, None)
}

/// [`load_sources`], taking event files read before from `cache` when they
/// are unchanged, and keeping there those it reads (the window's loads).
pub fn load_sources_cached(
    sources: &Sources,
    on_error: OnError,
    progress: Option<&LoadProgress>,
    cache: Option<EventCache>,
) -> Result<Loaded, LoadAborted> {
    // Its texts in a file of their own, gone with the last of its events.
    crate::data::events::text_file::TextFile::begin_load();
    let LoadedRegions {
        regions,
        context,
        sources: region_sources,
        mut messages,
        mut failed,
    } = load_region_sources(
        &sources.regions,
        sources.mapping.name_field.as_deref(),
        &sources.name_fields,
        sources.mapping.layer.as_deref(),
        &sources.columns,
    );
    if failed > 0 && on_error == OnError::Abort {
        return Err(LoadAborted::failed(messages));
    }
    let mut loaded_sources = Sources {
        regions: region_sources,
        events: Vec::new(),
        mapping: sources.mapping.clone(),
        columns: sources.columns.clone(),
        name_fields: sources.name_fields.clone(),
    };
    let catalog = match load_catalog(&sources.mapping) {
        Ok(catalog) => catalog,
        Err(error) => {
            failed += 1;
            messages.push(error.into());
            if on_error == OnError::Abort {
                return Err(LoadAborted::failed(messages));
            }
            None
        }
    };
    let mut builder = EventSetBuilder::new(&regions)
        .with_mapping(sources.mapping.clone(), catalog)
        .with_cache(cache);
    for source in &sources.events {
        let result = match source {
            EventSource::Sample => builder.add_sample(progress),
            EventSource::File(path) => {
                let mapping = sources.columns.get(path).unwrap_or(&sources.mapping);
                builder.set_mapping(mapping.clone());
                builder.add_path(path, progress)
            }
        };
        match result {
            Ok(_) => loaded_sources.events.push(source.clone()),
            Err(error) => {
                failed += 1;
                let cancelled = matches!(error.problem, Problem::Cancelled);
                if on_error == OnError::Abort || cancelled {
                    messages.extend(builder.finish().1);
                    return Err(LoadAborted { messages, cancelled });
                }
            }
        }
    }
    let cache_writes = builder.take_cache_writes();
    let (events, event_messages, spatial) = builder.finish_with_spatial();
    messages.extend(event_messages);
    Ok(Loaded {
        dataset: Dataset::with_stored_index(regions, context, events, spatial),
        sources: loaded_sources,
        messages,
        failed,
        cache_writes,
    })
}

/// The TimeMap sources file `mapping` names (`--sources`), read once for
/// every event file of a load.
pub fn load_catalog(mapping: &ColumnMapping) -> Result<Option<Arc<SourceCatalog>>, LoadError> {
    match &mapping.timemap_sources {
        Some(path) => SourceCatalog::read_path(path).map(|catalog| Some(Arc::new(catalog))),
        None => Ok(None),
    }
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
    let first_non_space = strip_bom(head).iter().find(|b| !b.is_ascii_whitespace());
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

/// [`sniff`] on the file at `path`, with the layers of that kind a GIS file
/// holds (empty for other files): a GIS file (GeoPackage, KML, Shapefile,
/// Parquet) is judged by its layers, events when it has points. What opening
/// a file in the window decides from, and asks about when there are several
/// layers, from one read of the file.
pub fn sniff_path(path: &Path) -> Result<(FileKind, Vec<String>), LoadError> {
    let name = path.display().to_string();
    if let Some(format) = GisFormat::of(path) {
        let (wanted, layers) = file_use(path, format).map_err(|e| load_error(&name, format, e))?;
        let kind = match wanted {
            LayerUse::Events => FileKind::Events,
            LayerUse::Regions => FileKind::Regions,
        };
        return Ok((kind, layers));
    }
    let io = |error: std::io::Error| LoadError::new(Location::file(&name), Problem::Io(error.to_string()));
    let file = std::fs::File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64).read_to_end(&mut head).map_err(io)?;
    Ok((sniff(&head), Vec::new()))
}

/// How many of a preview's rows would load as events under `mapping`, and
/// the first problem of a row that would not: the Columns dialog's live
/// count. `file` names the file (its extension decides how it is split).
pub fn count_loadable(
    regions: &RegionSet,
    file: &str,
    preview: &TablePreview,
    mapping: &ColumnMapping,
) -> (usize, Option<String>) {
    let mut builder = EventSetBuilder::new(regions).with_mapping(mapping.clone(), None);
    let loaded = match builder.add_reader(file, None, preview.text.as_bytes(), None) {
        Ok(_) => builder.len(),
        Err(_) => 0,
    };
    let problem = builder
        .messages()
        .iter()
        .find(|m| m.severity == crate::data::Severity::Error)
        .map(|m| m.message.clone());
    (loaded, problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Severity;

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
            Err(aborted) => aborted.messages,
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
        let aborted = result.err().expect("cancelled");
        assert!(aborted.cancelled);
        let messages = aborted.messages;
        assert!(
            messages.iter().any(|m| m.message.contains("cancelled")),
            "{messages:?}"
        );
    }
}
