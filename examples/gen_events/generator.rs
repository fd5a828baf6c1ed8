//! The event generator behind `gen_events`: realistic, deterministic event
//! files for tests and benchmarks (the benchmarks include this file by
//! path, so it depends on nothing but std and, in tests, the library).
//!
//! Events are made up from templates: real towns, ranges and air bases of the
//! five tracked regions (about 85%) and of their surroundings (about 15%),
//! dates from 2015 to 2024, and every field of `docs/events.md` in plausible
//! proportions. A `region` is declared only for points drawn around a town of
//! that region, with a jitter small enough to stay well inside it.
//!
//! The JSON layout is `{"events": [`, one record per line, `]}`, so a line
//! number names a record (record `i` is on line `i + 2`).

use std::fmt::Write as _;
use std::io::{self, Write};

/// What the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `{"events": [...]}`, one record per line.
    Json,
    /// A GeoJSON FeatureCollection of Points.
    GeoJson,
}

// ---------------------------------------------------------------------------
// Random numbers: splitmix64, enough for test data and fully deterministic.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A standard normal pair (Box-Muller).
    fn gauss2(&mut self) -> (f64, f64) {
        let u = 1.0 - self.unit(); // (0, 1]
        let v = self.unit();
        let r = (-2.0 * u.ln()).sqrt();
        let a = std::f64::consts::TAU * v;
        (r * a.cos(), r * a.sin())
    }

    /// An index drawn by cumulative weights.
    fn weighted(&mut self, cumulative: &[u32]) -> usize {
        let total = cumulative.last().copied().unwrap_or(1);
        let x = self.below(total as usize) as u32;
        cumulative.partition_point(|&c| c <= x)
    }
}

fn cumulative(weights: impl Iterator<Item = u32>) -> Vec<u32> {
    weights
        .scan(0, |sum, w| {
            *sum += w;
            Some(*sum)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Places

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    City,
    Town,
    Range,
    Airbase,
    Sea,
}

/// A tracked region, by its bundled id.
struct RegionInfo {
    id: &'static str,
    /// How texts name the region as a place.
    place: &'static str,
    /// The regional centre (where "somewhere in the region" is placed).
    centre: (f64, f64),
    admin: &'static str,
    weight: u32,
}

const REGIONS: [RegionInfo; 5] = [
    RegionInfo {
        id: "rostov",
        place: "Rostov region",
        centre: (47.2357, 39.7015),
        admin: "Rostov regional administration",
        weight: 24,
    },
    RegionInfo {
        id: "belgorod",
        place: "Belgorod region",
        centre: (50.5954, 36.5873),
        admin: "Belgorod regional administration",
        weight: 26,
    },
    RegionInfo {
        id: "bryansk",
        place: "Bryansk region",
        centre: (53.2434, 34.3637),
        admin: "Bryansk regional administration",
        weight: 14,
    },
    RegionInfo {
        id: "voronezh",
        place: "Voronezh region",
        centre: (51.6720, 39.1843),
        admin: "Voronezh regional administration",
        weight: 16,
    },
    RegionInfo {
        id: "crimea",
        place: "Crimea",
        centre: (44.9521, 34.1024),
        admin: "Crimean authorities",
        weight: 20,
    },
];

/// A place events happen around.
struct Place {
    name: &'static str,
    /// The preposition before the name in texts: "near", "at the", "on the".
    at: &'static str,
    lat: f64,
    lon: f64,
    /// Index into [`REGIONS`], or `None` for the surroundings.
    region: Option<usize>,
    kind: Kind,
    /// Standard deviation of the jitter, km.
    sigma_km: f64,
    /// The jitter never goes further than this, km. For places in a region
    /// it is at least 1.5 km less than the distance to the region's border
    /// (a test checks it against the bundled outlines).
    max_km: f64,
    weight: u32,
    /// The Russian (or Ukrainian) spelling, when texts may quote it.
    local: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn place(
    name: &'static str,
    at: &'static str,
    lat: f64,
    lon: f64,
    region: Option<usize>,
    kind: Kind,
    sigma_km: f64,
    max_km: f64,
    weight: u32,
    local: &'static str,
) -> Place {
    Place {
        name,
        at,
        lat,
        lon,
        region,
        kind,
        sigma_km,
        max_km,
        weight,
        local,
    }
}

const RO: Option<usize> = Some(0);
const BE: Option<usize> = Some(1);
const BR: Option<usize> = Some(2);
const VO: Option<usize> = Some(3);
const CR: Option<usize> = Some(4);
const OUT: Option<usize> = None;

use Kind::{Airbase, City, Range, Sea, Town};

#[rustfmt::skip]
const PLACES: &[Place] = &[
    // Rostov
    place("Rostov-on-Don", "near", 47.2357, 39.7015, RO, City, 4.0, 10.0, 10, "Ростов-на-Дону"),
    place("Taganrog", "near", 47.2600, 38.8800, RO, Town, 1.5, 3.0, 5, "Таганрог"),
    place("Novocherkassk", "near", 47.4220, 40.0939, RO, Town, 3.0, 7.5, 5, "Новочеркасск"),
    place("Kamensk-Shakhtinsky", "near", 48.3176, 40.2595, RO, Town, 3.0, 7.5, 6, "Каменск-Шахтинский"),
    place("Millerovo", "near", 48.9226, 40.3984, RO, Town, 3.0, 7.5, 6, "Миллерово"),
    place("Shakhty", "near", 47.7085, 40.2160, RO, Town, 3.0, 7.5, 4, ""),
    place("Volgodonsk", "near", 47.4615, 42.2265, RO, Town, 3.0, 7.5, 2, ""),
    place("Novoshakhtinsk", "near", 47.7579, 39.9364, RO, Town, 3.0, 7.5, 3, ""),
    place("Azov", "near", 47.1000, 39.4500, RO, Town, 1.5, 3.5, 2, ""),
    place("Bataysk", "near", 47.1383, 39.7518, RO, Town, 3.0, 7.5, 2, ""),
    place("Salsk", "near", 46.4752, 41.5417, RO, Town, 3.0, 7.5, 1, ""),
    place("Morozovsk", "near", 48.3511, 41.8309, RO, Town, 3.0, 7.5, 3, ""),
    place("Belaya Kalitva", "near", 48.1769, 40.8033, RO, Town, 3.0, 7.5, 1, ""),
    place("Kadamovsky range", "at the", 47.6400, 40.0800, RO, Range, 5.0, 12.5, 5, "полигон Кадамовский"),
    place("Matveyev Kurgan", "near", 47.5650, 38.8650, RO, Town, 3.0, 7.5, 3, ""),
    place("Gukovo", "near", 48.0650, 39.9610, RO, Town, 2.0, 5.0, 2, ""),
    place("Zernograd", "near", 46.8467, 40.3063, RO, Town, 3.0, 7.5, 1, ""),
    // Belgorod
    place("Belgorod", "near", 50.5954, 36.5873, BE, City, 4.0, 10.0, 12, "Белгород"),
    place("Valuyki", "near", 50.2110, 38.0999, BE, Town, 3.0, 7.5, 7, "Валуйки"),
    place("Shebekino", "near", 50.4072, 36.8937, BE, Town, 2.0, 5.0, 6, "Шебекино"),
    place("Graivoron", "near", 50.4786, 35.6757, BE, Town, 2.0, 5.0, 4, "Грайворон"),
    place("Stary Oskol", "near", 51.2967, 37.8350, BE, Town, 3.0, 7.5, 4, "Старый Оскол"),
    place("Gubkin", "near", 51.2838, 37.5477, BE, Town, 3.0, 7.5, 2, ""),
    place("Alexeyevka", "near", 50.6311, 38.6880, BE, Town, 3.0, 7.5, 2, ""),
    place("Novy Oskol", "near", 50.7631, 37.8667, BE, Town, 3.0, 7.5, 2, ""),
    place("Rovenki", "near", 49.9250, 38.8900, BE, Town, 2.0, 5.0, 2, ""),
    place("Soloti garrison", "at the", 50.2000, 38.0500, BE, Range, 3.0, 7.5, 4, "Солоти"),
    place("Prokhorovka", "near", 51.0364, 36.7371, BE, Town, 3.0, 7.5, 2, "Прохоровка"),
    place("Korocha", "near", 50.8156, 37.1925, BE, Town, 3.0, 7.5, 1, ""),
    place("Stroitel", "near", 50.7833, 36.4833, BE, Town, 3.0, 7.5, 1, ""),
    // Bryansk
    place("Bryansk", "near", 53.2434, 34.3637, BR, City, 4.0, 10.0, 8, "Брянск"),
    place("Klintsy", "near", 52.7528, 32.2361, BR, Town, 3.0, 7.5, 4, "Клинцы"),
    place("Novozybkov", "near", 52.5378, 31.9336, BR, Town, 3.0, 7.5, 3, "Новозыбков"),
    place("Pogar", "near", 52.5550, 33.2633, BR, Town, 3.0, 7.5, 3, ""),
    place("Trubchevsk", "near", 52.5789, 33.7658, BR, Town, 3.0, 7.5, 3, ""),
    place("Unecha", "near", 52.8460, 32.6770, BR, Town, 3.0, 7.5, 1, ""),
    place("Starodub", "near", 52.5833, 32.7667, BR, Town, 3.0, 7.5, 2, ""),
    place("Sevsk", "near", 52.1500, 34.4833, BR, Town, 2.0, 5.0, 2, ""),
    place("Klimovo", "near", 52.3781, 32.1925, BR, Town, 3.0, 7.5, 2, ""),
    place("Seshcha air base", "at", 53.7167, 33.3333, BR, Airbase, 2.0, 5.0, 2, "Сеща"),
    place("Suzemka", "near", 52.3214, 34.0772, BR, Town, 2.0, 5.0, 2, ""),
    // Voronezh
    place("Voronezh", "near", 51.6720, 39.1843, VO, City, 4.0, 10.0, 10, "Воронеж"),
    place("Boguchar", "near", 49.9356, 40.5595, VO, Town, 3.0, 7.5, 5, "Богучар"),
    place("Pogonovo range", "at the", 51.4700, 39.0800, VO, Range, 5.0, 12.5, 6, "полигон Погоново"),
    place("Rossosh", "near", 50.1983, 39.5672, VO, Town, 3.0, 7.5, 4, "Россошь"),
    place("Ostrogozhsk", "near", 50.8667, 39.0667, VO, Town, 3.0, 7.5, 3, ""),
    place("Liski", "near", 50.9833, 39.5000, VO, Town, 3.0, 7.5, 3, ""),
    place("Kantemirovka", "near", 49.7058, 39.8622, VO, Town, 3.0, 7.5, 3, ""),
    place("Pavlovsk", "near", 50.4533, 40.0667, VO, Town, 3.0, 7.5, 2, ""),
    place("Buturlinovka", "near", 50.8316, 40.5973, VO, Town, 3.0, 7.5, 2, ""),
    place("Borisoglebsk", "near", 51.3667, 42.0833, VO, Town, 3.0, 7.5, 1, ""),
    place("Kalach", "near", 50.4258, 41.0156, VO, Town, 3.0, 7.5, 1, ""),
    // Crimea
    place("Simferopol", "near", 44.9521, 34.1024, CR, City, 4.0, 10.0, 8, "Симферополь"),
    place("Sevastopol", "near", 44.5550, 33.6000, CR, City, 2.0, 5.0, 8, "Севастополь"),
    place("Kerch", "near", 45.3550, 36.3860, CR, Town, 2.0, 5.0, 5, "Керчь"),
    place("Feodosia", "near", 45.0650, 35.3430, CR, Town, 1.0, 2.5, 3, "Феодосия"),
    place("Dzhankoi", "near", 45.7086, 34.3933, CR, Town, 3.0, 7.5, 5, "Джанкой"),
    place("Yevpatoria", "near", 45.2400, 33.4200, CR, Town, 0.5, 1.0, 2, "Евпатория"),
    place("Opuk range", "at the", 45.1050, 36.2210, CR, Range, 2.0, 5.0, 3, "полигон Опук"),
    place("Saky", "near", 45.1386, 33.6340, CR, Town, 2.0, 4.5, 2, ""),
    place("Bakhchysarai", "near", 44.7525, 33.8608, CR, Town, 3.0, 7.5, 2, ""),
    place("Belbek air base", "at", 44.6900, 33.6000, CR, Airbase, 1.0, 2.5, 2, "Бельбек"),
    place("Krasnoperekopsk", "near", 45.9400, 33.8300, CR, Town, 1.0, 2.5, 1, ""),
    place("Armyansk", "near", 46.0800, 33.7100, CR, Town, 1.0, 2.5, 2, ""),
    place("Gvardeyskoye air base", "at", 45.1150, 33.9769, CR, Airbase, 2.0, 5.0, 2, ""),
    place("Kirovske", "near", 45.2264, 35.1950, CR, Town, 3.0, 7.5, 1, ""),
    place("Alushta", "near", 44.7000, 34.3700, CR, Town, 1.0, 2.5, 1, ""),
    place("Yalta", "near", 44.5200, 34.1300, CR, Town, 1.0, 2.5, 1, "Ялта"),
    // Surroundings
    place("Kursk", "near", 51.7304, 36.1926, OUT, City, 4.0, 10.0, 8, "Курск"),
    place("Sudzha", "near", 51.1919, 35.2704, OUT, Town, 2.0, 5.0, 3, "Суджа"),
    place("Krasnodar", "near", 45.0355, 38.9753, OUT, City, 4.0, 10.0, 5, ""),
    place("Lipetsk", "near", 52.6031, 39.5708, OUT, City, 4.0, 10.0, 3, ""),
    place("Kharkiv", "near", 49.9935, 36.2304, OUT, City, 5.0, 12.0, 8, "Харків"),
    place("Kupiansk", "near", 49.7107, 37.6156, OUT, Town, 3.0, 7.5, 3, "Куп'янськ"),
    place("Donetsk", "near", 48.0159, 37.8028, OUT, City, 4.0, 10.0, 6, "Донецьк"),
    place("Luhansk", "near", 48.5740, 39.3078, OUT, City, 4.0, 10.0, 5, "Луганськ"),
    place("Mariupol", "near", 47.0971, 37.5434, OUT, City, 3.0, 7.5, 4, "Маріуполь"),
    place("Melitopol", "near", 46.8489, 35.3675, OUT, Town, 3.0, 7.5, 3, ""),
    place("Kherson", "near", 46.6354, 32.6169, OUT, City, 3.0, 7.5, 3, "Херсон"),
    place("Kyiv", "in", 50.4501, 30.5234, OUT, City, 5.0, 12.0, 4, "Київ"),
    place("Chernihiv", "near", 51.4982, 31.2893, OUT, City, 3.0, 7.5, 2, ""),
    place("Sumy", "near", 50.9077, 34.7981, OUT, City, 3.0, 7.5, 2, "Суми"),
    place("Moscow", "in", 55.7558, 37.6173, OUT, City, 5.0, 12.0, 6, "Москва"),
    place("Astrakhan", "near", 46.3497, 48.0408, OUT, City, 4.0, 10.0, 1, ""),
    place("Volgograd", "near", 48.7080, 44.5133, OUT, City, 4.0, 10.0, 2, ""),
    place("Oryol", "near", 52.9703, 36.0635, OUT, City, 3.0, 7.5, 1, ""),
    place("Gomel", "near", 52.4412, 30.9878, OUT, City, 3.0, 7.5, 2, "Гомель"),
    place("Yeysk", "near", 46.7110, 38.2770, OUT, Town, 2.0, 5.0, 2, "Ейск"),
    place("Novorossiysk", "near", 44.7239, 37.7687, OUT, Town, 2.0, 5.0, 2, ""),
    place("Temryuk", "near", 45.2752, 37.3859, OUT, Town, 2.0, 5.0, 1, ""),
    place("Sea of Azov", "on the", 46.1000, 36.6000, OUT, Sea, 15.0, 35.0, 2, "Азовское море"),
    place("Black Sea off Sevastopol", "in the", 44.3000, 33.1000, OUT, Sea, 12.0, 30.0, 2, ""),
    place("Kerch Strait", "in the", 45.2500, 36.5500, OUT, Sea, 3.0, 6.0, 1, "Керченский пролив"),
];

// ---------------------------------------------------------------------------
// Words

const KNOWN_CATEGORIES: [&str; 7] = [
    "deployment",
    "drill",
    "withdrawal",
    "incident",
    "strike",
    "statement",
    "other",
];
/// Weights of the known categories, then of all unknown ones together (1%).
const CATEGORY_WEIGHTS: [u32; 8] = [220, 240, 80, 150, 80, 120, 100, 10];
const UNKNOWN_CATEGORIES: [&str; 6] = [
    "protest",
    "cyber",
    "evacuation",
    "mobilisation",
    "sabotage",
    "humanitarian",
];
const DEPLOYMENT: usize = 0;
const DRILL: usize = 1;
const WITHDRAWAL: usize = 2;
const INCIDENT: usize = 3;
const STRIKE: usize = 4;
const STATEMENT: usize = 5;
const OTHER: usize = 6;
const UNKNOWN: usize = 7;

const DIRECTIONS: [&str; 8] = [
    "north",
    "south",
    "east",
    "west",
    "north-west",
    "south-west",
    "towards the border",
    "away from the border",
];
const VEHICLES: [&str; 6] = [
    "trucks",
    "armoured vehicles",
    "tanks",
    "fuel tankers",
    "self-propelled guns",
    "military vehicles",
];
const UNITS: [&str; 12] = [
    "Southern Military District",
    "Western Military District",
    "Black Sea Fleet",
    "8th Guards Combined Arms Army",
    "20th Guards Combined Arms Army",
    "1st Guards Tank Army",
    "49th Combined Arms Army",
    "58th Combined Arms Army",
    "22nd Army Corps",
    "Airborne Forces",
    "Rosgvardia",
    "Russian Aerospace Forces",
];
const ACTORS: [&str; 16] = [
    "Russian Ministry of Defence",
    "Russian armed forces",
    "FSB Border Service",
    "Ukrainian Armed Forces",
    "NATO",
    "OSCE monitors",
    "local residents",
    "Vladimir Putin",
    "Sergei Shoigu",
    "Valery Gerasimov",
    "Dmitry Peskov",
    "Emergencies Ministry",
    "Russian Railways",
    "Belarusian Armed Forces",
    "open-source analysts",
    "regional governor",
];
/// Who makes statements: (as written in a title, as an actor).
const SPEAKERS: [(&str, &str); 8] = [
    ("Defence ministry", "Russian Ministry of Defence"),
    ("Kremlin spokesman", "Dmitry Peskov"),
    ("Regional governor", "regional governor"),
    ("Shoigu", "Sergei Shoigu"),
    ("Putin", "Vladimir Putin"),
    ("NATO official", "NATO"),
    ("Ukrainian General Staff", "Ukrainian Armed Forces"),
    ("Border service", "FSB Border Service"),
];
const FAR_PLACES: [&str; 6] = [
    "Siberia",
    "the Urals",
    "the Far East",
    "Moscow region",
    "Chechnya",
    "Pskov",
];
/// Outlets: (name, URL path segment).
const OUTLETS: [(&str, &str); 16] = [
    ("Reuters", "reuters"),
    ("AP", "ap"),
    ("AFP", "afp"),
    ("BBC", "bbc"),
    ("TASS", "tass"),
    ("Interfax", "interfax"),
    ("RIA Novosti", "ria"),
    ("Kommersant", "kommersant"),
    ("Meduza", "meduza"),
    ("RBC", "rbc"),
    ("Ukrainska Pravda", "pravda-ua"),
    ("Kyiv Independent", "kyivindependent"),
    ("Radio Liberty", "rferl"),
    ("ISW", "isw"),
    ("Conflict Intelligence Team", "cit"),
    ("Regional Telegram channel", "telegram"),
];
const ORDINALS: [&str; 3] = ["second", "third", "fourth"];
const CONFIDENCE: [&str; 3] = ["low", "medium", "high"];
const TAGS: [&str; 6] = ["satellite", "video", "photo", "official", "social-media", "osint"];

// ---------------------------------------------------------------------------
// One record

#[derive(Clone, Copy)]
struct Day {
    year: u32,
    month: u32,
    day: u32,
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Day {
    fn plus(mut self, mut days: u32) -> Day {
        while days > 0 {
            let left = days_in_month(self.year, self.month) - self.day;
            if days <= left {
                self.day += days;
                break;
            }
            days -= left + 1;
            self.day = 1;
            self.month += 1;
            if self.month > 12 {
                self.month = 1;
                self.year += 1;
            }
        }
        self
    }
}

/// Years 2015..=2024, weighted towards the build-ups of 2021 and later.
const YEAR_WEIGHTS: [u32; 10] = [6, 6, 7, 8, 7, 8, 14, 18, 14, 12];

#[derive(Clone, Copy)]
enum Extra {
    EquipmentUnits(u32),
    Verified(bool),
    Warships(u32),
    Aircraft(u32),
    DistanceKm(u32),
    Confidence(&'static str),
    Tags(&'static str, &'static str),
}

#[derive(Clone, Copy)]
struct Source {
    outlet: usize,
    /// 0: the title as headline; otherwise a headline template.
    headline: usize,
    /// 0 for no URL, else the article number.
    article: u32,
}

/// Everything drawn for one record; the title and description are rendered
/// into the generator's buffers.
struct Record {
    index: u64,
    date: Day,
    time: Option<(u32, u32)>,
    end: Option<Day>,
    category: &'static str,
    lat: f64,
    lon: f64,
    place: Option<(&'static str, &'static str)>,
    region: Option<&'static str>,
    description: bool,
    actors: [&'static str; 3],
    actor_count: usize,
    troops: Option<u64>,
    precision: Option<&'static str>,
    sources: [Source; 3],
    source_count: usize,
    extras: [Option<Extra>; 2],
}

/// Values the templates fill in.
struct Slots {
    cat: usize,
    /// "near Valuyki", "at the Pogonovo range", "in Belgorod region".
    at: &'static str,
    place: &'static str,
    local: &'static str,
    kind: Kind,
    region_precision: bool,
    centre: &'static str,
    n: u32,
    days: u32,
    dir: &'static str,
    vehicles: &'static str,
    unit: &'static str,
    speaker: &'static str,
    far: &'static str,
    unknown: &'static str,
}

pub struct Generator {
    rng: Rng,
    seed: u64,
    region_weights: Vec<u32>,
    /// Per region, the indices of its places and their cumulative weights.
    region_places: Vec<(Vec<usize>, Vec<u32>)>,
    outside_places: (Vec<usize>, Vec<u32>),
    categories: Vec<u32>,
    years: Vec<u32>,
    title: String,
    description: String,
    sentence: String,
}

impl Generator {
    /// A generator whose output depends only on `seed`.
    pub fn new(seed: u64) -> Self {
        let places_of = |region: Option<usize>| {
            let indices: Vec<usize> = (0..PLACES.len())
                .filter(|&i| PLACES[i].region == region)
                .collect();
            let weights = cumulative(indices.iter().map(|&i| PLACES[i].weight));
            (indices, weights)
        };
        Self {
            rng: Rng::new(seed),
            seed,
            region_weights: cumulative(REGIONS.iter().map(|r| r.weight)),
            region_places: (0..REGIONS.len()).map(|r| places_of(Some(r))).collect(),
            outside_places: places_of(None),
            categories: cumulative(CATEGORY_WEIGHTS.iter().copied()),
            years: cumulative(YEAR_WEIGHTS.iter().copied()),
            title: String::with_capacity(256),
            description: String::with_capacity(512),
            sentence: String::with_capacity(256),
        }
    }

    /// Writes a whole file of `count` events.
    pub fn write_all(&mut self, w: &mut impl Write, count: u64, format: Format) -> io::Result<()> {
        match format {
            Format::Json => w.write_all(b"{\"events\": [\n")?,
            Format::GeoJson => w.write_all(b"{\"type\": \"FeatureCollection\", \"features\": [\n")?,
        }
        for index in 1..=count {
            let record = self.draw(index);
            self.write_record(w, &record, format)?;
            w.write_all(if index < count { b",\n" } else { b"\n" })?;
        }
        w.write_all(b"]}\n")
    }

    /// Draws one record, rendering its title and description.
    fn draw(&mut self, index: u64) -> Record {
        let rng = &mut self.rng;
        let cat = rng.weighted(&self.categories);
        let category = match cat {
            UNKNOWN => rng.pick(&UNKNOWN_CATEGORIES),
            // Hand-made files are not always lower case.
            known if rng.chance(0.005) => capitalised(known),
            known => KNOWN_CATEGORIES[known],
        };

        // Where.
        let inside = rng.chance(0.85);
        let region = inside.then(|| rng.weighted(&self.region_weights));
        let (indices, weights) = match region {
            Some(r) => &self.region_places[r],
            None => &self.outside_places,
        };
        let place = &PLACES[indices[rng.weighted(weights)]];
        let roll = rng.unit();
        let precision = if inside && roll < 0.08 {
            Some("region")
        } else if roll < 0.26 {
            Some("exact")
        } else if roll < 0.93 {
            Some("approximate")
        } else {
            None
        };
        let region_precision = precision == Some("region");
        let (lat, lon, at, place_name) = if let (true, Some(r)) = (region_precision, region) {
            let info = &REGIONS[r];
            (info.centre.0, info.centre.1, "in", info.place)
        } else {
            let sigma = if precision == Some("exact") {
                place.sigma_km * 0.15
            } else {
                place.sigma_km
            };
            let (mut dx, mut dy) = rng.gauss2();
            dx *= sigma;
            dy *= sigma;
            let dist = (dx * dx + dy * dy).sqrt();
            if dist > place.max_km {
                dx *= place.max_km / dist;
                dy *= place.max_km / dist;
            }
            let lat = place.lat + dy / 111.32;
            let lon = place.lon + dx / (111.32 * place.lat.to_radians().cos());
            (lat, lon, place.at, place.name)
        };
        let declared = match region {
            Some(r) if rng.chance(if region_precision { 0.6 } else { 0.27 }) => Some(REGIONS[r].id),
            _ => None,
        };
        let has_place = region_precision || rng.chance(0.95);

        // When.
        let year = 2015 + rng.weighted(&self.years) as u32;
        let month = rng.range(1, 12);
        let day = rng.range(1, days_in_month(year, month));
        let date = Day { year, month, day };
        let time = rng
            .chance(0.10)
            .then(|| (rng.range(6, 22), rng.pick(&[0u32, 0, 10, 15, 20, 30, 40, 45, 50])));
        let end_chance = [0.20, 0.35, 0.15, 0.03, 0.02, 0.05, 0.05, 0.05][cat];
        let days = rng.range(1, 30);
        let end = rng.chance(end_chance).then(|| date.plus(days));

        // Texts.
        let speaker = rng.pick(&SPEAKERS);
        let unit = rng.pick(&UNITS);
        let slots = Slots {
            cat,
            at,
            place: place_name,
            local: place.local,
            kind: place.kind,
            region_precision,
            centre: region.map_or("", |r| PLACES[self.region_places[r].0[0]].name),
            n: rng.range(8, 120),
            days,
            dir: rng.pick(&DIRECTIONS),
            vehicles: rng.pick(&VEHICLES),
            unit,
            speaker: speaker.0,
            far: rng.pick(&FAR_PLACES),
            unknown: category,
        };
        self.title.clear();
        write_title(&mut self.title, &slots, rng);
        let has_description = rng.chance(0.7);
        self.description.clear();
        if has_description {
            write_description(&mut self.description, &mut self.sentence, &slots, rng);
        }

        // Who and how many.
        let mut actors = [""; 3];
        let mut actor_count = 0;
        if rng.chance(0.85) {
            let wanted = [1, 1, 1, 1, 2, 2, 3][rng.below(7)];
            let first = match cat {
                STATEMENT => speaker.1,
                DEPLOYMENT | DRILL | WITHDRAWAL if rng.chance(0.6) => unit,
                INCIDENT | STRIKE if rng.chance(0.4) => "local residents",
                _ => rng.pick(&ACTORS),
            };
            actors[0] = first;
            actor_count = 1;
            while actor_count < wanted {
                let next = if rng.chance(0.15) {
                    region.map_or("local authorities", |r| REGIONS[r].admin)
                } else {
                    rng.pick(&ACTORS)
                };
                if !actors[..actor_count].contains(&next) {
                    actors[actor_count] = next;
                    actor_count += 1;
                } else if rng.chance(0.5) {
                    break;
                }
            }
        }
        let troops_chance = [0.5, 0.4, 0.4, 0.03, 0.0, 0.1, 0.05, 0.05][cat];
        let troops = rng.chance(troops_chance).then(|| troop_number(rng, cat));

        let mut sources = [Source {
            outlet: 0,
            headline: 0,
            article: 0,
        }; 3];
        let source_count = if rng.chance(0.3) {
            0
        } else {
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3][rng.below(20)]
        };
        for source in &mut sources[..source_count] {
            *source = Source {
                outlet: rng.below(OUTLETS.len()),
                headline: if rng.chance(0.3) {
                    0
                } else {
                    rng.range(1, 6) as usize
                },
                article: if rng.chance(0.94) {
                    rng.range(100_000, 999_999)
                } else {
                    0
                },
            };
        }

        let mut extras = [None, None];
        if rng.chance(0.04) {
            let count = if rng.chance(0.3) { 2 } else { 1 };
            let first = rng.below(7);
            for (k, extra) in extras.iter_mut().take(count).enumerate() {
                *extra = Some(match (first + k * 3) % 7 {
                    0 => Extra::EquipmentUnits(rng.range(5, 1500)),
                    1 => Extra::Verified(rng.chance(0.7)),
                    2 => Extra::Warships(rng.range(2, 45)),
                    3 => Extra::Aircraft(rng.range(2, 80)),
                    4 => Extra::DistanceKm(rng.range(5, 300)),
                    5 => Extra::Confidence(rng.pick(&CONFIDENCE)),
                    _ => {
                        let a = rng.below(TAGS.len());
                        Extra::Tags(TAGS[a], TAGS[(a + 1 + rng.below(TAGS.len() - 1)) % TAGS.len()])
                    }
                });
            }
        }

        Record {
            index,
            date,
            time,
            end,
            category,
            lat,
            lon,
            place: has_place.then_some((at, place_name)),
            region: declared,
            description: has_description,
            actors,
            actor_count,
            troops,
            precision,
            sources,
            source_count,
            extras,
        }
    }

    fn write_record(&self, w: &mut impl Write, r: &Record, format: Format) -> io::Result<()> {
        match format {
            Format::Json => {
                write!(w, "{{\"id\":\"gen-{}-{:06}\",", self.seed, r.index)?;
            }
            Format::GeoJson => {
                write!(
                    w,
                    "{{\"type\":\"Feature\",\"id\":\"gen-{}-{:06}\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[",
                    self.seed, r.index
                )?;
                write_fixed4(w, r.lon)?;
                w.write_all(b",")?;
                write_fixed4(w, r.lat)?;
                w.write_all(b"]},\"properties\":{")?;
            }
        }
        write!(w, "\"title\":\"{}\",\"date\":\"", self.title)?;
        write_day(w, r.date)?;
        if let Some((hour, minute)) = r.time {
            write!(w, "T{hour:02}:{minute:02}:00+03:00")?;
        }
        w.write_all(b"\"")?;
        if let Some(end) = r.end {
            w.write_all(b",\"end_date\":\"")?;
            write_day(w, end)?;
            w.write_all(b"\"")?;
        }
        write!(w, ",\"category\":\"{}\"", r.category)?;
        if format == Format::Json {
            w.write_all(b",\"lat\":")?;
            write_fixed4(w, r.lat)?;
            w.write_all(b",\"lon\":")?;
            write_fixed4(w, r.lon)?;
        }
        if let Some((_, place)) = r.place {
            write!(w, ",\"place\":\"{place}\"")?;
        }
        if let Some(region) = r.region {
            write!(w, ",\"region\":\"{region}\"")?;
        }
        if r.description {
            write!(w, ",\"description\":\"{}\"", self.description)?;
        }
        if r.actor_count > 0 {
            w.write_all(b",\"actors\":[")?;
            for (k, actor) in r.actors[..r.actor_count].iter().enumerate() {
                if k > 0 {
                    w.write_all(b",")?;
                }
                write!(w, "\"{actor}\"")?;
            }
            w.write_all(b"]")?;
        }
        if let Some(troops) = r.troops {
            write!(w, ",\"troops\":{troops}")?;
        }
        if let Some(precision) = r.precision {
            write!(w, ",\"precision\":\"{precision}\"")?;
        }
        if r.source_count > 0 {
            w.write_all(b",\"sources\":[")?;
            for (k, source) in r.sources[..r.source_count].iter().enumerate() {
                if k > 0 {
                    w.write_all(b",")?;
                }
                let (outlet, slug) = OUTLETS[source.outlet];
                write!(w, "{{\"name\":\"{outlet}: ")?;
                write_headline(w, source.headline, &self.title, r)?;
                w.write_all(b"\"")?;
                if source.article > 0 {
                    write!(w, ",\"url\":\"https://example.org/{slug}/{}\"", source.article)?;
                }
                w.write_all(b"}")?;
            }
            w.write_all(b"]")?;
        }
        for extra in r.extras.iter().flatten() {
            match *extra {
                Extra::EquipmentUnits(n) => write!(w, ",\"equipment_units\":{n}")?,
                Extra::Verified(v) => write!(w, ",\"verified\":{v}")?,
                Extra::Warships(n) => write!(w, ",\"warships\":{n}")?,
                Extra::Aircraft(n) => write!(w, ",\"aircraft\":{n}")?,
                Extra::DistanceKm(n) => write!(w, ",\"distance_from_border_km\":{n}")?,
                Extra::Confidence(c) => write!(w, ",\"confidence\":\"{c}\"")?,
                Extra::Tags(a, b) => write!(w, ",\"tags\":[\"{a}\",\"{b}\"]")?,
            }
        }
        match format {
            Format::Json => w.write_all(b"}"),
            Format::GeoJson => w.write_all(b"}}"),
        }
    }
}

fn capitalised(category: usize) -> &'static str {
    [
        "Deployment",
        "Drill",
        "Withdrawal",
        "Incident",
        "Strike",
        "Statement",
        "Other",
    ][category]
}

/// A troop figure with two significant digits, larger for drills.
fn troop_number(rng: &mut Rng, cat: usize) -> u64 {
    let (lo, hi): (f64, f64) = match cat {
        DRILL => (200.0, 150_000.0),
        DEPLOYMENT => (100.0, 100_000.0),
        WITHDRAWAL => (300.0, 40_000.0),
        _ => (50.0, 5_000.0),
    };
    let x = (lo.ln() + rng.unit() * (hi.ln() - lo.ln())).exp();
    let scale = 10f64.powi(x.log10().floor() as i32 - 1).max(1.0);
    ((x / scale).round() * scale) as u64
}

fn write_day(w: &mut impl Write, d: Day) -> io::Result<()> {
    write!(w, "{}-{:02}-{:02}", d.year, d.month, d.day)
}

/// Degrees with four decimals, without going through float formatting.
fn write_fixed4(w: &mut impl Write, x: f64) -> io::Result<()> {
    let v = (x * 10_000.0).round() as i64;
    let sign = if v < 0 { "-" } else { "" };
    let v = v.unsigned_abs();
    write!(w, "{sign}{}.{:04}", v / 10_000, v % 10_000)
}

fn write_headline(w: &mut impl Write, headline: usize, title: &str, r: &Record) -> io::Result<()> {
    let (at, place) = r.place.unwrap_or(("in", "the border area"));
    match headline {
        0 => w.write_all(title.as_bytes()),
        1 => write!(w, "Army activity {at} {place}"),
        2 => write!(w, "What we know about {place}"),
        3 => write!(w, "Night of unrest {at} {place}"),
        4 => write!(w, "New images from {place}"),
        5 => write!(w, "Officials on {place}"),
        _ => write!(
            w,
            "Border update, {}-{:02}-{:02}",
            r.date.year, r.date.month, r.date.day
        ),
    }
}

// ---------------------------------------------------------------------------
// Templates. Strings written here go into JSON strings as they are: they must
// hold no `"` or `\` (a test checks the static tables), except the escaped
// quotes written on purpose.

fn write_title(out: &mut String, s: &Slots, rng: &mut Rng) {
    let (at, place, n) = (s.at, s.place, s.n);
    // Writing to a String cannot fail.
    let _ = if s.kind == Sea && !s.region_precision {
        match s.cat {
            DEPLOYMENT => write!(out, "Landing ships with {n} vehicles aboard seen {at} {place}"),
            DRILL => write!(out, "Naval gunnery drill {at} {place}"),
            WITHDRAWAL => write!(out, "Warships return to base after exercises {at} {place}"),
            INCIDENT => write!(out, "Patrol boat incident reported {at} {place}"),
            STRIKE => write!(out, "Cruise missiles launched from ships {at} {place}"),
            STATEMENT => write!(out, "{} warns ships to avoid areas {at} {place}", s.speaker),
            OTHER => write!(out, "Shipping traffic suspended {at} {place}"),
            _ => write!(out, "Reports of {} {at} {place}", s.unknown),
        }
    } else {
        match (s.cat, rng.below(8)) {
            (DEPLOYMENT, 0 | 1) => write!(
                out,
                "Column of {n} {} seen moving {} {at} {place}",
                s.vehicles, s.dir
            ),
            (DEPLOYMENT, 2) => write!(out, "{} units arrive {at} {place}", s.unit),
            (DEPLOYMENT, 3) => write!(out, "Field camp for about {} troops set up {at} {place}", n * 50),
            (DEPLOYMENT, 4) => write!(out, "Train with {n} flatcars of armour unloaded {at} {place}"),
            (DEPLOYMENT, 5) => write!(out, "Air defence systems positioned {at} {place}"),
            (DEPLOYMENT, 6) => write!(out, "Field hospital deployed {at} {place}"),
            (DEPLOYMENT, _) => write!(out, "Reinforcements from {} reach {place}", s.far),
            (DRILL, 0 | 1) => write!(out, "Artillery drill {at} {place}"),
            (DRILL, 2) => write!(out, "{} holds tactical exercise {at} {place}", s.unit),
            (DRILL, 3) => write!(out, "Live-fire exercise with {n} vehicles {at} {place}"),
            (DRILL, 4) => write!(out, "Snap combat readiness check {at} {place}"),
            (DRILL, 5) => write!(out, "Air defence crews repel mock raid {at} {place}"),
            (DRILL, 6) => write!(out, "Pontoon bridge drill {at} {place}"),
            (DRILL, _) => write!(out, "Night firing practice {at} {place}"),
            (WITHDRAWAL, 0 | 1) => write!(out, "Troops leave field camp {at} {place}"),
            (WITHDRAWAL, 2) => write!(out, "{} returns to permanent bases from {place}", s.unit),
            (WITHDRAWAL, 3 | 4) => write!(out, "Equipment loaded onto trains {at} {place}"),
            (WITHDRAWAL, 5) => write!(out, "Column of {n} {} leaves {place}", s.vehicles),
            (WITHDRAWAL, 6) => write!(out, "Tents taken down {at} {place} after exercise"),
            (WITHDRAWAL, _) => write!(out, "Border units scaled back {at} {place}"),
            (INCIDENT, 0) => write!(out, "Explosion heard {at} {place}"),
            (INCIDENT, 1) => write!(out, "Military truck overturns {at} {place}"),
            (INCIDENT, 2) => write!(out, "Drone shot down {at} {place}"),
            (INCIDENT, 3) => write!(out, "Fire at ammunition depot {at} {place}"),
            (INCIDENT, 4) => write!(out, "Lights in the night sky alarm residents {at} {place}"),
            (INCIDENT, 5) => write!(out, "Shell fragments found {at} {place}"),
            (INCIDENT, 6) => write!(out, "Power line damaged {at} {place}"),
            (INCIDENT, _) => write!(out, "Air raid sirens sound {at} {place}"),
            (STRIKE, 0 | 1) => write!(out, "Missile launches reported {at} {place}"),
            (STRIKE, 2) => write!(out, "Drone strike on fuel depot {at} {place}"),
            (STRIKE, 3) => write!(out, "Airfield {at} {place} hit by strike"),
            (STRIKE, 4) => write!(out, "Railway junction {at} {place} struck"),
            (STRIKE, 5) => write!(out, "Shelling of border villages {at} {place}"),
            (STRIKE, _) => write!(out, "Glide bombs launched from aircraft {at} {place}"),
            (STATEMENT, 0 | 1) => write!(out, "{} says exercises {at} {place} are routine", s.speaker),
            (STATEMENT, 2) => write!(out, "{} denies troop build-up {at} {place}", s.speaker),
            (STATEMENT, 3) => write!(out, "Restrictions announced {at} {place}"),
            (STATEMENT, 4) => write!(out, "{} warns against provocations {at} {place}", s.speaker),
            (STATEMENT, 5) => write!(out, "Compensation promised for damage {at} {place}"),
            (STATEMENT, 6) => write!(out, "{} announces end of drills {at} {place}", s.speaker),
            (STATEMENT, _) => write!(out, "Border regime tightened {at} {place}, officials say"),
            (OTHER, 0) => write!(out, "Road closures announced {at} {place}"),
            (OTHER, 1 | 2) => write!(out, "Satellite images show new earthworks {at} {place}"),
            (OTHER, 3) => write!(out, "Recruitment campaign opens {at} {place}"),
            (OTHER, 4) => write!(out, "Military parade rehearsal {at} {place}"),
            (OTHER, 5) => write!(out, "Residents report heavy traffic {at} {place}"),
            (OTHER, 6) => write!(out, "New trenches dug {at} {place}"),
            (OTHER, _) => write!(out, "Railway timetable changed {at} {place}"),
            _ => match s.unknown.as_bytes().first() {
                Some(b'p') => write!(out, "Residents protest against range expansion {at} {place}"),
                Some(b'c') => write!(out, "Cyber attack disrupts regional services {at} {place}"),
                Some(b'e') => write!(out, "Border villages evacuated {at} {place}"),
                Some(b'm') => write!(out, "Call-up notices handed out {at} {place}"),
                Some(b's') => write!(out, "Sabotage on railway reported {at} {place}"),
                _ => write!(out, "Aid convoy assembles {at} {place}"),
            },
        }
    };
}

/// Characters of a text once its JSON escapes are read.
fn text_len(text: &str) -> usize {
    text.chars().filter(|&c| c != '\\').count()
}

/// One to three sentences, 80 to 300 characters.
fn write_description(out: &mut String, sentence: &mut String, s: &Slots, rng: &mut Rng) {
    let wanted = [1, 1, 1, 1, 1, 2, 2, 3][rng.below(8)];
    lead_sentence(out, s, rng);
    let mut sentences = 1;
    let mut attempts = 0;
    while (sentences < wanted || text_len(out) < 80) && attempts < 8 {
        attempts += 1;
        sentence.clear();
        follow_up_sentence(sentence, s, rng);
        if text_len(out) + 1 + text_len(sentence) <= 300 {
            out.push(' ');
            out.push_str(sentence);
            sentences += 1;
        }
    }
}

fn lead_sentence(out: &mut String, s: &Slots, rng: &mut Rng) {
    let (at, place, n, days) = (s.at, s.place, s.n, s.days);
    let _ = match (s.cat, rng.below(4)) {
        (DEPLOYMENT, 0) => write!(
            out,
            "Witnesses counted about {n} vehicles on the roads {at} {place}, most of them heading {}.",
            s.dir
        ),
        (DEPLOYMENT, 1) => write!(
            out,
            "Videos posted by residents show military equipment arriving {at} {place} over {days} days."
        ),
        (DEPLOYMENT, 2) => write!(
            out,
            "A field camp with tents, vehicles and a fuel point appeared {at} {place}, according to local reports."
        ),
        (DEPLOYMENT, _) => write!(
            out,
            "Rail cars loaded with armour were unloaded {at} {place} overnight."
        ),
        (DRILL, 0) => write!(
            out,
            "The exercise {at} {place} involved artillery, armour and drone crews and lasted {days} days."
        ),
        (DRILL, 1) => write!(
            out,
            "Units of the {} practised defensive operations {at} {place}.",
            s.unit
        ),
        (DRILL, 2) => write!(
            out,
            "Residents were warned in advance about live firing {at} {place} and about closed roads."
        ),
        (DRILL, _) => write!(
            out,
            "Around {n} pieces of equipment took part in the drill {at} {place}."
        ),
        (WITHDRAWAL, 0 | 1) => write!(
            out,
            "Units that had taken part in exercises {at} {place} began returning to their home bases."
        ),
        (WITHDRAWAL, 2) => write!(
            out,
            "Trains carrying equipment left {at} {place}, heading {}.",
            s.dir
        ),
        (WITHDRAWAL, _) => write!(
            out,
            "The pullback {at} {place} was announced by the ministry but observers could not confirm it."
        ),
        (INCIDENT, 0) => write!(
            out,
            "Residents {at} {place} reported a loud blast in the early hours; no casualties were announced."
        ),
        (INCIDENT, 1) => write!(
            out,
            "Emergency services were called to the scene {at} {place}; the cause was not disclosed."
        ),
        (INCIDENT, 2) => write!(
            out,
            "Local officials said debris fell {at} {place} and damaged several houses."
        ),
        (INCIDENT, _) => write!(
            out,
            "The incident {at} {place} was first reported on local Telegram channels."
        ),
        (STRIKE, 0) => write!(
            out,
            "The strike {at} {place} started a fire that burned for {} hours, officials said.",
            days % 12 + 2
        ),
        (STRIKE, 1) => write!(
            out,
            "Launches were seen {at} {place} and filmed by residents on their phones."
        ),
        (STRIKE, 2) => write!(
            out,
            "Officials reported damage to infrastructure {at} {place} but gave few details."
        ),
        (STRIKE, _) => write!(
            out,
            "At least {} explosions were heard {at} {place} within an hour.",
            n % 9 + 2
        ),
        (STATEMENT, 0 | 1) => write!(
            out,
            "{} said the activity {at} {place} had been planned in advance and posed no threat.",
            s.speaker
        ),
        (STATEMENT, 2) => write!(
            out,
            "The statement, made on national television, referred to the situation {at} {place}."
        ),
        (STATEMENT, _) => write!(
            out,
            "Officials gave no figures but said the measures {at} {place} were temporary."
        ),
        (OTHER, 0) => write!(
            out,
            "Local media reported changes {at} {place} without giving a reason."
        ),
        (OTHER, 1) => write!(
            out,
            "Imagery analysts noted new construction {at} {place} compared with earlier pictures."
        ),
        (OTHER, 2) => write!(
            out,
            "A notice about {place} was posted on the regional government website."
        ),
        (OTHER, _) => write!(
            out,
            "Drivers {at} {place} were told to expect delays for {days} days."
        ),
        _ => write!(
            out,
            "Reports from {place} described the {} as unusual for the area.",
            s.unknown
        ),
    };
}

fn follow_up_sentence(out: &mut String, s: &Slots, rng: &mut Rng) {
    let _ = match rng.below(16) {
        0 => write!(out, "The figure could not be independently verified."),
        1 => write!(out, "The ministry did not comment."),
        2 => write!(
            out,
            "Satellite imagery from the following week showed the same site."
        ),
        3 => write!(out, "Several outlets repeated the claim without new details."),
        4 => write!(out, "Officials described the activity as \\\"routine\\\"."),
        5 if !s.local.is_empty() => write!(out, "Local channels named the place as {}.", s.local),
        6 => write!(
            out,
            "It was the {} such report from {} that month.",
            rng.pick(&ORDINALS),
            s.place
        ),
        7 => write!(
            out,
            "Earlier reports had put the number {}.",
            rng.pick(&["higher", "lower"])
        ),
        8 if s.region_precision => write!(
            out,
            "The report names only the region; placed at the regional centre, {}.",
            s.centre
        ),
        8 | 9 if s.kind == Town || s.kind == City => {
            write!(
                out,
                "The point marks the town centre; the exact site was not given."
            )
        }
        10 => write!(out, "Independent monitors said they could not reach the area."),
        11 => write!(out, "Photos show vehicles with fresh white markings."),
        12 => write!(out, "No casualties were reported."),
        13 => write!(
            out,
            "The date is approximate – the first posts appeared {} days later.",
            s.days % 4 + 1
        ),
        14 => write!(out, "Reporters counted {} vehicles in a single column.", s.n),
        _ => write!(out, "The report gives only an approximate location."),
    };
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use borderwatch::data::events::date::civil_from_days;
    use borderwatch::data::{EventSetBuilder, RegionSet};

    fn generate(count: u64, seed: u64, format: Format) -> Vec<u8> {
        let mut out = Vec::new();
        Generator::new(seed)
            .write_all(&mut out, count, format)
            .expect("writes to memory");
        out
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_differs() {
        let a = generate(500, 42, Format::Json);
        assert_eq!(a, generate(500, 42, Format::Json));
        assert_ne!(a, generate(500, 43, Format::Json));
    }

    #[test]
    fn one_record_per_line() {
        let text = String::from_utf8(generate(100, 3, Format::Json)).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 102);
        assert_eq!(lines[0], "{\"events\": [");
        assert_eq!(lines[101], "]}");
        assert!(lines[1].starts_with("{\"id\":\"gen-3-000001\","));
        assert!(lines[1..100].iter().all(|l| l.ends_with("},")));
        assert!(lines[100].ends_with('}'));
        let empty = String::from_utf8(generate(0, 3, Format::Json)).expect("UTF-8");
        assert_eq!(empty, "{\"events\": [\n]}\n");
    }

    #[test]
    fn two_thousand_events_load_into_every_category_and_region() {
        let regions = RegionSet::bundled().expect("bundled regions");
        for format in [Format::Json, Format::GeoJson] {
            let bytes = generate(2000, 9, format);
            let mut builder = EventSetBuilder::new(&regions);
            builder
                .add_reader("gen.json", None, bytes.as_slice(), None)
                .expect("the file loads");
            let (set, messages) = builder.finish();
            assert_eq!(set.len(), 2000);
            // Notes (a point just off a coast counted in its region) are fine.
            let problems: Vec<_> = messages
                .iter()
                .filter(|m| m.severity != borderwatch::data::Severity::Info)
                .collect();
            assert!(problems.is_empty(), "{problems:#?}");

            let categories = set.categories();
            for name in KNOWN_CATEGORIES {
                let id = categories.find(name).expect("category present");
                assert!(set.events().iter().any(|e| e.category == id), "{name}");
            }
            assert!(
                set.events().iter().any(|e| e.category.as_known().is_none()),
                "some unknown categories"
            );
            for info in &REGIONS {
                let index = regions.index_of(info.id).expect("bundled region") as u32;
                let count = set.events().iter().filter(|e| e.region() == Some(index)).count();
                assert!(count > 50, "{}: {count}", info.id);
            }
            let outside = set.events().iter().filter(|e| e.region().is_none()).count();
            assert!((150..=500).contains(&outside), "outside: {outside}");
            let declared = set
                .events()
                .iter()
                .filter(|e| e.declared_region().is_some())
                .count();
            assert!((300..=800).contains(&declared), "declared: {declared}");
            for event in set.events() {
                let (first, last) = event.day_span();
                let (year, _, _) = civil_from_days(first);
                assert!((2015..=2024).contains(&year), "{}", event.id());
                assert!(last - first <= 30, "{}", event.id());
            }
        }
    }

    #[test]
    fn places_of_a_region_stay_well_inside_it_within_their_jitter() {
        let regions = RegionSet::bundled().expect("bundled regions");
        let mut checked = 0;
        for place in PLACES {
            assert!(place.max_km >= place.sigma_km, "{}", place.name);
            let Some(r) = place.region else { continue };
            let want = regions.index_of(REGIONS[r].id).expect("bundled region");
            // Every point out to 1 km beyond the largest jitter.
            let limit = place.max_km + 1.0;
            for step in 0..=(limit * 2.0).ceil() as usize {
                let km = (step as f64 * 0.5).min(limit);
                for k in 0..72 {
                    let a = (k as f64 * 5.0).to_radians();
                    let lat = place.lat + km * a.sin() / 111.32;
                    let lon = place.lon + km * a.cos() / (111.32 * place.lat.to_radians().cos());
                    let found = regions.locate(geo::Coord { x: lon, y: lat });
                    assert_eq!(found, Some(want), "{} at {km} km, {}°", place.name, k * 5);
                }
            }
            checked += 1;
        }
        for info in &REGIONS {
            let want = regions.index_of(info.id).expect("bundled region");
            let (lat, lon) = info.centre;
            assert_eq!(
                regions.locate(geo::Coord { x: lon, y: lat }),
                Some(want),
                "{}",
                info.id
            );
        }
        assert!(checked > 60);
    }

    #[test]
    fn static_texts_need_no_json_escaping() {
        let plain = |s: &str| !s.chars().any(|c| c == '"' || c == '\\' || c.is_control());
        let mut all: Vec<&str> = Vec::new();
        for p in PLACES {
            all.extend([p.name, p.at, p.local]);
        }
        for r in &REGIONS {
            all.extend([r.id, r.place, r.admin]);
        }
        all.extend(KNOWN_CATEGORIES);
        all.extend(UNKNOWN_CATEGORIES);
        all.extend(DIRECTIONS);
        all.extend(VEHICLES);
        all.extend(UNITS);
        all.extend(ACTORS);
        all.extend(SPEAKERS.iter().flat_map(|s| [s.0, s.1]));
        all.extend(FAR_PLACES);
        all.extend(OUTLETS.iter().flat_map(|s| [s.0, s.1]));
        all.extend(TAGS);
        for s in all {
            assert!(plain(s), "{s:?}");
        }
    }

    #[test]
    fn descriptions_are_80_to_300_characters() {
        let text = String::from_utf8(generate(3000, 5, Format::Json)).expect("UTF-8");
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let events = value["events"].as_array().expect("events");
        let mut with = 0;
        for event in events {
            if let Some(d) = event["description"].as_str() {
                let n = d.chars().count();
                assert!((80..=300).contains(&n), "{n}: {d}");
                with += 1;
            }
        }
        assert!((1800..=2400).contains(&with), "{with}");
    }
}
