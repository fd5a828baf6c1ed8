//! The loaded events: an immutable [`EventSet`], built file by file by an
//! [`EventSetBuilder`] that keeps a file's events only when the whole file
//! could be read, and gives every event id one meaning (a later record with
//! the same id replaces the earlier one).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;

use super::bundled;
use super::diagnostic::{Diagnostic, LoadError, Location, Problem};
use super::event::{Categories, Event, EventOrigin};
use super::event_file::{EventBatch, FileSummary, LoadProgress, ReadContext, read_any_event_stream};
use super::region::RegionSet;

/// A file events were loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFile {
    /// The file as the user named it, or `bundled:<path>`.
    pub name: String,
    /// Where it is on disk, when it is a file.
    pub path: Option<PathBuf>,
    /// Records in the file.
    pub records: usize,
    /// Records rejected.
    pub rejected: usize,
}

/// All loaded events, newest first, with the files and categories they came
/// with. Indexes into [`EventSet::events`] are how the rest of the app refers
/// to events.
#[derive(Debug, Clone, Default)]
pub struct EventSet {
    events: Vec<Event>,
    files: Vec<EventFile>,
    categories: Categories,
}

impl EventSet {
    /// The events, newest first (by start; ties in file order).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The event at `index`.
    pub fn get(&self, index: usize) -> Option<&Event> {
        self.events.get(index)
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The files, by the index in each event's origin.
    pub fn files(&self) -> &[EventFile] {
        &self.files
    }

    /// Category names in use.
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// The index of the event with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.events.iter().position(|e| e.id() == id)
    }

    /// The file an event came from, as named to the user.
    pub fn file_name(&self, event: &Event) -> &str {
        self.files
            .get(event.origin.file as usize)
            .map_or("", |f| f.name.as_str())
    }

    /// The bundled sample events placed in `regions`.
    pub fn bundled(regions: &RegionSet) -> Result<Self, LoadError> {
        let mut builder = EventSetBuilder::new(regions);
        builder.add_reader(
            bundled::SAMPLE_EVENTS_NAME,
            None,
            bundled::SAMPLE_EVENTS.as_bytes(),
            None,
        )?;
        let (set, messages) = builder.finish();
        match messages.into_iter().next() {
            // The bundled data is ours: any message about it is a bug worth failing on.
            Some(message) => Err(LoadError::new(
                message.location,
                Problem::Invalid(message.message),
            )),
            None => Ok(set),
        }
    }
}

/// A 128-bit hash of an event id: ids are compared by it, so that a million
/// ids cost 16 bytes each rather than a copy.
pub(crate) fn id_hash(id: &str) -> u128 {
    let half = |seed: u8| {
        let mut hasher = std::hash::DefaultHasher::new();
        seed.hash(&mut hasher);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// Hashes an already hashed key by folding it.
#[derive(Default)]
pub struct PrehashedKey(u64);

impl Hasher for PrehashedKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
    fn write_u128(&mut self, value: u128) {
        self.0 = (value as u64) ^ ((value >> 64) as u64);
    }
}

/// Event ids seen so far, by hash, with a slot per id: where the event with
/// that id is kept. Shared by the app's loader and the headless check, so
/// both count replaced events the same way.
#[derive(Debug, Default)]
pub struct IdRegistry {
    slots: HashMap<u128, usize, BuildHasherDefault<PrehashedKey>>,
}

/// What [`IdRegistry::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdClaim {
    /// The id is new; it now owns the given slot.
    New,
    /// The id was already loaded into this slot; the new record replaces it.
    Replaces(usize),
}

impl IdRegistry {
    /// Claims `id` for `slot` unless it is taken, in which case the existing
    /// slot is returned and kept.
    pub fn claim(&mut self, id: &str, slot: usize) -> IdClaim {
        self.claim_hashed(id_hash(id), slot)
    }

    /// [`Self::claim`] for an id already hashed by [`id_hash`].
    fn claim_hashed(&mut self, hash: u128, slot: usize) -> IdClaim {
        match self.slots.entry(hash) {
            std::collections::hash_map::Entry::Occupied(entry) => IdClaim::Replaces(*entry.get()),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(slot);
                IdClaim::New
            }
        }
    }
}

/// What [`merge_file`] needs to know of an item: its id and where it was read.
pub trait Keyed {
    /// The event id.
    fn id(&self) -> &str;
    /// Where it was read.
    fn origin(&self) -> EventOrigin;
}

impl Keyed for Event {
    fn id(&self) -> &str {
        Event::id(self)
    }
    fn origin(&self) -> EventOrigin {
        self.origin
    }
}

/// Adds the items read from one file (in file order) to `slots`; an item
/// whose id is taken replaces the earlier one. Returns the warnings this
/// gives: each duplicate within the file, one summary of replacements of
/// earlier files' events, and an empty file. `hashes` are the items' id
/// hashes as the readers made them (`EventBatch::id_hashes`); when they do
/// not match the items, the ids are hashed here. The app and the headless
/// check both merge through here, so they count and warn alike.
pub fn merge_file<T: Keyed + Sync>(
    registry: &mut IdRegistry,
    slots: &mut Vec<T>,
    mut items: Vec<T>,
    hashes: Vec<u128>,
    file: &str,
    summary: &FileSummary,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let first_new = slots.len();
    let mut updated = 0usize;
    // The readers hash the ids as they parse; hashing them here again would
    // chase a pointer per item.
    let hashes = if hashes.len() == items.len() {
        hashes
    } else {
        items.par_iter().map(|item| id_hash(item.id())).collect()
    };
    registry.slots.reserve(items.len());
    // Ids are claimed first: a new id owns the slot it will have once the
    // items that replace others are taken out.
    let mut next_slot = first_new;
    let claims: Vec<IdClaim> = hashes
        .into_iter()
        .map(|hash| {
            let claim = registry.claim_hashed(hash, next_slot);
            if claim == IdClaim::New {
                next_slot += 1;
            }
            claim
        })
        .collect();
    // Those items leave in file order; the rest close up in place, so a
    // first file's events are never copied.
    let mut position = 0;
    let replacing: Vec<(usize, T)> = items
        .extract_if(.., |_| {
            let claim = claims.get(position).copied();
            position += 1;
            matches!(claim, Some(IdClaim::Replaces(_)))
        })
        .zip(claims.iter().filter_map(|claim| match claim {
            IdClaim::Replaces(slot) => Some(*slot),
            IdClaim::New => None,
        }))
        .map(|(item, slot)| (slot, item))
        .collect();
    if slots.is_empty() {
        *slots = items;
    } else {
        slots.append(&mut items);
    }
    // A slot's new item comes before any item replacing it, and those come
    // in file order, so each replacement sees the one it replaces.
    for (slot, item) in replacing {
        let Some(old) = slots.get_mut(slot) else { continue };
        if slot >= first_new {
            let origin = item.origin();
            warnings.push(Diagnostic::warning(
                Location::file(file)
                    .at(origin.line as usize, 1)
                    .record(summary.container.collection(), origin.record as usize),
                format!(
                    "duplicate id \"{}\" (first at line {}); this record replaces the earlier one",
                    item.id(),
                    old.origin().line
                ),
            ));
        } else {
            updated += 1;
        }
        *old = item;
    }
    if updated > 0 {
        warnings.push(Diagnostic::warning(
            Location::file(file),
            format!(
                "{updated} event{} replace{} events with the same id loaded from earlier files",
                if updated == 1 { "" } else { "s" },
                if updated == 1 { "s" } else { "" }
            ),
        ));
    }
    if summary.records == 0 {
        warnings.push(Diagnostic::warning(
            Location::file(file),
            "the file has no events",
        ));
    }
    warnings
}

/// Builds an [`EventSet`] file by file. Every message (the errors of files
/// that failed, rejected records and warnings of those that loaded) is kept
/// for [`EventSetBuilder::finish`].
pub struct EventSetBuilder<'r> {
    regions: &'r RegionSet,
    events: Vec<Event>,
    files: Vec<EventFile>,
    categories: Categories,
    ids: IdRegistry,
    messages: Vec<Diagnostic>,
}

impl<'r> EventSetBuilder<'r> {
    /// A builder placing events in `regions`.
    pub fn new(regions: &'r RegionSet) -> Self {
        Self {
            regions,
            events: Vec::new(),
            files: Vec::new(),
            categories: Categories::default(),
            ids: IdRegistry::default(),
            messages: Vec::new(),
        }
    }

    /// Reads the file at `path`.
    pub fn add_path(
        &mut self,
        path: &Path,
        progress: Option<&LoadProgress>,
    ) -> Result<FileSummary, LoadError> {
        let name = path.display().to_string();
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(error) => {
                return Err(self.fail(LoadError::new(
                    Location::file(&name),
                    Problem::Io(error.to_string()),
                )));
            }
        };
        if let (Some(progress), Ok(meta)) = (progress, file.metadata()) {
            progress.expect_bytes(meta.len());
        }
        self.add_reader(&name, Some(path.to_path_buf()), file, progress)
    }

    /// Reads a file from `reader`; `name` names it in messages. On error
    /// nothing of the file is kept and the error is also among the messages.
    pub fn add_reader(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        reader: impl Read + Send,
        progress: Option<&LoadProgress>,
    ) -> Result<FileSummary, LoadError> {
        let file_index = self.files.len() as u32;
        // Categories met in a file that fails must not reach the legend.
        let mut categories = self.categories.clone();
        // Batches are kept apart until the end, then joined into a buffer of
        // the exact size: one copy of the events instead of one per growth.
        let mut batches: Vec<Vec<Event>> = Vec::new();
        let mut hashes: Vec<Vec<u128>> = Vec::new();
        let mut messages = Vec::new();
        let result = read_any_event_stream(
            name,
            reader,
            ReadContext {
                regions: self.regions,
                file_index,
                categories: &mut categories,
                progress,
            },
            |batch: EventBatch| {
                batches.extend(batch.parts);
                hashes.extend(batch.id_hashes);
                messages.extend(batch.messages);
            },
        );
        let summary = match result {
            Ok(summary) => summary,
            Err(error) => return Err(self.fail(error)),
        };
        let mut staged = Vec::with_capacity(batches.iter().map(Vec::len).sum());
        for batch in batches {
            staged.extend(batch);
        }
        let hashes: Vec<u128> = hashes.concat();
        self.categories = categories;
        self.files.push(EventFile {
            name: name.to_string(),
            path,
            records: summary.records,
            rejected: summary.rejected,
        });
        messages.extend(merge_file(
            &mut self.ids,
            &mut self.events,
            staged,
            hashes,
            name,
            &summary,
        ));
        messages.sort_by_key(|m| (m.location.record, m.location.line));
        self.messages.extend(messages);
        Ok(summary)
    }

    fn fail(&mut self, error: LoadError) -> LoadError {
        self.messages.push(error.clone().into());
        error
    }

    /// Every message so far.
    pub fn messages(&self) -> &[Diagnostic] {
        &self.messages
    }

    /// How many events are loaded so far.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no event is loaded yet.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The set, newest first, and every message.
    pub fn finish(self) -> (EventSet, Vec<Diagnostic>) {
        let mut events = self.events;
        events.par_sort_unstable_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then(a.origin.file.cmp(&b.origin.file))
                .then(a.origin.record.cmp(&b.origin.record))
        });
        (
            EventSet {
                events,
                files: self.files,
                categories: self.categories,
            },
            self.messages,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::json_records::Container;

    fn regions() -> RegionSet {
        RegionSet::bundled().expect("bundled regions")
    }

    #[test]
    fn the_bundled_sample_loads_without_messages_and_covers_every_region() {
        let regions = regions();
        let set = EventSet::bundled(&regions).expect("sample loads cleanly");
        assert!(set.len() >= 20, "{}", set.len());
        for (index, region) in regions.regions().iter().enumerate() {
            let count = set
                .events()
                .iter()
                .filter(|e| e.region == Some(index as u32))
                .count();
            assert!(count >= 2, "{} has {count} events", region.id);
        }
        assert!(
            set.events().iter().any(|e| e.region.is_none()),
            "some events are outside"
        );
        assert!(
            set.events().windows(2).all(|w| w[0].date >= w[1].date),
            "newest first"
        );
        assert!(
            set.events().iter().all(|e| e.sources().count() >= 1),
            "every event cites its article"
        );
    }

    #[test]
    fn a_broken_file_keeps_nothing_and_earlier_files_stay() {
        let regions = regions();
        let mut builder = EventSetBuilder::new(&regions);
        let good = r#"[{"id": "a", "title": "t", "date": "2020-01-01", "lat": 47.2, "lon": 39.7, "category": "alpha"}]"#;
        builder
            .add_reader("good.json", None, good.as_bytes(), None)
            .expect("good");
        let broken = r#"[{"id": "b", "title": "t", "date": "2020-01-01", "lat": 47.2, "lon": 39.7, "category": "beta"},"#;
        let error = builder
            .add_reader("broken.json", None, broken.as_bytes(), None)
            .expect_err("truncated");
        assert!(error.to_string().starts_with("broken.json:1:"), "{error}");
        let (set, messages) = builder.finish();
        assert_eq!(set.events().iter().map(Event::id).collect::<Vec<_>>(), ["a"]);
        assert_eq!(set.files().len(), 1);
        assert!(set.categories().find("alpha").is_some());
        assert!(
            set.categories().find("beta").is_none(),
            "a failed file adds no category"
        );
        assert_eq!(messages.len(), 1);
        assert!(messages[0].to_string().contains("broken.json"));
    }

    #[test]
    fn duplicate_ids_are_warned_and_the_later_record_wins() {
        let regions = regions();
        let mut builder = EventSetBuilder::new(&regions);
        let first = "[\n{\"id\": \"a\", \"title\": \"first\", \"date\": \"2020-01-01\", \"lat\": 47.2, \"lon\": 39.7},\n{\"id\": \"a\", \"title\": \"second\", \"date\": \"2020-01-02\", \"lat\": 47.2, \"lon\": 39.7},\n{\"id\": \"b\", \"title\": \"b\", \"date\": \"2020-01-03\", \"lat\": 47.2, \"lon\": 39.7}\n]";
        builder
            .add_reader("one.json", None, first.as_bytes(), None)
            .expect("loads");
        let update =
            r#"[{"id": "b", "title": "b, updated", "date": "2020-01-03", "lat": 50.6, "lon": 36.59}]"#;
        builder
            .add_reader("two.json", None, update.as_bytes(), None)
            .expect("loads");
        let (set, messages) = builder.finish();
        let titles: Vec<&str> = set.events().iter().map(Event::title).collect();
        assert_eq!(titles, ["b, updated", "second"]);
        let texts: Vec<String> = messages.iter().map(ToString::to_string).collect();
        assert!(
            texts
                .iter()
                .any(|t| t
                    .starts_with("one.json:3:1: records[1]: warning: duplicate id \"a\" (first at line 2)")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("two.json: warning: 1 event replaces events with the same id")),
            "{texts:?}"
        );
    }

    /// An item for [`merge_file`]: an id and the line it was read at.
    #[derive(Debug, Clone, PartialEq)]
    struct Item(&'static str, u32);

    impl Keyed for Item {
        fn id(&self) -> &str {
            self.0
        }
        fn origin(&self) -> EventOrigin {
            EventOrigin {
                line: self.1,
                ..EventOrigin::default()
            }
        }
    }

    fn merge(registry: &mut IdRegistry, slots: &mut Vec<Item>, items: &[Item], hashed: bool) -> Vec<String> {
        let hashes = if hashed {
            items.iter().map(|item| id_hash(item.0)).collect()
        } else {
            Vec::new()
        };
        let summary = FileSummary {
            records: items.len(),
            rejected: 0,
            container: Container::BareArray,
        };
        merge_file(registry, slots, items.to_vec(), hashes, "f.json", &summary)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn merging_keeps_first_places_and_last_records() {
        for hashed in [true, false] {
            let mut registry = IdRegistry::default();
            let mut slots = Vec::new();
            let first = [
                Item("a", 1),
                Item("b", 2),
                Item("a", 3),
                Item("c", 4),
                Item("a", 5),
                Item("d", 6),
            ];
            let warnings = merge(&mut registry, &mut slots, &first, hashed);
            // Each id keeps the place of its first record, with its last one.
            assert_eq!(slots, [Item("a", 5), Item("b", 2), Item("c", 4), Item("d", 6)]);
            // Each repeat names the record it replaced.
            assert!(
                warnings[0].contains("duplicate id \"a\" (first at line 1)"),
                "{warnings:?}"
            );
            assert!(
                warnings[1].contains("duplicate id \"a\" (first at line 3)"),
                "{warnings:?}"
            );
            assert_eq!(warnings.len(), 2, "{warnings:?}");

            let second = [Item("e", 1), Item("b", 2), Item("f", 3), Item("d", 4)];
            let warnings = merge(&mut registry, &mut slots, &second, hashed);
            assert_eq!(
                slots,
                [
                    Item("a", 5),
                    Item("b", 2),
                    Item("c", 4),
                    Item("d", 4),
                    Item("e", 1),
                    Item("f", 3)
                ]
            );
            assert_eq!(
                warnings,
                ["f.json: warning: 2 events replace events with the same id loaded from earlier files"]
            );
            assert_eq!(registry.claim("f", 99), IdClaim::Replaces(5));
        }
    }

    #[test]
    fn ids_with_equal_hash_slots_stay_apart() {
        let mut registry = IdRegistry::default();
        for i in 0..100_000 {
            assert_eq!(registry.claim(&format!("id-{i}"), i), IdClaim::New);
        }
        assert_eq!(registry.claim("id-4242", 7), IdClaim::Replaces(4242));
    }
}
