//! Errors of the embedded LRS, and the HTTP answer each one becomes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pelita_xapi::Problem;

/// Everything that can go wrong in the LRS, from a bad request to a failing disk.
#[derive(Debug, thiserror::Error)]
pub enum LrsError {
    /// The request is malformed (bad JSON, a missing or unknown parameter, a wrong content
    /// type); the text says what to fix. Answered with 400.
    #[error("{0}")]
    BadRequest(String),
    /// One or more statements break the xAPI rules; each problem names its JSON path.
    /// Answered with 400 and the whole list.
    #[error("invalid statement: {}", first_problems(.0))]
    Invalid(Vec<Problem>),
    /// A statement id already stored with a different statement, or a document written
    /// without the concurrency header its resource requires. Answered with 409.
    #[error("{0}")]
    Conflict(String),
    /// An `If-Match` / `If-None-Match` precondition does not hold. Answered with 412.
    #[error("{0}")]
    PreconditionFailed(String),
    /// The requested statement or document does not exist. Answered with 404.
    #[error("{0}")]
    NotFound(String),
    /// Missing or wrong credentials. Answered with 401 and a Basic challenge.
    #[error("missing or wrong credentials")]
    Unauthorized,
    /// The request body is larger than the configured limit. Answered with 413.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// The credentials file cannot be read or has a malformed line (it names the line).
    #[error("credentials file: {0}")]
    Credentials(String),
    /// SQLite failed (a full disk, a corrupt or locked file). Answered with 500; the
    /// statement was not stored.
    #[error("storage: {0}")]
    Storage(String),
}

impl From<rusqlite::Error> for LrsError {
    fn from(e: rusqlite::Error) -> LrsError {
        LrsError::Storage(e.to_string())
    }
}

fn first_problems(problems: &[Problem]) -> String {
    let shown: Vec<String> = problems.iter().take(5).map(Problem::to_string).collect();
    let more = problems.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} (and {more} more)", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

impl LrsError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            LrsError::BadRequest(_) | LrsError::Invalid(_) => StatusCode::BAD_REQUEST,
            LrsError::Conflict(_) => StatusCode::CONFLICT,
            LrsError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            LrsError::NotFound(_) => StatusCode::NOT_FOUND,
            LrsError::Unauthorized => StatusCode::UNAUTHORIZED,
            LrsError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            LrsError::Credentials(_) | LrsError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for LrsError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = serde_json::json!({ "error": true, "message": self.to_string() });
        if let LrsError::Invalid(problems) = &self {
            body["problems"] = problems
                .iter()
                .map(|p| serde_json::json!({ "path": p.path, "message": p.message }))
                .collect();
        }
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"pelita-lrs\", charset=\"UTF-8\""),
            );
        }
        response
    }
}
