//! Where the events are: their Web Mercator positions sorted along a Z-order
//! (Morton) curve, which makes the array a quadtree without pointers. Every
//! quadtree cell is a contiguous run of it, so the events in a cell are found
//! by two binary searches, and clustering a view touches only the cells in
//! view.

use geo::Coord;

use crate::data::events::cache_spatial::{SpatialOrder, SpatialParts};
use crate::data::{CategoryId, Event, EventSet};
use crate::geometry::{GridPoint, WorldPoint, WorldRect, project};

/// Depth of the quadtree: cells at level 24 are about 2.4 m wide.
pub const LEVELS: u32 = 24;

/// Events merged because their markers would overlap at some zoom.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Mean position of the members.
    pub center: WorldPoint,
    /// How many events it holds.
    pub count: u32,
    /// The newest member (lowest event index).
    pub first: u32,
    /// The members' extent; zero-sized when they are all at one spot.
    pub bounds: WorldRect,
    /// Members per category slot (see [`CategoryId::slot`]).
    pub categories: [u32; CategoryId::SLOTS],
    /// The run of the index holding the cell.
    run: (u32, u32),
}

impl Cluster {
    /// Whether every member is at the same spot (zooming in cannot split it).
    pub fn is_one_spot(&self) -> bool {
        let (w, h) = self.bounds.size();
        w <= 1e-12 && h <= 1e-12
    }

    /// The category slot with the most members.
    pub fn main_slot(&self) -> usize {
        (0..CategoryId::SLOTS)
            .max_by_key(|&slot| (self.categories[slot], usize::MAX - slot))
            .unwrap_or(CategoryId::SLOTS - 1)
    }
}

/// Events by position, for clustering and for finding what is under the pointer.
///
/// What clustering reads (position and category slot) is stored in Morton
/// order, so aggregating a cell reads its run front to back; only the
/// filter's flag of each event is looked up by event index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventIndex {
    /// Event indices in Morton order.
    order: Vec<u32>,
    /// World position of each entry of `order`: in Morton order, each
    /// one's code reckoned from it where it is needed (kept, the codes
    /// took 8 bytes an event). On the grid of 2^-32 of the world: 8 bytes
    /// an event, where two `f64` took 16.
    world: Vec<GridPoint>,
    /// Category slot ([`CategoryId::slot`]) of each entry of `order`.
    slots: Vec<u8>,
    /// Where each event is in `order`, by event index.
    rank: Vec<u32>,
}

/// Entries of a cell whose shown ones [`EventIndex::aggregate`] picks
/// before adding them up (a pick's place fits a `u16`).
const PICK_BLOCK: usize = 256;

/// Clustering runs on all cores once the cells hold this many entries.
const PARALLEL_ENTRIES: usize = 1 << 15;
/// Entries of a stored index whose position is made again from its event
/// before the index is used ([`EventIndex::from_stored`]).
const SPOT_CHECKS: usize = 1024;

impl EventIndex {
    /// Bytes the index holds on the heap (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of_val;
        size_of_val(self.order.as_slice())
            + size_of_val(self.world.as_slice())
            + size_of_val(self.slots.as_slice())
            + size_of_val(self.rank.as_slice())
    }

    /// Projects and sorts the events of `set` by their positions.
    pub fn new(set: &EventSet) -> Self {
        Self::with_positions(set, |event| event.position)
    }

    /// Projects and sorts the events of `set`, each where `position` says
    /// it is drawn (a region-level event at its region's label point).
    pub fn with_positions(set: &EventSet, position: impl Fn(&Event) -> Coord<f64> + Sync) -> Self {
        use rayon::prelude::*;
        let events = set.events();
        // Each event is visited once, in order; the index's order then
        // gathers from these rather than from the events again. Apart,
        // points and slots take 9 bytes an event where as pairs they took
        // 12 (with each point two f64, 17 against 24: 70 MB more at ten
        // million events while the index is made).
        let (placed, placed_slots): (Vec<GridPoint>, Vec<u8>) = events
            .par_iter()
            .map(|e| (GridPoint::of(project(position(e))), e.category.slot() as u8))
            .unzip();
        let mut keyed: Vec<(u64, u32)> = placed
            .par_iter()
            .enumerate()
            .map(|(i, p)| (morton_of(*p), i as u32))
            .collect();
        keyed.par_sort_unstable();
        let order: Vec<u32> = keyed.into_par_iter().map(|(_, i)| i).collect();
        let world = order.par_iter().map(|&i| placed[i as usize]).collect();
        drop(placed);
        let slots = order.par_iter().map(|&i| placed_slots[i as usize]).collect();
        let mut rank = vec![0u32; order.len()];
        for (at, &event) in order.iter().enumerate() {
            rank[event as usize] = at as u32;
        }
        Self {
            order,
            world,
            slots,
            rank,
        }
    }

    /// The index of `set` from `stored`, the one the event cache kept for
    /// it (when the set was one file's events alone), each event drawn
    /// where `position` says. Checked before it is used: one entry for each
    /// event, each event once, the positions in Morton order, and
    /// [`SPOT_CHECKS`] positions, spread over the order, those of their
    /// events. `None` when a check fails: the index is made anew.
    pub fn from_stored(
        set: &EventSet,
        stored: SpatialOrder,
        position: impl Fn(&Event) -> Coord<f64> + Sync,
    ) -> Option<Self> {
        use rayon::prelude::*;
        let events = set.events();
        let SpatialOrder { order, world } = stored;
        let n = events.len();
        if order.len() != n || world.len() != n {
            return None;
        }
        if !world.par_windows(2).all(|w| morton_of(w[0]) <= morton_of(w[1])) {
            return None;
        }
        let spot = (0..n).step_by((n / SPOT_CHECKS).max(1)).all(|at| {
            let event = events.get(order[at] as usize);
            event.is_some_and(|e| GridPoint::of(project(position(e))) == world[at])
        });
        let mut rank = vec![u32::MAX; n];
        for (at, &event) in order.iter().enumerate() {
            let slot = rank.get_mut(event as usize).filter(|slot| **slot == u32::MAX)?;
            *slot = at as u32;
        }
        // Every index is an event's (each was given a rank).
        let by_event: Vec<u8> = events.par_iter().map(|e| e.category.slot() as u8).collect();
        let slots = order.par_iter().map(|&i| by_event[i as usize]).collect();
        spot.then_some(Self {
            order,
            world,
            slots,
            rank,
        })
    }

    /// What the event cache keeps of it ([`Self::from_stored`] reads it back).
    pub fn parts(&self) -> SpatialParts<'_> {
        SpatialParts {
            order: &self.order,
            world: &self.world,
        }
    }

    /// Number of events indexed.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no event is indexed.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Event indices in the index's (Morton) order.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// The world position of each entry of [`Self::order`].
    pub fn world(&self) -> &[GridPoint] {
        &self.world
    }

    /// The world position of an event.
    pub fn position(&self, event: usize) -> Option<WorldPoint> {
        let at = *self.rank.get(event)?;
        self.world.get(at as usize).map(|p| p.world())
    }

    /// Clusters at quadtree `level` of the events flagged in `shown` (one flag
    /// per event), in the cells that touch `area`. Cells are squares of side
    /// 2^-level world units; a cluster is the shown events of one cell.
    pub fn clusters(&self, level: u32, area: &WorldRect, shown: &[bool]) -> Vec<Cluster> {
        use rayon::prelude::*;
        let level = level.min(LEVELS);
        let mut runs = Vec::new();
        self.descend(0, 0, 0, (0, self.world.len()), level, area, &mut runs);
        let entries: usize = runs.iter().map(|(start, end)| end - start).sum();
        if entries < PARALLEL_ENTRIES {
            runs.into_iter()
                .filter_map(|run| self.aggregate(run, shown))
                .collect()
        } else {
            runs.into_par_iter()
                .filter_map(|run| self.aggregate(run, shown))
                .collect()
        }
    }

    /// Collects in `out` the runs of the cells at `level` that touch `area`
    /// and hold any event, in Morton order.
    #[allow(clippy::too_many_arguments)]
    fn descend(
        &self,
        depth: u32,
        x: u32,
        y: u32,
        run: (usize, usize),
        level: u32,
        area: &WorldRect,
        out: &mut Vec<(usize, usize)>,
    ) {
        if run.0 >= run.1 {
            return;
        }
        let size = 1.0 / f64::from(1u32 << depth);
        let cell = WorldRect {
            min: WorldPoint::new(f64::from(x) * size, f64::from(y) * size),
            max: WorldPoint::new(f64::from(x + 1) * size, f64::from(y + 1) * size),
        };
        if !cell.intersects(area) {
            return;
        }
        if depth == level {
            out.push(run);
            return;
        }
        // The four children, in Morton order: each is a sub-run found by
        // binary search within this run.
        let shift = 2 * (LEVELS - depth - 1);
        let prefix = interleave(x, y) << 2;
        let mut start = run.0;
        for child in 0..4u64 {
            let end_code = (prefix + child + 1) << shift;
            let end = start + self.world[start..run.1].partition_point(|&p| morton_of(p) < end_code);
            let (cx, cy) = (x * 2 + (child & 1) as u32, y * 2 + (child >> 1) as u32);
            self.descend(depth + 1, cx, cy, (start, end), level, area, out);
            start = end;
        }
    }

    /// The cluster of the shown events of `run`. The run is taken
    /// [`PICK_BLOCK`] entries at a time: the shown ones are picked first,
    /// without a branch, then added up. Testing each entry and adding it
    /// when shown, a filter showing five in eight events, scattered, made
    /// every test a coin toss: clustering the 1M generated events at the
    /// start view took 6.3–7.0 ms against 2.8–2.9 ms; with every event
    /// shown, 3.2 ms against 3.7–3.8 ms (`cargo bench --bench million --
    /// summaries/1M/clusters`, two runs each, alternated, 5 December).
    fn aggregate(&self, run: (usize, usize), shown: &[bool]) -> Option<Cluster> {
        let mut count = 0u32;
        let (mut sum_x, mut sum_y) = (0.0, 0.0);
        let mut first = u32::MAX;
        let mut bounds = WorldRect {
            min: WorldPoint::new(f64::INFINITY, f64::INFINITY),
            max: WorldPoint::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
        };
        let mut categories = [0u32; CategoryId::SLOTS];
        let (order, world, slots) = (
            &self.order[run.0..run.1],
            &self.world[run.0..run.1],
            &self.slots[run.0..run.1],
        );
        let mut picked = [0u16; PICK_BLOCK];
        for ((order, world), slots) in order
            .chunks(PICK_BLOCK)
            .zip(world.chunks(PICK_BLOCK))
            .zip(slots.chunks(PICK_BLOCK))
        {
            let mut picks = 0;
            for (at, &event) in order.iter().enumerate() {
                picked[picks] = at as u16;
                picks += usize::from(shown.get(event as usize).copied().unwrap_or(false));
            }
            for &at in &picked[..picks] {
                let at = usize::from(at);
                let (event, p, slot) = (order[at], world[at].world(), slots[at]);
                count += 1;
                sum_x += p.x;
                sum_y += p.y;
                first = first.min(event);
                bounds.min.x = bounds.min.x.min(p.x);
                bounds.min.y = bounds.min.y.min(p.y);
                bounds.max.x = bounds.max.x.max(p.x);
                bounds.max.y = bounds.max.y.max(p.y);
                categories[usize::from(slot)] += 1;
            }
        }
        (count > 0).then(|| Cluster {
            center: WorldPoint::new(sum_x / f64::from(count), sum_y / f64::from(count)),
            count,
            first,
            bounds,
            categories,
            run: (run.0 as u32, run.1 as u32),
        })
    }

    /// The shown members of a cluster, newest first.
    pub fn members(&self, cluster: &Cluster, shown: &[bool]) -> Vec<u32> {
        let (start, end) = (cluster.run.0 as usize, cluster.run.1 as usize);
        let mut members: Vec<u32> = self
            .order
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|&e| shown.get(e as usize).copied().unwrap_or(false))
            .collect();
        members.sort_unstable();
        members
    }
}

/// A cluster of `count` events at `center`, for tests of what draws them.
#[cfg(test)]
pub(crate) fn test_cluster(center: WorldPoint, count: u32) -> Cluster {
    Cluster {
        center,
        count,
        first: 0,
        bounds: WorldRect {
            min: center,
            max: center,
        },
        categories: [count, 0, 0, 0, 0, 0, 0, 0],
        run: (0, 0),
    }
}

/// The quadtree level whose cells are 32 to 64 points wide at `zoom`: where
/// markers closer than that would overlap.
pub fn cluster_level(zoom: f64) -> u32 {
    ((zoom.max(0.0).floor() as u32) + 3).min(LEVELS)
}

/// The Morton code of a point at full depth: its cell at [`LEVELS`].
fn morton_of(p: GridPoint) -> u64 {
    interleave(p.x >> (32 - LEVELS), p.y >> (32 - LEVELS))
}

/// Interleaves the bits of `x` (even positions) and `y` (odd positions).
fn interleave(x: u32, y: u32) -> u64 {
    spread(x) | (spread(y) << 1)
}

/// Spaces the low 32 bits of `v` out to the even bits of a u64.
fn spread(v: u32) -> u64 {
    let mut v = u64::from(v);
    v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
    v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
    v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    v = (v | (v << 2)) & 0x3333_3333_3333_3333;
    (v | (v << 1)) & 0x5555_5555_5555_5555
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{EventSetBuilder, RegionSet};

    fn events(points: &[(f64, f64)]) -> EventSet {
        let records: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, (lat, lon))| {
                format!(
                    r#"{{"id": "e{i}", "title": "t", "date": "2020-01-{:02}", "lat": {lat}, "lon": {lon}}}"#,
                    28 - i % 28
                )
            })
            .collect();
        let regions = RegionSet::bundled().expect("regions");
        let mut builder = EventSetBuilder::new(&regions);
        builder
            .add_reader(
                "p.json",
                None,
                format!("[{}]", records.join(",")).as_bytes(),
                None,
            )
            .expect("loads");
        builder.finish().0
    }

    fn whole_world() -> WorldRect {
        WorldRect {
            min: WorldPoint::new(0.0, 0.0),
            max: WorldPoint::new(1.0, 1.0),
        }
    }

    fn stored(index: &EventIndex) -> SpatialOrder {
        let parts = index.parts();
        SpatialOrder {
            order: parts.order.to_vec(),
            world: parts.world.to_vec(),
        }
    }

    #[test]
    fn a_stored_index_is_used_only_when_it_is_the_sets() {
        let points: Vec<(f64, f64)> = (0..300)
            .map(|i| (44.5 + f64::from(i % 17) * 0.3, 33.5 + f64::from(i % 23) * 0.4))
            .collect();
        let set = events(&points);
        let index = EventIndex::new(&set);
        let position = |e: &Event| e.position;
        assert_eq!(
            EventIndex::from_stored(&set, stored(&index), position).as_ref(),
            Some(&index),
            "the index as it was kept"
        );
        let spoiled = |what: &str, spoil: &dyn Fn(&mut SpatialOrder)| {
            let mut kept = stored(&index);
            spoil(&mut kept);
            assert!(
                EventIndex::from_stored(&set, kept, position).is_none(),
                "{what}: used"
            );
        };
        spoiled("an entry short", &|s| {
            s.order.pop();
            s.world.pop();
        });
        spoiled("an event twice", &|s| s.order[1] = s.order[0]);
        spoiled("an event past the end", &|s| s.order[0] = 300);
        // Two entries exchanged whole: each still its event's position, but
        // out of Morton order.
        spoiled("entries out of order", &|s| {
            s.order.swap(0, 299);
            s.world.swap(0, 299);
        });
        // Within its cell (its code stays in order), but not its event's point.
        spoiled("a position moved", &|s| s.world[0].x ^= 1);
        // Two events exchanged with all they carry: a set in another order.
        spoiled("another set's order", &|s| s.order.swap(0, 150));
        let other = events(&points[..299]);
        assert!(EventIndex::from_stored(&other, stored(&index), position).is_none());
    }

    #[test]
    fn interleaving_orders_cells_along_the_z_curve() {
        assert_eq!(interleave(0, 0), 0);
        assert_eq!(interleave(1, 0), 1);
        assert_eq!(interleave(0, 1), 2);
        assert_eq!(interleave(1, 1), 3);
        assert_eq!(interleave(2, 0), 4);
        assert_eq!(interleave(u32::MAX >> 8, u32::MAX >> 8), (1u64 << 48) - 1);
    }

    #[test]
    fn clusters_count_every_shown_event_once_at_every_level() {
        // A grid of points over the tracked area, two at one spot.
        let mut points: Vec<(f64, f64)> = (0..40)
            .flat_map(|i| (0..25).map(move |j| (44.0 + f64::from(i) * 0.25, 33.0 + f64::from(j) * 0.4)))
            .collect();
        points.push((47.23, 39.72));
        points.push((47.23, 39.72));
        let set = events(&points);
        let index = EventIndex::new(&set);
        let shown: Vec<bool> = (0..set.len()).map(|i| i % 7 != 3).collect();
        let expected = shown.iter().filter(|s| **s).count() as u32;
        let mut previous = 0;
        for level in [0, 3, 6, 9, 12, 17, LEVELS] {
            let clusters = index.clusters(level, &whole_world(), &shown);
            let total: u32 = clusters.iter().map(|c| c.count).sum();
            assert_eq!(total, expected, "level {level}");
            assert!(clusters.len() >= previous, "finer levels split clusters");
            previous = clusters.len();
            for cluster in &clusters {
                let members = index.members(cluster, &shown);
                assert_eq!(members.len() as u32, cluster.count);
                assert_eq!(members[0], cluster.first);
                assert!(members.iter().all(|&m| shown[m as usize]));
                assert_eq!(cluster.categories.iter().sum::<u32>(), cluster.count);
            }
        }
        // At full depth the two events at one spot stay together.
        let deepest = index.clusters(LEVELS, &whole_world(), &vec![true; set.len()]);
        assert!(deepest.iter().any(|c| c.count == 2 && c.is_one_spot()));
    }

    #[test]
    fn only_cells_touching_the_area_are_clustered() {
        let set = events(&[(47.23, 39.72), (50.6, 36.59), (53.25, 34.37)]);
        let index = EventIndex::new(&set);
        let rostov = project(geo::Coord { x: 39.72, y: 47.23 });
        let area = WorldRect {
            min: WorldPoint::new(rostov.x - 1e-4, rostov.y - 1e-4),
            max: WorldPoint::new(rostov.x + 1e-4, rostov.y + 1e-4),
        };
        let clusters = index.clusters(12, &area, &[true, true, true]);
        assert_eq!(clusters.len(), 1);
        let member = index.members(&clusters[0], &[true, true, true])[0] as usize;
        assert!((set.events()[member].position.y - 47.23).abs() < 1e-9);
    }

    #[test]
    fn clusters_agree_with_counting_each_cell_directly_on_all_cores() {
        // Enough events in view to cluster in parallel.
        let points: Vec<(f64, f64)> = (0..PARALLEL_ENTRIES + 5_000)
            .map(|i| {
                let t = i as f64;
                (
                    44.5 + (t * 0.618_034).fract() * 9.0,
                    32.0 + (t * 0.414_214).fract() * 10.0,
                )
            })
            .collect();
        let set = events(&points);
        let index = EventIndex::new(&set);
        for (event, e) in set.events().iter().enumerate() {
            // Where the grid holds it: within a centimetre.
            assert_eq!(
                index.position(event),
                Some(GridPoint::of(project(e.position)).world())
            );
        }
        assert_eq!(index.position(set.len()), None);
        let shown: Vec<bool> = (0..set.len()).map(|i| i % 5 != 0).collect();
        let level = 9;
        let cells = f64::from(1u32 << level);
        // Per cell: count, newest member, categories.
        let mut expected = std::collections::BTreeMap::<(u64, u64), (u32, u32, u32)>::new();
        for (event, e) in set.events().iter().enumerate().filter(|(i, _)| shown[*i]) {
            let p = project(e.position);
            let cell = ((p.x * cells) as u64, (p.y * cells) as u64);
            let entry = expected.entry(cell).or_insert((0, u32::MAX, 0));
            entry.0 += 1;
            entry.1 = entry.1.min(event as u32);
            entry.2 += 1;
        }
        let clusters = index.clusters(level, &whole_world(), &shown);
        let mut found = std::collections::BTreeMap::new();
        for c in &clusters {
            let cell = ((c.center.x * cells) as u64, (c.center.y * cells) as u64);
            assert!(c.bounds.min.x * cells >= cell.0 as f64 && c.bounds.max.x * cells <= (cell.0 + 1) as f64);
            let previous = found.insert(cell, (c.count, c.first, c.categories.iter().sum::<u32>()));
            assert!(previous.is_none(), "one cluster per cell");
        }
        assert_eq!(found, expected);
    }

    #[test]
    fn levels_follow_the_zoom() {
        assert_eq!(cluster_level(6.4), 9);
        assert_eq!(cluster_level(14.0), 17);
        assert_eq!(cluster_level(-3.0), 3);
    }
}
