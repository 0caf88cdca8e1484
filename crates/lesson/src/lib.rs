//! The Pelita lesson core: the module format (v1, JSON), its validation, scoring, and the
//! learner's session state machine.
//!
//! This crate is pure Rust with no web dependencies, so everything that decides what a
//! learner sees and earns is tested natively with `cargo test`. The key design decision is
//! that loading never stops at the first problem: [`load_module`] reads the JSON into a
//! generic tree, then walks it once collecting every problem with its JSON path and its
//! line and column in the source, so a content team fixes a broken module in one pass.
//! The player's reducer only delegates to [`Session`]; it never decides anything itself.

mod error;
mod json;
mod lang;
mod load;
mod locate;
mod model;
mod scoring;
mod session;

pub use error::{LoadError, Problem, SessionError};
pub use lang::{insertion_sort_by, LangMap};
pub use load::{blank_markers, is_absolute_iri, load_module, FORMAT_VERSION};
pub use locate::{child_index, child_key, locate};
pub use model::{
    format_decimal, normalise_answer, parse_decimal, Blank, Block, Branch, BranchOption, Callout,
    CalloutKind, CaseFold, Choice, Competency, Feedback, Flashcard, Image, Inline, Item, Lesson,
    Media, Module, NumericRange, Page, Question, QuestionKind, Region, RichBlock, Section, Step,
    StepCheck, Track,
};
pub use scoring::{judge, Outcome, Score};
pub use session::{Answer, Command, Event, PageRef, Phase, Response, Session, Snapshot};
