//! The filter in words, for the status bar, the filter bar's tooltip and
//! `borderwatch check`: `2021-04-01 – 2021-04-30, 2 categories hidden,
//! within 10 km of the border, "shoigu"`.

use super::filter::{CategorySelection, EventFilter};
use crate::data::events::date::civil_from_days;
use crate::data::grouped::thousands;
use crate::geometry::area::DrawnArea;

impl EventFilter {
    /// The filter in words, for status lines: `2014-05-01 – 2014-05-31,
    /// 2 categories hidden, "shoigu"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.from_day, self.to_day) {
            (Some(from), Some(to)) => parts.push(format!("{} – {}", day_text(from), day_text(to))),
            (Some(from), None) => parts.push(format!("from {}", day_text(from))),
            (None, Some(to)) => parts.push(format!("until {}", day_text(to))),
            (None, None) => {}
        }
        match &self.categories {
            CategorySelection::AllExcept(hidden) if !hidden.is_empty() => parts.push(format!(
                "{} categor{} hidden",
                hidden.len(),
                if hidden.len() == 1 { "y" } else { "ies" }
            )),
            CategorySelection::Only(shown) => parts.push(format!(
                "only {}",
                shown.iter().cloned().collect::<Vec<_>>().join(", ")
            )),
            _ => {}
        }
        if !self.hidden_regions.is_empty() {
            parts.push(format!(
                "{} region group{} hidden",
                self.hidden_regions.len(),
                if self.hidden_regions.len() == 1 { "" } else { "s" }
            ));
        }
        if self.located_only {
            parts.push("located to a town or better".into());
        }
        if let Some(metres) = self.near_border_m {
            parts.push(format!("within {} of the border", km_text(metres)));
        }
        if let Some(area) = &self.area {
            parts.push(format!("inside the {}", area_text(area)));
        }
        if !self.text.trim().is_empty() {
            parts.push(format!("\"{}\"", self.text.trim()));
        }
        parts.join(", ")
    }
}

/// Metres as km for people: `10 km`, `2.5 km`.
pub fn km_text(metres: u32) -> String {
    // Rust writes whole floats without a fraction: `10`, `2.5`.
    format!("{} km", f64::from(metres) / 1000.0)
}

/// A drawn area in words: `polygon of 5 points, 1,234 km²`, `circle of
/// 25 km around 50.60° N 36.59° E, 1,963 km²`.
pub fn area_text(area: &DrawnArea) -> String {
    let km2 = km2_text(area.area_km2());
    match area {
        DrawnArea::Polygon(points) => format!("polygon of {} points, {km2}", points.len()),
        DrawnArea::Circle { centre, radius_m } => format!(
            "circle of {} km around {:.2}° N {:.2}° E, {km2}",
            radius_km(*radius_m),
            centre.y,
            centre.x
        ),
    }
}

/// An area in whole km²: `1,234 km²`.
pub fn km2_text(km2: f64) -> String {
    format!("{} km²", thousands(km2.max(0.0).round() as usize))
}

/// A radius in km to a tenth: `25`, `2.5`.
pub fn radius_km(radius_m: f64) -> f64 {
    (radius_m / 100.0).round() / 10.0
}

/// `YYYY-MM-DD` of a day number.
pub fn day_text(day: i32) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}
