//! Pure geometry shared by the data, the spatial index and the map: the Web
//! Mercator projection, bounding boxes and the ruler's measures. No egui, no
//! loaded data.

pub mod projection;
pub mod ruler;

pub use projection::{WorldPoint, WorldRect, project, unproject};

use geo::{Coord, Rect};

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
    fn the_union_of_two_boxes_holds_both() {
        let a = Rect::new(Coord { x: 30.0, y: 44.0 }, Coord { x: 34.0, y: 46.0 });
        let b = Rect::new(Coord { x: 33.0, y: 45.0 }, Coord { x: 40.0, y: 50.0 });
        let u = bounds_union(&a, &b);
        assert_eq!(u.min(), Coord { x: 30.0, y: 44.0 });
        assert_eq!(u.max(), Coord { x: 40.0, y: 50.0 });
    }
}
