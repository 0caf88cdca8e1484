//! Errors of the xAPI layer.

/// One problem with the launch parameters (URL query or launch.json).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchProblem {
    /// Where the value came from and its name, such as `query: actor` or `launch.json: endpoint`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for LaunchProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Errors of the xAPI layer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XapiError {
    /// A stored outbox could not be read back; the text says what is wrong with it.
    #[error("the saved statement outbox could not be read: {0}")]
    Storage(String),
}
