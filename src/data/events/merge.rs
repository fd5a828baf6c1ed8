//! Merging the records of one file into the events loaded so far, by id:
//! shared by the app's loader and the headless check, so both count and warn
//! alike.

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

use super::event::{Event, EventOrigin};
use super::id::{IdClaim, IdRegistry, id_hash};
use super::read::FileSummary;
use crate::data::diagnostic::{Diagnostic, Location};

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
/// hashes as the readers made them (`EventBatch::id_hashes`), with whether
/// they are known to differ from each other (`FileRead::ids_distinct`);
/// when they do not match the items, the ids are hashed here. The app and
/// the headless check both merge through here, so they count and warn
/// alike.
pub fn merge_file<T: Keyed + Sync>(
    registry: &mut IdRegistry,
    slots: &mut Vec<T>,
    mut items: Vec<T>,
    (hashes, distinct): (Vec<u128>, bool),
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
    let claimed = if distinct {
        registry.claim_known_distinct(hashes, first_new)
    } else {
        registry.claim_distinct(hashes, first_new)
    };
    let replacing = match claimed {
        // The usual first file: every id new, nothing to replace.
        Ok(()) => Vec::new(),
        Err(hashes) => take_replacing(&mut items, &claim_ids(registry, hashes, first_new)),
    };
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
    warnings.extend(file_warnings(file, updated, summary));
    warnings
}

/// Takes out of `items` (in file order) those whose claim replaces an
/// earlier item, each with the slot it replaces; the rest close up in
/// place, so a first file's events are never copied.
fn take_replacing<T>(items: &mut Vec<T>, claims: &[IdClaim]) -> Vec<(usize, T)> {
    let mut position = 0;
    items
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
        .collect()
}

/// Claims each id (by hash, in file order) for the slot it will have: a new
/// id owns the slot it gets once the items that replace others are taken out.
fn claim_ids(registry: &mut IdRegistry, hashes: Vec<u128>, first_new: usize) -> Vec<IdClaim> {
    registry.reserve(hashes.len());
    let mut next_slot = first_new;
    hashes
        .into_iter()
        .map(|hash| {
            let claim = registry.claim_hashed(hash, next_slot);
            if claim == IdClaim::New {
                next_slot += 1;
            }
            claim
        })
        .collect()
}

/// What is said of a whole file: how many earlier events it replaced, and
/// that it has none.
fn file_warnings(file: &str, updated: usize, summary: &FileSummary) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::container::Container;

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
        merge_file(
            registry,
            slots,
            items.to_vec(),
            (hashes, false),
            "f.json",
            &summary,
        )
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
    fn a_first_file_of_different_ids_is_replaced_by_a_later_one() {
        for hashed in [true, false] {
            let mut registry = IdRegistry::default();
            let mut slots = Vec::new();
            let first = [Item("b", 1), Item("c", 2), Item("d", 3)];
            assert!(merge(&mut registry, &mut slots, &first, hashed).is_empty());
            assert_eq!(slots, first);
            let second = [Item("d", 1), Item("e", 2), Item("b", 3)];
            let warnings = merge(&mut registry, &mut slots, &second, hashed);
            assert_eq!(slots, [Item("b", 3), Item("c", 2), Item("d", 1), Item("e", 2)]);
            assert_eq!(
                warnings,
                ["f.json: warning: 2 events replace events with the same id loaded from earlier files"]
            );
        }
    }
}
