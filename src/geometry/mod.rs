//! Pure geometry shared by the data, the spatial index and the map: the Web
//! Mercator projection, bounding boxes and the ruler's measures. No egui, no
//! loaded data.

pub mod area;
pub mod projection;
pub mod ruler;

pub use projection::{GridPoint, WorldPoint, WorldRect, project, unproject};

use geo::{Coord, Rect};

/// Metres in a degree of latitude (mean, WGS84).
pub const METRES_PER_DEGREE: f64 = 111_195.0;

/// Where on the segment `a`–`b` (in a plane) the point nearest to the
/// origin lies, as a share of the way from `a` to `b` (0 to 1).
pub fn nearest_to_origin(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length2 = dx * dx + dy * dy;
    if length2 > 0.0 {
        (-(a.x * dx + a.y * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The bounding box of two longitude/latitude boxes.
pub fn bounds_union(a: &Rect<f64>, b: &Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_point_of_a_segment_to_the_origin() {
        let at = |a: (f64, f64), b: (f64, f64)| {
            nearest_to_origin(Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 })
        };
        assert_eq!(at((-1.0, 1.0), (1.0, 1.0)), 0.5);
        assert_eq!(at((1.0, 1.0), (3.0, 1.0)), 0.0, "before the start: the start");
        assert_eq!(at((-3.0, 1.0), (-1.0, 1.0)), 1.0, "past the end: the end");
        assert_eq!(at((2.0, 2.0), (2.0, 2.0)), 0.0, "a point");
    }

    #[test]
    fn the_union_of_two_boxes_holds_both() {
        let a = Rect::new(Coord { x: 30.0, y: 44.0 }, Coord { x: 34.0, y: 46.0 });
        let b = Rect::new(Coord { x: 33.0, y: 45.0 }, Coord { x: 40.0, y: 50.0 });
        let u = bounds_union(&a, &b);
        assert_eq!(u.min(), Coord { x: 30.0, y: 44.0 });
        assert_eq!(u.max(), Coord { x: 40.0, y: 50.0 });
    }
}
