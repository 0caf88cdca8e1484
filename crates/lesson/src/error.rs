//! Errors of the lesson core.

use std::fmt;

/// One problem found in a module, located by JSON path and, where known, by line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The JSON path of the offending value, such as `$.lessons[0].pages[1].title.en`.
    pub path: String,
    /// The 1-based line of the value in the source text, when it could be located.
    pub line: Option<usize>,
    /// The 1-based column of the value in the source text, when it could be located.
    pub column: Option<usize>,
    /// What is wrong, in words a content author understands.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{line}:{column}: ")?,
            (Some(line), None) => write!(f, "{line}: ")?,
            _ => {}
        }
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a module could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// The text is not JSON at all; serde_json's message and position are kept.
    #[error("{line}:{column}: not valid JSON: {message}")]
    Syntax {
        /// The 1-based line where parsing failed.
        line: usize,
        /// The 1-based column where parsing failed.
        column: usize,
        /// serde_json's description of the failure.
        message: String,
    },
    /// The JSON was read but breaks the module format; every problem found is listed.
    #[error("{} problem(s) in the module:\n{}", .0.len(), join_problems(.0))]
    Invalid(Vec<Problem>),
}

impl LoadError {
    /// Every problem as a list, a syntax error counting as one problem at `$`.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            LoadError::Syntax {
                line,
                column,
                message,
            } => vec![Problem {
                path: "$".into(),
                line: Some(*line),
                column: Some(*column),
                message: format!("not valid JSON: {message}"),
            }],
            LoadError::Invalid(problems) => problems.clone(),
        }
    }

    /// The problems formatted one per line, each prefixed with the file name, as a
    /// compiler would print them: `file:line:column: path: message`.
    pub fn report(&self, file: &str) -> String {
        self.problems()
            .iter()
            .map(|p| format!("{file}:{p}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn join_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A command that the session cannot carry out in its current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The command needs a running attempt, but the session has not started or has finished.
    #[error("no attempt is in progress")]
    NotInProgress,
    /// `Start` was sent to a session that has already started.
    #[error("the session has already started")]
    AlreadyStarted,
    /// `Retry` was sent before the attempt finished.
    #[error("the attempt has not finished yet")]
    NotFinished,
    /// A page index outside the module.
    #[error("there is no page {0}")]
    NoSuchPage(usize),
    /// A question id that the module does not have.
    #[error("there is no question `{0}`")]
    NoSuchQuestion(String),
    /// A response of the wrong kind or naming an unknown choice.
    #[error("invalid response for question `{question}`: {reason}")]
    InvalidResponse {
        /// The question's id.
        question: String,
        /// Why the response does not fit the question.
        reason: String,
    },
    /// The question was already submitted in this attempt; answers are final.
    #[error("question `{0}` was already answered in this attempt")]
    AlreadyAnswered(String),
    /// Submit was sent with no response chosen.
    #[error("question `{0}` has no response to submit")]
    NoResponse(String),
    /// The question is in a pool and was not drawn for this attempt.
    #[error("question `{0}` is not asked in this attempt")]
    NotAsked(String),
    /// `Retry` was sent after the module's last allowed attempt.
    #[error("all {0} attempts are used")]
    NoAttemptsLeft(u32),
}
