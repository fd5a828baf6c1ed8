//! Numbers and coordinates as people read them.

use geo::Coord;

/// Groups digits in threes with thin spaces: `100967` → `100 967`.
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// An area in km², rounded to whole km².
pub fn format_area(km2: f64) -> String {
    format!("{} km²", group_thousands(km2.max(0.0).round() as u64))
}

/// A latitude/longitude pair with hemispheres: `47.2300° N, 39.7200° E`.
pub fn format_lonlat(lonlat: Coord<f64>) -> String {
    let ns = if lonlat.y >= 0.0 { 'N' } else { 'S' };
    let ew = if lonlat.x >= 0.0 { 'E' } else { 'W' };
    format!("{:.4}° {ns}, {:.4}° {ew}", lonlat.y.abs(), lonlat.x.abs())
}

/// How far off the coast a coastal event lies: `coastal: 0.4 km offshore`.
pub fn format_offshore(metres: u16) -> String {
    format!("coastal: {:.1} km offshore", f64::from(metres) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1\u{2009}000");
        assert_eq!(group_thousands(100_967), "100\u{2009}967");
        assert_eq!(group_thousands(1_234_567), "1\u{2009}234\u{2009}567");
        assert_eq!(format_area(27_133.6), "27\u{2009}134 km²");
    }

    #[test]
    fn offshore_distances_read_in_tenths_of_a_km() {
        assert_eq!(format_offshore(0), "coastal: 0.0 km offshore");
        assert_eq!(format_offshore(380), "coastal: 0.4 km offshore");
        assert_eq!(format_offshore(1960), "coastal: 2.0 km offshore");
    }

    #[test]
    fn coordinates_name_their_hemispheres() {
        assert_eq!(
            format_lonlat(Coord { x: 39.72, y: 47.23 }),
            "47.2300° N, 39.7200° E"
        );
        assert_eq!(
            format_lonlat(Coord { x: -70.5, y: -33.25 }),
            "33.2500° S, 70.5000° W"
        );
    }
}
