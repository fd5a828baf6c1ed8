//! What every event reader shares: the progress a load reports, the batches
//! of events it hands out in file order, what it found in a whole file, and
//! the joining of the parallel tasks' outputs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::data::events::mapping::ColumnMapping;
use crate::data::events::sources_file::SourceCatalog;

use crate::data::container::Container;
use crate::data::diagnostic::Diagnostic;
use crate::data::events::cache_spatial::SpatialOrder;
use crate::data::events::category::{Categories, CategoryId};
use crate::data::events::event::{Event, TextLayout};
use crate::data::events::id::id_hash;
use crate::data::regions::RegionSet;

/// Which field names the records of a file use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// borderwatch's own (see docs/events.md).
    Native,
    /// ACLED's export columns (`event_id_cnty`, `event_date`, ...).
    Acled,
}

impl Flavour {
    /// The flavour of a file's records, from its container and first record.
    pub fn detect(container: Container, first_record: &[u8]) -> Self {
        let acled = memchr::memmem::find(first_record, b"\"event_id_cnty\"").is_some();
        match container {
            Container::Data => Self::Acled,
            Container::Features => Self::Native,
            _ if acled => Self::Acled,
            _ => Self::Native,
        }
    }
}

/// Shared between a load and whoever watches it: how far it got, and a way
/// to stop it.
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub bytes: AtomicU64,
    total_bytes: AtomicU64,
    pub records: AtomicU64,
    cancel: AtomicBool,
}

impl LoadProgress {
    /// Bytes read so far (across files).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Bytes to read in all, when known (0 otherwise).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes.load(Ordering::Relaxed)
    }

    /// Records read so far.
    pub fn records(&self) -> u64 {
        self.records.load(Ordering::Relaxed)
    }

    /// Adds to the bytes expected in all.
    pub fn expect_bytes(&self, bytes: u64) {
        self.total_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Asks the load to stop at the next block.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Events read from one block of a file, in file order.
#[derive(Debug, Default)]
pub struct EventBatch {
    /// The usable records in file order, in the runs the parallel tasks
    /// made (each with its texts in one block).
    pub parts: Vec<Vec<Event>>,
    /// The hash of each event's id ([`id_hash`]), part by part: made while
    /// the id is at hand, for merging the file by id.
    pub id_hashes: Vec<Vec<u128>>,
    /// Rejected records and warnings.
    pub messages: Vec<Diagnostic>,
    /// How many records were rejected.
    pub rejected: usize,
    /// The bytes of the file its records took, when the reader knows them
    /// (0 otherwise): with the file's size, how many events the whole file
    /// will hold.
    pub bytes: u64,
}

impl EventBatch {
    /// A batch of messages only (no events).
    pub fn messages(messages: Vec<Diagnostic>) -> Self {
        Self {
            messages,
            ..Self::default()
        }
    }
}

/// A file read but not yet merged into the set: what the event cache keeps
/// (`crate::data::events::cache`).
#[derive(Debug, Clone, PartialEq)]
pub struct FileRead {
    /// Its usable records, in file order.
    pub events: Vec<Event>,
    /// The hash of each event's id, for the merge (empty: the merge makes them).
    pub id_hashes: Vec<u128>,
    /// Whether its ids are known to differ from each other, so the merge
    /// need not check: true for an event cache entry, which is written only
    /// for a file whose every event was kept.
    pub ids_distinct: bool,
    /// Rejected records and warnings.
    pub messages: Vec<Diagnostic>,
    /// What reading it found.
    pub summary: FileSummary,
    /// The load's categories with the file's own added.
    pub categories: Categories,
    /// The map's spatial index of its events, kept by the event cache when
    /// the file was loaded alone (`None` when read from the file).
    pub spatial: Option<SpatialOrder>,
}

/// What reading a whole file found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSummary {
    /// Records in the file.
    pub records: usize,
    /// Records rejected.
    pub rejected: usize,
    /// Where the records were.
    pub container: Container,
}

/// What the reader needs besides the bytes.
pub struct ReadContext<'a> {
    /// Regions events are placed in.
    pub regions: &'a RegionSet,
    /// Index recorded in each event's origin.
    pub file_index: u32,
    /// Category names, shared by every file of a load.
    pub categories: &'a mut Categories,
    /// Progress to report and cancellation to obey.
    pub progress: Option<&'a LoadProgress>,
    /// What the user said the file's fields are (`--map`, `--date-order`).
    pub mapping: &'a ColumnMapping,
    /// TimeMap sources the records' source ids stand for.
    pub catalog: Option<Arc<SourceCatalog>>,
}

/// What one parallel task made of its records.
pub struct TaskOutput {
    pub events: Vec<Event>,
    /// Its events' texts, laid out as they are read.
    pub texts: TextLayout,
    /// The hash of each event's id.
    pub id_hashes: Vec<u128>,
    pub messages: Vec<Diagnostic>,
    pub rejected: usize,
    /// Category names met, by the task's local id.
    pub categories: Categories,
}

impl TaskOutput {
    pub fn with_capacity(records: usize) -> Self {
        Self {
            events: Vec::with_capacity(records),
            texts: TextLayout::default(),
            id_hashes: Vec::with_capacity(records),
            messages: Vec::new(),
            rejected: 0,
            categories: Categories::default(),
        }
    }

    /// Keeps a usable event, its texts laid out in [`Self::texts`].
    pub fn push(&mut self, event: Event) {
        self.id_hashes.push(id_hash(self.texts.id(&event)));
        self.events.push(event);
    }

    /// The task's output once its records are read: its events given their
    /// texts, one block for all.
    pub fn finished(mut self) -> Self {
        std::mem::take(&mut self.texts).share(&mut self.events);
        self
    }
}

/// Joins the tasks' outputs in order; category ids, local to each task, are
/// mapped to the shared ones.
pub fn join_outputs(outputs: Vec<TaskOutput>, categories: &mut Categories) -> EventBatch {
    let mut batch = EventBatch {
        parts: Vec::with_capacity(outputs.len()),
        id_hashes: Vec::with_capacity(outputs.len()),
        ..EventBatch::default()
    };
    for mut output in outputs {
        let remap: Vec<CategoryId> = output
            .categories
            .iter()
            .map(|(_, name)| categories.intern(name))
            .collect();
        for event in &mut output.events {
            if let Some(&shared) = remap.get(usize::from(event.category.0)) {
                event.category = shared;
            }
        }
        batch.parts.push(output.events);
        batch.id_hashes.push(output.id_hashes);
        batch.messages.extend(output.messages);
        batch.rejected += output.rejected;
    }
    batch
}
