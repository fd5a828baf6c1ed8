//! Event ids compared by a 128-bit hash, and the registry that gives each id
//! one slot: a later record with the same id replaces the earlier one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use rayon::slice::ParallelSliceMut;

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
///
/// The ids of a first file that are all different are only kept in slot
/// order, not hashed into the table: a million inserts took 90–150 ms of a
/// load, and a load of one file never looks them up. They are put in the
/// table when a later file claims ids.
#[derive(Debug, Default)]
pub struct IdRegistry {
    slots: HashMap<u128, usize, BuildHasherDefault<PrehashedKey>>,
    /// Ids known to be different from each other and from every id in
    /// `slots`, in slot order from `deferred_from`.
    deferred: Vec<u128>,
    deferred_from: usize,
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

    /// Makes room for `more` ids.
    pub fn reserve(&mut self, more: usize) {
        self.settle();
        self.slots.reserve(more);
    }

    /// Claims every id of `hashes` (hashed by [`id_hash`]), the first for
    /// `first_slot` and each next one for the next slot, when none is
    /// loaded yet and they are all different; otherwise claims nothing and
    /// gives them back.
    pub fn claim_distinct(&mut self, hashes: Vec<u128>, first_slot: usize) -> Result<(), Vec<u128>> {
        if !self.slots.is_empty() || !self.deferred.is_empty() {
            return Err(hashes);
        }
        let mut sorted = hashes.clone();
        sorted.par_sort_unstable();
        if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err(hashes);
        }
        self.claim_known_distinct(hashes, first_slot)
    }

    /// [`Self::claim_distinct`] for hashes known to be all different, which
    /// it does not check (a sort of a copy: 30-50 ms at a million).
    pub fn claim_known_distinct(&mut self, hashes: Vec<u128>, first_slot: usize) -> Result<(), Vec<u128>> {
        if !self.slots.is_empty() || !self.deferred.is_empty() {
            return Err(hashes);
        }
        self.deferred = hashes;
        self.deferred_from = first_slot;
        Ok(())
    }

    /// Puts the deferred ids into the table.
    fn settle(&mut self) {
        if self.deferred.is_empty() {
            return;
        }
        let deferred = std::mem::take(&mut self.deferred);
        self.slots.reserve(deferred.len());
        for (slot, hash) in (self.deferred_from..).zip(deferred) {
            self.slots.insert(hash, slot);
        }
    }

    /// [`Self::claim`] for an id already hashed by [`id_hash`].
    pub fn claim_hashed(&mut self, hash: u128, slot: usize) -> IdClaim {
        self.settle();
        match self.slots.entry(hash) {
            std::collections::hash_map::Entry::Occupied(entry) => IdClaim::Replaces(*entry.get()),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(slot);
                IdClaim::New
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_with_equal_hash_slots_stay_apart() {
        let mut registry = IdRegistry::default();
        for i in 0..100_000 {
            assert_eq!(registry.claim(&format!("id-{i}"), i), IdClaim::New);
        }
        assert_eq!(registry.claim("id-4242", 7), IdClaim::Replaces(4242));
    }

    #[test]
    fn ids_claimed_at_once_are_found_by_later_claims() {
        let mut registry = IdRegistry::default();
        let hashes: Vec<u128> = (0..1000).map(|i| id_hash(&format!("id-{i}"))).collect();
        assert_eq!(registry.claim_distinct(hashes, 10), Ok(()));
        // Only a first file's ids are claimed at once.
        let more = vec![id_hash("new")];
        assert_eq!(registry.claim_distinct(more.clone(), 1010), Err(more));
        assert_eq!(registry.claim("id-0", 5000), IdClaim::Replaces(10));
        assert_eq!(registry.claim("id-999", 5000), IdClaim::Replaces(1009));
        assert_eq!(registry.claim("new", 1010), IdClaim::New);
        assert_eq!(registry.claim("new", 1011), IdClaim::Replaces(1010));
    }

    #[test]
    fn ids_known_to_differ_are_claimed_unchecked_by_a_first_file_only() {
        let mut registry = IdRegistry::default();
        let hashes: Vec<u128> = ["a", "b"].map(id_hash).to_vec();
        assert_eq!(registry.claim_known_distinct(hashes, 3), Ok(()));
        let more = vec![id_hash("c")];
        assert_eq!(registry.claim_known_distinct(more.clone(), 5), Err(more));
        assert_eq!(registry.claim("b", 5), IdClaim::Replaces(4));
        assert_eq!(registry.claim("c", 5), IdClaim::New);
    }

    #[test]
    fn ids_given_twice_are_not_claimed_at_once() {
        let mut registry = IdRegistry::default();
        let hashes = vec![id_hash("a"), id_hash("b"), id_hash("a")];
        assert_eq!(registry.claim_distinct(hashes.clone(), 0), Err(hashes));
        assert_eq!(registry.claim("a", 0), IdClaim::New);
    }
}
