//! The rules every record goes through, whatever file it came from (JSON,
//! GeoJSON, CSV, an ACLED export): a [`Draft`] of its fields is checked
//! (title, date, coordinates), its optional fields are read or warned
//! about, it is placed in a region, and it becomes an [`Event`].

use std::borrow::Cow;
use std::collections::HashMap;

use geo::Coord;

use super::category::{Categories, CategoryId, EventCategory};
use super::date::{DatePrecision, EventDate};
use super::date_forms::{DateOrder, parse_field_date};
use super::event::{
    Event, EventOrigin, EventTexts, MAX_TROOPS, OtherFields, Placement, Precision, SourceRef, TextLayout,
    troops_within_limit,
};
use super::geocode::geocode;
use super::mapping::{FieldNames, Role, first_sentence};
use super::sources_file::SourceCatalog;
use crate::data::places::Gazetteer;
use crate::data::regions::{Assigned, RegionSet};

/// The fields of a record as read, before any check.
#[derive(Debug, Clone, Default)]
pub struct Draft<'a> {
    /// `id`, as text.
    pub id: Option<Cow<'a, str>>,
    /// `title`.
    pub title: Option<Cow<'a, str>>,
    /// `date`, ISO 8601 text.
    pub date: Option<Cow<'a, str>>,
    /// `end_date`, ISO 8601 text.
    pub end_date: Option<Cow<'a, str>>,
    /// `category`, as written.
    pub category: Option<Cow<'a, str>>,
    /// Longitude and latitude, when given.
    pub lon: Option<f64>,
    /// Latitude.
    pub lat: Option<f64>,
    /// `place`.
    pub place: Option<Cow<'a, str>>,
    /// `region`: a region id.
    pub region: Option<Cow<'a, str>>,
    /// `description`.
    pub description: Option<Cow<'a, str>>,
    /// `actors`.
    pub actors: Vec<Cow<'a, str>>,
    /// `troops`, as written (a number's digits or a string).
    pub troops: Option<Cow<'a, str>>,
    /// `precision`.
    pub precision: Option<Cow<'a, str>>,
    /// `date_precision`: `day`, `week`, `month` or `year`.
    pub date_precision: Option<Cow<'a, str>>,
    /// `sources`: names with optional links.
    pub sources: Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>,
    /// Any other fields, kept for the details.
    pub extra: Vec<(String, serde_json::Value)>,
    /// What the reader found wrong with the fields it read (a coordinate that
    /// is not a number, ...): the record is rejected with these and any the
    /// rules find, all of them together.
    pub problems: Vec<String>,
}

/// Trimmed text, `None` when blank.
pub fn non_blank<'s>(text: &'s Option<Cow<'_, str>>) -> Option<&'s str> {
    text.as_deref().map(trimmed).filter(|t| !t.is_empty())
}

/// `text` without whitespace at its ends, as [`str::trim`] gives it, but
/// answered from two bytes when both ends are printable ASCII, as nearly
/// every field's are: `trim` decodes a whole character at each end, and
/// trimming a million records' texts took 3 % of a load.
pub fn trimmed(text: &str) -> &str {
    let printable = |byte: Option<&u8>| byte.is_some_and(|&byte| byte > b' ' && byte.is_ascii());
    if printable(text.as_bytes().first()) && printable(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

/// What placing and numbering the events of one file needs.
pub struct RecordRules<'a> {
    regions: &'a RegionSet,
    region_ids: HashMap<&'a str, u32>,
    file_index: u32,
    /// The file name without folders and extension, for generated ids.
    stem: String,
    /// What the file's fields mean, for messages that name them as the file does.
    names: FieldNames,
    /// Which of `NN/NN/YYYY`'s numbers is the day, when known.
    date_order: Option<DateOrder>,
    /// TimeMap sources: the records' `sources` are ids into it.
    catalog: Option<std::sync::Arc<SourceCatalog>>,
}

impl<'a> RecordRules<'a> {
    /// Rules for the records of `file`, placed in `regions`, remembering
    /// `file_index` in their origin.
    pub fn new(file: &str, regions: &'a RegionSet, file_index: u32) -> Self {
        Self {
            regions,
            region_ids: regions
                .regions()
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i as u32))
                .collect(),
            file_index,
            stem: file_stem(file),
            names: FieldNames::native_schema(),
            date_order: None,
            catalog: None,
        }
    }

    /// These rules for a file whose fields mean `names`.
    pub fn with_names(mut self, names: FieldNames) -> Self {
        self.names = names;
        self
    }

    /// These rules reading `NN/NN/YYYY` in `order`.
    pub fn with_date_order(mut self, order: Option<DateOrder>) -> Self {
        self.date_order = order;
        self
    }

    /// These rules expanding source ids through `catalog`.
    pub fn with_catalog(mut self, catalog: Option<std::sync::Arc<SourceCatalog>>) -> Self {
        self.catalog = catalog;
        self
    }

    /// The names of the file's fields.
    pub fn names(&self) -> &FieldNames {
        &self.names
    }

    /// Checks a draft and makes it an event, its texts laid out in `layout`
    /// (the event has them once the layout is shared). `Err` lists every
    /// reason the record is rejected; problems that do not stop it go to
    /// `warnings`.
    pub fn event(
        &self,
        mut draft: Draft<'_>,
        index: usize,
        line: u32,
        categories: &mut Categories,
        layout: &mut TextLayout,
        warnings: &mut Vec<String>,
    ) -> Result<Event, Vec<String>> {
        let mut problems = std::mem::take(&mut draft.problems);
        self.derive_title(&mut draft);
        let title = non_blank(&draft.title);
        if title.is_none() {
            problems.push(self.missing(Role::Title));
        }
        let date = self.date(&draft, &mut problems);
        let (position, geocoded) = self.position_or_place(&draft, &mut problems, warnings);
        let (Some(title), Some(date), Some(position), true) = (title, date, position, problems.is_empty())
        else {
            return Err(problems);
        };
        let end_date = end_date(&draft, date, self.date_order, warnings);
        let category = match non_blank(&draft.category) {
            Some(name) => categories.intern(name),
            None => CategoryId::known(EventCategory::Other),
        };
        let precision = if geocoded {
            Some(Precision::Gazetteer)
        } else {
            precision(&draft, warnings)
        };
        let (date_precision, kept_precision) = self.date_precision(&draft, warnings);
        let troops = troops(&draft, warnings);
        let declared_region = non_blank(&draft.region);
        let (region, placement) = if precision == Some(Precision::Notional) {
            (None, self.notional_placement(declared_region, warnings))
        } else {
            self.assign_region(declared_region, position, warnings)
        };
        let generated;
        let id = match non_blank(&draft.id) {
            Some(id) => id,
            None => {
                generated = format!("{}#{index}", self.stem);
                &generated
            }
        };
        let texts = EventTexts {
            id,
            title,
            place: non_blank(&draft.place),
            description: non_blank(&draft.description),
            declared_region,
            actors: draft
                .actors
                .iter()
                .map(|actor| trimmed(actor))
                .filter(|a| !a.is_empty())
                .collect(),
            sources: self.sources(&draft),
        };
        let mut event = layout.event(&texts, date, position);
        event.end_date = end_date;
        event.set_date_precision(date_precision);
        event.category = category;
        event.set_precision(precision);
        event.set_troops(troops);
        event.set_place(region, placement);
        let mut extra = draft.extra;
        extra.extend(kept_precision);
        event.extra = OtherFields::from_pairs(extra).map(Box::new);
        event.origin = EventOrigin {
            file: self.file_index,
            record: index as u32,
            line,
        };
        Ok(event)
    }

    /// A title from the first sentence of the description, marked
    /// `title_derived`, when the file has no title field.
    fn derive_title(&self, draft: &mut Draft<'_>) {
        if !self.names.derive_title || non_blank(&draft.title).is_some() {
            return;
        }
        if let Some(description) = non_blank(&draft.description) {
            draft.title = Some(Cow::Owned(first_sentence(description)));
            draft
                .extra
                .push(("title_derived".into(), serde_json::Value::Bool(true)));
        }
    }

    /// The date of a draft, read in the file's order of day and month.
    fn date(&self, draft: &Draft<'_>, problems: &mut Vec<String>) -> Option<EventDate> {
        let Some(text) = non_blank(&draft.date) else {
            problems.push(self.missing(Role::Date));
            return None;
        };
        parse_field_date(text, self.date_order)
            .map_err(|error| problems.push(format!("field \"{}\": {error}", self.names.label(Role::Date))))
            .ok()
    }

    /// The position of a draft, its problem added to `problems`; a
    /// coordinate that is not a number is already named there, so it is not
    /// also "missing".
    fn checked_position(&self, draft: &Draft<'_>, problems: &mut Vec<String>) -> Option<Coord<f64>> {
        let problem = match self.position(draft) {
            Ok(position) => return Some(position),
            Err(problem) => problem,
        };
        if !(problem.starts_with("missing") && coordinate_named_bad(problems)) {
            problems.push(problem);
        }
        None
    }

    /// The draft's position, from its coordinates or else from its place name
    /// (then `true`), problems and notes added as they come.
    fn position_or_place(
        &self,
        draft: &Draft<'_>,
        problems: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) -> (Option<Coord<f64>>, bool) {
        // A bad coordinate is the record's problem: no place name covers for it.
        if has_coordinates(draft) || non_blank(&draft.place).is_none() || coordinate_named_bad(problems) {
            return (self.checked_position(draft, problems), false);
        }
        let found = self.place_by_name(draft, problems, warnings);
        (found, found.is_some())
    }

    /// The point of the place a draft names when it gives no coordinates: the
    /// one place of that name within its declared region (or anywhere, with
    /// none), with a warning that says so; otherwise why not, in `problems`
    /// ("missing coordinates, and …").
    fn place_by_name(
        &self,
        draft: &Draft<'_>,
        problems: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) -> Option<Coord<f64>> {
        let name = non_blank(&draft.place)?;
        let region = non_blank(&draft.region).and_then(|id| self.region_ids.get(id).map(|&i| i as usize));
        let gazetteer = Gazetteer::bundled();
        match geocode(name, region, self.regions, gazetteer) {
            Ok(found) => {
                let place = gazetteer.place(found.place);
                warnings.push(format!(
                    "no coordinates: placed at {} ({:.5}, {:.5}, GeoNames {}) from the gazetteer by its place \"{name}\"; precision gazetteer",
                    place.name, found.lonlat.y, found.lonlat.x, place.id
                ));
                Some(found.lonlat)
            }
            Err(why) => {
                problems.push(format!("missing coordinates, and {why}"));
                None
            }
        }
    }

    /// The position of a draft, which every event needs.
    fn position(&self, draft: &Draft<'_>) -> Result<Coord<f64>, String> {
        let position = match (draft.lon, draft.lat) {
            (Some(lon), Some(lat)) => Coord { x: lon, y: lat },
            (None, None) => {
                return Err(
                    "missing coordinates: no latitude and longitude fields found; give \"lat\" and \"lon\" in degrees, or name them with --map lat=FIELD,lon=FIELD"
                .to_string());
            }
            (None, Some(_)) => return Err(self.missing(Role::Lon)),
            (Some(_), None) => return Err(self.missing(Role::Lat)),
        };
        check_position(position)?;
        Ok(position)
    }

    /// "missing required field", with the `--map` flag that names it when
    /// the file has no such field at all.
    fn missing(&self, role: Role) -> String {
        let label = self.names.label(role);
        if self.names.native || self.names.key(role).is_some() {
            format!("missing required field \"{label}\"")
        } else {
            format!(
                "missing required field \"{label}\" (the file has no field recognised as the {}; name one with --map {}=FIELD)",
                match role {
                    Role::Lat => "latitude",
                    Role::Lon => "longitude",
                    other => other.name(),
                },
                role.name()
            )
        }
    }

    /// The draft's sources, ids expanded through the TimeMap catalogue.
    fn sources<'d>(&'d self, draft: &'d Draft<'_>) -> Vec<SourceRef<'d>> {
        let mut sources = Vec::with_capacity(draft.sources.len());
        for (name, url) in &draft.sources {
            let name = trimmed(name);
            if name.is_empty() {
                continue;
            }
            match self.catalog.as_ref().and_then(|c| c.get(name)) {
                Some(entries) => sources.extend(entries.iter().map(|(name, url)| SourceRef {
                    name,
                    url: url.as_deref(),
                })),
                None => sources.push(SourceRef {
                    name,
                    url: url.as_deref().map(trimmed).filter(|u| !u.is_empty()),
                }),
            }
        }
        sources
    }

    /// What to tell about how `event` was placed ([`placement_note`]).
    pub fn note(&self, event: &Event) -> Option<String> {
        placement_note(event, self.regions)
    }

    /// The region an event belongs to and how that was decided: the declared
    /// one when it is loaded (warning if the coordinates say otherwise), else
    /// the one containing it or, in the sea just off a coast, that coast's.
    fn assign_region(
        &self,
        declared: Option<&str>,
        position: Coord<f64>,
        warnings: &mut Vec<String>,
    ) -> (Option<u32>, Placement) {
        let assigned = self.regions.assign(position);
        let located = assigned.map(|a| a.region() as u32);
        let by_position = match assigned {
            Some(Assigned::Offshore { metres, .. }) => Placement::Coastal {
                offshore_m: metres.round() as u16,
            },
            _ => Placement::Position,
        };
        let Some(declared) = declared else {
            return (located, by_position);
        };
        let Some(&index) = self.region_ids.get(declared) else {
            warnings.push(format!(
                "\"region\" \"{declared}\" is not a loaded region; placed by its coordinates in {}",
                self.region_name(located)
            ));
            return (located, by_position);
        };
        if located != Some(index) {
            warnings.push(format!(
                "\"region\" is \"{declared}\" but the coordinates are in {}; kept in \"{declared}\"",
                self.region_name(located)
            ));
        }
        (Some(index), Placement::Declared)
    }

    /// `date_precision`, when it is one borderwatch knows. Otherwise (TimeMap's
    /// `time_precision` is free text, "approximate" say) the date is read as
    /// a day, the text is kept with the event's other fields, and a warning
    /// says so.
    fn date_precision(
        &self,
        draft: &Draft<'_>,
        warnings: &mut Vec<String>,
    ) -> (DatePrecision, Option<(String, serde_json::Value)>) {
        let Some(name) = non_blank(&draft.date_precision) else {
            return (DatePrecision::Day, None);
        };
        if let Some(precision) = DatePrecision::from_name(name) {
            return (precision, None);
        }
        let field = self.names.label(Role::DatePrecision);
        warnings.push(format!(
            "\"{field}\" \"{name}\" is not one of day, week, month, year; the date is read as a day and the text kept with the event's fields"
        ));
        let kept = serde_json::Value::String(name.to_string());
        (DatePrecision::Day, Some((field, kept)))
    }

    /// A notional event is in no region, whatever its point: the region the
    /// file names, if loaded, is only what it is about.
    fn notional_placement(&self, declared: Option<&str>, warnings: &mut Vec<String>) -> Placement {
        let about = declared.and_then(|declared| {
            let index = self.region_ids.get(declared).copied();
            if index.is_none() {
                warnings.push(format!(
                    "\"region\" \"{declared}\" is not a loaded region; the notional event is about no tracked region"
                ));
            }
            index
        });
        Placement::Notional { about }
    }

    fn region_name(&self, index: Option<u32>) -> String {
        index
            .and_then(|i| self.regions.get(i as usize))
            .map_or_else(|| "no tracked region".to_string(), |r| format!("\"{}\"", r.id))
    }
}

/// What to tell about how an event was placed, when it is worth telling: a
/// point in the sea counted in the region whose coast it lies off.
pub fn placement_note(event: &Event, regions: &RegionSet) -> Option<String> {
    let Placement::Coastal { offshore_m } = event.placement() else {
        return None;
    };
    let region = event.region().and_then(|i| regions.get(i as usize))?;
    Some(format!(
        "coastal: {:.1} km off the coast of {}, counted in it (points in the sea within {:.0} km of a tracked region's coast, and nearer to it than to other land, belong to it)",
        f64::from(offshore_m) / 1000.0,
        region.name,
        crate::data::regions::coast::COASTAL_REACH_M / 1000.0
    ))
}

/// `end_date`, when it can be read and is not before `date`; otherwise a warning.
fn end_date(
    draft: &Draft<'_>,
    date: EventDate,
    order: Option<DateOrder>,
    warnings: &mut Vec<String>,
) -> Option<EventDate> {
    match non_blank(&draft.end_date) {
        None => None,
        Some(text) => match parse_field_date(text, order) {
            Ok(end) if end < date => {
                warnings.push(format!(
                    "\"end_date\" {end} is before \"date\" {date}; end date ignored"
                ));
                None
            }
            Ok(end) => Some(end),
            Err(error) => {
                warnings.push(format!("field \"end_date\": {error}; end date ignored"));
                None
            }
        },
    }
}

/// `precision`, when it is one borderwatch knows; otherwise a warning.
fn precision(draft: &Draft<'_>, warnings: &mut Vec<String>) -> Option<Precision> {
    non_blank(&draft.precision).and_then(|name| {
        let precision = Precision::from_name(name);
        if precision.is_none() {
            warnings.push(format!(
                "\"precision\" \"{name}\" is not one of exact, approximate, region, notional, gazetteer; ignored"
            ));
        }
        precision
    })
}

/// `troops`, when it is a whole number up to [`MAX_TROOPS`] (more than
/// half the world's population); otherwise a warning.
fn troops(draft: &Draft<'_>, warnings: &mut Vec<String>) -> Option<u32> {
    non_blank(&draft.troops).and_then(|text| {
        let troops = whole_number(text).map(troops_within_limit);
        let problem = match troops {
            Some(Some(troops)) => return Some(troops),
            Some(None) => format!("must be at most {MAX_TROOPS}"),
            None => "must be a whole number".to_string(),
        };
        warnings.push(format!("\"troops\" {problem}, found {text}; ignored"));
        None
    })
}

/// Whether a coordinate that is not a number is already among `problems`
/// (so the record is not also said to miss it, nor looked up by its place).
fn coordinate_named_bad(problems: &[String]) -> bool {
    problems
        .iter()
        .any(|p| p.contains("(degrees)") || p.contains("not a JSON number"))
}

/// Whether a draft has a latitude or a longitude (then a missing or bad one
/// is its problem, not a reason to look its place up).
fn has_coordinates(draft: &Draft<'_>) -> bool {
    draft.lat.is_some() || draft.lon.is_some()
}

/// Checks that a position is WGS84 longitude/latitude.
fn check_position(position: Coord<f64>) -> Result<(), String> {
    if (-90.0..=90.0).contains(&position.y) && (-180.0..=180.0).contains(&position.x) {
        Ok(())
    } else {
        Err(format!(
            "coordinates lat {}, lon {} are outside WGS84 degrees (latitude -90..90, longitude -180..180)",
            position.y, position.x
        ))
    }
}

/// A non-negative whole number written as an integer or as an integral float.
pub fn whole_number(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Some(n);
    }
    let f: f64 = text.parse().ok()?;
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1e18).then_some(f as u64)
}

/// The file name without folders and extension, for generated ids.
pub fn file_stem(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let name = name.strip_prefix("bundled:").unwrap_or(name);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(regions: &RegionSet) -> RecordRules<'_> {
        RecordRules::new("dir/file.json", regions, 2)
    }

    proptest::proptest! {
        #[test]
        fn trimmed_is_trim(text in "[ \t\n\u{a0}\u{3000}\u{85}a-zé!~\u{7f}]{0,6}") {
            proptest::prop_assert_eq!(trimmed(&text), text.trim());
        }
    }

    #[test]
    fn a_complete_draft_becomes_an_event_in_its_region() {
        let regions = RegionSet::bundled().expect("regions");
        let draft = Draft {
            title: Some("Drill".into()),
            date: Some("2021-04-22".into()),
            lat: Some(47.23),
            lon: Some(39.72),
            actors: vec![" A ".into(), "".into(), "B".into()],
            sources: vec![
                ("Outlet".into(), Some("https://x.org".into())),
                (" ".into(), None),
            ],
            troops: Some("1200".into()),
            ..Draft::default()
        };
        let mut warnings = Vec::new();
        let mut layout = TextLayout::default();
        let mut event = rules(&regions)
            .event(
                draft,
                7,
                12,
                &mut Categories::default(),
                &mut layout,
                &mut warnings,
            )
            .expect("valid");
        assert_eq!(layout.id(&event), "file#7");
        layout.share(std::slice::from_mut(&mut event));
        assert!(warnings.is_empty());
        assert_eq!(event.id(), "file#7");
        assert_eq!(event.actors().collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(event.sources().count(), 1);
        assert_eq!(event.troops(), Some(1200));
        assert_eq!(event.region(), regions.index_of("rostov").map(|i| i as u32));
        assert_eq!(
            event.origin,
            EventOrigin {
                file: 2,
                record: 7,
                line: 12
            }
        );
    }

    #[test]
    fn whole_numbers_and_stems() {
        assert_eq!(whole_number("40000"), Some(40_000));
        assert_eq!(whole_number("4.0e4"), Some(40_000));
        assert_eq!(whole_number("4.5"), None);
        assert_eq!(whole_number("-1"), None);
        assert_eq!(whole_number("40,000"), None);
        assert_eq!(file_stem("a/b/events.v2.json"), "events.v2");
        assert_eq!(file_stem("bundled:assets/events/sample.json"), "sample");
        assert_eq!(file_stem("noext"), "noext");
    }
}
