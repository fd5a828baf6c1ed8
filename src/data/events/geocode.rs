//! Events that name a place but give no coordinates, placed from the
//! gazetteer: only when the name is one place within the event's region (or,
//! with no region, within the gazetteer); several are listed, never guessed.

use geo::Coord;

use crate::data::RegionSet;
use crate::data::places::Gazetteer;

/// Places named in a message about an ambiguous name, at most.
const LISTED: usize = 5;

/// A place found for an event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geocoded {
    /// Where the place is (longitude, latitude).
    pub lonlat: Coord<f64>,
    /// Its index in the gazetteer.
    pub place: usize,
}

/// The one place `name` can mean within the region at `region` (any
/// region when `None`), or why there is none: not known, or several. A name
/// such as "Shebekino, Belgorod Oblast" is also tried up to its first comma.
pub fn geocode(
    name: &str,
    region: Option<usize>,
    regions: &RegionSet,
    gazetteer: &Gazetteer,
) -> Result<Geocoded, String> {
    let mut candidates = gazetteer.named(name);
    if candidates.is_empty()
        && let Some((head, _)) = name.split_once(',')
    {
        candidates = gazetteer.named(head);
    }
    if candidates.is_empty() {
        return Err(format!(
            "place \"{name}\" is not in the gazetteer (GeoNames towns and villages of the area)"
        ));
    }
    let within = |i: &usize| region.is_none_or(|r| regions.locate(gazetteer.place(*i).lonlat) == Some(r));
    let inside: Vec<usize> = candidates.iter().copied().filter(within).collect();
    let region_name = region.and_then(|r| regions.get(r)).map(|r| r.name.as_str());
    match (inside.as_slice(), region_name) {
        ([one], _) => Ok(Geocoded {
            lonlat: gazetteer.place(*one).lonlat,
            place: *one,
        }),
        ([], Some(region)) => Err(format!(
            "place \"{name}\" is not in {region} in the gazetteer ({} elsewhere: {})",
            candidates.len(),
            listed(name, &candidates, regions, gazetteer)
        )),
        (several, where_) => Err(format!(
            "place \"{name}\" is ambiguous: {} places{} have that name ({}); give the coordinates{}",
            several.len(),
            where_.map_or(String::new(), |r| format!(" in {r}")),
            listed(name, several, regions, gazetteer),
            if where_.is_some() {
                ""
            } else {
                ", or a \"region\" that holds only one of them"
            }
        )),
    }
}

/// "Ivanivka 50.1234, 36.5678 in Belgorod Oblast; Bilozerka (also
/// Ivanivka) 46.6265, 32.4445 in Ukraine; …" for the first few places.
fn listed(name: &str, places: &[usize], regions: &RegionSet, gazetteer: &Gazetteer) -> String {
    let mut text: Vec<String> = places
        .iter()
        .take(LISTED)
        .map(|&i| {
            let place = gazetteer.place(i);
            let region = match regions.locate(place.lonlat).and_then(|r| regions.get(r)) {
                Some(region) => region.name.clone(),
                None => regions
                    .border()
                    .country_at(place.lonlat)
                    .map_or_else(|| place.country_code().to_string(), str::to_string),
            };
            let also = if place.name.eq_ignore_ascii_case(name.trim()) {
                String::new()
            } else {
                format!(" (also {name})")
            };
            format!(
                "{}{also} {:.4}, {:.4} in {region}",
                place.name, place.lonlat.y, place.lonlat.x
            )
        })
        .collect();
    if places.len() > LISTED {
        text.push(format!("and {} more", places.len() - LISTED));
    }
    text.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> RegionSet {
        RegionSet::bundled().expect("regions")
    }

    #[test]
    fn a_unique_name_is_placed_at_its_town_in_any_spelling() {
        let (regions, gazetteer) = (regions(), Gazetteer::bundled());
        for name in ["Shebekino", "Шебекино", "shebekino", "Shebekino, Belgorod Oblast"] {
            let found = geocode(name, None, &regions, gazetteer).expect(name);
            let place = gazetteer.place(found.place);
            assert_eq!(place.id, 495_112, "{name}");
            assert_eq!(found.lonlat, place.lonlat);
            assert_eq!(
                regions
                    .locate(found.lonlat)
                    .and_then(|r| regions.get(r))
                    .map(|r| r.id.as_str()),
                Some("belgorod")
            );
        }
    }

    #[test]
    fn an_ambiguous_name_is_listed_not_guessed_unless_its_region_settles_it() {
        let (regions, gazetteer) = (regions(), Gazetteer::bundled());
        // A name several villages share, one of them in a tracked region.
        let (name, region) = gazetteer
            .iter()
            .filter_map(|p| {
                let named = gazetteer.named(&p.name);
                let in_regions: Vec<usize> = named
                    .iter()
                    .filter_map(|&i| regions.locate(gazetteer.place(i).lonlat))
                    .collect();
                (named.len() >= 3 && in_regions.len() == 1).then(|| (p.name.to_string(), in_regions[0]))
            })
            .next()
            .expect("a shared name");
        let error = geocode(&name, None, &regions, gazetteer).expect_err("ambiguous");
        assert!(error.contains("ambiguous") && error.contains(&name), "{error}");
        assert!(
            error.contains(" in "),
            "each place is listed with where it is: {error}"
        );
        let found = geocode(&name, Some(region), &regions, gazetteer).expect("one in the region");
        assert_eq!(regions.locate(found.lonlat), Some(region));
    }

    #[test]
    fn an_unknown_name_or_one_outside_the_region_says_so() {
        let (regions, gazetteer) = (regions(), Gazetteer::bundled());
        let error = geocode("Nowhereville", None, &regions, gazetteer).expect_err("unknown");
        assert!(error.contains("not in the gazetteer"), "{error}");
        let rostov = regions.index_of("rostov").expect("rostov");
        let error = geocode("Shebekino", Some(rostov), &regions, gazetteer).expect_err("not in Rostov");
        assert!(error.contains("is not in Rostov"), "{error}");
        assert!(error.contains("Belgorod"), "says where it is instead: {error}");
    }
}
