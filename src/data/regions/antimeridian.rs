//! Rings written across ±180° without being split (Chukotka, Fiji, the
//! Aleutians in files that ignore RFC 7946 §3.1.9): read as they are, such a
//! ring spans the whole globe the other way round and swallows places on the
//! far side (Murmansk would be in Chukotka). Each such polygon is unwrapped
//! into continuous longitudes and cut at ±180° into polygons that do not
//! cross it.

use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, Rect, Translate};

/// Consecutive longitudes of a ring that jump by more than this are taken as
/// a crossing of ±180° (no real edge spans half the globe).
const JUMP: f64 = 180.0;

/// The first jump across ±180° in the shape's rings, as the two longitudes
/// on either side (`179.5, -179.5`), when there is one.
pub fn unsplit_crossing(shape: &MultiPolygon<f64>) -> Option<(f64, f64)> {
    shape.0.iter().find_map(polygon_crossing)
}

fn polygon_crossing(polygon: &Polygon<f64>) -> Option<(f64, f64)> {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .flat_map(|ring| ring.0.windows(2))
        .find_map(|pair| ((pair[1].x - pair[0].x).abs() > JUMP).then_some((pair[0].x, pair[1].x)))
}

/// The shape with every polygon that crosses ±180° unsplit cut there into
/// polygons on either side; the others are kept as they are.
pub fn split_at_antimeridian(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let world = |west: f64| {
        Rect::new(
            Coord { x: west, y: -90.0 },
            Coord {
                x: west + 360.0,
                y: 90.0,
            },
        )
        .to_polygon()
    };
    let mut parts = Vec::new();
    for polygon in &shape.0 {
        if polygon_crossing(polygon).is_none() {
            parts.push(polygon.clone());
            continue;
        }
        let unwrapped = Polygon::new(
            unwrap_ring(polygon.exterior()),
            polygon.interiors().iter().map(unwrap_ring).collect(),
        );
        // The unwrapped polygon reaches past 180° (or below -180°): the part
        // beyond is moved back by a whole turn.
        for (west, shift) in [(-180.0, 0.0), (180.0, -360.0), (-540.0, 360.0)] {
            let piece = unwrapped.intersection(&world(west));
            parts.extend(piece.translate(shift, 0.0).0);
        }
    }
    MultiPolygon(parts).orient(Direction::Default)
}

/// A ring's longitudes made continuous: each point is moved by whole turns
/// to lie within 180° of the one before.
fn unwrap_ring(ring: &LineString<f64>) -> LineString<f64> {
    let mut offset = 0.0;
    let mut previous: Option<f64> = None;
    let mut points = Vec::with_capacity(ring.0.len());
    for point in &ring.0 {
        if let Some(previous) = previous {
            let delta = point.x + offset - previous;
            if delta > JUMP {
                offset -= 360.0;
            } else if delta < -JUMP {
                offset += 360.0;
            }
        }
        let x = point.x + offset;
        previous = Some(x);
        points.push(Coord { x, y: point.y });
    }
    LineString(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Point};

    #[test]
    fn a_ring_across_the_antimeridian_is_cut_there() {
        let ring = LineString::from(vec![
            (170.0, 64.0),
            (179.5, 64.0),
            (-179.5, 64.0),
            (-172.0, 64.0),
            (-172.0, 71.0),
            (-179.5, 71.0),
            (179.5, 71.0),
            (170.0, 71.0),
            (170.0, 64.0),
        ]);
        let shape = MultiPolygon(vec![Polygon::new(ring, vec![])]);
        assert_eq!(unsplit_crossing(&shape), Some((179.5, -179.5)));
        let split = split_at_antimeridian(&shape);
        assert_eq!(split.0.len(), 2, "{split:?}");
        assert_eq!(unsplit_crossing(&split), None);
        // 18° of longitude by 7° of latitude, on both sides.
        assert!(
            (split.unsigned_area() - 18.0 * 7.0).abs() < 1e-6,
            "{}",
            split.unsigned_area()
        );
        assert!(
            !split.contains(&Point::new(33.08, 68.97)),
            "Murmansk is not in Chukotka"
        );
        assert!(split.contains(&Point::new(175.0, 68.0)));
        assert!(split.contains(&Point::new(-175.0, 68.0)));
        let plain = MultiPolygon(vec![Rect::new((30.0, 50.0), (31.0, 51.0)).to_polygon()]);
        assert_eq!(unsplit_crossing(&plain), None);
        assert_eq!(split_at_antimeridian(&plain).0.len(), 1);
    }
}
