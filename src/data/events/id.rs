//! Event ids compared by a 128-bit hash, and the registry that gives each id
//! one slot: a later record with the same id replaces the earlier one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

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

    /// Makes room for `more` ids.
    pub fn reserve(&mut self, more: usize) {
        self.slots.reserve(more);
    }

    /// [`Self::claim`] for an id already hashed by [`id_hash`].
    pub fn claim_hashed(&mut self, hash: u128, slot: usize) -> IdClaim {
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
}
