//! xAPI for Pelita: statement types, the pure function from session events to statements,
//! response patterns, launch parameters and the outbox's delivery rules.
//!
//! Nothing here touches the network, the clock or a random source: time and ids come in
//! through the [`Env`] trait, and the outbox decides what to send and what an answer means
//! without sending anything. That keeps every statement Pelita can produce reproducible in
//! a native test (golden statements), while the player at the browser edge only moves bytes.

pub mod cmi5;
mod error;
mod launch;
mod outbox;
mod pattern;
mod report;
mod resume;
pub mod scorm;
mod statement;
mod time;
pub mod validate;
pub mod verbs;

pub use error::{LaunchProblem, XapiError};
pub use launch::{parse_hex_colour, ColorScheme, Launch, QueryPairs};
pub use outbox::{
    backoff_ms, parse_retry_after, sort_by_seq, validation_problems, Batch, Checker, Delivery,
    Entry, Outbox, Policy, SendOutcome, Verdict, DEFAULT_BATCH, MAX_RETRY_AFTER_MS,
};
pub use pattern::{
    correct_responses_pattern, interaction_type, response_pattern, step_text, MAX_PATTERNS,
};
pub use report::{Env, Reporter};
pub use resume::{state_url, SavedAttempt, StateApi, StateRead, StateWrite, STATE_ID};
pub use statement::*;
pub use time::{format_duration, format_timestamp, parse_http_date, parse_timestamp};
pub use validate::{batch_problems, batch_problems_for, statement_problems, Problem, Spec};

/// The xAPI version sent in the `X-Experience-API-Version` header of every request.
pub const XAPI_VERSION: &str = "1.0.3";
