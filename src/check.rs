//! `borderwatch check`: loads event files exactly as the app does (the same
//! readers, region placement, duplicate rules and filter) but keeps of each
//! event only its id, origin and region, so a file of a million events is
//! checked in a fraction of the memory the app needs for it. Reports per
//! region, then every warning and error.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::data::events::id::IdRegistry;
use crate::data::events::merge::{Keyed, merge_file};
use std::sync::Arc;

use crate::data::events::read::{ColumnMapping, ReadContext, SourceCatalog, read_event_path};
use crate::data::grouped::group_messages;
use crate::data::{Categories, CategoryId, Diagnostic, EventOrigin, RegionSet, Severity};
use crate::load::{LoadedRegions, Sources, load_catalog, load_region_sources};
use crate::query::{CompiledFilter, EventFilter};

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// `--regions` files or folders; empty for the bundled five.
    pub regions: Vec<PathBuf>,
    /// Event files.
    pub events: Vec<PathBuf>,
    /// Which events to count as shown.
    pub filter: EventFilter,
    /// What the event files' fields are (`--map`, `--date-order`, `--sources`).
    pub mapping: ColumnMapping,
}

/// Events of one region in the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegionCount {
    /// Region id, e.g. `rostov`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Events in it that pass the filter.
    pub events: usize,
    /// Events in it, unfiltered.
    pub total: usize,
}

/// The result of a check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckReport {
    /// Events loaded (after duplicates were replaced), unfiltered.
    pub loaded: usize,
    /// Records rejected.
    pub rejected: usize,
    /// Events outside every tracked region that pass the filter.
    pub outside: usize,
    /// Notional events that pass the filter: statements and policies whose
    /// point is only a stand-in, counted in no region.
    pub notional: usize,
    /// Events that pass the filter.
    pub matched: usize,
    /// The filter, in words (empty when there is none).
    pub filter: String,
    /// Per region.
    pub regions: Vec<RegionCount>,
    /// Every warning and error, in load order.
    pub messages: Vec<Diagnostic>,
    /// Files that could not be loaded at all.
    #[serde(skip)]
    pub failed_files: usize,
    /// Files that have records but gave no event (every record rejected).
    pub files_without_events: usize,
}

/// What the check keeps of an event: enough to count it and to merge
/// duplicates as the app does.
struct Counted {
    id: Box<str>,
    origin: EventOrigin,
    region: Option<u32>,
    notional: bool,
    category: CategoryId,
    /// Passes every part of the filter but the category, which is resolved
    /// once all category names are known.
    passes_but_category: bool,
}

impl Keyed for Counted {
    fn id(&self) -> &str {
        &self.id
    }
    fn origin(&self) -> EventOrigin {
        self.origin
    }
}

/// Runs the check.
pub fn run_check(options: &CheckOptions) -> CheckReport {
    let LoadedRegions {
        regions,
        messages,
        mut failed,
        ..
    } = load_region_sources(
        &Sources::new(&options.regions, &[]).regions,
        options.mapping.name_field.as_deref(),
        &std::collections::BTreeMap::new(),
        options.mapping.layer.as_deref(),
        &std::collections::BTreeMap::new(),
    );
    let mut messages = messages;
    let catalog = load_catalog(&options.mapping).unwrap_or_else(|error| {
        failed += 1;
        messages.push(error.into());
        None
    });
    let categories = Categories::default();
    let mut tally = Tally {
        filter: options.filter.compile(&categories, &regions),
        categories,
        registry: IdRegistry::default(),
        slots: Vec::new(),
        rejected: 0,
        messages,
        failed_files: failed,
        files_without_events: 0,
        mapping: &options.mapping,
        catalog,
    };
    for (file_index, path) in options.events.iter().enumerate() {
        tally.add_file(&regions, file_index, path);
    }
    let mut report = build_report(
        &regions,
        tally.slots,
        tally.rejected,
        tally.messages,
        tally.failed_files,
        &options.filter,
        &tally.filter,
    );
    report.files_without_events = tally.files_without_events;
    report
}

/// What the check has counted so far, file by file.
struct Tally<'m> {
    categories: Categories,
    filter: CompiledFilter,
    registry: IdRegistry,
    slots: Vec<Counted>,
    rejected: usize,
    messages: Vec<Diagnostic>,
    failed_files: usize,
    files_without_events: usize,
    mapping: &'m ColumnMapping,
    catalog: Option<Arc<SourceCatalog>>,
}

impl Tally<'_> {
    /// Reads one event file and merges its events by id, as the app does.
    fn add_file(&mut self, regions: &RegionSet, file_index: usize, path: &Path) {
        let name = path.display().to_string();
        // As in the app, a file that fails adds nothing, not even categories.
        let mut file_categories = self.categories.clone();
        let mut staged = Vec::new();
        let mut hashes = Vec::new();
        let mut file_messages = Vec::new();
        let filter = &self.filter;
        let result = read_event_path(
            path,
            ReadContext {
                regions,
                file_index: file_index as u32,
                categories: &mut file_categories,
                progress: None,
                mapping: self.mapping,
                catalog: self.catalog.clone(),
            },
            |batch| {
                for event in batch.parts.into_iter().flatten() {
                    staged.push(Counted {
                        id: event.id().into(),
                        origin: event.origin,
                        region: event.region(),
                        notional: event.is_notional(),
                        category: event.category,
                        passes_but_category: filter.matches_except_category(&event),
                    });
                }
                hashes.extend(batch.id_hashes.into_iter().flatten());
                file_messages.extend(batch.messages);
            },
        );
        match result.map(|(_, summary)| summary) {
            Ok(summary) => {
                self.rejected += summary.rejected;
                if summary.records > 0 && summary.rejected == summary.records {
                    self.files_without_events += 1;
                    file_messages.push(Diagnostic::error(
                        crate::data::Location::file(&name),
                        format!(
                            "no event loaded: all {} records were rejected (see the messages below; --map and --date-order may help)",
                            crate::data::grouped::thousands(summary.records)
                        ),
                    ));
                }
                self.categories = file_categories;
                self.filter.learn_categories(&self.categories);
                file_messages.extend(merge_file(
                    &mut self.registry,
                    &mut self.slots,
                    staged,
                    (hashes, false),
                    &name,
                    &summary,
                ));
                // In record order, as the app lists them.
                file_messages.sort_by_key(|m| (m.location.record, m.location.line));
                self.messages.extend(file_messages);
            }
            Err(error) => {
                self.failed_files += 1;
                self.messages.push(error.into());
            }
        }
    }
}

fn build_report(
    regions: &RegionSet,
    slots: Vec<Counted>,
    rejected: usize,
    messages: Vec<Diagnostic>,
    failed_files: usize,
    filter: &EventFilter,
    compiled: &CompiledFilter,
) -> CheckReport {
    let mut counts: Vec<RegionCount> = regions
        .regions()
        .iter()
        .map(|r| RegionCount {
            id: r.id.to_string(),
            name: r.name.clone(),
            events: 0,
            total: 0,
        })
        .collect();
    let mut outside = 0;
    let mut notional = 0;
    let mut matched = 0;
    for slot in &slots {
        let matches = slot.passes_but_category && compiled.category_passes(slot.category);
        let count = slot.region.and_then(|r| counts.get_mut(r as usize));
        match count {
            None if slot.notional => notional += usize::from(matches),
            Some(count) => {
                count.total += 1;
                if matches {
                    count.events += 1;
                }
            }
            None if matches => outside += 1,
            None => {}
        }
        if matches {
            matched += 1;
        }
    }
    CheckReport {
        loaded: slots.len(),
        rejected,
        outside,
        notional,
        matched,
        filter: filter.describe(),
        regions: counts,
        messages,
        failed_files,
        files_without_events: 0,
    }
}

/// The report's row for notional events.
const NOTIONAL_ROW: &str = "Not placed (notional)";

impl CheckReport {
    /// 0 when every file loaded (rejected records and warnings allowed), 1
    /// when a file (events or `--regions`) could not be loaded or a file
    /// with records gave no event.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.failed_files > 0 || self.files_without_events > 0)
    }

    /// The report as text: a table of regions, a summary line, then every
    /// message on its own line.
    pub fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        let width = self
            .regions
            .iter()
            .map(|r| r.name.chars().count())
            .chain(["Outside tracked regions".len(), NOTIONAL_ROW.len()])
            .max()
            .unwrap_or(0);
        writeln!(out, "{:width$}  events", "region")?;
        for region in &self.regions {
            writeln!(out, "{:width$}  {:>6}", region.name, region.events)?;
        }
        writeln!(out, "{:width$}  {:>6}", "Outside tracked regions", self.outside)?;
        writeln!(out, "{:width$}  {:>6}", NOTIONAL_ROW, self.notional)?;
        let filtered = if self.filter.is_empty() {
            String::new()
        } else {
            format!(", {} match the filter ({})", self.matched, self.filter)
        };
        let errors = self
            .messages
            .iter()
            .filter(|m| m.severity == Severity::Error)
            .count();
        let count = |severity| self.messages.iter().filter(|m| m.severity == severity).count();
        let warnings = count(Severity::Warning);
        let notes = match count(Severity::Info) {
            0 => String::new(),
            1 => ", 1 note".to_string(),
            n => format!(", {n} notes"),
        };
        writeln!(
            out,
            "{} event{} loaded{filtered}; {} record{} rejected; {} file{} could not be loaded; {errors} error{}, {warnings} warning{}{notes}",
            self.loaded,
            if self.loaded == 1 { "" } else { "s" },
            self.rejected,
            if self.rejected == 1 { "" } else { "s" },
            self.failed_files,
            if self.failed_files == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        )?;
        // The same problem in many records is one line; --format json lists each.
        for group in group_messages(&self.messages) {
            writeln!(out, "{group}")?;
        }
        Ok(())
    }
}
