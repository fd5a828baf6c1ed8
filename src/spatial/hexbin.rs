//! Event density as hexagon bins on the Web Mercator plane: a pointy-top
//! hexagon grid whose cells halve at each zoom level (16 to 32 points
//! across the centre-to-corner radius on screen), the shown events counted
//! per cell. Hexagons rather than squares: every neighbour is equally far,
//! so clusters read the same in every direction. No drawing here.

use std::collections::HashMap;

use rayon::prelude::*;

use super::EventIndex;
use crate::geometry::WorldPoint;

/// √3.
const SQRT_3: f64 = 1.732_050_807_568_877_2;

/// A hexagon of a [`HexGrid`], in axial coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HexCell {
    /// Column along the x axis (skewed).
    pub q: i32,
    /// Row.
    pub r: i32,
}

/// A pointy-top hexagon grid over the world square.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HexGrid {
    /// Centre-to-corner radius, in world units.
    pub radius: f64,
}

impl HexGrid {
    /// The grid drawn at `zoom`: its cells 16 to 32 points in radius.
    pub fn for_zoom(zoom: f64) -> Self {
        Self::at_level(zoom_level(zoom))
    }

    /// The grid of a level: radius 2^-(level+4) world units.
    pub fn at_level(level: u32) -> Self {
        Self {
            radius: (-(f64::from(level) + 4.0)).exp2(),
        }
    }

    /// The cell holding `p`: the one whose centre is nearest.
    pub fn cell_of(&self, p: WorldPoint) -> HexCell {
        let q = (SQRT_3 / 3.0 * p.x - p.y / 3.0) / self.radius;
        let r = (2.0 / 3.0 * p.y) / self.radius;
        round_axial(q, r)
    }

    /// The centre of `cell`.
    pub fn centre(&self, cell: HexCell) -> WorldPoint {
        let (q, r) = (f64::from(cell.q), f64::from(cell.r));
        WorldPoint {
            x: self.radius * SQRT_3 * (q + r / 2.0),
            y: self.radius * 1.5 * r,
        }
    }

    /// The six corners of `cell`, clockwise on screen from the top.
    pub fn corners(&self, cell: HexCell) -> [WorldPoint; 6] {
        let c = self.centre(cell);
        std::array::from_fn(|i| {
            let angle = (60.0 * i as f64 - 90.0).to_radians();
            WorldPoint {
                x: c.x + self.radius * angle.cos(),
                y: c.y + self.radius * angle.sin(),
            }
        })
    }
}

/// The hexagon level used at `zoom`.
pub fn zoom_level(zoom: f64) -> u32 {
    zoom.max(0.0).floor().min(24.0) as u32
}

/// Rounds fractional axial coordinates to the nearest cell (through cube
/// coordinates, which sum to zero: the component that moved most is the one
/// recomputed from the other two).
fn round_axial(q: f64, r: f64) -> HexCell {
    let s = -q - r;
    let (mut rq, mut rr, rs) = (q.round(), r.round(), s.round());
    let (dq, dr, ds) = ((rq - q).abs(), (rr - r).abs(), (rs - s).abs());
    if dq > dr && dq > ds {
        rq = -rr - rs;
    } else if dr > ds {
        rr = -rq - rs;
    }
    HexCell {
        q: rq as i32,
        r: rr as i32,
    }
}

/// The shown events counted per hexagon of one grid.
#[derive(Debug, Clone, Default)]
pub struct Density {
    /// The grid's level ([`HexGrid::at_level`]).
    pub level: u32,
    /// Each non-empty cell and its count, sorted by cell.
    pub cells: Vec<(HexCell, u32)>,
    /// The largest count.
    pub max: u32,
}

impl Density {
    /// Counts the events flagged in `shown` (one flag per event) of `index`
    /// per cell of the level's grid, on all cores.
    pub fn compute(index: &EventIndex, shown: &[bool], level: u32) -> Self {
        let grid = HexGrid::at_level(level);
        let chunk = 1 << 16;
        let maps: Vec<HashMap<HexCell, u32>> = index
            .order()
            .par_chunks(chunk)
            .zip(index.world().par_chunks(chunk))
            .map(|(events, points)| {
                let mut counts = HashMap::new();
                // Entries run in Morton order: neighbours share a cell, so
                // the last cell is counted on without a lookup.
                let mut run: Option<(HexCell, u32)> = None;
                for (&event, &p) in events.iter().zip(points) {
                    if !shown.get(event as usize).copied().unwrap_or(false) {
                        continue;
                    }
                    let cell = grid.cell_of(p.world());
                    match &mut run {
                        Some((last, n)) if *last == cell => *n += 1,
                        _ => {
                            if let Some((last, n)) = run.replace((cell, 1)) {
                                *counts.entry(last).or_insert(0) += n;
                            }
                        }
                    }
                }
                if let Some((last, n)) = run {
                    *counts.entry(last).or_insert(0) += n;
                }
                counts
            })
            .collect();
        let mut all: HashMap<HexCell, u32> = HashMap::new();
        for map in maps {
            for (cell, n) in map {
                *all.entry(cell).or_insert(0) += n;
            }
        }
        let mut cells: Vec<(HexCell, u32)> = all.into_iter().collect();
        cells.sort_unstable();
        let max = cells.iter().map(|&(_, n)| n).max().unwrap_or(0);
        Self { level, cells, max }
    }

    /// The grid the counts are of.
    pub fn grid(&self) -> HexGrid {
        HexGrid::at_level(self.level)
    }

    /// The count of `cell` (0 when empty).
    pub fn count(&self, cell: HexCell) -> u32 {
        self.cells
            .binary_search_by(|(c, _)| c.cmp(&cell))
            .map_or(0, |at| self.cells[at].1)
    }

    /// Events counted, over all cells.
    pub fn total(&self) -> u64 {
        self.cells.iter().map(|&(_, n)| u64::from(n)).sum()
    }

    /// The events flagged in `shown` that fall in `cell`, in event order
    /// (newest first).
    pub fn members(&self, index: &EventIndex, shown: &[bool], cell: HexCell) -> Vec<u32> {
        let grid = self.grid();
        let mut members: Vec<u32> = index
            .order()
            .par_iter()
            .zip(index.world())
            .filter(|&(&event, &p)| {
                shown.get(event as usize).copied().unwrap_or(false) && grid.cell_of(p.world()) == cell
            })
            .map(|(&event, _)| event)
            .collect();
        members.sort_unstable();
        members
    }
}

/// The density layer's bins, kept while the filter, the notional switch
/// and the zoom level they were counted at stay the same.
#[derive(Default)]
pub struct DensityCache {
    key: Option<(u64, u32)>,
    /// The bins last counted.
    pub density: Density,
}

impl DensityCache {
    /// The bins of the events flagged in `shown` at `level`, counted again
    /// when `generation` (of the flags) or the level changed.
    pub fn get(&mut self, index: &EventIndex, shown: &[bool], generation: u64, level: u32) -> &Density {
        if self.key != Some((generation, level)) {
            self.density = Density::compute(index, shown, level);
            self.key = Some((generation, level));
        }
        &self.density
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nearest centre among the cell found and its neighbours, by
    /// plain distance: what "the cell holding a point" means.
    fn nearest_by_distance(grid: &HexGrid, p: WorldPoint, around: HexCell) -> HexCell {
        let mut best = (f64::MAX, around);
        for dq in -2..=2 {
            for dr in -2..=2 {
                let cell = HexCell {
                    q: around.q + dq,
                    r: around.r + dr,
                };
                let c = grid.centre(cell);
                let d = (c.x - p.x).hypot(c.y - p.y);
                if d < best.0 {
                    best = (d, cell);
                }
            }
        }
        best.1
    }

    #[test]
    fn every_point_falls_in_the_cell_with_the_nearest_centre() {
        let grid = HexGrid::at_level(6);
        let mut seed = 12_345u64;
        for _ in 0..20_000 {
            // A small LCG: deterministic points over the regions' part of the world.
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let x = 0.58 + (seed >> 33) as f64 / f64::from(u32::MAX) * 0.05;
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let y = 0.33 + (seed >> 33) as f64 / f64::from(u32::MAX) * 0.05;
            let p = WorldPoint { x, y };
            let cell = grid.cell_of(p);
            assert_eq!(cell, nearest_by_distance(&grid, p, cell), "{p:?}");
        }
        let cell = HexCell { q: 40, r: -7 };
        assert_eq!(grid.cell_of(grid.centre(cell)), cell);
        for corner in grid.corners(cell) {
            let c = grid.centre(cell);
            assert!(((corner.x - c.x).hypot(corner.y - c.y) - grid.radius).abs() < 1e-12);
        }
    }

    #[test]
    fn cells_halve_at_each_zoom_level() {
        assert_eq!(zoom_level(5.7), 5);
        assert_eq!(HexGrid::at_level(6).radius * 2.0, HexGrid::at_level(5).radius);
        assert_eq!(HexGrid::for_zoom(-1.0), HexGrid::at_level(0));
    }
}
