//! Events: what they are ([`event`], [`category`], [`date`], with the date
//! forms of other tools in [`date_forms`]), the rules a record goes through
//! to become one ([`draft`]), what a file's fields mean ([`mapping`]) and
//! what its source ids stand for ([`sources_file`]), the readers for each
//! kind of input ([`read`]), the cache of files read before ([`cache`], with the spatial order it
//! keeps in [`cache_spatial`]), ids and the merge of a file by id ([`id`],
//! [`merge`]), and the immutable set the app shows ([`set`]). No drawing here.

pub mod cache;
mod cache_codec;
pub mod cache_spatial;
pub mod category;
pub mod date;
pub mod date_forms;
pub mod draft;
pub mod event;
pub mod geocode;
pub mod id;
pub mod mapping;
pub mod merge;
pub mod read;
pub mod set;
pub mod sources_file;
pub mod text_file;

pub use cache::EventCache;
pub use category::{Categories, CategoryId, EventCategory};
pub use date::{DatePrecision, EventDate};
pub use date_forms::{DateOrder, parse_field_date};
pub use event::{
    Event, EventOrigin, EventTexts, MAX_TROOPS, OtherFields, Placement, Precision, SourceRef, TextBlock,
};
pub use read::{FileSummary, LoadProgress};
pub use set::{EventFile, EventSet, EventSetBuilder, sort_newest_first};
