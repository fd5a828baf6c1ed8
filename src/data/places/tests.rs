//! Tests of the gazetteer against the bundled file and small hand-made ones.

use super::*;

const KHARKIV: u32 = 706483;
const BELGOROD: u32 = 578072;
const ROSTOV: u32 = 501175;

/// A small valid file: a town, its district, and a second town.
const SMALL: &str = r#"{"source": "test",
 "fields": ["geonameid","name","name_local","lat","lon","population","country","part_of","other_names"],
 "places": [
  [10,"Alpha","Альфа",50.5,36.5,9000,"UA",0,["Alfa","Al'fa"]],
  [11,"Beta","Бета",50.6,36.6,8000,"UA",10,["Beta-1"]],
  [12,"Beta","",50.7,36.7,100,"RU",0,[]]
 ]}"#;

fn bundled() -> &'static Gazetteer {
    Gazetteer::bundled()
}

fn first_id(query: &str) -> Option<u32> {
    let g = bundled();
    g.search(query, 10).first().map(|m| g.place(m.index).id)
}

fn ids(g: &Gazetteer, indices: &[usize]) -> Vec<u32> {
    indices.iter().map(|&i| g.place(i).id).collect()
}

#[test]
fn bundled_file_parses_completely() {
    let parsed = Gazetteer::from_json(BUNDLED_JSON, BUNDLED_FILE);
    let g = parsed.as_ref().map_err(ToString::to_string).unwrap();
    // Every record of the file, counted by a plain JSON reading of it.
    let raw: serde_json::Value = serde_json::from_str(BUNDLED_JSON).unwrap();
    let records = raw["places"].as_array().map_or(0, Vec::len);
    assert!(records > 4000, "{records}");
    assert_eq!(g.len(), records);
    assert_eq!(bundled().len(), records);
    assert!(!bundled().is_empty());
    assert!(
        bundled()
            .iter()
            .all(|p| (30.0..=43.0).contains(&p.lonlat.x) && (43.5..=54.5).contains(&p.lonlat.y))
    );
    assert!(SOURCE.contains("GeoNames") && ATTRIBUTION.contains("CC BY 4.0"));
}

#[test]
fn kharkiv_in_every_spelling() {
    for query in [
        "Kharkiv",
        "Kharkov",
        "Khar'kov",
        "Харків",
        "Харьков",
        "kharkiv",
        "KHAR’KOV",
        " kharkiv ",
    ] {
        assert_eq!(first_id(query), Some(KHARKIV), "{query}");
        assert_eq!(bundled().search(query, 1)[0].kind, MatchKind::Exact, "{query}");
    }
    let g = bundled();
    let kharkiv = g.place(g.named("Kharkiv")[0]);
    assert_eq!((kharkiv.country_code(), kharkiv.is_district()), ("UA", false));
    assert_eq!(kharkiv.local_or_name(), "Харків");
}

#[test]
fn belgorod_and_rostov() {
    assert_eq!(first_id("Belgorod"), Some(BELGOROD));
    assert_eq!(first_id("Белгород"), Some(BELGOROD));
    for query in [
        "Rostov-na-Donu",
        "rostov on don",
        "Ростов-на-Дону",
        "Rostov-on-Don",
    ] {
        assert_eq!(first_id(query), Some(ROSTOV), "{query}");
    }
}

#[test]
fn prefix_finds_shebekino_first_in_both_scripts() {
    for query in ["Sheb", "sheb", "Шеб", "Шебек"] {
        let g = bundled();
        let found = g.search(query, 5);
        assert_eq!(g.place(found[0].index).name.as_ref(), "Shebekino", "{query}");
        assert_eq!(found[0].kind, MatchKind::Prefix, "{query}");
    }
    // The name shown is the one that matched, as written.
    let found = bundled().search("Шебек", 1);
    assert_eq!(found[0].matched, "Шебекино");
}

#[test]
fn later_words_match_after_names() {
    let g = bundled();
    let found = g.search("na donu", 50);
    let rostov = found.iter().find(|m| g.place(m.index).id == ROSTOV);
    assert_eq!(rostov.map(|m| m.kind), Some(MatchKind::WordPrefix));
    // Kinds come out in order.
    let found = g.search("don", 200);
    assert!(found.windows(2).all(|w| w[0].kind <= w[1].kind));
    assert!(found.iter().any(|m| m.kind == MatchKind::WordPrefix));
}

#[test]
fn short_queries_match_only_whole_names() {
    let g = bundled();
    assert!(g.search("k", 100).iter().all(|m| m.kind == MatchKind::Exact));
    assert!(g.search("", 10).is_empty());
    assert!(g.search(" - ", 10).is_empty());
    assert!(g.search("Kharkiv", 0).is_empty());
    assert_eq!(g.search("kh", 7).len(), 7);
    assert!(g.named("").is_empty());
}

#[test]
fn results_are_ranked_and_unique() {
    let g = bundled();
    for query in ["kh", "nov", "ivan", "ol", "Бел"] {
        let found = g.search(query, 1000);
        let mut indices: Vec<usize> = found.iter().map(|m| m.index).collect();
        indices.sort_unstable();
        indices.dedup();
        assert_eq!(indices.len(), found.len(), "{query}: one result per place");
        let order = |m: &PlaceMatch| {
            let p = g.place(m.index);
            (m.kind, p.is_district(), std::cmp::Reverse(p.population))
        };
        assert!(found.windows(2).all(|w| order(&w[0]) <= order(&w[1])), "{query}");
    }
}

#[test]
fn a_district_ranks_after_a_town_of_the_same_name() {
    let g = bundled();
    // Obolon: a Kyiv district of 239,500 and a village of about 5,000.
    let found = g.search("Obolon", 10);
    let first = g.place(found[0].index);
    let second = g.place(found[1].index);
    assert_eq!((first.id, first.is_district()), (698803, false));
    assert_eq!((second.id, second.is_district()), (8519916, true));
    assert!(second.population > first.population);
    assert_eq!(
        ids(g, &g.named("Obolon")),
        [8519916, 698803],
        "named keeps file order"
    );
}

#[test]
fn an_ambiguous_name_gives_every_place() {
    let g = bundled();
    let named = g.named("ivanivka");
    assert!(named.len() >= 15, "{} places", named.len());
    // The same set by brute force over every name of every place.
    let brute: Vec<usize> = (0..g.len())
        .filter(|&i| g.place(i).names().any(|n| fold(n) == "ivanivka"))
        .collect();
    assert_eq!(named, brute);
    assert_eq!(g.named("Іванівка"), brute);
}

#[test]
fn named_agrees_with_brute_force() {
    let g = bundled();
    for name in [
        "Oleksandrivka",
        "Kharkov",
        "Podil",
        "Vesele",
        "Shevchenko",
        "Kyiv",
        "Saltivka",
    ] {
        let key = fold(name);
        let brute: Vec<usize> = (0..g.len())
            .filter(|&i| g.place(i).names().any(|n| fold(n) == key))
            .collect();
        assert!(!brute.is_empty(), "{name}");
        assert_eq!(g.named(name), brute, "{name}");
    }
}

#[test]
fn every_place_is_found_by_its_name() {
    let g = bundled();
    for (index, place) in g.iter().enumerate() {
        let found = g.search(&place.name, 50);
        let hit = found.iter().find(|m| m.index == index);
        assert_eq!(
            hit.map(|m| m.kind),
            Some(MatchKind::Exact),
            "places[{index}] {}",
            place.name
        );
        assert!(
            g.named(&place.name).contains(&index),
            "places[{index}] {}",
            place.name
        );
    }
}

#[test]
fn small_file_reads_every_field() {
    let g = Gazetteer::from_json(SMALL, "small.json").unwrap();
    assert_eq!(g.len(), 3);
    let alpha = g.place(0);
    assert_eq!((alpha.id, alpha.country, alpha.population), (10, *b"UA", 9000));
    assert_eq!(alpha.lonlat, geo::Coord { x: 36.5, y: 50.5 });
    assert_eq!(
        alpha.names().collect::<Vec<_>>(),
        ["Alpha", "Альфа", "Alfa", "Al'fa"]
    );
    assert_eq!(g.place(2).names().collect::<Vec<_>>(), ["Beta"]);
    assert_eq!(g.place(2).local_or_name(), "Beta");
    assert_eq!(g.get(3), None);
    // The town comes before the bigger district; both are found.
    assert_eq!(
        ids(
            &g,
            &g.search("beta", 10).iter().map(|m| m.index).collect::<Vec<_>>()
        ),
        [12, 11]
    );
    // Names that fold alike: the one in the query's script is shown.
    assert_eq!(g.search("alfa", 10)[0].matched, "Alfa");
    assert_eq!(g.search("Альфа", 10)[0].matched, "Альфа");
    assert_eq!(g.search("alpha", 10)[0].matched, "Alpha");
    // "1" begins the later word of "Beta-1", but one character matches whole names only.
    assert!(g.search("1", 10).is_empty());
    assert_eq!(g.search("beta 1", 10)[0].kind, MatchKind::Exact);
}

/// Replaces the first occurrence of `from` in [`SMALL`].
fn small_with(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "{from}");
    SMALL.replacen(from, to, 1)
}

fn record_error(text: &str) -> (usize, String, String) {
    let err = Gazetteer::from_json(text, "bad.json").unwrap_err();
    let PlacesError::Record {
        index, ref problem, ..
    } = err
    else {
        panic!("not a record error: {err:?}")
    };
    (index, problem.clone(), err.to_string())
}

#[test]
fn bad_records_name_the_file_index_and_field() {
    let cases = [
        (
            "[11,\"Beta\",\"Бета\",50.6,",
            "[11,\"Beta\",\"Бета\",",
            1,
            "expected 9 fields, found 8",
        ),
        (
            "50.5,36.5",
            "95,36.5",
            0,
            "lat: expected degrees within ±90, found 95",
        ),
        ("50.5,36.5", "50.5,-181", 0, "lon:"),
        (
            "50.5,36.5",
            "\"50.5\",36.5",
            0,
            "lat: expected degrees within ±90, found the string \"50.5\"",
        ),
        ("9000", "-1", 0, "population: expected a whole number"),
        ("9000", "9000.5", 0, "population:"),
        ("\"UA\",0,[\"Alfa\"", "\"Ukraine\",0,[\"Alfa\"", 0, "country:"),
        ("[10,\"Alpha\"", "[10,7", 0, "name: expected a string, found 7"),
        ("[10,\"Alpha\"", "[10,\" \"", 0, "name: empty"),
        (
            "[\"Alfa\",\"Al'fa\"]",
            "[\"Alfa\",null]",
            0,
            "other_names[1]: expected a string, found null",
        ),
        (
            "\"UA\",10,",
            "\"UA\",99,",
            1,
            "part_of: 99 is not the geonameid of another place",
        ),
        (
            "\"UA\",10,",
            "\"UA\",-2,",
            1,
            "part_of: expected 0, -1 or a geonameid",
        ),
        ("[12,", "[10,", 2, "geonameid 10 repeats places[0]"),
        ("[12,", "[0,", 2, "geonameid: expected a whole number 1..="),
        (
            "[12,\"Beta\",\"\",50.7,36.7,100,\"RU\",0,[]]",
            "{}",
            2,
            "expected an array of 9 fields, found an object",
        ),
    ];
    for (from, to, index, problem) in cases {
        let (at, message, shown) = record_error(&small_with(from, to));
        assert_eq!(at, index, "{to}: {message}");
        assert!(message.starts_with(problem), "{to}: {message}");
        assert!(
            shown.starts_with(&format!("bad.json: places[{index}]: ")),
            "{shown}"
        );
    }
}

#[test]
fn bad_json_names_the_file_line_and_column() {
    let truncated = &SMALL[..SMALL.find("9000").unwrap()];
    let err = Gazetteer::from_json(truncated, "cut.json").unwrap_err();
    let PlacesError::Json {
        ref file,
        line,
        column,
        ref message,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((file.as_str(), line), ("cut.json", 4));
    assert!(column > 1, "{column}");
    assert!(!message.contains(" at line "), "position not repeated: {message}");
    assert!(
        err.to_string().starts_with(&format!("cut.json:4:{column}: ")),
        "{err}"
    );
    // Not a places file at all, and a missing `places` list.
    assert!(matches!(
        Gazetteer::from_json("[]", "a.json"),
        Err(PlacesError::Json { .. })
    ));
    let no_places = r#"{"fields": []}"#;
    assert!(
        Gazetteer::from_json(no_places, "b.json")
            .unwrap_err()
            .to_string()
            .contains("places")
    );
    let err = Gazetteer::from_json(&small_with("\"lat\",\"lon\"", "\"lon\",\"lat\""), "c.json").unwrap_err();
    assert!(matches!(err, PlacesError::Fields { .. }), "{err:?}");
    assert!(err.to_string().starts_with("c.json: fields: "), "{err}");
}

#[test]
fn truncations_and_mutations_never_panic() {
    let mut ok = 0;
    for (cut, _) in SMALL.char_indices() {
        ok += usize::from(Gazetteer::from_json(&SMALL[..cut], "cut.json").is_ok());
    }
    assert_eq!(ok, 0, "no proper prefix is a whole file");
    assert!(Gazetteer::from_json(SMALL, "whole.json").is_ok());
    // Every character swapped for a few troublemakers, and deleted.
    for (at, c) in SMALL.char_indices() {
        let rest = &SMALL[at + c.len_utf8()..];
        for with in ["", "0", "-", "\"", "]", "[", ",", "1e999", "ё"] {
            let mutated = format!("{}{with}{rest}", &SMALL[..at]);
            if let Ok(g) = Gazetteer::from_json(&mutated, "m.json") {
                let _ = (g.search("a", 5), g.search("be", 5), g.named("alpha"));
            }
        }
    }
}

#[test]
#[ignore = "timing: run with --release --ignored --nocapture"]
fn search_timing() {
    let g = bundled();
    let queries = [
        "Kharkiv",
        "Харьков",
        "sheb",
        "kh",
        "nov",
        "rostov on don",
        "ivanivka",
        "o",
        "zzz",
        "na",
    ];
    let rounds = 2000;
    let start = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..rounds {
        for q in queries {
            total += g.search(q, 20).len();
        }
    }
    let each = start.elapsed() / (rounds * queries.len() as u32);
    println!("search: {each:?} per query on average ({total} results)");
    for q in ["kh", "no", "ol", "po"] {
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            total += g.search(q, 20).len();
        }
        println!("search({q:?}): {:?} per query", start.elapsed() / rounds);
    }
    println!("{total} results in all");
    let start = std::time::Instant::now();
    let built = Gazetteer::from_json(BUNDLED_JSON, BUNDLED_FILE).map(|g| g.len());
    println!("parse and index: {:?} ({built:?} places)", start.elapsed());
}
