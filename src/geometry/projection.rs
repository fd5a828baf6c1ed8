//! Web Mercator, in f64: longitude/latitude ↔ a unit square world.

use geo::Coord;

/// The latitude where Web Mercator's square world ends.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// A point of the Web Mercator world scaled to the unit square: `x` from 0
/// (180° W) to 1 (180° E), `y` from 0 (north edge) to 1 (south edge).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorldPoint {
    /// East-west, 0..1.
    pub x: f64,
    /// North-south (down), 0..1.
    pub y: f64,
}

impl WorldPoint {
    /// A world point.
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

/// A world point held to 1/2^32 of the world's side (under a centimetre),
/// in 8 bytes where a [`WorldPoint`] takes 16: how the map's spatial index
/// keeps each event's position (8 MB less at a million events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GridPoint {
    /// East-west, in 2^-32 of the world's width.
    pub x: u32,
    /// North-south (down), in 2^-32 of the world's height.
    pub y: u32,
}

/// Steps of a [`GridPoint`] across the world.
const GRID_STEPS: f64 = 4_294_967_296.0;

impl GridPoint {
    /// The step of the grid that holds `point`; a point off the world is
    /// taken to its nearest edge.
    pub fn of(point: WorldPoint) -> Self {
        // `as` saturates: below 0 (and NaN) gives 0, past the end the last step.
        let step = |v: f64| (v * GRID_STEPS).floor() as u32;
        Self {
            x: step(point.x),
            y: step(point.y),
        }
    }

    /// The middle of its step: [`Self::of`] gives the same step back.
    pub fn world(self) -> WorldPoint {
        WorldPoint {
            x: (f64::from(self.x) + 0.5) / GRID_STEPS,
            y: (f64::from(self.y) + 0.5) / GRID_STEPS,
        }
    }
}

/// Projects longitude/latitude in degrees (`x` = longitude, `y` = latitude).
pub fn project(lonlat: Coord<f64>) -> WorldPoint {
    let lat = lonlat.y.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    WorldPoint {
        x: (lonlat.x + 180.0) / 360.0,
        y: 0.5 - (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln() / (2.0 * std::f64::consts::PI),
    }
}

/// The longitude/latitude of a world point (`x` = longitude, `y` = latitude).
pub fn unproject(point: WorldPoint) -> Coord<f64> {
    let n = std::f64::consts::PI * (1.0 - 2.0 * point.y);
    Coord {
        x: point.x * 360.0 - 180.0,
        y: n.sinh().atan().to_degrees(),
    }
}

/// An axis-aligned box in world coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorldRect {
    /// North-west corner (smallest x and y).
    pub min: WorldPoint,
    /// South-east corner.
    pub max: WorldPoint,
}

impl WorldRect {
    /// The world box of a longitude/latitude box.
    pub fn from_lonlat(bounds: &geo::Rect<f64>) -> Self {
        let a = project(bounds.min());
        let b = project(bounds.max());
        Self {
            min: WorldPoint::new(a.x.min(b.x), a.y.min(b.y)),
            max: WorldPoint::new(a.x.max(b.x), a.y.max(b.y)),
        }
    }

    /// Width and height.
    pub fn size(&self) -> (f64, f64) {
        (self.max.x - self.min.x, self.max.y - self.min.y)
    }

    /// The middle.
    pub fn center(&self) -> WorldPoint {
        WorldPoint::new((self.min.x + self.max.x) / 2.0, (self.min.y + self.max.y) / 2.0)
    }

    /// Whether the two boxes overlap.
    pub fn intersects(&self, other: &WorldRect) -> bool {
        self.min.x <= other.max.x
            && other.min.x <= self.max.x
            && self.min.y <= other.max.y
            && other.min.y <= self.max.y
    }

    /// Whether `p` is inside the box (edges included).
    pub fn contains(&self, p: WorldPoint) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    /// The box grown by `margin` on every side.
    pub fn expand(&self, margin: f64) -> WorldRect {
        WorldRect {
            min: WorldPoint::new(self.min.x - margin, self.min.y - margin),
            max: WorldPoint::new(self.max.x + margin, self.max.y + margin),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact_to_a_millimetre() {
        for (lon, lat) in [
            (39.72, 47.23),
            (-179.9, -80.0),
            (0.0, 0.0),
            (33.52, 44.6),
            (179.0, 85.0),
        ] {
            let back = unproject(project(Coord { x: lon, y: lat }));
            assert!((back.x - lon).abs() < 1e-9, "{lon} -> {}", back.x);
            assert!((back.y - lat).abs() < 1e-9, "{lat} -> {}", back.y);
        }
    }

    #[test]
    fn known_points_land_where_web_mercator_puts_them() {
        let origin = project(Coord { x: 0.0, y: 0.0 });
        assert_eq!((origin.x, origin.y), (0.5, 0.5));
        let north = project(Coord {
            x: -180.0,
            y: MAX_LATITUDE,
        });
        assert!(north.x.abs() < 1e-12 && north.y.abs() < 1e-9);
        // North is up: a higher latitude has a smaller y.
        assert!(project(Coord { x: 0.0, y: 50.0 }).y < project(Coord { x: 0.0, y: 45.0 }).y);
    }

    #[test]
    fn grid_points_hold_a_position_to_a_centimetre_and_give_their_step_back() {
        for (lon, lat) in [(39.72, 47.23), (33.52, 44.6), (-179.9, -80.0), (179.99, 85.0)] {
            let at = Coord { x: lon, y: lat };
            let grid = GridPoint::of(project(at));
            assert_eq!(GridPoint::of(grid.world()), grid);
            // Metres on the ground: 40 075 km round the equator, less by
            // the cosine of the latitude.
            let back = unproject(grid.world());
            let metres_x = (back.x - lon).abs() / 360.0 * 40_075_016.7 * lat.to_radians().cos();
            let metres_y = (back.y - lat).abs() * 111_320.0;
            assert!(
                metres_x < 0.01 && metres_y < 0.01,
                "{lon},{lat}: {metres_x} m, {metres_y} m"
            );
        }
        // Off the world: to its edges.
        assert_eq!(
            GridPoint::of(WorldPoint::new(-0.5, 1.5)),
            GridPoint { x: 0, y: u32::MAX }
        );
        assert_eq!(
            GridPoint::of(WorldPoint::new(f64::NAN, 1.0)),
            GridPoint { x: 0, y: u32::MAX }
        );
        // Neighbouring steps stay apart.
        let a = GridPoint { x: 7, y: 9 };
        assert!(a.world().x < GridPoint { x: 8, y: 9 }.world().x);
    }
}
