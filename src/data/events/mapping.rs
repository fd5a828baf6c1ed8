//! Which field of a file means what: borderwatch's own names, the usual
//! names other tools write (`latitude`, `y`, `lng`, `event_date`,
//! `headline`, ...), or what the user named with `--map`. Resolved once per
//! file from its first record or header, never per record.

use std::path::PathBuf;

use crate::data::diagnostic::Severity;
use crate::data::events::date_forms::{
    DateOrder, FieldDateError, OrderEvidence, any_ambiguous, parse_field_date,
};

/// What a field of a record means to borderwatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Id,
    Title,
    Date,
    EndDate,
    Category,
    Lat,
    Lon,
    Place,
    Region,
    Description,
    Actors,
    Troops,
    Precision,
    /// `date_precision` (`time_precision` in TimeMap and ACLED).
    DatePrecision,
    Sources,
    /// `source_urls` in borderwatch's CSV.
    SourceUrls,
    /// `other_fields` in borderwatch's CSV.
    OtherFields,
    /// What the app worked out and `export` writes (`region_id`,
    /// `region_name`, `region_by`, `border_km`, `border_side`): worked out
    /// again on loading, not kept.
    Derived,
}

impl Role {
    /// The role's name in borderwatch's own schema (and in `--map`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Title => "title",
            Self::Date => "date",
            Self::EndDate => "end_date",
            Self::Category => "category",
            Self::Lat => "lat",
            Self::Lon => "lon",
            Self::Place => "place",
            Self::Region => "region",
            Self::Description => "description",
            Self::Actors => "actors",
            Self::Troops => "troops",
            Self::Precision => "precision",
            Self::DatePrecision => "date_precision",
            Self::Sources => "sources",
            Self::SourceUrls => "source_urls",
            Self::OtherFields => "other_fields",
            Self::Derived => "region_id",
        }
    }
}

/// The role of a field under borderwatch's own name (or the aliases it has
/// always read): the native fast path, a `match` on the key.
pub fn native_role(key: &str) -> Option<Role> {
    Some(match key {
        "id" => Role::Id,
        "title" => Role::Title,
        "date" => Role::Date,
        "end_date" => Role::EndDate,
        "category" => Role::Category,
        "lat" | "latitude" => Role::Lat,
        "lon" | "lng" | "longitude" => Role::Lon,
        "place" => Role::Place,
        "region" => Role::Region,
        "description" => Role::Description,
        "actors" => Role::Actors,
        "troops" => Role::Troops,
        "precision" => Role::Precision,
        "date_precision" | "time_precision" => Role::DatePrecision,
        "sources" => Role::Sources,
        "source_urls" => Role::SourceUrls,
        "other_fields" => Role::OtherFields,
        "region_id" | "region_name" | "region_by" | "border_km" | "border_side" => Role::Derived,
        _ => return None,
    })
}

/// Other names for each role, most likely first, compared ignoring case.
/// `time` is a date only when it holds dates (checked on the first value).
const ALIASES: [(Role, &[&str]); 12] = [
    (
        Role::Lat,
        &[
            "lat",
            "latitude",
            "y",
            "lat_y",
            "latitude_dd",
            "coord_y",
            "широта",
        ],
    ),
    (
        Role::Lon,
        &[
            "lon",
            "lng",
            "long",
            "longitude",
            "x",
            "lon_x",
            "longitude_dd",
            "coord_x",
            "долгота",
        ],
    ),
    (
        Role::Date,
        &[
            "date",
            "event_date",
            "datetime",
            "date_time",
            "timestamp",
            "start_date",
            "time",
            "дата",
        ],
    ),
    (
        Role::Title,
        &[
            "title",
            "headline",
            "name",
            "event_title",
            "название",
            "заголовок",
        ],
    ),
    (
        Role::Description,
        &[
            "description",
            "notes",
            "desc",
            "details",
            "text",
            "summary",
            "описание",
        ],
    ),
    (
        Role::Place,
        &[
            "place",
            "location",
            "locality",
            "city",
            "town",
            "settlement",
            "место",
        ],
    ),
    (Role::Id, &["id", "event_id", "uid", "uuid"]),
    (Role::EndDate, &["end_date", "date_end", "end"]),
    (Role::Category, &["category", "event_type", "kind"]),
    (Role::Actors, &["actors", "actor"]),
    (Role::Sources, &["sources", "source"]),
    (Role::DatePrecision, &["date_precision", "time_precision"]),
];

/// What the user said about a file's fields: `--map lat=Y,lon=X,date=when,title=headline`,
/// `--date-order dmy|mdy` and a TimeMap sources file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    /// Field names by role, as given with `--map`.
    pub fields: Vec<(Role, String)>,
    /// Which of `NN/NN/YYYY`'s numbers is the day.
    pub date_order: Option<DateOrder>,
    /// A TimeMap sources file: the events' `sources` are ids into it.
    pub timemap_sources: Option<PathBuf>,
    /// The property that names the regions of `--regions` layers.
    pub name_field: Option<String>,
    /// The layer to read from a file that holds several (a GeoPackage's
    /// table, a zip's Shapefile): `--layer`.
    pub layer: Option<String>,
}

impl ColumnMapping {
    /// Reads `lat=Y,lon=X,date=when,title=headline` (roles: `lat`, `lon`,
    /// `date`, `title`, and also `id`, `end_date`, `category`, `place`,
    /// `region`, `description`, `actors`, `sources`, `precision`,
    /// `date_precision`).
    pub fn parse_map(text: &str) -> Result<Vec<(Role, String)>, String> {
        let mut fields = Vec::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((role, field)) = pair.split_once('=') else {
                return Err(format!("\"{pair}\" is not ROLE=FIELD (for example lat=Y)"));
            };
            let role = match role.trim().to_ascii_lowercase().as_str() {
                "lat" | "latitude" => Role::Lat,
                "lon" | "lng" | "longitude" => Role::Lon,
                "date" => Role::Date,
                "title" => Role::Title,
                "id" => Role::Id,
                "end_date" => Role::EndDate,
                "category" => Role::Category,
                "place" => Role::Place,
                "region" => Role::Region,
                "description" => Role::Description,
                "actors" => Role::Actors,
                "sources" => Role::Sources,
                "precision" => Role::Precision,
                "date_precision" => Role::DatePrecision,
                other => {
                    return Err(format!(
                        "\"{other}\" is not a field --map can set (lat, lon, date, title, id, end_date, category, place, region, description, actors, sources, precision, date_precision)"
                    ));
                }
            };
            let field = field.trim();
            if field.is_empty() {
                return Err(format!("--map {}=: name the file's field after '='", role.name()));
            }
            fields.retain(|(r, _)| *r != role);
            fields.push((role, field.to_string()));
        }
        Ok(fields)
    }

    /// Whether nothing was said.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.date_order.is_none()
            && self.timemap_sources.is_none()
            && self.name_field.is_none()
            && self.layer.is_none()
    }

    /// The field named for `role`.
    pub fn field(&self, role: Role) -> Option<&str> {
        self.fields
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, f)| f.as_str())
    }
}

/// The fields of one file and what each means, resolved once from the first
/// record's names (and, for `time`, its value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldNames {
    /// Each field with a meaning, by its name in the file.
    roles: Vec<(Box<str>, Role)>,
    /// No title field: the title is the first sentence of the description.
    pub derive_title: bool,
    /// Every name is borderwatch's own: the fast path reads the file.
    pub native: bool,
}

impl FieldNames {
    /// Resolves `keys` (a record's or header's names, in order): first what
    /// `mapping` names, then borderwatch's own names, then the usual aliases.
    /// `value` gives the first record's text of a field (to tell whether
    /// `time` holds dates). `Err` when `--map` names a field the file lacks.
    pub fn resolve(
        keys: &[&str],
        value: impl Fn(&str) -> Option<String>,
        mapping: &ColumnMapping,
    ) -> Result<Self, String> {
        let mut roles: Vec<(Box<str>, Role)> = Vec::new();
        let taken = |roles: &[(Box<str>, Role)], key: &str| roles.iter().any(|(k, _)| &**k == key);
        let has_role = |roles: &[(Box<str>, Role)], role: Role| roles.iter().any(|(_, r)| *r == role);
        for (role, field) in &mapping.fields {
            let Some(key) = keys
                .iter()
                .find(|k| **k == field.as_str())
                .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case(field)))
            else {
                return Err(format!(
                    "--map {}={field}: the file has no field \"{field}\"; its fields are: {}",
                    role.name(),
                    keys.iter().take(20).copied().collect::<Vec<_>>().join(", ")
                ));
            };
            roles.push(((*key).into(), *role));
        }
        for key in keys {
            if let Some(role) = native_role(key)
                && !taken(&roles, key)
                && (role == Role::Derived || !has_role(&roles, role))
            {
                roles.push(((*key).into(), role));
            }
        }
        let native = mapping.fields.is_empty()
            && has_role(&roles, Role::Title)
            && has_role(&roles, Role::Date)
            && has_role(&roles, Role::Lat)
            && has_role(&roles, Role::Lon);
        for (role, aliases) in ALIASES {
            if has_role(&roles, role) {
                continue;
            }
            let found = aliases.iter().find_map(|alias| {
                keys.iter()
                    .find(|k| !taken(&roles, k) && k.eq_ignore_ascii_case(alias))
                    .filter(|k| role != Role::Date || !k.eq_ignore_ascii_case("time") || holds_date(value(k)))
            });
            if let Some(key) = found {
                roles.push(((*key).into(), role));
            }
        }
        let derive_title = !has_role(&roles, Role::Title) && has_role(&roles, Role::Description);
        Ok(Self {
            roles,
            derive_title,
            native,
        })
    }

    /// The names of a file in borderwatch's own schema.
    pub fn native_schema() -> Self {
        Self {
            roles: Vec::new(),
            derive_title: false,
            native: true,
        }
    }

    /// What a field means.
    pub fn role(&self, key: &str) -> Option<Role> {
        if self.native {
            return native_role(key);
        }
        match self.roles.iter().find(|(k, _)| &**k == key) {
            Some((_, role)) => Some(*role),
            // A record may have a field the first one lacked.
            None => native_role(key).filter(|role| *role == Role::Derived || self.key(*role).is_none()),
        }
    }

    /// Each field with a meaning and its role, as resolved (a role's field
    /// is the first given it, as [`Self::key`] says).
    pub fn fields(&self) -> impl Iterator<Item = (&str, Role)> {
        self.roles.iter().map(|(key, role)| (&**key, *role))
    }

    /// The field that holds `role`.
    pub fn key(&self, role: Role) -> Option<&str> {
        self.roles.iter().find(|(_, r)| *r == role).map(|(k, _)| &**k)
    }

    /// The name to give a role in messages: the file's own field.
    pub fn label(&self, role: Role) -> String {
        self.key(role).unwrap_or(role.name()).to_string()
    }

    /// Fields read under another name than borderwatch's, for one message:
    /// `lat from "LAT", date from "event_date"`. Empty when there are none.
    pub fn described(&self) -> String {
        let mut parts: Vec<String> = self
            .roles
            .iter()
            .filter(|(key, role)| *role != Role::Derived && native_role(key) != Some(*role))
            .map(|(key, role)| format!("{} from \"{key}\"", role.name()))
            .collect();
        if self.derive_title
            && let Some(description) = self.key(Role::Description)
        {
            parts.push(format!(
                "title from the first sentence of \"{description}\" (marked title_derived)"
            ));
        }
        parts.join(", ")
    }
}

/// Decides the order of day and month for a file's date field (`label`)
/// from what the user gave, else from the field's own `values` (the first
/// rows or records), else `default`. Says how it decided, in one message,
/// when the values decided it or could not.
pub fn file_date_order<'a>(
    label: &str,
    values: impl IntoIterator<Item = &'a str>,
    given: Option<DateOrder>,
    default: Option<DateOrder>,
) -> (Option<DateOrder>, Option<(Severity, String)>) {
    if given.is_some() {
        return (given, None);
    }
    let values: Vec<&str> = values.into_iter().collect();
    match OrderEvidence::of(values.iter().copied()) {
        OrderEvidence::DayFirst(example) => (
            Some(DateOrder::Dmy),
            Some((
                Severity::Info,
                format!(
                    "dates in \"{label}\" read as {}: \"{example}\" can only be day first; set --date-order mdy if that is wrong",
                    DateOrder::Dmy.pattern()
                ),
            )),
        ),
        OrderEvidence::MonthFirst(example) => (
            Some(DateOrder::Mdy),
            Some((
                Severity::Info,
                format!(
                    "dates in \"{label}\" read as {}: \"{example}\" can only be month first; set --date-order dmy if that is wrong",
                    DateOrder::Mdy.pattern()
                ),
            )),
        ),
        OrderEvidence::Both {
            day_first,
            month_first,
        } => (
            None,
            Some((
                Severity::Warning,
                format!(
                    "dates in \"{label}\" mix day-first (\"{day_first}\") and month-first (\"{month_first}\") values: each is read as it can only be, and those that could be either are rejected; set --date-order dmy or mdy"
                ),
            )),
        ),
        OrderEvidence::None if default.is_none() && any_ambiguous(values.iter().copied()) => (
            None,
            Some((
                Severity::Warning,
                format!(
                    "dates in \"{label}\" could be day first or month first and none of the first records tells; set --date-order dmy or --date-order mdy (in the window: File › Open table with columns…)"
                ),
            )),
        ),
        OrderEvidence::None => (default, None),
    }
}

/// Whether a value reads as a date (in some order).
fn holds_date(value: Option<String>) -> bool {
    value.is_some_and(|v| {
        matches!(
            parse_field_date(&v, None),
            Ok(_) | Err(FieldDateError::Ambiguous(_))
        )
    })
}

/// The first sentence of a text, as a title: up to the first `. `, `! ` or
/// `? ` (or the whole text), at most 120 characters.
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let mut end = text.len();
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace())
            && i > 0
        {
            end = i + usize::from(*b != b'.');
            break;
        }
    }
    let sentence = &text[..end];
    if sentence.chars().count() <= 120 {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(119).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(keys: &[&str], mapping: &ColumnMapping) -> FieldNames {
        FieldNames::resolve(keys, |k| (k == "time").then(|| "02/24/2022".to_string()), mapping)
            .expect("resolves")
    }

    #[test]
    fn usual_names_are_recognised_and_native_files_keep_the_fast_path() {
        let names = resolve(
            &["id", "title", "date", "lat", "lon", "colour"],
            &ColumnMapping::default(),
        );
        assert!(names.native);
        assert_eq!(names.role("lat"), Some(Role::Lat));
        assert_eq!(names.role("colour"), None);

        let names = resolve(
            &["LAT", "lng", "event_date", "headline", "notes"],
            &ColumnMapping::default(),
        );
        assert!(!names.native);
        assert_eq!(names.role("LAT"), Some(Role::Lat));
        assert_eq!(names.role("lng"), Some(Role::Lon));
        assert_eq!(names.role("event_date"), Some(Role::Date));
        assert_eq!(names.role("headline"), Some(Role::Title));
        assert!(!names.derive_title);
        assert!(
            names.described().contains("date from \"event_date\""),
            "{}",
            names.described()
        );

        let names = resolve(&["y", "x", "time", "description"], &ColumnMapping::default());
        assert_eq!(names.key(Role::Date), Some("time"));
        assert!(names.derive_title);
        let names = FieldNames::resolve(
            &["y", "x", "time"],
            |_| Some("10:30".into()),
            &ColumnMapping::default(),
        )
        .expect("resolves");
        assert_eq!(names.key(Role::Date), None, "a time of day is not a date");
    }

    #[test]
    fn a_mapping_wins_and_a_missing_field_is_an_error() {
        let mapping = ColumnMapping {
            fields: ColumnMapping::parse_map("lat=Y, lon=X,date=when,title=headline").expect("parses"),
            ..ColumnMapping::default()
        };
        let names = resolve(&["Y", "X", "when", "headline", "date"], &mapping);
        assert_eq!(names.key(Role::Date), Some("when"));
        assert_eq!(names.role("date"), None, "kept as an other field");
        let error = FieldNames::resolve(&["a"], |_| None, &mapping).expect_err("no Y");
        assert!(
            error.contains("--map lat=Y: the file has no field \"Y\""),
            "{error}"
        );
        assert!(ColumnMapping::parse_map("colour=red").is_err());
        assert!(ColumnMapping::parse_map("lat").is_err());
    }

    #[test]
    fn first_sentences() {
        assert_eq!(
            first_sentence("Shelling near Kursk. Two hurt."),
            "Shelling near Kursk"
        );
        assert_eq!(first_sentence("What happened? Nobody knows."), "What happened?");
        assert_eq!(first_sentence("No stop at all"), "No stop at all");
        assert_eq!(first_sentence("Version 1.5 shipped. Then"), "Version 1.5 shipped");
        assert!(first_sentence(&"word ".repeat(60)).ends_with('…'));
    }
}
