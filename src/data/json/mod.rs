//! Reading JSON so that every problem has a line and column: positions in the
//! text ([`position`]), strings borrowed from the input ([`strings`]), records
//! cut out of a stream without building values ([`scanner`]) or out of a text
//! held in memory ([`raw`]). Knows nothing of events or regions.

pub mod position;
pub mod raw;
pub mod scanner;
pub mod strings;

pub use position::{SourceText, json_message, line_column_after, shift_location, strip_bom, syntax_message};
pub use scanner::{RecordBlock, RecordScanner, RecordSpan, TopLevelInfo};
