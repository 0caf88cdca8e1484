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
}
