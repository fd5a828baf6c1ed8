//! Measuring on the map: the legs of a path of clicked points, each with its
//! geodesic length on the WGS84 ellipsoid and its initial bearing (Karney's
//! method, `geo`'s [`Geodesic`]), and the total.

use geo::{Bearing, Coord, Distance, Geodesic, Point};

/// One leg of a measured path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leg {
    /// Geodesic length, in metres.
    pub metres: f64,
    /// Initial bearing, degrees clockwise from north, 0 ≤ b < 360.
    pub bearing: f64,
}

/// The legs between consecutive `points` (longitude/latitude).
pub fn legs(points: &[Coord<f64>]) -> Vec<Leg> {
    points
        .windows(2)
        .map(|pair| {
            let (from, to) = (Point(pair[0]), Point(pair[1]));
            Leg {
                metres: Geodesic.distance(from, to),
                bearing: Geodesic.bearing(from, to).rem_euclid(360.0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legs_agree_with_geographiclib() {
        // Belgorod → Shebekino → Hrabovske. Expected values from the Python
        // geographiclib 2.1 (Geodesic.WGS84.Inverse), an independent
        // implementation of Karney's method.
        let points = [
            Coord {
                x: 36.5873,
                y: 50.5954,
            },
            Coord {
                x: 36.8932,
                y: 50.4077,
            },
            Coord {
                x: 35.4544,
                y: 50.6984,
            },
        ];
        let legs = legs(&points);
        assert_eq!(legs.len(), 2);
        let expected = [(30_115.761, 133.7744), (106_970.389, 288.1502)];
        for (leg, (metres, bearing)) in legs.iter().zip(expected) {
            assert!((leg.metres - metres).abs() < 0.01, "{leg:?}");
            assert!((leg.bearing - bearing).abs() < 1e-3, "{leg:?}");
        }
        let total: f64 = legs.iter().map(|l| l.metres).sum();
        assert!((total - 137_086.15).abs() < 0.02, "{total}");
        assert!(super::legs(&points[..1]).is_empty());
    }
}
