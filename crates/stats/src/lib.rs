//! Module analytics from xAPI statements: the figures of Pelita's report view.
//!
//! The report reads what `pelita_xapi::Reporter` writes, from any conformant LRS: an
//! attempt is a registration, a page view is `experienced` on a page IRI, a question is
//! `answered` on a question IRI with `result.response`, `success` and `score`, and
//! competencies travel as `contextActivities.category` activities of the competency type.
//! The key design decision is that the crate is pure and incremental: pages of statements
//! are read one at a time into compact facts ([`Collector::add_page`]), so a report over
//! 100,000 statements never holds their JSON (a page is parsed through typed structs that
//! borrow from its text and skip what no figure reads), and every figure is a plain function of the
//! facts, tested natively on small hand-computed cases. Where data is too thin for a
//! figure (no answers, one learner, an item everyone got right), the figure is `None`,
//! never NaN or a division by zero.

mod collect;
mod competency;
mod csv;
mod error;
mod numbers;
mod query;
mod report;
mod sample;
mod sketch;
mod summary;

pub use collect::{pick, Collector, Definition, Fact, Names, Sym, Verb, TYPE_COMPETENCY};
pub use competency::{Competencies, Learner, Mark, LEARNER_SAMPLE_SIZE};
pub use csv::{field as csv_field, questions_csv, HEADER as CSV_HEADER};
pub use error::StatsError;
pub use numbers::{correlation, median, parse_duration_ms, share, MIN_PAIRS};
pub use query::{
    activity_url, day_bound, encode, first_stored, guess_more, resolve_more, split_period,
    statements_url, PAGE_SIZE, SLICES,
};
pub use report::{
    Bin, CompetencyStats, Day, Entry, Flag, OptionCount, Outline, PageStats, QuestionStats, Report,
    Weak, GROUP_SHARE, MIN_FOR_FLAGS, MIN_FOR_GROUPS,
};
pub use sample::{Answer, Sample, SAMPLE_SIZE};
pub use sketch::{hash, Distinct, Sketch, RELATIVE_ERROR};
pub use summary::{
    newest_stored, DayCounts, Need, PageCounts, QuestionCounts, Summary, Update, ANSWERED,
    PROFILE_ID, SUMMARY_VERSION,
};
