//! What can go wrong while reading statements for a report.

use thiserror::Error;

/// A page of statements the report could not read.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// The LRS's answer is not a StatementResult: not JSON, or not an object with a
    /// `statements` list. `line` and `column` locate the JSON problem (1-based), 0 when
    /// the JSON is well formed but has the wrong shape.
    #[error(
        "the LRS's answer is not a statement result (line {line}, column {column}): {message}"
    )]
    NotAStatementResult {
        /// The line of the problem.
        line: usize,
        /// The column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A stored summary that is not JSON of the summary's shape; `line` and `column`
    /// locate the problem (1-based).
    #[error("the stored summary is not readable (line {line}, column {column}): {message}")]
    NotASummary {
        /// The line of the problem.
        line: usize,
        /// The column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A stored summary of another format version (made by another Pelita).
    #[error("the stored summary has format version {found:?}, this Pelita reads version {expected}; make a new one with `pelita stats update --rebuild`")]
    SummaryVersion {
        /// The version found (`None`: no version).
        found: Option<u32>,
        /// The version this build reads.
        expected: u32,
    },
    /// A stored summary of another module.
    #[error("the stored summary is about {found}, not {expected}")]
    SummaryModule {
        /// The module the summary is about.
        found: String,
        /// The module asked for.
        expected: String,
    },
}
