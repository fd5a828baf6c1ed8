//! Towns and villages on the map (the bundled GeoNames places), ranked once:
//! each is shown from the zoom where it matters — the bigger the town, the
//! further out; nearer the border, sooner (drawn by `town_labels.rs`).

use crate::data::places::{Gazetteer, Place};
use crate::data::regions::border_distance::BorderMeasure;
use crate::geometry::{WorldPoint, project};

/// Zoom from which districts of a city (Saltivka in Kharkiv) are named.
const DISTRICT_ZOOM: f32 = 11.5;

/// Within this distance of the state border a town shows one zoom level
/// sooner: that is where the events are.
const BORDER_BOOST_KM: f64 = 30.0;

/// One town as the map draws it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Town {
    pub(super) at: WorldPoint,
    /// The zoom level from which it is drawn.
    pub(super) min_zoom: f32,
    /// Its index in the gazetteer.
    pub(super) place: u32,
    pub(super) population: u32,
}

/// The towns of a gazetteer in the order their names are placed: by the
/// zoom they appear at, then the most populous first, so a capital always
/// wins its place over a village beside it.
pub struct TownLayer {
    pub(super) towns: Vec<Town>,
}

impl TownLayer {
    /// Every place of `gazetteer`, ranked; `border` makes border towns appear sooner.
    pub fn new(gazetteer: &Gazetteer, border: &BorderMeasure) -> Self {
        let mut towns: Vec<Town> = gazetteer
            .iter()
            .enumerate()
            .map(|(index, place)| {
                let near_border = border.is_within(place.lonlat, BORDER_BOOST_KM * 1000.0);
                Town {
                    at: project(place.lonlat),
                    min_zoom: min_zoom(place, near_border),
                    place: index as u32,
                    population: place.population,
                }
            })
            .collect();
        towns.sort_by(|a, b| {
            a.min_zoom
                .total_cmp(&b.min_zoom)
                .then(b.population.cmp(&a.population))
                .then(a.place.cmp(&b.place))
        });
        Self { towns }
    }

    /// The zoom from which the place with this gazetteer index is drawn.
    #[cfg(test)]
    pub fn min_zoom_of(&self, place: usize) -> Option<f32> {
        self.towns
            .iter()
            .find(|t| t.place as usize == place)
            .map(|t| t.min_zoom)
    }
}

/// The zoom level from which `place` is drawn; `near_border` when it is
/// within [`BORDER_BOOST_KM`] of a border line.
pub fn min_zoom(place: &Place, near_border: bool) -> f32 {
    if place.is_district() {
        return DISTRICT_ZOOM;
    }
    let by_size = match place.population {
        1_000_000.. => 3.0,
        300_000.. => 4.5,
        100_000.. => 5.5,
        30_000.. => 6.5,
        10_000.. => 7.5,
        3_000.. => 8.5,
        _ => 9.5,
    };
    if near_border { by_size - 1.0 } else { by_size }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RegionSet;

    #[test]
    fn big_towns_and_border_towns_show_sooner_and_districts_last() {
        let regions = RegionSet::bundled().expect("regions");
        let gazetteer = Gazetteer::bundled();
        let layer = TownLayer::new(gazetteer, regions.border());
        let zoom_of = |name: &str| {
            let index = gazetteer
                .iter()
                .position(|p| &*p.name == name)
                .unwrap_or_else(|| panic!("{name} in the gazetteer"));
            layer.min_zoom_of(index).expect("ranked")
        };
        assert!(zoom_of("Voronezh") < zoom_of("Valuyki"));
        // Shebekino (45 000, by the border) shows before Liski (55 000,
        // 150 km from it), though Liski is bigger.
        assert!(zoom_of("Shebekino") < zoom_of("Liski"));
        assert_eq!(zoom_of("Saltivka"), DISTRICT_ZOOM);
        let ordered: Vec<f32> = layer.towns.iter().map(|t| t.min_zoom).collect();
        assert!(ordered.windows(2).all(|w| w[0] <= w[1]), "placed in rank order");
        assert_eq!(layer.towns.len(), gazetteer.len());
    }
}
