//! The event cache's last section: the map's spatial index of the file's
//! events (their order along the Morton curve and each one's world
//! position), kept when the file was loaded alone, so that opening it alone
//! again skips the projection and sort (about 0.1 s at a million events).
//!
//! Its frames (written and read by `cache_codec`) follow the events frames;
//! each holds up to [`PER_FRAME`] entries as two runs: the event indices
//! (u32) and the positions (x then y, u32 steps of 2^-32 of the world, as
//! the index holds them), little-endian. (Format 6 kept each position as
//! two f64; format 5 kept each entry's Morton code too, which is reckoned
//! from the position.)

use std::ops::Range;

use crate::geometry::GridPoint;

/// Entries of the index in a frame (3 MB).
pub const PER_FRAME: usize = 1 << 18;
/// Bytes an entry takes.
const ENTRY_BYTES: usize = 4 + 8;

/// A spatial index's order of a set's events, as the cache keeps it: the
/// event indices along the Morton curve, with each one's world position.
/// What makes them (the index) is not in this module:
/// `crate::spatial::EventIndex` checks one before it uses it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpatialOrder {
    /// Event indices in Morton order.
    pub order: Vec<u32>,
    /// The world position of each entry of `order`.
    pub world: Vec<GridPoint>,
}

/// A [`SpatialOrder`] borrowed from an index, to write.
#[derive(Debug, Clone, Copy)]
pub struct SpatialParts<'a> {
    /// Event indices in Morton order.
    pub order: &'a [u32],
    /// The world position of each entry of `order`.
    pub world: &'a [GridPoint],
}

impl SpatialParts<'_> {
    /// Whether it holds one entry for each of `count` events.
    pub fn covers(&self, count: usize) -> bool {
        self.order.len() == count && self.world.len() == count
    }

    /// Entries `range` as a frame's bytes, added to `frame`.
    pub fn encode(&self, range: Range<usize>, frame: &mut Vec<u8>) {
        frame.reserve(range.len() * ENTRY_BYTES);
        for index in &self.order[range.clone()] {
            frame.extend_from_slice(&index.to_le_bytes());
        }
        for point in &self.world[range] {
            frame.extend_from_slice(&point.x.to_le_bytes());
            frame.extend_from_slice(&point.y.to_le_bytes());
        }
    }
}

impl SpatialOrder {
    /// Room for `count` entries.
    pub fn with_capacity(count: usize) -> Self {
        Self {
            order: Vec::with_capacity(count),
            world: Vec::with_capacity(count),
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Adds the `n` entries of a frame's `bytes`; `false` (nothing added)
    /// when the bytes are not `n` entries long.
    pub fn decode(&mut self, bytes: &[u8], n: usize) -> bool {
        if bytes.len() != n * ENTRY_BYTES {
            return false;
        }
        let (order, world) = bytes.split_at(n * 4);
        let order = order.as_chunks::<4>().0.iter();
        self.order.extend(order.map(|b| u32::from_le_bytes(*b)));
        let words = world.as_chunks::<4>().0;
        self.world
            .extend(words.as_chunks::<2>().0.iter().map(|[x, y]| GridPoint {
                x: u32::from_le_bytes(*x),
                y: u32::from_le_bytes(*y),
            }));
        true
    }

    /// It borrowed, to write.
    pub fn parts(&self) -> SpatialParts<'_> {
        SpatialParts {
            order: &self.order,
            world: &self.world,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(count: usize) -> SpatialOrder {
        SpatialOrder {
            order: (0..count as u32).rev().collect(),
            world: (0..count)
                .map(|i| GridPoint {
                    x: (i as u32).wrapping_mul(2_654_435_761),
                    y: u32::MAX - i as u32,
                })
                .collect(),
        }
    }

    #[test]
    fn entries_read_back_as_written_frame_by_frame() {
        let stored = sample(PER_FRAME + 5);
        let mut read = SpatialOrder::default();
        for range in [0..PER_FRAME, PER_FRAME..PER_FRAME + 5] {
            let mut frame = Vec::new();
            stored.parts().encode(range.clone(), &mut frame);
            assert!(read.decode(&frame, range.len()));
        }
        assert_eq!(read, stored);
    }

    #[test]
    fn a_frame_of_the_wrong_length_adds_nothing() {
        let stored = sample(10);
        let mut frame = Vec::new();
        stored.parts().encode(0..10, &mut frame);
        let mut read = SpatialOrder::default();
        assert!(!read.decode(&frame, 11));
        assert!(!read.decode(&frame[1..], 10));
        assert!(read.is_empty());
        assert!(read.decode(&frame, 10));
        assert_eq!(read.len(), 10);
    }
}
