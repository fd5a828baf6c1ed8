//! The bundled rivers and lakes (GSHHG) checked against sources that are not
//! GSHHG: towns that GeoNames places on a river lie beside a river line or
//! in a lake, and the rivers run on the land of the region and context
//! outlines (OpenStreetMap/Natural Earth), not out at sea.

use borderwatch::data::places::Gazetteer;
use borderwatch::data::{ContextLayer, RegionSet, WaterLayer};
use geo::{Contains, Coord};

/// Kilometres from `point` to the segment `a`–`b`, on a plane tangent at `point`.
fn km_to_segment(point: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let k = point.y.to_radians().cos();
    let to_km = |c: Coord<f64>| ((c.x - point.x) * k * 111.195, (c.y - point.y) * 111.195);
    let ((ax, ay), (bx, by)) = (to_km(a), to_km(b));
    let (dx, dy) = (bx - ax, by - ay);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 {
        0.0
    } else {
        (-(ax * dx + ay * dy) / length).clamp(0.0, 1.0)
    };
    (ax + t * dx).hypot(ay + t * dy)
}

/// Kilometres from `point` to the nearest river line or lake shore (0 inside a lake).
fn km_to_water(point: Coord<f64>, water: &WaterLayer) -> f64 {
    if water.lakes.iter().any(|l| l.shape.contains(&point)) {
        return 0.0;
    }
    let lines = water
        .rivers
        .iter()
        .flat_map(|r| r.line.0.iter())
        .chain(water.lakes.iter().flat_map(|l| {
            l.shape
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        }));
    lines
        .flat_map(|line| line.lines())
        .map(|s| km_to_segment(point, s.start, s.end))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn towns_on_rivers_lie_beside_the_river_lines() {
    let water = WaterLayer::bundled().expect("water");
    let gazetteer = Gazetteer::bundled();
    // GeoNames id, name, the river or lake it stands on.
    let towns = [
        (501_175, "Don"),
        (472_045, "Voronezh"),
        (703_448, "Dnieper"),
        (704_147, "Dnieper"),
        (687_700, "Dnieper"),
        (571_476, "Desna"),
        (710_735, "Desna"),
        (578_072, "Seversky Donets"),
        (477_192, "Oskol"),
        (703_656, "Oskil"),
        (538_560, "Seym"),
        (707_292, "Siverskyi Donets"),
        (702_972, "Siverskyi Donets"),
        (691_999, "Siverskyi Donets"),
        (542_420, "Kuban"),
        (472_761, "Tsimlyansk Reservoir"),
    ];
    for (id, river) in towns {
        let place = gazetteer.iter().find(|p| p.id == id).expect("in the gazetteer");
        let km = km_to_water(place.lonlat, &water);
        // GeoNames gives town centres; World Data Bank II is 1–3 km off in places.
        assert!(
            km <= 6.0,
            "{} is {km:.1} km from any river or lake ({river})",
            place.name
        );
    }
    // And a town far from any river in the data is far from every line: the check can fail.
    let sumy = gazetteer.iter().find(|p| p.id == 692_194).expect("Sumy");
    assert!(
        km_to_water(sumy.lonlat, &water) > 20.0,
        "the Psel is not in WDBII"
    );
}

#[test]
fn rivers_run_on_land_and_their_names_on_their_lines() {
    let water = WaterLayer::bundled().expect("water");
    let regions = RegionSet::bundled().expect("regions");
    let context = ContextLayer::bundled().expect("context");
    let mut total = 0;
    let off_land: Vec<Coord<f64>> = water
        .rivers
        .iter()
        .flat_map(|r| r.line.0.iter().flat_map(|l| l.0.iter().copied()))
        .inspect(|_| total += 1)
        .filter(|&c| regions.locate(c).is_none() && context.area_at(c).is_none())
        .collect();
    assert!(total > 5_000, "{total}");
    // River mouths and limans only (Dniester, Dnieper–Bug, Kuban).
    assert!(
        off_land.len() <= 15,
        "{} of {total} off land: {off_land:?}",
        off_land.len()
    );
    for label in &water.labels {
        let km = water
            .rivers
            .iter()
            .flat_map(|r| r.line.0.iter().flat_map(|l| l.lines()))
            .map(|s| km_to_segment(label.point, s.start, s.end))
            .fold(f64::INFINITY, f64::min);
        assert!(km < 0.05, "{} label {km:.3} km off its river", label.name);
    }
}
