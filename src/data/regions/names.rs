//! Which property of a region layer names its regions: the usual ones of
//! the files people have (`name_en`, `name_latin`, `NAME_1`, `ADMIN_1`,
//! `shapeName`, `name`, `region`, ...), Latin script preferred when several
//! are there, or the one the user named (`--name-field`).

use serde_json::Value;

use super::geojson::GeoFeature;

/// Name properties, in the order they are tried.
const NAME_PROPERTIES: [&str; 16] = [
    "name_en",
    "name_latin",
    "NAME_EN",
    "name:en",
    "NAME_1",
    "ADMIN_1",
    "admin1",
    "shapeName",
    "name",
    "NAME",
    "Name",
    "region",
    "REGION",
    "region_name",
    "NAME_2",
    "ADM1_EN",
];

/// The property that names a layer's regions: `requested` when given (an
/// error when no feature has it), else the first usual one whose values are
/// in Latin script, else the first usual one there is. `None` when the
/// features have none of them.
pub fn name_property<'f>(
    features: impl Iterator<Item = &'f GeoFeature> + Clone,
    requested: Option<&str>,
) -> Result<Option<String>, String> {
    let present = |key: &str| features.clone().any(|f| text(f, key).is_some());
    if let Some(requested) = requested {
        if present(requested) {
            return Ok(Some(requested.to_string()));
        }
        let mut keys: Vec<&str> = features
            .clone()
            .flat_map(|f| f.properties.keys().map(String::as_str))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        return Err(format!(
            "--name-field {requested}: no feature has that property; they have: {}",
            keys.into_iter().take(30).collect::<Vec<_>>().join(", ")
        ));
    }
    let candidates: Vec<&str> = NAME_PROPERTIES.into_iter().filter(|key| present(key)).collect();
    let latin = candidates.iter().find(|key| {
        features
            .clone()
            .filter_map(|f| text(f, key))
            .all(|value| is_latin(&value))
    });
    Ok(latin.or(candidates.first()).map(|key| key.to_string()))
}

/// A feature's property as trimmed text (a string or a number).
pub fn text(feature: &GeoFeature, key: &str) -> Option<String> {
    match feature.properties.get(key)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The properties with text in any of `features`, in first-seen order.
pub fn text_properties<'f>(features: impl Iterator<Item = &'f GeoFeature>) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for feature in features {
        for key in feature.properties.keys() {
            if !keys.contains(key) && text(feature, key).is_some() {
                keys.push(key.clone());
            }
        }
    }
    keys
}

/// Whether most letters of a text are Latin (ASCII or Latin-1/Extended).
fn is_latin(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic());
    let (latin, all) = letters.fold((0, 0), |(latin, all), c| {
        (latin + usize::from(c < '\u{0250}'), all + 1)
    });
    all == 0 || latin * 2 > all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regions::geojson::FeatureGeometry;

    fn feature(properties: Value) -> GeoFeature {
        GeoFeature {
            index: 0,
            id: None,
            properties: properties.as_object().cloned().unwrap_or_default(),
            geometry: FeatureGeometry::Other("null"),
        }
    }

    #[test]
    fn the_usual_properties_latin_first() {
        let admin = [feature(
            serde_json::json!({"ADMIN_1": "Kharkivska", "ISO": "UA-63"}),
        )];
        assert_eq!(name_property(admin.iter(), None), Ok(Some("ADMIN_1".into())));
        let both = [feature(
            serde_json::json!({"name": "Мурманская область", "name_latin": "Murmansk"}),
        )];
        assert_eq!(name_property(both.iter(), None), Ok(Some("name_latin".into())));
        let cyrillic = [feature(serde_json::json!({"name": "Мурманская область"}))];
        assert_eq!(name_property(cyrillic.iter(), None), Ok(Some("name".into())));
        assert_eq!(name_property(both.iter(), Some("name")), Ok(Some("name".into())));
        let error = name_property(both.iter(), Some("NAME_1")).expect_err("absent");
        assert!(error.contains("they have: name, name_latin"), "{error}");
        let none = [feature(serde_json::json!({"ISO": "UA-63"}))];
        assert_eq!(name_property(none.iter(), None), Ok(None));
    }
}
